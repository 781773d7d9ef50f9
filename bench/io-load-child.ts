/**
 * Child process of bench/io.bench.ts (one measurement per process, so the peak RSS is its own):
 * `node --import tsx bench/io-load-child.ts <mode> <file.parquet>` prints one JSON line with the
 * wall time, the CPU time of the process (every thread) and of its main thread, and the peak RSS
 * growth over the process's RSS after DuckDB is opened.
 * Modes: duckdb-sum (DuckDB's own SELECT sum(...) scan), duckdb-load (DuckDB's own load of the file
 * into its memory: CREATE TEMP TABLE AS), fill (a fresh n x d Float64Array written once: the floor
 * of any loader into new memory; the count and DESCRIBE are timed too), fetch (every chunk of `SELECT *` handed to
 * JavaScript and released, nothing copied: the floor of any reader on @duckdb/node-api), table
 * (readParquet), tomatrix (readParquet + toMatrix: X is the Table's row-major block, no second copy;
 * `shared` in the output says so), tomatrix-copy (readParquet + toMatrix with copy: true, the
 * previous behaviour: Table and a fresh Matrix both alive), tomatrix-target (readParquet + toMatrix
 * with the last column as the target: the block compacted in place), matrix (readMatrix).
 */
import { readFileSync } from 'node:fs';
import { closeConnection, connection, query, readMatrix, readParquet, toMatrix } from '../src/io/index.js';
import { chunkReleaser } from '../src/io/vectors.js';
import { sharedBlock } from '../src/core/table.js';

const [mode, file] = [process.argv[2]!, process.argv[3]!];
await connection();
await query('SELECT 1');
const base = process.memoryUsage().rss;
/** CPU time of the main (JavaScript) thread alone, ms (Linux; 0 elsewhere). */
const mainCpu = (): number => {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch { return 0; }
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const main0 = mainCpu();
let rows = 0, cols = 0;
let shared: boolean | undefined;
if (mode === 'shape') {
  const t = await query(`SELECT count(*) AS n FROM read_parquet('${file}')`);
  rows = Number(t.get(0, 'n'));
  cols = (await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).nRows;
} else if (mode === 'duckdb-sum') {
  const names = (await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).values('column_name').map(String);
  cols = names.length;
  const t = await query(`SELECT count(*) AS n, ${names.map((c) => `sum("${c}")`).join(', ')} FROM read_parquet('${file}')`);
  rows = Number(t.get(0, 'n'));
} else if (mode === 'duckdb-load') {
  // DuckDB's own load of the file into its memory (CREATE TABLE AS): what "loading" costs the engine
  const names = (await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).values('column_name').map(String);
  cols = names.length;
  await query(`CREATE OR REPLACE TEMP TABLE deepmine_load AS SELECT * FROM read_parquet('${file}')`);
  rows = Number((await query('SELECT count(*) AS n FROM deepmine_load')).get(0, 'n'));
} else if (mode === 'fill') {
  // the floor of any loader into fresh memory: allocate n x d doubles and write each once
  const t = await query(`SELECT count(*) AS n FROM read_parquet('${file}')`);
  rows = Number(t.get(0, 'n'));
  cols = (await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).nRows;
  new Float64Array(rows * cols).fill(1);
} else if (mode === 'fetch') {
  const con = await connection();
  const result = await con.stream(`SELECT * FROM read_parquet('${file}')`);
  const released = chunkReleaser();
  for (;;) {
    const ch = await result.fetchChunk();
    if (!ch || ch.rowCount === 0) break;
    rows += ch.rowCount;
    released();
  }
  cols = result.columnCount;
} else if (mode === 'table') {
  const t = await readParquet(file);
  rows = t.nRows; cols = t.nCols;
} else if (mode === 'tomatrix' || mode === 'tomatrix-copy') {
  const t = await readParquet(file);
  const { X } = toMatrix(t, { copy: mode === 'tomatrix-copy' });
  rows = X.rows; cols = X.cols;
  shared = X.data === sharedBlock(t.columns);
} else if (mode === 'tomatrix-target') {
  // the last column as the target: the block is compacted in place to the other columns
  const t = await readParquet(file);
  const target = t.names[t.nCols - 1]!;
  const { X } = toMatrix(t, { target });
  rows = X.rows; cols = X.cols + 1;
  shared = X.data === sharedBlock(t.columns.filter((c) => c.name !== target));
} else if (mode === 'matrix') {
  const { X } = await readMatrix(file);
  rows = X.rows; cols = X.cols;
} else throw new Error(`unknown mode ${mode}`);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ mode, rows, cols, ms, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs: mainCpu() - main0, baseBytes: base, growthBytes: peak - base, ...(shared === undefined ? {} : { shared }) }));
await closeConnection();

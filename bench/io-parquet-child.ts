/**
 * Child process of bench/io-parquet.bench.ts: one measurement per process (its own peak RSS).
 * `node --import tsx bench/io-parquet-child.ts <mode> <file.parquet>` prints one JSON line: wall
 * time, CPU time of all threads, peak RSS growth over the RSS after DuckDB is opened.
 * Modes: scan (DuckDB's own `SELECT count(*), sum(...)`), duckdb (readMatrix through DuckDB,
 * parquetDecoder.mode = 'duckdb'), own (readMatrix through our decoder; the worker pool starts
 * inside the timing), own-warm (the pool started before the timing), own-1 (one thread),
 * touch (allocate a Float64Array of n x d and fill it: the page-fault floor of any loader).
 */
import { closeConnection, connection, query, readMatrix } from '../src/io/index.js';
import { parquetDecoder } from '../src/io/readMatrix.js';
import { registerKernel, runTasks, linalgThreads, setLinalgThreads } from '../src/linalg/threads.js';

const [mode, file] = [process.argv[2]!, process.argv[3]!];
await connection();
await query('SELECT 1');
const names = (await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).values('column_name').map(String);
const n = Number((await query(`SELECT count(*) AS n FROM read_parquet('${file}')`)).get(0, 'n'));
if (mode === 'own-warm') {
  registerKernel('benchNoop', function () { /* starts the pool */ });
  runTasks(Array.from({ length: linalgThreads() }, () => ({ fn: 'benchNoop', args: [] })));
}
if (mode === 'own-1') setLinalgThreads(1);
parquetDecoder.mode = mode === 'duckdb' ? 'duckdb' : 'auto';
const base = process.memoryUsage().rss;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let rows = 0, cols = 0, check = 0;
if (mode === 'scan') {
  const t = await query(`SELECT count(*) AS n, ${names.map((c) => `sum("${c}") AS "s_${c}"`).join(', ')} FROM read_parquet('${file}')`);
  rows = Number(t.get(0, 'n'));
  cols = names.length;
} else if (mode === 'touch') {
  const X = new Float64Array(n * names.length);
  X.fill(1);
  rows = n; cols = names.length; check = X[X.length - 1]!;
} else {
  const { X } = await readMatrix(file);
  rows = X.rows; cols = X.cols;
  for (let i = 0; i < X.data.length; i += 65537) check += X.data[i]!;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ mode, rows, cols, ms, cpuMs: (cpu.user + cpu.system) / 1000, growthBytes: peak - base, path: parquetDecoder.last.path, readMs: parquetDecoder.last.readMs, check }));
await closeConnection();

/**
 * Where a Parquet load's time goes (issue 18): one configuration per process, printing wall time,
 * CPU time of every thread and of the main (JavaScript) thread, and peak RSS growth. Not part of
 * `npm run bench`; run by hand beside `bench/io-load-child.ts duckdb-sum <file>`:
 *
 *   node --import tsx bench/io-load-cost.ts <file.parquet> <parts> <gcEvery> <copy>
 *
 * parts: row ranges streamed at once (1 = one plain stream); gcEvery: a young-generation collection
 * every k chunks (0 = none; io/vectors.ts chunkReleaser); copy: `none` (fetch every chunk, touch
 * nothing), `cols` (each column vector into its Float64Array, as readParquet), `matrix` (each
 * column scattered with stride d into the row-major array, readMatrix's fallback), `rows` (one
 * DOUBLE[d] array per row, one block copy per chunk, as readMatrix), `prefault` (as `cols`, but
 * the output pages are touched before the clock starts: the cost of first-touch page faults),
 * `touch` (as `cols`, the pages touched one write per 4 KiB inside the clock, before the query).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DuckDBInstance, type DuckDBDataChunk, type DuckDBVector } from '@duckdb/node-api';

const [file, parts, gcEvery, copy] = [process.argv[2]!, Number(process.argv[3] ?? 4), Number(process.argv[4] ?? 16), process.argv[5] ?? 'cols'];
if (!['none', 'cols', 'matrix', 'rows', 'prefault', 'touch'].includes(copy)) throw new Error(`unknown copy mode ${copy}`);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o: { type: 'minor' }) => void;
const mainCpu = (): number => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const lit = `'${file.replace(/'/g, "''")}'`;
const n = Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${lit})`)).getRows()[0]![0]);
const names = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit})`)).getRowObjectsJS().map((o) => `"${String(o.column_name)}"`);
const d = names.length;
const X = copy === 'matrix' || copy === 'rows' ? new Float64Array(n * d) : null;
const cols = copy === 'cols' || copy === 'prefault' || copy === 'touch' ? names.map(() => new Float64Array(n)) : null;
if (copy === 'prefault') for (const c of cols!) c.fill(0);
const base = process.memoryUsage().rss;
const t0 = performance.now(), cpu0 = process.cpuUsage(), main0 = mainCpu();
// touch: the output pages are touched (one write per 4 KiB page) inside the clock, before the query starts
if (copy === 'touch') for (const c of cols!) for (let i = 0; i < c.length; i += 512) c[i] = 0;
const items = (v: DuckDBVector): Float64Array => (v as unknown as { items: Float64Array }).items;
const what = copy === 'rows' ? `CAST([${names.join(', ')}] AS DOUBLE[${d}])` : names.join(', ');
const sel = (lo: number, hi: number) => (parts === 1
  ? `SELECT ${what} FROM read_parquet(${lit})`
  : `SELECT ${what} FROM read_parquet(${lit}, file_row_number = true) WHERE file_row_number >= ${lo} AND file_row_number < ${hi}`);
let chunks = 0;
function onChunk(ch: DuckDBDataChunk, row: number): void {
  if (gcEvery && ++chunks % gcEvery === 0) gc({ type: 'minor' });
  const cnt = ch.rowCount;
  if (cols) for (let j = 0; j < d; j++) cols[j]!.set(items(ch.getColumnVector(j)).subarray(0, cnt), row);
  else if (copy === 'rows') X!.set(items((ch.getColumnVector(0) as unknown as { childData: DuckDBVector }).childData).subarray(0, cnt * d), row * d);
  else if (copy === 'matrix') {
    for (let j = 0; j < d; j++) {
      const f = items(ch.getColumnVector(j));
      for (let i = 0, at = row * d + j; i < cnt; i++, at += d) X![at] = f[i]!;
    }
  }
}
await Promise.all(Array.from({ length: parts }, async (_, p) => {
  const lo = Math.floor((p * n) / parts), hi = Math.floor(((p + 1) * n) / parts);
  const c = await inst.connect();
  const r = await c.stream(sel(lo, hi));
  let pending = r.fetchChunk();
  let row = lo;
  for (;;) {
    const ch = await pending;
    if (!ch || ch.rowCount === 0) break;
    pending = r.fetchChunk();
    onChunk(ch, row);
    row += ch.rowCount;
  }
  if (row !== hi) throw new Error(`range ${lo}..${hi} gave ${row - lo} rows`);
  c.closeSync();
}));
const ms = performance.now() - t0, cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ parts, gcEvery, copy, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), mainCpuMs: mainCpu() - main0, growthGB: +((process.resourceUsage().maxRSS * 1024 - base) / 1e9).toFixed(2), load: loadavg().map((v) => v.toFixed(1)).join(' ') }));

/**
 * I/O benchmarks: readCsv 100k x 20 numeric (deepmine vs raw DuckDB vs papaparse, same file, same
 * process), streamMatrix over it, atomic writeCsv vs a plain write, readTransactions throughput.
 * `DEEPMINE_BENCH_BIG=1` (or `fimi` / `basket`) adds a generated 2.2 GB FIMI file and a 1 GB basket CSV
 * (T10I4D100K repeated): readTransactions
 * time and peak RSS against fpGrowthFile's two streamed passes, and the itemset counts of
 * fpGrowth on the loaded transactions beside fpGrowthFile's (they must be equal); the files are
 * deleted afterwards.
 *
 * Loading (issue 18): DuckDB generates 10,000,000 x 10 doubles (and, unless
 * `DEEPMINE_BENCH_LOAD=10m`, 50,000,000 x 10) as Parquet under the temp directory; each loader runs in
 * a child process of its own (bench/io-load-child.ts) for a clean peak RSS: DuckDB's own
 * `SELECT sum(...)` scan, DuckDB's own load of the file into its memory (`CREATE TEMP TABLE AS`),
 * the floor of writing n x d fresh doubles once, readParquet, readParquet + toMatrix (X shares the Table's row-major block),
 * the same with the last column as target (the block compacted in place), with `copy: true` (a
 * second copy), readMatrix (wall time, CPU time of all
 * threads and of the main thread, peak RSS growth). `DEEPMINE_BENCH_LOAD=0` skips this part;
 * `DEEPMINE_BENCH_LOAD_FILES=a.parquet,b.parquet` measures existing files; `DEEPMINE_BENCH_LOAD_REPEAT=k`
 * repeats the loaders k times, alternating. The `fetch` row streams `SELECT *` to JavaScript
 * and copies nothing: what any reader on @duckdb/node-api pays before its first copy.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { DuckDBInstance } from '@duckdb/node-api';
import { RandomState } from '../src/core/random.js';
import { readCsv, closeConnection, streamMatrix, writeCsv, readTransactions, fpGrowthFile } from '../src/io/index.js';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fpGrowth } from '../src/assoc/fpgrowth.js';
import { fileURLToPath } from 'node:url';
import { printTable, timeit, type BenchRow } from './util.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const path = join(dir, 'big.csv');
const n = 100_000, d = 20;
const v = new RandomState(0).standardNormal(n * d);
const lines = [Array.from({ length: d }, (_, j) => `f${j}`).join(',')];
for (let i = 0; i < n; i++) lines.push(Array.from(v.subarray(i * d, i * d + d), String).join(','));
writeFileSync(path, lines.join('\n') + '\n');

const rows: BenchRow[] = [];
const task = 'readCsv 100k x 20 -> Float64Array columns';
rows.push({ task, impl: 'deepmine', ms: await timeit(() => readCsv(path), { repeat: 5 }) });
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
rows.push({
  task, impl: 'raw DuckDB (runAndReadAll + getColumnsObjectJS)', ms: await timeit(async () => {
    const r = await con.runAndReadAll(`SELECT * FROM read_csv('${path}')`);
    return Object.values(r.getColumnsObjectJS() as Record<string, number[]>).map((a) => Float64Array.from(a));
  }, { repeat: 5 }),
});
rows.push({
  task, impl: 'papaparse 5.7 (dynamicTyping)', ms: await timeit(() => {
    const res = Papa.parse<number[]>(readFileSync(path, 'utf8'), { dynamicTyping: true, skipEmptyLines: true });
    const data = res.data.slice(1);
    return Array.from({ length: d }, (_, j) => Float64Array.from(data, (r) => r[j]!));
  }, { repeat: 3 }),
});
printTable('I/O: CSV to typed columns', rows);

const more: BenchRow[] = [];
more.push({ task: 'streamMatrix 100k x 20 (65,536-row blocks)', impl: 'deepmine', ms: await timeit(async () => { let r = 0; for await (const { X } of streamMatrix(path)) r += X.rows; return r; }, { repeat: 3 }) });
const table = await readCsv(path);
let k = 0;
more.push({ task: 'writeCsv 100k x 20 (atomic: temp + fsync + link)', impl: 'deepmine', ms: await timeit(() => writeCsv(table, join(dir, `w${k++}.csv`)), { repeat: 3 }) });
const text = readFileSync(path, 'utf8');
more.push({ task: 'writeCsv 100k x 20 (atomic: temp + fsync + link)', impl: 'writeFileSync of the same text (no fsync)', ms: await timeit(() => writeFileSync(join(dir, `p${k++}.csv`), text), { repeat: 3 }) });
const fimi = fileURLToPath(new URL('../../shared/datasets/fimi/T10I4D100K.dat', import.meta.url));
if (existsSync(fimi)) {
  const rep = join(dir, 'T10I4D100K-x10.dat');
  const src = readFileSync(fimi);
  writeFileSync(rep, Buffer.concat(Array.from({ length: 10 }, () => src)));
  const mb = statSync(rep).size / 2 ** 20;
  const ms = await timeit(() => readTransactions(rep), { repeat: 3 });
  more.push({ task: `readTransactions FIMI ${mb.toFixed(0)} MiB (1M transactions)`, impl: 'deepmine', ms });
  console.log(`readTransactions: ${(mb / (ms / 1000)).toFixed(0)} MiB/s`);
}
printTable('I/O: streaming, atomic writes, transactions', more);

const BIG = process.env.DEEPMINE_BENCH_BIG ?? '';
if ((BIG === '1' || BIG === 'fimi') && existsSync(fimi)) {
  const big = join(dir, 'big.dat');
  const src = readFileSync(fimi);
  const reps = Math.ceil(2.2e9 / src.length);
  const ws = createWriteStream(big);
  for (let r = 0; r < reps; r++) if (!ws.write(src)) await new Promise<void>((res) => ws.once('drain', () => res()));
  await new Promise<void>((res) => ws.end(() => res()));
  const gb = statSync(big).size / 1e9;
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
  let t0 = performance.now();
  let db: ReturnType<typeof readTransactions> | null = readTransactions(big);
  const tRead = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  const readPeak = peak;
  const nT = db.nTransactions, nItems = db.items.length;
  const arrays = (db.items.byteLength + db.offsets.byteLength) / 2 ** 30;
  let tm = performance.now();
  const memCounts = countByLength(fpGrowth(db, { minSupport: 0.01 }));
  tm = performance.now() - tm;
  db = null;
  (globalThis as { gc?: () => void }).gc?.();
  peak = process.memoryUsage().rss;
  timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
  t0 = performance.now();
  const c = fpGrowthFile(big, { minSupport: 0.01, countOnly: true });
  const tFile = performance.now() - t0;
  clearInterval(timer);
  console.log(`\n2.2 GB FIMI (${gb.toFixed(2)} GB, T10I4D100K x ${reps}): readTransactions ${(tRead / 1000).toFixed(1)} s, ${nT} transactions, ${nItems} items (${arrays.toFixed(2)} GiB of Int32 arrays), peak RSS ${(readPeak / 2 ** 30).toFixed(2)} GiB (start ${(rss0 / 2 ** 30).toFixed(2)}); fpGrowthFile countOnly minSupport 0.01: ${(tFile / 1000).toFixed(1)} s, peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB, ${c.total} itemsets`);
  console.log(`itemset counts by length, minSupport 0.01: fpGrowth(readTransactions(file)) [${memCounts.byLength.join(', ')}] = ${memCounts.total} (mined in ${(tm / 1000).toFixed(1)} s); fpGrowthFile [${c.byLength.join(', ')}] = ${c.total}: ${JSON.stringify(memCounts) === JSON.stringify({ total: c.total, byLength: c.byLength }) ? 'EQUAL' : 'DIFFERENT'} (load average ${loadavg().map((v) => v.toFixed(1)).join(' ')})`);
  rmSync(big, { force: true });
}

if ((BIG === '1' || BIG === 'basket') && existsSync(fimi)) {
  // a 1 GB basket CSV: T10I4D100K's transactions with items named "item<id>", repeated
  const basket = join(dir, 'big-basket.csv');
  const src = readFileSync(fimi, 'utf8').split('\n').filter((l) => l.trim()).map((l) => l.trim().split(/\s+/).map((v) => `item${v}`).join(',')).join('\n') + '\n';
  const once = Buffer.from(src);
  const reps = Math.ceil(1.0e9 / once.length);
  const ws = createWriteStream(basket);
  for (let r = 0; r < reps; r++) if (!ws.write(once)) await new Promise<void>((res) => ws.once('drain', () => res()));
  await new Promise<void>((res) => ws.end(() => res()));
  const gb = statSync(basket).size / 1e9;
  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
  const t0 = performance.now();
  const db = readTransactions(basket);
  const t = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  console.log(`\n1 GB basket CSV (${gb.toFixed(2)} GB, T10I4D100K as item<id> x ${reps}): readTransactions ${(t / 1000).toFixed(1)} s, ${db.nTransactions} transactions, ${db.items.length} items, ${db.labels.length} distinct, peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB (start ${(rss0 / 2 ** 30).toFixed(2)})`);
  const memCounts = countByLength(fpGrowth(db, { minSupport: 0.01 }));
  rmSync(basket, { force: true });
  // the same transactions as a FIMI file (T10I4D100K x reps) for fpGrowthFile
  const fimiSame = join(dir, 'same.dat');
  const raw = readFileSync(fimi);
  const ws2 = createWriteStream(fimiSame);
  for (let r = 0; r < reps; r++) if (!ws2.write(raw)) await new Promise<void>((res) => ws2.once('drain', () => res()));
  await new Promise<void>((res) => ws2.end(() => res()));
  const c = fpGrowthFile(fimiSame, { minSupport: 0.01, countOnly: true });
  rmSync(fimiSame, { force: true });
  console.log(`itemset counts by length, minSupport 0.01: fpGrowth(readTransactions(basket CSV)) [${memCounts.byLength.join(', ')}] = ${memCounts.total}; fpGrowthFile on the same transactions as FIMI [${c.byLength.join(', ')}] = ${c.total}: ${JSON.stringify(memCounts) === JSON.stringify({ total: c.total, byLength: c.byLength }) ? 'EQUAL' : 'DIFFERENT'}`);
}
con.closeSync();
await closeConnection();

const LOAD = process.env.DEEPMINE_BENCH_LOAD ?? '1';
if (LOAD !== '0') {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // DEEPMINE_BENCH_LOAD_FILES=a.parquet,b.parquet measures existing numeric files instead (kept)
  const given = process.env.DEEPMINE_BENCH_LOAD_FILES?.split(',').filter(Boolean) ?? [];
  const sizes: (number | string)[] = given.length ? given : LOAD === '10m' ? [10_000_000] : [10_000_000, 50_000_000];
  for (const N of sizes) {
    let pq: string;
    if (typeof N === 'string') pq = N;
    else {
      pq = join(dir, `load${N}.parquet`);
      const gdb = await DuckDBInstance.create(':memory:');
      const gcon = await gdb.connect();
      await gcon.run('SELECT setseed(0.25)');
      await gcon.run(`COPY (SELECT ${Array.from({ length: 10 }, (_, j) => `random() * ${j + 1} AS x${j}`).join(', ')} FROM range(${N})) TO '${pq}' (FORMAT parquet)`);
      gcon.closeSync();
      gdb.closeSync();
    }
    const shape = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'io-load-child.ts'), 'shape', pq], { encoding: 'utf8' });
    const { rows: nRows, cols: nCols } = JSON.parse((shape.stdout ?? '').trim().split('\n').pop()!) as { rows: number; cols: number };
    const valueBytes = nRows * nCols * 8;
    console.log(`\n### Loading ${nRows.toLocaleString('en-US')} x ${nCols} numbers from Parquet (${(statSync(pq).size / 1e9).toFixed(2)} GB file, ${(valueBytes / 1e9).toFixed(2)} GB as doubles); one child process per row\n`);
    console.log('| loader | time (s) | ratio vs DuckDB scan | CPU s, all threads | CPU s, main thread | peak RSS growth (GB) | growth / value bytes | load average |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    let scan = 0;
    // DEEPMINE_BENCH_LOAD_REPEAT=k runs the four loaders k times, alternating (the machine is shared)
    const repeat = Math.max(1, Number(process.env.DEEPMINE_BENCH_LOAD_REPEAT ?? 1) || 1);
    for (let rep = 0; rep < repeat; rep++) {
      for (const mode of ['duckdb-sum', 'duckdb-load', 'fill', 'fetch', 'table', 'tomatrix', 'tomatrix-target', 'tomatrix-copy', 'matrix']) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'io-load-child.ts'), mode, pq], { encoding: 'utf8' });
        const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
        if (r.status !== 0 || !line.startsWith('{')) { console.log(`| ${mode} | failed (${r.status}) | | | | | | ${(r.stderr ?? '').split('\n')[0]} |`); continue; }
        const m = JSON.parse(line) as { ms: number; cpuMs: number; mainCpuMs: number; growthBytes: number; shared?: boolean };
        if (mode === 'duckdb-sum') scan = m.ms;
        const label = { 'duckdb-sum': "DuckDB's own SELECT count(*), sum(every column) scan", 'duckdb-load': "DuckDB's own load into its memory (CREATE TEMP TABLE AS SELECT *)", fill: 'floor: a fresh n x d Float64Array written once', fetch: 'every chunk handed to JavaScript, nothing copied (floor of @duckdb/node-api)', table: 'readParquet (Table: number columns over one row-major block)', tomatrix: `readParquet + toMatrix (X is the Table's block${m.shared ? '' : ': NOT SHARED'})`, 'tomatrix-target': `readParquet + toMatrix({ target: last column }) (block compacted in place${m.shared ? '' : ': NOT SHARED'})`, 'tomatrix-copy': 'readParquet + toMatrix({ copy: true }) (Table and a fresh Matrix both held)', matrix: 'readMatrix (straight into the row-major Matrix)' }[mode];
        console.log(`| ${label} | ${(m.ms / 1000).toFixed(2)} | ${scan ? (m.ms / scan).toFixed(2) + 'x' : ''} | ${(m.cpuMs / 1000).toFixed(2)} | ${(m.mainCpuMs / 1000).toFixed(2)} | ${(m.growthBytes / 1e9).toFixed(2)} | ${(m.growthBytes / valueBytes).toFixed(2)}x | ${loadavg().map((v) => v.toFixed(1)).join(' ')} |`);
      }
    }
    if (typeof N === 'number') rmSync(pq, { force: true });
  }
}
rmSync(dir, { recursive: true, force: true });

function countByLength(sets: { items: unknown[] }[]): { total: number; byLength: number[] } {
  const out: number[] = [];
  for (const s of sets) out[s.items.length] = (out[s.items.length] ?? 0) + 1;
  return { total: sets.length, byLength: Array.from(out, (v) => v ?? 0) };
}

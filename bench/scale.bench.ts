/**
 * Scale-out (issue 18): pushed-down fits in DuckDB over a generated Parquet file, streamed
 * out-of-core fits, and the in-memory path, at growing sizes.
 *
 * Data: DuckDB generates N rows x 10 doubles (`random()` per column with a fixed `setseed`, plus
 * two linear mixes so PCA has structure) and a 0/1 label `y` (a noisy rule on four columns) into
 * a Parquet file in the temp directory, deleted after each size. Sizes via DEEPMINE_BENCH_SCALE
 * (default "1e6,1e7"; the 1e8 takes ~9 GB of disk and minutes per fit on 2 cores: pass
 * "1e6,1e7,1e8" to run it). The in-memory rows load the Parquet file with readParquet + toMatrix
 * (only up to DEEPMINE_BENCH_INMEM_MAX, default 1e7); the pushed-down tree runs up to
 * DEEPMINE_BENCH_TREE_MAX (default 1e8). Printed per fit: time, passes over the data,
 * peak RSS of this process (DuckDB's memory is in the same process; its memory_limit is set to
 * 1.5 GB for the pushed-down fits), the 1-minute load average. Rows are also printed as they
 * finish (a long run leaves partial results in its log). The streamed fits (IncrementalPCA,
 * MiniBatchKMeans, an MLP trained by `trainOnBatch`, all over `streamMatrix` in 100,000-row
 * batches) also print how much the RSS grew from the 10th batch to the end: memory bounded by the
 * batch means this stays near zero at any size (DEEPMINE_BENCH_TASKS=stream runs only them).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMeans } from '../src/cluster/kmeans.js';
import { MiniBatchKMeans } from '../src/cluster/minibatchKmeans.js';
import { IncrementalPCA, PCA } from '../src/decomposition/index.js';
import { Matrix } from '../src/core/matrix.js';
import { closeConnection, readParquet, streamMatrix, toMatrix } from '../src/io/index.js';
import { duckdbEngine } from '../src/sql/engine.js';
import { fitReport, fitSqlWith } from '../src/sql/fit.js';
import { trainSqlWith } from '../src/sql/sgd.js';
import { Dense } from '../src/nn/layers.js';
import { Adam } from '../src/nn/optimizers.js';
import { Sequential } from '../src/nn/sequential.js';
import { DecisionTreeClassifier } from '../src/tree/index.js';
import { printTable, type BenchRow } from './util.js';

const sizes = (process.env.DEEPMINE_BENCH_SCALE ?? '1e6,1e7').split(',').map(Number);
const inMemMax = Number(process.env.DEEPMINE_BENCH_INMEM_MAX ?? 1e7);
/** the pushed-down hist tree only up to this size (its per-row binning is the slowest pass) */
const treeMax = Number(process.env.DEEPMINE_BENCH_TREE_MAX ?? 1e8);
/** which groups to run (default all): tree, pca, kmeans, sgd, stream, inmem */
const only = new Set((process.env.DEEPMINE_BENCH_TASKS ?? 'tree,pca,kmeans,sgd,stream,inmem').split(','));
const D = 10, K = 8;
const cols = Array.from({ length: D }, (_, j) => `x${j}`);
/** DEEPMINE_BENCH_DATA=dir: generate the Parquet files there and keep them (reused by later runs) */
const keepDir = process.env.DEEPMINE_BENCH_DATA;
if (keepDir) mkdirSync(keepDir, { recursive: true });
const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'deepmine-scale-'));
const rows: BenchRow[] = [];
const rep = (r: unknown) => { const f = fitReport(r as object); return f ? `${f.passes} passes, ${f.queries} queries` : ''; };
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
sampler.unref();

async function timed(task: string, impl: string, fn: () => Promise<unknown>, note: (r: unknown) => string): Promise<void> {
  global.gc?.();
  peak = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  const row = { task, impl, ms, note: `${note(r)}; peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB; load ${loadavg()[0]!.toFixed(1)}` };
  rows.push(row);
  console.log(`[scale] ${row.task} | ${row.impl} | ${(ms / 1000).toFixed(1)} s | ${row.note}`);
}

try {
  for (const n of sizes) {
    const file = join(dir, `x${n}.parquet`);
    if (!keepDir || !existsSync(file)) {
    const t0 = performance.now();
    const gen = await duckdbEngine();
    await gen.query('SELECT setseed(0.42)');
    const exprs = cols.map((c, j) => (j === 8 ? `a0 + 0.5 * a1 AS ${c}` : j === 9 ? `a2 - a3 AS ${c}` : `a${j} AS ${c}`));
    const label = "CASE WHEN a0 + 0.5 * a1 - 0.3 * a2 * a3 + 0.4 * random() > 1.2 THEN 1 ELSE 0 END AS y";
    await gen.query(`COPY (SELECT ${exprs.join(', ')}, ${label} FROM (SELECT ${Array.from({ length: 8 }, (_, j) => `random() * ${j + 1} AS a${j}`).join(', ')} FROM range(${n}))) TO '${file}' (FORMAT parquet)`);
    await gen.close();
    console.log(`[scale] generated ${n} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; load ${loadavg()[0]!.toFixed(1)}`);
    }
    const src = { sql: `SELECT * FROM read_parquet('${file}')`, columns: cols };
    const size = n.toExponential(0);
    const engine = await duckdbEngine();
    await engine.query("SET memory_limit = '1.5GB'");
    // every query's time in the log as it finishes (a fit that does not finish still leaves its per-pass times)
    const send = engine.query.bind(engine);
    let nq = 0;
    engine.query = async (q: string) => {
      const t = performance.now();
      const r = await send(q);
      console.log(`[scale]   query ${++nq}: ${((performance.now() - t) / 1000).toFixed(1)} s, ${r.length} rows back, RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB, load ${loadavg()[0]!.toFixed(1)}: ${q.slice(0, 60).replace(/\s+/g, ' ')}`);
      return r;
    };
    if (n <= treeMax && only.has('tree')) await timed(`hist tree depth 8, ${size} x ${D}`, 'fitSql (DuckDB)', () => fitSqlWith(new DecisionTreeClassifier({ splitter: 'hist', maxDepth: 8, randomState: 0 }), src, { engine, target: 'y' }), rep);
    if (only.has('pca')) await timed(`PCA(3), ${size} x ${D}`, 'fitSql (DuckDB)', () => fitSqlWith(new PCA({ nComponents: 3 }), src, { engine }), rep);
    if (only.has('kmeans')) await timed(`KMeans(8), 10 Lloyd iterations, ${size} x ${D}`, 'fitSql (DuckDB)', () => fitSqlWith(new KMeans({ nClusters: K, init: new Matrix(Float64Array.from({ length: K * D }, (_, t) => (t % 7) * 0.3), K, D), maxIter: 10, tol: 0 }), src, { engine }), rep);
    // SGD inside the engine's order: each epoch is one ORDER BY over a modular permutation of the
    // file's row number (a stable key), streamed in 8,192-row fetches
    if (only.has('sgd')) await timed(`MLP 10-8-1 (Adam, 1 epoch, batch 4096), ${size} x ${D}`, 'trainSql (DuckDB, seeded ORDER BY)', async () => {
      const net = new Sequential([new Dense(8, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]).compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
      const r = await trainSqlWith(net, { sql: `SELECT *, file_row_number AS rid FROM read_parquet('${file}', file_row_number = true)` }, { engine, columns: cols, target: 'y', key: 'rid', batchSize: 4096, epochs: 1, seed: 0 });
      return { report: r.report, loss: r.loss };
    }, (r) => { const { report, loss } = r as { report: { passes: number; queries: number }; loss: number[] }; return `${report.passes} passes, ${report.queries} queries, loss ${loss[0]!.toFixed(4)}`; });
    await engine.close();
    // streamed fits: RSS after each batch too, so a fit whose memory grows with the stream shows
    // it (the peak over the run and the growth from batch 10 to the end)
    const streamed = async (fit: (X: Matrix) => void, columns: string[]): Promise<string> => {
      let b = 0, at10 = 0, maxAfter = 0;
      for await (const { X } of streamMatrix(file, { batchRows: 100_000, columns })) {
        fit(X);
        const rss = process.memoryUsage().rss;
        if (++b === 10) at10 = rss;
        else if (b > 10) maxAfter = Math.max(maxAfter, rss);
      }
      return b > 10 ? `${b} batches of 100k rows, RSS growth after batch 10: ${((maxAfter - at10) / 2 ** 20).toFixed(0)} MiB` : `${b} batches of 100k rows`;
    };
    let streamNote = '';
    const streamedNote = () => streamNote;
    if (only.has('stream')) await timed(`PCA(3), ${size} x ${D}`, 'IncrementalPCA over streamMatrix', async () => {
      const ipca = new IncrementalPCA({ nComponents: 3 });
      streamNote = await streamed((X) => ipca.partialFit(X), cols);
      return ipca;
    }, streamedNote);
    if (only.has('stream')) await timed(`KMeans(8), ${size} x ${D}`, 'MiniBatchKMeans over streamMatrix', async () => {
      const mb = new MiniBatchKMeans({ nClusters: K, randomState: 0, batchSize: 4096 });
      streamNote = await streamed((X) => mb.partialFit(X), cols);
      return mb;
    }, streamedNote);
    if (only.has('stream')) await timed(`MLP 10-8-1 (Adam, 1 epoch, batch 4096), ${size} x ${D}`, 'Sequential.trainOnBatch over streamMatrix', async () => {
      const net = new Sequential([new Dense(8, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]).compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
      const xb = new Float64Array(4096 * D), yb = new Float64Array(4096);
      streamNote = await streamed((X) => {
        for (let s0 = 0; s0 < X.rows; s0 += 4096) {
          const r = Math.min(X.rows, s0 + 4096) - s0;
          for (let i = 0; i < r; i++) { xb.set(X.data.subarray((s0 + i) * (D + 1), (s0 + i) * (D + 1) + D), i * D); yb[i] = X.data[(s0 + i) * (D + 1) + D]!; }
          net.trainOnBatch(new Matrix(xb.slice(0, r * D), r, D), yb.slice(0, r), { randomState: 0 });
        }
      }, [...cols, 'y']);
      return net;
    }, streamedNote);
    if (n <= inMemMax && only.has('inmem')) {
      let X: Matrix | null = null;
      let y: number[] = [];
      await timed(`load ${size} x ${D}`, 'readParquet + toMatrix', async () => { const t = toMatrix(await readParquet(file), { target: 'y' }); X = t.X; y = Array.from(t.y as ArrayLike<number>); return X; }, () => 'in memory');
      await timed(`hist tree depth 8, ${size} x ${D}`, 'in memory (after load)', async () => new DecisionTreeClassifier({ splitter: 'hist', maxDepth: 8, randomState: 0 }).fit(X!, y), () => 'splitter hist');
      await timed(`PCA(3), ${size} x ${D}`, 'in memory (after load)', async () => new PCA({ nComponents: 3 }).fit(X!), () => 'covariance_eigh');
      await timed(`KMeans(8), 10 Lloyd iterations, ${size} x ${D}`, 'in memory (after load)', async () => new KMeans({ nClusters: K, init: new Matrix(Float64Array.from({ length: K * D }, (_, t) => (t % 7) * 0.3), K, D), maxIter: 10, tol: 0, algorithm: 'lloyd' }).fit(X!), () => 'WASM kernel');
      X = null;
    }
    await closeConnection();
    if (!keepDir) rmSync(file, { force: true });
  }
} finally {
  if (!keepDir) rmSync(dir, { recursive: true, force: true });
}
printTable('Scale-out: pushdown vs streaming vs in memory (issue 18)', rows, 'fitSql (DuckDB)');

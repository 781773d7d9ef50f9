/**
 * Child process of test/io/streamMemory.test.ts (run with --expose-gc): writes a Parquet file of
 * `rows` x 10 doubles + a 0/1 label with DuckDB, then streams it with `streamMatrix` into one
 * streamed fit (`mode`: mbk = MiniBatchKMeans.partialFit, ipca = IncrementalPCA.partialFit,
 * net = Sequential.trainOnBatch on two 4,096-row slices per batch), collecting garbage after every batch, and
 * prints one JSON line: the RSS after the warm-up batches and the largest RSS after them.
 * Usage: node --expose-gc --import tsx streamMemory.child.ts <dir> <rows> <batchRows> <mode>
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MiniBatchKMeans } from '../../src/cluster/minibatchKmeans.js';
import { sharedKernelStats } from '../../src/cluster/kmeansWasm.js';
import { Matrix } from '../../src/core/matrix.js';
import { IncrementalPCA } from '../../src/decomposition/index.js';
import { closeConnection, streamMatrix } from '../../src/io/index.js';
import { setLinalgThreads } from '../../src/linalg/threads.js';
import { Dense } from '../../src/nn/layers.js';
import { Adam } from '../../src/nn/optimizers.js';
import { Sequential } from '../../src/nn/sequential.js';
import { duckdbEngine } from '../../src/sql/engine.js';

const [dir, rowsArg, batchArg, mode] = process.argv.slice(2);
const rows = Number(rowsArg), batchRows = Number(batchArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
// the worker-thread k-means path (the one that leaked) even on a one-core machine
setLinalgThreads(2);
const file = join(dir!, `x${rows}.parquet`);
if (!existsSync(file)) {
  const eng = await duckdbEngine();
  await eng.query('SELECT setseed(0.42)');
  const xs = Array.from({ length: 10 }, (_, j) => `random() * ${j + 1} AS x${j}`).join(', ');
  await eng.query(`COPY (SELECT ${xs}, CASE WHEN random() > 0.5 THEN 1 ELSE 0 END AS y FROM range(${rows})) TO '${file}' (FORMAT parquet)`);
  await eng.close();
}
const cols = Array.from({ length: 10 }, (_, j) => `x${j}`);
const mb = new MiniBatchKMeans({ nClusters: 8, randomState: 0, batchSize: 4096 });
const ipca = new IncrementalPCA({ nComponents: 3 });
const net = new Sequential([new Dense(8, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]).compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
const WARM = 5;
let b = 0, warm = 0, peak = 0;
for await (const { X } of streamMatrix(file, { batchRows, columns: mode === 'net' ? [...cols, 'y'] : cols })) {
  if (mode === 'mbk') mb.partialFit(X);
  else if (mode === 'ipca') ipca.partialFit(X);
  else {
    // two 4,096-row steps per block keep the test short; each step's memory is what matters
    const bs = 4096;
    for (let s = 0; s < Math.min(X.rows, 2 * bs); s += bs) {
      const r = Math.min(X.rows, s + bs) - s;
      const xb = new Float64Array(r * 10), yb = new Float64Array(r);
      for (let i = 0; i < r; i++) { xb.set(X.data.subarray((s + i) * 11, (s + i) * 11 + 10), i * 10); yb[i] = X.data[(s + i) * 11 + 10]!; }
      net.trainOnBatch(new Matrix(xb, r, 10), yb, { randomState: 0 });
    }
  }
  b++;
  // a full collection after every batch: what a long stream's allocations do sooner or later
  gc();
  const rss = process.memoryUsage().rss;
  if (b === WARM) warm = rss;
  else if (b > WARM) peak = Math.max(peak, rss);
}
await closeConnection();
console.log(JSON.stringify({ mode, batches: b, warmRss: warm, peakRss: peak, sharedMemories: sharedKernelStats.created }));

/**
 * Net training time, deepmine float32 and float64 beside scikit-learn's MLPClassifier, torch 1.13 (cpu,
 * float32, 2 threads) and TF.js, all in the same run: the seed net 20-10-1 (10 epochs, batch 32),
 * the wide net 20-256-256-1 (1 epoch, batch 256) on 80,000 x 20, and one epoch of the DEC
 * autoencoder 784-500-500-2000-10-2000-500-500-784 (batch 256, Adam, MSE) on NN_AE_ROWS (70,000)
 * x 784 uniform [0, 1) pixels vs torch. Prints the load average: the machine may be shared.
 * NN_SKIP_TFJS=1 skips TF.js; NN_PARTS (default 'seed,wide,ae') picks the parts; NN_AE_ROWS,
 * NN_AE_DTYPES ('float32') size the autoencoder part.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { Dense, Sequential } from '../src/nn/index.js';
import { printTable, runPython, type BenchRow } from './util.js';

const n = 80000, d = 20, epochs = 10, batch = 32;
const rs = new RandomState(0);
const X = new Matrix(rs.standardNormal(n * d), n, d);
const y = Array.from({ length: n }, (_, i) => (X.get(i, 0) + X.get(i, 1) * X.get(i, 2) > 0 ? 1 : 0));
const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const file = join(dir, 'xy.json');
writeFileSync(file, JSON.stringify({ X: Array.from(X.data), y }));
const task = `seed net 20-10-1, ${epochs} epochs, batch ${batch}, ${n}x${d}`;
const rows: BenchRow[] = [];

const load = () => `load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`;
console.log(`# start: ${load()}`);
const PARTS = (process.env.NN_PARTS ?? 'seed,wide,ae').split(',');
let t = performance.now();
if (PARTS.includes('seed')) {
for (const dtype of ['float32', 'float64'] as const) {
  t = performance.now();
  const model = new Sequential([new Dense(10, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { dtype }).compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const h = model.fit(X, y, { epochs, batchSize: batch, randomState: 0 });
  rows.push({ task, impl: `deepmine ${dtype}`, ms: performance.now() - t, note: `final loss ${h.history.loss!.at(-1)!.toFixed(4)}; ${load()}` });
}

const sk = runPython<{ ms: number; loss: number }>(`
import json, time, numpy as np, warnings
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings('ignore')
d = json.load(open(${JSON.stringify(file)})); X = np.array(d['X']).reshape(-1, ${d}); y = np.array(d['y'])
t = time.perf_counter()
m = MLPClassifier(hidden_layer_sizes=(10,), activation='relu', solver='adam', batch_size=${batch}, max_iter=${epochs}, tol=0, n_iter_no_change=10**9, random_state=0).fit(X, y)
print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'loss': m.loss_}))`);
rows.push({ task, impl: 'scikit-learn MLPClassifier', ms: sk?.ms ?? null, note: sk ? `final loss ${sk.loss.toFixed(4)}` : 'not available' });

const th = runPython<{ ms: number; loss: number }>(`
import json, time, numpy as np, torch
torch.set_num_threads(2)
d = json.load(open(${JSON.stringify(file)})); X = torch.tensor(np.array(d['X']).reshape(-1, ${d}), dtype=torch.float32); y = torch.tensor(d['y'], dtype=torch.float32)
net = torch.nn.Sequential(torch.nn.Linear(${d}, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-3); lossf = torch.nn.BCEWithLogitsLoss()
t = time.perf_counter()
for e in range(${epochs}):
    perm = torch.randperm(len(X)); tot = 0.0
    for s in range(0, len(X), ${batch}):
        idx = perm[s:s + ${batch}]; opt.zero_grad(); L = lossf(net(X[idx])[:, 0], y[idx]); L.backward(); opt.step(); tot += float(L) * len(idx)
print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'loss': tot / len(X)}))`, ['torch']);
rows.push({ task, impl: 'torch 1.13 (cpu, float32)', ms: th?.ms ?? null, note: th ? `final loss ${th.loss.toFixed(4)}` : 'not available' });

tf.enableProdMode();
for (const backend of process.env.NN_SKIP_TFJS ? [] : ['cpu', 'wasm']) {
  try {
    await tf.setBackend(backend);
    await tf.ready();
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 10, activation: 'relu', inputShape: [d] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const xs = tf.tensor2d(Float32Array.from(X.data), [n, d]);
    const ys = tf.tensor2d(Float32Array.from(y), [n, 1]);
    // one epoch only (TF.js is slow here); scaled to `epochs` in the table
    t = performance.now();
    const hist = await m.fit(xs, ys, { epochs: 1, batchSize: batch, verbose: 0 });
    const ms = (performance.now() - t) * epochs;
    rows.push({ task, impl: `tfjs 4.22 ${backend}`, ms, note: `1 epoch timed x ${epochs}; loss after 1 epoch ${(hist.history.loss![0] as number).toFixed(4)}` });
    xs.dispose(); ys.dispose();
  } catch (e) {
    rows.push({ task, impl: `tfjs 4.22 ${backend}`, ms: null, note: `failed: ${(e as Error).message.split('\n')[0]}` });
  }
}
printTable('Neural net training (the seed program net)', rows, 'deepmine float32');
}

// A wider net where the matrix products dominate: 20-256-256-1, batch 256, 1 epoch.
const task2 = `net 20-256-256-1 relu, 1 epoch, batch 256, ${n}x${d}`;
const rows2: BenchRow[] = [];
if (PARTS.includes('wide')) {
for (const dtype of ['float32', 'float64'] as const) {
  t = performance.now();
  const wide = new Sequential([new Dense(256, { activation: 'relu' }), new Dense(256, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })], { dtype }).compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const hw = wide.fit(X, y, { epochs: 1, batchSize: 256, randomState: 0 });
  rows2.push({ task: task2, impl: `deepmine ${dtype}`, ms: performance.now() - t, note: `loss ${hw.history.loss![0]!.toFixed(4)}; ${load()}` });
}
const sk2 = runPython<{ ms: number; loss: number }>(`
import json, time, numpy as np, warnings
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings('ignore')
d = json.load(open(${JSON.stringify(file)})); X = np.array(d['X']).reshape(-1, ${d}); y = np.array(d['y'])
t = time.perf_counter()
m = MLPClassifier(hidden_layer_sizes=(256, 256), solver='adam', batch_size=256, max_iter=1, random_state=0).fit(X, y)
print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'loss': m.loss_}))`);
rows2.push({ task: task2, impl: 'scikit-learn MLPClassifier', ms: sk2?.ms ?? null, note: sk2 ? `loss ${sk2.loss.toFixed(4)}` : 'not available' });
const th2 = runPython<{ ms: number; loss: number }>(`
import json, time, numpy as np, torch
torch.set_num_threads(2)
d = json.load(open(${JSON.stringify(file)})); X = torch.tensor(np.array(d['X']).reshape(-1, ${d}), dtype=torch.float32); y = torch.tensor(d['y'], dtype=torch.float32)
net = torch.nn.Sequential(torch.nn.Linear(${d}, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-3); lossf = torch.nn.BCEWithLogitsLoss()
t = time.perf_counter(); perm = torch.randperm(len(X)); tot = 0.0
for s in range(0, len(X), 256):
    idx = perm[s:s + 256]; opt.zero_grad(); L = lossf(net(X[idx])[:, 0], y[idx]); L.backward(); opt.step(); tot += float(L) * len(idx)
print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'loss': tot / len(X)}))`, ['torch']);
rows2.push({ task: task2, impl: 'torch 1.13 (cpu, float32)', ms: th2?.ms ?? null, note: th2 ? `loss ${th2.loss.toFixed(4)}` : 'not available' });
printTable('Neural net training (wide net)', rows2, 'deepmine float32');
}
rmSync(dir, { recursive: true, force: true });

// One epoch of the DEC autoencoder (the deep-clustering benchmark's pretraining unit).
if (PARTS.includes('ae')) {
  const nAe = Number(process.env.NN_AE_ROWS ?? 70000), dAe = 784, sizes = [500, 500, 2000, 10, 2000, 500, 500];
  const task3 = `autoencoder 784-500-500-2000-10 (mirrored), 1 epoch, batch 256, ${nAe}x${dAe}`;
  const rows3: BenchRow[] = [];
  const Xa = new Matrix(new RandomState(1).rand(nAe * dAe) as Float64Array, nAe, dAe);
  const target = Array.from({ length: nAe }, (_, i) => Xa.data.subarray(i * dAe, (i + 1) * dAe));
  for (const dtype of (process.env.NN_AE_DTYPES ?? 'float32').split(',') as ('float32' | 'float64')[]) {
    const ae = new Sequential([...sizes.map((u, i) => new Dense(u, { activation: i === 3 ? 'linear' : 'relu' })), new Dense(dAe)], { dtype }).compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    t = performance.now();
    const ha = ae.fit(Xa, target, { epochs: 1, batchSize: 256, randomState: 0 });
    rows3.push({ task: task3, impl: `deepmine ${dtype}`, ms: performance.now() - t, note: `MSE ${ha.history.loss![0]!.toFixed(5)}; ${load()}` });
  }
  const th3 = runPython<{ ms: number; loss: number }>(`
import json, time, numpy as np, torch
torch.set_num_threads(2)
X = torch.rand(${nAe}, ${dAe}, dtype=torch.float32)
sizes = [${dAe}, ${sizes.join(', ')}, ${dAe}]
layers = []
for k in range(len(sizes) - 1):
    layers.append(torch.nn.Linear(sizes[k], sizes[k + 1]))
    if k != 3 and k != len(sizes) - 2: layers.append(torch.nn.ReLU())
net = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
t = time.perf_counter(); perm = torch.randperm(len(X)); tot = 0.0
for s in range(0, len(X), 256):
    xb = X[perm[s:s + 256]]; opt.zero_grad(); L = torch.mean((net(xb) - xb) ** 2); L.backward(); opt.step(); tot += float(L) * len(xb)
print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'loss': tot / len(X)}))`, ['torch']);
  rows3.push({ task: task3, impl: 'torch 1.13 (cpu, float32)', ms: th3?.ms ?? null, note: th3 ? `MSE ${th3.loss.toFixed(5)}; ${load()}` : 'not available' });
  printTable('Autoencoder epoch (DEC pretraining unit)', rows3, 'deepmine float32');
}
console.log(`\n# end: ${load()}`);

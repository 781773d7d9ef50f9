/**
 * HistGradientBoostingClassifier: binary classification on a make_classification set
 * (`make_classification(n_samples=1.25 * N, n_features=28, n_informative=14, n_redundant=4,
 * flip_y=0.02, class_sep=0.8, random_state=0)`, the first N rows for training, the rest for the
 * test AUC), 100 iterations, 31 leaves, 255 bins, early stopping off. scikit-learn 1.2.1 and
 * XGBoost (`tree_method='hist'`, `grow_policy='lossguide'`, `max_leaves=31`) run on the same data
 * (raw float64 files) with 2 threads (OMP_NUM_THREADS=2, nthread=2), each in its own Python
 * process so its peak RSS is its own; deepmine uses linalgThreads() worker threads (all cores).
 * N defaults to 1,000,000; set HGB_N to change it. HGB_AB=1 adds, in the same process, a fit with
 * the TypeScript histogram and partition kernels (`hgbWasmSwitch` off: the model is the same bit
 * for bit), for an A/B of the WebAssembly kernels; HGB_AB=team adds a fit without the fit team
 * (`hgbTeamTuning.on` off: histograms of the largest nodes only threaded, by runTasks hand-offs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../src/core/matrix.js';
import { HistGradientBoostingClassifier } from '../src/ensemble/index.js';
import { rocAucScore } from '../src/metrics/ranking.js';
import { linalgThreads } from '../src/linalg/threads.js';
import { hgbTeamTuning, hgbWasmSwitch } from '../src/ensemble/histWasm.js';
import { printTable, runPython, type BenchRow } from './util.js';

const N = Number(process.env.HGB_N ?? 1_000_000);
const NT = Math.round(N / 4);
const D = 28;
const ITER = 100;
const dir = mkdtempSync(join(tmpdir(), 'deepmine-hgb-'));
const f = (name: string) => JSON.stringify(join(dir, name));
process.env.OMP_NUM_THREADS = '2';
// the bench machine is shared: passive OpenMP waits keep spinning threads from inflating the peers' times
process.env.OMP_WAIT_POLICY = process.env.OMP_WAIT_POLICY ?? 'PASSIVE';

const gen = runPython<{ ok: boolean }>(`
import json, numpy as np
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=${N + NT}, n_features=${D}, n_informative=14, n_redundant=4, flip_y=0.02, class_sep=0.8, random_state=0)
X[:${N}].astype(np.float64).tofile(${f('Xtr.bin')}); y[:${N}].astype(np.float64).tofile(${f('ytr.bin')})
X[${N}:].astype(np.float64).tofile(${f('Xte.bin')}); y[${N}:].astype(np.float64).tofile(${f('yte.bin')})
print(json.dumps({'ok': True}))`);
if (!gen) {
  console.log('hgb bench: needs Debian python3 with numpy + scikit-learn to generate the data');
  process.exit(0);
}

function load(name: string): Float64Array {
  const b = readFileSync(join(dir, name));
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}

interface PeerResult { fitMs: number; fitCpuMs: number; predictMs: number; auc: number; maxRssMiB: number; version: string }
const peerCode = (body: string) => `
import json, time, resource, numpy as np
from sklearn.metrics import roc_auc_score
Xtr = np.fromfile(${f('Xtr.bin')}).reshape(${N}, ${D}); ytr = np.fromfile(${f('ytr.bin')})
Xte = np.fromfile(${f('Xte.bin')}).reshape(${NT}, ${D}); yte = np.fromfile(${f('yte.bin')})
${body}
t = time.perf_counter(); c = time.process_time(); est.fit(Xtr, ytr); fit_ms = (time.perf_counter() - t) * 1000; fit_cpu = (time.process_time() - c) * 1000
auc = roc_auc_score(yte, est.predict_proba(Xte)[:, 1])
t = time.perf_counter(); est.predict_proba(Xtr); pred_ms = (time.perf_counter() - t) * 1000
print(json.dumps({'fitMs': fit_ms, 'fitCpuMs': fit_cpu, 'predictMs': pred_ms, 'auc': float(auc), 'maxRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'version': version}))`;

const sk = runPython<PeerResult>(peerCode(`
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
version = 'scikit-learn ' + sklearn.__version__
est = HistGradientBoostingClassifier(max_iter=${ITER}, max_leaf_nodes=31, max_bins=255, early_stopping=False, random_state=0)`));
const xgb = runPython<PeerResult>(peerCode(`
import xgboost
version = 'XGBoost ' + xgboost.__version__
est = xgboost.XGBClassifier(n_estimators=${ITER}, tree_method='hist', grow_policy='lossguide', max_leaves=31, max_depth=0, max_bin=256, learning_rate=0.1, n_jobs=2, random_state=0)`), ['numpy', 'sklearn', 'xgboost']);

// deepmine (histograms, binning and prediction on linalgThreads() threads, 2 on this machine; peak RSS sampled during fit)
const Xtr = new Matrix(Float64Array.from(load('Xtr.bin')), N, D);
const ytr = load('ytr.bin');
const Xte = new Matrix(Float64Array.from(load('Xte.bin')), NT, D);
const yte = Array.from(load('yte.bin'));
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const clf = new HistGradientBoostingClassifier({ maxIter: ITER, maxLeafNodes: 31, maxBins: 255, earlyStopping: false, randomState: 0 }).fit(Xtr, ytr);
const fitMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const fitCpuMs = (cpu.user + cpu.system) / 1000;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);
const proba = clf.predictProba(Xte);
const auc = rocAucScore(yte, Array.from({ length: NT }, (_, i) => proba.data[2 * i + 1]!)) as number;
const t1 = performance.now();
clf.predictProba(Xtr);
const predictMs = performance.now() - t1;

let ab: { ms: number; cpuMs: number; same: boolean } | null = null;
const abMode = process.env.HGB_AB === 'team' ? 'team' : process.env.HGB_AB === '1' ? 'ts' : null;
if (abMode) {
  if (abMode === 'ts') hgbWasmSwitch.on = false;
  else hgbTeamTuning.on = false;
  const c0 = process.cpuUsage();
  const t2 = performance.now();
  const ts = new HistGradientBoostingClassifier({ maxIter: ITER, maxLeafNodes: 31, maxBins: 255, earlyStopping: false, randomState: 0 }).fit(Xtr, ytr);
  const ms = performance.now() - t2;
  const c = process.cpuUsage(c0);
  hgbWasmSwitch.on = true;
  hgbTeamTuning.on = true;
  const p2 = ts.predictProba(Xte);
  ab = { ms, cpuMs: (c.user + c.system) / 1000, same: p2.data.every((v, i) => Object.is(v, proba.data[i])) };
}

const task = `fit ${N.toLocaleString('en-US')} x ${D}, ${ITER} iter, 31 leaves`;
const ptask = `predict_proba ${N.toLocaleString('en-US')} rows`;
const rows: BenchRow[] = [
  { task, impl: 'deepmine', ms: fitMs, note: `CPU ${(fitCpuMs / 1000).toFixed(1)} s; test AUC ${auc.toFixed(4)}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - rssBefore) / 2 ** 20).toFixed(0)} MiB over the loaded data; bins 2 x ${(N * D / 2 ** 20).toFixed(0)} MiB uint8, row- and column-major); WebAssembly binning, histograms and partition; ${linalgThreads()} threads as one team (Atomics hand-offs)` },
];
if (ab) rows.push({ task, impl: abMode === 'ts' ? 'deepmine, TypeScript kernels (A/B)' : 'deepmine, no team (A/B)', ms: ab.ms, note: `CPU ${(ab.cpuMs / 1000).toFixed(1)} s; test predictions ${ab.same ? 'bit-identical to' : 'DIFFERENT from'} the ${abMode === 'ts' ? 'WebAssembly kernels\'' : 'team\'s'} model; 2 threads` });
for (const [name, r] of [['scikit-learn', sk], ['XGBoost hist', xgb]] as const) {
  rows.push({ task, impl: r?.version ?? name, ms: r?.fitMs ?? null, note: r ? `CPU ${(r.fitCpuMs / 1000).toFixed(1)} s; test AUC ${r.auc.toFixed(4)}; peak RSS ${r.maxRssMiB.toFixed(0)} MiB (process, data included); 2 threads` : 'not available' });
}
rows.push({ task: ptask, impl: 'deepmine', ms: predictMs, note: 'WebAssembly forest walk (asm/forest.ts), 4 rows per tree at once' });
for (const [name, r] of [['scikit-learn', sk], ['XGBoost hist', xgb]] as const) rows.push({ task: ptask, impl: r?.version ?? name, ms: r?.predictMs ?? null });
console.log(`\n(load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores; wall time in the table, CPU time in the notes)`);
printTable(`HistGradientBoostingClassifier (make_classification ${N.toLocaleString('en-US')} + ${NT.toLocaleString('en-US')} x ${D})`, rows);
rmSync(dir, { recursive: true, force: true });

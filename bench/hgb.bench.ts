/**
 * HistGradientBoostingClassifier: binary classification on a make_classification set
 * (`make_classification(n_samples=1.25 * N, n_features=28, n_informative=14, n_redundant=4,
 * flip_y=0.02, class_sep=0.8, random_state=0)`, the first N rows for training, the rest for the
 * test AUC), 100 iterations, 31 leaves, 255 bins, early stopping off. scikit-learn 1.2.1 and
 * XGBoost (`tree_method='hist'`, `grow_policy='lossguide'`, `max_leaves=31`) run on the same data
 * (raw float64 files) with 2 threads (OMP_NUM_THREADS=2, nthread=2), each in its own Python
 * process so its peak RSS is its own; deepmine uses linalgThreads() worker threads (all cores), in
 * a process of its own too (bench/hgb-child.ts: every fit starts cold). The three fits run in
 * HGB_ROUNDS rounds (default 3, order rotated); each row is the median round, and the deepmine row
 * notes its ratio to each peer within every round.
 * N defaults to 1,000,000; set HGB_N to change it. HGB_AB=1 adds, in deepmine's process, a fit with
 * the TypeScript histogram and partition kernels (`hgbWasmSwitch` off: the model is the same bit
 * for bit), for an A/B of the WebAssembly kernels; HGB_AB=team adds a fit without the fit team
 * (`hgbTeamTuning.on` off: histograms of the largest nodes only threaded, by runTasks hand-offs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const skCode = peerCode(`
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
version = 'scikit-learn ' + sklearn.__version__
est = HistGradientBoostingClassifier(max_iter=${ITER}, max_leaf_nodes=31, max_bins=255, early_stopping=False, random_state=0)`);
const xgbCode = peerCode(`
import xgboost
version = 'XGBoost ' + xgboost.__version__
est = xgboost.XGBClassifier(n_estimators=${ITER}, tree_method='hist', grow_policy='lossguide', max_leaves=31, max_depth=0, max_bin=256, learning_rate=0.1, n_jobs=2, random_state=0)`);

// deepmine (histograms, binning and prediction on linalgThreads() threads, 2 on this machine) in a
// process of its own per round (bench/hgb-child.ts), cold as each Python peer
interface OwnResult { fitMs: number; fitCpuMs: number; predictMs: number; auc: number; peak: number; rssBefore: number; threads: number; ab: { ms: number; cpuMs: number; same: boolean } | null }
const abMode = process.env.HGB_AB === 'team' ? 'team' : process.env.HGB_AB === '1' ? 'ts' : null;
const own = (): OwnResult | null => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hgb-child.ts'), dir, String(N), String(NT), String(D), String(ITER), ...(abMode ? [abMode] : [])], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as OwnResult;
};

// Rounds (HGB_ROUNDS, default 3): each runs the three fits one after another, in a rotated order.
// This shared virtual machine's speed drifts by up to 30% between minutes, so one fit per
// implementation can land in a fast or a slow minute. Each row reports the median round, and the
// deepmine note gives the ratio to each peer within every round (fits seconds apart).
const ROUNDS = Math.max(1, Number(process.env.HGB_ROUNDS ?? 3));
const runs: { own: OwnResult[]; sk: PeerResult[]; xgb: PeerResult[] } = { own: [], sk: [], xgb: [] };
const perRound: { own: OwnResult | null; sk: PeerResult | null; xgb: PeerResult | null }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const res: { own: OwnResult | null; sk: PeerResult | null; xgb: PeerResult | null } = { own: null, sk: null, xgb: null };
  const order = (['own', 'sk', 'xgb'] as const).map((_, i, a) => a[(i + r) % 3]!);
  for (const k of order) {
    if (k === 'own') res.own = own();
    else if (k === 'sk') res.sk = runPython<PeerResult>(skCode);
    else res.xgb = runPython<PeerResult>(xgbCode, ['numpy', 'sklearn', 'xgboost']);
  }
  if (res.own) runs.own.push(res.own);
  if (res.sk) runs.sk.push(res.sk);
  if (res.xgb) runs.xgb.push(res.xgb);
  perRound.push(res);
}
/** The run with the median fit time (the lower middle one for an even count). */
function median<T extends { fitMs: number }>(a: T[]): T | null {
  if (a.length === 0) return null;
  return a.slice().sort((x, y) => x.fitMs - y.fitMs)[Math.floor((a.length - 1) / 2)]!;
}
const mine = median(runs.own);
if (!mine) {
  console.log('hgb bench: the deepmine fit failed');
  process.exit(1);
}
const sk = median(runs.sk);
const xgb = median(runs.xgb);
const { fitMs, fitCpuMs, predictMs, auc, peak, rssBefore } = mine;
const ab = mine.ab;
const ratios = (k: 'sk' | 'xgb') => perRound.map((p) => (p.own && p[k] ? (p.own.fitMs / p[k]!.fitMs).toFixed(2) : '-')).join(', ');
const fits = (a: { fitMs: number }[]) => a.map((x) => (x.fitMs / 1000).toFixed(1)).join(', ');

const task = `fit ${N.toLocaleString('en-US')} x ${D}, ${ITER} iter, 31 leaves`;
const ptask = `predict_proba ${N.toLocaleString('en-US')} rows`;
const rows: BenchRow[] = [
  { task, impl: 'deepmine', ms: fitMs, note: `median of ${runs.own.length} rounds (fits ${fits(runs.own)} s; within each round deepmine / XGBoost ${ratios('xgb')}, deepmine / scikit-learn ${ratios('sk')}); CPU ${(fitCpuMs / 1000).toFixed(1)} s; test AUC ${auc.toFixed(4)}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - rssBefore) / 2 ** 20).toFixed(0)} MiB over the loaded data; bins 2 x ${(N * D / 2 ** 20).toFixed(0)} MiB uint8, row- and column-major); WebAssembly binning, histograms and partition; ${mine.threads} threads as one team (Atomics hand-offs)` },
];
if (ab) rows.push({ task, impl: abMode === 'ts' ? 'deepmine, TypeScript kernels (A/B)' : 'deepmine, no team (A/B)', ms: ab.ms, note: `CPU ${(ab.cpuMs / 1000).toFixed(1)} s; test predictions ${ab.same ? 'bit-identical to' : 'DIFFERENT from'} the ${abMode === 'ts' ? 'WebAssembly kernels\'' : 'team\'s'} model; 2 threads` });
for (const [name, r] of [['scikit-learn', sk], ['XGBoost hist', xgb]] as const) {
  const all = name === 'scikit-learn' ? runs.sk : runs.xgb;
  rows.push({ task, impl: r?.version ?? name, ms: r?.fitMs ?? null, note: r ? `median of ${all.length} rounds (fits ${fits(all)} s); CPU ${(r.fitCpuMs / 1000).toFixed(1)} s; test AUC ${r.auc.toFixed(4)}; peak RSS ${r.maxRssMiB.toFixed(0)} MiB (process, data included); 2 threads` : 'not available' });
}
rows.push({ task: ptask, impl: 'deepmine', ms: predictMs, note: 'WebAssembly forest walk (asm/forest.ts), 4 rows per tree at once' });
for (const [name, r] of [['scikit-learn', sk], ['XGBoost hist', xgb]] as const) rows.push({ task: ptask, impl: r?.version ?? name, ms: r?.predictMs ?? null });
console.log(`\n(load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores; wall time in the table, CPU time in the notes)`);
printTable(`HistGradientBoostingClassifier (make_classification ${N.toLocaleString('en-US')} + ${NT.toLocaleString('en-US')} x ${D})`, rows);
rmSync(dir, { recursive: true, force: true });

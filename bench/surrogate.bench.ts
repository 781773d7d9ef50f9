/**
 * Surrogate-tree fidelity to a neural net (`npm run bench surrogate`; not part of the test suite).
 *
 * Protocol (after Bologna & Hayashi 2018, who report 97.6% fidelity with 31.6 rules from DIMLP
 * ensembles on this data):
 * - data: breast_cancer (569 x 30, scikit-learn's copy);
 * - folds: RepeatedStratifiedKFold(nSplits 10, nRepeats R, randomState 0); R = 10 by default,
 *   `SURROGATE_REPEATS=3 npm run bench surrogate` for a quicker run (the table says which R ran);
 * - per fold: StandardScaler fitted on the training fold; MLPClassifier(hiddenLayerSizes [32],
 *   maxIter 300, randomState fold index) trained on the scaled training fold with the true labels;
 * - surrogates, all fitted on the scaled training fold and the net's outputs for it (never the true
 *   labels, never the test fold), SurrogateTree({ model: net, maxLeafNodes: L, randomState: 0, ... }):
 *   (A) targets 'labels', training rows only;
 *   (B) targets 'labels' + nSynthetic 10,000 'gaussian' rows (a training row + Gaussian noise of 0.1
 *       column std, labelled by the net: TREPAN-style membership queries);
 *   (C) targets 'proba' (soft targets: each row once per class, weighted by the net's probability)
 *       + nSynthetic 10,000 'mixup' rows (a random point on the segment between a training row and
 *       a training row the net puts in the other class, labelled by the net);
 * - reported: mean (std) test-fold fidelity (share of test rows where tree and net agree), mean
 *   leaves actually grown, test accuracy of the tree against the true labels, for
 *   L = 2, 4, 8, 12, 16, 24, 32, 48, 64.
 * Target: mean test fidelity >= 0.95 with <= 32 leaves.
 */
import { loadDataset } from '../src/datasets/load.js';
import { SurrogateTree } from '../src/explain/surrogate.js';
import { RepeatedStratifiedKFold } from '../src/modelSelection/splitters.js';
import { MLPClassifier } from '../src/nn/mlp.js';
import { StandardScaler } from '../src/preprocessing/index.js';

const R = Number(process.env.SURROGATE_REPEATS ?? 10);
const LEAVES = [2, 4, 8, 12, 16, 24, 32, 48, 64];
const ds = loadDataset('breast_cancer');
const y = Array.from(ds.y);
const cv = new RepeatedStratifiedKFold({ nSplits: 10, nRepeats: R, randomState: 0 });
const VARIANTS = [
  { name: '(A) labels, training rows', opts: {} },
  { name: '(B) labels + 10k gaussian', opts: { nSynthetic: 10_000, syntheticNoise: 0.1, synthetic: 'gaussian' as const } },
  { name: '(C) proba + 10k mixup', opts: { nSynthetic: 10_000, synthetic: 'mixup' as const, targets: 'proba' as const } },
];
const fid = VARIANTS.map(() => LEAVES.map(() => [] as number[]));
const acc = VARIANTS.map(() => LEAVES.map(() => [] as number[]));
const grown = VARIANTS.map(() => LEAVES.map(() => [] as number[]));
const netAcc: number[] = [];
const t0 = performance.now();
let f = 0;
for (const { train, test } of cv.split(ds.X, y)) {
  const sc = new StandardScaler().fit(ds.X.takeRows(train));
  const Xtr = sc.transform(ds.X.takeRows(train)), Xte = sc.transform(ds.X.takeRows(test));
  const ytr = Array.from(train, (i) => y[i]!), yte = Array.from(test, (i) => y[i]!);
  const net = new MLPClassifier({ hiddenLayerSizes: [32], maxIter: 300, randomState: f }).fit(Xtr, ytr);
  const netPred = net.predict(Xte);
  netAcc.push(netPred.filter((p, i) => p === yte[i]).length / yte.length);
  VARIANTS.forEach((v, a) => LEAVES.forEach((L, k) => {
    const sur = new SurrogateTree({ model: net, maxLeafNodes: L, randomState: 0, ...v.opts }).fit(Xtr);
    fid[a]![k]!.push(sur.fidelity(Xte));
    const tp = sur.predict(Xte) as number[];
    acc[a]![k]!.push(tp.filter((p, i) => p === yte[i]).length / yte.length);
    grown[a]![k]!.push(sur.tree.getNLeaves());
  }));
  f++;
  if (process.env.SURROGATE_PROGRESS) console.error(`fold ${f}: ${VARIANTS.map((_, a) => fid[a]![6]!.reduce((s, x) => s + x, 0) / f).map((x) => x.toFixed(4)).join(' / ')} at 32 leaves`);
}
const secs = (performance.now() - t0) / 1000;
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => { const m = mean(a); return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length); };
console.log(`\n### Surrogate tree fidelity to an MLPClassifier, breast_cancer, ${R} x stratified 10-fold CV (${f} folds, ${secs.toFixed(0)} s)\n`);
console.log(`net test accuracy: ${mean(netAcc).toFixed(4)} (std ${std(netAcc).toFixed(4)})\n`);
console.log(`| maxLeafNodes | ${VARIANTS.map((v) => `${v.name}: leaves | fidelity mean (std) | tree accuracy`).join(' | ')} |`);
console.log(`|---:|${VARIANTS.map(() => '---:|---:|---:').join('|')}|`);
LEAVES.forEach((L, k) => console.log(`| ${L} | ${VARIANTS.map((_, a) => `${mean(grown[a]![k]!).toFixed(1)} | ${mean(fid[a]![k]!).toFixed(4)} (${std(fid[a]![k]!).toFixed(4)}) | ${mean(acc[a]![k]!).toFixed(4)}`).join(' | ')} |`));
VARIANTS.forEach((v, a) => {
  const ok = LEAVES.map((L, k) => ({ L, m: mean(fid[a]![k]!), s: std(fid[a]![k]!) / Math.sqrt(fid[a]![k]!.length) })).filter((r) => r.L <= 32 && r.m >= 0.95);
  const best = LEAVES.map((L, k) => ({ L, m: mean(fid[a]![k]!) })).filter((r) => r.L <= 32).sort((x, y) => y.m - x.m)[0]!;
  console.log(`target (>= 0.95 mean test fidelity with <= 32 leaves), ${v.name}: ${ok.length ? `met from maxLeafNodes ${ok[0]!.L} (${ok[0]!.m.toFixed(4)} +- ${ok[0]!.s.toFixed(4)} s.e.)` : 'NOT met'}; best <= 32 leaves: ${best.m.toFixed(4)} at maxLeafNodes ${best.L}`);
});
console.log('Bologna & Hayashi 2018: 0.976 fidelity with 31.6 rules (DIMLP ensembles)');

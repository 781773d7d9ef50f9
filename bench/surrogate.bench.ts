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
 * - surrogate: SurrogateTree({ model: net, maxLeafNodes: L, randomState: 0 }) fitted on the scaled
 *   training fold, i.e. on the net's training-fold predictions (no true labels); a second column
 *   adds nSynthetic 10,000 rows (training rows + Gaussian noise of 0.1 column std, labelled by the
 *   net, TREPAN-style membership queries; the test fold is never used);
 * - reported: mean (std) test-fold fidelity (share of test rows where tree and net agree), test
 *   accuracy of the tree and of the net against the true labels, mean leaves actually grown, for
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
const SYN = { nSynthetic: 10_000, syntheticNoise: 0.1 };
const fid = LEAVES.map(() => [] as number[]);
const fidSyn = LEAVES.map(() => [] as number[]);
const grownSyn = LEAVES.map(() => [] as number[]);
const acc = LEAVES.map(() => [] as number[]);
const grown = LEAVES.map(() => [] as number[]);
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
  LEAVES.forEach((L, k) => {
    const sur = new SurrogateTree({ model: net, maxLeafNodes: L, randomState: 0 }).fit(Xtr);
    fid[k]!.push(sur.fidelity(Xte));
    const tp = sur.predict(Xte) as number[];
    acc[k]!.push(tp.filter((p, i) => p === yte[i]).length / yte.length);
    grown[k]!.push(sur.tree.getNLeaves());
    const aug = new SurrogateTree({ model: net, maxLeafNodes: L, randomState: 0, ...SYN }).fit(Xtr);
    fidSyn[k]!.push(aug.fidelity(Xte));
    grownSyn[k]!.push(aug.tree.getNLeaves());
  });
  f++;
}
const secs = (performance.now() - t0) / 1000;
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => { const m = mean(a); return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length); };
console.log(`\n### Surrogate tree fidelity to an MLPClassifier, breast_cancer, ${R} x stratified 10-fold CV (${f} folds, ${secs.toFixed(0)} s)\n`);
console.log(`net test accuracy: ${mean(netAcc).toFixed(4)} (std ${std(netAcc).toFixed(4)})\n`);
console.log('| maxLeafNodes | mean leaves | test fidelity mean | std | tree test accuracy | + 10k synthetic rows: mean leaves | test fidelity mean | std |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
LEAVES.forEach((L, k) => console.log(`| ${L} | ${mean(grown[k]!).toFixed(1)} | ${mean(fid[k]!).toFixed(4)} | ${std(fid[k]!).toFixed(4)} | ${mean(acc[k]!).toFixed(4)} | ${mean(grownSyn[k]!).toFixed(1)} | ${mean(fidSyn[k]!).toFixed(4)} | ${std(fidSyn[k]!).toFixed(4)} |`));
for (const [name, F] of [['training rows only', fid], ['+ synthetic rows', fidSyn]] as const) {
  const best = LEAVES.map((L, k) => ({ L, m: mean(F[k]!) })).filter((r) => r.L <= 32 && r.m >= 0.95);
  console.log(`target (>= 0.95 mean test fidelity with <= 32 leaves), ${name}: ${best.length ? `met from maxLeafNodes ${best[0]!.L} (${best[0]!.m.toFixed(4)})` : 'NOT met'}`);
}
console.log('Bologna & Hayashi 2018: 0.976 fidelity with 31.6 rules (DIMLP ensembles)');

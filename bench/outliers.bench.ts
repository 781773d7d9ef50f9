/**
 * Outlier scores and autoencoder features against classical baselines. Reports what was
 * measured, whichever method wins.
 *
 * Protocol, part 1 (ROC-AUC of outlier scores, outliers = positives, 10 seeds s = 0..9):
 * - "wine-like": wine classes 2 and 3 (y = 1, 2: 119 rows) as inliers + 10 class-1 rows (y = 0)
 *   drawn without replacement by RandomState(s).choice.
 * - "wbc-like": breast_cancer benign rows (y = 1: 357) + 19 malignant rows (~5%) drawn the same way.
 * - each set standardised (StandardScaler on the whole set, unsupervised), then scored by
 *   AutoencoderOutlierDetector (encoder [8, 3], 150 epochs, batch 16, Adam lr 0.005,
 *   randomState s), PCA reconstruction error (3 components; squared error per row) and
 *   IsolationForest (100 trees, randomState s). Table: mean and std over the seeds.
 * Part 2 (AE features + tree): digits and breast_cancer, trainTestSplit(testSize 0.3, stratified,
 * randomState s) for s = 0..4; StandardScaler fitted on the train part; DecisionTreeClassifier
 * (randomState s) on the raw scaled features vs on AutoencoderFeatures codes (encoder [32, 8],
 * 100 epochs, randomState s, fitted on the train part only). Test accuracy, mean and std.
 */
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { loadDataset } from '../src/datasets/load.js';
import { PCA } from '../src/decomposition/pca.js';
import { AutoencoderFeatures, AutoencoderOutlierDetector } from '../src/fusion/index.js';
import { rocAucScore } from '../src/metrics/ranking.js';
import { trainTestSplit } from '../src/modelSelection/split.js';
import { IsolationForest } from '../src/preprocessing/isolationForest.js';
import { StandardScaler } from '../src/preprocessing/standardScaler.js';
import { DecisionTreeClassifier } from '../src/tree/cart.js';

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => { const m = mean(a); return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length); };
const fmt = (a: number[]) => `${mean(a).toFixed(3)} ± ${std(a).toFixed(3)}`;

function outlierSet(name: 'wine' | 'breast_cancer', seed: number): { X: Matrix; isOut: number[] } {
  const { X, y } = loadDataset(name);
  const inl: number[] = [], outPool: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    if (name === 'wine' ? y[i] !== 0 : y[i] === 1) inl.push(i); else outPool.push(i);
  }
  const nOut = name === 'wine' ? 10 : 19;
  const pick = new RandomState(seed).choice(outPool.length, nOut, { replace: false });
  const rows = [...inl, ...Array.from(pick, (j) => outPool[j]!)];
  const Xs = new StandardScaler().fitTransform(X.takeRows(Int32Array.from(rows)));
  return { X: Xs, isOut: rows.map((_, i) => (i >= inl.length ? 1 : 0)) };
}

const t0 = performance.now();
console.log('\n### Outlier scores: ROC-AUC (mean ± std over 10 seeds)\n');
console.log('| set | rows (outliers) | AutoencoderOutlierDetector | PCA reconstruction error | IsolationForest | AE time (ms, mean) |');
console.log('|---|---|---:|---:|---:|---:|');
for (const [label, name] of [['wine-like', 'wine'], ['wbc-like', 'breast_cancer']] as const) {
  const res = { ae: [] as number[], pca: [] as number[], iso: [] as number[], ms: [] as number[] };
  let size = '';
  for (let s = 0; s < 10; s++) {
    const { X, isOut } = outlierSet(name, s);
    size = `${X.rows} (${isOut.filter((v) => v).length})`;
    const t = performance.now();
    const ae = new AutoencoderOutlierDetector({ encoderSizes: [8, 3], epochs: 150, batchSize: 16, learningRate: 0.005, randomState: s }).fit(X);
    res.ms.push(performance.now() - t);
    res.ae.push(rocAucScore(isOut, Array.from(ae.scoreSamples(X), (v) => -v)) as number);
    const pca = new PCA({ nComponents: 3 }).fit(X);
    const R = pca.inverseTransform(pca.transform(X));
    const err = Array.from({ length: X.rows }, (_, i) => { let e = 0; for (let j = 0; j < X.cols; j++) e += (X.get(i, j) - R.get(i, j)) ** 2; return e; });
    res.pca.push(rocAucScore(isOut, err) as number);
    const iso = new IsolationForest({ randomState: s }).fit(X);
    res.iso.push(rocAucScore(isOut, Array.from(iso.scoreSamples(X), (v) => -v)) as number);
  }
  console.log(`| ${label} | ${size} | ${fmt(res.ae)} | ${fmt(res.pca)} | ${fmt(res.iso)} | ${mean(res.ms).toFixed(0)} |`);
}

console.log('\n### AE(8) features + decision tree vs raw features + tree: test accuracy (mean ± std over 5 splits)\n');
console.log('| data | raw scaled features + tree | AE codes (8) + tree |');
console.log('|---|---:|---:|');
for (const name of ['digits', 'breast_cancer'] as const) {
  const { X, y } = loadDataset(name);
  const raw: number[] = [], enc: number[] = [];
  for (let s = 0; s < 5; s++) {
    const [Xtr, Xte, ytr, yte] = trainTestSplit(X, Array.from(y), { testSize: 0.3, stratify: Array.from(y), randomState: s });
    const sc = new StandardScaler().fit(Xtr);
    const A = sc.transform(Xtr), B = sc.transform(Xte);
    const acc = (pred: ArrayLike<unknown>) => Array.from(pred).filter((v, i) => v === yte[i]).length / yte.length;
    raw.push(acc(new DecisionTreeClassifier({ randomState: s }).fit(A, ytr).predict(B)));
    const ae = new AutoencoderFeatures({ encoderSizes: [32, 8], epochs: 100, randomState: s }).fit(A);
    enc.push(acc(new DecisionTreeClassifier({ randomState: s }).fit(ae.transform(A), ytr).predict(ae.transform(B))));
  }
  console.log(`| ${name} | ${fmt(raw)} | ${fmt(enc)} |`);
}
console.log(`\ntotal wall time ${((performance.now() - t0) / 1000).toFixed(0)} s`);

/**
 * Explaining models: which features matter, how the prediction moves with a feature, and why one
 * row got its prediction.
 * Run: node --import tsx examples/explain.ts
 *
 * Steps: fit a random forest on breast_cancer; permutation importance on the test split (scikit-
 * learn's algorithm, 2 workers); partial dependence of the prediction on the top feature and an
 * ICE spread; exact TreeSHAP for one test row (values + expected value = predicted probability);
 * KernelSHAP for a neural net on the same row, against a k-means summary of the training data;
 * exact LinearSHAP for a logistic regression on the standardised data.
 */
import {
  closePool, loadDatasetAsync, LogisticRegression, MLPClassifier, partialDependence, permutationImportance, RandomForestClassifier,
  shapValues, StandardScaler, trainTestSplit,
} from '../src/index.js';

// 1. Data and model: 569 tumours x 30 measurements, class 1 = benign.
const { X, y, featureNames } = await loadDatasetAsync('breast_cancer');
const [Xtr, Xte, ytr, yte] = trainTestSplit(X, Array.from(y), { testSize: 0.25, randomState: 0 });
const rf = new RandomForestClassifier({ nEstimators: 50, maxDepth: 6, randomState: 0 }).fit(Xtr, ytr as number[]);
console.log(`random forest test accuracy ${rf.score(Xte, yte as number[]).toFixed(3)}`);

// 2. Permutation importance (drop in accuracy when a column is shuffled), 5 repeats, 2 workers.
const pi = await permutationImportance(rf, Xte, yte as number[], { nRepeats: 5, randomState: 0, nJobs: 2 });
const order = Array.from(pi.importancesMean.keys()).sort((a, b) => pi.importancesMean[b]! - pi.importancesMean[a]!);
console.log('permutation importance (top 5):');
for (const j of order.slice(0, 5)) console.log(`  ${featureNames[j]!.padEnd(22)} ${pi.importancesMean[j]!.toFixed(4)} +/- ${pi.importancesStd[j]!.toFixed(4)}`);

// 3. Partial dependence of P(benign) on the most important feature (brute force for a classifier),
//    with the spread of the individual (ICE) curves at the grid ends.
const top = order[0]!;
const pd = partialDependence(rf, Xtr, top, { kind: 'both', gridResolution: 10 });
const grid = pd.values[0]!, avg = pd.average![0]!;
console.log(`partial dependence on ${featureNames[top]}: ${Array.from(grid, (g, i) => `${g.toFixed(1)}->${avg[i]!.toFixed(2)}`).join('  ')}`);
const ice = pd.individual![0]!;
const change = Array.from({ length: ice.rows }, (_, i) => ice.data[i * ice.cols + ice.cols - 1]! - ice.data[i * ice.cols]!);
console.log(`ICE: ${change.filter((c) => c < 0).length} of ${ice.rows} rows lose probability across the grid`);

// 4. Exact TreeSHAP for one test row: contributions to P(benign) that add up to the prediction.
const row = Xte.takeRows([0]);
const s = shapValues(rf, row, { featureNames });
const phi = s.values[1]!.data;
const byAbs = Array.from(phi.keys()).sort((a, b) => Math.abs(phi[b]!) - Math.abs(phi[a]!));
console.log(`TreeSHAP row 0: expected P(benign) ${s.expectedValue[1]!.toFixed(4)}, predicted ${rf.predictProba(row).data[1]!.toFixed(4)}`);
for (const j of byAbs.slice(0, 4)) console.log(`  ${featureNames[j]!.padEnd(22)} ${phi[j]! >= 0 ? '+' : ''}${phi[j]!.toFixed(4)}`);
const total = s.expectedValue[1]! + phi.reduce((a, b) => a + b, 0);
console.log(`sum check: expected + sum(values) = ${total.toFixed(6)}`);

// 5. KernelSHAP for a neural net (any predictProba model or plain function), 400 coalitions,
//    against 10 k-means centers of the training data.
const scaler = new StandardScaler().fit(Xtr);
const net = new MLPClassifier({ hiddenLayerSizes: [16], maxIter: 300, randomState: 0 }).fit(scaler.transform(Xtr), ytr as number[]);
const ks = shapValues((Z) => net.predictProba(scaler.transform(Z)), row, { background: Xtr, backgroundSize: 10, nsamples: 400, randomState: 0, featureNames });
const kphi = ks.values[1]!.data;
const kTop = Array.from(kphi.keys()).sort((a, b) => Math.abs(kphi[b]!) - Math.abs(kphi[a]!)).slice(0, 3);
console.log(`KernelSHAP (MLP) row 0 top features: ${kTop.map((j) => `${featureNames[j]} ${kphi[j]!.toFixed(3)}`).join(', ')}`);

// 6. Exact LinearSHAP for a logistic regression: coef_j * (x_j - mean_j) on the log-odds scale.
const Ztr = scaler.transform(Xtr), z0 = scaler.transform(row);
const lr = new LogisticRegression({ maxIter: 1000 }).fit(Ztr, ytr as number[]);
const ls = shapValues(lr, z0, { background: Ztr, featureNames });
const lphi = ls.values[0]!.data;
const logit = (lr.decisionFunction(z0) as Float64Array)[0]!;
console.log(`LinearSHAP (logistic regression) row 0: log-odds ${logit.toFixed(3)} = ${ls.expectedValue[0]!.toFixed(3)} + ${lphi.reduce((a, b) => a + b, 0).toFixed(3)}`);

await closePool();

/**
 * Histogram gradient boosting: scikit-learn's HistGradientBoostingClassifier / Regressor, with
 * early stopping, missing values handled natively, and TreeSHAP on the boosted trees.
 * Run: node --import tsx examples/gradient-boosting.ts
 *
 * Steps: classify breast_cancer with early stopping on a 10% validation split; knock out 20% of
 * the training values (NaN) and fit again without imputing; regress diabetes with three losses;
 * explain one prediction with TreeSHAP (the SHAP values add up to the log-odds); save and reload.
 */
import {
  HistGradientBoostingClassifier, HistGradientBoostingRegressor, loadDatasetAsync, loadModel, RandomState, shapValues, trainTestSplit,
} from '../src/index.js';

// 1. Classification with early stopping (10% of the training rows held out, stop after 10 iterations without gain).
const { X, y, featureNames } = await loadDatasetAsync('breast_cancer');
const [Xtr, Xte, ytr, yte] = trainTestSplit(X, Array.from(y), { testSize: 0.25, randomState: 0 });
const clf = new HistGradientBoostingClassifier({ maxIter: 300, learningRate: 0.1, earlyStopping: true, randomState: 0 }).fit(Xtr, ytr as number[]);
console.log(`classifier: ${clf.nIter} iterations (early stopping), test accuracy ${clf.score(Xte, yte as number[]).toFixed(3)}`);
const vs = clf.validationScore;
console.log(`validation log loss: ${(-vs[0]!).toFixed(3)} at the baseline -> ${(-vs[vs.length - 1]!).toFixed(3)}`);

// 2. Missing values: 20% of the training cells set to NaN, no imputation needed.
const rs = new RandomState(1);
const holes = Xtr.copy();
for (let k = 0; k < holes.data.length; k++) if (rs.nextDouble() < 0.2) holes.data[k] = NaN;
const clfNaN = new HistGradientBoostingClassifier({ maxIter: 100, randomState: 0 }).fit(holes, ytr as number[]);
console.log(`with 20% missing training values: test accuracy ${clfNaN.score(Xte, yte as number[]).toFixed(3)}`);

// 3. Regression losses on diabetes.
const d = await loadDatasetAsync('diabetes');
const [Dtr, Dte, dtr, dte] = trainTestSplit(d.X, Array.from(d.y as ArrayLike<number>), { testSize: 0.25, randomState: 0 });
for (const loss of ['squared_error', 'absolute_error', 'poisson'] as const) {
  const reg = new HistGradientBoostingRegressor({ loss, maxIter: 100, learningRate: 0.05, randomState: 0 }).fit(Dtr, dtr as number[]);
  console.log(`regressor loss ${loss.padEnd(14)} test R2 ${reg.score(Dte, dte as number[]).toFixed(3)}`);
}

// 4. TreeSHAP for the first test row: contributions to the log-odds of class 1 (benign).
const row = Xte.takeRows([0]);
const shap = shapValues(clf, row);
const phi = shap.values[0]!.row(0);
const top = Array.from(phi.keys()).sort((a, b) => Math.abs(phi[b]!) - Math.abs(phi[a]!)).slice(0, 3);
console.log('TreeSHAP, top 3 features of test row 0:');
for (const j of top) console.log(`  ${featureNames[j]!.padEnd(22)} ${phi[j]! >= 0 ? '+' : ''}${phi[j]!.toFixed(3)}`);
const total = shap.expectedValue[0]! + phi.reduce((a, b) => a + b, 0);
console.log(`expected value + SHAP values = ${total.toFixed(6)}; decision function = ${(clf.decisionFunction(row) as Float64Array)[0]!.toFixed(6)}`);

// 5. Save and reload.
const again = loadModel<HistGradientBoostingClassifier>(JSON.stringify(clf.toJSON()));
console.log(`reloaded model predicts the same: ${JSON.stringify(again.predict(Xte)) === JSON.stringify(clf.predict(Xte))}`);

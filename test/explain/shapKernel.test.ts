import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { loadDataset } from '../../src/datasets/load.js';
import { kernelCoalitions } from '../../src/explain/kernelShap.js';
import { shapValues, summarizeBackground } from '../../src/explain/shap.js';
import { LinearRegression } from '../../src/linear/linear.js';
import { LogisticRegression } from '../../src/linear/logistic.js';
import { MLPClassifier } from '../../src/nn/index.js';
import { RandomForestRegressor } from '../../src/tree/forest.js';

const diabetes = loadDataset('diabetes');
const X = diabetes.X, y = Array.from(diabetes.y);
const d = X.cols; // 10 features: 2^10 - 2 = 1022 coalitions enumerate exactly
const background = X.takeRows(Array.from({ length: 12 }, (_, i) => i * 29));
const explained = X.takeRows([3, 50, 100, 200, 300]);

/** Exact Shapley values of a linear model under the background: coef_j * (x_j - mean_j). */
function linearExact(coef: Float64Array, x: Matrix, bg: Matrix): Matrix {
  const out = Matrix.zeros(x.rows, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let m = 0;
    for (let b = 0; b < bg.rows; b++) m += bg.data[b * x.cols + j]!;
    m /= bg.rows;
    for (let i = 0; i < x.rows; i++) out.data[i * x.cols + j] = coef[j]! * (x.data[i * x.cols + j]! - m);
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
}

describe('KernelSHAP', () => {
  const lin = new LinearRegression().fit(X, y);
  const exact = linearExact(lin.coef, explained, background);

  it('with every coalition enumerated equals the exact Shapley values of a linear model (1e-8)', () => {
    const s = shapValues((Z: Matrix) => lin.predict(Z), explained, { background, nsamples: 2 ** d - 2, method: 'kernel' });
    assert.equal(s.method, 'kernel');
    const err = maxAbsDiff(s.values[0]!.data, exact.data);
    assert.ok(err <= 1e-8, `max |kernel - exact| = ${err}`);
    // local accuracy
    const pred = lin.predict(explained);
    for (let i = 0; i < explained.rows; i++) {
      let sum = s.expectedValue[0]!;
      for (let j = 0; j < d; j++) sum += s.values[0]!.data[i * d + j]!;
      assert.ok(Math.abs(sum - pred[i]!) < 1e-8);
    }
  });

  it('LinearSHAP (method auto on a linear model) gives the same exact values', () => {
    const s = shapValues(lin, explained, { background });
    assert.equal(s.method, 'linear');
    assert.ok(maxAbsDiff(s.values[0]!.data, exact.data) <= 1e-9);
    const k = shapValues(lin, explained, { background, method: 'kernel', nsamples: 2 ** d - 2 });
    assert.ok(maxAbsDiff(s.values[0]!.data, k.values[0]!.data) <= 1e-8);
  });

  it('LinearSHAP of a LogisticRegression explains the decision function', () => {
    const iris = loadDataset('iris');
    const lr = new LogisticRegression({ maxIter: 500 }).fit(iris.X, Array.from(iris.y));
    const rows = iris.X.takeRows([0, 70, 140]);
    const s = shapValues(lr, rows, { background: iris.X });
    assert.deepEqual(s.outputNames, ['0', '1', '2']);
    const df = lr.decisionFunction(rows) as Matrix;
    for (let k = 0; k < 3; k++) for (let i = 0; i < 3; i++) {
      let sum = s.expectedValue[k]!;
      for (let j = 0; j < 4; j++) sum += s.values[k]!.data[i * 4 + j]!;
      assert.ok(Math.abs(sum - df.data[i * 3 + k]!) < 1e-9);
    }
  });

  const rf = new RandomForestRegressor({ nEstimators: 10, maxDepth: 5, randomState: 0 }).fit(X, y);
  const f = (Z: Matrix) => rf.predict(Z);
  const truth = shapValues(f, explained, { background, nsamples: 2 ** d - 2 });

  it('sampling: the same randomState gives the same values, another seed different ones', () => {
    const a = shapValues(f, explained, { background, nsamples: 60, randomState: 3 });
    const b = shapValues(f, explained, { background, nsamples: 60, randomState: 3 });
    const c = shapValues(f, explained, { background, nsamples: 60, randomState: 4 });
    assert.deepEqual(Array.from(a.values[0]!.data), Array.from(b.values[0]!.data));
    assert.ok(maxAbsDiff(a.values[0]!.data, c.values[0]!.data) > 0);
  });

  it('sampling: the error to the exact values shrinks as nsamples grows', () => {
    const budgets = [24, 100, 400];
    const errs = budgets.map((ns) => {
      let e = 0;
      for (let seed = 0; seed < 4; seed++) {
        const s = shapValues(f, explained, { background, nsamples: ns, randomState: seed });
        for (let i = 0; i < s.values[0]!.data.length; i++) e += (s.values[0]!.data[i]! - truth.values[0]!.data[i]!) ** 2;
      }
      return Math.sqrt(e);
    });
    assert.ok(errs[0]! > errs[1]! && errs[1]! > errs[2]!, `errors ${errs.join(', ')} should decrease`);
  });

  it('coalition plan: full enumeration at 2^M - 2, kernel weights sum to 1', () => {
    const full = kernelCoalitions(6, 62, new RandomState(0));
    assert.equal(full.exact, true);
    assert.equal(full.masks.length, 62);
    const part = kernelCoalitions(10, 100, new RandomState(0));
    assert.equal(part.exact, false);
    assert.equal(part.masks.length, 100);
    const sum = (w: Float64Array) => w.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum(full.weights) - 1) < 1e-12 && Math.abs(sum(part.weights) - 1) < 1e-12);
  });

  it('background summaries: k-means (weighted, snapped to data values) and sample', () => {
    const km = summarizeBackground(X, 5, 'kmeans', 0);
    assert.equal(km.data.rows, 5);
    assert.ok(Math.abs(km.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    for (let j = 0; j < d; j++) {
      const col = new Set(X.col(j));
      for (let c = 0; c < 5; c++) assert.ok(col.has(km.data.data[c * d + j]!), 'center values are data values');
    }
    const sm = summarizeBackground(X, 7, 'sample', 1);
    assert.equal(sm.data.rows, 7);
    const s = shapValues(f, explained.takeRows([0]), { background: X, backgroundSize: 5, nsamples: 50, randomState: 0 });
    let sum = s.expectedValue[0]!;
    for (let j = 0; j < d; j++) sum += s.values[0]!.data[j]!;
    assert.ok(Math.abs(sum - rf.predict(explained.takeRows([0]))[0]!) < 1e-8, 'local accuracy holds with any background');
  });

  it('classifiers: one matrix per class from predictProba; bad input', () => {
    const iris = loadDataset('iris');
    const mlp = new MLPClassifier({ hiddenLayerSizes: [5], maxIter: 50, randomState: 0 }).fit(iris.X, Array.from(iris.y));
    const s = shapValues(mlp, iris.X.takeRows([0, 100]), { background: iris.X, backgroundSize: 8, randomState: 0 });
    assert.equal(s.values.length, 3);
    assert.deepEqual(s.outputNames, ['0', '1', '2']);
    assert.throws(() => shapValues(new MLPClassifier(), iris.X, { background: iris.X }), NotFittedError);
    assert.throws(() => shapValues(lin, explained, { method: 'kernel', background: iris.X }), (e: unknown) => e instanceof ShapeError && /'background'/.test((e as Error).message));
    assert.throws(() => shapValues(f, explained, { nsamples: 1 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'nsamples');
    assert.throws(() => shapValues(mlp, iris.X, { method: 'linear' }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'method');
  });
});

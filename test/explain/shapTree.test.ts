import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { loadDataset } from '../../src/datasets/load.js';
import { closePool } from '../../src/core/pool.js';
import { shapValues, shapValuesAsync } from '../../src/explain/shap.js';
import { LEAF, treeEnsembleViewOf, treeLeaf, type TreeEnsembleView, type TreeView } from '../../src/explain/treeView.js';
import { planTreeShap, treeShapCore } from '../../src/explain/treeShap.js';
import { MLPClassifier } from '../../src/nn/index.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../src/tree/cart.js';
import { RandomForestClassifier, RandomForestRegressor } from '../../src/tree/forest.js';

type Model = { predict(X: Matrix): ArrayLike<unknown>; predictProba?(X: Matrix): Matrix };

function data(name: 'iris' | 'diabetes' | 'breast_cancer', cols?: number[]) {
  const ds = loadDataset(name);
  const X = cols ? ds.X.takeCols(cols) : ds.X;
  return { X, y: Array.from(ds.y) };
}

/** Model outputs the SHAP values must add up to: predict (1 output) or predictProba. */
function outputs(model: Model, X: Matrix, proba: boolean): Matrix {
  if (proba) return model.predictProba!(X);
  const p = model.predict(X) as Float64Array;
  return new Matrix(Float64Array.from(p), X.rows, 1);
}

function checkLocalAccuracy(model: Model, X: Matrix, proba: boolean, tol: number, treeAlgorithm: 'fast' | 'recursive' = 'fast') {
  const s = shapValues(model as never, X, { treeAlgorithm });
  assert.equal(s.method, 'tree');
  const out = outputs(model, X, proba);
  assert.equal(s.values.length, out.cols, 'one matrix per output');
  let worst = 0;
  for (let k = 0; k < out.cols; k++) for (let i = 0; i < X.rows; i++) {
    let sum = s.expectedValue[k]!;
    for (let j = 0; j < X.cols; j++) sum += s.values[k]!.data[i * X.cols + j]!;
    worst = Math.max(worst, Math.abs(sum - out.data[i * out.cols + k]!));
  }
  assert.ok(worst <= tol, `local accuracy: worst |sum + expected - output| = ${worst}`);
}

describe('TreeSHAP local accuracy (sum of values + expected value = model output, 1e-9)', () => {
  const cases: [string, 'iris' | 'diabetes' | 'breast_cancer', () => Model, boolean][] = [
    ['DecisionTreeClassifier', 'breast_cancer', () => new DecisionTreeClassifier({ randomState: 0 }), true],
    ['RandomForestClassifier', 'breast_cancer', () => new RandomForestClassifier({ nEstimators: 20, randomState: 0 }), true],
    ['DecisionTreeRegressor (0/1 target)', 'breast_cancer', () => new DecisionTreeRegressor({ maxDepth: 8, randomState: 0 }), false],
    ['DecisionTreeRegressor', 'diabetes', () => new DecisionTreeRegressor({ randomState: 0 }), false],
    ['RandomForestRegressor', 'diabetes', () => new RandomForestRegressor({ nEstimators: 20, randomState: 0 }), false],
    ['RandomForestRegressor (absolute_error: root value != leaf mean)', 'diabetes', () => new RandomForestRegressor({ nEstimators: 5, maxDepth: 5, criterion: 'absolute_error', randomState: 0 } as never), false],
    ['DecisionTreeClassifier', 'iris', () => new DecisionTreeClassifier({ randomState: 0 }), true],
    ['RandomForestClassifier', 'iris', () => new RandomForestClassifier({ nEstimators: 30, randomState: 1 }), true],
    ['RandomForestRegressor', 'iris', () => new RandomForestRegressor({ nEstimators: 10, maxDepth: 6, randomState: 2 }), false],
  ];
  for (const [name, ds, make, proba] of cases) {
    it(`${name} on ${ds}`, () => {
      const { X, y } = data(ds);
      const model = (make() as unknown as { fit(X: Matrix, y: number[]): Model }).fit(X, y);
      checkLocalAccuracy(model, X, proba, 1e-9, 'fast');
      checkLocalAccuracy(model, X.takeRows(Array.from({ length: Math.min(60, X.rows) }, (_, i) => i)), proba, 1e-9, 'recursive');
    });
  }
});

// ---- brute force: exact Shapley values over all 2^M coalitions with the same path-dependent expectation ----

/** E[f(x) | x_S] of one tree: follow x on splits over S, else both children weighted by cover (Lundberg 2020, Alg. 1). */
function condExpectation(t: TreeView, K: number, x: Float64Array, inS: Uint8Array, node = 0, out = new Float64Array(K), w = 1): Float64Array {
  if (t.childrenLeft[node] === LEAF) {
    for (let k = 0; k < K; k++) out[k]! += w * t.value[node * K + k]!;
    return out;
  }
  const f = t.feature[node]!, l = t.childrenLeft[node]!, r = t.childrenRight[node]!;
  if (inS[f]) {
    condExpectation(t, K, x, inS, Math.fround(x[f]!) <= t.threshold[node]! ? l : r, out, w);
  } else {
    condExpectation(t, K, x, inS, l, out, (w * t.nodeWeight[l]!) / t.nodeWeight[node]!);
    condExpectation(t, K, x, inS, r, out, (w * t.nodeWeight[r]!) / t.nodeWeight[node]!);
  }
  return out;
}

function bruteShapley(view: TreeEnsembleView, x: Float64Array, M: number): Float64Array {
  const K = view.nOutputs;
  const nS = 1 << M;
  const v = new Float64Array(nS * K);
  const inS = new Uint8Array(M);
  for (let S = 0; S < nS; S++) {
    for (let j = 0; j < M; j++) inS[j] = (S >> j) & 1;
    for (const t of view.trees) {
      const e = condExpectation(t, K, x, inS);
      for (let k = 0; k < K; k++) v[S * K + k]! += view.scale * e[k]!;
    }
  }
  const fact = [1];
  for (let i = 1; i <= M; i++) fact.push(fact[i - 1]! * i);
  const phi = new Float64Array(M * K);
  for (let i = 0; i < M; i++) for (let S = 0; S < nS; S++) {
    if ((S >> i) & 1) continue;
    let size = 0;
    for (let j = 0; j < M; j++) size += (S >> j) & 1;
    const wgt = (fact[size]! * fact[M - size - 1]!) / fact[M]!;
    const Si = S | (1 << i);
    for (let k = 0; k < K; k++) phi[i * K + k]! += wgt * (v[Si * K + k]! - v[S * K + k]!);
  }
  return phi;
}

describe('TreeSHAP equals brute-force Shapley values (all coalitions, same path-dependent expectation) to 1e-10', () => {
  const cases: [string, 'iris' | 'diabetes' | 'breast_cancer', number[] | undefined, () => unknown][] = [
    ['DecisionTreeClassifier', 'iris', undefined, () => new DecisionTreeClassifier({ randomState: 0 })],
    ['RandomForestClassifier', 'iris', undefined, () => new RandomForestClassifier({ nEstimators: 10, randomState: 0 })],
    ['DecisionTreeRegressor, 8 features', 'diabetes', [0, 1, 2, 3, 4, 5, 6, 7], () => new DecisionTreeRegressor({ maxDepth: 10, randomState: 0 })],
    ['RandomForestRegressor, 8 features', 'diabetes', [0, 1, 2, 3, 4, 5, 6, 7], () => new RandomForestRegressor({ nEstimators: 5, maxDepth: 6, randomState: 0 })],
    ['DecisionTreeClassifier, 6 features', 'breast_cancer', [0, 1, 7, 20, 21, 27], () => new DecisionTreeClassifier({ randomState: 0 })],
  ];
  for (const [name, ds, cols, make] of cases) {
    it(`${name} on ${ds}`, () => {
      const { X, y } = data(ds, cols);
      const model = (make() as { fit(X: Matrix, y: number[]): Model }).fit(X, y);
      const view = treeEnsembleViewOf(model)!;
      const rows = Array.from({ length: 15 }, (_, i) => (i * 37) % X.rows);
      const sub = X.takeRows(rows);
      const d = X.cols, K = view.nOutputs;
      const phis = Array.from({ length: sub.rows }, (_, i) => bruteShapley(view, sub.row(i), d));
      for (const treeAlgorithm of ['fast', 'recursive'] as const) {
        const s = shapValues(model as never, sub, { treeAlgorithm });
        let worst = 0;
        for (let i = 0; i < sub.rows; i++) {
          const phi = phis[i]!;
          for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) worst = Math.max(worst, Math.abs(phi[j * K + k]! - s.values[k]!.data[i * d + j]!));
        }
        assert.ok(worst <= 1e-10, `${treeAlgorithm}: max |TreeSHAP - brute force| = ${worst}`);
      }
    });
  }
});

after(() => closePool());

/** Shapley interaction index over all coalitions with the same path-dependent v(S) (Lundberg 2020, eq. for Phi_ij). */
function bruteInteractions(view: TreeEnsembleView, x: Float64Array, M: number, k: number): Float64Array {
  const K = view.nOutputs, nS = 1 << M;
  const v = new Float64Array(nS);
  const inS = new Uint8Array(M);
  for (let S = 0; S < nS; S++) {
    for (let j = 0; j < M; j++) inS[j] = (S >> j) & 1;
    for (const t of view.trees) v[S]! += view.scale * condExpectation(t, K, x, inS)[k]!;
  }
  const fact = [1];
  for (let i = 1; i <= M; i++) fact.push(fact[i - 1]! * i);
  const out = new Float64Array(M * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) {
    if (i === j) continue;
    let s = 0;
    for (let S = 0; S < nS; S++) {
      if ((S >> i) & 1 || (S >> j) & 1) continue;
      let size = 0;
      for (let q = 0; q < M; q++) size += (S >> q) & 1;
      const w = (fact[size]! * fact[M - size - 2]!) / (2 * fact[M - 1]!);
      s += w * (v[S | (1 << i) | (1 << j)]! - v[S | (1 << i)]! - v[S | (1 << j)]! + v[S]!);
    }
    out[i * M + j] = s;
  }
  return out;
}

describe('TreeSHAP interaction values equal the brute-force Shapley interaction index (1e-10)', () => {
  const cases: [string, 'iris' | 'diabetes', number[] | undefined, () => unknown][] = [
    ['DecisionTreeClassifier', 'iris', undefined, () => new DecisionTreeClassifier({ randomState: 0 })],
    ['RandomForestRegressor, 6 features', 'diabetes', [0, 2, 3, 4, 8, 9], () => new RandomForestRegressor({ nEstimators: 3, maxDepth: 5, randomState: 0 })],
  ];
  for (const [name, ds, cols, make] of cases) {
    it(`${name} on ${ds}`, () => {
      const { X, y } = data(ds, cols);
      const model = (make() as { fit(X: Matrix, y: number[]): Model }).fit(X, y);
      const view = treeEnsembleViewOf(model)!;
      const rows = X.takeRows([0, 41, 77, 120]);
      const s = shapValues(model as never, rows, { interactions: true });
      const d = X.cols;
      let worst = 0;
      for (let k = 0; k < view.nOutputs; k++) for (let i = 0; i < rows.rows; i++) {
        const ref = bruteInteractions(view, rows.row(i), d, k);
        const iv = s.interactionValues![k]!;
        for (let a = 0; a < d; a++) {
          let rowSum = 0;
          for (let b = 0; b < d; b++) {
            const got = iv[i * d * d + a * d + b]!;
            rowSum += got;
            if (a !== b) worst = Math.max(worst, Math.abs(got - ref[a * d + b]!));
          }
          worst = Math.max(worst, Math.abs(rowSum - s.values[k]!.data[i * d + a]!));
        }
      }
      assert.ok(worst <= 1e-10, `max error ${worst}`);
    });
  }
});

describe('shapValuesAsync: TreeSHAP rows over the worker pool', () => {
  it('nJobs 1, 2 and 3 give bit-identical values (fast, recursive and auto)', async () => {
    const { X, y } = data('breast_cancer');
    const rf = new RandomForestClassifier({ nEstimators: 10, maxDepth: 6, randomState: 0 }).fit(X, y);
    const rows = X.takeRows(Array.from({ length: 41 }, (_, i) => i * 13));
    for (const treeAlgorithm of ['fast', 'recursive', 'auto'] as const) {
      const a = shapValues(rf, rows, { treeAlgorithm });
      for (const nJobs of [1, 2, 3]) {
        const b = await shapValuesAsync(rf, rows, { nJobs, treeAlgorithm });
        assert.equal(b.values.length, 2);
        for (let k = 0; k < 2; k++) assert.deepEqual(Array.from(b.values[k]!.data), Array.from(a.values[k]!.data), `${treeAlgorithm}, nJobs ${nJobs}`);
        assert.deepEqual(Array.from(b.expectedValue), Array.from(a.expectedValue));
      }
    }
  });
  it('a row gets the same values whatever block it is explained in (regressor, 1 output)', async () => {
    const { X, y } = data('diabetes');
    const rf = new RandomForestRegressor({ nEstimators: 8, maxDepth: 7, randomState: 3 }).fit(X, y);
    const all = shapValues(rf, X, { treeAlgorithm: 'fast' });
    const some = await shapValuesAsync(rf, X.takeRows([5, 200, 441]), { nJobs: 2, treeAlgorithm: 'fast' });
    [5, 200, 441].forEach((r, i) => assert.deepEqual(Array.from(some.values[0]!.row(i)), Array.from(all.values[0]!.row(r))));
  });
});

describe('Fast TreeSHAP v2 (per-leaf tables) against the recursive algorithm', () => {
  it('the same values to 1e-12 on a deep forest, also with a mixed per-tree plan', () => {
    const { X, y } = data('breast_cancer');
    const rf = new RandomForestClassifier({ nEstimators: 6, randomState: 0 }).fit(X, y); // unlimited depth
    const view = treeEnsembleViewOf(rf)!;
    const rows = X.takeRows(Array.from({ length: 60 }, (_, i) => i * 9));
    const rec = treeShapCore(view, rows.data, rows.rows, rows.cols, 'recursive');
    const fast = planTreeShap(view, rows.rows, 'fast');
    assert.ok(fast.every((t) => t !== null), 'every tree tabulated');
    const mixed = fast.map((t, i) => (i % 2 ? t : null));
    for (const plan of [fast, mixed]) {
      const r = treeShapCore(view, rows.data, rows.rows, rows.cols, plan);
      for (let k = 0; k < 2; k++) {
        let worst = 0;
        r.values[k]!.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - rec.values[k]!.data[i]!)); });
        assert.ok(worst <= 1e-12, `max |fast - recursive| = ${worst}`);
      }
    }
  });
  it("'auto' keeps the recursive algorithm for a handful of rows and tabulates for many", () => {
    const { X, y } = data('diabetes');
    const rf = new RandomForestRegressor({ nEstimators: 3, maxDepth: 8, randomState: 1 }).fit(X, y);
    const view = treeEnsembleViewOf(rf)!;
    assert.ok(planTreeShap(view, 1, 'auto').every((t) => t === null));
    assert.ok(planTreeShap(view, 400, 'auto').every((t) => t !== null));
    // once tabulated (cached per tree), even one row uses the tables
    assert.ok(planTreeShap(view, 1, 'auto').every((t) => t !== null));
  });
  it('bad treeAlgorithm -> InvalidParameterError naming it', () => {
    const { X, y } = data('iris');
    const tree = new DecisionTreeClassifier({ maxDepth: 2, randomState: 0 }).fit(X, y);
    assert.throws(() => shapValues(tree, X, { treeAlgorithm: 'v3' as never }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'treeAlgorithm');
  });
});

describe('the TreeView interface: a future tree ensemble plugs in by providing treeEnsembleView()', () => {
  it('a boosting-like model (base + learning rate * sum of trees) gets exact TreeSHAP', () => {
    const { X, y } = data('diabetes');
    const trees = treeEnsembleViewOf(new RandomForestRegressor({ nEstimators: 4, maxDepth: 4, randomState: 0 }).fit(X, y))!.trees;
    const boost = {
      treeEnsembleView: (): TreeEnsembleView => ({ trees, nOutputs: 1, nFeatures: X.cols, scale: 0.1, base: Float64Array.of(150), outputNames: ['value'], output: 'raw', kind: 'regressor', modelKind: 'ToyBoost' }),
      predict: (Z: Matrix) => Float64Array.from({ length: Z.rows }, (_, i) => 150 + 0.1 * trees.reduce((a, t) => a + t.value[treeLeaf(t, Z.data, i * Z.cols)]!, 0)),
    };
    const rows = X.takeRows([0, 10, 20, 30]);
    const s = shapValues(boost as never, rows);
    assert.equal(s.method, 'tree');
    const pred = boost.predict(rows);
    for (let i = 0; i < rows.rows; i++) {
      let sum = s.expectedValue[0]!;
      for (let j = 0; j < X.cols; j++) sum += s.values[0]!.data[i * X.cols + j]!;
      assert.ok(Math.abs(sum - pred[i]!) < 1e-9);
    }
  });
});

describe('shapValues (trees): names and bad input', () => {
  const { X, y } = data('iris');
  it('one matrix per class, class names as output names', () => {
    const rf = new RandomForestClassifier({ nEstimators: 5, randomState: 0 }).fit(X, y);
    const s = shapValues(rf, X.takeRows([0, 60, 120]), { featureNames: ['sl', 'sw', 'pl', 'pw'] });
    assert.deepEqual(s.outputNames, ['0', '1', '2']);
    assert.deepEqual(s.featureNames, ['sl', 'sw', 'pl', 'pw']);
    assert.equal(s.values.length, 3);
    assert.deepEqual(s.values[0]!.shape, [3, 4]);
  });
  it('unfitted model -> NotFittedError', () => {
    assert.throws(() => shapValues(new DecisionTreeClassifier(), X), NotFittedError);
    assert.throws(() => shapValues(new RandomForestRegressor(), X), NotFittedError);
  });
  it("TreeSHAP on an MLP -> InvalidParameterError naming 'method'", () => {
    const mlp = new MLPClassifier({ hiddenLayerSizes: [3], maxIter: 3, randomState: 0 }).fit(X, y);
    assert.throws(() => shapValues(mlp, X, { method: 'tree' }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'method');
  });
  it('mismatched widths -> ShapeError, NaN rows -> DataError', () => {
    const tree = new DecisionTreeRegressor({ maxDepth: 3, randomState: 0 }).fit(X, y);
    assert.throws(() => shapValues(tree, X.takeCols([0, 1, 2])), (e: unknown) => e instanceof ShapeError && /'X'/.test((e as Error).message));
    const bad = X.copy();
    bad.data[9] = NaN;
    assert.throws(() => shapValues(tree, bad), (e: unknown) => e instanceof DataError && /'X'/.test((e as Error).message));
  });
});

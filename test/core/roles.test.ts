/**
 * Issue 14, item 1: one estimator contract for score, sample weights, warnings and label checks.
 * Each block failed on the code before the change (private R^2 copies, five weight checks with
 * different error classes, DummyClassifier ignoring bad weights, DummyRegressor predicting 0 with
 * no constant, accuracyScore accepting mixed label types, eigh throwing a warning).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import { checkSampleWeight } from '../../src/core/sampleWeight.js';
import { catchWarnings, setWarningHandler, warn, DeepmineWarning } from '../../src/core/warnings.js';
import { fitTransform, predictFromProba } from '../../src/core/roles.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../src/tree/cart.js';
import { LinearRegression, Ridge } from '../../src/linear/linear.js';
import { LogisticRegression } from '../../src/linear/logistic.js';
import { KNeighborsClassifier, KNeighborsRegressor } from '../../src/neighbors/knn.js';
import { KMeans } from '../../src/cluster/kmeans.js';
import { DummyClassifier, DummyRegressor } from '../../src/dummy/dummy.js';
import { MLPRegressor } from '../../src/nn/mlp.js';
import { accuracyScore } from '../../src/metrics/accuracy.js';
import { f1Score } from '../../src/metrics/classification.js';
import { r2Score } from '../../src/metrics/regression.js';
import { eigh, setMaxQlIter } from '../../src/linalg/eigh.js';
import { StandardScaler } from '../../src/preprocessing/standardScaler.js';

const rs = new RandomState(3);
const X = Array.from({ length: 30 }, () => Array.from(rs.uniform(-1, 1, 3)));
const yReg = X.map((r) => r[0]! * 2 - r[1]! + 0.1 * r[2]! * r[2]!);
const yCls = X.map((r) => (r[0]! + r[1]! > 0 ? 1 : 0));
const Xte = Array.from({ length: 12 }, () => Array.from(rs.uniform(-1, 1, 3)));
const yTeReg = Xte.map((r) => r[0]! * 2 - r[1]!);
const yTeCls = Xte.map((r) => (r[0]! > 0 ? 1 : 0));

const regressors = () => [new DecisionTreeRegressor({ randomState: 0, maxDepth: 3 }), new LinearRegression(), new Ridge(), new KNeighborsRegressor({ nNeighbors: 3 }), new DummyRegressor()];

describe('score goes through the public metrics', () => {
  it('regressors: score == r2Score, with and without sample weights', () => {
    const sw = Array.from(rs.uniform(0.5, 2, Xte.length));
    for (const est of regressors()) {
      est.fit(X, yReg);
      const pred = est.predict(Xte);
      assert.equal(est.score(Xte, yTeReg), r2Score(yTeReg, pred), est.kind);
      assert.equal(est.score(Xte, yTeReg, sw), r2Score(yTeReg, pred, { sampleWeight: sw }), est.kind);
    }
  });

  it('regressors: one sample gives NaN and an UndefinedMetricWarning, as r2Score (the private copies returned 0 or 1)', () => {
    for (const est of regressors()) {
      est.fit(X, yReg);
      const { value, warnings } = catchWarnings(() => est.score([Xte[0]!], [yTeReg[0]! + 1]));
      assert.ok(Number.isNaN(value), `${est.kind} score of one sample is NaN, got ${value}`);
      assert.equal(warnings.length, 1, est.kind);
      assert.equal(warnings[0]!.name, 'UndefinedMetricWarning');
    }
  });

  it('classifiers: score == accuracyScore (weighted too)', () => {
    const sw = Array.from(rs.uniform(0.5, 2, Xte.length));
    for (const est of [new DecisionTreeClassifier({ randomState: 0 }), new LogisticRegression(), new KNeighborsClassifier({ nNeighbors: 3 }), new DummyClassifier({ strategy: 'most_frequent' })]) {
      est.fit(X, yCls);
      const pred = est.predict(Xte);
      assert.equal(est.score(Xte, yTeCls), accuracyScore(yTeCls, pred), est.kind);
      assert.equal(est.score(Xte, yTeCls, sw), accuracyScore(yTeCls, pred, { sampleWeight: sw }), est.kind);
    }
  });

  it('MLPRegressor.score accepts sample weights', () => {
    const est = new MLPRegressor({ hiddenLayerSizes: [4], maxIter: 5, randomState: 0 }).fit(X, yReg);
    const sw = Xte.map((_, i) => 1 + (i % 3));
    assert.equal(est.score(Xte, yTeReg, sw), r2Score(yTeReg, est.predict(Xte), { sampleWeight: sw }));
  });
});

describe('one sample-weight check, one error class per mistake', () => {
  const cases: [string, (sw: number[]) => unknown][] = [
    ['DecisionTreeClassifier', (sw) => new DecisionTreeClassifier().fit(X, yCls, sw)],
    ['DecisionTreeRegressor', (sw) => new DecisionTreeRegressor().fit(X, yReg, sw)],
    ['LinearRegression', (sw) => new LinearRegression().fit(X, yReg, sw)],
    ['Ridge', (sw) => new Ridge().fit(X, yReg, sw)],
    ['LogisticRegression', (sw) => new LogisticRegression().fit(X, yCls, sw)],
    ['KMeans', (sw) => new KMeans({ nClusters: 2, randomState: 0, nInit: 1 }).fit(X, { sampleWeight: sw })],
    ['DummyClassifier', (sw) => new DummyClassifier().fit(X, yCls, sw)],
  ];
  const n = X.length;
  for (const [name, fit] of cases) {
    it(name, () => {
      assert.throws(() => fit(new Array(n - 1).fill(1)), ShapeError, `${name}: wrong length -> ShapeError`);
      assert.throws(() => fit([-1, ...new Array(n - 1).fill(1)]), DataError, `${name}: negative -> DataError`);
      assert.throws(() => fit([NaN, ...new Array(n - 1).fill(1)]), DataError, `${name}: NaN -> DataError`);
      assert.throws(() => fit(new Array(n).fill(0)), DataError, `${name}: all zero -> DataError`);
      fit(new Array(n).fill(1));
    });
  }

  it('checkSampleWeight itself', () => {
    assert.equal(checkSampleWeight(null, 3, 'x'), null);
    assert.deepEqual(Array.from(checkSampleWeight([1, 2, 3], 3, 'x')!), [1, 2, 3]);
    assert.throws(() => checkSampleWeight([1, 2], 3, 'Owner'), (e: unknown) => e instanceof ShapeError && /Owner/.test((e as Error).message) && /'sampleWeight'/.test((e as Error).message));
    assert.throws(() => checkSampleWeight('abc' as never, 3, 'x'), DataError);
    assert.throws(() => checkSampleWeight([1, '2', 3] as never, 3, 'x'), DataError);
    assert.deepEqual(Array.from(checkSampleWeight([-1, 1, 0], 3, 'x', { allowNegative: true, allowZeroSum: true })!), [-1, 1, 0]);
  });

  it('DummyClassifier: a short weight array was accepted and gave classPrior [NaN, NaN]', () => {
    assert.throws(() => new DummyClassifier().fit([[0], [1], [2]], [0, 1, 1], [1, 1]), ShapeError);
    const d = new DummyClassifier().fit([[0], [1], [2]], [0, 1, 1], [2, 1, 1]);
    assert.deepEqual(Array.from(d.predictProba([[0]]).data), [0.5, 0.5]);
  });
});

describe('Dummy and accuracy fixes', () => {
  it("DummyRegressor strategy 'constant' without constant -> InvalidParameterError (was: silently 0)", () => {
    assert.throws(() => new DummyRegressor({ strategy: 'constant' }).fit([[0], [1]], [1, 2]), InvalidParameterError);
    assert.deepEqual(Array.from(new DummyRegressor({ strategy: 'constant', constant: 3 }).fit([[0], [1]], [1, 2]).predict([[0]])), [3]);
  });

  it("accuracyScore([1,2,1], ['1','2','1']) raises like f1Score (was: 0)", () => {
    assert.throws(() => f1Score([1, 2, 1], ['1', '2', '1'], { average: 'macro' }), DataError);
    assert.throws(() => accuracyScore([1, 2, 1], ['1', '2', '1']), (e: unknown) => e instanceof DataError && /Mix of label input types/.test((e as Error).message));
    assert.equal(accuracyScore(['a', 'b'], ['a', 'a']), 0.5);
  });
});

describe('warning channel', () => {
  it('eigh warns (ConvergenceWarning) instead of throwing when the QL iteration stops early', () => {
    const prev = setMaxQlIter(0);
    try {
      const A = [[2, 1, 0], [1, 2, 1], [0, 1, 2]];
      const { value, warnings } = catchWarnings(() => eigh(A));
      assert.ok(warnings.length > 0);
      assert.equal(warnings[0]!.name, 'ConvergenceWarning');
      assert.equal(value.values.length, 3);
    } finally {
      setMaxQlIter(prev);
    }
  });

  it('setWarningHandler routes every warning; null restores the default', () => {
    const seen: string[] = [];
    const prev = setWarningHandler((w) => seen.push(w.name));
    try {
      warn(new DeepmineWarning('x'));
      r2Score([1], [1]);
    } finally {
      setWarningHandler(prev);
    }
    assert.deepEqual(seen, ['DeepmineWarning', 'UndefinedMetricWarning']);
  });
});

describe('role helpers', () => {
  it('fitTransform == fit + transform; predictFromProba takes the first maximum', () => {
    const a = fitTransform(new StandardScaler(), X);
    const b = new StandardScaler().fit(X).transform(X);
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
    assert.deepEqual(predictFromProba(new Matrix(Float64Array.from([0.5, 0.5, 0.2, 0.8]), 2, 2), ['a', 'b']), ['a', 'b']);
  });
});

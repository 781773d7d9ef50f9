import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { NetFeatureSelector, gradientTimesInput } from '../../src/fusion/index.js';
import { Dense, MLPClassifier, MLPRegressor, Sequential } from '../../src/nn/index.js';
import { permutationImportanceSync } from '../../src/explain/permutation.js';
import { checkEstimator } from '../helpers/conformance.js';

// y depends on columns 1 and 4 only
const rs = new RandomState(0);
const X = Array.from({ length: 200 }, () => Array.from({ length: 6 }, () => rs.standardNormal()));
const y = X.map((r) => (r[1]! + 0.8 * r[4]! > 0 ? 1 : 0));
const yr = X.map((r) => 2 * r[1]! - r[4]! + 0.3 * r[2]!);

checkEstimator('NetFeatureSelector', {
  make: (p = {}) => new NetFeatureSelector({ k: 2, maxIter: 3, hiddenLayerSizes: [4], randomState: 0, ...p }),
  X: X.slice(0, 40),
  y: y.slice(0, 40),
});

describe('NetFeatureSelector', () => {
  const clf = new MLPClassifier({ hiddenLayerSizes: [16], maxIter: 60, learningRateInit: 0.01, randomState: 0 }).fit(X, y);

  it("'gradient' keeps the columns the net uses; scores equal finite-difference gradient x input", () => {
    const sel = new NetFeatureSelector({ estimator: clf, k: 2 }).fit(X, y);
    assert.deepEqual(Array.from(sel.getSupport(true)), [1, 4]);
    assert.deepEqual(sel.getFeatureNamesOut(), ['x1', 'x4']);
    assert.deepEqual(sel.transform(X).toArray()[0], [X[0]![1], X[0]![4]]);
    // finite differences of the predicted class's probability
    const P = clf.predictProba(X);
    const fd = new Float64Array(6);
    for (let i = 0; i < 200; i++) {
      const c = P.get(i, 1) > P.get(i, 0) ? 1 : 0;
      for (let j = 0; j < 6; j++) {
        const h = 1e-6, a = X[i]!.slice(), b = X[i]!.slice();
        a[j]! += h; b[j]! -= h;
        const g = (clf.predictProba([a]).get(0, c) - clf.predictProba([b]).get(0, c)) / (2 * h);
        fd[j]! += Math.abs(g * X[i]![j]!) / 200;
      }
    }
    for (let j = 0; j < 6; j++) assert.ok(Math.abs(sel.scores[j]! - fd[j]!) < 1e-7, `feature ${j}: ${sel.scores[j]} vs ${fd[j]}`);
  });

  it("'permutation' equals permutationImportance on the same net and seed", () => {
    const sel = new NetFeatureSelector({ estimator: clf, method: 'permutation', k: 0.3, nRepeats: 3, randomState: 0 }).fit(X, y);
    const r = permutationImportanceSync(clf, new Matrix(Float64Array.from(X.flat()), 200, 6), y, { nRepeats: 3, randomState: 0 });
    assert.deepEqual(Array.from(sel.scores), Array.from(r.importancesMean));
    assert.deepEqual(Array.from(sel.getSupport(true)), [1, 4]); // k = ceil(0.3 * 6) = 2
  });

  it('trains its own net when none is given (regression), and ranks a raw Sequential', () => {
    const sel = new NetFeatureSelector({ k: 2, task: 'regression', hiddenLayerSizes: [8], maxIter: 80, randomState: 0 }).fit(X, yr);
    assert.deepEqual(Array.from(sel.getSupport(true)), [1, 4]);
    const reg = new MLPRegressor({ hiddenLayerSizes: [8], maxIter: 80, randomState: 0 }).fit(X, yr);
    const s1 = gradientTimesInput(reg.network, new Matrix(Float64Array.from(X.flat()), 200, 6));
    assert.deepEqual(Array.from(sel.scores), Array.from(s1));
  });

  it('bad input: net input width differs from X, transform before fit, missing y, k too large', () => {
    const net = new Sequential([new Dense(3, { activation: 'relu' }), new Dense(1)]).build(5, 0);
    assert.throws(() => new NetFeatureSelector({ estimator: net, k: 2 }).fit(X), (e: unknown) => e instanceof ShapeError && /'estimator'/.test((e as Error).message) && /5 inputs/.test((e as Error).message));
    assert.throws(() => new NetFeatureSelector().transform(X), NotFittedError);
    assert.throws(() => new NetFeatureSelector({ k: 2 }).fit(X), (e: unknown) => e instanceof DataError && /'y'/.test((e as Error).message));
    assert.throws(() => new NetFeatureSelector({ estimator: clf, k: 7 }).fit(X, y), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'k');
    assert.throws(() => new NetFeatureSelector({ k: 0 }), InvalidParameterError);
    assert.throws(() => new NetFeatureSelector({ estimator: {} as never }), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'estimator');
  });
  it("dtype 'float32' trains the internal net in float32: same kept columns, scores equal the float32 MLP's", () => {
    const s32 = new NetFeatureSelector({ k: 2, hiddenLayerSizes: [16], maxIter: 150, dtype: 'float32', randomState: 0 }).fit(X, y);
    const s64 = new NetFeatureSelector({ k: 2, hiddenLayerSizes: [16], maxIter: 150, randomState: 0 }).fit(X, y);
    assert.deepEqual(Array.from(s32.getSupport(true)), [1, 4]);
    assert.deepEqual(Array.from(s64.getSupport(true)), [1, 4]);
    const net32 = new MLPClassifier({ hiddenLayerSizes: [16], maxIter: 150, dtype: 'float32', randomState: 0 }).fit(X, y);
    assert.ok(net32.network.layers[0]!.weights()[0] instanceof Float32Array);
    assert.deepEqual(Array.from(s32.scores), Array.from(gradientTimesInput(net32.network, new Matrix(new Float64Array(X.flat()), 200, 6))));
    assert.notDeepEqual(Array.from(s32.scores), Array.from(s64.scores));
    assert.throws(() => new NetFeatureSelector({ dtype: 'float16' as never }), InvalidParameterError);
  });
});

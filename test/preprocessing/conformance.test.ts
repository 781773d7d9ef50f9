import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { FunctionTransformer, KBinsDiscretizer, LabelEncoder, MaxAbsScaler, MinMaxScaler, Normalizer, OneHotEncoder, OrdinalEncoder, OutlierFilter, PolynomialFeatures, RobustScaler } from '../../src/preprocessing/index.js';
import { checkEstimator } from '../helpers/conformance.js';

const X = Array.from({ length: 20 }, (_, i) => [i, (i * 7) % 5, (i * 3) % 4 - 1.5]);
const Xcat = Array.from({ length: 20 }, (_, i) => [i % 3, (i * 7) % 5, i % 2]);

checkEstimator('MinMaxScaler', { make: (p) => new MinMaxScaler(p), X });
checkEstimator('MaxAbsScaler', { make: (p) => new MaxAbsScaler(p), X });
checkEstimator('RobustScaler', { make: (p) => new RobustScaler(p), X });
checkEstimator('Normalizer', { make: (p) => new Normalizer(p), X });
checkEstimator('OneHotEncoder', { make: (p) => new OneHotEncoder(p), X: Xcat });
checkEstimator('OrdinalEncoder', { make: (p) => new OrdinalEncoder(p), X: Xcat });
checkEstimator('KBinsDiscretizer', { make: (p) => new KBinsDiscretizer({ nBins: 3, strategy: 'kmeans', ...p }), X });
checkEstimator('PolynomialFeatures', { make: (p) => new PolynomialFeatures(p), X });
checkEstimator('FunctionTransformer', { make: (p) => new FunctionTransformer({ func: 'square', validate: true, ...p }), X });
checkEstimator('OutlierFilter', { make: (p) => new OutlierFilter(p), X: [...X, [100, 1, 0]] });
checkEstimator('LabelEncoder', {
  make: (p) => new LabelEncoder(p),
  X: [[3], [1], [2]],
  skip: {
    'empty input is a ShapeError': 'LabelEncoder takes 1-D labels; covered in the LabelEncoder tests below',
    'wrong width at predict is a ShapeError': 'LabelEncoder takes 1-D labels (no width)',
    'NaN in X': 'covered below on 1-D labels',
    'infinity in X is a DataError': 'covered below on 1-D labels',
    'constructor does no work; clone is unfitted': 'runs fit(X) with 2-D X',
    'fit returns this': 'covered below',
    'same randomState gives the same result': 'LabelEncoder has no randomState',
    'JSON round trip predicts identically': 'covered below',
    'inputs are not mutated': 'covered below on 1-D labels',
    'fitting twice gives the same state': 'covered below on 1-D labels',
    'NotFittedError before fit': 'covered below',
  },
});

describe('LabelEncoder (1-D conformance and behaviour)', () => {
  it('fit returns this, sorted classes, round trip, typed errors', async () => {
    const { loadModel } = await import('../../src/core/estimator.js');
    const { NotFittedError, ShapeError } = await import('../../src/core/errors.js');
    const le = new LabelEncoder();
    assert.throws(() => le.transform(['a']), NotFittedError);
    assert.equal(le.fit(['b', 'a', 'c', 'a']), le);
    assert.deepEqual(le.classes, ['a', 'b', 'c']);
    assert.deepEqual(Array.from(le.transform(['c', 'a'])), [2, 0]);
    assert.deepEqual(le.inverseTransform([1, 2]), ['b', 'c']);
    const again = loadModel<LabelEncoder>(JSON.parse(JSON.stringify(le.toJSON())));
    assert.deepEqual(Array.from(again.transform(['b'])), [1]);
    assert.throws(() => le.transform(['zz']), (e: unknown) => e instanceof DataError && /"zz"/.test((e as Error).message));
    assert.throws(() => new LabelEncoder().fit([]), ShapeError);
    assert.throws(() => new LabelEncoder().fit([1, NaN]), DataError);
    assert.throws(() => new LabelEncoder().fit([1, Infinity]), (e: unknown) => e instanceof DataError && /Infinity/.test((e as Error).message));
    // inputs are not mutated; fitting twice gives the same state
    const y = ['b', 'a', 'c', 'a'];
    const twice = new LabelEncoder().fit(y);
    const state = JSON.stringify(twice.toJSON());
    assert.deepEqual(y, ['b', 'a', 'c', 'a']);
    assert.equal(JSON.stringify(twice.fit(y).toJSON()), state);
    assert.deepEqual(new LabelEncoder().fit([10, 2, 2]).classes, [2, 10]);
  });
  it('OutlierFilter: IQR and z-score rules, filter()', () => {
    const data = [[1], [2], [3], [4], [5], [6], [7], [8], [100]];
    const f = new OutlierFilter().fit(data);
    assert.deepEqual([f.lower[0], f.upper[0]], [-3, 13]); // Q1 3, Q3 7 (numpy linear percentiles)
    assert.deepEqual(Array.from(f.predict(data)), [1, 1, 1, 1, 1, 1, 1, 1, -1]);
    const r = f.filter(data, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    assert.equal(r.X.rows, 8);
    assert.deepEqual(r.y, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const z = new OutlierFilter({ method: 'zscore', threshold: 2 }).fit(data);
    assert.equal(z.predict([[100]])[0], -1);
    assert.equal(z.predict([[5]])[0], 1);
  });
  it('FunctionTransformer: named functions persist, inverse check', () => {
    const ft = new FunctionTransformer({ func: 'log1p', inverseFunc: 'expm1', featureNamesOut: 'one-to-one' }).fit([[0], [1]]);
    assert.deepEqual(ft.transform([[Math.E - 1]]).toArray(), [[1]]);
    assert.deepEqual(ft.getFeatureNamesOut(), ['x0']);
    assert.throws(() => new FunctionTransformer({ func: 'square', inverseFunc: 'exp' }).fit([[1], [2]]), DataError);
  });
});

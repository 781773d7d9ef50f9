import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { p, resolveParams } from '../../src/core/params.js';
import { RandomState } from '../../src/core/random.js';
import { decodeValue, encodeValue, fromBase64, toBase64 } from '../../src/core/serialize.js';
import { Table } from '../../src/core/table.js';
import { checkArray, checkLabels, checkTarget } from '../../src/core/validation.js';
import { loadModel } from '../../src/core/estimator.js';
import { DummyClassifier } from '../../src/dummy/dummy.js';
import { parallelMap, closePool } from '../../src/core/pool.js';

const named = (cls: Function, re: RegExp) => (e: unknown) => e instanceof cls && re.test((e as Error).message);

describe('checkArray: the one coercion path', () => {
  it('accepts number[][], Matrix, {data, shape} and Table with equal results', () => {
    const rows = [[1, 2], [3, 4], [5, 6]];
    const a = checkArray(rows);
    const m = Matrix.fromRows(rows);
    assert.equal(checkArray(m), m, 'a Matrix is not copied');
    assert.deepEqual(checkArray({ data: [1, 2, 3, 4, 5, 6], shape: [3, 2] }).data, a.data);
    assert.deepEqual(checkArray(Table.fromColumns({ x: [1, 3, 5], y: [2, 4, 6] })).data, a.data);
    assert.deepEqual(checkArray([Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(5, 6)]).data, a.data);
  });
  it('rejects ragged, 1-D, empty, NaN, Infinity and wrong widths with messages naming X', () => {
    assert.throws(() => checkArray([[1, 2], [3]]), named(ShapeError, /'X'.*row 1 of length 1/));
    assert.throws(() => checkArray([1, 2, 3] as never), named(ShapeError, /'X'.*1-D/));
    assert.throws(() => checkArray([]), named(ShapeError, /'X'.*at least 1 sample/));
    assert.throws(() => checkArray([[1, NaN]]), named(DataError, /NaN at row 0, column 1/));
    assert.doesNotThrow(() => checkArray([[1, NaN]], { allowNaN: true }));
    assert.throws(() => checkArray([[1, Infinity]], { allowNaN: true }), named(DataError, /Infinity/));
    assert.throws(() => checkArray([[1, 2]], { nFeatures: 3, owner: 'KMeans' }), named(ShapeError, /^KMeans: argument 'X' must be 3 features, as seen in fit; received 2 features/));
    assert.throws(() => checkArray([[1, 'a' as never]]), named(DataError, /string "a" at row 0, column 1/));
    assert.throws(() => checkArray({ data: [1, 2, 3], shape: [2, 2] }), ShapeError);
    assert.throws(() => checkArray(Table.fromColumns({ c: ['a'] })), named(DataError, /categorical/));
  });
  it('checkLabels sorts classes like np.unique and checkTarget checks length', () => {
    const { classes, encoded } = checkLabels([3, 1, 2, 1], 4);
    assert.deepEqual(classes, [1, 2, 3]);
    assert.deepEqual(Array.from(encoded), [2, 0, 1, 0]);
    assert.deepEqual(checkLabels(['b', 'B', 'a'], 3).classes, ['B', 'a', 'b']);
    assert.throws(() => checkLabels([1, 'a'], 2), named(DataError, /one type/));
    // past 16 distinct labels (the Map path) the same encoding as with few; -0 and 0 are one class
    const many = Array.from({ length: 500 }, (_, i) => (i * 37) % 23);
    const m = checkLabels(many, 500);
    assert.deepEqual(m.classes, Array.from({ length: 23 }, (_, k) => k));
    assert.ok(many.every((v, i) => m.encoded[i] === v));
    const z = checkLabels(new Float64Array([0, -0, 1, 0]), 4);
    assert.equal(z.classes.length, 2);
    assert.deepEqual([...z.encoded], [0, 0, 1, 0]);
    assert.throws(() => checkLabels([1, NaN], 2), DataError);
    assert.throws(() => checkTarget([1, 2], 3), named(ShapeError, /'y'.*length 3.*length 2/));
  });
});

describe('Matrix and Table', () => {
  it('Matrix views, takes and transposes', () => {
    const m = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(Array.from(m.row(1)), [4, 5, 6]);
    assert.deepEqual(m.takeRows([1, 0]).toArray(), [[4, 5, 6], [1, 2, 3]]);
    assert.deepEqual(m.takeCols([2, 0]).toArray(), [[3, 1], [6, 4]]);
    assert.deepEqual(m.transpose().toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.throws(() => new Matrix(new Float64Array(5), 2, 3), ShapeError);
  });
  it('Table infers kinds, encodes categories and names unknown columns in errors', () => {
    const t = Table.fromColumns({ n: [1, null, 3], c: ['x', 'y', null], b: [true, false, null], d: [new Date(0), null, new Date(1000)] });
    assert.deepEqual(t.columns.map((c) => c.kind), ['numeric', 'categorical', 'boolean', 'date']);
    assert.deepEqual(t.toRows()[1], { n: null, c: 'y', b: false, d: null });
    assert.throws(() => t.column('zz'), named(DataError, /"zz".*n, c, b, d|n, c, b, d.*"zz"/));
    assert.deepEqual(t.select(['c']).takeRows([2, 0]).values('c'), [null, 'x']);
    assert.throws(() => Table.fromColumns({ a: [1, 2], b: [1] }), DataError);
  });
});

describe('params and estimator base', () => {
  const schema = { k: p.int(3, { min: 1 }), mode: p.oneOf(['a', 'b'] as const, 'a'), rs: p.randomState() };
  it('fills defaults, validates, freezes and rejects unknown keys', () => {
    const v = resolveParams(schema, { k: 5 }, 'Thing');
    assert.deepEqual({ ...v }, { k: 5, mode: 'a', rs: null });
    assert.ok(Object.isFrozen(v));
    assert.throws(() => resolveParams(schema, { k: 0 }, 'Thing'), (e: unknown) => e instanceof InvalidParameterError && e.param === 'k' && /Thing: parameter 'k' must be an integer >= 1; received 0/.test(e.message));
    assert.throws(() => resolveParams(schema, { mode: 'c' as never }, 'Thing'), named(InvalidParameterError, /one of "a", "b"; received "c"/));
    assert.throws(() => resolveParams(schema, { kk: 1 } as never, 'Thing'), named(InvalidParameterError, /parameter 'kk' must be a known parameter \(one of k, mode, rs\)/));
  });
  it('NotFittedError, with(), setParams and loadModel', () => {
    const clf = new DummyClassifier({ strategy: 'most_frequent' });
    assert.throws(() => clf.predict([[1]]), named(NotFittedError, /DummyClassifier is not fitted/));
    clf.fit([[1], [2], [3]], ['x', 'y', 'y']);
    assert.deepEqual(clf.predict([[0]]), ['y']);
    const other = clf.with({ strategy: 'constant', constant: 'x' });
    assert.equal(other.isFitted, false);
    assert.equal(clf.params.strategy, 'most_frequent');
    const saved = JSON.parse(JSON.stringify(clf.toJSON()));
    assert.equal(saved.format, 'deepmine');
    assert.equal(saved.kind, 'DummyClassifier');
    assert.deepEqual((loadModel(saved) as DummyClassifier).predict([[0]]), ['y']);
    assert.throws(() => loadModel({ ...saved, kind: 'Nope' }), named(InvalidParameterError, /Nope/));
    assert.throws(() => loadModel({ format: 'other' } as never), DataError);
  });
  it('serialization is bit-exact for typed arrays, NaN, Maps and RandomState', () => {
    const rs = new RandomState(5);
    rs.standardNormal(); // leaves a cached gaussian
    const value = { a: Float64Array.of(0.1, -0, NaN, 1e-310), b: Int32Array.of(-1, 7), c: NaN, m: new Map([['k', 1]]), rs };
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value)))) as typeof value;
    assert.ok(Object.is(back.a[1], -0));
    assert.deepEqual(back.a, value.a);
    assert.deepEqual(back.b, value.b);
    assert.ok(Number.isNaN(back.c));
    assert.deepEqual(back.m, value.m);
    assert.equal(back.rs.standardNormal(), rs.standardNormal());
    for (const len of [0, 1, 2, 3, 4, 5, 255]) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 37) & 255);
      assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
      assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
    }
  });
});

describe('worker pool', () => {
  it('parallelMap gives the same ordered results with 1 and 2 workers, over SharedArrayBuffer', { timeout: 60000 }, async () => {
    const mod = new URL('../helpers/poolTask.mjs', import.meta.url).href;
    const sab = new SharedArrayBuffer(8 * 1000);
    const arr = new Float64Array(sab);
    for (let i = 0; i < arr.length; i++) arr[i] = i;
    const tasks = [[sab, 0, 250], [sab, 250, 500], [sab, 500, 750], [sab, 750, 1000]];
    const one = await parallelMap<number>(1, mod, 'sumRange', tasks);
    const two = await parallelMap<number>(2, mod, 'sumRange', tasks);
    assert.deepEqual(two, one);
    assert.equal(one.reduce((a, b) => a + b, 0), (999 * 1000) / 2);
    await assert.rejects(parallelMap(2, mod, 'fails', [[1], [2]]), /boom/);
    await closePool();
  });
});

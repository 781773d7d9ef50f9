/** toMatrix encodes string feature columns (issue 17: the README quick start on a CSV with strings). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError } from '../../src/core/errors.js';
import { Table } from '../../src/core/table.js';
import { toMatrix } from '../../src/io/toMatrix.js';

const t = Table.fromColumns({ age: [30, 40, NaN, 50], city: ['Nice', 'Paris', null, 'Lyon'], label: ['y', 'n', 'y', 'n'] });

describe('toMatrix', () => {
  it("one-hot encodes string columns by default (sorted values, missing = no column set)", () => {
    const { X, y, featureNames } = toMatrix(t, { target: 'label' });
    assert.deepEqual(featureNames, ['age', 'city=Lyon', 'city=Nice', 'city=Paris']);
    assert.deepEqual(Array.from(X.data), [30, 0, 1, 0, 40, 0, 0, 1, NaN, 0, 0, 0, 50, 1, 0, 0]);
    assert.deepEqual(y, ['y', 'n', 'y', 'n']);
  });
  it("'ordinal' gives sorted-value indices (NaN when missing); 'error' refuses string columns", () => {
    const { X, featureNames } = toMatrix(t, { target: 'label', categorical: 'ordinal' });
    assert.deepEqual(featureNames, ['age', 'city']);
    assert.deepEqual(Array.from(X.data), [30, 1, 40, 2, NaN, NaN, 50, 0]);
    assert.throws(() => toMatrix(t, { target: 'label', categorical: 'error' }), DataError);
    assert.throws(() => toMatrix(t, { categorical: 'dummy' as never }), InvalidParameterError);
  });
  it('no target: y is null; a missing target value is a DataError naming the row', () => {
    assert.equal(toMatrix(t).y, null);
    const m = Table.fromColumns({ a: [1, 2], label: [1, NaN] });
    assert.throws(() => toMatrix(m, { target: 'label' }), /row 1/);
  });
});

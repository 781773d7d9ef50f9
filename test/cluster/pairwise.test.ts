/**
 * The validated public `euclideanDistances` (cluster/pairwise.ts) against scikit-learn 1.2.1's
 * `euclidean_distances` (scripts/fixtures/cluster_pairwise.py), and its input checks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { euclideanDistances } from '../../src/index.js';
import { euclideanDistancesCore } from '../../src/cluster/pairwise.js';
import { DataError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';

interface Case { name: string; squared: boolean; X: number[][]; Y: number[][] | null; D: number[][] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/cluster_pairwise.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('euclideanDistances equals scikit-learn 1.2.1', () => {
  for (const c of fx.cases) {
    it(`${c.name}${c.squared ? ', squared' : ''}`, () => {
      const D = euclideanDistances(c.X, c.Y, { squared: c.squared });
      assert.deepEqual([D.rows, D.cols], [c.X.length, (c.Y ?? c.X).length]);
      const scale = Math.max(1, ...c.X.flat().map(Math.abs), ...(c.Y ?? []).flat().map(Math.abs));
      for (let i = 0; i < D.rows; i++) {
        for (let j = 0; j < D.cols; j++) {
          const got = D.get(i, j), want = c.D[i]![j]!;
          // the expansion ||x||^2 - 2 x.y + ||y||^2 rounds differently from BLAS's blocked dot products:
          // absolute error relative to the squared scale of the data
          const tol = c.squared ? 1e-13 * scale * scale : Math.sqrt(1e-13) * scale;
          assert.ok(Math.abs(got - want) <= tol, `${c.name}[${i}][${j}]: ${got} vs ${want}`);
          if (want === 0 && !c.Y && i === j) assert.equal(got, 0, 'exact zero diagonal');
        }
      }
    });
  }
  it('Matrix and {data, shape} inputs; the core gives the same values', () => {
    const X = new Matrix(Float64Array.from([0, 0, 3, 4, 6, 8]), 3, 2);
    assert.deepEqual(euclideanDistances(X).toArray(), [[0, 5, 10], [5, 0, 5], [10, 5, 0]]);
    assert.deepEqual(euclideanDistances({ data: [0, 0], shape: [1, 2] }, X, { squared: true }).toArray(), [[0, 25, 100]]);
    assert.deepEqual(Array.from(euclideanDistancesCore(X.data, 3, X.data, 3, 2)), euclideanDistances(X).toArray().flat());
  });
});

describe('euclideanDistances errors', () => {
  it('different widths: ShapeError naming Y', () => {
    assert.throws(() => euclideanDistances([[1, 2]], [[1, 2, 3]]), (e: unknown) => e instanceof ShapeError && /Y/.test((e as Error).message) && /2 columns/.test((e as Error).message));
  });
  it('NaN or infinity: DataError naming the argument', () => {
    assert.throws(() => euclideanDistances([[1, NaN]]), (e: unknown) => e instanceof DataError && /X/.test((e as Error).message));
    assert.throws(() => euclideanDistances([[1, 2]], [[Infinity, 0]]), (e: unknown) => e instanceof DataError && /Y/.test((e as Error).message));
  });
  it('empty input: ShapeError', () => {
    assert.throws(() => euclideanDistances([]), ShapeError);
  });
});

/**
 * Issue 14, item 3: held-out scikit-learn cases that failed before the change
 * (scripts/fixtures/core_heldout.py -> test/fixtures/core_heldout.json, scikit-learn 1.2.1, numpy 1.24).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { numpyArgpartition } from '../../src/core/numeric.js';
import { KNNImputer } from '../../src/impute/knnImputer.js';
import { LogisticRegression } from '../../src/linear/logistic.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/core_heldout.json', import.meta.url), 'utf8'));
const nan = (rows: (number | null)[][]) => rows.map((r) => r.map((x) => (x === null ? NaN : x)));

describe('LogisticRegression one-vs-rest with classWeight', () => {
  for (const c of fx.logistic) {
    it(`${c.name}: 'balanced' recomputed per binary problem (dict weights once), as scikit-learn 1.2.1`, () => {
      const clf = new LogisticRegression({ multiClass: 'ovr', classWeight: c.params.classWeight, C: c.params.C, maxIter: c.params.maxIter }).fit(c.X, c.y);
      const coef = clf.coef;
      c.coef.forEach((row: number[], k: number) => row.forEach((v: number, j: number) => {
        const got = coef.data[k * coef.cols + j]!;
        assert.ok(Math.abs(got - v) <= 1e-4 * Math.max(1, Math.abs(v)), `coef[${k}][${j}] ${got} vs ${v}`);
      }));
      c.intercept.forEach((v: number, k: number) => assert.ok(Math.abs(clf.intercept[k]! - v) <= 1e-4 * Math.max(1, Math.abs(v)), `intercept[${k}] ${clf.intercept[k]} vs ${v}`));
      const P = clf.predictProba(c.X.slice(0, 10));
      c.proba.forEach((row: number[], i: number) => row.forEach((v: number, k: number) => assert.ok(Math.abs(P.data[i * P.cols + k]! - v) < 1e-5)));
    });
  }
});

describe('KNNImputer donors on exact distance ties follow np.argpartition', () => {
  it('np.argpartition index order, ties and NaN included', () => {
    for (const c of fx.argpartition) {
      const v = c.v.map((x: number | null) => (x === null ? NaN : x));
      assert.deepEqual(Array.from(numpyArgpartition(v, c.kth)), c.out, `n=${v.length} kth=${c.kth}`);
    }
  });
  fx.knnImputer.forEach((c: { X: (number | null)[][]; nNeighbors: number; weights: 'uniform' | 'distance'; out: number[][] }, t: number) => {
    it(`case ${t}: ${c.X.length} rows, k=${c.nNeighbors}, ${c.weights}`, () => {
      const out = new KNNImputer({ nNeighbors: c.nNeighbors, weights: c.weights }).fitTransform(nan(c.X));
      c.out.forEach((row, i) => row.forEach((v, j) => assert.equal(out.data[i * out.cols + j], v, `[${i}][${j}]`)));
    });
  });
});

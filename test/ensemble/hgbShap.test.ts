/**
 * TreeSHAP on models with categorical splits (ensemble/treeView.ts expands them into threshold
 * splits): local accuracy to 1e-9, and the values equal exact path-dependent Shapley values
 * computed by brute force over all feature subsets on the original trees (bitsets, missing values).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor, type HgbTree } from '../../src/ensemble/index.js';
import { shapValues } from '../../src/explain/shap.js';
import { treeShapCore } from '../../src/explain/treeShap.js';
import { fx, mixedX } from './hgbFixture.js';

/** E[tree(x) | x_S] with the tree's training counts as weights (path-dependent), on the original tree. */
function condExp(t: HgbTree, x: ArrayLike<number>, inS: (f: number) => boolean, node = 0): number {
  if (t.isLeaf[node]) return t.value[node]!;
  const f = t.feature[node]!;
  const l = t.left[node]!, r = t.right[node]!;
  if (!inS(f)) return (t.count[l]! * condExp(t, x, inS, l) + t.count[r]! * condExp(t, x, inS, r)) / t.count[node]!;
  const v = x[f]!;
  let left: boolean;
  if (v !== v) left = t.missingGoToLeft[node] === 1;
  else if (t.isCategorical[node]) left = ((t.rawBitsets[8 * t.bitsetIdx[node]! + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
  else left = v <= t.threshold[node]!;
  return condExp(t, x, inS, left ? l : r);
}

/** Exact Shapley values of the game v(S) = sum over the class-k trees of E[tree | x_S]. */
function bruteShap(trees: readonly HgbTree[], K: number, k: number, x: ArrayLike<number>, d: number): Float64Array {
  const fact = [1];
  for (let i = 1; i <= d; i++) fact.push(fact[i - 1]! * i);
  const v = new Float64Array(1 << d);
  for (let S = 0; S < 1 << d; S++) {
    let s = 0;
    for (let t = k; t < trees.length; t += K) s += condExp(trees[t]!, x, (f) => ((S >> f) & 1) === 1);
    v[S] = s;
  }
  const phi = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let S = 0; S < 1 << d; S++) {
      if ((S >> j) & 1) continue;
      let size = 0;
      for (let q = 0; q < d; q++) size += (S >> q) & 1;
      phi[j]! += (fact[size]! * fact[d - size - 1]! / fact[d]!) * (v[S | (1 << j)]! - v[S]!);
    }
  }
  return phi;
}

describe('TreeSHAP on HistGradientBoosting models with categorical splits', () => {
  const s = fx.synth.mixed!;
  const X = mixedX(s.n, s.seed); // columns 4 (12 categories) and 5 (4 categories + NaN) categorical, NaN in column 0
  const yReg = s.y.reg!;
  const yBin = s.y.bin!;
  const yMulti = yReg.map((v) => (v < 0.5 ? 0 : v < 3 ? 1 : 2));
  const rows = [0, 1, 2, 3, 7, 11, 19, 23, 40, 77].filter((i) => i < X.rows);
  // make sure NaN rows (column 0 and the categorical column 5) are explained too
  for (let i = 0; i < X.rows && rows.length < 14; i++) if (Number.isNaN(X.get(i, 5)) || Number.isNaN(X.get(i, 0))) rows.push(i);
  const Xs = X.takeRows(rows);
  const common = { maxIter: 8, categoricalFeatures: [4, 5], earlyStopping: false as const, randomState: 0 };
  const models: [string, () => HistGradientBoostingRegressor | HistGradientBoostingClassifier][] = [
    ['regressor', () => new HistGradientBoostingRegressor(common).fit(X, yReg)],
    ['binary classifier', () => new HistGradientBoostingClassifier(common).fit(X, yBin)],
    ['multiclass classifier', () => new HistGradientBoostingClassifier({ ...common, maxIter: 4 }).fit(X, yMulti)],
  ];
  for (const [name, make] of models) {
    it(`${name}: local accuracy to 1e-9 and exact Shapley values (brute force over 2^6 subsets)`, () => {
      const est = make();
      const K = est.nTreesPerIteration;
      assert.ok(est.trees.some((t) => t.isCategorical.some((c) => c === 1)), 'the model has categorical splits');
      // shapValues refuses NaN in X: rows with missing values go through treeShapCore directly
      const r = treeShapCore(est.treeEnsembleView(), Xs.data, Xs.rows, Xs.cols);
      const clean = rows.map((_, i) => i).filter((i) => Xs.row(i).every((v) => !Number.isNaN(v)));
      const viaApi = shapValues(est, Xs.takeRows(clean));
      clean.forEach((i, q) => {
        for (let k = 0; k < K; k++) for (let j = 0; j < Xs.cols; j++) assert.equal(viaApi.values[k]!.get(q, j), r.values[k]!.get(i, j));
      });
      const raw = est instanceof HistGradientBoostingRegressor ? est.predict(Xs) : est.decisionFunction(Xs);
      const rawAt = (i: number, k: number) => (raw instanceof Matrix ? raw.get(i, k) : raw[i]!);
      for (let i = 0; i < Xs.rows; i++) {
        for (let k = 0; k < K; k++) {
          let sum = r.expectedValue[k]!;
          for (let j = 0; j < Xs.cols; j++) sum += r.values[k]!.get(i, j);
          assert.ok(Math.abs(sum - rawAt(i, k)) <= 1e-9 * Math.max(1, Math.abs(rawAt(i, k))), `row ${i} output ${k}: ${sum} vs ${rawAt(i, k)}`);
          const exact = bruteShap(est.trees, K, k, Xs.row(i), Xs.cols);
          for (let j = 0; j < Xs.cols; j++) {
            assert.ok(Math.abs(r.values[k]!.get(i, j) - exact[j]!) <= 1e-9 * Math.max(1, Math.abs(exact[j]!)), `row ${i} output ${k} feature ${j}: ${r.values[k]!.get(i, j)} vs exact ${exact[j]}`);
          }
        }
      }
    });
  }

});

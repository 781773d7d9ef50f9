import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '../../src/ensemble/index.js';
import { hgbPredictWasmSwitch, packForest, predictForest } from '../../src/ensemble/forest.js';
import type { HgbTree } from '../../src/ensemble/grower.js';
import { setLinalgThreads } from '../../src/linalg/threads.js';

/** n x 6 in [-2, 2): NaN in column 0 (10%), column 5 small integers (a categorical feature when asked). */
function data(n: number, seed: number): { X: Matrix; y: Float64Array; y3: Float64Array } {
  const d = 6;
  const rng = new RandomState(seed);
  const X = rng.rand(n * d);
  for (let i = 0; i < X.length; i++) X[i] = X[i]! * 4 - 2;
  const u = rng.rand(n);
  const y = new Float64Array(n);
  const y3 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    if (u[i]! < 0.1) X[r] = NaN;
    X[r + 5] = Math.floor((X[r + 5]! + 2) * 1.5);
    y[i] = Math.sin(X[r + 1]!) + X[r + 2]! * X[r + 3]! + (X[r + 5]! % 3) + (Number.isNaN(X[r]!) ? 1 : X[r]!);
    y3[i] = y[i]! < -0.5 ? 0 : y[i]! < 1 ? 1 : 2;
  }
  return { X: new Matrix(X, n, d), y, y3 };
}

function raw(model: object, X: Matrix): Float64Array {
  return (model as { rawPredict(m: Matrix): Float64Array }).rawPredict(X);
}

function bothKernels(model: object, X: Matrix): { wasm: Float64Array; ts: Float64Array } {
  hgbPredictWasmSwitch.on = false;
  const ts = raw(model, X);
  hgbPredictWasmSwitch.on = true;
  return { wasm: raw(model, X), ts };
}

function treesOf(model: object): HgbTree[] {
  return (model as { fitted: { trees: HgbTree[] } }).fitted.trees;
}

describe('HGB prediction kernel (WebAssembly, asm/forest.ts)', () => {
  const train = data(3000, 0);
  const test = data(5000, 1);

  it('gives the TypeScript kernel\'s raw scores bit for bit (binary, multiclass, regression; NaN routed)', () => {
    const models = [
      new HistGradientBoostingClassifier({ maxIter: 25, maxLeafNodes: 31, earlyStopping: false, randomState: 0 }).fit(train.X, train.y3.map((v) => (v === 2 ? 1 : 0))),
      new HistGradientBoostingClassifier({ maxIter: 15, maxLeafNodes: 15, earlyStopping: false, randomState: 0 }).fit(train.X, train.y3),
      new HistGradientBoostingRegressor({ maxIter: 30, maxDepth: 5, earlyStopping: false, randomState: 0 }).fit(train.X, train.y),
    ];
    for (const m of models) {
      const f = packForest(treesOf(m));
      assert.ok(f.records, 'numeric forests get the WebAssembly records');
      for (const threads of [1, 2]) {
        const prev = setLinalgThreads(threads);
        try {
          const { wasm, ts } = bothKernels(m, test.X);
          assert.equal(wasm.length, ts.length);
          assert.ok(wasm.some((v) => v !== wasm[0]), 'the scores vary');
          assert.deepEqual(wasm, ts);
        } finally {
          setLinalgThreads(prev);
        }
      }
    }
  });

  it('stays on the TypeScript kernel for categorical splits (same predictions either way)', () => {
    const m = new HistGradientBoostingRegressor({ maxIter: 10, categoricalFeatures: [5], earlyStopping: false, randomState: 0 }).fit(train.X, train.y);
    const f = packForest(treesOf(m));
    assert.equal(f.records, null);
    const { wasm, ts } = bothKernels(m, test.X);
    assert.deepEqual(wasm, ts);
  });

  it('sums the first nTrees trees only, on top of what out holds', () => {
    const m = new HistGradientBoostingRegressor({ maxIter: 12, earlyStopping: false, randomState: 0 }).fit(train.X, train.y);
    const f = packForest(treesOf(m));
    const n = 700;
    const X = test.X.data.subarray(0, n * 6);
    const viaWasm = new Float64Array(n).fill(0.25);
    const viaTs = new Float64Array(n).fill(0.25);
    predictForest(f, 5, 1, X, n, 6, viaWasm);
    hgbPredictWasmSwitch.on = false;
    try {
      predictForest(f, 5, 1, X, n, 6, viaTs);
    } finally {
      hgbPredictWasmSwitch.on = true;
    }
    assert.deepEqual(viaWasm, viaTs);
    // by hand: the tree-by-tree descent
    const trees = treesOf(m).slice(0, 5);
    for (let i = 0; i < n; i += 97) {
      let s = 0.25;
      for (const t of trees) {
        let node = 0;
        while (!t.isLeaf[node]) {
          const v = X[i * 6 + t.feature[node]!]!;
          const left = Number.isNaN(v) ? t.missingGoToLeft[node] === 1 : v <= t.threshold[node]!;
          node = left ? t.left[node]! : t.right[node]!;
        }
        s += t.value[node]!;
      }
      assert.equal(viaWasm[i], s);
    }
  });
});

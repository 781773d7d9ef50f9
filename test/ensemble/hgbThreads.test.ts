import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '../../src/ensemble/index.js';
import { linalgThreads } from '../../src/linalg/threads.js';
import { hgbThreadStats } from '../../src/ensemble/histogram.js';
import { hgbPredictWasmSwitch } from '../../src/ensemble/forest.js';
import { hgbWasmSwitch, hgbHistModule, hgbHistTuning, hgbTeamStats } from '../../src/ensemble/histWasm.js';
import { withThreads } from '../helpers/threads.js';

/** 60,000 x 10 (large enough for the threaded histogram path): NaN in column 0, a categorical column 9. */
function data(): { X: Matrix; y: Float64Array; yc: Float64Array } {
  const n = 60000, d = 10;
  const rng = new RandomState(3);
  const X = rng.rand(n * d);
  for (let i = 0; i < X.length; i++) X[i] = X[i]! * 4 - 2;
  const u = rng.rand(n);
  for (let i = 0; i < n; i++) {
    if (u[i]! < 0.1) X[i * d] = NaN;
    X[i * d + 9] = Math.floor((X[i * d + 9]! + 2) * 2);
  }
  const y = new Float64Array(n);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    y[i] = Math.sin(X[r + 1]!) + X[r + 2]! * X[r + 3]! + (X[r + 9]! % 3) + (Number.isNaN(X[r]!) ? 1 : X[r]!);
    yc[i] = y[i]! + 0.5 * X[r + 4]! > 0.8 ? 1 : 0;
  }
  return { X: new Matrix(X, n, d), y, yc };
}


describe('HistGradientBoosting threads', () => {
  const { X, y, yc } = data();
  // thread the WebAssembly histograms of nodes this small too (the default waits for 2^22 updates)
  const minUpdates = hgbHistTuning.minUpdates;
  before(() => { hgbHistTuning.minUpdates = 1 << 18; });
  after(() => { hgbHistTuning.minUpdates = minUpdates; });
  const common = { maxIter: 6, earlyStopping: false as const, categoricalFeatures: [9], randomState: 0 };
  const cases: [string, () => Float64Array][] = [
    ['regressor (constant hessians)', () => new HistGradientBoostingRegressor(common).fit(X, y).predict(X)],
    ['classifier (binomial hessians)', () => new HistGradientBoostingClassifier(common).fit(X, yc).predictProba(X).data],
    ['regressor with interaction constraints (non-contiguous features)', () => new HistGradientBoostingRegressor({ ...common, interactionCst: [[1, 3, 5], [0, 2, 9]] }).fit(X, y).predict(X)],
  ];
  it('prediction (WebAssembly forest walk, asm/forest.ts) equals the TypeScript walk bit for bit: 3 classes, NaN, a categorical column', () => {
    const y3 = Float64Array.from(y, (v) => (v < 0.5 ? 0 : v < 2 ? 1 : 2));
    const clf = new HistGradientBoostingClassifier({ ...common, maxIter: 4 }).fit(X, y3);
    const reg = new HistGradientBoostingRegressor({ ...common, loss: 'poisson', maxIter: 4 }).fit(X, Float64Array.from(y, (v) => Math.max(0, v)));
    // a few rows with NaN in every column
    const Xn = X.takeRows(Array.from({ length: 3003 }, (_, i) => i)); // not a multiple of 4: the last rows take the two-tree path
    for (let j = 0; j < 10; j++) Xn.data[j * 10 + j] = NaN;
    for (const [name, f] of [['classifier', () => clf.decisionFunction(Xn)], ['regressor', () => reg.predict(Xn)]] as const) {
      const a = f();
      hgbPredictWasmSwitch.on = false;
      let b: typeof a;
      try {
        b = f();
      } finally {
        hgbPredictWasmSwitch.on = true;
      }
      const da = a instanceof Float64Array ? a : a.data;
      const db = b instanceof Float64Array ? b : b.data;
      assert.equal(da.length, db.length);
      for (let i = 0; i < da.length; i++) if (!Object.is(da[i], db[i])) assert.fail(`${name} ${i}: ${da[i]} (WebAssembly) vs ${db[i]} (TypeScript)`);
    }
  });

  it('small fits with the team (2 threads) repeat the 1-thread model bit for bit', () => {
    const n = 2000;
    const Xs = X.takeRows(Array.from({ length: n }, (_, i) => i));
    const ys = y.subarray(0, n);
    const fit = () => new HistGradientBoostingRegressor({ loss: 'poisson', maxIter: 10, earlyStopping: false, categoricalFeatures: [9] }).fit(Xs, Float64Array.from(ys, (v) => Math.max(0, v))).predict(Xs);
    const ref = withThreads(1, fit);
    const jobs = hgbTeamStats.jobs;
    for (let r = 0; r < 20; r++) {
      const p = withThreads(2, fit);
      for (let i = 0; i < n; i++) if (!Object.is(p[i], ref[i])) assert.fail(`run ${r} row ${i}: ${p[i]} vs ${ref[i]}`);
    }
    if (withThreads(2, linalgThreads) === 2) assert.ok(hgbTeamStats.jobs > jobs, 'the team ran jobs');
  });

  for (const [name, run] of cases) {
    it(`1 and 2 threads give bit-identical models: ${name}`, () => {
      const one = withThreads(1, run);
      const stats0 = { ...hgbThreadStats };
      const two = withThreads(2, run);
      if (withThreads(2, linalgThreads) === 2) {
        // the 2-thread run really took the threaded paths (workers are available here)
        assert.ok(hgbThreadStats.hist > stats0.hist, 'threaded histograms');
        assert.ok(hgbThreadStats.bins > stats0.bins, 'threaded binning');
        assert.ok(hgbThreadStats.thresholds > stats0.thresholds, 'threaded thresholds');
        assert.ok(hgbThreadStats.predict > stats0.predict, 'threaded prediction');
        if (name.includes('binomial')) assert.ok(hgbThreadStats.grad > stats0.grad, 'threaded gradients');
      }
      assert.equal(one.length, two.length);
      for (let i = 0; i < one.length; i++) if (!Object.is(one[i], two[i])) assert.fail(`row ${i}: ${one[i]} (1 thread) vs ${two[i]} (2 threads)`);
      // the TypeScript histogram kernel (no WebAssembly) gives the same model bit for bit
      const w0 = hgbThreadStats.wasmHist;
      hgbWasmSwitch.on = false;
      let ts: Float64Array;
      try {
        ts = withThreads(2, run);
      } finally {
        hgbWasmSwitch.on = true;
      }
      assert.equal(hgbThreadStats.wasmHist, w0, 'the switch turns the WebAssembly kernel off');
      if (hgbHistModule()) assert.ok(w0 > stats0.wasmHist, 'the WebAssembly kernel ran');
      for (let i = 0; i < one.length; i++) if (!Object.is(one[i], ts[i])) assert.fail(`row ${i}: ${one[i]} (WebAssembly) vs ${ts[i]} (TypeScript kernel)`);
    });
  }
});

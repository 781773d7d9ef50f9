import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { fitBinMapper, transformBins } from '../../src/ensemble/binning.js';
import { HistGradientBoostingClassifier } from '../../src/ensemble/index.js';
import { DataError } from '../../src/core/errors.js';
import { HistSpace, hgbHistModule } from '../../src/ensemble/histWasm.js';
import { setLinalgThreads, linalgThreads } from '../../src/linalg/threads.js';

describe('HistGradientBoosting binning: the WebAssembly kernel (two-level SIMD count) against the TypeScript binary search', () => {
  it('gives the same row- and column-major bins on edge values (NaN, +-Infinity, +-0, values equal to thresholds, few distinct values, 255 thresholds)', () => {
    const rng = new RandomState(3);
    const n = 50_000;
    const d = 7;
    const X = new Float64Array(n * d);
    const u = rng.uniform(0, 1, n * d);
    const z = rng.standardNormal(n * d);
    for (let i = 0; i < n; i++) {
      const r = i * d;
      X[r] = z[r]!; // continuous: 255 bins
      X[r + 1] = Math.floor(u[r + 1]! * 5); // 5 distinct values
      X[r + 2] = u[r + 2]! < 0.1 ? Number.NaN : z[r + 2]!; // missing values
      X[r + 3] = u[r + 3]! < 0.5 ? (u[r + 3]! < 0.25 ? 0 : -0) : z[r + 3]!; // signed zeros
      X[r + 4] = Math.round(z[r + 4]! * 1000) / 1000; // many ties
      X[r + 5] = z[r + 5]! * 1e-300; // tiny values
      X[r + 6] = Math.floor(u[r + 6]! * 300); // 300 distinct integers: thresholds between them
    }
    const Xfit = new Matrix(X.slice(), n, d);
    const s = fitBinMapper(Xfit, 256, { randomState: 0 });
    // transform values equal to thresholds, infinities and out-of-range values too
    const m = n + 4 * 256;
    const T = new Float64Array(m * d);
    T.set(X);
    for (let j = 0; j < d; j++) {
      const t = s.thresholds[j]!;
      for (let q = 0; q < 256; q++) {
        const base = (n + 4 * q) * d + j;
        const tv = t[Math.min(q, t.length - 1)] ?? 0;
        T[base] = tv;
        T[base + d] = q % 3 === 0 ? Infinity : q % 3 === 1 ? -Infinity : Number.NaN;
        T[base + 2 * d] = tv + Math.abs(tv) * 1e-15 + 1e-300;
        T[base + 3 * d] = tv - Math.abs(tv) * 1e-15 - 1e-300;
      }
    }
    const space = HistSpace.create(m, d, 256);
    if (!space) return; // no WebAssembly threads here: the TypeScript kernel is the only one
    const wasmRow = space.transformBins(T, s).slice();
    const wasmCol = space.binnedCol.slice();
    const col = new Uint8Array(m * d);
    const tsRow = transformBins(new Matrix(T, m, d), s, new Uint8Array(m * d), col);
    let diff = 0;
    for (let k = 0; k < m * d; k++) if (wasmRow[k] !== tsRow[k]) diff++;
    assert.equal(diff, 0, 'row-major bins differ');
    for (let k = 0; k < m * d; k++) if (wasmCol[k] !== col[k]) diff++;
    assert.equal(diff, 0, 'column-major bins differ');
    assert.ok(s.thresholds[0]!.length >= 250, 'a feature with (nearly) 255 bins');
    space.dispose();
  });

  it('WebAssembly column sort (sortF64) gives the thresholds of the TypeScript radix sort, on 1 and 2 threads', () => {
    const mod = hgbHistModule();
    if (!mod) return;
    const rng = new RandomState(11);
    const n = 220_000; // above the 200,000-row subsample
    const d = 6;
    const z = rng.standardNormal(n * d);
    const u = rng.uniform(0, 1, n * d);
    const X = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const r = i * d;
      X[r] = z[r]!;
      X[r + 1] = u[r + 1]! < 0.3 ? (u[r + 1]! < 0.15 ? 0 : -0) : -Math.abs(z[r + 1]!); // signed zeros, negatives
      X[r + 2] = u[r + 2]! < 0.05 ? Number.NaN : z[r + 2]! * 1e-310; // subnormals and NaN
      X[r + 3] = u[r + 3]! < 0.01 ? (u[r + 3]! < 0.005 ? Infinity : -Infinity) : z[r + 3]! * 1e200;
      X[r + 4] = Math.floor(u[r + 4]! * 40) - 20; // 40 distinct values: midpoints
      X[r + 5] = 7; // one value
    }
    const M = new Matrix(X, n, d);
    const prev = linalgThreads();
    try {
      for (const T of [1, 2]) {
        setLinalgThreads(T);
        const js = fitBinMapper(M, 256, { randomState: 4 });
        const wasm = fitBinMapper(M, 256, { randomState: 4, sortModule: mod });
        for (let j = 0; j < d; j++) {
          const a = js.thresholds[j]!;
          const b = wasm.thresholds[j]!;
          assert.equal(b.length, a.length, `feature ${j}: number of thresholds`);
          for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) assert.fail(`threads ${T}, feature ${j}, threshold ${q}: ${b[q]} (WebAssembly sort) vs ${a[q]}`);
        }
      }
    } finally {
      setLinalgThreads(prev);
    }
  });

  it('an infinity in X is a DataError naming its row and column, found by the binning pass (and in the validation rows)', () => {
    const rng = new RandomState(2);
    const n = 3000;
    const d = 4;
    const base = rng.standardNormal(n * d);
    const y = Float64Array.from({ length: n }, (_, i) => (base[i * d]! > 0 ? 1 : 0));
    for (const [row, es] of [[17, false], [2999, false], [1234, true], [5, true]] as const) {
      for (const v of [Infinity, -Infinity]) {
        const X = base.slice();
        X[row * d + 2] = v;
        assert.throws(
          () => new HistGradientBoostingClassifier({ maxIter: 2, earlyStopping: es, validationFraction: 0.3, randomState: 0 }).fit(new Matrix(X, n, d), y),
          (e: unknown) => e instanceof DataError && e.message.includes(`${v} at row ${row}, column 2`),
          `row ${row}, ${v}, early stopping ${es}`,
        );
      }
    }
    // NaN stays a missing value
    const X = base.slice();
    X[7] = Number.NaN;
    new HistGradientBoostingClassifier({ maxIter: 2, randomState: 0 }).fit(new Matrix(X, n, d), y);
  });
});

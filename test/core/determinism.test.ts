/**
 * Issue 14, item 7: the thread-count promise, narrowed to what the code does. gemm splits the rows
 * of C, so any thread count gives the same bits. syrk splits the reduction depth k across threads
 * and adds the partial Grams (a row split was measured 2x slower on tall X: every thread streams
 * all of X), so syrk-based results (covariance, correlation, PCA's covariance path) agree across
 * thread counts to rounding, not bit for bit.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RandomState } from '../../src/core/random.js';
import { gemm, syrk } from '../../src/linalg/blas.js';
import { covariance } from '../../src/linalg/covariance.js';
import { setLinalgThreads } from '../../src/linalg/threads.js';
import { setLinalgBackend } from '../../src/linalg/wasm.js';
import { Matrix } from '../../src/core/matrix.js';

function run(threads: number, fn: () => Float64Array): Float64Array {
  const prev = setLinalgThreads(threads);
  try {
    return fn();
  } finally {
    setLinalgThreads(prev);
  }
}

const close = (a: Float64Array, b: Float64Array, tol: number, what: string) => {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol * scale, `${what}: index ${i}: ${a[i]} vs ${b[i]}`);
};

it('gemm: 1, 2 and 3 threads are bit-identical', () => {
  const rng = new RandomState(2);
  const m = 300, n = 120, k = 400;
  const a = rng.standardNormal(m * k), b = rng.standardNormal(k * n);
  const go = () => { const c = new Float64Array(m * n); gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n); return c; };
  const one = run(1, go);
  for (const t of [2, 3]) assert.deepEqual(run(t, go), one, `threads=${t}`);
});

it('syrk: 1, 2 and 3 threads agree to rounding (ts and wasm backends, both transposes, odd sizes)', () => {
  const rng = new RandomState(0);
  for (const backend of ['ts', 'wasm'] as const) {
    const prevB = setLinalgBackend(backend);
    try {
      for (const [trans, n, k] of [[true, 203, 1100], [false, 130, 2100], [true, 64, 5000]] as const) {
        const a = rng.standardNormal(n * k);
        const c0 = rng.uniform(-1, 1, n * n);
        const go = () => { const c = c0.slice(); syrk(trans, n, k, 0.7, a, trans ? n : k, 0.5, c, n); return c; };
        const one = run(1, go);
        for (const t of [2, 3]) close(run(t, go), one, 1e-13, `${backend} trans=${trans} n=${n} k=${k} threads=${t}`);
      }
    } finally {
      setLinalgBackend(prevB);
    }
  }
});

it('covariance of a tall matrix agrees across thread counts to rounding', () => {
  const rng = new RandomState(1);
  const X = new Matrix(rng.standardNormal(4000 * 90), 4000, 90);
  const one = run(1, () => covariance(X).data);
  close(run(2, () => covariance(X).data), one, 1e-13, 'covariance');
});

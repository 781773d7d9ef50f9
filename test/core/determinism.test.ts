/**
 * Issue 14, item 7: syrk (and so covariance / correlation / PCA's covariance path) gives the same
 * bits for any thread count: threads split the rows of C, never the reduction depth.
 * Before the change the depth k was split and partial Grams summed, so 1 and 2 threads differed.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RandomState } from '../../src/core/random.js';
import { syrk } from '../../src/linalg/blas.js';
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

it('syrk: 1, 2 and 3 threads are bit-identical (ts and wasm backends, both transposes, odd sizes)', () => {
  const rng = new RandomState(0);
  for (const backend of ['ts', 'wasm'] as const) {
    const prevB = setLinalgBackend(backend);
    try {
      for (const [trans, n, k] of [[true, 203, 1100], [false, 130, 2100], [true, 64, 5000]] as const) {
        const a = rng.standardNormal(n * k);
        const c0 = rng.uniform(-1, 1, n * n);
        const go = () => { const c = c0.slice(); syrk(trans, n, k, 0.7, a, trans ? n : k, 0.5, c, n); return c; };
        const one = run(1, go);
        for (const t of [2, 3]) assert.deepEqual(run(t, go), one, `${backend} trans=${trans} n=${n} k=${k} threads=${t}`);
      }
    } finally {
      setLinalgBackend(prevB);
    }
  }
});

it('covariance of a tall matrix does not depend on the thread count', () => {
  const rng = new RandomState(1);
  const X = new Matrix(rng.standardNormal(4000 * 90), 4000, 90);
  const one = run(1, () => covariance(X).data);
  assert.deepEqual(run(2, () => covariance(X).data), one);
});

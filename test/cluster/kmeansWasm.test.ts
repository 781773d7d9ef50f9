/**
 * The k-means WebAssembly kernels compiled ahead of time from asm/kmeans.ts: module loading (the
 * size check deciding synchronous or asynchronous compilation), and the k-means++ seeding step on
 * the kernel (candidate distances, minimum and numpy-order sums split over threads by subtrees of
 * the pairwise summation) against the TypeScript loop, for 1 and 2 threads.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { kmeansPlusPlus, KMeans, MiniBatchKMeans } from '../../src/cluster/index.js';
import { combineLeaves, KMeansKernel, pairwiseLeaves, seedLeafRows, setKMeansWindowRows } from '../../src/cluster/kmeansKernel.js';
import { acquireInstance, compileSlot, kmeansWasmBytes, kmeansWasmModule, kmeansWasmReady, releaseInstance, SYNC_COMPILE_MAX_BYTES, syncCompileAllowed } from '../../src/cluster/kmeansWasm.js';
import { KMEANS_WASM_BYTES } from '../../src/cluster/kmeansWasm.generated.js';
import { KMEANS_SHARED_WASM_BYTES } from '../../src/cluster/kmeansWasmShared.generated.js';
import { kmeansWasmReady as publicReady } from '../../src/index.js';
import { pairwiseSum } from '../../src/core/numeric.js';
import { RandomState } from '../../src/core/random.js';
import { Matrix } from '../../src/core/matrix.js';
import { DataError } from '../../src/core/errors.js';
import { rowNormsSq } from '../../src/cluster/pairwise.js';
import { linalgThreads, setLinalgBackend, setLinalgThreads } from '../../src/linalg/index.js';

const threads0 = linalgThreads();
after(() => { setLinalgThreads(threads0); });

/** The fit on the WebAssembly kernels, then the same fit under setLinalgBackend('ts'). */
function wasmAndTs<T>(fit: () => T): [T, T] {
  const a = fit();
  const prev = setLinalgBackend('ts');
  try {
    return [a, fit()];
  } finally {
    setLinalgBackend(prev);
  }
}

describe('k-means WebAssembly modules', () => {
  it('the generated sizes are those of the embedded modules; both over 4 KiB, so browsers compile them asynchronously', () => {
    assert.equal(kmeansWasmBytes(false)!.length, KMEANS_WASM_BYTES);
    assert.equal(kmeansWasmBytes(true)!.length, KMEANS_SHARED_WASM_BYTES);
    assert.ok(KMEANS_WASM_BYTES > SYNC_COMPILE_MAX_BYTES);
    assert.equal(syncCompileAllowed(100), true, 'small modules compile synchronously anywhere');
    assert.equal(syncCompileAllowed(KMEANS_WASM_BYTES), true, 'Node compiles any size synchronously');
  });

  it('Node: ready at once', async () => {
    assert.ok(kmeansWasmModule() !== null);
    assert.equal(await kmeansWasmReady(), true);
    assert.equal(await publicReady(), true);
  });

  it('asynchronous compile (the browser main-thread path): no module until the promise resolves, then a working one', async () => {
    const slot = compileSlot(kmeansWasmBytes(false), false);
    assert.equal(slot.module, null);
    assert.equal(await slot.ready, true);
    assert.ok(slot.module !== null);
    const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: { dist(a: number, b: number, d: number): number; memory: { buffer: ArrayBuffer; grow(p: number): number } } } } }).WebAssembly;
    const exp = new W.Instance(slot.module!, {}).exports;
    exp.memory.grow(1);
    new Float64Array(exp.memory.buffer, 0, 4).set([0, 0, 3, 4]);
    assert.equal(exp.dist(0, 16, 2), 5);
  });

  it('invalid bytes: no module, ready resolves false', async () => {
    const slot = compileSlot(new Uint8Array([0, 1, 2, 3]), false);
    assert.equal(slot.module, null);
    assert.equal(await slot.ready, false);
  });
});

describe('k-means++ on the kernel', () => {
  it('subtrees of the pairwise summation recombine to numpy\'s sum', () => {
    const rs = new RandomState(0);
    for (const n of [1, 7, 8, 129, 4096, 4097, 10_001, 300_000]) {
      const a = rs.uniform(0, 1e3, n);
      const leaf = seedLeafRows(n);
      const leaves = pairwiseLeaves(n, leaf);
      assert.equal(leaves.reduce((s, [, len]) => s + len, 0), n);
      assert.ok(leaves.length <= 256);
      const sums = leaves.map(([s, len]) => pairwiseSum(a, s, len));
      assert.equal(combineLeaves(n, leaf, (i) => sums[i]!), pairwiseSum(a), `n ${n}`);
    }
  });

  it('same centers as the TypeScript loop, 1 and 2 threads, odd n, several trial counts', () => {
    for (const [n, d, k] of [[9, 3, 3], [5001, 5, 4], [70_001, 9, 8], [130_000, 16, 5]] as const) {
      const rs = new RandomState(n);
      const X = Float64Array.from({ length: n * d }, (_, t) => Math.round(rs.standardNormal() * 4) + (t % d) * ((Math.floor(t / d) % k)));
      const xn = rowNormsSq(X, n, d);
      for (const trials of [1, 2 + Math.floor(Math.log(k)), 5]) {
        const ref = kmeansPlusPlus(X, n, d, k, new RandomState(7), { xNorms: xn, nLocalTrials: trials });
        for (const threads of [1, 2]) {
          setLinalgThreads(threads);
          const kern = new KMeansKernel(n, d, k, null, false, trials);
          try {
            kern.X.set(X);
            const got = kmeansPlusPlus(kern.X, n, d, k, new RandomState(7), { xNorms: xn, nLocalTrials: trials, kernel: kern });
            assert.deepEqual(got.indices, ref.indices, `n ${n}, trials ${trials}, ${threads} threads`);
            assert.deepEqual(got.centers, ref.centers);
          } finally {
            kern.release();
          }
        }
      }
    }
  });

  it('KMeans and MiniBatchKMeans fits are bit-identical with 1 and 2 threads', () => {
    const n = 60_000, d = 12, k = 8;
    const rs = new RandomState(5);
    const X = new Matrix(Float64Array.from({ length: n * d }, (_, t) => rs.standardNormal() + 6 * ((Math.floor(t / d) * 7 + (t % d)) % k)), n, d);
    const fits = [1, 2].map((threads) => {
      setLinalgThreads(threads);
      const km = new KMeans({ nClusters: k, randomState: 1 }).fit(X);
      const mb = new MiniBatchKMeans({ nClusters: k, randomState: 1, batchSize: 2048 }).fit(X);
      return { km, mb };
    });
    const [a, b] = fits as [typeof fits[0], typeof fits[0]];
    assert.deepEqual(a.km.clusterCenters.data, b.km.clusterCenters.data);
    assert.deepEqual(a.km.labels, b.km.labels);
    assert.equal(a.km.inertia, b.km.inertia);
    assert.deepEqual(a.mb.clusterCenters.data, b.mb.clusterCenters.data);
    assert.deepEqual(a.mb.labels, b.mb.labels);
    assert.equal(a.mb.inertia, b.mb.inertia);
    assert.equal(a.mb.nSteps, b.mb.nSteps);
  });

  it('MiniBatchKMeans (k-means++ init subsets and batches on the kernel, weights) equals the TypeScript kernels', () => {
    const n = 30_000, d = 7, k = 6;
    const rs = new RandomState(9);
    const X = new Matrix(Float64Array.from({ length: n * d }, (_, t) => Math.round(4 * rs.standardNormal()) + 5 * ((Math.floor(t / d) + (t % d)) % k)), n, d);
    const w = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 0.5 + (i % 3)));
    const fit = (): MiniBatchKMeans => new MiniBatchKMeans({ nClusters: k, randomState: 4, batchSize: 1500, nInit: 3, maxIter: 3 }).fit(X, { sampleWeight: w });
    const [a, b] = wasmAndTs(fit);
    assert.deepEqual(a.clusterCenters.data, b.clusterCenters.data);
    assert.deepEqual(a.labels, b.labels);
    assert.equal(a.inertia, b.inertia);
    assert.equal(a.nSteps, b.nSteps);
    assert.deepEqual(a.counts, b.counts);
  });

  it('MiniBatchKMeans on the resident kernel (odd k and d, reassignments, tol, weights) equals the TypeScript path bit for bit', () => {
    const n = 9_001, d = 5, k = 5;
    const rs = new RandomState(21);
    const X = new Matrix(Float64Array.from({ length: n * d }, (_, t) => rs.standardNormal() + 3 * ((Math.floor(t / d) * 3 + (t % d)) % k)), n, d);
    const w = Float64Array.from({ length: n }, (_, i) => 0.25 + (i % 5));
    const cases: [string, Record<string, unknown>][] = [
      ['reassignments and tol', { reassignmentRatio: 0.4, tol: 1e-4, batchSize: 333, nInit: 2, maxIter: 4 }],
      ['batch larger than the init subset, no labels', { batchSize: 700, initSize: 40, computeLabels: false, maxIter: 2 }],
      ['no early stop', { batchSize: 256, maxNoImprovement: null, maxIter: 2 }],
    ];
    for (const [what, params] of cases) {
      const fit = (): MiniBatchKMeans => new MiniBatchKMeans({ nClusters: k, randomState: 3, ...params }).fit(X, { sampleWeight: w });
      const [a, b] = wasmAndTs(fit);
      assert.deepEqual(a.clusterCenters.data, b.clusterCenters.data, what);
      assert.deepEqual(a.labels, b.labels, what);
      assert.equal(a.inertia, b.inertia, what);
      assert.equal(a.nSteps, b.nSteps, what);
      assert.deepEqual(a.counts, b.counts, what);
      // past the WebAssembly cap (forced here) the batches are gathered in JavaScript: same bits
      setKMeansWindowRows(2048);
      let c: MiniBatchKMeans;
      try {
        assert.equal(KMeansKernel.residentFits(n, d, k, 1000), false);
        c = fit();
      } finally {
        setKMeansWindowRows(0);
      }
      assert.deepEqual(a.clusterCenters.data, c.clusterCenters.data, what);
      assert.deepEqual(a.labels, c.labels, what);
      assert.equal(a.inertia, c.inertia, what);
      // a RandomState passed in is advanced as by the TypeScript path (the batch draws run in the kernel)
      const ra = new RandomState(11);
      const rb = new RandomState(11);
      const states = [ra, rb];
      const [fa, fb] = wasmAndTs(() => new MiniBatchKMeans({ nClusters: k, randomState: states.shift()!, ...params }).fit(X, { sampleWeight: w }));
      assert.deepEqual(fa.clusterCenters.data, fb.clusterCenters.data, what);
      assert.deepEqual(ra.getState(), rb.getState(), what);
      assert.equal(ra.randint(0, 1000), rb.randint(0, 1000));
    }
  });

  it('MiniBatchKMeans: nested arrays (validated by checkArray, then resident) give the bits of the Matrix', () => {
    const n = 4000, d = 3, k = 4;
    const rs = new RandomState(2);
    const X = new Matrix(Float64Array.from({ length: n * d }, (_, t) => rs.standardNormal() + 4 * (Math.floor(t / d) % k)), n, d);
    const a = new MiniBatchKMeans({ nClusters: k, randomState: 0, batchSize: 200 }).fit(X);
    const b = new MiniBatchKMeans({ nClusters: k, randomState: 0, batchSize: 200 }).fit(X.toArray());
    assert.deepEqual(a.clusterCenters.data, b.clusterCenters.data);
    assert.deepEqual(a.labels, b.labels);
    assert.equal(a.inertia, b.inertia);
    const rows = X.toArray();
    rows[17]![1] = NaN;
    assert.throws(() => new MiniBatchKMeans({ nClusters: k }).fit(rows), /NaN at row 17, column 1/);
  });

  it('MiniBatchKMeans checks X for non-finite values on the kernel with the message of checkArray', () => {
    const n = 3000, d = 4;
    for (const bad of [NaN, Infinity, -Infinity]) {
      const data = Float64Array.from({ length: n * d }, (_, t) => t % 97);
      data[1234 * d + 3] = bad;
      const X = new Matrix(data, n, d);
      assert.throws(() => new MiniBatchKMeans({ nClusters: 3, randomState: 0 }).fit(X), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.match((e as Error).message, new RegExp(`${String(bad).replace('+', '\\+')} at row 1234, column 3`));
        return true;
      });
    }
    // the last value (after the kernel's f64x2 blocks)
    const data = new Float64Array(5 * 3).fill(1);
    data[14] = NaN;
    assert.throws(() => new MiniBatchKMeans({ nClusters: 2 }).fit(new Matrix(data, 5, 3)), /NaN at row 4, column 2/);
  });

  it('spare kernel instances: the smallest spare that holds the request, else the largest', () => {
    const a = acquireInstance()!;
    const b = acquireInstance()!;
    assert.notEqual(a, b);
    a.memory.grow(64 + b.memory.buffer.byteLength / 65536); // larger than b
    releaseInstance(a);
    releaseInstance(b);
    assert.ok(b.memory.buffer.byteLength < a.memory.buffer.byteLength);
    assert.equal(acquireInstance(0), b, 'the smallest for a small request');
    releaseInstance(b);
    assert.equal(acquireInstance(b.memory.buffer.byteLength + 1), a, 'the large one for a larger request');
    assert.equal(acquireInstance(1 << 30), b, 'else the largest spare left');
  });
});

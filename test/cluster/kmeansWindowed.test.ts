/**
 * KMeans past the WebAssembly memory cap (issue 21): the kernel runs in windows of whole sum
 * blocks, so a fit is bit-identical to the unwindowed one for any window size and thread count
 * (the windowed mode is forced here with small windows; the cap itself is ~8M rows x 10 x k 8).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { KMeans } from '../../src/cluster/kmeans.js';
import { KMeansKernel, setKMeansWindowRows } from '../../src/cluster/distance.js';
import { makeBlobs } from '../../src/datasets/generators.js';
import { setLinalgThreads, linalgThreads } from '../../src/linalg/index.js';
import { RandomState } from '../../src/core/random.js';

const threads0 = linalgThreads();
after(() => { setKMeansWindowRows(0); setLinalgThreads(threads0); });

function fitWith(windowRows: number, threads: number, params: ConstructorParameters<typeof KMeans>[0], X: Float64Array, n: number, d: number, w?: Float64Array) {
  setKMeansWindowRows(windowRows);
  setLinalgThreads(threads);
  try {
    const km = new KMeans(params).fit({ data: X, shape: [n, d] } as never, { sampleWeight: w });
    return { centers: Array.from(km.clusterCenters.data), labels: Array.from(km.labels), inertia: km.inertia, nIter: km.nIter };
  } finally {
    setKMeansWindowRows(0);
  }
}

describe('KMeansKernel windowed mode', () => {
  const n = 40_000, d = 8;
  const { X } = makeBlobs({ nSamples: n, nFeatures: d, centers: 8, randomState: 3 });
  const data = X.data;
  const w = new RandomState(1).uniform(0.5, 2, n);

  it('the test hook does window the kernel', () => {
    setKMeansWindowRows(5000);
    const k = new KMeansKernel(n, d, 4, null);
    try {
      if (k.wasm) assert.ok(k.windowRows < n && k.windowRows % 1024 === 0, `windowRows ${k.windowRows}`);
    } finally {
      k.release();
      setKMeansWindowRows(0);
    }
  });

  for (const algorithm of ['lloyd', 'elkan'] as const) {
    it(`${algorithm}: identical fit for windows of 3, 8 and all blocks, 1 and 2 threads, with sample weights`, () => {
      const params = { nClusters: 8, nInit: 2, algorithm, randomState: 0, maxIter: 50 };
      const ref = fitWith(0, 1, params, data, n, d, w);
      for (const [win, th] of [[3 * 1024, 1], [8 * 1024, 2], [3 * 1024, 2]] as const) {
        const got = fitWith(win, th, params, data, n, d, w);
        assert.deepEqual(got.labels, ref.labels, `labels, window ${win}, threads ${th}`);
        assert.deepEqual(got.centers, ref.centers, `centers, window ${win}, threads ${th}`);
        assert.equal(got.inertia, ref.inertia);
        assert.equal(got.nIter, ref.nIter);
      }
    });
  }

  it('predict on a windowed kernel equals the unwindowed one', () => {
    const km = new KMeans({ nClusters: 5, nInit: 1, randomState: 1 }).fit({ data, shape: [n, d] } as never);
    const ref = Array.from(km.predict({ data, shape: [n, d] } as never));
    setKMeansWindowRows(2048);
    try {
      assert.deepEqual(Array.from(km.predict({ data, shape: [n, d] } as never)), ref);
    } finally {
      setKMeansWindowRows(0);
    }
  });
});

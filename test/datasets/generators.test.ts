import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { makeBlobs } from '../../src/datasets/generators.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

/** The make_blobs copy the clustering tests and benches carried before src/datasets/generators.ts (kept as the reference). */
function legacyMakeBlobs(nSamples: number, nFeatures: number, nCenters: number, std: number, seed: number): { X: Matrix; y: Int32Array } {
  const rs = new RandomState(seed);
  const centers = rs.uniform(-10, 10, nCenters * nFeatures);
  const X = new Float64Array(nSamples * nFeatures);
  const y = new Int32Array(nSamples);
  let r = 0;
  for (let c = 0; c < nCenters; c++) {
    const cnt = Math.floor(nSamples / nCenters) + (c < nSamples % nCenters ? 1 : 0);
    for (let t = 0; t < cnt; t++, r++) {
      for (let f = 0; f < nFeatures; f++) X[r * nFeatures + f] = centers[c * nFeatures + f]! + std * rs.standardNormal();
      y[r] = c;
    }
  }
  const idx = rs.shuffle(new Int32Array(nSamples).map((_, i) => i));
  const Xs = new Float64Array(X.length);
  for (let i = 0; i < nSamples; i++) Xs.set(X.subarray(idx[i]! * nFeatures, (idx[i]! + 1) * nFeatures), i * nFeatures);
  return { X: new Matrix(Xs, nSamples, nFeatures), y: Int32Array.from(idx, (i) => y[i]!) };
}

describe('makeBlobs equals scikit-learn make_blobs bit for bit', () => {
  it('300 x 2, 4 centers, std 1.2, seed 1 (scripts/fixtures/cluster_agglomerative.py)', () => {
    const ref: number[][] = fixture('cluster_agglomerative.json').data.blobs;
    const { X, y, centers } = makeBlobs({ nSamples: 300, centers: 4, clusterStd: 1.2, randomState: 1 });
    assert.deepEqual(X.toArray(), ref);
    assert.equal(y.length, 300);
    assert.deepEqual([0, 1, 2, 3].map((c) => y.filter((v) => v === c).length), [75, 75, 75, 75]);
    assert.equal(centers.rows, 4);
  });
  it('1500 x 2, one std per center (scripts/fixtures/cluster_dbscan.py)', () => {
    const ref: number[][] = fixture('cluster_dbscan.json').data.blobs;
    const { X } = makeBlobs({ nSamples: 1500, centers: 5, clusterStd: [0.5, 1.0, 1.5, 0.8, 2.5], randomState: 0 });
    // One value differs by 1 ulp: Gaussian draw 652 of this seed, where glibc's log(r2) is not correctly
    // rounded (0.503 ulp) and RandomState's accurateLog is; every other value is identical.
    const got = X.toArray();
    let differ = 0;
    ref.forEach((row, i) => row.forEach((v, j) => {
      if (got[i]![j] !== v) { differ++; assert.ok(Math.abs(got[i]![j]! - v) <= 2.3e-16 * Math.abs(v), `[${i}][${j}] ${got[i]![j]} vs ${v}`); }
    }));
    assert.ok(differ <= 1, `${differ} values differ`);
  });
  it('20000 x 8, 8 centers, std 3 (scripts/fixtures/cluster_kmeans.py checksum rows)', () => {
    const c = fixture('cluster_kmeans.json').blobs.checksum;
    const { X } = makeBlobs({ nSamples: 20000, nFeatures: 8, centers: 8, clusterStd: 3.0, randomState: 0 });
    assert.deepEqual(Array.from(X.row(0)), c.row0);
    assert.deepEqual(Array.from(X.row(777)), c.row777);
    assert.deepEqual(Array.from(X.row(X.rows - 1)), c.rowLast);
  });
  it('reproduces the copies in the clustering tests and benches (X and y)', () => {
    for (const [n, d, k, std, seed] of [[20000, 8, 8, 3.0, 0], [600, 2, 4, 0.5, 3], [1001, 16, 7, 6.0, 0], [5, 3, 2, 1, 42]] as const) {
      const a = legacyMakeBlobs(n, d, k, std, seed);
      const b = makeBlobs({ nSamples: n, nFeatures: d, centers: k, clusterStd: std, randomState: seed });
      assert.deepEqual(b.X.data, a.X.data, `${n}x${d} k=${k}`);
      assert.deepEqual(b.y, a.y, `${n}x${d} k=${k}`);
    }
  });
  it('given centers, counts per center, no shuffle', () => {
    const { X, y, centers } = makeBlobs({ nSamples: [2, 0, 3], centers: [[0, 0], [5, 5], [10, 10]], clusterStd: 0, shuffle: false, randomState: 0 });
    assert.deepEqual(X.toArray(), [[0, 0], [0, 0], [10, 10], [10, 10], [10, 10]]);
    assert.deepEqual([...y], [0, 0, 2, 2, 2]);
    assert.deepEqual(centers.toArray(), [[0, 0], [5, 5], [10, 10]]);
    assert.equal(makeBlobs({ nSamples: [4, 4], randomState: 0 }).centers.rows, 2);
  });
  it('typed errors name the argument', () => {
    const bad = (o: Parameters<typeof makeBlobs>[0], param: string) => assert.throws(() => makeBlobs(o), (e: unknown) => e instanceof InvalidParameterError && e.param === param);
    bad({ nSamples: 0 }, 'nSamples');
    bad({ nSamples: [1, -1] }, 'nSamples');
    bad({ nFeatures: 1.5 }, 'nFeatures');
    bad({ centers: 0 }, 'centers');
    bad({ nSamples: [1, 2], centers: 3 }, 'centers');
    bad({ centers: [[0, 0], [1]] }, 'centers');
    bad({ clusterStd: -1 }, 'clusterStd');
    bad({ centers: 3, clusterStd: [1, 2] }, 'clusterStd');
    bad({ clusterStd: NaN }, 'clusterStd');
    bad({ centerBox: [0, Infinity] }, 'centerBox');
    bad({ randomState: -3 }, 'randomState');
  });
});

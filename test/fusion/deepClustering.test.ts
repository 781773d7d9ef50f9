import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { loadModel } from '../../src/core/estimator.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { loadDataset } from '../../src/datasets/load.js';
import { AutoencoderFeatures, DeepClustering } from '../../src/fusion/index.js';
import { klGrad, softAssign, targetDistribution } from '../../src/fusion/deepClustering.js';
import { clusteringAccuracy } from '../../src/metrics/assignment.js';
import { checkEstimator } from '../helpers/conformance.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/fusion_digits_kmeans.json', import.meta.url), 'utf8')) as { meanAcc: number; runs: { acc: number }[] };

const rs = new RandomState(0);
const blobs = Array.from({ length: 60 }, (_, i) => [3 * (i % 3) + 0.3 * rs.standardNormal(), -2 * (i % 3) + 0.3 * rs.standardNormal(), 0.3 * rs.standardNormal()]);
const small = (p: Record<string, unknown> = {}) => new DeepClustering({ nClusters: 3, encoderSizes: [6, 2], pretrainEpochs: 5, batchSize: 16, maxIter: 40, updateInterval: 10, nInit: 2, randomState: 0, ...p });

checkEstimator('DeepClustering', { make: (p = {}) => small(p), X: blobs.slice(0, 30) });

describe('DeepClustering: clustering layer', () => {
  it('KL(P||Q) gradients w.r.t. codes and centres equal finite differences (alpha 1 and 2.5)', () => {
    const r = new RandomState(4);
    const n = 5, dz = 3, k = 4;
    const Z = r.standardNormal(n * dz), mu = r.standardNormal(k * dz);
    const Q = new Float64Array(n * k);
    for (const alpha of [1, 2.5]) {
      softAssign(Z, n, dz, mu, k, alpha, Q);
      const P = targetDistribution(Q, n, k);
      const gZ = new Float64Array(n * dz), gMu = new Float64Array(k * dz);
      const L = (z: Float64Array, m: Float64Array) => klGrad(z, P, n, dz, m, k, alpha, 1, new Float64Array(n * dz), new Float64Array(k * dz), new Float64Array(n * k));
      klGrad(Z, P, n, dz, mu, k, alpha, 1, gZ, gMu, new Float64Array(n * k));
      const h = 1e-6;
      for (let t = 0; t < n * dz; t++) {
        const a = Z.slice(), b = Z.slice(); a[t]! += h; b[t]! -= h;
        assert.ok(Math.abs((L(a, mu) - L(b, mu)) / (2 * h) - gZ[t]!) < 1e-8, `dz ${t}`);
      }
      for (let t = 0; t < k * dz; t++) {
        const a = mu.slice(), b = mu.slice(); a[t]! += h; b[t]! -= h;
        assert.ok(Math.abs((L(Z, a) - L(Z, b)) / (2 * h) - gMu[t]!) < 1e-8, `dmu ${t}`);
      }
    }
  });

  it('soft assignments are rows summing to 1, P sharpens Q', () => {
    const Q = Float64Array.from([0.6, 0.4, 0.5, 0.5, 0.2, 0.8]);
    const P = targetDistribution(Q, 3, 2);
    // f = [1.3, 1.7]: row 0 -> 0.36/1.3, 0.16/1.7 normalised
    const a = 0.36 / 1.3, b = 0.16 / 1.7;
    assert.ok(Math.abs(P[0]! - a / (a + b)) < 1e-15);
    assert.ok(P[0]! > 0.6);
  });
});

describe('DeepClustering on digits (scaled to [0, 1])', () => {
  const { X, y } = loadDataset('digits');
  const Xs = new Matrix(X.data.map((v) => v / 16), X.rows, X.cols);
  const labels = Array.from(y);
  let dec: DeepClustering;
  before(() => { dec = new DeepClustering({ nClusters: 10, encoderSizes: [256, 256, 10], pretrainEpochs: 60, batchSize: 32, maxIter: 600, updateInterval: 30, randomState: 0 }).fit(Xs); });

  it("AE + k-means ACC >= scikit-learn's k-means ACC on the pixels; DEC >= AE + k-means - 0.02", () => {
    const aeKm = clusteringAccuracy(labels, dec.kmeansLabels);
    const d = clusteringAccuracy(labels, dec.labels);
    console.log(`# digits: k-means (scikit-learn, mean of 5 seeds) ${fixture.meanAcc.toFixed(4)}, AE + k-means ${aeKm.toFixed(4)}, DEC ${d.toFixed(4)}`);
    assert.ok(aeKm >= fixture.meanAcc, `AE + k-means ${aeKm} < k-means ${fixture.meanAcc}`);
    assert.ok(d >= aeKm - 0.02, `DEC ${d} < AE + k-means ${aeKm} - 0.02`);
  });

  it('the KL objective decreases over every interval with P fixed', () => {
    const h = dec.history;
    assert.ok(h.length >= 3);
    for (let i = 1; i < h.length; i++) assert.ok(h[i]!.klBefore! < h[i - 1]!.kl, `interval ${i}: ${h[i - 1]!.kl} -> ${h[i]!.klBefore}`);
    assert.equal(h[0]!.klBefore, null);
  });

  it('predict / predictProba / transform agree with the training labels', () => {
    const Q = dec.predictProba(Xs);
    assert.deepEqual(Q.shape, [1797, 10]);
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(Q.row(i).reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.deepEqual(dec.transform(Xs).shape, [1797, 10]);
    assert.deepEqual(dec.clusterCenters.shape, [10, 10]);
    if (!dec.converged) assert.deepEqual(Array.from(dec.predict(Xs)), Array.from(dec.labels));
  });
});

describe('DeepClustering: reproducibility, IDEC, bad input', () => {
  it('a fixed randomState reproduces the labels exactly; IDEC (gamma > 0) also fine-tunes the decoder', () => {
    const a = small().fit(blobs), b = small().fit(blobs);
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
    assert.deepEqual(Array.from(a.clusterCenters.data), Array.from(b.clusterCenters.data));
    assert.deepEqual(a.history, b.history);
    const ae = new AutoencoderFeatures({ encoderSizes: [6, 2], epochs: 5, batchSize: 16, randomState: 0 }).fit(blobs);
    const dec = small({ autoencoder: ae }).fit(blobs), idec = small({ autoencoder: ae, gamma: 0.1 }).fit(blobs);
    const last = ae.network.layers.length - 1;
    const w0 = Array.from(ae.network.layers[last]!.params()[0]!);
    assert.deepEqual(Array.from(dec.network.layers[last]!.params()[0]!), w0, 'DEC leaves the decoder alone');
    assert.notDeepEqual(Array.from(idec.network.layers[last]!.params()[0]!), w0, 'IDEC trains the decoder');
    assert.deepEqual(Array.from(ae.network.layers[last]!.params()[0]!), w0, 'the given autoencoder is not modified');
    assert.deepEqual(Array.from(dec.kmeansLabels), Array.from(small({ autoencoder: ae }).fit(blobs).kmeansLabels));
  });

  it('batchSize dividing n (no empty batch), JSON round trip when started from an autoencoder', () => {
    const X32 = blobs.slice(0, 32);
    const ae = new AutoencoderFeatures({ encoderSizes: [6, 2], epochs: 3, batchSize: 16, randomState: 0 }).fit(X32);
    const dec = small({ autoencoder: ae, maxIter: 20 }).fit(X32);
    assert.equal(dec.nIter, 20);
    const back = loadModel<DeepClustering>(JSON.stringify(dec.toJSON()));
    assert.deepEqual(Array.from(back.predictProba(X32).data), Array.from(dec.predictProba(X32).data));
  });

  it('typed errors: codes before fit, nClusters > n, autoencoder of another width', () => {
    assert.throws(() => small().transform(blobs), NotFittedError);
    assert.throws(() => small().predictProba(blobs), NotFittedError);
    assert.throws(() => small({ nClusters: 61 }).fit(blobs), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'nClusters');
    const ae4 = new AutoencoderFeatures({ encoderSizes: [2], epochs: 1, randomState: 0 }).fit(blobs.map((r) => [...r, 1]));
    assert.throws(() => small({ autoencoder: ae4 }).fit(blobs), (e: unknown) => e instanceof ShapeError && /'autoencoder'/.test((e as Error).message) && /4 inputs/.test((e as Error).message));
    assert.throws(() => small({ alpha: 0 }), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'alpha');
  });
});

describe('DeepClustering / AutoencoderFeatures in float32', () => {
  it('float32 DEC and IDEC: Float32Array weights, reproducible labels, JSON round trip bit-exact; same clustering quality as float64 on blobs', () => {
    const truth = blobs.map((_, i) => i % 3);
    const a = small({ dtype: 'float32' }).fit(blobs);
    const b = small({ dtype: 'float32' }).fit(blobs);
    assert.deepEqual(a.labels, b.labels);
    assert.ok(a.network.getWeights().every((w) => w instanceof Float32Array));
    const again = loadModel(JSON.stringify(a.toJSON())) as unknown as DeepClustering;
    assert.deepEqual(again.transform(blobs).data, a.transform(blobs).data);
    const idec = small({ dtype: 'float32', gamma: 0.1 }).fit(blobs);
    assert.ok(idec.network.getWeights().every((w) => w instanceof Float32Array));
    const acc32 = clusteringAccuracy(truth, Array.from(a.labels)), acc64 = clusteringAccuracy(truth, Array.from(small().fit(blobs).labels));
    assert.ok(Math.abs(acc32 - acc64) <= 0.05, `float32 ${acc32} vs float64 ${acc64}`);
    const ae = new AutoencoderFeatures({ encoderSizes: [4, 2], epochs: 3, batchSize: 16, randomState: 0, dtype: 'float32' }).fit(blobs);
    assert.ok(ae.network.getWeights().every((w) => w instanceof Float32Array));
    const dec = new DeepClustering({ nClusters: 3, autoencoder: ae, maxIter: 20, updateInterval: 10, nInit: 2, batchSize: 16, randomState: 0 }).fit(blobs);
    assert.equal(dec.network.dtype, 'float32', 'a given autoencoder keeps its precision');
  });
});

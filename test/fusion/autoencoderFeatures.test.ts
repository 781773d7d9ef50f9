import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { AutoencoderFeatures } from '../../src/fusion/index.js';
import { Dense, LambdaCallback, Sequential } from '../../src/nn/index.js';
import { checkEstimator } from '../helpers/conformance.js';

const rs = new RandomState(0);
// 3-d data on a 1-d curve plus noise: a 1-unit code reconstructs it well
const t = rs.uniform(-1, 1, 120);
const X = Array.from(t, (v) => [v, v * v, 0.5 * v + 0.05 * rs.standardNormal()]);

checkEstimator('AutoencoderFeatures', {
  make: (p = {}) => new AutoencoderFeatures({ encoderSizes: [6, 2], epochs: 3, batchSize: 16, randomState: 0, ...p }),
  X: X.slice(0, 40),
});

describe('AutoencoderFeatures', () => {
  it('codes, names, inverse transform, and training lowers the reconstruction error', () => {
    const ae = new AutoencoderFeatures({ encoderSizes: [16, 2], epochs: 60, batchSize: 16, learningRate: 0.01, randomState: 1 }).fit(X);
    const Z = ae.transform(X);
    assert.deepEqual(Z.shape, [120, 2]);
    assert.deepEqual(ae.getFeatureNamesOut(), ['ae0', 'ae1']);
    const R = ae.inverseTransform(Z);
    assert.deepEqual(R.shape, [120, 3]);
    // inverseTransform(transform(X)) is the full reconstruction
    assert.deepEqual(Array.from(R.data), Array.from(ae.reconstruct(X).data));
    const curve = ae.lossCurve;
    assert.equal(curve.length, 60);
    assert.ok(curve.at(-1)! < curve[0]! / 5, `loss ${curve[0]} -> ${curve.at(-1)}`);
    const err = ae.reconstructionError(X);
    const mse = err.reduce((s, v) => s + v, 0) / err.length;
    let variance = 0;
    for (let j = 0; j < 3; j++) { const col = X.map((r) => r[j]!); const m = col.reduce((s, v) => s + v, 0) / 120; variance += col.reduce((s, v) => s + (v - m) ** 2, 0) / 120 / 3; }
    assert.ok(mse < 0.1 * variance, `mse ${mse} vs mean variance ${variance}`);
  });

  it('denoising: noise changes training, is reproducible, and callbacks see every epoch', () => {
    const seen: number[] = [];
    const mk = (noise: number) => new AutoencoderFeatures({ encoderSizes: [8, 2], epochs: 4, noise, randomState: 3, callbacks: [new LambdaCallback({ onEpochEnd: (e: number) => { seen.push(e); } })] });
    const a = mk(0.3).fit(X), b = mk(0.3).fit(X), c = mk(0).fit(X);
    assert.deepEqual(a.lossCurve, b.lossCurve);
    assert.notDeepEqual(a.lossCurve, c.lossCurve);
    assert.deepEqual(seen, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('bad input: codes before fit, wrong width, bad parameters', () => {
    const ae = new AutoencoderFeatures();
    assert.throws(() => ae.transform(X), NotFittedError);
    assert.throws(() => ae.getFeatureNamesOut(), NotFittedError);
    const fitted = new AutoencoderFeatures({ encoderSizes: [4, 2], epochs: 1, randomState: 0 }).fit(X);
    assert.throws(() => fitted.transform([[1, 2]]), (e: unknown) => e instanceof ShapeError && /X/.test((e as Error).message));
    assert.throws(() => fitted.inverseTransform([[1, 2, 3]]), (e: unknown) => e instanceof ShapeError && /Z/.test((e as Error).message));
    assert.throws(() => new AutoencoderFeatures({ encoderSizes: [] }), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'encoderSizes');
    assert.throws(() => new AutoencoderFeatures({ noise: -1 }), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'noise');
  });
});

describe('Sequential.forwardLayers / backwardLayers', () => {
  it('input gradient equals finite differences, and a split pass equals the whole pass', () => {
    const net = new Sequential([new Dense(5, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })]).build(4, 0);
    const x = Float64Array.from([0.3, -1.2, 0.7, 2.0, -0.4, 0.1, 0.9, -0.8]);
    const w = Float64Array.from([1, -2, 0.5, 0.3, 0.7, -1]);
    const f = (xx: Float64Array) => { const o = net.forwardLayers(xx, 2); let s = 0; for (let t2 = 0; t2 < 6; t2++) s += o[t2]! * w[t2]!; return s; };
    f(x);
    const g = net.backwardLayers(w, 2).slice();
    for (let t2 = 0; t2 < 8; t2++) {
      const h = 1e-6, xp = x.slice(), xm = x.slice();
      xp[t2]! += h; xm[t2]! -= h;
      assert.ok(Math.abs((f(xp) - f(xm)) / (2 * h) - g[t2]!) < 1e-8, `input ${t2}`);
    }
    const whole = Array.from(net.forwardLayers(x, 2));
    const mid = net.forwardLayers(x, 2, { to: 1 }).slice();
    assert.deepEqual(Array.from(net.forwardLayers(mid, 2, { from: 1 })), whole);
    assert.deepEqual(net.predict(new Matrix(x, 2, 4)).data.length, 6);
    assert.throws(() => net.forwardLayers(x, 2, { from: 2 }), InvalidParameterError);
    assert.throws(() => net.backwardLayers(new Float64Array(5), 2), ShapeError);
    assert.throws(() => new Sequential([new Dense(2)]).forwardLayers(x, 2), NotFittedError);
  });
});

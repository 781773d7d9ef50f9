import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { AutoencoderOutlierDetector } from '../../src/fusion/index.js';
import { rocAucScore } from '../../src/metrics/ranking.js';
import { checkEstimator } from '../helpers/conformance.js';

// inliers on a 2-d plane inside 6-d space, outliers off the plane
const rs = new RandomState(0);
const plane = (a: number, b: number) => [a, b, a + b, a - b, 0.5 * a, -b];
const inl = Array.from({ length: 190 }, () => plane(rs.standardNormal(), rs.standardNormal()).map((v) => v + 0.02 * rs.standardNormal()));
const out = Array.from({ length: 10 }, () => Array.from({ length: 6 }, () => 2 * rs.standardNormal()));
const X = [...inl, ...out];
const isOut = X.map((_, i) => (i >= 190 ? 1 : 0));

checkEstimator('AutoencoderOutlierDetector', {
  make: (p = {}) => new AutoencoderOutlierDetector({ encoderSizes: [4, 2], epochs: 3, batchSize: 16, randomState: 0, ...p }),
  X: X.slice(0, 40),
});

describe('AutoencoderOutlierDetector', () => {
  const det = new AutoencoderOutlierDetector({ encoderSizes: [8, 2], epochs: 80, batchSize: 16, learningRate: 0.005, contamination: 0.05, randomState: 0 }).fit(X);

  it('ranks off-plane rows as outliers', () => {
    const s = det.scoreSamples(X);
    const auc = rocAucScore(isOut, Array.from(s, (v) => -v)) as number;
    assert.ok(auc > 0.95, `ROC-AUC ${auc}`);
  });

  it('offset = contamination quantile of the training scores; decisionFunction and predict follow it', () => {
    const s = det.scoreSamples(X);
    const sorted = Float64Array.from(s).sort();
    // numpy percentile(linear) at 5 of 200 values: virtual index 199 * 0.05 = 9.95
    const expect = sorted[10]! - (sorted[10]! - sorted[9]!) * (1 - 0.95);
    assert.ok(Math.abs(det.offset - expect) < 1e-15);
    const dfn = det.decisionFunction(X);
    const pred = det.predict(X);
    for (let i = 0; i < X.length; i++) {
      assert.equal(dfn[i], s[i]! - det.offset);
      assert.equal(pred[i], dfn[i]! < 0 ? -1 : 1);
    }
    assert.equal(Array.from(pred).filter((v) => v === -1).length, 10);
  });

  it("'auto' offset is minus Tukey's upper fence of the training errors", () => {
    const a = new AutoencoderOutlierDetector({ encoderSizes: [8, 2], epochs: 5, randomState: 0 }).fit(X);
    const err = Float64Array.from(a.scoreSamples(X), (v) => -v).sort();
    const q = (p: number) => { const vi = (err.length - 1) * p, lo = Math.floor(vi); return err[lo]! + (err[lo + 1]! - err[lo]!) * (vi - lo); };
    const fence = q(0.75) + 1.5 * (q(0.75) - q(0.25));
    assert.ok(Math.abs(a.offset + fence) < 1e-12 * Math.max(1, fence));
  });

  it('bad input: before fit, contamination outside (0, 0.5], wrong width', () => {
    assert.throws(() => new AutoencoderOutlierDetector().scoreSamples(X), NotFittedError);
    for (const c of [0, -0.1, 0.51, 1, 'most']) {
      assert.throws(() => new AutoencoderOutlierDetector({ contamination: c as number }), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'contamination');
    }
    assert.doesNotThrow(() => new AutoencoderOutlierDetector({ contamination: 0.5 }));
    assert.throws(() => det.predict([[1, 2, 3]]), ShapeError);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataError, InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import { setMetricWarningHandler } from '../../src/metrics/classification.js';
import { aucScore, averagePrecisionScore, precisionRecallCurve, rocAucScore, rocCurve, topKAccuracyScore } from '../../src/metrics/ranking.js';
import { itFixtureCases, loadFixture } from '../helpers/sklearnFixtures.js';

// scikit-learn 1.2.1 values from scripts/fixtures/metrics_sklearn.py
const fx = loadFixture('metrics_ranking.json');
let prev: ReturnType<typeof setMetricWarningHandler>;
before(() => { prev = setMetricWarningHandler(() => {}); });
after(() => { setMetricWarningHandler(prev); });

function call(fn: string, a: Record<string, unknown>): unknown {
  const { yTrue, yScore, probasPred, x, y, ...o } = a as Record<string, never>;
  switch (fn) {
    case 'roc_curve': { const r = rocCurve(yTrue, yScore, o); return [r.fpr, r.tpr, r.thresholds]; }
    case 'precision_recall_curve': { const r = precisionRecallCurve(yTrue, probasPred, o); return [r.precision, r.recall, r.thresholds]; }
    case 'average_precision_score': return averagePrecisionScore(yTrue, yScore, o);
    case 'roc_auc_score': return rocAucScore(yTrue, yScore, o);
    case 'top_k_accuracy_score': return topKAccuracyScore(yTrue, yScore, o);
    case 'auc': return aucScore(x, y);
    default: throw new Error('no mapping for ' + fn);
  }
}

const SAME_MESSAGE = /Only one class present|multi_class must be|Partial AUC|sample_weight is not supported|pos_label is not specified|not a valid label|At least 2 points|y should be a 1d array/;

describe('ranking metrics equal scikit-learn 1.2.1 (1e-12)', () => {
  itFixtureCases(fx, call, SAME_MESSAGE);
});

describe('ranking metrics: typed errors', () => {
  it('NaN scores are DataErrors naming the argument', () => {
    assert.throws(() => rocAucScore([0, 1, 1], [0.1, NaN, 0.3]), (e: unknown) => e instanceof DataError && /'yScore'/.test((e as Error).message) && /NaN at index 1/.test((e as Error).message));
    assert.throws(() => rocCurve([0, 1], [Infinity, 0.2]), DataError);
    assert.throws(() => precisionRecallCurve([0, 1], [0.1, NaN]), (e: unknown) => e instanceof DataError && /'probasPred'/.test((e as Error).message));
  });
  it('mismatched lengths', () => {
    assert.throws(() => rocAucScore([0, 1, 1], [0.1, 0.2]), ShapeError);
    assert.throws(() => rocCurve([0, 1, 1], [0.1, 0.2], {}), ShapeError);
    assert.throws(() => rocCurve([0, 1], [0.1, 0.2], { sampleWeight: [1] }), (e: unknown) => e instanceof ShapeError && /'sampleWeight'/.test((e as Error).message));
  });
  it('bad maxFpr and average', () => {
    assert.throws(() => rocAucScore([0, 1, 1, 0], [0.1, 0.2, 0.8, 0.3], { maxFpr: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'maxFpr');
    assert.throws(() => rocAucScore([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], { multiClass: 'ovo', average: 'micro' }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'average');
    assert.throws(() => rocAucScore([0, 1, 2], [[0.5, 0, 0], [0, 1, 0], [0, 0, 1]], { multiClass: 'ovr' }), (e: unknown) => e instanceof DataError && /sum up to 1.0/.test((e as Error).message));
  });
});

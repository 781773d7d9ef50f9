import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataError, InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import {
  balancedAccuracyScore, brierScoreLoss, cohenKappaScore, confusionMatrix, f1Score, fbetaScore, hammingLoss, hingeLoss,
  jaccardScore, logLoss, matthewsCorrcoef, precisionRecallFscoreSupport, precisionScore, recallScore, setMetricWarningHandler,
  zeroOneLoss, type PRFOptions,
} from '../../src/metrics/classification.js';
import { accuracyScore } from '../../src/metrics/accuracy.js';
import { itFixtureCases, loadFixture } from '../helpers/sklearnFixtures.js';

// scikit-learn 1.2.1 values from scripts/fixtures/metrics_sklearn.py (breast_cancer, iris, wine, digits models + edge cases)
const fx = loadFixture('metrics_classification.json');

const warnings: string[] = [];
let prev: ReturnType<typeof setMetricWarningHandler>;
before(() => { prev = setMetricWarningHandler((w) => warnings.push(w.message)); });
after(() => { setMetricWarningHandler(prev); });

type A = Record<string, unknown> & { yTrue: never; yPred: never };
const prf = (r: { precision: unknown; recall: unknown; fScore: unknown; support: unknown }) => [r.precision, r.recall, r.fScore, r.support];

function call(fn: string, a: Record<string, unknown>): unknown {
  const { yTrue, yPred, y1, y2, yProb, predDecision, ...o } = a as A & Record<string, never>;
  const opts = o as PRFOptions & Record<string, never>;
  switch (fn) {
    case 'confusion_matrix': return confusionMatrix(yTrue, yPred, opts);
    case 'precision_score': return precisionScore(yTrue, yPred, opts);
    case 'recall_score': return recallScore(yTrue, yPred, opts);
    case 'f1_score': return f1Score(yTrue, yPred, opts);
    case 'fbeta_score': return fbetaScore(yTrue, yPred, opts as never);
    case 'jaccard_score': return jaccardScore(yTrue, yPred, opts);
    case 'precision_recall_fscore_support': return prf(precisionRecallFscoreSupport(yTrue, yPred, { average: null, ...opts }));
    case 'balanced_accuracy_score': return balancedAccuracyScore(yTrue, yPred, opts);
    case 'cohen_kappa_score': return cohenKappaScore(y1, y2, opts);
    case 'matthews_corrcoef': return matthewsCorrcoef(yTrue, yPred, opts);
    case 'hamming_loss': return hammingLoss(yTrue, yPred, opts);
    case 'zero_one_loss': return zeroOneLoss(yTrue, yPred, opts);
    case 'accuracy_score': return accuracyScore(yTrue, yPred, opts);
    case 'log_loss': return logLoss(yTrue, yPred, opts);
    case 'brier_score_loss': return brierScoreLoss(yTrue, yProb, opts);
    case 'hinge_loss': return hingeLoss(yTrue, predDecision, opts);
    default: throw new Error('no mapping for ' + fn);
  }
}

// errors whose message must be scikit-learn's own text
const SAME_MESSAGE = /average='binary'|not a valid label|average has to be|At least one label|only one label|pos_label is not specified/;

describe('classification metrics equal scikit-learn 1.2.1 (1e-12)', () => {
  itFixtureCases(fx, call, SAME_MESSAGE, Infinity);
});

describe('classification metrics: behaviour and typed errors', () => {
  it('warns like scikit-learn on ill-defined precision', () => {
    warnings.length = 0;
    precisionScore([0, 1, 2, 2], [0, 0, 0, 2], { average: 'macro' });
    assert.ok(warnings.some((m) => m.startsWith('Precision is ill-defined and being set to 0.0 in labels with no predicted samples.')), warnings.join('|'));
    warnings.length = 0;
    precisionScore([0, 1, 2, 2], [0, 0, 0, 2], { average: 'macro', zeroDivision: 0 });
    assert.equal(warnings.length, 0);
  });
  it('zeroDivision NaN: undefined entries are NaN and left out of averages (scikit-learn >= 1.3)', () => {
    const r = precisionRecallFscoreSupport([0, 1, 2, 2], [0, 0, 0, 2], { zeroDivision: NaN });
    assert.ok(Number.isNaN(r.precision[1]!));
    assert.equal(r.precision[0], 1 / 3);
    assert.equal(precisionScore([0, 1, 2, 2], [0, 0, 0, 2], { average: 'macro', zeroDivision: NaN }), (1 / 3 + 1) / 2);
    assert.ok(Number.isNaN(precisionScore([0, 0], [0, 0], { zeroDivision: NaN })));
  });
  it('mismatched lengths name the argument', () => {
    assert.throws(() => f1Score([0, 1, 1], [0, 1]), (e: unknown) => e instanceof ShapeError && /'yPred'/.test((e as Error).message));
    assert.throws(() => confusionMatrix([0, 1], [0, 1], { sampleWeight: [1] }), (e: unknown) => e instanceof ShapeError && /'sampleWeight'/.test((e as Error).message));
    assert.throws(() => logLoss([0, 1], [0.2]), ShapeError);
  });
  it('unknown average, zeroDivision, normalize are InvalidParameterError', () => {
    assert.throws(() => f1Score([0, 1], [0, 1], { average: 'mean' as never }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'average');
    assert.throws(() => f1Score([0, 1], [0, 1], { zeroDivision: 2 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'zeroDivision');
    assert.throws(() => confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as never }), InvalidParameterError);
  });
  it("multiclass target with average 'binary' gives scikit-learn's message", () => {
    assert.throws(() => recallScore([0, 1, 2], [0, 1, 1]), (e: unknown) => e instanceof InvalidParameterError && e.param === 'average' &&
      (e as Error).message === "recallScore: Target is multiclass but average='binary'. Please choose another average setting, one of [None, 'micro', 'macro', 'weighted'].");
  });
  it('posLabel not present', () => {
    assert.throws(() => precisionScore(['a', 'b'], ['a', 'b'], { posLabel: 'c' }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'posLabel' && /pos_label=c is not a valid label. It should be one of \['a', 'b'\]/.test((e as Error).message));
  });
  it('NaN, mixed types and continuous labels are DataErrors', () => {
    assert.throws(() => f1Score([0, NaN], [0, 1]), (e: unknown) => e instanceof DataError && /'yTrue'/.test((e as Error).message) && /NaN at index 1/.test((e as Error).message));
    assert.throws(() => f1Score([0, 1], ['0', '1'] as never), DataError);
    assert.throws(() => f1Score([0, 1], [0.5, 1]), (e: unknown) => e instanceof DataError && /continuous/.test((e as Error).message));
    assert.throws(() => logLoss([0, 1], [0.2, NaN]), (e: unknown) => e instanceof DataError && /'yPred'/.test((e as Error).message));
    assert.throws(() => hingeLoss([0, 1], [0.2, Infinity]), DataError);
    assert.throws(() => brierScoreLoss([0, 1], [0.2, 1.5]), DataError);
  });
  it('string labels and labels argument', () => {
    assert.deepEqual(confusionMatrix(['cat', 'ant', 'cat', 'cat', 'ant', 'bird'], ['ant', 'ant', 'cat', 'cat', 'ant', 'cat'], { labels: ['ant', 'bird', 'cat'] }), [[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
    assert.deepEqual(precisionRecallFscoreSupport(['a', 'b', 'b'], ['a', 'b', 'a'], { labels: ['b', 'a'] }).labels, ['b', 'a']);
  });
});

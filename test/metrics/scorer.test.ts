import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { fbetaScore, setMetricWarningHandler } from '../../src/metrics/classification.js';
import { getScorer, getScorerNames, makeScorer, type ScorableEstimator } from '../../src/metrics/scorer.js';
import { closeTo, fixtureCases, loadFixture } from '../helpers/sklearnFixtures.js';

// sklearn.metrics.get_scorer(name)(est, X, y) on stub estimators replaying stored model outputs (scripts/fixtures/metrics_sklearn.py)
const fx = loadFixture('metrics_scorer.json') as unknown as { cases: Array<{ kind: string; key: string; y: number[]; pred: number[]; proba?: number[][]; dec?: number[] | number[][] | null; classes?: number[]; values: Record<string, number | { error: string }> }> };
let prev: ReturnType<typeof setMetricWarningHandler>;
before(() => { prev = setMetricWarningHandler(() => {}); });
after(() => { setMetricWarningHandler(prev); });

describe('getScorer equals scikit-learn get_scorer (sign conventions, response methods)', () => {
  for (const c of fixtureCases(fx.cases, 'metrics_scorer.json cases')) {
    it(`${c.kind} ${c.key}: ${Object.keys(c.values).length} scorers`, () => {
      const est: ScorableEstimator = {
        predict: () => c.pred,
        ...(c.proba ? { predictProba: () => Matrix.fromRows(c.proba!) } : {}),
        ...(c.dec ? { decisionFunction: () => (Array.isArray(c.dec![0]) ? Matrix.fromRows(c.dec as number[][]) : c.dec as number[]) } : {}),
        ...(c.classes ? { classes: c.classes } : {}),
      };
      const X = [[0]];
      for (const [name, v] of Object.entries(c.values)) {
        const scorer = getScorer(name);
        if (typeof v === 'object' && v && 'error' in v) {
          assert.throws(() => scorer(est, X, c.y), `${name} should throw like sklearn: ${v.error}`);
        } else closeTo(scorer(est, X, c.y), v, name);
      }
    });
  }
  it('names, unknown names and makeScorer', () => {
    for (const n of ['accuracy', 'balanced_accuracy', 'f1', 'f1_macro', 'f1_weighted', 'precision', 'recall', 'roc_auc', 'neg_log_loss', 'r2', 'neg_mean_squared_error', 'neg_mean_absolute_error']) assert.ok(getScorerNames().includes(n), n);
    assert.throws(() => getScorer('f2'), (e: unknown) => e instanceof InvalidParameterError && e.param === 'scoring');
    const est: ScorableEstimator = { predict: () => [0, 1, 1, 0] };
    const f2 = makeScorer(fbetaScore as never, { kwargs: { beta: 2 } });
    assert.equal(f2(est, [[0]], [0, 1, 0, 0]), fbetaScore([0, 1, 0, 0], [0, 1, 1, 0], { beta: 2 }));
    assert.equal(getScorer(f2), f2);
    assert.equal(getScorer('neg_mean_squared_error').greaterIsBetter, false);
  });
});

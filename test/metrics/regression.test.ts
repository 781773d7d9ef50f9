import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataError, InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import { setMetricWarningHandler } from '../../src/metrics/classification.js';
import {
  explainedVarianceScore, maxError, meanAbsoluteError, meanAbsolutePercentageError, meanGammaDeviance, meanPoissonDeviance,
  meanSquaredError, meanSquaredLogError, meanTweedieDeviance, medianAbsoluteError, r2Score, rootMeanSquaredError,
} from '../../src/metrics/regression.js';
import { itFixtureCases, loadFixture } from '../helpers/sklearnFixtures.js';

// scikit-learn 1.2.1 values from scripts/fixtures/metrics_sklearn.py (diabetes, linnerud models + edge cases)
const fx = loadFixture('metrics_regression.json');
let prev: ReturnType<typeof setMetricWarningHandler>;
before(() => { prev = setMetricWarningHandler(() => {}); });
after(() => { setMetricWarningHandler(prev); });

function call(fn: string, a: Record<string, unknown>): unknown {
  const { yTrue, yPred, ...o } = a as Record<string, never>;
  switch (fn) {
    case 'mean_squared_error': return meanSquaredError(yTrue, yPred, o);
    case 'mean_squared_log_error': return meanSquaredLogError(yTrue, yPred, o);
    case 'mean_absolute_error': return meanAbsoluteError(yTrue, yPred, o);
    case 'median_absolute_error': return medianAbsoluteError(yTrue, yPred, o);
    case 'mean_absolute_percentage_error': return meanAbsolutePercentageError(yTrue, yPred, o);
    case 'r2_score': return r2Score(yTrue, yPred, o);
    case 'explained_variance_score': return explainedVarianceScore(yTrue, yPred, o);
    case 'max_error': return maxError(yTrue, yPred);
    case 'mean_poisson_deviance': return meanPoissonDeviance(yTrue, yPred, o);
    case 'mean_gamma_deviance': return meanGammaDeviance(yTrue, yPred, o);
    case 'mean_tweedie_deviance': return meanTweedieDeviance(yTrue, yPred, o);
    default: throw new Error('no mapping for ' + fn);
  }
}

const SAME_MESSAGE = /Multioutput not supported|Mean Squared Logarithmic|Tweedie deviance is only defined|can only be used on/;

describe('regression metrics equal scikit-learn 1.2.1 (1e-12)', () => {
  itFixtureCases(fx, call, SAME_MESSAGE);
});

describe('regression metrics: behaviour and typed errors', () => {
  it('rootMeanSquaredError is the squared: false form', () => {
    assert.equal(rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]), meanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8], { squared: false }));
  });
  it('typed errors', () => {
    assert.throws(() => meanSquaredError([1, 2], [1]), (e: unknown) => e instanceof ShapeError && /'yPred'/.test((e as Error).message));
    assert.throws(() => r2Score([1, NaN], [1, 2]), (e: unknown) => e instanceof DataError && /'yTrue'/.test((e as Error).message));
    assert.throws(() => meanAbsoluteError([1, 2], [1, 2], { multioutput: 'sum' as never }), InvalidParameterError);
    assert.throws(() => meanAbsoluteError([1, 2], [1, 2], { multioutput: [0.5, 0.5] }), InvalidParameterError);
    assert.throws(() => meanAbsoluteError([[1, 2]], [[1, 2, 3]]), ShapeError);
    assert.throws(() => meanSquaredError([1, 2], [1, 2], { sampleWeight: [1] }), ShapeError);
  });
});

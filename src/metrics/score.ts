/**
 * The `score` methods of the role mixins (scikit-learn's ClassifierMixin.score / RegressorMixin.score)
 * written once, through the public metrics: accuracy for classifiers, R^2 (uniform average over
 * outputs) for regressors. One sample gives NaN and an UndefinedMetricWarning, as `r2Score`.
 */
import { Matrix } from '../core/matrix.js';
import type { Label } from '../core/validation.js';
import { accuracyScore } from './accuracy.js';
import { r2Score } from './regression.js';

/** ClassifierMixin.score: accuracy of `yPred` against `yTrue`, optionally weighted. */
export function classifierScore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, sampleWeight?: ArrayLike<number> | null): number {
  return accuracyScore(yTrue, yPred, { sampleWeight: sampleWeight ?? null });
}

/**
 * RegressorMixin.score: R^2 of row-major n x `nOutputs` predictions against targets of the same
 * layout, uniform average over outputs (scikit-learn's `r2_score` default).
 */
export function regressorScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nOutputs = 1, sampleWeight?: ArrayLike<number> | null): number {
  const k = Math.max(1, nOutputs);
  const opts = { sampleWeight: sampleWeight ?? null };
  if (k === 1) return r2Score(yTrue, yPred, opts);
  const n = yTrue.length / k;
  return r2Score(new Matrix(Float64Array.from(yTrue), n, k), new Matrix(Float64Array.from(yPred), n, k), opts);
}

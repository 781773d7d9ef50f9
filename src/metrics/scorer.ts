/**
 * Scorers: `(estimator, X, y, sampleWeight?) => number` with scikit-learn's greater-is-better
 * convention (losses are negated: 'neg_log_loss', 'neg_mean_squared_error', ...), looked up by
 * scikit-learn's scorer names with `getScorer(name)`; used by model selection.
 */
import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { MatrixLike } from '../core/validation.js';
import { accuracyScore } from './accuracy.js';
import {
  balancedAccuracyScore, brierScoreLoss, dataError, f1Score, jaccardScore, logLoss, matthewsCorrcoef, precisionScore,
  recallScore, type Label, type LabelArray, type PRFOptions,
} from './classification.js';
import { averagePrecisionScore, rocAucScore, topKAccuracyScore } from './ranking.js';
import {
  explainedVarianceScore, maxError, meanAbsoluteError, meanAbsolutePercentageError, meanGammaDeviance, meanPoissonDeviance,
  meanSquaredError, meanSquaredLogError, medianAbsoluteError, r2Score,
} from './regression.js';

/** What a scorer needs from an estimator (any deepmine classifier or regressor fits). */
export interface ScorableEstimator {
  predict(X: MatrixLike): ArrayLike<Label> | readonly Label[];
  predictProba?(X: MatrixLike): Matrix | ArrayLike<ArrayLike<number>>;
  decisionFunction?(X: MatrixLike): Matrix | ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  /** Class labels in the column order of predictProba (sorted). */
  readonly classes?: readonly Label[];
}

/** Which estimator output the metric consumes: labels, probabilities, or decision values (falling back to probabilities). */
export type ResponseMethod = 'predict' | 'predictProba' | 'threshold';

/** A callable scorer; larger is always better. */
export interface Scorer {
  (estimator: ScorableEstimator, X: MatrixLike, y: LabelArray, sampleWeight?: ArrayLike<number> | null): number;
  readonly scorerName: string;
  readonly greaterIsBetter: boolean;
  readonly responseMethod: ResponseMethod;
}

type MetricFn = (yTrue: never, yPred: never, opts: Record<string, unknown>) => number | number[];

/**
 * Wrap a metric `(yTrue, yPred, opts) => number` as a scorer (scikit-learn's `make_scorer`).
 * `greaterIsBetter: false` negates the metric; `responseMethod` picks the estimator output;
 * `kwargs` are passed to the metric.
 * @example
 * const f2 = makeScorer(fbetaScore, { kwargs: { beta: 2 } });
 * f2(model, Xtest, yTest);
 */
export function makeScorer(metric: MetricFn, opts: { greaterIsBetter?: boolean; responseMethod?: ResponseMethod; kwargs?: Record<string, unknown>; name?: string } = {}): Scorer {
  const sign = (opts.greaterIsBetter ?? true) ? 1 : -1;
  const method = opts.responseMethod ?? 'predict';
  const kwargs = opts.kwargs ?? {};
  const name = opts.name ?? (metric.name || 'custom');
  const owner = `scorer '${name}'`;
  const fn = (est: ScorableEstimator, X: MatrixLike, y: LabelArray, sampleWeight?: ArrayLike<number> | null): number => {
    if (est == null || typeof est.predict !== 'function') throw new InvalidParameterError('estimator', 'an estimator with predict()', est, owner);
    const nClasses = new Set(Array.from(y as ArrayLike<Label>)).size;
    let yPred: unknown;
    if (method === 'predict') yPred = est.predict(X);
    else if (method === 'predictProba') {
      yPred = probaOf(est, X, owner);
      if (nClasses <= 2) yPred = binaryColumn(yPred as Matrix, est, kwargs);
    } else {
      if (nClasses > 2) throw dataError('y', 'a binary target for a threshold scorer', `${nClasses} classes`, owner, 'multiclass format is not supported');
      if (supports(est, 'decisionFunction')) {
        const d = est.decisionFunction!(X);
        yPred = d instanceof Matrix ? (d.cols === 1 ? d.data : d) : d;
      } else yPred = binaryColumn(probaOf(est, X, owner), est, kwargs);
    }
    const extra = sampleWeight != null ? { sampleWeight } : {};
    const v = metric(y as never, yPred as never, { ...kwargs, ...extra });
    if (typeof v !== 'number') throw dataError('metric', 'a scalar score', 'an array', owner);
    return sign * v;
  };
  return Object.assign(fn, { scorerName: name, greaterIsBetter: sign === 1, responseMethod: method }) as Scorer;
}

/**
 * Whether an estimator offers a response method. Meta-estimators whose methods depend on their
 * final step (Pipeline) answer through `hasMethod`, as scikit-learn's `available_if` does.
 */
function supports(est: ScorableEstimator, method: 'decisionFunction' | 'predictProba'): boolean {
  const probe = (est as { hasMethod?: (m: string) => boolean }).hasMethod;
  if (typeof probe === 'function') return probe.call(est, method);
  return typeof est[method] === 'function';
}

function probaOf(est: ScorableEstimator, X: MatrixLike, owner: string): Matrix {
  if (typeof est.predictProba !== 'function') throw new InvalidParameterError('estimator', 'an estimator with predictProba()', est, owner);
  const p = est.predictProba(X);
  return p instanceof Matrix ? p : Matrix.fromRows(p as ArrayLike<ArrayLike<number>>);
}

/** scikit-learn's `_select_proba_binary`: the column of `posLabel` (default the second class). */
function binaryColumn(p: Matrix, est: ScorableEstimator, kwargs: Record<string, unknown>): Float64Array | Matrix {
  if (p.cols !== 2) return p.cols === 1 ? p.data : p;
  let col = 1;
  if (kwargs.posLabel !== undefined && est.classes) {
    col = est.classes.indexOf(kwargs.posLabel as Label);
    if (col < 0) throw new InvalidParameterError('posLabel', `one of the classes [${est.classes.join(', ')}]`, kwargs.posLabel, 'scorer');
  }
  return p.col(col);
}

const m = (f: unknown) => f as MetricFn;
const REGISTRY: Record<string, () => Scorer> = {
  explained_variance: () => makeScorer(m(explainedVarianceScore), { name: 'explained_variance' }),
  r2: () => makeScorer(m(r2Score), { name: 'r2' }),
  max_error: () => makeScorer(m((a: never, b: never) => maxError(a, b)), { name: 'max_error', greaterIsBetter: false }),
  neg_median_absolute_error: () => makeScorer(m(medianAbsoluteError), { name: 'neg_median_absolute_error', greaterIsBetter: false }),
  neg_mean_absolute_error: () => makeScorer(m(meanAbsoluteError), { name: 'neg_mean_absolute_error', greaterIsBetter: false }),
  neg_mean_absolute_percentage_error: () => makeScorer(m(meanAbsolutePercentageError), { name: 'neg_mean_absolute_percentage_error', greaterIsBetter: false }),
  neg_mean_squared_error: () => makeScorer(m(meanSquaredError), { name: 'neg_mean_squared_error', greaterIsBetter: false }),
  neg_mean_squared_log_error: () => makeScorer(m(meanSquaredLogError), { name: 'neg_mean_squared_log_error', greaterIsBetter: false }),
  neg_root_mean_squared_error: () => makeScorer(m(meanSquaredError), { name: 'neg_root_mean_squared_error', greaterIsBetter: false, kwargs: { squared: false } }),
  neg_mean_poisson_deviance: () => makeScorer(m(meanPoissonDeviance), { name: 'neg_mean_poisson_deviance', greaterIsBetter: false }),
  neg_mean_gamma_deviance: () => makeScorer(m(meanGammaDeviance), { name: 'neg_mean_gamma_deviance', greaterIsBetter: false }),
  accuracy: () => makeScorer(m(accuracyScore), { name: 'accuracy' }),
  balanced_accuracy: () => makeScorer(m(balancedAccuracyScore), { name: 'balanced_accuracy' }),
  matthews_corrcoef: () => makeScorer(m(matthewsCorrcoef), { name: 'matthews_corrcoef' }),
  top_k_accuracy: () => makeScorer(m(topKAccuracyScore), { name: 'top_k_accuracy', responseMethod: 'threshold' }),
  roc_auc: () => makeScorer(m(rocAucScore), { name: 'roc_auc', responseMethod: 'threshold' }),
  average_precision: () => makeScorer(m(averagePrecisionScore), { name: 'average_precision', responseMethod: 'threshold' }),
  roc_auc_ovr: () => makeScorer(m(rocAucScore), { name: 'roc_auc_ovr', responseMethod: 'predictProba', kwargs: { multiClass: 'ovr' } }),
  roc_auc_ovo: () => makeScorer(m(rocAucScore), { name: 'roc_auc_ovo', responseMethod: 'predictProba', kwargs: { multiClass: 'ovo' } }),
  roc_auc_ovr_weighted: () => makeScorer(m(rocAucScore), { name: 'roc_auc_ovr_weighted', responseMethod: 'predictProba', kwargs: { multiClass: 'ovr', average: 'weighted' } }),
  roc_auc_ovo_weighted: () => makeScorer(m(rocAucScore), { name: 'roc_auc_ovo_weighted', responseMethod: 'predictProba', kwargs: { multiClass: 'ovo', average: 'weighted' } }),
  neg_log_loss: () => makeScorer(m(logLoss), { name: 'neg_log_loss', responseMethod: 'predictProba', greaterIsBetter: false }),
  neg_brier_score: () => makeScorer(m(brierScoreLoss), { name: 'neg_brier_score', responseMethod: 'predictProba', greaterIsBetter: false }),
};
const PRF: Record<string, (a: LabelArray, b: LabelArray, o?: PRFOptions) => number | number[]> = {
  precision: precisionScore, recall: recallScore, f1: f1Score, jaccard: jaccardScore,
};
for (const [base, f] of Object.entries(PRF)) {
  REGISTRY[base] = () => makeScorer(m(f), { name: base, kwargs: { average: 'binary' } });
  for (const avg of ['macro', 'micro', 'weighted']) {
    REGISTRY[`${base}_${avg}`] = () => makeScorer(m(f), { name: `${base}_${avg}`, kwargs: { average: avg } });
  }
}

/** Names accepted by `getScorer` (scikit-learn's names; clustering scorers are not included). */
export function getScorerNames(): string[] {
  return Object.keys(REGISTRY).sort();
}

/**
 * The scorer registered under a scikit-learn scorer name ('accuracy', 'f1_macro', 'roc_auc',
 * 'neg_log_loss', 'r2', 'neg_mean_squared_error', ...); a scorer function is returned as is.
 * Losses are negated so that greater is always better.
 * @example
 * const score = getScorer('neg_mean_absolute_error')(regressor, X, y); // <= 0
 * getScorer('f1_macro')(classifier, Xtest, yTest);
 */
export function getScorer(scoring: string | Scorer): Scorer {
  if (typeof scoring === 'function') return scoring;
  const make = typeof scoring === 'string' ? REGISTRY[scoring] : undefined;
  if (!make) throw new InvalidParameterError('scoring', `a scorer name (one of ${getScorerNames().join(', ')}) or a scorer function`, scoring, 'getScorer');
  return make();
}

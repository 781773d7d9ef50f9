/**
 * Scorers for model selection: `estimator.score` by default, a scikit-learn scorer name (resolved
 * through the metrics module's `getScorer`, in the calling thread and in pool workers alike), or a
 * function `(estimator, X, y) => number` (greater is better).
 */
import { InvalidParameterError } from '../core/errors.js';
import type { MatrixLike } from '../core/validation.js';
import type { LabelArray } from '../metrics/classification.js';
import { getScorer, getScorerNames, type ScorableEstimator } from '../metrics/scorer.js';

/** A fitted estimator as scorers see it (the methods used are looked up at run time). */
export interface Fitted {
  predict(X: MatrixLike | unknown): ArrayLike<number | string>;
  score?(X: unknown, y: unknown): number;
}

/** A scoring function: greater is better. */
export type ScorerFn = (estimator: Fitted, X: unknown, y: ArrayLike<number | string>) => number;
/** `null` (estimator.score), a scorer name, a function, or several of them (multi-metric). */
export type Scoring = null | string | ScorerFn | readonly string[] | Record<string, string | ScorerFn | null>;

/** Names accepted as `scoring` strings (scikit-learn's scorer names, from the metrics registry). */
export function scorerNames(): string[] {
  return getScorerNames();
}

/** The scorer for a scikit-learn scorer name (e.g. 'accuracy', 'f1_macro', 'roc_auc', 'neg_mean_squared_error'). */
export function namedScorer(name: string, owner = 'scoring'): ScorerFn {
  if (!getScorerNames().includes(name)) throw new InvalidParameterError('scoring', `a scorer name (one of ${scorerNames().join(', ')}), a function or null`, name, owner);
  const scorer = getScorer(name);
  return (est, X, y) => scorer(est as unknown as ScorableEstimator, X as MatrixLike, y as LabelArray);
}

/** `estimator.score(X, y)`: scikit-learn's default scoring. */
export const passthroughScorer: ScorerFn = (est, X, y) => {
  if (typeof est.score !== 'function') throw new InvalidParameterError('scoring', 'a scorer (the estimator has no score method)', null, 'scoring');
  return est.score(X, y);
};

/** A resolved scoring spec: metric name -> function, plus the names that can travel to a worker. */
export interface ResolvedScoring {
  names: string[];
  fns: ScorerFn[];
  /** per metric: the scorer name a worker re-resolves, or null for functions (in-thread only) */
  specs: (string | null)[];
  multi: boolean;
}

/** Normalise a `Scoring` value (validates names up front). */
export function resolveScoring(scoring: Scoring | undefined, owner: string): ResolvedScoring {
  const one = (s: string | ScorerFn | null, key: string): [ScorerFn, string | null] => {
    if (s === null) return [passthroughScorer, 'score'];
    if (typeof s === 'function') return [s, null];
    if (typeof s === 'string') return [namedScorer(s, owner), s];
    throw new InvalidParameterError(key, 'a scorer name, a function or null', s, owner);
  };
  if (scoring === undefined || scoring === null || typeof scoring === 'string' || typeof scoring === 'function') {
    const [fn, spec] = one(scoring ?? null, 'scoring');
    return { names: ['score'], fns: [fn], specs: [spec], multi: false };
  }
  const entries: [string, string | ScorerFn | null][] = Array.isArray(scoring) ? (scoring as string[]).map((s) => [s, s]) : Object.entries(scoring as Record<string, string | ScorerFn | null>);
  if (entries.length === 0) throw new InvalidParameterError('scoring', 'a non-empty list or object of scorers', scoring, owner);
  const names: string[] = [], fns: ScorerFn[] = [], specs: (string | null)[] = [];
  for (const [name, s] of entries) {
    if (names.includes(name)) throw new InvalidParameterError('scoring', 'unique scorer names', `duplicate ${JSON.stringify(name)}`, owner);
    const [fn, spec] = one(s, `scoring.${name}`);
    names.push(name); fns.push(fn); specs.push(spec);
  }
  return { names, fns, specs, multi: true };
}

/** Re-resolve scorer specs inside a worker ('score' = estimator.score). */
export function scorersFromSpecs(specs: readonly string[]): ScorerFn[] {
  return specs.map((s) => (s === 'score' ? passthroughScorer : namedScorer(s)));
}

/**
 * Scorers for model selection: `estimator.score` by default, a scikit-learn scorer name, or a
 * function `(estimator, X, y) => number` (greater is better).
 *
 * TODO(lead): when `src/metrics/scorer.ts` (`getScorer(name)`) lands, resolve names through it in
 * `namedScorer` below and drop the small built-in map; the worker task resolves names the same way.
 */
import { InvalidParameterError } from '../core/errors.js';
import type { MatrixLike } from '../core/validation.js';
import { accuracyScore } from '../metrics/accuracy.js';

/** A fitted estimator as scorers see it (the methods used are looked up at run time). */
export interface Fitted {
  predict(X: MatrixLike | unknown): ArrayLike<number | string>;
  score?(X: unknown, y: unknown): number;
}

/** A scoring function: greater is better. */
export type ScorerFn = (estimator: Fitted, X: unknown, y: ArrayLike<number | string>) => number;
/** `null` (estimator.score), a scorer name, a function, or several of them (multi-metric). */
export type Scoring = null | string | ScorerFn | readonly string[] | Record<string, string | ScorerFn | null>;

function numeric(a: ArrayLike<number | string>, name: string, owner: string): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') throw new InvalidParameterError(name, 'numeric targets for a regression scorer', v, owner);
    out[i] = v;
  }
  return out;
}

function mse(yTrue: Float64Array, yPred: Float64Array): number {
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i]! - yPred[i]!) ** 2;
  return s / yTrue.length;
}

/** scikit-learn's r2_score (force_finite: a constant yTrue gives 1 when predicted exactly, else 0). */
function r2(yTrue: Float64Array, yPred: Float64Array): number {
  let mean = 0;
  for (const v of yTrue) mean += v;
  mean /= yTrue.length;
  let num = 0, den = 0;
  for (let i = 0; i < yTrue.length; i++) {
    num += (yTrue[i]! - yPred[i]!) ** 2;
    den += (yTrue[i]! - mean) ** 2;
  }
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

const BUILTIN: Record<string, ScorerFn> = {
  accuracy: (est, X, y) => accuracyScore(y, est.predict(X)),
  r2: (est, X, y) => r2(numeric(y, 'y', 'r2'), numeric(est.predict(X), 'prediction', 'r2')),
  neg_mean_squared_error: (est, X, y) => -mse(numeric(y, 'y', 'neg_mean_squared_error'), numeric(est.predict(X), 'prediction', 'neg_mean_squared_error')),
  neg_root_mean_squared_error: (est, X, y) => -Math.sqrt(mse(numeric(y, 'y', 'neg_root_mean_squared_error'), numeric(est.predict(X), 'prediction', 'neg_root_mean_squared_error'))),
  neg_mean_absolute_error: (est, X, y) => {
    const t = numeric(y, 'y', 'neg_mean_absolute_error');
    const p = numeric(est.predict(X), 'prediction', 'neg_mean_absolute_error');
    let s = 0;
    for (let i = 0; i < t.length; i++) s += Math.abs(t[i]! - p[i]!);
    return -s / t.length;
  },
};

/** Names accepted as `scoring` strings. */
export function scorerNames(): string[] {
  return Object.keys(BUILTIN).sort();
}

/** The scorer for a scikit-learn scorer name (e.g. 'accuracy', 'r2', 'neg_mean_squared_error'). */
export function namedScorer(name: string, owner = 'scoring'): ScorerFn {
  const fn = BUILTIN[name];
  if (!fn) throw new InvalidParameterError('scoring', `a scorer name (one of ${scorerNames().join(', ')}), a function or null`, name, owner);
  return fn;
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

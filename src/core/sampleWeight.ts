/**
 * The one sample-weight check (scikit-learn's `_check_sample_weight`), so the same mistake gives
 * the same error class everywhere:
 *
 * | mistake                                  | error        |
 * |------------------------------------------|--------------|
 * | not a 1-D array of numbers               | DataError    |
 * | wrong length                             | ShapeError   |
 * | NaN, Infinity or a non-number entry      | DataError    |
 * | negative entry (unless `allowNegative`)  | DataError    |
 * | all zero / non-positive sum (unless `allowZeroSum`) | DataError |
 */
import { DataError, ShapeError, describeValue } from './errors.js';

export interface SampleWeightOptions {
  /** Accept negative weights (metrics, DBSCAN). Default false. */
  allowNegative?: boolean;
  /** Accept weights whose sum is not positive (metrics decide themselves). Default false. */
  allowZeroSum?: boolean;
  /** What gives the expected length, for the message. Default 'the number of rows of X'. */
  refName?: string;
}

/**
 * Validated copy of `sampleWeight` as a Float64Array, or null when it is null/undefined.
 * @example
 * checkSampleWeight([1, 2], 2, 'MyEstimator'); // Float64Array [1, 2]
 * checkSampleWeight([1], 2, 'MyEstimator');    // ShapeError
 */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | null | undefined, n: number, owner: string, opts: SampleWeightOptions = {}): Float64Array | null {
  if (sampleWeight === null || sampleWeight === undefined) return null;
  const w = sampleWeight as unknown;
  if (typeof w !== 'object' || typeof (w as ArrayLike<unknown>).length !== 'number') throw new DataError('sampleWeight', 'a 1-D array of numbers', w, owner);
  const a = w as ArrayLike<unknown>;
  if (a.length !== n) throw new ShapeError('sampleWeight', `length ${n} (${opts.refName ?? 'the number of rows of X'})`, `length ${a.length}`, owner);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError('sampleWeight', 'finite numbers', `${describeValue(v)} at index ${i}`, owner);
    if (v < 0 && !opts.allowNegative) throw new DataError('sampleWeight', 'non-negative weights', `${v} at index ${i}`, owner);
    out[i] = v;
    sum += v;
  }
  if (!opts.allowZeroSum && !(sum > 0)) throw new DataError('sampleWeight', 'weights with a positive sum (not all zero)', `weights summing to ${sum}`, owner);
  return out;
}

/** `checkSampleWeight`, with all ones when the weights are absent. */
export function checkSampleWeightOrOnes(sampleWeight: ArrayLike<number> | null | undefined, n: number, owner: string, opts: SampleWeightOptions = {}): Float64Array {
  return checkSampleWeight(sampleWeight, n, owner, opts) ?? new Float64Array(n).fill(1);
}

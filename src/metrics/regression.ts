/**
 * Regression metrics with scikit-learn 1.2 semantics, 1-D or multi-output targets, sample weights
 * and `multioutput` ('raw_values', 'uniform_average', 'variance_weighted' where sklearn has it, or
 * per-output weights).
 */
import { ShapeError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkWeights, dataError, metricWarn, npAverage, npSum, paramError, toScoreRows } from './classification.js';

/** A 1-D target, or rows of a multi-output target. */
export type TargetLike = ArrayLike<number> | ArrayLike<ArrayLike<number>> | Matrix;
/** How outputs are combined: per-output values, their mean, or a weighted mean. */
export type MultiOutput = 'raw_values' | 'uniform_average' | ArrayLike<number>;

export interface RegressionOptions<M = MultiOutput> {
  sampleWeight?: ArrayLike<number> | null;
  /** Default 'uniform_average'. 'raw_values' returns one value per output. */
  multioutput?: M;
}

interface Reg {
  n: number;
  k: number;
  t: Float64Array;
  p: Float64Array;
  w: Float64Array | null;
  multioutput: 'raw_values' | 'uniform_average' | 'variance_weighted' | Float64Array;
}

function checkReg(yTrue: TargetLike, yPred: TargetLike, multioutput: unknown, sampleWeight: ArrayLike<number> | null | undefined, owner: string, allowVarianceWeighted = false): Reg {
  const T = toScoreRows(yTrue as never, 'yTrue', owner);
  const P = toScoreRows(yPred as never, 'yPred', owner);
  if (T.rows !== P.rows) throw new ShapeError('yPred', `${T.rows} samples (the length of yTrue)`, `${P.rows} samples`, owner);
  if (T.cols !== P.cols) throw new ShapeError('yPred', `${T.cols} output(s) (as yTrue)`, `${P.cols} output(s)`, owner);
  if (T.rows === 0) throw dataError('yTrue', 'at least one sample', 'an empty array', owner);
  const w = checkWeights(sampleWeight, T.rows, owner);
  let mo: Reg['multioutput'];
  const m = multioutput ?? 'uniform_average';
  if (typeof m === 'string') {
    const ok = ['raw_values', 'uniform_average', ...(allowVarianceWeighted ? ['variance_weighted'] : [])];
    if (!ok.includes(m)) throw paramError('multioutput', `one of ${ok.map((s) => `'${s}'`).join(', ')} or an array of output weights`, m, owner);
    mo = m as Reg['multioutput'];
  } else if (m != null && typeof (m as ArrayLike<number>).length === 'number') {
    const arr = Float64Array.from(m as ArrayLike<number>);
    if (T.cols === 1) throw paramError('multioutput', "a string for a single-output target", m, owner, 'Custom weights are useful only in multi-output cases.');
    if (arr.length !== T.cols) throw paramError('multioutput', `${T.cols} output weights`, m, owner, `There must be equally many custom weights (${arr.length}) as outputs (${T.cols}).`);
    mo = arr;
  } else throw paramError('multioutput', "'raw_values', 'uniform_average' or an array of output weights", m, owner);
  return { n: T.rows, k: T.cols, t: T.data, p: P.data, w, multioutput: mo };
}

/** np.average(a, weights=w, axis=0) over an n x k row-major array. */
function colAverage(a: Float64Array, n: number, k: number, w: Float64Array | null): number[] {
  const out: number[] = [];
  if (k === 1) {
    out.push(npAverage(a, w));
    return out;
  }
  const scl = w ? npSum(w) : n;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w ? a[i * k + j]! * w[i]! : a[i * k + j]!;
    out.push(s / scl);
  }
  return out;
}

/** (weight * a).sum(axis=0) */
function colWeightedSum(a: Float64Array, n: number, k: number, w: Float64Array | null): number[] {
  if (k === 1) {
    if (!w) return [npSum(a)];
    return [npSum(a.map((v, i) => w[i]! * v))];
  }
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w ? w[i]! * a[i * k + j]! : a[i * k + j]!;
    out.push(s);
  }
  return out;
}

function aggregate(errors: number[], r: Reg): number | number[] {
  if (r.multioutput === 'raw_values') return errors;
  if (r.multioutput === 'uniform_average' || r.multioutput === 'variance_weighted') return npSum(errors) / errors.length;
  return npAverage(errors, r.multioutput);
}

type Agg<M> = M extends 'raw_values' ? number[] : number;

/**
 * Mean squared error (scikit-learn's `mean_squared_error`); `squared: false` gives the RMSE.
 * @example
 * meanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.375
 */
export function meanSquaredError<M extends MultiOutput = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> & { squared?: boolean } = {}): Agg<M> {
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, 'meanSquaredError');
  return mse(r, opts.squared ?? true) as Agg<M>;
}

function mse(r: Reg, squared: boolean): number | number[] {
  const d = r.t.map((v, i) => (v - r.p[i]!) ** 2);
  let e = colAverage(d, r.n, r.k, r.w);
  if (!squared) e = e.map(Math.sqrt);
  return aggregate(e, r);
}

/**
 * Root mean squared error, `meanSquaredError(..., { squared: false })`.
 * @example
 * rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.612...
 */
export function rootMeanSquaredError<M extends MultiOutput = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> = {}): Agg<M> {
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, 'rootMeanSquaredError');
  return mse(r, false) as Agg<M>;
}

/**
 * Mean squared error of log(1 + y) (scikit-learn's `mean_squared_log_error`); targets must be >= 0.
 * @example
 * meanSquaredLogError([3, 5, 2.5, 7], [2.5, 5, 4, 8]); // 0.0397...
 */
export function meanSquaredLogError<M extends MultiOutput = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> & { squared?: boolean } = {}): Agg<M> {
  const owner = 'meanSquaredLogError';
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, owner);
  if (r.t.some((v) => v < 0) || r.p.some((v) => v < 0)) {
    throw dataError(r.t.some((v) => v < 0) ? 'yTrue' : 'yPred', 'non-negative values', 'negative values', owner, 'Mean Squared Logarithmic Error cannot be used when targets contain negative values.');
  }
  return mse({ ...r, t: r.t.map(Math.log1p), p: r.p.map(Math.log1p) }, opts.squared ?? true) as Agg<M>;
}

/**
 * Mean absolute error (scikit-learn's `mean_absolute_error`).
 * @example
 * meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.5
 */
export function meanAbsoluteError<M extends MultiOutput = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> = {}): Agg<M> {
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, 'meanAbsoluteError');
  return aggregate(colAverage(r.p.map((v, i) => Math.abs(v - r.t[i]!)), r.n, r.k, r.w), r) as Agg<M>;
}

/**
 * Mean absolute percentage error |y - p| / max(|y|, eps), as a fraction (scikit-learn's `mean_absolute_percentage_error`).
 * @example
 * meanAbsolutePercentageError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.3273...
 */
export function meanAbsolutePercentageError<M extends MultiOutput = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> = {}): Agg<M> {
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, 'meanAbsolutePercentageError');
  const mape = r.p.map((v, i) => Math.abs(v - r.t[i]!) / Math.max(Math.abs(r.t[i]!), Number.EPSILON));
  return aggregate(colAverage(mape, r.n, r.k, r.w), r) as Agg<M>;
}

/**
 * Median absolute error (scikit-learn's `median_absolute_error`; with weights, the lower weighted median).
 * @example
 * medianAbsoluteError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.5
 */
export function medianAbsoluteError<M extends MultiOutput = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> = {}): Agg<M> {
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, 'medianAbsoluteError');
  const errs: number[] = [];
  for (let j = 0; j < r.k; j++) {
    const a = Float64Array.from({ length: r.n }, (_, i) => Math.abs(r.p[i * r.k + j]! - r.t[i * r.k + j]!));
    const order = Array.from({ length: r.n }, (_, i) => i).sort((x, y) => a[x]! - a[y]! || x - y);
    if (!r.w) {
      const h = r.n >> 1;
      errs.push(r.n % 2 === 1 ? a[order[h]!]! : (a[order[h - 1]!]! + a[order[h]!]!) / 2);
    } else {
      const cdf = new Float64Array(r.n);
      let c = 0;
      for (let i = 0; i < r.n; i++) { c += r.w[order[i]!]!; cdf[i] = c; }
      let target = (50 / 100) * cdf[r.n - 1]!;
      if (target === 0) target = Number.MIN_VALUE; // np.nextafter(0, 1)
      let idx = 0;
      while (idx < r.n && cdf[idx]! < target) idx++;
      idx = Math.min(Math.max(idx, 0), r.n - 1);
      errs.push(a[order[idx]!]!);
    }
  }
  return aggregate(errs, r) as Agg<M>;
}

function assembleR2(num: number[], den: number[], r: Reg, forceFinite: boolean): number | number[] {
  let scores: number[];
  if (!forceFinite) scores = num.map((v, j) => 1 - v / den[j]!);
  else {
    scores = num.map((v, j) => {
      if (v === 0) return 1;
      if (den[j] === 0) return 0;
      return 1 - v / den[j]!;
    });
  }
  if (r.multioutput === 'raw_values') return scores;
  if (r.multioutput === 'uniform_average') return npSum(scores) / scores.length;
  if (r.multioutput === 'variance_weighted') {
    if (!den.some((d) => d !== 0)) return npSum(scores) / scores.length;
    return npAverage(scores, den);
  }
  return npAverage(scores, r.multioutput);
}

/**
 * Coefficient of determination R^2 (scikit-learn's `r2_score`; `multioutput` also takes
 * 'variance_weighted'; `forceFinite` (default true) maps constant-target NaN/-Inf to 1 or 0).
 * @example
 * r2Score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9486...
 */
export function r2Score<M extends MultiOutput | 'variance_weighted' = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> & { forceFinite?: boolean } = {}): Agg<M> {
  const owner = 'r2Score';
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, owner, true);
  if (r.n < 2) {
    metricWarn('R^2 score is not well-defined with less than two samples.');
    return NaN as Agg<M>;
  }
  const num = colWeightedSum(r.t.map((v, i) => (v - r.p[i]!) ** 2), r.n, r.k, r.w);
  const mean = colAverage(r.t, r.n, r.k, r.w);
  const den = colWeightedSum(r.t.map((v, i) => (v - mean[i % r.k]!) ** 2), r.n, r.k, r.w);
  return assembleR2(num, den, r, opts.forceFinite ?? true) as Agg<M>;
}

/**
 * Explained variance 1 - Var(y - p) / Var(y) (scikit-learn's `explained_variance_score`).
 * @example
 * explainedVarianceScore([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9571...
 */
export function explainedVarianceScore<M extends MultiOutput | 'variance_weighted' = 'uniform_average'>(yTrue: TargetLike, yPred: TargetLike, opts: RegressionOptions<M> & { forceFinite?: boolean } = {}): Agg<M> {
  const r = checkReg(yTrue, yPred, opts.multioutput, opts.sampleWeight, 'explainedVarianceScore', true);
  const diff = r.t.map((v, i) => v - r.p[i]!);
  const dAvg = colAverage(diff, r.n, r.k, r.w);
  const num = colAverage(diff.map((v, i) => (v - dAvg[i % r.k]!) ** 2), r.n, r.k, r.w);
  const tAvg = colAverage(r.t, r.n, r.k, r.w);
  const den = colAverage(r.t.map((v, i) => (v - tAvg[i % r.k]!) ** 2), r.n, r.k, r.w);
  return assembleR2(num, den, r, opts.forceFinite ?? true) as Agg<M>;
}

/**
 * Largest absolute residual (scikit-learn's `max_error`; single output only).
 * @example
 * maxError([3, 2, 7, 1], [9, 2, 7, 1]); // 6
 */
export function maxError(yTrue: TargetLike, yPred: TargetLike): number {
  const owner = 'maxError';
  const r = checkReg(yTrue, yPred, undefined, null, owner);
  if (r.k > 1) throw dataError('yTrue', 'a single-output target', `${r.k} outputs`, owner, 'Multioutput not supported in max_error');
  let m = 0;
  for (let i = 0; i < r.n; i++) m = Math.max(m, Math.abs(r.t[i]! - r.p[i]!));
  return m;
}

function xlogy(x: number, y: number): number {
  return x === 0 && !Number.isNaN(y) ? 0 : x * Math.log(y);
}

/**
 * Mean Tweedie deviance with `power` p (scikit-learn's `mean_tweedie_deviance`): p = 0 normal,
 * 1 Poisson, 2 Gamma, p < 0 or p > 1 otherwise; (0, 1) is undefined.
 * @example
 * meanTweedieDeviance([2, 0, 1, 4], [0.5, 0.5, 2, 2], { power: 1 }); // 1.4260...
 */
export function meanTweedieDeviance(yTrue: TargetLike, yPred: TargetLike, opts: { sampleWeight?: ArrayLike<number> | null; power?: number } = {}): number {
  return tweedie(yTrue, yPred, opts.sampleWeight, opts.power ?? 0, 'meanTweedieDeviance');
}

/**
 * Mean Poisson deviance (Tweedie power 1); y >= 0, predictions > 0.
 * @example
 * meanPoissonDeviance([2, 0, 1, 4], [0.5, 0.5, 2, 2]); // 1.4260...
 */
export function meanPoissonDeviance(yTrue: TargetLike, yPred: TargetLike, opts: { sampleWeight?: ArrayLike<number> | null } = {}): number {
  return tweedie(yTrue, yPred, opts.sampleWeight, 1, 'meanPoissonDeviance');
}

/**
 * Mean Gamma deviance (Tweedie power 2); y > 0, predictions > 0.
 * @example
 * meanGammaDeviance([2, 0.5, 1, 4], [0.5, 0.5, 2, 2]); // 1.0568...
 */
export function meanGammaDeviance(yTrue: TargetLike, yPred: TargetLike, opts: { sampleWeight?: ArrayLike<number> | null } = {}): number {
  return tweedie(yTrue, yPred, opts.sampleWeight, 2, 'meanGammaDeviance');
}

function tweedie(yTrue: TargetLike, yPred: TargetLike, sampleWeight: ArrayLike<number> | null | undefined, p: number, owner: string): number {
  const r = checkReg(yTrue, yPred, undefined, sampleWeight, owner);
  if (r.k > 1) throw dataError('yTrue', 'a single-output target', `${r.k} outputs`, owner, 'Multioutput not supported in mean_tweedie_deviance');
  if (typeof p !== 'number' || !Number.isFinite(p)) throw paramError('power', 'a real number', p, owner);
  const t = r.t, y = r.p;
  const msg = `Mean Tweedie deviance error with power=${Number.isInteger(p) ? p : p} can only be used on `;
  if (p < 0) {
    if (y.some((v) => v <= 0)) throw dataError('yPred', 'strictly positive values', 'values <= 0', owner, msg + 'strictly positive y_pred.');
  } else if (p > 0 && p < 1) {
    throw paramError('power', 'a number <= 0 or >= 1', p, owner, 'Tweedie deviance is only defined for power<=0 and power>=1.');
  } else if (p >= 1 && p < 2) {
    if (t.some((v) => v < 0) || y.some((v) => v <= 0)) throw dataError(t.some((v) => v < 0) ? 'yTrue' : 'yPred', 'non-negative yTrue and strictly positive yPred', 'values out of range', owner, msg + 'non-negative y and strictly positive y_pred.');
  } else if (p >= 2) {
    if (t.some((v) => v <= 0) || y.some((v) => v <= 0)) throw dataError(t.some((v) => v <= 0) ? 'yTrue' : 'yPred', 'strictly positive values', 'values <= 0', owner, msg + 'strictly positive y and y_pred.');
  }
  const dev = new Float64Array(r.n);
  for (let i = 0; i < r.n; i++) {
    const a = t[i]!, b = y[i]!;
    if (p < 0) dev[i] = 2 * (Math.pow(Math.max(a, 0), 2 - p) / ((1 - p) * (2 - p)) - (a * Math.pow(b, 1 - p)) / (1 - p) + Math.pow(b, 2 - p) / (2 - p));
    else if (p === 0) dev[i] = (a - b) ** 2;
    else if (p === 1) dev[i] = 2 * (xlogy(a, a / b) - a + b);
    else if (p === 2) dev[i] = 2 * (Math.log(b / a) + a / b - 1);
    else dev[i] = 2 * (Math.pow(a, 2 - p) / ((1 - p) * (2 - p)) - (a * Math.pow(b, 1 - p)) / (1 - p) + Math.pow(b, 2 - p) / (2 - p));
  }
  return npAverage(dev, r.w);
}

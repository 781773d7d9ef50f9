import { DataError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { checkObservedColumns, featureNamesIn, namesOf, quantileSorted, sortedColumn } from './_base.js';

const EPS = 2.220446049250313e-16;
const TRANSFORMER: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

/** scikit-learn's `_handle_zeros_in_scale`: scales below 10 eps become 1. */
function handleZeros(scale: Float64Array): Float64Array {
  for (let j = 0; j < scale.length; j++) if (scale[j]! < 10 * EPS) scale[j] = 1;
  return scale;
}

/** Per-column affine map `x * mul + add` (NaN stays NaN). */
function affine(m: Matrix, mul: ArrayLike<number> | null, add: ArrayLike<number> | null, div = false): Matrix {
  const d = m.cols;
  const out = new Float64Array(m.data.length);
  const src = m.data;
  for (let i = 0, t = 0; i < m.rows; i++) {
    for (let j = 0; j < d; j++, t++) {
      let v = src[t]!;
      if (div) {
        if (add) v -= add[j]!;
        if (mul) v /= mul[j]!;
      } else {
        if (mul) v *= mul[j]!;
        if (add) v += add[j]!;
      }
      out[t] = v;
    }
  }
  return new Matrix(out, m.rows, d);
}

// ---------------------------------------------------------------------------------------------

const minMaxSchema = {
  featureRange: p.custom<[number, number]>([0, 1], 'a pair [min, max] of finite numbers with min < max', (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && v[0] < v[1], 'Desired range of transformed data.'),
  clip: p.bool(false, 'Clip transformed values of held-out data to featureRange.'),
};
export type MinMaxScalerParams = ParamsOf<typeof minMaxSchema>;
export interface MinMaxScalerState {
  dataMin: Float64Array;
  dataMax: Float64Array;
  dataRange: Float64Array;
  scale: Float64Array;
  min: Float64Array;
  nSamplesSeen: number;
  featureNamesIn: string[] | null;
}

/**
 * Scale each feature to `featureRange` (scikit-learn's MinMaxScaler): `X * scale + min` with
 * `scale = (hi - lo) / (max - min)`. NaN is ignored in fit and kept in transform; a column with no
 * observed value is a DataError naming it (scikit-learn would silently produce NaN).
 *
 * @example
 * new MinMaxScaler().fitTransform([[1], [3], [5]]); // [[0], [0.5], [1]]
 */
/** MinMaxScaler's state from per-feature minima and maxima (shared by `fit` and `fitSql`). */
export function minMaxState(lo: Float64Array, hi: Float64Array, featureRange: readonly [number, number], n: number, names: string[] | null): MinMaxScalerState {
  const d = lo.length;
  const [a, b] = featureRange;
  const range = new Float64Array(d);
  for (let j = 0; j < d; j++) range[j] = hi[j]! - lo[j]!;
  const scale = handleZeros(range.slice());
  const min = new Float64Array(d);
  for (let j = 0; j < d; j++) { scale[j] = (b - a) / scale[j]!; min[j] = a - lo[j]! * scale[j]!; }
  return { dataMin: lo, dataMax: hi, dataRange: range, scale, min, nSamplesSeen: n, featureNamesIn: names };
}

export class MinMaxScaler extends Estimator<typeof minMaxSchema, MinMaxScalerState> {
  static override readonly kind = 'MinMaxScaler';
  static override readonly schema = minMaxSchema;
  static override readonly capabilities = TRANSFORMER;

  constructor(params: Partial<MinMaxScalerParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const { m, names } = checkObservedColumns(X, this.kind);
    const d = m.cols;
    const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
    for (let i = 0, t = 0; i < m.rows; i++) {
      for (let j = 0; j < d; j++, t++) {
        const v = m.data[t]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    this._state = minMaxState(lo, hi, this.params.featureRange, m.rows, names);
    return this;
  }

  /**
   * Fold one batch into the running minima and maxima (scikit-learn's `partial_fit`), for data that
   * arrives in chunks (`streamMatrix`); after `fit`, it continues that fit. NaN is ignored;
   * transforming a column that has seen no value at all is a DataError.
   *
   * @example
   * const s = new MinMaxScaler();
   * for await (const { X } of streamMatrix('big.parquet', { batchRows: 100_000 })) s.partialFit(X);
   */
  partialFit(X: MatrixLike): this {
    const prev = this._state ?? null;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, ...(prev ? { nFeatures: prev.dataMin.length } : {}) });
    const d = m.cols;
    const lo = prev ? prev.dataMin.slice() : new Float64Array(d).fill(Infinity);
    const hi = prev ? prev.dataMax.slice() : new Float64Array(d).fill(-Infinity);
    for (let i = 0, t = 0; i < m.rows; i++) {
      for (let j = 0; j < d; j++, t++) {
        const v = m.data[t]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    this._state = minMaxState(lo, hi, this.params.featureRange, (prev?.nSamplesSeen ?? 0) + m.rows, prev ? prev.featureNamesIn : namesOf(X));
    return this;
  }

  get dataMin(): Float64Array { return this.fitted.dataMin; }
  get dataMax(): Float64Array { return this.fitted.dataMax; }
  get dataRange(): Float64Array { return this.fitted.dataRange; }
  get scale(): Float64Array { return this.fitted.scale; }
  get min(): Float64Array { return this.fitted.min; }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.scale.length });
    const unseen = s.dataMin.findIndex((v, j) => !(v <= s.dataMax[j]!));
    if (unseen >= 0) throw new DataError('X', 'a scaler that has seen values of every feature', `feature ${unseen} has seen none (every partialFit batch held only NaN there)`, this.kind);
    const out = affine(m, s.scale, s.min);
    if (this.params.clip) {
      const [a, b] = this.params.featureRange;
      const o = out.data;
      for (let t = 0; t < o.length; t++) o[t] = o[t]! < a ? a : o[t]! > b ? b : o[t]!;
    }
    return out;
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return affine(checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.scale.length }), s.scale, s.min, true);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.scale.length, s.featureNamesIn, inputFeatures);
  }
}
registerEstimator(MinMaxScaler);

// ---------------------------------------------------------------------------------------------

const maxAbsSchema = {};
export type MaxAbsScalerParams = ParamsOf<typeof maxAbsSchema>;
export interface MaxAbsScalerState { maxAbs: Float64Array; scale: Float64Array; nSamplesSeen: number; featureNamesIn: string[] | null }

/**
 * Scale each feature by its maximum absolute value (scikit-learn's MaxAbsScaler); keeps zeros and
 * signs. NaN ignored in fit, kept in transform; an all-NaN column is a DataError naming it.
 *
 * @example
 * new MaxAbsScaler().fitTransform([[-4], [2]]); // [[-1], [0.5]]
 */
export class MaxAbsScaler extends Estimator<typeof maxAbsSchema, MaxAbsScalerState> {
  static override readonly kind = 'MaxAbsScaler';
  static override readonly schema = maxAbsSchema;
  static override readonly capabilities = TRANSFORMER;

  constructor(params: Partial<MaxAbsScalerParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const { m, names } = checkObservedColumns(X, this.kind);
    const d = m.cols;
    const mx = new Float64Array(d);
    for (let t = 0; t < m.data.length; t++) { const a = Math.abs(m.data[t]!); if (a > mx[t % d]!) mx[t % d] = a; }
    this._state = { maxAbs: mx, scale: handleZeros(mx.slice()), nSamplesSeen: m.rows, featureNamesIn: names };
    return this;
  }

  get maxAbs(): Float64Array { return this.fitted.maxAbs; }
  get scale(): Float64Array { return this.fitted.scale; }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return affine(checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.scale.length }), s.scale, null, true);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return affine(checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.scale.length }), s.scale, null);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.scale.length, s.featureNamesIn, inputFeatures);
  }
}
registerEstimator(MaxAbsScaler);

// ---------------------------------------------------------------------------------------------

const robustSchema = {
  withCentering: p.bool(true, 'Subtract the median.'),
  withScaling: p.bool(true, 'Divide by the quantile range.'),
  quantileRange: p.custom<[number, number]>([25, 75], 'a pair [qMin, qMax] with 0 <= qMin <= qMax <= 100', (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number') && 0 <= v[0]! && v[0]! <= v[1]! && v[1]! <= 100, 'Percentiles defining the scale (IQR by default).'),
};
export type RobustScalerParams = ParamsOf<typeof robustSchema>;
export interface RobustScalerState { center: Float64Array | null; scale: Float64Array | null; nFeatures: number; featureNamesIn: string[] | null }

/**
 * Scale with statistics robust to outliers (scikit-learn's RobustScaler): subtract the median and
 * divide by the `quantileRange` percentile spread, both computed as numpy's `nanpercentile` with
 * linear interpolation (bit-identical). An all-NaN column is a DataError naming it.
 *
 * @example
 * new RobustScaler().fitTransform([[1], [2], [3], [100]]); // median 2.5, IQR 25.5
 */
export class RobustScaler extends Estimator<typeof robustSchema, RobustScalerState> {
  static override readonly kind = 'RobustScaler';
  static override readonly schema = robustSchema;
  static override readonly capabilities = TRANSFORMER;

  constructor(params: Partial<RobustScalerParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const { m, names } = checkObservedColumns(X, this.kind);
    const d = m.cols;
    const center = this.params.withCentering ? new Float64Array(d) : null;
    const scale = this.params.withScaling ? new Float64Array(d) : null;
    const [q0, q1] = this.params.quantileRange;
    for (let j = 0; j < d; j++) {
      const col = sortedColumn(m, j);
      if (center) center[j] = median(col);
      if (scale) scale[j] = quantileSorted(col, q1 / 100) - quantileSorted(col, q0 / 100);
    }
    if (scale) handleZeros(scale);
    this._state = { center, scale, nFeatures: d, featureNamesIn: names };
    return this;
  }

  get center(): Float64Array | null { return this.fitted.center; }
  get scale(): Float64Array | null { return this.fitted.scale; }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return affine(checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures }), s.scale, s.center, true);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return affine(checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures }), s.scale, s.center);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
  }
}
registerEstimator(RobustScaler);

/** numpy's median of a sorted array: middle value, or the mean of the two middle values. */
export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

// ---------------------------------------------------------------------------------------------

const normalizerSchema = {
  norm: p.oneOf(['l2', 'l1', 'max'] as const, 'l2', 'Norm used to scale each non-zero sample.'),
};
export type NormalizerParams = ParamsOf<typeof normalizerSchema>;

/**
 * Scale each sample (row) to unit norm (scikit-learn's Normalizer; stateless apart from the width).
 * Rows of norm 0 are left unchanged. 'max' divides by the largest absolute value, as scikit-learn.
 *
 * @example
 * new Normalizer({ norm: 'l1' }).fitTransform([[1, 3]]); // [[0.25, 0.75]]
 */
export class Normalizer extends Estimator<typeof normalizerSchema, { nFeatures: number; featureNamesIn: string[] | null }> {
  static override readonly kind = 'Normalizer';
  static override readonly schema = normalizerSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: false };

  constructor(params: Partial<NormalizerParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind });
    this._state = { nFeatures: m.cols, featureNamesIn: namesOf(X) };
    return this;
  }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const d = m.cols;
    const out = new Float64Array(m.data);
    const norm = this.params.norm;
    for (let i = 0; i < m.rows; i++) {
      const o = i * d;
      let n = 0;
      if (norm === 'l2') {
        for (let j = 0; j < d; j++) n += out[o + j]! * out[o + j]!;
        n = Math.sqrt(n);
      } else if (norm === 'l1') {
        for (let j = 0; j < d; j++) n += Math.abs(out[o + j]!);
      } else {
        for (let j = 0; j < d; j++) n = Math.max(n, Math.abs(out[o + j]!));
      }
      if (n < 10 * EPS) n = 1;
      for (let j = 0; j < d; j++) out[o + j] = out[o + j]! / n;
    }
    return new Matrix(out, m.rows, d);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
  }
}
registerEstimator(Normalizer);


import { DataError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { checkObservedColumns } from './_base.js';

const schema = {
  withMean: p.bool(true, 'Center to zero mean.'),
  withStd: p.bool(true, 'Scale to unit variance.'),
};
export type StandardScalerParams = ParamsOf<typeof schema>;
export interface StandardScalerState {
  /** per-feature mean (length d); NaNs are ignored in fit */
  mean: Float64Array;
  /** per-feature population variance */
  var: Float64Array;
  /** per-feature scale: sqrt(var), 1 where the variance is ~0 (as scikit-learn) */
  scale: Float64Array;
  nSamplesSeen: Float64Array;
}

const EPS = 2.220446049250313e-16;

/**
 * The scale of a feature with mean `mu` and population variance `v` over `n` values: its standard
 * deviation, or 1 for a feature indistinguishable from a constant (scikit-learn 1.2.1's
 * `_is_constant_feature`: `v <= n * eps * v + (n * mu * eps)^2`, the error bound of the two-pass
 * variance, then `_handle_zeros_in_scale`). Shared by `fit`, `partialFit`, `fitSql` and the CLI.
 */
export function scaleOf(mu: number, v: number, n: number): number {
  const bound = n * EPS * v + (n * mu * EPS) ** 2;
  return !(v > bound) ? 1 : Math.sqrt(v);
}

/**
 * Standardize features by removing the mean and scaling to unit variance (scikit-learn's
 * StandardScaler). NaN is ignored in fit and kept in transform; an all-NaN column is a DataError naming it.
 *
 * @example
 * const Z = new StandardScaler().fitTransform([[0, 1], [2, 3]]); // [[-1, -1], [1, 1]]
 */
export class StandardScaler extends Estimator<typeof schema, StandardScalerState> {
  static override readonly kind = 'StandardScaler';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<StandardScalerParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    // an all-NaN column is a DataError naming it (scikit-learn returns NaN statistics with a warning)
    const { m } = checkObservedColumns(X, this.kind);
    const d = m.cols;
    const mean = new Float64Array(d), vr = new Float64Array(d), cnt = new Float64Array(d), scale = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      // two-pass mean/variance (numpy's np.nanmean / np.nanvar order of operations)
      let s = 0, c = 0;
      for (let i = 0; i < m.rows; i++) { const v = m.data[i * d + j]!; if (v === v) { s += v; c++; } }
      const mu = c ? s / c : NaN;
      let q = 0;
      for (let i = 0; i < m.rows; i++) { const v = m.data[i * d + j]!; if (v === v) q += (v - mu) * (v - mu); }
      mean[j] = mu;
      vr[j] = c ? q / c : NaN;
      cnt[j] = c;
      scale[j] = scaleOf(mu, vr[j]!, c);
    }
    this._state = { mean, var: vr, scale, nSamplesSeen: cnt };
    return this;
  }

  /**
   * Fold one batch into the running mean and variance (scikit-learn's `partial_fit`: Chan, Golub
   * and LeVeque's update, `_incremental_mean_and_var` operation for operation), for data that
   * arrives in chunks (`streamMatrix`). The first call starts from nothing (after `fit`, it
   * continues that fit). NaN is ignored; a batch in which a column is all NaN leaves that column's
   * statistics as they were; transforming a column that has seen no value at all is a DataError.
   *
   * @example
   * const s = new StandardScaler();
   * for await (const { X } of streamMatrix('big.parquet', { batchRows: 100_000 })) s.partialFit(X);
   */
  partialFit(X: MatrixLike): this {
    const prev = this._state ?? null;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, ...(prev ? { nFeatures: prev.mean.length } : {}) });
    const d = m.cols;
    const n = m.rows;
    const mean = prev ? prev.mean.slice() : new Float64Array(d);
    const vr = prev ? prev.var.slice() : new Float64Array(d);
    const cnt = prev ? prev.nSamplesSeen.slice() : new Float64Array(d);
    const scale = new Float64Array(d);
    const data = m.data;
    for (let j = 0; j < d; j++) {
      let newSum = 0;
      let c = 0;
      for (let i = 0, t = j; i < n; i++, t += d) {
        const v = data[t]!;
        if (v === v) { newSum += v; c++; }
      }
      const lastN = cnt[j]!;
      if (c > 0) {
        const lastSum = lastN === 0 ? 0 : mean[j]! * lastN;
        const updN = lastN + c;
        const T = newSum / c;
        let correction = 0;
        let sq = 0;
        for (let i = 0, t = j; i < n; i++, t += d) {
          const v = data[t]!;
          if (v === v) { const e = v - T; correction += e; sq += e * e; }
        }
        const newUnnorm = sq - (correction * correction) / c;
        const lastOverNew = lastN / c;
        const updUnnorm = lastN === 0 ? newUnnorm : vr[j]! * lastN + newUnnorm + (lastOverNew / updN) * (lastSum / lastOverNew - newSum) ** 2;
        mean[j] = (lastSum + newSum) / updN;
        vr[j] = updUnnorm / updN;
        cnt[j] = updN;
      } else if (lastN === 0) {
        mean[j] = NaN;
        vr[j] = NaN;
      }
      scale[j] = cnt[j]! > 0 ? scaleOf(mean[j]!, vr[j]!, cnt[j]!) : 1;
    }
    this._state = { mean, var: vr, scale, nSamplesSeen: cnt };
    return this;
  }

  get mean(): Float64Array { return this.fitted.mean; }
  get scale(): Float64Array { return this.fitted.scale; }
  get var(): Float64Array { return this.fitted.var; }
  /** values seen per feature (NaN not counted), scikit-learn's `n_samples_seen_` */
  get nSamplesSeen(): Float64Array { return this.fitted.nSamplesSeen; }

  transform(X: MatrixLike): Matrix {
    return this.apply(X, false);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: MatrixLike): Matrix {
    return this.apply(X, true);
  }

  private apply(X: MatrixLike, inverse: boolean): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.mean.length });
    const d = m.cols;
    const unseen = s.nSamplesSeen.findIndex((c) => !(c > 0));
    if (unseen >= 0) throw new DataError('X', `a scaler that has seen values of every feature`, `feature ${unseen} has seen none (every partialFit batch held only NaN there)`, this.kind);
    const shift = this.params.withMean ? s.mean : new Float64Array(d);
    const scale = this.params.withStd ? s.scale : new Float64Array(d).fill(1);
    const out = new Float64Array(m.data.length);
    for (let t = 0; t < out.length; t++) {
      const j = t % d;
      out[t] = inverse ? m.data[t]! * scale[j]! + shift[j]! : (m.data[t]! - shift[j]!) / scale[j]!;
    }
    return new Matrix(out, m.rows, d);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const d = this.fitted.mean.length;
    if (inputFeatures !== undefined && (!Array.isArray(inputFeatures) || inputFeatures.length !== d)) {
      throw new ShapeError('inputFeatures', `${d} names (the features seen in fit)`, Array.isArray(inputFeatures) ? `${inputFeatures.length} names` : inputFeatures, this.kind);
    }
    return inputFeatures ? [...inputFeatures] : Array.from({ length: d }, (_, j) => `x${j}`);
  }
}
registerEstimator(StandardScaler);

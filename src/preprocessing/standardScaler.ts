import { ShapeError } from '../core/errors.js';
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

/**
 * The scale of a feature with mean `mu` and population variance `v`: its standard deviation, or 1
 * for a constant feature (scikit-learn's `_handle_zeros_in_scale` with the variance bound
 * `10 * eps * max(1, |mean|)^2`). Shared by `fit` and `fitSql`.
 */
export function scaleOf(mu: number, v: number): number {
  const sd = Math.sqrt(v);
  const bound = 10 * 2.220446049250313e-16 * Math.max(1, Math.abs(mu)) ** 2;
  return !(v > bound) || sd === 0 ? 1 : sd;
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
      scale[j] = scaleOf(mu, vr[j]!);
    }
    this._state = { mean, var: vr, scale, nSamplesSeen: cnt };
    return this;
  }

  get mean(): Float64Array { return this.fitted.mean; }
  get scale(): Float64Array { return this.fitted.scale; }
  get var(): Float64Array { return this.fitted.var; }

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

import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { checkObservedColumns, featureNamesIn, quantileSorted, sortedColumn } from './_base.js';

const schema = {
  method: p.oneOf(['iqr', 'zscore'] as const, 'iqr', "'iqr': Tukey fences [Q1 - k*IQR, Q3 + k*IQR]; 'zscore': |x - mean| / std > threshold."),
  factor: p.num(1.5, { min: 0, doc: 'k of the IQR fences (1.5 = Tukey, 3 = far out).' }),
  threshold: p.num(3, { min: 0, minExclusive: true, doc: 'z-score above which a value is an outlier.' }),
  minFeatures: p.int(1, { min: 1, doc: 'A row is an outlier when at least this many of its features are out of bounds.' }),
};
export type OutlierFilterParams = ParamsOf<typeof schema>;
export interface OutlierFilterState {
  /** per-feature lower and upper bounds (values outside are outlying) */
  lower: Float64Array;
  upper: Float64Array;
  featureNamesIn: string[] | null;
}

/**
 * Flag or drop outlying rows with per-feature bounds learned at fit (deepmine's own cleaning
 * step; scikit-learn has no equivalent, so the rules are documented here):
 *
 * - `method: 'iqr'` (default): bounds `Q1 - factor * IQR` and `Q3 + factor * IQR`, quartiles
 *   computed as numpy's `nanpercentile` (linear), so a fence equals `np.percentile` arithmetic.
 * - `method: 'zscore'`: bounds `mean -+ threshold * std` (population std, ddof 0, NaN ignored).
 *
 * A row is an outlier when at least `minFeatures` of its values lie strictly outside their bounds.
 * NaN values are never out of bounds (impute first if they should count). `predict` follows the
 * scikit-learn outlier-detector convention: 1 inlier, -1 outlier; `filter(X, y)` drops outliers.
 *
 * @example
 * const f = new OutlierFilter().fit([[1], [2], [3], [4], [100]]);
 * f.predict([[2], [100]]); // Int32Array [1, -1]
 */
export class OutlierFilter extends Estimator<typeof schema, OutlierFilterState> {
  static override readonly kind = 'OutlierFilter';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<OutlierFilterParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const { m, names } = checkObservedColumns(X, this.kind);
    const d = m.cols;
    const lower = new Float64Array(d), upper = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const col = sortedColumn(m, j);
      if (this.params.method === 'iqr') {
        const q1 = quantileSorted(col, 0.25), q3 = quantileSorted(col, 0.75);
        const iqr = q3 - q1;
        lower[j] = q1 - this.params.factor * iqr;
        upper[j] = q3 + this.params.factor * iqr;
      } else {
        let s = 0;
        for (let i = 0; i < col.length; i++) s += col[i]!;
        const mu = s / col.length;
        let q = 0;
        for (let i = 0; i < col.length; i++) q += (col[i]! - mu) ** 2;
        const sd = Math.sqrt(q / col.length);
        lower[j] = mu - this.params.threshold * sd;
        upper[j] = mu + this.params.threshold * sd;
      }
    }
    this._state = { lower, upper, featureNamesIn: names };
    return this;
  }

  get lower(): Float64Array { return this.fitted.lower; }
  get upper(): Float64Array { return this.fitted.upper; }

  /** Number of out-of-bounds features of each row. */
  scoreSamples(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.lower.length });
    const d = m.cols;
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let c = 0;
      for (let j = 0; j < d; j++) { const v = m.data[i * d + j]!; if (v < s.lower[j]! || v > s.upper[j]!) c++; }
      out[i] = c;
    }
    return out;
  }

  /** 1 for inliers, -1 for outliers. */
  predict(X: MatrixLike): Int32Array {
    const sc = this.scoreSamples(X);
    return Int32Array.from(sc, (c) => (c >= this.params.minFeatures ? -1 : 1));
  }

  fitPredict(X: MatrixLike): Int32Array {
    return this.fit(X).predict(X);
  }

  /** Rows of X (and y) that are inliers, with their original indices. */
  filter<T>(X: MatrixLike, y?: ArrayLike<T>): { X: Matrix; y: T[] | undefined; kept: Int32Array } {
    const m = checkArray(X, { owner: this.kind, allowNaN: true });
    const pred = this.predict(m);
    const kept = Int32Array.from(Array.from(pred).flatMap((v, i) => (v === 1 ? [i] : [])));
    return { X: m.takeRows(kept), y: y ? Array.from(kept, (i) => y[i]!) : undefined, kept };
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.lower.length, s.featureNamesIn, inputFeatures);
  }
}
registerEstimator(OutlierFilter);

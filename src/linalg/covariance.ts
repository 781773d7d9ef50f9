/**
 * Covariance and correlation matrices of the columns of X (numpy's `cov(X, rowvar=False)` and
 * `corrcoef(X, rowvar=False)`), computed as a centered Gram with the multi-core `syrk`.
 */
import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { syrk } from './blas.js';

/** Column means of X. */
export function columnMeans(X: Matrix): Float64Array {
  const n = X.rows, d = X.cols, mu = new Float64Array(d);
  for (let i = 0; i < n; i++) { const o = i * d; for (let j = 0; j < d; j++) mu[j]! += X.data[o + j]!; }
  for (let j = 0; j < d; j++) mu[j]! /= n;
  return mu;
}

/**
 * Sample covariance of the columns of X (d x d), `ddof` = 1 by default as numpy's `np.cov`.
 *
 * @example
 * covariance([[1, 2], [2, 4], [3, 6]]); // [[1, 2], [2, 4]]
 */
export function covariance(X: MatrixLike, opts: { ddof?: number } = {}): Matrix {
  const owner = 'covariance';
  const m = checkArray(X, { owner });
  const ddof = opts.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= m.rows) throw new InvalidParameterError('ddof', `an integer in [0, n_samples - 1 = ${m.rows - 1}]`, ddof, owner);
  const n = m.rows, d = m.cols;
  const mu = columnMeans(m);
  const xc = new Float64Array(n * d);
  for (let i = 0; i < n; i++) { const o = i * d; for (let j = 0; j < d; j++) xc[o + j] = m.data[o + j]! - mu[j]!; }
  const C = Matrix.zeros(d, d);
  syrk(true, d, n, 1 / (n - ddof), xc, d, 0, C.data, d);
  return C;
}

/**
 * Pearson correlation of the columns of X (d x d), as numpy's `np.corrcoef(X, rowvar=False)`:
 * values clipped to [-1, 1]. A constant column has no defined correlation: its row and column are
 * NaN, exactly as numpy (documented here so that the NaN is never a surprise).
 *
 * @example
 * correlation([[1, 2], [2, 4], [3, 7]]); // [[1, 0.99...], [0.99..., 1]]
 */
export function correlation(X: MatrixLike): Matrix {
  const C = covariance(X);
  const d = C.rows;
  const sd = new Float64Array(d);
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(C.data[j * d + j]!);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    const v = C.data[i * d + j]! / sd[i]! / sd[j]!;
    C.data[i * d + j] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
  return C;
}

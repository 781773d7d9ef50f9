/**
 * Singular value decomposition: thin SVD (Householder QR + eigh-preconditioned one-sided Jacobi),
 * scikit-learn's sign convention `svdFlip`, and Halko et al.'s randomized SVD exactly as
 * scikit-learn's `randomized_range_finder` / `randomized_svd`.
 */
import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkRandomState, type RandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { gemm, syrk } from './blas.js';
import { eighRaw } from './eigh.js';
import { luInPlace, qrInPlace } from './factor.js';

const EPS = 2.220446049250313e-16;

/** Result of `svd`: `A = U diag(s) Vt`. */
export interface SVDResult {
  /** m x k, k = min(m, n), orthonormal columns. */
  U: Matrix;
  /** k singular values, descending. */
  s: Float64Array;
  /** k x n, orthonormal rows. */
  Vt: Matrix;
}

/**
 * Thin SVD `A = U diag(s) Vt` (numpy's `svd(full_matrices=False)`), singular values descending.
 * Tall matrices are first reduced by Householder QR; the square factor is diagonalised by
 * one-sided (Hestenes) Jacobi, started from the eigenvectors of its Gram matrix so that one or two
 * sweeps suffice. Jacobi gives singular values to high relative accuracy. Signs are as they come
 * out (apply `svdFlip` for scikit-learn's deterministic convention).
 *
 * @example
 * const { U, s, Vt } = svd([[3, 0], [4, 5]]); // s = [sqrt(45), sqrt(5)]
 */
export function svd(A: MatrixLike): SVDResult {
  const a = checkArray(A, { owner: 'svd', name: 'A', copy: true });
  return svdInPlace(a);
}

/** `svd` of a matrix that may be overwritten (no validation). */
export function svdInPlace(a: Matrix): SVDResult {
  if (a.rows < a.cols) {
    const t = svdInPlace(a.transpose());
    return { U: t.Vt.transpose(), s: t.s, Vt: t.U.transpose() };
  }
  const m = a.rows, n = a.cols;
  if (n === 0) return { U: Matrix.zeros(m, 0), s: new Float64Array(0), Vt: Matrix.zeros(0, 0) };
  if (m === n) {
    const r = squareSvd(a.data, n);
    return { U: new Matrix(r.U, n, n), s: r.s, Vt: new Matrix(r.Vt, n, n) };
  }
  const { Q, R } = qrInPlace(a);
  const r = squareSvd(R.data, n);
  const U = Matrix.zeros(m, n);
  gemm(false, false, m, n, n, 1, Q.data, n, r.U, n, 0, U.data, n);
  return { U, s: r.s, Vt: new Matrix(r.Vt, n, n) };
}

/**
 * SVD of the square n x n row-major `r`: returns row-major U (n x n), s (descending), Vt (n x n).
 * Preconditioning: V0 = eigenvectors of R^T R (descending), Y = R V0 has nearly orthogonal
 * columns; Jacobi rotations then orthogonalise Y's columns to working precision, accumulating V.
 */
export function squareSvd(r: Float64Array, n: number, wantU = true): { U: Float64Array; s: Float64Array; Vt: Float64Array } {
  const G = new Float64Array(n * n);
  syrk(true, n, n, 1, r, n, 0, G, n);
  const { vectors } = eighRaw(G, n);
  // Vt0: rows are eigenvectors, in descending eigenvalue order
  const vt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vt[j * n + i] = vectors.data[i * n + (n - 1 - j)]!;
  // yt = (R V0)^T = V0^T R^T: row j of yt is column j of Y
  const yt = new Float64Array(n * n);
  gemm(false, true, n, n, n, 1, vt, n, r, n, 0, yt, n);
  jacobiRows(yt, vt, n, n);
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let q = 0;
    const o = j * n;
    for (let i = 0; i < n; i++) q += yt[o + i]! * yt[o + i]!;
    s[j] = Math.sqrt(q);
  }
  // sort descending
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[y]! - s[x]! || x - y);
  const S = new Float64Array(n), Vt = new Float64Array(n * n), Ut = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const j = order[k]!;
    S[k] = s[j]!;
    Vt.set(vt.subarray(j * n, j * n + n), k * n);
    Ut.set(yt.subarray(j * n, j * n + n), k * n);
  }
  const U = new Float64Array(n * n);
  if (wantU) {
    orthonormalRows(Ut, S, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) U[i * n + j] = Ut[j * n + i]!;
  }
  return { U, s: S, Vt };
}

/**
 * One-sided Jacobi on the rows of `yt` (k rows of length len): rotate pairs of rows until every pair
 * is orthogonal to working precision; apply the same rotations to the rows of `vt` (k x k... or any
 * row length equal to vt.length / k).
 */
function jacobiRows(yt: Float64Array, vt: Float64Array, k: number, len: number): void {
  const vlen = vt.length / k;
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) { let q = 0; for (let i = 0; i < len; i++) q += yt[j * len + i]! ** 2; norms[j] = q; }
  const tol = 4 * EPS;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = 0;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const alpha = norms[p]!, beta = norms[q]!;
        if (alpha === 0 || beta === 0) continue;
        const op = p * len, oq = q * len;
        let gamma = 0;
        for (let i = 0; i < len; i++) gamma += yt[op + i]! * yt[oq + i]!;
        if (!(Math.abs(gamma) > tol * Math.sqrt(alpha * beta))) continue;
        rotated++;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        let np = 0, nq = 0;
        for (let i = 0; i < len; i++) {
          const yp = yt[op + i]!, yq = yt[oq + i]!;
          const a = c * yp - s * yq, b = s * yp + c * yq;
          yt[op + i] = a; yt[oq + i] = b;
          np += a * a; nq += b * b;
        }
        norms[p] = np; norms[q] = nq;
        const vp = p * vlen, vq = q * vlen;
        for (let i = 0; i < vlen; i++) {
          const xp = vt[vp + i]!, xq = vt[vq + i]!;
          vt[vp + i] = c * xp - s * xq; vt[vq + i] = s * xp + c * xq;
        }
      }
    }
    if (rotated === 0) return;
  }
}

/**
 * Turn rows u_j = y_j (with norms s_j) into orthonormal rows: divide by s_j; rows whose singular
 * value is negligible (rank deficiency) are replaced by unit vectors orthogonal to all others
 * (Gram-Schmidt, twice), as LAPACK returns an orthonormal U also for zero singular values.
 */
function orthonormalRows(ut: Float64Array, s: Float64Array, k: number, len: number): void {
  const smax = k > 0 ? s[0]! : 0;
  const small = smax * Math.max(k, len) * EPS;
  const bad: number[] = [];
  for (let j = 0; j < k; j++) {
    const o = j * len;
    if (s[j]! > small && s[j]! > 0) {
      const inv = 1 / s[j]!;
      for (let i = 0; i < len; i++) ut[o + i]! *= inv;
    } else bad.push(j);
  }
  for (const j of bad) {
    const o = j * len;
    for (let cand = 0; cand < len; cand++) {
      ut.fill(0, o, o + len);
      ut[o + cand] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let q = 0; q < k; q++) {
          if (q === j || (bad.includes(q) && bad.indexOf(q) > bad.indexOf(j))) continue;
          const oq = q * len;
          let d = 0;
          for (let i = 0; i < len; i++) d += ut[oq + i]! * ut[o + i]!;
          for (let i = 0; i < len; i++) ut[o + i]! -= d * ut[oq + i]!;
        }
      }
      let nrm = 0;
      for (let i = 0; i < len; i++) nrm += ut[o + i]! ** 2;
      nrm = Math.sqrt(nrm);
      if (nrm > 0.5) {
        for (let i = 0; i < len; i++) ut[o + i]! /= nrm;
        break;
      }
    }
  }
}

/**
 * scikit-learn's `svd_flip`: make SVD output deterministic by flipping the sign of each pair
 * (column j of U, row j of Vt). With `uBasedDecision` (default) the entry of largest |value| in each
 * column of U is made positive; otherwise the largest entry of each row of Vt (the convention of
 * scikit-learn >= 1.5 in PCA and IncrementalPCA). Ties go to the first index, as `np.argmax`.
 * U or Vt may be null when only the other is known. Modifies the matrices in place and returns them.
 *
 * @example
 * svdFlip(U, Vt, false); // components (rows of Vt) get a positive largest loading
 */
export function svdFlip<T extends Matrix | null, S extends Matrix | null>(U: T, Vt: S, uBasedDecision = true): { U: T; Vt: S } {
  const k = uBasedDecision ? (U ? U.cols : 0) : Vt ? Vt.rows : 0;
  if (uBasedDecision && !U) throw new InvalidParameterError('U', 'a matrix when uBasedDecision is true', U, 'svdFlip');
  if (!uBasedDecision && !Vt) throw new InvalidParameterError('Vt', 'a matrix when uBasedDecision is false', Vt, 'svdFlip');
  for (let j = 0; j < k; j++) {
    let best = -1, sign = 1;
    if (uBasedDecision) {
      const u = U!;
      for (let i = 0; i < u.rows; i++) { const v = u.data[i * u.cols + j]!; if (Math.abs(v) > best) { best = Math.abs(v); sign = v < 0 ? -1 : 1; } }
    } else {
      const vt = Vt!;
      for (let i = 0; i < vt.cols; i++) { const v = vt.data[j * vt.cols + i]!; if (Math.abs(v) > best) { best = Math.abs(v); sign = v < 0 ? -1 : 1; } }
    }
    if (sign > 0) continue;
    if (U) for (let i = 0; i < U.rows; i++) U.data[i * U.cols + j] = -U.data[i * U.cols + j]!;
    if (Vt) for (let i = 0; i < Vt.cols; i++) Vt.data[j * Vt.cols + i] = -Vt.data[j * Vt.cols + i]!;
  }
  return { U, Vt };
}

/** How power iterations are normalised in `randomizedRangeFinder` (scikit-learn's names). */
export type PowerIterationNormalizer = 'auto' | 'QR' | 'LU' | 'none';

function product(A: Matrix, B: Matrix, transA: boolean): Matrix {
  const m = transA ? A.cols : A.rows, k = transA ? A.rows : A.cols;
  const C = Matrix.zeros(m, B.cols);
  gemm(transA, false, m, B.cols, k, 1, A.data, A.cols, B.data, B.cols, 1, C.data, B.cols); // C is fresh zeros: beta = 1 skips a pass
  return C;
}

/**
 * Orthonormal basis (n x size) approximating the range of A (scikit-learn's
 * `randomized_range_finder`): Gaussian test matrix drawn as `random_state.normal(size=(A.shape[1],
 * size))`, `nIter` power iterations normalised by LU ('auto': LU when nIter > 2, else none) or QR,
 * then a QR of A Q.
 *
 * @example
 * const Q = randomizedRangeFinder(A, { size: 15, nIter: 4, randomState: 0 });
 */
export function randomizedRangeFinder(A: MatrixLike, opts: { size: number; nIter: number; powerIterationNormalizer?: PowerIterationNormalizer; randomState?: number | RandomState | null }): Matrix {
  const owner = 'randomizedRangeFinder';
  const a = checkArray(A, { owner, name: 'A' });
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new InvalidParameterError('size', 'an integer >= 1', opts.size, owner);
  if (!Number.isInteger(opts.nIter) || opts.nIter < 0) throw new InvalidParameterError('nIter', 'an integer >= 0', opts.nIter, owner);
  return rangeFinder(a, opts.size, opts.nIter, opts.powerIterationNormalizer ?? 'auto', checkRandomState(opts.randomState ?? null, 'randomState', owner));
}

function rangeFinder(a: Matrix, size: number, nIter: number, normalizer: PowerIterationNormalizer, rng: RandomState): Matrix {
  let Q = new Matrix(rng.normal(0, 1, a.cols * size) as Float64Array, a.cols, size);
  let norm = normalizer;
  if (norm === 'auto') norm = nIter <= 2 ? 'none' : 'LU';
  for (let i = 0; i < nIter; i++) {
    Q = product(a, Q, false);
    if (norm === 'LU') Q = luInPlace(Q, true).L;
    else if (norm === 'QR') Q = qrInPlace(Q).Q;
    Q = product(a, Q, true);
    if (norm === 'LU') Q = luInPlace(Q, true).L;
    else if (norm === 'QR') Q = qrInPlace(Q).Q;
  }
  return qrInPlace(product(a, Q, false)).Q;
}

/** Options of `randomizedSvd` (scikit-learn's names and defaults). */
export interface RandomizedSvdOptions {
  /** Extra random vectors beyond nComponents (default 10). */
  nOversamples?: number;
  /** Power iterations; 'auto' = 7 when nComponents < 0.1 min(shape), else 4. */
  nIter?: number | 'auto';
  powerIterationNormalizer?: PowerIterationNormalizer;
  /** Work on A^T; 'auto' = when A has fewer rows than columns. */
  transpose?: boolean | 'auto';
  /** Apply `svdFlip` (u-based, or v-based when transposed) as scikit-learn does (default true). */
  flipSign?: boolean;
  randomState?: number | RandomState | null;
}

/**
 * Truncated randomized SVD (Halko, Martinsson & Tropp 2011), step for step scikit-learn's
 * `randomized_svd`; with the same integer seed the Gaussian draws equal numpy's, so results match
 * scikit-learn's to rounding.
 *
 * @example
 * const { U, s, Vt } = randomizedSvd(X, 5, { randomState: 0 });
 */
export function randomizedSvd(M: MatrixLike, nComponents: number, opts: RandomizedSvdOptions = {}): SVDResult {
  return randomizedSvdMatrix(checkArray(M, { owner: 'randomizedSvd', name: 'M' }), nComponents, opts);
}

/**
 * `randomizedSvd` of a Matrix the caller has already validated (finite values): skips the input
 * scan, which on tall data costs as much as two of the products (for estimators such as PCA).
 */
export function randomizedSvdMatrix(m0: Matrix, nComponents: number, opts: RandomizedSvdOptions = {}): SVDResult {
  const owner = 'randomizedSvd';
  const minDim = Math.min(m0.rows, m0.cols);
  if (!Number.isInteger(nComponents) || nComponents < 1 || nComponents > minDim) throw new InvalidParameterError('nComponents', `an integer in [1, min(n_samples, n_features) = ${minDim}]`, nComponents, owner);
  const nOver = opts.nOversamples ?? 10;
  if (!Number.isInteger(nOver) || nOver < 0) throw new InvalidParameterError('nOversamples', 'an integer >= 0', nOver, owner);
  let nIter = opts.nIter ?? 'auto';
  if (nIter === 'auto') nIter = nComponents < 0.1 * minDim ? 7 : 4;
  if (!Number.isInteger(nIter) || nIter < 0) throw new InvalidParameterError('nIter', "an integer >= 0 or 'auto'", nIter, owner);
  const t = opts.transpose ?? 'auto';
  const transpose = t === 'auto' ? m0.rows < m0.cols : t;
  const rng = checkRandomState(opts.randomState ?? null, 'randomState', owner);
  const a = transpose ? m0.transpose() : m0;
  const size = nComponents + nOver;
  const Q = rangeFinder(a, size, nIter, opts.powerIterationNormalizer ?? 'auto', rng);
  // B = Q^T A (size x n), svd(B), U = Q Uhat
  const B = product(Q, a, true);
  const { U: Uhat, s, Vt } = svdInPlace(B);
  let U = Matrix.zeros(Q.rows, Uhat.cols);
  gemm(false, false, Q.rows, Uhat.cols, Q.cols, 1, Q.data, Q.cols, Uhat.data, Uhat.cols, 0, U.data, Uhat.cols);
  let V = Vt;
  if (opts.flipSign ?? true) {
    if (!transpose) svdFlip(U, V, true);
    else svdFlip(U, V, false);
  }
  const k = nComponents;
  const takeCols = (X: Matrix) => X.takeCols(Array.from({ length: k }, (_, i) => i));
  const takeRows = (X: Matrix) => X.takeRows(Array.from({ length: k }, (_, i) => i));
  if (transpose) {
    const Uo = takeRows(V).transpose();
    const Vo = takeCols(U).transpose();
    U = Uo;
    V = Vo;
    return { U, s: s.slice(0, k), Vt: V };
  }
  return { U: takeCols(U), s: s.slice(0, k), Vt: takeRows(V) };
}

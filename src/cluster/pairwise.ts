/**
 * Pairwise Euclidean distances: the trusting cores on row-major Float64Array buffers (no checks;
 * callers guarantee the shapes) used by the clustering code, and the validated public function
 * `euclideanDistances` over them.
 *
 * Row norms and direct row differences live one level down in `linalg/rows.ts` (shared with the
 * metrics, which must not import from cluster/). The k-means passes are in `kmeansKernel.ts`.
 */
import { ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { rowNormsSq, sqDistRows } from '../linalg/rows.js';

export { rowNormsSq, sqDistRows };

/**
 * Euclidean distance (not squared) between row `i` of `A` and row `j` of `B` in scikit-learn's
 * `_euclidean_dense_dense` order: `s += ((t0^2 + t1^2) + t2^2) + t3^2` over blocks of four
 * features, then the remaining features one by one. Same rounding as scikit-learn's Elkan, and a
 * dependency chain four times shorter than the sequential sum.
 */
export function distRowsSk(A: Float64Array, i: number, B: Float64Array, j: number, d: number): number {
  let s = 0;
  let a = i * d;
  let b = j * d;
  const a4 = a + d - (d % 4);
  for (; a < a4; a += 4, b += 4) {
    const t0 = A[a]! - B[b]!, t1 = A[a + 1]! - B[b + 1]!, t2 = A[a + 2]! - B[b + 2]!, t3 = A[a + 3]! - B[b + 3]!;
    s += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
  }
  for (const e = i * d + d; a < e; a++, b++) { const t = A[a]! - B[b]!; s += t * t; }
  return Math.sqrt(s);
}

/**
 * For rows `[start, end)` of `X`: `out[(i - start) * k + j] = cNorms[j] - 2 x_i.c_j (+ xNorms[i])`.
 * Centers are processed four at a time so each loaded `x_i[f]` feeds four multiply-adds.
 * With `xNorms` null the `||x||^2` term is left out (enough for an argmin over centers).
 */
export function sqDistBlock(
  X: Float64Array, d: number, start: number, end: number,
  C: Float64Array, k: number, cNorms: Float64Array, xNorms: Float64Array | null, out: Float64Array,
): void {
  const k4 = k - (k % 4);
  let i = start;
  let o = 0;
  // two rows x four centers per pass: 8 accumulators, 6 loads per 8 multiply-adds
  for (; i + 1 < end; i += 2, o += 2 * k) {
    const xo = i * d;
    const xo2 = xo + d;
    const xn = xNorms ? xNorms[i]! : 0;
    const xn2 = xNorms ? xNorms[i + 1]! : 0;
    let j = 0;
    for (; j < k4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let f = 0; f < d; f++) {
        const x = X[xo + f]!;
        const y = X[xo2 + f]!;
        const a0 = C[c0 + f]!, a1 = C[c1 + f]!, a2 = C[c2 + f]!, a3 = C[c3 + f]!;
        s0 += x * a0; s1 += x * a1; s2 += x * a2; s3 += x * a3;
        t0 += y * a0; t1 += y * a1; t2 += y * a2; t3 += y * a3;
      }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + j + 1] = -2 * s1 + cNorms[j + 1]! + xn;
      out[o + j + 2] = -2 * s2 + cNorms[j + 2]! + xn;
      out[o + j + 3] = -2 * s3 + cNorms[j + 3]! + xn;
      out[o + k + j] = -2 * t0 + cNorms[j]! + xn2;
      out[o + k + j + 1] = -2 * t1 + cNorms[j + 1]! + xn2;
      out[o + k + j + 2] = -2 * t2 + cNorms[j + 2]! + xn2;
      out[o + k + j + 3] = -2 * t3 + cNorms[j + 3]! + xn2;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0, t0 = 0;
      for (let f = 0; f < d; f++) { const c = C[c0 + f]!; s0 += X[xo + f]! * c; t0 += X[xo2 + f]! * c; }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + k + j] = -2 * t0 + cNorms[j]! + xn2;
    }
  }
  for (; i < end; i++, o += k) {
    const xo = i * d;
    const xn = xNorms ? xNorms[i]! : 0;
    let j = 0;
    for (; j < k4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let f = 0; f < d; f++) {
        const x = X[xo + f]!;
        s0 += x * C[c0 + f]!; s1 += x * C[c1 + f]!; s2 += x * C[c2 + f]!; s3 += x * C[c3 + f]!;
      }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + j + 1] = -2 * s1 + cNorms[j + 1]! + xn;
      out[o + j + 2] = -2 * s2 + cNorms[j + 2]! + xn;
      out[o + j + 3] = -2 * s3 + cNorms[j + 3]! + xn;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0;
      for (let f = 0; f < d; f++) s0 += X[xo + f]! * C[c0 + f]!;
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
    }
  }
}

/**
 * Full `nA x nB` matrix of (squared) Euclidean distances between the rows of `A` (`nA x d`) and of
 * `B` (`nB x d`), as scikit-learn's `euclidean_distances` (dot-product expansion, clipped at 0).
 * Trusting core: no validation. Use only when the result fits in memory.
 */
export function euclideanDistancesCore(
  A: Float64Array, nA: number, B: Float64Array, nB: number, d: number,
  opts: { squared?: boolean; aNorms?: Float64Array; bNorms?: Float64Array } = {},
): Float64Array {
  const out = new Float64Array(nA * nB);
  const an = opts.aNorms ?? rowNormsSq(A, nA, d);
  const bn = opts.bNorms ?? rowNormsSq(B, nB, d);
  sqDistBlock(A, d, 0, nA, B, nB, bn, an, out);
  for (let t = 0; t < out.length; t++) {
    const v = out[t]! > 0 ? out[t]! : 0;
    out[t] = opts.squared ? v : Math.sqrt(v);
  }
  return out;
}

/** Options of `euclideanDistances`. */
export interface EuclideanDistancesOptions {
  /** Return squared distances (default false). */
  squared?: boolean;
}

/**
 * Distance between each row of `X` and each row of `Y` (`nX x nY`), scikit-learn's
 * `euclidean_distances`: `sqrt(max(0, ||x||^2 - 2 x.y + ||y||^2))` (the dot-product expansion,
 * fast but with cancellation for nearly equal rows: about 1e-8 absolute error on distances of
 * rows of norm 1). Without `Y` the distances among the rows of `X`, with an exact zero diagonal
 * (as scikit-learn when `Y` is `X`). Inputs are validated (finite numbers, same number of
 * columns); the `nX x nY` result is allocated at once, so for large inputs use row blocks.
 *
 * @example
 * euclideanDistances([[0, 0], [3, 4]]).toArray();        // [[0, 5], [5, 0]]
 * euclideanDistances([[0, 0]], [[3, 4], [6, 8]], { squared: true }).toArray(); // [[25, 100]]
 */
export function euclideanDistances(X: MatrixLike, Y?: MatrixLike | null, opts: EuclideanDistancesOptions = {}): Matrix {
  const owner = 'euclideanDistances';
  const a = checkArray(X, { owner, name: 'X' });
  const b = Y === undefined || Y === null ? null : checkArray(Y, { owner, name: 'Y' });
  if (b && b.cols !== a.cols) throw new ShapeError('Y', `${a.cols} columns (as X)`, `${b.cols} columns`, owner);
  const B = b ?? a;
  const out = euclideanDistancesCore(a.data, a.rows, B.data, B.rows, a.cols, { squared: opts.squared === true });
  if (!b) for (let i = 0; i < a.rows; i++) out[i * a.rows + i] = 0;
  return new Matrix(out, a.rows, B.rows);
}

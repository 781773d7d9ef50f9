/**
 * Dense factorizations: LU with partial pivoting, Householder QR, Cholesky, and the solvers built
 * on them (`solve`, `choleskySolve`, `inv`). Row-major `Matrix` in, new matrices out; inputs are
 * never mutated.
 */
import { DataError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { wasmForBytes, wasmSlot } from './kernels.js';
import './wasm.js'; // installs the WebAssembly kernels (wasmSlot) when available

/** Elements above which `luInPlace` / `qrInPlace` run in WebAssembly (bit-identical, faster). */
const WASM_FACTOR_MIN = 2048;
/** Working sets above this stay in TypeScript (32-bit WebAssembly memories top out at 4 GiB). */
const WASM_FACTOR_MAX_BYTES = 2 ** 31;

const EPS = 2.220446049250313e-16;

/** Result of `lu`: `A = P L U` (scipy.linalg.lu). */
export interface LUResult {
  /** m x k, k = min(m, n): P L when `permuteL`, else the unit lower-triangular L. */
  L: Matrix;
  /** k x n upper triangular. */
  U: Matrix;
  /** Row `i` of P L U is row `perm[i]` of A... precisely: (L U)[i] = A[perm[i]]. */
  perm: Int32Array;
}

/**
 * LU factorization with partial pivoting (LAPACK dgetrf order: at step j the row with the largest
 * |value| in column j, first one on ties, is swapped up). With `permuteL` (scipy's
 * `lu(permute_l=True)`, used by scikit-learn's randomized range finder) L is returned already
 * multiplied by the permutation, so `A = L U` directly.
 *
 * @example
 * const { L, U } = lu([[1, 2], [3, 4]], { permuteL: true }); // matmul(L, U) equals A
 */
export function lu(A: MatrixLike, opts: { permuteL?: boolean } = {}): LUResult {
  const a = checkArray(A, { owner: 'lu', name: 'A', copy: true });
  return luInPlace(a, opts.permuteL ?? false);
}

/** `lu` on a matrix that may be overwritten (no validation). */
export function luInPlace(a: Matrix, permuteL: boolean): LUResult {
  const m = a.rows, n = a.cols, k = Math.min(m, n);
  const w = a.data;
  let perm = new Int32Array(m);
  if (wasmSlot.on && m * n >= WASM_FACTOR_MIN && m * n * 8 < WASM_FACTOR_MAX_BYTES) {
    // the same loops compiled to WebAssembly (asm/gemm.ts `lu`): copy in, factor, copy back
    const { exp, f64 } = wasmForBytes(m * n * 8 + m * 4);
    f64.set(w.subarray(0, m * n));
    exp.lu(0, m, n, m * n * 8);
    w.set(f64.subarray(0, m * n));
    perm = new Int32Array(f64.buffer, m * n * 8, m).slice();
  } else {
    luLoops(w, m, n, k, perm);
  }
  const L = Matrix.zeros(m, k), U = Matrix.zeros(k, n);
  for (let i = 0; i < m; i++) {
    const dst = permuteL ? perm[i]! : i;
    for (let j = 0; j < Math.min(i, k); j++) L.data[dst * k + j] = w[i * n + j]!;
    if (i < k) L.data[dst * k + i] = 1;
  }
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) U.data[i * n + j] = w[i * n + j]!;
  return { L, U, perm };
}

/** The unblocked LU loops on row-major w (the TypeScript twin of asm/gemm.ts `lu`). */
function luLoops(w: Float64Array, m: number, n: number, k: number, perm: Int32Array): void {
  for (let i = 0; i < m; i++) perm[i] = i;
  // One pass over the rows per column: the elimination of column j also finds the pivot of
  // column j + 1 (same operations and order as the textbook loops, so bit-identical results).
  let p = -1;
  for (let j = 0; j < k; j++) {
    if (p < 0) {
      p = j;
      let best = Math.abs(w[j * n + j]!);
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(w[i * n + j]!);
        if (v > best) { best = v; p = i; }
      }
    }
    if (p !== j) {
      for (let c = 0; c < n; c++) { const t = w[j * n + c]!; w[j * n + c] = w[p * n + c]!; w[p * n + c] = t; }
      const t = perm[j]!; perm[j] = perm[p]!; perm[p] = t;
    }
    const piv = w[j * n + j]!;
    const next = j + 1;
    p = -1;
    if (piv !== 0) {
      const inv = 1 / piv;
      const rj = j * n;
      const track = next < k;
      let best = 0;
      for (let i = j + 1; i < m; i++) {
        const o = i * n;
        const l = (w[o + j]! *= inv);
        if (l !== 0) for (let c = j + 1; c < n; c++) w[o + c]! -= l * w[rj + c]!;
        if (track) {
          const v = Math.abs(w[o + next]!);
          if (i === next) { best = v; p = i; } else if (v > best) { best = v; p = i; }
        }
      }
    }
  }
}

/** Result of `qr`: `A = Q R` with orthonormal columns in Q. */
export interface QRResult {
  /** m x k, k = min(m, n), orthonormal columns. */
  Q: Matrix;
  /** k x n upper triangular. */
  R: Matrix;
}

/**
 * Thin Householder QR (numpy's `qr(mode='reduced')`, LAPACK dgeqrf conventions: R[j, j] = -sign(a) * norm,
 * no reflection where the column below the diagonal is already zero).
 *
 * @example
 * const { Q, R } = qr([[1, 2], [3, 4], [5, 6]]); // Q 3x2, R 2x2, matmul(Q, R) equals A
 */
export function qr(A: MatrixLike): QRResult {
  const a = checkArray(A, { owner: 'qr', name: 'A', copy: true });
  return qrInPlace(a);
}

/** `qr` on a matrix that may be overwritten (no validation). */
export function qrInPlace(a: Matrix): QRResult {
  const m = a.rows, n = a.cols, k = Math.min(m, n);
  const w = a.data;
  if (wasmSlot.on && m * n >= WASM_FACTOR_MIN && k > 0 && (m * n + m * k) * 8 < WASM_FACTOR_MAX_BYTES) {
    // the same loops compiled to WebAssembly (asm/gemm.ts `qr`); layout (doubles): W, Q, taus, tmp
    const qAt = m * n, tauAt = qAt + m * k, tmpAt = tauAt + k, end = tmpAt + n;
    const { exp, f64: f } = wasmForBytes(end * 8);
    f.set(w.subarray(0, m * n));
    f.fill(0, qAt, tauAt);
    exp.qr(0, m, n, qAt * 8, tauAt * 8, tmpAt * 8);
    const R = Matrix.zeros(k, n);
    for (let i = 0; i < k; i++) for (let j = i; j < n; j++) R.data[i * n + j] = f[i * n + j]!;
    // leave `a` as the TypeScript loops do: R above the diagonal, zeros below in reflected columns
    w.set(f.subarray(0, m * n));
    for (let j = 0; j < k; j++) if (f[tauAt + j] !== 0) for (let i = j + 1; i < m; i++) w[i * n + j] = 0;
    return { Q: new Matrix(f.slice(qAt, tauAt), m, k), R };
  }
  const vs: Float64Array[] = [];
  const taus = new Float64Array(k);
  const tmp = new Float64Array(n);
  // Two passes over the rows per reflector (tmp = v^T W, then the rank-1 update, which also sums
  // the squared norm of the next column below its diagonal); the operations and their order are
  // those of the textbook loops, so results are bit-identical to them.
  let nextNorm2 = -1;
  for (let j = 0; j < k; j++) {
    let xnorm2 = nextNorm2;
    nextNorm2 = -1;
    if (xnorm2 < 0) {
      xnorm2 = 0;
      for (let i = j + 1; i < m; i++) { const v = w[i * n + j]!; xnorm2 += v * v; }
    }
    const alpha = w[j * n + j]!;
    const v = new Float64Array(m - j);
    v[0] = 1;
    if (xnorm2 === 0) {
      taus[j] = 0;
      vs.push(v);
      continue;
    }
    const norm = Math.hypot(alpha, Math.sqrt(xnorm2));
    const beta = alpha >= 0 ? -norm : norm;
    const tau = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    taus[j] = tau;
    vs.push(v);
    // tmp = v^T W[j:, j+1:] with v = (1, W[j+1:, j] * scale)
    tmp.fill(0, j + 1, n);
    for (let i = j; i < m; i++) {
      const o = i * n;
      let vi = 1;
      if (i > j) { vi = w[o + j]! * scale; v[i - j] = vi; }
      if (vi === 0) continue;
      for (let c = j + 1; c < n; c++) tmp[c]! += vi * w[o + c]!;
    }
    // W[j:, j+1:] -= tau v tmp^T; zero column j below the diagonal; norm of column j+1 below row j+1
    const nx = j + 1, track = nx < k;
    let s2 = 0;
    for (let i = j; i < m; i++) {
      const f = tau * v[i - j]!;
      const o = i * n;
      if (f !== 0) for (let c = j + 1; c < n; c++) w[o + c]! -= f * tmp[c]!;
      if (i > j) w[o + j] = 0;
      if (track && i > nx) { const x = w[o + nx]!; s2 += x * x; }
    }
    if (track) nextNorm2 = s2;
    w[j * n + j] = beta;
  }
  const R = Matrix.zeros(k, n);
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) R.data[i * n + j] = w[i * n + j]!;
  // Q = H_0 ... H_{k-1} I[:, :k], applied backwards; the update by H_j also accumulates
  // t2 = v_{j'}^T Q for the next reflector j' < j to apply (rows >= j; row j' is added first).
  const Q = Matrix.zeros(m, k);
  const q = Q.data;
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  const t2 = new Float64Array(k), t3 = new Float64Array(k);
  let pending = -1; // reflector whose t2 is already accumulated in t3
  for (let j = k - 1; j >= 0; j--) {
    const tau = taus[j]!;
    if (tau === 0) continue;
    const v = vs[j]!;
    if (pending === j) {
      t2.set(t3);
    } else {
      t2.fill(0, j, k);
      for (let i = j; i < m; i++) {
        const vi = v[i - j]!;
        if (vi === 0) continue;
        const o = i * k;
        for (let c = j; c < k; c++) t2[c]! += vi * q[o + c]!;
      }
    }
    // next reflector to apply
    let jn = j - 1;
    while (jn >= 0 && taus[jn] === 0) jn--;
    pending = -1;
    if (jn >= 0) {
      const vn = vs[jn]!;
      t3.fill(0, jn, k);
      // rows jn .. j-1 are not touched by H_j
      for (let i = jn; i < j; i++) {
        const vi = vn[i - jn]!;
        if (vi === 0) continue;
        const o = i * k;
        for (let c = jn; c < k; c++) t3[c]! += vi * q[o + c]!;
      }
      for (let i = j; i < m; i++) {
        const f = tau * v[i - j]!;
        const o = i * k;
        if (f !== 0) for (let c = j; c < k; c++) q[o + c]! -= f * t2[c]!;
        const vi = vn[i - jn]!;
        if (vi !== 0) for (let c = jn; c < k; c++) t3[c]! += vi * q[o + c]!;
      }
      pending = jn;
    } else {
      for (let i = j; i < m; i++) {
        const f = tau * v[i - j]!;
        if (f === 0) continue;
        const o = i * k;
        for (let c = j; c < k; c++) q[o + c]! -= f * t2[c]!;
      }
    }
  }
  return { Q, R };
}

/**
 * Cholesky factor L (lower triangular, `A = L L^T`) of a symmetric positive-definite matrix
 * (numpy's `cholesky`). Only the lower triangle of A is read. Throws a DataError naming the
 * failing pivot when A is not positive definite.
 *
 * @example
 * const L = cholesky([[4, 2], [2, 3]]); // [[2, 0], [1, sqrt(2)]]
 */
export function cholesky(A: MatrixLike): Matrix {
  const a = checkArray(A, { owner: 'cholesky', name: 'A' });
  if (a.rows !== a.cols) throw new ShapeError('A', 'a square matrix', `shape [${a.rows}, ${a.cols}]`, 'cholesky');
  const L = choleskyRaw(a.data, a.rows);
  if (typeof L === 'number') throw new DataError('A', 'a symmetric positive-definite matrix', `a non-positive pivot at row ${L}`, 'cholesky');
  return new Matrix(L, a.rows, a.rows);
}

/** Lower Cholesky factor of the n x n row-major `a`, or the index of the failing pivot. */
export function choleskyRaw(a: Float64Array, n: number): Float64Array | number {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const oj = j * n;
    let d = a[oj + j]!;
    for (let p = 0; p < j; p++) d -= L[oj + p]! * L[oj + p]!;
    if (!(d > 0)) return j;
    const ljj = Math.sqrt(d);
    L[oj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const oi = i * n;
      let s = a[oi + j]!;
      for (let p = 0; p < j; p++) s -= L[oi + p]! * L[oj + p]!;
      L[oi + j] = s * inv;
    }
  }
  return L;
}

function asRhs(B: MatrixLike | ArrayLike<number>, n: number, owner: string): { m: Matrix; vector: boolean } {
  const isVector = !(B instanceof Matrix) && typeof (B as ArrayLike<unknown>).length === 'number' && (B as ArrayLike<unknown>).length > 0 && typeof (B as ArrayLike<unknown>)[0] === 'number';
  const m = isVector ? Matrix.column(B as ArrayLike<number>) : checkArray(B as MatrixLike, { owner, name: 'B', copy: true });
  if (isVector) checkArray(m, { owner, name: 'B' });
  if (m.rows !== n) throw new ShapeError('B', `${n} rows (the order of A)`, `${m.rows} rows`, owner);
  return { m, vector: isVector };
}

/**
 * Solve `A X = B` given the lower Cholesky factor L of A (forward then back substitution).
 * B may be a vector (returns Float64Array) or a matrix (returns Matrix).
 *
 * @example
 * const x = choleskySolve(cholesky([[4, 2], [2, 3]]), [2, 1]);
 */
export function choleskySolve(L: Matrix, B: MatrixLike | ArrayLike<number>): Matrix | Float64Array {
  const n = L.rows;
  const { m: X, vector } = asRhs(B, n, 'choleskySolve');
  const k = X.cols, x = X.data, l = L.data;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) { const f = l[i * n + p]!; if (f !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= f * x[p * k + c]!; }
    const d = l[i * n + i]!;
    for (let c = 0; c < k; c++) x[i * k + c]! /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) { const f = l[p * n + i]!; if (f !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= f * x[p * k + c]!; }
    const d = l[i * n + i]!;
    for (let c = 0; c < k; c++) x[i * k + c]! /= d;
  }
  return vector ? X.data : X;
}

/**
 * Solve the square system `A X = B` by LU with partial pivoting (numpy's `linalg.solve`).
 * Throws a DataError when A is singular to working precision.
 *
 * @example
 * solve([[3, 1], [1, 2]], [9, 8]); // Float64Array [2, 3]
 */
export function solve(A: MatrixLike, B: MatrixLike | ArrayLike<number>): Matrix | Float64Array {
  const a = checkArray(A, { owner: 'solve', name: 'A', copy: true });
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError('A', 'a square matrix', `shape [${a.rows}, ${a.cols}]`, 'solve');
  const { m: X, vector } = asRhs(B, n, 'solve');
  luSolveInPlace(a, X, 'solve');
  return vector ? X.data : X;
}

/** Inverse of a square matrix via LU (numpy's `linalg.inv`); DataError when singular. */
export function inv(A: MatrixLike): Matrix {
  const a = checkArray(A, { owner: 'inv', name: 'A', copy: true });
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError('A', 'a square matrix', `shape [${a.rows}, ${a.cols}]`, 'inv');
  const I = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) I.data[i * n + i] = 1;
  luSolveInPlace(a, I, 'inv');
  return I;
}

function luSolveInPlace(a: Matrix, X: Matrix, owner: string): void {
  const n = a.rows, k = X.cols;
  const { L, U, perm } = luInPlace(a, false);
  let maxPiv = 0;
  for (let i = 0; i < n; i++) maxPiv = Math.max(maxPiv, Math.abs(U.data[i * n + i]!));
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(U.data[i * n + i]!) > maxPiv * n * EPS)) throw new DataError('A', 'a non-singular matrix', `a matrix singular to working precision (pivot ${i} is ${U.data[i * n + i]})`, owner);
  }
  const x = X.data, src = Float64Array.from(x);
  for (let i = 0; i < n; i++) x.set(src.subarray(perm[i]! * k, perm[i]! * k + k), i * k);
  const l = L.data, u = U.data;
  for (let i = 0; i < n; i++) for (let p = 0; p < i; p++) { const f = l[i * n + p]!; if (f !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= f * x[p * k + c]!; }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) { const f = u[i * n + p]!; if (f !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= f * x[p * k + c]!; }
    const d = u[i * n + i]!;
    for (let c = 0; c < k; c++) x[i * k + c]! /= d;
  }
}

/**
 * BLAS-3/2 style products on row-major Float64Array with leading dimensions and offsets:
 * `gemm`, `syrk`, `gemv`, and the `matmul` convenience on `Matrix`.
 */
import { InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { gemmCore } from './kernels.js';
import { linalgThreads, runTasks, sharedFloat64, toSharedScratch, type KernelTask } from './threads.js';

/** Multiply-adds above which a product is split over worker threads. */
export const PARALLEL_MIN_WORK = 1 << 23;

/** Offsets of the first element of a, b and c in their arrays (default 0). */
export interface Offsets {
  a?: number;
  b?: number;
  c?: number;
}

function checkDims(owner: string, dims: Record<string, number>): void {
  for (const [k, v] of Object.entries(dims)) if (!Number.isInteger(v) || v < 0) throw new InvalidParameterError(k, 'a non-negative integer', v, owner);
}

function checkExtent(owner: string, name: string, arr: Float64Array, off: number, rows: number, cols: number, ld: number): void {
  if (rows === 0 || cols === 0) return;
  if (ld < cols) throw new InvalidParameterError(`ld${name}`, `>= ${cols} (the row length of ${name})`, ld, owner);
  const last = off + (rows - 1) * ld + cols - 1;
  if (off < 0 || last >= arr.length) throw new ShapeError(name, `at least ${last + 1} elements for a ${rows} x ${cols} view at offset ${off} with leading dimension ${ld}`, `length ${arr.length}`, owner);
}

function scale(c: Float64Array, cOff: number, ldc: number, m: number, n: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const o = cOff + i * ldc;
    if (beta === 0) c.fill(0, o, o + n);
    else for (let j = 0; j < n; j++) c[o + j]! *= beta;
  }
}

/**
 * General matrix product `C = alpha * op(A) * op(B) + beta * C` (BLAS dgemm, row-major).
 * op(X) is X or its transpose. op(A) is m x k, op(B) is k x n, C is m x n. As in BLAS, beta = 0
 * overwrites C without reading it (NaN in C does not propagate). Large products run on all cores.
 *
 * @example
 * const a = Float64Array.of(1, 2, 3, 4), b = Float64Array.of(5, 6, 7, 8), c = new Float64Array(4);
 * gemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2); // c = [19, 22, 43, 50]
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float64Array, lda: number, b: Float64Array, ldb: number, beta: number, c: Float64Array, ldc: number,
  offsets: Offsets = {},
): void {
  const owner = 'gemm';
  checkDims(owner, { m, n, k });
  const aOff = offsets.a ?? 0, bOff = offsets.b ?? 0, cOff = offsets.c ?? 0;
  checkExtent(owner, 'A', a, aOff, transA ? k : m, transA ? m : k, lda);
  checkExtent(owner, 'B', b, bOff, transB ? n : k, transB ? k : n, ldb);
  checkExtent(owner, 'C', c, cOff, m, n, ldc);
  scale(c, cOff, ldc, m, n, beta);
  if (alpha === 0 || k === 0) return;
  // split C by rows, or by columns when it has few rows and many columns (e.g. Q^T X with 20 rows):
  // no sum changes, so every thread count gives the same bits
  const byRows = m >= 64 || m >= n;
  const threads = Math.min(linalgThreads(), Math.max(1, Math.floor((m * n * k) / PARALLEL_MIN_WORK)), Math.ceil((byRows ? m : n) / 64));
  if (threads <= 1) {
    gemmCore(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false, false);
    return;
  }
  const as = toSharedScratch(a, 'a'), bs = toSharedScratch(b, 'b'), cs = toSharedScratch(c, 'c');
  const tasks: KernelTask[] = [];
  if (byRows) {
    const step = Math.ceil(m / threads / 4) * 4;
    for (let i0 = 0; i0 < m; i0 += step) {
      const rows = Math.min(step, m - i0);
      tasks.push({ fn: 'gemmCore', args: [transA, transB, rows, n, k, alpha, as, transA ? aOff + i0 : aOff + i0 * lda, lda, bs, bOff, ldb, cs, cOff + i0 * ldc, ldc, false, false] });
    }
  } else {
    const step = Math.ceil(n / threads / 4) * 4;
    for (let j0 = 0; j0 < n; j0 += step) {
      const cols = Math.min(step, n - j0);
      tasks.push({ fn: 'gemmCore', args: [transA, transB, m, cols, k, alpha, as, aOff, lda, bs, transB ? bOff + j0 * ldb : bOff + j0, ldb, cs, cOff + j0, ldc, false, false] });
    }
  }
  runTasks(tasks);
  if (cs !== c) c.set(cs);
}

/**
 * Symmetric rank-k update (BLAS dsyrk, both triangles filled): `C = alpha * A * A^T + beta * C`
 * with A n x k (trans = false), or `C = alpha * A^T * A + beta * C` with A k x n (trans = true).
 * Only the upper triangle is computed (half the work of gemm) and then mirrored. Tall products
 * (`trans`, large k) are split over cores by rows of A, each core summing its own Gram.
 *
 * @example
 * const x = Float64Array.of(1, 2, 3, 4, 5, 6); // 3 x 2
 * const g = new Float64Array(4);
 * syrk(true, 2, 3, 1, x, 2, 0, g, 2); // X^T X = [35, 44, 44, 56]
 */
export function syrk(trans: boolean, n: number, k: number, alpha: number, a: Float64Array, lda: number, beta: number, c: Float64Array, ldc: number, offsets: { a?: number; c?: number } = {}): void {
  const owner = 'syrk';
  checkDims(owner, { n, k });
  const aOff = offsets.a ?? 0, cOff = offsets.c ?? 0;
  checkExtent(owner, 'A', a, aOff, trans ? k : n, trans ? n : k, lda);
  checkExtent(owner, 'C', c, cOff, n, n, ldc);
  scale(c, cOff, ldc, n, n, beta);
  if (alpha !== 0 && k > 0) {
    // upper triangle of C += alpha op(A) op(A)^T, op(A) = A (n x k) or A^T
    const threads = Math.min(linalgThreads(), Math.max(1, Math.floor((n * n * k) / 2 / PARALLEL_MIN_WORK)), Math.ceil(k / 256));
    if (threads <= 1) {
      gemmCore(!trans ? false : true, !trans ? true : false, n, n, k, alpha, a, aOff, lda, a, aOff, lda, c, cOff, ldc, true, false);
    } else {
      const as = toSharedScratch(a, 'a');
      const parts: Float64Array[] = [];
      const tasks: KernelTask[] = [];
      const step = Math.ceil(k / threads);
      for (let p0 = 0; p0 < k; p0 += step) {
        const depth = Math.min(step, k - p0);
        const part = sharedFloat64(n * n);
        parts.push(part);
        const off = trans ? aOff + p0 * lda : aOff + p0;
        tasks.push({ fn: 'gemmCore', args: [trans, !trans, n, n, depth, alpha, as, off, lda, as, off, lda, part, 0, n, true, false] });
      }
      runTasks(tasks);
      for (const part of parts) for (let i = 0; i < n; i++) for (let j = i; j < n; j++) c[cOff + i * ldc + j]! += part[i * n + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c[cOff + i * ldc + j] = c[cOff + j * ldc + i]!;
}

/**
 * Matrix-vector product (BLAS dgemv): `y = alpha * op(A) * x + beta * y`, A m x n row-major,
 * op(A) = A (x of length n, y of length m) or A^T (x of length m, y of length n).
 *
 * @example
 * const y = new Float64Array(2);
 * gemv(false, 2, 2, 1, Float64Array.of(1, 2, 3, 4), 2, Float64Array.of(1, 1), 0, y); // y = [3, 7]
 */
export function gemv(trans: boolean, m: number, n: number, alpha: number, a: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array, offsets: { a?: number; x?: number; y?: number } = {}): void {
  const owner = 'gemv';
  checkDims(owner, { m, n });
  const aOff = offsets.a ?? 0, xOff = offsets.x ?? 0, yOff = offsets.y ?? 0;
  checkExtent(owner, 'A', a, aOff, m, n, lda);
  const lx = trans ? m : n, ly = trans ? n : m;
  if (xOff < 0 || xOff + lx > x.length) throw new ShapeError('x', `at least ${xOff + lx} elements`, `length ${x.length}`, owner);
  if (yOff < 0 || yOff + ly > y.length) throw new ShapeError('y', `at least ${yOff + ly} elements`, `length ${y.length}`, owner);
  for (let i = 0; i < ly; i++) y[yOff + i] = beta === 0 ? 0 : beta * y[yOff + i]!;
  if (alpha === 0) return;
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const o = aOff + i * lda;
      let s0 = 0, s1 = 0, j = 0;
      for (; j + 1 < n; j += 2) { s0 += a[o + j]! * x[xOff + j]!; s1 += a[o + j + 1]! * x[xOff + j + 1]!; }
      if (j < n) s0 += a[o + j]! * x[xOff + j]!;
      y[yOff + i]! += alpha * (s0 + s1);
    }
  } else {
    for (let i = 0; i < m; i++) {
      const o = aOff + i * lda;
      const xi = alpha * x[xOff + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < n; j++) y[yOff + j]! += xi * a[o + j]!;
    }
  }
}

/**
 * `op(A) * op(B)` as a new Matrix.
 *
 * @example
 * const P = matmul(A, B, { transA: true }); // A^T B
 */
export function matmul(A: Matrix, B: Matrix, opts: { transA?: boolean; transB?: boolean } = {}): Matrix {
  const ta = opts.transA ?? false, tb = opts.transB ?? false;
  const m = ta ? A.cols : A.rows, k = ta ? A.rows : A.cols;
  const kb = tb ? B.cols : B.rows, n = tb ? B.rows : B.cols;
  if (k !== kb) throw new ShapeError('B', `${k} ${tb ? 'columns' : 'rows'} (the inner dimension of op(A))`, `${kb}`, 'matmul');
  const C = Matrix.zeros(m, n);
  gemm(ta, tb, m, n, k, 1, A.data, A.cols, B.data, B.cols, 0, C.data, n);
  return C;
}

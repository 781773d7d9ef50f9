/**
 * Single-precision general matrix product `sgemm` on row-major Float32Array (BLAS sgemm), with
 * the signature of the float64 `gemm`.
 *
 * Summation order (fixed, shared by the TypeScript and WebAssembly f32x4 kernels and independent of
 * the thread count, so every path gives bit-identical results): with alpha32 = fround(alpha) and
 * beta32 = fround(beta), first C = fround(beta32 * C) (beta = 0 writes 0 without reading C,
 * beta = 1 leaves C untouched); then for each depth block [pc, pc + 256) in increasing order,
 * every element keeps one float32 accumulator s = 0, s = fround(s + fround(a[i,p] * b[p,j])) for
 * p increasing, and finally C[i,j] = fround(C[i,j] + fround(alpha32 * s)). Every intermediate is a
 * float32 (WebAssembly f32 arithmetic never contracts to FMA; fround of a double sum or product of
 * two float32 values equals the float32 IEEE result).
 */
import { InvalidParameterError, ShapeError } from '../core/errors.js';
import { PARALLEL_MIN_WORK, type Offsets } from './blas.js';
import { sgemmCore } from './kernels32.js';
import { linalgThreads, runTasks, toSharedScratch32, type KernelTask } from './threads.js';

/** Depth of one float32 rank update (the unit of the fixed summation order). */
export const SGEMM_KC = 256;

function checkDims(owner: string, dims: Record<string, number>): void {
  for (const [k, v] of Object.entries(dims)) if (!Number.isInteger(v) || v < 0) throw new InvalidParameterError(k, 'a non-negative integer', v, owner);
}

function checkExtent(owner: string, name: string, arr: Float32Array, off: number, rows: number, cols: number, ld: number): void {
  if (!(arr instanceof Float32Array)) throw new InvalidParameterError(name.toLowerCase(), 'a Float32Array', arr, owner);
  if (rows === 0 || cols === 0) return;
  if (ld < cols) throw new InvalidParameterError(`ld${name}`, `>= ${cols} (the row length of ${name})`, ld, owner);
  const last = off + (rows - 1) * ld + cols - 1;
  if (off < 0 || last >= arr.length) throw new ShapeError(name, `at least ${last + 1} elements for a ${rows} x ${cols} view at offset ${off} with leading dimension ${ld}`, `length ${arr.length}`, owner);
}

/** C = fround(beta) * C on an m x n view (beta = 0: zeros, C not read; beta = 1: untouched). */
export function sscale(c: Float32Array, cOff: number, ldc: number, m: number, n: number, beta: number): void {
  if (beta === 1) return;
  const be = Math.fround(beta);
  for (let i = 0; i < m; i++) {
    const o = cOff + i * ldc;
    if (beta === 0) c.fill(0, o, o + n);
    else for (let j = 0; j < n; j++) c[o + j] = be * c[o + j]!;
  }
}

/**
 * Single-precision general matrix product `C = alpha * op(A) * op(B) + beta * C` (BLAS sgemm,
 * row-major), the float32 twin of `gemm` with the same arguments. op(X) is X or its transpose;
 * op(A) is m x k, op(B) is k x n, C is m x n. alpha and beta are rounded to float32. beta = 0
 * overwrites C without reading it. Results are bit-identical across backends (WebAssembly SIMD or
 * TypeScript) and thread counts: see the module comment for the fixed summation order.
 *
 * @example
 * const a = Float32Array.of(1, 2, 3, 4), b = Float32Array.of(5, 6, 7, 8), c = new Float32Array(4);
 * sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2); // c = [19, 22, 43, 50]
 */
export function sgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
  offsets: Offsets = {},
): void {
  const owner = 'sgemm';
  checkDims(owner, { m, n, k });
  const aOff = offsets.a ?? 0, bOff = offsets.b ?? 0, cOff = offsets.c ?? 0;
  checkExtent(owner, 'A', a, aOff, transA ? k : m, transA ? m : k, lda);
  checkExtent(owner, 'B', b, bOff, transB ? n : k, transB ? k : n, ldb);
  checkExtent(owner, 'C', c, cOff, m, n, ldc);
  sscale(c, cOff, ldc, m, n, beta);
  if (alpha === 0 || k === 0) return;
  // split C by rows (or by columns when it is wide): no sum changes, so any thread count gives the same bits
  const byRows = m >= n;
  const threads = Math.min(linalgThreads(), Math.max(1, Math.floor((m * n * k) / PARALLEL_MIN_WORK)), Math.ceil((byRows ? m : n) / 64));
  if (threads <= 1) {
    sgemmCore(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    return;
  }
  const as = toSharedScratch32(a, 'a'), bs = toSharedScratch32(b, 'b'), cs = toSharedScratch32(c, 'c');
  const tasks: KernelTask[] = [];
  if (byRows) {
    const step = Math.ceil(m / threads / 4) * 4;
    for (let i0 = 0; i0 < m; i0 += step) {
      const rows = Math.min(step, m - i0);
      tasks.push({ fn: 'sgemmCore', args: [transA, transB, rows, n, k, alpha, as, transA ? aOff + i0 : aOff + i0 * lda, lda, bs, bOff, ldb, cs, cOff + i0 * ldc, ldc] });
    }
  } else {
    const step = Math.ceil(n / threads / 8) * 8;
    for (let j0 = 0; j0 < n; j0 += step) {
      const cols = Math.min(step, n - j0);
      tasks.push({ fn: 'sgemmCore', args: [transA, transB, m, cols, k, alpha, as, aOff, lda, bs, transB ? bOff + j0 * ldb : bOff + j0, ldb, cs, cOff + j0, ldc] });
    }
  }
  runTasks(tasks);
  if (cs !== c) c.set(cs);
}

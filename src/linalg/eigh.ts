/**
 * Symmetric eigendecomposition: Householder reduction to tridiagonal form followed by the
 * implicit QL algorithm with Wilkinson-like shifts (EISPACK tred2/tql2, as in JAMA).
 */
import { ConvergenceWarning, ShapeError } from '../core/errors.js';
import { warn } from '../core/warnings.js';
import { Matrix } from '../core/matrix.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { wasmForBytes, wasmSlot, type WasmGemmExports } from './kernels.js';
import './wasm.js'; // installs the WebAssembly kernels (wasmSlot) when available

/** Result of `eigh`: `A = V diag(values) V^T`. */
export interface EighResult {
  /** Eigenvalues in ascending order (numpy's `eigh`). */
  values: Float64Array;
  /** n x n, column j is the unit eigenvector of values[j]. */
  vectors: Matrix;
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of a real symmetric matrix (numpy's
 * `linalg.eigh`; the lower triangle is read, as numpy's default `UPLO='L'`). O(n^3); eigenvector
 * signs are arbitrary, as in LAPACK (use `svdFlip` for a deterministic sign).
 *
 * @example
 * const { values, vectors } = eigh([[2, 1], [1, 2]]); // values [1, 3]
 */
export function eigh(A: MatrixLike): EighResult {
  const a = checkArray(A, { owner: 'eigh', name: 'A' });
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError('A', 'a square (symmetric) matrix', `shape [${a.rows}, ${a.cols}]`, 'eigh');
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = a.data[i * n + j]!; sym[i * n + j] = v; sym[j * n + i] = v; }
  return eighRaw(sym, n);
}

/** eigh of the symmetric n x n row-major `v` (overwritten; both triangles must be set). */
export function eighRaw(V: Float64Array, n: number): EighResult {
  const d = new Float64Array(n), e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: Matrix.zeros(0, 0) };
  tred2(V, d, e, n);
  // tql2 rotates pairs of columns of V: work on the transpose so they are contiguous rows
  // (in WebAssembly memory when the SIMD kernel is on: its row rotations are the O(n^3) part)
  const wasm = wasmSlot.on && n >= 16 ? wasmForBytes(n * n * 8) : null;
  const Z = wasm ? wasm.f64.subarray(0, n * n) : new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Z[j * n + i] = V[i * n + j]!;
  tql2(Z, d, e, n, wasm ? wasm.exp : null);
  const out = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[j * n + i] = Z[i * n + j]!;
  return { values: d, vectors: out };
}

function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { d[k]! /= scale; h += d[k]! * d[k]!; }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = V[k * n + j]!;
          g += vkj * d[k]!;
          e[k]! += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j]! /= h; f += e[j]! * d[j]!; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = V[(n - 1) * n + j]!; V[(n - 1) * n + j] = 0; }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e); Z holds the transformation transposed (rows = vectors).
 * With `wasm`, Z is a view at offset 0 of its memory and the row rotations run there (same bits).
 */
/** @internal QL iterations per eigenvalue before giving up with a ConvergenceWarning (tests lower it to force the path). */
export let maxQlIter = 60;
/** @internal */
export function setMaxQlIter(n: number): number { const prev = maxQlIter; maxQlIter = n; return prev; }

function tql2(Z: Float64Array, d: Float64Array, e: Float64Array, n: number, wasm: WasmGemmExports | null): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxQlIter) {
          // warn (scikit-learn's ConvergenceWarning is a warning, not an error) and keep the current estimate
          warn(new ConvergenceWarning(`eigh: the QL iteration did not converge for eigenvalue ${l} after ${maxQlIter} iterations`));
          break;
        }
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (wasm) { wasm.rotRows(0, i, n, c, s); continue; }
          const oi = i * n, oi1 = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const zh = Z[oi1 + k]!, zi = Z[oi + k]!;
            Z[oi1 + k] = s * zi + c * zh;
            Z[oi + k] = c * zi - s * zh;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  // selection sort ascending, swapping eigenvector rows
  for (let i = 0; i < n - 1; i++) {
    let k = i, p = d[i]!;
    for (let j = i + 1; j < n; j++) if (d[j]! < p) { k = j; p = d[j]!; }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      for (let j = 0; j < n; j++) { const t = Z[i * n + j]!; Z[i * n + j] = Z[k * n + j]!; Z[k * n + j] = t; }
    }
  }
}

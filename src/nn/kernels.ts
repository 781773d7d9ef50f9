/**
 * Register-tiled dense kernels for the layers (row-major Float32Array or Float64Array). Each keeps four
 * independent accumulators so V8 can overlap the multiply-adds and reads each operand row once
 * per four uses; measured 2-3x faster than the plain triple loop on the 256-unit layers.
 */
import { gemm } from '../linalg/blas.js';
import { sgemm } from '../linalg/sgemm.js';
import type { Arr } from './dtype.js';
import { colSum32, denseForwardSmall32, denseGradWSmall32 } from './nnWasm.js';

/** Small float32 products of at least this many multiply-adds run in WebAssembly (nnops smallGemm). */
const SMALL_WASM_MIN = 512;

/** The packed product of the buffers' precision (float32 nets: linalg's sgemm). */
function gemmArr(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Arr, lda: number, b: Arr, ldb: number, beta: number, c: Arr, ldc: number): void {
  if (c instanceof Float32Array) sgemm(transA, transB, m, n, k, 1, a as Float32Array, lda, b as Float32Array, ldb, beta, c, ldc);
  else gemm(transA, transB, m, n, k, 1, a as Float64Array, lda, b as Float64Array, ldb, beta, c, ldc);
}

/** Products with at least this many multiply-adds go to the packed linalg gemm. */
const GEMM_MIN = 1 << 16;

/**
 * Whether a dense layer's products go to the packed gemm: at least GEMM_MIN multiply-adds, and for
 * float32 both widths at least 8 (sgemm packs op(B) in 8-column strips: a 1-unit output layer
 * would run 8x padded panels, measured 3-5x slower than the loops below).
 */
function packed(X: Arr, n: number, d: number, u: number): boolean {
  return n * d * u >= GEMM_MIN && (!(X instanceof Float32Array) || (d >= 8 && u >= 8));
}

/** Z (n x u) = X (n x d) W (d x u) + b (b may be empty). */
export function denseForward(X: Arr, W: Arr, b: Arr, Z: Arr, n: number, d: number, u: number): void {
  if (packed(X, n, d, u)) {
    if (b.length) {
      // bias in every row: one set, then doubling copies (log2 n calls instead of n)
      Z.set(b, 0);
      for (let len = u, all = n * u; len < all; len *= 2) Z.copyWithin(len, 0, Math.min(len, all - len));
    }
    gemmArr(false, false, n, u, d, X, d, W, u, b.length ? 1 : 0, Z, u);
    return;
  }
  if (Z instanceof Float32Array) { denseForward32(X as Float32Array, W as Float32Array, b as Float32Array, Z, n, d, u); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = i * u, r1 = r0 + u, r2 = r1 + u, r3 = r2 + u;
    if (b.length) { Z.set(b, r0); Z.set(b, r1); Z.set(b, r2); Z.set(b, r3); } else Z.fill(0, r0, r0 + 4 * u);
    const x0 = i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
    for (let k = 0; k < d; k++) {
      const a0 = X[x0 + k]!, a1 = X[x1 + k]!, a2 = X[x2 + k]!, a3 = X[x3 + k]!;
      const wr = k * u;
      for (let j = 0; j < u; j++) {
        const w = W[wr + j]!;
        Z[r0 + j]! += a0 * w;
        Z[r1 + j]! += a1 * w;
        Z[r2 + j]! += a2 * w;
        Z[r3 + j]! += a3 * w;
      }
    }
  }
  for (; i < n; i++) {
    const zr = i * u;
    if (b.length) Z.set(b, zr); else Z.fill(0, zr, zr + u);
    for (let k = 0; k < d; k++) {
      const a = X[i * d + k]!;
      const wr = k * u;
      for (let j = 0; j < u; j++) Z[zr + j]! += a * W[wr + j]!;
    }
  }
}

/** gW (d x u) = X^T G (overwrites); gb (u) = column sums of G (if non-empty). */
export function denseGradW(X: Arr, G: Arr, gW: Arr, gb: Arr, n: number, d: number, u: number): void {
  gb.fill(0);
  if (packed(X, n, d, u)) {
    gemmArr(true, false, d, u, n, X, d, G, u, 0, gW, u);
    if (gb.length && !(gb instanceof Float32Array && colSum32(G as Float32Array, n, u, gb))) for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) gb[j]! += G[i * u + j]!;
    return;
  }
  if (gW instanceof Float32Array) { denseGradW32(X as Float32Array, G as Float32Array, gW, gb as Float32Array, n, d, u); return; }
  gW.fill(0);
  for (let i = 0; i < n; i++) {
    const gr = i * u, xr = i * d;
    let k = 0;
    for (; k + 4 <= d; k += 4) {
      const a0 = X[xr + k]!, a1 = X[xr + k + 1]!, a2 = X[xr + k + 2]!, a3 = X[xr + k + 3]!;
      const w0 = k * u, w1 = w0 + u, w2 = w1 + u, w3 = w2 + u;
      for (let j = 0; j < u; j++) {
        const g = G[gr + j]!;
        gW[w0 + j]! += a0 * g;
        gW[w1 + j]! += a1 * g;
        gW[w2 + j]! += a2 * g;
        gW[w3 + j]! += a3 * g;
      }
    }
    for (; k < d; k++) {
      const a = X[xr + k]!;
      if (a === 0) continue;
      const wr = k * u;
      for (let j = 0; j < u; j++) gW[wr + j]! += a * G[gr + j]!;
    }
    if (gb.length) for (let j = 0; j < u; j++) gb[j]! += G[gr + j]!;
  }
}

/** gX (n x d) = G (n x u) W^T, with W d x u. */
export function denseGradX(G: Arr, W: Arr, gX: Arr, n: number, d: number, u: number): void {
  if (packed(G, n, d, u)) {
    gemmArr(false, true, n, d, u, G, u, W, u, 0, gX, d);
    return;
  }
  if (u === 1) {
    // one output unit: the outer product G W^T; 0 + g w is the loops' single-term sum (-0 becomes +0)
    for (let i = 0; i < n; i++) {
      const g = G[i]!, o = i * d;
      for (let k = 0; k < d; k++) gX[o + k] = 0 + g * W[k]!;
    }
    return;
  }
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const g0 = i * u, g1 = g0 + u;
    let k = 0;
    for (; k + 2 <= d; k += 2) {
      const w0 = k * u, w1 = w0 + u;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let j = 0; j < u; j++) {
        const a = G[g0 + j]!, c = G[g1 + j]!, p = W[w0 + j]!, q = W[w1 + j]!;
        s00 += a * p; s01 += a * q; s10 += c * p; s11 += c * q;
      }
      gX[i * d + k] = s00; gX[i * d + k + 1] = s01; gX[(i + 1) * d + k] = s10; gX[(i + 1) * d + k + 1] = s11;
    }
    for (; k < d; k++) {
      const wr = k * u;
      let s0 = 0, s1 = 0;
      for (let j = 0; j < u; j++) { s0 += G[g0 + j]! * W[wr + j]!; s1 += G[g1 + j]! * W[wr + j]!; }
      gX[i * d + k] = s0; gX[(i + 1) * d + k] = s1;
    }
  }
  for (; i < n; i++) {
    for (let k = 0; k < d; k++) {
      let s = 0;
      const wr = k * u;
      for (let j = 0; j < u; j++) s += G[i * u + j]! * W[wr + j]!;
      gX[i * d + k] = s;
    }
  }
}

/**
 * float32 `denseForward` loops with the products' sums in registers: z = b[j] (or 0), then
 * z = fround(z + x[i, k] w[k, j]) for k increasing, the exact value sequence of the row loops
 * above storing into a Float32Array after every step (same bits, no memory round trip), in
 * 2-row x 4-column tiles.
 */
function denseForward32(X: Float32Array, W: Float32Array, b: Float32Array, Z: Float32Array, n: number, d: number, u: number): void {
  if (n * d * u >= SMALL_WASM_MIN && denseForwardSmall32(X, W, b, Z, n, d, u)) return;
  const fr = Math.fround;
  const hasB = b.length > 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const x0 = i * d, x1 = x0 + d, z0 = i * u, z1 = z0 + u;
    let j = 0;
    for (; j + 4 <= u; j += 4) {
      let s00 = hasB ? b[j]! : 0, s01 = hasB ? b[j + 1]! : 0, s02 = hasB ? b[j + 2]! : 0, s03 = hasB ? b[j + 3]! : 0;
      let s10 = s00, s11 = s01, s12 = s02, s13 = s03;
      for (let k = 0, wk = j; k < d; k++, wk += u) {
        const a0 = X[x0 + k]!, a1 = X[x1 + k]!;
        const w0 = W[wk]!, w1 = W[wk + 1]!, w2 = W[wk + 2]!, w3 = W[wk + 3]!;
        s00 = fr(s00 + a0 * w0); s01 = fr(s01 + a0 * w1); s02 = fr(s02 + a0 * w2); s03 = fr(s03 + a0 * w3);
        s10 = fr(s10 + a1 * w0); s11 = fr(s11 + a1 * w1); s12 = fr(s12 + a1 * w2); s13 = fr(s13 + a1 * w3);
      }
      Z[z0 + j] = s00; Z[z0 + j + 1] = s01; Z[z0 + j + 2] = s02; Z[z0 + j + 3] = s03;
      Z[z1 + j] = s10; Z[z1 + j + 1] = s11; Z[z1 + j + 2] = s12; Z[z1 + j + 3] = s13;
    }
    for (; j < u; j++) {
      let s0 = hasB ? b[j]! : 0, s1 = s0;
      for (let k = 0, wk = j; k < d; k++, wk += u) { const w = W[wk]!; s0 = fr(s0 + X[x0 + k]! * w); s1 = fr(s1 + X[x1 + k]! * w); }
      Z[z0 + j] = s0; Z[z1 + j] = s1;
    }
  }
  for (; i < n; i++) {
    const x0 = i * d, z0 = i * u;
    for (let j = 0; j < u; j++) {
      let s = hasB ? b[j]! : 0;
      for (let k = 0, wk = j; k < d; k++, wk += u) s = fr(s + X[x0 + k]! * W[wk]!);
      Z[z0 + j] = s;
    }
  }
}

/**
 * float32 `denseGradW` with register sums: gW[k, j] = 0, then fround(s + x[i, k] g[i, j]) for i
 * increasing, skipping x[i, k] = 0 for the k past the last whole group of four (as the row loop
 * above does), so the same bits; 2 x 4 tiles. gb as above.
 */
function denseGradW32(X: Float32Array, G: Float32Array, gW: Float32Array, gb: Float32Array, n: number, d: number, u: number): void {
  const fr = Math.fround;
  const dq = d & ~3;
  let k = 0;
  // the rows without the zero test in WebAssembly (same bits), the rest below
  if (dq > 0 && n * d * u >= SMALL_WASM_MIN && denseGradWSmall32(X, G, gW, n, d, u, dq)) k = dq;
  for (; k + 2 <= dq; k += 2) {
    let j = 0;
    for (; j + 4 <= u; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let i = 0, xi = k, gi = j; i < n; i++, xi += d, gi += u) {
        const a0 = X[xi]!, a1 = X[xi + 1]!;
        const g0 = G[gi]!, g1 = G[gi + 1]!, g2 = G[gi + 2]!, g3 = G[gi + 3]!;
        s00 = fr(s00 + a0 * g0); s01 = fr(s01 + a0 * g1); s02 = fr(s02 + a0 * g2); s03 = fr(s03 + a0 * g3);
        s10 = fr(s10 + a1 * g0); s11 = fr(s11 + a1 * g1); s12 = fr(s12 + a1 * g2); s13 = fr(s13 + a1 * g3);
      }
      const w0 = k * u + j, w1 = w0 + u;
      gW[w0] = s00; gW[w0 + 1] = s01; gW[w0 + 2] = s02; gW[w0 + 3] = s03;
      gW[w1] = s10; gW[w1 + 1] = s11; gW[w1 + 2] = s12; gW[w1 + 3] = s13;
    }
    for (; j < u; j++) {
      let s0 = 0, s1 = 0;
      for (let i = 0, xi = k, gi = j; i < n; i++, xi += d, gi += u) { const g = G[gi]!; s0 = fr(s0 + X[xi]! * g); s1 = fr(s1 + X[xi + 1]! * g); }
      gW[k * u + j] = s0; gW[(k + 1) * u + j] = s1;
    }
  }
  // dq is even, so k = dq here; the last k < d - d % 4 never needs the zero test
  for (; k < d; k++) {
    const skip = k >= dq;
    for (let j = 0; j < u; j++) {
      let s = 0;
      for (let i = 0, xi = k, gi = j; i < n; i++, xi += d, gi += u) {
        const a = X[xi]!;
        if (skip && a === 0) continue;
        s = fr(s + a * G[gi]!);
      }
      gW[k * u + j] = s;
    }
  }
  if (gb.length) for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) gb[j]! += G[i * u + j]!;
}

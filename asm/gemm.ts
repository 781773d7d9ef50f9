/**
 * WebAssembly SIMD (f64x2) macro-kernel for `src/linalg/kernels.ts`, compiled ahead of time by
 * `scripts/build-wasm.mjs` into `src/linalg/wasmGemm.generated.ts`.
 *
 * Operands are the packed panels of kernels.ts (`packA`: 4-row strips, element (r, p) at
 * strip + 4p + r; `packB`: 4-column strips, element (p, c) at strip + 4p + c), written by the
 * TypeScript side straight into this module's linear memory. Each 4x4 tile keeps eight f64x2
 * accumulators (row r, columns 0-1 and 2-3) and sums over p in increasing order with separate
 * multiply and add (WebAssembly never contracts to FMA), so every element is the bit-identical
 * IEEE result of the scalar TypeScript micro-kernel `micro4x4`. The tile, multiplied by alpha, is
 * stored (not accumulated) into a padded scratch block `cb` that the caller adds into C.
 *
 * No allocation, no runtime: all addresses are byte offsets chosen by the caller.
 */

// @ts-ignore: decorator
@inline
function tile(kb: i32, a: usize, b: usize, c: usize, ldcBytes: usize, al: v128): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(x, b0)); c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 8);
    c10 = f64x2.add(c10, f64x2.mul(x, b0)); c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 16);
    c20 = f64x2.add(c20, f64x2.mul(x, b0)); c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 24);
    c30 = f64x2.add(c30, f64x2.mul(x, b0)); c31 = f64x2.add(c31, f64x2.mul(x, b1));
    a += 32; b += 32;
  }
  v128.store(c, f64x2.mul(al, c00)); v128.store(c, f64x2.mul(al, c01), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c10)); v128.store(c, f64x2.mul(al, c11), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c20)); v128.store(c, f64x2.mul(al, c21), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c30)); v128.store(c, f64x2.mul(al, c31), 16);
}

/**
 * cb[ir.., jr..] = alpha * Ap[mb x kb] * Bp[kb x nb] tile by tile (cb has row stride ldcb doubles,
 * at least nb rounded up to 4; mb and nb are rounded up to whole 4x4 tiles, padding included).
 *
 * `upper` skips tiles strictly below the diagonal of the full product, where the block starts at
 * row ic and column jc (`rowMinusCol` = ic - jc): tile (ir, jr) is computed iff ir + ic <= jr + jc + 3.
 * `tri` declares op(B) upper triangular: with `colMinusDepth` = jc - pc, strip jr only needs depth
 * p < jc + jr + nr - pc and is skipped when that is <= 0. Skipped tiles leave cb untouched.
 */
export function macro(kb: i32, mb: i32, nb: i32, ap: usize, bp: usize, cb: usize, ldcb: i32, alpha: f64, upper: i32, rowMinusCol: i32, tri: i32, colMinusDepth: i32): void {
  const al = f64x2.splat(alpha);
  const ldcBytes = <usize>ldcb << 3;
  const stripBytes = <usize>kb << 5;
  for (let jr = 0; jr < nb; jr += 4) {
    let kEff = kb;
    if (tri) {
      const nr = nb - jr < 4 ? nb - jr : 4;
      const lim = colMinusDepth + jr + nr;
      if (lim <= 0) continue;
      if (lim < kEff) kEff = lim;
    }
    const b = bp + (<usize>(jr >> 2)) * stripBytes;
    for (let ir = 0; ir < mb; ir += 4) {
      if (upper && ir + rowMinusCol > jr + 3) break;
      tile(kEff, ap + (<usize>(ir >> 2)) * stripBytes, b, cb + ((<usize>ir * <usize>ldcb + <usize>jr) << 3), ldcBytes, al);
    }
  }
}

/**
 * WebAssembly SIMD (f32x4) macro-kernel of the float32 product `sgemm` (`src/linalg/kernels32.ts`),
 * compiled ahead of time by `scripts/build-wasm.mjs` into `src/linalg/wasmSgemm.generated.ts`.
 *
 * Operands are packed panels written by the TypeScript side straight into this module's linear
 * memory: op(A) in 4-row strips (element (r, p) at strip + 4p + r floats), op(B) in 8-column strips
 * (element (p, c) at strip + 8p + c). Each 4x8 register tile keeps eight f32x4 accumulators (row r,
 * columns 0-3 and 4-7) and sums over p in increasing order with separate f32 multiply and add
 * (WebAssembly never contracts to FMA): s = fl(s + fl(a * b)), the order of the TypeScript
 * reference `sgemmCoreTs`. The tile, multiplied by alpha (f32), is added into a padded copy of a
 * block of C in linear memory (`cb`): C = fl(C + fl(alpha * s)), the caller copies C in and out.
 *
 * No allocation, no runtime: all addresses are byte offsets chosen by the caller.
 */

// @ts-ignore: decorator
@inline
function tile(kb: i32, a: usize, b: usize, c: usize, ldcBytes: usize, al: v128): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += 16; b += 32;
  }
  // C = fl(C + fl(alpha * s))
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c00))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c01)), 16); c += ldcBytes;
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c10))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c11)), 16); c += ldcBytes;
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c20))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c21)), 16); c += ldcBytes;
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c30))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c31)), 16);
}

/**
 * cb[ir.., jr..] += alpha * Ap[mb x kb] * Bp[kb x nb] tile by tile: cb has a row stride of ldcb
 * floats (at least nb rounded up to 8); mb is rounded up to whole 4-row strips and nb to 8-column
 * strips, padding included (the packed panels are zero-padded, the caller ignores padding).
 */
export function macro(kb: i32, mb: i32, nb: i32, ap: usize, bp: usize, cb: usize, ldcb: i32, alpha: f32): void {
  const al = f32x4.splat(alpha);
  const ldcBytes = <usize>ldcb << 2;
  const aStrip = <usize>kb << 4, bStrip = <usize>kb << 5;
  for (let jr = 0; jr < nb; jr += 8) {
    const b = bp + (<usize>(jr >> 3)) * bStrip;
    for (let ir = 0; ir < mb; ir += 4) {
      tile(kb, ap + (<usize>(ir >> 2)) * aStrip, b, cb + ((<usize>ir * <usize>ldcb + <usize>jr) << 2), ldcBytes, al);
    }
  }
}

/**
 * The 4x8 tile of `tile` on unpacked operands: the four splats of op(A) rows come from a, a + ars,
 * a + 2 ars, a + 3 ars and advance by ast per depth step; the two vectors of op(B) from b, b + 16,
 * advancing by bst. The same operations in the same order as `tile`, so the same bits.
 */
// @ts-ignore: decorator
@inline
function tileS(kb: i32, a: usize, ars: usize, ast: usize, b: usize, bst: usize, c: usize, ldcBytes: usize, al: v128): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const a1 = ars, a2 = ars + ars, a3 = a2 + ars;
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a + a1);
    c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a + a2);
    c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a + a3);
    c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += ast; b += bst;
  }
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c00))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c01)), 16); c += ldcBytes;
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c10))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c11)), 16); c += ldcBytes;
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c20))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c21)), 16); c += ldcBytes;
  v128.store(c, f32x4.add(v128.load(c), f32x4.mul(al, c30))); v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(al, c31)), 16);
}

/**
 * `macro` on unpacked or packed operands: op(A) row 4s + r, depth p at a + s ajs + r ars + p ast
 * (bytes: ars = 4 lda, ast = 4, ajs = 16 lda for A as stored; ars = 4, ast = 4 lda, ajs = 16 for
 * its transpose; ars = 4, ast = 16, ajs = 16 kb for 4-row packed strips); op(B) depth p, columns
 * 8s..8s+7 at b + s bjs + p bst (bst = 4 ldb, bjs = 32 for B as stored; bst = 32, bjs = 32 kb
 * for 8-column packed strips). Rows past mb and columns past nb up to the tile edges read whatever memory
 * follows (the caller leaves slack) and land in C padding that the caller ignores.
 */
export function macroS(kb: i32, mb: i32, nb: i32, a: usize, ars: usize, ast: usize, ajs: usize, b: usize, bst: usize, bjs: usize, cb: usize, ldcb: i32, alpha: f32): void {
  const al = f32x4.splat(alpha);
  const ldcBytes = <usize>ldcb << 2;
  for (let jr = 0; jr < nb; jr += 8) {
    const bb = b + (<usize>(jr >> 3)) * bjs;
    for (let ir = 0; ir < mb; ir += 4) {
      tileS(kb, a + (<usize>(ir >> 2)) * ajs, ars, ast, bb, bst, cb + ((<usize>ir * <usize>ldcb + <usize>jr) << 2), ldcBytes, al);
    }
  }
}

/**
 * Pack depth [0, kb) x columns [0, nb) of op(B) = B^T into 8-column strips at dst (bytes), B read
 * in place at src (B[j, p] at src + j ldbBytes + 4p): strip s holds op(B)[p, 8s + c] at
 * dst + 32 (s kb + p) + 4c, zero past nb. The layout of `spackB(true, ...)` in kernels32.ts, with
 * 4 x 4 transposes in registers.
 */
export function packBT(kb: i32, nb: i32, src: usize, ldbBytes: usize, dst: usize): void {
  const kb4 = kb & ~3;
  for (let s = 0; s < nb; s += 8) {
    const cols = nb - s < 8 ? nb - s : 8;
    const d0 = dst + <usize>(s >> 3) * <usize>kb * 32;
    const r0 = src + <usize>s * ldbBytes;
    if (cols === 8) {
      const r1 = r0 + ldbBytes, r2 = r1 + ldbBytes, r3 = r2 + ldbBytes, r4 = r3 + ldbBytes, r5 = r4 + ldbBytes, r6 = r5 + ldbBytes, r7 = r6 + ldbBytes;
      for (let p = 0; p < kb4; p += 4) {
        const o = <usize>p << 2, d = d0 + (<usize>p << 5);
        let a = v128.load(r0 + o), b = v128.load(r1 + o), c = v128.load(r2 + o), e = v128.load(r3 + o);
        let t0 = v128.shuffle<u32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<u32>(a, b, 2, 6, 3, 7);
        let t2 = v128.shuffle<u32>(c, e, 0, 4, 1, 5), t3 = v128.shuffle<u32>(c, e, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<u64>(t0, t2, 0, 2)); v128.store(d, v128.shuffle<u64>(t0, t2, 1, 3), 32);
        v128.store(d, v128.shuffle<u64>(t1, t3, 0, 2), 64); v128.store(d, v128.shuffle<u64>(t1, t3, 1, 3), 96);
        a = v128.load(r4 + o); b = v128.load(r5 + o); c = v128.load(r6 + o); e = v128.load(r7 + o);
        t0 = v128.shuffle<u32>(a, b, 0, 4, 1, 5); t1 = v128.shuffle<u32>(a, b, 2, 6, 3, 7);
        t2 = v128.shuffle<u32>(c, e, 0, 4, 1, 5); t3 = v128.shuffle<u32>(c, e, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<u64>(t0, t2, 0, 2), 16); v128.store(d, v128.shuffle<u64>(t0, t2, 1, 3), 48);
        v128.store(d, v128.shuffle<u64>(t1, t3, 0, 2), 80); v128.store(d, v128.shuffle<u64>(t1, t3, 1, 3), 112);
      }
      for (let p = kb4; p < kb; p++) {
        const o = <usize>p << 2, d = d0 + (<usize>p << 5);
        for (let c = 0; c < 8; c++) store<f32>(d + (<usize>c << 2), load<f32>(r0 + <usize>c * ldbBytes + o));
      }
    } else {
      for (let p = 0; p < kb; p++) {
        const o = <usize>p << 2, d = d0 + (<usize>p << 5);
        for (let c = 0; c < 8; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(r0 + <usize>c * ldbBytes + o) : 0);
      }
    }
  }
}

/**
 * Pack rows [0, mb) x depth [0, kb) of op(A) = A^T into 4-row strips at dst (bytes), A read in
 * place at src (A[p, i] at src + p ldaBytes + 4i): strip s holds op(A)[4s + r, p] at
 * dst + 16 (s kb + p) + 4r, zero past mb. The layout of `spackA(true, ...)` in kernels32.ts: four
 * consecutive floats of a row of A per depth step, one vector copy.
 */
export function packAT(kb: i32, mb: i32, src: usize, ldaBytes: usize, dst: usize): void {
  for (let s = 0; s < mb; s += 4) {
    const rows = mb - s < 4 ? mb - s : 4;
    let d = dst + <usize>(s >> 2) * <usize>kb * 16;
    let q = src + (<usize>s << 2);
    if (rows === 4) {
      for (let p = 0; p < kb; p++) { v128.store(d, v128.load(q)); d += 16; q += ldaBytes; }
    } else {
      for (let p = 0; p < kb; p++) {
        for (let r = 0; r < 4; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(q + (<usize>r << 2)) : 0);
        d += 16; q += ldaBytes;
      }
    }
  }
}

/**
 * Self-contained float32 product kernels (the `sgemm` engine) on row-major Float32Array.
 *
 * Like `kernels.ts`, every function here references only the others in this file and globals
 * (`Math`, `WebAssembly`): `threads.ts` serialises them with `Function.prototype.toString` into
 * the source of its worker threads, where `wasm32Slot` is declared again per thread.
 *
 * Fixed summation order (the contract that makes every path bit-identical): C has been scaled by
 * beta by the caller; then for each depth block [pc, pc + 256) in increasing order, each element
 * keeps one float32 accumulator s = 0, s = fl(s + fl(op(A)[i,p] * op(B)[p,j])) for p increasing,
 * and C[i,j] = fl(C[i,j] + fl(fl(alpha) * s)). Row and column blocking (which tile, which thread)
 * never changes a sum; only the depth blocking (256) is part of the order.
 *
 * `sgemmCoreWasm` computes the register tiles in the f32x4 WebAssembly SIMD macro-kernel of
 * `asm/sgemm.ts` (4x8 tiles, eight f32x4 accumulators): op(A) is packed in 4-row strips and op(B)
 * in 8-column strips straight into the module's linear memory, next to a copy of a chunk of C, and
 * the kernel adds alpha * (tile sums) into that copy, which is copied back at the end.
 * `sgemmCoreTs` is the pure TypeScript fallback with the same order (Math.fround on every product;
 * the Float32Array stores round every sum).
 */

/** Exports of the compiled `asm/sgemm.ts` module. */
export interface WasmSgemmExports {
  macro(kb: number, mb: number, nb: number, ap: number, bp: number, cb: number, ldcb: number, alpha: number): void;
  macroS(kb: number, mb: number, nb: number, a: number, ars: number, ast: number, ajs: number, b: number, bst: number, bjs: number, cb: number, ldcb: number, alpha: number): void;
  packBT(kb: number, nb: number, src: number, ldbBytes: number, dst: number): void;
  packAT(kb: number, mb: number, src: number, ldaBytes: number, dst: number): void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

/** Per-thread float32 WebAssembly kernel state: `on` routes `sgemmCore` to `sgemmCoreWasm`. */
export interface WasmSlot32 {
  on: boolean;
  exp: WasmSgemmExports | null;
  f32: Float32Array;
}

/** This thread's float32 WebAssembly kernel (each worker thread declares and fills its own). */
export const wasm32Slot: WasmSlot32 = { on: false, exp: null, f32: new Float32Array(0) };

/**
 * Compile and instantiate the float32 kernel module synchronously into `wasm32Slot` (false when
 * WebAssembly or its SIMD proposal is unavailable, or `bytes` is null). Does not switch it on.
 */
export function wasm32Install(bytes: Uint8Array | null): boolean {
  const W = (globalThis as unknown as { WebAssembly?: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
  if (!bytes || !W) return false;
  try {
    if (!W.validate(bytes)) return false;
    const exp = new W.Instance(new W.Module(bytes), {}).exports as WasmSgemmExports;
    wasm32Slot.exp = exp;
    wasm32Slot.f32 = new Float32Array(exp.memory.buffer);
    return true;
  } catch {
    wasm32Slot.exp = null;
    return false;
  }
}

/** A Float32Array view of the float32 kernel's linear memory, grown to at least `bytes` bytes. */
export function wasm32Reserve(bytes: number): Float32Array {
  const mem = wasm32Slot.exp!.memory;
  const have = mem.buffer.byteLength;
  if (have < bytes) mem.grow(Math.ceil((bytes - have) / 65536));
  if (wasm32Slot.f32.buffer !== mem.buffer) wasm32Slot.f32 = new Float32Array(mem.buffer);
  return wasm32Slot.f32;
}

/**
 * Pack rows [i0, i0+mb) x depth [p0, p0+kb) of op(A) into 4-row strips at dst[d0..]: strip s
 * holds op(A)[i0+4s+r, p0+p] at d0 + s*kb + 4p + r, zero-padded past mb.
 */
export function spackA(transA: boolean, a: Float32Array, aOff: number, lda: number, i0: number, mb: number, p0: number, kb: number, dst: Float32Array, d0: number): void {
  for (let s = 0; s < mb; s += 4) {
    const rows = mb - s < 4 ? mb - s : 4;
    let d = d0 + s * kb;
    if (!transA) {
      const r0 = aOff + (i0 + s) * lda + p0;
      if (rows === 4) {
        const r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        for (let p = 0; p < kb; p++, d += 4) {
          dst[d] = a[r0 + p]!; dst[d + 1] = a[r1 + p]!; dst[d + 2] = a[r2 + p]!; dst[d + 3] = a[r3 + p]!;
        }
      } else {
        for (let p = 0; p < kb; p++, d += 4) for (let r = 0; r < 4; r++) dst[d + r] = r < rows ? a[r0 + r * lda + p]! : 0;
      }
    } else {
      let src = aOff + p0 * lda + i0 + s;
      if (rows === 4) {
        for (let p = 0; p < kb; p++, d += 4, src += lda) {
          dst[d] = a[src]!; dst[d + 1] = a[src + 1]!; dst[d + 2] = a[src + 2]!; dst[d + 3] = a[src + 3]!;
        }
      } else {
        for (let p = 0; p < kb; p++, d += 4, src += lda) for (let r = 0; r < 4; r++) dst[d + r] = r < rows ? a[src + r]! : 0;
      }
    }
  }
}

/**
 * Pack depth [p0, p0+kb) x columns [j0, j0+nb) of op(B) into 8-column strips at dst[d0..]:
 * strip s holds op(B)[p0+p, j0+8s+c] at d0 + s*kb + 8p + c, zero-padded past nb.
 */
export function spackB(transB: boolean, b: Float32Array, bOff: number, ldb: number, p0: number, kb: number, j0: number, nb: number, dst: Float32Array, d0: number): void {
  for (let s = 0; s < nb; s += 8) {
    const cols = nb - s < 8 ? nb - s : 8;
    let d = d0 + s * kb;
    if (!transB) {
      let src = bOff + p0 * ldb + j0 + s;
      if (cols === 8) {
        for (let p = 0; p < kb; p++, d += 8, src += ldb) {
          dst[d] = b[src]!; dst[d + 1] = b[src + 1]!; dst[d + 2] = b[src + 2]!; dst[d + 3] = b[src + 3]!;
          dst[d + 4] = b[src + 4]!; dst[d + 5] = b[src + 5]!; dst[d + 6] = b[src + 6]!; dst[d + 7] = b[src + 7]!;
        }
      } else {
        for (let p = 0; p < kb; p++, d += 8, src += ldb) for (let c = 0; c < 8; c++) dst[d + c] = c < cols ? b[src + c]! : 0;
      }
    } else {
      const r0 = bOff + (j0 + s) * ldb + p0;
      if (cols === 8) {
        const r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb, r4 = r3 + ldb, r5 = r4 + ldb, r6 = r5 + ldb, r7 = r6 + ldb;
        for (let p = 0; p < kb; p++, d += 8) {
          dst[d] = b[r0 + p]!; dst[d + 1] = b[r1 + p]!; dst[d + 2] = b[r2 + p]!; dst[d + 3] = b[r3 + p]!;
          dst[d + 4] = b[r4 + p]!; dst[d + 5] = b[r5 + p]!; dst[d + 6] = b[r6 + p]!; dst[d + 7] = b[r7 + p]!;
        }
      } else {
        for (let p = 0; p < kb; p++, d += 8) for (let c = 0; c < 8; c++) dst[d + c] = c < cols ? b[r0 + c * ldb + p]! : 0;
      }
    }
  }
}

/**
 * 4x4 float32 micro-kernel of the TypeScript path on packed panels (A: 4-row strip at `a`, B: the
 * 4 columns at `b` of an 8-column strip, stride 8): C[r, j] = fl(C[r, j] + fl(al * s[r, j])),
 * s[r, j] = fl(s + fl(A[r, p] * B[p, j])) over p < kb, for r < mr, j < nr.
 */
export function smicro4x4(kb: number, ap: Float32Array, a: number, bp: Float32Array, b: number, al: number, c: Float32Array, cOff: number, ldc: number, mr: number, nr: number): void {
  const fr = Math.fround;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kb; p++, a += 4, b += 8) {
    const b0 = bp[b]!, b1 = bp[b + 1]!, b2 = bp[b + 2]!, b3 = bp[b + 3]!;
    let x = ap[a]!;
    c00 = fr(c00 + fr(x * b0)); c01 = fr(c01 + fr(x * b1)); c02 = fr(c02 + fr(x * b2)); c03 = fr(c03 + fr(x * b3));
    x = ap[a + 1]!;
    c10 = fr(c10 + fr(x * b0)); c11 = fr(c11 + fr(x * b1)); c12 = fr(c12 + fr(x * b2)); c13 = fr(c13 + fr(x * b3));
    x = ap[a + 2]!;
    c20 = fr(c20 + fr(x * b0)); c21 = fr(c21 + fr(x * b1)); c22 = fr(c22 + fr(x * b2)); c23 = fr(c23 + fr(x * b3));
    x = ap[a + 3]!;
    c30 = fr(c30 + fr(x * b0)); c31 = fr(c31 + fr(x * b1)); c32 = fr(c32 + fr(x * b2)); c33 = fr(c33 + fr(x * b3));
  }
  // Float32Array stores round the sums
  for (let r = 0; r < mr; r++) {
    const o = cOff + r * ldc;
    const v0 = r === 0 ? c00 : r === 1 ? c10 : r === 2 ? c20 : c30;
    const v1 = r === 0 ? c01 : r === 1 ? c11 : r === 2 ? c21 : c31;
    const v2 = r === 0 ? c02 : r === 1 ? c12 : r === 2 ? c22 : c32;
    const v3 = r === 0 ? c03 : r === 1 ? c13 : r === 2 ? c23 : c33;
    c[o] = c[o]! + fr(al * v0);
    if (nr > 1) c[o + 1] = c[o + 1]! + fr(al * v1);
    if (nr > 2) c[o + 2] = c[o + 2]! + fr(al * v2);
    if (nr > 3) c[o + 3] = c[o + 3]! + fr(al * v3);
  }
}

/**
 * Pure TypeScript float32 product (no beta: the caller scales C first):
 * C[m x n] += alpha * op(A) op(B) in the fixed summation order of this module, on the packed
 * panels of the WebAssembly path with a 4x4 register-tiled micro-kernel.
 */
export function sgemmCoreTs(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number,
  c: Float32Array, cOff: number, ldc: number,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const al = Math.fround(alpha);
  const kcMax = k < 256 ? k : 256;
  const ncp = ((n < 1024 ? n : 1024) + 7) & ~7;
  const mcp = ((m < 128 ? m : 128) + 3) & ~3;
  const ap = new Float32Array(mcp * kcMax), bp = new Float32Array(ncp * kcMax);
  for (let jc = 0; jc < n; jc += 1024) {
    const nb = n - jc < 1024 ? n - jc : 1024;
    for (let pc = 0; pc < k; pc += 256) {
      const kb = k - pc < 256 ? k - pc : 256;
      spackB(transB, b, bOff, ldb, pc, kb, jc, nb, bp, 0);
      for (let ic = 0; ic < m; ic += 128) {
        const mb = m - ic < 128 ? m - ic : 128;
        spackA(transA, a, aOff, lda, ic, mb, pc, kb, ap, 0);
        for (let jr = 0; jr < nb; jr += 4) {
          const nr = nb - jr < 4 ? nb - jr : 4;
          const bs = (jr >> 3) * 8 * kb + (jr & 4);
          for (let ir = 0; ir < mb; ir += 4) {
            const mr = mb - ir < 4 ? mb - ir : 4;
            smicro4x4(kb, ap, ir * kb, bp, bs, al, c, cOff + (ic + ir) * ldc + jc + jr, ldc, mr, nr);
          }
        }
      }
    }
  }
}

/**
 * `sgemmCoreTs` on the f32x4 WebAssembly kernel (`wasm32Slot.exp` must be installed): blocks of
 * 256 deep (the order), 128 rows of op(A) and 1024 columns of op(B); bit-identical result. A chunk
 * of C (up to 1024 columns, rows up to about 4 MiB) is copied into linear memory once, the kernel
 * adds every depth block into it, and it is copied back: C is touched twice whatever k is.
 */
export function sgemmCoreWasm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number,
  c: Float32Array, cOff: number, ldc: number,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const kcMax = k < 256 ? k : 256;
  const ncp = ((n < 1024 ? n : 1024) + 7) & ~7;
  const mcp = ((m < 128 ? m : 128) + 3) & ~3;
  // rows of C per chunk: a multiple of 128 (whole A blocks), C chunk at most ~4 MiB
  let ch = Math.floor((1 << 20) / ncp / 128) * 128;
  if (ch < 128) ch = 128;
  const chp = ((m < ch ? m : ch) + 3) & ~3;
  // Operands up to 2^19 floats (the nets' layers) skip most packing loops: op(B) as stored and
  // op(A) as stored (or its transpose when lda <= 64) are copied whole into linear memory and read
  // in place by macroS (same tiles, same order, same bits); a transposed op(B) and a wide
  // transposed op(A) (a strided walk over 4 columns: measured slower than packing) are still
  // packed. Slack past each copy covers what the edge tiles read beyond the operand (zeroed,
  // landing in ignored C padding).
  const aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
  const spanA = (aRows - 1) * lda + aCols, spanB = (bRows - 1) * ldb + bCols;
  if (spanA <= 524288 && spanB <= 524288) {
    const packA = transA && lda > 64;
    const slackA = 4 * lda + 8, slackB = 8;
    // a wide transposed op(A) is packed by the module's packAT from the copy at 0 into apAt
    const apAt = (spanA + slackA + 3) & ~3;
    const bAt = packA ? apAt + mcp * kcMax : apAt;
    // a transposed op(B) is packed by the module's packBT from the copy at bAt into bpAt
    const bpAt = (bAt + spanB + slackB + 3) & ~3;
    const cAt = transB ? bpAt + ncp * kcMax : bpAt, cEnd = cAt + chp * ncp;
    const mem = wasm32Reserve(cEnd * 4);
    const exp = wasm32Slot.exp!;
    mem.set(a.subarray(aOff, aOff + spanA), 0);
    mem.fill(0, spanA, spanA + slackA);
    mem.set(b.subarray(bOff, bOff + spanB), bAt);
    mem.fill(0, bAt + spanB, bAt + spanB + slackB);
    // byte strides of op(A) in place: row, depth step, 4-row strip
    const ars = transA ? 4 : lda * 4, ast = transA ? lda * 4 : 4;
    for (let jc = 0; jc < n; jc += 1024) {
      const nb = n - jc < 1024 ? n - jc : 1024;
      for (let i0 = 0; i0 < m; i0 += ch) {
        const rows = m - i0 < ch ? m - i0 : ch;
        const flat = ldc === nb && nb === ncp;
        if (flat) mem.set(c.subarray(cOff + i0 * ldc, cOff + (i0 + rows) * ldc), cAt);
        else for (let i = 0; i < rows; i++) {
          const o = cOff + (i0 + i) * ldc + jc;
          mem.set(c.subarray(o, o + nb), cAt + i * ncp);
        }
        for (let pc = 0; pc < k; pc += 256) {
          const kb = k - pc < 256 ? k - pc : 256;
          let bPtr = (bAt + pc * ldb + jc) * 4, bst = ldb * 4, bjs = 32;
          if (transB) { exp.packBT(kb, nb, (bAt + jc * ldb + pc) * 4, ldb * 4, bpAt * 4); bPtr = bpAt * 4; bst = 32; bjs = kb * 32; }
          if (packA) {
            for (let ic = 0; ic < rows; ic += 128) {
              const mb = rows - ic < 128 ? rows - ic : 128;
              exp.packAT(kb, mb, (pc * lda + i0 + ic) * 4, lda * 4, apAt * 4);
              exp.macroS(kb, mb, nb, apAt * 4, 4, 16, kb * 16, bPtr, bst, bjs, (cAt + ic * ncp) * 4, ncp, alpha);
            }
          } else exp.macroS(kb, rows, nb, i0 * ars + pc * ast, ars, ast, 4 * ars, bPtr, bst, bjs, cAt * 4, ncp, alpha);
        }
        if (flat) c.set(mem.subarray(cAt, cAt + rows * ncp), cOff + i0 * ldc);
        else for (let i = 0; i < rows; i++) {
          const q = cAt + i * ncp;
          c.set(mem.subarray(q, q + nb), cOff + (i0 + i) * ldc + jc);
        }
      }
    }
    return;
  }
  // linear memory layout (floats): [Ap: mcp x kcMax][Bp: ncp x kcMax][Cw: chp x ncp]
  const bpAt = mcp * kcMax, cwAt = bpAt + ncp * kcMax, end = cwAt + chp * ncp;
  const mem = wasm32Reserve(end * 4);
  const exp = wasm32Slot.exp!;
  for (let jc = 0; jc < n; jc += 1024) {
    const nb = n - jc < 1024 ? n - jc : 1024;
    for (let i0 = 0; i0 < m; i0 += ch) {
      const rows = m - i0 < ch ? m - i0 : ch;
      // C rows contiguous and unpadded (ldc = nb = ncp): one copy each way, no per-row views
      const flat = ldc === nb && nb === ncp;
      if (flat) mem.set(c.subarray(cOff + i0 * ldc, cOff + (i0 + rows) * ldc), cwAt);
      else for (let i = 0; i < rows; i++) {
        const o = cOff + (i0 + i) * ldc + jc;
        mem.set(c.subarray(o, o + nb), cwAt + i * ncp);
      }
      for (let pc = 0; pc < k; pc += 256) {
        const kb = k - pc < 256 ? k - pc : 256;
        spackB(transB, b, bOff, ldb, pc, kb, jc, nb, mem, bpAt);
        for (let ic = 0; ic < rows; ic += 128) {
          const mb = rows - ic < 128 ? rows - ic : 128;
          spackA(transA, a, aOff, lda, i0 + ic, mb, pc, kb, mem, 0);
          exp.macro(kb, mb, nb, 0, bpAt * 4, (cwAt + ic * ncp) * 4, ncp, alpha);
        }
      }
      if (flat) c.set(mem.subarray(cwAt, cwAt + rows * ncp), cOff + i0 * ldc);
      else for (let i = 0; i < rows; i++) {
        const q = cwAt + i * ncp;
        c.set(mem.subarray(q, q + nb), cOff + (i0 + i) * ldc + jc);
      }
    }
  }
}

/** C[m x n] += alpha * op(A) op(B) (float32, fixed order) on this thread's backend. */
export function sgemmCore(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number,
  c: Float32Array, cOff: number, ldc: number,
): void {
  if (m <= 0 || n <= 0 || k <= 0 || alpha === 0) return;
  if (wasm32Slot.on) sgemmCoreWasm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  else sgemmCoreTs(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
}

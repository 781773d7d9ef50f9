/**
 * Self-contained compute kernels on Float64Array (row-major, leading dimensions, offsets).
 *
 * Every function here references only the others in this file and no imports, closures, nested
 * functions or arrow functions: `threads.ts` serialises them with `Function.prototype.toString`
 * into the source of its worker threads, so the exact same code runs on every core.
 *
 * Blocking follows GotoBLAS/BLIS: C is computed in KC-deep rank updates; op(A) is packed in MC x KC
 * blocks of 4-row strips and op(B) in KC x NC panels of 4-column strips, so the 4x4 register-tiled
 * micro-kernel streams both operands sequentially from cache (16 accumulators, 8 loads per 16
 * multiply-adds).
 *
 * `gemmCoreWasm` runs the same loops with the register tiles computed by the WebAssembly SIMD
 * macro-kernel of `asm/gemm.ts` (installed per thread in `wasmSlot` by `wasmInstall`): the panels
 * are packed by `packA`/`packB` straight into the module's linear memory, the kernel writes
 * alpha * (4x4 tile sums) into a scratch block there, and the block is added into C here. The
 * per-element operation sequence is that of `micro4x4` (same p order, separate multiply and add),
 * so both paths give bit-identical results and may be mixed freely across threads.
 */

/** Exports of the compiled `asm/gemm.ts` module. */
export interface WasmGemmExports {
  macro(kb: number, mb: number, nb: number, ap: number, bp: number, cb: number, ldcb: number, alpha: number, upper: number, rowMinusCol: number, tri: number, colMinusDepth: number): void;
  /** In-place LU with partial pivoting of an m x n row-major matrix at byte offset w; perm: m int32. */
  lu(w: number, m: number, n: number, perm: number): void;
  /** In-place Householder QR (reflectors below the diagonal) plus the thin Q at q (zero-filled m x min(m, n)). */
  qr(w: number, m: number, n: number, q: number, taus: number, tmp: number): void;
  /** Givens rotation of rows i, i + 1 of the n x n matrix at byte offset z (QL eigenvector update). */
  rotRows(z: number, i: number, n: number, c: number, s: number): void;
  macroStrided(kb: number, mb: number, nb: number, ap: number, rs: number, ps: number, bp: number, cb: number, ldcb: number, alpha: number, upper: number, rowMinusCol: number, tri: number, colMinusDepth: number): void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

/** Per-thread WebAssembly kernel state: `on` routes large `gemmCore` calls to `gemmCoreWasm`. */
export interface WasmSlot {
  on: boolean;
  exp: WasmGemmExports | null;
  f64: Float64Array;
  /** The compiled module (for temporary instances, see `wasmForBytes`). */
  mod?: object | null;
}

/** This thread's WebAssembly kernel (each worker thread declares and fills its own). */
export const wasmSlot: WasmSlot = { on: false, exp: null, f64: new Float64Array(0) };

/**
 * Compile and instantiate the kernel module synchronously into `wasmSlot` (false when
 * WebAssembly or its SIMD proposal is unavailable, or `bytes` is null). Does not switch it on.
 */
export function wasmInstall(bytes: Uint8Array | null): boolean {
  const W = (globalThis as unknown as { WebAssembly?: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
  if (!bytes || !W) return false;
  try {
    if (!W.validate(bytes)) return false;
    const mod = new W.Module(bytes);
    const inst = new W.Instance(mod, { env: { hypot: Math.hypot } });
    const exp = inst.exports as WasmGemmExports;
    wasmSlot.mod = mod;
    wasmSlot.exp = exp;
    wasmSlot.f64 = new Float64Array(exp.memory.buffer);
    return true;
  } catch {
    wasmSlot.exp = null;
    return false;
  }
}

/**
 * Linear memory of at least `bytes` bytes for a one-off large computation (LU / QR of a tall
 * matrix): this thread's instance up to 32 MiB; beyond that a temporary instance of the same module,
 * so that the large memory is garbage-collected with it (WebAssembly memories never shrink).
 * Not used by worker threads.
 */
export function wasmForBytes(bytes: number): { exp: WasmGemmExports; f64: Float64Array } {
  if (bytes <= 1 << 25 || !wasmSlot.mod) return { exp: wasmSlot.exp!, f64: wasmReserve(bytes) };
  const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
  const exp = new W.Instance(wasmSlot.mod, { env: { hypot: Math.hypot } }).exports as WasmGemmExports;
  exp.memory.grow(Math.ceil(bytes / 65536));
  return { exp, f64: new Float64Array(exp.memory.buffer) };
}

/** A Float64Array view of the kernel's linear memory, grown to at least `bytes` bytes. */
export function wasmReserve(bytes: number): Float64Array {
  const mem = wasmSlot.exp!.memory;
  const have = mem.buffer.byteLength;
  if (have < bytes) mem.grow(Math.ceil((bytes - have) / 65536));
  if (wasmSlot.f64.buffer !== mem.buffer) wasmSlot.f64 = new Float64Array(mem.buffer);
  return wasmSlot.f64;
}

/** Depth of a packed rank update. */
export const KC = 256;
/** Rows of op(A) packed at once (MC x KC doubles = 256 KiB, L2-resident). */
export const MC = 128;
/** Columns of op(B) packed at once (KC x NC doubles = 2 MiB). */
export const NC = 1024;

/**
 * Pack rows [i0, i0+mb) x depth [p0, p0+kb) of op(A) into 4-row strips: strip s holds
 * op(A)[i0+4s+r, p0+p] at dst[s*4*kb + 4p + r], zero-padded past mb.
 */
export function packA(transA: boolean, a: Float64Array, aOff: number, lda: number, i0: number, mb: number, p0: number, kb: number, dst: Float64Array): void {
  for (let s = 0; s < mb; s += 4) {
    const rows = mb - s < 4 ? mb - s : 4;
    let d = s * kb;
    if (!transA) {
      const r0 = aOff + (i0 + s) * lda + p0;
      if (rows === 4) {
        for (let p = 0; p < kb; p++, d += 4) {
          dst[d] = a[r0 + p]!; dst[d + 1] = a[r0 + lda + p]!; dst[d + 2] = a[r0 + 2 * lda + p]!; dst[d + 3] = a[r0 + 3 * lda + p]!;
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
 * Pack depth [p0, p0+kb) x columns [j0, j0+nb) of op(B) into 4-column strips: strip s holds
 * op(B)[p0+p, j0+4s+c] at dst[s*4*kb + 4p + c], zero-padded past nb.
 */
export function packB(transB: boolean, b: Float64Array, bOff: number, ldb: number, p0: number, kb: number, j0: number, nb: number, dst: Float64Array): void {
  for (let s = 0; s < nb; s += 4) {
    const cols = nb - s < 4 ? nb - s : 4;
    let d = s * kb;
    if (!transB) {
      let src = bOff + p0 * ldb + j0 + s;
      if (cols === 4) {
        for (let p = 0; p < kb; p++, d += 4, src += ldb) {
          dst[d] = b[src]!; dst[d + 1] = b[src + 1]!; dst[d + 2] = b[src + 2]!; dst[d + 3] = b[src + 3]!;
        }
      } else {
        for (let p = 0; p < kb; p++, d += 4, src += ldb) for (let c = 0; c < 4; c++) dst[d + c] = c < cols ? b[src + c]! : 0;
      }
    } else {
      const r0 = bOff + (j0 + s) * ldb + p0;
      if (cols === 4) {
        for (let p = 0; p < kb; p++, d += 4) {
          dst[d] = b[r0 + p]!; dst[d + 1] = b[r0 + ldb + p]!; dst[d + 2] = b[r0 + 2 * ldb + p]!; dst[d + 3] = b[r0 + 3 * ldb + p]!;
        }
      } else {
        for (let p = 0; p < kb; p++, d += 4) for (let c = 0; c < 4; c++) dst[d + c] = c < cols ? b[r0 + c * ldb + p]! : 0;
      }
    }
  }
}

/**
 * 4x4 micro-kernel: C[c + r*ldc + j] += alpha * sum_p Ap[a + 4p + r] * Bp[b + 4p + j] for r < mr, j < nr.
 */
export function micro4x4(kb: number, ap: Float64Array, a: number, bp: Float64Array, b: number, alpha: number, c: Float64Array, cOff: number, ldc: number, mr: number, nr: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kb; p++, a += 4, b += 4) {
    const b0 = bp[b]!, b1 = bp[b + 1]!, b2 = bp[b + 2]!, b3 = bp[b + 3]!;
    let x = ap[a]!;
    c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
    x = ap[a + 1]!;
    c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
    x = ap[a + 2]!;
    c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
    x = ap[a + 3]!;
    c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
  }
  if (mr === 4 && nr === 4) {
    let o = cOff;
    c[o]! += alpha * c00; c[o + 1]! += alpha * c01; c[o + 2]! += alpha * c02; c[o + 3]! += alpha * c03; o += ldc;
    c[o]! += alpha * c10; c[o + 1]! += alpha * c11; c[o + 2]! += alpha * c12; c[o + 3]! += alpha * c13; o += ldc;
    c[o]! += alpha * c20; c[o + 1]! += alpha * c21; c[o + 2]! += alpha * c22; c[o + 3]! += alpha * c23; o += ldc;
    c[o]! += alpha * c30; c[o + 1]! += alpha * c31; c[o + 2]! += alpha * c32; c[o + 3]! += alpha * c33;
    return;
  }
  for (let r = 0; r < mr; r++) {
    const o = cOff + r * ldc;
    const v0 = r === 0 ? c00 : r === 1 ? c10 : r === 2 ? c20 : c30;
    const v1 = r === 0 ? c01 : r === 1 ? c11 : r === 2 ? c21 : c31;
    const v2 = r === 0 ? c02 : r === 1 ? c12 : r === 2 ? c22 : c32;
    const v3 = r === 0 ? c03 : r === 1 ? c13 : r === 2 ? c23 : c33;
    c[o]! += alpha * v0;
    if (nr > 1) c[o + 1]! += alpha * v1;
    if (nr > 2) c[o + 2]! += alpha * v2;
    if (nr > 3) c[o + 3]! += alpha * v3;
  }
}

/**
 * C[m x n] += alpha * op(A)[m x k] * op(B)[k x n] (no beta: the caller scales C first).
 * `upper` restricts the work to 4x4 tiles on or above the diagonal (for syrk; m === n).
 * `triB` > 0 declares op(B) upper triangular (op(B)[p, j] = 0 for p > j) and skips the zero part.
 */
export function gemmCore(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float64Array, aOff: number, lda: number, b: Float64Array, bOff: number, ldb: number,
  c: Float64Array, cOff: number, ldc: number, upper: boolean, triB: boolean,
): void {
  if (m <= 0 || n <= 0 || k <= 0 || alpha === 0) return;
  if (wasmSlot.on) {
    gemmCoreWasm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, upper, triB);
    return;
  }
  const kcMax = k < 256 ? k : 256;
  const ncMax = n < 1024 ? n : 1024;
  const mcMax = m < 128 ? m : 128;
  const ap = new Float64Array(((mcMax + 3) & ~3) * kcMax);
  const bp = new Float64Array(((ncMax + 3) & ~3) * kcMax);
  for (let jc = 0; jc < n; jc += 1024) {
    const nb = n - jc < 1024 ? n - jc : 1024;
    for (let pc = 0; pc < k; pc += 256) {
      if (triB && pc > jc + nb - 1) break;
      const kb = k - pc < 256 ? k - pc : 256;
      packB(transB, b, bOff, ldb, pc, kb, jc, nb, bp);
      for (let ic = 0; ic < m; ic += 128) {
        const mb = m - ic < 128 ? m - ic : 128;
        if (upper && ic > jc + nb - 1) break;
        packA(transA, a, aOff, lda, ic, mb, pc, kb, ap);
        for (let jr = 0; jr < nb; jr += 4) {
          const nr = nb - jr < 4 ? nb - jr : 4;
          const col = jc + jr;
          let kEff = kb;
          if (triB) {
            const lim = col + nr - pc; // rows p of this strip with pc + p <= col + nr - 1
            if (lim <= 0) continue;
            if (lim < kEff) kEff = lim;
          }
          for (let ir = 0; ir < mb; ir += 4) {
            const row = ic + ir;
            if (upper && row > col + 3) break;
            const mr = mb - ir < 4 ? mb - ir : 4;
            micro4x4(kEff, ap, ir * kb, bp, jr * kb, alpha, c, cOff + row * ldc + col, ldc, mr, nr);
          }
        }
      }
    }
  }
}

/**
 * `gemmCore` on the WebAssembly SIMD kernel (`wasmSlot.exp` must be installed); same blocking,
 * same arguments, bit-identical result.
 */
export function gemmCoreWasm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float64Array, aOff: number, lda: number, b: Float64Array, bOff: number, ldb: number,
  c: Float64Array, cOff: number, ldc: number, upper: boolean, triB: boolean,
): void {
  const kcMax = k < 256 ? k : 256;
  const ncp = ((n < 1024 ? n : 1024) + 3) & ~3;
  // Narrow products reuse each op(A) block for few column strips, so packing it would cost as much
  // as the multiply-adds: copy it as is instead (row segments, memcpy speed; the kernel reads it
  // with strides). A transposed raw block takes up to 256 rows of op(A) so that a narrow row-major
  // A (lda <= 256) is copied in one piece per depth block. The row blocking (MC) does not change
  // any sum, only the depth blocking (KC = 256) does.
  const rawA = n <= 64;
  const mc = rawA && transA ? 256 : 128;
  const mcp = ((m < mc ? m : mc) + 3) & ~3;
  // A transposed raw block spans kb rows of A; when they are not much longer than the block
  // (lda <= 2 mcp, e.g. a row-split over threads of a narrow A^T B) copy the whole span in one piece
  const span = rawA && transA && lda <= 2 * mcp;
  const apLen = (span ? lda : mcp) * kcMax + 4;
  // linear memory layout (doubles): [Ap (+4 slack)][Bp: ncp x kcMax][Cb: mcp x ncp]
  const bpAt = apLen, cbAt = bpAt + ncp * kcMax, end = cbAt + mcp * ncp;
  const mem = wasmReserve(end * 8);
  const ap = mem.subarray(0, bpAt), bp = mem.subarray(bpAt, cbAt), cb = mem.subarray(cbAt, end);
  const exp = wasmSlot.exp!;
  for (let jc = 0; jc < n; jc += 1024) {
    const nb = n - jc < 1024 ? n - jc : 1024;
    for (let pc = 0; pc < k; pc += 256) {
      if (triB && pc > jc + nb - 1) break;
      const kb = k - pc < 256 ? k - pc : 256;
      packB(transB, b, bOff, ldb, pc, kb, jc, nb, bp);
      // first column strip with a non-empty depth range when op(B) is upper triangular
      let j0 = 0;
      if (triB) while (j0 < nb && jc + j0 + (nb - j0 < 4 ? nb - j0 : 4) <= pc) j0 += 4;
      for (let ic = 0; ic < m; ic += mc) {
        const mb = m - ic < mc ? m - ic : mc;
        if (upper && ic > jc + nb - 1) break;
        if (rawA) {
          // op(A) block copied row segment by row segment (memcpy speed), read in place by the kernel
          if (!transA) {
            let src = aOff + ic * lda + pc;
            if (kb === lda) ap.set(a.subarray(src, src + mb * kb));
            else for (let i = 0; i < mb; i++, src += lda) ap.set(a.subarray(src, src + kb), i * kb);
            exp.macroStrided(kb, mb, nb, 0, kb * 8, 8, bpAt * 8, cbAt * 8, ncp, alpha, upper ? 1 : 0, ic - jc, triB ? 1 : 0, jc - pc);
          } else {
            let src = aOff + pc * lda + ic;
            // one copy of the span with stride lda (lanes past mb read other columns or the slack),
            // or row segments with stride mcp
            const ld = span ? lda : mcp;
            if (span) ap.set(a.subarray(src, src + (kb - 1) * lda + mb));
            else for (let p = 0; p < kb; p++, src += lda) ap.set(a.subarray(src, src + mb), p * mcp);
            exp.macroStrided(kb, mb, nb, 0, 8, ld * 8, bpAt * 8, cbAt * 8, ncp, alpha, upper ? 1 : 0, ic - jc, triB ? 1 : 0, jc - pc);
          }
        } else {
          packA(transA, a, aOff, lda, ic, mb, pc, kb, ap);
          exp.macro(kb, mb, nb, 0, bpAt * 8, cbAt * 8, ncp, alpha, upper ? 1 : 0, ic - jc, triB ? 1 : 0, jc - pc);
        }
        for (let i = 0; i < mb; i++) {
          let js = j0;
          if (upper) { const d = ic + (i & ~3) - jc; if (d > js) js = d; }
          const o = cOff + (ic + i) * ldc + jc, q = i * ncp;
          for (let j = js; j < nb; j++) c[o + j]! += cb[q + j]!;
        }
      }
    }
  }
}

/**
 * Centered Gram of a row block: C[d x d] += (X[r0:r1] - mu)^T (X[r0:r1] - mu), optionally after a
 * right multiplication by an upper-triangular W (C += (Xc W)^T (Xc W)). X is row-major with `d`
 * columns; mu may be null (no centering). Only the upper triangle of C is accumulated (4x4 tiles
 * straddling the diagonal write both sides). Works in blocks of 256 rows so the centered copy stays
 * in cache.
 */
export function gramBlockCore(x: Float64Array, xOff: number, r0: number, r1: number, d: number, mu: Float64Array | null, w: Float64Array | null, c: Float64Array): void {
  if (wasmSlot.on && !w && d <= 1024) {
    gramBlockCoreWasm(x, xOff, r0, r1, d, mu, c);
    return;
  }
  const BR = 256;
  const buf = new Float64Array(BR * d);
  const buf2 = w ? new Float64Array(BR * d) : buf;
  for (let s = r0; s < r1; s += BR) {
    const rows = r1 - s < BR ? r1 - s : BR;
    const base = xOff + s * d;
    if (mu) {
      for (let i = 0; i < rows; i++) {
        const o = i * d, src = base + i * d;
        for (let j = 0; j < d; j++) buf[o + j] = x[src + j]! - mu[j]!;
      }
    } else {
      for (let t = 0; t < rows * d; t++) buf[t] = x[base + t]!;
    }
    let y = buf;
    if (w) {
      for (let t = 0; t < rows * d; t++) buf2[t] = 0;
      gemmCore(false, false, rows, d, d, 1, buf, 0, d, w, 0, d, buf2, 0, d, false, true);
      y = buf2;
    }
    gemmCore(true, false, d, d, rows, 1, y, 0, d, y, 0, d, c, 0, d, true, false);
  }
}

/**
 * `gramBlockCore` without W on the WebAssembly kernel: each 256-row chunk is centered straight into
 * the packed panel in linear memory, once, because op(A) = Y^T packed in 4-row strips and
 * op(B) = Y packed in 4-column strips have the same layout (A block ic is B strips from ic on).
 * Same sums in the same order as `gramBlockCore` + `gemmCore`, so bit-identical. Needs d <= 1024
 * (one column panel).
 */
export function gramBlockCoreWasm(x: Float64Array, xOff: number, r0: number, r1: number, d: number, mu: Float64Array | null, c: Float64Array): void {
  const dp = (d + 3) & ~3;
  const cbAt = dp * 256, end = cbAt + 128 * dp;
  const mem = wasmReserve(end * 8);
  const exp = wasmSlot.exp!;
  for (let s = r0; s < r1; s += 256) {
    const kb = r1 - s < 256 ? r1 - s : 256;
    // centered, packed: element (p, j) at (j >> 2) * 4 kb + 4 p + (j & 3); zero columns up to dp
    for (let p = 0; p < kb; p++) {
      const src = xOff + (s + p) * d;
      let o = 4 * p, j = 0;
      if (mu) {
        for (; j + 3 < d; j += 4, o += 4 * kb) {
          mem[o] = x[src + j]! - mu[j]!; mem[o + 1] = x[src + j + 1]! - mu[j + 1]!;
          mem[o + 2] = x[src + j + 2]! - mu[j + 2]!; mem[o + 3] = x[src + j + 3]! - mu[j + 3]!;
        }
        for (let r = 0; j + r < dp; r++) mem[o + r] = j + r < d ? x[src + j + r]! - mu[j + r]! : 0;
      } else {
        for (; j + 3 < d; j += 4, o += 4 * kb) {
          mem[o] = x[src + j]!; mem[o + 1] = x[src + j + 1]!; mem[o + 2] = x[src + j + 2]!; mem[o + 3] = x[src + j + 3]!;
        }
        for (let r = 0; j + r < dp; r++) mem[o + r] = j + r < d ? x[src + j + r]! : 0;
      }
    }
    for (let ic = 0; ic < d; ic += 128) {
      const mb = d - ic < 128 ? d - ic : 128;
      exp.macro(kb, mb, d, ic * kb * 8, 0, cbAt * 8, dp, 1, 1, ic, 0, 0);
      for (let i = 0; i < mb; i++) {
        const js = ic + (i & ~3);
        const o = (ic + i) * d, q = cbAt + i * dp;
        for (let j = js; j < d; j++) c[o + j]! += mem[q + j]!;
      }
    }
  }
}


/**
 * One pass of a randomized range finder over rows [r0, r1) of X (row-major, d columns), centred
 * by mu on the fly in chunks of `br` rows (no centred copy of X): with Y = (X - mu) Q for the
 * d x s matrix q, accumulates z += (X - mu)^T Y (d x s), g += Y^T Y (s x s) and sq[0] += the sum of
 * squares of X - mu. The sums depend only on br and the row range, not on the backend.
 */
export function rangePassCore(x: Float64Array, xOff: number, r0: number, r1: number, d: number, mu: Float64Array, q: Float64Array, s: number, br: number, z: Float64Array, g: Float64Array, sq: Float64Array): void {
  const buf = new Float64Array(br * d);
  const yb = new Float64Array(br * s);
  let ss = 0;
  for (let st = r0; st < r1; st += br) {
    const rows = r1 - st < br ? r1 - st : br;
    const base = xOff + st * d;
    for (let i = 0; i < rows; i++) {
      const o = i * d, src = base + i * d;
      for (let j = 0; j < d; j++) { const v = x[src + j]! - mu[j]!; buf[o + j] = v; ss += v * v; }
    }
    for (let t = 0; t < rows * s; t++) yb[t] = 0;
    gemmCore(false, false, rows, s, d, 1, buf, 0, d, q, 0, s, yb, 0, s, false, false);
    gemmCore(true, false, d, s, rows, 1, buf, 0, d, yb, 0, s, z, 0, s, false, false);
    gemmCore(true, false, s, s, rows, 1, yb, 0, s, yb, 0, s, g, 0, s, false, false);
  }
  sq[0]! += ss;
}

/**
 * WebAssembly kernels of histogram gradient boosting (`src/ensemble/histWasm.ts`), compiled ahead
 * of time by `scripts/build-wasm.mjs` into `src/ensemble/histWasm.generated.ts`, importing a
 * shared `env.memory`: every thread (the calling one and the linalg workers) has its own instance
 * on the same memory, which holds the row-major bins, the sample partition, the gradients and
 * hessians and a histogram scratch area.
 *
 * All addresses are byte offsets chosen by the caller (no allocation, no runtime).
 *
 * Histograms: for the samples `part[start:stop]` and the features `f0..f1` of each sample's row
 * of bins (`rowStride` bytes per row, one byte per feature), every (feature, bin) slot adds the
 * sample's float32 gradient (and hessian) promoted to float64, and counts it. The samples are
 * visited in partition order, so every slot's float64 sum runs in sample order exactly as
 * scikit-learn's `_build_histogram` (and the TypeScript kernel): the sums are bit-identical
 * whatever the feature ranges given to the threads.
 *
 * Scratch layout (per feature f, bin b):
 * - `hist` (gradients and hessians): 32 bytes at `outp + (f * nBins + b) * 32`: f64x2 (sum g, sum h), u32 count;
 * - `histConst` (constant hessians): 16 bytes at `outp + (f * nBins + b) * 16`: f64 sum g, u32 count.
 */

/** Zero the scratch slots of features f0..f1 (`slot` bytes per bin). */
// @ts-ignore: decorator
@inline
function zeroRange(outp: usize, nBins: i32, f0: i32, f1: i32, slot: usize): void {
  const a = outp + <usize>f0 * <usize>nBins * slot;
  const e = outp + <usize>f1 * <usize>nBins * slot;
  memory.fill(a, 0, e - a);
}

/** One update of a 32-byte slot: (g, h) += gh, count += 1. */
// @ts-ignore: decorator
@inline
function add32(o: usize, gh: v128): void {
  v128.store(o, f64x2.add(v128.load(o), gh));
  store<u32>(o, load<u32>(o, 16) + 1, 16);
}

/** One update of a 16-byte slot: g += gi, count += 1. */
// @ts-ignore: decorator
@inline
function add16(o: usize, gi: f64): void {
  store<f64>(o, load<f64>(o) + gi);
  store<u32>(o, load<u32>(o, 8) + 1, 8);
}

/**
 * Stable partition of the samples `src[a:b]` (u32 indices at `srcp`) by the bins of one feature
 * (column-major bins of that feature at `colp`, one byte per sample): `lut[bin]` (256 bytes at
 * `lutp`) is 1 for the left side. Each index is stored once, at an address selected without a
 * branch (the side of a sample is unpredictable): the left side at `pl`, the right side at `pr`
 * (byte addresses in another buffer, never `src`). `step` 4: forward, samples a, a+1, ... written at
 * increasing addresses; -4: backward, samples b-1, b-2, ... written at decreasing addresses (each
 * side ends at `pl` / `pr`), which keeps each side in sample order. Returns the number of samples
 * going left.
 */
export function partitionTo(colp: usize, srcp: usize, a: i32, b: i32, lutp: usize, pl: usize, pr: usize, step: i32): i32 {
  let nl = 0;
  if (step > 0) {
    for (let i = a; i < b; i++) {
      const idx = load<u32>(srcp + (<usize>i << 2));
      const l = <i32>load<u8>(lutp + <usize>load<u8>(colp + <usize>idx));
      store<u32>(select<usize>(pl, pr, l), idx);
      pl += <usize>(l << 2);
      pr += <usize>((1 - l) << 2);
      nl += l;
    }
  } else {
    for (let i = b - 1; i >= a; i--) {
      const idx = load<u32>(srcp + (<usize>i << 2));
      const l = <i32>load<u8>(lutp + <usize>load<u8>(colp + <usize>idx));
      store<u32>(select<usize>(pl, pr, l), idx);
      pl -= <usize>(l << 2);
      pr -= <usize>((1 - l) << 2);
      nl += l;
    }
  }
  return nl;
}

/** The number of samples of `src[a:b]` going left (as `partitionTo`, without writing). */
export function countLeft(colp: usize, srcp: usize, a: i32, b: i32, lutp: usize): i32 {
  let nl = 0;
  for (let i = a; i < b; i++) nl += <i32>load<u8>(lutp + <usize>load<u8>(colp + <usize>load<u32>(srcp + (<usize>i << 2))));
  return nl;
}

/**
 * Gather the samples `part[start:stop]` into contiguous memory, in partition order: each sample's
 * row of `d` bins (copied in 16-byte blocks to a row of `gstride` bytes, a multiple of 16, at
 * `dstp`) and its gradient pair (`ghBytes` = 8: float32 g, h) or gradient (4) at `dstGh`. The
 * histogram of a child node then reads its rows and gradients sequentially (`histRows`) instead
 * of one scattered row and gradient per sample, which stalls on memory. Source rows are read in
 * 16-byte blocks and may read up to 15 bytes past a row (still inside the memory).
 */
export function gather(binp: usize, d: i32, partp: usize, start: i32, stop: i32, ghp: usize, ghBytes: i32, dstp: usize, gstride: i32, dstGh: usize): void {
  const stride = <usize>d;
  const gs = <usize>gstride;
  let o = dstp;
  let og = dstGh;
  if (ghBytes === 8) {
    for (let i = start; i < stop; i++) {
      const idx = <usize>load<u32>(partp + (<usize>i << 2));
      const src = binp + idx * stride;
      for (let k: usize = 0; k < gs; k += 16) v128.store(o + k, v128.load(src + k));
      store<u64>(og, load<u64>(ghp + (idx << 3)));
      o += gs;
      og += 8;
    }
  } else {
    for (let i = start; i < stop; i++) {
      const idx = <usize>load<u32>(partp + (<usize>i << 2));
      const src = binp + idx * stride;
      for (let k: usize = 0; k < gs; k += 16) v128.store(o + k, v128.load(src + k));
      store<u32>(og, load<u32>(ghp + (idx << 2)));
      o += gs;
      og += 4;
    }
  }
}

/** One update of a 32-byte slot's sums only (the count is left alone): (g, h) += gh. */
// @ts-ignore: decorator
@inline
function add32nc(o: usize, gh: v128): void {
  v128.store(o, f64x2.add(v128.load(o), gh));
}

/** Slot layouts of {@link histLoop}. */
const GH = 0; // 32 bytes: f64x2 (sum g, sum h), u32 count
const CONST = 1; // 16 bytes: f64 sum g, u32 count (constant hessians)
const GH_NOCOUNT = 2; // 32 bytes, sums only

/** One update of feature slot `o` by the sample's (g, h) pair or gradient. */
// @ts-ignore: decorator
@inline
function slotAdd(o: usize, gh: v128, gi: f64, mode: i32): void {
  if (mode == CONST) add16(o, gi);
  else if (mode == GH) add32(o, gh);
  else add32nc(o, gh);
}

/**
 * The histogram loop of every kernel below. `indexed` and `mode` are constants at each (inlined)
 * call site, so each export compiles to its own branch-free loop. Samples `i0..i1` are either
 * `part[i]` (indexed: the partition, u32 sample indices at `partp`) or the rows `i` themselves
 * (rows stored one after another, as `gather` writes them); each sample's row of bins is
 * `rowStride` bytes at `binp`, its gradient data at `gp` (float32 (g, h) pairs, or float32
 * gradients for CONST). Every slot's float64 sum runs in sample order.
 */
// @ts-ignore: decorator
@inline
function histLoop(binp: usize, rowStride: i32, partp: usize, i0: i32, i1: i32, gp: usize, outp: usize, nBins: i32, f0: i32, f1: i32, indexed: bool, mode: i32): void {
  const sh: usize = mode == CONST ? 4 : 5;
  zeroRange(outp, nBins, f0, f1, <usize>1 << sh);
  const fs = <usize>nBins << sh;
  const n4 = f0 + ((f1 - f0) & ~3);
  const base = outp + <usize>f0 * fs;
  const stride = <usize>rowStride;
  for (let i = i0; i < i1; i++) {
    const idx = indexed ? <usize>load<u32>(partp + (<usize>i << 2)) : <usize>i;
    const gh = mode == CONST ? f64x2.splat(0) : f64x2.promote_low_f32x4(v128.load64_zero(gp + (idx << 3)));
    const gi = mode == CONST ? <f64>load<f32>(gp + (idx << 2)) : 0.0;
    const row = binp + idx * stride;
    let o = base;
    let f = f0;
    for (; f < n4; f += 4) {
      const w = load<u32>(row + <usize>f);
      slotAdd(o + (<usize>(w & 255) << sh), gh, gi, mode);
      slotAdd(o + fs + (<usize>((w >>> 8) & 255) << sh), gh, gi, mode);
      slotAdd(o + 2 * fs + (<usize>((w >>> 16) & 255) << sh), gh, gi, mode);
      slotAdd(o + 3 * fs + (<usize>(w >>> 24) << sh), gh, gi, mode);
      o += 4 * fs;
    }
    for (; f < f1; f++) {
      slotAdd(o + (<usize>load<u8>(row + <usize>f) << sh), gh, gi, mode);
      o += fs;
    }
  }
}

/**
 * Histogram with hessians: gradients and hessians interleaved as float32 pairs at `ghp`
 * (`ghp + 8 * i`: g_i, h_i), partition (u32 sample indices) at `partp`.
 */
export function hist(binp: usize, rowStride: i32, partp: usize, start: i32, stop: i32, ghp: usize, outp: usize, nBins: i32, f0: i32, f1: i32): void {
  histLoop(binp, rowStride, partp, start, stop, ghp, outp, nBins, f0, f1, true, GH);
}

/** Histogram with constant hessians: float32 gradients at `gp` (only gradients and counts are summed). */
export function histConst(binp: usize, rowStride: i32, partp: usize, start: i32, stop: i32, gp: usize, outp: usize, nBins: i32, f0: i32, f1: i32): void {
  histLoop(binp, rowStride, partp, start, stop, gp, outp, nBins, f0, f1, true, CONST);
}

/**
 * `hist` over rows stored one after another: rows `i0..i1` of `binp` (`rowStride` bytes each)
 * with their (g, h) float32 pairs at `ghp + 8 * i` (the root: the bins and gradients in sample
 * order; a child: what `gather` wrote). Same sums in the same order as `hist` over the partition.
 */
export function histRows(binp: usize, rowStride: i32, i0: i32, i1: i32, ghp: usize, outp: usize, nBins: i32, f0: i32, f1: i32): void {
  histLoop(binp, rowStride, 0, i0, i1, ghp, outp, nBins, f0, f1, false, GH);
}

/**
 * `histRows` without the counts (left 0): the root of every tree, whose counts are those of the
 * first tree's root (every sample, same bins), so the caller copies them in. One read-modify-write
 * per update instead of two (the count's costs as much as the sums').
 */
export function histRowsNoCount(binp: usize, rowStride: i32, i0: i32, i1: i32, ghp: usize, outp: usize, nBins: i32, f0: i32, f1: i32): void {
  histLoop(binp, rowStride, 0, i0, i1, ghp, outp, nBins, f0, f1, false, GH_NOCOUNT);
}

/** `histConst` over rows stored one after another (float32 gradients at `gp + 4 * i`). */
export function histRowsConst(binp: usize, rowStride: i32, i0: i32, i1: i32, gp: usize, outp: usize, nBins: i32, f0: i32, f1: i32): void {
  histLoop(binp, rowStride, 0, i0, i1, gp, outp, nBins, f0, f1, false, CONST);
}

/** How many of the 16 float64 at `p` are below the value splatted in `vv` (8 SIMD comparisons, no branch). */
// @ts-ignore: decorator
@inline
function count16Below(p: usize, vv: v128): i32 {
  let a = f64x2.lt(v128.load(p), vv);
  a = i64x2.add(a, f64x2.lt(v128.load(p, 16), vv));
  a = i64x2.add(a, f64x2.lt(v128.load(p, 32), vv));
  a = i64x2.add(a, f64x2.lt(v128.load(p, 48), vv));
  a = i64x2.add(a, f64x2.lt(v128.load(p, 64), vv));
  a = i64x2.add(a, f64x2.lt(v128.load(p, 80), vv));
  a = i64x2.add(a, f64x2.lt(v128.load(p, 96), vv));
  a = i64x2.add(a, f64x2.lt(v128.load(p, 112), vv));
  // lanes hold minus the counts (a true comparison is all ones: -1)
  return <i32>-(i64x2.extract_lane(a, 0) + i64x2.extract_lane(a, 1));
}

/**
 * Bins of `rows` rows of float64 values at `xp` (row-major, `d` per row) into the row-major bins
 * (`outRow + (base + i) * d + j`) and the column-major bins (`outCol + j * n + base + i`).
 * `padp`: 256 float64 thresholds per feature (+Infinity after the real ones), followed by a
 * coarse table of 16 per feature (`padp + 2048 * d + 128 * j`: thresholds 15, 31, ..., 255). The
 * bin is the number of thresholds below the value (the binning of `binning.ts`), counted in two
 * levels of 16 SIMD comparisons: the coarse table gives the block of 16 thresholds holding the
 * bin, the block gives the rest (no chain of dependent loads as in a binary search: 4x faster).
 * NaN compares false everywhere and goes to `missing`. If a value is +-Infinity, 1 is stored at
 * `flagp` (the fit's validation of X, done in this pass).
 */
export function binRows(xp: usize, rows: i32, d: i32, padp: usize, missing: i32, outRow: usize, outCol: usize, n: i32, base: i32, flagp: usize): void {
  let inf = 0;
  const dd = <usize>d;
  const nn = <usize>n;
  const l1p = padp + (dd << 11);
  for (let i = 0; i < rows; i++) {
    const xr = xp + ((<usize>i * dd) << 3);
    const orow = outRow + (<usize>(base + i)) * dd;
    const ocol = outCol + <usize>(base + i);
    for (let j: usize = 0; j < dd; j++) {
      const v = load<f64>(xr + (j << 3));
      const vv = f64x2.splat(v);
      inf |= <i32>(abs<f64>(v) == Infinity);
      const blk = <usize>count16Below(l1p + (j << 7), vv);
      const pos = <i32>(blk << 4) + count16Below(padp + (j << 11) + (blk << 7), vv);
      const bin = select<i32>(missing, pos, v != v);
      store<u8>(orow + j, <u8>bin);
      store<u8>(ocol + j * nn, <u8>bin);
    }
  }
  if (inf != 0) store<i32>(flagp, 1);
}

/**
 * `Math.exp` of V8, bit for bit: fdlibm's `__ieee754_exp` as in v8/src/base/ieee754.cc `exp` (same
 * constants, same operations in the same order, no fused multiply-add, and V8's exp(1) = E case).
 * Checked against Math.exp on > 10^6 arguments by test/ensemble/hgbExp.test.ts.
 */
function expV8(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  // non-finite and huge arguments (|x| >= 709.78...)
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  // argument reduction
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045;
      hi = x - (xsb == 0 ? 6.93147180369123816490e-01 : -6.93147180369123816490e-01);
      lo = xsb == 0 ? 1.90821492927058770002e-10 : -1.90821492927058770002e-10;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(1.44269504088896338700e+00 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * 6.93147180369123816490e-01;
      lo = t * 1.90821492927058770002e-10;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = k >= -1021
    ? reinterpret<f64>(<u64>(<u32>(0x3ff00000 + (k << 20))) << 32)
    : reinterpret<f64>(<u64>(<u32>(0x3ff00000 + ((k + 1000) << 20))) << 32);
  const c = x - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * twopk;
  }
  return y * twopk * 9.33263618503218878990e-302;
}

/** `Math.exp(x)` bit for bit (the tests' handle on `expV8`). */
export function exp(x: f64): f64 {
  return expV8(x);
}

/**
 * `expV8` of both lanes of x: where both arguments are in its main range (2^-28 <= |x| < 709.78,
 * x != 1, 2^k normal) by the f64x2 form of its operations (every lane runs exactly expV8's
 * operations: the cases |x| < 0.5 ln 2 and |x| < 1.5 ln 2 are its general reduction with k = 0 and
 * k = +-1, bit for bit), else lane by lane by expV8.
 */
function expV8x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const ax = f64x2.abs(x);
  const s = v128.and(x, f64x2.splat(-0.0));
  // high word > 0x3fd62e42 (else k = 0), >= 0x3ff0a2b2 (then k = trunc(x / ln 2 +- 0.5), else +-1)
  const tA = f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(1.44269504088896338700e+00), x), v128.or(s, f64x2.splat(0.5))));
  const tB = v128.or(s, one);
  const t = v128.bitselect(tA, v128.and(tB, f64x2.ge(ax, f64x2.splat(reinterpret<f64>(0x3fd62e4300000000)))), f64x2.ge(ax, f64x2.splat(reinterpret<f64>(0x3ff0a2b200000000))));
  const ok = v128.and(
    v128.and(f64x2.ge(ax, f64x2.splat(reinterpret<f64>(0x3e30000000000000))), f64x2.lt(ax, f64x2.splat(reinterpret<f64>(0x40862e4200000000)))),
    v128.and(v128.and(f64x2.ne(x, one), f64x2.lt(t, f64x2.splat(1024.0))), f64x2.ge(t, f64x2.splat(-1021.0))),
  );
  if (!i64x2.all_true(ok)) return f64x2.replace_lane(f64x2.splat(expV8(f64x2.extract_lane(x, 0))), 1, expV8(f64x2.extract_lane(x, 1)));
  const hi = f64x2.sub(x, f64x2.mul(t, f64x2.splat(6.93147180369123816490e-01)));
  const lo = f64x2.mul(t, f64x2.splat(1.90821492927058770002e-10));
  const r = f64x2.sub(hi, lo);
  const tt = f64x2.mul(r, r);
  let c = f64x2.mul(tt, f64x2.splat(4.13813679705723846039e-08));
  c = f64x2.mul(tt, f64x2.add(f64x2.splat(-1.65339022054652515390e-06), c));
  c = f64x2.mul(tt, f64x2.add(f64x2.splat(6.61375632143793436117e-05), c));
  c = f64x2.mul(tt, f64x2.add(f64x2.splat(-2.77777777770155933842e-03), c));
  c = f64x2.mul(tt, f64x2.add(f64x2.splat(1.66666666666666019037e-01), c));
  c = f64x2.sub(r, c);
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(one, f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^k: k + 1023 in the exponent field
  const twopk = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(t)), i64x2.splat(1023)), 52);
  return f64x2.mul(y, twopk);
}

/** `expV8x2` of `n` (even) float64 at `xp` into `outp` (the tests' handle). */
export function expPairs(xp: usize, n: i32, outp: usize): void {
  for (let o: usize = 0; o < (<usize>n << 3); o += 16) v128.store(outp + o, expV8x2(v128.load(xp + o)));
}

/**
 * HalfBinomialLoss gradient and hessian of one row (raw score `r`, target `yt`, the weight at
 * `swp + o` unless `swp` is 0), rounded to float32 in lanes 0 and 1: loss.ts `binomialGradKernel`'s
 * expression with `expV8`. The scalar rows of `binomialGrad` and `binomialBlock`.
 */
// @ts-ignore: decorator
@inline
function gradHess1(yt: f64, r: f64, swp: usize, o: usize): v128 {
  const e = expV8(-r);
  let gr = (1 - yt - yt * e) / (1 + e);
  let he = e / ((1 + e) * (1 + e));
  if (swp != 0) {
    const w = load<f64>(swp + o);
    gr = w * gr;
    he = w * he;
  }
  return f32x4.replace_lane(f32x4.splat(<f32>gr), 1, <f32>he);
}

/**
 * HalfBinomialLoss gradients and hessians of `rows` samples (the expression of loss.ts
 * `binomialGradKernel`, with `expV8` / `expV8x2` for Math.exp): raw scores at `rawp`, labels at `yp`, sample
 * weights at `swp` (0: none), all float64; float32 gradients to `gp`, hessians to `hp`, and the
 * interleaved (g, h) float32 pairs to `ghp`.
 */
export function binomialGrad(rawp: usize, yp: usize, swp: usize, rows: i32, gp: usize, hp: usize, ghp: usize): void {
  // two rows at a time (exp by expV8x2), then the last row alone
  const one = f64x2.splat(1.0);
  const n2 = rows & ~1;
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i << 3;
    const e = expV8x2(f64x2.neg(v128.load(rawp + o)));
    const yt = v128.load(yp + o);
    const e1 = f64x2.add(one, e);
    let gr = f64x2.div(f64x2.sub(f64x2.sub(one, yt), f64x2.mul(yt, e)), e1);
    let he = f64x2.div(e, f64x2.mul(e1, e1));
    if (swp != 0) {
      const w = v128.load(swp + o);
      gr = f64x2.mul(w, gr);
      he = f64x2.mul(w, he);
    }
    const g32 = f32x4.demote_f64x2_zero(gr);
    const h32 = f32x4.demote_f64x2_zero(he);
    v128.store64_lane(gp + (<usize>i << 2), g32, 0);
    v128.store64_lane(hp + (<usize>i << 2), h32, 0);
    v128.store(ghp + o, i32x4.shuffle(g32, h32, 0, 4, 1, 5));
  }
  for (; i < rows; i++) {
    const o = <usize>i << 3;
    const p = gradHess1(load<f64>(yp + o), load<f64>(rawp + o), swp, o);
    const g32 = f32x4.extract_lane(p, 0);
    const h32 = f32x4.extract_lane(p, 1);
    store<f32>(gp + (<usize>i << 2), g32);
    store<f32>(hp + (<usize>i << 2), h32);
    store<f32>(ghp + o, g32);
    store<f32>(ghp + o, h32, 4);
  }
}

/**
 * Rows i0..i1 of one block of the root: sums of the float32 (g, h) pairs at `ghp` (promoted to
 * float64, added in row order from zero: the sums of `blockSum` in grower.ts) to `outp` (2 float64),
 * and the identity partition `part[i] = i`.
 */
export function blockSums(ghp: usize, partp: usize, i0: i32, i1: i32, outp: usize): void {
  let s = f64x2.splat(0);
  for (let i = i0; i < i1; i++) {
    s = f64x2.add(s, f64x2.promote_low_f32x4(v128.load64_zero(ghp + (<usize>i << 3))));
    store<u32>(partp + (<usize>i << 2), <u32>i);
  }
  v128.store(outp, s);
}

/**
 * The constants of `expV8x2` as a table in the memory (16 bytes each, both lanes; written by
 * `histWasm.ts` `HGB_EXP_TABLE`), for `binomialBlock`: V8 materialises every v128 constant
 * inside the loop with several instructions per use, a load from the table is one (the same
 * values, so the same results: ~25% faster on 1M rows).
 * 0: 1, 1: -0, 2: 1/ln 2, 3: 0.5, 4, 5: the reduction thresholds, 6, 7: the main range, 8: 1024,
 * 9: -1021, 10: ln2HI, 11: ln2LO, 12-16: P5..P1, 17: 2, 18: 2^52 + 2^51 (adding it to an integer
 * t puts t in the low bits).
 */
// @ts-ignore: decorator
@inline
function ct(cp: usize, j: i32): v128 {
  return v128.load(cp + (<usize>j << 4));
}

/** `expV8x2` with its constants from the table at `cp` (same operations; 2^k from t's low bits). */
function expV8x2t(x: v128, cp: usize): v128 {
  const one = ct(cp, 0);
  const ax = f64x2.abs(x);
  const s = v128.and(x, ct(cp, 1));
  const tA = f64x2.trunc(f64x2.add(f64x2.mul(ct(cp, 2), x), v128.or(s, ct(cp, 3))));
  const tB = v128.or(s, one);
  const t = v128.bitselect(tA, v128.and(tB, f64x2.ge(ax, ct(cp, 4))), f64x2.ge(ax, ct(cp, 5)));
  const ok = v128.and(
    v128.and(f64x2.ge(ax, ct(cp, 6)), f64x2.lt(ax, ct(cp, 7))),
    v128.and(v128.and(f64x2.ne(x, one), f64x2.lt(t, ct(cp, 8))), f64x2.ge(t, ct(cp, 9))),
  );
  if (!i64x2.all_true(ok)) return f64x2.replace_lane(f64x2.splat(expV8(f64x2.extract_lane(x, 0))), 1, expV8(f64x2.extract_lane(x, 1)));
  const hi = f64x2.sub(x, f64x2.mul(t, ct(cp, 10)));
  const lo = f64x2.mul(t, ct(cp, 11));
  const r = f64x2.sub(hi, lo);
  const tt = f64x2.mul(r, r);
  let c = f64x2.mul(tt, ct(cp, 12));
  c = f64x2.mul(tt, f64x2.add(ct(cp, 13), c));
  c = f64x2.mul(tt, f64x2.add(ct(cp, 14), c));
  c = f64x2.mul(tt, f64x2.add(ct(cp, 15), c));
  c = f64x2.mul(tt, f64x2.add(ct(cp, 16), c));
  c = f64x2.sub(r, c);
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(ct(cp, 17), c));
  const y = f64x2.sub(one, f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^k: t (an integer, |t| < 1024) + 1.5 * 2^52 holds t in its low bits; (those + 1023) << 52
  // is the exponent field (the high bits of the sum shift out)
  const twopk = i64x2.shl(i64x2.add(f64x2.add(t, ct(cp, 18)), i64x2.splat(1023)), 52);
  return f64x2.mul(y, twopk);
}

/**
 * The binomial pass of one block of rows r0..r1 (at most one HGB_SUM_BLOCK of 32768 rows, r0 on a
 * block; every array in place in the memory): the last tree's leaf values added to the raw scores
 * (`raw[i] += value[leaf of i]`: each score's one addition, as the separate update), then the
 * gradients and hessians of the new scores (the expression of `binomialGrad`) as interleaved
 * float32 pairs at `ghp`, and the block's sums of those pairs (float64, row order from zero: the
 * sums of grower.ts `blockSum`) to `scrp` (2 float64).
 *
 * The leaf of each row comes from the partition: leaf l holds `part[start_l:stop_l]` (`leafp`:
 * nLeaves pairs of i32 start, stop; values at `valp`, float64). The grower's partition is stable,
 * so each leaf's samples are ascending: a cursor per leaf (at `scrp + 16`, found by binary search)
 * walks them sub-block by sub-block (`S` rows), writing each row's leaf into a small table (u16 at
 * `scrp + 16 + 4 * nLeaves`) that the gradient loop then reads. nLeaves = 0: no update. Returns
 * the rows done, or -1 if a sub-block's rows did not all get exactly one leaf (leaf samples not
 * ascending; the raw scores of the earlier sub-blocks are then already updated). The constants of
 * the exp at `cp` (`expV8x2t`). `grad` = 0: the update alone (no gradients, no sums).
 */
export function binomialBlock(rawp: usize, yp: usize, swp: usize, ghp: usize, partp: usize, leafp: usize, valp: usize, nLeaves: i32, r0: i32, r1: i32, scrp: usize, S: i32, cp: usize, grad: i32): i32 {
  const curp = scrp + 16;
  const locp = curp + (<usize>nLeaves << 2);
  for (let l = 0; l < nLeaves; l++) {
    let lo = load<i32>(leafp + (<usize>l << 3));
    let hi = load<i32>(leafp + (<usize>l << 3), 4);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (load<u32>(partp + (<usize>mid << 2)) < <u32>r0) lo = mid + 1;
      else hi = mid;
    }
    store<i32>(curp + (<usize>l << 2), lo);
  }
  const one = ct(cp, 0);
  let sum = f64x2.splat(0);
  for (let s0 = r0; s0 < r1; s0 += S) {
    const s1 = min(r1, s0 + S);
    if (nLeaves > 0) {
      let cnt = 0;
      for (let l = 0; l < nLeaves; l++) {
        const c0 = load<i32>(curp + (<usize>l << 2));
        const e = load<i32>(leafp + (<usize>l << 3), 4);
        let c = c0;
        for (; c < e; c++) {
          const v = load<u32>(partp + (<usize>c << 2));
          if (v >= <u32>s1) break;
          if (v < <u32>s0) return -1;
          store<u16>(locp + (<usize>(v - <u32>s0) << 1), <u16>l);
        }
        store<i32>(curp + (<usize>l << 2), c);
        cnt += c - c0;
      }
      if (cnt != s1 - s0) return -1;
      if (grad == 0) {
        // the update alone (the raw scores are read before the next gradients)
        for (let i = s0; i < s1; i++) {
          const o = <usize>i << 3;
          store<f64>(rawp + o, load<f64>(rawp + o) + load<f64>(valp + (<usize>load<u16>(locp + (<usize>(i - s0) << 1)) << 3)));
        }
        continue;
      }
    }
    const n2 = s0 + ((s1 - s0) & ~1);
    let i = s0;
    for (; i < n2; i += 2) {
      const o = <usize>i << 3;
      let r = v128.load(rawp + o);
      if (nLeaves > 0) {
        const q = locp + (<usize>(i - s0) << 1);
        const v = f64x2.replace_lane(f64x2.splat(load<f64>(valp + (<usize>load<u16>(q) << 3))), 1, load<f64>(valp + (<usize>load<u16>(q, 2) << 3)));
        r = f64x2.add(r, v);
        v128.store(rawp + o, r);
      }
      const ex = expV8x2t(f64x2.neg(r), cp);
      const yt = v128.load(yp + o);
      const e1 = f64x2.add(one, ex);
      let gr = f64x2.div(f64x2.sub(f64x2.sub(one, yt), f64x2.mul(yt, ex)), e1);
      let he = f64x2.div(ex, f64x2.mul(e1, e1));
      if (swp != 0) {
        const w = v128.load(swp + o);
        gr = f64x2.mul(w, gr);
        he = f64x2.mul(w, he);
      }
      const gh = i32x4.shuffle(f32x4.demote_f64x2_zero(gr), f32x4.demote_f64x2_zero(he), 0, 4, 1, 5);
      v128.store(ghp + o, gh);
      sum = f64x2.add(sum, f64x2.promote_low_f32x4(gh));
      sum = f64x2.add(sum, f64x2.promote_low_f32x4(i32x4.shuffle(gh, gh, 2, 3, 2, 3)));
    }
    for (; i < s1; i++) {
      const o = <usize>i << 3;
      let r = load<f64>(rawp + o);
      if (nLeaves > 0) {
        r += load<f64>(valp + (<usize>load<u16>(locp + (<usize>(i - s0) << 1)) << 3));
        store<f64>(rawp + o, r);
      }
      const p = gradHess1(load<f64>(yp + o), r, swp, o);
      const g32 = f32x4.extract_lane(p, 0);
      const h32 = f32x4.extract_lane(p, 1);
      store<f32>(ghp + o, g32);
      store<f32>(ghp + o, h32, 4);
      sum = f64x2.add(sum, f64x2.replace_lane(f64x2.splat(<f64>g32), 1, <f64>h32));
    }
  }
  v128.store(scrp, sum);
  return r1 - r0;
}

/** `part[i] = i` for i in a..b (the identity partition of the next tree). */
export function iota(partp: usize, a: i32, b: i32): void {
  let i = a;
  for (; i < b && (i & 3) != 0; i++) store<u32>(partp + (<usize>i << 2), <u32>i);
  let v = i32x4(i, i + 1, i + 2, i + 3);
  const four = i32x4.splat(4);
  for (; i + 4 <= b; i += 4) {
    v128.store(partp + (<usize>i << 2), v);
    v = i32x4.add(v, four);
  }
  for (; i < b; i++) store<u32>(partp + (<usize>i << 2), <u32>i);
}

/**
 * Sort `k` float64 values at `p` ascending (NaN-free; -0 before +0, as TypedArray sort and the
 * TypeScript radix sort of `binning.ts`): an LSD radix sort of the order-preserving keys (negative:
 * all bits flipped; positive: the sign bit flipped) in six passes of 11 bits (the last 9), between
 * `p` and `tmp` (8k bytes), with the six digit counts of one first pass at `cnt` (6 x 2048 u32);
 * a pass whose digit is the same for every key is skipped. The bins' thresholds come from the
 * sorted values: any correct sort gives the same ones.
 */
export function sortF64(p: usize, k: i32, tmp: usize, cnt: usize): void {
  const kk = <usize>k;
  memory.fill(cnt, 0, 6 * 2048 * 4);
  for (let i: usize = 0; i < kk; i++) {
    const b = load<u64>(p + (i << 3));
    const key = b ^ select<u64>(0xffffffffffffffff, 0x8000000000000000, <i64>b < 0);
    store<u64>(p + (i << 3), key);
    for (let q: usize = 0; q < 6; q++) {
      const c = cnt + (q << 13) + (<usize>((key >> (q * 11)) & 2047) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
  }
  let src = p;
  let dst = tmp;
  for (let q: usize = 0; q < 6; q++) {
    const c0 = cnt + (q << 13);
    // skip a pass whose digit is the same for every key
    let skip = false;
    let sum: u32 = 0;
    for (let d: usize = 0; d < 2048; d++) {
      const c = load<u32>(c0 + (d << 2));
      if (c == <u32>k) skip = true;
      store<u32>(c0 + (d << 2), sum);
      sum += c;
    }
    if (skip) continue;
    const sh = <u64>(q * 11);
    for (let i: usize = 0; i < kk; i++) {
      const key = load<u64>(src + (i << 3));
      const c = c0 + (<usize>((key >> sh) & 2047) << 2);
      const pos = load<u32>(c);
      store<u32>(c, pos + 1);
      store<u64>(dst + (<usize>pos << 3), key);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i: usize = 0; i < kk; i++) {
    const key = load<u64>(src + (i << 3));
    store<u64>(p + (i << 3), key ^ select<u64>(0x8000000000000000, 0xffffffffffffffff, <i64>key < 0));
  }
}

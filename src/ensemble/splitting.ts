import type { Histogram } from './histogram.js';

// histogram layout (histogram.ts): data[(f * nBins + b) * 3 + {0: g, 1: h, 2: count}]

/** A candidate split (scikit-learn's split_info_struct / SplitInfo). */
export interface SplitInfo {
  gain: number;
  feature: number;
  binIdx: number;
  missingGoToLeft: boolean;
  sumGradientLeft: number;
  sumGradientRight: number;
  sumHessianLeft: number;
  sumHessianRight: number;
  nSamplesLeft: number;
  nSamplesRight: number;
  valueLeft: number;
  valueRight: number;
  isCategorical: boolean;
  /** 8 x uint32 over bin indices, for categorical splits */
  leftCatBitset: Uint32Array | null;
}

export interface SplitContext {
  nBins: number;
  nBinsNonMissing: Uint32Array;
  hasMissing: Uint8Array;
  isCategorical: Uint8Array;
  monotonicCst: Int8Array | null;
  l2: number;
  minHessianToSplit: number;
  minSamplesLeaf: number;
  minGainToSplit: number;
  hessiansAreConstant: boolean;
}

/** scikit-learn's compute_node_value: -G / (H + l2 + 1e-15), clipped to the monotonic bounds. */
export function computeNodeValue(sg: number, sh: number, lower: number, upper: number, l2: number): number {
  let v = -sg / (sh + l2 + 1e-15);
  if (v < lower) v = lower;
  else if (v > upper) v = upper;
  return v;
}

/** scikit-learn's _split_gain (returns -1 when the monotonic constraint is violated). */
function splitGain(sgl: number, shl: number, sgr: number, shr: number, lossCurrent: number, cst: number, lower: number, upper: number, l2: number): number {
  const vl = computeNodeValue(sgl, shl, lower, upper, l2);
  const vr = computeNodeValue(sgr, shr, lower, upper, l2);
  if ((cst === 1 && vl > vr) || (cst === -1 && vl < vr)) return -1;
  let gain = lossCurrent;
  gain -= sgl * vl;
  gain -= sgr * vr;
  return gain;
}

function emptySplit(feature: number, isCat: boolean): SplitInfo {
  return {
    gain: -1, feature, binIdx: 0, missingGoToLeft: false, sumGradientLeft: 0, sumGradientRight: 0, sumHessianLeft: 0, sumHessianRight: 0,
    nSamplesLeft: 0, nSamplesRight: 0, valueLeft: 0, valueRight: 0, isCategorical: isCat, leftCatBitset: null,
  };
}

/**
 * `find_node_split`: best split over the (allowed) features; ties keep the first feature.
 *
 * Numerical features without a monotonic constraint, in a node without finite value bounds (the
 * usual case), go through `scanLeftToRight` / `scanRightToLeft`: one flat loop per feature over the
 * histogram, the best candidate in locals, one SplitInfo built at the end. Each scan starts from
 * the best gain found so far (over earlier features, and the left-to-right scan of the same
 * feature), not from -1: a candidate is kept only when its gain is strictly above it, so the
 * result is the same as scikit-learn's per-feature scans followed by its strict `>` over
 * features (a feature whose best gain does not beat the running best never wins, and one that
 * does ends on the same first bin of its maximum). Other features take the general path below.
 */
export function findBestSplit(
  c: SplitContext, hist: Histogram, nSamples: number, sumG: number, sumH: number, value: number,
  lower: number, upper: number, allowed: Int32Array | null, nFeatures: number,
): SplitInfo {
  const nf = allowed ? allowed.length : nFeatures;
  if (nf === 0) return emptySplit(0, false);
  const unbounded = lower === -Infinity && upper === Infinity;
  const mono = c.monotonicCst;
  const hd = hist.data;
  const stride = c.nBins * 3;
  const hOff = c.hessiansAreConstant ? 2 : 1;
  const sc = SC;
  sc[0] = nSamples;
  sc[1] = sumG;
  sc[2] = sumH;
  sc[3] = sumG * value; // loss_current_node = _loss_from_value(value, sum_gradients)
  sc[4] = c.minSamplesLeaf;
  sc[5] = c.minHessianToSplit;
  sc[6] = c.minGainToSplit;
  sc[7] = c.l2;
  sc[8] = -1; // the running best gain (-1: none yet)
  // where the running best came from: 0 none, 1 a fast scan (bFeat, bMissingLeft, SC[9..12]), 2 the general path (bSplit)
  let bestKind = 0;
  let bFeat = 0;
  let bMissingLeft = false;
  let bSplit: SplitInfo | null = null;
  for (let k = 0; k < nf; k++) {
    const f = allowed ? allowed[k]! : k;
    const isCat = c.isCategorical[f] === 1;
    const cst = mono ? mono[f]! : 0;
    if (!isCat && cst === 0 && unbounded) {
      const off = f * stride;
      const nbm = c.nBinsNonMissing[f]!;
      const miss = c.hasMissing[f]!;
      if (scanLeftToRight(hd, off, nbm - 1 + miss, hOff)) {
        bestKind = 1;
        bFeat = f;
        bMissingLeft = false;
      }
      if (miss && scanRightToLeft(hd, off, nbm - 2, hOff)) {
        bestKind = 1;
        bFeat = f;
        bMissingLeft = true;
      }
      continue;
    }
    const s = emptySplit(f, isCat);
    if (isCat) categorySplit(c, hist, f, nSamples, sumG, sumH, value, cst, lower, upper, s);
    else {
      leftToRight(c, hist, f, nSamples, sumG, sumH, value, cst, lower, upper, s);
      if (c.hasMissing[f]) rightToLeft(c, hist, f, nSamples, sumG, sumH, value, cst, lower, upper, s);
    }
    if (s.gain > sc[8]!) {
      sc[8] = s.gain;
      bestKind = 2;
      bSplit = s;
    }
  }
  if (bestKind === 2) return bSplit!;
  const f0 = allowed ? allowed[0]! : 0;
  if (bestKind === 0) return emptySplit(f0, c.isCategorical[f0] === 1);
  // the last successful scan holds the winner (any later success would have replaced it)
  const s = emptySplit(bFeat, false);
  s.binIdx = sc[9]!;
  s.missingGoToLeft = bMissingLeft;
  finish(c, s, sc[8]!, sumG, sumH, nSamples, sc[10]!, sc[11]!, sc[12]!, lower, upper);
  return s;
}

/**
 * The scalars of the fast scans: [0] nSamples, [1] sumG, [2] sumH, [3] loss of the current node,
 * [4] minSamplesLeaf, [5] minHessianToSplit, [6] minGainToSplit, [7] l2, [8] the running best
 * gain; a scan that finds a better candidate writes its gain to [8] and [9] bin, [10] sum of
 * gradients left, [11] sum of hessians left, [12] samples left. Read from a Float64Array, V8 keeps
 * them as raw doubles in the loops; as parameters (sometimes small integers, sometimes not: -1,
 * 20, a node value of 0) they were re-checked on every bin and the kept gain re-boxed on every
 * improvement (in the fit: ~1.6x the time per node).
 */
const SC = new Float64Array(13);

/*
 * The fast scans below perform, for every bin, exactly the operations of scikit-learn 1.2.1's
 * `_find_best_bin_to_split_left_to_right` / `_right_to_left` with `_split_gain` and
 * `compute_node_value` written out (infinite bounds: the clipping never applies; no constraint),
 * in the same order, so every kept value has the same bits. Rewritten without changing a result:
 * - `gain = L; gain -= sgl * (-sgl / dl); gain -= sgr * (-sgr / dr)` is computed as
 *   `L + sgl * (sgl / dl) + sgr * (sgr / dr)`: `(-x) / d === -(x / d)`, `y * -z === -(y * z)` and
 *   `a - (-b) === a + b` hold bit for bit in IEEE 754 (signed zeros and NaN included);
 * - `gain > bestGain && gain > minGainToSplit` is `gain > thr` with thr the larger of the two (a
 *   NaN minGainToSplit makes thr NaN: nothing is kept, as before), and thr becomes the kept gain;
 * - `if (shl < mhs) continue` is `if (shl >= mhs) {...}`: they differ only for a NaN sum, whose
 *   gain is NaN and never kept either way;
 * - the left-to-right loop handles two bins per step (the second bin's code is the first's).
 */

/**
 * `_find_best_bin_to_split_left_to_right` for bins [0, end) of the feature at `off`, keeping only
 * gains above the running best SC[8] (see findBestSplit). True when it found one (written to SC).
 */
function scanLeftToRight(hd: Float64Array, off: number, end: number, hOff: number): boolean {
  const sc = SC;
  const nSamples = sc[0]!, sumG = sc[1]!, sumH = sc[2]!, lossCurrent = sc[3]!;
  const msl = sc[4]!, mhs = sc[5]!, mgs = sc[6]!, l2 = sc[7]!;
  const bestGain = sc[8]!;
  let thr = bestGain > mgs ? bestGain : mgs;
  let sgl = 0, shl = 0, nl = 0;
  let bb = -1, bSg = 0, bSh = 0, bN = 0;
  let b = 0;
  let o = off;
  const end1 = end - 1;
  for (;;) {
    if (b < end1) {
      nl += hd[o + 2]!;
      shl += hd[o + hOff]!;
      sgl += hd[o]!;
      if (nl >= msl) {
        if (nSamples - nl < msl) break;
        if (shl >= mhs) {
          const shr = sumH - shl;
          if (shr < mhs) break;
          const sgr = sumG - sgl;
          const gain = lossCurrent + sgl * (sgl / (shl + l2 + 1e-15)) + sgr * (sgr / (shr + l2 + 1e-15));
          if (gain > thr) {
            thr = gain;
            bb = b; bSg = sgl; bSh = shl; bN = nl;
          }
        }
      }
      nl += hd[o + 5]!;
      shl += hd[o + 3 + hOff]!;
      sgl += hd[o + 3]!;
      if (nl >= msl) {
        if (nSamples - nl < msl) break;
        if (shl >= mhs) {
          const shr = sumH - shl;
          if (shr < mhs) break;
          const sgr = sumG - sgl;
          const gain = lossCurrent + sgl * (sgl / (shl + l2 + 1e-15)) + sgr * (sgr / (shr + l2 + 1e-15));
          if (gain > thr) {
            thr = gain;
            bb = b + 1; bSg = sgl; bSh = shl; bN = nl;
          }
        }
      }
      b += 2;
      o += 6;
    } else {
      if (b < end) {
        nl += hd[o + 2]!;
        shl += hd[o + hOff]!;
        sgl += hd[o]!;
        if (nl >= msl && !(nSamples - nl < msl) && shl >= mhs) {
          const shr = sumH - shl;
          if (!(shr < mhs)) {
            const sgr = sumG - sgl;
            const gain = lossCurrent + sgl * (sgl / (shl + l2 + 1e-15)) + sgr * (sgr / (shr + l2 + 1e-15));
            if (gain > thr) {
              thr = gain;
              bb = b; bSg = sgl; bSh = shl; bN = nl;
            }
          }
        }
      }
      break;
    }
  }
  if (bb < 0) return false;
  sc[8] = thr;
  sc[9] = bb;
  sc[10] = bSg;
  sc[11] = bSh;
  sc[12] = bN;
  return true;
}

/** `_find_best_bin_to_split_right_to_left` likewise, from bin `start` down (missing values go left). */
function scanRightToLeft(hd: Float64Array, off: number, start: number, hOff: number): boolean {
  const sc = SC;
  const nSamples = sc[0]!, sumG = sc[1]!, sumH = sc[2]!, lossCurrent = sc[3]!;
  const msl = sc[4]!, mhs = sc[5]!, mgs = sc[6]!, l2 = sc[7]!;
  const bestGain = sc[8]!;
  let thr = bestGain > mgs ? bestGain : mgs;
  let sgr = 0, shr = 0, nr = 0;
  let bb = -1, bSg = 0, bSh = 0, bN = 0;
  for (let b = start, o = off + 3 * (start + 1); b >= 0; b--, o -= 3) {
    nr += hd[o + 2]!;
    shr += hd[o + hOff]!;
    sgr += hd[o]!;
    if (nr < msl) continue;
    const nl = nSamples - nr;
    if (nl < msl) break;
    if (shr < mhs) continue;
    const shl = sumH - shr;
    if (shl < mhs) break;
    const sgl = sumG - sgr;
    const gain = lossCurrent + sgl * (sgl / (shl + l2 + 1e-15)) + sgr * (sgr / (shr + l2 + 1e-15));
    if (gain > thr) {
      thr = gain;
      bb = b; bSg = sgl; bSh = shl; bN = nl;
    }
  }
  if (bb < 0) return false;
  sc[8] = thr;
  sc[9] = bb;
  sc[10] = bSg;
  sc[11] = bSh;
  sc[12] = bN;
  return true;
}

function finish(c: SplitContext, s: SplitInfo, gain: number, sumG: number, sumH: number, nSamples: number, sgl: number, shl: number, nl: number, lower: number, upper: number): void {
  s.gain = gain;
  s.sumGradientLeft = sgl;
  s.sumGradientRight = sumG - sgl;
  s.sumHessianLeft = shl;
  s.sumHessianRight = sumH - shl;
  s.nSamplesLeft = nl;
  s.nSamplesRight = nSamples - nl;
  s.valueLeft = computeNodeValue(s.sumGradientLeft, s.sumHessianLeft, lower, upper, c.l2);
  s.valueRight = computeNodeValue(s.sumGradientRight, s.sumHessianRight, lower, upper, c.l2);
}

/** General path (monotonic constraint or finite bounds): scikit-learn's loop as is. */
function leftToRight(c: SplitContext, hist: Histogram, f: number, nSamples: number, sumG: number, sumH: number, value: number, cst: number, lower: number, upper: number, s: SplitInfo): void {
  const off = f * c.nBins * 3;
  const end = c.nBinsNonMissing[f]! - 1 + c.hasMissing[f]!;
  let sgl = 0;
  let shl = 0;
  let nl = 0;
  const lossCurrent = sumG * value;
  let bestGain = -1;
  let found = false;
  let bBin = 0, bSg = 0, bSh = 0, bN = 0;
  const hd = hist.data;
  const hOff = c.hessiansAreConstant ? 2 : 1;
  const msl = c.minSamplesLeaf;
  const mhs = c.minHessianToSplit;
  const mgs = c.minGainToSplit;
  const l2 = c.l2;
  for (let b = 0; b < end; b++) {
    const o = off + 3 * b;
    nl += hd[o + 2]!;
    const nr = nSamples - nl;
    shl += hd[o + hOff]!;
    const shr = sumH - shl;
    sgl += hd[o]!;
    const sgr = sumG - sgl;
    if (nl < msl) continue;
    if (nr < msl) break;
    if (shl < mhs) continue;
    if (shr < mhs) break;
    const gain = splitGain(sgl, shl, sgr, shr, lossCurrent, cst, lower, upper, l2);
    if (gain > bestGain && gain > mgs) {
      found = true;
      bestGain = gain;
      bBin = b; bSg = sgl; bSh = shl; bN = nl;
    }
  }
  if (found) {
    s.binIdx = bBin;
    s.missingGoToLeft = false;
    finish(c, s, bestGain, sumG, sumH, nSamples, bSg, bSh, bN, lower, upper);
  }
}

function rightToLeft(c: SplitContext, hist: Histogram, f: number, nSamples: number, sumG: number, sumH: number, value: number, cst: number, lower: number, upper: number, s: SplitInfo): void {
  const off = f * c.nBins * 3;
  const start = c.nBinsNonMissing[f]! - 2;
  let sgr = 0;
  let shr = 0;
  let nr = 0;
  const lossCurrent = sumG * value;
  let bestGain = s.gain;
  let found = false;
  let bBin = 0, bSg = 0, bSh = 0, bN = 0;
  const hd = hist.data;
  const hOff = c.hessiansAreConstant ? 2 : 1;
  const msl = c.minSamplesLeaf;
  const mhs = c.minHessianToSplit;
  const mgs = c.minGainToSplit;
  const l2 = c.l2;
  for (let b = start; b >= 0; b--) {
    const o = off + 3 * (b + 1);
    nr += hd[o + 2]!;
    const nl = nSamples - nr;
    shr += hd[o + hOff]!;
    const shl = sumH - shr;
    sgr += hd[o]!;
    const sgl = sumG - sgr;
    if (nr < msl) continue;
    if (nl < msl) break;
    if (shr < mhs) continue;
    if (shl < mhs) break;
    const gain = splitGain(sgl, shl, sgr, shr, lossCurrent, cst, lower, upper, l2);
    if (gain > bestGain && gain > mgs) {
      found = true;
      bestGain = gain;
      bBin = b; bSg = sgl; bSh = shl; bN = nl;
    }
  }
  if (found) {
    s.binIdx = bBin;
    s.missingGoToLeft = true;
    finish(c, s, bestGain, sumG, sumH, nSamples, bSg, bSh, bN, lower, upper);
  }
}

const MIN_CAT_SUPPORT = 10;

/**
 * `_find_best_bin_to_split_category`: categories (and the missing bin) with enough support sorted
 * by G / (H + 10), scanned from both ends up to the middle; the chosen prefix goes left.
 */
function categorySplit(c: SplitContext, hist: Histogram, f: number, nSamples: number, sumG: number, sumH: number, value: number, cst: number, lower: number, upper: number, s: SplitInfo): void {
  const off = f * c.nBins * 3;
  const nbm = c.nBinsNonMissing[f]!;
  const missingBin = c.nBins - 1;
  const hd = hist.data;
  const hOff = c.hessiansAreConstant ? 2 : 1;
  const supportFactor = nSamples / sumH;
  const bins: number[] = [];
  const vals: number[] = [];
  const consider = (b: number): void => {
    const shb = hd[off + 3 * b + hOff]!;
    if (shb * supportFactor >= MIN_CAT_SUPPORT) {
      bins.push(b);
      vals.push(hd[off + 3 * b]! / (shb + MIN_CAT_SUPPORT));
    }
  };
  for (let b = 0; b < nbm; b++) consider(b);
  if (c.hasMissing[f]) consider(missingBin);
  const nUsed = bins.length;
  if (nUsed <= 1) return;
  const order = bins.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]! || a - b);
  const sortedBins = order.map((i) => bins[i]!);
  const lossCurrent = sumG * value;
  let bestGain = -1;
  let found = false;
  let bThresh = 0, bDir = 0, bSg = 0, bSh = 0, bN = 0;
  for (const dir of [1, -1]) {
    const middle = dir === 1 ? (nUsed + 1) >> 1 : ((nUsed + 1) >> 1) - 1;
    let sgl = 0, shl = 0, nl = 0;
    for (let i = 0; i < middle; i++) {
      const si = dir === 1 ? i : nUsed - 1 - i;
      const b = off + 3 * sortedBins[si]!;
      nl += hd[b + 2]!;
      const nr = nSamples - nl;
      shl += hd[b + hOff]!;
      const shr = sumH - shl;
      sgl += hd[b]!;
      const sgr = sumG - sgl;
      if (nl < c.minSamplesLeaf || shl < c.minHessianToSplit) continue;
      if (nr < c.minSamplesLeaf || shr < c.minHessianToSplit) break;
      const gain = splitGain(sgl, shl, sgr, shr, lossCurrent, cst, lower, upper, c.l2);
      if (gain > bestGain && gain > c.minGainToSplit) {
        found = true;
        bestGain = gain;
        bThresh = si; bSg = sgl; bSh = shl; bN = nl; bDir = dir;
      }
    }
  }
  if (!found) return;
  finish(c, s, bestGain, sumG, sumH, nSamples, bSg, bSh, bN, lower, upper);
  const bs = new Uint32Array(8);
  if (bDir === 1) for (let si = 0; si <= bThresh; si++) { const b = sortedBins[si]!; bs[b >>> 5]! |= 1 << (b & 31); }
  else for (let si = nUsed - 1; si >= bThresh; si--) { const b = sortedBins[si]!; bs[b >>> 5]! |= 1 << (b & 31); }
  s.leftCatBitset = bs;
  s.missingGoToLeft = c.hasMissing[f] ? ((bs[missingBin >>> 5]! >>> (missingBin & 31)) & 1) === 1 : false;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RandomState } from '../../src/core/random.js';
import { findBestSplit, type SplitContext, type SplitInfo } from '../../src/ensemble/splitting.js';
import { subtractHistogram, type Histogram } from '../../src/ensemble/histogram.js';

/*
 * findBestSplit (fast path: one loop per unconstrained numerical feature, scans seeded with the
 * running best) against a straightforward transcription of scikit-learn 1.2.1's splitting.pyx
 * (`find_node_split`, `_find_best_bin_to_split_left_to_right` / `_right_to_left` / `_category`,
 * `_split_gain`, `compute_node_value`, `_find_best_feature_to_split_helper`), on random
 * histograms built to hit the edge cases: ties (inside a feature and between features), empty
 * bins, empty bins with rounding residues, zero hessians, minSamplesLeaf / minHessianToSplit
 * reached exactly, missing-value bins, l2 > 0, constant hessians, monotonic constraints, finite
 * bounds, categorical features, allowed-feature subsets. Every field compared with Object.is.
 */

// ---------------------------------------------------------------- reference (scikit-learn 1.2.1)

interface RefSplit {
  gain: number; feature: number; binIdx: number; missingGoToLeft: boolean;
  sumGradientLeft: number; sumGradientRight: number; sumHessianLeft: number; sumHessianRight: number;
  nSamplesLeft: number; nSamplesRight: number; valueLeft: number; valueRight: number;
  isCategorical: boolean; leftCatBitset: Uint32Array | null;
}

function refNodeValue(sg: number, sh: number, lower: number, upper: number, l2: number): number {
  let value = -sg / (sh + l2 + 1e-15);
  if (value < lower) value = lower;
  else if (value > upper) value = upper;
  return value;
}

function refLossFromValue(value: number, sumGradient: number): number {
  return sumGradient * value;
}

function refSplitGain(sgl: number, shl: number, sgr: number, shr: number, lossCurrentNode: number, cst: number, lower: number, upper: number, l2: number): number {
  const valueLeft = refNodeValue(sgl, shl, lower, upper, l2);
  const valueRight = refNodeValue(sgr, shr, lower, upper, l2);
  if ((cst === 1 && valueLeft > valueRight) || (cst === -1 && valueLeft < valueRight)) return -1;
  let gain = lossCurrentNode;
  gain -= refLossFromValue(valueLeft, sgl);
  gain -= refLossFromValue(valueRight, sgr);
  return gain;
}

interface Node {
  hist: Float64Array; n: number; sumG: number; sumH: number; value: number; lower: number; upper: number;
  allowed: Int32Array | null;
}

// histogram accessors (layout: data[(f * nBins + b) * 3 + {0: g, 1: h, 2: count}])
const cnt = (c: SplitContext, h: Float64Array, f: number, b: number): number => h[(f * c.nBins + b) * 3 + 2]!;
const hes = (c: SplitContext, h: Float64Array, f: number, b: number): number => (c.hessiansAreConstant ? cnt(c, h, f, b) : h[(f * c.nBins + b) * 3 + 1]!);
const gra = (c: SplitContext, h: Float64Array, f: number, b: number): number => h[(f * c.nBins + b) * 3]!;

function refLeftToRight(c: SplitContext, nd: Node, f: number, cst: number, s: RefSplit): void {
  const end = c.nBinsNonMissing[f]! - 1 + c.hasMissing[f]!;
  let sumGradientLeft = 0, sumHessianLeft = 0, nSamplesLeft = 0;
  const lossCurrentNode = refLossFromValue(nd.value, nd.sumG);
  let bestGain = -1, found = false;
  let bestBin = 0, bestSg = 0, bestSh = 0, bestN = 0;
  for (let binIdx = 0; binIdx < end; binIdx++) {
    nSamplesLeft += cnt(c, nd.hist, f, binIdx);
    const nSamplesRight = nd.n - nSamplesLeft;
    sumHessianLeft += hes(c, nd.hist, f, binIdx);
    const sumHessianRight = nd.sumH - sumHessianLeft;
    sumGradientLeft += gra(c, nd.hist, f, binIdx);
    const sumGradientRight = nd.sumG - sumGradientLeft;
    if (nSamplesLeft < c.minSamplesLeaf) continue;
    if (nSamplesRight < c.minSamplesLeaf) break;
    if (sumHessianLeft < c.minHessianToSplit) continue;
    if (sumHessianRight < c.minHessianToSplit) break;
    const gain = refSplitGain(sumGradientLeft, sumHessianLeft, sumGradientRight, sumHessianRight, lossCurrentNode, cst, nd.lower, nd.upper, c.l2);
    if (gain > bestGain && gain > c.minGainToSplit) {
      found = true;
      bestGain = gain; bestBin = binIdx; bestSg = sumGradientLeft; bestSh = sumHessianLeft; bestN = nSamplesLeft;
    }
  }
  if (found) refFill(c, nd, s, bestGain, bestBin, false, bestSg, bestSh, bestN);
}

function refRightToLeft(c: SplitContext, nd: Node, f: number, cst: number, s: RefSplit): void {
  const start = c.nBinsNonMissing[f]! - 2;
  let sumGradientRight = 0, sumHessianRight = 0, nSamplesRight = 0;
  const lossCurrentNode = refLossFromValue(nd.value, nd.sumG);
  let bestGain = s.gain, found = false;
  let bestBin = 0, bestSg = 0, bestSh = 0, bestN = 0;
  for (let binIdx = start; binIdx >= 0; binIdx--) {
    nSamplesRight += cnt(c, nd.hist, f, binIdx + 1);
    const nSamplesLeft = nd.n - nSamplesRight;
    sumHessianRight += hes(c, nd.hist, f, binIdx + 1);
    const sumHessianLeft = nd.sumH - sumHessianRight;
    sumGradientRight += gra(c, nd.hist, f, binIdx + 1);
    const sumGradientLeft = nd.sumG - sumGradientRight;
    if (nSamplesRight < c.minSamplesLeaf) continue;
    if (nSamplesLeft < c.minSamplesLeaf) break;
    if (sumHessianRight < c.minHessianToSplit) continue;
    if (sumHessianLeft < c.minHessianToSplit) break;
    const gain = refSplitGain(sumGradientLeft, sumHessianLeft, sumGradientRight, sumHessianRight, lossCurrentNode, cst, nd.lower, nd.upper, c.l2);
    if (gain > bestGain && gain > c.minGainToSplit) {
      found = true;
      bestGain = gain; bestBin = binIdx; bestSg = sumGradientLeft; bestSh = sumHessianLeft; bestN = nSamplesLeft;
    }
  }
  if (found) refFill(c, nd, s, bestGain, bestBin, true, bestSg, bestSh, bestN);
}

function refFill(c: SplitContext, nd: Node, s: RefSplit, gain: number, bin: number, missingLeft: boolean, sg: number, sh: number, n: number): void {
  s.gain = gain;
  s.binIdx = bin;
  s.missingGoToLeft = missingLeft;
  s.sumGradientLeft = sg;
  s.sumGradientRight = nd.sumG - sg;
  s.sumHessianLeft = sh;
  s.sumHessianRight = nd.sumH - sh;
  s.nSamplesLeft = n;
  s.nSamplesRight = nd.n - n;
  s.valueLeft = refNodeValue(s.sumGradientLeft, s.sumHessianLeft, nd.lower, nd.upper, c.l2);
  s.valueRight = refNodeValue(s.sumGradientRight, s.sumHessianRight, nd.lower, nd.upper, c.l2);
}

const MIN_CAT_SUPPORT = 10;

function refCategory(c: SplitContext, nd: Node, f: number, cst: number, s: RefSplit): void {
  const missingBin = c.nBins - 1;
  const supportFactor = nd.n / nd.sumH;
  const catInfos: { binIdx: number; value: number; order: number }[] = [];
  const consider = (b: number): void => {
    const sumHessian = hes(c, nd.hist, f, b);
    if (sumHessian * supportFactor >= MIN_CAT_SUPPORT) {
      catInfos.push({ binIdx: b, value: gra(c, nd.hist, f, b) / (sumHessian + MIN_CAT_SUPPORT), order: catInfos.length });
    }
  };
  for (let b = 0; b < c.nBinsNonMissing[f]!; b++) consider(b);
  if (c.hasMissing[f]) consider(missingBin);
  const nUsed = catInfos.length;
  if (nUsed <= 1) return;
  catInfos.sort((a, b) => a.value - b.value || a.order - b.order);
  const lossCurrentNode = refLossFromValue(nd.value, nd.sumG);
  let bestGain = -1, found = false;
  let bestThresh = 0, bestDir = 0, bestSg = 0, bestSh = 0, bestN = 0;
  for (const direction of [1, -1]) {
    const middle = direction === 1 ? Math.floor((nUsed + 1) / 2) : Math.floor((nUsed + 1) / 2) - 1;
    let sumGradientLeft = 0, sumHessianLeft = 0, nSamplesLeft = 0;
    for (let i = 0; i < middle; i++) {
      const sortedCatIdx = direction === 1 ? i : nUsed - 1 - i;
      const b = catInfos[sortedCatIdx]!.binIdx;
      nSamplesLeft += cnt(c, nd.hist, f, b);
      const nSamplesRight = nd.n - nSamplesLeft;
      sumHessianLeft += hes(c, nd.hist, f, b);
      const sumHessianRight = nd.sumH - sumHessianLeft;
      sumGradientLeft += gra(c, nd.hist, f, b);
      const sumGradientRight = nd.sumG - sumGradientLeft;
      if (nSamplesLeft < c.minSamplesLeaf || sumHessianLeft < c.minHessianToSplit) continue;
      if (nSamplesRight < c.minSamplesLeaf || sumHessianRight < c.minHessianToSplit) break;
      const gain = refSplitGain(sumGradientLeft, sumHessianLeft, sumGradientRight, sumHessianRight, lossCurrentNode, cst, nd.lower, nd.upper, c.l2);
      if (gain > bestGain && gain > c.minGainToSplit) {
        found = true;
        bestGain = gain; bestThresh = sortedCatIdx; bestSg = sumGradientLeft; bestSh = sumHessianLeft; bestN = nSamplesLeft; bestDir = direction;
      }
    }
  }
  if (!found) return;
  refFill(c, nd, s, bestGain, 0, false, bestSg, bestSh, bestN);
  const bitset = new Uint32Array(8);
  const set = (b: number): void => { bitset[b >>> 5]! |= 1 << (b & 31); };
  if (bestDir === 1) for (let i = 0; i <= bestThresh; i++) set(catInfos[i]!.binIdx);
  else for (let i = nUsed - 1; i >= bestThresh; i--) set(catInfos[i]!.binIdx);
  s.leftCatBitset = bitset;
  s.missingGoToLeft = c.hasMissing[f] ? ((bitset[missingBin >>> 5]! >>> (missingBin & 31)) & 1) === 1 : false;
}

function refFindNodeSplit(c: SplitContext, nd: Node, nFeatures: number): RefSplit {
  const feats = nd.allowed ? [...nd.allowed] : Array.from({ length: nFeatures }, (_, j) => j);
  const infos: RefSplit[] = feats.map((f) => {
    const s: RefSplit = {
      gain: -1, feature: f, binIdx: 0, missingGoToLeft: false, sumGradientLeft: 0, sumGradientRight: 0, sumHessianLeft: 0,
      sumHessianRight: 0, nSamplesLeft: 0, nSamplesRight: 0, valueLeft: 0, valueRight: 0, isCategorical: c.isCategorical[f] === 1,
      leftCatBitset: null,
    };
    const cst = c.monotonicCst ? c.monotonicCst[f]! : 0;
    if (s.isCategorical) refCategory(c, nd, f, cst, s);
    else {
      refLeftToRight(c, nd, f, cst, s);
      if (c.hasMissing[f]) refRightToLeft(c, nd, f, cst, s);
    }
    return s;
  });
  if (infos.length === 0) return { ...emptyRef(0), isCategorical: false };
  // _find_best_feature_to_split_helper
  let best = 0;
  for (let i = 1; i < infos.length; i++) if (infos[i]!.gain > infos[best]!.gain) best = i;
  return infos[best]!;
}

function emptyRef(f: number): RefSplit {
  return {
    gain: -1, feature: f, binIdx: 0, missingGoToLeft: false, sumGradientLeft: 0, sumGradientRight: 0, sumHessianLeft: 0,
    sumHessianRight: 0, nSamplesLeft: 0, nSamplesRight: 0, valueLeft: 0, valueRight: 0, isCategorical: false, leftCatBitset: null,
  };
}

// ---------------------------------------------------------------- random nodes

interface Case { c: SplitContext; nd: Node; nFeatures: number }

function pick<T>(rng: RandomState, xs: readonly T[]): T {
  return xs[rng.randint(0, xs.length)]!;
}

/** One random node; `kind` steers the generator toward one family of edge cases. */
function randomCase(rng: RandomState, kind: number): Case {
  const nFeatures = rng.randint(1, 9);
  const nBins = pick(rng, [3, 4, 8, 17, 64, 256]);
  const integral = kind % 3 === 0; // small integer g / h: many exact ties
  const constH = kind % 5 === 1;
  const nBinsNonMissing = new Uint32Array(nFeatures);
  const hasMissing = new Uint8Array(nFeatures);
  const isCategorical = new Uint8Array(nFeatures);
  const mono = kind % 7 === 2 ? new Int8Array(nFeatures) : null;
  const hist = new Float64Array(nFeatures * nBins * 3);
  // a feature copied from an earlier one (ties between features)
  const copyOf = new Int32Array(nFeatures).fill(-1);
  for (let f = 0; f < nFeatures; f++) {
    nBinsNonMissing[f] = rng.randint(1, nBins); // 1 .. nBins - 1 (the last bin is the missing-value bin)
    hasMissing[f] = rng.nextDouble() < 0.35 ? 1 : 0;
    isCategorical[f] = kind % 4 === 3 && rng.nextDouble() < 0.3 ? 1 : 0;
    if (mono) mono[f] = pick(rng, [-1, 0, 0, 1]);
    if (f > 0 && rng.nextDouble() < 0.15) copyOf[f] = rng.randint(0, f);
  }
  const emptyRate = pick(rng, [0, 0.1, 0.5, 0.9]);
  for (let f = 0; f < nFeatures; f++) {
    const o = f * nBins * 3;
    if (copyOf[f]! >= 0) {
      const src = copyOf[f]!;
      nBinsNonMissing[f] = nBinsNonMissing[src]!;
      hasMissing[f] = hasMissing[src]!;
      isCategorical[f] = isCategorical[src]!;
      if (mono) mono[f] = mono[src]!;
      hist.copyWithin(o, src * nBins * 3, (src + 1) * nBins * 3);
      continue;
    }
    const used = (b: number): boolean => b < nBinsNonMissing[f]! || (b === nBins - 1 && hasMissing[f] === 1);
    for (let b = 0; b < nBins; b++) {
      if (!used(b)) continue;
      const q = o + 3 * b;
      if (rng.nextDouble() < emptyRate) {
        // empty bin; sometimes with the rounding residue of a subtracted histogram
        if (rng.nextDouble() < 0.3) {
          hist[q] = (rng.nextDouble() - 0.5) * 1e-16;
          hist[q + 1] = constH ? 0 : (rng.nextDouble() - 0.5) * 1e-17;
        }
        continue;
      }
      const n = integral ? rng.randint(1, 6) : rng.randint(1, 200);
      hist[q + 2] = n;
      if (integral) {
        hist[q] = rng.randint(-3, 4);
        hist[q + 1] = constH ? 0 : rng.randint(0, 3);
      } else {
        hist[q] = (rng.nextDouble() - 0.45) * n;
        // zero hessians sometimes (min_hessian_to_split can stop the scan)
        hist[q + 1] = constH ? 0 : rng.nextDouble() < 0.1 ? 0 : rng.nextDouble() * 0.25 * n;
      }
    }
  }
  // node totals: the sums of one feature's bins (as the grower's children), sometimes perturbed
  let n = 0, sumG = 0, sumH = 0;
  for (let b = 0; b < nBins; b++) {
    const q = 3 * b;
    n += hist[q + 2]!;
    sumG += hist[q]!;
    sumH += constH ? hist[q + 2]! : hist[q + 1]!;
  }
  if (kind % 6 === 4) {
    sumG *= 1 + (rng.nextDouble() - 0.5) * 1e-12;
    sumH *= 1 + (rng.nextDouble() - 0.5) * 1e-12;
  }
  const l2 = rng.nextDouble() < 0.5 ? 0 : pick(rng, [1e-3, 0.5, 1, 10]);
  let lower = -Infinity, upper = Infinity;
  if (kind % 8 === 5) {
    const v = refNodeValue(sumG, sumH, -Infinity, Infinity, l2);
    lower = v - rng.nextDouble();
    upper = v + rng.nextDouble();
  } else if (kind % 8 === 6) {
    lower = rng.nextDouble() < 0.5 ? -Infinity : -0.1;
    upper = lower === -Infinity ? 0.1 : Infinity;
  }
  const value = rng.nextDouble() < 0.8 ? refNodeValue(sumG, sumH, lower, upper, l2) : rng.nextDouble() - 0.5;
  // minSamplesLeaf: often exactly a prefix count of some feature (reached exactly by a scan)
  let msl = pick(rng, [1, 1, 2, 5, 20]);
  if (rng.nextDouble() < 0.4) {
    let run = 0;
    const stop = rng.randint(0, nBins);
    for (let b = 0; b <= stop; b++) run += hist[3 * b + 2]!;
    msl = Math.max(1, run);
  }
  if (rng.nextDouble() < 0.05) msl = Math.floor(n / 2) + 1; // nothing can split
  const c: SplitContext = {
    nBins, nBinsNonMissing, hasMissing, isCategorical, monotonicCst: mono,
    l2, minHessianToSplit: pick(rng, [1e-3, 1e-3, 0, 0.5, 3]), minSamplesLeaf: msl,
    minGainToSplit: pick(rng, [0, 0, 0, 1e-3, 0.5, -2]), hessiansAreConstant: constH,
  };
  let allowed: Int32Array | null = null;
  if (kind % 9 === 7) {
    const fs: number[] = [];
    for (let f = 0; f < nFeatures; f++) if (rng.nextDouble() < 0.6) fs.push(f);
    allowed = Int32Array.from(fs);
  }
  return { c, nd: { hist, n, sumG, sumH, value, lower, upper, allowed }, nFeatures };
}

function same(a: SplitInfo, b: RefSplit): string | null {
  const keys = Object.keys(b) as (keyof RefSplit)[];
  for (const k of keys) {
    if (k === 'leftCatBitset') {
      const x = a.leftCatBitset, y = b.leftCatBitset;
      if ((x === null) !== (y === null) || (x && y && x.some((v, i) => v !== y[i]))) return k;
    } else if (!Object.is(a[k], b[k])) return `${k}: ${String(a[k])} vs ${String(b[k])}`;
  }
  return Object.keys(a).length === keys.length ? null : 'extra fields';
}

function check(cs: Case, label: string): SplitInfo {
  const { c, nd, nFeatures } = cs;
  const got = findBestSplit(c, { data: nd.hist, slot: -1 }, nd.n, nd.sumG, nd.sumH, nd.value, nd.lower, nd.upper, nd.allowed, nFeatures);
  const want = refFindNodeSplit(c, nd, nFeatures);
  const diff = same(got, want);
  assert.equal(diff, null, `${label}: ${diff}`);
  return got;
}

describe('HGB split search: fast path bit-identical to the scikit-learn transcription', () => {
  it('4,000 random nodes (ties, empty bins, residues, zero hessians, limits reached exactly, missing bins, l2, constraints, bounds, categories, subsets)', () => {
    const rng = new RandomState(20);
    let found = 0, missingLeft = 0, categorical = 0, notFound = 0;
    for (let t = 0; t < 4000; t++) {
      const s = check(randomCase(rng, t), `case ${t}`);
      if (s.gain > 0) found++;
      else notFound++;
      if (s.missingGoToLeft) missingLeft++;
      if (s.isCategorical && s.gain > 0) categorical++;
    }
    // the generator really reaches every family of outcome
    assert.ok(found > 1000 && notFound > 100 && missingLeft > 100 && categorical > 20, JSON.stringify({ found, notFound, missingLeft, categorical }));
  });

  it('ties: identical features and identical bins keep the first feature and the first bin', () => {
    const rng = new RandomState(7);
    for (let t = 0; t < 200; t++) {
      const cs = randomCase(rng, 0);
      const { c, nd, nFeatures } = cs;
      // every feature a copy of feature 0 (all numerical, same limits)
      const stride = c.nBins * 3;
      for (let f = 1; f < nFeatures; f++) {
        nd.hist.copyWithin(f * stride, 0, stride);
        c.nBinsNonMissing[f] = c.nBinsNonMissing[0]!;
        c.hasMissing[f] = c.hasMissing[0]!;
        c.isCategorical[f] = 0;
      }
      c.isCategorical[0] = 0;
      const s = check(cs, `tie ${t}`);
      if (s.gain > 0 && !nd.allowed) assert.equal(s.feature, 0);
    }
  });

  it('non-finite values in a histogram give the same result', () => {
    const rng = new RandomState(11);
    for (let t = 0; t < 300; t++) {
      const cs = randomCase(rng, t);
      const h = cs.nd.hist;
      const i = rng.randint(0, h.length);
      h[i - (i % 3)] = pick(rng, [NaN, Infinity, -Infinity]);
      if (rng.nextDouble() < 0.3) h[i - (i % 3) + 1] = pick(rng, [NaN, Infinity]);
      check(cs, `non-finite ${t}`);
    }
  });
});

describe('subtractHistogram', () => {
  it('equals parent - sibling on the given features, leaves the others alone', () => {
    const rng = new RandomState(5);
    for (const [nFeatures, nBins, feats] of [[5, 8, [0, 1, 2, 3, 4]], [6, 17, [0, 2, 3, 5]], [3, 256, [1]], [4, 3, []]] as const) {
      const size = nFeatures * nBins * 3;
      const p: Histogram = { data: Float64Array.from(rng.rand(size), (v) => v * 100 - 20), slot: -1 };
      const s: Histogram = { data: Float64Array.from(rng.rand(size), (v) => v * 30), slot: -1 };
      const out: Histogram = { data: new Float64Array(size).fill(7), slot: -1 };
      subtractHistogram(out, p, s, Int32Array.from(feats), nBins);
      const inFeats = new Set<number>(feats);
      for (let i = 0; i < size; i++) {
        const f = Math.floor(i / (nBins * 3));
        assert.ok(Object.is(out.data[i], inFeats.has(f) ? p.data[i]! - s.data[i]! : 7), `${nFeatures}x${nBins} @${i}`);
      }
    }
  });
});

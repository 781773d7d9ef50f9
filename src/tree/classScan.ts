/**
 * Single-output classification with the criterion inlined: weighted class counts are accumulated in
 * place and gini / entropy computed from them, for the presorted exact search and the histogram
 * search. Same floating-point operations as ClassificationCriterion, so proxies are bit-identical.
 */
import { ClassificationCriterion } from './classificationCriterion.js';
import type { Criterion } from './criterion.js';
import { FEATURE_THRESHOLD, type BuildOptions } from './splitTypes.js';

/** Labels, weights and a scratch row of left class counts; `proxy` receives the best proxy of a scan. */
export interface ClassCounts {
  readonly y: Int32Array;
  readonly sw: Float64Array;
  /** number of classes */
  readonly k: number;
  readonly entropy: boolean;
  readonly cl: Float64Array;
  proxy: number;
}

/** The inlined view of `crit`, or null unless it is a single-output ClassificationCriterion. */
export function classCountsOf(crit: Criterion, sw: Float64Array): ClassCounts | null {
  if (!(crit instanceof ClassificationCriterion) || crit.nOutputs !== 1) return null;
  return { y: crit.y, sw, k: crit.stride, entropy: crit.entropy, cl: new Float64Array(crit.stride), proxy: -Infinity };
}

/** Entropy proxy improvement (-wr * H(right) - wl * H(left), base-2 logs) from left counts cl and node totals tot. */
export function entropyProxy(cl: Float64Array, tot: Float64Array, k: number, wl: number, wr: number): number {
  let il = 0, ir = 0;
  for (let c = 0; c < k; c++) {
    let v = cl[c]!;
    if (v > 0) { v /= wl; il -= v * (Math.log(v) / Math.LN2); }
    v = tot[c]! - cl[c]!;
    if (v > 0) { v /= wr; ir -= v * (Math.log(v) / Math.LN2); }
  }
  return -wr * ir - wl * il;
}

/**
 * The BestSplitter scan over one feature for single-output classification with integer weights,
 * with the criterion inlined (Xf[start:end] sorted, S the samples in that order). Counts and sums of
 * squared counts are exact integers, so the proxies are bit-identical to ClassificationCriterion's;
 * returns the best position improving on `bestProxy` (its proxy in fc.proxy) or -1.
 */
export function classScan(fc: ClassCounts, crit: ClassificationCriterion, Xf: Float32Array, S: Int32Array, start: number, end: number, bestProxy: number, o: BuildOptions): number {
  const { y, sw, k, entropy, cl } = fc;
  const tot = crit.sumTotal;
  const wn = crit.weightedNNodeSamples;
  const minLeaf = o.minSamplesLeaf, minW = o.minWeightLeaf;
  cl.fill(0);
  let sqL = 0, sqR = 0;
  for (let c = 0; c < k; c++) sqR += tot[c]! * tot[c]!;
  let wl = 0, q = start, bestPos = -1;
  let p = start;
  while (p < end) {
    while (p + 1 < end && Xf[p + 1]! <= Math.fround(Xf[p]! + FEATURE_THRESHOLD)) p++;
    p++;
    if (p < end) {
      if (p - start < minLeaf || end - p < minLeaf) continue;
      for (; q < p; q++) {
        const i = S[q]!, w = sw[i]!, c = y[i]!;
        const l = cl[c]!, r = tot[c]! - l;
        cl[c] = l + w;
        sqL += w * (2 * l + w);
        sqR += w * (w - 2 * r);
        wl += w;
      }
      const wr = wn - wl;
      if (wl < minW || wr < minW) continue;
      const proxy = entropy ? entropyProxy(cl, tot, k, wl, wr) : -wr * (1.0 - sqR / (wr * wr)) - wl * (1.0 - sqL / (wl * wl));
      if (proxy > bestProxy) { bestProxy = proxy; bestPos = p; }
    }
  }
  fc.proxy = bestProxy;
  return bestPos;
}

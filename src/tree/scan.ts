/**
 * Steps shared by the split searches: the criterion scan over sorted feature values (exact best
 * splitter, presorted, and both passes of the missing-value search), the partition of a node on a
 * threshold, and the split finishing (children impurities and improvement at the chosen position).
 */
import type { Criterion } from './criterion.js';
import { FEATURE_THRESHOLD, midThreshold, type BuildOptions, type Split } from './splitTypes.js';

/**
 * scikit-learn's BestSplitter loop over the candidate positions of Xf[start:endNM] (sorted; a
 * position ends a run of values within FEATURE_THRESHOLD), through the criterion. `nMissing`
 * samples after endNM have NaN in feature f and go left when `goLeft`. Updates `best` when a proxy
 * improves on `bestProxy`; returns the best proxy.
 */
export function critScan(
  crit: Criterion, Xf: Float32Array, f: number, start: number, endNM: number, nMissing: number, goLeft: boolean,
  o: BuildOptions, best: Split, bestProxy: number,
): number {
  const minLeaf = o.minSamplesLeaf, minW = o.minWeightLeaf;
  crit.missingGoToLeft = goLeft;
  crit.reset();
  let p = start;
  while (p < endNM) {
    while (p + 1 < endNM && Xf[p + 1]! <= Math.fround(Xf[p]! + FEATURE_THRESHOLD)) p++;
    p++;
    if (p >= endNM) continue;
    const nLeft = goLeft ? p - start + nMissing : p - start;
    const nRight = goLeft ? endNM - p : endNM - p + nMissing;
    if (nLeft < minLeaf || nRight < minLeaf) continue;
    crit.update(p);
    if (crit.weightedNLeft < minW || crit.weightedNRight < minW) continue;
    const proxy = crit.proxyImpurityImprovement();
    if (proxy > bestProxy) {
      bestProxy = proxy;
      best.pos = p; best.feature = f; best.threshold = midThreshold(Xf, p); best.nMissing = nMissing;
      best.missingGoToLeft = nMissing === 0 ? nLeft > nRight : goLeft;
    }
  }
  return bestProxy;
}

/** Reorder samples[start:end] so the rows with X[col + row] <= threshold come first (scikit-learn's partition). */
export function partitionByThreshold(samples: Int32Array, X: Float32Array, col: number, threshold: number, start: number, end: number): void {
  let p = start, pe = end;
  while (p < pe) {
    if (X[col + samples[p]!]! <= threshold) p++;
    else { pe--; const t = samples[p]!; samples[p] = samples[pe]!; samples[pe] = t; }
  }
}

/**
 * Split finishing, once the node is partitioned for `best`: the criterion is re-run to best.pos for
 * the children impurities and the impurity improvement (`buf` is a 2-element scratch).
 */
export function finishSplit(crit: Criterion, best: Split, impurity: number, buf: Float64Array): void {
  crit.reset();
  crit.update(best.pos);
  crit.childrenImpurity(buf);
  best.impurityLeft = buf[0]!;
  best.impurityRight = buf[1]!;
  best.improvement = crit.impurityImprovement(impurity, best.impurityLeft, best.impurityRight);
}

/**
 * Missing values in the exact 'best' splitter (scikit-learn >= 1.3 semantics): the search over a
 * feature with NaN somewhere, and the partition and split finishing when the data has NaN.
 */
import { introsortRange } from './sorting.js';
import { critScan, finishSplit, partitionByThreshold } from './scan.js';
import { FEATURE_THRESHOLD, type NodeSearch, type Split } from './splitTypes.js';

/** Swap samples[a] and samples[b]. */
function swapSamples(samples: Int32Array, a: number, b: number): void {
  const t = samples[a]!; samples[a] = samples[b]!; samples[b] = t;
}

/**
 * BestSplitter search over feature f, which has NaN somewhere in X: NaN rows are moved to the end of
 * the node, the rest sorted and scanned twice (missing to the right, then to the left), then the
 * split "non-missing left, missing right" (threshold +inf) is tried. Updates `best` and sp.proxy;
 * returns true when the feature is constant in the node (all missing, or equal non-missing values).
 */
export function missingSearch(sp: NodeSearch, f: number, start: number, end: number, best: Split): boolean {
  const { samples, Xf, crit, o } = sp;
  const X = sp.data.Xc, col = f * sp.data.n;
  let nMissing = 0;
  let i = start, ce = end - 1;
  while (i <= ce) {
    const vEnd = X[col + samples[ce]!]!;
    if (vEnd !== vEnd) { nMissing++; ce--; continue; }
    const v = X[col + samples[i]!]!;
    if (v !== v) {
      swapSamples(samples, i, ce);
      nMissing++; ce--;
    }
    Xf[i] = X[col + samples[i]!]!;
    i++;
  }
  const endNM = end - nMissing;
  introsortRange(Xf, samples, start, endNM - start);
  if (endNM === start || Xf[endNM - 1]! <= Math.fround(Xf[start]! + FEATURE_THRESHOLD)) return true;
  const minLeaf = o.minSamplesLeaf, minW = o.minWeightLeaf;
  let bestProxy = sp.proxy;
  crit.initMissing(nMissing);
  bestProxy = critScan(crit, Xf, f, start, endNM, nMissing, false, o, best, bestProxy);
  if (nMissing) bestProxy = critScan(crit, Xf, f, start, endNM, nMissing, true, o, best, bestProxy);
  if (nMissing) {
    const nLeft = endNM - start, nRight = nMissing;
    if (!(nLeft < minLeaf || nRight < minLeaf)) {
      crit.missingGoToLeft = false;
      crit.update(endNM);
      if (!(crit.weightedNLeft < minW || crit.weightedNRight < minW)) {
        const proxy = crit.proxyImpurityImprovement();
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.pos = endNM; best.feature = f; best.threshold = Infinity; best.nMissing = nMissing; best.missingGoToLeft = false;
        }
      }
    }
  }
  // leave the criterion clean for the next (possibly complete) feature
  crit.initMissing(0);
  crit.missingGoToLeft = false;
  sp.proxy = bestProxy;
  return false;
}

/**
 * Partition and finish `best` when X has NaN somewhere: non-missing rows [start, pos) <= threshold,
 * then the rest, NaN rows last; the criterion sees the missing rows on their side; then, when they
 * go left, they are moved next to the left child (scikit-learn's shift_missing_values_to_left_if_required).
 */
export function finishWithMissing(sp: NodeSearch, best: Split, impurity: number, start: number, end: number, buf: Float64Array): void {
  const { samples, crit } = sp;
  const X = sp.data.Xc, col = best.feature * sp.data.n;
  let e = end;
  if (best.nMissing > 0) {
    let i = start;
    while (i < e) {
      const v = X[col + samples[i]!]!;
      if (v !== v) { e--; swapSamples(samples, i, e); } else i++;
    }
  }
  partitionByThreshold(samples, X, col, best.threshold, start, e);
  crit.initMissing(best.nMissing);
  crit.missingGoToLeft = best.missingGoToLeft;
  finishSplit(crit, best, impurity, buf);
  if (best.missingGoToLeft && best.nMissing > 0) {
    for (let q = 0; q < best.nMissing; q++) swapSamples(samples, best.pos + q, end - 1 - q);
    best.pos += best.nMissing;
  }
  crit.initMissing(0);
}

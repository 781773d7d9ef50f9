/**
 * scikit-learn's Splitter (`_splitter.pyx`): the node's sample buffer, the feature draws with the
 * constant-feature bookkeeping, and the per-feature search of the chosen strategy:
 * - 'best': sort the node's values of the feature (introsort, or presorted orders) and scan every
 *   candidate position (classScan.ts inlines the criterion for single-output classification;
 *   missing.ts handles features with NaN);
 * - 'random': one threshold drawn uniformly between the node's min and max;
 * - 'hist': bin edges as candidates (histogram.ts).
 * Then the node is partitioned and the split finished (scan.ts).
 *
 * Trusts its inputs: validation happens in the estimators.
 */
import type { ClassificationCriterion } from './classificationCriterion.js';
import type { Criterion } from './criterion.js';
import { classCountsOf, classScan, type ClassCounts } from './classScan.js';
import { HistogramSearch } from './histogram.js';
import { finishWithMissing, missingSearch } from './missing.js';
import { PresortedOrders } from './presort.js';
import { randInt, randUniform } from './rng.js';
import { critScan, finishSplit, partitionByThreshold } from './scan.js';
import { introsortRange } from './sorting.js';
import { FEATURE_THRESHOLD, midThreshold, type BuildOptions, type NodeSearch, type Split, type SplitterData } from './splitTypes.js';

export class Splitter implements NodeSearch {
  readonly samples: Int32Array;
  readonly nSamples: number;
  readonly weightedNSamples: number;
  readonly Xf: Float32Array;
  proxy = -Infinity;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly rand: Uint32Array;
  private readonly childImp = new Float64Array(2);
  /** presort mode ('best' only) */
  private readonly presorted: PresortedOrders | null;
  /** presort mode with single-output classification: the inlined scan */
  private readonly fast: ClassCounts | null;
  /** 'hist' mode */
  private readonly hist: HistogramSearch | null;

  constructor(readonly data: SplitterData, readonly crit: Criterion, sw: Float64Array, readonly o: BuildOptions) {
    const { n, d } = data;
    this.samples = new Int32Array(n);
    let m = 0, wAll = 0;
    for (let i = 0; i < n; i++) { if (sw[i]! !== 0) this.samples[m++] = i; wAll += sw[i]!; }
    this.nSamples = m;
    this.weightedNSamples = wAll;
    crit.weightedNSamples = wAll;
    this.features = new Int32Array(d);
    for (let j = 0; j < d; j++) this.features[j] = j;
    this.constantFeatures = new Int32Array(d);
    this.Xf = new Float32Array(n);
    this.rand = Uint32Array.of(o.seed >>> 0);
    this.presorted = o.presort && o.splitter === 'best' ? new PresortedOrders(data, this.samples, m, sw) : null;
    this.fast = this.presorted ? classCountsOf(crit, sw) : null;
    this.hist = o.splitter === 'hist' ? new HistogramSearch(data, crit, sw) : null;
  }

  /** Start the node samples[start:end]; returns its weighted number of samples. */
  nodeReset(start: number, end: number): number {
    this.crit.init(this.samples, start, end);
    return this.crit.weightedNNodeSamples;
  }

  /** Returns the best split; `nConst` is [in: known constants, out: total constants]. */
  nodeSplit(impurity: number, nConst: Int32Array): Split {
    const { features, constantFeatures, crit, o } = this;
    const d = this.data.d;
    const start = crit.start, end = crit.end;
    const best: Split = { feature: 0, pos: end, threshold: 0, improvement: -Infinity, impurityLeft: Infinity, impurityRight: Infinity, nMissing: 0, missingGoToLeft: false };
    this.proxy = -Infinity;
    let nVisited = 0, nFoundConst = 0, nDrawnConst = 0;
    const nKnownConst = nConst[0]!;
    let nTotalConst = nKnownConst;
    let fI = d;
    let currentFeature = -1;
    const built = this.hist?.buildAll(this, features, nKnownConst, start, end) === true;
    while (fI > nTotalConst && (nVisited < o.maxFeatures || nVisited <= nFoundConst + nDrawnConst)) {
      nVisited++;
      let fJ = randInt(nDrawnConst, fI - nFoundConst, this.rand);
      if (fJ < nKnownConst) {
        const tmp = features[nDrawnConst]!; features[nDrawnConst] = features[fJ]!; features[fJ] = tmp;
        nDrawnConst++;
        continue;
      }
      fJ += nFoundConst;
      const f = features[fJ]!;
      currentFeature = f;
      if (this.searchFeature(f, start, end, best, built)) {
        features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
        nFoundConst++; nTotalConst++;
      } else {
        fI--;
        features[fJ] = features[fI]!; features[fI] = f;
      }
    }
    if (best.pos < end) this.finish(best, impurity, start, end, currentFeature, nTotalConst);
    if (best.nMissing === 0 && best.pos < end) best.missingGoToLeft = best.pos - start > end - best.pos;
    constantFeatures.set(features.subarray(nKnownConst, nKnownConst + nFoundConst), nKnownConst);
    features.set(constantFeatures.subarray(0, nKnownConst), 0);
    nConst[0] = nTotalConst;
    return best;
  }

  /** One feature with the configured strategy: updates `best` and this.proxy; true when f is constant in the node. */
  private searchFeature(f: number, start: number, end: number, best: Split, built: boolean): boolean {
    if (this.hist) return this.hist.search(this, f, start, end, best, built);
    if (this.o.splitter === 'random') return this.randomSearch(f, start, end, best);
    if (this.presorted) return this.presortedSearch(f, start, end, best);
    if (this.data.nanMask?.[f]) return missingSearch(this, f, start, end, best);
    return this.sortedSearch(f, start, end, best);
  }

  /** 'best': introsort of the node's values, then the criterion scan. */
  private sortedSearch(f: number, start: number, end: number, best: Split): boolean {
    const { samples, Xf } = this;
    const X = this.data.Xc, col = f * this.data.n;
    for (let q = start; q < end; q++) Xf[q] = X[col + samples[q]!]!;
    introsortRange(Xf, samples, start, end - start);
    if (Xf[end - 1]! <= Math.fround(Xf[start]! + FEATURE_THRESHOLD)) return true;
    this.proxy = critScan(this.crit, Xf, f, start, end, 0, false, this.o, best, this.proxy);
    return false;
  }

  /** 'best' in presort mode: the feature's order is already sorted; the criterion reads that order. */
  private presortedSearch(f: number, start: number, end: number, best: Split): boolean {
    const Xf = this.Xf, S = this.presorted!.orders[f]!;
    const X = this.data.Xc, col = f * this.data.n;
    for (let q = start; q < end; q++) Xf[q] = X[col + S[q]!]!;
    this.crit.samples = S;
    if (Xf[end - 1]! <= Math.fround(Xf[start]! + FEATURE_THRESHOLD)) return true;
    if (this.fast) {
      const pos = classScan(this.fast, this.crit as ClassificationCriterion, Xf, S, start, end, this.proxy, this.o);
      if (pos >= 0) {
        this.proxy = this.fast.proxy;
        best.pos = pos; best.feature = f; best.threshold = midThreshold(Xf, pos); best.nMissing = 0;
      }
      return false;
    }
    this.proxy = critScan(this.crit, Xf, f, start, end, 0, false, this.o, best, this.proxy);
    return false;
  }

  /** 'random': one uniform threshold between the node's min and max, the node partitioned on it. */
  private randomSearch(f: number, start: number, end: number, best: Split): boolean {
    const { samples, Xf, crit } = this;
    const X = this.data.Xc, col = f * this.data.n;
    let mn = X[col + samples[start]!]!, mx = mn;
    Xf[start] = mn;
    for (let p = start + 1; p < end; p++) {
      const v = X[col + samples[p]!]!;
      Xf[p] = v;
      if (v < mn) mn = v; else if (v > mx) mx = v;
    }
    if (mx <= Math.fround(mn + FEATURE_THRESHOLD)) return true;
    let thr = randUniform(mn, mx, this.rand);
    if (thr === mx) thr = mn;
    let p = start, pe = end;
    while (p < pe) {
      if (Xf[p]! <= thr) p++;
      else {
        pe--;
        const v = Xf[p]!; Xf[p] = Xf[pe]!; Xf[pe] = v;
        const s = samples[p]!; samples[p] = samples[pe]!; samples[pe] = s;
      }
    }
    const pos = pe;
    const minLeaf = this.o.minSamplesLeaf, minW = this.o.minWeightLeaf;
    if (pos - start < minLeaf || end - pos < minLeaf) return false;
    crit.reset();
    crit.update(pos);
    if (crit.weightedNLeft < minW || crit.weightedNRight < minW) return false;
    const proxy = crit.proxyImpurityImprovement();
    if (proxy > this.proxy) {
      this.proxy = proxy;
      best.pos = pos; best.feature = f; best.threshold = thr; best.nMissing = 0;
    }
    return false;
  }

  /** Partition the node for `best` (unless the random search left it so) and finish the split. */
  private finish(best: Split, impurity: number, start: number, end: number, currentFeature: number, nTotalConst: number): void {
    const { crit, samples } = this;
    if (this.presorted) {
      this.presorted.partition(best.feature, start, best.pos, end, this.features, nTotalConst, samples);
      crit.samples = this.presorted.orders[best.feature]!;
    } else if (this.data.nanMask) {
      finishWithMissing(this, best, impurity, start, end, this.childImp);
      return;
    } else if (this.hist) this.hist.partition(samples, best, start, end);
    else if (this.o.splitter !== 'random' || currentFeature !== best.feature) partitionByThreshold(samples, this.data.Xc, best.feature * this.data.n, best.threshold, start, end);
    finishSplit(crit, best, impurity, this.childImp);
  }
}

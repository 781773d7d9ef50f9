/**
 * Split search and tree growth, following scikit-learn 1.2.1's `_splitter.pyx` (`BestSplitter`,
 * `RandomSplitter`, its introsort) and `_tree.pyx` (`DepthFirstTreeBuilder`,
 * `BestFirstTreeBuilder` with libstdc++'s heap order) step for step: the same `our_rand_r`
 * feature and threshold draws, FEATURE_THRESHOLD, midpoint thresholds, proxy improvements and
 * constant-feature bookkeeping, so that trees equal scikit-learn's node for node.
 *
 * A third strategy, `hist`, works on features pre-binned to at most 255 bins: the node's samples
 * are ordered per feature by a counting sort over bin codes (linear time instead of a comparison
 * sort), candidate thresholds are the bin edges. Same criteria, same constraints.
 *
 * Trusts its inputs: validation happens in the estimators.
 */
import { ClassificationCriterion, type Criterion } from './criterion.js';

/**
 * scikit-learn declares `cdef DTYPE_t FEATURE_THRESHOLD = 1e-7`: a float32, and `Xf[p] + FEATURE_THRESHOLD`
 * is a float32 addition (hence the Math.fround around every such sum below).
 */
export const FEATURE_THRESHOLD = Math.fround(1e-7);
const EPSILON = 2.220446049250313e-16;
const RAND_R_MAX = 2147483647;
export const TREE_LEAF = -1;
export const TREE_UNDEFINED = -2;

/** scikit-learn's `our_rand_r` xorshift (state kept in a 1-element Uint32Array). */
export function ourRandR(state: Uint32Array): number {
  if (state[0] === 0) state[0] = 1;
  let s = state[0]!;
  s = (s ^ (s << 13)) >>> 0;
  s = (s ^ (s >>> 17)) >>> 0;
  s = (s ^ (s << 5)) >>> 0;
  state[0] = s;
  return s % (RAND_R_MAX + 1);
}

function randInt(low: number, high: number, state: Uint32Array): number {
  return low + (ourRandR(state) % (high - low));
}

function randUniform(low: number, high: number, state: Uint32Array): number {
  return ((high - low) * ourRandR(state)) / RAND_R_MAX + low;
}

/** Arrays of a fitted tree (scikit-learn's `Tree` attributes). */
export interface TreeArrays {
  nodeCount: number;
  childrenLeft: Int32Array;
  childrenRight: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
  weightedNNodeSamples: Float64Array;
  /**
   * nodeCount x nOutputs x nClasses values, row-major: weighted class counts (classification)
   * or the node's mean / median (regression, nClasses = 1).
   */
  value: Float64Array;
  /** Values per output (max number of classes; 1 for regression). */
  nClasses: number;
  /** Number of outputs (1 unless y is 2-D). */
  nOutputs?: number;
  /** Per node: 1 when samples with NaN in `feature` go left (scikit-learn >= 1.3 semantics). */
  missingGoToLeft?: Uint8Array;
  maxDepth: number;
}

export type SplitterName = 'best' | 'random' | 'hist';

export interface BuildOptions {
  splitter: SplitterName;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minWeightLeaf: number;
  maxFeatures: number;
  minImpurityDecrease: number;
  /** -1: depth-first growth; otherwise best-first growth with this many leaves at most. */
  maxLeafNodes: number;
  /** initial our_rand_r state (scikit-learn: random_state.randint(0, RAND_R_MAX)) */
  seed: number;
  /**
   * 'best' only: keep one index array per feature sorted once at the start and stably partitioned
   * at each split, instead of sorting every node. Gives the same tree as scikit-learn whenever the
   * order of samples with tied values cannot change a sum (classification with integer weights).
   */
  presort?: boolean;
}

/** X as the splitter reads it: column-major float32 (scikit-learn's DTYPE) or bin codes. */
export interface SplitterData {
  n: number;
  d: number;
  /** n x d column-major: Xc[f * n + i] (float32 values; hist: unused for the search). */
  Xc: Float32Array;
  /** hist only: bin codes, column-major, and the upper edge of each bin per feature. */
  bins?: Uint8Array;
  binEdges?: Float64Array[];
  /** optional per-feature argsort of all n rows (d x n); presort mode filters it instead of sorting */
  order?: Int32Array;
  /** hist only: bin codes row-major (n x d), for the one-pass histogram build */
  binsRow?: Uint8Array;
  /** 1 for features with NaN somewhere in X ('best' splitter only) */
  nanMask?: Uint8Array;
}

class TreeBuf {
  cap = 64;
  nodeCount = 0;
  maxDepth = 0;
  childrenLeft = new Int32Array(64);
  childrenRight = new Int32Array(64);
  feature = new Int32Array(64);
  threshold = new Float64Array(64);
  impurity = new Float64Array(64);
  nNodeSamples = new Int32Array(64);
  weightedNNodeSamples = new Float64Array(64);
  missingGoToLeft = new Uint8Array(64);
  value: Float64Array;
  constructor(readonly stride: number) {
    this.value = new Float64Array(64 * stride);
  }
  private grow(): void {
    const cap = (this.cap *= 2);
    const g = <T extends Int32Array | Float64Array>(a: T, len: number): T => { const b = new (a.constructor as new (l: number) => T)(len); b.set(a); return b; };
    this.childrenLeft = g(this.childrenLeft, cap); this.childrenRight = g(this.childrenRight, cap); this.feature = g(this.feature, cap);
    this.threshold = g(this.threshold, cap); this.impurity = g(this.impurity, cap); this.nNodeSamples = g(this.nNodeSamples, cap);
    this.weightedNNodeSamples = g(this.weightedNNodeSamples, cap); this.value = g(this.value, cap * this.stride);
    const m = new Uint8Array(cap); m.set(this.missingGoToLeft); this.missingGoToLeft = m;
  }
  /** scikit-learn's `Tree._add_node`. */
  addNode(parent: number, isLeft: boolean, isLeaf: boolean, feature: number, threshold: number, impurity: number, nSamples: number, wSamples: number, missingLeft = false): number {
    if (this.nodeCount >= this.cap) this.grow();
    const id = this.nodeCount++;
    this.impurity[id] = impurity;
    this.nNodeSamples[id] = nSamples;
    this.weightedNNodeSamples[id] = wSamples;
    if (parent !== TREE_UNDEFINED) {
      if (isLeft) this.childrenLeft[parent] = id; else this.childrenRight[parent] = id;
    }
    if (isLeaf) {
      this.childrenLeft[id] = TREE_LEAF; this.childrenRight[id] = TREE_LEAF;
      this.feature[id] = TREE_UNDEFINED; this.threshold[id] = TREE_UNDEFINED;
    } else {
      this.feature[id] = feature; this.threshold[id] = threshold; this.missingGoToLeft[id] = missingLeft ? 1 : 0;
    }
    return id;
  }
  finish(nClasses: number, nOutputs: number): TreeArrays {
    const c = this.nodeCount;
    return {
      nodeCount: c, childrenLeft: this.childrenLeft.slice(0, c), childrenRight: this.childrenRight.slice(0, c), feature: this.feature.slice(0, c),
      threshold: this.threshold.slice(0, c), impurity: this.impurity.slice(0, c), nNodeSamples: this.nNodeSamples.slice(0, c),
      weightedNNodeSamples: this.weightedNNodeSamples.slice(0, c), value: this.value.slice(0, c * this.stride), nClasses, nOutputs, maxDepth: this.maxDepth,
      missingGoToLeft: this.missingGoToLeft.slice(0, c),
    };
  }
}

/** Result of a node split (scikit-learn's `SplitRecord`). */
interface Split {
  feature: number;
  pos: number;
  threshold: number;
  improvement: number;
  impurityLeft: number;
  impurityRight: number;
  nMissing: number;
  missingGoToLeft: boolean;
}

/** scikit-learn's Splitter: shared sample/feature buffers and the per-node split search. */
class Splitter {
  readonly samples: Int32Array;
  readonly nSamples: number;
  readonly weightedNSamples: number;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly Xf: Float32Array;
  private readonly rand: Uint32Array;
  private readonly childImp = new Float64Array(2);
  // hist scratch
  private readonly codes: Uint8Array | null;
  private readonly sampTmp: Int32Array | null;
  private readonly binCount = new Int32Array(257);

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
    this.codes = o.splitter === 'hist' ? new Uint8Array(n) : null;
    this.sampTmp = o.splitter === 'hist' || o.presort ? new Int32Array(n) : null;
    if (o.presort && o.splitter === 'best') {
      this.presorted = [];
      this.goLeft = new Uint8Array(n);
      const keys = new Float64Array(data.order ? 0 : m);
      for (let f = 0; f < d; f++) {
        let ord: Int32Array;
        if (data.order) {
          ord = new Int32Array(m);
          const G = data.order.subarray(f * n, f * n + n);
          let q = 0;
          for (let t = 0; t < n; t++) { const i = G[t]!; if (sw[i]! !== 0) ord[q++] = i; }
        } else {
          ord = this.samples.slice(0, m);
          const col = f * n;
          for (let q = 0; q < m; q++) keys[q] = data.Xc[col + ord[q]!]!;
          sortPairs(keys, ord, 0, m - 1);
        }
        this.presorted.push(ord);
      }
      if (crit instanceof ClassificationCriterion && crit.nOutputs === 1) {
        this.fast = { y: crit.y, sw, k: crit.stride, entropy: crit.entropy, cl: new Float64Array(crit.stride) };
      }
    }
    if (o.splitter === 'hist' && crit instanceof ClassificationCriterion && crit.nOutputs === 1) {
      const k = crit.stride;
      this.fast = { y: crit.y, sw, k, entropy: crit.entropy, cl: new Float64Array(k) };
      this.hist = { H: new Float64Array(256 * d * k), W: new Float64Array(256 * d), N: new Int32Array(256 * d), seen: new Int32Array(256 * d), nSeen: new Int32Array(d) };
    }
  }

  /**
   * hist + single-output classification: per-feature, per-bin weighted class counts (H), weights (W)
   * and sample counts (N), feature f at offset f * 256 bins; `seen` lists the non-empty bins.
   */
  private hist: { H: Float64Array; W: Float64Array; N: Int32Array; seen: Int32Array; nSeen: Int32Array } | null = null;

  /** Fill the histograms of the features fs over samples[start:end] in one pass over the rows (row-major bins). */
  private histBuildAll(fs: Int32Array, start: number, end: number): void {
    const { y, sw, k } = this.fast!;
    const { H, W, N, seen, nSeen } = this.hist!;
    const rb = this.data.binsRow!, d = this.data.d, samples = this.samples;
    const nf = fs.length;
    for (let t = 0; t < nf; t++) nSeen[fs[t]!] = 0;
    for (let q = start; q < end; q++) {
      const s = samples[q]!;
      const c = y[s]!, w = sw[s]!, base = s * d;
      for (let t = 0; t < nf; t++) {
        const f = fs[t]!;
        const hb = (f << 8) + rb[base + f]!;
        H[hb * k + c]! += w;
        W[hb]! += w;
        if (N[hb]!++ === 0) seen[(f << 8) + nSeen[f]!++] = hb & 255;
      }
    }
  }

  /** Fill one feature's histogram (column-major bins). */
  private histBuildOne(f: number, start: number, end: number): void {
    const { y, sw, k } = this.fast!;
    const { H, W, N, seen, nSeen } = this.hist!;
    const samples = this.samples, bins = this.data.bins!, col = f * this.data.n, off = f << 8;
    let ns = 0;
    for (let q = start; q < end; q++) {
      const s = samples[q]!;
      const hb = off + bins[col + s]!;
      const w = sw[s]!;
      H[hb * k + y[s]!]! += w;
      W[hb]! += w;
      if (N[hb]!++ === 0) seen[off + ns++] = hb - off;
    }
    nSeen[f] = ns;
  }

  /** Zero feature f's histogram (only its non-empty bins). */
  private histClear(f: number): void {
    const { k } = this.fast!;
    const { H, W, N, seen, nSeen } = this.hist!;
    const off = f << 8;
    for (let t = 0, m = nSeen[f]!; t < m; t++) {
      const hb = off + seen[off + t]!;
      for (let c = 0; c < k; c++) H[hb * k + c] = 0;
      W[hb] = 0; N[hb] = 0;
    }
    nSeen[f] = 0;
  }

  /**
   * Histogram split search over one feature (classification): the candidate thresholds (bin edges)
   * are scanned in ascending order with the same proxy and tie rule as the exact search. Returns the
   * best bin (or null), or 'constant'. Clears the feature's histogram.
   */
  private histScan(f: number, start: number, end: number, bestProxy: number, built: boolean): { bin: number; nLeft: number } | null | 'constant' {
    if (!built) this.histBuildOne(f, start, end);
    const { k, entropy, cl } = this.fast!;
    const { H, W, N, seen, nSeen } = this.hist!;
    const off = f << 8, ns = nSeen[f]!;
    if (ns <= 1) { this.histClear(f); return 'constant'; }
    let mn = 255, mx = 0;
    for (let t = 0; t < ns; t++) { const b = seen[off + t]!; if (b < mn) mn = b; if (b > mx) mx = b; }
    // few distinct bins (small nodes): visit just those, in ascending order; else scan the range
    const sparse = ns * 8 < mx - mn;
    if (sparse) {
      for (let a = off + 1; a < off + ns; a++) {
        const v = seen[a]!;
        let j = a - 1;
        while (j >= off && seen[j]! > v) { seen[j + 1] = seen[j]!; j--; }
        seen[j + 1] = v;
      }
    }
    const crit = this.crit as ClassificationCriterion;
    const tot = crit.sumTotal, wn = crit.weightedNNodeSamples, nNode = end - start;
    const minLeaf = this.o.minSamplesLeaf, minW = this.o.minWeightLeaf;
    cl.fill(0);
    let wl = 0, nl = 0;
    let best: { bin: number; nLeft: number } | null = null;
    const last = sparse ? ns - 1 : mx - mn;
    for (let t = 0; t < last; t++) {
      const b = sparse ? seen[off + t]! : mn + t;
      const hb = off + b;
      const cnt = N[hb]!;
      if (cnt === 0) continue;
      nl += cnt;
      wl += W[hb]!;
      for (let c = 0; c < k; c++) cl[c]! += H[hb * k + c]!;
      if (nl < minLeaf || nNode - nl < minLeaf) continue;
      const wr = wn - wl;
      if (wl < minW || wr < minW) continue;
      let il = 0, ir = 0;
      if (entropy) {
        for (let c = 0; c < k; c++) {
          let v = cl[c]!;
          if (v > 0) { v /= wl; il -= v * (Math.log(v) / Math.LN2); }
          v = tot[c]! - cl[c]!;
          if (v > 0) { v /= wr; ir -= v * (Math.log(v) / Math.LN2); }
        }
      } else {
        let sqL = 0, sqR = 0;
        for (let c = 0; c < k; c++) { const l = cl[c]!, r = tot[c]! - l; sqL += l * l; sqR += r * r; }
        il = 1.0 - sqL / (wl * wl);
        ir = 1.0 - sqR / (wr * wr);
      }
      const proxy = -wr * ir - wl * il;
      if (proxy > bestProxy) { bestProxy = proxy; best = { bin: b, nLeft: nl }; }
    }
    this.histClear(f);
    this.fastProxy = bestProxy;
    return best;
  }


  /** Presorted single-output classification: the inlined scan below replaces criterion calls. */
  private fast: { y: Int32Array; sw: Float64Array; k: number; entropy: boolean; cl: Float64Array } | null = null;
  private fastProxy = -Infinity;

  /**
   * The BestSplitter scan over one feature for single-output classification with integer weights,
   * with the criterion inlined. Counts and sums of squared counts are exact integers, so the
   * proxies are bit-identical to ClassificationCriterion's; returns the best position improving on
   * `bestProxy` (proxy in this.fastProxy) or -1.
   */
  private fastScan(S: Int32Array, start: number, end: number, bestProxy: number): number {
    const { y, sw, k, entropy, cl } = this.fast!;
    const Xf = this.Xf, crit = this.crit as ClassificationCriterion;
    const tot = crit.sumTotal;
    const wn = crit.weightedNNodeSamples;
    const minLeaf = this.o.minSamplesLeaf, minW = this.o.minWeightLeaf;
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
        let il: number, ir: number;
        if (entropy) {
          il = 0; ir = 0;
          for (let c = 0; c < k; c++) {
            let v = cl[c]!;
            if (v > 0) { v /= wl; il -= v * (Math.log(v) / Math.LN2); }
            v = tot[c]! - cl[c]!;
            if (v > 0) { v /= wr; ir -= v * (Math.log(v) / Math.LN2); }
          }
        } else {
          il = 1.0 - sqL / (wl * wl);
          ir = 1.0 - sqR / (wr * wr);
        }
        const proxy = -wr * ir - wl * il;
        if (proxy > bestProxy) { bestProxy = proxy; bestPos = p; }
      }
    }
    this.fastProxy = bestProxy;
    return bestPos;
  }

  /**
   * BestSplitter scan of a feature that has missing values somewhere (scikit-learn >= 1.3): NaN rows
   * are moved to the end of the node, the rest sorted and scanned twice (missing to the right, then
   * to the left), then the split "non-missing left, missing right" (threshold +inf) is tried.
   * Updates `best` in place (proxy in this.fastProxy); returns true when the feature is constant.
   */
  private nanScan(f: number, start: number, end: number, best: Split, bestProxy: number): boolean {
    const { samples, Xf, crit, o } = this;
    const X = this.data.Xc, col = f * this.data.n;
    let nMissing = 0;
    let i = start, ce = end - 1;
    while (i <= ce) {
      const vEnd = X[col + samples[ce]!]!;
      if (vEnd !== vEnd) { nMissing++; ce--; continue; }
      const v = X[col + samples[i]!]!;
      if (v !== v) {
        const t = samples[i]!; samples[i] = samples[ce]!; samples[ce] = t;
        nMissing++; ce--;
      }
      Xf[i] = X[col + samples[i]!]!;
      i++;
    }
    const endNM = end - nMissing;
    introsortRange(Xf, samples, start, endNM - start);
    this.fastProxy = bestProxy;
    if (endNM === start || Xf[endNM - 1]! <= Math.fround(Xf[start]! + FEATURE_THRESHOLD)) return true;
    const minLeaf = o.minSamplesLeaf, minW = o.minWeightLeaf;
    crit.initMissing(nMissing);
    const nSearches = nMissing ? 2 : 1;
    for (let sI = 0; sI < nSearches; sI++) {
      const goLeft = sI === 1;
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
          let thr = Xf[p - 1]! / 2.0 + Xf[p]! / 2.0;
          if (thr === Xf[p] || thr === Infinity || thr === -Infinity) thr = Xf[p - 1]!;
          best.pos = p; best.feature = f; best.threshold = thr; best.nMissing = nMissing;
          best.missingGoToLeft = nMissing === 0 ? nLeft > nRight : goLeft;
        }
      }
    }
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
    this.fastProxy = bestProxy;
    return false;
  }

  /** Partition for the best split when X has NaN: non-missing [start, pos) <= threshold, then the rest, NaN rows last. */
  private partitionWithMissing(best: Split, start: number, end: number): void {
    const samples = this.samples, X = this.data.Xc, col = best.feature * this.data.n;
    let e = end;
    if (best.nMissing > 0) {
      let i = start;
      while (i < e) {
        const v = X[col + samples[i]!]!;
        if (v !== v) { e--; const t = samples[i]!; samples[i] = samples[e]!; samples[e] = t; } else i++;
      }
    }
    let p = start, pe = e;
    while (p < pe) {
      if (X[col + samples[p]!]! <= best.threshold) p++;
      else { pe--; const t = samples[p]!; samples[p] = samples[pe]!; samples[pe] = t; }
    }
  }

  /** Per-feature sample orders (presort mode). */
  private presorted: Int32Array[] | null = null;
  private goLeft: Uint8Array | null = null;

  nodeReset(start: number, end: number): number {
    this.crit.init(this.samples, start, end);
    return this.crit.weightedNNodeSamples;
  }

  /**
   * Presort mode: stable-partition the feature orders so samples[start:pos] of `best` come first.
   * Features constant in this node (features[0:nConst]) are skipped: their segments go stale, but a
   * stale segment still holds samples of a node where the feature was constant, so it is detected as
   * constant again if ever drawn (best-first growth does not pass constants down). `samples` keeps
   * the node's set for the criterion.
   */
  private partitionPresorted(bestF: number, start: number, pos: number, end: number, nConst: number): void {
    const P = this.presorted!, goLeft = this.goLeft!, tmp = this.sampTmp!, features = this.features;
    const B = P[bestF]!;
    for (let q = start; q < pos; q++) goLeft[B[q]!] = 1;
    for (let q = pos; q < end; q++) goLeft[B[q]!] = 0;
    this.samples.set(B.subarray(start, end), start);
    for (let t = nConst; t < features.length; t++) {
      const f = features[t]!;
      if (f === bestF) continue;
      const S = P[f]!;
      let l = start, r = 0;
      for (let q = start; q < end; q++) {
        const s = S[q]!;
        if (goLeft[s] === 1) S[l++] = s; else tmp[r++] = s;
      }
      S.set(tmp.subarray(0, r), l);
    }
  }

  /** Returns the best split; `nConst` is [in: known constants, out: total constants]. */
  nodeSplit(impurity: number, nConst: Int32Array): Split {
    const { samples, features, constantFeatures, Xf, crit, o } = this;
    const d = this.data.d, n = this.data.n;
    const start = crit.start, end = crit.end;
    const best: Split = { feature: 0, pos: end, threshold: 0, improvement: -Infinity, impurityLeft: Infinity, impurityRight: Infinity, nMissing: 0, missingGoToLeft: false };
    let bestProxy = -Infinity;
    let nVisited = 0, nFoundConst = 0, nDrawnConst = 0;
    const nKnownConst = nConst[0]!;
    let nTotalConst = nKnownConst;
    let fI = d;
    const minLeaf = o.minSamplesLeaf, minW = o.minWeightLeaf;
    const mode = o.splitter;
    let currentFeature = -1;
    // hist: when every remaining feature will be visited, fill all histograms in one pass over the rows
    const batch = this.hist !== null && this.data.binsRow !== undefined && o.maxFeatures >= d - nKnownConst;
    if (batch) this.histBuildAll(features.subarray(nKnownConst, d), start, end);
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
      if (mode === 'best') {
        const col = f * n;
        const X = this.data.Xc;
        if (this.presorted) {
          const S = this.presorted[f]!;
          for (let q = start; q < end; q++) Xf[q] = X[col + S[q]!]!;
          crit.samples = S;
        } else if (this.data.nanMask?.[f]) {
          if (this.nanScan(f, start, end, best, bestProxy)) {
            // constant (all missing, or equal non-missing values)
            features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
            nFoundConst++; nTotalConst++;
          } else {
            fI--;
            features[fJ] = features[fI]!; features[fI] = f;
            bestProxy = this.fastProxy;
          }
          continue;
        } else {
          for (let q = start; q < end; q++) Xf[q] = X[col + samples[q]!]!;
          introsortRange(Xf, samples, start, end - start);
        }
        if (Xf[end - 1]! <= Math.fround(Xf[start]! + FEATURE_THRESHOLD)) {
          features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
          nFoundConst++; nTotalConst++;
          continue;
        }
        fI--;
        features[fJ] = features[fI]!; features[fI] = f;
        if (this.fast) {
          const pos = this.fastScan(this.presorted![f]!, start, end, bestProxy);
          if (pos >= 0) {
            bestProxy = this.fastProxy;
            let thr = Xf[pos - 1]! / 2.0 + Xf[pos]! / 2.0;
            if (thr === Xf[pos] || thr === Infinity || thr === -Infinity) thr = Xf[pos - 1]!;
            best.pos = pos; best.feature = f; best.threshold = thr; best.nMissing = 0;
          }
          continue;
        }
        crit.reset();
        let p = start;
        while (p < end) {
          while (p + 1 < end && Xf[p + 1]! <= Math.fround(Xf[p]! + FEATURE_THRESHOLD)) p++;
          p++;
          if (p < end) {
            if (p - start < minLeaf || end - p < minLeaf) continue;
            crit.update(p);
            if (crit.weightedNLeft < minW || crit.weightedNRight < minW) continue;
            const proxy = crit.proxyImpurityImprovement();
            if (proxy > bestProxy) {
              bestProxy = proxy;
              let thr = Xf[p - 1]! / 2.0 + Xf[p]! / 2.0;
              if (thr === Xf[p] || thr === Infinity || thr === -Infinity) thr = Xf[p - 1]!;
              best.pos = p; best.feature = f; best.threshold = thr; best.nMissing = 0;
            }
          }
        }
      } else if (mode === 'random') {
        const col = f * n;
        const X = this.data.Xc;
        let mn = X[col + samples[start]!]!, mx = mn;
        Xf[start] = mn;
        for (let p = start + 1; p < end; p++) {
          const v = X[col + samples[p]!]!;
          Xf[p] = v;
          if (v < mn) mn = v; else if (v > mx) mx = v;
        }
        if (mx <= Math.fround(mn + FEATURE_THRESHOLD)) {
          features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
          nFoundConst++; nTotalConst++;
          continue;
        }
        fI--;
        features[fJ] = features[fI]!; features[fI] = f;
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
        if (pos - start < minLeaf || end - pos < minLeaf) continue;
        crit.reset();
        crit.update(pos);
        if (crit.weightedNLeft < minW || crit.weightedNRight < minW) continue;
        const proxy = crit.proxyImpurityImprovement();
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.pos = pos; best.feature = f; best.threshold = thr; best.nMissing = 0;
        }
      } else if (this.hist) {
        const r = this.histScan(f, start, end, bestProxy, batch);
        if (r === 'constant') {
          features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
          nFoundConst++; nTotalConst++;
          continue;
        }
        fI--;
        features[fJ] = features[fI]!; features[fI] = f;
        if (r) {
          bestProxy = this.fastProxy;
          best.pos = start + r.nLeft; best.feature = f; best.threshold = this.data.binEdges![f]![r.bin]!; best.nMissing = 0;
        }
      } else {
        // hist: counting sort of samples[start:end] by bin code
        const bins = this.data.bins!, col = f * n;
        const codes = this.codes!, tmp = this.sampTmp!, cnt = this.binCount;
        cnt.fill(0);
        let mn = 255, mx = 0;
        for (let q = start; q < end; q++) {
          const b = bins[col + samples[q]!]!;
          cnt[b + 1]!++;
          if (b < mn) mn = b;
          if (b > mx) mx = b;
        }
        if (mx === mn) {
          features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
          nFoundConst++; nTotalConst++;
          continue;
        }
        fI--;
        features[fJ] = features[fI]!; features[fI] = f;
        for (let b = mn + 1; b <= mx + 1; b++) cnt[b]! += cnt[b - 1]!;
        for (let q = start; q < end; q++) {
          const s = samples[q]!;
          const b = bins[col + s]!;
          const at = start + cnt[b]!++;
          tmp[at] = s;
          codes[at] = b;
        }
        samples.set(tmp.subarray(start, end), start);
        const edges = this.data.binEdges![f]!;
        crit.reset();
        let p = start;
        while (p < end) {
          const b = codes[p]!;
          p = start + cnt[b]!; // end of this bin's run (cnt[b] = #codes <= b after the scatter)
          if (p < end) {
            if (p - start < minLeaf || end - p < minLeaf) continue;
            crit.update(p);
            if (crit.weightedNLeft < minW || crit.weightedNRight < minW) continue;
            const proxy = crit.proxyImpurityImprovement();
            if (proxy > bestProxy) {
              bestProxy = proxy;
              best.pos = p; best.feature = f; best.threshold = edges[b]!; best.nMissing = 0;
            }
          }
        }
      }
    }
    if (best.pos < end && this.presorted) {
      this.partitionPresorted(best.feature, start, best.pos, end, nTotalConst);
      crit.samples = this.presorted[best.feature]!;
      crit.reset();
      crit.update(best.pos);
      crit.childrenImpurity(this.childImp);
      best.impurityLeft = this.childImp[0]!;
      best.impurityRight = this.childImp[1]!;
      best.improvement = crit.impurityImprovement(impurity, best.impurityLeft, best.impurityRight);
    } else if (best.pos < end && this.data.nanMask) {
      this.partitionWithMissing(best, start, end);
      crit.initMissing(best.nMissing);
      crit.missingGoToLeft = best.missingGoToLeft;
      crit.reset();
      crit.update(best.pos);
      crit.childrenImpurity(this.childImp);
      best.impurityLeft = this.childImp[0]!;
      best.impurityRight = this.childImp[1]!;
      best.improvement = crit.impurityImprovement(impurity, best.impurityLeft, best.impurityRight);
      if (best.missingGoToLeft && best.nMissing > 0) {
        // scikit-learn's shift_missing_values_to_left_if_required
        for (let q = 0; q < best.nMissing; q++) {
          const a = best.pos + q, b = end - 1 - q;
          const t = samples[a]!; samples[a] = samples[b]!; samples[b] = t;
        }
        best.pos += best.nMissing;
      }
      crit.initMissing(0);
    } else if (best.pos < end) {
      if (mode !== 'random' || currentFeature !== best.feature) {
        let pe = end, p = start;
        if (mode === 'hist') {
          // partition on bin codes (consistent with the scan)
          const bins = this.data.bins!, col = best.feature * n;
          const edges = this.data.binEdges![best.feature]!;
          let bb = 0;
          while (edges[bb]! < best.threshold) bb++;
          while (p < pe) {
            if (bins[col + samples[p]!]! <= bb) p++;
            else { pe--; const t = samples[p]!; samples[p] = samples[pe]!; samples[pe] = t; }
          }
        } else {
          const X = this.data.Xc, col = best.feature * n;
          while (p < pe) {
            if (X[col + samples[p]!]! <= best.threshold) p++;
            else { pe--; const t = samples[p]!; samples[p] = samples[pe]!; samples[pe] = t; }
          }
        }
      }
      crit.reset();
      crit.update(best.pos);
      crit.childrenImpurity(this.childImp);
      best.impurityLeft = this.childImp[0]!;
      best.impurityRight = this.childImp[1]!;
      best.improvement = crit.impurityImprovement(impurity, best.impurityLeft, best.impurityRight);
    }
    if (best.nMissing === 0 && best.pos < end) best.missingGoToLeft = best.pos - start > end - best.pos;
    constantFeatures.set(features.subarray(nKnownConst, nKnownConst + nFoundConst), nKnownConst);
    features.set(constantFeatures.subarray(0, nKnownConst), 0);
    nConst[0] = nTotalConst;
    return best;
  }
}

/** Grow a tree with scikit-learn's DepthFirstTreeBuilder, or BestFirstTreeBuilder when maxLeafNodes >= 0. */
export function buildTree(data: SplitterData, crit: Criterion, sw: Float64Array, o: BuildOptions): TreeArrays {
  const sp = new Splitter(data, crit, sw, o);
  const t = new TreeBuf(crit.nOutputs * crit.stride);
  if (o.maxLeafNodes >= 0) bestFirst(sp, t, o);
  else depthFirst(sp, t, o);
  return t.finish(crit.stride, crit.nOutputs);
}

function depthFirst(sp: Splitter, t: TreeBuf, o: BuildOptions): void {
  interface Rec { start: number; end: number; depth: number; parent: number; isLeft: boolean; impurity: number; nConst: number }
  const stack: Rec[] = [{ start: 0, end: sp.nSamples, depth: 0, parent: TREE_UNDEFINED, isLeft: false, impurity: Infinity, nConst: 0 }];
  const nConst = new Int32Array(1);
  let first = true;
  while (stack.length) {
    const r = stack.pop()!;
    const { start, end, depth } = r;
    const nNode = end - start;
    const wNode = sp.nodeReset(start, end);
    let isLeaf = depth >= o.maxDepth || nNode < o.minSamplesSplit || nNode < 2 * o.minSamplesLeaf || wNode < 2 * o.minWeightLeaf;
    let impurity = r.impurity;
    if (first) { impurity = sp.crit.nodeImpurity(); first = false; }
    isLeaf = isLeaf || impurity <= EPSILON;
    let split: Split | null = null;
    nConst[0] = r.nConst;
    if (!isLeaf) {
      split = sp.nodeSplit(impurity, nConst);
      isLeaf = split.pos >= end || split.improvement + EPSILON < o.minImpurityDecrease;
    }
    const id = t.addNode(r.parent, r.isLeft, isLeaf, split?.feature ?? 0, split?.threshold ?? 0, impurity, nNode, wNode, split?.missingGoToLeft ?? false);
    sp.crit.nodeValue(t.value, id * t.stride);
    if (!isLeaf) {
      const s = split!;
      stack.push({ start: s.pos, end, depth: depth + 1, parent: id, isLeft: false, impurity: s.impurityRight, nConst: nConst[0]! });
      stack.push({ start, end: s.pos, depth: depth + 1, parent: id, isLeft: true, impurity: s.impurityLeft, nConst: nConst[0]! });
    }
    if (depth > t.maxDepth) t.maxDepth = depth;
  }
}

interface Frontier {
  nodeId: number; start: number; end: number; pos: number; depth: number; isLeaf: boolean;
  impurity: number; impurityLeft: number; impurityRight: number; improvement: number;
}

/** libstdc++ `std::push_heap` with `comp(a, b) = a.improvement < b.improvement` (max-heap). */
function pushHeap(h: Frontier[], value: Frontier): void {
  h.push(value);
  let hole = h.length - 1;
  let parent = (hole - 1) >> 1;
  while (hole > 0 && h[parent]!.improvement < value.improvement) {
    h[hole] = h[parent]!;
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  h[hole] = value;
}

/** libstdc++ `std::pop_heap` + `pop_back`. */
function popHeap(h: Frontier[]): Frontier {
  const len0 = h.length;
  if (len0 > 1) {
    const last = len0 - 1;
    const value = h[last]!;
    h[last] = h[0]!;
    // __adjust_heap(first, 0, last, value)
    const len = last;
    let hole = 0;
    let second = 0;
    while (second < ((len - 1) >> 1)) {
      second = 2 * (second + 1);
      if (h[second]!.improvement < h[second - 1]!.improvement) second--;
      h[hole] = h[second]!;
      hole = second;
    }
    if ((len & 1) === 0 && second === (len - 2) >> 1) {
      second = 2 * (second + 1);
      h[hole] = h[second - 1]!;
      hole = second - 1;
    }
    // __push_heap(first, hole, 0, value)
    let parent = (hole - 1) >> 1;
    while (hole > 0 && h[parent]!.improvement < value.improvement) {
      h[hole] = h[parent]!;
      hole = parent;
      parent = (hole - 1) >> 1;
    }
    h[hole] = value;
  }
  return h.pop()!;
}

function bestFirst(sp: Splitter, t: TreeBuf, o: BuildOptions): void {
  let maxSplitNodes = o.maxLeafNodes - 1;
  const nConst = new Int32Array(1);
  const addSplitNode = (start: number, end: number, impurity: number, isFirst: boolean, isLeft: boolean, parent: number, depth: number): Frontier => {
    const wNode = sp.nodeReset(start, end);
    if (isFirst) impurity = sp.crit.nodeImpurity();
    const nNode = end - start;
    let isLeaf = depth >= o.maxDepth || nNode < o.minSamplesSplit || nNode < 2 * o.minSamplesLeaf || wNode < 2 * o.minWeightLeaf || impurity <= EPSILON;
    let split: Split | null = null;
    if (!isLeaf) {
      nConst[0] = 0;
      split = sp.nodeSplit(impurity, nConst);
      isLeaf = split.pos >= end || split.improvement + EPSILON < o.minImpurityDecrease;
    }
    const id = t.addNode(parent, isLeft, isLeaf, split?.feature ?? 0, split?.threshold ?? 0, impurity, nNode, wNode, split?.missingGoToLeft ?? false);
    sp.crit.nodeValue(t.value, id * t.stride);
    if (!isLeaf) {
      const s = split!;
      return { nodeId: id, start, end, depth, impurity, pos: s.pos, isLeaf: false, improvement: s.improvement, impurityLeft: s.impurityLeft, impurityRight: s.impurityRight };
    }
    return { nodeId: id, start, end, depth, impurity, pos: end, isLeaf: true, improvement: 0, impurityLeft: impurity, impurityRight: impurity };
  };
  const frontier: Frontier[] = [];
  pushHeap(frontier, addSplitNode(0, sp.nSamples, Infinity, true, true, TREE_UNDEFINED, 0));
  while (frontier.length) {
    const rec = popHeap(frontier);
    const id = rec.nodeId;
    if (rec.isLeaf || maxSplitNodes <= 0) {
      t.childrenLeft[id] = TREE_LEAF; t.childrenRight[id] = TREE_LEAF;
      t.feature[id] = TREE_UNDEFINED; t.threshold[id] = TREE_UNDEFINED;
    } else {
      maxSplitNodes--;
      const left = addSplitNode(rec.start, rec.pos, rec.impurityLeft, false, true, id, rec.depth + 1);
      const right = addSplitNode(rec.pos, rec.end, rec.impurityRight, false, false, id, rec.depth + 1);
      pushHeap(frontier, left);
      pushHeap(frontier, right);
    }
    if (rec.depth > t.maxDepth) t.maxDepth = rec.depth;
  }
}

// ---- scikit-learn's introsort (median-of-3 pivot, 3-way partition, heapsort fallback) ----

function swap(Xf: Float32Array, s: Int32Array, i: number, j: number): void {
  const v = Xf[i]!; Xf[i] = Xf[j]!; Xf[j] = v;
  const k = s[i]!; s[i] = s[j]!; s[j] = k;
}

/** Sort Xf[off:off+n] ascending, carrying samples along, exactly as scikit-learn's `sort`. */
export function introsortRange(Xf: Float32Array, s: Int32Array, off: number, n: number): void {
  if (n === 0) return;
  const maxd = 2 * Math.trunc(Math.log(n) / Math.LN2);
  introsort(Xf, s, off, n, maxd);
}

function introsort(Xf: Float32Array, s: Int32Array, off: number, n: number, maxd: number): void {
  while (n > 1) {
    if (maxd <= 0) { heapsort(Xf, s, off, n); return; }
    maxd--;
    // median3
    const a = Xf[off]!, b = Xf[off + (n >>> 1)]!, c = Xf[off + n - 1]!;
    let pivot: number;
    if (a < b) pivot = b < c ? b : a < c ? c : a;
    else pivot = b < c ? (a < c ? a : c) : b;
    // three-way partition (swaps of an element with itself are skipped: same result)
    let i = off, l = off, r = off + n;
    while (i < r) {
      const v = Xf[i]!;
      if (v < pivot) {
        if (i !== l) { const t = s[i]!; Xf[i] = Xf[l]!; s[i] = s[l]!; Xf[l] = v; s[l] = t; }
        i++; l++;
      } else if (v > pivot) {
        r--;
        const t = s[i]!; Xf[i] = Xf[r]!; s[i] = s[r]!; Xf[r] = v; s[r] = t;
      } else i++;
    }
    if (l - off > 1) introsort(Xf, s, off, l - off, maxd);
    n -= r - off;
    off = r;
  }
}

function siftDown(Xf: Float32Array, s: Int32Array, off: number, start: number, end: number): void {
  let root = start;
  for (;;) {
    const child = root * 2 + 1;
    let maxind = root;
    if (child < end && Xf[off + maxind]! < Xf[off + child]!) maxind = child;
    if (child + 1 < end && Xf[off + maxind]! < Xf[off + child + 1]!) maxind = child + 1;
    if (maxind === root) break;
    swap(Xf, s, off + root, off + maxind);
    root = maxind;
  }
}

function heapsort(Xf: Float32Array, s: Int32Array, off: number, n: number): void {
  let start = (n - 2) >> 1;
  let end = n;
  for (;;) {
    siftDown(Xf, s, off, start, end);
    if (start === 0) break;
    start--;
  }
  end = n - 1;
  while (end > 0) {
    swap(Xf, s, off, off + end);
    siftDown(Xf, s, off, 0, end);
    end--;
  }
}

/** In-place sort of vals[lo..hi] carrying idx along (median-of-3 quicksort + insertion sort). */
export function sortPairs(vals: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    if (vals[mid]! < vals[lo]!) swapPair(vals, idx, mid, lo);
    if (vals[hi]! < vals[lo]!) swapPair(vals, idx, hi, lo);
    if (vals[hi]! < vals[mid]!) swapPair(vals, idx, hi, mid);
    const pivot = vals[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (vals[i]! < pivot) i++;
      while (vals[j]! > pivot) j--;
      if (i <= j) { swapPair(vals, idx, i, j); i++; j--; }
    }
    if (j - lo < hi - i) { sortPairs(vals, idx, lo, j); lo = i; } else { sortPairs(vals, idx, i, hi); hi = j; }
  }
  for (let a = lo + 1; a <= hi; a++) {
    const v = vals[a]!, k = idx[a]!;
    let b = a - 1;
    while (b >= lo && vals[b]! > v) { vals[b + 1] = vals[b]!; idx[b + 1] = idx[b]!; b--; }
    vals[b + 1] = v;
    idx[b + 1] = k;
  }
}

function swapPair(vals: Float64Array, idx: Int32Array, a: number, b: number): void {
  const v = vals[a]!; vals[a] = vals[b]!; vals[b] = v;
  const k = idx[a]!; idx[a] = idx[b]!; idx[b] = k;
}

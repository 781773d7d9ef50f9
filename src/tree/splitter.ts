/**
 * Exact best-split search and depth-first tree growth, following scikit-learn 1.2.1's
 * `BestSplitter` + `DepthFirstTreeBuilder` step for step (same feature-sampling draws from the
 * `our_rand_r` xorshift generator, same FEATURE_THRESHOLD, midpoint thresholds, proxy improvement
 * and constant-feature bookkeeping), so that trees equal scikit-learn's node for node.
 * Trusts its inputs: validation happens in the estimator.
 */

export const FEATURE_THRESHOLD = 1e-7;
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

export type ClassCriterion = 'gini' | 'entropy' | 'log_loss';

/** Growing arrays of the fitted tree (scikit-learn's `Tree` attributes). */
export interface TreeArrays {
  nodeCount: number;
  childrenLeft: Int32Array;
  childrenRight: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
  weightedNNodeSamples: Float64Array;
  /** nodeCount x nClasses weighted class counts, row-major */
  value: Float64Array;
  nClasses: number;
  maxDepth: number;
}

export interface BuildOptions {
  criterion: ClassCriterion;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minWeightLeaf: number;
  maxFeatures: number;
  minImpurityDecrease: number;
  /** initial our_rand_r state (scikit-learn: random_state.randint(0, RAND_R_MAX)) */
  seed: number;
}

function impurityOf(counts: Float64Array, off: number, k: number, w: number, crit: ClassCriterion): number {
  if (crit === 'gini') {
    let sq = 0;
    for (let c = 0; c < k; c++) { const v = counts[off + c]!; sq += v * v; }
    return 1.0 - sq / (w * w);
  }
  let ent = 0;
  for (let c = 0; c < k; c++) {
    let v = counts[off + c]!;
    if (v > 0) { v /= w; ent -= v * (Math.log(v) / Math.LN2); }
  }
  return ent;
}

/**
 * Build a classification tree. X is n x d row-major, y class codes, sw sample weights.
 */
export function buildClassifierTree(X: Float64Array, n: number, d: number, y: Int32Array, nClasses: number, sw: Float64Array, o: BuildOptions): TreeArrays {
  const k = nClasses;
  // splitter state shared across nodes, as in scikit-learn
  const samples = new Int32Array(n);
  let m = 0;
  let weightedNSamples = 0;
  for (let i = 0; i < n; i++) if (sw[i]! !== 0) { samples[m++] = i; weightedNSamples += sw[i]!; }
  const features = new Int32Array(d);
  for (let j = 0; j < d; j++) features[j] = j;
  const constantFeatures = new Int32Array(d);
  const Xf = new Float64Array(n);
  const rand = Uint32Array.of(o.seed >>> 0);

  let cap = 64;
  const t: TreeArrays = {
    nodeCount: 0, childrenLeft: new Int32Array(cap), childrenRight: new Int32Array(cap), feature: new Int32Array(cap),
    threshold: new Float64Array(cap), impurity: new Float64Array(cap), nNodeSamples: new Int32Array(cap),
    weightedNNodeSamples: new Float64Array(cap), value: new Float64Array(cap * k), nClasses: k, maxDepth: 0,
  };
  const grow = () => {
    cap *= 2;
    const g = <T extends Int32Array | Float64Array>(a: T, len: number): T => { const b = new (a.constructor as new (l: number) => T)(len); b.set(a); return b; };
    t.childrenLeft = g(t.childrenLeft, cap); t.childrenRight = g(t.childrenRight, cap); t.feature = g(t.feature, cap);
    t.threshold = g(t.threshold, cap); t.impurity = g(t.impurity, cap); t.nNodeSamples = g(t.nNodeSamples, cap);
    t.weightedNNodeSamples = g(t.weightedNNodeSamples, cap); t.value = g(t.value, cap * k);
  };

  const total = new Float64Array(k);
  const left = new Float64Array(k);
  const right = new Float64Array(k);

  interface Rec { start: number; end: number; depth: number; parent: number; isLeft: boolean; impurity: number; nConst: number }
  const stack: Rec[] = [{ start: 0, end: m, depth: 0, parent: TREE_UNDEFINED, isLeft: false, impurity: Infinity, nConst: 0 }];
  let first = true;
  while (stack.length) {
    const r = stack.pop()!;
    const { start, end, depth } = r;
    let impurity = r.impurity;
    const nNode = end - start;
    // node_reset: class totals
    total.fill(0);
    let wNode = 0;
    for (let p = start; p < end; p++) { const i = samples[p]!; const w = sw[i]!; total[y[i]!]! += w; wNode += w; }
    let isLeaf = depth >= o.maxDepth || nNode < o.minSamplesSplit || nNode < 2 * o.minSamplesLeaf || wNode < 2 * o.minWeightLeaf;
    if (first) { impurity = impurityOf(total, 0, k, wNode, o.criterion); first = false; }
    isLeaf = isLeaf || impurity <= EPSILON;

    let bestPos = end, bestFeature = 0, bestThreshold = 0, impLeft = Infinity, impRight = Infinity, improvement = -Infinity;
    let nConstOut = r.nConst;
    if (!isLeaf) {
      // ---- BestSplitter.node_split ----
      let nVisited = 0, nFoundConst = 0, nDrawnConst = 0;
      const nKnownConst = r.nConst;
      let nTotalConst = nKnownConst;
      let fI = d;
      let bestProxy = -Infinity;
      while (fI > nTotalConst && (nVisited < o.maxFeatures || nVisited <= nFoundConst + nDrawnConst)) {
        nVisited++;
        let fJ = randInt(nDrawnConst, fI - nFoundConst, rand);
        if (fJ < nKnownConst) {
          const tmp = features[nDrawnConst]!; features[nDrawnConst] = features[fJ]!; features[fJ] = tmp;
          nDrawnConst++;
          continue;
        }
        fJ += nFoundConst;
        const f = features[fJ]!;
        // sort samples[start:end] by X[:, f]
        for (let q = start; q < end; q++) Xf[q] = X[samples[q]! * d + f]!;
        sortPairs(Xf, samples, start, end - 1);
        if (Xf[end - 1]! <= Xf[start]! + FEATURE_THRESHOLD) {
          const tmp = features[fJ]!; features[fJ] = features[nTotalConst]!; features[nTotalConst] = tmp;
          nFoundConst++; nTotalConst++;
          continue;
        }
        fI--;
        { const tmp = features[fI]!; features[fI] = features[fJ]!; features[fJ] = tmp; }
        // evaluate splits, scanning left to right
        left.fill(0);
        let wLeft = 0;
        let pos = start;
        let p = start;
        while (p < end) {
          while (p + 1 < end && Xf[p + 1]! <= Xf[p]! + FEATURE_THRESHOLD) p++;
          p++;
          if (p < end) {
            if (p - start < o.minSamplesLeaf || end - p < o.minSamplesLeaf) continue;
            for (; pos < p; pos++) { const i = samples[pos]!; const w = sw[i]!; left[y[i]!]! += w; wLeft += w; }
            const wRight = wNode - wLeft;
            if (wLeft < o.minWeightLeaf || wRight < o.minWeightLeaf) continue;
            for (let c = 0; c < k; c++) right[c] = total[c]! - left[c]!;
            const il = impurityOf(left, 0, k, wLeft, o.criterion);
            const ir = impurityOf(right, 0, k, wRight, o.criterion);
            const proxy = -wRight * ir - wLeft * il;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              let thr = Xf[p - 1]! / 2.0 + Xf[p]! / 2.0;
              if (thr === Xf[p] || thr === Infinity || thr === -Infinity) thr = Xf[p - 1]!;
              bestPos = p; bestFeature = f; bestThreshold = thr;
            }
          }
        }
      }
      if (bestPos < end) {
        // partition samples[start:end] by the best split
        let pe = end;
        let p = start;
        while (p < pe) {
          if (X[samples[p]! * d + bestFeature]! <= bestThreshold) p++;
          else { pe--; const tmp = samples[p]!; samples[p] = samples[pe]!; samples[pe] = tmp; }
        }
        left.fill(0);
        let wLeft = 0;
        for (let q = start; q < bestPos; q++) { const i = samples[q]!; const w = sw[i]!; left[y[i]!]! += w; wLeft += w; }
        const wRight = wNode - wLeft;
        for (let c = 0; c < k; c++) right[c] = total[c]! - left[c]!;
        impLeft = impurityOf(left, 0, k, wLeft, o.criterion);
        impRight = impurityOf(right, 0, k, wRight, o.criterion);
        improvement = (wNode / weightedNSamples) * (impurity - (wRight / wNode) * impRight - (wLeft / wNode) * impLeft);
      }
      constantFeatures.subarray(nKnownConst, nKnownConst + nFoundConst).set(features.subarray(nKnownConst, nKnownConst + nFoundConst));
      features.set(constantFeatures.subarray(0, nKnownConst), 0);
      nConstOut = nTotalConst;
      isLeaf = bestPos >= end || improvement + EPSILON < o.minImpurityDecrease;
    }
    // add node
    if (t.nodeCount >= cap) grow();
    const id = t.nodeCount++;
    if (r.parent !== TREE_UNDEFINED) {
      if (r.isLeft) t.childrenLeft[r.parent] = id; else t.childrenRight[r.parent] = id;
    }
    t.impurity[id] = impurity;
    t.nNodeSamples[id] = nNode;
    t.weightedNNodeSamples[id] = wNode;
    t.value.set(total, id * k);
    if (isLeaf) {
      t.childrenLeft[id] = TREE_LEAF; t.childrenRight[id] = TREE_LEAF; t.feature[id] = TREE_UNDEFINED; t.threshold[id] = TREE_UNDEFINED;
    } else {
      t.feature[id] = bestFeature; t.threshold[id] = bestThreshold;
      stack.push({ start: bestPos, end, depth: depth + 1, parent: id, isLeft: false, impurity: impRight, nConst: nConstOut });
      stack.push({ start, end: bestPos, depth: depth + 1, parent: id, isLeft: true, impurity: impLeft, nConst: nConstOut });
    }
    if (depth > t.maxDepth) t.maxDepth = depth;
  }
  const trim = <T extends Int32Array | Float64Array>(a: T, len: number): T => a.slice(0, len) as T;
  const c = t.nodeCount;
  return { ...t, childrenLeft: trim(t.childrenLeft, c), childrenRight: trim(t.childrenRight, c), feature: trim(t.feature, c), threshold: trim(t.threshold, c), impurity: trim(t.impurity, c), nNodeSamples: trim(t.nNodeSamples, c), weightedNNodeSamples: trim(t.weightedNNodeSamples, c), value: trim(t.value, c * k) };
}

/** In-place sort of vals[lo..hi] carrying idx along (median-of-3 quicksort + insertion sort; no callbacks). */
export function sortPairs(vals: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    // median of three to vals[mid]
    if (vals[mid]! < vals[lo]!) swap(vals, idx, mid, lo);
    if (vals[hi]! < vals[lo]!) swap(vals, idx, hi, lo);
    if (vals[hi]! < vals[mid]!) swap(vals, idx, hi, mid);
    const pivot = vals[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (vals[i]! < pivot) i++;
      while (vals[j]! > pivot) j--;
      if (i <= j) { swap(vals, idx, i, j); i++; j--; }
    }
    // recurse into the smaller part, loop on the larger
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

function swap(vals: Float64Array, idx: Int32Array, a: number, b: number): void {
  const v = vals[a]!; vals[a] = vals[b]!; vals[b] = v;
  const k = idx[a]!; idx[a] = idx[b]!; idx[b] = k;
}

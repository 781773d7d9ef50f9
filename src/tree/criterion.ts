/**
 * Split criteria, transcribed from scikit-learn 1.2.1's `sklearn/tree/_criterion.pyx` with the
 * same floating-point operation order (forward/reverse `update`, proxy improvements, the
 * base-2 `log` of `_utils.pxd`), so that sums, impurities and therefore tie-breaks between
 * candidate splits are bit-identical to scikit-learn's.
 *
 * A criterion sees the node `samples[start:end]` (indices into y / sample weights) and a split
 * position `pos`: `samples[start:pos]` go left.
 */

/** scikit-learn's `_criterion.pyx` EPSILON (Poisson guard): 10 * float64 eps. */
const POISSON_EPSILON = 10 * 2.220446049250313e-16;

function log2(x: number): number {
  return Math.log(x) / Math.LN2;
}

/** `scipy.special.xlogy`: 0 when x == 0, else x * ln(y). */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

export type ClassificationCriterionName = 'gini' | 'entropy' | 'log_loss';
export type RegressionCriterionName = 'squared_error' | 'friedman_mse' | 'absolute_error' | 'poisson';
export type CriterionName = ClassificationCriterionName | RegressionCriterionName;

/** What the splitter needs from a criterion (scikit-learn's `Criterion` cdef class). */
export interface Criterion {
  readonly nOutputs: number;
  /** Values per output in `tree.value` (max number of classes; 1 for regression). */
  readonly stride: number;
  start: number;
  end: number;
  pos: number;
  weightedNSamples: number;
  weightedNNodeSamples: number;
  weightedNLeft: number;
  weightedNRight: number;
  /** The sample-index array the node range refers to (the presorting splitter swaps it per feature). */
  samples: Int32Array;
  nMissing: number;
  missingGoToLeft: boolean;
  /** samples[end - nMissing:end] have a missing value in the feature being scanned (0 resets). */
  initMissing(nMissing: number): void;
  /** Start a node: compute totals over samples[start:end], then reset to pos = start. */
  init(samples: Int32Array, start: number, end: number): void;
  reset(): void;
  reverseReset(): void;
  /** Move samples[pos:newPos] to the left child. */
  update(newPos: number): void;
  nodeImpurity(): number;
  /** Writes [impurityLeft, impurityRight] into out. */
  childrenImpurity(out: Float64Array): void;
  proxyImpurityImprovement(): number;
  impurityImprovement(parent: number, left: number, right: number): number;
  /** Writes nOutputs * stride values at dest[off...]. */
  nodeValue(dest: Float64Array, off: number): void;
}

/** Gini / entropy on integer class codes y (n x nOutputs, row-major), weighted class counts. */
export class ClassificationCriterion implements Criterion {
  readonly nOutputs: number;
  readonly stride: number;
  start = 0; end = 0; pos = 0;
  weightedNSamples = 0; weightedNNodeSamples = 0; weightedNLeft = 0; weightedNRight = 0;
  samples: Int32Array = new Int32Array(0);
  readonly sumTotal: Float64Array;
  readonly sumLeft: Float64Array;
  readonly sumRight: Float64Array;
  readonly entropy: boolean;
  private readonly tmp = new Float64Array(2);

  constructor(
    crit: ClassificationCriterionName,
    readonly y: Int32Array,
    private readonly sw: Float64Array,
    readonly nClasses: Int32Array,
  ) {
    this.entropy = crit !== 'gini';
    this.nOutputs = nClasses.length;
    let mx = 0;
    for (const c of nClasses) if (c > mx) mx = c;
    this.stride = mx;
    this.sumTotal = new Float64Array(this.nOutputs * mx);
    this.sumLeft = new Float64Array(this.nOutputs * mx);
    this.sumRight = new Float64Array(this.nOutputs * mx);
    this.sumMissing = new Float64Array(this.nOutputs * mx);
  }

  private readonly sumMissing: Float64Array;
  private addRow(sum: Float64Array, i: number, w: number): void {
    const K = this.nOutputs;
    for (let k = 0; k < K; k++) sum[k * this.stride + this.y[i * K + k]!]! += w;
  }

  init(samples: Int32Array, start: number, end: number): void {
    this.samples = samples;
    this.start = start;
    this.end = end;
    this.nMissing = 0;
    this.missingGoToLeft = false;
    const { y, sw, sumTotal, nOutputs: K, stride } = this;
    sumTotal.fill(0);
    let wn = 0;
    if (K === 1) {
      for (let p = start; p < end; p++) { const i = samples[p]!; const w = sw[i]!; sumTotal[y[i]!]! += w; wn += w; }
    } else {
      for (let p = start; p < end; p++) {
        const i = samples[p]!; const w = sw[i]!;
        for (let k = 0; k < K; k++) sumTotal[k * stride + y[i * K + k]!]! += w;
        wn += w;
      }
    }
    this.weightedNNodeSamples = wn;
    this.reset();
  }

  /** Missing values (scikit-learn >= 1.3): samples[end - nMissing:end] have NaN in the current feature. */
  nMissing = 0;
  missingGoToLeft = false;
  weightedNMissing = 0;

  initMissing(nMissing: number): void {
    this.nMissing = nMissing;
    if (nMissing === 0) return;
    const sm = this.sumMissing;
    sm.fill(0);
    let wm = 0;
    for (let p = this.end - nMissing; p < this.end; p++) { const i = this.samples[p]!; wm += this.sw[i]!; this.addRow(sm, i, this.sw[i]!); }
    this.weightedNMissing = wm;
  }

  /** scikit-learn's `_move_sums_*`: missing into sum1 when putMissingIn1, else everything into sum2. */
  private moveSums(sum1: Float64Array, sum2: Float64Array, putMissingIn1: boolean): [number, number] {
    if (this.nMissing !== 0 && putMissingIn1) {
      sum1.set(this.sumMissing);
      for (let j = 0; j < sum2.length; j++) sum2[j] = this.sumTotal[j]! - this.sumMissing[j]!;
      return [this.weightedNMissing, this.weightedNNodeSamples - this.weightedNMissing];
    }
    sum1.fill(0);
    sum2.set(this.sumTotal);
    return [0, this.weightedNNodeSamples];
  }

  reset(): void {
    [this.weightedNLeft, this.weightedNRight] = this.moveSums(this.sumLeft, this.sumRight, this.missingGoToLeft);
    this.pos = this.start;
  }

  reverseReset(): void {
    [this.weightedNRight, this.weightedNLeft] = this.moveSums(this.sumRight, this.sumLeft, !this.missingGoToLeft);
    this.pos = this.end;
  }

  update(newPos: number): void {
    const { samples, y, sw, sumLeft, sumRight, sumTotal, nOutputs: K, stride } = this;
    const pos = this.pos, end = this.end - this.nMissing;
    let wl = this.weightedNLeft;
    if (newPos - pos <= end - newPos) {
      if (K === 1) {
        for (let p = pos; p < newPos; p++) { const i = samples[p]!; const w = sw[i]!; sumLeft[y[i]!]! += w; wl += w; }
      } else {
        for (let p = pos; p < newPos; p++) {
          const i = samples[p]!; const w = sw[i]!;
          for (let k = 0; k < K; k++) sumLeft[k * stride + y[i * K + k]!]! += w;
          wl += w;
        }
      }
    } else {
      this.reverseReset();
      wl = this.weightedNLeft;
      if (K === 1) {
        for (let p = end - 1; p >= newPos; p--) { const i = samples[p]!; const w = sw[i]!; sumLeft[y[i]!]! -= w; wl -= w; }
      } else {
        for (let p = end - 1; p >= newPos; p--) {
          const i = samples[p]!; const w = sw[i]!;
          for (let k = 0; k < K; k++) sumLeft[k * stride + y[i * K + k]!]! -= w;
          wl -= w;
        }
      }
    }
    this.weightedNLeft = wl;
    this.weightedNRight = this.weightedNNodeSamples - wl;
    const nc = this.nClasses;
    for (let k = 0; k < K; k++) {
      const o = k * stride;
      for (let c = 0, m = nc[k]!; c < m; c++) sumRight[o + c] = sumTotal[o + c]! - sumLeft[o + c]!;
    }
    this.pos = newPos;
  }

  private impurityOf(sum: Float64Array, w: number): number {
    const K = this.nOutputs, stride = this.stride, nc = this.nClasses;
    let acc = 0;
    if (this.entropy) {
      for (let k = 0; k < K; k++) {
        const o = k * stride;
        for (let c = 0, m = nc[k]!; c < m; c++) {
          let v = sum[o + c]!;
          if (v > 0) { v /= w; acc -= v * log2(v); }
        }
      }
    } else {
      for (let k = 0; k < K; k++) {
        const o = k * stride;
        let sq = 0;
        for (let c = 0, m = nc[k]!; c < m; c++) { const v = sum[o + c]!; sq += v * v; }
        acc += 1.0 - sq / (w * w);
      }
    }
    return acc / K;
  }

  nodeImpurity(): number {
    return this.impurityOf(this.sumTotal, this.weightedNNodeSamples);
  }

  childrenImpurity(out: Float64Array): void {
    out[0] = this.impurityOf(this.sumLeft, this.weightedNLeft);
    out[1] = this.impurityOf(this.sumRight, this.weightedNRight);
  }

  proxyImpurityImprovement(): number {
    this.childrenImpurity(this.tmp);
    return -this.weightedNRight * this.tmp[1]! - this.weightedNLeft * this.tmp[0]!;
  }

  impurityImprovement(parent: number, left: number, right: number): number {
    const wn = this.weightedNNodeSamples;
    return (wn / this.weightedNSamples) * (parent - (this.weightedNRight / wn) * right - (this.weightedNLeft / wn) * left);
  }

  nodeValue(dest: Float64Array, off: number): void {
    dest.set(this.sumTotal, off);
  }
}

/** squared_error, friedman_mse and poisson on float y (n x nOutputs, row-major). */
export class RegressionCriterion implements Criterion {
  readonly stride = 1;
  start = 0; end = 0; pos = 0;
  weightedNSamples = 0; weightedNNodeSamples = 0; weightedNLeft = 0; weightedNRight = 0;
  samples: Int32Array = new Int32Array(0);
  readonly sumTotal: Float64Array;
  readonly sumLeft: Float64Array;
  readonly sumRight: Float64Array;
  sqSumTotal = 0;
  protected readonly kind: 0 | 1 | 2 | 3; // mse, friedman, poisson, mae
  private readonly tmp = new Float64Array(2);

  constructor(
    crit: RegressionCriterionName,
    protected readonly y: Float64Array,
    protected readonly sw: Float64Array,
    readonly nOutputs: number,
  ) {
    this.kind = crit === 'squared_error' ? 0 : crit === 'friedman_mse' ? 1 : crit === 'poisson' ? 2 : 3;
    this.sumTotal = new Float64Array(nOutputs);
    this.sumLeft = new Float64Array(nOutputs);
    this.sumRight = new Float64Array(nOutputs);
    this.sumMissing = new Float64Array(nOutputs);
  }

  private readonly sumMissing: Float64Array;
  private addRow(sum: Float64Array, i: number, w: number): void {
    const K = this.nOutputs;
    for (let k = 0; k < K; k++) sum[k]! += w * this.y[i * K + k]!;
  }

  init(samples: Int32Array, start: number, end: number): void {
    this.samples = samples;
    this.start = start;
    this.end = end;
    this.nMissing = 0;
    this.missingGoToLeft = false;
    const { y, sw, sumTotal, nOutputs: K } = this;
    sumTotal.fill(0);
    let sq = 0, wn = 0;
    if (K === 1) {
      let s = 0;
      for (let p = start; p < end; p++) {
        const i = samples[p]!; const w = sw[i]!; const yi = y[i]!; const wy = w * yi;
        s += wy; sq += wy * yi; wn += w;
      }
      sumTotal[0] = s;
    } else {
      for (let p = start; p < end; p++) {
        const i = samples[p]!; const w = sw[i]!;
        for (let k = 0; k < K; k++) { const yi = y[i * K + k]!; const wy = w * yi; sumTotal[k]! += wy; sq += wy * yi; }
        wn += w;
      }
    }
    this.sqSumTotal = sq;
    this.weightedNNodeSamples = wn;
    this.reset();
  }

  /** Missing values (scikit-learn >= 1.3): samples[end - nMissing:end] have NaN in the current feature. */
  nMissing = 0;
  missingGoToLeft = false;
  weightedNMissing = 0;

  initMissing(nMissing: number): void {
    this.nMissing = nMissing;
    if (nMissing === 0) return;
    const sm = this.sumMissing;
    sm.fill(0);
    let wm = 0;
    for (let p = this.end - nMissing; p < this.end; p++) { const i = this.samples[p]!; wm += this.sw[i]!; this.addRow(sm, i, this.sw[i]!); }
    this.weightedNMissing = wm;
  }

  /** scikit-learn's `_move_sums_*`: missing into sum1 when putMissingIn1, else everything into sum2. */
  private moveSums(sum1: Float64Array, sum2: Float64Array, putMissingIn1: boolean): [number, number] {
    if (this.nMissing !== 0 && putMissingIn1) {
      sum1.set(this.sumMissing);
      for (let j = 0; j < sum2.length; j++) sum2[j] = this.sumTotal[j]! - this.sumMissing[j]!;
      return [this.weightedNMissing, this.weightedNNodeSamples - this.weightedNMissing];
    }
    sum1.fill(0);
    sum2.set(this.sumTotal);
    return [0, this.weightedNNodeSamples];
  }

  reset(): void {
    [this.weightedNLeft, this.weightedNRight] = this.moveSums(this.sumLeft, this.sumRight, this.missingGoToLeft);
    this.pos = this.start;
  }

  reverseReset(): void {
    [this.weightedNRight, this.weightedNLeft] = this.moveSums(this.sumRight, this.sumLeft, !this.missingGoToLeft);
    this.pos = this.end;
  }

  update(newPos: number): void {
    const { samples, y, sw, sumLeft, sumRight, sumTotal, nOutputs: K } = this;
    const pos = this.pos, end = this.end - this.nMissing;
    let wl = this.weightedNLeft;
    if (newPos - pos <= end - newPos) {
      if (K === 1) {
        let s = sumLeft[0]!;
        for (let p = pos; p < newPos; p++) { const i = samples[p]!; const w = sw[i]!; s += w * y[i]!; wl += w; }
        sumLeft[0] = s;
      } else {
        for (let p = pos; p < newPos; p++) {
          const i = samples[p]!; const w = sw[i]!;
          for (let k = 0; k < K; k++) sumLeft[k]! += w * y[i * K + k]!;
          wl += w;
        }
      }
    } else {
      this.reverseReset();
      wl = this.weightedNLeft;
      if (K === 1) {
        let s = sumLeft[0]!;
        for (let p = end - 1; p >= newPos; p--) { const i = samples[p]!; const w = sw[i]!; s -= w * y[i]!; wl -= w; }
        sumLeft[0] = s;
      } else {
        for (let p = end - 1; p >= newPos; p--) {
          const i = samples[p]!; const w = sw[i]!;
          for (let k = 0; k < K; k++) sumLeft[k]! -= w * y[i * K + k]!;
          wl -= w;
        }
      }
    }
    this.weightedNLeft = wl;
    this.weightedNRight = this.weightedNNodeSamples - wl;
    for (let k = 0; k < K; k++) sumRight[k] = sumTotal[k]! - sumLeft[k]!;
    this.pos = newPos;
  }

  nodeImpurity(): number {
    const K = this.nOutputs, wn = this.weightedNNodeSamples;
    if (this.kind === 2) return this.poissonLoss(this.start, this.end, this.sumTotal, wn);
    let imp = this.sqSumTotal / wn;
    for (let k = 0; k < K; k++) { const m = this.sumTotal[k]! / wn; imp -= m * m; }
    return imp / K;
  }

  childrenImpurity(out: Float64Array): void {
    const { samples, y, sw, nOutputs: K } = this;
    const start = this.start, pos = this.pos;
    if (this.kind === 2) {
      out[0] = this.poissonLoss(start, pos, this.sumLeft, this.weightedNLeft);
      out[1] = this.poissonLoss(pos, this.end, this.sumRight, this.weightedNRight);
      return;
    }
    let sqLeft = 0;
    for (let p = start; p < pos; p++) {
      const i = samples[p]!; const w = sw[i]!;
      for (let k = 0; k < K; k++) { const yi = y[i * K + k]!; sqLeft += w * yi * yi; }
    }
    if (this.missingGoToLeft) {
      for (let p = this.end - this.nMissing; p < this.end; p++) {
        const i = samples[p]!; const w = sw[i]!;
        for (let k = 0; k < K; k++) { const yi = y[i * K + k]!; sqLeft += w * yi * yi; }
      }
    }
    const sqRight = this.sqSumTotal - sqLeft;
    const wl = this.weightedNLeft, wr = this.weightedNRight;
    let il = sqLeft / wl, ir = sqRight / wr;
    for (let k = 0; k < K; k++) {
      const ml = this.sumLeft[k]! / wl; il -= ml * ml;
      const mr = this.sumRight[k]! / wr; ir -= mr * mr;
    }
    out[0] = il / K;
    out[1] = ir / K;
  }

  proxyImpurityImprovement(): number {
    const K = this.nOutputs, L = this.sumLeft, R = this.sumRight;
    const wl = this.weightedNLeft, wr = this.weightedNRight;
    if (this.kind === 0) {
      let pl = 0, pr = 0;
      for (let k = 0; k < K; k++) { pl += L[k]! * L[k]!; pr += R[k]! * R[k]!; }
      return pl / wl + pr / wr;
    }
    if (this.kind === 1) {
      let tl = 0, tr = 0;
      for (let k = 0; k < K; k++) { tl += L[k]!; tr += R[k]!; }
      const diff = wr * tl - wl * tr;
      return (diff * diff) / (wl * wr);
    }
    if (this.kind === 2) {
      let pl = 0, pr = 0;
      for (let k = 0; k < K; k++) {
        if (L[k]! <= POISSON_EPSILON || R[k]! <= POISSON_EPSILON) return -Infinity;
        pl -= L[k]! * log2(L[k]! / wl);
        pr -= R[k]! * log2(R[k]! / wr);
      }
      return -pl - pr;
    }
    this.childrenImpurity(this.tmp);
    return -wr * this.tmp[1]! - wl * this.tmp[0]!;
  }

  impurityImprovement(parent: number, left: number, right: number): number {
    const wn = this.weightedNNodeSamples, wl = this.weightedNLeft, wr = this.weightedNRight;
    if (this.kind === 1) {
      const K = this.nOutputs;
      let tl = 0, tr = 0;
      for (let k = 0; k < K; k++) { tl += this.sumLeft[k]!; tr += this.sumRight[k]!; }
      const diff = (wr * tl - wl * tr) / K;
      return (diff * diff) / (wl * wr * wn);
    }
    return (wn / this.weightedNSamples) * (parent - (wr / wn) * right - (wl / wn) * left);
  }

  nodeValue(dest: Float64Array, off: number): void {
    for (let k = 0; k < this.nOutputs; k++) dest[off + k] = this.sumTotal[k]! / this.weightedNNodeSamples;
  }

  private poissonLoss(start: number, end: number, ySum: Float64Array, wSum: number): number {
    const { samples, y, sw, nOutputs: K } = this;
    let loss = 0;
    for (let k = 0; k < K; k++) {
      if (ySum[k]! <= POISSON_EPSILON) return Infinity;
      const mean = ySum[k]! / wSum;
      for (let p = start; p < end; p++) {
        const i = samples[p]!;
        const yi = y[i * K + k]!;
        loss += sw[i]! * xlogy(yi, yi / mean);
      }
    }
    return loss / (wSum * K);
  }
}

/**
 * absolute_error: medians of the node and children (scikit-learn's `WeightedMedianCalculator`
 * semantics: the smallest k with cumulative weight >= total / 2; the mean of the two middle values
 * when the cumulative weight equals half exactly). Quadratic per node, as in scikit-learn.
 */
export class MAECriterion extends RegressionCriterion {
  private readonly nodeMedians: Float64Array;
  private vals = new Float64Array(0);
  private wts = new Float64Array(0);
  private order = new Int32Array(0);
  private readonly tmp2 = new Float64Array(2);

  constructor(y: Float64Array, sw: Float64Array, nOutputs: number) {
    super('absolute_error', y, sw, nOutputs);
    this.nodeMedians = new Float64Array(nOutputs);
  }

  override init(samples: Int32Array, start: number, end: number): void {
    super.init(samples, start, end);
    if (this.vals.length < end - start) {
      this.vals = new Float64Array(end - start);
      this.wts = new Float64Array(end - start);
      this.order = new Int32Array(end - start);
    }
    for (let k = 0; k < this.nOutputs; k++) this.nodeMedians[k] = this.median(start, end, k);
  }

  /** Weighted median of y[:, k] over samples[a:b]. */
  private median(a: number, b: number, k: number): number {
    const n = b - a, K = this.nOutputs;
    if (n === 0) return 0;
    const { vals, wts, order, samples, y, sw } = this;
    let total = 0;
    let unit = true;
    for (let p = a; p < b; p++) {
      const i = samples[p]!;
      vals[p - a] = y[i * K + k]!;
      wts[p - a] = sw[i]!;
      total += sw[i]!;
      if (sw[i] !== 1) unit = false;
    }
    if (unit) {
      const v = vals.subarray(0, n).sort();
      // k = smallest with k >= n / 2
      const kk = Math.max(1, Math.ceil(n / 2));
      return kk === n / 2 ? (v[kk]! + v[kk - 1]!) / 2.0 : v[kk - 1]!;
    }
    for (let q = 0; q < n; q++) order[q] = q;
    const ord = order.subarray(0, n).sort((i, j) => vals[i]! - vals[j]!);
    const half = total / 2.0;
    let cum = 0, kk = 0;
    while (kk < n && cum < half) { cum += wts[ord[kk]!]!; kk++; }
    if (kk === 0) kk = 1;
    if (cum === half && kk < n) return (vals[ord[kk]!]! + vals[ord[kk - 1]!]!) / 2.0;
    return vals[ord[kk - 1]!]!;
  }

  private absDev(a: number, b: number, k: number, med: number): number {
    const { samples, y, sw, nOutputs: K } = this;
    let s = 0;
    for (let p = a; p < b; p++) { const i = samples[p]!; s += Math.abs(y[i * K + k]! - med) * sw[i]!; }
    return s;
  }

  override nodeImpurity(): number {
    let imp = 0;
    for (let k = 0; k < this.nOutputs; k++) {
      const { samples, y, sw, nOutputs: K } = this;
      const med = this.nodeMedians[k]!;
      for (let p = this.start; p < this.end; p++) { const i = samples[p]!; imp += Math.abs(y[i * K + k]! - med) * sw[i]!; }
    }
    return imp / (this.weightedNNodeSamples * this.nOutputs);
  }

  override childrenImpurity(out: Float64Array): void {
    let il = 0, ir = 0;
    for (let k = 0; k < this.nOutputs; k++) {
      il += this.absDev(this.start, this.pos, k, this.median(this.start, this.pos, k));
    }
    for (let k = 0; k < this.nOutputs; k++) {
      ir += this.absDev(this.pos, this.end, k, this.median(this.pos, this.end, k));
    }
    out[0] = il / (this.weightedNLeft * this.nOutputs);
    out[1] = ir / (this.weightedNRight * this.nOutputs);
  }

  override proxyImpurityImprovement(): number {
    this.childrenImpurity(this.tmp2);
    return -this.weightedNRight * this.tmp2[1]! - this.weightedNLeft * this.tmp2[0]!;
  }

  override impurityImprovement(parent: number, left: number, right: number): number {
    const wn = this.weightedNNodeSamples;
    return (wn / this.weightedNSamples) * (parent - (this.weightedNRight / wn) * right - (this.weightedNLeft / wn) * left);
  }

  override nodeValue(dest: Float64Array, off: number): void {
    dest.set(this.nodeMedians, off);
  }
}

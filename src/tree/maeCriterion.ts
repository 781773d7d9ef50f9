/**
 * absolute_error (scikit-learn's `MAE`): node and children medians, recomputed per position, as in
 * scikit-learn (quadratic per node).
 */
import { RegressionCriterion } from './regressionCriterion.js';

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

  override nodeValue(dest: Float64Array, off: number): void {
    dest.set(this.nodeMedians, off);
  }
}

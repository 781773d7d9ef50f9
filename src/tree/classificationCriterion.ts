/**
 * Gini and entropy (scikit-learn's `ClassificationCriterion`, `Gini`, `Entropy`) on integer class
 * codes y (n x nOutputs, row-major): weighted class counts per output, base-2 logs as `_utils.pxd`.
 */
import { BaseCriterion, type ClassificationCriterionName } from './criterionBase.js';

function log2(x: number): number {
  return Math.log(x) / Math.LN2;
}

function maxOf(a: Int32Array): number {
  let mx = 0;
  for (const c of a) if (c > mx) mx = c;
  return mx;
}

/** Gini / entropy on integer class codes y (n x nOutputs, row-major), weighted class counts. */
export class ClassificationCriterion extends BaseCriterion {
  readonly entropy: boolean;

  constructor(
    crit: ClassificationCriterionName,
    readonly y: Int32Array,
    sw: Float64Array,
    readonly nClasses: Int32Array,
  ) {
    super(sw, nClasses.length, maxOf(nClasses));
    this.entropy = crit !== 'gini';
  }

  protected addRow(sum: Float64Array, i: number, w: number): void {
    const K = this.nOutputs;
    for (let k = 0; k < K; k++) sum[k * this.stride + this.y[i * K + k]!]! += w;
  }

  init(samples: Int32Array, start: number, end: number): void {
    this.beginNode(samples, start, end);
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

  nodeValue(dest: Float64Array, off: number): void {
    dest.set(this.sumTotal, off);
  }
}

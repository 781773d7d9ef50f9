/**
 * squared_error, friedman_mse and poisson (scikit-learn's `RegressionCriterion`, `MSE`,
 * `FriedmanMSE`, `Poisson`) on float y (n x nOutputs, row-major): weighted sums per output and the
 * weighted sum of squares.
 */
import { BaseCriterion, type RegressionCriterionName } from './criterionBase.js';

/** scikit-learn's `_criterion.pyx` EPSILON (Poisson guard): 10 * float64 eps. */
const POISSON_EPSILON = 10 * 2.220446049250313e-16;

function log2(x: number): number {
  return Math.log(x) / Math.LN2;
}

/** `scipy.special.xlogy`: 0 when x == 0, else x * ln(y). */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/** squared_error, friedman_mse and poisson on float y (n x nOutputs, row-major). */
export class RegressionCriterion extends BaseCriterion {
  sqSumTotal = 0;
  protected readonly kind: 0 | 1 | 2 | 3; // mse, friedman, poisson, mae

  constructor(
    crit: RegressionCriterionName,
    protected readonly y: Float64Array,
    sw: Float64Array,
    nOutputs: number,
  ) {
    super(sw, nOutputs, 1);
    this.kind = crit === 'squared_error' ? 0 : crit === 'friedman_mse' ? 1 : crit === 'poisson' ? 2 : 3;
  }

  protected addRow(sum: Float64Array, i: number, w: number): void {
    const K = this.nOutputs;
    for (let k = 0; k < K; k++) sum[k]! += w * this.y[i * K + k]!;
  }

  init(samples: Int32Array, start: number, end: number): void {
    this.beginNode(samples, start, end);
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

  override proxyImpurityImprovement(): number {
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
    return super.proxyImpurityImprovement();
  }

  override impurityImprovement(parent: number, left: number, right: number): number {
    if (this.kind === 1) {
      const wn = this.weightedNNodeSamples, wl = this.weightedNLeft, wr = this.weightedNRight;
      const K = this.nOutputs;
      let tl = 0, tr = 0;
      for (let k = 0; k < K; k++) { tl += this.sumLeft[k]!; tr += this.sumRight[k]!; }
      const diff = (wr * tl - wl * tr) / K;
      return (diff * diff) / (wl * wr * wn);
    }
    return super.impurityImprovement(parent, left, right);
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

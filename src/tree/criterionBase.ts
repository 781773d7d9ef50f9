/**
 * The criterion contract and what every criterion shares: node bookkeeping, and the missing-value
 * blocks of scikit-learn >= 1.3 (`init_missing`, `_move_sums_*` behind `reset` / `reverse_reset`).
 * Criteria are transcribed from scikit-learn 1.2.1's `sklearn/tree/_criterion.pyx` with the same
 * floating-point operation order, so that sums, impurities and tie-breaks are bit-identical.
 *
 * A criterion sees the node `samples[start:end]` (indices into y / sample weights) and a split
 * position `pos`: `samples[start:pos]` go left.
 */

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

/**
 * Node state, per-output sums (total, left, right, missing: nOutputs x stride) and the missing-value
 * handling common to the classification and regression criteria.
 */
export abstract class BaseCriterion implements Criterion {
  start = 0; end = 0; pos = 0;
  weightedNSamples = 0; weightedNNodeSamples = 0; weightedNLeft = 0; weightedNRight = 0;
  samples: Int32Array = new Int32Array(0);
  readonly sumTotal: Float64Array;
  readonly sumLeft: Float64Array;
  readonly sumRight: Float64Array;
  /** Missing values (scikit-learn >= 1.3): samples[end - nMissing:end] have NaN in the current feature. */
  nMissing = 0;
  missingGoToLeft = false;
  weightedNMissing = 0;
  protected readonly sumMissing: Float64Array;
  protected readonly tmp = new Float64Array(2);

  constructor(protected readonly sw: Float64Array, readonly nOutputs: number, readonly stride: number) {
    const size = nOutputs * stride;
    this.sumTotal = new Float64Array(size);
    this.sumLeft = new Float64Array(size);
    this.sumRight = new Float64Array(size);
    this.sumMissing = new Float64Array(size);
  }

  /** Add sample i with weight w to the per-output sums `sum`. */
  protected abstract addRow(sum: Float64Array, i: number, w: number): void;
  abstract init(samples: Int32Array, start: number, end: number): void;
  abstract update(newPos: number): void;
  abstract nodeImpurity(): number;
  abstract childrenImpurity(out: Float64Array): void;
  abstract nodeValue(dest: Float64Array, off: number): void;

  /** The shared start of `init`: the node range, no missing values yet. */
  protected beginNode(samples: Int32Array, start: number, end: number): void {
    this.samples = samples;
    this.start = start;
    this.end = end;
    this.nMissing = 0;
    this.missingGoToLeft = false;
  }

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

  /** -wr * impurityRight - wl * impurityLeft, from `childrenImpurity`. */
  proxyImpurityImprovement(): number {
    this.childrenImpurity(this.tmp);
    return -this.weightedNRight * this.tmp[1]! - this.weightedNLeft * this.tmp[0]!;
  }

  impurityImprovement(parent: number, left: number, right: number): number {
    const wn = this.weightedNNodeSamples;
    return (wn / this.weightedNSamples) * (parent - (this.weightedNRight / wn) * right - (this.weightedNLeft / wn) * left);
  }
}

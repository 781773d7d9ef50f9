/**
 * The growing node arrays of a tree (scikit-learn's `Tree` with `_add_node` and its capacity
 * doubling) and the plain arrays a fitted tree is stored as.
 */

export const TREE_LEAF = -1;
export const TREE_UNDEFINED = -2;

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

/** Node arrays with amortised growth; `finish` trims them into `TreeArrays`. */
export class TreeBuf {
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
    if (isLeaf) this.makeLeaf(id);
    else {
      this.feature[id] = feature; this.threshold[id] = threshold; this.missingGoToLeft[id] = missingLeft ? 1 : 0;
    }
    return id;
  }
  /** Turn an already added node into a leaf (best-first growth, when the leaf budget is spent). */
  makeLeaf(id: number): void {
    this.childrenLeft[id] = TREE_LEAF; this.childrenRight[id] = TREE_LEAF;
    this.feature[id] = TREE_UNDEFINED; this.threshold[id] = TREE_UNDEFINED;
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

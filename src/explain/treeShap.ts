/**
 * Exact path-dependent TreeSHAP (Lundberg et al. 2020, "From local explanations to global
 * understanding with explainable AI for trees", Algorithm 2): Shapley values of a tree's output
 * where a feature outside the coalition is integrated out by following both children weighted by
 * their training cover. O(L D^2) per tree and sample (L leaves, D depth) instead of the 2^M of a
 * brute-force enumeration. The walk reads trees through `TreeView` only, so every tree ensemble
 * that provides a view (CART, forests, a future boosting model) is explained by this one code path.
 *
 * The path bookkeeping (EXTEND, UNWIND, the unwound sum) follows the reference implementation
 * `tree_shap_recursive` of the shap package, with flat typed arrays per depth level.
 */
import { Matrix } from '../core/matrix.js';
import { goesLeft, LEAF, type TreeEnsembleView, type TreeView } from './treeView.js';

/** Depth of a tree (root alone = 0). */
export function treeDepth(t: TreeView): number {
  let max = 0;
  const stack: number[] = [0, 0];
  while (stack.length) {
    const d = stack.pop()!, node = stack.pop()!;
    if (d > max) max = d;
    if (t.childrenLeft[node] !== LEAF) stack.push(t.childrenLeft[node]!, d + 1, t.childrenRight[node]!, d + 1);
  }
  return max;
}

/** Expected value of a tree's output under its own cover: sum over leaves of value * cover / root cover. */
export function treeExpectedValue(t: TreeView, K: number): Float64Array {
  const out = new Float64Array(K);
  const root = t.nodeWeight[0]!;
  for (let node = 0; node < t.nodeCount; node++) {
    if (t.childrenLeft[node] !== LEAF) continue;
    const w = t.nodeWeight[node]! / root;
    for (let k = 0; k < K; k++) out[k]! += w * t.value[node * K + k]!;
  }
  return out;
}

/** Reusable state for explaining rows against one tree (path storage for all depth levels). */
class TreeShapWalker {
  private feat: Int32Array;
  private zero: Float64Array;
  private one: Float64Array;
  private pw: Float64Array;
  private x!: ArrayLike<number>;
  private xOff = 0;
  private phi!: Float64Array;
  private readonly K: number;

  constructor(private readonly t: TreeView, K: number) {
    this.K = K;
    const maxd = treeDepth(t) + 2;
    const size = (maxd * (maxd + 1)) / 2 + maxd + 1;
    this.feat = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.pw = new Float64Array(size);
  }

  /** Add the tree's SHAP values for row x (offset xOff) into phi (nFeatures x K, row-major). */
  explain(x: ArrayLike<number>, xOff: number, phi: Float64Array): void {
    this.x = x;
    this.xOff = xOff;
    this.phi = phi;
    this.recurse(0, 0, 0, 1, 1, -1);
  }

  private extend(p: number, depth: number, zeroFraction: number, oneFraction: number, feature: number): void {
    const { feat, zero, one, pw } = this;
    feat[p + depth] = feature;
    zero[p + depth] = zeroFraction;
    one[p + depth] = oneFraction;
    pw[p + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pw[p + i + 1]! += (oneFraction * pw[p + i]! * (i + 1)) / (depth + 1);
      pw[p + i] = (zeroFraction * pw[p + i]! * (depth - i)) / (depth + 1);
    }
  }

  private unwind(p: number, depth: number, pathIndex: number): void {
    const { feat, zero, one, pw } = this;
    const oneFraction = one[p + pathIndex]!, zeroFraction = zero[p + pathIndex]!;
    let nextOnePortion = pw[p + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = pw[p + i]!;
        pw[p + i] = (nextOnePortion * (depth + 1)) / ((i + 1) * oneFraction);
        nextOnePortion = tmp - (pw[p + i]! * zeroFraction * (depth - i)) / (depth + 1);
      } else {
        pw[p + i] = (pw[p + i]! * (depth + 1)) / (zeroFraction * (depth - i));
      }
    }
    for (let i = pathIndex; i < depth; i++) {
      feat[p + i] = feat[p + i + 1]!;
      zero[p + i] = zero[p + i + 1]!;
      one[p + i] = one[p + i + 1]!;
    }
  }

  private unwoundSum(p: number, depth: number, pathIndex: number): number {
    const { zero, one, pw } = this;
    const oneFraction = one[p + pathIndex]!, zeroFraction = zero[p + pathIndex]!;
    let nextOnePortion = pw[p + depth]!;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = (nextOnePortion * (depth + 1)) / ((i + 1) * oneFraction);
        total += tmp;
        nextOnePortion = pw[p + i]! - tmp * zeroFraction * ((depth - i) / (depth + 1));
      } else if (zeroFraction !== 0) {
        total += pw[p + i]! / zeroFraction / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }

  /**
   * node: current node; depth: length of the unique path before appending the parent's split;
   * parentP: offset of the parent's path (this level's path starts at parentP + depth + 1).
   */
  private recurse(node: number, depth: number, parentP: number, parentZero: number, parentOne: number, parentFeature: number): void {
    const t = this.t, K = this.K;
    const { feat, zero, one, pw } = this;
    const myP = parentP + depth + 1;
    for (let i = 0; i < depth; i++) {
      feat[myP + i] = feat[parentP + i]!;
      zero[myP + i] = zero[parentP + i]!;
      one[myP + i] = one[parentP + i]!;
      pw[myP + i] = pw[parentP + i]!;
    }
    this.extend(myP, depth, parentZero, parentOne, parentFeature);
    const left = t.childrenLeft[node]!;
    if (left === LEAF) {
      const phi = this.phi;
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(myP, depth, i);
        const scale = w * (one[myP + i]! - zero[myP + i]!);
        const fo = feat[myP + i]! * K, vo = node * K;
        for (let k = 0; k < K; k++) phi[fo + k]! += scale * t.value[vo + k]!;
      }
      return;
    }
    const right = t.childrenRight[node]!;
    const split = t.feature[node]!;
    const hot = goesLeft(t, node, this.x[this.xOff + split]!) ? left : right;
    const cold = hot === left ? right : left;
    const w = t.nodeWeight[node]!;
    const hotZero = t.nodeWeight[hot]! / w, coldZero = t.nodeWeight[cold]! / w;
    let inZero = 1, inOne = 1;
    let d = depth;
    let pathIndex = 0;
    for (; pathIndex <= d; pathIndex++) if (feat[myP + pathIndex] === split) break;
    if (pathIndex !== d + 1) {
      inZero = zero[myP + pathIndex]!;
      inOne = one[myP + pathIndex]!;
      this.unwind(myP, d, pathIndex);
      d -= 1;
    }
    this.recurse(hot, d + 1, myP, hotZero * inZero, inOne, split);
    this.recurse(cold, d + 1, myP, coldZero * inZero, 0, split);
  }
}

export interface TreeShapResult {
  /** One nSamples x nFeatures matrix per output. */
  values: Matrix[];
  /** Expected model output per output (base + scale * sum of the trees' cover-weighted leaf means). */
  expectedValue: Float64Array;
}

/**
 * Path-dependent TreeSHAP of a tree ensemble for the rows of X (row-major n x d, trusted).
 * Local accuracy: sum_j values[k][i, j] + expectedValue[k] = model output k of row i.
 */
export function treeShapCore(view: TreeEnsembleView, X: Float64Array, n: number, d: number): TreeShapResult {
  const K = view.nOutputs;
  const expected = new Float64Array(K);
  for (const t of view.trees) {
    const e = treeExpectedValue(t, K);
    for (let k = 0; k < K; k++) expected[k]! += e[k]!;
  }
  for (let k = 0; k < K; k++) expected[k] = view.base[k]! + view.scale * expected[k]!;
  const values = Array.from({ length: K }, () => Matrix.zeros(n, d));
  const walkers = view.trees.map((t) => new TreeShapWalker(t, K));
  const phi = new Float64Array(d * K);
  for (let i = 0; i < n; i++) {
    phi.fill(0);
    for (const w of walkers) w.explain(X, i * d, phi);
    for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) values[k]!.data[i * d + j] = view.scale * phi[j * K + k]!;
  }
  return { values, expectedValue: expected };
}

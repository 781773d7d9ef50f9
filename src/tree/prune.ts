/**
 * Minimal cost-complexity pruning, transcribed from scikit-learn 1.2.1's `_tree.pyx`
 * (`_cost_complexity_prune`, `_build_pruned_tree`, `ccp_pruning_path`).
 */
import { TREE_LEAF, TREE_UNDEFINED, type TreeArrays } from './splitter.js';

interface Controller {
  saveMetrics(alpha: number, impurity: number): void;
  stopPruning(alpha: number): boolean;
}

/** Marks leavesInSubtree (1 = leaf of the pruned tree); returns the nodes kept. */
function costComplexityPrune(leavesInSubtree: Uint8Array, t: TreeArrays, ctl: Controller): Uint8Array {
  const n = t.nodeCount;
  const W = t.weightedNNodeSamples, I = t.impurity, L = t.childrenLeft, R = t.childrenRight;
  const total = W[0]!;
  const rNode = new Float64Array(n);
  for (let i = 0; i < n; i++) rNode[i] = (W[i]! * I[i]!) / total;
  const parent = new Int32Array(n);
  const stack: [number, number][] = [[0, TREE_UNDEFINED]];
  while (stack.length) {
    const [node, par] = stack.pop()!;
    parent[node] = par;
    if (L[node] === TREE_LEAF) leavesInSubtree[node] = 1;
    else { stack.push([L[node]!, node]); stack.push([R[node]!, node]); }
  }
  const nLeaves = new Int32Array(n);
  const rBranch = new Float64Array(n);
  for (let leaf = 0; leaf < n; leaf++) {
    if (!leavesInSubtree[leaf]) continue;
    rBranch[leaf] = rNode[leaf]!;
    const cur = rNode[leaf]!;
    let idx = leaf;
    while (idx !== 0) {
      const p = parent[idx]!;
      rBranch[p]! += cur;
      nLeaves[p]!++;
      idx = p;
    }
  }
  const candidate = new Uint8Array(n);
  for (let i = 0; i < n; i++) candidate[i] = leavesInSubtree[i] ? 0 : 1;
  const inSubtree = new Uint8Array(n).fill(1);
  ctl.saveMetrics(0.0, rBranch[0]!);
  while (candidate[0]) {
    let effAlpha = Number.MAX_VALUE;
    let pruned = 0;
    for (let i = 0; i < n; i++) {
      if (!candidate[i]) continue;
      const a = (rNode[i]! - rBranch[i]!) / (nLeaves[i]! - 1);
      if (a < effAlpha) { effAlpha = a; pruned = i; }
    }
    if (ctl.stopPruning(effAlpha)) break;
    const st = [pruned];
    while (st.length) {
      const node = st.pop()!;
      if (!inSubtree[node]) continue;
      candidate[node] = 0;
      leavesInSubtree[node] = 0;
      inSubtree[node] = 0;
      if (L[node] !== TREE_LEAF) { st.push(L[node]!); st.push(R[node]!); }
    }
    leavesInSubtree[pruned] = 1;
    inSubtree[pruned] = 1;
    const nPrunedLeaves = nLeaves[pruned]! - 1;
    nLeaves[pruned] = 0;
    const rDiff = rNode[pruned]! - rBranch[pruned]!;
    rBranch[pruned] = rNode[pruned]!;
    let node = parent[pruned]!;
    while (node !== TREE_UNDEFINED) {
      nLeaves[node]! -= nPrunedLeaves;
      rBranch[node]! += rDiff;
      node = parent[node]!;
    }
    ctl.saveMetrics(effAlpha, rBranch[0]!);
  }
  return inSubtree;
}

/** The tree pruned with complexity parameter `alpha` (scikit-learn's `_build_pruned_tree_ccp`). */
export function pruneTree(t: TreeArrays, alpha: number): TreeArrays {
  const n = t.nodeCount;
  const leaves = new Uint8Array(n);
  costComplexityPrune(leaves, t, { saveMetrics() {}, stopPruning: (a) => alpha < a });
  const stride = t.value.length / n;
  const cl: number[] = [], cr: number[] = [], feat: number[] = [], thr: number[] = [], imp: number[] = [], ns: number[] = [], wns: number[] = [];
  const vals: number[] = [];
  let maxDepth = 0;
  const stack: { orig: number; depth: number; parent: number; isLeft: boolean }[] = [{ orig: 0, depth: 0, parent: TREE_UNDEFINED, isLeft: false }];
  while (stack.length) {
    const r = stack.pop()!;
    const o = r.orig;
    const isLeaf = leaves[o] === 1;
    const id = cl.length;
    if (r.parent !== TREE_UNDEFINED) { if (r.isLeft) cl[r.parent] = id; else cr[r.parent] = id; }
    cl.push(TREE_LEAF); cr.push(TREE_LEAF);
    feat.push(isLeaf ? TREE_UNDEFINED : t.feature[o]!);
    thr.push(isLeaf ? TREE_UNDEFINED : t.threshold[o]!);
    imp.push(t.impurity[o]!); ns.push(t.nNodeSamples[o]!); wns.push(t.weightedNNodeSamples[o]!);
    for (let v = 0; v < stride; v++) vals.push(t.value[o * stride + v]!);
    if (!isLeaf) {
      stack.push({ orig: t.childrenRight[o]!, depth: r.depth + 1, parent: id, isLeft: false });
      stack.push({ orig: t.childrenLeft[o]!, depth: r.depth + 1, parent: id, isLeft: true });
    }
    if (r.depth > maxDepth) maxDepth = r.depth;
  }
  return {
    nodeCount: cl.length, childrenLeft: Int32Array.from(cl), childrenRight: Int32Array.from(cr), feature: Int32Array.from(feat),
    threshold: Float64Array.from(thr), impurity: Float64Array.from(imp), nNodeSamples: Int32Array.from(ns), weightedNNodeSamples: Float64Array.from(wns),
    value: Float64Array.from(vals), nClasses: t.nClasses, nOutputs: t.nOutputs ?? 1, maxDepth,
  };
}

/** Effective alphas and total leaf impurities of the pruning sequence (scikit-learn's `ccp_pruning_path`). */
export function pruningPath(t: TreeArrays): { ccpAlphas: Float64Array; impurities: Float64Array } {
  const alphas: number[] = [], imps: number[] = [];
  costComplexityPrune(new Uint8Array(t.nodeCount), t, { saveMetrics: (a, i) => { alphas.push(a); imps.push(i); }, stopPruning: () => false });
  return { ccpAlphas: Float64Array.from(alphas), impurities: Float64Array.from(imps) };
}

/**
 * Tree growth: scikit-learn's `_tree.pyx` DepthFirstTreeBuilder (a stack, right child pushed first)
 * and BestFirstTreeBuilder (a frontier in libstdc++'s heap order, so ties between equal
 * improvements pop as in scikit-learn). Both evaluate a node the same way (`addSplitNode`).
 */
import type { Criterion } from './criterion.js';
import { Splitter } from './nodeSplitter.js';
import type { BuildOptions, Split, SplitterData } from './splitTypes.js';
import { TREE_UNDEFINED, TreeBuf, type TreeArrays } from './treeBuffer.js';

const EPSILON = 2.220446049250313e-16;

/** Grow a tree with scikit-learn's DepthFirstTreeBuilder, or BestFirstTreeBuilder when maxLeafNodes >= 0. */
export function buildTree(data: SplitterData, crit: Criterion, sw: Float64Array, o: BuildOptions): TreeArrays {
  const sp = new Splitter(data, crit, sw, o);
  const t = new TreeBuf(crit.nOutputs * crit.stride);
  if (o.maxLeafNodes >= 0) bestFirst(sp, t, o);
  else depthFirst(sp, t, o);
  return t.finish(crit.stride, crit.nOutputs);
}

/**
 * Evaluate the node samples[start:end] and add it to the tree: a leaf when a stopping rule holds or
 * no split improves enough, else a split node (its children are added later). `impurity` is the
 * parent's value for this child (computed here for the root); `nConst` as in `Splitter.nodeSplit`.
 */
function addSplitNode(
  sp: Splitter, t: TreeBuf, o: BuildOptions, start: number, end: number, depth: number, parent: number, isLeft: boolean,
  impurity: number, isFirst: boolean, nConst: Int32Array,
): { id: number; impurity: number; split: Split | null } {
  const wNode = sp.nodeReset(start, end);
  if (isFirst) impurity = sp.crit.nodeImpurity();
  const nNode = end - start;
  let isLeaf = depth >= o.maxDepth || nNode < o.minSamplesSplit || nNode < 2 * o.minSamplesLeaf || wNode < 2 * o.minWeightLeaf || impurity <= EPSILON;
  let split: Split | null = null;
  if (!isLeaf) {
    split = sp.nodeSplit(impurity, nConst);
    isLeaf = split.pos >= end || split.improvement + EPSILON < o.minImpurityDecrease;
  }
  const id = t.addNode(parent, isLeft, isLeaf, split?.feature ?? 0, split?.threshold ?? 0, impurity, nNode, wNode, split?.missingGoToLeft ?? false);
  sp.crit.nodeValue(t.value, id * t.stride);
  return { id, impurity, split: isLeaf ? null : split };
}

function depthFirst(sp: Splitter, t: TreeBuf, o: BuildOptions): void {
  interface Rec { start: number; end: number; depth: number; parent: number; isLeft: boolean; impurity: number; nConst: number }
  const stack: Rec[] = [{ start: 0, end: sp.nSamples, depth: 0, parent: TREE_UNDEFINED, isLeft: false, impurity: Infinity, nConst: 0 }];
  const nConst = new Int32Array(1);
  let first = true;
  while (stack.length) {
    const r = stack.pop()!;
    nConst[0] = r.nConst;
    const { id, split: s } = addSplitNode(sp, t, o, r.start, r.end, r.depth, r.parent, r.isLeft, r.impurity, first, nConst);
    first = false;
    if (s) {
      stack.push({ start: s.pos, end: r.end, depth: r.depth + 1, parent: id, isLeft: false, impurity: s.impurityRight, nConst: nConst[0]! });
      stack.push({ start: r.start, end: s.pos, depth: r.depth + 1, parent: id, isLeft: true, impurity: s.impurityLeft, nConst: nConst[0]! });
    }
    if (r.depth > t.maxDepth) t.maxDepth = r.depth;
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
  const frontierRecord = (start: number, end: number, impurity: number, isFirst: boolean, isLeft: boolean, parent: number, depth: number): Frontier => {
    nConst[0] = 0;
    const r = addSplitNode(sp, t, o, start, end, depth, parent, isLeft, impurity, isFirst, nConst);
    const s = r.split;
    if (s) return { nodeId: r.id, start, end, depth, impurity: r.impurity, pos: s.pos, isLeaf: false, improvement: s.improvement, impurityLeft: s.impurityLeft, impurityRight: s.impurityRight };
    return { nodeId: r.id, start, end, depth, impurity: r.impurity, pos: end, isLeaf: true, improvement: 0, impurityLeft: r.impurity, impurityRight: r.impurity };
  };
  const frontier: Frontier[] = [];
  pushHeap(frontier, frontierRecord(0, sp.nSamples, Infinity, true, true, TREE_UNDEFINED, 0));
  while (frontier.length) {
    const rec = popHeap(frontier);
    const id = rec.nodeId;
    if (rec.isLeaf || maxSplitNodes <= 0) t.makeLeaf(id);
    else {
      maxSplitNodes--;
      const left = frontierRecord(rec.start, rec.pos, rec.impurityLeft, false, true, id, rec.depth + 1);
      const right = frontierRecord(rec.pos, rec.end, rec.impurityRight, false, false, id, rec.depth + 1);
      pushHeap(frontier, left);
      pushHeap(frontier, right);
    }
    if (rec.depth > t.maxDepth) t.maxDepth = rec.depth;
  }
}

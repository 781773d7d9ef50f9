import { findBestSplit, type SplitContext, type SplitInfo } from './splitting.js';
import { buildHistogram, subtractHistogram, HistPool, HIST_STRIDE, sharedBytes, type Histogram } from './histogram.js';
import type { HistSpace } from './histWasm.js';

/** One fitted tree in scikit-learn's TreePredictor layout (nodes in pre-order: children after parents). */
export interface HgbTree {
  nodeCount: number;
  /** split feature (0 for leaves) */
  feature: Int32Array;
  /** raw threshold: go left when x <= threshold (Infinity when the split keeps every non-missing value left) */
  threshold: Float64Array;
  /** bin threshold: go left when bin <= binThreshold */
  binThreshold: Int32Array;
  missingGoToLeft: Uint8Array;
  isLeaf: Uint8Array;
  /** child indices (0 for leaves); named left/right (not childrenLeft) so the CART structural check does not apply */
  left: Int32Array;
  right: Int32Array;
  /** leaf values (with shrinkage) and internal node values */
  value: Float64Array;
  /** training samples reaching the node (the TreeSHAP cover) */
  count: Float64Array;
  gain: Float64Array;
  depth: Int32Array;
  isCategorical: Uint8Array;
  bitsetIdx: Int32Array;
  /** 8 x uint32 per categorical split: categories (raw values 0..255) going left */
  rawBitsets: Uint32Array;
  /** the same over bin indices (missing bin included) */
  binnedBitsets: Uint32Array;
}

export interface GrowerOptions {
  nBins: number;
  nBinsNonMissing: Uint32Array;
  hasMissing: Uint8Array;
  isCategorical: Uint8Array;
  monotonicCst: Int8Array | null;
  interactionCst: number[][] | null;
  maxLeafNodes: number | null;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  minHessianToSplit: number;
  minGainToSplit: number;
  shrinkage: number;
}

/** A node while growing (scikit-learn's TreeNode). */
export class GrowNode {
  isLeaf = false;
  split: SplitInfo | null = null;
  left: GrowNode | null = null;
  right: GrowNode | null = null;
  hist: Histogram | null = null;
  lower = -Infinity;
  upper = Infinity;
  allowed: Int32Array | null = null;
  cstIndices: number[] | null = null;
  /** the partition buffer holding the node's samples (`HistSpace.partBuffer`; 0 without it) */
  buf = 0;
  constructor(
    readonly depth: number,
    readonly start: number,
    readonly stop: number,
    readonly sumG: number,
    readonly sumH: number,
    public value: number,
  ) {}
  get nSamples(): number {
    return this.stop - this.start;
  }
}

/** Python heapq on nodes ordered by decreasing gain (TreeNode.__lt__), for identical tie-breaking. */
function less(a: GrowNode, b: GrowNode): boolean {
  return a.split!.gain > b.split!.gain;
}
function siftDown(heap: GrowNode[], startpos: number, pos: number): void {
  const item = heap[pos]!;
  while (pos > startpos) {
    const pp = (pos - 1) >> 1;
    const parent = heap[pp]!;
    if (less(item, parent)) {
      heap[pos] = parent;
      pos = pp;
      continue;
    }
    break;
  }
  heap[pos] = item;
}
function heapPush(heap: GrowNode[], node: GrowNode): void {
  heap.push(node);
  siftDown(heap, 0, heap.length - 1);
}
function heapPop(heap: GrowNode[]): GrowNode {
  const last = heap.pop()!;
  if (heap.length === 0) return last;
  const ret = heap[0]!;
  heap[0] = last;
  const end = heap.length;
  let pos = 0;
  const item = heap[0]!;
  let child = 1;
  while (child < end) {
    const r = child + 1;
    if (r < end && !less(heap[child]!, heap[r]!)) child = r;
    heap[pos] = heap[child]!;
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = item;
  siftDown(heap, 0, pos);
  return ret;
}

export function inBitset(b: Uint32Array, off: number, v: number): boolean {
  return ((b[off + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
}

/**
 * Buffers reused by every tree of a fit: the sample partition (shared memory, read by the
 * histogram threads), the right-side scratch of the partition, and the histogram pool.
 */
export interface GrowerWorkspace {
  partition: Uint32Array;
  /** the bins column-major (`binnedCol[j * n + i]`), read by the partition; null: read the row-major bins */
  binnedCol: Uint8Array | null;
  right: Uint32Array;
  pool: HistPool;
  allFeatures: Int32Array;
  /** the WebAssembly histogram kernel's memory (bins, partition, gradients); null: the TypeScript kernel */
  wasm: HistSpace | null;
  /** the memory already holds the next tree's interleaved gradients and hessians */
  ghReady: boolean;
  /** the partition already holds the identity (written with the gradients by the team) */
  partReady: boolean;
  /** the next root's sums of gradients and hessians (`blockSum`, computed by the team), or null */
  rootSums: [number, number] | null;
}

/**
 * Rows per block of the root's sums of gradients and hessians: each block is summed in row order
 * from zero, then the blocks' sums in block order. Fixed (not a function of the thread count), so
 * the team can sum blocks in parallel with the same result; up to this many rows (every parity
 * fixture) it is the plain sum in row order.
 */
export const HGB_SUM_BLOCK = 32768;

/** Sum of `a[0:n]` by blocks of HGB_SUM_BLOCK rows (see there). */
export function blockSum(a: Float32Array, n: number): number {
  let total = 0;
  for (let b0 = 0; b0 < n; b0 += HGB_SUM_BLOCK) {
    const b1 = Math.min(n, b0 + HGB_SUM_BLOCK);
    let s = 0;
    for (let i = b0; i < b1; i++) s += a[i]!;
    total = b0 === 0 ? s : total + s;
  }
  return total;
}

/**
 * Workspace of a fit. Given a `HistSpace` (holding the bins), the histograms and the partition run
 * on the WebAssembly kernels; call `disposeWorkspace` after the fit.
 */
export function makeWorkspace(n: number, nFeatures: number, nBins: number, binnedCol: Uint8Array | null = null, wasm: HistSpace | null = null): GrowerWorkspace {
  return {
    wasm,
    ghReady: false,
    partReady: false,
    rootSums: null,
    partition: wasm ? wasm.partition : new Uint32Array(sharedBytes(4 * n)),
    binnedCol,
    // the TypeScript partition's right-side scratch (the WebAssembly one has its own in the memory)
    right: new Uint32Array(wasm ? 0 : n),
    pool: new HistPool(nFeatures * nBins * HIST_STRIDE),
    allFeatures: Int32Array.from({ length: nFeatures }, (_, j) => j),
  };
}

/** Release the workspace's WebAssembly memory in every thread. */
export function disposeWorkspace(ws: GrowerWorkspace): void {
  ws.wasm?.dispose();
  ws.wasm = null;
}

/**
 * scikit-learn 1.2.1 TreeGrower: best-first (leaf-wise) growth on binned data with histogram
 * subtraction (the smaller child is built, the larger one is parent - sibling).
 */
export class TreeGrower {
  readonly partition: Uint32Array;
  private readonly rightBuf: Uint32Array;
  readonly root: GrowNode;
  readonly finalizedLeaves: GrowNode[] = [];
  private readonly splittable: GrowNode[] = [];
  private nNodes = 1;
  private nCatSplits = 0;
  private readonly ctx: SplitContext;
  private readonly withMonotonic: boolean;

  private readonly ws: GrowerWorkspace;
  private readonly lut = new Uint8Array(256);

  /** `binned`: row-major bins (`binned[i * nFeatures + j]`). */
  constructor(
    readonly binned: Uint8Array,
    readonly n: number,
    readonly nFeatures: number,
    readonly gradients: Float32Array,
    readonly hessians: Float32Array,
    readonly o: GrowerOptions,
    workspace?: GrowerWorkspace,
  ) {
    this.ws = workspace ?? makeWorkspace(n, nFeatures, o.nBins);
    this.partition = this.ws.partition;
    if (this.ws.partReady) this.ws.partReady = false;
    else for (let i = 0; i < n; i++) this.partition[i] = i;
    this.rightBuf = this.ws.right;
    const constant = hessians.length === 1 && n !== 1;
    // (the team's gradient chunks write the interleaved pairs themselves: `ghReady`)
    if (this.ws.ghReady) this.ws.ghReady = false;
    else this.ws.wasm?.setGradients(gradients, hessians, constant);
    this.withMonotonic = o.monotonicCst !== null && o.monotonicCst.some((c) => c !== 0);
    this.ctx = {
      nBins: o.nBins,
      nBinsNonMissing: o.nBinsNonMissing,
      hasMissing: o.hasMissing,
      isCategorical: o.isCategorical,
      monotonicCst: o.monotonicCst,
      l2: o.l2Regularization,
      minHessianToSplit: o.minHessianToSplit,
      minSamplesLeaf: o.minSamplesLeaf,
      minGainToSplit: o.minGainToSplit,
      hessiansAreConstant: constant,
    };
    let sg: number;
    let sh: number;
    const sums = this.ws.rootSums;
    this.ws.rootSums = null;
    if (sums && !constant) [sg, sh] = sums;
    else {
      sg = blockSum(gradients, n);
      sh = constant ? hessians[0]! * n : blockSum(hessians, n);
    }
    this.root = new GrowNode(0, 0, n, sg, sh, 0);
    this.initRoot();
  }

  private initRoot(): void {
    const root = this.root;
    if (root.nSamples < 2 * this.o.minSamplesLeaf || root.sumH < this.o.minHessianToSplit) {
      this.finalize(root);
      return;
    }
    if (this.o.interactionCst) {
      root.cstIndices = this.o.interactionCst.map((_, i) => i);
      const set = new Set<number>();
      for (const g of this.o.interactionCst) for (const f of g) set.add(f);
      root.allowed = Int32Array.from([...set].sort((a, b) => a - b));
    }
    root.hist = this.buildHist(root);
    this.computeSplitAndPush(root);
  }

  private buildHist(node: GrowNode): Histogram {
    const h = this.ws.pool.alloc();
    const feats = node.allowed ?? this.ws.allFeatures;
    const nf = feats.length;
    if (this.ws.wasm && nf > 0) {
      this.ws.wasm.build(h.data, node.start, node.stop, feats, this.ctx.hessiansAreConstant, node.buf);
      return h;
    }
    buildHistogram(h, this.binned, this.nFeatures, this.o.nBins, this.gradients, this.hessians, this.ctx.hessiansAreConstant, this.partition, node.start, node.stop, node.allowed ?? this.ws.allFeatures);
    return h;
  }

  private dropHist(node: GrowNode): void {
    this.ws.pool.release(node.hist);
    node.hist = null;
  }

  private finalize(node: GrowNode): void {
    node.isLeaf = true;
    this.dropHist(node);
    this.finalizedLeaves.push(node);
  }

  private computeSplitAndPush(node: GrowNode): void {
    node.split = findBestSplit(this.ctx, node.hist!, node.nSamples, node.sumG, node.sumH, node.value, node.lower, node.upper, node.allowed, this.nFeatures);
    if (node.split.gain <= 0) this.finalize(node);
    else heapPush(this.splittable, node);
  }

  grow(): void {
    while (this.splittable.length > 0) this.splitNext();
    for (const leaf of this.finalizedLeaves) leaf.value *= this.o.shrinkage;
    // every leaf's samples into `partition` (the WebAssembly partition alternates two buffers)
    const wasm = this.ws.wasm;
    if (wasm) {
      const other = wasm.partBuffer(1);
      for (const leaf of this.finalizedLeaves) if (leaf.buf === 1) this.partition.set(other.subarray(leaf.start, leaf.stop), leaf.start);
    }
  }

  /** Stable partition of the node's samples (scikit-learn's split_indices keeps each side's order). */
  private splitIndices(node: GrowNode, s: SplitInfo): number {
    const part = this.partition;
    const f = s.feature;
    const colMajor = this.ws.binnedCol;
    // column-major bins: one feature's bytes are contiguous (row-major: one cache line per sample)
    const binned = colMajor ?? this.binned;
    const d = colMajor ? 1 : this.nFeatures;
    const fo = colMajor ? f * this.n : f;
    const missingBin = this.o.nBins - 1;
    // one lookup per bin (left = 1), then a branch-free pass (the side of a sample is unpredictable)
    const wasm = this.ws.wasm;
    const lut = wasm ? wasm.lut : this.lut;
    if (s.isCategorical) {
      const bs = s.leftCatBitset!;
      for (let b = 0; b < 256; b++) lut[b] = (bs[b >>> 5]! >>> (b & 31)) & 1;
    } else {
      const thr = s.binIdx;
      const mgl = s.missingGoToLeft;
      for (let b = 0; b < 256; b++) lut[b] = b <= thr || (mgl && b === missingBin) ? 1 : 0;
    }
    if (wasm) return wasm.partitionBy(f, node.start, node.stop, node.buf, s.nSamplesLeft);
    let nl = node.start;
    let nr = 0;
    const rb = this.rightBuf;
    for (let i = node.start; i < node.stop; i++) {
      const idx = part[i]!;
      const l = lut[binned[idx * d + fo]!]!;
      part[nl] = idx;
      rb[nr] = idx;
      nl += l;
      nr += 1 - l;
    }
    part.set(rb.subarray(0, nr), nl);
    return nl;
  }

  private splitNext(): void {
    const node = heapPop(this.splittable);
    const s = node.split!;
    const mid = this.splitIndices(node, s);
    const depth = node.depth + 1;
    const nLeafNodes = this.finalizedLeaves.length + this.splittable.length + 2;
    const left = new GrowNode(depth, node.start, mid, s.sumGradientLeft, s.sumHessianLeft, s.valueLeft);
    const right = new GrowNode(depth, mid, node.stop, s.sumGradientRight, s.sumHessianRight, s.valueRight);
    node.left = left;
    node.right = right;
    if (this.ws.wasm) left.buf = right.buf = 1 - node.buf;
    if (this.o.interactionCst) {
      const allowed = new Set<number>();
      const idxs: number[] = [];
      for (const i of node.cstIndices!) {
        const g = this.o.interactionCst[i]!;
        if (g.includes(s.feature)) {
          idxs.push(i);
          for (const f of g) allowed.add(f);
        }
      }
      left.allowed = right.allowed = Int32Array.from([...allowed].sort((a, b) => a - b));
      left.cstIndices = right.cstIndices = idxs;
    }
    if (!this.o.hasMissing[s.feature]) s.missingGoToLeft = left.nSamples > right.nSamples;
    this.nNodes += 2;
    if (s.isCategorical) this.nCatSplits++;
    if (this.o.maxLeafNodes !== null && nLeafNodes === this.o.maxLeafNodes) {
      this.finalize(left);
      this.finalize(right);
      while (this.splittable.length > 0) this.finalize(this.splittable.pop()!);
      this.dropHist(node);
      return;
    }
    if (this.o.maxDepth !== null && depth === this.o.maxDepth) {
      this.finalize(left);
      this.finalize(right);
      this.dropHist(node);
      return;
    }
    if (left.nSamples < this.o.minSamplesLeaf * 2) this.finalize(left);
    if (right.nSamples < this.o.minSamplesLeaf * 2) this.finalize(right);
    if (this.withMonotonic) {
      const c = this.o.monotonicCst![s.feature]!;
      let ll: number, ul: number, lr: number, ur: number;
      if (c === 0) {
        ll = lr = node.lower;
        ul = ur = node.upper;
      } else {
        const m = (left.value + right.value) / 2;
        if (c === 1) {
          ll = node.lower; ul = m; lr = m; ur = node.upper;
        } else {
          ll = m; ul = node.upper; lr = node.lower; ur = m;
        }
      }
      left.lower = ll; left.upper = ul;
      right.lower = lr; right.upper = ur;
    }
    const splitLeft = !left.isLeaf;
    const splitRight = !right.isLeaf;
    if (splitLeft || splitRight) {
      const [small, large] = left.nSamples < right.nSamples ? [left, right] : [right, left];
      small.hist = this.buildHist(small);
      large.hist = this.ws.pool.alloc();
      subtractHistogram(large.hist, node.hist!, small.hist, small.allowed ?? this.ws.allFeatures, this.o.nBins);
      if (splitLeft) this.computeSplitAndPush(left);
      if (splitRight) this.computeSplitAndPush(right);
      if (left.isLeaf) this.dropHist(left);
      if (right.isLeaf) this.dropHist(right);
    }
    this.dropHist(node);
  }

  /** `make_predictor`: pre-order node arrays with raw thresholds from the bin mapper. */
  makeTree(thresholds: Float64Array[], nBinsNonMissing: Uint32Array): HgbTree {
    const N = this.nNodes;
    const t: HgbTree = {
      nodeCount: N,
      feature: new Int32Array(N), threshold: new Float64Array(N), binThreshold: new Int32Array(N),
      missingGoToLeft: new Uint8Array(N), isLeaf: new Uint8Array(N), left: new Int32Array(N), right: new Int32Array(N),
      value: new Float64Array(N), count: new Float64Array(N), gain: new Float64Array(N), depth: new Int32Array(N),
      isCategorical: new Uint8Array(N), bitsetIdx: new Int32Array(N),
      rawBitsets: new Uint32Array(8 * this.nCatSplits), binnedBitsets: new Uint32Array(8 * this.nCatSplits),
    };
    let next = 0;
    let nextBitset = 0;
    // pre-order numbering with an explicit stack (deep trees must not overflow the call stack):
    // a node's left subtree is numbered right after it, then its right subtree
    const stack: [GrowNode, number, 'left' | 'right' | 'none'][] = [[this.root, -1, 'none']];
    while (stack.length > 0) {
      const [g, parent, side] = stack.pop()!;
      const i = next++;
      if (side === 'left') t.left[parent] = i;
      else if (side === 'right') t.right[parent] = i;
      t.count[i] = g.nSamples;
      t.depth[i] = g.depth;
      t.gain[i] = g.split ? g.split.gain : -1;
      t.value[i] = g.value;
      if (g.isLeaf) {
        t.isLeaf[i] = 1;
        continue;
      }
      const s = g.split!;
      t.feature[i] = s.feature;
      t.binThreshold[i] = s.binIdx;
      t.missingGoToLeft[i] = s.missingGoToLeft ? 1 : 0;
      t.isCategorical[i] = s.isCategorical ? 1 : 0;
      if (s.isCategorical) {
        const cats = thresholds[s.feature]!;
        t.bitsetIdx[i] = nextBitset;
        t.binnedBitsets.set(s.leftCatBitset!, 8 * nextBitset);
        for (let b = 0; b < cats.length; b++) {
          if (inBitset(s.leftCatBitset!, 0, b)) {
            const raw = cats[b]!;
            t.rawBitsets[8 * nextBitset + (raw >>> 5)]! |= 1 << (raw & 31);
          }
        }
        nextBitset++;
      } else if (s.binIdx === nBinsNonMissing[s.feature]! - 1) t.threshold[i] = Infinity;
      else t.threshold[i] = thresholds[s.feature]![s.binIdx]!;
      stack.push([g.right!, i, 'right'], [g.left!, i, 'left']);
    }
    return t;
  }
}

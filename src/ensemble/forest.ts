import { linalgThreads, registerKernel, runTasks, type KernelTask } from '../linalg/threads.js';
import type { HgbTree } from './grower.js';
import { hgbThreadStats, isShared, sharedBytes } from './histogram.js';

/**
 * All the trees of a model in concatenated arrays (bitset indices global), on shared memory. Nodes
 * are renumbered so that the two children of a node are adjacent (`child[p]` is the left child,
 * `child[p] + 1` the right one): the descent picks the side without a branch.
 */
export interface PackedForest {
  nTrees: number;
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** left child (the right child follows it) */
  child: Int32Array;
  /** bit 0: leaf, bit 1: missing goes left, bit 2: categorical */
  flags: Uint8Array;
  bitsetIdx: Int32Array;
  rawBitsets: Uint32Array;
  value: Float64Array;
}

export function packForest(trees: readonly HgbTree[]): PackedForest {
  let N = 0;
  let B = 0;
  for (const t of trees) {
    N += t.nodeCount;
    B += t.rawBitsets.length;
  }
  const f: PackedForest = {
    nTrees: trees.length,
    roots: new Int32Array(sharedBytes(4 * Math.max(1, trees.length))),
    feature: new Int32Array(sharedBytes(4 * N)),
    threshold: new Float64Array(sharedBytes(8 * N)),
    child: new Int32Array(sharedBytes(4 * N)),
    flags: new Uint8Array(sharedBytes(N)),
    bitsetIdx: new Int32Array(sharedBytes(4 * N)),
    rawBitsets: new Uint32Array(sharedBytes(4 * Math.max(1, B))),
    value: new Float64Array(sharedBytes(8 * N)),
  };
  let o = 0;
  let ob = 0;
  trees.forEach((t, ti) => {
    f.roots[ti] = o;
    // breadth-first renumbering: the children of a node get two consecutive numbers
    const order = new Int32Array(t.nodeCount);
    const pos = new Int32Array(t.nodeCount);
    let next = 1;
    for (let q = 0; q < next; q++) {
      const i = order[q]!;
      pos[i] = q;
      if (!t.isLeaf[i]) {
        order[next++] = t.left[i]!;
        order[next++] = t.right[i]!;
      }
    }
    for (let q = 0; q < t.nodeCount; q++) {
      const i = order[q]!;
      const p = o + q;
      const leaf = t.isLeaf[i] === 1;
      f.feature[p] = leaf ? 0 : t.feature[i]!;
      f.threshold[p] = leaf ? Infinity : t.threshold[i]!;
      f.child[p] = leaf ? p : o + pos[t.left[i]!]!;
      f.flags[p] = leaf ? 3 : (t.missingGoToLeft[i] ? 2 : 0) | (t.isCategorical[i] ? 4 : 0);
      f.bitsetIdx[p] = ob / 8 + t.bitsetIdx[i]!;
      f.value[p] = t.value[i]!;
    }
    f.rawBitsets.set(t.rawBitsets, ob);
    o += t.nodeCount;
    ob += t.rawBitsets.length;
  });
  return f;
}

/**
 * Raw predictions of the rows `r0..r1` of `x` (row-major, d columns): for each row, the trees in
 * order (tree t adds to output column t % K), so each row's sum runs in the same order as the
 * tree-by-tree loop. `out[k * n + base + i]` (column-major n x K, already holding the baseline).
 * Numeric splits descend without a branch: right = (x > threshold) or (x is NaN and missing
 * values go right). Self-contained (runs in worker threads through registerKernel).
 */
export function hgbPredictKernel(
  x: Float64Array, r0: number, r1: number, d: number, nTrees: number, K: number,
  roots: Int32Array, feature: Int32Array, threshold: Float64Array, child: Int32Array,
  flags: Uint8Array, bitsetIdx: Int32Array, rawBitsets: Uint32Array, value: Float64Array,
  out: Float64Array, n: number, base: number,
): void {
  for (let i = r0; i < r1; i++) {
    const row = i * d;
    const oi = base + i;
    let t = 0;
    // two trees at a time: two independent descents in flight (each row still sums in tree order)
    for (; t + 1 < nTrees; t += 2) {
      let a = roots[t]!;
      let b = roots[t + 1]!;
      let fa = flags[a]!;
      let fb = flags[b]!;
      while ((fa & fb & 1) === 0) {
        const va = x[row + feature[a]!]!;
        const vb = x[row + feature[b]!]!;
        let ra: number;
        let rb: number;
        if (((fa | fb) & 4) === 0) {
          ra = +(va > threshold[a]!) | (+(va !== va) & ((fa >> 1) ^ 1));
          rb = +(vb > threshold[b]!) | (+(vb !== vb) & ((fb >> 1) ^ 1));
        } else {
          ra = (fa & 4) === 0 ? +(va > threshold[a]!) | (+(va !== va) & ((fa >> 1) ^ 1))
            : va !== va ? ((fa >> 1) & 1) ^ 1
              : va >= 0 && va < 256 && ((rawBitsets[8 * bitsetIdx[a]! + ((va | 0) >>> 5)]! >>> ((va | 0) & 31)) & 1) === 1 ? 0 : 1;
          rb = (fb & 4) === 0 ? +(vb > threshold[b]!) | (+(vb !== vb) & ((fb >> 1) ^ 1))
            : vb !== vb ? ((fb >> 1) & 1) ^ 1
              : vb >= 0 && vb < 256 && ((rawBitsets[8 * bitsetIdx[b]! + ((vb | 0) >>> 5)]! >>> ((vb | 0) & 31)) & 1) === 1 ? 0 : 1;
        }
        a = child[a]! + ra;
        b = child[b]! + rb;
        fa = flags[a]!;
        fb = flags[b]!;
      }
      out[(t % K) * n + oi]! += value[a]!;
      out[((t + 1) % K) * n + oi]! += value[b]!;
    }
    for (; t < nTrees; t++) {
      let node = roots[t]!;
      let fl = flags[node]!;
      while ((fl & 1) === 0) {
        const v = x[row + feature[node]!]!;
        let r: number;
        if ((fl & 4) === 0) r = +(v > threshold[node]!) | (+(v !== v) & ((fl >> 1) ^ 1));
        else if (v !== v) r = ((fl >> 1) & 1) ^ 1;
        else {
          const c = v | 0;
          r = v >= 0 && v < 256 && ((rawBitsets[8 * bitsetIdx[node]! + (c >>> 5)]! >>> (c & 31)) & 1) === 1 ? 0 : 1;
        }
        node = child[node]! + r;
        fl = flags[node]!;
      }
      out[(t % K) * n + oi]! += value[node]!;
    }
  }
}
registerKernel('hgbPredict', hgbPredictKernel);

/**
 * Add the first `nTrees` trees' predictions of the rows of X (row-major n x d) to `out`
 * (column-major n x K), on up to `linalgThreads()` threads over row blocks: each row is summed in
 * tree order by one thread, so results do not depend on the thread count.
 */
export function predictForest(f: PackedForest, nTrees: number, K: number, X: Float64Array, n: number, d: number, out: Float64Array): void {
  const args = (x: Float64Array, r0: number, r1: number, o: Float64Array, base: number): unknown[] =>
    [x, r0, r1, d, nTrees, K, f.roots, f.feature, f.threshold, f.child, f.flags, f.bitsetIdx, f.rawBitsets, f.value, o, n, base];
  const T = Math.min(linalgThreads(), Math.max(1, Math.floor((n * Math.max(1, nTrees)) / 20000)));
  if (T <= 1 || !isShared(f.value)) {
    hgbPredictKernel(...(args(X, 0, n, out, 0) as Parameters<typeof hgbPredictKernel>));
    return;
  }
  const sharedOut = isShared(out) ? out : new Float64Array(sharedBytes(8 * out.length));
  if (sharedOut !== out) sharedOut.set(out);
  const B = Math.min(n, 65536);
  const xs = isShared(X);
  const scratch = xs ? null : new Float64Array(sharedBytes(8 * B * d));
  for (let b0 = 0; b0 < n; b0 += B) {
    const b1 = Math.min(n, b0 + B);
    let src = X;
    let base = 0;
    if (scratch) {
      scratch.set(X.subarray(b0 * d, b1 * d));
      src = scratch;
      base = b0;
    }
    const tasks: KernelTask[] = [];
    for (let t = 0; t < T; t++) {
      const r0 = b0 + Math.floor(((b1 - b0) * t) / T);
      const r1 = b0 + Math.floor(((b1 - b0) * (t + 1)) / T);
      tasks.push({ fn: 'hgbPredict', args: args(src, r0 - base, r1 - base, sharedOut, base) });
    }
    hgbThreadStats.predict++;
    runTasks(tasks);
  }
  if (sharedOut !== out) out.set(sharedOut);
}

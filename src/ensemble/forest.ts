import { decodeBase64 } from '../core/base64.js';
import { compileSlot, syncCompileAllowed, type ModuleSlot } from '../cluster/kmeansWasm.js';
import { linalgThreads, registerKernel, runTasks, type KernelTask } from '../linalg/threads.js';
import { HGB_FOREST_WASM_BASE64, HGB_FOREST_WASM_BYTES } from './forestWasm.generated.js';
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
  /**
   * The nodes as 16-byte records for the WebAssembly kernel (asm/forest.ts: f64 threshold,
   * i32 feature | missing-left << 31, i32 left child), or null when a split is categorical.
   */
  records: Uint8Array | null;
  /** depth of each tree (the number of branch-free steps from the root to every leaf) */
  depth: Int32Array;
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
    records: null,
    depth: new Int32Array(sharedBytes(4 * Math.max(1, trees.length))),
  };
  let categorical = false;
  let o = 0;
  let ob = 0;
  trees.forEach((t, ti) => {
    f.roots[ti] = o;
    // breadth-first renumbering: the children of a node get two consecutive numbers
    const order = new Int32Array(t.nodeCount);
    const pos = new Int32Array(t.nodeCount);
    const level = new Int32Array(t.nodeCount);
    let next = 1;
    let depth = 0;
    for (let q = 0; q < next; q++) {
      const i = order[q]!;
      pos[i] = q;
      depth = Math.max(depth, level[i]!);
      if (!t.isLeaf[i]) {
        level[t.left[i]!] = level[t.right[i]!] = level[i]! + 1;
        order[next++] = t.left[i]!;
        order[next++] = t.right[i]!;
      }
    }
    f.depth[ti] = depth;
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
      if (!leaf && t.isCategorical[i]) categorical = true;
    }
    f.rawBitsets.set(t.rawBitsets, ob);
    o += t.nodeCount;
    ob += t.rawBitsets.length;
  });
  if (!categorical && N > 0) {
    const rec = new Uint8Array(sharedBytes(16 * N));
    const th = new Float64Array(rec.buffer, 0, 2 * N);
    const iw = new Int32Array(rec.buffer, 0, 4 * N);
    for (let p = 0; p < N; p++) {
      th[2 * p] = f.threshold[p]!;
      iw[4 * p + 2] = (f.feature[p]! | ((f.flags[p]! & 2) << 30)) | 0;
      iw[4 * p + 3] = f.child[p]!;
    }
    f.records = rec;
  }
  return f;
}

let forestSlot: ModuleSlot | null = null;

/** The compiled prediction module (asm/forest.ts), or null where WebAssembly is unavailable. */
function forestModule(): object | null {
  forestSlot ??= compileSlot(decodeBase64(HGB_FOREST_WASM_BASE64), syncCompileAllowed(HGB_FOREST_WASM_BYTES));
  return forestSlot.module;
}

/** Switch for tests and A/B benchmarks: false forces the TypeScript prediction kernel. */
export const hgbPredictWasmSwitch = { on: true };

/**
 * Raw predictions of rows `r0..r1` of `x` with the WebAssembly kernel (self-contained: runs in
 * worker threads through registerKernel). The thread's instance (its own memory, cached on
 * `globalThis`) receives the forest's records once per call, then blocks of 256 rows and their
 * scores so far; `out` as in `hgbPredictKernel`.
 */
export function hgbPredictWasmKernel(
  mod: object, records: Uint8Array, value: Float64Array, roots: Int32Array, depth: Int32Array, nTrees: number, K: number,
  x: Float64Array, r0: number, r1: number, d: number, out: Float64Array, n: number, base: number,
): void {
  type Exp = { memory: { buffer: ArrayBuffer; grow(pages: number): number }; predictBlock(...a: number[]): void };
  const g = globalThis as unknown as { __deepmineHgbForest?: Exp; WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } };
  const exp = (g.__deepmineHgbForest ??= new g.WebAssembly.Instance(mod, {}).exports as Exp);
  const B = 256;
  const N = value.length;
  const nodesOff = 0;
  const valOff = nodesOff + 16 * N;
  const rootsOff = valOff + 8 * N;
  const depthOff = rootsOff + 4 * nTrees;
  const xOff = Math.ceil((depthOff + 4 * nTrees) / 64) * 64;
  const outOff = xOff + 8 * B * d;
  const need = outOff + 8 * B * K;
  const have = exp.memory.buffer.byteLength;
  if (have < need) exp.memory.grow(Math.ceil((need - have) / 65536));
  const buf = exp.memory.buffer;
  new Uint8Array(buf, nodesOff, 16 * N).set(records);
  new Float64Array(buf, valOff, N).set(value);
  new Int32Array(buf, rootsOff, nTrees).set(roots.subarray(0, nTrees));
  new Int32Array(buf, depthOff, nTrees).set(depth.subarray(0, nTrees));
  const xb = new Float64Array(buf, xOff, B * d);
  const ob = new Float64Array(buf, outOff, B * K);
  for (let i0 = r0; i0 < r1; i0 += B) {
    const b = Math.min(B, r1 - i0);
    xb.set(x.subarray(i0 * d, (i0 + b) * d));
    for (let k = 0; k < K; k++) {
      const o = k * n + base + i0;
      for (let i = 0; i < b; i++) ob[k * b + i] = out[o + i]!;
    }
    exp.predictBlock(nodesOff, valOff, rootsOff, depthOff, nTrees, K, xOff, b, d, outOff);
    for (let k = 0; k < K; k++) {
      const o = k * n + base + i0;
      for (let i = 0; i < b; i++) out[o + i] = ob[k * b + i]!;
    }
  }
}
registerKernel('hgbForestWasm', hgbPredictWasmKernel);

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
  if (nTrees === 0 || n === 0) return;
  const mod = hgbPredictWasmSwitch.on && f.records ? forestModule() : null;
  const fn = mod ? 'hgbForestWasm' : 'hgbPredict';
  const args = (x: Float64Array, r0: number, r1: number, o: Float64Array, base: number): unknown[] => mod
    ? [mod, f.records, f.value, f.roots, f.depth, nTrees, K, x, r0, r1, d, o, n, base]
    : [x, r0, r1, d, nTrees, K, f.roots, f.feature, f.threshold, f.child, f.flags, f.bitsetIdx, f.rawBitsets, f.value, o, n, base];
  const run = (a: unknown[]): void => {
    if (mod) hgbPredictWasmKernel(...(a as Parameters<typeof hgbPredictWasmKernel>));
    else hgbPredictKernel(...(a as Parameters<typeof hgbPredictKernel>));
  };
  const T = Math.min(linalgThreads(), Math.max(1, Math.floor((n * Math.max(1, nTrees)) / 20000)));
  if (T <= 1 || !isShared(f.value)) {
    run(args(X, 0, n, out, 0));
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
      tasks.push({ fn, args: args(src, r0 - base, r1 - base, sharedOut, base) });
    }
    hgbThreadStats.predict++;
    runTasks(tasks);
  }
  if (sharedOut !== out) out.set(sharedOut);
}

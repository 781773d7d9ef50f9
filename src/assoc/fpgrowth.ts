/**
 * FP-Growth (Han, Pei & Yin 2000) on array-based FP-trees: every node is an index into typed
 * arrays (item, count, parent, first child, next sibling, header chain), the root keeps a dense
 * child table, conditional trees keep the global item ranks (no re-sorting) and are recycled per
 * recursion depth, and a tree that is a single path is enumerated directly.
 */
import { checkSignal, getPool, resolveNJobs, throwIfAborted, yieldToEventLoop, type SignalLike } from '../core/pool.js';
import { partOf, type FlatItemsets, type FPGrowthJob, type MinedPart } from './fpgrowthTask.js';
import { ItemsetBuffer, itemsetGuard, outputBuffer, prepare, type Itemset, type MineOptions, type Prepared, type Sink } from './itemsets.js';
import type { TransactionsLike } from './transactions.js';

const TASK_MODULE = new URL(`./fpgrowthTask${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** Array-based FP-tree (see the module doc); reused per recursion depth. */
export class FPTree {
  cap = 0;
  n = 1;
  item = new Int32Array(0);
  count = new Int32Array(0);
  parent = new Int32Array(0);
  firstChild = new Int32Array(0);
  sibling = new Int32Array(0);
  next = new Int32Array(0);
  /** header: first node of each item rank, or -1 */
  head: Int32Array;
  /** total count of each item rank in the tree */
  itemCount: Int32Array;
  /** dense child table of the root */
  rootChild: Int32Array;
  nItems = 0;
  branched = false;

  constructor(maxItems: number, cap = 64) {
    this.head = new Int32Array(maxItems);
    this.itemCount = new Int32Array(maxItems);
    this.rootChild = new Int32Array(maxItems);
    this.grow(cap);
  }

  private grow(cap: number): void {
    const g = (a: Int32Array) => { const b = new Int32Array(cap); b.set(a.subarray(0, Math.min(a.length, this.n))); return b; };
    this.item = g(this.item);
    this.count = g(this.count);
    this.parent = g(this.parent);
    this.firstChild = g(this.firstChild);
    this.sibling = g(this.sibling);
    this.next = g(this.next);
    this.cap = cap;
  }

  reset(nItems: number): void {
    this.nItems = nItems;
    this.head.fill(-1, 0, nItems);
    this.itemCount.fill(0, 0, nItems);
    this.rootChild.fill(-1, 0, nItems);
    this.n = 1;
    this.branched = false;
    this.count[0] = 0;
    this.firstChild[0] = -1;
    this.parent[0] = -1;
  }

  /** Insert a path of ranks (ascending) with weight w. */
  insert(path: Int32Array, len: number, w: number): void {
    if (this.n + len > this.cap) this.grow(Math.max(this.cap * 2, this.n + len));
    const { item, count, parent, firstChild, sibling, next, head, itemCount } = this;
    let cur = 0;
    for (let k = 0; k < len; k++) {
      const it = path[k]!;
      let c: number;
      if (cur === 0) {
        c = this.rootChild[it]!;
        if (c === -1) {
          c = this.n++;
          if (firstChild[0] !== -1) this.branched = true;
          this.rootChild[it] = c;
          item[c] = it; count[c] = 0; parent[c] = 0; firstChild[c] = -1;
          sibling[c] = firstChild[0]!; firstChild[0] = c;
          next[c] = head[it]!; head[it] = c;
        }
      } else {
        c = firstChild[cur]!;
        while (c !== -1 && item[c] !== it) c = sibling[c]!;
        if (c === -1) {
          c = this.n++;
          if (firstChild[cur] !== -1) this.branched = true;
          item[c] = it; count[c] = 0; parent[c] = cur; firstChild[c] = -1;
          sibling[c] = firstChild[cur]!; firstChild[cur] = c;
          next[c] = head[it]!; head[it] = c;
        }
      }
      count[c]! += w;
      itemCount[it]! += w;
      cur = c;
    }
  }
}

/** Vertical layout of a prepared database: the transactions holding rank r are `tids[tidStart[r] .. tidStart[r + 1])`. */
export interface Vertical {
  tidStart: Int32Array;
  tids: Int32Array;
}

/** Build the {@link Vertical} layout (into the given buffers when they are big enough, e.g. shared memory). */
export function verticalLayout(prep: Pick<Prepared, 'offsets' | 'ranks' | 'rankCount'>, tidStart: Int32Array = new Int32Array(prep.rankCount.length + 1), tids: Int32Array = new Int32Array(prep.ranks.length)): Vertical {
  const { offsets, ranks, rankCount } = prep;
  const nF = rankCount.length, nT = offsets.length - 1;
  tidStart[0] = 0;
  for (let r = 0; r < nF; r++) tidStart[r + 1] = tidStart[r]! + rankCount[r]!;
  const fill = tidStart.slice(0, nF);
  for (let t = 0; t < nT; t++) for (let k = offsets[t]!; k < offsets[t + 1]!; k++) tids[fill[ranks[k]!]!++] = t;
  return { tidStart, tids };
}

/**
 * The conditional-tree recursion of FP-Growth below the first level, shared by {@link mineFPGrowth}
 * and the SQL itemset miner (which mines a tree of distinct weighted baskets from its root).
 * `state.minCount` is the current threshold; top-k sinks (`sink.minCount` defined) raise it as they
 * fill. `prefix`/`path` and the per-depth trees and counts are scratch reused across calls.
 */
export function fpTreeMiner(nF: number, maxLen: number, sink: Sink, minCount: number) {
  const state = { minCount };
  const dynamic = sink.minCount !== undefined;
  const trees: FPTree[] = [];
  const condCounts: Int32Array[] = [];
  const prefix = new Int32Array(nF + 1);
  const path = new Int32Array(nF + 1);
  const getTree = (d: number) => trees[d] ?? (trees[d] = new FPTree(nF));
  const getCounts = (d: number) => condCounts[d] ?? (condCounts[d] = new Int32Array(nF));

  const singlePath = (tree: FPTree, depth: number) => {
    // nodes 1..n-1 form one chain from the root; enumerate every non-empty subset (count of a
    // subset = count of its deepest node; counts only fall along the path)
    const k = tree.n - 1;
    const its = new Int32Array(k), cs = new Int32Array(k);
    let c = tree.firstChild[0]!, q = 0;
    while (c !== -1) { its[q] = tree.item[c]!; cs[q] = tree.count[c]!; q++; c = tree.firstChild[c]!; }
    const rec = (start: number, plen: number) => {
      for (let j = start; j < k; j++) {
        if (cs[j]! < (dynamic ? sink.minCount! : state.minCount)) break;
        prefix[plen] = its[j]!;
        sink.add(prefix, plen + 1, cs[j]!);
        if (plen + 1 < maxLen) rec(j + 1, plen + 1);
      }
    };
    rec(0, depth);
  };

  const mine = (tree: FPTree, depth: number): void => {
    if (!tree.branched) { if (tree.n > 1) singlePath(tree, depth); return; }
    const d1 = depth + 1;
    for (let r = tree.nItems - 1; r >= 0; r--) {
      if (dynamic && sink.minCount! > state.minCount) state.minCount = sink.minCount!;
      const minCount = state.minCount;
      const total = tree.itemCount[r]!;
      if (total < minCount) continue;
      prefix[depth] = r;
      sink.add(prefix, d1, total);
      if (d1 >= maxLen || r === 0) continue;
      // conditional item counts over the prefix paths of r
      const cc = getCounts(d1);
      cc.fill(0, 0, r);
      const { item, count, parent, next } = tree;
      for (let node = tree.head[r]!; node !== -1; node = next[node]!) {
        const w = count[node]!;
        for (let p = parent[node]!; p !== 0; p = parent[p]!) cc[item[p]!]! += w;
      }
      let top = -1;
      for (let i = 0; i < r; i++) if (cc[i]! >= minCount) top = i;
      if (top < 0) continue;
      const child = getTree(d1);
      child.reset(top + 1);
      for (let node = tree.head[r]!; node !== -1; node = next[node]!) {
        let len = 0;
        for (let p = parent[node]!; p !== 0; p = parent[p]!) {
          const it = item[p]!;
          if (cc[it]! >= minCount) path[len++] = it;
        }
        if (len === 0) continue;
        // collected leaf -> root (descending ranks); insert root -> leaf
        for (let a = 0, b = len - 1; a < b; a++, b--) { const x = path[a]!; path[a] = path[b]!; path[b] = x; }
        child.insert(path, len, count[node]!);
      }
      mine(child, d1);
    }
  };
  return { state, dynamic, prefix, path, getTree, getCounts, mine };
}

/**
 * The FP-Growth search over a prepared database, reporting to `sink` (ranks are descending-frequency
 * ranks). The first level is projected straight from the (rank-recoded, sorted) transactions
 * through per-item tid-lists instead of from a global FP-tree: the conditional pattern base of item
 * r is the prefix before r of every transaction holding r. This reads the transaction array
 * sequentially rather than chasing parent pointers through a tree of ~10^6 nodes (3x faster on
 * sparse data such as T10I4D100K); the conditional trees below it are ordinary FP-trees.
 *
 * `only` restricts the search to the itemsets whose highest rank (least frequent item) is in
 * `only`: the top-level projections are independent, which is what {@link fpGrowthAsync} spreads
 * over threads. With `claim` (an Int32Array on a SharedArrayBuffer) the entries of `only` are
 * taken one at a time with `Atomics.add(claim, 0, 1)`, so several threads share one queue of
 * projections (dynamic load balancing without messages). `vertical` can be passed when already
 * built (shared by the threads).
 */
export function mineFPGrowth(prep: Prepared, sink: Sink, only: Int32Array | null = null, vertical: Vertical | null = null, claim: Int32Array | null = null, stopClaiming: (() => boolean) | null = null): void {
  const { maxLen, offsets, ranks, rankCount } = prep;
  const nF = rankCount.length;
  if (nF === 0) return;
  const { tidStart, tids } = vertical ?? verticalLayout(prep);

  const { state, dynamic, prefix, path, getTree, getCounts, mine } = fpTreeMiner(nF, maxLen, sink, prep.minCount);

  // first level: project the transactions
  const cc = getCounts(0);
  const nTop = only ? only.length : nF;
  // `stopClaiming` (checked before each claim) lets an async caller mine in time slices
  const next = (q: number) => (stopClaiming?.() ? nTop : claim ? Atomics.add(claim, 0, 1) : q + 1);
  for (let q0 = claim ? Atomics.add(claim, 0, 1) : 0; q0 < nTop; q0 = next(q0)) {
    const r = only ? only[q0]! : nF - 1 - q0;
    if (dynamic && sink.minCount! > state.minCount) state.minCount = sink.minCount!;
    const minCount = state.minCount;
    prefix[0] = r;
    sink.add(prefix, 1, rankCount[r]!);
    if (maxLen <= 1 || r === 0) continue;
    cc.fill(0, 0, r);
    const t0 = tidStart[r]!, t1 = tidStart[r + 1]!;
    for (let q = t0; q < t1; q++) {
      const t = tids[q]!;
      for (let k = offsets[t]!; ; k++) { const it = ranks[k]!; if (it >= r) break; cc[it]!++; }
    }
    let top = -1;
    for (let i = 0; i < r; i++) if (cc[i]! >= minCount) top = i;
    if (top < 0) continue;
    const child = getTree(1);
    child.reset(top + 1);
    for (let q = t0; q < t1; q++) {
      const t = tids[q]!;
      let len = 0;
      for (let k = offsets[t]!; ; k++) { const it = ranks[k]!; if (it >= r) break; if (cc[it]! >= minCount) path[len++] = it; }
      if (len > 0) child.insert(path, len, 1);
    }
    mine(child, 1);
  }
}

/**
 * Frequent itemsets by FP-Growth (mlxtend's `fpgrowth`, labelled output).
 *
 * @param data transactions: arrays of item labels, a {@link TransactionDB} (e.g. from
 *   `readTransactions`), a one-hot `Matrix`, or a `Table` (categorical columns become `col=value`).
 * @returns itemsets sorted by support descending, then items.
 *
 * @example
 * const sets = fpGrowth([['milk', 'bread'], ['bread', 'butter'], ['milk', 'bread', 'butter']], { minSupport: 0.6 });
 * // [{ items: ['bread'], support: 1, count: 3 }, { items: ['bread', 'butter'], support: 0.666.., count: 2 }, ...]
 */
export function fpGrowth(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  const prep = prepare(data, opts, 'fpGrowth', true);
  const buf = outputBuffer(prep);
  mineFPGrowth(prep, buf);
  return buf.toItemsets(prep.db);
}

/** Options of the parallel miners ({@link fpGrowthAsync}, `countFrequentItemsetsAsync`, `fpGrowthFileAsync`). */
export interface ParallelMineOptions extends MineOptions {
  /** Workers mining the top-level projections (scikit-learn's `n_jobs`: null = 1, -1 = all cores). */
  nJobs?: number | null;
  /** Cancels the run with an AbortError (e.g. `AbortSignal.timeout(10_000)`). */
  signal?: SignalLike | null;
}

function shareInt32(a: Int32Array): Int32Array {
  const b = new Int32Array(new SharedArrayBuffer(Math.max(4, a.byteLength)), 0, a.length);
  b.set(a);
  return b;
}

/**
 * Estimated work of each top-level projection: the size of the conditional pattern base of rank
 * r (the number of items before r, summed over the transactions holding r), squared per
 * transaction so that long prefixes (dense data, where the search below grows much faster than
 * linearly) weigh more.
 */
export function projectionCosts(prep: Pick<Prepared, 'offsets' | 'ranks' | 'rankCount'>): Float64Array {
  const { offsets, ranks, rankCount } = prep;
  const cost = new Float64Array(rankCount.length);
  for (let t = 0; t + 1 < offsets.length; t++) {
    const s = offsets[t]!;
    for (let k = s; k < offsets[t + 1]!; k++) { const j = k - s; cost[ranks[k]!]! += j * j + 1; }
  }
  return cost;
}

/** Itemsets found by each thread (calling thread first) in the last parallel run: for tests and benchmarks. */
export const lastParallelRun: { itemsetsPerThread: number[] } = { itemsetsPerThread: [] };

/** Top-level ranks by estimated cost, costliest first (the order in which threads claim them). */
export function claimOrder(cost: Float64Array): Int32Array {
  return Int32Array.from({ length: cost.length }, (_, r) => r).sort((a, b) => cost[b]! - cost[a]! || b - a);
}

/** Options of {@link mineFPGrowthParallel}. */
export interface ParallelRunOptions {
  /** Cancels the run (AbortError); workers still mining are terminated. */
  signal?: SignalLike | null;
  /** Length of the calling thread's mining slices between yields to the event loop (ms, default 10). */
  sliceMs?: number;
}

/**
 * FP-Growth over `nJobs` workers of the shared pool (the calling thread only waits; where there
 * are no workers it mines in slices itself).
 * The rank-recoded transactions and their vertical layout go to SharedArrayBuffers once (the
 * workers never copy them); the top-level items, costliest first by {@link projectionCosts}, form
 * one shared queue from which every thread claims the next projection with an atomic increment, so
 * the threads stay balanced whatever the error of the estimate. The merged result is the same
 * collection as {@link mineFPGrowth}'s (callers sort it, so the output is identical to nJobs 1).
 *
 * Without workers the calling thread mines in slices of about `sliceMs` and yields to the event
 * loop between them (timers and I/O keep running, `signal` is seen). A failure anywhere (a worker that dies, a
 * ResourceError, an abort) stops the other threads: the queue is closed and the remaining workers
 * are terminated; every task's rejection is handled, so nothing escapes as an unhandled rejection.
 */
export async function mineFPGrowthParallel(prep: Prepared, nJobs: number | null | undefined, countOnly: true, owner: string, opts?: ParallelRunOptions): Promise<{ total: number; byLength: number[] }>;
export async function mineFPGrowthParallel(prep: Prepared, nJobs: number | null | undefined, countOnly: false, owner: string, opts?: ParallelRunOptions): Promise<ItemsetBuffer>;
export async function mineFPGrowthParallel(prep: Prepared, nJobs: number | null | undefined, countOnly: boolean, owner: string, opts: ParallelRunOptions = {}): Promise<ItemsetBuffer | { total: number; byLength: number[] }> {
  const n = resolveNJobs(nJobs, owner);
  const signal = checkSignal(opts?.signal, owner);
  throwIfAborted(signal, owner);
  const nF = prep.rankCount.length;
  // every share goes to a pool worker (nJobs 1 included): the calling thread only waits, so its
  // event loop stays free; without workers (browser) it mines in slices
  const pool = nF > 1 ? await getPool(n) : null;
  const threads = pool ? n : 1;
  const guard = countOnly ? null : itemsetGuard(prep.owner ?? owner, prep.budget);
  const share = pool ? shareInt32 : (a: Int32Array) => a;
  const offsets = share(prep.offsets), ranks = share(prep.ranks);
  const vertical = pool ? verticalLayout(prep, shareInt32(new Int32Array(nF + 1)), shareInt32(new Int32Array(prep.ranks.length))) : verticalLayout(prep);
  const order = share(claimOrder(projectionCosts(prep)));
  const claim = share(new Int32Array(1));
  const partGuard = guard && { ...guard, memoryBytes: guard.memoryBytes / threads, maxOutputItems: guard.maxOutputItems / threads };
  const job: FPGrowthJob = { minCount: prep.minCount, maxLen: prep.maxLen, rankToId: prep.rankToId, rankCount: prep.rankCount, offsets, ranks, ...vertical, order, claim, countOnly, guard: partGuard };
  // stops the workers of this run (user abort, or a failure in any thread)
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  // post the worker tasks first (they start as soon as they arrive); their outcomes are handled at once
  const remote = pool
    ? Array.from({ length: n }, () => pool.run<MinedPart>({ module: TASK_MODULE, fn: 'mineFPGrowthPart', args: [job] }, { signal: stop.signal, owner })
      .then((v) => ({ ok: true as const, v }), (e: unknown) => { Atomics.store(claim, 0, order.length); return { ok: false as const, e }; }))
    : [];
  let results: MinedPart[];
  try {
    const local = pool ? [] : [await mineSliced(job, signal, owner, opts?.sliceMs ?? 10)];
    const outcomes = await Promise.all(remote);
    const bad = outcomes.find((o) => !o.ok);
    if (bad && !bad.ok) throw signal?.aborted ? abortOf(signal, owner) : bad.e;
    results = [...local, ...outcomes.map((o) => (o as { v: MinedPart }).v)];
  } catch (e) {
    Atomics.store(claim, 0, order.length); // nobody claims more
    stop.abort(); // terminate workers still deep in a projection
    await Promise.all(remote); // settled, never rejected
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  lastParallelRun.itemsetsPerThread = results.map((r) => ('size' in r ? r.size : r.total));
  if (countOnly) {
    let total = 0;
    const byLength: number[] = [];
    for (const r of results as { total: number; byLength: number[] }[]) {
      total += r.total;
      r.byLength.forEach((c, l) => { byLength[l] = (byLength[l] ?? 0) + c; });
    }
    return { total, byLength: Array.from(byLength, (c) => c ?? 0) };
  }
  return ItemsetBuffer.fromParts(results as FlatItemsets[], guard);
}

function abortOf(signal: SignalLike, owner: string): unknown {
  try {
    throwIfAborted(signal, owner);
  } catch (e) {
    return e;
  }
  return null;
}

/**
 * The calling thread's share of a parallel run: claims projections from the shared queue in
 * slices of about `sliceMs`, yielding to the event loop between slices.
 */
async function mineSliced(job: FPGrowthJob, signal: SignalLike | null, owner: string, sliceMs: number): Promise<MinedPart> {
  const { prep, vertical, sink, part } = partOf(job);
  const nTop = job.order.length;
  for (;;) {
    const end = Date.now() + sliceMs;
    mineFPGrowth(prep, sink, job.order, vertical, job.claim, () => Date.now() >= end);
    if (Atomics.load(job.claim, 0) >= nTop) break;
    await yieldToEventLoop();
    throwIfAborted(signal, owner);
  }
  throwIfAborted(signal, owner);
  return part();
}

/**
 * {@link fpGrowth} with the top-level projections mined on `nJobs` workers of the shared pool
 * (`src/core/pool.ts`). Same itemsets, counts and order as `fpGrowth`; with nJobs 1 (default) it
 * runs in the calling thread. Worth it on large or dense data; on small inputs the worker start-up
 * (once per process) and the result transfer dominate.
 *
 * @example
 * const sets = await fpGrowthAsync(readTransactions('mushroom.dat'), { minSupport: 0.1, nJobs: 2 });
 */
export async function fpGrowthAsync(data: TransactionsLike, opts: ParallelMineOptions = {}): Promise<Itemset[]> {
  const { nJobs, signal, ...rest } = opts ?? {};
  resolveNJobs(nJobs, 'fpGrowthAsync');
  checkSignal(signal, 'fpGrowthAsync');
  const prep = prepare(data, rest, 'fpGrowthAsync', true);
  const buf = await mineFPGrowthParallel(prep, nJobs, false, 'fpGrowthAsync', { signal });
  return buf.toItemsetsAsync(prep.db, signal, 'fpGrowthAsync');
}

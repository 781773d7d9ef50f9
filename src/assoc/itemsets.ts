/**
 * Shared plumbing of the miners: frequent-item preparation (ranks), the flat itemset buffer the
 * miners write into, deterministic sorting, a hash index over itemsets, and the public result type.
 */
import { InvalidParameterError, ResourceError } from '../core/errors.js';
import { throwIfAborted, yieldToEventLoop, type SignalLike } from '../core/pool.js';
import { getResourceBudget, type ResourceBudget } from '../core/resources.js';
import { resolveMinCount, toTransactionDB, type Item, type SupportOptions, type TransactionDB, type TransactionsLike } from './transactions.js';

/** One frequent itemset: labels in {@link compareItems} order, relative support and absolute count. */
export interface Itemset {
  items: Item[];
  /** count / number of transactions */
  support: number;
  /** number of transactions containing all `items` */
  count: number;
}

/** Options of every miner. */
export interface MineOptions extends SupportOptions {
  /** Longest itemset to report (mlxtend's `max_len`); null = no limit. */
  maxLen?: number | null;
  /**
   * Resource budget of this call (default: the global one, see `setResourceBudget`): mining stops
   * with a ResourceError once the itemsets found would need more memory, or more itemsets than
   * `maxOutputItems`.
   */
  budget?: Partial<ResourceBudget> | null;
}

/** Estimated bytes of one output itemset of `len` items (buffer entry plus the labelled Itemset object). */
export const ITEMSET_BYTES = 112;
export const ITEMSET_ITEM_BYTES = 16;

/** Limits of an {@link ItemsetBuffer} (plain data: it travels to worker threads). */
export interface ItemsetGuard {
  memoryBytes: number;
  maxOutputItems: number;
  owner: string;
}

/** The guard of a call: its budget (or the global one), split over `parts` threads. */
export function itemsetGuard(owner: string, budget?: Partial<ResourceBudget> | null, parts = 1): ItemsetGuard {
  const b = getResourceBudget(budget, owner);
  return { memoryBytes: b.memoryBytes / parts, maxOutputItems: b.maxOutputItems / parts, owner };
}

function itemsetOverflow(g: ItemsetGuard, size: number, bytes: number): ResourceError {
  const hint = 'raise minSupport (or minCount), set maxLen, or use countFrequentItemsets / topKItemsets; or raise the budget (budget option, setResourceBudget)';
  if (size > g.maxOutputItems) return new ResourceError(`mining (stopped early: the output passed the item cap)`, size, g.maxOutputItems, hint, g.owner, 'itemsets');
  return new ResourceError(`the ${size.toLocaleString('en-US')}+ frequent itemsets found so far (mining stopped early)`, bytes, g.memoryBytes, hint, g.owner);
}

/** Where miners report itemsets: `ranks[0..len)` in rank space (any order) with their count. */
export interface Sink {
  add(ranks: Int32Array, len: number, count: number): void;
  /**
   * A support threshold the sink raises while it collects (top-k mining); miners that honour it
   * (FP-Growth) stop exploring below it. Undefined for ordinary sinks.
   */
  readonly minCount?: number;
}

/** What the output needs from a database: labels by id and the support denominator. */
export interface DBInfo {
  readonly labels: readonly Item[];
  readonly nTransactions: number;
}

/** The frequent items of a database, ranked, and the transactions recoded to ranks. */
export interface Prepared {
  db: DBInfo;
  minCount: number;
  maxLen: number;
  /** rank -> item id */
  rankToId: Int32Array;
  /** rank -> count */
  rankCount: Int32Array;
  /** transactions in rank space, ranks ascending, infrequent items removed (CSR) */
  offsets: Int32Array;
  ranks: Int32Array;
  /** the call's resource budget (MineOptions.budget) and name, for the output guard */
  budget?: Partial<ResourceBudget> | null;
  owner?: string;
}

export function checkMaxLen(maxLen: unknown, owner: string): number {
  if (maxLen === undefined || maxLen === null) return 0x7fffffff;
  if (typeof maxLen !== 'number' || !Number.isInteger(maxLen) || maxLen < 1) throw new InvalidParameterError('maxLen', 'an integer >= 1 or null', maxLen, owner);
  return maxLen;
}

/**
 * Rank the frequent items (by count descending when `descending`, else ascending; ties by id)
 * and recode the transactions.
 */
export function prepare(data: TransactionsLike, opts: MineOptions, owner: string, descending: boolean): Prepared {
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, owner);
  const maxLen = checkMaxLen(opts.maxLen, owner);
  const db = toTransactionDB(data, owner);
  const minCount = resolveMinCount(opts, db.nTransactions, owner);
  const counts = db.itemCounts();
  const freq: number[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! >= minCount) freq.push(i);
  freq.sort(descending ? (a, b) => counts[b]! - counts[a]! || a - b : (a, b) => counts[a]! - counts[b]! || a - b);
  const rankToId = Int32Array.from(freq);
  const rankCount = Int32Array.from(freq, (i) => counts[i]!);
  const idToRank = new Int32Array(counts.length).fill(-1);
  freq.forEach((id, r) => (idToRank[id] = r));
  const n = db.nTransactions;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let k = 0; k < db.items.length; k++) if (idToRank[db.items[k]!]! >= 0) total++;
  const ranks = new Int32Array(total);
  let w = 0;
  const src = db.items, off = db.offsets;
  for (let t = 0; t < n; t++) {
    const start = w;
    for (let k = off[t]!; k < off[t + 1]!; k++) {
      const r = idToRank[src[k]!]!;
      if (r < 0) continue;
      // insertion into the sorted run (transactions are short)
      let j = w++;
      while (j > start && ranks[j - 1]! > r) { ranks[j] = ranks[j - 1]!; j--; }
      ranks[j] = r;
    }
    offsets[t + 1] = w;
  }
  return { db, minCount, maxLen, rankToId, rankCount, offsets, ranks, budget: opts.budget ?? null, owner };
}

/** The output buffer of a miner: labelled by `prep.rankToId`, guarded by the call's budget. */
export function outputBuffer(prep: Prepared, owner = prep.owner ?? 'frequent itemset mining'): ItemsetBuffer {
  return new ItemsetBuffer(prep.rankToId, itemsetGuard(owner, prep.budget));
}

/** Growable flat store of itemsets (item ids ascending) with counts. */
export class ItemsetBuffer implements Sink {
  items = new Int32Array(1024);
  offsets = new Int32Array(257);
  counts = new Int32Array(256);
  size = 0;
  private nItems = 0;

  constructor(private readonly rankToId: Int32Array | null = null, readonly guard: ItemsetGuard | null = itemsetGuard('frequent itemset mining')) {}

  /** Estimated bytes of the output so far. */
  estimatedBytes(): number {
    return this.size * ITEMSET_BYTES + this.nItems * ITEMSET_ITEM_BYTES;
  }

  add(ranks: Int32Array, len: number, count: number): void {
    if (this.size + 1 >= this.counts.length) {
      // checked at each doubling of the buffer (cheap; at most 2x past the limit of the estimate)
      const g = this.guard;
      if (g && (this.size > g.maxOutputItems || this.estimatedBytes() > g.memoryBytes)) throw itemsetOverflow(g, this.size, this.estimatedBytes());
      const c = new Int32Array(this.counts.length * 2); c.set(this.counts); this.counts = c;
      const o = new Int32Array(this.offsets.length * 2); o.set(this.offsets); this.offsets = o;
    }
    if (this.nItems + len > this.items.length) {
      const it = new Int32Array(Math.max(this.items.length * 2, this.nItems + len)); it.set(this.items); this.items = it;
    }
    const a = this.items, map = this.rankToId;
    const start = this.nItems;
    for (let k = 0; k < len; k++) {
      const v = map ? map[ranks[k]!]! : ranks[k]!;
      let j = start + k;
      while (j > start && a[j - 1]! > v) { a[j] = a[j - 1]!; j--; }
      a[j] = v;
    }
    this.nItems += len;
    this.counts[this.size] = count;
    this.size++;
    this.offsets[this.size] = this.nItems;
  }

  /** Concatenate flat parts (e.g. from workers) into one buffer; itemsets keep their part order. */
  static fromParts(parts: readonly { size: number; items: Int32Array; offsets: Int32Array; counts: Int32Array; sorted?: boolean }[], guard: ItemsetGuard | null = null): ItemsetBuffer {
    const buf = new ItemsetBuffer(null, guard);
    if (guard) {
      let size = 0, nItems = 0;
      for (const p of parts) { size += p.size; nItems += p.offsets[p.size]!; }
      const bytes = size * ITEMSET_BYTES + nItems * ITEMSET_ITEM_BYTES;
      if (size > guard.maxOutputItems || bytes > guard.memoryBytes) throw itemsetOverflow(guard, size, bytes);
    }
    let size = 0, nItems = 0;
    for (const p of parts) { size += p.size; nItems += p.offsets[p.size]!; }
    buf.items = new Int32Array(Math.max(1, nItems));
    buf.offsets = new Int32Array(size + 2);
    buf.counts = new Int32Array(size + 1);
    let s = 0, w = 0;
    for (const p of parts) {
      buf.items.set(p.items.subarray(0, p.offsets[p.size]!), w);
      buf.counts.set(p.counts.subarray(0, p.size), s);
      for (let i = 1; i <= p.size; i++) buf.offsets[s + i] = w + p.offsets[i]!;
      s += p.size;
      w += p.offsets[p.size]!;
    }
    buf.size = size;
    buf.nItems = w;
    if (parts.every((p) => p.sorted)) {
      buf.sortedRuns = [0];
      for (const p of parts) buf.sortedRuns.push(buf.sortedRuns[buf.sortedRuns.length - 1]! + p.size);
    }
    return buf;
  }

  /** Length of itemset i. */
  len(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]!;
  }

  /**
   * Boundaries of runs that are each already in output order (set by {@link fromParts} when every
   * part was sorted by its worker), or null.
   */
  sortedRuns: number[] | null = null;

  /** Output order of itemsets a and b: count descending, then item ids lexicographically (a proper prefix first). */
  compare(a: number, b: number): number {
    const { counts, offsets, items } = this;
    const d = counts[b]! - counts[a]!;
    if (d !== 0) return d;
    const sa = offsets[a]!, ea = offsets[a + 1]!, sb = offsets[b]!, eb = offsets[b + 1]!;
    const la = ea - sa, lb = eb - sb, m = la < lb ? la : lb;
    for (let k = 0; k < m; k++) {
      const x = items[sa + k]! - items[sb + k]!;
      if (x !== 0) return x;
    }
    return la - lb;
  }

  /** Indices sorted by count descending, then item ids lexicographically (a proper prefix first). */
  sortedOrder(): Int32Array {
    const idx = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) idx[i] = i;
    return idx.sort((a, b) => this.compare(a, b));
  }

  /** A copy of this buffer's itemsets in output order (what a worker sends back). */
  sortedCopy(): { size: number; items: Int32Array; offsets: Int32Array; counts: Int32Array; sorted: true } {
    const order = this.sortedOrder();
    const items = new Int32Array(this.offsets[this.size]!), offsets = new Int32Array(this.size + 1), counts = new Int32Array(this.size);
    let w = 0;
    for (let q = 0; q < order.length; q++) {
      const i = order[q]!;
      for (let k = this.offsets[i]!; k < this.offsets[i + 1]!; k++) items[w++] = this.items[k]!;
      offsets[q + 1] = w;
      counts[q] = this.counts[i]!;
    }
    return { size: this.size, items, offsets, counts, sorted: true };
  }

  /**
   * {@link sortedOrder}, without one long synchronous sort when the buffer holds sorted runs
   * (a k-way merge, yielding to the event loop every 65,536 itemsets).
   */
  async sortedOrderAsync(): Promise<Int32Array> {
    const runs = this.sortedRuns;
    if (!runs) return this.sortedOrder();
    const k = runs.length - 1;
    const out = new Int32Array(this.size);
    if (k <= 1) { for (let i = 0; i < this.size; i++) out[i] = i; return out; }
    const heads = runs.slice(0, k), ends = runs.slice(1);
    for (let q = 0; q < this.size; q++) {
      let best = -1;
      for (let r = 0; r < k; r++) if (heads[r]! < ends[r]! && (best < 0 || this.compare(heads[r]!, heads[best]!) < 0)) best = r;
      out[q] = heads[best]!++;
      if ((q & 0xffff) === 0xffff) await yieldToEventLoop();
    }
    return out;
  }

  /** Public result: labelled, sorted by support descending then items. */
  toItemsets(db: DBInfo, keep?: Uint8Array): Itemset[] {
    const order = this.sortedOrder();
    const out: Itemset[] = [];
    this.labelRange(db, order, 0, order.length, out, keep);
    return out;
  }

  /** {@link toItemsets} building the objects in slices, yielding to the event loop between them. */
  async toItemsetsAsync(db: DBInfo, signal?: SignalLike | null, owner?: string): Promise<Itemset[]> {
    const order = await this.sortedOrderAsync();
    throwIfAborted(signal, owner);
    const out: Itemset[] = [];
    const step = 20000;
    for (let q = 0; q < order.length; q += step) {
      if (q > 0) { await yieldToEventLoop(); throwIfAborted(signal, owner); }
      this.labelRange(db, order, q, Math.min(order.length, q + step), out);
    }
    return out;
  }

  private labelRange(db: DBInfo, order: Int32Array, from: number, to: number, out: Itemset[], keep?: Uint8Array): void {
    const n = db.nTransactions;
    const labels = db.labels;
    for (let q = from; q < to; q++) {
      const i = order[q]!;
      if (keep && !keep[i]) continue;
      const s = this.offsets[i]!, e = this.offsets[i + 1]!;
      const items = new Array<Item>(e - s);
      for (let k = s; k < e; k++) items[k - s] = labels[this.items[k]!]!;
      const count = this.counts[i]!;
      out.push({ items, support: count / n, count });
    }
  }
}

/** Counts itemsets without storing them (for outputs of millions of sets). */
export class CountingSink implements Sink {
  total = 0;
  byLength: number[] = [];
  add(_ranks: Int32Array, len: number): void {
    this.total++;
    while (this.byLength.length <= len) this.byLength.push(0);
    this.byLength[len]!++;
  }
}

function hashRun(a: Int32Array, s: number, e: number): number {
  let h = 0x811c9dc5 ^ (e - s);
  for (let k = s; k < e; k++) {
    h = Math.imul(h ^ a[k]!, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Open-addressing hash index over the itemsets of an {@link ItemsetBuffer} (ids ascending). */
export class ItemsetIndex {
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(private readonly buf: ItemsetBuffer) {
    let cap = 16;
    while (cap < buf.size * 2) cap <<= 1;
    this.table = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < buf.size; i++) {
      let h = hashRun(buf.items, buf.offsets[i]!, buf.offsets[i + 1]!) & this.mask;
      while (this.table[h] !== -1) h = (h + 1) & this.mask;
      this.table[h] = i;
    }
  }

  /** Index of the itemset `a[s..e)` (ids ascending) or -1. */
  find(a: Int32Array, s: number, e: number): number {
    const { buf, table, mask } = this;
    let h = hashRun(a, s, e) & mask;
    const len = e - s;
    for (;;) {
      const i = table[h]!;
      if (i === -1) return -1;
      const o = buf.offsets[i]!;
      if (buf.offsets[i + 1]! - o === len) {
        let k = 0;
        while (k < len && buf.items[o + k] === a[s + k]) k++;
        if (k === len) return i;
      }
      h = (h + 1) & mask;
    }
  }
}

/** Indices of the non-empty transactions (CSR) sorted lexicographically by their id sequences. */
export function lexOrder(offsets: Int32Array, ranks: Int32Array): Int32Array {
  const nT = offsets.length - 1;
  let m = 0;
  for (let t = 0; t < nT; t++) if (offsets[t + 1]! > offsets[t]!) m++;
  const idx = new Int32Array(m);
  m = 0;
  for (let t = 0; t < nT; t++) if (offsets[t + 1]! > offsets[t]!) idx[m++] = t;
  return idx.sort((a, b) => {
    let i = offsets[a]!, j = offsets[b]!;
    const ea = offsets[a + 1]!, eb = offsets[b + 1]!;
    while (i < ea && j < eb) {
      const d = ranks[i]! - ranks[j]!;
      if (d !== 0) return d;
      i++; j++;
    }
    return (ea - i) - (eb - j);
  });
}

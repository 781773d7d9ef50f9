/**
 * Closed and maximal frequent itemsets, mined directly instead of filtering the complete
 * collection.
 *
 * - Maximal: FPMax (Grahne & Zhu 2003). The FP-Growth search (top-level projections straight from
 *   the rank-recoded transactions, conditional FP-trees below) visits items from the least
 *   frequent, so any frequent superset of a candidate is found before it: a candidate is maximal
 *   iff no maximal set found so far contains it. Before a projection is built, head ∪ tail (all
 *   items frequent in it) is checked the same way and the whole branch is skipped when it is
 *   covered; a projection that is a single path gives one candidate.
 * - Closed: FPClose (Grahne & Zhu 2003, same search). At head ∪ {r} with count c the items of the
 *   conditional base with count c belong to its closure: they join the head and leave the tree.
 *   The resulting set is closed iff no closed set found so far contains it with the same count;
 *   when one does, the branch is skipped (its closed sets were found with that superset).
 *
 * Instead of FPMax's per-level MFI-trees, subset checking uses the same idea with bitsets: every
 * set found is a bitset over the frequent items, and each recursion level keeps the list of found
 * sets that contain its head (filtered from the parent's list, and extended as sets are found
 * below it; at the top level, the inverted list of the sets holding the item), so a check only
 * scans sets that already contain the head.
 *
 * With `maxLen`, the sets are selected from the complete collection of itemsets of at most
 * `maxLen` items (one hash lookup per (itemset, item) pair), as closedness and maximality are then
 * judged among those itemsets.
 */
import { FPTree, mineFPGrowth, verticalLayout } from './fpgrowth.js';
import { ItemsetBuffer, outputBuffer, ItemsetIndex, prepare, type Itemset, type MineOptions, type Prepared, type Sink } from './itemsets.js';
import type { TransactionsLike } from './transactions.js';

/** The dedicated FPMax / FPClose search (no `maxLen`), reporting each closed or maximal set to `sink` once. */
export function mineClosedMaximal(prep: Prepared, mode: 'closed' | 'maximal', sink: Sink): void {
  const { minCount, offsets, ranks, rankCount } = prep;
  const nF = rankCount.length;
  if (nF === 0) return;
  const closed = mode === 'closed';
  const { tidStart, tids } = verticalLayout(prep);
  const W = (nF + 31) >>> 5;

  // found sets: bitsets over ranks and counts
  let bits = new Uint32Array(256 * W);
  let setCount = new Int32Array(256);
  let nSets = 0;
  // per level: indices of the found sets that contain the level's head
  const lists: Int32Array[] = [];
  const listLen: number[] = [];
  const head = new Int32Array(nF + 1);
  const query = new Int32Array(nF + 1);
  const path = new Int32Array(nF + 1);
  const trees: FPTree[] = [];
  const condCounts: Int32Array[] = [];
  const getTree = (d: number) => trees[d] ?? (trees[d] = new FPTree(nF));
  const getCounts = (d: number) => condCounts[d] ?? (condCounts[d] = new Int32Array(nF));

  // level 0 (empty head) uses inverted lists instead: the sets containing each rank
  const inv: Int32Array[] = Array.from({ length: nF }, () => new Int32Array(4));
  const invLen = new Int32Array(nF);
  const push = (level: number, s: number) => {
    let l = lists[level]!;
    if (listLen[level]! >= l.length) { const g = new Int32Array(l.length * 2); g.set(l); lists[level] = l = g; }
    l[listLen[level]!++] = s;
  };
  /** Record head[0..len) with `count` as found, visible to the lists of levels 0..level. */
  const record = (len: number, count: number, level: number) => {
    if ((nSets + 1) * W > bits.length) { const g = new Uint32Array(bits.length * 2); g.set(bits); bits = g; }
    if (nSets >= setCount.length) { const g = new Int32Array(setCount.length * 2); g.set(setCount); setCount = g; }
    const o = nSets * W;
    for (let k = 0; k < len; k++) {
      const r = head[k]!;
      bits[o + (r >>> 5)]! |= 1 << (r & 31);
      let l = inv[r]!;
      if (invLen[r]! >= l.length) { const g = new Int32Array(l.length * 2); g.set(l); inv[r] = l = g; }
      l[invLen[r]!++] = nSets;
    }
    setCount[nSets] = count;
    for (let l = 1; l <= level; l++) push(l, nSets);
    nSets++;
    sink.add(head, len, count);
  };
  const contains = (s: number, q: Int32Array, qn: number) => {
    const o = s * W;
    for (let k = 0; k < qn; k++) { const r = q[k]!; if (!(bits[o + (r >>> 5)]! & (1 << (r & 31)))) return false; }
    return true;
  };
  /** Is there a found set (containing the head of `level`) that contains q[0..qn) (with count `count` when closed)? */
  const covered = (level: number, qn: number, count: number) => {
    const l = level ? lists[level]! : inv[query[0]!]!, n = level ? listLen[level]! : invLen[query[0]!]!;
    for (let i = 0; i < n; i++) {
      const s = l[i]!;
      if (closed && setCount[s] !== count) continue;
      if (contains(s, query, qn)) return true;
    }
    return false;
  };
  /** lists[level + 1] = the sets of lists[level] containing query[0..qn). */
  const narrow = (level: number, qn: number) => {
    const l = level ? lists[level]! : inv[query[0]!]!, n = level ? listLen[level]! : invLen[query[0]!]!;
    if (!lists[level + 1]) lists[level + 1] = new Int32Array(Math.max(16, n));
    let out = lists[level + 1]!;
    if (out.length < n) lists[level + 1] = out = new Int32Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) { const s = l[i]!; if (contains(s, query, qn)) out[m++] = s; }
    listLen[level + 1] = m;
  };

  /**
   * Decide on head ∪ {r} (count c) given its conditional counts cc[0..r). Returns the new head
   * length to recurse with (cc then marks the tree items with cc >= minCount), or -1 to stop.
   */
  const visit = (r: number, c: number, cc: Int32Array, level: number, h: number): number => {
    let qn = 0;
    query[qn++] = r;
    let rest = 0;
    if (closed) {
      for (let i = 0; i < r; i++) {
        const x = cc[i]!;
        if (x === c) { query[qn++] = i; cc[i] = -1; } // in the closure: joins the head, leaves the tree
        else if (x >= minCount) rest++;
      }
      if (covered(level, qn, c)) return -1;
      for (let k = 0; k < qn; k++) head[h + k] = query[k]!;
      record(h + qn, c, level);
      if (rest === 0) return -1;
      narrow(level, qn);
      return h + qn;
    }
    for (let i = 0; i < r; i++) if (cc[i]! >= minCount) query[qn++] = i;
    if (covered(level, qn, 0)) return -1;
    head[h] = r;
    if (qn === 1) { record(h + 1, c, level); return -1; }
    query[0] = r; qn = 1;
    narrow(level, 1);
    return h + 1;
  };

  const mine = (tree: FPTree, level: number, h: number): void => {
    if (!closed && !tree.branched) {
      // single path: head ∪ path is the only candidate, and visit() found it uncovered
      let c = tree.firstChild[0]!, len = h, last = 0;
      while (c !== -1) { head[len++] = tree.item[c]!; last = tree.count[c]!; c = tree.firstChild[c]!; }
      if (len > h) record(len, last, level);
      return;
    }
    const l1 = level + 1;
    for (let r = tree.nItems - 1; r >= 0; r--) {
      const total = tree.itemCount[r]!;
      if (total < minCount) continue;
      const cc = getCounts(l1);
      cc.fill(0, 0, r);
      const { item, count, parent, next } = tree;
      for (let node = tree.head[r]!; node !== -1; node = next[node]!) {
        const w = count[node]!;
        for (let p = parent[node]!; p !== 0; p = parent[p]!) cc[item[p]!]! += w;
      }
      const h1 = visit(r, total, cc, level, h);
      if (h1 < 0) continue;
      let top = -1;
      for (let i = 0; i < r; i++) if (cc[i]! >= minCount) top = i;
      const child = getTree(l1);
      child.reset(top + 1);
      for (let node = tree.head[r]!; node !== -1; node = next[node]!) {
        let len = 0;
        for (let p = parent[node]!; p !== 0; p = parent[p]!) { const it = item[p]!; if (cc[it]! >= minCount) path[len++] = it; }
        if (len === 0) continue;
        for (let a = 0, b = len - 1; a < b; a++, b--) { const x = path[a]!; path[a] = path[b]!; path[b] = x; }
        child.insert(path, len, count[node]!);
      }
      mine(child, l1, h1);
    }
  };

  const cc = getCounts(0);
  for (let r = nF - 1; r >= 0; r--) {
    cc.fill(0, 0, r);
    const t0 = tidStart[r]!, t1 = tidStart[r + 1]!;
    for (let q = t0; q < t1; q++) {
      const t = tids[q]!;
      for (let k = offsets[t]!; ; k++) { const it = ranks[k]!; if (it >= r) break; cc[it]!++; }
    }
    const h1 = visit(r, rankCount[r]!, cc, 0, 0);
    if (h1 < 0) continue;
    let top = -1;
    for (let i = 0; i < r; i++) if (cc[i]! >= minCount) top = i;
    const child = getTree(1);
    child.reset(top + 1);
    for (let q = t0; q < t1; q++) {
      const t = tids[q]!;
      let len = 0;
      for (let k = offsets[t]!; ; k++) { const it = ranks[k]!; if (it >= r) break; if (cc[it]! >= minCount) path[len++] = it; }
      if (len > 0) child.insert(path, len, 1);
    }
    mine(child, 1, h1);
  }
}

/** Selection from the complete collection (used with `maxLen`). */
function selectFromAll(prep: Prepared, mode: 'closed' | 'maximal'): ItemsetBuffer & { keep?: Uint8Array } {
  const buf = outputBuffer(prep);
  mineFPGrowth(prep, buf);
  const index = new ItemsetIndex(buf);
  const keep = new Uint8Array(buf.size).fill(1);
  const scratch = new Int32Array(prep.rankToId.length + 1);
  const { items, offsets, counts } = buf;
  for (let y = 0; y < buf.size; y++) {
    const s = offsets[y]!, e = offsets[y + 1]!;
    const len = e - s;
    if (len < 2) continue;
    for (let drop = 0; drop < len; drop++) {
      let w = 0;
      for (let k = s; k < e; k++) if (k - s !== drop) scratch[w++] = items[k]!;
      const x = index.find(scratch, 0, w);
      if (x < 0) continue; // cannot happen for a complete collection
      if (mode === 'maximal' || counts[x] === counts[y]) keep[x] = 0;
    }
  }
  return Object.assign(buf, { keep });
}

function select(data: TransactionsLike, opts: MineOptions, owner: string, mode: 'closed' | 'maximal'): Itemset[] {
  const prep = prepare(data, opts, owner, true);
  if (prep.maxLen < 0x7fffffff) {
    const buf = selectFromAll(prep, mode);
    return buf.toItemsets(prep.db, buf.keep);
  }
  const buf = outputBuffer(prep);
  mineClosedMaximal(prep, mode, buf);
  return buf.toItemsets(prep.db);
}

/**
 * Closed frequent itemsets (FPClose): frequent sets with no proper superset of the same support.
 * With `maxLen`, closedness is judged among the itemsets of at most `maxLen` items.
 *
 * @example
 * closedItemsets([['a', 'b'], ['a', 'b'], ['a']], { minCount: 1 });
 * // [{ items: ['a'], count: 3, ... }, { items: ['a', 'b'], count: 2, ... }]  ({b} is not closed)
 */
export function closedItemsets(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  return select(data, opts, 'closedItemsets', 'closed');
}

/**
 * Maximal frequent itemsets (FPMax; mlxtend's `fpmax`): frequent sets with no frequent proper
 * superset. With `maxLen`, maximality is judged among the itemsets of at most `maxLen` items.
 *
 * @example
 * fpMax([['a', 'b'], ['a', 'b'], ['a', 'c']], { minCount: 2 }); // [{ items: ['a', 'b'], count: 2, support: 0.666.. }]
 */
export function fpMax(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  return select(data, opts, 'fpMax', 'maximal');
}

/** The definition-based selection (complete collection, then filter): kept for tests and benchmarks. */
export function selectByDefinition(data: TransactionsLike, opts: MineOptions, mode: 'closed' | 'maximal'): Itemset[] {
  const prep = prepare(data, opts, mode === 'closed' ? 'closedItemsets' : 'fpMax', true);
  const buf = selectFromAll(prep, mode);
  return buf.toItemsets(prep.db, buf.keep);
}

/**
 * Apriori (Agrawal & Srikant 1994), level-wise: candidates of size k are joined from frequent
 * (k-1)-itemsets sharing a (k-2)-prefix, pruned when any (k-1)-subset is infrequent (hash lookup),
 * and counted in one pass over the transactions through a prefix tree (trie) of the candidates.
 * Pairs are counted in a triangular matrix. Transactions are trimmed each level to the items that
 * still occur in a frequent itemset and dropped when shorter than k.
 */
import { ItemsetBuffer, outputBuffer, ItemsetIndex, lexOrder, prepare, type Itemset, type MineOptions, type Prepared, type Sink } from './itemsets.js';
import type { TransactionsLike } from './transactions.js';

const MAX_TRIANGLE = 3000;

/** Flat store of same-length itemsets (ranks ascending), lexicographically sorted. */
interface Level {
  k: number;
  n: number;
  items: Int32Array; // n * k
  counts: Int32Array;
}

/** Trie over lexicographically sorted candidates; leaves (depth k) are in candidate order. */
class CandidateTrie {
  item: Int32Array;
  childStart: Int32Array;
  childEnd: Int32Array;
  firstLeaf = 0;
  counts: Int32Array;

  constructor(cands: Int32Array, n: number, k: number) {
    // BFS construction
    let cap = n * k + 1;
    const item = new Int32Array(cap), cs = new Int32Array(cap), ce = new Int32Array(cap);
    const lo = new Int32Array(cap), hi = new Int32Array(cap);
    let nodes = 1;
    lo[0] = 0; hi[0] = n;
    let levelStart = 0, levelEnd = 1;
    for (let d = 0; d < k; d++) {
      for (let v = levelStart; v < levelEnd; v++) {
        cs[v] = nodes;
        let a = lo[v]!;
        const b = hi[v]!;
        while (a < b) {
          const it = cands[a * k + d]!;
          let e = a + 1;
          while (e < b && cands[e * k + d] === it) e++;
          item[nodes] = it; lo[nodes] = a; hi[nodes] = e; nodes++;
          a = e;
        }
        ce[v] = nodes;
      }
      levelStart = levelEnd; levelEnd = nodes;
    }
    cap = nodes;
    this.item = item.slice(0, cap);
    this.childStart = cs.slice(0, cap);
    this.childEnd = ce.slice(0, cap);
    this.firstLeaf = levelStart;
    this.counts = new Int32Array(n);
  }

  /** Count every candidate contained in the sorted transaction t[s..e). */
  countIn(t: Int32Array, s: number, e: number, k: number, w: number): void {
    this.walk(0, t, s, e, 0, k, w);
  }

  private walk(node: number, t: Int32Array, pos: number, e: number, depth: number, k: number, w: number): void {
    const item = this.item;
    let c = this.childStart[node]!;
    const ce = this.childEnd[node]!;
    const last = depth + 1 === k;
    const limit = e - (k - depth - 1); // leave room for the deeper items
    let j = pos;
    while (c < ce && j < limit) {
      const ci = item[c]!, ti = t[j]!;
      if (ci < ti) {
        // skip children by binary search when far behind
        let lo = c + 1, hi = ce;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (item[mid]! < ti) lo = mid + 1; else hi = mid; }
        c = lo;
      } else if (ci > ti) j++;
      else {
        if (last) this.counts[c - this.firstLeaf]! += w;
        else this.walk(c, t, j + 1, e, depth + 1, k, w);
        c++; j++;
      }
    }
  }
}

/** The Apriori search over a prepared database, reporting to `sink`. */
export function mineApriori(prep: Prepared, sink: Sink): void {
  const { minCount, maxLen, rankCount } = prep;
  const nF = rankCount.length;
  if (nF === 0) return;
  const one = new Int32Array(1);
  for (let r = 0; r < nF; r++) { one[0] = r; sink.add(one, 1, rankCount[r]!); }
  if (maxLen < 2 || nF < 2) return;
  let offsets = prep.offsets, ranks = prep.ranks;
  let weights = new Int32Array(offsets.length - 1).fill(1);

  // level 2
  let level: Level;
  {
    const nT = offsets.length - 1;
    const out: number[] = [], cnt: number[] = [];
    if (nF <= MAX_TRIANGLE) {
      const pairs = new Int32Array((nF * (nF - 1)) / 2);
      for (let t = 0; t < nT; t++) {
        const s = offsets[t]!, e = offsets[t + 1]!;
        for (let b = s + 1; b < e; b++) {
          const j = ranks[b]!, base = (j * (j - 1)) / 2;
          for (let a = s; a < b; a++) pairs[base + ranks[a]!]!++;
        }
      }
      for (let i = 0; i < nF; i++) for (let j = i + 1; j < nF; j++) {
        const c = pairs[(j * (j - 1)) / 2 + i]!;
        if (c >= minCount) { out.push(i, j); cnt.push(c); }
      }
    } else {
      // too many items for the matrix: count the pairs that occur
      const m = new Map<number, number>();
      for (let t = 0; t < nT; t++) {
        const s = offsets[t]!, e = offsets[t + 1]!;
        for (let b = s + 1; b < e; b++) for (let a = s; a < b; a++) { const key = ranks[a]! * nF + ranks[b]!; m.set(key, (m.get(key) ?? 0) + 1); }
      }
      const keys = [...m.entries()].filter(([, c]) => c >= minCount).sort((x, y) => x[0] - y[0]);
      for (const [key, c] of keys) { out.push(Math.floor(key / nF), key % nF); cnt.push(c); }
    }
    level = { k: 2, n: cnt.length, items: Int32Array.from(out), counts: Int32Array.from(cnt) };
  }

  const buf = new Int32Array(nF + 1);
  const sub = new Int32Array(nF + 1);
  for (;;) {
    const { k, n, items, counts } = level;
    for (let c = 0; c < n; c++) sink.add(items.subarray(c * k), k, counts[c]!);
    if (k >= maxLen || n < 2) return;
    // join + prune -> candidates of size k+1 (lexicographic order is preserved)
    const prev = new ItemsetBuffer();
    for (let c = 0; c < n; c++) prev.add(items.subarray(c * k), k, counts[c]!);
    const index = new ItemsetIndex(prev);
    const k1 = k + 1;
    let cands = new Int32Array(1024 * k1);
    let nc = 0;
    let a = 0;
    while (a < n) {
      // run of itemsets sharing the first k-1 items
      let b = a + 1;
      outer: while (b < n) {
        for (let q = 0; q < k - 1; q++) if (items[b * k + q] !== items[a * k + q]) break outer;
        b++;
      }
      for (let x = a; x < b; x++) for (let y = x + 1; y < b; y++) {
        for (let q = 0; q < k; q++) buf[q] = items[x * k + q]!;
        buf[k] = items[y * k + k - 1]!;
        // prune: every k-subset dropping one of the first k-1 items must be frequent
        let ok = true;
        for (let drop = 0; drop < k - 1 && ok; drop++) {
          let w = 0;
          for (let q = 0; q < k1; q++) if (q !== drop) sub[w++] = buf[q]!;
          ok = index.find(sub, 0, k) >= 0;
        }
        if (!ok) continue;
        if ((nc + 1) * k1 > cands.length) { const g = new Int32Array(cands.length * 2); g.set(cands); cands = g; }
        for (let q = 0; q < k1; q++) cands[nc * k1 + q] = buf[q]!;
        nc++;
      }
      a = b;
    }
    if (nc === 0) return;
    // trim transactions to items of frequent k-itemsets, drop those shorter than k+1, and merge
    // identical trimmed transactions into one weighted transaction (dense data collapses a lot)
    const useful = new Uint8Array(nF);
    for (let q = 0; q < n * k; q++) useful[items[q]!] = 1;
    const nT = offsets.length - 1;
    const no = [0], nw: number[] = [];
    const nr = new Int32Array(ranks.length);
    let w = 0;
    for (let t = 0; t < nT; t++) {
      const s = w;
      for (let q = offsets[t]!; q < offsets[t + 1]!; q++) if (useful[ranks[q]!]) nr[w++] = ranks[q]!;
      if (w - s < k1) w = s;
      else { no.push(w); nw.push(weights[t]!); }
    }
    const tOff = Int32Array.from(no);
    const order = lexOrder(tOff, nr);
    const mo = [0], mw: number[] = [];
    const mr = new Int32Array(w);
    let mwp = 0, prevT = -1;
    for (let q = 0; q < order.length; q++) {
      const t = order[q]!;
      const s = tOff[t]!, e = tOff[t + 1]!;
      if (prevT >= 0 && sameRun(nr, s, e, tOff[prevT]!, tOff[prevT + 1]!)) { mw[mw.length - 1]! += nw[t]!; continue; }
      for (let x = s; x < e; x++) mr[mwp++] = nr[x]!;
      mo.push(mwp); mw.push(nw[t]!);
      prevT = t;
    }
    offsets = Int32Array.from(mo);
    ranks = mr.subarray(0, mwp);
    weights = Int32Array.from(mw);
    const trie = new CandidateTrie(cands, nc, k1);
    for (let t = 0; t + 1 < offsets.length; t++) trie.countIn(ranks, offsets[t]!, offsets[t + 1]!, k1, weights[t]!);
    const out: number[] = [], cnt: number[] = [];
    for (let c = 0; c < nc; c++) if (trie.counts[c]! >= minCount) {
      for (let q = 0; q < k1; q++) out.push(cands[c * k1 + q]!);
      cnt.push(trie.counts[c]!);
    }
    level = { k: k1, n: cnt.length, items: Int32Array.from(out), counts: Int32Array.from(cnt) };
    if (level.n === 0) return;
  }
}

function sameRun(a: Int32Array, s: number, e: number, s2: number, e2: number): boolean {
  if (e - s !== e2 - s2) return false;
  for (let k = 0; k < e - s; k++) if (a[s + k] !== a[s2 + k]) return false;
  return true;
}

/**
 * Frequent itemsets by Apriori (mlxtend's `apriori`, labelled output). Same output as
 * {@link fpGrowth} and {@link eclat}; slower on long patterns, kept as the textbook reference.
 *
 * @example
 * const sets = apriori(loadDataset('groceries').transactions, { minSupport: 0.05, maxLen: 2 });
 */
export function apriori(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  const prep = prepare(data, opts, 'apriori', true);
  const buf = outputBuffer(prep);
  mineApriori(prep, buf);
  return buf.toItemsets(prep.db);
}

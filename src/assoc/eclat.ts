/**
 * Eclat (Zaki 2000) with diffsets (dEclat, Zaki & Gouda 2003): depth-first search over prefix
 * equivalence classes in the vertical layout. A class holds tid-lists until diffsets become
 * smaller (then d(PXY) = t(PX) \ t(PY), and below that d(PXY) = d(PY) \ d(PX)), so dense data
 * shrinks as it deepens. The 2-itemset counts come from one horizontal pass into a triangular
 * matrix (as in Borgelt's implementation), so no tid-list is ever intersected for a pair that
 * turns out infrequent. Lists live in one growable Int32Array arena per depth: no allocation per
 * itemset.
 */
import { ItemsetBuffer, outputBuffer, prepare, type Itemset, type MineOptions, type Prepared, type Sink } from './itemsets.js';
import type { TransactionsLike } from './transactions.js';

/** Largest number of frequent items for which the triangular pair-count matrix is used (~18 MB). */
const MAX_TRIANGLE = 3000;

function interCount(a: Int32Array, i: number, ie: number, b: Int32Array, j: number, je: number): number {
  let c = 0;
  while (i < ie && j < je) {
    const x = a[i]!, y = b[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else { c++; i++; j++; }
  }
  return c;
}

/** |a \ b| */
function diffCount(a: Int32Array, i: number, ie: number, b: Int32Array, j: number, je: number): number {
  let c = 0;
  while (i < ie && j < je) {
    const x = a[i]!, y = b[j]!;
    if (x < y) { c++; i++; } else if (x > y) j++;
    else { i++; j++; }
  }
  return c + (ie - i);
}

function interWrite(a: Int32Array, i: number, ie: number, b: Int32Array, j: number, je: number, out: Int32Array, w: number): number {
  while (i < ie && j < je) {
    const x = a[i]!, y = b[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else { out[w++] = x; i++; j++; }
  }
  return w;
}

function diffWrite(a: Int32Array, i: number, ie: number, b: Int32Array, j: number, je: number, out: Int32Array, w: number): number {
  while (i < ie && j < je) {
    const x = a[i]!, y = b[j]!;
    if (x < y) { out[w++] = x; i++; } else if (x > y) j++;
    else { i++; j++; }
  }
  while (i < ie) out[w++] = a[i++]!;
  return w;
}

/** The Eclat search over a prepared database (ranks by ascending frequency), reporting to `sink`. */
export function mineEclat(prep: Prepared, sink: Sink): void {
  const { minCount, maxLen, offsets, ranks, rankCount } = prep;
  const nF = rankCount.length;
  if (nF === 0) return;
  const nT = offsets.length - 1;
  // level 1: tid-lists
  const arena0 = new Int32Array(ranks.length);
  const start0 = new Int32Array(nF + 1);
  for (let r = 0; r < nF; r++) start0[r + 1] = start0[r]! + rankCount[r]!;
  const fill = start0.slice(0, nF);
  for (let t = 0; t < nT; t++) for (let k = offsets[t]!; k < offsets[t + 1]!; k++) arena0[fill[ranks[k]!]!++] = t;

  // pair counts, triangular: pair (i < j) at j * (j - 1) / 2 + i
  let pairs: Int32Array | null = null;
  if (nF <= MAX_TRIANGLE && maxLen >= 2) {
    pairs = new Int32Array((nF * (nF - 1)) / 2);
    for (let t = 0; t < nT; t++) {
      const s = offsets[t]!, e = offsets[t + 1]!;
      for (let b = s + 1; b < e; b++) {
        const j = ranks[b]!, base = (j * (j - 1)) / 2;
        for (let a = s; a < b; a++) pairs[base + ranks[a]!]!++;
      }
    }
  }

  const arenas: Int32Array[] = [arena0];
  const cItems: Int32Array[] = [];
  const cCounts: Int32Array[] = [];
  const cStart: Int32Array[] = [];
  const cEnd: Int32Array[] = [];
  const level = (d: number) => {
    if (!cItems[d]) { cItems[d] = new Int32Array(nF); cCounts[d] = new Int32Array(nF); cStart[d] = new Int32Array(nF); cEnd[d] = new Int32Array(nF); }
  };
  level(0);
  for (let r = 0; r < nF; r++) { cItems[0]![r] = r; cCounts[0]![r] = rankCount[r]!; cStart[0]![r] = start0[r]!; cEnd[0]![r] = start0[r + 1]!; }
  const prefix = new Int32Array(nF + 1);
  const keepJ = new Int32Array(nF), keepC = new Int32Array(nF);

  const run = (d: number, m: number, diffMode: boolean): void => {
    const items = cItems[d]!, counts = cCounts[d]!, st = cStart[d]!, en = cEnd[d]!, A = arenas[d]!;
    const d1 = d + 1;
    for (let i = 0; i < m; i++) {
      prefix[d] = items[i]!;
      const ci = counts[i]!;
      sink.add(prefix, d1, ci);
      if (d1 >= maxLen || i === m - 1) continue;
      // pass 1: supports of the extensions
      let nk = 0, sumTid = 0, sumDiff = 0;
      const si = st[i]!, ei = en[i]!;
      for (let j = i + 1; j < m; j++) {
        let c: number;
        if (d === 0 && pairs) {
          const a = items[i]!, b = items[j]!;
          c = a < b ? pairs[(b * (b - 1)) / 2 + a]! : pairs[(a * (a - 1)) / 2 + b]!;
        } else if (!diffMode) c = interCount(A, si, ei, A, st[j]!, en[j]!);
        else c = ci - diffCount(A, st[j]!, en[j]!, A, si, ei);
        if (c >= minCount) { keepJ[nk] = j; keepC[nk] = c; nk++; sumTid += c; sumDiff += ci - c; }
      }
      if (nk === 0) continue;
      const childDiff = diffMode || sumDiff < sumTid;
      // order the child class by support ascending (smaller lists first, fewer candidates later)
      const ord = Array.from({ length: nk }, (_, q) => q).sort((x, y) => keepC[x]! - keepC[y]! || items[keepJ[x]!]! - items[keepJ[y]!]!);
      level(d1);
      const need = childDiff ? sumDiff : sumTid;
      let B = arenas[d1];
      if (!B || B.length < need) { B = new Int32Array(Math.max(need, B ? B.length * 2 : 1024)); arenas[d1] = B; }
      const cI = cItems[d1]!, cC = cCounts[d1]!, cS = cStart[d1]!, cE = cEnd[d1]!;
      let w = 0;
      for (let q = 0; q < nk; q++) {
        const o = ord[q]!, j = keepJ[o]!;
        cI[q] = items[j]!; cC[q] = keepC[o]!; cS[q] = w;
        if (!diffMode && !childDiff) w = interWrite(A, si, ei, A, st[j]!, en[j]!, B, w);
        else if (!diffMode) w = diffWrite(A, si, ei, A, st[j]!, en[j]!, B, w);
        else w = diffWrite(A, st[j]!, en[j]!, A, si, ei, B, w);
        cE[q] = w;
      }
      run(d1, nk, childDiff);
    }
  };
  run(0, nF, false);
}

/**
 * Frequent itemsets by Eclat with diffsets. Same output as {@link fpGrowth} and {@link apriori}.
 *
 * @example
 * const sets = eclat([['a', 'b'], ['a', 'c'], ['a', 'b', 'c']], { minSupport: 0.5 });
 * sets.map(String); // itemsets sorted by support desc, then items
 */
export function eclat(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  const prep = prepare(data, opts, 'eclat', false);
  const buf = outputBuffer(prep);
  mineEclat(prep, buf);
  return buf.toItemsets(prep.db);
}

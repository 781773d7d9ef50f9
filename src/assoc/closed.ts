/**
 * Closed and maximal frequent itemsets. Both are selected from the complete frequent collection
 * (mined by FP-Growth) with one hash lookup per (itemset, item) pair: every frequent Y of size k+1
 * marks each subset Y \ {i} as not maximal, and as not closed when the counts are equal. A set is
 * closed iff no proper superset has the same count, and for a frequent set such a superset with one
 * more item is itself frequent, so checking immediate supersets inside the collection is exact.
 */
import { mineFPGrowth } from './fpgrowth.js';
import { ItemsetBuffer, ItemsetIndex, prepare, type Itemset, type MineOptions } from './itemsets.js';
import type { TransactionsLike } from './transactions.js';

function select(data: TransactionsLike, opts: MineOptions, owner: string, mode: 'closed' | 'maximal'): Itemset[] {
  const prep = prepare(data, opts, owner, true);
  const buf = new ItemsetBuffer(prep.rankToId);
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
  return buf.toItemsets(prep.db, keep);
}

/**
 * Closed frequent itemsets: frequent sets with no proper superset of the same support. With
 * `maxLen`, closedness is judged among the itemsets of at most `maxLen` items.
 *
 * @example
 * closedItemsets([['a', 'b'], ['a', 'b'], ['a']], { minCount: 1 });
 * // [{ items: ['a'], count: 3, ... }, { items: ['a', 'b'], count: 2, ... }]  ({b} is not closed)
 */
export function closedItemsets(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  return select(data, opts, 'closedItemsets', 'closed');
}

/**
 * Maximal frequent itemsets (mlxtend's `fpmax`): frequent sets with no frequent proper superset.
 * With `maxLen`, maximality is judged among the itemsets of at most `maxLen` items.
 *
 * @example
 * fpMax([['a', 'b'], ['a', 'b'], ['a', 'c']], { minCount: 2 }); // [{ items: ['a', 'b'], count: 2, support: 0.666.. }]
 */
export function fpMax(data: TransactionsLike, opts: MineOptions = {}): Itemset[] {
  return select(data, opts, 'fpMax', 'maximal');
}

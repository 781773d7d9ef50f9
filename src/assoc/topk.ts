/**
 * Top-k frequent itemsets and top-k association rules without a support threshold.
 *
 * `topKItemsets` runs FP-Growth with a threshold that rises while it mines (as in TFP, Han et al.
 * 2002, and Fournier-Viger's Top-K Rules): a bounded heap keeps the k best itemsets found so far
 * and the miner never explores below the count of the heap's worst entry. The search starts from
 * the k-th largest item count (no itemset beyond the k most frequent items can beat it) and takes
 * the most frequent items first so the threshold climbs early.
 *
 * `topKRules` ranks rules by support (Top-K Rules' definition, subject to `minConfidence`) exactly:
 * it guesses a threshold (the count of the k-th best itemset of two or more items), mines every
 * itemset at that threshold, and halves the threshold until k rules pass. Every rule with support
 * at or above the final threshold has been generated, so the k best are exact, ties included.
 */
import { InvalidParameterError } from '../core/errors.js';
import { mineFPGrowth } from './fpgrowth.js';
import { checkMaxLen, ItemsetBuffer, prepare, type Itemset, type Sink } from './itemsets.js';
import { associationRules, RULE_METRICS, type AssociationRule, type RuleMetric } from './rules.js';
import { compareItems, resolveMinCount, toTransactionDB, type Item, type TransactionDB, type TransactionsLike } from './transactions.js';

/** Options of {@link topKItemsets}. */
export interface TopKItemsetsOptions {
  /** Number of itemsets to return (integer >= 1). */
  k: number;
  /** Longest itemset considered (default: no limit). */
  maxLen?: number | null;
  /** Shortest itemset considered (default 1; e.g. 2 for sets that can form a rule). */
  minLen?: number;
}

/** Options of {@link topKRules}. */
export interface TopKRulesOptions {
  /** Number of rules to return (integer >= 1). */
  k: number;
  /**
   * Ranking metric (default 'support': exact without any support threshold). Any other metric
   * needs `minSupport` or `minCount`: without a floor the top rules by confidence or lift are
   * coincidences of a single transaction.
   */
  metric?: RuleMetric;
  /** Only rules with at least this confidence (default 0). */
  minConfidence?: number;
  /** Longest itemset (antecedent + consequent) considered (default: no limit). */
  maxLen?: number | null;
  /** Support floor as a fraction in (0, 1]; required unless `metric` is 'support'. */
  minSupport?: number;
  /** Support floor as an absolute count; overrides `minSupport`. */
  minCount?: number;
}

function checkK(k: unknown, owner: string): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new InvalidParameterError('k', 'an integer >= 1', k, owner);
  return k;
}

/** Heap entry: item ids ascending and count. */
interface Entry { ids: Int32Array; count: number }

/** a ranks after b in the output order (count descending, then ids lexicographically, prefix first). */
function worse(a: Entry, b: Entry): boolean {
  if (a.count !== b.count) return a.count < b.count;
  const m = Math.min(a.ids.length, b.ids.length);
  for (let i = 0; i < m; i++) if (a.ids[i] !== b.ids[i]) return a.ids[i]! > b.ids[i]!;
  return a.ids.length > b.ids.length;
}

/** Keeps the k best itemsets in a binary heap whose root is the worst; its count is the threshold. */
class TopKSink implements Sink {
  private readonly heap: Entry[] = [];
  private readonly scratch: Int32Array;
  minCount: number;

  constructor(private readonly k: number, private readonly minLen: number, private readonly rankToId: Int32Array, start: number) {
    this.scratch = new Int32Array(rankToId.length + 1);
    this.minCount = start;
  }

  add(ranks: Int32Array, len: number, count: number): void {
    if (len < this.minLen || count < this.minCount) return;
    const h = this.heap;
    const ids = this.scratch.subarray(0, len);
    for (let q = 0; q < len; q++) ids[q] = this.rankToId[ranks[q]!]!;
    ids.sort();
    const e: Entry = { ids, count };
    if (h.length === this.k) {
      if (!worse(h[0]!, e)) return;
      e.ids = ids.slice();
      h[0] = e;
      this.siftDown(0);
    } else {
      e.ids = ids.slice();
      h.push(e);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(h[i]!, h[p]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
    }
    if (h.length === this.k && h[0]!.count > this.minCount) this.minCount = h[0]!.count;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let w = i;
      if (l < h.length && worse(h[l]!, h[w]!)) w = l;
      if (r < h.length && worse(h[r]!, h[w]!)) w = r;
      if (w === i) return;
      [h[i], h[w]] = [h[w]!, h[i]!];
      i = w;
    }
  }

  /** The kept itemsets, best first, labelled. */
  result(db: TransactionDB): Itemset[] {
    const buf = new ItemsetBuffer();
    for (const e of this.heap) buf.add(e.ids, e.ids.length, e.count);
    return buf.toItemsets(db);
  }
}

function topK(db: TransactionDB, k: number, minLen: number, maxLen: number): Itemset[] {
  // start from the k-th largest item count: the k most frequent items already reach it
  let start = 1;
  const counts = db.itemCounts();
  if (minLen <= 1 && counts.length >= k) start = Math.max(1, Int32Array.from(counts).sort()[counts.length - k]!);
  const prep = prepare(db, { minCount: start, maxLen }, 'topKItemsets', true);
  const sink = new TopKSink(k, minLen, prep.rankToId, start);
  // most frequent items first: the heap fills with high counts and the threshold rises early
  mineFPGrowth(prep, sink, Int32Array.from({ length: prep.rankToId.length }, (_, r) => r));
  return sink.result(db);
}

/**
 * The k most frequent itemsets, with no support threshold to guess (ties at the k-th count are
 * broken by the usual output order: items lexicographically). Same order as the miners' output:
 * `topKItemsets(db, { k })` equals the first k entries of `fpGrowth(db, { minCount: 1 })`.
 *
 * @example
 * topKItemsets(readTransactions('mushroom.dat'), { k: 100, minLen: 2 }); // the 100 most frequent sets of >= 2 items
 */
export function topKItemsets(data: TransactionsLike, opts: TopKItemsetsOptions): Itemset[] {
  const owner = 'topKItemsets';
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object with k', opts, owner);
  const k = checkK(opts.k, owner);
  const maxLen = checkMaxLen(opts.maxLen, owner);
  const minLen = opts.minLen ?? 1;
  if (!Number.isInteger(minLen) || minLen < 1 || minLen > maxLen) throw new InvalidParameterError('minLen', `an integer in [1, maxLen = ${maxLen}]`, minLen, owner);
  return topK(toTransactionDB(data, owner), k, minLen, maxLen);
}

function cmpLabels(a: readonly Item[], b: readonly Item[]): number {
  const m = Math.min(a.length, b.length);
  for (let i = 0; i < m; i++) { const c = compareItems(a[i]!, b[i]!); if (c !== 0) return c; }
  return a.length - b.length;
}

/** Rule order: metric descending, then support, then confidence descending, then antecedents and consequents by items. */
function ruleOrder(metric: RuleMetric): (a: AssociationRule, b: AssociationRule) => number {
  return (a, b) => {
    const x = a[metric], y = b[metric];
    if (x !== y) return x > y ? -1 : 1;
    if (a.count !== b.count) return b.count - a.count;
    if (a.confidence !== b.confidence) return a.confidence > b.confidence ? -1 : 1;
    return cmpLabels(a.antecedents, b.antecedents) || cmpLabels(a.consequents, b.consequents);
  };
}

/**
 * The k best association rules by `metric` (default: support, as Fournier-Viger's Top-K Rules)
 * among those with confidence >= `minConfidence`. By support no threshold is needed (see the module
 * doc for why the result is exact); other metrics rank the rules above a `minSupport`/`minCount`
 * floor. Ties are broken by support, confidence, then antecedent and consequent items.
 *
 * @example
 * topKRules(loadDataset('groceries').transactions, { k: 10, minConfidence: 0.5 }).map(String);
 * topKRules(db, { k: 5, metric: 'lift', minSupport: 0.01 });
 */
export function topKRules(data: TransactionsLike, opts: TopKRulesOptions): AssociationRule[] {
  const owner = 'topKRules';
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object with k', opts, owner);
  const k = checkK(opts.k, owner);
  const maxLen = checkMaxLen(opts.maxLen, owner);
  if (maxLen < 2) throw new InvalidParameterError('maxLen', 'an integer >= 2 (a rule needs two items) or null', opts.maxLen, owner);
  const metric = opts.metric ?? 'support';
  if (!(RULE_METRICS as readonly string[]).includes(metric)) throw new InvalidParameterError('metric', `one of ${RULE_METRICS.map((m) => `'${m}'`).join(', ')}`, metric, owner);
  const minConfidence = opts.minConfidence ?? 0;
  if (typeof minConfidence !== 'number' || !(minConfidence >= 0 && minConfidence <= 1)) throw new InvalidParameterError('minConfidence', 'a number in [0, 1]', minConfidence, owner);
  const hasFloor = opts.minSupport !== undefined || opts.minCount !== undefined;
  if (metric !== 'support' && !hasFloor) {
    throw new InvalidParameterError('minSupport', `a support floor (minSupport or minCount) for ranking by '${metric}' (only 'support' is ranked without one)`, undefined, owner);
  }
  const db = toTransactionDB(data, owner);
  const n = db.nTransactions;
  const floor = hasFloor ? resolveMinCount({ minSupport: opts.minSupport, minCount: opts.minCount }, n, owner) : 1;
  const order = ruleOrder(metric);
  const rulesAt = (minCount: number): AssociationRule[] => {
    const prep = prepare(db, { minCount, maxLen }, owner, true);
    const buf = new ItemsetBuffer(prep.rankToId);
    mineFPGrowth(prep, buf);
    const sets = buf.toItemsets(db);
    if (!sets.some((s) => s.items.length >= 2)) return [];
    return associationRules(sets, { metric: 'confidence', minThreshold: minConfidence, nTransactions: n });
  };
  if (metric !== 'support') return rulesAt(floor).sort(order).slice(0, k);
  // guess: the k-th best count among itemsets of >= 2 items (each gives at least one rule at confidence 0)
  const guess = topK(db, k, 2, maxLen);
  let tau = Math.max(floor, guess.length === k ? guess[k - 1]!.count : 1);
  for (;;) {
    const rules = rulesAt(tau);
    if (rules.length >= k || tau <= floor) return rules.sort(order).slice(0, k);
    tau = Math.max(floor, tau >> 1);
  }
}

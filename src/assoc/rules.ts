/**
 * Association rules from frequent itemsets, with every metric of mlxtend's `association_rules`
 * (same definitions, camelCase names) plus `informationGain`.
 */
import { DataError, InvalidParameterError, ResourceError } from '../core/errors.js';
import { getResourceBudget, type ResourceBudget } from '../core/resources.js';
import type { Itemset } from './itemsets.js';
import { compareItems, type Item } from './transactions.js';

/** Metrics a rule can be filtered on. */
export const RULE_METRICS = [
  'antecedentSupport', 'consequentSupport', 'support', 'confidence', 'lift', 'representativity', 'leverage',
  'conviction', 'zhangsMetric', 'jaccard', 'certainty', 'kulczynski', 'informationGain',
] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];

/** Options of {@link associationRules}. */
export interface RuleOptions {
  /** Metric compared with `minThreshold` (mlxtend's `metric`; default 'confidence'). */
  metric?: RuleMetric;
  /** Keep rules with `metric >= minThreshold` (default 0.8). */
  minThreshold?: number;
  /**
   * Only compute `support` (other metrics NaN); antecedents and consequents need not be in
   * `itemsets` (e.g. the output of {@link fpMax}). Forces `metric` to 'support'.
   */
  supportOnly?: boolean;
  /**
   * Number of transactions behind the supports (default: inferred as count / support of the
   * itemsets, which every miner fills in). Needed for `informationGain`.
   */
  nTransactions?: number;
  /**
   * Keep only the best `maxRules` rules by `sortBy` (top-k with a bounded heap: memory stays
   * O(maxRules) however many rules pass the threshold); the result is then sorted by `sortBy`
   * descending, ties in generation order. null (default) keeps every rule, in generation order.
   */
  maxRules?: number | null;
  /** Metric ranking the rules for `maxRules` (default: `metric`). NaN ranks last. */
  sortBy?: RuleMetric;
  /**
   * Resource budget of this call (default: the global one, see `setResourceBudget`). Without
   * `maxRules`, generation stops with a ResourceError once the rules kept would need more memory
   * (about 360 bytes a rule) or outnumber `maxOutputItems`.
   */
  budget?: Partial<ResourceBudget> | null;
}

/** Estimated bytes of one AssociationRule (object, 16 numbers, two short item arrays). */
export const RULE_BYTES = 360;

/** Bounded min-heap of rules by (value, then later generation first): the top holds the worst kept rule. */
class RuleHeap {
  private readonly rules: AssociationRule[] = [];
  private readonly vals: number[] = [];
  private readonly seq: number[] = [];
  constructor(private readonly k: number) {}
  /** a ranks below b */
  private worse(a: number, b: number): boolean {
    return this.vals[a]! < this.vals[b]! || (this.vals[a] === this.vals[b] && this.seq[a]! > this.seq[b]!);
  }
  private swap(a: number, b: number): void {
    [this.rules[a], this.rules[b]] = [this.rules[b]!, this.rules[a]!];
    [this.vals[a], this.vals[b]] = [this.vals[b]!, this.vals[a]!];
    [this.seq[a], this.seq[b]] = [this.seq[b]!, this.seq[a]!];
  }
  /** Would a rule with value v (generated after every kept one) enter the heap? */
  accepts(v: number): boolean {
    return this.rules.length < this.k || v > this.vals[0]!;
  }
  push(r: AssociationRule, v: number, seq: number): void {
    if (this.rules.length < this.k) {
      this.rules.push(r); this.vals.push(v); this.seq.push(seq);
      for (let i = this.rules.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p); i = p;
      }
      return;
    }
    this.rules[0] = r; this.vals[0] = v; this.seq[0] = seq;
    for (let i = 0; ;) {
      const l = 2 * i + 1, rr = l + 1;
      let m = i;
      if (l < this.rules.length && this.worse(l, m)) m = l;
      if (rr < this.rules.length && this.worse(rr, m)) m = rr;
      if (m === i) break;
      this.swap(i, m); i = m;
    }
  }
  /** Best first; ties in generation order. */
  sorted(): AssociationRule[] {
    const idx = this.rules.map((_, i) => i).sort((a, b) => this.vals[b]! - this.vals[a]! || this.seq[a]! - this.seq[b]!);
    return idx.map((i) => this.rules[i]!);
  }
}

/**
 * One rule `antecedents => consequents`. Supports are fractions of all transactions; the metric
 * definitions are mlxtend's (see the field docs), and `informationGain` is the mutual information
 * in bits between the indicators "transaction holds every antecedent" and "... every consequent".
 */
export class AssociationRule {
  constructor(
    readonly antecedents: Item[],
    readonly consequents: Item[],
    /** s(A) */
    readonly antecedentSupport: number,
    /** s(C) */
    readonly consequentSupport: number,
    /** s(A ∪ C) */
    readonly support: number,
    /** number of transactions holding A ∪ C */
    readonly count: number,
    /** s(A ∪ C) / s(A) */
    readonly confidence: number,
    /** confidence / s(C) */
    readonly lift: number,
    /** share of transactions without missing values: always 1 here (mlxtend's null-value extension) */
    readonly representativity: number,
    /** s(A ∪ C) - s(A) s(C) */
    readonly leverage: number,
    /** (1 - s(C)) / (1 - confidence), Infinity when confidence = 1 */
    readonly conviction: number,
    /** leverage / max(s(AC)(1 - s(A)), s(A)(s(C) - s(AC))), 0 when that is 0 */
    readonly zhangsMetric: number,
    /** s(AC) / (s(A) + s(C) - s(AC)) */
    readonly jaccard: number,
    /** (confidence - s(C)) / (1 - s(C)), 0 when s(C) = 1 */
    readonly certainty: number,
    /** (s(AC)/s(A) + s(AC)/s(C)) / 2 */
    readonly kulczynski: number,
    /** mutual information (bits) of the 2x2 antecedent/consequent indicator table */
    readonly informationGain: number,
  ) {}

  /** `{a, b} => {c}` */
  toString(): string {
    return `{${this.antecedents.join(', ')}} => {${this.consequents.join(', ')}}`;
  }

  /** Plain object (e.g. for JSON or a table). */
  toJSON(): Record<string, unknown> {
    return { ...this } as unknown as Record<string, unknown>;
  }
}

const xlog = (p: number, q: number) => (p > 0 ? p * Math.log2(p / q) : 0);

/**
 * Mutual information in bits between the indicators A (antecedent present) and C (consequent
 * present) over `n` transactions, from the counts n(A), n(C), n(A and C).
 *
 * @example
 * informationGain(50, 50, 50, 100); // 1 (A and C coincide, each in half the transactions)
 */
export function informationGain(nA: number, nC: number, nAC: number, n: number): number {
  for (const [name, v] of [['nA', nA], ['nC', nC], ['nAC', nAC], ['n', n]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new InvalidParameterError(name, 'a finite count >= 0', v, 'informationGain');
  }
  if (!(n > 0) || nAC > nA || nAC > nC || nA > n || nC > n || nA + nC - nAC > n) {
    throw new DataError('counts', 'consistent counts (nAC <= nA, nC <= n, nA + nC - nAC <= n, n > 0)', `nA=${nA}, nC=${nC}, nAC=${nAC}, n=${n}`, 'informationGain');
  }
  const p11 = nAC / n, p10 = (nA - nAC) / n, p01 = (nC - nAC) / n, p00 = (n - nA - nC + nAC) / n;
  const pa = nA / n, pc = nC / n;
  const mi = xlog(p11, pa * pc) + xlog(p10, pa * (1 - pc)) + xlog(p01, (1 - pa) * pc) + xlog(p00, (1 - pa) * (1 - pc));
  return mi > 0 ? mi : 0; // tiny negative rounding for independent indicators
}

const keyOf = (items: readonly Item[]) => items.map((v) => (typeof v === 'number' ? 'n' + v : 's' + v)).join('\u0001');

/**
 * Association rules `A => C` for every frequent itemset of two or more items and every split of
 * it into non-empty A and C, keeping those whose `metric` is at least `minThreshold` (mlxtend's
 * `association_rules`). Rules follow the order of `itemsets`, then antecedents from largest to
 * smallest.
 *
 * @example
 * const sets = fpGrowth(loadDataset('groceries').transactions, { minSupport: 0.01 });
 * const rules = associationRules(sets, { metric: 'lift', minThreshold: 2 });
 * rules[0].toString(); // e.g. '{brown bread, butter} => {whole milk}'
 */
export function associationRules(itemsets: readonly Itemset[], opts: RuleOptions = {}): AssociationRule[] {
  const owner = 'associationRules';
  if (!Array.isArray(itemsets)) throw new DataError('itemsets', 'an array of {items, support, count}', typeof itemsets, owner);
  if (itemsets.length === 0) throw new DataError('itemsets', 'at least one frequent itemset', 'an empty array', owner);
  const supportOnly = opts.supportOnly ?? false;
  if (typeof supportOnly !== 'boolean') throw new InvalidParameterError('supportOnly', 'a boolean', supportOnly, owner);
  const metric: RuleMetric = supportOnly ? 'support' : (opts.metric ?? 'confidence');
  if (!(RULE_METRICS as readonly string[]).includes(metric)) throw new InvalidParameterError('metric', `one of ${RULE_METRICS.map((m) => `'${m}'`).join(', ')}`, metric, owner);
  const minThreshold = opts.minThreshold ?? 0.8;
  if (typeof minThreshold !== 'number' || Number.isNaN(minThreshold)) throw new InvalidParameterError('minThreshold', 'a number', minThreshold, owner);

  const maxRules = opts.maxRules ?? null;
  if (maxRules !== null && (typeof maxRules !== 'number' || !Number.isInteger(maxRules) || maxRules < 1)) throw new InvalidParameterError('maxRules', 'an integer >= 1 or null', maxRules, owner);
  const sortBy: RuleMetric = opts.sortBy ?? metric;
  if (!(RULE_METRICS as readonly string[]).includes(sortBy)) throw new InvalidParameterError('sortBy', `one of ${RULE_METRICS.map((m) => `'${m}'`).join(', ')}`, sortBy, owner);
  const budget = getResourceBudget(opts.budget, owner);
  const heap = maxRules !== null ? new RuleHeap(maxRules) : null;
  if (heap) {
    const bytes = maxRules! * RULE_BYTES;
    if (bytes > budget.memoryBytes) throw new ResourceError(`keeping maxRules=${maxRules} rules`, bytes, budget.memoryBytes, 'lower maxRules', owner);
  }
  // without maxRules: stop before the kept rules outgrow the budget
  const limit = Math.min(budget.maxOutputItems, Math.floor(budget.memoryBytes / RULE_BYTES));
  const tooMany = (count: number) => {
    const hint = 'set maxRules (the top rules by sortBy, in bounded memory), raise minThreshold, or mine with a higher minSupport / a maxLen';
    return budget.maxOutputItems <= budget.memoryBytes / RULE_BYTES
      ? new ResourceError('rule generation (stopped early: the rules kept passed the cap)', count, budget.maxOutputItems, hint, owner, 'rules')
      : new ResourceError(`the ${count.toLocaleString('en-US')}+ rules kept so far (generation stopped early)`, count * RULE_BYTES, budget.memoryBytes, hint, owner);
  };
  let seq = 0;
  const sorted: Item[][] = [];
  const bySet = new Map<string, number>();
  let n = opts.nTransactions;
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new InvalidParameterError('nTransactions', 'an integer >= 1', n, owner);
  itemsets.forEach((s, i) => {
    if (!s || !Array.isArray(s.items) || typeof s.support !== 'number' || !(s.support >= 0 && s.support <= 1)) {
      throw new DataError('itemsets', '{items: array, support in [0, 1], count}', `entry ${i}`, owner);
    }
    const items = [...s.items].sort(compareItems);
    sorted.push(items);
    bySet.set(keyOf(items), i);
    if (n === undefined && s.support > 0 && Number.isInteger(s.count)) n = Math.round(s.count / s.support);
  });
  const N = n ?? NaN;

  const rules: AssociationRule[] = [];
  const sup = (items: Item[], what: string, whole: Item[]): Itemset => {
    const i = bySet.get(keyOf(items));
    if (i === undefined) {
      throw new DataError('itemsets', `to hold every ${what} of every rule (the full output of a miner), or pass supportOnly: true`, `no entry for {${items.join(', ')}} (${what} of a rule from {${whole.join(', ')}})`, owner);
    }
    return itemsets[i]!;
  };
  for (let i = 0; i < itemsets.length; i++) {
    const whole = sorted[i]!;
    const m = whole.length;
    if (m < 2) continue;
    if (m > 30) throw new DataError('itemsets', 'itemsets of at most 30 items for rule generation', `${m} items`, owner);
    const sAC = itemsets[i]!.support;
    const nAC = itemsets[i]!.count;
    // antecedent sizes from m-1 down to 1, combinations in item order (as mlxtend)
    for (let size = m - 1; size >= 1; size--) {
      for (const mask of combinations(m, size)) {
        const A: Item[] = [], C: Item[] = [];
        for (let k = 0; k < m; k++) ((mask >> k) & 1 ? A : C).push(whole[k]!);
        let r: AssociationRule;
        if (supportOnly) {
          if (!(sAC >= minThreshold)) continue;
          r = new AssociationRule(A, C, NaN, NaN, sAC, nAC, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN);
        } else {
          const a = sup(A, 'antecedent', whole), c = sup(C, 'consequent', whole);
          r = makeRule(A, C, a.support, c.support, sAC, nAC, a.count, c.count, N);
          if (!(r[metric] >= minThreshold)) continue;
        }
        if (heap) {
          const v = Number.isNaN(r[sortBy]) ? -Infinity : r[sortBy];
          if (heap.accepts(v)) heap.push(r, v, seq);
          seq++;
        } else {
          if (rules.length >= limit) throw tooMany(rules.length + 1);
          rules.push(r);
        }
      }
    }
  }
  return heap ? heap.sorted() : rules;
}

function makeRule(A: Item[], C: Item[], sA: number, sC: number, sAC: number, nAC: number, nA: number, nC: number, N: number): AssociationRule {
  const confidence = sAC / sA;
  const lift = confidence / sC;
  const leverage = sAC - sA * sC;
  const conviction = confidence < 1 ? (1 - sC) / (1 - confidence) : Infinity;
  const zDen = Math.max(sAC * (1 - sA), sA * (sC - sAC));
  const zhangsMetric = zDen === 0 ? 0 : leverage / zDen;
  const jaccard = sAC / (sA + sC - sAC);
  const certainty = 1 - sC === 0 ? 0 : (confidence - sC) / (1 - sC);
  const kulczynski = (sAC / sA + sAC / sC) / 2;
  const ig = Number.isFinite(N) && Number.isInteger(nA) && Number.isInteger(nC) ? informationGain(nA, nC, nAC, N) : NaN;
  return new AssociationRule(A, C, sA, sC, sAC, nAC, confidence, lift, 1, leverage, conviction, zhangsMetric, jaccard, certainty, kulczynski, ig);
}

/** Bit masks over m positions with `size` bits set, in itertools.combinations order. */
function* combinations(m: number, size: number): Generator<number> {
  const idx = Array.from({ length: size }, (_, k) => k);
  for (;;) {
    let mask = 0;
    for (const k of idx) mask |= 1 << k;
    yield mask;
    let i = size - 1;
    while (i >= 0 && idx[i] === m - size + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < size; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/**
 * Market-basket analysis on the built-in groceries transactions.
 * Run: node --import tsx examples/association-rules.ts
 *
 * Steps: mine frequent itemsets with FP-Growth, derive rules filtered and ranked by lift, print
 * the strongest ones with their support / confidence / lift / information gain, then ask for the
 * k best rules directly with topKRules (no support threshold to guess).
 */
import { associationRules, fpGrowth, loadDatasetAsync, topKRules, type AssociationRule } from '../src/index.js';

// 1. Data: one array of item labels per shopping basket.
const { transactions, items } = await loadDatasetAsync('groceries');
const avgLen = transactions.reduce((s, t) => s + t.length, 0) / transactions.length;
console.log(`groceries: ${transactions.length} baskets, ${items.length} distinct items, ${avgLen.toFixed(2)} items per basket`);

// 2. Frequent itemsets: every item set in at least 1% of the baskets (sorted by support).
const itemsets = fpGrowth(transactions, { minSupport: 0.01 });
const pairsOrMore = itemsets.filter((s) => s.items.length >= 2).length;
console.log(`fpGrowth(minSupport 0.01): ${itemsets.length} itemsets, ${pairsOrMore} with 2+ items`);
console.log('most frequent:', itemsets.slice(0, 3).map((s) => `{${s.items.join(', ')}} ${(s.support * 100).toFixed(1)}%`).join('; '));

// 3. Rules A => C with lift >= 1.5 (A raises the chance of C by 50% or more). Keep those that
//    are also reasonably reliable (confidence >= 0.3) and rank by lift.
const rules = associationRules(itemsets, { metric: 'lift', minThreshold: 1.5 })
  .filter((r) => r.confidence >= 0.3)
  .sort((a, b) => b.lift - a.lift);
console.log(`associationRules(lift >= 1.5, confidence >= 0.3): ${rules.length} rules`);

// A small table printer: String(rule) gives '{a, b} => {c}'.
function printRules(title: string, list: readonly AssociationRule[]): void {
  console.log(`\n${title}`);
  console.log('rule'.padEnd(58) + 'support  confid.  lift   info gain (bits)');
  for (const r of list) {
    console.log(String(r).padEnd(58)
      + r.support.toFixed(4).padEnd(9) + r.confidence.toFixed(3).padEnd(9)
      + r.lift.toFixed(2).padEnd(7) + r.informationGain.toFixed(5));
  }
}
printRules('top 8 rules by lift', rules.slice(0, 8));

// 4. Information gain (mutual information between "basket has A" and "basket has C") favours
//    rules that are both strong and common, unlike lift, which can reward rare pairs.
const byInfo = [...rules].sort((a, b) => b.informationGain - a.informationGain);
printRules('top 5 of the same rules by information gain', byInfo.slice(0, 5));

// 5. topKRules: the 5 most supported rules with confidence >= 0.25, mined directly from the
//    baskets (note their lift < 1: whole milk is in half of all baskets, so frequent rules into it
//    are not informative), and the 5 best by lift above a 0.5% support floor.
printRules('topKRules: k = 5 by support, confidence >= 0.25', topKRules(transactions, { k: 5, minConfidence: 0.25 }));
printRules('topKRules: k = 5 by lift, support >= 0.5%', topKRules(transactions, { k: 5, metric: 'lift', minSupport: 0.005 }));

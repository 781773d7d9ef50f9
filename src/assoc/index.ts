/** Frequent patterns and association rules: Apriori, FP-Growth, Eclat, closed/maximal itemsets, rules. */
export { TransactionDB, compareItems, type Item, type TransactionsLike, type FromTableOptions, type SupportOptions } from './transactions.js';
export { TransactionEncoder, type TransactionEncoderState } from './encoder.js';
export type { Itemset, MineOptions } from './itemsets.js';
export { apriori } from './apriori.js';
export { fpGrowth, fpGrowthAsync, type ParallelMineOptions } from './fpgrowth.js';
export { eclat } from './eclat.js';
export { fpMax, closedItemsets } from './closed.js';
export { countFrequentItemsets, countFrequentItemsetsAsync, type CountOptions } from './count.js';
export { topKItemsets, topKRules, type TopKItemsetsOptions, type TopKRulesOptions } from './topk.js';
export { associationRules, informationGain, AssociationRule, RULE_METRICS, type RuleMetric, type RuleOptions } from './rules.js';

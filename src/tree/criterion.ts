/**
 * Split criteria, transcribed from scikit-learn 1.2.1's `sklearn/tree/_criterion.pyx` with the
 * same floating-point operation order (forward/reverse `update`, proxy improvements, the
 * base-2 `log` of `_utils.pxd`), so that sums, impurities and therefore tie-breaks between
 * candidate splits are bit-identical to scikit-learn's.
 *
 * A criterion sees the node `samples[start:end]` (indices into y / sample weights) and a split
 * position `pos`: `samples[start:pos]` go left.
 *
 * This module is the entry point; the code lives in `criterionBase.ts` (the contract, node
 * bookkeeping and missing-value handling shared by all), `classificationCriterion.ts` (gini,
 * entropy), `regressionCriterion.ts` (squared_error, friedman_mse, poisson) and `maeCriterion.ts`
 * (absolute_error).
 */
export { ClassificationCriterion } from './classificationCriterion.js';
export type { ClassificationCriterionName, Criterion, CriterionName, RegressionCriterionName } from './criterionBase.js';
export { MAECriterion } from './maeCriterion.js';
export { RegressionCriterion } from './regressionCriterion.js';

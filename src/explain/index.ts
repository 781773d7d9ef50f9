/**
 * Model-agnostic explainers (browser-safe): they compose fitted estimators and never import
 * `io/` or `cli/`. Each helper module appends its exports in its own block below.
 */

// --- importance, partial dependence, SHAP (permutation.ts, partialDependence.ts, shap*.ts)



// --- surrogate rules and error slices (surrogate.ts, sliceline.ts)
export { SurrogateTree, extractRules, type SurrogateTreeParams, type SurrogateTreeState, type SurrogateRule, type RuleStats, type ExplainableModel, type ExtractRulesOptions } from './surrogate.js';
export { sliceLine, mineErrors, sliceScore, sliceScoreUpperBound, encodeFeatures, type SliceLineOptions, type MineErrorsOptions, type SliceLineResult, type Slice, type SlicePredicate, type SliceLevelStats, type EncodedFeature } from './sliceline.js';



// --- end

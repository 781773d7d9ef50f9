/**
 * Model-agnostic explainers (browser-safe): they compose fitted estimators and never import
 * `io/` or `cli/`. Each helper module appends its exports in its own block below.
 */

// --- importance, partial dependence, SHAP (permutation.ts, partialDependence.ts, shap*.ts)
export { permutationImportance, permutationImportanceSync, type PermutationImportanceOptions, type PermutationImportanceResult, type PermutableModel, type PermutationScorer, type PermutationScoring } from './permutation.js';
export { partialDependence, mquantiles, type PartialDependenceOptions, type PartialDependenceResult, type PDModel } from './partialDependence.js';
export { treeEnsembleViewOf, treeLeaf, type TreeView, type TreeEnsembleView, type HasTreeEnsembleView } from './treeView.js';
export { shapValues, shapValuesAsync, summarizeBackground, type ShapOptions, type ShapResult, type ShapModel } from './shap.js';
export { treeShapCore, treeShapInteractionsCore, treeExpectedValue, planTreeShap, type TreeShapResult, type TreeShapAlgorithm, type TreeShapPlan } from './treeShap.js';
export { fastTreeTables, type FastTreeTables } from './fastTreeShap.js';
export { kernelShapCore, kernelCoalitions, type BatchFn, type Coalitions, type KernelShapCoreOptions } from './kernelShap.js';



// --- surrogate rules and error slices (surrogate.ts, sliceline.ts)
export { SurrogateTree, extractRules, type SurrogateTreeParams, type SurrogateTreeState, type SurrogateRule, type RuleStats, type ExplainableModel, type ExtractRulesOptions } from './surrogate.js';
export { sliceLine, mineErrors, sliceScore, sliceScoreUpperBound, encodeFeatures, type SliceLineOptions, type MineErrorsOptions, type SliceLineResult, type Slice, type SlicePredicate, type SliceLevelStats, type EncodedFeature } from './sliceline.js';



// --- end

/**
 * Net + miner compositions (browser-safe): nets as feature extractors and outlier scorers in
 * front of the miners, miners describing what nets learned. Never imports `io/` or `cli/`.
 * Each helper module appends its exports in its own block below.
 */

// --- autoencoder features, outliers, net feature selection, deep clustering



// --- cluster descriptions (describe.ts)
export { describeClusters, niceThreshold, type DescribeClustersOptions, type ClusterDescriptions, type ClusterDescription, type ClusterRule, type RuleTerm, type ContrastItem, type ContrastItemset } from './describe.js';



// --- activation mining (activations.ts)
export { mineActivations, layerOutput, type MineActivationsOptions, type MineActivationsResult, type ActivationPattern, type PatternRule, type NetLike } from './activations.js';



// --- end

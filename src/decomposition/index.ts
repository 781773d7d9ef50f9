/** Dimensionality reduction: PCA (exact, covariance, randomized) and IncrementalPCA. */
export { PCA, type PCAParams, type PCAState } from './pca.js';
export { IncrementalPCA, type IncrementalPCAParams, type IncrementalPCAState } from './incrementalPca.js';

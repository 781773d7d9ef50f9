/**
 * deepmine: browser-safe entry point (core, algorithms, metrics). Node-only I/O lives in
 * `deepmine/node`.
 */
export * from './core/index.js';
export * from './modelSelection/index.js';
export * from './pipeline/index.js';
export * from './linear/index.js';
export * from './metrics/index.js';
export * from './neighbors/index.js';
export * from './cluster/index.js';
export * from './dummy/dummy.js';
export * from './tree/index.js';
export * from './nn/index.js';
export * from './preprocessing/index.js';
export { SimpleImputer, KNNImputer, nanEuclideanDistances, type Cell } from './impute/index.js';
export { VarianceThreshold, SelectKBest, SelectPercentile, RFE, chi2, fClassif, fRegression, mutualInfoClassif, mutualInfoRegression, type MutualInfoRegressionOptions, type UnivariateResult } from './featureSelection/index.js';
export { gemm, gemv, syrk, matmul, cholesky, choleskySolve, solve, inv, lu, qr, eigh, svd, svdFlip, randomizedSvd, randomizedRangeFinder, covariance, correlation, columnMeans, setLinalgThreads, linalgThreads, registerKernel, runTasks, sharedFloat64, type KernelTask, type SVDResult, type EighResult, type QRResult, type LUResult, type RandomizedSvdOptions } from './linalg/index.js';
export { linalgBackend, setLinalgBackend, wasmAvailable, type LinalgBackend } from './linalg/index.js';
export { PCA, IncrementalPCA, type PCAParams, type PCAState, type IncrementalPCAParams, type IncrementalPCAState } from './decomposition/index.js';
export * from './assoc/index.js';
export { profile, histogram, quantileSorted, type Profile, type ProfileOptions, type ColumnProfile, type NumericProfile, type CategoricalProfile, type BooleanProfile, type DateProfile, type DuplicateRows, type Histogram } from './analysis/profile.js';
export * from './datasets/index.js';


// fusion layers (above the algorithms)
export * from './explain/index.js';

export * from './fusion/index.js';

export * from './sql/index.js';
export * from './ensemble/index.js';
export { sgemm, SGEMM_KC } from './linalg/index.js';
export { ProfileAccumulator, type StreamProfile, type StreamProfileOptions, type StreamColumnProfile } from './analysis/streamProfile.js';

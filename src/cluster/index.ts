export { KMeans, kmeansPlusPlus, type KMeansParams, type KMeansInit, type SampleWeightOption } from './kmeans.js';
export { MiniBatchKMeans, type MiniBatchKMeansParams } from './minibatchKmeans.js';
export { GaussianMixture, type GaussianMixtureParams, type CovarianceType } from './gmm.js';
export { DBSCAN, type DBSCANParams } from './dbscan.js';
export { AgglomerativeClustering, type AgglomerativeClusteringParams, type Linkage } from './agglomerative.js';
export { chooseK, type ChooseKOptions, type ChooseKResult, type KCandidate } from './chooseK.js';
export { euclideanDistances, type EuclideanDistancesOptions } from './pairwise.js';
export { kmeansWasmReady } from './kmeansWasm.js';

export { NearestNeighbors, type NearestNeighborsParams, type NearestNeighborsState } from './nearestNeighbors.js';
export { KNeighborsClassifier, KNeighborsRegressor, type KNeighborsParams, type KNeighborsClassifierState, type KNeighborsRegressorState } from './knn.js';
export { KDTree } from './kdTree.js';
export { NeighborSearch, type Algorithm, type KNeighborsResult, type RadiusNeighborsResult, type SearchOptions } from './search.js';
export type { NeighborMetric, MetricSpec } from './metrics.js';

export { SimpleImputer, type SimpleImputerParams, type SimpleImputerState, type Cell } from './simpleImputer.js';
export { KNNImputer, nanEuclideanDistances, type KNNImputerParams, type KNNImputerState } from './knnImputer.js';

export {
  HistGradientBoostingClassifier, HistGradientBoostingRegressor,
  type HistGradientBoostingClassifierParams, type HistGradientBoostingRegressorParams, type HgbState, type HgbTreeEnsembleView,
} from './gradientBoosting.js';
export { type HgbTree } from './grower.js';
export { type BinMapperState } from './binning.js';

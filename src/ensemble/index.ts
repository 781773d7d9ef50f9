export {
  HistGradientBoostingClassifier, HistGradientBoostingRegressor, predictTreeRaw, predictTreeBinned,
  type HistGradientBoostingClassifierParams, type HistGradientBoostingRegressorParams, type HgbState,
} from './gradientBoosting.js';
export { type HgbTree } from './grower.js';
export { fitBinMapper, transformBins, findBinningThresholds, type BinMapperState } from './binning.js';

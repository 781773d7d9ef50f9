export { chi2, fClassif, fRegression, type UnivariateResult } from './univariate.js';
export { mutualInfoClassif, mutualInfoRegression, type MutualInfoOptions, type MutualInfoRegressionOptions } from './mutualInfo.js';
export { VarianceThreshold, SelectKBest, SelectPercentile, RFE, SCORE_FUNCTIONS, argsortNumpy, type ScoreFuncName, type RFEParams, type RFEState, type VarianceThresholdState, type UnivariateSelectorState } from './selectors.js';

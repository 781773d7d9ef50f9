/** Model selection: splits, CV splitters, parameter grids, cross-validation and searches. */
export { trainTestSplit, type TrainTestSplitOptions } from './split.js';
export { KFold, StratifiedKFold, ShuffleSplit, StratifiedShuffleSplit, GroupKFold, LeaveOneOut, RepeatedKFold, RepeatedStratifiedKFold, type Fold, type CrossValidator, type KFoldParams, type ShuffleSplitParams, type RepeatedKFoldParams } from './splitters.js';
export { ParameterGrid, ParameterSampler, uniform, randint, loguniform, type ParamSet, type ParamGridSpec, type Distribution, type ParamDistributions } from './paramGrid.js';
export { crossValidate, crossValScore, learningCurve, checkCv, type CrossValidateOptions, type CrossValidateResult, type LearningCurveOptions, type LearningCurveResult, type CvSpec, type ErrorScore } from './validation.js';
export { GridSearchCV, RandomizedSearchCV, type GridSearchCVParams, type RandomizedSearchCVParams, type CvResults, type MetricResults } from './search.js';
export type { Scoring, ScorerFn } from './scoring.js';

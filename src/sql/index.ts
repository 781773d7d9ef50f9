/** SQL pushdown, browser-safe part: dialects, predictSql, fitSql over a given engine. */
export { DIALECTS, dialectRules, type Dialect, type DialectRules } from './dialect.js';
export { predictSql, type PredictSqlOptions } from './predict.js';
export { fitSqlWith, fitReport, type FitSqlOptions, type FitReport, type SampleReport, type SqlSample, type SqlSource } from './fit.js';
export { EngineError, type SqlEngine, type SqlRow } from './types.js';
export { fpGrowthSqlWith, type ItemsetsSqlOptions } from './itemsets.js';
export { treeHistograms } from './tree.js';
export { trainSqlWith, permutationOrder, permutationParams, PERMUTATION_PRIME, type TrainSqlOptions, type TrainSqlResult } from './sgd.js';

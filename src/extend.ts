/**
 * `deepmine/extend`: the toolkit for people writing estimators, kept out of the main entry so the
 * public surface stays small. Everything here is stable enough to build on, but is not part of
 * the user API of `deepmine`.
 *
 * Writing an estimator (see src/dummy/dummy.ts for the smallest complete example):
 * ```ts
 * import { Estimator, registerEstimator, p, checkArray, checkSampleWeight, type Capabilities, type ParamsOf } from 'deepmine/extend';
 * const schema = { alpha: p.num(1, { min: 0 }), estimator: p.estimator(null) };
 * class MyModel extends Estimator<typeof schema, { coef: Float64Array }> {
 *   static override readonly kind = 'MyModel';
 *   static override readonly schema = schema;
 *   static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: false, allowNaN: false };
 *   fit(X, y, sampleWeight?) { const m = checkArray(X, { owner: this.kind }); ...; this._state = { coef }; return this; }
 *   predict(X) { ... }
 *   score(X, y, sampleWeight?) { return regressorScore(y, this.predict(X), 1, sampleWeight); }
 * }
 * registerEstimator(MyModel);
 * ```
 */
// the estimator base, registries and persistence
export { Estimator, registerEstimator, registerLoader, registerReviver, reviveValue, cloneParamValue, registeredKinds, loadModel, LIBRARY_VERSION, FORMAT_VERSION } from './core/estimator.js';
export type { SavedModel, Capabilities, EstimatorClass } from './core/estimator.js';
// the declarative parameter schema
export { p, resolveParams, freezeParam, isEstimatorLike, isStepList } from './core/params.js';
export type { ParamSpec, Schema, ParamsOf } from './core/params.js';
// input validation
export { checkArray, checkTarget, checkLabels, checkSameLength } from './core/validation.js';
export type { CheckArrayOptions, EncodedLabels, MatrixLike, Label, LabelsLike } from './core/validation.js';
export { checkSampleWeight, checkSampleWeightOrOnes, type SampleWeightOptions } from './core/sampleWeight.js';
export { checkLabelArray, sortLabels, fmtLabels } from './core/labels.js';
export { checkRandomState, RandomState } from './core/random.js';
export { describeValue } from './core/errors.js';
// roles and warnings
export { fitTransform, fitPredict, predictFromProba } from './core/roles.js';
export { warn, DeepmineWarning } from './core/warnings.js';
export { classifierScore, regressorScore } from './metrics/score.js';
// serialization
export { encodeValue, decodeValue, toBase64, fromBase64 } from './core/serialize.js';
export { encodeCategorical, columnLength } from './core/table.js';
// numpy-identical numerics
export { pairwiseSum, quantileSorted, numpyArgpartition } from './core/numeric.js';
export { numpyArgsort, reviveSplitter } from './modelSelection/splitters.js';
export { reviveDistribution, sortKey, sampleWithoutReplacement } from './modelSelection/paramGrid.js';
export { takeRows, numSamples, trainTestSplitIndices, shuffleSplitIndices, stratifiedShuffleSplitIndices, approximateMode, validateShuffleSplit } from './modelSelection/split.js';
export { argsortNumpy } from './featureSelection/selectors.js';
export { lgamma, igamc, chi2Sf, fSf, betainc, digamma } from './featureSelection/special.js';
export { lbfgs, type LbfgsOptions, type LbfgsResult, type ObjectiveFn } from './linear/lbfgs.js';
// neighbours internals
export { NeighborBuffer } from './neighbors/kdTree.js';
export { resolveMetric, type NeighborMetric, type MetricSpec } from './neighbors/metrics.js';
// parallelism
export { WorkerPool, parallelMap, resolveNJobs, getPool, type PoolTask } from './core/pool.js';

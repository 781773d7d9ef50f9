/**
 * The public core of `deepmine`: data containers, errors and warnings, randomness, the estimator
 * base and persistence, role interfaces. Helpers for people writing estimators (the parameter
 * schema `p`, validation, serialization, registries) are in `deepmine/extend` (src/extend.ts).
 */
export { DeepmineError, InvalidParameterError, DataError, ShapeError, NotFittedError, IOError, ConvergenceWarning, ResourceError, AbortError, WorkerError } from './errors.js';
export { Matrix } from './matrix.js';
export { Table } from './table.js';
export type { Column, ColumnKind, NumericColumn, CategoricalColumn, BooleanColumn, DateColumn } from './table.js';
export type { MatrixLike, Label, LabelsLike } from './validation.js';
export { RandomState } from './random.js';
export type { RandomStateLike, RandomStateJSON } from './random.js';
export { Estimator, loadModel, registeredKinds, LIBRARY_VERSION, FORMAT_VERSION } from './estimator.js';
export type { SavedModel, Capabilities, EstimatorClass } from './estimator.js';
export type { ParamsOf } from './params.js';
export { DeepmineWarning, VersionWarning, setWarningHandler, catchWarnings } from './warnings.js';
export type { WarningHandler } from './warnings.js';
export { isClassifier, isRegressor } from './roles.js';
export type { Classifier, Regressor, Transformer, Clusterer, Incremental } from './roles.js';
export { closePool, cpuCount } from './pool.js';
export { setResourceBudget, getResourceBudget, withResourceBudget, defaultMemoryBytes, type ResourceBudget, type GuardOptions } from './resources.js';
export type { RunOptions, SignalLike, ParallelMapOptions } from './pool.js';

export { StandardScaler, type StandardScalerParams, type StandardScalerState } from './standardScaler.js';
export { MinMaxScaler, MaxAbsScaler, RobustScaler, Normalizer, type MinMaxScalerParams, type MinMaxScalerState, type MaxAbsScalerState, type RobustScalerParams, type RobustScalerState, type NormalizerParams } from './scalers.js';
export { OneHotEncoder, OrdinalEncoder, LabelEncoder, type Category, type OneHotEncoderParams, type OneHotEncoderState, type OrdinalEncoderParams, type OrdinalEncoderState, type LabelEncoderState } from './encoders.js';
export { KBinsDiscretizer, type KBinsDiscretizerParams, type KBinsDiscretizerState } from './discretizer.js';
export { PolynomialFeatures, FunctionTransformer, NAMED_FUNCTIONS, type PolynomialFeaturesParams, type FunctionTransformerParams, type NamedFunction } from './polynomial.js';
export { OutlierFilter, type OutlierFilterParams, type OutlierFilterState } from './outlier.js';
export type { MixedLike } from './_base.js';
export { IsolationForest, averagePathLength, type IsolationForestParams, type IsolationForestState } from './isolationForest.js';

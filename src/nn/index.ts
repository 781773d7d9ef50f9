export { Sequential, Input, type CompileOptions, type FitOptions, type History, type InputSpec } from './sequential.js';
export { Dense, Dropout, BatchNormalization, ActivationLayer as Activation, type Layer, type DenseOptions, type BatchNormalizationOptions, type Initializer } from './layers.js';
export { Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad, getOptimizer, type OptimizerOptions, type OptimizerName } from './optimizers.js';
export { ExponentialDecay, InverseTimeDecay, CosineDecay, PiecewiseConstantDecay, type LearningRateSchedule } from './schedules.js';
export { EarlyStopping, ReduceLROnPlateau, TerminateOnNaN, LambdaCallback, ProgressLogger, type Callback, type Logs } from './callbacks.js';
export { ACTIVATION_NAMES } from './activations.js';
export { LOSS_NAMES, type LossName, type LossSpec, type LossLike } from './losses.js';
export { NET_METRICS, type NetMetric } from './metrics.js';
export { MLPClassifier, MLPRegressor, Autoencoder, type MLPParams, type AutoencoderParams } from './mlp.js';

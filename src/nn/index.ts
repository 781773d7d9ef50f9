export { Sequential, EarlyStopping, type Callback, type CompileOptions, type FitOptions, type History } from './sequential.js';
export { Dense, type DenseOptions, type Initializer } from './layers.js';
export { SGD, Adam, type Optimizer } from './optimizers.js';
export { ACTIVATION_NAMES } from './activations.js';
export { LOSS_NAMES, type LossName } from './losses.js';

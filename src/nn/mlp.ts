import { DataError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { checkArray, checkLabels, checkTarget, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { classifierScore, regressorScore } from '../metrics/score.js';
import { EarlyStopping } from './callbacks.js';
import { Dense } from './layers.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from './optimizers.js';
import { DTYPES, type DType } from './dtype.js';
import { DEFAULT_DTYPE, Sequential, type History } from './sequential.js';

const intList = (def: number[], what: string) =>
  p.custom<number[]>(def, what, (v) => Array.isArray(v) && v.every((u) => Number.isInteger(u) && u >= 1));

const ACT = { relu: 'relu', tanh: 'tanh', logistic: 'sigmoid', identity: 'linear' } as const;

const mlpSchema = {
  hiddenLayerSizes: intList([100], 'an array of integers >= 1 (units per hidden layer)'),
  activation: p.oneOf(['relu', 'tanh', 'logistic', 'identity'] as const, 'relu', 'Hidden-layer activation (scikit-learn names).'),
  solver: p.oneOf(['adam', 'sgd', 'adamw', 'rmsprop', 'adagrad'] as const, 'adam'),
  alpha: p.num(1e-4, { min: 0, doc: 'L2 penalty, scaled per batch as scikit-learn: alpha / (2 * batchSize) * sum(W^2).' }),
  batchSize: p.anyOf<number | 'auto'>('auto', [p.int(1, { min: 1 }), p.oneOf(['auto'] as const, 'auto')], "Rows per batch; 'auto' = min(200, n)."),
  learningRateInit: p.num(0.001, { min: 0, minExclusive: true }),
  maxIter: p.int(200, { min: 1, doc: 'Epochs.' }),
  tol: p.num(1e-4, { min: 0 }),
  nIterNoChange: p.int(10, { min: 1 }),
  earlyStopping: p.bool(false, 'Hold out validationFraction of the rows and stop on its loss.'),
  validationFraction: p.num(0.1, { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
  shuffle: p.bool(true),
  momentum: p.num(0.9, { min: 0, max: 1 }),
  nesterovsMomentum: p.bool(true),
  beta1: p.num(0.9, { min: 0, max: 1, maxExclusive: true }),
  beta2: p.num(0.999, { min: 0, max: 1, maxExclusive: true }),
  epsilon: p.num(1e-8, { min: 0, minExclusive: true }),
  dtype: p.oneOf(DTYPES as readonly DType[], DEFAULT_DTYPE, 'Precision of the net: weights, gradients and optimizer state in Float32Array or Float64Array.'),
  randomState: p.randomState(),
  verbose: p.bool(false),
};
export type MLPParams = ParamsOf<typeof mlpSchema>;

export interface MLPState {
  net: Sequential;
  nFeatures: number;
  nIter: number;
  lossCurve: number[];
  /** Stopped by the tolerance rule before maxIter. */
  converged: boolean;
}

function makeOptimizer(ps: MLPParams): Optimizer {
  const lr = ps.learningRateInit;
  switch (ps.solver) {
    case 'sgd': return new SGD({ learningRate: lr, momentum: ps.momentum, nesterov: ps.nesterovsMomentum });
    case 'adamw': return new AdamW({ learningRate: lr, beta1: ps.beta1, beta2: ps.beta2, epsilon: ps.epsilon });
    case 'rmsprop': return new RMSprop({ learningRate: lr, epsilon: ps.epsilon });
    case 'adagrad': return new Adagrad({ learningRate: lr, epsilon: ps.epsilon });
    default: return new Adam({ learningRate: lr, beta1: ps.beta1, beta2: ps.beta2, epsilon: ps.epsilon });
  }
}

/** Shared training of the scikit-learn-style MLP wrappers on the Sequential engine. */
abstract class BaseMLP<State extends MLPState> extends Estimator<typeof mlpSchema, State> {
  protected train(m: Matrix, y: Float64Array, outUnits: number, outAct: string, loss: 'binaryCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError'): Omit<MLPState, 'nFeatures'> {
    const ps = this.params;
    const bs = ps.batchSize === 'auto' ? Math.min(200, m.rows) : Math.min(ps.batchSize, m.rows);
    const l2 = ps.alpha / (2 * bs);
    const act = ACT[ps.activation];
    const net = new Sequential([...ps.hiddenLayerSizes.map((u) => new Dense(u, { activation: act, l2 })), new Dense(outUnits, { activation: outAct, l2 })], { dtype: ps.dtype });
    net.compile({ optimizer: makeOptimizer(ps), loss });
    const rng = checkRandomState(ps.randomState, 'randomState', this.kind);
    const stopper = new EarlyStopping({ monitor: ps.earlyStopping ? 'val_loss' : 'loss', minDelta: ps.tol, patience: ps.nIterNoChange });
    const h: History = net.fit(m, y, {
      epochs: ps.maxIter, batchSize: bs, shuffle: ps.shuffle, randomState: rng, callbacks: [stopper],
      validationSplit: ps.earlyStopping ? ps.validationFraction : 0, verbose: ps.verbose ? 1 : 0,
    });
    return { net, nIter: h.epoch.length, lossCurve: h.history.loss!, converged: stopper.stoppedEpoch >= 0 };
  }

  protected override encodeState(s: State): unknown {
    return { ...s, net: s.net.toJSON() };
  }
  protected override decodeState(json: unknown): State {
    const j = json as Record<string, unknown>;
    return { ...j, net: Sequential.fromJSON(j.net as Record<string, unknown>) } as State;
  }

  /** Training loss per epoch. */
  get lossCurve(): number[] { return this.fitted.lossCurve; }
  get nIter(): number { return this.fitted.nIter; }
  /** The trained network (a Keras-style Sequential). */
  get network(): Sequential { return this.fitted.net; }
}

export interface MLPClassifierState extends MLPState { classes: Label[] }

/**
 * Multi-layer perceptron classifier with scikit-learn's parameter names, trained by our
 * Sequential engine (sigmoid + binary cross-entropy for two classes, softmax + cross-entropy
 * otherwise). Works in Pipeline, crossValidate and GridSearchCV like any estimator.
 *
 * @example
 * const clf = new MLPClassifier({ hiddenLayerSizes: [32], maxIter: 50, randomState: 0 }).fit(X, y);
 * clf.predictProba(X); clf.score(X, y);
 */
export class MLPClassifier extends BaseMLP<MLPClassifierState> {
  static override readonly kind = 'MLPClassifier';
  static override readonly schema = mlpSchema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: true, allowNaN: false };
  constructor(params: Partial<MLPParams> = {}) { super(params); }

  fit(X: MatrixLike, y: LabelsLike): this {
    const m = checkArray(X, { owner: this.kind });
    const { classes, encoded } = checkLabels(y, m.rows, { owner: this.kind });
    if (classes.length < 2) throw new DataError('y', 'at least 2 classes', `1 class (${classes[0]})`, this.kind);
    const binary = classes.length === 2;
    const t = this.train(m, Float64Array.from(encoded), binary ? 1 : classes.length, binary ? 'sigmoid' : 'softmax', binary ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy');
    this._state = { ...t, classes, nFeatures: m.cols };
    return this;
  }

  get classes(): Label[] { return this.fitted.classes; }

  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const out = s.net.predict(m);
    if (s.classes.length > 2) return out;
    const P = Matrix.zeros(m.rows, 2);
    for (let i = 0; i < m.rows; i++) { const q = out.data[i]!; P.data[2 * i] = 1 - q; P.data[2 * i + 1] = q; }
    return P;
  }

  predict(X: MatrixLike): Label[] {
    const P = this.predictProba(X);
    const k = P.cols;
    return Array.from({ length: P.rows }, (_, i) => {
      let b = 0;
      for (let j = 1; j < k; j++) if (P.data[i * k + j]! > P.data[i * k + b]!) b = j;
      return this.fitted.classes[b]!;
    });
  }

  /** Accuracy on (X, y) (the public `accuracyScore`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    return classifierScore(y as ArrayLike<Label>, this.predict(X), sampleWeight);
  }
}
registerEstimator(MLPClassifier);

/**
 * Multi-layer perceptron regressor (scikit-learn names; squared error, linear output).
 *
 * @example
 * const reg = new MLPRegressor({ hiddenLayerSizes: [64, 32], randomState: 0 }).fit(X, y);
 * reg.predict(X); reg.score(X, y); // R^2
 */
export class MLPRegressor extends BaseMLP<MLPState> {
  static override readonly kind = 'MLPRegressor';
  static override readonly schema = mlpSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: true, allowNaN: false };
  constructor(params: Partial<MLPParams> = {}) { super(params); }

  fit(X: MatrixLike, y: LabelsLike): this {
    const m = checkArray(X, { owner: this.kind });
    const t = checkTarget(y, m.rows, { owner: this.kind });
    this._state = { ...this.train(m, t, 1, 'linear', 'meanSquaredError'), nFeatures: m.cols };
    return this;
  }

  predict(X: MatrixLike): Float64Array {
    const s = this.fitted;
    return s.net.predict(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures })).data;
  }

  /** Coefficient of determination R^2 (scikit-learn's `r2_score`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    const pred = this.predict(X);
    return regressorScore(checkTarget(y, pred.length, { owner: this.kind }), pred, 1, sampleWeight);
  }
}
registerEstimator(MLPRegressor);

const aeSchema = {
  encoderLayers: intList([32], 'an array of integers >= 1 (units of the encoder hidden layers; the decoder mirrors them)'),
  latentDim: p.int(2, { min: 1 }),
  activation: p.oneOf(['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'gelu', 'leakyRelu', 'linear'] as const, 'relu'),
  latentActivation: p.oneOf(['linear', 'tanh', 'sigmoid', 'relu'] as const, 'linear'),
  outputActivation: p.oneOf(['linear', 'sigmoid'] as const, 'linear', "'sigmoid' for inputs scaled to [0, 1]."),
  loss: p.oneOf(['meanSquaredError', 'meanAbsoluteError', 'huber'] as const, 'meanSquaredError'),
  optimizer: p.oneOf(['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const, 'adam'),
  learningRate: p.num(0.001, { min: 0, minExclusive: true }),
  epochs: p.int(50, { min: 1 }),
  batchSize: p.int(32, { min: 1 }),
  l2: p.num(0, { min: 0 }),
  dtype: p.oneOf(DTYPES as readonly DType[], DEFAULT_DTYPE, 'Precision of the net: weights, gradients and optimizer state in Float32Array or Float64Array.'),
  randomState: p.randomState(),
  verbose: p.bool(false),
};
export type AutoencoderParams = ParamsOf<typeof aeSchema>;
export interface AutoencoderState { net: Sequential; nFeatures: number; nEncoder: number; lossCurve: number[] }

/**
 * Dense autoencoder: encoder layers -> latent code -> mirrored decoder, trained to reconstruct X.
 * `transform`/`encode` give the latent code (for clustering, trees and rules on a learned
 * embedding), `inverseTransform`/`decode` map codes back, `reconstructionError` gives the per-row
 * mean squared error (an anomaly score; `scoreSamples` is its negative, higher = more normal).
 *
 * @example
 * const ae = new Autoencoder({ encoderLayers: [16], latentDim: 2, epochs: 100, randomState: 0 }).fit(Xscaled);
 * const Z = ae.transform(Xscaled);          // n x 2
 * const err = ae.reconstructionError(Xscaled);
 */
export class Autoencoder extends Estimator<typeof aeSchema, AutoencoderState> {
  static override readonly kind = 'Autoencoder';
  static override readonly schema = aeSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: true, allowNaN: false };
  constructor(params: Partial<AutoencoderParams> = {}) { super(params); }

  fit(X: MatrixLike): this {
    const ps = this.params;
    const m = checkArray(X, { owner: this.kind });
    const d = m.cols;
    const dense = (u: number, a: string) => new Dense(u, { activation: a, l2: ps.l2 });
    const enc = [...ps.encoderLayers.map((u) => dense(u, ps.activation)), dense(ps.latentDim, ps.latentActivation)];
    const dec = [...[...ps.encoderLayers].reverse().map((u) => dense(u, ps.activation)), dense(d, ps.outputActivation)];
    const net = new Sequential([...enc, ...dec], { dtype: ps.dtype });
    const optimizer = makeOptimizer({ ...mlpSchemaDefaults(), solver: ps.optimizer, learningRateInit: ps.learningRate, epsilon: 1e-7 });
    net.compile({ optimizer, loss: ps.loss });
    const h = net.fit(m, m.toArray(), { epochs: ps.epochs, batchSize: Math.min(ps.batchSize, m.rows), randomState: checkRandomState(ps.randomState, 'randomState', this.kind), verbose: ps.verbose ? 1 : 0 });
    this._state = { net, nFeatures: d, nEncoder: enc.length, lossCurve: h.history.loss! };
    return this;
  }

  protected override encodeState(s: AutoencoderState): unknown { return { ...s, net: s.net.toJSON() }; }
  protected override decodeState(json: unknown): AutoencoderState {
    const j = json as Record<string, unknown>;
    return { ...j, net: Sequential.fromJSON(j.net as Record<string, unknown>) } as AutoencoderState;
  }

  get lossCurve(): number[] { return this.fitted.lossCurve; }
  get network(): Sequential { return this.fitted.net; }

  /** Latent codes (n x latentDim). */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predictUpTo(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }), s.nEncoder);
  }
  encode(X: MatrixLike): Matrix { return this.transform(X); }

  /** Reconstructions from latent codes (n x features). */
  inverseTransform(Z: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predictFrom(Z, s.nEncoder);
  }
  decode(Z: MatrixLike): Matrix { return this.inverseTransform(Z); }

  /** Reconstruction of X through the whole network. */
  reconstruct(X: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predict(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }));
  }

  /** Mean squared reconstruction error per row. */
  reconstructionError(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const R = s.net.predict(m);
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let e = 0;
      for (let j = 0; j < m.cols; j++) e += (m.data[i * m.cols + j]! - R.data[i * m.cols + j]!) ** 2;
      out[i] = e / m.cols;
    }
    return out;
  }

  /** Negative reconstruction error (higher = more typical), as scikit-learn's outlier detectors. */
  scoreSamples(X: MatrixLike): Float64Array {
    return this.reconstructionError(X).map((v) => -v);
  }
}
registerEstimator(Autoencoder);

function mlpSchemaDefaults(): MLPParams {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(mlpSchema)) out[k] = spec.default;
  return out as MLPParams;
}

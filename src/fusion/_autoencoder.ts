/**
 * The dense autoencoder shared by AutoencoderFeatures, AutoencoderOutlierDetector and
 * DeepClustering: the same layout as `nn/mlp.ts`'s `Autoencoder` (encoder Dense layers -> latent
 * Dense -> mirrored decoder, one Sequential), plus what that estimator does not expose: Gaussian
 * input noise redrawn every epoch (denoising autoencoder), user callbacks, and the encoder /
 * decoder split as layer indices for custom loops (DEC fine-tuning). Internal module.
 */
import { Matrix } from '../core/matrix.js';
import { p } from '../core/params.js';
import type { RandomState } from '../core/random.js';
import type { Callback } from '../nn/callbacks.js';
import { Dense } from '../nn/layers.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../nn/optimizers.js';
import type { DType } from '../nn/dtype.js';
import { Sequential, type History } from '../nn/sequential.js';

export const intList = (def: number[], what: string, doc?: string) =>
  p.custom<number[]>(def, what, (v) => Array.isArray(v) && v.length > 0 && v.every((u) => Number.isInteger(u) && u >= 1), doc);

export const callbackList = p.custom<Callback[]>([], 'an array of Keras-style callbacks (objects with onEpochEnd, ...)',
  (v) => Array.isArray(v) && v.every((c) => c !== null && typeof c === 'object'), 'Callbacks passed to the net while it trains (EarlyStopping, LambdaCallback...).');

export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const;
export type OptimizerChoice = (typeof OPTIMIZERS)[number];
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'gelu', 'leakyRelu', 'linear'] as const;

/** Keras defaults (Adam epsilon 1e-7), SGD with momentum 0.9 (DEC's fine-tuning optimizer). */
export function makeOptimizer(name: OptimizerChoice, learningRate: number): Optimizer {
  switch (name) {
    case 'sgd': return new SGD({ learningRate, momentum: 0.9 });
    case 'adamw': return new AdamW({ learningRate });
    case 'rmsprop': return new RMSprop({ learningRate });
    case 'adagrad': return new Adagrad({ learningRate });
    default: return new Adam({ learningRate, epsilon: 1e-7 });
  }
}

export interface AeSpec {
  /** Hidden encoder widths; the latent layer is the last entry. */
  encoderSizes: number[];
  activation: string;
  latentActivation: string;
  outputActivation: string;
  l2: number;
  /** Precision of the net (default: Sequential's default). */
  dtype?: DType;
}

/** Encoder + mirrored decoder; layers [0, nEncoder) are the encoder, the rest the decoder. */
export function buildAutoencoder(d: number, s: AeSpec): { net: Sequential; nEncoder: number } {
  const sizes = s.encoderSizes;
  const dense = (u: number, a: string) => new Dense(u, { activation: a, l2: s.l2 });
  const enc = sizes.map((u, i) => dense(u, i === sizes.length - 1 ? s.latentActivation : s.activation));
  const dec = [...sizes.slice(0, -1).reverse().map((u) => dense(u, s.activation)), dense(d, s.outputActivation)];
  return { net: new Sequential([...enc, ...dec], { dtype: s.dtype }), nEncoder: enc.length };
}

export interface AeTrainOptions {
  optimizer: OptimizerChoice;
  learningRate: number;
  epochs: number;
  batchSize: number;
  /** Standard deviation of the Gaussian noise added to the inputs (0: plain autoencoder). */
  noise: number;
  callbacks: Callback[];
  verbose: boolean;
}

/**
 * Compile and train `net` to reconstruct X (mean squared error). With `noise > 0` the inputs are
 * `X + noise * N(0, 1)` redrawn from `rng` at the start of every epoch, the targets stay clean.
 */
export function trainAutoencoder(net: Sequential, X: Matrix, o: AeTrainOptions, rng: RandomState): History {
  net.compile({ optimizer: makeOptimizer(o.optimizer, o.learningRate), loss: 'meanSquaredError' });
  const target = Array.from({ length: X.rows }, (_, i) => X.data.subarray(i * X.cols, (i + 1) * X.cols));
  const callbacks = [...o.callbacks];
  let input = X;
  if (o.noise > 0) {
    input = X.copy();
    const buf = input.data;
    callbacks.unshift({
      onEpochBegin: () => {
        const z = rng.standardNormal(buf.length) as Float64Array;
        for (let t = 0; t < buf.length; t++) buf[t] = X.data[t]! + o.noise * z[t]!;
      },
    });
  }
  return net.fit(input, target, { epochs: o.epochs, batchSize: Math.min(o.batchSize, X.rows), randomState: rng, callbacks, verbose: o.verbose ? 1 : 0 });
}

/** Per-row mean squared error between X (n x d) and its reconstruction R. */
export function rowMse(X: Matrix, R: Matrix): Float64Array {
  const { rows: n, cols: d } = X;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let j = 0; j < d; j++) { const r = X.data[i * d + j]! - R.data[i * d + j]!; e += r * r; }
    out[i] = e / d;
  }
  return out;
}

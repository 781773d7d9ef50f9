import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { Sequential } from '../nn/sequential.js';
import { DTYPES, type DType } from '../nn/dtype.js';
import { DEFAULT_DTYPE } from '../nn/sequential.js';
import { ACTIVATIONS, buildAutoencoder, callbackList, intList, OPTIMIZERS, rowMse, trainAutoencoder } from './_autoencoder.js';

export const aeFeaturesSchema = {
  encoderSizes: intList([32, 8], 'a non-empty array of integers >= 1', 'Encoder widths, input side first; the last entry is the code size (the decoder mirrors the others).'),
  activation: p.oneOf(ACTIVATIONS, 'relu', 'Hidden-layer activation.'),
  latentActivation: p.oneOf(['linear', 'tanh', 'sigmoid', 'relu'] as const, 'linear', 'Activation of the code layer.'),
  outputActivation: p.oneOf(['linear', 'sigmoid'] as const, 'linear', "'sigmoid' for inputs scaled to [0, 1]."),
  noise: p.num(0, { min: 0, doc: 'Std of the Gaussian noise added to the inputs while training, redrawn every epoch (denoising autoencoder); 0 = none.' }),
  optimizer: p.oneOf(OPTIMIZERS, 'adam'),
  learningRate: p.num(0.001, { min: 0, minExclusive: true }),
  epochs: p.int(50, { min: 1 }),
  batchSize: p.int(32, { min: 1 }),
  l2: p.num(0, { min: 0, doc: 'L2 penalty on every kernel.' }),
  dtype: p.oneOf(DTYPES as readonly DType[], DEFAULT_DTYPE, 'Precision of the net: weights, gradients and optimizer state in Float32Array or Float64Array.'),
  callbacks: callbackList,
  randomState: p.randomState(),
  verbose: p.bool(false),
};
export type AutoencoderFeaturesParams = ParamsOf<typeof aeFeaturesSchema>;

export interface AutoencoderFeaturesState {
  /** The trained autoencoder; layers [0, nEncoder) are the encoder. */
  net: Sequential;
  nEncoder: number;
  nFeatures: number;
  /** Training loss (reconstruction MSE) per epoch. */
  lossCurve: number[];
}

/**
 * Autoencoder features as a transformer: trains a dense autoencoder on X (Sequential engine,
 * same layout as `Autoencoder`), `transform` returns the codes (n x last encoder size) to feed a
 * miner (k-means, trees, rules), `inverseTransform` decodes codes back to the input space.
 * `noise > 0` makes it a denoising autoencoder. Scale X first (StandardScaler or MinMaxScaler).
 *
 * @example
 * const ae = new AutoencoderFeatures({ encoderSizes: [16, 4], epochs: 30, randomState: 0 });
 * const Z = ae.fitTransform(Xscaled);     // n x 4 codes
 * ae.getFeatureNamesOut();                // ['ae0', 'ae1', 'ae2', 'ae3']
 * const Xhat = ae.inverseTransform(Z);    // n x d reconstructions
 */
export class AutoencoderFeatures extends Estimator<typeof aeFeaturesSchema, AutoencoderFeaturesState> {
  static override readonly kind = 'AutoencoderFeatures';
  static override readonly schema = aeFeaturesSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: true, allowNaN: false };
  constructor(params: Partial<AutoencoderFeaturesParams> = {}) { super(params); }

  fit(X: MatrixLike): this {
    const ps = this.params;
    const m = checkArray(X, { owner: this.kind });
    const rng = checkRandomState(ps.randomState, 'randomState', this.kind);
    const { net, nEncoder } = buildAutoencoder(m.cols, { encoderSizes: ps.encoderSizes, activation: ps.activation, latentActivation: ps.latentActivation, outputActivation: ps.outputActivation, l2: ps.l2, dtype: ps.dtype });
    net.build(m.cols, rng);
    const h = trainAutoencoder(net, m, ps, rng);
    this._state = { net, nEncoder, nFeatures: m.cols, lossCurve: h.history.loss! };
    return this;
  }

  fitTransform(X: MatrixLike): Matrix { return this.fit(X).transform(X); }

  protected override encodeState(s: AutoencoderFeaturesState): unknown { return { ...s, net: s.net.toJSON() }; }
  protected override decodeState(json: unknown): AutoencoderFeaturesState {
    const j = json as Record<string, unknown>;
    return { ...j, net: Sequential.fromJSON(j.net as Record<string, unknown>) } as AutoencoderFeaturesState;
  }

  /** Codes (n x code size). */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predictUpTo(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }), s.nEncoder);
  }

  /** Decoded reconstructions of codes Z (n x input features). */
  inverseTransform(Z: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predictFrom(Z, s.nEncoder);
  }

  /** X through the whole autoencoder. */
  reconstruct(X: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predict(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }));
  }

  /** Mean squared reconstruction error per row. */
  reconstructionError(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return rowMse(m, s.net.predict(m));
  }

  /** `ae0`, `ae1`, ... one per code unit. */
  getFeatureNamesOut(): string[] {
    const s = this.fitted;
    return Array.from({ length: s.net.layers[s.nEncoder - 1]!.outputDim }, (_, j) => `ae${j}`);
  }

  get lossCurve(): number[] { return this.fitted.lossCurve; }
  /** The trained network (encoder layers first). */
  get network(): Sequential { return this.fitted.net; }
  /** Number of encoder layers in `network`. */
  get nEncoderLayers(): number { return this.fitted.nEncoder; }
}
registerEstimator(AutoencoderFeatures);

export function autoencoderFeatures(params: Partial<AutoencoderFeaturesParams> = {}): AutoencoderFeatures {
  return new AutoencoderFeatures(params);
}

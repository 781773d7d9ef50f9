import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import type { Matrix } from '../core/matrix.js';
import { quantileSorted } from '../core/numeric.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { Sequential } from '../nn/sequential.js';
import { DTYPES, type DType } from '../nn/dtype.js';
import { DEFAULT_DTYPE } from '../nn/sequential.js';
import { ACTIVATIONS, buildAutoencoder, callbackList, intList, OPTIMIZERS, rowMse, trainAutoencoder } from './_autoencoder.js';

const schema = {
  encoderSizes: intList([32, 8], 'a non-empty array of integers >= 1', 'Encoder widths, input side first; the last is the bottleneck.'),
  activation: p.oneOf(ACTIVATIONS, 'relu'),
  outputActivation: p.oneOf(['linear', 'sigmoid'] as const, 'linear', "'sigmoid' for inputs scaled to [0, 1]."),
  noise: p.num(0, { min: 0, doc: 'Gaussian input noise std while training (denoising autoencoder).' }),
  optimizer: p.oneOf(OPTIMIZERS, 'adam'),
  learningRate: p.num(0.001, { min: 0, minExclusive: true }),
  epochs: p.int(50, { min: 1 }),
  batchSize: p.int(32, { min: 1 }),
  l2: p.num(0, { min: 0 }),
  contamination: p.custom<'auto' | number>('auto', "'auto' or a fraction in (0, 0.5]", (v) => v === 'auto' || (typeof v === 'number' && v > 0 && v <= 0.5),
    "Expected share of outliers in the training data: the offset is that quantile of the training scores. 'auto': Tukey's upper fence on the training reconstruction errors, offset = -(Q3 + 1.5 IQR)."),
  dtype: p.oneOf(DTYPES as readonly DType[], DEFAULT_DTYPE, 'Precision of the net: weights, gradients and optimizer state in Float32Array or Float64Array.'),
  callbacks: callbackList,
  randomState: p.randomState(),
  verbose: p.bool(false),
};
export type AutoencoderOutlierDetectorParams = ParamsOf<typeof schema>;

export interface AutoencoderOutlierDetectorState {
  net: Sequential;
  nFeatures: number;
  /** decisionFunction = scoreSamples - offset; rows with decisionFunction < 0 are outliers. */
  offset: number;
  lossCurve: number[];
}

/**
 * Outlier detection by autoencoder reconstruction error, with scikit-learn's detector API:
 * `scoreSamples(X)` = minus the per-row mean squared reconstruction error (higher = more
 * normal), `decisionFunction` = score - offset, `predict` = 1 (inlier) or -1 (outlier).
 * `offset` follows `contamination`: a fraction c gives the c-quantile of the training scores
 * (numpy's linear percentile, as IsolationForest), so about c of the training rows are outliers;
 * `'auto'` uses Tukey's fence: an outlier has an error above Q3 + 1.5 IQR of the training errors.
 * Scale X first (StandardScaler): the error is summed over features.
 *
 * @example
 * const det = new AutoencoderOutlierDetector({ encoderSizes: [16, 4], contamination: 0.05, randomState: 0 }).fit(Xscaled);
 * det.predict(Xscaled);        // Int32Array of 1 / -1
 * det.scoreSamples(Xscaled);   // -reconstruction error
 */
export class AutoencoderOutlierDetector extends Estimator<typeof schema, AutoencoderOutlierDetectorState> {
  static override readonly kind = 'AutoencoderOutlierDetector';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: false, stochastic: true, allowNaN: false };
  constructor(params: Partial<AutoencoderOutlierDetectorParams> = {}) { super(params); }

  fit(X: MatrixLike): this {
    const ps = this.params;
    const m = checkArray(X, { owner: this.kind, minRows: 2 });
    const rng = checkRandomState(ps.randomState, 'randomState', this.kind);
    const { net } = buildAutoencoder(m.cols, { encoderSizes: ps.encoderSizes, activation: ps.activation, latentActivation: 'linear', outputActivation: ps.outputActivation, l2: ps.l2, dtype: ps.dtype });
    net.build(m.cols, rng);
    const h = trainAutoencoder(net, m, ps, rng);
    const scores = rowMse(m, net.predict(m)).map((e) => -e);
    this._state = { net, nFeatures: m.cols, offset: offsetFor(scores, ps.contamination), lossCurve: h.history.loss! };
    return this;
  }

  protected override encodeState(s: AutoencoderOutlierDetectorState): unknown { return { ...s, net: s.net.toJSON() }; }
  protected override decodeState(json: unknown): AutoencoderOutlierDetectorState {
    const j = json as Record<string, unknown>;
    return { ...j, net: Sequential.fromJSON(j.net as Record<string, unknown>) } as AutoencoderOutlierDetectorState;
  }

  /** Minus the mean squared reconstruction error per row (higher = more normal). */
  scoreSamples(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return rowMse(m, s.net.predict(m)).map((e) => -e);
  }

  /** scoreSamples - offset: negative for outliers. */
  decisionFunction(X: MatrixLike): Float64Array {
    const off = this.fitted.offset;
    return this.scoreSamples(X).map((v) => v - off);
  }

  /** 1 for inliers, -1 for outliers. */
  predict(X: MatrixLike): Int32Array {
    return Int32Array.from(this.decisionFunction(X), (v) => (v < 0 ? -1 : 1));
  }

  fitPredict(X: MatrixLike): Int32Array { return this.fit(X).predict(X); }

  /** Reconstructions of X (n x features). */
  reconstruct(X: MatrixLike): Matrix {
    const s = this.fitted;
    return s.net.predict(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }));
  }

  get offset(): number { return this.fitted.offset; }
  get lossCurve(): number[] { return this.fitted.lossCurve; }
  get network(): Sequential { return this.fitted.net; }
}
registerEstimator(AutoencoderOutlierDetector);

export function autoencoderOutlierDetector(params: Partial<AutoencoderOutlierDetectorParams> = {}): AutoencoderOutlierDetector {
  return new AutoencoderOutlierDetector(params);
}

/** Offset from training scores: the contamination quantile, or minus Tukey's upper fence of the errors ('auto'). */
export function offsetFor(scores: Float64Array, contamination: 'auto' | number): number {
  const sorted = Float64Array.from(scores).sort();
  if (contamination !== 'auto') return quantileSorted(sorted, contamination);
  // errors e = -scores: Q3(e) = -Q1(scores), IQR(e) = IQR(scores)
  const q1 = quantileSorted(sorted, 0.25), q3 = quantileSorted(sorted, 0.75);
  return q1 - 1.5 * (q3 - q1);
}

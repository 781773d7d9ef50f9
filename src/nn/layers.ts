import { InvalidParameterError } from '../core/errors.js';
import type { RandomState } from '../core/random.js';
import { checkMemory } from '../core/resources.js';
import { getActivation, type Activation } from './activations.js';
import { alloc, cast, type Arr, type DType } from './dtype.js';
import { denseForward, denseGradW, denseGradX } from './kernels.js';

export type Initializer = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros' | 'ones';
const INITIALIZERS: Initializer[] = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'zeros', 'ones'];

/** Per-call context: `training` switches Dropout and BatchNormalization; `rng` draws dropout masks. */
export interface ForwardContext {
  training: boolean;
  rng: RandomState | null;
}

/**
 * A layer of a Sequential model. Layers own their parameter and gradient arrays and reuse their
 * forward/backward buffers between batches of the same size.
 */
export interface Layer {
  readonly kind: string;
  /** Input width (set by `build`). */
  inputDim: number;
  /** Output width (known after `build`). */
  readonly outputDim: number;
  /**
   * Allocate the weights for `inputDim` inputs in the given precision (default 'float64'; user
   * layers that only support float64 may ignore it and fail on float32 nets).
   */
  build(inputDim: number, rng: RandomState, dtype?: DType): void;
  forward(x: Arr, n: number, ctx: ForwardContext): Arr;
  /**
   * Gradient w.r.t. the layer input from the gradient w.r.t. its output, or w.r.t. its
   * pre-activation when `gIsPreActivation` (fused loss + output activation). Fills `grads()`.
   */
  backward(g: Arr, n: number, gIsPreActivation?: boolean, needInputGrad?: boolean): Arr;
  /** Trainable arrays, in Keras' `trainable_weights` order. */
  params(): Arr[];
  /** Gradients of `params()`, same order. */
  grads(): Arr[];
  /** All weights incl. non-trainable ones (BatchNormalization moving statistics), Keras' `get_weights` order. */
  weights(): Arr[];
  /** Regularisation penalty added to the loss (0 if none). */
  penalty(): number;
  getConfig(): Record<string, unknown>;
  /** Output activation, for layers that have one (fused losses look at the last layer's). */
  readonly activation?: Activation;
  /** Pre-activation of the last forward pass (layers with an activation). */
  readonly preActivation?: Arr;
}

export interface DenseOptions {
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  /** L2 penalty factor on the kernel (Keras `kernelRegularizer: l2(x)`: adds x * sum(W^2) to the loss). */
  l2?: number;
  /** L1 penalty factor on the kernel (Keras `l1(x)`: adds x * sum(|W|) to the loss). */
  l1?: number;
  /** Keras form of the two penalties above: `kernelRegularizer: { l1, l2 }` (`l1_l2`). */
  kernelRegularizer?: { l1?: number; l2?: number };
  /** Input width, for the first layer (else inferred at build). */
  inputDim?: number;
}

function checkUnits(v: unknown, param: string, owner: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InvalidParameterError(param, 'an integer >= 1', v, owner);
  return v;
}
function checkPenalty(v: unknown, param: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new InvalidParameterError(param, 'a finite number >= 0', v, 'Dense');
  return v;
}

/**
 * Fully connected layer `a = activation(x W + b)` with W stored inputDim x units row-major.
 *
 * @example
 * new Dense(10, { activation: 'relu', kernelInitializer: 'heNormal', l2: 1e-4 })
 */
export class Dense implements Layer {
  readonly kind = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly opts: Required<Omit<DenseOptions, 'inputDim' | 'kernelRegularizer'>> & { inputDim: number | null };
  /** Precision of the weights and buffers (set by build). */
  dtype: DType = 'float64';
  W: Arr = alloc('float64', 0);
  b: Arr = alloc('float64', 0);
  gW: Arr = alloc('float64', 0);
  gb: Arr = alloc('float64', 0);
  inputDim = 0;
  private z = alloc('float64', 0);
  out = alloc('float64', 0);
  private gz = alloc('float64', 0);
  private gx = alloc('float64', 0);
  private x: Arr = alloc('float64', 0);

  constructor(units: number, opts: DenseOptions = {}) {
    this.units = checkUnits(units, 'units', 'Dense');
    this.activation = getActivation(opts.activation ?? 'linear');
    for (const k of ['kernelInitializer', 'biasInitializer'] as const) {
      if (opts[k] !== undefined && !INITIALIZERS.includes(opts[k]!)) throw new InvalidParameterError(k, `one of ${INITIALIZERS.join(', ')}`, opts[k], 'Dense');
    }
    this.opts = {
      activation: this.activation.name, useBias: opts.useBias ?? true, kernelInitializer: opts.kernelInitializer ?? 'glorotUniform',
      biasInitializer: opts.biasInitializer ?? 'zeros', l2: checkPenalty(opts.l2 ?? opts.kernelRegularizer?.l2 ?? 0, 'l2'), l1: checkPenalty(opts.l1 ?? opts.kernelRegularizer?.l1 ?? 0, 'l1'),
      inputDim: opts.inputDim === undefined || opts.inputDim === null ? null : checkUnits(opts.inputDim, 'inputDim', 'Dense'),
    };
  }

  get outputDim(): number { return this.units; }
  get nParams(): number { return this.W.length + this.b.length; }
  params(): Arr[] { return this.b.length ? [this.W, this.b] : [this.W]; }
  grads(): Arr[] { return this.b.length ? [this.gW, this.gb] : [this.gW]; }
  weights(): Arr[] { return this.params(); }

  build(inputDim: number, rng: RandomState, dtype: DType = 'float64'): void {
    // weights, gradients and up to two optimizer moments, before allocating (a 1e5 x 1e5 layer is 80 GB per copy)
    checkMemory(`a Dense layer of ${inputDim} x ${this.units} weights`, 4 * (dtype === 'float32' ? 4 : 8) * (inputDim + 1) * this.units, { owner: 'Dense', hint: 'lower units (or the input width)' });
    this.dtype = dtype;
    this.inputDim = inputDim;
    // initial values drawn in float64 from the same stream for both precisions, then rounded
    this.W = cast(init(this.opts.kernelInitializer, inputDim, this.units, rng), dtype);
    this.b = this.opts.useBias ? cast(init(this.opts.biasInitializer, 1, this.units, rng), dtype) : alloc(dtype, 0);
    this.gW = alloc(this.dtype, this.W.length);
    this.gb = alloc(this.dtype, this.b.length);
  }

  private ensure(n: number): void {
    if (this.z.length !== n * this.units) {
      this.z = alloc(this.dtype, n * this.units);
      this.out = alloc(this.dtype, n * this.units);
      this.gz = alloc(this.dtype, n * this.units);
      this.gx = alloc(this.dtype, n * this.inputDim);
    }
  }

  /** Pre-activation (z) of the last forward pass. */
  get preActivation(): Arr { return this.z; }

  forward(x: Arr, n: number): Arr {
    this.ensure(n);
    this.x = x;
    denseForward(x, this.W, this.b, this.z, n, this.inputDim, this.units);
    this.activation.forward(this.z, this.out, this.units);
    return this.out;
  }

  backward(ga: Arr, n: number, gaIsGz = false, needInputGrad = true): Arr {
    const { units: u, inputDim: d, W, gW } = this;
    const gz = gaIsGz ? ga : this.gz;
    if (!gaIsGz) this.activation.backward(this.z, this.out, ga, gz, u);
    denseGradW(this.x, gz, gW, this.gb, n, d, u);
    const { l1, l2 } = this.opts;
    if (l2) for (let t = 0; t < W.length; t++) gW[t]! += 2 * l2 * W[t]!;
    if (l1) for (let t = 0; t < W.length; t++) gW[t]! += l1 * Math.sign(W[t]!);
    // the first layer's input gradient is never used: skip that product
    if (needInputGrad) denseGradX(gz, W, this.gx, n, d, u);
    return this.gx;
  }

  penalty(): number {
    const { l1, l2 } = this.opts;
    if (!l1 && !l2) return 0;
    let s1 = 0, s2 = 0;
    for (const w of this.W) { s1 += Math.abs(w); s2 += w * w; }
    return l1 * s1 + l2 * s2;
  }

  getConfig(): Record<string, unknown> {
    return { units: this.units, ...this.opts };
  }
}

/** Applies an activation function as its own layer (Keras `Activation`). */
export class ActivationLayer implements Layer {
  readonly kind = 'Activation';
  readonly activation: Activation;
  inputDim = 0;
  dtype: DType = 'float64';
  private z: Arr = alloc('float64', 0);
  private out = alloc('float64', 0);
  private gz = alloc('float64', 0);
  constructor(activation: string) {
    this.activation = getActivation(activation);
  }
  get outputDim(): number { return this.inputDim; }
  get preActivation(): Arr { return this.z; }
  build(inputDim: number, _rng?: RandomState, dtype: DType = 'float64'): void { this.inputDim = inputDim; this.dtype = dtype; }
  forward(x: Arr, n: number): Arr {
    if (this.out.length !== n * this.inputDim) { this.out = alloc(this.dtype, n * this.inputDim); this.gz = alloc(this.dtype, n * this.inputDim); }
    this.z = x;
    this.activation.forward(x, this.out, this.inputDim);
    return this.out;
  }
  backward(g: Arr, _n: number, gIsPre = false): Arr {
    if (gIsPre) return g;
    this.activation.backward(this.z, this.out, g, this.gz, this.inputDim);
    return this.gz;
  }
  params(): Arr[] { return []; }
  grads(): Arr[] { return []; }
  weights(): Arr[] { return []; }
  penalty(): number { return 0; }
  getConfig(): Record<string, unknown> { return { activation: this.activation.name }; }
}

/**
 * Keras Dropout: while training, zeroes each input with probability `rate` and scales the rest by
 * 1 / (1 - rate); the identity at inference. Masks are drawn from the `randomState` given to fit.
 */
export class Dropout implements Layer {
  readonly kind = 'Dropout';
  readonly rate: number;
  inputDim = 0;
  dtype: DType = 'float64';
  private mask = alloc('float64', 0);
  private out = alloc('float64', 0);
  private gx = alloc('float64', 0);
  private active = false;
  constructor(rate: number) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new InvalidParameterError('rate', 'a number in [0, 1)', rate, 'Dropout');
    this.rate = rate;
  }
  get outputDim(): number { return this.inputDim; }
  build(inputDim: number, _rng?: RandomState, dtype: DType = 'float64'): void { this.inputDim = inputDim; this.dtype = dtype; }
  forward(x: Arr, n: number, ctx: ForwardContext): Arr {
    this.active = ctx.training && this.rate > 0;
    if (!this.active) return x;
    const len = n * this.inputDim;
    if (this.out.length !== len) { this.out = alloc(this.dtype, len); this.mask = alloc(this.dtype, len); this.gx = alloc(this.dtype, len); }
    const keep = 1 / (1 - this.rate);
    const u = ctx.rng!.rand(len);
    for (let t = 0; t < len; t++) { const m = u[t]! >= this.rate ? keep : 0; this.mask[t] = m; this.out[t] = x[t]! * m; }
    return this.out;
  }
  backward(g: Arr): Arr {
    if (!this.active) return g;
    for (let t = 0; t < this.gx.length; t++) this.gx[t] = g[t]! * this.mask[t]!;
    return this.gx;
  }
  params(): Arr[] { return []; }
  grads(): Arr[] { return []; }
  weights(): Arr[] { return []; }
  penalty(): number { return 0; }
  getConfig(): Record<string, unknown> { return { rate: this.rate }; }
}

export interface BatchNormalizationOptions {
  /** Moving-average momentum (Keras default 0.99; PyTorch's momentum is 1 - this). */
  momentum?: number;
  /** Added to the variance (Keras default 1e-3). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

/**
 * Keras BatchNormalization over features: training normalises with the batch mean and (biased)
 * variance and updates the moving statistics; inference uses the moving statistics.
 * Weights: gamma, beta (trainable), movingMean, movingVariance.
 */
export class BatchNormalization implements Layer {
  readonly kind = 'BatchNormalization';
  readonly opts: Required<BatchNormalizationOptions>;
  inputDim = 0;
  dtype: DType = 'float64';
  gamma = alloc('float64', 0);
  beta = alloc('float64', 0);
  movingMean = alloc('float64', 0);
  movingVariance = alloc('float64', 0);
  private gGamma = alloc('float64', 0);
  private gBeta = alloc('float64', 0);
  private xhat = alloc('float64', 0);
  private out = alloc('float64', 0);
  private gx = alloc('float64', 0);
  private invStd = alloc('float64', 0);
  constructor(opts: BatchNormalizationOptions = {}) {
    this.opts = { momentum: opts.momentum ?? 0.99, epsilon: opts.epsilon ?? 1e-3, center: opts.center ?? true, scale: opts.scale ?? true };
    if (!(this.opts.momentum >= 0 && this.opts.momentum <= 1)) throw new InvalidParameterError('momentum', 'a number in [0, 1]', opts.momentum, 'BatchNormalization');
    if (!(this.opts.epsilon > 0)) throw new InvalidParameterError('epsilon', 'a number > 0', opts.epsilon, 'BatchNormalization');
  }
  get outputDim(): number { return this.inputDim; }
  build(inputDim: number, _rng?: RandomState, dtype: DType = 'float64'): void {
    this.dtype = dtype;
    const d = (this.inputDim = inputDim);
    this.gamma = alloc(this.dtype, d).fill(1);
    this.beta = alloc(this.dtype, d);
    this.movingMean = alloc(this.dtype, d);
    this.movingVariance = alloc(this.dtype, d).fill(1);
    this.gGamma = alloc(this.dtype, d);
    this.gBeta = alloc(this.dtype, d);
    this.invStd = alloc(this.dtype, d);
  }
  params(): Arr[] { return [...(this.opts.scale ? [this.gamma] : []), ...(this.opts.center ? [this.beta] : [])]; }
  grads(): Arr[] { return [...(this.opts.scale ? [this.gGamma] : []), ...(this.opts.center ? [this.gBeta] : [])]; }
  weights(): Arr[] { return [...this.params(), this.movingMean, this.movingVariance]; }
  penalty(): number { return 0; }
  forward(x: Arr, n: number, ctx: ForwardContext): Arr {
    const d = this.inputDim;
    if (this.out.length !== n * d) { this.out = alloc(this.dtype, n * d); this.xhat = alloc(this.dtype, n * d); this.gx = alloc(this.dtype, n * d); }
    const { gamma, beta, invStd, xhat, out } = this;
    const eps = this.opts.epsilon;
    if (ctx.training) {
      const mom = this.opts.momentum;
      for (let j = 0; j < d; j++) {
        let mean = 0;
        for (let i = 0; i < n; i++) mean += x[i * d + j]!;
        mean /= n;
        let v = 0;
        for (let i = 0; i < n; i++) { const c = x[i * d + j]! - mean; v += c * c; }
        v /= n;
        invStd[j] = 1 / Math.sqrt(v + eps);
        for (let i = 0; i < n; i++) xhat[i * d + j] = (x[i * d + j]! - mean) * invStd[j]!;
        this.movingMean[j] = this.movingMean[j]! * mom + mean * (1 - mom);
        this.movingVariance[j] = this.movingVariance[j]! * mom + v * (1 - mom);
      }
    } else {
      for (let j = 0; j < d; j++) invStd[j] = 1 / Math.sqrt(this.movingVariance[j]! + eps);
      for (let t = 0; t < n * d; t++) { const j = t % d; xhat[t] = (x[t]! - this.movingMean[j]!) * invStd[j]!; }
    }
    for (let t = 0; t < n * d; t++) { const j = t % d; out[t] = gamma[j]! * xhat[t]! + beta[j]!; }
    return out;
  }
  backward(g: Arr, n: number): Arr {
    const d = this.inputDim;
    const { gamma, invStd, xhat, gx, gGamma, gBeta } = this;
    for (let j = 0; j < d; j++) {
      let sg = 0, sgx = 0;
      for (let i = 0; i < n; i++) { const gi = g[i * d + j]!; sg += gi; sgx += gi * xhat[i * d + j]!; }
      gBeta[j] = sg;
      gGamma[j] = sgx;
      const k = (gamma[j]! * invStd[j]!) / n;
      for (let i = 0; i < n; i++) gx[i * d + j] = k * (n * g[i * d + j]! - sg - xhat[i * d + j]! * sgx);
    }
    return gx;
  }
  getConfig(): Record<string, unknown> { return { ...this.opts }; }
}

/** Rebuilds a layer from its saved `{ class, config }`. */
export function layerFromConfig(cls: string, config: Record<string, unknown>): Layer {
  switch (cls) {
    case 'Dense': return new Dense(config.units as number, config as DenseOptions);
    case 'Activation': return new ActivationLayer(config.activation as string);
    case 'Dropout': return new Dropout(config.rate as number);
    case 'BatchNormalization': return new BatchNormalization(config as BatchNormalizationOptions);
    default: throw new InvalidParameterError('class', 'Dense, Activation, Dropout or BatchNormalization', cls, 'loadModel');
  }
}

function init(kind: Initializer, fanIn: number, fanOut: number, rng: RandomState): Float64Array {
  const n = fanIn * fanOut;
  switch (kind) {
    case 'zeros': return new Float64Array(n);
    case 'ones': return new Float64Array(n).fill(1);
    case 'glorotUniform': { const l = Math.sqrt(6 / (fanIn + fanOut)); return rng.uniform(-l, l, n); }
    case 'heUniform': { const l = Math.sqrt(6 / fanIn); return rng.uniform(-l, l, n); }
    case 'glorotNormal': return truncatedNormal(Math.sqrt(2 / (fanIn + fanOut)), n, rng);
    case 'heNormal': return truncatedNormal(Math.sqrt(2 / fanIn), n, rng);
  }
}

/** Keras' truncated normal (re-draw beyond 2 sd), with its 0.8796 stddev correction. */
function truncatedNormal(std: number, n: number, rng: RandomState): Float64Array {
  const s = std / 0.87962566103423978;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.standardNormal(); while (Math.abs(v) > 2);
    out[i] = v * s;
  }
  return out;
}

import { DataError, InvalidParameterError, IOError, NotFittedError, ShapeError } from '../core/errors.js';
import { FORMAT_VERSION, LIBRARY_VERSION, registerLoader, type SavedModel } from '../core/estimator.js';
import { checkRandomState, RandomState, type RandomStateLike } from '../core/random.js';
import { checkSampleWeightOrOnes } from '../core/sampleWeight.js';
import { fromBase64, toBase64 } from '../core/serialize.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { Matrix } from '../core/matrix.js';
import { ProgressLogger, TerminateOnNaN, type Callback, type Logs, type TrainingModel } from './callbacks.js';
import { alloc, cast, checkDtype, toFloat64, type Arr, type DType } from './dtype.js';
import { type ForwardContext, type Layer } from './layers.js';
import { layerFrom, optimizerFrom } from './registry.js';
import { lossAndGrad, resolveLoss, type LossLike, type LossSpec } from './losses.js';
import { checkMetrics, MetricAccumulator, type NetMetric } from './metrics.js';
import { Optimizer, type OptimizerName } from './optimizers.js';

export interface CompileOptions {
  optimizer: Optimizer | OptimizerName;
  loss: LossLike;
  metrics?: NetMetric[];
  /** Precision of weights, gradients, optimizer state and activations (default: the model's, 'float64'). */
  dtype?: DType;
}

export interface SequentialOptions {
  /** Precision of weights, gradients, optimizer state and activations (default 'float64'). */
  dtype?: DType;
}

/** Default precision of a new Sequential (see the handoff / ARCHITECTURE note for the measurements behind it). */
export const DEFAULT_DTYPE: DType = 'float64';

/** Rows per inference chunk (predict, predictUpTo, predictFrom). */
const INFER_CHUNK = 4096;

/** Marks the input width of a Sequential model (Keras `Input({shape: [d]})`). */
export interface InputSpec { readonly kind: 'Input'; readonly shape: [number] }
export function Input(opts: { shape: [number] | number[] }): InputSpec {
  const d = opts?.shape?.[0];
  if (!Array.isArray(opts?.shape) || opts.shape.length !== 1 || !Number.isInteger(d) || d! < 1) throw new InvalidParameterError('shape', 'a one-element array [features >= 1]', opts?.shape, 'Input');
  return { kind: 'Input', shape: [d!] };
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Fraction of the LAST rows held out for validation (taken before shuffling, as Keras). */
  validationSplit?: number;
  /** Explicit validation set (takes precedence over validationSplit). */
  validationData?: [MatrixLike, ArrayLike<number> | ArrayLike<ArrayLike<number>>];
  /** Per-class loss weights, keyed by class index (0/1 for binary cross-entropy). */
  classWeight?: Record<number, number>;
  /** Per-row loss weights. */
  sampleWeight?: ArrayLike<number>;
  callbacks?: Callback[];
  randomState?: RandomStateLike;
  /** 1 prints one progress line per epoch on stderr. */
  verbose?: 0 | 1;
}

export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  /** Why training stopped early (TerminateOnNaN), if it did. */
  stopReason?: string;
}

type Targets = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * A Keras-style stack of layers (Dense, Activation, Dropout, BatchNormalization) trained by
 * mini-batch gradient descent on our own engine (explicit forward/backward per layer on
 * Float64Array, buffers reused between batches).
 *
 * @example
 * const model = new Sequential([new Dense(10, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 * const history = model.fit(XTrain, yTrain, { epochs: 10, batchSize: 32, randomState: 42 });
 * model.evaluate(XTest, yTest); // { loss, accuracy }
 */
export class Sequential implements TrainingModel {
  readonly layers: Layer[] = [];
  private inputDim: number | null = null;
  private compiled: { loss: Required<LossSpec>; metrics: NetMetric[]; opt: Optimizer } | null = null;
  private built = false;
  /** The dropout stream trainOnBatch continues (set by fit and by the first trainOnBatch). */
  private trainRng: RandomState | null = null;
  stopTraining = false;
  private _dtype: DType;

  constructor(layers: (Layer | InputSpec)[] = [], opts: SequentialOptions = {}) {
    this._dtype = checkDtype(opts?.dtype ?? DEFAULT_DTYPE, 'Sequential');
    for (const l of layers) this.add(l);
  }

  /** 'float32' or 'float64': the array type of every weight, gradient, optimizer slot and buffer. */
  get dtype(): DType { return this._dtype; }

  /**
   * Change the precision. A built model converts its weights (rounding to float32 when narrowing);
   * optimizer state is reset (the next step allocates it in the new precision).
   */
  setDtype(dtype: DType): this {
    const d = checkDtype(dtype, 'Sequential.setDtype');
    if (d === this._dtype) return this;
    this._dtype = d;
    if (this.built) {
      const ws = this.getWeights().map((w) => Float64Array.from(w));
      for (let i = 0, dim = this.inputDim!; i < this.layers.length; i++) { this.layers[i]!.build(dim, new RandomState(0), d); dim = this.layers[i]!.outputDim; }
      this.setWeights(ws);
    }
    if (this.compiled) this.compiled.opt.setState({ iterations: this.compiled.opt.iterations, slots: [] });
    return this;
  }

  /** Append a layer (or, first, an `Input`). */
  add(layer: Layer | InputSpec): this {
    if ((layer as InputSpec).kind === 'Input') {
      if (this.layers.length) throw new InvalidParameterError('layers', 'Input only as the first entry', 'Input after a layer', 'Sequential');
      this.inputDim = (layer as InputSpec).shape[0];
    } else {
      if (!layer || typeof (layer as Layer).forward !== 'function') throw new InvalidParameterError('layer', 'a Dense, Activation, Dropout or BatchNormalization layer', layer, 'Sequential.add');
      const l = layer as Layer & { opts?: { inputDim?: number | null } };
      if (!this.layers.length && this.inputDim === null && l.opts?.inputDim) this.inputDim = l.opts.inputDim;
      this.layers.push(l);
    }
    this.built = false;
    return this;
  }

  /** The compiled optimizer (null before compile). */
  get optimizer(): Optimizer | null { return this.compiled?.opt ?? null; }

  compile(opts: CompileOptions): this {
    const loss = resolveLoss(opts?.loss);
    const metrics = checkMetrics(opts.metrics, 'Sequential.compile');
    if (!this.layers.length) throw new InvalidParameterError('layers', 'at least one layer', 0, 'Sequential.compile');
    this.compiled = { loss, metrics, opt: optimizerFrom(opts.optimizer) };
    if (opts.dtype !== undefined) this.setDtype(opts.dtype);
    return this;
  }

  /** Create the weights for `inputDim` inputs, drawing initial values from `randomState`. */
  build(inputDim: number, randomState?: RandomStateLike): this {
    if (!Number.isInteger(inputDim) || inputDim < 1) throw new InvalidParameterError('inputDim', 'an integer >= 1', inputDim, 'Sequential.build');
    if (this.inputDim !== null && this.inputDim !== inputDim) throw new ShapeError('X', `${this.inputDim} features (the model's Input)`, `${inputDim} features`, 'Sequential');
    const rng = checkRandomState(randomState, 'randomState', 'Sequential');
    let d = inputDim;
    for (const l of this.layers) { l.build(d, rng, this._dtype); d = l.outputDim; }
    this.inputDim = inputDim;
    this.built = true;
    return this;
  }

  private get outUnits(): number { return this.layers[this.layers.length - 1]!.outputDim; }
  private get last(): Layer { return this.layers[this.layers.length - 1]!; }

  private forward(x: Arr, n: number, ctx: ForwardContext): Arr {
    let a = cast(x, this._dtype);
    for (const l of this.layers) a = l.forward(a, n, ctx);
    return a;
  }

  /** Loss and output activation are fused (gradient w.r.t. the last pre-activation). */
  private get fused(): boolean {
    const c = this.compiled!;
    const act = this.last.activation?.name;
    if (c.loss.fromLogits || !this.last.preActivation) return false;
    return (c.loss.name === 'binaryCrossentropy' && act === 'sigmoid') || (c.loss.name.endsWith('ategoricalCrossentropy') && act === 'softmax');
  }

  private targets(y: Targets, n: number, owner: string): Float64Array {
    const c = this.compiled!;
    const u = this.outUnits;
    if (y == null || typeof (y as ArrayLike<unknown>).length !== 'number') throw new DataError('y', 'an array of targets', y, owner);
    if (y.length !== n) throw new ShapeError('y', `length ${n} (the number of rows of X)`, `length ${y.length}`, owner);
    const twoD = typeof y[0] === 'object';
    if (c.loss.name === 'sparseCategoricalCrossentropy') {
      const out = Float64Array.from(y as ArrayLike<number>);
      out.forEach((v, i) => { if (!Number.isInteger(v) || v < 0 || v >= u) throw new DataError('y', `class indices in [0, ${u - 1}] (output units)`, `${v} at index ${i}`, owner); });
      return out;
    }
    const ym = twoD ? checkArray(y as ArrayLike<ArrayLike<number>>, { name: 'y', owner }) : Matrix.column(y as ArrayLike<number>);
    if (ym.cols !== u) throw new ShapeError('y', `${u} column(s), the output units of the last layer`, `${ym.cols} column(s)`, owner);
    if (c.loss.name === 'binaryCrossentropy') ym.data.forEach((v, i) => { if (v !== 0 && v !== 1) throw new DataError('y', 'labels in {0, 1} for binaryCrossentropy', `${v} at index ${i}`, owner); });
    ym.data.forEach((v, i) => { if (!Number.isFinite(v)) throw new DataError('y', 'finite targets', `${v} at index ${i}`, owner); });
    return ym.data;
  }

  private rowWeights(Y: Float64Array, n: number, opts: FitOptions): Float64Array | null {
    if (!opts.sampleWeight && !opts.classWeight) return null;
    const w = checkSampleWeightOrOnes(opts.sampleWeight, n, 'Sequential.fit');
    if (opts.classWeight) {
      const u = this.outUnits, c = this.compiled!;
      const yc = c.loss.name === 'sparseCategoricalCrossentropy' ? 1 : u;
      for (let i = 0; i < n; i++) {
        let cls: number;
        if (yc === 1) cls = Y[i]!;
        else { cls = 0; for (let j = 1; j < u; j++) if (Y[i * u + j]! > Y[i * u + cls]!) cls = j; }
        const cw = opts.classWeight[cls];
        if (cw !== undefined) {
          if (!(cw >= 0)) throw new DataError('classWeight', 'weights >= 0', `${cw} for class ${cls}`, 'Sequential.fit');
          w[i]! *= cw;
        }
      }
    }
    return w;
  }

  private penalty(): number {
    let s = 0;
    for (const l of this.layers) s += l.penalty();
    return s;
  }

  /** Train; returns the Keras-like History. Deterministic for a given randomState. */
  fit(X: MatrixLike, y: Targets, opts: FitOptions = {}): History {
    const c = this.compiled;
    if (!c) throw new NotFittedError('Sequential', 'a compiled model (call compile() first)');
    const m = checkArray(X, { owner: 'Sequential.fit' });
    const epochs = opts.epochs ?? 1;
    const bs = opts.batchSize ?? 32;
    if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidParameterError('epochs', 'an integer >= 1', epochs, 'Sequential.fit');
    if (!Number.isInteger(bs) || bs < 1) throw new InvalidParameterError('batchSize', 'an integer >= 1', bs, 'Sequential.fit');
    const vs = opts.validationSplit ?? 0;
    if (!(vs >= 0 && vs < 1)) throw new InvalidParameterError('validationSplit', 'a fraction in [0, 1)', vs, 'Sequential.fit');
    const rng = checkRandomState(opts.randomState, 'randomState', 'Sequential.fit');
    if (!this.built) this.build(m.cols, rng);
    else if (this.inputDim !== m.cols) throw new ShapeError('X', `${this.inputDim} features, as the model was built`, `${m.cols} features`, 'Sequential.fit');
    const u = this.outUnits;
    const Y = this.targets(y, m.rows, 'Sequential.fit');
    const W = this.rowWeights(Y, m.rows, opts);
    const ycols = c.loss.name === 'sparseCategoricalCrossentropy' ? 1 : u;
    let val: { X: Arr; n: number; Y: Arr } | null = null;
    let nTr = m.rows;
    if (opts.validationData) {
      const vx = checkArray(opts.validationData[0], { name: 'validationData[0]', owner: 'Sequential.fit', nFeatures: m.cols });
      val = { X: cast(vx.data, this._dtype), n: vx.rows, Y: cast(this.targets(opts.validationData[1], vx.rows, 'Sequential.fit'), this._dtype) };
    } else if (vs > 0) {
      const nVal = Math.floor(m.rows * vs);
      nTr = m.rows - nVal;
      if (nVal > 0) val = { X: cast(m.data.subarray(nTr * m.cols), this._dtype), n: nVal, Y: cast(Y.subarray(nTr * ycols), this._dtype) };
    }
    if (nTr < 1) throw new DataError('X', 'at least one training row after the validation split', nTr, 'Sequential.fit');
    const fused = this.fused;
    const params = this.layers.flatMap((l) => l.params());
    const grads = this.layers.flatMap((l) => l.grads());
    // batch buffers in the net's precision: TypedArray.set converts the float64 rows natively
    const xb = alloc(this._dtype, bs * m.cols);
    const yb = alloc(this._dtype, bs * ycols);
    const wb = W ? new Float64Array(bs) : null;
    const g = alloc(this._dtype, bs * u);
    const history: History = { epoch: [], history: { loss: [] } };
    const callbacks = [...(opts.callbacks ?? [])];
    if (opts.verbose) callbacks.push(new ProgressLogger(epochs));
    const nanGuard = callbacks.find((cb): cb is TerminateOnNaN => cb instanceof TerminateOnNaN);
    const ctx: ForwardContext = { training: true, rng };
    this.stopTraining = false;
    for (const cb of callbacks) cb.onTrainBegin?.(this);
    const order = new Int32Array(nTr);
    for (let i = 0; i < nTr; i++) order[i] = i;
    let logs: Logs = {};
    for (let e = 0; e < epochs && !this.stopTraining; e++) {
      for (const cb of callbacks) cb.onEpochBegin?.(e, this);
      if (opts.shuffle ?? true) rng.shuffle(order);
      let lossSum = 0;
      let seen = 0;
      const acc = new MetricAccumulator(c.metrics, c.loss.name, u, c.loss.fromLogits);
      let batch = 0;
      for (let s = 0; s < nTr && !this.stopTraining; s += bs, batch++) {
        const nb = Math.min(bs, nTr - s);
        // narrow rows: element loops (a subarray view + set per row cost more than the copy itself)
        const cols = m.cols, xd = m.data;
        for (let r = 0; r < nb; r++) {
          const i = order[s + r]!;
          if (cols <= 64) for (let q = 0, src = i * cols, dst = r * cols; q < cols; q++) xb[dst + q] = xd[src + q]!;
          else xb.set(xd.subarray(i * cols, (i + 1) * cols), r * cols);
          for (let q = 0; q < ycols; q++) yb[r * ycols + q] = Y[i * ycols + q]!;
          if (wb) wb[r] = W![i]!;
        }
        const xv = nb === bs ? xb : xb.subarray(0, nb * m.cols);
        const out = this.forward(xv, nb, ctx);
        const gv = g.subarray(0, nb * u);
        const loss = lossAndGrad(c.loss, out, this.last.preActivation ?? out, yb, nb, u, fused, gv, wb) + this.penalty();
        if (!Number.isFinite(loss) && !nanGuard) throw new DataError('loss', 'a finite training loss', `${loss} at epoch ${e + 1} (lower the learning rate or scale the inputs; add TerminateOnNaN to stop instead of throwing)`, 'Sequential.fit');
        lossSum += loss * nb;
        seen += nb;
        acc.add(out, yb, nb);
        for (const cb of callbacks) cb.onBatchEnd?.(batch, { loss }, this);
        if (this.stopTraining) break;
        this.backwardAndStep(gv, nb, fused, params, grads);
      }
      logs = { loss: lossSum / seen, ...acc.result() };
      if (val) {
        const ev = this.evaluateData(val.X, val.n, val.Y);
        for (const [k, v] of Object.entries(ev)) logs[`val_${k}`] = v;
      }
      history.epoch.push(e);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      for (const cb of callbacks) cb.onEpochEnd?.(e, logs, this);
    }
    this.trainRng = rng;
    if (nanGuard?.reason) history.stopReason = nanGuard.reason;
    for (const cb of callbacks) cb.onTrainEnd?.(logs, this);
    return history;
  }

  /** Backpropagate the loss gradient `gv` (n x units) through every layer, then one optimizer step. */
  private backwardAndStep(gv: Arr, nb: number, fused: boolean, params: Arr[], grads: Arr[]): void {
    let grad: Arr = gv;
    for (let k = this.layers.length - 1; k >= 0; k--) grad = this.layers[k]!.backward(grad, nb, k === this.layers.length - 1 && fused, k > 0);
    this.compiled!.opt.step(params, grads);
  }

  /**
   * Keras `train_on_batch`: one optimizer step on exactly the rows given (no shuffling, no
   * splitting), returning that batch's loss (incl. regularisation) before the update. The same
   * state changes as one batch of `fit`, so `fit(X, y, { shuffle: false, batchSize: b })` equals
   * `trainOnBatch` on the consecutive b-row slices (out-of-core SGD feeds chunks this way).
   * Dropout masks come from a training stream kept by the model: seeded by `randomState` on the
   * call that builds the weights (or the first call after construction/load), continued by later
   * calls and by `fit`. A RandomState instance passed in is used directly.
   */
  trainOnBatch(X: MatrixLike, y: Targets, opts: { sampleWeight?: ArrayLike<number>; classWeight?: Record<number, number>; randomState?: RandomStateLike } = {}): number {
    const c = this.compiled;
    if (!c) throw new NotFittedError('Sequential', 'a compiled model (call compile() first)');
    const m = checkArray(X, { owner: 'Sequential.trainOnBatch' });
    if (opts.randomState instanceof RandomState) this.trainRng = opts.randomState;
    else if (!this.trainRng || !this.built) this.trainRng = checkRandomState(opts.randomState, 'randomState', 'Sequential.trainOnBatch');
    const rng = this.trainRng;
    if (!this.built) this.build(m.cols, rng);
    else if (this.inputDim !== m.cols) throw new ShapeError('X', `${this.inputDim} features, as the model was built`, `${m.cols} features`, 'Sequential.trainOnBatch');
    const u = this.outUnits, n = m.rows, fused = this.fused;
    const Y = this.targets(y, n, 'Sequential.trainOnBatch');
    const W = this.rowWeights(Y, n, opts);
    const out = this.forward(m.data, n, { training: true, rng });
    const g = alloc(this._dtype, n * u);
    const loss = lossAndGrad(c.loss, out, this.last.preActivation ?? out, cast(Y, this._dtype), n, u, fused, g, W) + this.penalty();
    if (!Number.isFinite(loss)) throw new DataError('loss', 'a finite training loss', `${loss} (lower the learning rate or scale the inputs)`, 'Sequential.trainOnBatch');
    this.backwardAndStep(g, n, fused, this.layers.flatMap((l) => l.params()), this.layers.flatMap((l) => l.grads()));
    return loss;
  }

  private evaluateData(X: Arr, n: number, Yin: Arr): Record<string, number> {
    const c = this.compiled!;
    const u = this.outUnits;
    const Y = cast(Yin, this._dtype);
    const out = this.forward(X, n, { training: false, rng: null });
    const loss = lossAndGrad(c.loss, out, this.last.preActivation ?? out, Y, n, u, this.fused, alloc(this._dtype, n * u)) + this.penalty();
    const acc = new MetricAccumulator(c.metrics, c.loss.name, u, c.loss.fromLogits);
    acc.add(out, Y, n);
    return { loss, ...acc.result() };
  }

  /**
   * Loss and gradients of every trainable array on one batch (training mode; dropout masks drawn
   * from `randomState`), without updating weights. Used by gradient checks and custom loops.
   */
  computeGradients(X: MatrixLike, y: Targets, opts: { randomState?: RandomStateLike; sampleWeight?: ArrayLike<number> } = {}): { loss: number; grads: Arr[] } {
    const c = this.compiled;
    if (!c) throw new NotFittedError('Sequential', 'a compiled model (call compile() first)');
    const m = checkArray(X, { owner: 'Sequential.computeGradients' });
    const rng = checkRandomState(opts.randomState ?? 0, 'randomState', 'Sequential.computeGradients');
    if (!this.built) this.build(m.cols, rng);
    const Y = this.targets(y, m.rows, 'Sequential.computeGradients');
    const W = this.rowWeights(Y, m.rows, { sampleWeight: opts.sampleWeight });
    const u = this.outUnits, fused = this.fused;
    const out = this.forward(m.data, m.rows, { training: true, rng });
    const g = alloc(this._dtype, m.rows * u);
    const loss = lossAndGrad(c.loss, out, this.last.preActivation ?? out, cast(Y, this._dtype), m.rows, u, fused, g, W) + this.penalty();
    let grad: Arr = g;
    for (let k = this.layers.length - 1; k >= 0; k--) grad = this.layers[k]!.backward(grad, m.rows, k === this.layers.length - 1 && fused, k > 0);
    return { loss, grads: this.layers.flatMap((l) => l.grads()).map((a) => a.slice()) };
  }

  /**
   * Custom training loops (DEC, gradient x input): run layers `from`..`to - 1` on `n` rows of `x`
   * (row-major Float64Array), keeping what `backwardLayers` needs. Returns the output buffer of
   * layer `to - 1`, owned by the layer and overwritten by its next forward call (copy to keep).
   * `training` switches Dropout/BatchNormalization as in fit (default false: inference).
   */
  forwardLayers(x: Arr, n: number, opts: { from?: number; to?: number; training?: boolean; randomState?: RandomStateLike } = {}): Arr {
    if (!this.built) throw new NotFittedError('Sequential', 'weights (call fit() or build() first)');
    const [from, to] = this.layerRange(opts.from, opts.to, 'Sequential.forwardLayers');
    const d = from === 0 ? this.inputDim! : this.layers[from - 1]!.outputDim;
    if (!Number.isInteger(n) || n < 1 || x.length < n * d) throw new ShapeError('x', `at least n * ${d} = ${n * d} values for layer ${from}'s input`, `length ${x.length}`, 'Sequential.forwardLayers');
    const xv = cast(x.length === n * d ? x : x.subarray(0, n * d), this._dtype);
    const ctx: ForwardContext = { training: opts.training ?? false, rng: opts.training ? checkRandomState(opts.randomState ?? 0, 'randomState', 'Sequential.forwardLayers') : null };
    let a = xv;
    for (let k = from; k < to; k++) a = this.layers[k]!.forward(a, n, ctx);
    return a;
  }

  /**
   * Backpropagate `grad` (n x output width of layer `to - 1`, the gradient of any loss w.r.t. that
   * output) through layers `to - 1`..`from` after a `forwardLayers` call on the same rows: fills
   * every layer's `grads()` and returns the gradient w.r.t. the input of layer `from` (computed
   * only when `inputGrad` is true, the default; fit skips it for the first layer).
   */
  backwardLayers(grad: Arr, n: number, opts: { from?: number; to?: number; inputGrad?: boolean } = {}): Arr {
    if (!this.built) throw new NotFittedError('Sequential', 'weights (call fit() or build() first)');
    const [from, to] = this.layerRange(opts.from, opts.to, 'Sequential.backwardLayers');
    const u = this.layers[to - 1]!.outputDim;
    if (grad.length !== n * u) throw new ShapeError('grad', `n * ${u} = ${n * u} values (layer ${to - 1}'s output)`, `length ${grad.length}`, 'Sequential.backwardLayers');
    let g = cast(grad, this._dtype);
    for (let k = to - 1; k >= from; k--) g = this.layers[k]!.backward(g, n, false, k > from || (opts.inputGrad ?? true));
    return g;
  }

  private layerRange(from = 0, to = this.layers.length, owner: string): [number, number] {
    const L = this.layers.length;
    if (!Number.isInteger(from) || from < 0 || from >= L) throw new InvalidParameterError('from', `an integer in [0, ${L - 1}]`, from, owner);
    if (!Number.isInteger(to) || to <= from || to > L) throw new InvalidParameterError('to', `an integer in [${from + 1}, ${L}]`, to, owner);
    return [from, to];
  }

  /** Loss (incl. regularisation, as Keras) and compiled metrics on data. */
  evaluate(X: MatrixLike, y: Targets): { loss: number } & Partial<Record<NetMetric, number>> {
    if (!this.compiled || !this.built) throw new NotFittedError('Sequential', 'trained weights');
    const m = checkArray(X, { owner: 'Sequential.evaluate', nFeatures: this.inputDim! });
    return this.evaluateData(m.data, m.rows, this.targets(y, m.rows, 'Sequential.evaluate')) as { loss: number };
  }

  /** Network outputs (n x units), inference mode (no dropout, moving statistics). */
  predict(X: MatrixLike): Matrix {
    if (!this.built) throw new NotFittedError('Sequential', 'weights (call fit() or build() first)');
    const m = checkArray(X, { owner: 'Sequential.predict', nFeatures: this.inputDim! });
    return new Matrix(this.inferRows(m.data, m.rows, 0, this.layers.length), m.rows, this.outUnits);
  }

  /**
   * Output of the first `k` layers (inference mode): the learned representation a fusion step
   * feeds to clustering, trees or rules.
   */
  predictUpTo(X: MatrixLike, k: number): Matrix {
    if (!this.built) throw new NotFittedError('Sequential', 'weights (call fit() or build() first)');
    if (!Number.isInteger(k) || k < 1 || k > this.layers.length) throw new InvalidParameterError('k', `an integer in [1, ${this.layers.length}]`, k, 'Sequential.predictUpTo');
    const m = checkArray(X, { owner: 'Sequential.predictUpTo', nFeatures: this.inputDim! });
    return new Matrix(this.inferRows(m.data, m.rows, 0, k), m.rows, this.layers[k - 1]!.outputDim);
  }

  /** Run layers `k`.. to the end on `Z` (the output of layer k-1), inference mode: the decoder half of an autoencoder. */
  predictFrom(Z: MatrixLike, k: number): Matrix {
    if (!this.built) throw new NotFittedError('Sequential', 'weights (call fit() or build() first)');
    if (!Number.isInteger(k) || k < 1 || k >= this.layers.length) throw new InvalidParameterError('k', `an integer in [1, ${this.layers.length - 1}]`, k, 'Sequential.predictFrom');
    const m = checkArray(Z, { name: 'Z', owner: 'Sequential.predictFrom', nFeatures: this.layers[k - 1]!.outputDim });
    return new Matrix(this.inferRows(m.data, m.rows, k, this.layers.length), m.rows, this.outUnits);
  }

  /**
   * Inference through layers [from, to) on n rows of float64 `x`, in chunks of INFER_CHUNK rows so
   * the layers' buffers stay small (a 70,000-row predict through a 2000-unit layer would otherwise
   * allocate GBs, then reallocate at the next training batch). Rows are independent, so the result
   * equals one pass on all rows up to the kernel choice for a short last chunk.
   */
  private inferRows(x: Float64Array, n: number, from: number, to: number): Float64Array {
    const d = from === 0 ? this.inputDim! : this.layers[from - 1]!.outputDim;
    const u = this.layers[to - 1]!.outputDim;
    const out = new Float64Array(n * u);
    const ctx: ForwardContext = { training: false, rng: null };
    for (let s = 0; s < n; s += INFER_CHUNK) {
      const nb = Math.min(INFER_CHUNK, n - s);
      let a = cast(x.subarray(s * d, (s + nb) * d), this._dtype);
      for (let i = from; i < to; i++) a = this.layers[i]!.forward(a, nb, ctx);
      out.set(a.length === nb * u ? a : a.subarray(0, nb * u), s * u);
    }
    return out;
  }

  /** All weights in Keras order (per layer: kernel, bias; BatchNormalization: gamma, beta, moving mean, moving variance). */
  getWeights(): Arr[] {
    return this.layers.flatMap((l) => l.weights());
  }

  /** Copy values into the weights (any numeric arrays; converted to the model's precision). */
  setWeights(ws: ArrayLike<number>[]): void {
    const cur = this.getWeights();
    if (!Array.isArray(ws) || ws.length !== cur.length) throw new ShapeError('weights', `${cur.length} arrays`, `${ws?.length} arrays`, 'Sequential.setWeights');
    cur.forEach((w, k) => {
      if (ws[k]!.length !== w.length) throw new ShapeError('weights', `array ${k} of length ${w.length}`, `length ${ws[k]!.length}`, 'Sequential.setWeights');
      w.set(ws[k]! as ArrayLike<number>);
    });
  }

  /** Keras-like summary table with parameter counts. */
  summary(): string {
    const counts: Record<string, number> = {};
    let trainable = 0, total = 0;
    const rows = this.layers.map((l) => {
      const base = l.kind.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
      const k = counts[base] = (counts[base] ?? -1) + 1;
      const tp = l.params().reduce((s, a) => s + a.length, 0);
      const all = l.weights().reduce((s, a) => s + a.length, 0);
      trainable += tp; total += all;
      return [`${base}${k ? '_' + k : ''} (${l.kind})`, this.built ? `(None, ${l.outputDim})` : '(unbuilt)', String(all)];
    });
    const line = '_'.repeat(78);
    return [line, 'Layer (type)'.padEnd(44) + 'Output Shape'.padEnd(22) + 'Param #', '='.repeat(78),
      ...rows.map((r) => r[0]!.padEnd(44) + r[1]!.padEnd(22) + r[2]), '='.repeat(78),
      `Total params: ${total}`, `Trainable params: ${trainable}`, `Non-trainable params: ${total - trainable}`, line].join('\n');
  }

  /**
   * The estimators' saved-model layout (`SavedModel`): `params` = architecture (`layers` as
   * `{ class, config }`, `inputDim`, `dtype`), `state` = compile settings and weights (raw bytes of
   * the model's precision, base64, bit-exact), and with `{ includeOptimizer: true }` the optimizer's
   * step count and slots (Adam's moments...) plus the trainOnBatch dropout stream, so a reloaded
   * model resumes training exactly (Keras `include_optimizer`). Layer, optimizer and schedule classes are looked up by name on load, user classes
   * through `registerLayer` / `registerOptimizer` / `registerSchedule` (nn/registry.ts).
   */
  toJSON(opts: { includeOptimizer?: boolean } | string = {}): SavedModel {
    const c = this.compiled;
    // JSON.stringify calls toJSON(key): only an options object counts
    const withOpt = typeof opts === 'object' && opts !== null && opts.includeOptimizer === true;
    const b64 = (w: Arr) => toBase64(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
    const st = c && withOpt ? c.opt.getState() : null;
    return {
      format: 'deepmine', formatVersion: FORMAT_VERSION, kind: 'Sequential', version: LIBRARY_VERSION,
      params: { layers: this.layers.map((l) => ({ class: l.kind, config: l.getConfig() })), inputDim: this.inputDim, dtype: this._dtype },
      state: {
        compile: c ? { loss: c.loss, metrics: c.metrics, optimizer: c.opt.getConfig() } : null,
        built: this.built,
        // raw bytes of the model's precision: float32 weights round-trip bit-exactly
        weights: this.built ? this.getWeights().map(b64) : null,
        ...(st ? { optimizerState: { iterations: st.iterations, slots: st.slots.map((ss) => ss.map(b64)) } } : {}),
        ...(this.trainRng && withOpt ? { trainRng: this.trainRng.getState() } : {}),
      },
    };
  }

  /** Inverse of `toJSON` (also reads the layout before 0.1.0's SavedModel alignment: layers, compile, weights at the top level). */
  static fromJSON(saved: SavedModel | Record<string, unknown>): Sequential {
    const raw = saved as Record<string, unknown>;
    if (raw.kind !== 'Sequential') throw new DataError('json', "a saved Sequential (kind 'Sequential')", raw.kind, 'Sequential.fromJSON');
    const json: Record<string, unknown> = raw.params && raw.state ? { ...(raw.params as object), ...(raw.state as object) } : raw;
    const specs = json.layers as { class?: string; config: Record<string, unknown>; inputDim?: number }[];
    // files written before the dtype option are float64
    const dtype = checkDtype(json.dtype ?? 'float64', 'Sequential.fromJSON');
    const model = new Sequential(specs.map((s) => layerFrom(s.class ?? 'Dense', s.config)), { dtype });
    const decode = (b: string): Arr => (dtype === 'float32' ? new Float32Array(fromBase64(b).buffer) : new Float64Array(fromBase64(b).buffer));
    const inputDim = (json.inputDim as number | null | undefined) ?? specs[0]?.inputDim ?? null;
    const comp = json.compile as { loss: LossSpec; metrics: NetMetric[]; optimizer: Record<string, unknown> } | null | undefined;
    if (comp) model.compile({ loss: comp.loss, metrics: comp.metrics, optimizer: optimizerFrom(comp.optimizer) });
    if (json.built) {
      model.build(inputDim!, new RandomState(0));
      model.setWeights((json.weights as string[]).map(decode));
    } else if (inputDim !== null) model.inputDim = inputDim;
    const os = json.optimizerState as { iterations: number; slots: string[][] } | undefined;
    if (os && model.compiled) model.compiled.opt.setState({ iterations: os.iterations, slots: os.slots.map((ss) => ss.map(decode)) });
    if (json.trainRng) { const r = new RandomState(0); r.setState(json.trainRng as ReturnType<RandomState['getState']>); model.trainRng = r; }
    return model;
  }

  /**
   * Write `toJSON()` to a file (Node only), refusing to replace an existing file unless
   * `{ overwrite: true }`, like `saveModel`. `node:fs` is imported at call time through a
   * computed specifier, so browser bundles never try to resolve it.
   */
  async save(path: string, opts: { overwrite?: boolean; includeOptimizer?: boolean } = {}): Promise<void> {
    const spec = ['node', 'fs/promises'].join(':');
    let fs: { writeFile(p: string, data: string, o: { flag: string }): Promise<void> };
    try {
      fs = (await import(/* @vite-ignore */ spec)) as typeof fs;
    } catch {
      throw new IOError(path, 'Sequential.save: writing files needs Node (in a browser, store JSON.stringify(model.toJSON()) yourself)');
    }
    try {
      await fs.writeFile(path, JSON.stringify(this.toJSON({ includeOptimizer: opts.includeOptimizer ?? true })), { flag: opts.overwrite ? 'w' : 'wx' });
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') throw new IOError(path, 'Sequential.save: the file exists already; pass { overwrite: true } to replace it');
      throw new IOError(path, `Sequential.save: cannot write the file: ${(e as Error).message}`);
    }
  }
}

registerLoader('Sequential', (json) => Sequential.fromJSON(json));

import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../core/errors.js';
import { LIBRARY_VERSION, registerLoader } from '../core/estimator.js';
import { checkRandomState, RandomState, type RandomStateLike } from '../core/random.js';
import { fromBase64, toBase64 } from '../core/serialize.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { Matrix } from '../core/matrix.js';
import { Dense } from './layers.js';
import { lossAndGrad, LOSS_NAMES, type LossName } from './losses.js';
import { getOptimizer, type Optimizer } from './optimizers.js';

export interface CompileOptions {
  optimizer: Optimizer | 'adam' | 'sgd';
  loss: LossName;
  metrics?: ('accuracy')[];
}

export interface Callback {
  onEpochEnd?(epoch: number, logs: Record<string, number>, model: Sequential): void;
}

/** Keras EarlyStopping: stop when `monitor` has not improved by `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  private best = Infinity;
  private wait = 0;
  private bestWeights: Float64Array[] | null = null;
  constructor(readonly opts: { monitor?: string; patience?: number; minDelta?: number; restoreBestWeights?: boolean } = {}) {}
  onEpochEnd(_e: number, logs: Record<string, number>, model: Sequential): void {
    const key = this.opts.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
    const v = logs[key];
    if (v === undefined) throw new InvalidParameterError('monitor', `one of ${Object.keys(logs).join(', ')}`, key, 'EarlyStopping');
    if (v < this.best - (this.opts.minDelta ?? 0)) {
      this.best = v;
      this.wait = 0;
      if (this.opts.restoreBestWeights) this.bestWeights = model.getWeights().map((w) => w.slice());
    } else if (++this.wait >= (this.opts.patience ?? 0)) {
      model.stopTraining = true;
      if (this.bestWeights) model.setWeights(this.bestWeights);
    }
  }
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Fraction of the LAST rows held out for validation (taken before shuffling, as Keras). */
  validationSplit?: number;
  callbacks?: Callback[];
  randomState?: RandomStateLike;
  verbose?: 0 | 1;
}

export interface History {
  epoch: number[];
  history: Record<string, number[]>;
}

/**
 * A Keras-style stack of Dense layers trained by mini-batch gradient descent on our own engine
 * (explicit forward/backward per layer on Float64Array, buffers reused between batches).
 *
 * @example
 * const model = new Sequential([new Dense(10, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 * const history = model.fit(XTrain, yTrain, { epochs: 10, batchSize: 32, randomState: 42 });
 * model.evaluate(XTest, yTest); // { loss, accuracy }
 */
export class Sequential {
  readonly layers: Dense[];
  private compiled: (CompileOptions & { opt: Optimizer }) | null = null;
  private built = false;
  stopTraining = false;

  constructor(layers: Dense[] = []) {
    this.layers = [...layers];
  }

  add(layer: Dense): this {
    this.layers.push(layer);
    this.built = false;
    return this;
  }

  compile(opts: CompileOptions): this {
    if (!LOSS_NAMES.includes(opts.loss)) throw new InvalidParameterError('loss', `one of ${LOSS_NAMES.join(', ')}`, opts.loss, 'Sequential.compile');
    for (const m of opts.metrics ?? []) if (m !== 'accuracy') throw new InvalidParameterError('metrics', "['accuracy']", m, 'Sequential.compile');
    if (!this.layers.length) throw new InvalidParameterError('layers', 'at least one layer', 0, 'Sequential.compile');
    this.compiled = { ...opts, opt: getOptimizer(opts.optimizer) };
    return this;
  }

  /** Create the weights for `inputDim` inputs, drawing initial values from `randomState`. */
  build(inputDim: number, randomState?: RandomStateLike): this {
    const rng = checkRandomState(randomState, 'randomState', 'Sequential');
    let d = inputDim;
    for (const l of this.layers) { l.build(d, rng); d = l.units; }
    this.built = true;
    return this;
  }

  private get outUnits(): number { return this.layers[this.layers.length - 1]!.units; }

  private forward(x: Float64Array, n: number): Float64Array {
    let a = x;
    for (const l of this.layers) a = l.forward(a, n);
    return a;
  }

  private targets(y: ArrayLike<number> | ArrayLike<ArrayLike<number>>, n: number): Float64Array {
    const c = this.compiled!;
    const u = this.outUnits;
    if (y == null || typeof (y as ArrayLike<unknown>).length !== 'number') throw new DataError('y', 'an array of targets', y, 'Sequential.fit');
    if (y.length !== n) throw new ShapeError('y', `length ${n} (the number of rows of X)`, `length ${y.length}`, 'Sequential.fit');
    const twoD = typeof y[0] === 'object';
    if (c.loss === 'sparseCategoricalCrossentropy') {
      const out = Float64Array.from(y as ArrayLike<number>);
      out.forEach((v, i) => { if (!Number.isInteger(v) || v < 0 || v >= u) throw new DataError('y', `class indices in [0, ${u - 1}] (output units)`, `${v} at index ${i}`, 'Sequential.fit'); });
      return out;
    }
    const ym = twoD ? checkArray(y as ArrayLike<ArrayLike<number>>, { name: 'y', owner: 'Sequential.fit' }) : Matrix.column(y as ArrayLike<number>);
    if (ym.cols !== u) throw new ShapeError('y', `${u} column(s), the output units of the last layer`, `${ym.cols} column(s)`, 'Sequential.fit');
    if (c.loss === 'binaryCrossentropy') ym.data.forEach((v, i) => { if (v !== 0 && v !== 1) throw new DataError('y', 'labels in {0, 1} for binaryCrossentropy', `${v} at index ${i}`, 'Sequential.fit'); });
    ym.data.forEach((v, i) => { if (!Number.isFinite(v)) throw new DataError('y', 'finite targets', `${v} at index ${i}`, 'Sequential.fit'); });
    return ym.data;
  }

  /** Train; returns the Keras-like History. Deterministic for a given randomState. */
  fit(X: MatrixLike, y: ArrayLike<number> | ArrayLike<ArrayLike<number>>, opts: FitOptions = {}): History {
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
    else if (this.layers[0]!.inputDim !== m.cols) throw new ShapeError('X', `${this.layers[0]!.inputDim} features, as the model was built`, `${m.cols} features`, 'Sequential.fit');
    const u = this.outUnits;
    const Y = this.targets(y, m.rows);
    const ycols = c.loss === 'sparseCategoricalCrossentropy' ? 1 : u;
    const nVal = Math.floor(m.rows * vs);
    const nTr = m.rows - nVal;
    const last = this.layers[this.layers.length - 1]!;
    const act = last.activation.name;
    const fused = (c.loss === 'binaryCrossentropy' && act === 'sigmoid') || (c.loss !== 'binaryCrossentropy' && c.loss.includes('ategorical') && act === 'softmax');
    const params = this.layers.flatMap((l) => (l.b.length ? [l.W, l.b] : [l.W]));
    const grads = this.layers.flatMap((l) => (l.b.length ? [l.gW, l.gb] : [l.gW]));
    const xb = new Float64Array(bs * m.cols);
    const yb = new Float64Array(bs * ycols);
    const g = new Float64Array(bs * u);
    const history: History = { epoch: [], history: { loss: [] } };
    this.stopTraining = false;
    const order = new Int32Array(nTr);
    for (let i = 0; i < nTr; i++) order[i] = i;
    for (let e = 0; e < epochs && !this.stopTraining; e++) {
      if (opts.shuffle ?? true) rng.shuffle(order);
      let lossSum = 0;
      let correct = 0;
      for (let s = 0; s < nTr; s += bs) {
        const nb = Math.min(bs, nTr - s);
        for (let r = 0; r < nb; r++) {
          const i = order[s + r]!;
          xb.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
          yb.set(Y.subarray(i * ycols, (i + 1) * ycols), r * ycols);
        }
        const xv = nb === bs ? xb : xb.subarray(0, nb * m.cols);
        const out = this.forward(xv, nb);
        const gv = g.subarray(0, nb * u);
        const loss = lossAndGrad(c.loss, out, last.preActivation, yb, nb, u, fused, gv);
        if (!Number.isFinite(loss)) throw new DataError('loss', 'a finite training loss', `${loss} at epoch ${e + 1} (lower the learning rate or scale the inputs)`, 'Sequential.fit');
        lossSum += loss * nb;
        if (c.metrics?.includes('accuracy')) correct += countCorrect(c.loss, out, yb, nb, u);
        let grad: Float64Array = gv;
        for (let k = this.layers.length - 1; k >= 0; k--) grad = this.layers[k]!.backward(grad, nb, k === this.layers.length - 1 && fused);
        c.opt.step(params, grads);
      }
      const logs: Record<string, number> = { loss: lossSum / nTr };
      if (c.metrics?.includes('accuracy')) logs.accuracy = correct / nTr;
      if (nVal > 0) {
        const ev = this.evaluateRange(m, Y, nTr, m.rows);
        logs.val_loss = ev.loss;
        if (ev.accuracy !== undefined) logs.val_accuracy = ev.accuracy;
      }
      history.epoch.push(e);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      if (opts.verbose) console.error(`Epoch ${e + 1}/${epochs} - ${Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ')}`);
      for (const cb of opts.callbacks ?? []) cb.onEpochEnd?.(e, logs, this);
    }
    return history;
  }

  private evaluateRange(m: Matrix, Y: Float64Array, from: number, to: number): { loss: number; accuracy?: number } {
    const c = this.compiled!;
    const u = this.outUnits;
    const ycols = c.loss === 'sparseCategoricalCrossentropy' ? 1 : u;
    const n = to - from;
    const out = this.forward(m.data.subarray(from * m.cols, to * m.cols), n);
    const last = this.layers[this.layers.length - 1]!;
    const fused = (c.loss === 'binaryCrossentropy' && last.activation.name === 'sigmoid') || (c.loss.includes('ategorical') && last.activation.name === 'softmax');
    const yv = Y.subarray(from * ycols, to * ycols);
    const loss = lossAndGrad(c.loss, out, last.preActivation, yv, n, u, fused, new Float64Array(n * u));
    return c.metrics?.includes('accuracy') ? { loss, accuracy: countCorrect(c.loss, out, yv, n, u) / n } : { loss };
  }

  /** Loss (and metrics) on data. */
  evaluate(X: MatrixLike, y: ArrayLike<number> | ArrayLike<ArrayLike<number>>): { loss: number; accuracy?: number } {
    if (!this.compiled || !this.built) throw new NotFittedError('Sequential', 'trained weights');
    const m = checkArray(X, { owner: 'Sequential.evaluate', nFeatures: this.layers[0]!.inputDim });
    return this.evaluateRange(m, this.targets(y, m.rows), 0, m.rows);
  }

  /** Network outputs (n x units). */
  predict(X: MatrixLike): Matrix {
    if (!this.built) throw new NotFittedError('Sequential', 'weights (call fit() or build() first)');
    const m = checkArray(X, { owner: 'Sequential.predict', nFeatures: this.layers[0]!.inputDim });
    return new Matrix(this.forward(m.data, m.rows).slice(), m.rows, this.outUnits);
  }

  getWeights(): Float64Array[] {
    return this.layers.flatMap((l) => (l.b.length ? [l.W, l.b] : [l.W]));
  }

  setWeights(ws: Float64Array[]): void {
    const cur = this.getWeights();
    if (ws.length !== cur.length) throw new ShapeError('weights', `${cur.length} arrays`, `${ws.length} arrays`, 'Sequential.setWeights');
    cur.forEach((w, k) => {
      if (ws[k]!.length !== w.length) throw new ShapeError('weights', `array ${k} of length ${w.length}`, `length ${ws[k]!.length}`, 'Sequential.setWeights');
      w.set(ws[k]!);
    });
  }

  /** Keras-like summary table with parameter counts. */
  summary(): string {
    const rows = this.layers.map((l, i) => [`dense_${i} (Dense)`, `(None, ${l.units})`, String(l.nParams)]);
    const total = this.layers.reduce((s, l) => s + l.nParams, 0);
    const line = '_'.repeat(60);
    return [line, 'Layer (type)                Output Shape          Param #', '='.repeat(60),
      ...rows.map((r) => r[0]!.padEnd(28) + r[1]!.padEnd(22) + r[2]), '='.repeat(60), `Total params: ${total}`, line].join('\n');
  }

  /** Architecture + weights (float64, base64, bit-exact). */
  toJSON(): Record<string, unknown> {
    return {
      format: 'deepmine', formatVersion: 1, kind: 'Sequential', version: LIBRARY_VERSION,
      layers: this.layers.map((l) => ({ class: 'Dense', config: l.getConfig(), inputDim: l.inputDim })),
      built: this.built,
      weights: this.built ? this.getWeights().map((w) => toBase64(new Uint8Array(w.buffer, w.byteOffset, w.byteLength))) : null,
    };
  }

  static fromJSON(json: Record<string, unknown>): Sequential {
    if (json.kind !== 'Sequential') throw new DataError('json', "a saved Sequential (kind 'Sequential')", json.kind, 'Sequential.fromJSON');
    const specs = json.layers as { config: { units: number } & Record<string, unknown>; inputDim: number }[];
    const model = new Sequential(specs.map((s) => new Dense(s.config.units, s.config as never)));
    if (json.built) {
      model.build(specs[0]!.inputDim, new RandomState(0));
      model.setWeights((json.weights as string[]).map((b) => new Float64Array(fromBase64(b).buffer)));
    }
    return model;
  }
}

registerLoader('Sequential', (json) => Sequential.fromJSON(json));

function countCorrect(loss: LossName, out: Float64Array, y: Float64Array, n: number, u: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (loss === 'binaryCrossentropy' || u === 1) { if ((out[i]! > 0.5 ? 1 : 0) === y[i]) c++; continue; }
    let best = 0;
    for (let j = 1; j < u; j++) if (out[i * u + j]! > out[i * u + best]!) best = j;
    const truth = loss === 'sparseCategoricalCrossentropy' ? y[i]! : argmax(y.subarray(i * u, i * u + u));
    if (best === truth) c++;
  }
  return c;
}

function argmax(a: Float64Array): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i;
  return b;
}

import { InvalidParameterError } from '../core/errors.js';
import { powInt } from './detmath.js';
import { allocLike, type Arr } from './dtype.js';
import { adam32 } from './nnWasm.js';
import { scheduleFromConfig, type LearningRateSchedule } from './schedules.js';

export interface OptimizerOptions {
  /** A number or a schedule evaluated at the number of updates already applied. */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay: `w -= w * weightDecay * lr` before each update (Keras' `weight_decay`). */
  weightDecay?: number | null;
}

/**
 * Base optimizer (Keras 3 semantics): each `step` applies weight decay, then the subclass's
 * `update` with the current learning rate. `iterations` counts the steps taken.
 */
export abstract class Optimizer {
  abstract readonly name: string;
  learningRate: number | LearningRateSchedule;
  readonly weightDecay: number | null;
  iterations = 0;
  protected slots: Arr[][] = [];

  constructor(opts: OptimizerOptions, defaultLr: number, owner: string) {
    const lr = opts.learningRate ?? defaultLr;
    if (typeof lr === 'number') checkLr(lr, owner);
    else if (!lr || typeof lr.at !== 'function') throw new InvalidParameterError('learningRate', 'a positive number or a LearningRateSchedule', lr, owner);
    this.learningRate = lr;
    const wd = opts.weightDecay ?? null;
    if (wd !== null && !(typeof wd === 'number' && wd >= 0 && Number.isFinite(wd))) throw new InvalidParameterError('weightDecay', 'a finite number >= 0 or null', wd, owner);
    this.weightDecay = wd;
  }

  /** The learning rate the next step will use. */
  get currentLearningRate(): number {
    return typeof this.learningRate === 'number' ? this.learningRate : this.learningRate.at(this.iterations);
  }

  /** Number of per-parameter state arrays (e.g. 2 for Adam's m and v). */
  protected abstract nSlots(): number;
  protected slotInit(): number { return 0; }
  protected abstract update(w: Arr, g: Arr, slots: Arr[], lr: number): void;

  step(params: Arr[], grads: Arr[]): void {
    if (this.slots.length !== params.length) {
      this.slots = params.map((p) => Array.from({ length: this.nSlots() }, () => allocLike(p, p.length).fill(this.slotInit())));
    }
    const lr = this.currentLearningRate;
    const wd = this.weightDecay;
    this.beforeStep();
    for (let k = 0; k < params.length; k++) {
      const w = params[k]!;
      if (wd) for (let i = 0; i < w.length; i++) w[i] = w[i]! - w[i]! * wd * lr;
      this.update(w, grads[k]!, this.slots[k]!, lr);
    }
    this.iterations++;
  }
  protected beforeStep(): void {}

  /**
   * The optimizer's per-parameter state (Adam's moments, momentum buffers...) and step count, as
   * saved by `Sequential.save(path, { includeOptimizer: true })`. Empty slots before the first step.
   */
  getState(): { iterations: number; slots: Arr[][] } {
    return { iterations: this.iterations, slots: this.slots };
  }

  /** Restore `getState()` output (arrays are used as given: the next step continues from them). */
  setState(state: { iterations: number; slots: Arr[][] }): void {
    if (!Number.isInteger(state?.iterations) || state.iterations < 0) throw new InvalidParameterError('iterations', 'an integer >= 0', state?.iterations, `${this.constructor.name}.setState`);
    if (!Array.isArray(state.slots) || state.slots.some((s) => !Array.isArray(s) || (s.length !== this.nSlots()))) throw new InvalidParameterError('slots', `${this.nSlots()} state arrays per parameter`, state.slots?.map((s) => s?.length), `${this.constructor.name}.setState`);
    this.iterations = state.iterations;
    this.slots = state.slots;
  }

  protected baseConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: typeof this.learningRate === 'number' ? this.learningRate : this.learningRate.getConfig(), weightDecay: this.weightDecay };
  }
  abstract getConfig(): Record<string, unknown>;
}

/** Keras SGD: v = momentum * v - lr * g; w += v (nesterov: w += momentum * v - lr * g). Default lr 0.01. */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(opts: OptimizerOptions & { momentum?: number; nesterov?: boolean } = {}) {
    super(opts, 0.01, 'SGD');
    this.momentum = opts.momentum ?? 0;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new InvalidParameterError('momentum', 'a number in [0, 1]', opts.momentum, 'SGD');
    this.nesterov = opts.nesterov ?? false;
  }
  protected nSlots() { return 1; }
  protected update(w: Arr, g: Arr, [v]: Arr[], lr: number): void {
    const mu = this.momentum;
    if (mu === 0) { for (let i = 0; i < w.length; i++) w[i]! -= lr * g[i]!; return; }
    for (let i = 0; i < w.length; i++) {
      v![i] = mu * v![i]! - lr * g[i]!;
      w[i]! += this.nesterov ? mu * v![i]! - lr * g[i]! : v![i]!;
    }
  }
  getConfig() { return { ...this.baseConfig(), momentum: this.momentum, nesterov: this.nesterov }; }
}

export interface AdamOptions extends OptimizerOptions { beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean }

/**
 * Keras Adam: alpha = lr * sqrt(1 - b2^t) / (1 - b1^t); m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
 * w -= alpha * m / (sqrt(v) + epsilon). Defaults lr 0.001, b1 0.9, b2 0.999, epsilon 1e-7.
 * (PyTorch's Adam adds its eps to sqrt(v_hat); torch eps = keras epsilon / sqrt(1 - b2^t).)
 */
export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  private alphaScale = 1;
  constructor(opts: AdamOptions = {}, owner = 'Adam') {
    super(opts, 0.001, owner);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.amsgrad = opts.amsgrad ?? false;
    for (const [k, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) if (!(v >= 0 && v < 1)) throw new InvalidParameterError(k, 'a number in [0, 1)', v, owner);
    if (!(this.epsilon >= 0)) throw new InvalidParameterError('epsilon', 'a number >= 0', this.epsilon, owner);
  }
  protected nSlots() { return 3; }
  protected override beforeStep(): void {
    const t = this.iterations + 1;
    this.alphaScale = Math.sqrt(1 - powInt(this.beta2, t)) / (1 - powInt(this.beta1, t)); // engine-independent powers
  }
  protected update(w: Arr, g: Arr, [m, v, vh]: Arr[], lr: number): void {
    const b1 = this.beta1, b2 = this.beta2, eps = this.epsilon;
    const alpha = lr * this.alphaScale;
    // float32: the WebAssembly f64x2 kernel runs this loop's float64 operations (same bits)
    if (!this.amsgrad && w.length >= 64 && w instanceof Float32Array && g instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array && adam32(w, g, m, v, 1 - b1, 1 - b2, alpha, eps)) return;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      m![i]! += (gi - m![i]!) * (1 - b1);
      v![i]! += (gi * gi - v![i]!) * (1 - b2);
      let vv = v![i]!;
      if (this.amsgrad) { vh![i] = Math.max(vh![i]!, vv); vv = vh![i]!; }
      w[i]! -= (m![i]! * alpha) / (Math.sqrt(vv) + eps);
    }
  }
  getConfig() { return { ...this.baseConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad }; }
}

/** Keras AdamW: Adam with decoupled weight decay (default 0.004), `w -= w * wd * lr` before the Adam step. */
export class AdamW extends Adam {
  override readonly name = 'adamw';
  constructor(opts: AdamOptions = {}) {
    super({ ...opts, weightDecay: opts.weightDecay ?? 0.004 }, 'AdamW');
  }
}

/**
 * Keras RMSprop: v = rho v + (1 - rho) g^2; inc = lr g / sqrt(v + epsilon) (centered: v - mean_g^2 + eps);
 * with momentum: mom = momentum * mom + inc, w -= mom; else w -= inc. Defaults lr 0.001, rho 0.9, epsilon 1e-7.
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  constructor(opts: OptimizerOptions & { rho?: number; momentum?: number; epsilon?: number; centered?: boolean } = {}) {
    super(opts, 0.001, 'RMSprop');
    this.rho = opts.rho ?? 0.9;
    this.momentum = opts.momentum ?? 0;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.centered = opts.centered ?? false;
    if (!(this.rho >= 0 && this.rho < 1)) throw new InvalidParameterError('rho', 'a number in [0, 1)', this.rho, 'RMSprop');
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new InvalidParameterError('momentum', 'a number in [0, 1)', this.momentum, 'RMSprop');
  }
  protected nSlots() { return 3; }
  protected update(w: Arr, g: Arr, [v, mom, ag]: Arr[], lr: number): void {
    const rho = this.rho, eps = this.epsilon, mu = this.momentum;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      v![i] = rho * v![i]! + (1 - rho) * gi * gi;
      let den: number;
      if (this.centered) { ag![i] = rho * ag![i]! + (1 - rho) * gi; den = v![i]! - ag![i]! * ag![i]! + eps; } else den = v![i]! + eps;
      const inc = (lr * gi) / Math.sqrt(den);
      if (mu > 0) { mom![i] = mu * mom![i]! + inc; w[i]! -= mom![i]!; } else w[i]! -= inc;
    }
  }
  getConfig() { return { ...this.baseConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered }; }
}

/** Keras Adagrad: acc += g^2; w -= lr g / sqrt(acc + epsilon). Defaults lr 0.001, initialAccumulatorValue 0.1, epsilon 1e-7. */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(opts: OptimizerOptions & { initialAccumulatorValue?: number; epsilon?: number } = {}) {
    super(opts, 0.001, 'Adagrad');
    this.initialAccumulatorValue = opts.initialAccumulatorValue ?? 0.1;
    this.epsilon = opts.epsilon ?? 1e-7;
    if (!(this.initialAccumulatorValue >= 0)) throw new InvalidParameterError('initialAccumulatorValue', 'a number >= 0', this.initialAccumulatorValue, 'Adagrad');
  }
  protected nSlots() { return 1; }
  protected override slotInit() { return this.initialAccumulatorValue; }
  protected update(w: Arr, g: Arr, [acc]: Arr[], lr: number): void {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      acc![i]! += gi * gi;
      w[i]! -= (lr * gi) / Math.sqrt(acc![i]! + this.epsilon);
    }
  }
  getConfig() { return { ...this.baseConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon }; }
}

function checkLr(lr: number, owner: string): number {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new InvalidParameterError('learningRate', 'a positive finite number', lr, owner);
  return lr;
}

export type OptimizerName = 'adam' | 'adamw' | 'sgd' | 'rmsprop' | 'adagrad';
const NAMES: OptimizerName[] = ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'];

/** An optimizer from its name (Keras defaults) or its saved config. */
export function getOptimizer(o: Optimizer | string | Record<string, unknown>): Optimizer {
  if (o instanceof Optimizer) return o;
  const cfg: Record<string, unknown> = typeof o === 'string' ? { name: o } : { ...o };
  if (cfg.learningRate && typeof cfg.learningRate === 'object' && typeof (cfg.learningRate as { getConfig?: unknown }).getConfig !== 'function') cfg.learningRate = scheduleFromConfig(cfg.learningRate as Record<string, unknown>);
  if (cfg.weightDecay === null) delete cfg.weightDecay;
  switch (cfg.name) {
    case 'adam': return new Adam(cfg);
    case 'adamw': return new AdamW(cfg);
    case 'sgd': return new SGD(cfg);
    case 'rmsprop': return new RMSprop(cfg);
    case 'adagrad': return new Adagrad(cfg);
    default: throw new InvalidParameterError('optimizer', `one of ${NAMES.map((n) => `'${n}'`).join(', ')} or an Optimizer instance`, cfg.name ?? o, 'Sequential.compile');
  }
}

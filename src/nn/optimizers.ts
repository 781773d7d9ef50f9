import { InvalidParameterError } from '../core/errors.js';

/** Updates parameter arrays in place from their gradients. */
export interface Optimizer {
  readonly name: string;
  learningRate: number;
  step(params: Float64Array[], grads: Float64Array[]): void;
  getConfig(): Record<string, unknown>;
}

/** Keras SGD: v = momentum * v - lr * g; w += v (nesterov: w += momentum * v - lr * g). */
export class SGD implements Optimizer {
  readonly name = 'sgd';
  learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private vel: Float64Array[] = [];
  constructor(opts: { learningRate?: number; momentum?: number; nesterov?: boolean } = {}) {
    this.learningRate = checkLr(opts.learningRate ?? 0.01, 'SGD');
    this.momentum = opts.momentum ?? 0;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new InvalidParameterError('momentum', 'a number in [0, 1]', opts.momentum, 'SGD');
    this.nesterov = opts.nesterov ?? false;
  }
  step(params: Float64Array[], grads: Float64Array[]): void {
    if (this.vel.length !== params.length) this.vel = params.map((p) => new Float64Array(p.length));
    const lr = this.learningRate, mu = this.momentum;
    params.forEach((w, k) => {
      const g = grads[k]!, v = this.vel[k]!;
      if (mu === 0) { for (let i = 0; i < w.length; i++) w[i]! -= lr * g[i]!; return; }
      for (let i = 0; i < w.length; i++) {
        v[i] = mu * v[i]! - lr * g[i]!;
        w[i]! += this.nesterov ? mu * v[i]! - lr * g[i]! : v[i]!;
      }
    });
  }
  getConfig() { return { name: this.name, learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov }; }
}

/**
 * Keras Adam: alpha = lr * sqrt(1 - b2^t) / (1 - b1^t); m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
 * w -= alpha * m / (sqrt(v) + epsilon). Defaults lr 0.001, b1 0.9, b2 0.999, epsilon 1e-7.
 * (PyTorch's Adam adds its eps to sqrt(v_hat); torch eps = keras epsilon / sqrt(1 - b2^t).)
 */
export class Adam implements Optimizer {
  readonly name = 'adam';
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  private t = 0;
  private m: Float64Array[] = [];
  private v: Float64Array[] = [];
  private vhat: Float64Array[] = [];
  constructor(opts: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean } = {}) {
    this.learningRate = checkLr(opts.learningRate ?? 0.001, 'Adam');
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.amsgrad = opts.amsgrad ?? false;
    for (const [k, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) if (!(v >= 0 && v < 1)) throw new InvalidParameterError(k, 'a number in [0, 1)', v, 'Adam');
  }
  step(params: Float64Array[], grads: Float64Array[]): void {
    if (this.m.length !== params.length) {
      this.m = params.map((p) => new Float64Array(p.length));
      this.v = params.map((p) => new Float64Array(p.length));
      this.vhat = params.map((p) => new Float64Array(p.length));
    }
    this.t++;
    const b1 = this.beta1, b2 = this.beta2, eps = this.epsilon;
    const alpha = (this.learningRate * Math.sqrt(1 - Math.pow(b2, this.t))) / (1 - Math.pow(b1, this.t));
    params.forEach((w, k) => {
      const g = grads[k]!, m = this.m[k]!, v = this.v[k]!, vh = this.vhat[k]!;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        m[i]! += (gi - m[i]!) * (1 - b1);
        v[i]! += (gi * gi - v[i]!) * (1 - b2);
        let vv = v[i]!;
        if (this.amsgrad) { vh[i] = Math.max(vh[i]!, vv); vv = vh[i]!; }
        w[i]! -= (m[i]! * alpha) / (Math.sqrt(vv) + eps);
      }
    });
  }
  getConfig() { return { name: this.name, learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad }; }
}

function checkLr(lr: number, owner: string): number {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new InvalidParameterError('learningRate', 'a positive finite number', lr, owner);
  return lr;
}

export function getOptimizer(o: Optimizer | string): Optimizer {
  if (typeof o !== 'string') return o;
  if (o === 'adam') return new Adam();
  if (o === 'sgd') return new SGD();
  throw new InvalidParameterError('optimizer', "'adam', 'sgd' or an optimizer instance", o, 'Sequential.compile');
}

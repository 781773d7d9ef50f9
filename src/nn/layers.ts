import { InvalidParameterError } from '../core/errors.js';
import type { RandomState } from '../core/random.js';
import { getActivation, type Activation } from './activations.js';

export type Initializer = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros' | 'ones';

export interface DenseOptions {
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  /** L2 penalty factor on the kernel (Keras `kernelRegularizer: l2(x)`), added to the loss. */
  l2?: number;
  /** Input width, for the first layer (else inferred at build). */
  inputDim?: number;
}

/**
 * Fully connected layer `a = activation(x W + b)` with W stored inputDim x units row-major.
 * Buffers for the forward/backward pass are allocated per batch size and reused.
 */
export class Dense {
  readonly kind = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly opts: Required<Omit<DenseOptions, 'inputDim'>> & { inputDim: number | null };
  W: Float64Array = new Float64Array(0);
  b: Float64Array = new Float64Array(0);
  gW: Float64Array = new Float64Array(0);
  gb: Float64Array = new Float64Array(0);
  inputDim = 0;
  private z = new Float64Array(0);
  out = new Float64Array(0);
  private gz = new Float64Array(0);
  private gx = new Float64Array(0);
  private x: Float64Array = new Float64Array(0);

  constructor(units: number, opts: DenseOptions = {}) {
    if (!Number.isInteger(units) || units < 1) throw new InvalidParameterError('units', 'an integer >= 1', units, 'Dense');
    this.units = units;
    this.activation = getActivation(opts.activation ?? 'linear');
    this.opts = {
      activation: this.activation.name, useBias: opts.useBias ?? true, kernelInitializer: opts.kernelInitializer ?? 'glorotUniform',
      biasInitializer: opts.biasInitializer ?? 'zeros', l2: opts.l2 ?? 0, inputDim: opts.inputDim ?? null,
    };
  }

  get nParams(): number { return this.W.length + this.b.length; }

  build(inputDim: number, rng: RandomState): void {
    this.inputDim = inputDim;
    this.W = init(this.opts.kernelInitializer, inputDim, this.units, rng);
    this.b = this.opts.useBias ? init(this.opts.biasInitializer, 1, this.units, rng) : new Float64Array(0);
    this.gW = new Float64Array(this.W.length);
    this.gb = new Float64Array(this.b.length);
  }

  private ensure(n: number): void {
    if (this.z.length !== n * this.units) {
      this.z = new Float64Array(n * this.units);
      this.out = new Float64Array(n * this.units);
      this.gz = new Float64Array(n * this.units);
      this.gx = new Float64Array(n * this.inputDim);
    }
  }

  /** Pre-activation (z) of the last forward pass. */
  get preActivation(): Float64Array { return this.z; }

  forward(x: Float64Array, n: number): Float64Array {
    this.ensure(n);
    this.x = x;
    const { units: u, inputDim: d, W, b, z } = this;
    for (let i = 0; i < n; i++) {
      const zr = i * u;
      if (b.length) z.set(b, zr); else z.fill(0, zr, zr + u);
      for (let k = 0; k < d; k++) {
        const xv = x[i * d + k]!;
        if (xv === 0) continue;
        const wr = k * u;
        for (let j = 0; j < u; j++) z[zr + j]! += xv * W[wr + j]!;
      }
    }
    this.activation.forward(z, this.out, u);
    return this.out;
  }

  /**
   * Backward pass from the gradient w.r.t. the output (`ga`), or w.r.t. the pre-activation when
   * `gaIsGz` (fused loss + output activation). Accumulates gW/gb (overwrites) and returns dL/dx.
   */
  backward(ga: Float64Array, n: number, gaIsGz = false): Float64Array {
    const { units: u, inputDim: d, W, gW, gb, x } = this;
    const gz = gaIsGz ? ga : this.gz;
    if (!gaIsGz) this.activation.backward(this.z, this.out, ga, gz, u);
    gW.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      const zr = i * u;
      for (let k = 0; k < d; k++) {
        const xv = x[i * d + k]!;
        if (xv === 0) continue;
        const wr = k * u;
        for (let j = 0; j < u; j++) gW[wr + j]! += xv * gz[zr + j]!;
      }
      if (gb.length) for (let j = 0; j < u; j++) gb[j]! += gz[zr + j]!;
    }
    if (this.opts.l2) for (let t = 0; t < W.length; t++) gW[t]! += 2 * this.opts.l2 * W[t]!;
    const gx = this.gx;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        let s = 0;
        const wr = k * u;
        for (let j = 0; j < u; j++) s += gz[i * u + j]! * W[wr + j]!;
        gx[i * d + k] = s;
      }
    }
    return gx;
  }

  getConfig(): Record<string, unknown> {
    return { units: this.units, ...this.opts };
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
    default: throw new InvalidParameterError('kernelInitializer', 'glorotUniform, glorotNormal, heUniform, heNormal, zeros or ones', kind, 'Dense');
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

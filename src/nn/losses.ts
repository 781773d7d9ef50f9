import { InvalidParameterError } from '../core/errors.js';
import type { Arr } from './dtype.js';

export type LossName = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError' | 'huber';
export const LOSS_NAMES: LossName[] = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError', 'huber'];

/** A loss with options: `fromLogits` (cross-entropies: the network outputs logits), `delta` (huber, default 1). */
export interface LossSpec {
  name: LossName;
  fromLogits?: boolean;
  delta?: number;
}
export type LossLike = LossName | LossSpec;

const EPS = 1e-7;

/** Normalise and validate a loss given by name or spec. */
export function resolveLoss(loss: LossLike, owner = 'Sequential.compile'): Required<LossSpec> {
  const spec = typeof loss === 'string' ? { name: loss } : loss;
  if (!spec || !LOSS_NAMES.includes(spec.name)) throw new InvalidParameterError('loss', `one of ${LOSS_NAMES.join(', ')} (or { name, fromLogits, delta })`, typeof loss === 'string' ? loss : spec?.name, owner);
  const delta = spec.delta ?? 1;
  if (!(delta > 0)) throw new InvalidParameterError('delta', 'a number > 0', spec.delta, owner);
  return { name: spec.name, fromLogits: spec.fromLogits ?? false, delta };
}

/**
 * Mean loss over a batch and its gradient. `out` is the network output (n x u), `z` the output
 * layer's pre-activation, `y` targets (n x u; class indices for sparse), `sw` optional per-row
 * weights (Keras' `sum_over_batch_size`: sum(w_i * loss_i) / n). When `fused` (sigmoid + binary
 * CE, softmax + categorical CE), the gradient is w.r.t. z: w (p - y) / n, as Keras does by working
 * from the logits; with `fromLogits` the output itself is the logit and the gradient is w.r.t. it;
 * otherwise w.r.t. the output (Keras' clipped formulas, epsilon 1e-7).
 */
export function lossAndGrad(lossIn: LossLike, out: Arr, z: Arr, y: Arr, n: number, u: number, fused: boolean, grad: Arr, sw: Arr | null = null): number {
  const loss = resolveLoss(lossIn);
  let total = 0;
  const w = (i: number) => (sw ? sw[i]! : 1);
  switch (loss.name) {
    case 'binaryCrossentropy': {
      const logits = loss.fromLogits;
      for (let t = 0; t < n * u; t++) {
        const yt = y[t]!, wi = w(Math.floor(t / u));
        if (fused || logits) {
          const zt = logits ? out[t]! : z[t]!;
          const p = logits ? 1 / (1 + Math.exp(-zt)) : out[t]!;
          total += wi * (Math.max(zt, 0) - zt * yt + Math.log1p(Math.exp(-Math.abs(zt))));
          grad[t] = (wi * (p - yt)) / (n * u);
        } else {
          const p = Math.min(Math.max(out[t]!, EPS), 1 - EPS);
          total += wi * -(yt * Math.log(p) + (1 - yt) * Math.log(1 - p));
          grad[t] = out[t]! <= EPS || out[t]! >= 1 - EPS ? 0 : (wi * (-(yt / p) + (1 - yt) / (1 - p))) / (n * u);
        }
      }
      return total / (n * u);
    }
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy': {
      const sparse = loss.name === 'sparseCategoricalCrossentropy';
      for (let i = 0; i < n; i++) {
        const r = i * u, wi = w(i);
        if (loss.fromLogits) {
          let mx = -Infinity;
          for (let j = 0; j < u; j++) mx = Math.max(mx, out[r + j]!);
          let s = 0;
          for (let j = 0; j < u; j++) s += Math.exp(out[r + j]! - mx);
          const lse = mx + Math.log(s);
          for (let j = 0; j < u; j++) {
            const yt = sparse ? (y[i] === j ? 1 : 0) : y[r + j]!;
            if (yt) total -= wi * yt * (out[r + j]! - lse);
            grad[r + j] = (wi * (Math.exp(out[r + j]! - lse) - yt)) / n;
          }
          continue;
        }
        for (let j = 0; j < u; j++) {
          const yt = sparse ? (y[i] === j ? 1 : 0) : y[r + j]!;
          const p = Math.min(Math.max(out[r + j]!, EPS), 1 - EPS);
          if (yt) total -= wi * yt * Math.log(fused ? Math.max(out[r + j]!, Number.MIN_VALUE) : p);
          grad[r + j] = (wi * (fused ? out[r + j]! - yt : -yt / p)) / n;
        }
      }
      return total / n;
    }
    case 'meanSquaredError':
      for (let t = 0; t < n * u; t++) { const wi = w(Math.floor(t / u)); const e = out[t]! - y[t]!; total += wi * e * e; grad[t] = (wi * 2 * e) / (n * u); }
      return total / (n * u);
    case 'meanAbsoluteError':
      for (let t = 0; t < n * u; t++) { const wi = w(Math.floor(t / u)); const e = out[t]! - y[t]!; total += wi * Math.abs(e); grad[t] = (wi * Math.sign(e)) / (n * u); }
      return total / (n * u);
    case 'huber': {
      const d = loss.delta;
      for (let t = 0; t < n * u; t++) {
        const wi = w(Math.floor(t / u));
        const e = out[t]! - y[t]!, a = Math.abs(e);
        total += wi * (a <= d ? 0.5 * e * e : d * a - 0.5 * d * d);
        grad[t] = (wi * (a <= d ? e : d * Math.sign(e))) / (n * u);
      }
      return total / (n * u);
    }
  }
}

import { InvalidParameterError } from '../core/errors.js';

export type LossName = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError';
export const LOSS_NAMES: LossName[] = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError'];
const EPS = 1e-7;

/**
 * Mean loss over a batch and its gradient. `out` is the network output (n x u), `z` the output
 * layer's pre-activation, `y` targets (n x u; class indices for sparse). When `fused` (sigmoid +
 * binary CE, softmax + categorical CE), the gradient is w.r.t. z: (p - y) / n, as Keras does by
 * working from the logits; otherwise w.r.t. the output (Keras' clipped formulas, epsilon 1e-7).
 */
export function lossAndGrad(loss: LossName, out: Float64Array, z: Float64Array, y: Float64Array, n: number, u: number, fused: boolean, grad: Float64Array): number {
  let total = 0;
  switch (loss) {
    case 'binaryCrossentropy':
      for (let t = 0; t < n * u; t++) {
        const yt = y[t]!;
        if (fused) {
          const zt = z[t]!;
          total += Math.max(zt, 0) - zt * yt + Math.log1p(Math.exp(-Math.abs(zt)));
          grad[t] = (out[t]! - yt) / (n * u);
        } else {
          const p = Math.min(Math.max(out[t]!, EPS), 1 - EPS);
          total += -(yt * Math.log(p) + (1 - yt) * Math.log(1 - p));
          grad[t] = out[t]! <= EPS || out[t]! >= 1 - EPS ? 0 : (-(yt / p) + (1 - yt) / (1 - p)) / (n * u);
        }
      }
      return total / (n * u);
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
      for (let i = 0; i < n; i++) {
        const r = i * u;
        for (let j = 0; j < u; j++) {
          const yt = loss === 'sparseCategoricalCrossentropy' ? (y[i] === j ? 1 : 0) : y[r + j]!;
          const p = Math.min(Math.max(out[r + j]!, EPS), 1 - EPS);
          if (yt) total -= yt * Math.log(fused ? Math.max(out[r + j]!, Number.MIN_VALUE) : p);
          grad[r + j] = fused ? (out[r + j]! - yt) / n : -yt / p / n;
        }
      }
      return total / n;
    case 'meanSquaredError':
      for (let t = 0; t < n * u; t++) { const e = out[t]! - y[t]!; total += e * e; grad[t] = (2 * e) / (n * u); }
      return total / (n * u);
    case 'meanAbsoluteError':
      for (let t = 0; t < n * u; t++) { const e = out[t]! - y[t]!; total += Math.abs(e); grad[t] = Math.sign(e) / (n * u); }
      return total / (n * u);
    default:
      throw new InvalidParameterError('loss', `one of ${LOSS_NAMES.join(', ')}`, loss, 'Sequential.compile');
  }
}

import { InvalidParameterError } from '../core/errors.js';
import type { Arr } from './dtype.js';
import type { LossName } from './losses.js';

export type NetMetric = 'accuracy' | 'binaryAccuracy' | 'auc' | 'mse' | 'mae';
export const NET_METRICS: NetMetric[] = ['accuracy', 'binaryAccuracy', 'auc', 'mse', 'mae'];

export function checkMetrics(ms: unknown, owner: string): NetMetric[] {
  if (ms === undefined) return [];
  if (!Array.isArray(ms)) throw new InvalidParameterError('metrics', `an array of ${NET_METRICS.join(', ')}`, ms, owner);
  for (const m of ms) if (!NET_METRICS.includes(m)) throw new InvalidParameterError('metrics', `entries among ${NET_METRICS.join(', ')}`, m, owner);
  return ms as NetMetric[];
}

/**
 * Accumulates metrics over the batches of an epoch (Keras' stateful metrics). `accuracy` is
 * binary accuracy (threshold 0.5, or 0 for logits) for one output unit or binary cross-entropy,
 * else categorical accuracy (argmax). `auc` is the exact ROC AUC of the first output over the
 * epoch (Keras approximates it with 200 thresholds; we sort, so ties count one half as in
 * scikit-learn's roc_auc_score).
 */
export class MetricAccumulator {
  private correct = 0;
  private count = 0;
  private se = 0;
  private ae = 0;
  private scores: number[] = [];
  private labels: number[] = [];
  constructor(private readonly metrics: NetMetric[], private readonly loss: LossName, private readonly u: number, private readonly fromLogits: boolean) {}

  add(out: Arr, y: Arr, n: number): void {
    const { u, loss } = this;
    const sparse = loss === 'sparseCategoricalCrossentropy';
    this.count += n;
    const thr = this.fromLogits ? 0 : 0.5;
    for (const m of this.metrics) {
      if (m === 'accuracy' || m === 'binaryAccuracy') {
        const binary = m === 'binaryAccuracy' || loss === 'binaryCrossentropy' || (u === 1 && !sparse);
        for (let i = 0; i < n; i++) {
          if (binary) {
            for (let j = 0; j < u; j++) if ((out[i * u + j]! > thr ? 1 : 0) === y[i * u + j]) this.correct += 1 / u;
            continue;
          }
          let best = 0;
          for (let j = 1; j < u; j++) if (out[i * u + j]! > out[i * u + best]!) best = j;
          let truth = 0;
          if (sparse) truth = y[i]!;
          else for (let j = 1; j < u; j++) if (y[i * u + j]! > y[i * u + truth]!) truth = j;
          if (best === truth) this.correct++;
        }
      } else if (m === 'mse' || m === 'mae') {
        if (sparse) throw new InvalidParameterError('metrics', 'accuracy or auc with sparseCategoricalCrossentropy', m, 'Sequential.compile');
        for (let t = 0; t < n * u; t++) { const e = out[t]! - y[t]!; this.se += (e * e) / u; this.ae += Math.abs(e) / u; }
      } else if (m === 'auc') {
        for (let i = 0; i < n; i++) {
          this.scores.push(out[i * u]!);
          this.labels.push(sparse ? (y[i] === 1 ? 1 : 0) : y[i * (sparse ? 1 : u)]!);
        }
      }
    }
  }

  result(prefix = ''): Record<string, number> {
    const r: Record<string, number> = {};
    for (const m of this.metrics) {
      if (m === 'accuracy' || m === 'binaryAccuracy') r[prefix + m] = this.correct / this.count;
      else if (m === 'mse') r[prefix + m] = this.se / this.count;
      else if (m === 'mae') r[prefix + m] = this.ae / this.count;
      else r[prefix + m] = rocAuc(this.scores, this.labels);
    }
    return r;
  }
}

/** Exact ROC AUC (Mann-Whitney U with mid-ranks for ties); NaN if one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i]! > 0.5) nPos++;
  const nNeg = n - nPos;
  if (!nPos || !nNeg) return NaN;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]!]! > 0.5) rankSum += mid;
    i = j + 1;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

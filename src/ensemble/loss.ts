import { quantileLinearSorted } from './binning.js';
import { linalgThreads, registerKernel, runTasks, type KernelTask } from '../linalg/threads.js';
import { hgbThreadStats, isShared } from './histogram.js';

/**
 * The losses of scikit-learn 1.2.1 `sklearn/_loss` used by histogram gradient boosting.
 * Raw predictions are column-major: raw[k * n + i] for tree k (one column per class for the
 * multinomial loss), as scikit-learn's F-ordered arrays. Gradients and hessians are float32
 * (G_H_DTYPE), computed in float64 and rounded on store, as the Cython kernels do.
 */
export interface HgbLoss {
  readonly name: string;
  readonly nTrees: number;
  /** Hessians constant (squared/absolute/quantile without sample weights): the hessian buffer has length 1. */
  readonly constantHessian: boolean;
  /** Leaves re-fitted to the residuals (absolute_error, quantile). */
  readonly needUpdateLeaves: boolean;
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array;
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void;
  /** Weighted mean loss (scikit-learn's `loss.__call__`). */
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number;
}

const EPS = 2.220446049250313e-16;

function average(y: ArrayLike<number>, sw: Float64Array | null): number {
  let s = 0;
  if (!sw) {
    for (let i = 0; i < y.length; i++) s += y[i]!;
    return s / y.length;
  }
  let w = 0;
  for (let i = 0; i < y.length; i++) {
    s += y[i]! * sw[i]!;
    w += sw[i]!;
  }
  return s / w;
}

function weightedMean(l: Float64Array, sw: Float64Array | null): number {
  return average(l, sw);
}

/** scikit-learn's `_weighted_percentile` (stable sort, cumulative weights, searchsorted left on percentile * total). */
export function weightedPercentile(y: ArrayLike<number>, sw: ArrayLike<number>, percentile: number): number {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let k = 0; k < n; k++) {
    acc += sw[order[k]!]!;
    cdf[k] = acc;
  }
  const target = (percentile / 100) * cdf[n - 1]!;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  const idx = Math.min(lo, n - 1);
  return y[order[idx]!]!;
}

function median(y: ArrayLike<number>): number {
  const s = Float64Array.from(y).sort();
  const n = s.length;
  const h = n >> 1;
  return n % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function log1pexp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= -2) return Math.log1p(Math.exp(x));
  if (x <= 18) return Math.log(1 + Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}

export class HalfSquaredError implements HgbLoss {
  readonly name = 'squared_error';
  readonly nTrees = 1;
  readonly needUpdateLeaves = false;
  constructor(readonly constantHessian: boolean) {}
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array {
    return Float64Array.of(average(y, sw));
  }
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void {
    const n = y.length;
    if (sw) {
      for (let i = 0; i < n; i++) {
        g[i] = sw[i]! * (raw[i]! - y[i]!);
        h[i] = sw[i]!;
      }
    } else for (let i = 0; i < n; i++) g[i] = raw[i]! - y[i]!;
  }
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number {
    const l = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const d = raw[i]! - y[i]!;
      l[i] = 0.5 * d * d;
    }
    return weightedMean(l, sw);
  }
}

export class AbsoluteError implements HgbLoss {
  readonly name = 'absolute_error';
  readonly nTrees = 1;
  readonly needUpdateLeaves = true;
  constructor(readonly constantHessian: boolean) {}
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array {
    return Float64Array.of(sw ? weightedPercentile(y, sw, 50) : median(y));
  }
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void {
    const n = y.length;
    for (let i = 0; i < n; i++) {
      const gr = raw[i]! > y[i]! ? 1 : -1;
      if (sw) {
        g[i] = sw[i]! * gr;
        h[i] = sw[i]!;
      } else g[i] = gr;
    }
  }
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number {
    const l = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) l[i] = Math.abs(raw[i]! - y[i]!);
    return weightedMean(l, sw);
  }
}

export class PinballLoss implements HgbLoss {
  readonly name = 'quantile';
  readonly nTrees = 1;
  readonly needUpdateLeaves = true;
  constructor(readonly constantHessian: boolean, readonly quantile: number) {}
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array {
    if (sw) return Float64Array.of(weightedPercentile(y, sw, 100 * this.quantile));
    return Float64Array.of(quantileLinearSorted(Float64Array.from(y).sort(), (100 * this.quantile) / 100));
  }
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void {
    const q = this.quantile;
    for (let i = 0; i < y.length; i++) {
      const gr = y[i]! >= raw[i]! ? -q : 1 - q;
      if (sw) {
        g[i] = sw[i]! * gr;
        h[i] = sw[i]!;
      } else g[i] = gr;
    }
  }
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number {
    const q = this.quantile;
    const l = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const d = y[i]! - raw[i]!;
      l[i] = d >= 0 ? q * d : (1 - q) * -d;
    }
    return weightedMean(l, sw);
  }
}

export class HalfPoissonLoss implements HgbLoss {
  readonly name = 'poisson';
  readonly nTrees = 1;
  readonly constantHessian = false;
  readonly needUpdateLeaves = false;
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array {
    let m = average(y, sw);
    if (m < 10 * EPS) m = 10 * EPS;
    return Float64Array.of(Math.log(m));
  }
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void {
    for (let i = 0; i < y.length; i++) {
      const e = Math.exp(raw[i]!);
      if (sw) {
        g[i] = sw[i]! * (e - y[i]!);
        h[i] = sw[i]! * e;
      } else {
        g[i] = e - y[i]!;
        h[i] = e;
      }
    }
  }
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number {
    const l = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) l[i] = Math.exp(raw[i]!) - y[i]! * raw[i]!;
    return weightedMean(l, sw);
  }
}

export class HalfBinomialLoss implements HgbLoss {
  readonly name = 'log_loss';
  readonly nTrees = 1;
  readonly constantHessian = false;
  readonly needUpdateLeaves = false;
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array {
    let p = average(y, sw);
    const eps = 10 * EPS;
    if (p < eps) p = eps;
    if (p > 1 - eps) p = 1 - eps;
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void {
    const n = y.length;
    const T = Math.min(linalgThreads(), Math.floor(n / 20000));
    if (T >= 2 && isShared(y) && isShared(raw) && isShared(g) && isShared(h) && (sw === null || isShared(sw))) {
      // row blocks on the threads: every element is computed alone, so results are the same
      const tasks: KernelTask[] = [];
      for (let t = 0; t < T; t++) tasks.push({ fn: 'hgbBinomialGrad', args: [y, raw, sw, g, h, Math.floor((n * t) / T), Math.floor((n * (t + 1)) / T)] });
      hgbThreadStats.grad++;
      runTasks(tasks);
      return;
    }
    binomialGradKernel(y, raw, sw, g, h, 0, n);
  }
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number {
    const l = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) l[i] = log1pexp(raw[i]!) - y[i]! * raw[i]!;
    return weightedMean(l, sw);
  }
}

/** HalfBinomialLoss gradients and hessians of rows `i0..i1` (self-contained: runs in worker threads). */
export function binomialGradKernel(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const yt = y[i]!;
    const e = Math.exp(-raw[i]!);
    const gr = (1 - yt - yt * e) / (1 + e);
    const he = e / ((1 + e) * (1 + e));
    if (sw) {
      g[i] = sw[i]! * gr;
      h[i] = sw[i]! * he;
    } else {
      g[i] = gr;
      h[i] = he;
    }
  }
}
registerKernel('hgbBinomialGrad', binomialGradKernel);

export class HalfMultinomialLoss implements HgbLoss {
  readonly name = 'log_loss';
  readonly constantHessian = false;
  readonly needUpdateLeaves = false;
  constructor(readonly nTrees: number) {}
  fitInterceptOnly(y: Float64Array, sw: Float64Array | null): Float64Array {
    const K = this.nTrees;
    const out = new Float64Array(K);
    const ind = new Float64Array(y.length);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < y.length; i++) ind[i] = y[i] === k ? 1 : 0;
      let p = average(ind, sw);
      if (p < EPS) p = EPS;
      if (p > 1 - EPS) p = 1 - EPS;
      out[k] = Math.log(p);
    }
    let mean = 0;
    for (let k = 0; k < K; k++) mean += out[k]!;
    mean /= K;
    for (let k = 0; k < K; k++) out[k] = out[k]! - mean;
    return out;
  }
  gradientHessian(y: Float64Array, raw: Float64Array, sw: Float64Array | null, g: Float32Array, h: Float32Array): void {
    const K = this.nTrees;
    const n = y.length;
    const p = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      let max = raw[i]!;
      for (let k = 1; k < K; k++) if (raw[k * n + i]! > max) max = raw[k * n + i]!;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        p[k] = Math.exp(raw[k * n + i]! - max);
        sum += p[k]!;
      }
      const w = sw ? sw[i]! : 1;
      for (let k = 0; k < K; k++) {
        const pk = p[k]! / sum;
        const gr = pk - (y[i] === k ? 1 : 0);
        const he = pk * (1 - pk);
        g[k * n + i] = sw ? w * gr : gr;
        h[k * n + i] = sw ? w * he : he;
      }
    }
  }
  meanLoss(y: Float64Array, raw: Float64Array, sw: Float64Array | null): number {
    const K = this.nTrees;
    const n = y.length;
    const l = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let max = raw[i]!;
      for (let k = 1; k < K; k++) if (raw[k * n + i]! > max) max = raw[k * n + i]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(raw[k * n + i]! - max);
      l[i] = Math.log(sum) + max - raw[y[i]! * n + i]!;
    }
    return weightedMean(l, sw);
  }
}

/** Softmax of one sample's raw scores (column-major raw, row i). */
export function softmaxInto(raw: Float64Array, n: number, K: number, i: number, out: Float64Array, off: number): void {
  let max = raw[i]!;
  for (let k = 1; k < K; k++) if (raw[k * n + i]! > max) max = raw[k * n + i]!;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(raw[k * n + i]! - max);
    out[off + k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[off + k] = out[off + k]! / sum;
}

/** scipy `expit`. */
export function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

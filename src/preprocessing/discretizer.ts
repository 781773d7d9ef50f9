import { DataError, InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { featureNamesIn, linspace, namesOf, pairwiseSum, quantileSorted } from './_base.js';

const schema = {
  nBins: p.custom<number | number[]>(5, 'an integer >= 2 or one integer >= 2 per feature', (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 2) || (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 2)), 'Number of bins per feature.'),
  encode: p.oneOf(['onehot', 'onehot-dense', 'ordinal'] as const, 'onehot', "Output: one-hot columns (always dense here; 'onehot' = 'onehot-dense') or the bin index."),
  strategy: p.oneOf(['quantile', 'uniform', 'kmeans'] as const, 'quantile', 'Bin widths: equal counts (numpy percentiles), equal widths, or 1-D k-means.'),
};
export type KBinsDiscretizerParams = ParamsOf<typeof schema>;
export interface KBinsDiscretizerState {
  /** per feature: ascending bin edges (nBins[j] + 1 values; [-inf, inf] for a constant feature) */
  binEdges: Float64Array[];
  nBins: Int32Array;
  featureNamesIn: string[] | null;
}

/**
 * Bin continuous features into intervals (scikit-learn's KBinsDiscretizer). Edges follow
 * scikit-learn exactly: `uniform` is numpy's linspace, `quantile` numpy's percentile (linear), and
 * `kmeans` runs the same 1-D Lloyd k-means scikit-learn runs (KMeans with `n_init=1`, init at the
 * midpoints of the uniform bins, data centred on its mean, tol 1e-4 scaled by the variance,
 * max 300 iterations, empty clusters moved to the farthest points); edges are the midpoints of the
 * sorted centres. Bins narrower than 1e-8 are removed, constant features get a single bin.
 * Differences from scikit-learn: output is always dense; quantile never subsamples.
 *
 * @example
 * new KBinsDiscretizer({ nBins: 2, encode: 'ordinal', strategy: 'uniform' }).fitTransform([[0], [1], [4]]).toArray(); // [[0], [0], [1]]
 */
export class KBinsDiscretizer extends Estimator<typeof schema, KBinsDiscretizerState> {
  static override readonly kind = 'KBinsDiscretizer';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: false };

  constructor(params: Partial<KBinsDiscretizerParams> = {}) {
    super(params);
  }

  protected override validateState(s: KBinsDiscretizerState): void {
    const bad = (field: string, expected: string, received: unknown) => new DataError(`state.${field}`, expected, received, `loadModel(${this.kind})`);
    if (!Array.isArray(s.binEdges) || !(s.nBins instanceof Int32Array) || s.nBins.length !== s.binEdges.length) throw bad('nBins', 'an Int32Array with one entry per feature of binEdges', s.nBins);
    s.binEdges.forEach((e, j) => {
      // the declared number of bins must be carried by the edges themselves, so a small file cannot declare a huge output
      if (!(e instanceof Float64Array) || e.length < 2 || s.nBins[j] !== e.length - 1) throw bad(`nBins[${j}]`, `binEdges[${j}].length - 1 (${e instanceof Float64Array ? e.length - 1 : '?'})`, s.nBins[j]);
      for (let k = 1; k < e.length; k++) if (!(e[k - 1]! <= e[k]!)) throw bad(`binEdges[${j}]`, 'ascending edges', `edge ${k} = ${e[k]} after ${e[k - 1]}`);
    });
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind });
    const d = m.cols;
    const nb = this.params.nBins;
    if (Array.isArray(nb) && nb.length !== d) throw new InvalidParameterError('nBins', `an integer or ${d} integers (one per feature)`, `${nb.length} values`, this.kind);
    const nBins = Int32Array.from({ length: d }, (_, j) => (Array.isArray(nb) ? nb[j]! : nb));
    const binEdges: Float64Array[] = [];
    const strategy = this.params.strategy;
    for (let j = 0; j < d; j++) {
      const col = m.col(j);
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < col.length; i++) { if (col[i]! < lo) lo = col[i]!; if (col[i]! > hi) hi = col[i]!; }
      if (lo === hi) { nBins[j] = 1; binEdges.push(Float64Array.of(-Infinity, Infinity)); continue; }
      let edges: Float64Array;
      if (strategy === 'uniform') edges = linspace(lo, hi, nBins[j]! + 1);
      else if (strategy === 'quantile') {
        const sorted = col.slice().sort();
        const qs = linspace(0, 100, nBins[j]! + 1);
        edges = Float64Array.from(qs, (q) => quantileSorted(sorted, q / 100));
      } else {
        const ue = linspace(lo, hi, nBins[j]! + 1);
        const init = new Float64Array(nBins[j]!);
        for (let k = 0; k < init.length; k++) init[k] = (ue[k + 1]! + ue[k]!) * 0.5;
        const centers = kmeans1d(col, init).sort();
        edges = new Float64Array(centers.length + 1);
        edges[0] = lo;
        for (let k = 0; k + 1 < centers.length; k++) edges[k + 1] = (centers[k + 1]! + centers[k]!) * 0.5;
        edges[centers.length] = hi;
      }
      if (strategy !== 'uniform') {
        const keep: number[] = [edges[0]!];
        for (let k = 1; k < edges.length; k++) if (edges[k]! - edges[k - 1]! > 1e-8) keep.push(edges[k]!);
        edges = Float64Array.from(keep);
        nBins[j] = edges.length - 1;
      }
      binEdges.push(edges);
    }
    this._state = { binEdges, nBins, featureNamesIn: namesOf(X) };
    return this;
  }

  get binEdges(): Float64Array[] { return this.fitted.binEdges; }
  get nBins(): Int32Array { return this.fitted.nBins; }

  /** Bin index of every value (`searchsorted(edges[1:-1], x, 'right')`), one-hot encoded unless encode is 'ordinal'. */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const d = s.nBins.length;
    const m = checkArray(X, { owner: this.kind, nFeatures: d });
    const n = m.rows;
    const onehot = this.params.encode !== 'ordinal';
    const offsets = new Int32Array(d + 1);
    for (let j = 0; j < d; j++) offsets[j + 1] = offsets[j]! + (onehot ? s.nBins[j]! : 1);
    const W = offsets[d]!;
    const out = new Float64Array(n * W);
    for (let j = 0; j < d; j++) {
      const e = s.binEdges[j]!;
      const inner = e.length - 2;
      for (let i = 0; i < n; i++) {
        const x = m.data[i * d + j]!;
        // number of inner edges <= x
        let a = 0, b = inner;
        while (a < b) { const mid = (a + b) >> 1; if (e[mid + 1]! <= x) a = mid + 1; else b = mid; }
        if (onehot) out[i * W + offsets[j]! + a] = 1;
        else out[i * W + j] = a;
      }
    }
    return new Matrix(out, n, W);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** Bin centres of the given bin indices (or one-hot rows). */
  inverseTransform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const d = s.nBins.length;
    const onehot = this.params.encode !== 'ordinal';
    const W = onehot ? s.nBins.reduce((a, b) => a + b, 0) : d;
    const m = checkArray(X, { owner: this.kind, nFeatures: W });
    const out = new Float64Array(m.rows * d);
    for (let i = 0; i < m.rows; i++) {
      let off = 0;
      for (let j = 0; j < d; j++) {
        let k: number;
        if (onehot) {
          k = 0;
          for (let t = 1; t < s.nBins[j]!; t++) if (m.data[i * W + off + t]! > m.data[i * W + off + k]!) k = t;
          off += s.nBins[j]!;
        } else k = Math.trunc(m.data[i * W + j]!);
        const e = s.binEdges[j]!;
        out[i * d + j] = (e[k + 1]! + e[k]!) * 0.5;
      }
    }
    return new Matrix(out, m.rows, d);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const names = featureNamesIn(this.kind, s.nBins.length, s.featureNamesIn, inputFeatures);
    if (this.params.encode === 'ordinal') return names;
    return names.flatMap((nm, j) => Array.from({ length: s.nBins[j]! }, (_, k) => `${nm}_${k}.0`));
  }
}
registerEstimator(KBinsDiscretizer);

/**
 * scikit-learn's KMeans(init=init, n_init=1, algorithm='lloyd') on one feature: data and init
 * centred on the data mean, distances as ||c||^2 - 2xc, centre sums multiplied by 1/count,
 * strict (labels unchanged) or tol-based convergence, empty clusters relocated to the farthest points.
 */
export function kmeans1d(x: Float64Array, init: Float64Array, maxIter = 300, tol = 1e-4): Float64Array {
  const n = x.length;
  const k = init.length;
  const mean = pairwiseSum(x) / n;
  // tolerance: mean of the per-feature variances (np.var) times tol
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) { const t = x[i]! - mean; dev[i] = t * t; }
  const tolAbs = (pairwiseSum(dev) / n) * tol;
  const xc = new Float64Array(n);
  for (let i = 0; i < n; i++) xc[i] = x[i]! - mean;
  let centers = Float64Array.from(init, (c) => c - mean);
  let next = new Float64Array(k);
  const weight = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const labelsOld = new Int32Array(n).fill(-1);
  const assign = (c: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const v = xc[i]!;
      let best = 0, bd = Infinity;
      for (let j = 0; j < k; j++) {
        const cj = c[j]!;
        const dd = cj * cj + -2 * cj * v;
        if (dd < bd) { bd = dd; best = j; }
      }
      labels[i] = best;
    }
  };
  let strict = false;
  for (let it = 0; it < maxIter; it++) {
    assign(centers);
    next.fill(0);
    weight.fill(0);
    for (let i = 0; i < n; i++) { next[labels[i]!]! += xc[i]!; weight[labels[i]!]!++; }
    const empty: number[] = [];
    for (let j = 0; j < k; j++) if (weight[j] === 0) empty.push(j);
    if (empty.length) {
      const dist = Float64Array.from(xc, (v, i) => (v - centers[labels[i]!]!) ** 2);
      const far = Array.from(dist.keys()).sort((a, b) => dist[b]! - dist[a]! || a - b).slice(0, empty.length);
      empty.forEach((nj, t) => {
        const fi = far[t]!;
        const old = labels[fi]!;
        next[old]! -= xc[fi]!;
        next[nj] = xc[fi]!;
        weight[nj] = 1;
        weight[old]!--;
      });
    }
    for (let j = 0; j < k; j++) if (weight[j]! > 0) { const a = 1 / weight[j]!; next[j]! *= a; }
    let shift = 0;
    for (let j = 0; j < k; j++) shift += (next[j]! - centers[j]!) ** 2;
    [centers, next] = [next, centers];
    let same = true;
    for (let i = 0; i < n && same; i++) if (labels[i] !== labelsOld[i]) same = false;
    if (same) { strict = true; break; }
    if (shift <= tolAbs) break;
    labelsOld.set(labels);
  }
  void strict;
  return Float64Array.from(centers, (c) => c + mean);
}

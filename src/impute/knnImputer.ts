import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { numpyArgpartition } from '../core/numeric.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { featureNamesIn, namesOf, pairwiseSum } from '../preprocessing/_base.js';

const schema = {
  nNeighbors: p.int(5, { min: 1, doc: 'Number of neighbouring samples used for imputation.' }),
  weights: p.oneOf(['uniform', 'distance'] as const, 'uniform', 'Donor weights: equal, or inverse distance.'),
  metric: p.oneOf(['nan_euclidean'] as const, 'nan_euclidean', 'Distance (scikit-learn nan_euclidean_distances).'),
  addIndicator: p.bool(false, 'Append a 0/1 column per feature that had missing values at fit.'),
  keepEmptyFeatures: p.bool(false, 'Keep all-missing columns (as 0) instead of dropping them.'),
};
export type KNNImputerParams = ParamsOf<typeof schema>;
export interface KNNImputerState {
  fitX: Matrix;
  valid: Uint8Array;
  indicatorFeatures: Int32Array;
  featureNamesIn: string[] | null;
}

/**
 * scikit-learn's `nan_euclidean_distances(X, Y)` (squared = false), same formula and operation
 * order: `sqrt(d / present * nFeatures)` with `d = |x|^2 - 2 x.y + |y|^2` over zero-filled rows,
 * minus the squares of coordinates missing on the other side, clipped at 0; NaN where the two rows
 * share no observed coordinate.
 */
export function nanEuclideanDistances(X: Matrix, Y: Matrix): Matrix {
  const d = X.cols, nx = X.rows, ny = Y.rows;
  const xz = X.data.map((v) => (v === v ? v : 0));
  const yz = Y.data.map((v) => (v === v ? v : 0));
  const xm = Uint8Array.from(X.data, (v) => (v === v ? 0 : 1));
  const ym = Uint8Array.from(Y.data, (v) => (v === v ? 0 : 1));
  const xx = new Float64Array(nx), yy = new Float64Array(ny);
  for (let i = 0; i < nx; i++) { let s = 0; for (let k = 0; k < d; k++) s += xz[i * d + k]! * xz[i * d + k]!; xx[i] = s; }
  for (let t = 0; t < ny; t++) { let s = 0; for (let k = 0; k < d; k++) s += yz[t * d + k]! * yz[t * d + k]!; yy[t] = s; }
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    const xo = i * d;
    for (let t = 0; t < ny; t++) {
      const yo = t * d;
      let dot = 0, a = 0, b = 0, cnt = 0;
      for (let k = 0; k < d; k++) {
        dot += xz[xo + k]! * yz[yo + k]!;
        if (ym[yo + k]) a += xz[xo + k]! * xz[xo + k]!;
        if (xm[xo + k]) b += yz[yo + k]! * yz[yo + k]!;
        if (!xm[xo + k] && !ym[yo + k]) cnt++;
      }
      let dist = -2 * dot;
      dist += xx[i]!;
      dist += yy[t]!;
      if (dist < 0) dist = 0;
      dist -= a;
      dist -= b;
      if (dist < 0) dist = 0;
      if (cnt === 0) { out[i * ny + t] = NaN; continue; }
      dist /= cnt;
      dist *= d;
      out[i * ny + t] = Math.sqrt(dist);
    }
  }
  return new Matrix(out, nx, ny);
}

/**
 * Impute missing values from the `nNeighbors` nearest training rows that have the feature
 * (scikit-learn's KNNImputer): nan-euclidean distances exactly as scikit-learn, uniform or
 * inverse-distance weights (zero distances take all the weight), the column mean when a row
 * shares no observed coordinate with any donor. All-missing columns are dropped (as scikit-learn
 * 1.2) unless `keepEmptyFeatures`. Donors are chosen in `np.argpartition` order, so exact distance
 * ties pick the same donors as scikit-learn.
 *
 * @example
 * new KNNImputer({ nNeighbors: 2 }).fitTransform([[1, 2], [3, 4], [NaN, 6], [8, 8]]).toArray(); // row 2 -> [5.5, 6]
 */
export class KNNImputer extends Estimator<typeof schema, KNNImputerState> {
  static override readonly kind = 'KNNImputer';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<KNNImputerParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, allowNaN: true, copy: true });
    const d = m.cols;
    const valid = new Uint8Array(d);
    const ind: number[] = [];
    for (let j = 0; j < d; j++) {
      let obs = 0;
      for (let i = 0; i < m.rows; i++) if (m.data[i * d + j] === m.data[i * d + j]) obs++;
      valid[j] = obs > 0 ? 1 : 0;
      if (obs < m.rows) ind.push(j);
    }
    this._state = { fitX: m, valid, indicatorFeatures: Int32Array.from(ind), featureNamesIn: namesOf(X) };
    return this;
  }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const F = s.fitX;
    const d = F.cols, nf = F.rows;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: d });
    const n = m.rows;
    const Xo = m.data.slice();
    const rowsMissing: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) if (Xo[i * d + j] !== Xo[i * d + j]) { rowsMissing.push(i); break; }
    if (rowsMissing.length) {
      const R = m.takeRows(rowsMissing);
      const D = nanEuclideanDistances(R, F);
      const k0 = this.params.nNeighbors;
      const colMean = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        const filled = new Float64Array(nf);
        let c = 0;
        for (let t = 0; t < nf; t++) { const v = F.data[t * d + j]!; if (v === v) { filled[t] = v; c++; } }
        colMean[j] = pairwiseSum(filled) / c;
      }
      for (let j = 0; j < d; j++) {
        if (!s.valid[j]) continue;
        const donors: number[] = [];
        for (let t = 0; t < nf; t++) if (F.data[t * d + j] === F.data[t * d + j]) donors.push(t);
        const k = Math.min(k0, donors.length);
        const dist = new Float64Array(donors.length);
        rowsMissing.forEach((i, r) => {
          if (Xo[i * d + j] === Xo[i * d + j]) return;
          let allNaN = true;
          for (let u = 0; u < donors.length; u++) { dist[u] = D.data[r * nf + donors[u]!]!; if (dist[u] === dist[u]) allNaN = false; }
          if (allNaN) { Xo[i * d + j] = colMean[j]!; return; }
          // donors in np.argpartition(dist, k - 1)[:k] order (NaN last; exact ties as numpy), then
          // np.ma.average over them in that order (numpy's pairwise sums)
          const sel = Array.from(numpyArgpartition(dist, k - 1).subarray(0, k));
          const vals = Float64Array.from(sel, (u) => F.data[donors[u]! * d + j]!);
          if (this.params.weights === 'uniform') {
            Xo[i * d + j] = pairwiseSum(vals) / k;
          } else {
            const w = Float64Array.from(sel, (u) => 1 / dist[u]!);
            if (w.some((x) => x === Infinity)) for (let q = 0; q < w.length; q++) w[q] = w[q] === Infinity ? 1 : 0;
            for (let q = 0; q < w.length; q++) if (w[q] !== w[q]) w[q] = 0;
            const prod = Float64Array.from(vals, (x, q) => x * w[q]!);
            Xo[i * d + j] = pairwiseSum(prod) / pairwiseSum(w);
          }
        });
      }
    }
    const keep = this.params.keepEmptyFeatures ? Array.from({ length: d }, (_, j) => j) : Array.from(s.valid.keys()).filter((j) => s.valid[j]);
    const ind = this.params.addIndicator ? Array.from(s.indicatorFeatures) : [];
    const W = keep.length + ind.length;
    const out = new Float64Array(n * W);
    for (let i = 0; i < n; i++) {
      keep.forEach((j, k) => { out[i * W + k] = s.valid[j] ? Xo[i * d + j]! : 0; });
      ind.forEach((j, k) => { out[i * W + keep.length + k] = m.data[i * d + j] !== m.data[i * d + j] ? 1 : 0; });
    }
    return new Matrix(out, n, W);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const d = s.fitX.cols;
    const names = featureNamesIn(this.kind, d, s.featureNamesIn, inputFeatures);
    const out = names.filter((_, j) => this.params.keepEmptyFeatures || s.valid[j]);
    if (this.params.addIndicator) for (const j of s.indicatorFeatures) out.push(`missingindicator_${names[j]}`);
    return out;
  }
}
registerEstimator(KNNImputer);


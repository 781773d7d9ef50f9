import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { svdFlip, svdInPlace } from '../linalg/svd.js';
import { BasePCA, type BasePCAState } from './base.js';

const schema = {
  nComponents: p.nullable(p.int(1, { min: 1 }), null),
  whiten: p.bool(false, 'Scale the projections to unit variance.'),
  batchSize: p.nullable(p.int(1, { min: 1, doc: 'Rows per batch in fit (default 5 * n_features).' }), null),
};
export type IncrementalPCAParams = ParamsOf<typeof schema>;

/** Fitted state of IncrementalPCA. */
export interface IncrementalPCAState extends BasePCAState {
  /** Per-feature variance of all rows seen (ddof = 0). */
  var: Float64Array;
  nSamplesSeen: number;
  batchSizeUsed: number;
}

/**
 * Incremental PCA (Ross et al. 2008; scikit-learn's IncrementalPCA): `partialFit` folds one batch at
 * a time into a rank-k SVD, so data larger than memory can stream in chunks (from DuckDB, a CSV
 * reader...). `fit` splits X into batches of `batchSize` rows exactly as scikit-learn's
 * `gen_batches(n, batch_size, min_batch_size=n_components)`, so results equal scikit-learn's.
 *
 * @example
 * const ipca = new IncrementalPCA({ nComponents: 2 });
 * for (const chunk of chunks) ipca.partialFit(chunk);
 * const Z = ipca.transform(X);
 */
export class IncrementalPCA extends BasePCA<typeof schema, IncrementalPCAState> {
  static override readonly kind = 'IncrementalPCA';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: false };

  constructor(params: Partial<IncrementalPCAParams> = {}) {
    super(params);
  }

  /** Fit from scratch in batches of `batchSize` rows (5 * n_features by default). */
  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind });
    const n = m.rows, d = m.cols;
    const bs = this.params.batchSize ?? 5 * d;
    const minBatch = this.params.nComponents ?? 0;
    this._state = null;
    let start = 0;
    for (let b = 0; b < Math.floor(n / bs); b++) {
      const end = start + bs;
      if (end + minBatch > n) continue;
      this.partialFitRows(m, start, end);
      start = end;
    }
    if (start < n) this.partialFitRows(m, start, n);
    this._state!.batchSizeUsed = bs;
    return this;
  }

  /** Fold one batch into the model (the first call starts a new model). */
  partialFit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, nFeatures: this._state?.nFeatures });
    this.partialFitRows(m, 0, m.rows);
    return this;
  }

  private partialFitRows(m: Matrix, r0: number, r1: number): void {
    const owner = this.kind;
    const nb = r1 - r0, d = m.cols;
    const prev = this._state;
    let k: number;
    if (this.params.nComponents === null) k = prev ? prev.nComponents : Math.min(nb, d);
    else if (this.params.nComponents > d) throw new InvalidParameterError('nComponents', `<= n_features = ${d}`, this.params.nComponents, owner);
    else if (this.params.nComponents > nb) throw new ShapeError('X', `at least nComponents = ${this.params.nComponents} rows in each batch`, `a batch of ${nb} rows`, owner);
    else k = this.params.nComponents;
    if (prev && prev.nComponents !== k) throw new InvalidParameterError('nComponents', `the same number of components in every batch (${prev.nComponents}); set nComponents`, k, owner);
    const nSeen = prev?.nSamplesSeen ?? 0;
    const lastMean = prev?.mean ?? new Float64Array(d), lastVar = prev?.var ?? new Float64Array(d);
    // scikit-learn's _incremental_mean_and_var (Chan, Golub & LeVeque)
    const newSum = new Float64Array(d);
    for (let i = r0; i < r1; i++) for (let j = 0; j < d; j++) newSum[j]! += m.data[i * d + j]!;
    const total = nSeen + nb;
    const mean = new Float64Array(d), vr = new Float64Array(d), batchMean = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const lastSum = lastMean[j]! * nSeen;
      mean[j] = (lastSum + newSum[j]!) / total;
      const T = newSum[j]! / nb;
      batchMean[j] = T;
      let corr = 0, sq = 0;
      for (let i = r0; i < r1; i++) { const t = m.data[i * d + j]! - T; corr += t; sq += t * t; }
      const newUnnorm = sq - (corr * corr) / nb;
      let upd: number;
      if (nSeen === 0) upd = newUnnorm;
      else {
        const ratio = nSeen / nb;
        upd = lastVar[j]! * nSeen + newUnnorm + (ratio / total) * (lastSum / ratio - newSum[j]!) ** 2;
      }
      vr[j] = upd / total;
    }
    // stacked matrix: [S C; X - batch mean; mean correction] or X - mean on the first batch
    const extra = prev ? prev.nComponents + 1 : 0;
    const A = Matrix.zeros(nb + extra, d);
    let row = 0;
    if (prev) {
      for (let c = 0; c < prev.nComponents; c++, row++) for (let j = 0; j < d; j++) A.data[row * d + j] = prev.singularValues[c]! * prev.components[c * d + j]!;
    }
    const center = prev ? batchMean : mean;
    for (let i = r0; i < r1; i++, row++) for (let j = 0; j < d; j++) A.data[row * d + j] = m.data[i * d + j]! - center[j]!;
    if (prev) {
      const f = Math.sqrt((nSeen / total) * nb);
      for (let j = 0; j < d; j++) A.data[row * d + j] = f * (prev.mean[j]! - batchMean[j]!);
    }
    const { s: S, Vt } = svdInPlace(A);
    svdFlip(null, Vt, false);
    let varSum = 0;
    for (let j = 0; j < d; j++) varSum += vr[j]! * total;
    // scikit-learn returns NaN ratios (0 / 0) here; a typed error instead, as PCA
    if (!(varSum > 0)) throw new DataError('X', 'data with non-zero variance', `every column is constant over the ${total} rows seen (total variance 0)`, owner);
    const ev = S.map((v) => (v * v) / (total - 1));
    const ratio = S.map((v) => (v * v) / varSum);
    let noise = 0;
    if (k !== nb && k !== d) {
      let t = 0;
      for (let i = k; i < ev.length; i++) t += ev[i]!;
      noise = ev.length > k ? t / (ev.length - k) : 0;
    }
    this._state = {
      nFeatures: d, nComponents: k, components: Vt.data.slice(0, k * d), mean, var: vr, nSamplesSeen: total,
      singularValues: S.slice(0, k), explainedVariance: ev.slice(0, k), explainedVarianceRatio: ratio.slice(0, k),
      noiseVariance: noise, whiten: this.params.whiten, batchSizeUsed: prev?.batchSizeUsed ?? nb,
    };
  }

  get var(): Float64Array { return this.fitted.var; }
  get nSamplesSeen(): number { return this.fitted.nSamplesSeen; }
}
registerEstimator(IncrementalPCA);

import { DataError, InvalidParameterError } from '../core/errors.js';
import { registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { gemm } from '../linalg/blas.js';
import { eighRaw } from '../linalg/eigh.js';
import { choleskyRaw } from '../linalg/factor.js';
import { gram, shareRows } from '../linalg/gram.js';
import { randomizedSvd, squareSvd, svdFlip, svdInPlace } from '../linalg/svd.js';
import { sharedFloat64 } from '../linalg/threads.js';
import { columnMeans } from '../linalg/covariance.js';
import { BasePCA, type BasePCAState } from './base.js';
import { gramRouteCheaper, randomizedPcaDirect, randomizedPcaGram } from './randomizedGram.js';

const schema = {
  nComponents: p.custom<number | 'mle' | null>(
    null,
    "an integer >= 1, a fraction in (0, 1), 'mle' or null",
    (v) => v === null || v === 'mle' || (typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))),
    'Components to keep: all (null), a count, the variance fraction to explain, or Minka\'s MLE.',
  ),
  whiten: p.bool(false, 'Scale the projections to unit variance.'),
  svdSolver: p.oneOf(['auto', 'full', 'covariance_eigh', 'randomized'] as const, 'auto', "'auto' picks as scikit-learn 1.5: covariance_eigh for tall data (d <= 1000, n >= 10 d), full for small or 'mle', randomized for few components."),
  iteratedPower: p.custom<number | 'auto'>('auto', "an integer >= 0 or 'auto'", (v) => v === 'auto' || (typeof v === 'number' && Number.isInteger(v) && v >= 0), 'Power iterations of the randomized solver.'),
  nOversamples: p.int(10, { min: 1, doc: 'Extra random vectors of the randomized solver.' }),
  powerIterationNormalizer: p.oneOf(['auto', 'QR', 'LU', 'none'] as const, 'auto', 'Normalisation of the randomized power iterations.'),
  randomState: p.randomState(),
};
export type PCAParams = ParamsOf<typeof schema>;

/** Fitted state of PCA (all arrays row-major). */
export interface PCAState extends BasePCAState {
  /** Solver actually used ('auto' resolved). */
  fitSvdSolver: 'full' | 'covariance_eigh' | 'randomized';
  nSamples: number;
  /** Variance of each component (ddof = 1), length nComponentsOut. */
  explainedVariance: Float64Array;
}


/**
 * Principal component analysis (scikit-learn's PCA, the 1.5+ behaviour): exact SVD ('full'),
 * eigendecomposition of the covariance matrix ('covariance_eigh', the fastest for tall data) or
 * Halko's randomized SVD ('randomized', the same Gaussian draws as numpy for a given seed).
 * Component signs follow scikit-learn >= 1.5: the largest |loading| of each component is positive.
 *
 * 'full' on tall data (n >= d) factors the centered data by CholeskyQR2 (one Gram pass when the
 * data is well conditioned, two otherwise, Householder QR when the Gram is singular) and takes the
 * SVD of the triangular factor by Jacobi rotations, which keeps LAPACK-like accuracy at the cost
 * of one or two multi-core Gram passes.
 *
 * @example
 * const pca = new PCA({ nComponents: 2 }).fit(X);
 * pca.explainedVarianceRatio; // Float64Array [0.92..., 0.05...]
 * const Z = pca.transform(X);  // n x 2 scores
 */
export class PCA extends BasePCA<typeof schema, PCAState> {
  static override readonly kind = 'PCA';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: true, allowNaN: false };

  constructor(params: Partial<PCAParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, minRows: 2 });
    const n = m.rows, d = m.cols, minDim = Math.min(n, d);
    const nc = this.params.nComponents ?? minDim;
    let solver = this.params.svdSolver as PCAState['fitSvdSolver'] | 'auto';
    if (solver === 'auto') {
      if (d <= 1000 && n >= 10 * d) solver = 'covariance_eigh';
      else if (Math.max(n, d) <= 500 || nc === 'mle') solver = 'full';
      else if (typeof nc === 'number' && nc >= 1 && nc < 0.8 * minDim) solver = 'randomized';
      else solver = 'full';
    }
    if (nc === 'mle') {
      if (solver === 'randomized') throw new InvalidParameterError('nComponents', "an integer with svdSolver 'randomized' ('mle' needs an exact solver)", nc, this.kind);
      if (n < d) throw new InvalidParameterError('nComponents', `not 'mle' when n_samples < n_features (${n} < ${d})`, nc, this.kind);
    } else if (nc >= 1 && nc > minDim) {
      throw new InvalidParameterError('nComponents', `<= min(n_samples, n_features) = ${minDim}`, nc, this.kind);
    } else if (nc < 1 && solver === 'randomized') {
      throw new InvalidParameterError('nComponents', "an integer with svdSolver 'randomized' (a variance fraction needs an exact solver)", nc, this.kind);
    }
    const mean = columnMeans(m);
    this._state = solver === 'randomized' ? this.fitRandomized(m, mean, nc as number) : this.fitExact(m, mean, nc, solver);
    return this;
  }

  private fitExact(m: Matrix, mean: Float64Array, nc: number | 'mle', solver: 'full' | 'covariance_eigh'): PCAState {
    const n = m.rows, d = m.cols;
    if (solver === 'covariance_eigh') {
      // scikit-learn: C = X^T X - n mu mu^T, / (n - 1), eigh, descending, clip at 0
      const G = gram(shareRows(m.data, n, d), null, null);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) G[i * d + j] = (G[i * d + j]! - n * mean[i]! * mean[j]!) / (n - 1);
      return pcaStateFromCovariance(G, mean, n, nc, this.params.whiten, this.kind);
    }
    const { s: S, Vt } = exactSvd(m, mean);
    return finishPcaState(S.map((v) => (v * v) / (n - 1)), S, Vt, mean, n, nc, 'full', this.params.whiten, this.kind);
  }

  private fitRandomized(m: Matrix, mean: Float64Array, k: number): PCAState {
    const n = m.rows, d = m.cols, minDim = Math.min(n, d);
    const rng = checkRandomState(this.params.randomState, 'randomState', this.kind);
    const nOver = this.params.nOversamples;
    const ip = this.params.iteratedPower;
    const nIter = ip === 'auto' ? (k < 0.1 * minDim ? 7 : 4) : ip;
    let s: Float64Array | null = null, Vt: Matrix | null = null, sq = 0;
    // tall data: the same sketch through the centred Gram when d is small, else by fused multi-core
    // passes over X; the reference route below when either is numerically unsafe (randomizedGram.ts)
    if (n >= d) {
      const state = rng.getState();
      const r = gramRouteCheaper(n, d, k + nOver, nIter) ? randomizedPcaGram(m, mean, k, nOver, nIter, rng) : randomizedPcaDirect(m, mean, k, nOver, nIter, rng);
      if (r) ({ s, Vt, totalSq: sq } = r);
      else rng.setState(state);
    }
    if (!s || !Vt) {
      const xc = new Matrix(sharedFloat64(n * d), n, d);
      sq = 0;
      for (let i = 0; i < n; i++) {
        const o = i * d;
        for (let j = 0; j < d; j++) { const v = m.data[o + j]! - mean[j]!; xc.data[o + j] = v; sq += v * v; }
      }
      ({ s, Vt } = randomizedSvd(xc, k, {
        nOversamples: nOver, nIter, powerIterationNormalizer: this.params.powerIterationNormalizer,
        flipSign: false, randomState: rng,
      }));
    }
    svdFlip(null, Vt, false);
    const ev = s.map((v) => (v * v) / (n - 1));
    const total = sq / (n - 1);
    if (!(total > 0)) throw new DataError('X', 'data with non-zero variance', 'every column is constant (total variance 0)', this.kind);
    let sumEv = 0;
    for (const v of ev) sumEv += v;
    return {
      fitSvdSolver: 'randomized', nSamples: n, nFeatures: d, nComponents: k, mean,
      components: Vt.data.slice(), explainedVariance: ev, explainedVarianceRatio: ev.map((v) => v / total),
      singularValues: s, noiseVariance: k < minDim ? (total - sumEv) / (minDim - k) : 0, whiten: this.params.whiten,
    };
  }

  get fitSvdSolver(): string { return this.fitted.fitSvdSolver; }

  /** Mean log-likelihood of the samples. */
  score(X: MatrixLike): number {
    const ll = this.scoreSamples(X);
    let t = 0;
    for (const v of ll) t += v;
    return t / ll.length;
  }

  getFeatureNamesOut(): string[] {
    return Array.from({ length: this.fitted.nComponents }, (_, i) => `pca${i}`);
  }
}
registerEstimator(PCA);

/**
 * Singular values and right singular vectors of the centered data. Tall: CholeskyQR(2) + Jacobi SVD
 * of the triangular factor; wide or Gram-singular: Householder QR + Jacobi (`svdInPlace`).
 */
/**
 * PCA state from the sample covariance `C` (d x d, divided by n - 1) of n rows with column means
 * `mean`: eigh, eigenvalues descending and clipped at 0 (scikit-learn's covariance_eigh). Shared by
 * the in-memory 'covariance_eigh' solver and `fitSql` (where the engine computes C).
 */
export function pcaStateFromCovariance(C: Float64Array, mean: Float64Array, n: number, nc: number | 'mle', whiten: boolean, owner: string): PCAState {
  const d = mean.length;
  const { values, vectors } = eighRaw(C, d);
  const ev = new Float64Array(d);
  const S = new Float64Array(d);
  const Vt = Matrix.zeros(d, d);
  for (let k = 0; k < d; k++) {
    const v = Math.max(0, values[d - 1 - k]!);
    ev[k] = v;
    S[k] = Math.sqrt(v * (n - 1));
    for (let i = 0; i < d; i++) Vt.data[k * d + i] = vectors.data[i * d + (d - 1 - k)]!;
  }
  return finishPcaState(ev, S, Vt, mean, n, nc, 'covariance_eigh', whiten, owner);
}

/** Sign flip, explained variance ratios, the number of components kept, noise variance. */
function finishPcaState(ev: Float64Array, S: Float64Array, Vt: Matrix, mean: Float64Array, n: number, nc: number | 'mle', solver: 'full' | 'covariance_eigh', whiten: boolean, owner: string): PCAState {
  const d = mean.length, minDim = Math.min(n, d);
  svdFlip(null, Vt, false);
  let total = 0;
  for (let i = 0; i < ev.length; i++) total += ev[i]!;
  if (!(total > 0)) throw new DataError('X', 'data with non-zero variance', 'every column is constant (total variance 0)', owner);
  const ratio = ev.map((v) => v / total);
  let k: number;
  if (nc === 'mle') k = inferDimension(ev, n);
  else if (nc < 1) {
    let cum = 0;
    k = 0;
    for (let i = 0; i < ratio.length; i++) { cum += ratio[i]!; if (cum <= nc) k = i + 1; else break; }
    k = Math.min(k + 1, ratio.length);
  } else k = nc;
  let noise = 0;
  if (k < minDim) {
    let s = 0;
    for (let i = k; i < ev.length; i++) s += ev[i]!;
    noise = s / (ev.length - k);
  }
  return {
    fitSvdSolver: solver, nSamples: n, nFeatures: d, nComponents: k, mean,
    components: Vt.data.slice(0, k * d), explainedVariance: ev.slice(0, k), explainedVarianceRatio: ratio.slice(0, k),
    singularValues: S.slice(0, k), noiseVariance: noise, whiten,
  };
}

function exactSvd(m: Matrix, mean: Float64Array): { s: Float64Array; Vt: Matrix } {
  const n = m.rows, d = m.cols;
  const householder = () => {
    const xc = Matrix.zeros(n, d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc.data[i * d + j] = m.data[i * d + j]! - mean[j]!;
    const r = svdInPlace(xc);
    return { s: r.s, Vt: r.Vt };
  };
  if (n < d || n < 4 * d) return householder();
  const rows = shareRows(m.data, n, d);
  const L1 = choleskyRaw(gram(rows, mean, null), d);
  if (typeof L1 === 'number') return householder();
  const R1 = transposeSquare(L1, d);
  const first = squareSvd(R1, d, false);
  const kappa = first.s[0]! / first.s[d - 1]!;
  // one Gram pass loses ~eps * kappa^2 relative accuracy: keep it only for well-conditioned data
  if (kappa < 100) return { s: first.s, Vt: new Matrix(first.Vt, d, d) };
  if (!(kappa < 1e6)) return householder();
  const W = upperInverse(R1, d);
  const L2 = choleskyRaw(gram(rows, mean, W), d);
  if (typeof L2 === 'number') return householder();
  const R2 = transposeSquare(L2, d);
  const R = new Float64Array(d * d);
  gemm(false, false, d, d, d, 1, R2, d, R1, d, 0, R, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) R[i * d + j] = 0;
  const r = squareSvd(R, d, false);
  return { s: r.s, Vt: new Matrix(r.Vt, d, d) };
}

function transposeSquare(a: Float64Array, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j]!;
  return t;
}

/** Inverse of an upper-triangular d x d matrix (back substitution, column by column). */
function upperInverse(R: Float64Array, d: number): Float64Array {
  const W = new Float64Array(d * d);
  for (let j = d - 1; j >= 0; j--) {
    W[j * d + j] = 1 / R[j * d + j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += R[i * d + k]! * W[k * d + j]!;
      W[i * d + j] = -s / R[i * d + i]!;
    }
  }
  return W;
}

/** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
export function gammaln(x: number): number {
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - gammaln(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Minka's log-likelihood of rank `rank` for a spectrum (scikit-learn's `_assess_dimension`). */
function assessDimension(spectrum: Float64Array, rank: number, nSamples: number): number {
  const d = spectrum.length;
  const eps = 1e-15;
  if (spectrum[rank - 1]! < eps) return -Infinity;
  let pu = -rank * Math.log(2);
  for (let i = 1; i <= rank; i++) pu += gammaln((d - i + 1) / 2) - (Math.log(Math.PI) * (d - i + 1)) / 2;
  let pl = 0;
  for (let i = 0; i < rank; i++) pl += Math.log(spectrum[i]!);
  pl = (-pl * nSamples) / 2;
  let rest = 0;
  for (let i = rank; i < d; i++) rest += spectrum[i]!;
  const v = Math.max(eps, rest / (d - rank));
  const pv = (-Math.log(v) * nSamples * (d - rank)) / 2;
  const mm = d * rank - (rank * (rank + 1)) / 2;
  const pp = (Math.log(2 * Math.PI) * (mm + rank)) / 2;
  let pa = 0;
  for (let i = 0; i < rank; i++) {
    for (let j = i + 1; j < d; j++) {
      const sj = j >= rank ? v : spectrum[j]!;
      const si = i >= rank ? v : spectrum[i]!;
      pa += Math.log((spectrum[i]! - spectrum[j]!) * (1 / sj - 1 / si)) + Math.log(nSamples);
    }
  }
  return pu + pl + pv + pp - pa / 2 - (rank * Math.log(nSamples)) / 2;
}

/** scikit-learn's `_infer_dimension`: argmax over rank in [1, d-1] of Minka's log-likelihood. */
function inferDimension(spectrum: Float64Array, nSamples: number): number {
  let best = 0, bestLl = -Infinity;
  for (let rank = 1; rank < spectrum.length; rank++) {
    const ll = assessDimension(spectrum, rank, nSamples);
    if (ll > bestLl) { bestLl = ll; best = rank; }
  }
  return best;
}



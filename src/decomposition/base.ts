/**
 * What PCA and IncrementalPCA share (scikit-learn's `_BasePCA`): projection, reconstruction and
 * the probabilistic PCA covariance, precision and log-likelihood.
 */
import { Estimator } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import type { Schema } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { gemm } from '../linalg/blas.js';
import { choleskyRaw, inv, luInPlace } from '../linalg/factor.js';

const EPS = 2.220446049250313e-16;

/** Fitted quantities the shared methods need. */
export interface LinearModelState {
  nFeatures: number;
  /** Kept components (k). */
  nComponents: number;
  /** k x d row-major principal axes. */
  components: Float64Array;
  mean: Float64Array;
  explainedVariance: Float64Array;
  noiseVariance: number;
  whiten: boolean;
}

/** `(X - mean) C^T`, whitened by sqrt(explainedVariance) (clipped at machine epsilon, as scikit-learn 1.5). */
export function projectRows(s: LinearModelState, X: Matrix): Matrix {
  const n = X.rows, d = s.nFeatures, k = s.nComponents;
  const xc = new Float64Array(n * d);
  for (let i = 0; i < n; i++) { const o = i * d; for (let j = 0; j < d; j++) xc[o + j] = X.data[o + j]! - s.mean[j]!; }
  const Z = Matrix.zeros(n, k);
  gemm(false, true, n, k, d, 1, xc, d, s.components, d, 0, Z.data, k);
  if (s.whiten) {
    const scale = s.explainedVariance.map((v) => Math.max(Math.sqrt(v), EPS));
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Z.data[i * k + j]! /= scale[j]!;
  }
  return Z;
}

/** `Z C + mean` (C rows scaled by sqrt(explainedVariance) when whitened). */
export function unprojectRows(s: LinearModelState, Z: Matrix): Matrix {
  const n = Z.rows, d = s.nFeatures, k = s.nComponents;
  const C = scaledComponents(s);
  const X = Matrix.zeros(n, d);
  for (let i = 0; i < n; i++) X.data.set(s.mean, i * d);
  gemm(false, false, n, d, k, 1, Z.data, k, C, d, 1, X.data, d);
  return X;
}

/** The components, rows scaled by sqrt(explainedVariance) when whitened (a copy then; callers do not write to it). */
function scaledComponents(s: LinearModelState): Float64Array {
  if (!s.whiten) return s.components;
  const { nComponents: k, nFeatures: d } = s;
  const C = s.components.slice();
  for (let j = 0; j < k; j++) { const f = Math.sqrt(s.explainedVariance[j]!); for (let i = 0; i < d; i++) C[j * d + i]! *= f; }
  return C;
}

/** scikit-learn's `get_covariance`: C^T diag(max(ev - noise, 0)) C + noise I. */
export function getCovarianceOf(s: LinearModelState): Matrix {
  const { nComponents: k, nFeatures: d } = s;
  const C = scaledComponents(s);
  const CD = C.slice();
  for (let j = 0; j < k; j++) { const f = Math.max(s.explainedVariance[j]! - s.noiseVariance, 0); for (let i = 0; i < d; i++) CD[j * d + i]! *= f; }
  const cov = Matrix.zeros(d, d);
  gemm(true, false, d, d, k, 1, CD, d, C, d, 0, cov.data, d);
  for (let i = 0; i < d; i++) cov.data[i * d + i]! += s.noiseVariance;
  return cov;
}

/** scikit-learn's `get_precision` (matrix inversion lemma; plain inverse when the noise variance is 0). */
export function getPrecisionOf(s: LinearModelState): Matrix {
  const { nComponents: k, nFeatures: d } = s;
  const noise = s.noiseVariance;
  if (k === 0) {
    const P = Matrix.zeros(d, d);
    for (let i = 0; i < d; i++) P.data[i * d + i] = 1 / noise;
    return P;
  }
  if (noise === 0) return inv(getCovarianceOf(s));
  const C = scaledComponents(s);
  const small = new Float64Array(k * k);
  gemm(false, true, k, k, d, 1 / noise, C, d, C, d, 0, small, k);
  for (let j = 0; j < k; j++) small[j * k + j]! += 1 / Math.max(s.explainedVariance[j]! - noise, 0);
  const smallInv = inv(new Matrix(small, k, k)).data;
  const T = new Float64Array(k * d);
  gemm(false, false, k, d, k, 1, smallInv, k, C, d, 0, T, d);
  const P = Matrix.zeros(d, d);
  gemm(true, false, d, d, k, -1 / (noise * noise), C, d, T, d, 0, P.data, d);
  for (let i = 0; i < d; i++) P.data[i * d + i]! += 1 / noise;
  return P;
}

/** log|det| of a symmetric positive-definite matrix (Cholesky), or via LU with its sign (scikit-learn's `fast_logdet`: -inf when det <= 0). */
function fastLogdet(P: Matrix): number {
  const d = P.rows;
  const L = choleskyRaw(P.data, d);
  if (typeof L !== 'number') {
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.log(L[i * d + i]!);
    return 2 * s;
  }
  const { U, perm } = luInPlace(P.copy(), false);
  let sign = 1, ld = 0;
  for (let i = 0; i < d; i++) { const u = U.data[i * d + i]!; if (u === 0) return -Infinity; if (u < 0) sign = -sign; ld += Math.log(Math.abs(u)); }
  const seen = new Uint8Array(d);
  for (let i = 0; i < d; i++) { if (seen[i]) continue; let len = 0; for (let j = i; !seen[j]; j = perm[j]!) { seen[j] = 1; len++; } if (len % 2 === 0) sign = -sign; }
  return sign > 0 ? ld : -Infinity;
}

/** Per-sample log-likelihood under the probabilistic PCA model. */
export function logLikelihoods(s: LinearModelState, X: Matrix): Float64Array {
  const n = X.rows, d = s.nFeatures;
  const P = getPrecisionOf(s);
  const xr = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xr[i * d + j] = X.data[i * d + j]! - s.mean[j]!;
  const XP = new Float64Array(n * d);
  gemm(false, false, n, d, d, 1, xr, d, P.data, d, 0, XP, d);
  const logdet = fastLogdet(P);
  // as scikit-learn: a singular precision gives log-likelihoods of -Infinity (not NaN)
  const c = 0.5 * (d * Math.log(2 * Math.PI) - logdet);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < d; j++) q += xr[i * d + j]! * XP[i * d + j]!;
    out[i] = -0.5 * q - c;
  }
  return out;
}

/** Fitted state every PCA flavour has (scikit-learn's `_BasePCA` attributes). */
export interface BasePCAState extends LinearModelState {
  explainedVarianceRatio: Float64Array;
  singularValues: Float64Array;
}

/**
 * Methods PCA and IncrementalPCA share (scikit-learn's `_BasePCA`): fitted attributes, transform,
 * inverseTransform and the probabilistic PCA covariance, precision and log-likelihood.
 */
export abstract class BasePCA<S extends Schema, St extends BasePCAState> extends Estimator<S, St> {
  abstract fit(X: MatrixLike): this;

  /** Principal axes, nComponentsOut x nFeatures (rows sorted by explained variance). */
  get components(): Matrix { const s = this.fitted; return new Matrix(s.components.slice(), s.nComponents, s.nFeatures); }
  get explainedVariance(): Float64Array { return this.fitted.explainedVariance; }
  get explainedVarianceRatio(): Float64Array { return this.fitted.explainedVarianceRatio; }
  get singularValues(): Float64Array { return this.fitted.singularValues; }
  get mean(): Float64Array { return this.fitted.mean; }
  get noiseVariance(): number { return this.fitted.noiseVariance; }
  /** Number of components kept (resolved from a fraction, 'mle' or null). */
  get nComponentsOut(): number { return this.fitted.nComponents; }

  /** Project X on the components: `(X - mean) C^T`, divided by sqrt(explainedVariance) when whitening. */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return projectRows(s, checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }));
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** Map scores back to feature space: `Z C + mean` (times sqrt(explainedVariance) when whitened). */
  inverseTransform(Z: MatrixLike): Matrix {
    const s = this.fitted;
    return unprojectRows(s, checkArray(Z, { owner: this.kind, name: 'Z', nFeatures: s.nComponents }));
  }

  /** Data covariance under the probabilistic PCA model (nFeatures x nFeatures). */
  getCovariance(): Matrix { return getCovarianceOf(this.fitted); }
  /** Inverse of `getCovariance()` computed with the matrix inversion lemma. */
  getPrecision(): Matrix { return getPrecisionOf(this.fitted); }

  /** Log-likelihood of each sample under the probabilistic PCA model (Tipping & Bishop 1999). */
  scoreSamples(X: MatrixLike): Float64Array {
    const s = this.fitted;
    return logLikelihoods(s, checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }));
  }
}

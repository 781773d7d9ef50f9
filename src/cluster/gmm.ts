import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState, type RandomState } from '../core/random.js';
import { checkMemory } from '../core/resources.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { pairwiseSum } from '../core/numeric.js';
import { rowNormsSq } from './pairwise.js';
import { KMeans, checkNClusters, kmeansPlusPlus } from './kmeans.js';

export type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';

const matrixLike = (v: unknown) => v instanceof Matrix || (Array.isArray(v) && v.every((r) => Array.isArray(r)));
const vectorLike = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'number')) || v instanceof Float64Array;

const schema = {
  nComponents: p.int(1, { min: 1, doc: 'Number of mixture components.' }),
  covarianceType: p.oneOf(['full', 'tied', 'diag', 'spherical'] as const, 'full', 'Covariance parameterisation.'),
  tol: p.num(1e-3, { min: 0, doc: 'Stop when the change of the lower bound (mean log-likelihood) is below tol.' }),
  regCovar: p.num(1e-6, { min: 0, doc: 'Added to the covariance diagonals so they stay positive definite.' }),
  maxIter: p.int(100, { min: 0, doc: 'EM iterations per initialisation.' }),
  nInit: p.int(1, { min: 1, doc: 'Initialisations; the best lower bound wins.' }),
  initParams: p.oneOf(['kmeans', 'k-means++', 'random', 'random_from_data'] as const, 'kmeans', 'How responsibilities are initialised.'),
  weightsInit: p.nullable(p.custom<ArrayLike<number>>([], 'an array of nComponents weights summing to 1', vectorLike)),
  meansInit: p.nullable(p.custom<Matrix | number[][]>([], 'an nComponents x nFeatures matrix', matrixLike)),
  randomState: p.randomState(),
};
export type GaussianMixtureParams = ParamsOf<typeof schema>;

export interface GaussianMixtureState {
  weights: Float64Array;
  means: Matrix;
  /** full: k*d*d, tied: d*d, diag: k*d, spherical: k (row-major). */
  covariances: Float64Array;
  /** Cholesky factors of the precisions, same layout as `covariances` (upper triangular for full/tied). */
  precisionsCholesky: Float64Array;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  nFeatures: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
const EPS = 2.220446049250313e-16;

/**
 * Gaussian mixture fitted by EM, a port of scikit-learn's `GaussianMixture`: full, tied, diag and
 * spherical covariances, k-means (or k-means++ / random) initialisation drawing from the same
 * RandomState stream as scikit-learn, `regCovar` on the diagonals, precision Cholesky factors for
 * the log-densities, `lowerBound` = mean log-likelihood, `converged`, `bic`/`aic`.
 *
 * @example
 * const gm = new GaussianMixture({ nComponents: 2, randomState: 0 }).fit([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]]);
 * gm.means.toArray();            // [[10, 2], [1, 2]]
 * gm.predict([[0, 0], [12, 3]]); // Int32Array [1, 0]
 * gm.predictProba([[0, 0]]);     // Matrix [[0, 1]]
 */
export class GaussianMixture extends Estimator<typeof schema, GaussianMixtureState> {
  static override readonly kind = 'GaussianMixture';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'clusterer', supervised: false, stochastic: true, allowNaN: false };

  constructor(params: Partial<GaussianMixtureParams> = {}) {
    super(params);
  }

  /** Fit by EM (`nInit` initialisations, best lower bound kept). */
  fit(X: MatrixLike): this {
    this.fitPredict(X);
    return this;
  }

  /** Fit, then return the most likely component of each training row. */
  fitPredict(X: MatrixLike): Int32Array {
    const owner = this.kind;
    const m = checkArray(X, { owner, minRows: 2 });
    const { nComponents: k, covarianceType: ct, maxIter, tol, regCovar, nInit } = this.params;
    checkNClusters(k, m.rows, owner, 'nComponents');
    const { rows: n, cols: d, data } = m;
    // covariances, precision Cholesky factors, the best run's copy and the E-step work arrays
    const covFloats = { full: 4 * k * d * d, tied: 4 * d * d + k * d, diag: 4 * k * d, spherical: 4 * k + k * d }[ct];
    checkMemory(`a '${ct}' Gaussian mixture with ${k} components in ${d} dimensions`, 8 * (covFloats + 3 * n * d + 3 * n * k + d * d), {
      owner, hint: "use covarianceType 'diag' or 'spherical', reduce the dimensions first (e.g. PCA), or lower nComponents",
    });
    const wInit = this.params.weightsInit ? checkWeightsInit(this.params.weightsInit, k, owner) : null;
    const mInit = this.params.meansInit ? checkArray(this.params.meansInit as MatrixLike, { owner, name: 'meansInit' }) : null;
    if (mInit && (mInit.rows !== k || mInit.cols !== d)) throw new ShapeError('meansInit', `shape [${k}, ${d}]`, `shape [${mInit.rows}, ${mInit.cols}]`, owner);
    const rng = checkRandomState(this.params.randomState, 'randomState', owner);
    let best: Params | null = null;
    let bestBound = -Infinity;
    let bestIter = 0;
    let converged = false;
    for (let init = 0; init < nInit; init++) {
      const resp = this.initialResp(data, n, d, k, rng);
      let prm = estimateParameters(data, n, d, resp, k, regCovar, ct, owner);
      for (let j = 0; j < k; j++) prm.weights[j]! /= n;
      if (wInit) prm.weights = Float64Array.from(wInit);
      if (mInit) prm.means = Float64Array.from(mInit.data);
      let lowerBound = -Infinity;
      let nIter = 0;
      if (maxIter === 0) {
        best = prm; bestIter = 0;
      } else {
        for (nIter = 1; nIter <= maxIter; nIter++) {
          const prev = lowerBound;
          const { meanLogProb, logResp } = eStep(data, n, d, k, prm, ct);
          for (let t = 0; t < logResp.length; t++) logResp[t] = Math.exp(logResp[t]!);
          prm = estimateParameters(data, n, d, logResp, k, regCovar, ct, owner);
          const ws = sum(prm.weights);
          for (let j = 0; j < k; j++) prm.weights[j]! /= ws;
          lowerBound = meanLogProb;
          if (Math.abs(lowerBound - prev) < tol) { converged = true; break; }
        }
        if (nIter > maxIter) nIter = maxIter;
        if (lowerBound > bestBound || bestBound === -Infinity) { bestBound = lowerBound; best = prm; bestIter = nIter; }
      }
    }
    const b = best!;
    this._state = {
      weights: b.weights, means: new Matrix(b.means, k, d), covariances: b.cov, precisionsCholesky: b.precChol,
      converged, nIter: bestIter, lowerBound: bestBound, nFeatures: d,
    };
    const { logResp } = eStep(data, n, d, k, b, ct);
    return argmaxRows(logResp, n, k);
  }

  private initialResp(X: Float64Array, n: number, d: number, k: number, rng: RandomState): Float64Array {
    const resp = new Float64Array(n * k);
    switch (this.params.initParams) {
      case 'kmeans': {
        const labels = new KMeans({ nClusters: k, nInit: 1, randomState: rng }).fit(new Matrix(X, n, d)).labels;
        for (let i = 0; i < n; i++) resp[i * k + labels[i]!] = 1;
        break;
      }
      case 'random': {
        const u = rng.uniform(0, 1, n * k);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += u[i * k + j]!;
          for (let j = 0; j < k; j++) resp[i * k + j] = u[i * k + j]! / s;
        }
        break;
      }
      case 'random_from_data': {
        const idx = rng.choice(n, k, { replace: false });
        for (let j = 0; j < k; j++) resp[idx[j]! * k + j] = 1;
        break;
      }
      case 'k-means++': {
        const { indices } = kmeansPlusPlus(X, n, d, k, rng, { xNorms: rowNormsSq(X, n, d) });
        for (let j = 0; j < k; j++) resp[indices[j]! * k + j] = 1;
        break;
      }
    }
    return resp;
  }

  /** Component weights (sum to 1). */
  get weights(): Float64Array { return this.fitted.weights; }
  /** Component means (`nComponents x nFeatures`). */
  get means(): Matrix { return this.fitted.means; }
  /** Covariances, flattened: full `k*d*d`, tied `d*d`, diag `k*d`, spherical `k`. */
  get covariances(): Float64Array { return this.fitted.covariances; }
  /** Cholesky factors of the precision matrices (same layout as `covariances`). */
  get precisionsCholesky(): Float64Array { return this.fitted.precisionsCholesky; }
  /** Whether the best initialisation converged within maxIter. */
  get converged(): boolean { return this.fitted.converged; }
  /** EM iterations of the best initialisation. */
  get nIter(): number { return this.fitted.nIter; }
  /** Mean log-likelihood of the training data at the best fit (scikit-learn's `lower_bound_`). */
  get lowerBound(): number { return this.fitted.lowerBound; }

  private params_(): Params {
    const s = this.fitted;
    return { weights: s.weights, means: s.means.data, cov: s.covariances, precChol: s.precisionsCholesky };
  }

  private weighted(X: MatrixLike): { wlp: Float64Array; n: number } {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const k = this.params.nComponents;
    return { wlp: weightedLogProb(m.data, m.rows, m.cols, k, this.params_(), this.params.covarianceType), n: m.rows };
  }

  /** Log of the mixture density at each row. */
  scoreSamples(X: MatrixLike): Float64Array {
    const { wlp, n } = this.weighted(X);
    return logsumexpRows(wlp, n, this.params.nComponents);
  }

  /** Mean log-likelihood of X. */
  score(X: MatrixLike): number {
    const s = this.scoreSamples(X);
    return pairwiseSum(s) / s.length;
  }

  /** Most likely component of each row. */
  predict(X: MatrixLike): Int32Array {
    const { wlp, n } = this.weighted(X);
    return argmaxRows(wlp, n, this.params.nComponents);
  }

  /** Posterior probability of each component for each row (`n x nComponents`). */
  predictProba(X: MatrixLike): Matrix {
    const k = this.params.nComponents;
    const { wlp, n } = this.weighted(X);
    const norm = logsumexpRows(wlp, n, k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) wlp[i * k + j] = Math.exp(wlp[i * k + j]! - norm[i]!);
    return new Matrix(wlp, n, k);
  }

  /** Number of free parameters of the fitted model. */
  nParameters(): number {
    const d = this.fitted.nFeatures;
    const k = this.params.nComponents;
    const cov = { full: (k * d * (d + 1)) / 2, diag: k * d, tied: (d * (d + 1)) / 2, spherical: k }[this.params.covarianceType];
    return Math.trunc(cov + d * k + k - 1);
  }

  /** Bayesian information criterion on X (lower is better). */
  bic(X: MatrixLike): number {
    const n = checkArray(X, { owner: this.kind }).rows;
    return -2 * this.score(X) * n + this.nParameters() * Math.log(n);
  }

  /** Akaike information criterion on X (lower is better). */
  aic(X: MatrixLike): number {
    const n = checkArray(X, { owner: this.kind }).rows;
    return -2 * this.score(X) * n + 2 * this.nParameters();
  }
}
registerEstimator(GaussianMixture);

interface Params {
  weights: Float64Array;
  means: Float64Array;
  cov: Float64Array;
  precChol: Float64Array;
}

function sum(a: Float64Array): number {
  return pairwiseSum(a);
}

function checkWeightsInit(w: ArrayLike<number>, k: number, owner: string): Float64Array {
  const a = Float64Array.from(w);
  if (a.length !== k) throw new ShapeError('weightsInit', `length ${k} (nComponents)`, `length ${a.length}`, owner);
  for (const v of a) if (!(v >= 0 && v <= 1)) throw new InvalidParameterError('weightsInit', 'weights in [0, 1]', v, owner);
  if (Math.abs(1 - sum(a)) > 1e-8) throw new InvalidParameterError('weightsInit', 'weights summing to 1', sum(a), owner);
  return a;
}

/** `_estimate_gaussian_parameters` + `_compute_precision_cholesky`. */
function estimateParameters(X: Float64Array, n: number, d: number, resp: Float64Array, k: number, reg: number, ct: CovarianceType, owner: string): Params {
  const nk = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) nk[j]! += resp[i * k + j]!;
  for (let j = 0; j < k; j++) nk[j]! += 10 * EPS;
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j]!;
      if (r === 0) continue;
      for (let f = 0; f < d; f++) means[j * d + f]! += r * X[i * d + f]!;
    }
  }
  for (let j = 0; j < k; j++) for (let f = 0; f < d; f++) means[j * d + f]! /= nk[j]!;
  let cov: Float64Array;
  if (ct === 'full') {
    cov = new Float64Array(k * d * d);
    const diff = new Float64Array(d);
    for (let j = 0; j < k; j++) {
      const o = j * d * d;
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + j]!;
        if (r === 0) continue;
        for (let f = 0; f < d; f++) diff[f] = X[i * d + f]! - means[j * d + f]!;
        for (let a = 0; a < d; a++) {
          const ra = r * diff[a]!;
          for (let b = a; b < d; b++) cov[o + a * d + b]! += ra * diff[b]!;
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = a; b < d; b++) { const v = cov[o + a * d + b]! / nk[j]!; cov[o + a * d + b] = v; cov[o + b * d + a] = v; }
        cov[o + a * d + a]! += reg;
      }
    }
  } else if (ct === 'tied') {
    cov = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) { const xa = X[i * d + a]!; for (let b = a; b < d; b++) cov[a * d + b]! += xa * X[i * d + b]!; }
    let nsum = 0;
    for (let j = 0; j < k; j++) nsum += nk[j]!;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        let mm = 0;
        for (let j = 0; j < k; j++) mm += nk[j]! * means[j * d + a]! * means[j * d + b]!;
        const v = (cov[a * d + b]! - mm) / nsum;
        cov[a * d + b] = v; cov[b * d + a] = v;
      }
      cov[a * d + a]! += reg;
    }
  } else {
    const diag = new Float64Array(k * d);
    const x2 = new Float64Array(k * d);
    const x1 = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const r = resp[i * k + j]!;
        if (r === 0) continue;
        for (let f = 0; f < d; f++) { const x = X[i * d + f]!; x2[j * d + f]! += r * (x * x); x1[j * d + f]! += r * x; }
      }
    }
    for (let j = 0; j < k; j++) {
      for (let f = 0; f < d; f++) {
        const t = j * d + f;
        const mu = means[t]!;
        diag[t] = x2[t]! / nk[j]! - 2 * ((mu * x1[t]!) / nk[j]!) + mu * mu + reg;
      }
    }
    if (ct === 'diag') cov = diag;
    else {
      cov = new Float64Array(k);
      for (let j = 0; j < k; j++) cov[j] = pairwiseSum(diag, j * d, d) / d;
    }
  }
  return { weights: nk, means, cov, precChol: precisionCholesky(cov, k, d, ct, owner) };
}

const ILL_DEFINED = 'covariances that are positive definite (a component has an ill-defined empirical covariance, e.g. singleton or collapsed samples: decrease nComponents or increase regCovar)';

function precisionCholesky(cov: Float64Array, k: number, d: number, ct: CovarianceType, owner: string): Float64Array {
  if (ct === 'full' || ct === 'tied') {
    const m = ct === 'full' ? k : 1;
    const out = new Float64Array(m * d * d);
    for (let j = 0; j < m; j++) {
      const L = cholesky(cov.subarray(j * d * d, (j + 1) * d * d), d);
      if (!L) throw new DataError('X', ILL_DEFINED, `component ${j} is not positive definite`, owner);
      // precisions_chol = inv(L).T (upper triangular)
      const inv = invLower(L, d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[j * d * d + a * d + b] = inv[b * d + a]!;
    }
    return out;
  }
  const out = new Float64Array(cov.length);
  for (let t = 0; t < cov.length; t++) {
    if (!(cov[t]! > 0)) throw new DataError('X', ILL_DEFINED, `variance ${cov[t]} in component ${Math.floor(t / (ct === 'diag' ? d : 1))}`, owner);
    out[t] = 1 / Math.sqrt(cov[t]!);
  }
  return out;
}

/** Lower Cholesky factor of a symmetric d x d matrix, or null when not positive definite. */
function cholesky(A: Float64Array, d: number): Float64Array | null {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j]!;
    for (let t = 0; t < j; t++) s -= L[j * d + t]! * L[j * d + t]!;
    if (!(s > 0)) return null;
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = A[i * d + j]!;
      for (let t = 0; t < j; t++) v -= L[i * d + t]! * L[j * d + t]!;
      L[i * d + j] = v / ljj;
    }
  }
  return L;
}

/** Inverse of a lower-triangular matrix by forward substitution (solve_triangular(L, I, lower=True)). */
function invLower(L: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    for (let i = c; i < d; i++) {
      let v = i === c ? 1 : 0;
      for (let t = c; t < i; t++) v -= L[i * d + t]! * inv[t * d + c]!;
      inv[i * d + c] = v / L[i * d + i]!;
    }
  }
  return inv;
}

/** `_estimate_log_gaussian_prob` + log weights: `n x k` weighted log-densities. */
function weightedLogProb(X: Float64Array, n: number, d: number, k: number, prm: Params, ct: CovarianceType): Float64Array {
  const out = new Float64Array(n * k);
  const { means, precChol: pc, weights } = prm;
  const logW = Float64Array.from(weights, Math.log);
  if (ct === 'full' || ct === 'tied') {
    const pT = new Float64Array(d * d);
    const XP = new Float64Array(n * d);
    const muP = new Float64Array(d);
    for (let j = 0; j < k; j++) {
      const o = ct === 'full' ? j * d * d : 0;
      let logDet = 0;
      for (let a = 0; a < d; a++) logDet += Math.log(pc[o + a * d + a]!);
      // mu @ P (P upper triangular: column b uses rows a <= b)
      // P transposed (lower triangular) so the inner products run over contiguous memory
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) pT[b * d + a] = pc[o + a * d + b]!;
      for (let b = 0; b < d; b++) { let s = 0; for (let a = 0; a <= b; a++) s += means[j * d + a]! * pT[b * d + a]!; muP[b] = s; }
      // tied: X @ P is shared by all components, computed once
      if (ct === 'full' || j === 0) {
        for (let i = 0; i < n; i++) {
          const xo = i * d;
          for (let b = 0; b < d; b++) {
            let s = 0;
            const po = b * d;
            for (let a = 0; a <= b; a++) s += X[xo + a]! * pT[po + a]!;
            XP[xo + b] = s;
          }
        }
      }
      for (let i = 0; i < n; i++) {
        let sq = 0;
        const xo = i * d;
        for (let b = 0; b < d; b++) {
          const yb = XP[xo + b]! - muP[b]!;
          sq += yb * yb;
        }
        out[i * k + j] = -0.5 * (d * LOG_2PI + sq) + logDet + logW[j]!;
      }
    }
  } else if (ct === 'diag') {
    for (let j = 0; j < k; j++) {
      let logDet = 0;
      let c = 0;
      for (let f = 0; f < d; f++) { const q = pc[j * d + f]!; logDet += Math.log(q); c += means[j * d + f]! ** 2 * (q * q); }
      for (let i = 0; i < n; i++) {
        let cross = 0;
        let sq = 0;
        for (let f = 0; f < d; f++) {
          const q = pc[j * d + f]!;
          const prec = q * q;
          const x = X[i * d + f]!;
          cross += x * (means[j * d + f]! * prec);
          sq += x * x * prec;
        }
        out[i * k + j] = -0.5 * (d * LOG_2PI + (c - 2 * cross + sq)) + logDet + logW[j]!;
      }
    }
  } else {
    const xn = rowNormsSq(X, n, d);
    for (let j = 0; j < k; j++) {
      const q = pc[j]!;
      const prec = q * q;
      const logDet = d * Math.log(q);
      let mn = 0;
      for (let f = 0; f < d; f++) mn += means[j * d + f]! ** 2;
      for (let i = 0; i < n; i++) {
        let cross = 0;
        for (let f = 0; f < d; f++) cross += X[i * d + f]! * (means[j * d + f]! * prec);
        out[i * k + j] = -0.5 * (d * LOG_2PI + (mn * prec - 2 * cross + xn[i]! * prec)) + logDet + logW[j]!;
      }
    }
  }
  return out;
}

function logsumexpRows(a: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) if (a[i * k + j]! > mx) mx = a[i * k + j]!;
    if (!Number.isFinite(mx)) mx = 0;
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(a[i * k + j]! - mx);
    out[i] = Math.log(s) + mx;
  }
  return out;
}

function eStep(X: Float64Array, n: number, d: number, k: number, prm: Params, ct: CovarianceType): { meanLogProb: number; logResp: Float64Array } {
  const wlp = weightedLogProb(X, n, d, k, prm, ct);
  const norm = logsumexpRows(wlp, n, k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) wlp[i * k + j]! -= norm[i]!;
  return { meanLogProb: pairwiseSum(norm) / n, logResp: wlp };
}

function argmaxRows(a: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let j = 1; j < k; j++) if (a[i * k + j]! > a[i * k + b]!) b = j;
    out[i] = b;
  }
  return out;
}

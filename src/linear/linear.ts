import { DataError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamSpec, type ParamsOf, type Schema } from '../core/params.js';
import { checkSampleWeight } from '../core/sampleWeight.js';
import { regressorScore } from '../metrics/score.js';
import { checkArray, checkTarget, type LabelsLike, type MatrixLike } from '../core/validation.js';

export interface LinearState {
  coef: Float64Array;
  intercept: number;
  nFeatures: number;
}

/** Center X and y (weighted means, scikit-learn's `_preprocess_data`) and scale rows by sqrt(sw). */
function preprocess(X: Matrix, y: Float64Array, sw: Float64Array | null, fitIntercept: boolean): { A: Float64Array; b: Float64Array; xOff: Float64Array; yOff: number } {
  const n = X.rows, d = X.cols;
  const xOff = new Float64Array(d);
  let yOff = 0;
  if (fitIntercept) {
    let wsum = 0;
    for (let i = 0; i < n; i++) {
      const w = sw ? sw[i]! : 1;
      wsum += w;
      yOff += w * y[i]!;
      for (let j = 0; j < d; j++) xOff[j]! += w * X.data[i * d + j]!;
    }
    for (let j = 0; j < d; j++) xOff[j]! /= wsum;
    yOff /= wsum;
  }
  const A = new Float64Array(n * d), b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = sw ? Math.sqrt(sw[i]!) : 1;
    for (let j = 0; j < d; j++) A[i * d + j] = (X.data[i * d + j]! - xOff[j]!) * s;
    b[i] = (y[i]! - yOff) * s;
  }
  return { A, b, xOff, yOff };
}

function checkWeights(sampleWeight: ArrayLike<number> | null | undefined, n: number, owner: string): Float64Array | null {
  // all-zero weights would make the weighted means 0 / 0 (NaN coefficients): rejected by the core check
  return checkSampleWeight(sampleWeight, n, owner);
}

/** Solve the symmetric positive definite system S x = r in place of r (Cholesky). */
function choleskySolve(S: Float64Array, r: Float64Array, k: number, owner: string): Float64Array {
  const L = Float64Array.from(S);
  for (let j = 0; j < k; j++) {
    let s = L[j * k + j]!;
    for (let t = 0; t < j; t++) s -= L[j * k + t]! * L[j * k + t]!;
    if (!(s > 0)) throw new DataError('X', 'a well-conditioned problem (the regularised Gram matrix is not positive definite)', `pivot ${s} at column ${j}`, owner);
    const ljj = Math.sqrt(s);
    L[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let v = L[i * k + j]!;
      for (let t = 0; t < j; t++) v -= L[i * k + t]! * L[j * k + t]!;
      L[i * k + j] = v / ljj;
    }
  }
  const x = Float64Array.from(r);
  for (let i = 0; i < k; i++) { let v = x[i]!; for (let t = 0; t < i; t++) v -= L[i * k + t]! * x[t]!; x[i] = v / L[i * k + i]!; }
  for (let i = k - 1; i >= 0; i--) { let v = x[i]!; for (let t = i + 1; t < k; t++) v -= L[t * k + i]! * x[t]!; x[i] = v / L[i * k + i]!; }
  return x;
}

/** Least squares min ||A x - b|| by Householder QR (A is n x d row-major, n >= d, full column rank). */
function qrLeastSquares(A0: Float64Array, b0: Float64Array, n: number, d: number, owner: string): Float64Array {
  const A = Float64Array.from(A0), b = Float64Array.from(b0);
  const diag = new Float64Array(d);
  let maxDiag = 0;
  for (let j = 0; j < d; j++) {
    let nrm = 0;
    for (let i = j; i < n; i++) nrm = Math.hypot(nrm, A[i * d + j]!);
    if (nrm === 0) { diag[j] = 0; continue; }
    const alpha = A[j * d + j]! > 0 ? -nrm : nrm;
    // v = a_j - alpha e_j stored in A[j.., j]
    A[j * d + j]! -= alpha;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) vnorm2 += A[i * d + j]! ** 2;
    for (let c = j + 1; c < d; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += A[i * d + j]! * A[i * d + c]!;
      const f = (2 * s) / vnorm2;
      for (let i = j; i < n; i++) A[i * d + c]! -= f * A[i * d + j]!;
    }
    let s = 0;
    for (let i = j; i < n; i++) s += A[i * d + j]! * b[i]!;
    const f = (2 * s) / vnorm2;
    for (let i = j; i < n; i++) b[i]! -= f * A[i * d + j]!;
    diag[j] = alpha;
    maxDiag = Math.max(maxDiag, Math.abs(alpha));
  }
  const x = new Float64Array(d);
  for (let j = d - 1; j >= 0; j--) {
    if (Math.abs(diag[j]!) <= maxDiag * Math.max(n, d) * 2.220446049250313e-16) {
      throw new DataError('X', 'full column rank (collinear or constant columns: use Ridge)', `rank deficiency at column ${j}`, owner);
    }
    let v = b[j]!;
    for (let c = j + 1; c < d; c++) v -= A[j * d + c]! * x[c]!;
    x[j] = v / diag[j]!;
  }
  return x;
}

abstract class LinearModel<S extends Schema & { fitIntercept: ParamSpec<boolean> }> extends Estimator<S, LinearState> {
  /** Validate X, y and the weights, then centre and weight the problem as every solver starts. */
  protected prepare(X: MatrixLike, y: LabelsLike, sampleWeight: ArrayLike<number> | null | undefined): ReturnType<typeof preprocess> & { m: Matrix } {
    const m = checkArray(X, { owner: this.kind });
    const t = checkTarget(y, m.rows, { owner: this.kind });
    const sw = checkWeights(sampleWeight, m.rows, this.kind);
    return { m, ...preprocess(m, t, sw, this.params.fitIntercept as boolean) };
  }

  /** Store the solution of the centred problem with its intercept `yOff - xOff . coef`. */
  protected setSolution(coef: Float64Array, xOff: Float64Array, yOff: number): this {
    const d = coef.length;
    let intercept = 0;
    if (this.params.fitIntercept) { intercept = yOff; for (let j = 0; j < d; j++) intercept -= xOff[j]! * coef[j]!; }
    this._state = { coef, intercept, nFeatures: d };
    return this;
  }

  get coef(): Float64Array { return this.fitted.coef; }
  get intercept(): number { return this.fitted.intercept; }

  predict(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let z = 0;
      for (let j = 0; j < s.nFeatures; j++) z += m.data[i * s.nFeatures + j]! * s.coef[j]!;
      out[i] = z + s.intercept;
    }
    return out;
  }

  /** Coefficient of determination R^2 (scikit-learn's `r2_score`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    const pred = this.predict(X);
    return regressorScore(checkTarget(y, pred.length, { owner: this.kind }), pred, 1, sampleWeight);
  }
}

const linearSchema = { fitIntercept: p.bool(true) };

/**
 * Ordinary least squares (scikit-learn's LinearRegression): centred data, Householder QR. X must
 * have full column rank (scikit-learn's SVD solver also returns the minimum-norm solution for
 * rank-deficient X; here that is a DataError pointing to Ridge).
 *
 * @example
 * const lr = new LinearRegression().fit([[1], [2], [3]], [2, 4, 6]);
 * lr.coef; // [2]
 */
export class LinearRegression extends LinearModel<typeof linearSchema> {
  static override readonly kind = 'LinearRegression';
  static override readonly schema = linearSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<ParamsOf<typeof linearSchema>> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const { m, A, b, xOff, yOff } = this.prepare(X, y, sampleWeight);
    if (m.rows < m.cols) throw new DataError('X', `at least as many samples as features (${m.cols}) for least squares`, `${m.rows} samples`, this.kind);
    return this.setSolution(qrLeastSquares(A, b, m.rows, m.cols, this.kind), xOff, yOff);
  }
}
registerEstimator(LinearRegression);

const ridgeSchema = {
  alpha: p.num(1.0, { min: 0, doc: 'L2 penalty strength.' }),
  fitIntercept: p.bool(true),
};

/**
 * Ridge regression (scikit-learn's Ridge with the Cholesky solver): `(X'X + alpha I) w = X'y` on
 * centred data, or the dual (kernel) form when there are more features than samples.
 *
 * @example
 * const r = new Ridge({ alpha: 0.5 }).fit(X, y);
 * r.predict(X); r.coef; r.intercept;
 */
export class Ridge extends LinearModel<typeof ridgeSchema> {
  static override readonly kind = 'Ridge';
  static override readonly schema = ridgeSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<ParamsOf<typeof ridgeSchema>> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const { m, A, b, xOff, yOff } = this.prepare(X, y, sampleWeight);
    const n = m.rows, d = m.cols, alpha = this.params.alpha;
    let coef: Float64Array;
    if (d > n) {
      const K = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += A[i * d + j]! * A[k * d + j]!;
        K[i * n + k] = s; K[k * n + i] = s;
      }
      for (let i = 0; i < n; i++) K[i * n + i]! += alpha;
      const dual = choleskySolve(K, b, n, this.kind);
      coef = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) coef[j]! += A[i * d + j]! * dual[i]!;
    } else {
      const G = new Float64Array(d * d), r = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const off = i * d;
        for (let j = 0; j < d; j++) {
          const a = A[off + j]!;
          r[j]! += a * b[i]!;
          for (let k = 0; k <= j; k++) G[j * d + k]! += a * A[off + k]!;
        }
      }
      for (let j = 0; j < d; j++) { for (let k = 0; k < j; k++) G[k * d + j] = G[j * d + k]!; G[j * d + j]! += alpha; }
      coef = choleskySolve(G, r, d, this.kind);
    }
    return this.setSolution(coef, xOff, yOff);
  }
}
registerEstimator(Ridge);

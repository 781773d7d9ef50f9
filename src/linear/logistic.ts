import { InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkSampleWeightOrOnes } from '../core/sampleWeight.js';
import { checkArray, checkLabels, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { classifierScore } from '../metrics/score.js';
import { lbfgs } from './lbfgs.js';

const schema = {
  penalty: p.oneOf(['l2', null] as const, 'l2', "'l2' (ridge) or null (no penalty)."),
  tol: p.num(1e-4, { min: 0, doc: 'Stop when max |gradient| <= tol (scipy L-BFGS-B gtol).' }),
  C: p.num(1.0, { min: 0, minExclusive: true, doc: 'Inverse of the regularisation strength.' }),
  fitIntercept: p.bool(true),
  classWeight: p.anyOf<'balanced' | Record<string, number> | null>(null, [p.oneOf(['balanced', null] as const, null), p.custom({}, 'an object mapping class labels to weights', (v) => typeof v === 'object' && v !== null && !Array.isArray(v))], "null, 'balanced' or { label: weight }."),
  solver: p.oneOf(['lbfgs'] as const, 'lbfgs'),
  maxIter: p.int(100, { min: 0, doc: 'Maximum L-BFGS iterations (per binary problem for ovr).' }),
  multiClass: p.oneOf(['auto', 'multinomial', 'ovr'] as const, 'auto', "'auto' = multinomial for > 2 classes (lbfgs), 'ovr' = one binary problem per class."),
};
export type LogisticRegressionParams = ParamsOf<typeof schema>;

export interface LogisticRegressionState {
  classes: Label[];
  /** (nClasses or 1 for binary) x nFeatures */
  coef: Matrix;
  intercept: Float64Array;
  nIter: Int32Array;
  converged: boolean;
  nFeatures: number;
  multinomial: boolean;
}

/** numerically stable log(1 + exp(x)) (scikit-learn's `log1pexp`) */
function log1pexp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= -2) return Math.log1p(Math.exp(x));
  if (x <= 18) return Math.log(1 + Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}
function expit(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Logistic regression with an L2 penalty fitted by L-BFGS, as scikit-learn 1.2's
 * `LogisticRegression(solver='lbfgs')`: the same objective (summed log-loss + `||w||^2 / (2C)`,
 * intercept unpenalised), multinomial (softmax) for more than two classes, the same optimizer
 * iteration and stopping rule (`tol` = max |gradient|), `classWeight` as sample weights.
 *
 * @example
 * const clf = new LogisticRegression({ C: 0.5 }).fit(X, y);
 * clf.predict(X); clf.predictProba(X); clf.coef; clf.intercept;
 */
export class LogisticRegression extends Estimator<typeof schema, LogisticRegressionState> {
  static override readonly kind = 'LogisticRegression';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const owner = this.kind;
    const P = this.params;
    const m = checkArray(X, { owner });
    const { classes, encoded } = checkLabels(y, m.rows, { owner });
    const n = m.rows, d = m.cols, K = classes.length;
    if (K < 2) throw new InvalidParameterError('y', 'at least 2 classes', `only class ${JSON.stringify(classes[0])}`, owner);
    const sw = checkSampleWeightOrOnes(sampleWeight, n, owner);
    const multinomial = K > 2 && P.multiClass !== 'ovr';
    // scikit-learn 1.2.1 `_logistic_regression_path`: a dict (or multinomial) weights the original
    // labels once; 'balanced' one-vs-rest is recomputed on each binary problem's masked labels
    const balancedPerProblem = P.classWeight === 'balanced' && !multinomial;
    if (P.classWeight !== null && !balancedPerProblem) {
      const cw = new Float64Array(K);
      if (P.classWeight === 'balanced') {
        const counts = new Float64Array(K);
        for (const c of encoded) counts[c]!++;
        for (let k = 0; k < K; k++) cw[k] = n / (K * counts[k]!);
      } else {
        const map = P.classWeight as Record<string, number>;
        for (const key of Object.keys(map)) if (!classes.map(String).includes(key)) throw new InvalidParameterError('classWeight', `keys among the classes [${classes.join(', ')}]`, key, owner);
        for (let k = 0; k < K; k++) cw[k] = map[String(classes[k])] ?? 1;
      }
      for (let i = 0; i < n; i++) sw[i]! *= cw[encoded[i]!]!;
    }
    const l2 = P.penalty === 'l2' ? 1 / P.C : 0;
    const opts = { maxIter: P.maxIter, gtol: P.tol };
    const fi = P.fitIntercept;
    const w1 = d + (fi ? 1 : 0);
    let coef: Matrix, intercept: Float64Array, nIter: Int32Array, converged = true;
    if (multinomial) {
      const res = lbfgs((w, g) => multinomialLossGrad(m, encoded, sw, K, w, g, l2, fi), new Float64Array(K * w1), opts);
      coef = Matrix.zeros(K, d);
      intercept = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) coef.data[k * d + j] = res.x[k * w1 + j]!;
        if (fi) intercept[k] = res.x[k * w1 + d]!;
      }
      nIter = Int32Array.of(res.nIter);
      converged = res.converged;
    } else {
      const problems = K === 2 ? [1] : Array.from({ length: K }, (_, k) => k);
      coef = Matrix.zeros(problems.length, d);
      intercept = new Float64Array(problems.length);
      nIter = new Int32Array(problems.length);
      const yb = new Float64Array(n);
      const swk = balancedPerProblem ? new Float64Array(n) : sw;
      problems.forEach((pos, r) => {
        let nPos = 0;
        for (let i = 0; i < n; i++) { yb[i] = encoded[i] === pos ? 1 : 0; nPos += yb[i]!; }
        if (balancedPerProblem) {
          // compute_class_weight('balanced', classes=[0, 1], y=y_bin): n / (2 * bincount)
          const cw0 = n / (2 * (n - nPos)), cw1 = n / (2 * nPos);
          for (let i = 0; i < n; i++) swk[i] = sw[i]! * (yb[i] ? cw1 : cw0);
        }
        const res = lbfgs((w, g) => binaryLossGrad(m, yb, swk, w, g, l2, fi), new Float64Array(w1), opts);
        for (let j = 0; j < d; j++) coef.data[r * d + j] = res.x[j]!;
        if (fi) intercept[r] = res.x[d]!;
        nIter[r] = res.nIter;
        converged &&= res.converged;
      });
    }
    this._state = { classes, coef, intercept, nIter, converged, nFeatures: d, multinomial };
    return this;
  }

  get classes(): Label[] { return this.fitted.classes; }
  /** Coefficients: 1 x nFeatures for two classes, nClasses x nFeatures otherwise. */
  get coef(): Matrix { return this.fitted.coef; }
  get intercept(): Float64Array { return this.fitted.intercept; }
  /** L-BFGS iterations (one per binary problem for ovr). */
  get nIter(): Int32Array { return this.fitted.nIter; }
  /** false when maxIter stopped the optimizer (scikit-learn warns ConvergenceWarning). */
  get converged(): boolean { return this.fitted.converged; }

  /** Raw scores X coef' + intercept: a Float64Array for two classes, an n x nClasses Matrix otherwise. */
  decisionFunction(X: MatrixLike): Float64Array | Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const r = s.coef.rows, d = s.nFeatures;
    const out = new Float64Array(m.rows * r);
    for (let i = 0; i < m.rows; i++) {
      const xi = m.row(i);
      for (let k = 0; k < r; k++) {
        let z = 0;
        const off = k * d;
        for (let j = 0; j < d; j++) z += xi[j]! * s.coef.data[off + j]!;
        out[i * r + k] = z + s.intercept[k]!;
      }
    }
    return r === 1 ? out : new Matrix(out, m.rows, r);
  }

  /** Class probabilities (n x nClasses, columns in `classes` order). */
  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    const dec = this.decisionFunction(X);
    if (dec instanceof Float64Array) {
      const out = Matrix.zeros(dec.length, 2);
      for (let i = 0; i < dec.length; i++) { const p1 = expit(dec[i]!); out.data[2 * i] = 1 - p1; out.data[2 * i + 1] = p1; }
      return out;
    }
    const K = dec.cols;
    for (let i = 0; i < dec.rows; i++) {
      const row = dec.row(i);
      if (s.multinomial) {
        let mx = -Infinity;
        for (const v of row) if (v > mx) mx = v;
        let sum = 0;
        for (let k = 0; k < K; k++) { row[k] = Math.exp(row[k]! - mx); sum += row[k]!; }
        for (let k = 0; k < K; k++) row[k]! /= sum;
      } else {
        let sum = 0;
        for (let k = 0; k < K; k++) { row[k] = expit(row[k]!); sum += row[k]!; }
        for (let k = 0; k < K; k++) row[k]! /= sum;
      }
    }
    return dec;
  }

  predictLogProba(X: MatrixLike): Matrix {
    const pr = this.predictProba(X);
    return new Matrix(pr.data.map(Math.log), pr.rows, pr.cols);
  }

  predict(X: MatrixLike): Label[] {
    const s = this.fitted;
    const dec = this.decisionFunction(X);
    if (dec instanceof Float64Array) return Array.from(dec, (z) => s.classes[z > 0 ? 1 : 0]!);
    const out: Label[] = new Array(dec.rows);
    for (let i = 0; i < dec.rows; i++) {
      const row = dec.row(i);
      let best = 0;
      for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
      out[i] = s.classes[best]!;
    }
    return out;
  }

  /** Mean accuracy. */
  /** Accuracy on (X, y) (the public `accuracyScore`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    return classifierScore(y as ArrayLike<Label>, this.predict(X), sampleWeight);
  }
}
registerEstimator(LogisticRegression);

/** Summed half-binomial loss (y in {0, 1}) + l2/2 ||coef||^2 and its gradient, w = [coef, intercept]. */
function binaryLossGrad(X: Matrix, y: Float64Array, sw: Float64Array, w: Float64Array, g: Float64Array, l2: number, fi: boolean): number {
  const n = X.rows, d = X.cols, data = X.data;
  const b = fi ? w[d]! : 0;
  g.fill(0);
  let loss = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    const off = i * d;
    for (let j = 0; j < d; j++) z += data[off + j]! * w[j]!;
    const yi = y[i]!;
    loss += sw[i]! * (log1pexp(z) - yi * z);
    const gi = sw[i]! * (expit(z) - yi);
    for (let j = 0; j < d; j++) g[j]! += gi * data[off + j]!;
    gb += gi;
  }
  let nrm = 0;
  for (let j = 0; j < d; j++) { nrm += w[j]! * w[j]!; g[j]! += l2 * w[j]!; }
  if (fi) g[d] = gb;
  return loss + 0.5 * l2 * nrm;
}

/** Summed half-multinomial loss + l2/2 ||W||^2; w laid out class by class: [W_k (d), b_k]. */
function multinomialLossGrad(X: Matrix, y: Int32Array, sw: Float64Array, K: number, w: Float64Array, g: Float64Array, l2: number, fi: boolean): number {
  const n = X.rows, d = X.cols, data = X.data;
  const w1 = d + (fi ? 1 : 0);
  g.fill(0);
  const z = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = fi ? w[k * w1 + d]! : 0;
      const wo = k * w1;
      for (let j = 0; j < d; j++) s += data[off + j]! * w[wo + j]!;
      z[k] = s;
      if (s > mx) mx = s;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k]! - mx);
    const lse = Math.log(sum) + mx;
    loss += sw[i]! * (lse - z[y[i]!]!);
    for (let k = 0; k < K; k++) {
      const gk = sw[i]! * (Math.exp(z[k]! - lse) - (y[i] === k ? 1 : 0));
      const wo = k * w1;
      for (let j = 0; j < d; j++) g[wo + j]! += gk * data[off + j]!;
      if (fi) g[wo + d]! += gk;
    }
  }
  let nrm = 0;
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) { const v = w[k * w1 + j]!; nrm += v * v; g[k * w1 + j]! += l2 * v; }
  return loss + 0.5 * l2 * nrm;
}

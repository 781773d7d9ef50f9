import { DataError } from '../core/errors.js';
import { checkArray, checkLabels, checkTarget, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { pairwiseSum } from '../preprocessing/_base.js';
import { chi2Sf, fSf } from './special.js';

/** Scores and p-values of a univariate test, one per feature. */
export interface UnivariateResult {
  scores: Float64Array;
  pvalues: Float64Array;
}

/**
 * Chi-squared statistic between each non-negative feature and the class (scikit-learn's `chi2`):
 * observed = per-class feature sums, expected = class frequency x feature total.
 *
 * @example
 * const { scores, pvalues } = chi2([[1, 0], [0, 3], [2, 1]], [0, 1, 0]);
 */
export function chi2(X: MatrixLike, y: LabelsLike): UnivariateResult {
  const m = checkArray(X, { owner: 'chi2' });
  const { classes, encoded } = checkLabels(y, m.rows, { owner: 'chi2' });
  const n = m.rows, d = m.cols;
  for (let t = 0; t < m.data.length; t++) {
    if (m.data[t]! < 0) throw new DataError('X', 'non-negative values (chi2 works on counts or frequencies)', `${m.data[t]} at row ${Math.floor(t / d)}, column ${t % d}`, 'chi2');
  }
  const k = Math.max(2, classes.length);
  const binary = classes.length <= 2;
  // LabelBinarizer: binary -> [1 - y, y] columns; one class -> a single all-zero column plus its complement
  const cls = (i: number) => (classes.length === 1 ? 0 : encoded[i]!);
  const observed = new Float64Array(k * d);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = cls(i);
    count[c]!++;
    for (let j = 0; j < d; j++) observed[c * d + j]! += m.data[i * d + j]!;
  }
  const featureCount = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) featureCount[j]! += m.data[i * d + j]!;
  const classProb = new Float64Array(k);
  if (binary) {
    for (let c = 0; c < k; c++) classProb[c] = count[c]! / n;
  } else {
    // scipy sparse mean(axis=0): sum of (1/n) once per member row
    const inv = 1 / n;
    for (let i = 0; i < n; i++) classProb[cls(i)]! += inv;
  }
  const scores = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = classProb[c]! * featureCount[j]!;
      const diff = observed[c * d + j]! - e;
      s += (diff * diff) / e;
    }
    scores[j] = s;
  }
  return { scores, pvalues: scores.map((s) => chi2Sf(k - 1, s)) };
}

/**
 * ANOVA F-value between each feature and the class (scikit-learn's `f_classif` / `f_oneway`).
 * Constant features give NaN (0/0) or Infinity as in scikit-learn; SelectKBest ranks NaN lowest.
 */
export function fClassif(X: MatrixLike, y: LabelsLike): UnivariateResult {
  const m = checkArray(X, { owner: 'fClassif' });
  const { classes, encoded } = checkLabels(y, m.rows, { owner: 'fClassif' });
  const n = m.rows, d = m.cols, K = classes.length;
  if (K < 2) throw new DataError('y', 'at least 2 classes', `1 class (${classes[0]})`, 'fClassif');
  const sums = new Float64Array(K * d), sqs = new Float64Array(K * d), cnt = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const c = encoded[i]!;
    cnt[c]!++;
    for (let j = 0; j < d; j++) { const v = m.data[i * d + j]!; sums[c * d + j]! += v; sqs[c * d + j]! += v * v; }
  }
  const scores = new Float64Array(d), pvalues = new Float64Array(d);
  const dfbn = K - 1, dfwn = n - K;
  for (let j = 0; j < d; j++) {
    let ssAll = 0, sumAll = 0;
    for (let c = 0; c < K; c++) { ssAll += sqs[c * d + j]!; sumAll += sums[c * d + j]!; }
    const sqAll = sumAll ** 2;
    const sstot = ssAll - sqAll / n;
    let ssbn = 0;
    for (let c = 0; c < K; c++) ssbn += sums[c * d + j]! ** 2 / cnt[c]!;
    ssbn -= sqAll / n;
    const sswn = sstot - ssbn;
    const msb = ssbn / dfbn, msw = sswn / dfwn;
    scores[j] = msb / msw;
    pvalues[j] = fSf(dfbn, dfwn, scores[j]!);
  }
  return { scores, pvalues };
}

/**
 * Univariate linear-regression F-value of each feature against a numeric target (scikit-learn's
 * `f_regression`, `center: true`, `forceFinite: true`): F = r^2 / (1 - r^2) * (n - 2).
 */
export function fRegression(X: MatrixLike, y: LabelsLike, opts: { center?: boolean; forceFinite?: boolean } = {}): UnivariateResult {
  const m = checkArray(X, { owner: 'fRegression' });
  const t = checkTarget(y, m.rows, { owner: 'fRegression' });
  const center = opts.center ?? true, forceFinite = opts.forceFinite ?? true;
  const n = m.rows, d = m.cols;
  const yc = t.slice();
  let ynorm2 = 0;
  if (center) { const mu = pairwiseSum(t) / n; for (let i = 0; i < n; i++) yc[i] = t[i]! - mu; }
  for (let i = 0; i < n; i++) ynorm2 += yc[i]! * yc[i]!;
  const ynorm = Math.sqrt(ynorm2);
  const means = new Float64Array(d), sq = new Float64Array(d), dot = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) { const v = m.data[i * d + j]!; means[j]! += v; sq[j]! += v * v; dot[j]! += yc[i]! * v; }
  }
  const dof = n - (center ? 2 : 1);
  const scores = new Float64Array(d), pvalues = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const mu = means[j]! / n;
    const xn = center ? Math.sqrt(sq[j]! - n * mu * mu) : Math.sqrt(sq[j]!);
    let r = dot[j]!;
    r /= xn;
    r /= ynorm;
    const r2 = r * r;
    let f = (r2 / (1 - r2)) * dof;
    let pv = fSf(1, dof, f);
    if (forceFinite) {
      if (f === Infinity || f === -Infinity) { f = Number.MAX_VALUE; pv = 0; }
      else if (Number.isNaN(f)) { f = 0; pv = 1; }
    }
    scores[j] = f;
    pvalues[j] = pv;
  }
  return { scores, pvalues };
}

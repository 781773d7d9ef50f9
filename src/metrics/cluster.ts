/**
 * Clustering metrics with scikit-learn's definitions (`sklearn.metrics.cluster`): internal ones
 * on (X, labels) - silhouette, Davies-Bouldin, Calinski-Harabasz - and external ones comparing
 * two labelings - adjusted Rand, mutual-information family, homogeneity/completeness/V-measure.
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { checkRandomState, type RandomStateLike } from '../core/random.js';
import { checkArray, checkLabels, checkSameLength, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { pairwiseSum } from '../core/numeric.js';
import { rowNormsSq, sqDistRows } from '../linalg/rows.js';

const EPS = 2.220446049250313e-16;

function encodeForX(X: MatrixLike, labels: LabelsLike, owner: string) {
  const m = checkArray(X, { owner });
  const { classes, encoded } = checkLabels(labels, m.rows, { owner, name: 'labels' });
  const L = classes.length;
  if (!(L > 1 && L < m.rows)) {
    throw new DataError('labels', `2 to n_samples - 1 (${m.rows - 1}) distinct labels`, `${L} distinct label(s)`, owner);
  }
  const freq = new Float64Array(L);
  for (let i = 0; i < encoded.length; i++) freq[encoded[i]!]! += 1;
  return { m, encoded, L, freq };
}

/**
 * Silhouette coefficient of each sample, `(b - a) / max(a, b)`, with `a` the mean distance to
 * the other members of its cluster and `b` the mean distance to the nearest other cluster
 * (0 for singleton clusters). Euclidean distances are computed in row blocks with the
 * `||x||^2 - 2 x.y + ||y||^2` expansion, each pair once (symmetry): memory is O(n x nLabels),
 * never an n x n matrix.
 *
 * @example
 * silhouetteSamples([[0, 0], [0, 1], [5, 5], [5, 6]], [0, 0, 1, 1]); // Float64Array of 4 values near 0.86
 */
export function silhouetteSamples(X: MatrixLike, labels: LabelsLike): Float64Array {
  const owner = 'silhouetteSamples';
  const { m, encoded, L, freq } = encodeForX(X, labels, owner);
  const n = m.rows;
  const d = m.cols;
  const data = m.data;
  const norms = rowNormsSq(data, n, d);
  const sums = new Float64Array(n * L);
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let i = i0; i < i1; i++) {
        const xo = i * d;
        const xn = norms[i]!;
        const li = encoded[i]!;
        const si = i * L;
        let j = j0 === i0 ? i + 1 : j0;
        // four partners at a time: each loaded x_i[f] feeds four multiply-adds
        for (; j + 3 < j1; j += 4) {
          const y0 = j * d, y1 = y0 + d, y2 = y1 + d, y3 = y2 + d;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let f = 0; f < d; f++) {
            const x = data[xo + f]!;
            s0 += x * data[y0 + f]!; s1 += x * data[y1 + f]!; s2 += x * data[y2 + f]!; s3 += x * data[y3 + f]!;
          }
          const v0 = -2 * s0 + xn + norms[j]!, v1 = -2 * s1 + xn + norms[j + 1]!;
          const v2 = -2 * s2 + xn + norms[j + 2]!, v3 = -2 * s3 + xn + norms[j + 3]!;
          const d0 = v0 > 0 ? Math.sqrt(v0) : 0, d1 = v1 > 0 ? Math.sqrt(v1) : 0;
          const d2 = v2 > 0 ? Math.sqrt(v2) : 0, d3 = v3 > 0 ? Math.sqrt(v3) : 0;
          sums[si + encoded[j]!]! += d0; sums[j * L + li]! += d0;
          sums[si + encoded[j + 1]!]! += d1; sums[(j + 1) * L + li]! += d1;
          sums[si + encoded[j + 2]!]! += d2; sums[(j + 2) * L + li]! += d2;
          sums[si + encoded[j + 3]!]! += d3; sums[(j + 3) * L + li]! += d3;
        }
        for (; j < j1; j++) {
          const yo = j * d;
          let s = 0;
          for (let f = 0; f < d; f++) s += data[xo + f]! * data[yo + f]!;
          const v = -2 * s + xn + norms[j]!;
          const dist = v > 0 ? Math.sqrt(v) : 0;
          sums[si + encoded[j]!]! += dist;
          sums[j * L + li]! += dist;
        }
      }
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const li = encoded[i]!;
    const a = sums[i * L + li]! / (freq[li]! - 1);
    let b = Infinity;
    for (let l = 0; l < L; l++) if (l !== li) { const v = sums[i * L + l]! / freq[l]!; if (v < b) b = v; }
    const s = (b - a) / Math.max(a, b);
    out[i] = Number.isFinite(s) ? s : 0;
  }
  return out;
}

/**
 * Mean silhouette coefficient over all samples (or over a random subset of `sampleSize` rows,
 * drawn with `randomState` as scikit-learn's `permutation(n)[:sampleSize]`).
 *
 * @example
 * silhouetteScore(X, new KMeans({ nClusters: 3, randomState: 0 }).fit(X).labels);
 */
export function silhouetteScore(X: MatrixLike, labels: LabelsLike, opts: { sampleSize?: number | null; randomState?: RandomStateLike } = {}): number {
  if (opts.sampleSize !== undefined && opts.sampleSize !== null) {
    const m = checkArray(X, { owner: 'silhouetteScore' });
    checkSameLength(m.data.subarray(0, m.rows), labels as ArrayLike<unknown>, 'X', 'labels', 'silhouetteScore');
    if (!Number.isInteger(opts.sampleSize) || opts.sampleSize < 1) throw new InvalidParameterError('sampleSize', 'a positive integer or null', opts.sampleSize, 'silhouetteScore');
    const idx = checkRandomState(opts.randomState, 'randomState', 'silhouetteScore').permutation(m.rows).subarray(0, opts.sampleSize);
    const lab = Array.from(idx, (i) => (labels as ArrayLike<number | string>)[i]!);
    return pairwiseSum(silhouetteSamples(m.takeRows(idx), lab as LabelsLike)) / idx.length;
  }
  const s = silhouetteSamples(X, labels);
  return pairwiseSum(s) / s.length;
}

function clusterMeans(data: Float64Array, n: number, d: number, encoded: Int32Array, L: number, freq: Float64Array): Float64Array {
  const c = new Float64Array(L * d);
  for (let i = 0; i < n; i++) { const o = encoded[i]! * d; for (let f = 0; f < d; f++) c[o + f]! += data[i * d + f]!; }
  for (let l = 0; l < L; l++) for (let f = 0; f < d; f++) c[l * d + f]! /= freq[l]!;
  return c;
}

/**
 * Calinski-Harabasz score (variance ratio criterion): between-cluster over within-cluster
 * dispersion, scaled by `(n - k) / (k - 1)`. Higher is better.
 *
 * @example
 * calinskiHarabaszScore([[0, 0], [0, 1], [5, 5], [5, 6]], [0, 0, 1, 1]); // 100
 */
export function calinskiHarabaszScore(X: MatrixLike, labels: LabelsLike): number {
  const { m, encoded, L, freq } = encodeForX(X, labels, 'calinskiHarabaszScore');
  const { rows: n, cols: d, data } = m;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += data[i * d + f]!;
  for (let f = 0; f < d; f++) mean[f]! /= n;
  const c = clusterMeans(data, n, d, encoded, L, freq);
  let extra = 0;
  let intra = 0;
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (let f = 0; f < d; f++) { const t = c[l * d + f]! - mean[f]!; s += t * t; }
    extra += freq[l]! * s;
  }
  const perCluster = new Float64Array(L);
  for (let i = 0; i < n; i++) perCluster[encoded[i]!]! += sqDistRows(data, i, c, encoded[i]!, d);
  for (let l = 0; l < L; l++) intra += perCluster[l]!;
  return intra === 0 ? 1.0 : (extra * (n - L)) / (intra * (L - 1));
}

/**
 * Davies-Bouldin index: mean over clusters of the worst `(s_i + s_j) / d(c_i, c_j)`, with `s`
 * the mean distance of members to their centroid. Lower is better; 0 is the minimum.
 *
 * @example
 * daviesBouldinScore([[0, 0], [0, 1], [5, 5], [5, 6]], [0, 0, 1, 1]); // ~0.141
 */
export function daviesBouldinScore(X: MatrixLike, labels: LabelsLike): number {
  const { m, encoded, L, freq } = encodeForX(X, labels, 'daviesBouldinScore');
  const { rows: n, cols: d, data } = m;
  const c = clusterMeans(data, n, d, encoded, L, freq);
  const intra = new Float64Array(L);
  for (let i = 0; i < n; i++) intra[encoded[i]!]! += Math.sqrt(sqDistRows(data, i, c, encoded[i]!, d));
  for (let l = 0; l < L; l++) intra[l]! /= freq[l]!;
  const cd = new Float64Array(L * L);
  for (let a = 0; a < L; a++) for (let b = 0; b < L; b++) cd[a * L + b] = a === b ? 0 : Math.sqrt(sqDistRows(c, a, c, b, d));
  const allClose0 = (v: Float64Array) => v.every((x) => Math.abs(x) <= 1e-8);
  if (allClose0(intra) || allClose0(cd)) return 0;
  const scores = new Float64Array(L);
  for (let a = 0; a < L; a++) {
    let best = -Infinity;
    for (let b = 0; b < L; b++) {
      const den = cd[a * L + b] === 0 ? Infinity : cd[a * L + b]!;
      const v = (intra[a]! + intra[b]!) / den;
      if (v > best) best = v;
    }
    scores[a] = best;
  }
  return pairwiseSum(scores) / L;
}

// ---------------------------------------------------------------------------------------------
// External (label-comparison) metrics

interface Contingency {
  /** rows: classes of labelsTrue, cols: clusters of labelsPred (dense, small). */
  table: Float64Array;
  R: number;
  C: number;
  a: Float64Array;
  b: Float64Array;
  n: number;
}

function contingency(labelsTrue: LabelsLike, labelsPred: LabelsLike, owner: string): Contingency {
  checkSameLength(labelsTrue as ArrayLike<unknown>, labelsPred as ArrayLike<unknown>, 'labelsTrue', 'labelsPred', owner);
  const t = checkLabels(labelsTrue, null, { owner, name: 'labelsTrue' });
  const p = checkLabels(labelsPred, null, { owner, name: 'labelsPred' });
  const R = t.classes.length;
  const C = p.classes.length;
  const table = new Float64Array(R * C);
  const a = new Float64Array(R);
  const b = new Float64Array(C);
  for (let i = 0; i < t.encoded.length; i++) {
    table[t.encoded[i]! * C + p.encoded[i]!]! += 1;
    a[t.encoded[i]!]! += 1;
    b[p.encoded[i]!]! += 1;
  }
  return { table, R, C, a, b, n: t.encoded.length };
}

/** Contingency table `n_ij` (classes of `labelsTrue` in rows, clusters of `labelsPred` in columns, both sorted). */
export function contingencyMatrix(labelsTrue: LabelsLike, labelsPred: LabelsLike): number[][] {
  const c = contingency(labelsTrue, labelsPred, 'contingencyMatrix');
  return Array.from({ length: c.R }, (_, i) => Array.from(c.table.subarray(i * c.C, (i + 1) * c.C)));
}

/**
 * Adjusted Rand index: pair-counting agreement corrected for chance (1 = identical partitions up
 * to renaming, about 0 for random labelings). Pair counts are combined in exact BigInt arithmetic.
 *
 * @example
 * adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 */
export function adjustedRandScore(labelsTrue: LabelsLike, labelsPred: LabelsLike): number {
  const c = contingency(labelsTrue, labelsPred, 'adjustedRandScore');
  let ss = 0n;
  let dotK = 0n;
  let dotC = 0n;
  for (let i = 0; i < c.R; i++) {
    for (let j = 0; j < c.C; j++) {
      const v = BigInt(c.table[i * c.C + j]!);
      if (v === 0n) continue;
      ss += v * v;
      dotK += v * BigInt(c.b[j]!);
      dotC += v * BigInt(c.a[i]!);
    }
  }
  const n = BigInt(c.n);
  const tp = ss - n;
  const fp = dotK - ss;
  const fn = dotC - ss;
  const tn = n * n - fp - fn - ss;
  if (fn === 0n && fp === 0n) return 1.0;
  return (2.0 * Number(tp * tn - fn * fp)) / Number((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

function entropyOf(counts: Float64Array): number {
  const pi = Array.from(counts).filter((v) => v > 0);
  if (pi.length === 0) return 1.0;
  if (pi.length === 1) return 0.0;
  const sum = pairwiseSum(pi);
  const logSum = Math.log(sum);
  return -pairwiseSum(pi.map((v) => (v / sum) * (Math.log(v) - logSum)));
}

/** Shannon entropy (nats) of a labeling, as scikit-learn's `entropy`. */
export function labelEntropy(labels: LabelsLike): number {
  if (labels.length === 0) return 1.0;
  const { classes, encoded } = checkLabels(labels, null, { owner: 'labelEntropy', name: 'labels' });
  const counts = new Float64Array(classes.length);
  for (let i = 0; i < encoded.length; i++) counts[encoded[i]!]! += 1;
  return entropyOf(counts);
}

function mutualInfo(c: Contingency): number {
  if (c.R === 1 || c.C === 1) return 0.0;
  const total = c.n;
  const logTotal = Math.log(total);
  const logA = Math.log(pairwiseSum(c.a));
  const logB = Math.log(pairwiseSum(c.b));
  const terms: number[] = [];
  for (let i = 0; i < c.R; i++) {
    for (let j = 0; j < c.C; j++) {
      const v = c.table[i * c.C + j]!;
      if (v === 0) continue;
      const pnm = v / total;
      const logOuter = -Math.log(c.a[i]! * c.b[j]!) + logA + logB;
      const mi = pnm * (Math.log(v) - logTotal) + pnm * logOuter;
      terms.push(Math.abs(mi) < EPS ? 0 : mi);
    }
  }
  return Math.max(0, pairwiseSum(terms));
}

/**
 * Mutual information (nats) between two labelings.
 *
 * @example
 * mutualInfoScore([0, 0, 1, 1], [0, 0, 1, 1]); // ln 2
 */
export function mutualInfoScore(labelsTrue: LabelsLike, labelsPred: LabelsLike): number {
  return mutualInfo(contingency(labelsTrue, labelsPred, 'mutualInfoScore'));
}

export type AverageMethod = 'min' | 'geometric' | 'arithmetic' | 'max';
function generalizedAverage(u: number, v: number, method: AverageMethod, owner: string): number {
  switch (method) {
    case 'min': return Math.min(u, v);
    case 'geometric': return Math.sqrt(u * v);
    case 'arithmetic': return (u + v) / 2;
    case 'max': return Math.max(u, v);
    default: throw new InvalidParameterError('averageMethod', "one of 'min', 'geometric', 'arithmetic', 'max'", method, owner);
  }
}

/**
 * Normalized mutual information: `MI / mean(H(true), H(pred))` (`averageMethod`, default
 * 'arithmetic', as scikit-learn).
 *
 * @example
 * normalizedMutualInfoScore([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 */
export function normalizedMutualInfoScore(labelsTrue: LabelsLike, labelsPred: LabelsLike, opts: { averageMethod?: AverageMethod } = {}): number {
  const owner = 'normalizedMutualInfoScore';
  const c = contingency(labelsTrue, labelsPred, owner);
  if ((c.R === 1 && c.C === 1) || (c.R === 0 && c.C === 0)) return 1.0;
  const mi = mutualInfo(c);
  if (mi === 0) return 0.0;
  return mi / generalizedAverage(entropyOf(c.a), entropyOf(c.b), opts.averageMethod ?? 'arithmetic', owner);
}

/**
 * Homogeneity (each cluster holds one class), completeness (each class in one cluster) and
 * their weighted harmonic mean, the V-measure (`beta` weights completeness).
 *
 * @example
 * homogeneityCompletenessVMeasure([0, 0, 1, 1], [0, 0, 1, 2]); // { homogeneity: 1, completeness: ~0.667, vMeasure: 0.8 }
 */
export function homogeneityCompletenessVMeasure(labelsTrue: LabelsLike, labelsPred: LabelsLike, opts: { beta?: number } = {}): { homogeneity: number; completeness: number; vMeasure: number } {
  const owner = 'homogeneityCompletenessVMeasure';
  const beta = opts.beta ?? 1.0;
  if (!Number.isFinite(beta) || beta < 0) throw new InvalidParameterError('beta', 'a finite number >= 0', beta, owner);
  const c = contingency(labelsTrue, labelsPred, owner);
  if (c.n === 0) return { homogeneity: 1, completeness: 1, vMeasure: 1 };
  const hC = entropyOf(c.a);
  const hK = entropyOf(c.b);
  const mi = mutualInfo(c);
  const homogeneity = hC ? mi / hC : 1.0;
  const completeness = hK ? mi / hK : 1.0;
  const vMeasure = homogeneity + completeness === 0 ? 0 : ((1 + beta) * homogeneity * completeness) / (beta * homogeneity + completeness);
  return { homogeneity, completeness, vMeasure };
}

/** Homogeneity alone. */
export function homogeneityScore(labelsTrue: LabelsLike, labelsPred: LabelsLike): number {
  return homogeneityCompletenessVMeasure(labelsTrue, labelsPred).homogeneity;
}
/** Completeness alone. */
export function completenessScore(labelsTrue: LabelsLike, labelsPred: LabelsLike): number {
  return homogeneityCompletenessVMeasure(labelsTrue, labelsPred).completeness;
}
/** V-measure alone. */
export function vMeasureScore(labelsTrue: LabelsLike, labelsPred: LabelsLike, opts: { beta?: number } = {}): number {
  return homogeneityCompletenessVMeasure(labelsTrue, labelsPred, opts).vMeasure;
}

const LN_FACT_SMALL = (() => {
  const t = new Float64Array(11);
  let f = 1;
  for (let i = 1; i <= 10; i++) { f *= i; t[i] = Math.log(f); }
  return t;
})();

/** log Gamma(x) for x >= 1: exact table for small integers, Stirling's series with 6 terms above 10 (~1e-16 relative). */
export function lgamma(x: number): number {
  if (Number.isInteger(x) && x >= 1 && x <= 11) return LN_FACT_SMALL[x - 1]!;
  if (x < 10) {
    // shift up: lgamma(x) = lgamma(x + m) - log(x (x+1) ... (x+m-1))
    let p = 1;
    let y = x;
    while (y < 10) { p *= y; y += 1; }
    return lgamma(y) - Math.log(p);
  }
  const z = 1 / (x * x);
  const series = (1 / 12 - z * (1 / 360 - z * (1 / 1260 - z * (1 / 1680 - z * (1 / 1188 - z * (691 / 360360)))))) / x;
  return (x - 0.5) * Math.log(x) - x + 0.9189385332046727 + series;
}

function expectedMutualInfo(c: Contingency): number {
  const { a, b, R, C } = c;
  if (R === 1 || C === 1) return 0;
  const N = c.n;
  let maxab = 0;
  for (const v of a) maxab = Math.max(maxab, v);
  for (const v of b) maxab = Math.max(maxab, v);
  const logN = Math.log(N);
  const glnN = lgamma(N + 1);
  const glnNij = new Float64Array(maxab + 1);
  for (let t = 1; t <= maxab; t++) glnNij[t] = lgamma(t + 1);
  let emi = 0;
  for (let i = 0; i < R; i++) {
    const ai = a[i]!;
    const glnA = lgamma(ai + 1);
    const glnNA = lgamma(N - ai + 1);
    const logA = Math.log(ai);
    for (let j = 0; j < C; j++) {
      const bj = b[j]!;
      const glnB = lgamma(bj + 1);
      const glnNB = lgamma(N - bj + 1);
      const logB = Math.log(bj);
      const start = Math.max(1, ai + bj - N);
      const end = Math.min(ai, bj) + 1;
      for (let nij = start; nij < end; nij++) {
        const term2 = logN + Math.log(nij) - logA - logB;
        const gln = glnA + glnB + glnNA + glnNB - glnN - glnNij[nij]! - lgamma(ai - nij + 1) - lgamma(bj - nij + 1) - lgamma(N - ai - bj + nij + 1);
        emi += (nij / N) * term2 * Math.exp(gln);
      }
    }
  }
  return emi;
}

/**
 * Adjusted mutual information: `(MI - E[MI]) / (mean(H(true), H(pred)) - E[MI])`, the expected
 * MI under the hypergeometric model (scikit-learn's `adjusted_mutual_info_score`).
 *
 * @example
 * adjustedMutualInfoScore([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 */
export function adjustedMutualInfoScore(labelsTrue: LabelsLike, labelsPred: LabelsLike, opts: { averageMethod?: AverageMethod } = {}): number {
  const owner = 'adjustedMutualInfoScore';
  const c = contingency(labelsTrue, labelsPred, owner);
  if ((c.R === 1 && c.C === 1) || (c.R === 0 && c.C === 0)) return 1.0;
  const mi = mutualInfo(c);
  const emi = expectedMutualInfo(c);
  const norm = generalizedAverage(entropyOf(c.a), entropyOf(c.b), opts.averageMethod ?? 'arithmetic', owner);
  let den = norm - emi;
  den = den < 0 ? Math.min(den, -EPS) : Math.max(den, EPS);
  return (mi - emi) / den;
}


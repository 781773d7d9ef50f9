import { Matrix } from '../core/matrix.js';
import { RandomState } from '../core/random.js';

/** scikit-learn's ALMOST_INF: thresholds are clipped to it. */
export const ALMOST_INF = 1e300;

/**
 * Bin thresholds of one continuous column, as scikit-learn 1.2.1 `_find_binning_thresholds`:
 * NaN ignored; at most `maxBins` distinct values -> midpoints of consecutive distinct values;
 * otherwise `np.percentile(col, linspace(0, 100, maxBins + 1)[1:-1], method='midpoint')`.
 * All in float64 (sklearn's X_DTYPE), clipped to ALMOST_INF.
 */
export function findBinningThresholds(col: ArrayLike<number>, maxBins: number): Float64Array {
  let m = 0;
  const data = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v === v) data[m++] = v;
  }
  const sorted = data.subarray(0, m).sort();
  // distinct values
  let nDistinct = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) nDistinct++;
  let out: Float64Array;
  if (nDistinct <= maxBins) {
    const distinct = new Float64Array(nDistinct);
    let k = 0;
    for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[k++] = sorted[i]!;
    out = new Float64Array(Math.max(0, nDistinct - 1));
    for (let i = 0; i + 1 < nDistinct; i++) out[i] = (distinct[i]! + distinct[i + 1]!) * 0.5;
  } else {
    out = new Float64Array(maxBins - 1);
    const div = maxBins; // linspace(0, 100, maxBins + 1): step = 100 / maxBins
    const step = 100 / div;
    for (let j = 1; j < maxBins; j++) {
      const q = (j * step) / 100;
      out[j - 1] = percentileMidpoint(sorted, q);
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i]! > ALMOST_INF) out[i] = ALMOST_INF;
  return out;
}

/** numpy 1.24 `np.quantile(sorted, q, method='midpoint')` on an ascending array (virtual index, gamma, _lerp). */
export function percentileMidpoint(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const x = (n - 1) * q;
  const vi = 0.5 * (Math.floor(x) + Math.ceil(x));
  let prev: number;
  let next: number;
  if (vi >= n - 1) prev = next = n - 1;
  else if (vi < 0) prev = next = 0;
  else {
    prev = Math.floor(vi);
    next = prev + 1;
  }
  const gamma = vi % 1 === 0 ? 0 : 0.5;
  const a = sorted[prev]!;
  const b = sorted[next]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** numpy 1.24 `np.percentile(values, 100 * q)` (method 'linear') of an ascending array. */
export function quantileLinearSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const vi = (n - 1) * q; // linear: alpha = beta = 1
  let prev: number;
  let next: number;
  if (vi >= n - 1) prev = next = n - 1;
  else if (vi < 0) prev = next = 0;
  else {
    prev = Math.floor(vi);
    next = prev + 1;
  }
  const gamma = vi - Math.floor(vi);
  const a = sorted[prev]!;
  const b = sorted[next]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Fitted binning: thresholds per feature (for categorical features: the known category values). */
export interface BinMapperState {
  /** n_bins = maxBins + 1; the last bin (n_bins - 1) holds missing values. */
  nBins: number;
  thresholds: Float64Array[];
  nBinsNonMissing: Uint32Array;
  isCategorical: Uint8Array;
}

/**
 * scikit-learn 1.2.1 `_BinMapper.fit`: a seeded subsample of `subsample` rows when n is larger
 * (`rng.choice(n, subsample, replace=False)`), then per-feature thresholds.
 */
export function fitBinMapper(X: Matrix, nBins: number, opts: { subsample?: number | null; randomState: number | RandomState; isCategorical?: Uint8Array; knownCategories?: (Float64Array | null)[] }): BinMapperState {
  const maxBins = nBins - 1;
  const subsample = opts.subsample === undefined ? 200000 : opts.subsample;
  const rng = opts.randomState instanceof RandomState ? opts.randomState : new RandomState(opts.randomState);
  let rows: Int32Array | null = null;
  if (subsample !== null && X.rows > subsample) rows = rng.choice(X.rows, subsample, { replace: false });
  const d = X.cols;
  const isCat = opts.isCategorical ?? new Uint8Array(d);
  const thresholds: Float64Array[] = [];
  const nb = new Uint32Array(d);
  const n = rows ? rows.length : X.rows;
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    if (isCat[j]) {
      const cats = opts.knownCategories![j]!;
      thresholds.push(Float64Array.from(cats));
      nb[j] = cats.length;
      continue;
    }
    if (rows) for (let i = 0; i < n; i++) col[i] = X.data[rows[i]! * d + j]!;
    else for (let i = 0; i < n; i++) col[i] = X.data[i * d + j]!;
    const t = findBinningThresholds(col, maxBins);
    thresholds.push(t);
    nb[j] = t.length + 1;
  }
  return { nBins, thresholds, nBinsNonMissing: nb, isCategorical: Uint8Array.from(isCat) };
}

/**
 * `_map_to_bins`, row-major: `binned[i * d + j]` is the bin of X[i, j] (the histogram pass reads
 * one row's bins together); NaN -> nBins - 1; a value goes to the first bin i with
 * value <= thresholds[i]. The search is branch-free over the thresholds padded to 255 entries
 * with +Infinity (the bin is the number of thresholds below the value, the same answer as
 * scikit-learn's binary search).
 */
export function transformBins(X: Matrix, s: BinMapperState, out?: Uint8Array): Uint8Array {
  const n = X.rows;
  const d = X.cols;
  const binned = out ?? new Uint8Array(n * d);
  const missing = s.nBins - 1;
  const x = X.data;
  const padded = new Float64Array(256 * d).fill(Infinity);
  for (let j = 0; j < d; j++) padded.set(s.thresholds[j]!.subarray(0, 255), 256 * j);
  const len = n * d;
  for (let p = 0, j = 0; p < len; p++) {
    const v = x[p]!;
    if (v !== v) binned[p] = missing;
    else {
      const t = 256 * j;
      let pos = t;
      pos = padded[pos + 127]! < v ? pos + 128 : pos;
      pos = padded[pos + 63]! < v ? pos + 64 : pos;
      pos = padded[pos + 31]! < v ? pos + 32 : pos;
      pos = padded[pos + 15]! < v ? pos + 16 : pos;
      pos = padded[pos + 7]! < v ? pos + 8 : pos;
      pos = padded[pos + 3]! < v ? pos + 4 : pos;
      pos = padded[pos + 1]! < v ? pos + 2 : pos;
      pos = padded[pos]! < v ? pos + 1 : pos;
      binned[p] = pos - t;
    }
    if (++j === d) j = 0;
  }
  return binned;
}

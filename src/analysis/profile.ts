/**
 * Data profiling: per-column schema and statistics, exact duplicate rows, Pearson correlations
 * and histograms, numbers identical to pandas (`describe`, `skew`, `nunique`, `value_counts`,
 * `duplicated`, `corr`) and numpy (`histogram`). Browser-safe: no Node imports.
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Table, type Column, type ColumnKind } from '../core/table.js';
import { correlation } from '../linalg/covariance.js';
import { pairwiseSum, quantileSorted } from '../core/numeric.js';

/** Histogram of a numeric column: `counts[i]` values fall in `[edges[i], edges[i + 1])` (the last bin is closed), as `numpy.histogram`. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

interface BaseProfile {
  name: string;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** missing / rows (0 for an empty table). */
  missingFraction: number;
  /** Distinct non-missing values (pandas `nunique`). */
  distinct: number;
}

/** Statistics of a numeric column (NaN = missing). Statistics that need more values than there are are `null`. */
export interface NumericProfile extends BaseProfile {
  type: 'numeric';
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (ddof 1, as pandas `describe`). */
  std: number | null;
  /** Quartiles by linear interpolation (numpy/pandas default). */
  q25: number | null;
  median: number | null;
  q75: number | null;
  /** Adjusted Fisher-Pearson skewness (pandas `skew`: 0 for a constant column, null below 3 values). */
  skewness: number | null;
  /** Values exactly 0. */
  zeros: number;
  histogram: Histogram;
}

/** Categorical column: the most frequent values (count descending, ties by first appearance). */
export interface CategoricalProfile extends BaseProfile {
  type: 'categorical';
  top: { value: string; count: number }[];
}

/** Boolean column: counts of true and false, and the fraction of true among non-missing values. */
export interface BooleanProfile extends BaseProfile {
  type: 'boolean';
  trueCount: number;
  falseCount: number;
  /** trueCount / count (null when count is 0). */
  mean: number | null;
}

/** Date column: earliest and latest as ISO-8601 strings. */
export interface DateProfile extends BaseProfile {
  type: 'date';
  min: string | null;
  max: string | null;
}

export type ColumnProfile = NumericProfile | CategoricalProfile | BooleanProfile | DateProfile;

/** Exact duplicate rows (pandas `DataFrame.duplicated(keep='first')`; missing equals missing). */
export interface DuplicateRows {
  /** Rows equal to an earlier row. */
  count: number;
  /** The first `maxDuplicateIndices` of those rows, ascending. */
  indices: number[];
  /** For each entry of `indices`, the earliest row it repeats. */
  firstOccurrence: number[];
}

/** Result of {@link profile}. */
export interface Profile {
  rows: number;
  columns: ColumnProfile[];
  duplicateRows: DuplicateRows;
  /** Pearson correlation of the numeric columns (pairwise complete rows, as pandas `corr`); null entries where undefined (constant column). */
  correlation: { columns: string[]; matrix: (number | null)[][] };
}

/** Options of {@link profile}. */
export interface ProfileOptions {
  /** Column names for a Matrix input (default `x0, x1, ...`). */
  featureNames?: readonly string[];
  /** Most frequent values listed per categorical column (default 10). */
  topK?: number;
  /** Histogram bins (default: Sturges, `ceil(log2(count)) + 1`, at most 50). */
  bins?: number;
  /** Duplicate row indices listed (default 20; the count is always exact). */
  maxDuplicateIndices?: number;
}

const OWNER = 'profile';

/**
 * Profile a Table or numeric Matrix: per column type, missing values, distinct values and
 * statistics, exact duplicate rows, the correlation matrix of the numeric columns and a histogram
 * per numeric column. Single pass per statistic over typed arrays (one sort per numeric column
 * for the quartiles and distinct count, one hash pass and a radix sort of the hashes for duplicates).
 *
 * @example
 * const { X, featureNames } = loadDataset('iris');
 * const p = profile(X, { featureNames });
 * p.columns[0]; // { name: 'sepal length (cm)', type: 'numeric', mean: 5.843..., std: 0.828..., q25: 5.1, ... }
 * p.duplicateRows; // { count: 1, indices: [142], firstOccurrence: [101] }
 */
export function profile(data: Table | Matrix, opts: ProfileOptions = {}): Profile {
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, OWNER);
  const topK = opts.topK ?? 10;
  if (!Number.isInteger(topK) || topK < 0) throw new InvalidParameterError('topK', 'an integer >= 0', topK, OWNER);
  if (opts.bins !== undefined && (!Number.isInteger(opts.bins) || opts.bins < 1)) throw new InvalidParameterError('bins', 'an integer >= 1', opts.bins, OWNER);
  const maxDup = opts.maxDuplicateIndices ?? 20;
  if (!Number.isInteger(maxDup) || maxDup < 0) throw new InvalidParameterError('maxDuplicateIndices', 'an integer >= 0', maxDup, OWNER);
  const table = toTable(data, opts.featureNames);
  const n = table.nRows;
  const columns = table.columns.map((c) => profileColumn(c, n, topK, opts.bins));
  const numeric = table.columns.filter((c): c is Extract<Column, { kind: 'numeric' }> => c.kind === 'numeric');
  return {
    rows: n,
    columns,
    duplicateRows: duplicateRows(table.columns, n, maxDup),
    correlation: { columns: numeric.map((c) => c.name), matrix: correlationMatrix(numeric.map((c) => c.values), n) },
  };
}

function toTable(data: Table | Matrix, names: readonly string[] | undefined): Table {
  if (data instanceof Table) {
    if (names !== undefined) throw new InvalidParameterError('featureNames', 'undefined for a Table input (it has column names)', names, OWNER);
    return data;
  }
  if (!(data instanceof Matrix)) throw new DataError('data', 'a Table or a Matrix', data, OWNER);
  const d = data.cols;
  if (names !== undefined && (!Array.isArray(names) || names.length !== d)) throw new InvalidParameterError('featureNames', `an array of ${d} names`, names, OWNER);
  const cols: Column[] = [];
  for (let j = 0; j < d; j++) cols.push({ kind: 'numeric', name: names ? String(names[j]) : `x${j}`, values: data.col(j) });
  return new Table(cols);
}

function profileColumn(c: Column, n: number, topK: number, bins: number | undefined): ColumnProfile {
  switch (c.kind) {
    case 'numeric': return numericProfile(c.name, c.values, n, bins);
    case 'categorical': return categoricalProfile(c.name, c.codes, c.labels, n, topK);
    case 'boolean': {
      let t = 0, f = 0;
      for (let i = 0; i < n; i++) { const v = c.values[i]!; if (v === 1) t++; else if (v === 0) f++; }
      const count = t + f;
      return { name: c.name, type: 'boolean', ...base(count, n, (t > 0 ? 1 : 0) + (f > 0 ? 1 : 0)), trueCount: t, falseCount: f, mean: count ? t / count : null };
    }
    case 'date': {
      const v = present(c.values);
      const s = v.slice().sort();
      return { name: c.name, type: 'date', ...base(v.length, n, distinctSorted(s)), min: s.length ? new Date(s[0]!).toISOString() : null, max: s.length ? new Date(s[s.length - 1]!).toISOString() : null };
    }
  }
}

function base(count: number, n: number, distinct: number): Omit<BaseProfile, 'name'> {
  return { count, missing: n - count, missingFraction: n ? (n - count) / n : 0, distinct };
}

function present(v: Float64Array): Float64Array {
  let k = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!)) k++;
  if (k === v.length) return v;
  const out = new Float64Array(k);
  k = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!)) out[k++] = v[i]!;
  return out;
}

function distinctSorted(s: Float64Array): number {
  let d = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) d++;
  return d;
}

/** numpy's pairwise summation, shared from core/numeric.ts (re-exported for this module's users). */
export { pairwiseSum };

/** numpy's linear-interpolation quantile of sorted values (shared from core/numeric.ts). */
export { quantileSorted };

/**
 * numpy.histogram with `bins` equal-width bins over [min, max] of the finite values (a constant
 * column gets the range [v - 0.5, v + 0.5], as numpy).
 */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) { const v = values[i]!; if (v < lo) lo = v; if (v > hi) hi = v; }
  if (values.length === 0) { lo = 0; hi = 1; }
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const step = (hi - lo) / bins;
  const edges = new Array<number>(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = i * step + lo;
  edges[bins] = hi;
  const counts = new Array<number>(bins).fill(0);
  const norm = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let k = Math.trunc((v - lo) * norm);
    if (k === bins) k--;
    if (v < edges[k]!) k--;
    else if (k !== bins - 1 && v >= edges[k + 1]!) k++;
    counts[k]!++;
  }
  return { edges, counts };
}

function numericProfile(name: string, values: Float64Array, n: number, bins: number | undefined): NumericProfile {
  const v = present(values);
  const m = v.length;
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(v[i]!)) throw new DataError('data', 'finite numbers or NaN for missing', `${v[i]} in column ${JSON.stringify(name)}`, OWNER);
  }
  const s = v.slice().sort();
  let zeros = 0;
  for (let i = 0; i < m; i++) if (v[i] === 0) zeros++;
  const k = bins ?? Math.min(50, Math.max(1, Math.ceil(Math.log2(Math.max(m, 1))) + 1));
  const out: NumericProfile = {
    name, type: 'numeric', ...base(m, n, distinctSorted(s)),
    min: null, max: null, mean: null, std: null, q25: null, median: null, q75: null, skewness: null, zeros, histogram: histogram(s, k),
  };
  if (m === 0) return out;
  const mean = pairwiseSum(v) / m;
  const d = new Float64Array(m);
  for (let i = 0; i < m; i++) { const e = v[i]! - mean; d[i] = e * e; }
  const ss = pairwiseSum(d);
  out.min = s[0]!;
  out.max = s[m - 1]!;
  out.mean = mean;
  out.q25 = quantileSorted(s, 0.25);
  out.median = quantileSorted(s, 0.5);
  out.q75 = quantileSorted(s, 0.75);
  if (m >= 2) out.std = Math.sqrt(ss / (m - 1));
  if (m >= 3) {
    // pandas nanskew: m2, m3 of the deviations from the mean, rounding noise below 1e-14 zeroed
    for (let i = 0; i < m; i++) { const e = v[i]! - mean; d[i] = e * e * e; }
    let m2 = ss, m3 = pairwiseSum(d);
    if (Math.abs(m2) < 1e-14) m2 = 0;
    if (Math.abs(m3) < 1e-14) m3 = 0;
    out.skewness = m2 === 0 ? 0 : ((m * Math.sqrt(m - 1)) / (m - 2)) * (m3 / m2 ** 1.5);
  }
  return out;
}

function categoricalProfile(name: string, codes: Int32Array, labels: readonly string[], n: number, topK: number): CategoricalProfile {
  const counts = new Float64Array(labels.length);
  const first = new Int32Array(labels.length).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) continue;
    if (counts[c] === 0) first[c] = i;
    counts[c]!++;
    count++;
  }
  const present = [...counts.keys()].filter((c) => counts[c]! > 0);
  present.sort((a, b) => counts[b]! - counts[a]! || first[a]! - first[b]!);
  return { name, type: 'categorical', ...base(count, n, present.length), top: present.slice(0, topK).map((c) => ({ value: labels[c]!, count: counts[c]! })) };
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function hashNumber(h: number, v: number): number {
  F64[0] = v === 0 ? 0 : Number.isNaN(v) ? NaN : v; // -0 == 0, NaN == NaN (pandas hashing)
  h = Math.imul(h ^ U32[0]!, 0x9e3779b1);
  h = Math.imul(h ^ U32[1]!, 0x85ebca77);
  return (h ^ (h >>> 15)) | 0;
}

function sameCell(c: Column, i: number, j: number): boolean {
  if (c.kind === 'categorical') return c.codes[i] === c.codes[j];
  const a = c.values[i]!, b = c.values[j]!;
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Duplicate rows without a per-row Map entry (a Map holds at most 2^24 entries, which capped
 * profile() at 16.8M rows): one hash per row, a stable two-pass radix sort of (hash, row) so
 * equal hashes form runs in row order, exact comparison only within a run, then one scan in row
 * order for the reported indices. Memory: 16 bytes per row.
 */
function duplicateRows(columns: readonly Column[], n: number, maxIndices: number): DuplicateRows {
  const h = new Int32Array(n).fill(0x2545f491);
  for (const c of columns) {
    if (c.kind === 'categorical') for (let i = 0; i < n; i++) h[i] = hashNumber(h[i]!, c.codes[i]! < 0 ? -1 : c.codes[i]!);
    else for (let i = 0; i < n; i++) h[i] = hashNumber(h[i]!, c.values[i]!);
  }
  const order = sortByHash(h, n);
  const dupOf = new Int32Array(n).fill(-1);
  const reps: number[] = [];
  for (let s = 0; s < n; ) {
    let e = s + 1;
    const hv = h[order[s]!]!;
    while (e < n && h[order[e]!] === hv) e++;
    if (e - s > 1) {
      // rows of the run in ascending order; each is compared with the distinct rows seen before it
      reps.length = 0;
      for (let t = s; t < e; t++) {
        const i = order[t]!;
        const orig = reps.find((j) => columns.every((c) => sameCell(c, i, j)));
        if (orig === undefined) reps.push(i);
        else dupOf[i] = orig;
      }
    }
    s = e;
  }
  const out: DuplicateRows = { count: 0, indices: [], firstOccurrence: [] };
  for (let i = 0; i < n; i++) {
    if (dupOf[i]! < 0) continue;
    out.count++;
    if (out.indices.length < maxIndices) { out.indices.push(i); out.firstOccurrence.push(dupOf[i]!); }
  }
  return out;
}

/** Row indices ordered by hash, rows in ascending order within equal hashes (stable LSD radix sort, 2 x 16 bits). */
function sortByHash(h: Int32Array, n: number): Int32Array {
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Int32Array(n);
  const count = new Int32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((h[src[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 0; b < 65536; b++) count[b + 1]! += count[b]!;
    for (let i = 0; i < n; i++) {
      const r = src[i]!;
      dst[count[(h[r]! >>> shift) & 0xffff]!++] = r;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Pairwise-complete Pearson correlation (pandas `corr`); the multi-core `correlation` kernel when nothing is missing. */
function correlationMatrix(cols: Float64Array[], n: number): (number | null)[][] {
  const d = cols.length;
  if (d === 0) return [];
  const anyMissing = cols.some((c) => c.some((v) => Number.isNaN(v)));
  const out: (number | null)[][] = Array.from({ length: d }, () => new Array<number | null>(d).fill(null));
  if (!anyMissing && n >= 2) {
    const X = new Matrix(new Float64Array(n * d), n, d);
    for (let j = 0; j < d; j++) { const c = cols[j]!; for (let i = 0; i < n; i++) X.data[i * d + j] = c[i]!; }
    const C = correlation(X);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) { const v = C.data[i * d + j]!; out[i]![j] = Number.isNaN(v) ? null : v; }
    return out;
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) {
    const x = cols[a]!, y = cols[b]!;
    let k = 0, mx = 0, my = 0;
    for (let i = 0; i < n; i++) { const u = x[i]!, v = y[i]!; if (u === u && v === v) { k++; mx += u; my += v; } }
    if (k < 2) continue;
    mx /= k; my /= k;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      const u = x[i]!, v = y[i]!;
      if (u === u && v === v) { const du = u - mx, dv = v - my; sxy += du * dv; sxx += du * du; syy += dv * dv; }
    }
    const den = Math.sqrt(sxx * syy);
    if (den === 0) continue;
    const r = Math.max(-1, Math.min(1, sxy / den));
    out[a]![b] = r;
    out[b]![a] = r;
  }
  return out;
}

/** Column kinds a profile reports (re-exported for callers that build tables). */
export type { ColumnKind };

/**
 * SliceLine (Sagadeeva & Boehm, SIGMOD 2021): the top-k data slices (conjunctions of
 * feature = value predicates) where a model's error is much higher than on average, found by
 * lattice enumeration with upper-bound pruning. The algorithm follows Apache SystemDS's
 * `scripts/builtin/sliceLine.dml` (Apache-2.0) step by step, on row lists and bitsets instead
 * of sparse matrix products:
 *
 * - level 1: one slice per one-hot column (feature = value) with size >= minSupport and error > 0;
 * - level L: join two valid slices of level L-1 that share L-2 predicates (and differ in the feature
 *   of the last one); keep the candidate only if all L of its parents are valid ("missing parents"
 *   pruning), its size bound (min parent size) reaches minSupport, and its score upper bound
 *   (`scoreUB` of the reference: min parent size, error and max error, probed at minSupport,
 *   error/maxError and size) exceeds both 0 and the current k-th best score;
 * - evaluate the survivors (rows = smallest parent's rows filtered by the missing predicate's
 *   bitset), merge into the top-k (score > 0 and size >= minSupport), repeat.
 *
 * Two differences from the reference (default `pruning: 'exact'`): the score bound uses the number
 * of rows n (SystemDS passes the one-hot width, which gives an invalid, too tight bound when the
 * width exceeds n), and the k-th score prunes only once k slices are known (SystemDS prunes at the
 * lowest score of a not yet full top-k). With both the result is the exact top-k of all slices up
 * to `maxLevel` (tested against brute force). `pruning: 'systemds'` reproduces the reference's
 * pruning as written, and its test results (on its custom input 2 the exact search finds a slice
 * with score 0.0756 that the reference prunes).
 */
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Table } from '../core/table.js';
import { checkArray, checkLabels, checkTarget, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';

/** Options of {@link sliceLine}. */
export interface SliceLineOptions {
  /** Weight of the error term against the size term, in (0, 1] (default 0.95). */
  alpha?: number;
  /** Minimum slice size: an integer count >= 1 or a fraction of the rows in (0, 1) (default 32, capped at n). */
  minSupport?: number;
  /** Number of slices returned (default 4). */
  k?: number;
  /** Largest number of predicates per slice; null = number of features (default null). */
  maxLevel?: number | null;
  /** Bins per numeric column with more than nBins distinct values (default 10). */
  nBins?: number;
  /** 'quantile' (default: equal-frequency edges, duplicates merged) or 'uniform' (equal-width edges). */
  binning?: 'quantile' | 'uniform';
  /** Column names (default: Table column names or x0, x1, ...). */
  featureNames?: string[];
  /** Columns always used as categories (distinct values), never binned. */
  categoricalFeatures?: number[];
  /**
   * 'exact' (default): valid bounds, the exact top-k. 'systemds': the reference's pruning as written
   * (score bound computed with the one-hot width instead of the row count, k-th score taken from a
   * not yet full top-k), which can prune slices that belong in the top-k; for parity tests.
   */
  pruning?: 'exact' | 'systemds';
}

/** One predicate `feature = value` of a slice. */
export interface SlicePredicate {
  feature: number;
  featureName: string;
  /** value index in {@link EncodedFeature.labels} */
  value: number;
  /** the predicate in words: `age in [30, 45)` or `color = red` */
  text: string;
}

/** One slice of the result. */
export interface Slice {
  predicates: SlicePredicate[];
  /** predicates joined by AND */
  description: string;
  /** number of rows */
  size: number;
  errorSum: number;
  maxError: number;
  /** errorSum / size */
  errorRate: number;
  score: number;
  /** number of predicates */
  level: number;
  /** row indices (ascending) */
  rows: Int32Array;
}

/** Enumeration statistics of one lattice level. */
export interface SliceLevelStats {
  level: number;
  /** candidates produced by joining valid parents (distinct feature sets, before pruning) */
  generated: number;
  /** dropped because a parent was not a valid slice */
  prunedParents: number;
  /** dropped because the size bound is below minSupport */
  prunedSize: number;
  /** dropped because the score bound is <= 0 or <= the k-th best score */
  prunedScore: number;
  /** slices whose rows were counted */
  evaluated: number;
  /** evaluated slices with size >= minSupport and error > 0 (the parents of the next level) */
  valid: number;
  /** all conjunctions of `level` predicates over distinct features (what brute force evaluates) */
  bruteForce: number;
}

/** How one column was turned into values. */
export interface EncodedFeature {
  name: string;
  kind: 'binned' | 'categorical';
  /** text of each value (bin interval or category) */
  labels: string[];
  /** bin edges (binned columns): value v covers [edges[v], edges[v + 1]), the last bin closed */
  edges?: Float64Array;
}

export interface SliceLineResult {
  /** top-k slices, best score first */
  slices: Slice[];
  levels: SliceLevelStats[];
  /** mean error e_bar */
  averageError: number;
  nRows: number;
  /** minimum support as a row count */
  minSupport: number;
  features: EncodedFeature[];
  /** total slices evaluated over all levels (level 1 counts every one-hot column) */
  evaluated: number;
  /** what brute force would evaluate over the same levels */
  bruteForce: number;
}

const OWNER = 'sliceLine';

interface Checked {
  alpha: number;
  minSup: number;
  k: number;
  maxLevel: number;
  systemds: boolean;
}

function checkOptions(opts: SliceLineOptions, n: number, d: number, owner: string): Checked {
  const alpha = opts.alpha ?? 0.95;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) throw new InvalidParameterError('alpha', 'a number in (0, 1]', alpha, owner);
  const ms = opts.minSupport ?? 32;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || (ms >= 1 && !Number.isInteger(ms))) {
    throw new InvalidParameterError('minSupport', 'an integer count >= 1 or a fraction in (0, 1)', ms, owner);
  }
  const minSup = ms < 1 ? Math.max(1, Math.ceil(ms * n)) : Math.min(ms, n);
  const k = opts.k ?? 4;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new InvalidParameterError('k', 'an integer >= 1', k, owner);
  const ml = opts.maxLevel ?? null;
  if (ml !== null && (typeof ml !== 'number' || !Number.isInteger(ml) || ml < 1)) throw new InvalidParameterError('maxLevel', 'an integer >= 1 or null', ml, owner);
  const nb = opts.nBins ?? 10;
  if (typeof nb !== 'number' || !Number.isInteger(nb) || nb < 2) throw new InvalidParameterError('nBins', 'an integer >= 2', nb, owner);
  if (opts.binning !== undefined && opts.binning !== 'quantile' && opts.binning !== 'uniform') throw new InvalidParameterError('binning', "'quantile' or 'uniform'", opts.binning, owner);
  if (opts.featureNames !== undefined && (!Array.isArray(opts.featureNames) || opts.featureNames.length !== d)) {
    throw new InvalidParameterError('featureNames', `an array of ${d} names`, opts.featureNames, owner);
  }
  if (opts.pruning !== undefined && opts.pruning !== 'exact' && opts.pruning !== 'systemds') throw new InvalidParameterError('pruning', "'exact' or 'systemds'", opts.pruning, owner);
  return { alpha, minSup, k, maxLevel: ml === null ? d : Math.min(ml, d), systemds: opts.pruning === 'systemds' };
}

function fmtNum(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toPrecision(4) : String(Number(v.toPrecision(4)));
}

/** Encode every column as value codes 0..dom-1 (-1 = missing): categories as is, numeric columns with > nBins distinct values binned. */
export function encodeFeatures(X: MatrixLike, opts: SliceLineOptions = {}, owner = OWNER): { codes: Int32Array[]; features: EncodedFeature[]; n: number } {
  const nBins = opts.nBins ?? 10;
  const binning = opts.binning ?? 'quantile';
  const cat = new Set(opts.categoricalFeatures ?? []);
  const cols: { name: string; values?: Float64Array; codes?: Int32Array; labels?: readonly string[] }[] = [];
  let n: number;
  if (X instanceof Table) {
    n = X.nRows;
    if (n === 0) throw new ShapeError('X', 'at least 1 row', '0 rows', owner);
    for (const c of X.columns) cols.push(c.kind === 'categorical' ? { name: c.name, codes: c.codes, labels: c.labels } : { name: c.name, values: c.values });
  } else {
    const m = checkArray(X, { owner, allowNaN: true });
    n = m.rows;
    for (let j = 0; j < m.cols; j++) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = m.data[i * m.cols + j]!;
      cols.push({ name: `x${j}`, values: v });
    }
  }
  const names = opts.featureNames ?? cols.map((c) => c.name);
  const codes: Int32Array[] = [];
  const features: EncodedFeature[] = [];
  cols.forEach((c, j) => {
    const name = names[j]!;
    if (c.codes) {
      codes.push(c.codes);
      features.push({ name, kind: 'categorical', labels: [...c.labels!] });
      return;
    }
    const v = c.values!;
    // up to nBins + 1 distinct values (enough to decide binned vs categorical), one pass
    const distinct: number[] = [];
    let nPresent = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x !== x) continue;
      nPresent++;
      if (distinct.length <= nBins && !distinct.includes(x)) distinct.push(x);
    }
    const out = new Int32Array(n).fill(-1);
    if (distinct.length <= nBins || cat.has(j)) {
      if (cat.has(j)) { distinct.length = 0; for (let i = 0; i < n; i++) if (v[i] === v[i] && !distinct.includes(v[i]!)) distinct.push(v[i]!); }
      distinct.sort((a, b) => a - b);
      const index = new Map(distinct.map((x, t) => [x, t]));
      for (let i = 0; i < n; i++) if (v[i] === v[i]) out[i] = index.get(v[i]!)!;
      codes.push(out);
      features.push({ name, kind: 'categorical', labels: distinct.map(fmtNum) });
      return;
    }
    const present = new Float64Array(nPresent);
    let q = 0;
    for (let i = 0; i < n; i++) if (v[i] === v[i]) present[q++] = v[i]!;
    // order statistics without a full sort: min, max and the two neighbours of each quantile position
    let lo = Infinity, hi = -Infinity;
    for (let t = 0; t < nPresent; t++) { const x = present[t]!; if (x < lo) lo = x; if (x > hi) hi = x; }
    const raw: number[] = [];
    if (binning === 'uniform') for (let b = 0; b <= nBins; b++) raw.push(b === nBins ? hi : lo + ((hi - lo) * b) / nBins);
    else {
      // numpy's linear quantile at (n - 1) * (b / nBins), the same numbers as core/numeric quantileSorted
      const want = new Set<number>();
      for (let b = 0; b <= nBins; b++) { const f = Math.floor((nPresent - 1) * (b / nBins)); want.add(f); if (f + 1 < nPresent) want.add(f + 1); }
      const ks = [...want].sort((a, b) => a - b);
      const val = new Map<number, number>();
      multiSelect(present, ks, 0, ks.length - 1, 0, nPresent - 1, val);
      for (let b = 0; b <= nBins; b++) {
        const pos = (nPresent - 1) * (b / nBins), f = Math.floor(pos);
        if (f >= nPresent - 1) raw.push(hi);
        else {
          // numpy's lerp (as core/numeric quantileSorted): from the nearer end
          const a = val.get(f)!, c2 = val.get(f + 1)!, t = pos - f, diff = c2 - a;
          raw.push(t >= 0.5 ? c2 - diff * (1 - t) : a + diff * t);
        }
      }
    }
    const edges = Float64Array.from(raw.filter((e, t) => t === 0 || e > raw[t - 1]!));
    const nb = edges.length - 1;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x !== x) continue;
      let a = 0, b = nb - 1; // last bin with edges[bin] <= x
      while (a < b) { const mid = (a + b + 1) >> 1; if (edges[mid]! <= x) a = mid; else b = mid - 1; }
      out[i] = a;
    }
    const labels = Array.from({ length: nb }, (_, t) => `[${fmtNum(edges[t]!)}, ${fmtNum(edges[t + 1]!)}${t === nb - 1 ? ']' : ')'}`);
    codes.push(out);
    features.push({ name, kind: 'binned', labels, edges });
  });
  return { codes, features, n };
}

/** Order statistics ks[kl..kr] (ascending) of a[l..r]: select the middle one, recurse on both sides. */
function multiSelect(a: Float64Array, ks: number[], kl: number, kr: number, l: number, r: number, out: Map<number, number>): void {
  if (kl > kr) return;
  const km = (kl + kr) >> 1, k = ks[km]!;
  out.set(k, select(a, k, l, r));
  multiSelect(a, ks, kl, km - 1, l, k - 1, out);
  multiSelect(a, ks, km + 1, kr, k + 1, r, out);
}

/** The k-th smallest value of a[l..r] (k absolute; reorders that range so a[k] holds it; Hoare partitioning, median-of-three pivots). */
function select(a: Float64Array, k: number, l = 0, r = a.length - 1): number {
  while (r > l) {
    const m = (l + r) >> 1;
    if (a[m]! < a[l]!) swap(a, m, l);
    if (a[r]! < a[l]!) swap(a, r, l);
    if (a[r]! < a[m]!) swap(a, r, m);
    const pivot = a[m]!;
    let i = l, j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function checkErrors(errors: ArrayLike<number>, n: number, owner: string): Float64Array {
  if (!errors || typeof errors !== 'object' || typeof errors.length !== 'number') throw new DataError('errors', 'an array of numbers', errors, owner);
  if (errors.length !== n) throw new ShapeError('errors', `length ${n} (rows of X)`, `length ${errors.length}`, owner);
  const e = Float64Array.from(errors);
  for (let i = 0; i < n; i++) {
    if (!(e[i]! >= 0) || e[i] === Infinity) throw new DataError('errors', 'finite non-negative numbers', `errors[${i}] = ${e[i]}`, owner);
  }
  return e;
}

/** score = alpha * ((se / ss) / eAvg - 1) - (1 - alpha) * (n / ss - 1); -Infinity for empty slices. */
export function sliceScore(ss: number, se: number, eAvg: number, alpha: number, n: number): number {
  const sc = alpha * ((se / ss) / eAvg - 1) - (1 - alpha) * (n / ss - 1);
  return sc === sc ? sc : -Infinity;
}

/** SystemDS `scoreUB`: best score a sub-slice with size <= ss, error <= se and max error <= sm can reach. */
export function sliceScoreUpperBound(ss: number, se: number, sm: number, eAvg: number, minSup: number, alpha: number, n: number): number {
  const a = ubAt(minSup, ss, se, sm, eAvg, alpha, n), b = ubAt(Math.max(se / sm, minSup), ss, se, sm, eAvg, alpha, n), c = ubAt(ss, ss, se, sm, eAvg, alpha, n);
  // NaN (0/0) counts as -Infinity, as the reference's replace(NaN, -Inf)
  let best = -Infinity;
  if (a > best) best = a;
  if (b > best) best = b;
  if (c > best) best = c;
  return best;
}

function ubAt(s: number, _ss: number, se: number, sm: number, eAvg: number, alpha: number, n: number): number {
  return alpha * ((Math.min(s * sm, se) / s) / eAvg - 1) - (1 - alpha) * ((1 / s) * n - 1);
}

interface Cand {
  preds: Int32Array;
  ss: number;
  se: number;
  sm: number;
  score: number;
  /** row indices, or null until needed (see rowsOf) */
  rows: Int32Array | null;
}

/**
 * SliceLine on an error vector given directly: the top-k slices of `X` by score (see the module
 * doc). Numeric columns with more than `nBins` distinct values are binned (quantile edges by
 * default, `binning: 'uniform'` for equal width); other columns and categorical Table columns are
 * used value by value; missing values match no predicate.
 *
 * @example
 * const { slices, levels } = sliceLine(X, errors, { alpha: 0.95, minSupport: 32, k: 4, featureNames });
 * slices[0].description; // 'age in [60, 90] AND sex = F'
 */
export function sliceLine(X: MatrixLike, errors: ArrayLike<number>, opts: SliceLineOptions = {}, owner = OWNER): SliceLineResult {
  const enc = encodeFeatures(X, opts, owner);
  const n = enc.n, d = enc.codes.length;
  const { alpha, minSup, k, maxLevel, systemds } = checkOptions(opts, n, d, owner);
  const e = checkErrors(errors, n, owner);
  return sliceLineCore(enc.codes, enc.features, e, n, alpha, minSup, k, maxLevel, systemds);
}

/** The search on encoded columns; trusts its inputs. */
export function sliceLineCore(codes: Int32Array[], features: EncodedFeature[], e: Float64Array, n: number, alpha: number, minSup: number, k: number, maxLevel: number, systemds = false): SliceLineResult {
  const d = codes.length;
  // one-hot predicates: global id = off[j] + value
  const off = new Int32Array(d + 1);
  for (let j = 0; j < d; j++) off[j + 1] = off[j]! + features[j]!.labels.length;
  const nPred = off[d]!;
  const featOf = new Int32Array(nPred);
  for (let j = 0; j < d; j++) featOf.fill(j, off[j]!, off[j + 1]!);
  const count = new Int32Array(nPred);
  for (let j = 0; j < d; j++) { const c = codes[j]!; for (let i = 0; i < n; i++) if (c[i]! >= 0) count[off[j]! + c[i]!]!++; }
  const start = new Int32Array(nPred + 1);
  for (let p = 0; p < nPred; p++) start[p + 1] = start[p]! + count[p]!;
  const all = new Int32Array(start[nPred]!);
  const fill = start.slice(0, nPred);
  for (let j = 0; j < d; j++) { const c = codes[j]!; for (let i = 0; i < n; i++) if (c[i]! >= 0) all[fill[off[j]! + c[i]!]!++] = i; }
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(nPred * words);
  for (let p = 0; p < nPred; p++) for (let t = start[p]!; t < start[p + 1]!; t++) { const i = all[t]!; bits[p * words + (i >>> 5)]! |= 1 << (i & 31); }

  /** A slice's rows (memoised): the smallest predicate's list filtered through the other predicates' bitsets. */
  const rowsOf = (c: Cand): Int32Array => {
    if (c.rows) return c.rows;
    let p0 = c.preds[0]!;
    for (const p of c.preds) if (count[p]! < count[p0]!) p0 = p;
    const out: number[] = [];
    for (let t = start[p0]!; t < start[p0 + 1]!; t++) {
      const i = all[t]!;
      let ok = true;
      for (const p of c.preds) if (p !== p0 && !(bits[p * words + (i >>> 5)]! & (1 << (i & 31)))) { ok = false; break; }
      if (ok) out.push(i);
    }
    return (c.rows = Int32Array.from(out));
  };
  let eSum = 0;
  for (let i = 0; i < n; i++) eSum += e[i]!;
  const eAvg = eSum / n;
  const levels: SliceLevelStats[] = [];
  const bruteCounts = bruteForceCounts(features.map((f) => f.labels.length), maxLevel);
  let top: Cand[] = [];
  const maintainTopK = (cands: Cand[]) => {
    const ok = cands.filter((c) => c.score > 0 && c.ss >= minSup);
    if (!ok.length) return;
    top = [...top, ...ok].sort((a, b) => b.score - a.score).slice(0, k); // stable: earlier first among ties
  };

  // level 1
  let S: Cand[] = [];
  for (let p = 0; p < nPred; p++) {
    let se = 0, sm = 0;
    for (let t = start[p]!; t < start[p + 1]!; t++) { const v = e[all[t]!]!; se += v; if (v > sm) sm = v; }
    const ss = count[p]!;
    if (ss >= minSup && se > 0) S.push({ preds: Int32Array.of(p), ss, se, sm, score: sliceScore(ss, se, eAvg, alpha, n), rows: all.subarray(start[p]!, start[p + 1]!) });
  }
  levels.push({ level: 1, generated: nPred, prunedParents: 0, prunedSize: 0, prunedScore: 0, evaluated: nPred, valid: S.length, bruteForce: bruteCounts[1]! });
  maintainTopK(S);

  let level = 1;
  while (S.length > 0 && level < d && level < maxLevel) {
    level++;
    const stats: SliceLevelStats = { level, generated: 0, prunedParents: 0, prunedSize: 0, prunedScore: 0, evaluated: 0, valid: 0, bruteForce: bruteCounts[level]! };
    const parents = S.filter((c) => c.ss >= minSup && c.se > 0);
    parents.sort((a, b) => cmpPreds(a.preds, b.preds));
    // parent lookup by a numeric key (base nPred digits) while exact, else by text
    const numeric = Math.pow(nPred + 1, level - 1) < 2 ** 53;
    const keyOf = (a: ArrayLike<number>, len: number): number | string => {
      if (!numeric) return Array.prototype.join.call(a, ',') as string;
      let h = 0;
      for (let t = 0; t < len; t++) h = h * (nPred + 1) + a[t]! + 1;
      return h;
    };
    const index = new Map<number | string, Cand>();
    for (const c of parents) index.set(keyOf(c.preds, level - 1), c);
    const minsc = top.length >= k ? top[k - 1]!.score : systemds && top.length ? top[top.length - 1]!.score : -Infinity;
    const ubRows = systemds ? nPred : n;
    const key = new Int32Array(level);
    const scratch = new Int32Array(level);
    // 1. join, then prune by parents, size bound and score bound
    const todo: { preds: Int32Array; small: Cand; missing: number }[] = [];
    for (let a = 0; a < parents.length; a++) {
      const pa = parents[a]!.preds;
      for (let b = a + 1; b < parents.length; b++) {
        const pb = parents[b]!.preds;
        let same = true;
        for (let t = 0; t < level - 2; t++) if (pa[t] !== pb[t]) { same = false; break; }
        if (!same) break; // sorted: the prefix group of a has ended
        const la = pa[level - 2]!, lb = pb[level - 2]!;
        if (featOf[la] === featOf[lb]) continue; // two values of one feature: empty slice
        stats.generated++;
        // bounds from the two joined parents first (cheap: no lookups); the full bounds are the
        // minima over all L parents, so failing here means failing there
        const A = parents[a]!, B = parents[b]!;
        const ss2 = A.ss < B.ss ? A.ss : B.ss;
        if (ss2 < minSup) { stats.prunedSize++; continue; }
        const ub2 = sliceScoreUpperBound(ss2, A.se < B.se ? A.se : B.se, A.sm < B.sm ? A.sm : B.sm, eAvg, minSup, alpha, ubRows);
        if (!(ub2 > minsc && ub2 > 0)) { stats.prunedScore++; continue; }
        const preds = scratch;
        preds.set(pa);
        preds[level - 1] = lb;
        // all parents (drop one predicate each) must be valid; bounds are their minima
        let ss = Infinity, se = Infinity, sm = Infinity, small: Cand | null = null, missing = -1, ok = true;
        for (let drop = 0; drop < level && ok; drop++) {
          let q = 0;
          for (let t = 0; t < level; t++) if (t !== drop) key[q++] = preds[t]!;
          const par = index.get(keyOf(numeric ? key : key.subarray(0, level - 1), level - 1));
          if (!par) { ok = false; break; }
          if (par.ss < ss) { ss = par.ss; small = par; missing = preds[drop]!; }
          if (par.se < se) se = par.se;
          if (par.sm < sm) sm = par.sm;
        }
        if (!ok) { stats.prunedParents++; continue; }
        if (ss < minSup) { stats.prunedSize++; continue; }
        const ub = sliceScoreUpperBound(ss, se, sm, eAvg, minSup, alpha, ubRows);
        if (!(ub > minsc && ub > 0)) { stats.prunedScore++; continue; }
        todo.push({ preds: preds.slice(), small: small!, missing });
      }
    }
    // 2. evaluate the survivors
    stats.evaluated = todo.length;
    const next: Cand[] = new Array(todo.length);
    const keepRows = level < maxLevel && level < d;
    const done = new Uint8Array(todo.length);
    if (level === 2) {
      // pairs of features: one pass over the rows fills a contingency table of counts, error
      // sums and maxima, when that is cheaper than filtering each candidate's smallest parent
      const byPair = new Map<number, number[]>();
      todo.forEach((c, t) => {
        const pk = featOf[c.preds[0]!]! * d + featOf[c.preds[1]!]!;
        let l = byPair.get(pk);
        if (!l) byPair.set(pk, (l = []));
        l.push(t);
      });
      for (const [pk, list] of byPair) {
        let filterCost = 0;
        for (const t of list) filterCost += todo[t]!.small.ss;
        if (filterCost <= n) continue;
        const fa = Math.floor(pk / d), fb = pk % d, db = features[fb]!.labels.length;
        const cells = features[fa]!.labels.length * db;
        const cnt = new Float64Array(cells), sum = new Float64Array(cells), mx = new Float64Array(cells);
        const ca = codes[fa]!, cb = codes[fb]!;
        for (let i = 0; i < n; i++) {
          const x = ca[i]!, z = cb[i]!;
          if (x < 0 || z < 0) continue;
          const cell = x * db + z, v = e[i]!;
          cnt[cell]!++;
          sum[cell]! += v;
          if (v > mx[cell]!) mx[cell] = v;
        }
        for (const t of list) {
          const c = todo[t]!;
          const cell = (c.preds[0]! - off[fa]!) * db + (c.preds[1]! - off[fb]!);
          next[t] = { preds: c.preds, ss: cnt[cell]!, se: sum[cell]!, sm: mx[cell]!, score: sliceScore(cnt[cell]!, sum[cell]!, eAvg, alpha, n), rows: null };
          done[t] = 1;
        }
      }
    }
    const rowBuf = new Int32Array(n);
    todo.forEach((c, t) => {
      if (done[t]) return;
      // rows of the smallest parent that also satisfy the predicate it lacks
      const src = rowsOf(c.small), bw = c.missing * words;
      let cnt = 0, cse = 0, csm = 0;
      for (let q = 0; q < src.length; q++) {
        const i = src[q]!;
        if (bits[bw + (i >>> 5)]! & (1 << (i & 31))) { rowBuf[cnt++] = i; const v = e[i]!; cse += v; if (v > csm) csm = v; }
      }
      const score = sliceScore(cnt, cse, eAvg, alpha, n);
      // rows are kept for the next level's parents and for top-k candidates only (else recomputed on demand)
      const keep = (keepRows && cnt >= minSup && cse > 0) || (score > 0 && cnt >= minSup);
      next[t] = { preds: c.preds, ss: cnt, se: cse, sm: csm, score, rows: keep ? rowBuf.slice(0, cnt) : null };
    });
    for (const c of next) if (c.ss >= minSup && c.se > 0) stats.valid++;
    levels.push(stats);
    maintainTopK(next);
    S = next;
  }

  const slices = top.map((c): Slice => {
    const predicates = Array.from(c.preds, (p): SlicePredicate => {
      const f = featOf[p]!, feat = features[f]!, v = p - off[f]!;
      const text = feat.kind === 'binned' ? `${feat.name} in ${feat.labels[v]}` : `${feat.name} = ${feat.labels[v]}`;
      return { feature: f, featureName: feat.name, value: v, text };
    });
    return { predicates, description: predicates.map((q) => q.text).join(' AND '), size: c.ss, errorSum: c.se, maxError: c.sm, errorRate: c.se / c.ss, score: c.score, level: c.preds.length, rows: rowsOf(c) };
  });
  const evaluated = levels.reduce((s, l) => s + l.evaluated, 0);
  const bruteForce = levels.reduce((s, l) => s + l.bruteForce, 0);
  return { slices, levels, averageError: eAvg, nRows: n, minSupport: minSup, features, evaluated, bruteForce };
}

function cmpPreds(a: Int32Array, b: Int32Array): number {
  for (let t = 0; t < a.length; t++) if (a[t] !== b[t]) return a[t]! - b[t]!;
  return 0;
}

/** Number of conjunctions of L predicates over distinct features, L = 0..maxLevel (elementary symmetric sums of the domain sizes). */
function bruteForceCounts(dom: number[], maxLevel: number): number[] {
  const c = new Array<number>(maxLevel + 1).fill(0);
  c[0] = 1;
  for (const s of dom) for (let L = maxLevel; L >= 1; L--) c[L] = c[L]! + c[L - 1]! * s;
  return c;
}

/** Options of {@link mineErrors}: SliceLine's plus the loss turning predictions into errors. */
export interface MineErrorsOptions extends SliceLineOptions {
  /** '0/1' (default for classifiers), 'logLoss' (needs predictProba) or 'squared' (default for regressors). */
  loss?: '0/1' | 'logLoss' | 'squared';
}

/** What mineErrors needs from a fitted model. */
export interface PredictingModel {
  predict(X: MatrixLike): ArrayLike<unknown>;
  predictProba?(X: MatrixLike): Matrix;
  /** class labels in predictProba column order (classifiers) */
  readonly classes?: unknown;
  readonly isFitted?: boolean;
  readonly kind?: string;
}

/** Per-row errors of a fitted model on (X, y). */
export function modelErrors(model: PredictingModel, X: MatrixLike, y: LabelsLike, loss: MineErrorsOptions['loss'] | undefined, n: number, owner: string): { errors: Float64Array; loss: string } {
  if (!model || typeof model.predict !== 'function') throw new InvalidParameterError('model', 'a fitted model with predict()', model, owner);
  if (model.isFitted === false) throw new NotFittedError(model.kind ?? 'model', `predictions in ${owner}`);
  const isClassifier = (model.constructor as { capabilities?: { type?: string } }).capabilities?.type === 'classifier' || Array.isArray(safeClasses(model));
  const l = loss ?? (isClassifier ? '0/1' : 'squared');
  if (l !== '0/1' && l !== 'logLoss' && l !== 'squared') throw new InvalidParameterError('loss', "'0/1', 'logLoss' or 'squared'", l, owner);
  const errors = new Float64Array(n);
  if (l === 'squared') {
    const t = checkTarget(y, n, { name: 'y', owner });
    const pred = model.predict(X) as ArrayLike<number>;
    for (let i = 0; i < n; i++) { const r = t[i]! - Number(pred[i]); errors[i] = r * r; }
  } else if (l === '0/1') {
    if (!y || y.length !== n) throw new ShapeError('y', `length ${n} (rows of X)`, `length ${y?.length}`, owner);
    const pred = model.predict(X);
    for (let i = 0; i < n; i++) errors[i] = pred[i] === y[i] ? 0 : 1;
  } else {
    if (typeof model.predictProba !== 'function') throw new InvalidParameterError('loss', "'0/1' or 'squared' (the model has no predictProba)", l, owner);
    const classes = safeClasses(model);
    const { encoded, classes: lab } = checkLabels(y, n, { name: 'y', owner });
    const P = model.predictProba(X);
    const colOf = lab.map((c) => (classes ? classes.indexOf(c) : -1));
    for (let i = 0; i < n; i++) {
      const col = colOf[encoded[i]!]!;
      const pr = col < 0 ? 0 : P.data[i * P.cols + col]!;
      errors[i] = -Math.log(Math.min(Math.max(pr, 1e-15), 1 - 1e-15));
    }
  }
  return { errors, loss: l };
}

function safeClasses(model: PredictingModel): Label[] | undefined {
  try { return Array.isArray(model.classes) ? model.classes as Label[] : undefined; } catch { return undefined; }
}

/**
 * SliceLine on a model's errors: where does the model fail? Errors per row come from the
 * predictions on (X, y) with `loss`; then {@link sliceLine} finds the top-k slices.
 *
 * @example
 * const res = mineErrors(clf, X, y, { alpha: 0.95, minSupport: 50, k: 5, featureNames });
 * for (const s of res.slices) console.log(s.description, s.size, s.errorRate.toFixed(2), s.score.toFixed(3));
 */
export function mineErrors(model: PredictingModel, X: MatrixLike, y: LabelsLike, opts: MineErrorsOptions = {}): SliceLineResult & { errors: Float64Array; loss: string } {
  const owner = 'mineErrors';
  const n = X instanceof Table ? X.nRows : checkArray(X, { owner, allowNaN: true }).rows;
  if (!y || typeof y.length !== 'number' || y.length !== n) throw new ShapeError('y', `length ${n} (rows of X)`, `length ${y?.length}`, owner);
  const enc = encodeFeatures(X, opts, owner);
  const d = enc.codes.length;
  const { alpha, minSup, k, maxLevel, systemds } = checkOptions(opts, n, d, owner);
  const { errors, loss } = modelErrors(model, X, y, opts.loss, n, owner);
  return { ...sliceLineCore(enc.codes, enc.features, errors, n, alpha, minSup, k, maxLevel, systemds), errors, loss };
}

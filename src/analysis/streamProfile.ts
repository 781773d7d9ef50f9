/**
 * One-pass profiling of data that does not fit in memory (issue 21): feed Table blocks of any size
 * to a {@link ProfileAccumulator} and read a {@link StreamProfile}. Browser-safe (no Node imports):
 * the CLI feeds it from `streamTable` (src/io/stream.ts).
 *
 * Exact in one pass: row count, missing, zeros, min, max, true/false counts, mean, standard
 * deviation and skewness (per-block centred moments merged with Chan/Pebay's formulas, the same
 * numbers as `profile()` to rounding), Pearson correlations (pairwise-complete co-moments merged per
 * block), distinct counts up to `maxDistinct` values per column, category counts up to
 * `maxCategories` labels.
 * Approximate, and said so in each column's `approximate` list: quartiles and the histogram (from a
 * seeded uniform reservoir sample of `sampleSize` rows, Vitter/Li's Algorithm L: exact when the
 * data has at most that many rows), distinct counts past `maxDistinct` (HyperLogLog, 2^14
 * registers, about 0.8% standard error), and duplicate rows (counted by 64-bit row hashes: exact
 * unless two different rows collide, about n^2 / 2^65 expected false duplicates).
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { RandomState } from '../core/random.js';
import { gramBlockCore } from '../linalg/kernels.js';
import type { Column, ColumnKind, Table } from '../core/table.js';
import { histogram, quantileSorted, pairwiseSum, type BooleanProfile, type CategoricalProfile, type DateProfile, type NumericProfile } from './profile.js';

/** A column profile plus the names of its statistics that are approximate (empty when all are exact). */
export type StreamColumnProfile = (NumericProfile | CategoricalProfile | BooleanProfile | DateProfile) & { approximate: string[] };

/** Result of a streamed profile. */
export interface StreamProfile {
  rows: number;
  columns: StreamColumnProfile[];
  /** Duplicate rows counted by 64-bit row hashes (no indices: that would need a second pass). */
  duplicateRows: { count: number; method: 'hash64' } | null;
  correlation: { columns: string[]; matrix: (number | null)[][] } | null;
  /** Rows in the reservoir sample the quartiles and histograms come from (= rows when exact). */
  sampleRows: number;
}

/** Options of {@link ProfileAccumulator}. */
export interface StreamProfileOptions {
  /** Most frequent values per categorical column (default 10). */
  topK?: number;
  /** Histogram bins (default: Sturges on the column's count, at most 50). */
  bins?: number;
  /** Rows kept in the reservoir sample for quartiles and histograms (default 100,000). */
  sampleSize?: number;
  /** Seed of the reservoir sample (default 0). */
  seed?: number;
  /** Exact distinct values tracked per column before switching to HyperLogLog (default 100,000). */
  maxDistinct?: number;
  /** Labels counted exactly per categorical column (default 100,000; later new labels are only counted in `distinct`). */
  maxCategories?: number;
  /** Count duplicate rows (default true; 8 bytes per row). */
  duplicates?: boolean;
  /** Numeric columns above which no correlation matrix is computed (default 100). */
  maxCorrelationColumns?: number;
  /** Rows expected (preallocates the row hashes). */
  expectedRows?: number;
}

const OWNER = 'ProfileAccumulator';
const HLL_P = 14;
const HLL_M = 1 << HLL_P;

/** HyperLogLog over two 32-bit hashes (index from the first, rank from the second). */
class HyperLogLog {
  readonly reg = new Uint8Array(HLL_M);
  add(h1: number, h2: number): void {
    const idx = h1 >>> (32 - HLL_P);
    const w = h2 >>> 0;
    const rank = w === 0 ? 33 : Math.clz32(w) + 1;
    if (rank > this.reg[idx]!) this.reg[idx] = rank;
  }
  estimate(): number {
    let sum = 0, zeros = 0;
    for (let i = 0; i < HLL_M; i++) { const r = this.reg[i]!; sum += 2 ** -r; if (r === 0) zeros++; }
    const alpha = 0.7213 / (1 + 1.079 / HLL_M);
    const e = (alpha * HLL_M * HLL_M) / sum;
    if (e <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros));
    return Math.round(e);
  }
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
function mix(h: number, v: number, m: number): number {
  h = Math.imul(h ^ v, m);
  return (h ^ (h >>> 15)) | 0;
}
/** Two independent 32-bit hashes of a double (-0 = 0, every NaN the same). */
function hashDouble(v: number, out: Int32Array): void {
  F64[0] = v === 0 ? 0 : Number.isNaN(v) ? NaN : v;
  const lo = U32[0]!, hi = U32[1]!;
  out[0] = mix(mix(0x2545f491, lo, 0x9e3779b1), hi, 0x85ebca77);
  out[1] = mix(mix(0x7f4a7c15, hi, 0xc2b2ae3d), lo, 0x27d4eb2f);
}
function hashString(s: string, out: Int32Array): void {
  let a = 0x811c9dc5 | 0, b = 0x1b873593;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = mix(b, c, 0x5bd1e995);
  }
  out[0] = mix(a, s.length, 0x9e3779b1);
  out[1] = mix(b, s.length, 0x85ebca77);
}
const H = new Int32Array(2);

/** Exact distinct values up to a cap, then HyperLogLog. */
class Distinct {
  private set: Set<number | string> | null = new Set();
  private hll: HyperLogLog | null = null;
  constructor(private readonly cap: number) {}
  get exact(): boolean { return this.set !== null; }
  add(v: number | string): void {
    if (this.set) {
      this.set.add(v);
      if (this.set.size > this.cap) {
        this.hll = new HyperLogLog();
        for (const x of this.set) this.toHll(x);
        this.set = null;
      }
    } else this.toHll(v);
  }
  private toHll(v: number | string): void {
    if (typeof v === 'number') hashDouble(v, H); else hashString(v, H);
    this.hll!.add(H[0]!, H[1]!);
  }
  /** Add m finite numbers (the HLL phase reads their bits directly). */
  addAll(v: Float64Array, m: number): void {
    let i = 0;
    while (i < m && this.set) this.add(v[i++]!);
    if (i >= m) return;
    const u = new Uint32Array(v.buffer, v.byteOffset, 2 * m);
    const reg = this.hll!.reg;
    for (; i < m; i++) {
      let lo = u[2 * i]!, hi = u[2 * i + 1]!;
      if (v[i] === 0) lo = hi = 0;
      const h1 = mix(mix(0x2545f491, lo, 0x9e3779b1), hi, 0x85ebca77);
      const h2 = mix(mix(0x7f4a7c15, hi, 0xc2b2ae3d), lo, 0x27d4eb2f) >>> 0;
      const idx = h1 >>> (32 - HLL_P);
      const rank = h2 === 0 ? 33 : Math.clz32(h2) + 1;
      if (rank > reg[idx]!) reg[idx] = rank;
    }
  }
  get count(): number { return this.set ? this.set.size : this.hll!.estimate(); }
}

/** Running count, mean and centred second/third moments (Chan et al. / Pebay merge). */
interface Moments { n: number; mean: number; m2: number; m3: number }

function blockMoments(v: Float64Array, m: number, d: Float64Array): Moments {
  const mean = pairwiseSum(v, 0, m) / m;
  for (let i = 0; i < m; i++) { const e = v[i]! - mean; d[i] = e * e; }
  const m2 = pairwiseSum(d, 0, m);
  for (let i = 0; i < m; i++) { const e = v[i]! - mean; d[i] = e * e * e; }
  const m3 = pairwiseSum(d, 0, m);
  return { n: m, mean, m2, m3 };
}

function mergeMoments(a: Moments, b: Moments): void {
  if (b.n === 0) return;
  if (a.n === 0) { Object.assign(a, b); return; }
  const n = a.n + b.n, delta = b.mean - a.mean;
  const m3 = a.m3 + b.m3 + (delta ** 3 * a.n * b.n * (a.n - b.n)) / (n * n) + (3 * delta * (a.n * b.m2 - b.n * a.m2)) / n;
  const m2 = a.m2 + b.m2 + (delta * delta * a.n * b.n) / n;
  a.mean += (delta * b.n) / n;
  a.m2 = m2;
  a.m3 = m3;
  a.n = n;
}

interface NumState {
  kind: 'numeric' | 'date';
  missing: number; zeros: number; min: number; max: number;
  mom: Moments; distinct: Distinct;
}
interface CatState { kind: 'categorical'; missing: number; counts: Map<string, { count: number; first: number }>; full: boolean; distinct: Distinct }
interface BoolState { kind: 'boolean'; t: number; f: number; missing: number }
type State = NumState | CatState | BoolState;

/** Pairwise-complete co-moments of two columns. */
interface Co { n: number; ma: number; mb: number; c: number; sa: number; sb: number }

/**
 * One-pass profile accumulator: `add(block)` for each Table block (same columns each time), then
 * `result()`.
 *
 * @example
 * const acc = new ProfileAccumulator(first.columns.map((c) => ({ name: c.name, kind: c.kind })));
 * for await (const block of streamTable('big.parquet')) acc.add(block);
 * const p = acc.result(); // p.columns[0].approximate: ['q25', 'median', 'q75', 'histogram'] past 100,000 rows
 */
export class ProfileAccumulator {
  private readonly cols: { name: string; kind: ColumnKind }[];
  private readonly states: State[];
  private readonly numIdx: number[];
  private rows = 0;
  private readonly topK: number;
  private readonly bins: number | undefined;
  private readonly sampleSize: number;
  private readonly rng: RandomState;
  private readonly sample: Float64Array[];
  private sampled = 0;
  private w = 0;
  private nextPick = 0;
  private hashes: Uint32Array | null;
  private readonly co: Co[] | null;
  private readonly maxCategories: number;
  private scratch = new Float64Array(0);
  private rowMajor = new Float64Array(0);
  private finished: StreamProfile | null = null;

  constructor(columns: readonly { name: string; kind: ColumnKind }[], opts: StreamProfileOptions = {}) {
    if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, OWNER);
    const int = (v: unknown, name: string, min: number, dflt: number): number => {
      if (v === undefined) return dflt;
      if (!Number.isSafeInteger(v) || (v as number) < min) throw new InvalidParameterError(name, `an integer >= ${min}`, v, OWNER);
      return v as number;
    };
    this.topK = int(opts.topK, 'topK', 0, 10);
    this.bins = opts.bins === undefined ? undefined : int(opts.bins, 'bins', 1, 1);
    this.sampleSize = int(opts.sampleSize, 'sampleSize', 1, 100_000);
    const maxDistinct = int(opts.maxDistinct, 'maxDistinct', 1, 100_000);
    this.maxCategories = int(opts.maxCategories, 'maxCategories', 1, 100_000);
    const maxCorr = int(opts.maxCorrelationColumns, 'maxCorrelationColumns', 0, 100);
    const expected = int(opts.expectedRows, 'expectedRows', 0, 1024);
    this.rng = new RandomState(int(opts.seed, 'seed', 0, 0));
    this.cols = columns.map((c) => ({ name: c.name, kind: c.kind }));
    this.states = this.cols.map((c): State => {
      if (c.kind === 'categorical') return { kind: 'categorical', missing: 0, counts: new Map(), full: false, distinct: new Distinct(maxDistinct) };
      if (c.kind === 'boolean') return { kind: 'boolean', t: 0, f: 0, missing: 0 };
      return { kind: c.kind, missing: 0, zeros: 0, min: Infinity, max: -Infinity, mom: { n: 0, mean: 0, m2: 0, m3: 0 }, distinct: new Distinct(maxDistinct) };
    });
    this.numIdx = this.cols.flatMap((c, j) => (c.kind === 'numeric' ? [j] : []));
    this.sample = this.cols.map((c) => (c.kind === 'numeric' ? new Float64Array(Math.min(this.sampleSize, Math.max(expected, 1024))) : new Float64Array(0)));
    this.hashes = opts.duplicates === false ? null : new Uint32Array(2 * expected);
    const k = this.numIdx.length;
    this.co = k <= maxCorr ? Array.from({ length: (k * (k - 1)) / 2 }, () => ({ n: 0, ma: 0, mb: 0, c: 0, sa: 0, sb: 0 })) : null;
  }

  /** Fold one block of rows in (its columns must match the constructor's, by name and kind, in order). */
  add(block: Table): this {
    if (this.finished) throw new DataError('block', 'blocks before result() (result() ends the accumulation)', 'a block after result()', OWNER);
    const cs = block.columns;
    if (cs.length !== this.cols.length || cs.some((c, j) => c.name !== this.cols[j]!.name || c.kind !== this.cols[j]!.kind)) {
      throw new DataError('block', `columns ${this.cols.map((c) => `${c.name}:${c.kind}`).join(', ')}`, cs.map((c) => `${c.name}:${c.kind}`).join(', '), OWNER);
    }
    const n = block.nRows;
    if (n === 0) return this;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    cs.forEach((c, j) => this.addColumn(this.states[j]!, c, n));
    this.addSample(cs, n);
    if (this.hashes) this.addHashes(cs, n);
    if (this.co) this.addCorrelation(cs, n);
    this.rows += n;
    return this;
  }

  private addColumn(s: State, c: Column, n: number): void {
    if (s.kind === 'boolean') {
      const v = (c as Extract<Column, { kind: 'boolean' }>).values;
      for (let i = 0; i < n; i++) { const x = v[i]!; if (x === 1) s.t++; else if (x === 0) s.f++; else s.missing++; }
      return;
    }
    if (s.kind === 'categorical') {
      const { codes, labels } = c as Extract<Column, { kind: 'categorical' }>;
      const counts = new Float64Array(labels.length);
      const first = new Int32Array(labels.length).fill(-1);
      for (let i = 0; i < n; i++) {
        const k = codes[i]!;
        if (k < 0) { s.missing++; continue; }
        if (counts[k] === 0) first[k] = i;
        counts[k]!++;
      }
      // labels in order of first appearance in this block, so ties keep the global first-seen order
      const order = [...counts.keys()].filter((k) => counts[k]! > 0).sort((a, b) => first[a]! - first[b]!);
      for (const k of order) {
        const lab = labels[k]!;
        s.distinct.add(lab);
        const e = s.counts.get(lab);
        if (e) e.count += counts[k]!;
        else if (s.counts.size < this.maxCategories) s.counts.set(lab, { count: counts[k]!, first: this.rows + first[k]! });
        else s.full = true;
      }
      return;
    }
    const v = (c as Extract<Column, { kind: 'numeric' | 'date' }>).values;
    const buf = this.scratch;
    let m = 0;
    let lo = s.min, hi = s.max;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x !== x) { s.missing++; continue; }
      if (x === Infinity || x === -Infinity) throw new DataError('data', 'finite numbers or NaN for missing', `${x} in column ${JSON.stringify(c.name)}`, 'profile');
      if (x === 0) s.zeros++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      buf[m++] = x;
    }
    s.min = lo;
    s.max = hi;
    s.distinct.addAll(buf, m);
    if (m === 0) return;
    const tmp = new Float64Array(m);
    mergeMoments(s.mom, blockMoments(buf, m, tmp));
  }

  /** Algorithm L over rows: the first sampleSize rows, then geometric skips. */
  private addSample(cs: readonly Column[], n: number): void {
    const K = this.sampleSize;
    const num = this.numIdx;
    const put = (slot: number, i: number) => {
      for (const j of num) {
        let arr = this.sample[j]!;
        if (slot >= arr.length) { const g = new Float64Array(Math.min(K, Math.max(slot + 1, arr.length * 2))); g.set(arr); this.sample[j] = arr = g; }
        arr[slot] = (cs[j] as Extract<Column, { kind: 'numeric' }>).values[i]!;
      }
    };
    let i = 0;
    for (; i < n && this.sampled < K; i++) put(this.sampled++, i);
    if (this.sampled < K) return;
    if (this.w === 0) {
      this.w = Math.exp(Math.log(this.rng.nextDouble()) / K);
      this.nextPick = this.rows + i + Math.floor(Math.log(this.rng.nextDouble()) / Math.log(1 - this.w));
    }
    const end = this.rows + n;
    while (this.nextPick < end) {
      put(Math.floor(this.rng.nextDouble() * K), this.nextPick - this.rows);
      this.w *= Math.exp(Math.log(this.rng.nextDouble()) / K);
      this.nextPick += Math.floor(Math.log(this.rng.nextDouble()) / Math.log(1 - this.w)) + 1;
    }
  }

  private addHashes(cs: readonly Column[], n: number): void {
    let h = this.hashes!;
    const need = 2 * (this.rows + n);
    if (h.length < need) {
      const g = new Uint32Array(Math.max(need, Math.min(h.length * 2, h.length + (1 << 27)), 2048));
      g.set(h);
      this.hashes = h = g;
    }
    const base = 2 * this.rows;
    for (let i = 0; i < n; i++) { h[base + 2 * i] = 0x2545f491; h[base + 2 * i + 1] = 0x7f4a7c15; }
    for (const c of cs) {
      if (c.kind === 'categorical') {
        const lh = c.labels.map((l) => { hashString(l, H); return [H[0]!, H[1]!] as const; });
        for (let i = 0; i < n; i++) {
          const k = c.codes[i]!;
          const a = k < 0 ? 0x5bd1e995 : lh[k]![0], b = k < 0 ? 0x1b873593 : lh[k]![1];
          h[base + 2 * i] = mix(h[base + 2 * i]!, a, 0x9e3779b1);
          h[base + 2 * i + 1] = mix(h[base + 2 * i + 1]!, b, 0x85ebca77);
        }
      } else {
        const v = c.values;
        const u = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
        for (let i = 0; i < n; i++) {
          const x = v[i]!;
          let lo = u[2 * i]!, hi = u[2 * i + 1]!;
          if (x === 0) lo = hi = 0; // -0 = 0
          else if (x !== x) { lo = 0; hi = 0x7ff80000; } // every NaN the same
          h[base + 2 * i] = mix(mix(h[base + 2 * i]!, lo, 0x9e3779b1), hi, 0x85ebca77);
          h[base + 2 * i + 1] = mix(mix(h[base + 2 * i + 1]!, hi, 0xc2b2ae3d), lo, 0x27d4eb2f);
        }
      }
    }
  }

  private addCorrelation(cs: readonly Column[], n: number): void {
    const num = this.numIdx;
    const k = num.length;
    if (k < 2) return;
    const vals = num.map((j) => (cs[j] as Extract<Column, { kind: 'numeric' }>).values);
    let complete = true;
    for (const x of vals) { for (let i = 0; i < n; i++) if (x[i] !== x[i]) { complete = false; break; } if (!complete) break; }
    if (complete) {
      // no missing value in the block: the centred Gram matrix of the block in one cache-blocked kernel
      if (this.rowMajor.length < n * k) this.rowMajor = new Float64Array(n * k);
      const R = this.rowMajor;
      const means = new Float64Array(k);
      vals.forEach((x, a) => {
        means[a] = pairwiseSum(x, 0, n) / n;
        for (let i = 0, at = a; i < n; i++, at += k) R[at] = x[i]!;
      });
      const C = new Float64Array(k * k);
      gramBlockCore(R, 0, 0, n, k, means, null, C);
      let q = 0;
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++, q++) this.mergeCo(this.co![q]!, n, means[a]!, means[b]!, C[a * k + b]!, C[a * k + a]!, C[b * k + b]!);
      return;
    }
    let p = 0;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++, p++) {
      const x = vals[a]!, y = vals[b]!;
      let m = 0, mx = 0, my = 0;
      for (let i = 0; i < n; i++) { const u = x[i]!, v = y[i]!; if (u === u && v === v) { m++; mx += u; my += v; } }
      if (m === 0) continue;
      mx /= m; my /= m;
      let c = 0, sa = 0, sb = 0;
      for (let i = 0; i < n; i++) {
        const u = x[i]!, v = y[i]!;
        if (u === u && v === v) { const du = u - mx, dv = v - my; c += du * dv; sa += du * du; sb += dv * dv; }
      }
      this.mergeCo(this.co![p]!, m, mx, my, c, sa, sb);
    }
  }

  private mergeCo(t: Co, m: number, mx: number, my: number, c: number, sa: number, sb: number): void {
    if (t.n === 0) { Object.assign(t, { n: m, ma: mx, mb: my, c, sa, sb }); return; }
    const tot = t.n + m, da = mx - t.ma, db = my - t.mb, f = (t.n * m) / tot;
    t.c += c + da * db * f;
    t.sa += sa + da * da * f;
    t.sb += sb + db * db * f;
    t.ma += (da * m) / tot;
    t.mb += (db * m) / tot;
    t.n = tot;
  }

  /** The profile of every row added (ends the accumulation: later calls return the same result). */
  result(): StreamProfile {
    this.finished ??= this.compute();
    return this.finished;
  }

  private compute(): StreamProfile {
    const n = this.rows;
    const sampleRows = Math.min(this.sampled, this.sampleSize);
    const exactSample = n <= this.sampleSize;
    const columns = this.cols.map((c, j): StreamColumnProfile => {
      const s = this.states[j]!;
      const base = (count: number, distinct: number) => ({ count, missing: n - count, missingFraction: n ? (n - count) / n : 0, distinct: Math.min(distinct, count) });
      if (s.kind === 'boolean') {
        const count = s.t + s.f;
        return { name: c.name, type: 'boolean', ...base(count, (s.t > 0 ? 1 : 0) + (s.f > 0 ? 1 : 0)), trueCount: s.t, falseCount: s.f, mean: count ? s.t / count : null, approximate: [] };
      }
      if (s.kind === 'categorical') {
        const entries = [...s.counts.entries()].sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first);
        const approx = [...(s.distinct.exact ? [] : ['distinct']), ...(s.full ? ['top'] : [])];
        return { name: c.name, type: 'categorical', ...base(n - s.missing, s.distinct.count), top: entries.slice(0, this.topK).map(([value, e]) => ({ value, count: e.count })), approximate: approx };
      }
      const m = s.mom.n;
      const approx = s.distinct.exact ? [] : ['distinct'];
      if (s.kind === 'date') {
        return { name: c.name, type: 'date', ...base(m, s.distinct.count), min: m ? new Date(s.min).toISOString() : null, max: m ? new Date(s.max).toISOString() : null, approximate: approx };
      }
      const raw = this.sample[j]!.subarray(0, sampleRows);
      let present = 0;
      for (let i = 0; i < raw.length; i++) if (!Number.isNaN(raw[i]!)) present++;
      const sorted = new Float64Array(present);
      present = 0;
      for (let i = 0; i < raw.length; i++) if (!Number.isNaN(raw[i]!)) sorted[present++] = raw[i]!;
      sorted.sort();
      const bins = this.bins ?? Math.min(50, Math.max(1, Math.ceil(Math.log2(Math.max(m, 1))) + 1));
      if (!exactSample) approx.push('q25', 'median', 'q75', 'histogram');
      const out: StreamColumnProfile = {
        name: c.name, type: 'numeric', ...base(m, s.distinct.count),
        min: m ? s.min : null, max: m ? s.max : null, mean: m ? s.mom.mean : null, std: m >= 2 ? Math.sqrt(s.mom.m2 / (m - 1)) : null,
        q25: sorted.length ? quantileSorted(sorted, 0.25) : null, median: sorted.length ? quantileSorted(sorted, 0.5) : null, q75: sorted.length ? quantileSorted(sorted, 0.75) : null,
        skewness: null, zeros: s.zeros, histogram: histogram(sorted, bins), approximate: approx,
      };
      if (m >= 3) {
        let m2 = s.mom.m2, m3 = s.mom.m3;
        if (Math.abs(m2) < 1e-14) m2 = 0;
        if (Math.abs(m3) < 1e-14) m3 = 0;
        out.skewness = m2 === 0 ? 0 : ((m * Math.sqrt(m - 1)) / (m - 2)) * (m3 / m2 ** 1.5);
      }
      return out;
    });
    let correlation: StreamProfile['correlation'] = null;
    if (this.co) {
      const k = this.numIdx.length;
      const matrix = Array.from({ length: k }, () => new Array<number | null>(k).fill(null));
      let p = 0;
      for (let a = 0; a < k; a++) {
        const t = this.states[this.numIdx[a]!] as NumState;
        if (t.mom.n >= 2 && t.mom.m2 > 0) matrix[a]![a] = 1;
        for (let b = a + 1; b < k; b++, p++) {
          const q = this.co[p]!;
          const den = Math.sqrt(q.sa * q.sb);
          if (q.n < 2 || den === 0) continue;
          const r = Math.max(-1, Math.min(1, q.c / den));
          matrix[a]![b] = r;
          matrix[b]![a] = r;
        }
      }
      correlation = { columns: this.numIdx.map((j) => this.cols[j]!.name), matrix };
    }
    return { rows: n, columns, duplicateRows: this.hashes ? { count: countDuplicateHashes(this.hashes, n), method: 'hash64' } : null, correlation, sampleRows };
  }
}

/**
 * Rows whose 64-bit hash equals an earlier row's: an LSD radix sort of the (lo, hi) lane pairs
 * (four 16-bit passes through one scratch array of the same size; no per-value JS objects), then
 * equal neighbours counted. Expected false duplicates: about n^2 / 2^65.
 */
function countDuplicateHashes(h: Uint32Array, n: number): number {
  if (n < 2) return 0;
  let a: Uint32Array = h.subarray(0, 2 * n);
  let b: Uint32Array = new Uint32Array(2 * n);
  const count = new Int32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const lane = pass >> 1, shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((a[2 * i + lane]! >>> shift) & 0xffff) + 1]!++;
    for (let k = 0; k < 65536; k++) count[k + 1]! += count[k]!;
    for (let i = 0; i < n; i++) {
      const lo = a[2 * i]!, hi = a[2 * i + 1]!;
      const at = 2 * count[(((lane ? hi : lo) >>> shift) & 0xffff)]!++;
      b[at] = lo;
      b[at + 1] = hi;
    }
    [a, b] = [b, a];
  }
  let dup = 0;
  for (let i = 1; i < n; i++) if (a[2 * i] === a[2 * i - 2] && a[2 * i + 1] === a[2 * i - 1]) dup++;
  return dup;
}

import { Matrix } from '../core/matrix.js';
import { RandomState } from '../core/random.js';
import { linalgThreads, registerKernel, runTasks, type KernelTask } from '../linalg/threads.js';
import { hgbThreadStats, isShared, sharedBytes } from './histogram.js';

/** scikit-learn's ALMOST_INF: thresholds are clipped to it. */
export const ALMOST_INF = 1e300;

/**
 * Bin thresholds of one continuous column, as scikit-learn 1.2.1 `_find_binning_thresholds`:
 * NaN ignored; at most `maxBins` distinct values -> midpoints of consecutive distinct values;
 * otherwise `np.percentile(col, linspace(0, 100, maxBins + 1)[1:-1], method='midpoint')`.
 * All in float64 (sklearn's X_DTYPE), clipped to ALMOST_INF.
 */
export function findBinningThresholds(col: ArrayLike<number>, maxBins: number): Float64Array {
  const src = Float64Array.from(col);
  const out = new Float64Array(Math.max(maxBins, 1));
  const len = new Int32Array(1);
  hgbThresholdsKernel(src, src.length, 0, 1, maxBins, out, len);
  return out.slice(0, len[0]!);
}

/**
 * The thresholds of columns `j0..j1` of `cols` (column-major, `m` rows each; a column is sorted in
 * place): thresholds of column j into `out[j * maxBins ...]`, their count into `lens[j]`.
 * Self-contained (runs in worker threads through registerKernel): the numpy 1.24 'midpoint'
 * percentile (virtual index, gamma, _lerp) is inlined.
 */
export function hgbThresholdsKernel(cols: Float64Array, m: number, j0: number, j1: number, maxBins: number, out: Float64Array, lens: Int32Array, mod: object | null = null): void {
  const ALMOST_INF = 1e300;
  // `mod` (the HGB WebAssembly module): columns sorted by its `sortF64` in this thread's own small
  // memory (instantiated once per thread): compiled code from the first call, where the JavaScript
  // sort below runs interpreted until V8 optimises it (~0.4 s of a cold 1M x 28 fit)
  type SortWasm = { sort: (p: number, k: number, tmp: number, cnt: number) => void; mem: { buffer: ArrayBuffer }; cap: number };
  let sw: SortWasm | null = null;
  if (mod) {
    const G = globalThis as unknown as { __deepmineSortWasm?: SortWasm; WebAssembly: { Memory: new (o: object) => { buffer: ArrayBuffer }; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } };
    sw = G.__deepmineSortWasm ?? null;
    if (!sw || sw.cap < m) {
      const pages = Math.ceil((16 * m + 6 * 2048 * 4 + 64) / 65536);
      try {
        const mem = new G.WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
        const ex = new G.WebAssembly.Instance(mod, { env: { memory: mem } }).exports;
        sw = { sort: ex.sortF64 as SortWasm['sort'], mem, cap: Math.floor((pages * 65536 - 6 * 2048 * 4 - 64) / 16) };
        G.__deepmineSortWasm = sw;
      } catch {
        sw = null;
      }
    }
  }
  for (let j = j0; j < j1; j++) {
    const col = cols.subarray(j * m, (j + 1) * m);
    let k = 0;
    for (let i = 0; i < m; i++) {
      const v = col[i]!;
      if (v === v) col[k++] = v;
    }
    // ascending order by an LSD radix sort on the IEEE bits (4 passes of 16 bits; -0 before +0,
    // as TypedArray sort: V8's sort takes ~60 ms per 200,000 doubles, this ~5 ms)
    const sorted = col.subarray(0, k);
    if (sw && k > 64) {
      const buf = sw.mem.buffer;
      new Float64Array(buf, 0, k).set(sorted);
      const cnt = 16 * sw.cap;
      sw.sort(0, k, 8 * sw.cap, cnt);
      sorted.set(new Float64Array(buf, 0, k));
    } else if (k > 64) {
      const u = new Uint32Array(sorted.buffer, sorted.byteOffset, 2 * k);
      const lo = new Uint32Array(k);
      const hi = new Uint32Array(k);
      for (let i = 0; i < k; i++) {
        const l = u[2 * i]!;
        const h = u[2 * i + 1]!;
        // sortable key: negative -> all bits flipped, positive -> sign bit flipped
        const neg = h >>> 31;
        const mask = -neg | 0;
        lo[i] = (l ^ mask) >>> 0;
        hi[i] = (h ^ (mask | 0x80000000)) >>> 0;
      }
      let lo2 = new Uint32Array(k);
      let hi2 = new Uint32Array(k);
      let a = lo, b = hi;
      const cnt = new Uint32Array(65536);
      // first the two passes over the high words only; runs of equal high words are then put in
      // order of their low words by insertion (short runs: continuous data has few equal high
      // words); a run longer than 32 redoes the whole sort with the low words' passes first
      const passes = [2, 3];
      for (let pi = 0; pi < passes.length; pi++) {
        const pass = passes[pi]!;
        const src = pass < 2 ? a : b;
        const shift = (pass & 1) * 16;
        cnt.fill(0);
        for (let i = 0; i < k; i++) cnt[(src[i]! >>> shift) & 65535]!++;
        let sum = 0;
        for (let q = 0; q < 65536; q++) {
          const c = cnt[q]!;
          cnt[q] = sum;
          sum += c;
        }
        for (let i = 0; i < k; i++) {
          const p = cnt[(src[i]! >>> shift) & 65535]!++;
          lo2[p] = a[i]!;
          hi2[p] = b[i]!;
        }
        const ta = a, tb = b;
        a = lo2;
        b = hi2;
        lo2 = ta;
        hi2 = tb;
        if (pi === 1 && passes.length === 2) {
          let ok = true;
          for (let i = 1, r0 = 0; i <= k; i++) {
            if (i < k && b[i] === b[r0]) continue;
            if (i - r0 > 32) {
              ok = false;
              break;
            }
            for (let q = r0 + 1; q < i; q++) {
              const lv = a[q]!;
              let p = q - 1;
              while (p >= r0 && a[p]! > lv) {
                a[p + 1] = a[p]!;
                p--;
              }
              a[p + 1] = lv;
            }
            r0 = i;
          }
          // (any order of the (low, high) pairs sorts to the same keys)
          if (!ok) passes.push(0, 1, 2, 3);
        }
      }
      for (let i = 0; i < k; i++) {
        const h = b[i]!;
        const mask = (h >>> 31) === 1 ? 0x80000000 : -1;
        const m2 = (h >>> 31) === 1 ? 0 : -1;
        u[2 * i] = (a[i]! ^ m2) >>> 0;
        u[2 * i + 1] = (h ^ mask) >>> 0;
      }
    } else sorted.sort();
    let nDistinct = 0;
    for (let i = 0; i < k; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) nDistinct++;
    const o = j * maxBins;
    let L: number;
    if (nDistinct <= maxBins) {
      L = Math.max(0, nDistinct - 1);
      let prev = 0;
      let q = -1;
      for (let i = 0; i < k; i++) {
        if (i === 0 || sorted[i] !== sorted[i - 1]) {
          if (q >= 0) out[o + q] = (prev + sorted[i]!) * 0.5;
          q++;
          prev = sorted[i]!;
        }
      }
    } else {
      L = maxBins - 1;
      const step = 100 / maxBins; // linspace(0, 100, maxBins + 1)
      for (let t = 1; t < maxBins; t++) {
        const pq = (t * step) / 100;
        const x = (k - 1) * pq;
        const vi = 0.5 * (Math.floor(x) + Math.ceil(x));
        let lo: number;
        let hi: number;
        if (vi >= k - 1) lo = hi = k - 1;
        else if (vi < 0) lo = hi = 0;
        else {
          lo = Math.floor(vi);
          hi = lo + 1;
        }
        const gamma = vi % 1 === 0 ? 0 : 0.5;
        const a = sorted[lo]!;
        const b = sorted[hi]!;
        const diff = b - a;
        out[o + t - 1] = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
      }
    }
    for (let i = 0; i < L; i++) if (out[o + i]! > ALMOST_INF) out[o + i] = ALMOST_INF;
    lens[j] = L;
  }
}
registerKernel('hgbThresholds', hgbThresholdsKernel);

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
export function fitBinMapper(X: Matrix, nBins: number, opts: { subsample?: number | null; randomState: number | RandomState; isCategorical?: Uint8Array; knownCategories?: (Float64Array | null)[]; sortModule?: object | null }): BinMapperState {
  const maxBins = nBins - 1;
  const subsample = opts.subsample === undefined ? 200000 : opts.subsample;
  const rng = opts.randomState instanceof RandomState ? opts.randomState : new RandomState(opts.randomState);
  let rows: Int32Array | null = null;
  if (subsample !== null && X.rows > subsample) rows = rng.choice(X.rows, subsample, { replace: false });
  const d = X.cols;
  const isCat = opts.isCategorical ?? new Uint8Array(d);
  const thresholds: Float64Array[] = [];
  const nb = new Uint32Array(d);
  const m = rows ? rows.length : X.rows;
  // the (subsampled) continuous columns, column-major on shared memory; whole rows are gathered
  // at once (one read of each sampled row), in ascending row order (the sampled rows marked
  // first: a forward sweep instead of random reads over X, 5x faster at 1M x 28). The order of a
  // column does not matter: the thresholds come from its sorted values.
  const cont: number[] = [];
  for (let j = 0; j < d; j++) if (!isCat[j]) cont.push(j);
  const nc = cont.length;
  const cols = new Float64Array(sharedBytes(8 * Math.max(1, m * nc)));
  const x = X.data;
  const mark = rows ? new Uint8Array(X.rows) : null;
  if (rows) for (let i = 0; i < m; i++) mark![rows[i]!] = 1;
  for (let r = 0, i = 0; i < m; r++) {
    if (mark && mark[r] === 0) continue;
    const q = r * d;
    for (let c = 0; c < nc; c++) cols[c * m + i] = x[q + cont[c]!]!;
    i++;
  }
  const out = new Float64Array(sharedBytes(8 * Math.max(1, nc * maxBins)));
  const lens = new Int32Array(sharedBytes(4 * Math.max(1, nc)));
  const T = Math.min(linalgThreads(), nc, Math.max(1, Math.floor((m * nc) / 100000)));
  const mod = opts.sortModule ?? null;
  if (T <= 1 || !isShared(cols)) hgbThresholdsKernel(cols, m, 0, nc, maxBins, out, lens, mod);
  else {
    const tasks: KernelTask[] = [];
    hgbThreadStats.thresholds++;
    for (let t = 0; t < T; t++) tasks.push({ fn: 'hgbThresholds', args: [cols, m, Math.floor((t * nc) / T), Math.floor(((t + 1) * nc) / T), maxBins, out, lens, mod] });
    runTasks(tasks);
  }
  for (let j = 0, c = 0; j < d; j++) {
    if (isCat[j]) {
      const cats = opts.knownCategories![j]!;
      thresholds.push(Float64Array.from(cats));
      nb[j] = cats.length;
      continue;
    }
    const t = out.slice(c * maxBins, c * maxBins + lens[c]!);
    c++;
    thresholds.push(t);
    nb[j] = t.length + 1;
  }
  return { nBins, thresholds, nBinsNonMissing: nb, isCategorical: Uint8Array.from(isCat) };
}

/** The thresholds of each feature padded to 256 with +Infinity (`padded[256 * j + b]`), on shared memory. */
export function paddedThresholds(s: BinMapperState, d: number): Float64Array {
  const padded = new Float64Array(sharedBytes(8 * 256 * d)).fill(Infinity);
  for (let j = 0; j < d; j++) padded.set(s.thresholds[j]!.subarray(0, 255), 256 * j);
  return padded;
}

/**
 * `_map_to_bins`, row-major: `binned[i * d + j]` is the bin of X[i, j] (the histogram pass reads
 * one row's bins together); NaN -> nBins - 1; a value goes to the first bin i with
 * value <= thresholds[i]. The search is branch-free over the thresholds padded to 255 entries
 * with +Infinity (the bin is the number of thresholds below the value, the same answer as
 * scikit-learn's binary search). `colMajor`, when given, receives the same bins column-major
 * (`colMajor[j * n + i]`).
 */
export function transformBins(X: Matrix, s: BinMapperState, out?: Uint8Array, colMajor?: Uint8Array): Uint8Array {
  const n = X.rows;
  const d = X.cols;
  const binned = out ?? new Uint8Array(n * d);
  const missing = s.nBins - 1;
  const padded = paddedThresholds(s, d);
  const col = colMajor ?? null;
  const T = Math.min(linalgThreads(), Math.max(1, Math.floor((n * d) / 200000)));
  if (T <= 1 || !isShared(binned) || (col !== null && !isShared(col))) {
    hgbBinRowsKernel(X.data, 0, n, d, padded, missing, binned, col, n, 0);
    return binned;
  }
  // rows in blocks: a block of X is copied to shared memory (unless X already is), then each
  // thread bins a contiguous part of it (every value's bin is computed alone: any split is exact)
  const B = Math.min(n, 32768);
  const shared = isShared(X.data);
  const scratch = shared ? null : new Float64Array(sharedBytes(8 * B * d));
  for (let b0 = 0; b0 < n; b0 += B) {
    const b1 = Math.min(n, b0 + B);
    let src: Float64Array;
    let base: number;
    if (scratch) {
      scratch.set(X.data.subarray(b0 * d, b1 * d));
      src = scratch;
      base = b0;
    } else {
      src = X.data;
      base = 0;
    }
    const tasks: KernelTask[] = [];
    for (let t = 0; t < T; t++) {
      const r0 = b0 + Math.floor(((b1 - b0) * t) / T);
      const r1 = b0 + Math.floor(((b1 - b0) * (t + 1)) / T);
      tasks.push({ fn: 'hgbBinRows', args: [src, r0 - base, r1 - base, d, padded, missing, binned, col, n, base] });
    }
    hgbThreadStats.bins++;
    runTasks(tasks);
  }
  return binned;
}

/**
 * Bins of the rows `r0..r1` of `x` (row-major, d columns) into `out[(base + i) * d + j]` and, when
 * `col` is given, `col[j * n + base + i]`. `padded`: 256 thresholds per feature (+Infinity after
 * the real ones). Branch-free: the bin is the number of thresholds below the value (comparisons
 * as 0/1 shifted, not ternaries: V8 compiles those to branches, 4-5x slower on random values).
 * Self-contained (runs in worker threads through registerKernel).
 */
export function hgbBinRowsKernel(x: Float64Array, r0: number, r1: number, d: number, padded: Float64Array, missing: number, out: Uint8Array, col: Uint8Array | null, n: number, base: number): void {
  for (let i = r0; i < r1; i++) {
    const xr = i * d;
    const orow = (base + i) * d;
    for (let j = 0; j < d; j++) {
      const v = x[xr + j]!;
      let bin: number;
      if (v !== v) bin = missing;
      else {
        const t = 256 * j;
        let pos = t;
        pos += +(padded[pos + 127]! < v) << 7;
        pos += +(padded[pos + 63]! < v) << 6;
        pos += +(padded[pos + 31]! < v) << 5;
        pos += +(padded[pos + 15]! < v) << 4;
        pos += +(padded[pos + 7]! < v) << 3;
        pos += +(padded[pos + 3]! < v) << 2;
        pos += +(padded[pos + 1]! < v) << 1;
        pos += +(padded[pos]! < v);
        bin = pos - t;
      }
      out[orow + j] = bin;
      if (col !== null) col[j * n + base + i] = bin;
    }
  }
}
registerKernel('hgbBinRows', hgbBinRowsKernel);

/**
 * The k-means passes over the data: `KMeansKernel` (Lloyd E+M, Elkan's bounded steps, centring,
 * inertia, k-means++ candidate distances) on the WebAssembly SIMD kernels of `asm/kmeans.ts`
 * (loaded by `kmeansWasm.ts`, split over worker threads by `kmeansWorker.ts`), and the pure
 * TypeScript Lloyd kernel `assignNearest` it falls back to. Both perform the same floating-point
 * operations in the same order, so labels, sums and inertia are bit-identical whichever runs; the
 * per-label sums are formed per fixed block of rows (`sumChunkRows`) and added in block order, so
 * the thread count and the window size do not change any result either.
 */
import type { RandomState } from '../core/random.js';
import { linalgThreads } from '../linalg/threads.js';
import { linalgBackend } from '../linalg/wasm.js';
import { rowNormsSq, sqDistBlock, sqDistRows } from './pairwise.js';
import {
  acquireInstance, acquireShared, kmeansSharedModule, releaseInstance, releaseShared, WASM_MAX_BYTES,
  type LloydExports, type SharedKernel,
} from './kmeansWasm.js';
import { adoptShared, dropShared, forgetShared, runSharedCalls } from './kmeansWorker.js';

/**
 * Rows per block of the weighted per-label sums (the k-means M step): each block of
 * `sumChunkRows(n)` consecutive rows is summed on its own, rows in order, from zero, and the block
 * sums are added in block order. The blocks do not depend on the thread count, so the sums (and
 * the whole fit) are bit-identical whether one thread or several compute the blocks.
 */
export function sumChunkRows(n: number): number {
  return Math.max(SUM_CHUNK_MIN_ROWS, 2 * Math.ceil(n / (2 * SUM_MAX_CHUNKS)));
}
const SUM_CHUNK_MIN_ROWS = 1024;
const SUM_MAX_CHUNKS = 64;

/**
 * `n * d * k` per thread: the k-means row passes use `floor(n d k / KMEANS_PARALLEL_MIN_WORK)`
 * threads at most (so two from about 2.1M, where a Lloyd pass takes about 0.5 ms on one core and
 * 0.36 ms on two).
 */
export const KMEANS_PARALLEL_MIN_WORK = 1 << 20;

/**
 * Label each row of `X` with its nearest center (first index on ties, as scikit-learn's
 * Lloyd E-step) using the blocked kernel. When `sums` is given, also accumulates the weighted
 * row sums per label (`sums[label] += w_i x_i`) and weights (`wsum[label] += w_i`): the fused
 * Lloyd E+M pass. Processes `[start, end)` so callers can split rows across workers.
 */
export function assignNearest(
  X: Float64Array, d: number, start: number, end: number,
  C: Float64Array, k: number, cNorms: Float64Array, labels: Int32Array,
  sums: Float64Array | null = null, wsum: Float64Array | null = null, weights: Float64Array | null = null,
): void {
  const BLOCK = 256;
  const buf = new Float64Array(BLOCK * k);
  for (let b = start; b < end; b += BLOCK) {
    const e = Math.min(end, b + BLOCK);
    sqDistBlock(X, d, b, e, C, k, cNorms, null, buf);
    for (let i = b, o = 0; i < e; i++, o += k) {
      let best = 0;
      let bv = buf[o]!;
      for (let j = 1; j < k; j++) { const v = buf[o + j]!; if (v < bv) { bv = v; best = j; } }
      labels[i] = best;
      if (sums) {
        const w = weights ? weights[i]! : 1;
        wsum![best]! += w;
        const so = best * d;
        const xo = i * d;
        if (w === 1) for (let f = 0; f < d; f++) sums[so + f]! += X[xo + f]!;
        else for (let f = 0; f < d; f++) sums[so + f]! += X[xo + f]! * w;
      }
    }
  }
}

/** Rows per window of the windowed k-means kernel (test hook; 0 = sized from WASM_MAX_BYTES). */
let windowRowsOverride = 0;

/**
 * Test hook: force the windowed mode of `KMeansKernel` with windows of `rows` rows (rounded to
 * whole sum blocks); 0 restores the automatic choice. Results never depend on it.
 */
export function setKMeansWindowRows(rows: number): void {
  windowRowsOverride = Math.max(0, Math.floor(rows));
}

/**
 * Rows of the pairwise-summation subtrees that the k-means++ step (`seedTrial`) hands to the
 * threads: numpy's recursion over all n rows, cut where a subtree has at most `seedLeafRows(n)` rows.
 * Depends on n only, so the sums are the same for any thread count.
 */
export function seedLeafRows(n: number): number {
  return Math.max(4096, Math.ceil(n / 64));
}
/** Upper bound of the number of such subtrees (a subtree above the leaf size halves into two of at least a quarter of it). */
const SEED_MAX_LEAVES = 256;

/** The subtrees [start, length) of numpy's pairwise summation over n elements with at most `leaf` elements, in order. */
export function pairwiseLeaves(n: number, leaf: number): [number, number][] {
  const out: [number, number][] = [];
  const split = (a: number, len: number): void => {
    if (len <= leaf) { out.push([a, len]); return; }
    let n2 = Math.floor(len / 2);
    n2 -= n2 % 8;
    split(a, n2);
    split(a + n2, len - n2);
  };
  split(0, n);
  return out;
}

/** numpy's pairwise sum over n elements from the sums of its subtrees `pairwiseLeaves(n, leaf)` (`leafSum(i)`, in order). */
export function combineLeaves(n: number, leaf: number, leafSum: (i: number) => number): number {
  let idx = 0;
  const rec = (len: number): number => {
    if (len <= leaf) return leafSum(idx++);
    let n2 = Math.floor(len / 2);
    n2 -= n2 % 8;
    const a = rec(n2);
    return a + rec(len - n2);
  };
  return rec(n);
}

/**
 * Byte offsets of the kernel's regions for `rows` resident rows (X first, at 0); with `batchRows`,
 * also MiniBatchKMeans' batch regions (after the block sums).
 */
function kernelLayout(rows: number, d: number, k: number, elkan: boolean, rowDistMax: number, nBlocks: number, batchRows = 0) {
  const kp = (Math.max(k, rowDistMax) + 1) >> 1;
  const at = {
    x: 0, w: 0, lab: 0, ct: 0, cn: 0, sum: 0, ws: 0, col: 0, upper: 0, lower: 0, half: 0, next: 0, shift: 0, xn: 0, rd: 0, closest: 0, psum: 0, part: 0,
    bx: 0, bw: 0, blab: 0, bidx: 0, cp: 0, cnew: 0, cnt: 0, bws: 0, mt: 0, mtPos: 0, br: 0, r: 0,
  };
  at.w = align(rows * d * 8);
  at.lab = at.w + align(rows * 8);
  at.ct = at.lab + align(rows * 4);
  at.cn = at.ct + align(kp * d * 16);
  at.sum = at.cn + align(kp * 16);
  at.ws = at.sum + align(k * d * 8);
  at.col = at.ws + align(k * 8);
  at.upper = at.col + 2 * align(d * 8);
  at.half = at.upper + (elkan ? align(rows * 8) : 0);
  at.next = at.half + (elkan ? align(k * k * 8) : 0);
  at.shift = at.next + (elkan ? align(k * 8) : 0);
  at.lower = at.shift + (elkan ? align(k * 8) : 0);
  at.xn = at.lower + (elkan ? align(rows * k * 8) : 0);
  at.rd = at.xn + (rowDistMax > 0 ? align(rows * 8) : 0);
  at.closest = at.rd + (rowDistMax > 0 ? align(2 * ((rowDistMax + 1) >> 1) * rows * 8) : 0);
  at.psum = at.closest + (rowDistMax > 0 ? align(rows * 8) : 0);
  at.part = at.psum + (rowDistMax > 0 ? align(2 * ((rowDistMax + 1) >> 1) * SEED_MAX_LEAVES * 8) : 0);
  if (batchRows <= 0) return { at, total: at.part + nBlocks * (k * d + k) * 8 };
  at.bx = at.part + align(nBlocks * (k * d + k) * 8);
  at.bw = at.bx + align(batchRows * d * 8);
  at.blab = at.bw + align(batchRows * 8);
  at.bidx = at.blab + align(batchRows * 4);
  at.cp = at.bidx + align(batchRows * 4);
  at.cnew = at.cp + align(k * d * 8);
  at.cnt = at.cnew + align(k * d * 8);
  at.bws = at.cnt + align(k * 8);
  at.mt = at.bws + align(k * 8);
  at.mtPos = at.mt + align(MT_WORDS * 4);
  at.br = at.mtPos + 16;
  at.r = at.br + align(batchRows * 8);
  return { at, total: at.r + align(rows * 8) };
}

/**
 * The k-means passes over a fixed `n x d` data matrix against changing `k x d` centers: the
 * Lloyd E(+M) step (nearest-center labels and, optionally, per-label weighted sums), Elkan's
 * bounded E(+M) step (with `elkan`), the data preparation (column means, in-place centring) and the
 * inertia. The data lives in `X`, which the caller fills once: with WebAssembly SIMD available it
 * is a view of the kernel's own memory, so each pass only moves the centers in and the labels and
 * sums out (Elkan's bounds stay in the kernel). Falls back to TypeScript (same results, 3-5x
 * slower; the Elkan methods are WebAssembly only, `kmeans.ts` has their TypeScript loops) where
 * WebAssembly SIMD is missing or under `setLinalgBackend('ts')`. Call `release()` when done so
 * that the next kernel can reuse the memory.
 *
 * Past `WASM_MAX_BYTES` (about 8M rows at 10 columns and k = 8) the kernel runs windowed: X (and
 * Elkan's bounds and the labels) stay in JavaScript memory and each pass copies fixed windows of
 * whole sum blocks through the WebAssembly memory. The blocks are the same as unwindowed and
 * their sums are added in the same order, so results are bit-identical for any window size and
 * thread count; the fast threaded kernel thus serves any n at the cost of one copy per pass.
 *
 * When `n * d * k >= KMEANS_PARALLEL_MIN_WORK` and `linalgThreads() > 1`, the memory is a shared
 * `WebAssembly.Memory` and the row passes (Lloyd E+M, Elkan's steps) are split over worker threads
 * (`runTasks`), each with its own instance of the module on that memory, working on a range of
 * row blocks (`sumChunkRows`) and writing the sums of its blocks to their own slots; the calling
 * thread adds the block sums in block order. Results are bit-identical for any thread count.
 *
 * @example
 * const a = new KMeansKernel(n, d, k, null);
 * a.X.set(data);                                         // n x d, row-major
 * a.assign(C, rowNormsSq(C, k, d), labels, sums, wsum);  // labels; sums[label] += x; wsum[label] += 1
 * const inertia = a.inertia(C, labels);
 * a.release();
 */
export class KMeansKernel {
  private _X: Float64Array;
  private exp: LloydExports | null = null;
  private weights: Float64Array | null;
  private readonly at: ReturnType<typeof kernelLayout>['at'];
  readonly rowDistMax: number;
  private xnOf: Float64Array | null = null;
  private shared: SharedKernel | null = null;
  /** threads that are worth it for this size (1: single-threaded) */
  private readonly maxThreads: number;
  private usedWorkers = false;
  private readonly chunk: number;
  /** rows resident in the WebAssembly memory at once (n unless windowed) */
  private readonly win: number;
  /** windowed mode: per-row state kept in JavaScript between passes */
  private readonly rowState: { lab: Int32Array; upper: Float64Array | null; lower: Float64Array | null } | null = null;

  /** Rows of MiniBatchKMeans' batch buffer (0: none; see `miniBatchStep`). */
  readonly batchRows: number;

  /**
   * True when a kernel for MiniBatchKMeans (`batchRows` batch rows besides the n resident rows) can
   * keep all n rows in the WebAssembly memory: the backend is WebAssembly and the layout fits
   * `WASM_MAX_BYTES` unwindowed (the module may still be compiling in a browser: check `wasm`).
   */
  static residentFits(n: number, d: number, k: number, batchRows: number): boolean {
    if (linalgBackend() !== 'wasm' || windowRowsOverride > 0) return false;
    return kernelLayout(n, d, k, false, 0, Math.max(1, Math.ceil(n / sumChunkRows(n))), batchRows).total <= WASM_MAX_BYTES;
  }

  /**
   * With `elkan`, also room for Elkan's bounds (`n x k` lower bounds); with `rowDistMax`, for
   * `rowDistances` to that many rows at once (k-means++ seeding); with `batchRows`, for
   * MiniBatchKMeans' batches of up to that many rows gathered from the resident X (never windowed:
   * check `residentFits` first).
   */
  constructor(readonly n: number, readonly d: number, readonly k: number, weights: Float64Array | null, elkan = false, rowDistMax = 0, batchRows = 0) {
    this.weights = weights;
    this.rowDistMax = rowDistMax;
    this.batchRows = batchRows;
    this.chunk = sumChunkRows(n);
    const nChunks = Math.max(1, Math.ceil(n / this.chunk));
    let win = n;
    let { at, total } = kernelLayout(n, d, k, elkan, rowDistMax, nChunks, batchRows);
    if (batchRows > 0 && (windowRowsOverride > 0 || total > WASM_MAX_BYTES)) throw new Error('KMeansKernel: a batch kernel must be resident (check residentFits)');
    if (windowRowsOverride > 0 || total > WASM_MAX_BYTES) {
      // whole sum blocks per window, as many as fit in half the cap (or as the test hook asks)
      const perRow = kernelLayout(this.chunk, d, k, elkan, rowDistMax, 1).total / this.chunk;
      const rows = windowRowsOverride > 0 ? windowRowsOverride : Math.floor(WASM_MAX_BYTES / 2 / perRow);
      win = Math.min(n, Math.max(1, Math.floor(rows / this.chunk)) * this.chunk);
      ({ at, total } = kernelLayout(win, d, k, elkan, rowDistMax, Math.ceil(win / this.chunk)));
    }
    this.at = at;
    this.win = win;
    const wasmOk = linalgBackend() === 'wasm' && total <= WASM_MAX_BYTES;
    this.maxThreads = Math.min(linalgThreads(), nChunks, Math.max(1, Math.floor((n * d * k) / KMEANS_PARALLEL_MIN_WORK)));
    const sh = wasmOk && this.maxThreads > 1 ? acquireShared(total) : null;
    const exp: LloydExports | null = sh ? sh.exp : wasmOk ? acquireInstance(total) : null;
    if (!exp) {
      this.win = n;
      this._X = new Float64Array(n * d);
      return;
    }
    if (sh) {
      // this thread runs its share of the work on its own instance
      adoptShared(sh);
      this.shared = sh;
    }
    // all the memory at once: a later grow would detach X (a shared memory's views stay valid, but
    // the buffer read before the grow would be too short)
    exp.memory.grow(Math.ceil(Math.max(0, total - exp.memory.buffer.byteLength) / 65536));
    this.exp = exp;
    if (win < n) {
      this._X = new Float64Array(n * d);
      this.rowState = { lab: new Int32Array(n), upper: elkan ? new Float64Array(n) : null, lower: elkan ? new Float64Array(n * k) : null };
      return;
    }
    this._X = new Float64Array(exp.memory.buffer, 0, n * d);
    const w = new Float64Array(exp.memory.buffer, at.w, n);
    if (weights) w.set(weights.subarray(0, n));
    else w.fill(1);
  }

  /**
   * Replace the row weights (null: all 1), for a kernel whose rows are refilled between passes
   * (MiniBatchKMeans' batches). Read by the weighted sums and `inertia`.
   */
  setWeights(w: Float64Array | null): void {
    this.weights = w;
    if (this.exp && !this.rowState) {
      const v = new Float64Array(this.exp.memory.buffer, this.at.w, this.n);
      if (w) v.set(w.subarray(0, this.n));
      else v.fill(1);
    }
  }

  /**
   * MiniBatchKMeans' center update (scikit-learn's `_minibatch_update_dense`) in the kernel, for
   * the labels of the last `assign` and the weights of `setWeights`: `next` receives the new
   * centers, `counts` is updated. Same operations in the same order as the TypeScript loop of
   * `miniBatchStep`. False (nothing done) without the WebAssembly kernel or in windowed mode.
   */
  miniBatchUpdate(cur: Float64Array, next: Float64Array, counts: Float64Array): boolean {
    const { n, d, k, at, exp } = this;
    if (!exp || this.rowState) return false;
    const f64 = this.f64();
    f64.set(cur.subarray(0, k * d), at.ct / 8);
    f64.set(counts.subarray(0, k), at.cn / 8);
    exp.mbUpdate(at.x, n, d, at.w, at.lab, at.ct, at.sum, at.cn, k, at.ws);
    next.set(f64.subarray(at.sum / 8, at.sum / 8 + k * d));
    counts.set(f64.subarray(at.cn / 8, at.cn / 8 + k));
    return true;
  }

  /**
   * True when all n x d values of the resident X are finite (a WebAssembly SIMD pass; the same
   * verdict as `checkArray`'s scan). WebAssembly, unwindowed kernels only.
   */
  allFinite(): boolean {
    const { n, d, at, exp } = this;
    if (!exp || this.rowState) throw new Error('KMeansKernel.allFinite: needs the resident WebAssembly kernel');
    return exp.allFinite(at.x, n * d) === 1;
  }

  /** Packed centers and their squared norms (+Infinity for the padding of an odd k) for `assign`. */
  private putCenters(f64: Float64Array, C: Float64Array, cNorms: Float64Array): number {
    const { k, d, at } = this;
    const kp = (k + 1) >> 1;
    packCenters(C, k, d, f64, at.ct / 8);
    const cn = at.cn / 8;
    for (let j = 0; j < 2 * kp; j++) f64[cn + j] = j < k ? cNorms[j]! : Infinity;
    return kp;
  }

  /** Write the batch indices (`idx.length` <= `batchRows`) as i32 into the kernel. */
  private putIndices(idx: ArrayLike<number>): number {
    const m = idx.length;
    if (this.batchRows === 0 || m > this.batchRows || !this.exp) throw new Error(`KMeansKernel: batch of ${m} rows, room for ${this.batchRows}`);
    new Int32Array(this.exp.memory.buffer, this.at.bidx, m).set(idx);
    return m;
  }

  /**
   * The weighted inertia of the rows `idx` of X on the centers `C` at their nearest center (labels
   * as `assign`, inertia as `inertia`, rows in the order of idx): MiniBatchKMeans' validation of
   * its inits. The rows stay in the batch buffer until the next batch call.
   */
  batchInertia(idx: ArrayLike<number>, C: Float64Array): number {
    const { d, k, at } = this;
    const exp = this.exp!;
    const m = this.putIndices(idx);
    exp.gather(at.x, d, at.w, at.bidx, m, at.bx, at.bw);
    const f64 = this.f64();
    const kp = this.putCenters(f64, C, rowNormsSq(C, k, d));
    f64.set(C.subarray(0, k * d), at.cp / 8);
    exp.assignDist(at.bx, m, d, at.ct, kp, at.cn, at.blab, at.cp, at.br);
    return exp.wdot(at.br, at.bw, m);
  }

  /**
   * One MiniBatchKMeans step on the rows `idx` of X, in one WebAssembly call (`mbStep`): gather
   * them (and their weights) into the batch buffer, label them against `cur`, the batch inertia
   * (returned), and scikit-learn's `_minibatch_update_dense` (`next` receives the new centers,
   * `counts` is updated). The operations of the separate `assign`, `inertia` and
   * `miniBatchUpdate` calls on a gathered batch, in the same order. The batch rows stay readable
   * in `batchX` (the reassignment picks rows of the batch).
   */
  miniBatchStep(idx: ArrayLike<number>, cur: Float64Array, next: Float64Array, counts: Float64Array): number {
    return this.stepOn(this.putIndices(idx), cur, next, counts);
  }

  /** `mbStep` on the first m indices at `bidx`. */
  private stepOn(m: number, cur: Float64Array, next: Float64Array, counts: Float64Array): number {
    const { d, k, at } = this;
    const exp = this.exp!;
    const f64 = this.f64();
    const kp = this.putCenters(f64, cur, rowNormsSq(cur, k, d));
    f64.set(cur.subarray(0, k * d), at.cp / 8);
    f64.set(counts.subarray(0, k), at.cnt / 8);
    const s = exp.mbStep(at.x, d, at.w, at.bidx, m, at.bx, at.bw, at.blab, at.ct, kp, at.cn, at.cp, at.cnew, at.cnt, k, at.bws, at.br);
    next.set(f64.subarray(at.cnew / 8, at.cnew / 8 + k * d));
    counts.set(f64.subarray(at.cnt / 8, at.cnt / 8 + k));
    return s;
  }

  /**
   * Labels of all rows against `C` (squared norms `cNorms`) to `labels`, and the weighted inertia
   * on them, in one pass over X (`assignDist`, split over the threads by row blocks; then `wdot`
   * in row order): the values of `assign` followed by `inertia`. Kernels built with `batchRows` only.
   */
  labelsInertia(C: Float64Array, cNorms: Float64Array, labels: Int32Array): number {
    const { n, d, k, at } = this;
    const exp = this.exp!;
    if (this.batchRows === 0 || this.rowState) throw new Error('KMeansKernel.labelsInertia: needs a resident batch kernel');
    const f64 = this.f64();
    const kp = this.putCenters(f64, C, cNorms);
    f64.set(C.subarray(0, k * d), at.cp / 8);
    this.perBlock('assignDist', n, (b0, nb) => [at.x + b0 * d * 8, nb, d, at.ct, kp, at.cn, at.lab + b0 * 4, at.cp, at.r + b0 * 8]);
    labels.set(new Int32Array(exp.memory.buffer, at.lab, n));
    return exp.wdot(at.r, at.w, n);
  }

  /** Gauss cache of the RandomState whose MT19937 state was moved into the kernel (`rngLoad`). */
  private rngRest: { hasGauss: boolean; gauss: number } | null = null;

  /**
   * Move the MT19937 state of `rs` into the kernel: the batch indices of `miniBatchStepDrawn` are
   * then drawn there (numpy's masked `randint`, the stream of `rs.randint`). `rngStore` moves it
   * back; `rs` must not be used in between.
   */
  rngLoad(rs: RandomState): void {
    const s = rs.getState();
    const exp = this.exp!;
    new Uint32Array(exp.memory.buffer, this.at.mt, MT_WORDS).set(s.key);
    new Int32Array(exp.memory.buffer, this.at.mtPos, 1)[0] = s.pos;
    this.rngRest = { hasGauss: s.hasGauss, gauss: s.gauss };
  }

  /** Move the MT19937 state back into `rs` (see `rngLoad`). */
  rngStore(rs: RandomState): void {
    const exp = this.exp!;
    const rest = this.rngRest!;
    rs.setState({ key: Array.from(new Uint32Array(exp.memory.buffer, this.at.mt, MT_WORDS)), pos: new Int32Array(exp.memory.buffer, this.at.mtPos, 1)[0]!, ...rest });
    this.rngRest = null;
  }

  /**
   * `miniBatchStep` on `m` rows drawn in the kernel as `rs.randint(0, n, m)` would (the state moved
   * in by `rngLoad`): no index array crosses to JavaScript.
   */
  miniBatchStepDrawn(m: number, cur: Float64Array, next: Float64Array, counts: Float64Array): number {
    const { n, at } = this;
    if (m > this.batchRows || n < 2 || !this.rngRest) throw new Error('KMeansKernel.miniBatchStepDrawn: needs rngLoad and room for the batch');
    const rng = n - 1;
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    this.exp!.mtRandint(at.mt, at.mtPos, rng, mask, m, at.bidx);
    return this.stepOn(m, cur, next, counts);
  }

  /** The batch buffer (`batchRows x d`; the rows of the last batch call first). */
  get batchX(): Float64Array {
    return new Float64Array(this.exp!.memory.buffer, this.at.bx, this.batchRows * this.d);
  }

  /** The `n x d` data (fill before `assign`; valid until `release`). */
  get X(): Float64Array {
    return this._X;
  }

  /** True when the WebAssembly kernel is in use. */
  get wasm(): boolean {
    return this.exp !== null;
  }

  /** Rows per pass through the WebAssembly memory (n unless the data is larger than the cap). */
  get windowRows(): number {
    return this.win;
  }

  /** Threads the row passes use now (1 unless the memory is shared; capped by `linalgThreads()`). */
  get threads(): number {
    return this.shared ? Math.max(1, Math.min(this.maxThreads, linalgThreads())) : 1;
  }

  /**
   * Run `body(r0, rows)` once per window of resident rows, in order. Windowed, the window's rows
   * of X and its weights are copied in first (and `load`/`save` move per-row state in and out).
   */
  private windows(body: (r0: number, rows: number) => void, load?: (r0: number, rows: number) => void, save?: (r0: number, rows: number) => void): void {
    const { n, d, win } = this;
    if (win >= n) {
      body(0, n);
      return;
    }
    const f64 = this.f64();
    for (let r0 = 0; r0 < n; r0 += win) {
      const rows = Math.min(win, n - r0);
      f64.set(this._X.subarray(r0 * d, (r0 + rows) * d), this.at.x / 8);
      const w = f64.subarray(this.at.w / 8, this.at.w / 8 + rows);
      if (this.weights) w.set(this.weights.subarray(r0, r0 + rows));
      else w.fill(1);
      load?.(r0, rows);
      body(r0, rows);
      save?.(r0, rows);
    }
  }

  /** Copy the window's labels (and Elkan bounds) between JavaScript and the kernel memory. */
  private moveRowState(r0: number, rows: number, toKernel: boolean, what: { lab?: boolean; bounds?: boolean }): void {
    const st = this.rowState;
    if (!st) return;
    const { k, at } = this;
    const buf = this.exp!.memory.buffer;
    const pairs: [ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, Int32Array | Float64Array, number][] = [];
    if (what.lab) pairs.push([st.lab, new Int32Array(buf, at.lab, rows), 1]);
    if (what.bounds && st.upper && st.lower) {
      pairs.push([st.upper, new Float64Array(buf, at.upper, rows), 1]);
      pairs.push([st.lower, new Float64Array(buf, at.lower, rows * k), k]);
    }
    for (const [js, kern, per] of pairs) {
      if (toKernel) (kern as Float64Array).set(js.subarray(r0 * per, (r0 + rows) * per) as Float64Array);
      else (js as unknown as Float64Array).set(kern as unknown as Float64Array, r0 * per);
    }
  }

  /**
   * Call the export `name` once per row block of the `rows` resident rows, `args(r0, rows, c)`
   * giving its arguments for rows `[r0, r0 + rows)` of block `c`: the blocks split in contiguous
   * ranges over the threads.
   */
  private perBlock(name: 'assign' | 'assignDist' | 'elkanInit' | 'elkanStep' | 'elkanBounds' | 'rowDist', nRows: number, args: (r0: number, rows: number, c: number) => number[]): void {
    const { chunk } = this;
    const nChunks = Math.max(1, Math.ceil(nRows / chunk));
    const calls: number[][] = [];
    for (let c = 0; c < nChunks; c++) calls.push(args(c * chunk, Math.min(chunk, nRows - c * chunk), c));
    this.runCalls(name, calls);
  }

  /** Call the export `name` once per argument list, the lists split in contiguous ranges over the threads. */
  private runCalls(name: 'assign' | 'assignDist' | 'elkanInit' | 'elkanStep' | 'elkanBounds' | 'rowDist' | 'seedStep', calls: number[][]): void {
    const t = Math.min(this.threads, calls.length);
    if (t <= 1) {
      const f = this.exp![name] as (...a: number[]) => void;
      for (const a of calls) f(...a);
      return;
    }
    this.usedWorkers = true;
    runSharedCalls(kmeansSharedModule()!, this.shared!, name, calls, t);
  }

  /** Subtrees of the k-means++ sums (set by `seedInit`). */
  private seedLeaves: [number, number][] | null = null;

  /**
   * Start k-means++ seeding on the kernel (squared row norms `xNorms`): the closest distances are
   * set to +Infinity, so that the first `seedTrial` + `seedCommit` gives the distances to the
   * first center. False (and nothing done) where unavailable: TypeScript backend, windowed mode,
   * or a kernel built without `rowDistMax`.
   */
  seedInit(xNorms: Float64Array): boolean {
    const { n, at } = this;
    if (!this.exp || this.rowState || this.rowDistMax === 0) return false;
    const f64 = this.f64();
    if (this.xnOf !== xNorms) {
      f64.set(xNorms.subarray(0, n), at.xn / 8);
      this.xnOf = xNorms;
    }
    const leaves = pairwiseLeaves(n, seedLeafRows(n));
    if (leaves.length > SEED_MAX_LEAVES) return false;
    f64.fill(Infinity, at.closest / 8, at.closest / 8 + n);
    this.seedLeaves = leaves;
    return true;
  }

  /**
   * For each row `rows[t]` of X (a candidate center; at most `rowDistMax`): the squared distances
   * of all rows to it, lowered to the current closest distances, and their sum (numpy's pairwise
   * order); returns the sums. One pass over X for all candidates, split over the threads by
   * subtrees of the pairwise summation (so the sums do not depend on the thread count). The values
   * are those of the TypeScript loop of `kmeansPlusPlus`.
   */
  seedTrial(rows: ArrayLike<number>): Float64Array {
    const { n, d, at } = this;
    const leaves = this.seedLeaves!;
    const m = rows.length;
    const f64 = this.f64();
    const kp = (m + 1) >> 1;
    const C = new Float64Array(2 * kp * d);
    for (let t = 0; t < m; t++) C.set(this._X.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
    packCenters(C, m, d, f64, at.ct / 8);
    for (let j = 0; j < 2 * kp; j++) f64[at.cn / 8 + j] = j < m ? this.xnAt(rows[j]!) : Infinity;
    const nl = leaves.length;
    this.runCalls('seedStep', leaves.map(([a, len], l) => [at.x + a * d * 8, len, d, at.ct, kp, at.cn, at.xn + a * 8, at.closest + a * 8, at.rd + a * 8, n, m, at.psum + l * 8, nl]));
    const leaf = seedLeafRows(n);
    const ps = at.psum / 8;
    return Float64Array.from({ length: m }, (_, t) => combineLeaves(n, leaf, (l) => f64[ps + t * nl + l]!));
  }

  /** Keep candidate `t` of the last `seedTrial`: its lowered distances become the closest distances. */
  seedCommit(t: number): void {
    const { n, at } = this;
    this.f64().copyWithin(at.closest / 8, at.rd / 8 + t * n, at.rd / 8 + (t + 1) * n);
  }

  /** The current closest squared distances (a view of the kernel memory, valid until the next call). */
  seedClosest(): Float64Array {
    return new Float64Array(this.exp!.memory.buffer, this.at.closest, this.n);
  }

  private xnAt(i: number): number {
    return this.f64()[this.at.xn / 8 + i]!;
  }

  /** Zero the per-block sum slots of `rows` resident rows (`k x d` sums then `k` weights per block). */
  private clearParts(rows: number): void {
    const { k, d } = this;
    const o = this.at.part / 8;
    this.f64().fill(0, o, o + Math.ceil(rows / this.chunk) * (k * d + k));
  }

  /** `sums += block sums`, `wsum += block weights`, blocks of the `rows` resident rows in order. */
  private addParts(rows: number, sums: Float64Array, wsum: Float64Array): void {
    const { k, d } = this;
    const src = this.f64();
    const kd = k * d;
    const nBlocks = Math.ceil(rows / this.chunk);
    for (let c = 0, o = this.at.part / 8; c < nBlocks; c++, o += kd + k) {
      for (let t = 0; t < kd; t++) sums[t]! += src[o + t]!;
      for (let j = 0; j < k; j++) wsum[j]! += src[o + kd + j]!;
    }
  }

  /** Hand the kernel memory over to the next assigner; this one must not be used afterwards. */
  release(): void {
    const sh = this.shared;
    if (sh) {
      // the worker threads drop their instances (and references to the memory)
      if (this.usedWorkers) forgetShared(sh, this.maxThreads);
      dropShared(sh);
      releaseShared(sh);
      this.shared = null;
    } else if (this.exp) releaseInstance(this.exp);
    this.exp = null;
    this._X = new Float64Array(0);
  }

  /** Column means of X, summed row by row (as `mean(axis=0)` in numpy, and `columnMeans`). */
  columnMeans(): Float64Array {
    const { n, d, exp } = this;
    const s = new Float64Array(d);
    if (exp) {
      new Float64Array(exp.memory.buffer, this.at.col, d).fill(0);
      // windows in order continue the same running sums
      this.windows((_, rows) => exp.colsum(this.at.x, rows, d, this.at.col, this.at.col));
      s.set(new Float64Array(exp.memory.buffer, this.at.col, d));
    } else {
      const X = this._X;
      for (let i = 0, o = 0; i < n; i++, o += d) for (let f = 0; f < d; f++) s[f]! += X[o + f]!;
    }
    for (let f = 0; f < d; f++) s[f]! /= n;
    return s;
  }

  /** Subtract `mean` from every row of X in place; returns the per-column sums of the squared differences. */
  center(mean: Float64Array): Float64Array {
    const { n, d, exp } = this;
    const v = new Float64Array(d);
    if (exp) {
      const col = this.at.col;
      new Float64Array(exp.memory.buffer, col, d).fill(0);
      new Float64Array(exp.memory.buffer, col + align(d * 8), d).set(mean.subarray(0, d));
      this.windows((r0, rows) => {
        exp.center(this.at.x, rows, d, col, col + align(d * 8));
        if (this.rowState) this._X.set(new Float64Array(exp.memory.buffer, this.at.x, rows * d), r0 * d);
      });
      v.set(new Float64Array(exp.memory.buffer, col, d));
      return v;
    }
    const X = this._X;
    for (let i = 0, o = 0; i < n; i++, o += d) {
      for (let f = 0; f < d; f++) {
        const t = X[o + f]! - mean[f]!;
        X[o + f] = t;
        v[f]! += t * t;
      }
    }
    return v;
  }

  /** Weighted sum of squared distances of the rows to their labelled center (direct differences, rows in order). */
  inertia(C: Float64Array, labels: Int32Array): number {
    const { n, d, k, exp } = this;
    if (!exp || this.rowState) {
      // the TypeScript loop is the kernel's operation order (one running sum over all rows)
      let s = 0;
      for (let i = 0; i < n; i++) s += sqDistRows(this._X, i, C, labels[i]!, d) * (this.weights ? this.weights[i]! : 1);
      return s;
    }
    new Float64Array(exp.memory.buffer, this.at.ct, k * d).set(C.subarray(0, k * d));
    new Int32Array(exp.memory.buffer, this.at.lab, n).set(labels.subarray(0, n));
    return exp.inertia(this.at.x, n, d, this.at.ct, this.at.lab, this.at.w);
  }

  /**
   * Squared distances of every row of X to each of the rows `rows` of X (at most `rowDistMax`),
   * as `max(0, -2 x.c + ||c||^2 + ||x||^2)` with the squared row norms `xNorms`: the values of the
   * TypeScript loop of `kmeansPlusPlus`, one pass over X for all the rows. WebAssembly only.
   */
  rowDistances(rows: ArrayLike<number>, xNorms: Float64Array): Float64Array[] {
    const { n, d, at, win } = this;
    const m = rows.length;
    if (!this.exp || m > this.rowDistMax) throw new Error('KMeansKernel.rowDistances: not available (check wasm and rowDistMax)');
    const f64 = this.f64();
    const windowed = this.rowState !== null;
    if (!windowed && this.xnOf !== xNorms) {
      f64.set(xNorms.subarray(0, n), at.xn / 8);
      this.xnOf = xNorms;
    }
    const C = new Float64Array(m * d);
    const cn = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      C.set(this._X.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
      cn[t] = xNorms[rows[t]!]!;
    }
    const kp = (m + 1) >> 1;
    packCenters(C, m, d, f64, at.ct / 8);
    for (let j = 0; j < 2 * kp; j++) f64[at.cn / 8 + j] = j < m ? cn[j]! : Infinity;
    if (!windowed) {
      this.perBlock('rowDist', n, (r0, nr) => [at.x + r0 * d * 8, nr, d, at.ct, kp, at.cn, at.xn + r0 * 8, at.rd + r0 * 8, n]);
      return Array.from({ length: m }, (_, t) => f64.slice(at.rd / 8 + t * n, at.rd / 8 + (t + 1) * n));
    }
    const out = Array.from({ length: m }, () => new Float64Array(n));
    this.windows((w0, nw) => {
      f64.set(xNorms.subarray(w0, w0 + nw), at.xn / 8);
      this.perBlock('rowDist', nw, (r0, nr) => [at.x + r0 * d * 8, nr, d, at.ct, kp, at.cn, at.xn + r0 * 8, at.rd + r0 * 8, win]);
      for (let t = 0; t < m; t++) out[t]!.set(f64.subarray(at.rd / 8 + t * win, at.rd / 8 + t * win + nw), w0);
    });
    return out;
  }

  private f64(): Float64Array {
    return new Float64Array(this.exp!.memory.buffer);
  }

  /**
   * Elkan's initial bounds and labels (scikit-learn's `init_bounds_dense`) for the centers `C`
   * and their pairwise half distances `half` (`k x k`); labels are written to `labels`.
   * WebAssembly only (check `wasm`); the assigner must have been built with `elkan`.
   */
  elkanInit(C: Float64Array, half: Float64Array, labels: Int32Array): void {
    const { d, k, at } = this;
    const exp = this.exp!;
    const f64 = this.f64();
    f64.set(C.subarray(0, k * d), at.ct / 8);
    f64.set(half.subarray(0, k * k), at.half / 8);
    this.windows((r0, rows) => {
      f64.fill(0, at.lower / 8, at.lower / 8 + rows * k);
      this.perBlock('elkanInit', rows, (b0, nb) => [at.x + b0 * d * 8, nb, d, at.ct, k, at.half, at.upper + b0 * 8, at.lower + b0 * k * 8, at.lab + b0 * 4]);
      labels.set(new Int32Array(exp.memory.buffer, at.lab, rows), r0);
    }, undefined, (r0, rows) => this.moveRowState(r0, rows, false, { lab: true, bounds: true }));
  }

  /**
   * One Elkan E-step (as `elkanRow` on every row) against `C` with half distances `half` and
   * nearest-other half distances `next`; labels out to `labels`; with `sums`/`wsum`, the weighted
   * sums per label are added as in `assign`. The bounds stay in the kernel between calls.
   */
  elkanStep(C: Float64Array, half: Float64Array, next: Float64Array, labels: Int32Array, sums: Float64Array | null = null, wsum: Float64Array | null = null): void {
    const { d, k, at } = this;
    const exp = this.exp!;
    const f64 = this.f64();
    f64.set(C.subarray(0, k * d), at.ct / 8);
    f64.set(half.subarray(0, k * k), at.half / 8);
    f64.set(next.subarray(0, k), at.next / 8);
    const stride = (k * d + k) * 8;
    this.windows((r0, rows) => {
      if (sums) this.clearParts(rows);
      this.perBlock('elkanStep', rows, (b0, nb, c) => [at.x + b0 * d * 8, nb, d, at.ct, k, at.half, at.next, at.upper + b0 * 8, at.lower + b0 * k * 8, at.lab + b0 * 4,
        at.part + c * stride, at.part + c * stride + k * d * 8, at.w + b0 * 8, sums ? 1 : 0]);
      labels.set(new Int32Array(exp.memory.buffer, at.lab, rows), r0);
      if (sums) this.addParts(rows, sums, wsum!);
    }, (r0, rows) => this.moveRowState(r0, rows, true, { lab: true, bounds: true }), (r0, rows) => this.moveRowState(r0, rows, false, { lab: true, bounds: true }));
  }

  /** Elkan's bound update after the centers moved by `shift` (labels as left by the last `elkanStep`). */
  elkanShiftBounds(shift: Float64Array): void {
    const { k, at } = this;
    this.f64().set(shift.subarray(0, k), at.shift / 8);
    const run = (rows: number) => this.perBlock('elkanBounds', rows, (b0, nb) => [nb, k, at.shift, at.lab + b0 * 4, at.upper + b0 * 8, at.lower + b0 * k * 8]);
    if (!this.rowState) {
      run(this.n);
      return;
    }
    // only per-row state is touched: no need to copy X through
    for (let r0 = 0; r0 < this.n; r0 += this.win) {
      const rows = Math.min(this.win, this.n - r0);
      this.moveRowState(r0, rows, true, { lab: true, bounds: true });
      run(rows);
      this.moveRowState(r0, rows, false, { bounds: true });
    }
  }

  /**
   * Labels of all rows against the centers `C` (squared norms `cNorms`), written to `labels`.
   * With `sums` (`k x d`) and `wsum` (`k`), also adds `w_i x_i` and `w_i` to the row of the
   * label (they are not zeroed first).
   */
  assign(C: Float64Array, cNorms: Float64Array, labels: Int32Array, sums: Float64Array | null = null, wsum: Float64Array | null = null): void {
    const { n, d, k } = this;
    const exp = this.exp;
    if (!exp) {
      if (!sums) {
        assignNearest(this._X, d, 0, n, C, k, cNorms, labels, null, null, this.weights);
        return;
      }
      // the blocks of the WebAssembly path, one after the other
      const part = new Float64Array(k * d + k);
      for (let r0 = 0; r0 < n; r0 += this.chunk) {
        part.fill(0);
        assignNearest(this._X, d, r0, Math.min(n, r0 + this.chunk), C, k, cNorms, labels, part.subarray(0, k * d), part.subarray(k * d), this.weights);
        for (let t = 0; t < k * d; t++) sums[t]! += part[t]!;
        for (let j = 0; j < k; j++) wsum![j]! += part[k * d + j]!;
      }
      return;
    }
    const at = this.at;
    const kp = this.putCenters(new Float64Array(exp.memory.buffer), C, cNorms);
    const stride = (k * d + k) * 8;
    this.windows((r0, rows) => {
      if (sums) this.clearParts(rows);
      this.perBlock('assign', rows, (b0, nb, c) => [at.x + b0 * d * 8, nb, d, at.ct, kp, at.cn, at.lab + b0 * 4, at.part + c * stride, at.part + c * stride + k * d * 8, at.w + b0 * 8, sums ? 1 : 0]);
      labels.set(new Int32Array(exp.memory.buffer, at.lab, rows), r0);
      if (sums) this.addParts(rows, sums, wsum!);
    });
  }
}

/**
 * Centers for the kernel: pairs (2p, 2p+1) as f64x2 per feature, an odd k padded with zeros; the
 * pairs of each full group of four are interleaved feature by feature (64 bytes per feature), the
 * remaining pairs are stored one after the other (16 bytes per feature).
 */
function packCenters(C: Float64Array, k: number, d: number, out: Float64Array, o: number): void {
  const kp = (k + 1) >> 1;
  const kp4 = kp - (kp % 4);
  for (let p = 0; p < kp; p++) {
    for (let l = 0; l < 2; l++) {
      const j = 2 * p + l;
      for (let f = 0; f < d; f++) {
        const at = p < kp4 ? (p - (p % 4)) * d * 2 + (f * 4 + (p % 4)) * 2 + l : p * d * 2 + f * 2 + l;
        out[o + at] = j < k ? C[j * d + f]! : 0;
      }
    }
  }
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Words of the MT19937 state (numpy's RandomState key). */
const MT_WORDS = 624;

/**
 * The WebAssembly histogram kernels of `asm/hist.ts` (compiled ahead of time into
 * `histWasm.generated.ts`) and the shared `WebAssembly.Memory` they work in during a fit
 * (`HistSpace`): the bins row-major and column-major (written there by the binning), the sample
 * partition (partitioned by the WebAssembly kernel, read by the grower through a Uint32Array view)
 * and its right-side scratch, the float32 gradients and hessians (interleaved per tree), the
 * partition's lookup table and a histogram scratch area. Each thread (the calling one and the linalg
 * workers) instantiates the module on that memory (cached per thread under the space's id), runs
 * the kernel on its range of features and converts its range of the scratch into the caller's
 * interleaved float64 histogram (`Histogram.data`, 3 doubles per bin).
 *
 * Where WebAssembly, SharedArrayBuffer or the memory is unavailable (or the bins do not fit in
 * 2 GiB) the TypeScript kernels of `histogram.ts` runs instead: the sums are the same bit for bit
 * (same float64 additions in the same sample order).
 */
import { decodeBase64 } from '../core/base64.js';
import { compileSlot, syncCompileAllowed, wasmApi, type ModuleSlot } from '../cluster/kmeansWasm.js';
import { linalgThreads, registerKernel, runTasks, type KernelTask } from '../linalg/threads.js';
import { hgbThreadStats } from './histogram.js';
import { HGB_HIST_WASM_BASE64, HGB_HIST_WASM_BYTES } from './histWasm.generated.js';

/** Pages of the shared memory (the maximum the module declares: keep in step with scripts/build-wasm.mjs). */
export const HGB_SHARED_MAX_PAGES = 32768;

interface HistExports {
  hist(binp: number, rowStride: number, partp: number, start: number, stop: number, ghp: number, outp: number, nBins: number, f0: number, f1: number): void;
  histConst(binp: number, rowStride: number, partp: number, start: number, stop: number, gp: number, outp: number, nBins: number, f0: number, f1: number): void;
  partition(colp: number, partp: number, start: number, stop: number, lutp: number, rightp: number): number;
}

let slot: ModuleSlot | null = null;

/** The compiled module, or null where shared memory or WebAssembly SIMD/threads are unavailable. */
export function hgbHistModule(): object | null {
  if (!slot) {
    slot = typeof SharedArrayBuffer === 'undefined'
      ? { module: null, ready: Promise.resolve(false) }
      : compileSlot(decodeBase64(HGB_HIST_WASM_BASE64), syncCompileAllowed(HGB_HIST_WASM_BYTES));
  }
  return slot.module;
}

/** Switch for tests and A/B benchmarks: false forces the TypeScript kernel. */
export const hgbWasmSwitch = { on: true };

function nextId(): number {
  const g = globalThis as unknown as { __deepmineHgbNextId?: number };
  g.__deepmineHgbNextId = (g.__deepmineHgbNextId ?? 1 << 20) + 1;
  return g.__deepmineHgbNextId;
}

/**
 * Worker-thread task (self-contained, registered as 'hgbHistWasm'): on this thread's instance of
 * `mod` over `mem` (cached under `id`), build the histogram of `part[start:stop]` for features
 * f0..f1 into the scratch at `outp`, then copy that range into `out` (3 float64 per bin: g, h,
 * count). `mode` 0: hessians, 1: constant hessians, -1: drop the cached instance.
 */
function hgbHistWasmTask(
  mod: object, mem: { buffer: ArrayBuffer }, id: number, mode: number,
  binp: number, rowStride: number, partp: number, start: number, stop: number, ghp: number, outp: number,
  nBins: number, f0: number, f1: number, out: Float64Array,
): void {
  const g = globalThis as unknown as { __deepmineHgb?: Map<number, Record<string, (...a: number[]) => void>> };
  let cache = g.__deepmineHgb;
  if (!cache) cache = g.__deepmineHgb = new Map();
  if (mode < 0) {
    cache.delete(id);
    return;
  }
  let exp = cache.get(id);
  if (!exp) {
    const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
    exp = new W.Instance(mod, { env: { memory: mem } }).exports as Record<string, (...a: number[]) => void>;
    cache.set(id, exp);
  }
  const buf = mem.buffer;
  // slots: (g, h, count) in 32 bytes = 4 doubles, or (g, count) in 16 bytes = 2 doubles for constant hessians
  const cst = mode !== 0;
  if (cst) exp.histConst!(binp, rowStride, partp, start, stop, ghp, outp, nBins, f0, f1);
  else exp.hist!(binp, rowStride, partp, start, stop, ghp, outp, nBins, f0, f1);
  const w = cst ? 2 : 4;
  const q0 = f0 * nBins;
  const q1 = f1 * nBins;
  const s = new Float64Array(buf, outp + q0 * 8 * w, (q1 - q0) * w);
  const c = new Uint32Array(buf, outp + q0 * 8 * w, (q1 - q0) * 2 * w);
  for (let q = 0, o = q0 * 3; q < q1 - q0; q++, o += 3) {
    out[o] = s[w * q]!;
    out[o + 1] = cst ? 0 : s[w * q + 1]!;
    out[o + 2] = c[2 * w * q + w]!;
  }
}
registerKernel('hgbHistWasm', hgbHistWasmTask);

/**
 * Below `minUpdates` (sample, feature) updates a histogram is built in the calling thread only:
 * each threaded call is two hand-offs between threads, which on a loaded machine cost a
 * scheduling delay each (milliseconds), while 2^22 updates take about 8 ms on one core (measured at load 15 on 2 cores, 1M x 28, 20
 * iterations: 2^18 -> 25.7 s wall, 2^21 -> 21.7 s, 2^22 -> 15.5 s).
 * Settable for tests and benchmarks.
 */
export const hgbHistTuning = { minUpdates: 1 << 22 };

/** The shared memory of one fit and the offsets of what it holds. */
export class HistSpace {
  readonly id = nextId();
  /** bins, row-major (`binnedRow[i * d + j]`: the histogram kernel reads a sample's bins together) */
  readonly binnedRow: Uint8Array;
  /** bins, column-major (`binnedCol[j * n + i]`: the partition reads one feature's bins) */
  readonly binnedCol: Uint8Array;
  /** the grower's sample partition (a view of the memory) */
  readonly partition: Uint32Array;
  private readonly colOff: number;
  private readonly partOff: number;
  private readonly rightOff: number;
  private readonly ghOff: number;
  private readonly lutOff: number;
  private readonly outOff: number;
  private readonly gh: Float32Array;
  /** the partition's lookup table (256 bytes: 1 = left) */
  readonly lut: Uint8Array;
  private readonly exp: HistExports;
  /** threads that may hold an instance on this memory (dropped by `dispose`) */
  private threadsUsed = 1;
  private constructor(
    private readonly mod: object,
    readonly mem: { buffer: ArrayBuffer },
    readonly n: number,
    readonly d: number,
    readonly nBins: number,
  ) {
    const align = (x: number) => Math.ceil(x / 64) * 64;
    this.colOff = align(n * d);
    this.partOff = align(this.colOff + n * d);
    this.rightOff = align(this.partOff + 4 * n);
    this.ghOff = align(this.rightOff + 4 * n);
    this.lutOff = align(this.ghOff + 8 * n);
    this.outOff = align(this.lutOff + 256);
    const buf = mem.buffer;
    this.binnedRow = new Uint8Array(buf, 0, n * d);
    this.binnedCol = new Uint8Array(buf, this.colOff, n * d);
    this.partition = new Uint32Array(buf, this.partOff, n);
    this.gh = new Float32Array(buf, this.ghOff, 2 * n);
    this.lut = new Uint8Array(buf, this.lutOff, 256);
    this.exp = new (wasmApi()!).Instance(mod, { env: { memory: mem } }).exports as HistExports;
  }

  /** Bytes of memory a space for n x d bins needs. */
  static bytes(n: number, d: number, nBins: number): number {
    return 2 * n * d + 16 * n + d * nBins * 32 + 6 * 64 + 256;
  }

  /**
   * A space for n samples x d features (the caller bins into `binnedRow` and `binnedCol`), or
   * null where the WebAssembly kernels cannot run (then the TypeScript kernels are used).
   */
  static create(n: number, d: number, nBins: number): HistSpace | null {
    if (!hgbWasmSwitch.on || d === 0 || n === 0) return null;
    const mod = hgbHistModule();
    const W = wasmApi();
    if (!mod || !W) return null;
    const pages = Math.ceil(HistSpace.bytes(n, d, nBins) / 65536);
    if (pages > HGB_SHARED_MAX_PAGES) return null;
    let mem: { buffer: ArrayBuffer };
    try {
      mem = new W.Memory({ initial: pages, maximum: HGB_SHARED_MAX_PAGES, shared: true });
    } catch {
      return null;
    }
    return new HistSpace(mod, mem, n, d, nBins);
  }

  /** Gradients (and hessians unless constant) of the tree being grown, interleaved float32 pairs. */
  setGradients(g: Float32Array, h: Float32Array, constant: boolean): void {
    const gh = this.gh;
    const n = this.n;
    if (constant) {
      // the constant-hessian kernel reads plain float32 gradients
      gh.set(g.subarray(0, n));
      return;
    }
    for (let i = 0, o = 0; i < n; i++, o += 2) {
      gh[o] = g[i]!;
      gh[o + 1] = h[i]!;
    }
  }

  /**
   * Stable partition of `partition[start:stop]` by feature f's bins and the lookup table `lut`
   * (filled by the caller): left side first. Returns the end of the left side.
   */
  partitionBy(f: number, start: number, stop: number): number {
    return this.exp.partition(this.colOff + f * this.n, this.partOff, start, stop, this.lutOff, this.rightOff);
  }

  /**
   * Histogram of `partition[start:stop]` for the contiguous features f0..f1 into `out` (3 float64
   * per bin), the features cut into contiguous ranges over up to `linalgThreads()` threads.
   * Returns the number of threads used.
   */
  build(out: Float64Array, start: number, stop: number, f0: number, f1: number, constant: boolean): number {
    const nf = f1 - f0;
    const m = stop - start;
    const T = Math.min(linalgThreads(), nf, Math.max(1, Math.floor((m * nf) / hgbHistTuning.minUpdates)));
    const mode = constant ? 1 : 0;
    hgbThreadStats.wasmHist++;
    const cache = threadCache();
    if (!cache.has(this.id)) cache.set(this.id, this.exp);
    if (T <= 1) {
      hgbHistWasmTask(this.mod, this.mem, this.id, mode, 0, this.d, this.partOff, start, stop, this.ghOff, this.outOff, this.nBins, f0, f1, out);
      return 1;
    }
    const tasks: KernelTask[] = [];
    for (let t = 0; t < T; t++) {
      const a = f0 + Math.floor((t * nf) / T);
      const b = f0 + Math.floor(((t + 1) * nf) / T);
      tasks.push({ fn: 'hgbHistWasm', args: [this.mod, this.mem, this.id, mode, 0, this.d, this.partOff, start, stop, this.ghOff, this.outOff, this.nBins, a, b, out] });
    }
    this.threadsUsed = Math.max(this.threadsUsed, T);
    runTasks(tasks);
    return T;
  }

  /** Every thread that ran on this memory drops its instance (the memory can then be freed). */
  dispose(): void {
    threadCache().delete(this.id);
    if (this.threadsUsed > 1) {
      const T = this.threadsUsed;
      runTasks(Array.from({ length: T }, () => ({ fn: 'hgbHistWasm', args: [null, null, this.id, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null] })));
    }
  }
}

function threadCache(): Map<number, unknown> {
  const g = globalThis as unknown as { __deepmineHgb?: Map<number, unknown> };
  return (g.__deepmineHgb ??= new Map());
}

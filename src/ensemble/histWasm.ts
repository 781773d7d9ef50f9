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
import { WorkerError } from '../core/errors.js';
import { linalgThreads, registerKernel, runTasks, setLinalgThreads, type KernelTask } from '../linalg/threads.js';
import { hgbThreadStats } from './histogram.js';
import { paddedThresholds, type BinMapperState } from './binning.js';
import { HGB_HIST_WASM_BASE64, HGB_HIST_WASM_BYTES } from './histWasm.generated.js';

/** Pages of the shared memory (the maximum the module declares: keep in step with scripts/build-wasm.mjs). */
export const HGB_SHARED_MAX_PAGES = 32768;

interface HistExports {
  hist(binp: number, rowStride: number, partp: number, start: number, stop: number, ghp: number, outp: number, nBins: number, f0: number, f1: number): void;
  histConst(binp: number, rowStride: number, partp: number, start: number, stop: number, gp: number, outp: number, nBins: number, f0: number, f1: number): void;
  partitionTo(colp: number, srcp: number, a: number, b: number, lutp: number, pl: number, pr: number, step: number): number;
  countLeft(colp: number, srcp: number, a: number, b: number, lutp: number): number;
  gather(binp: number, d: number, partp: number, start: number, stop: number, ghp: number, ghBytes: number, dstp: number, gstride: number, dstGh: number): void;
  histRows(binp: number, rowStride: number, i0: number, i1: number, ghp: number, outp: number, nBins: number, f0: number, f1: number): void;
  histRowsConst(binp: number, rowStride: number, i0: number, i1: number, gp: number, outp: number, nBins: number, f0: number, f1: number): void;
  histRowsNoCount(binp: number, rowStride: number, i0: number, i1: number, ghp: number, outp: number, nBins: number, f0: number, f1: number): void;
  binRows(xp: number, rows: number, d: number, padp: number, missing: number, outRow: number, outCol: number, n: number, base: number, flagp: number): void;
  exp(x: number): number;
  binomialGrad(rawp: number, yp: number, swp: number, rows: number, gp: number, hp: number, ghp: number): void;
  binomialBlock(rawp: number, yp: number, swp: number, ghp: number, partp: number, leafp: number, valp: number, nLeaves: number, r0: number, r1: number, scrp: number, S: number, cp: number, grad: number): number;
  iota(partp: number, a: number, b: number): void;
  blockSums(ghp: number, partp: number, i0: number, i1: number, outp: number): void;
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

/** Worker-thread task (self-contained, registered as 'hgbBinWasm'): `binRows` on this thread's instance of the module over `mem`. */
function hgbBinWasmTask(mod: object, mem: { buffer: ArrayBuffer }, id: number, xp: number, rows: number, d: number, padp: number, missing: number, colp: number, n: number, base: number, flagp: number): void {
  const g = globalThis as unknown as { __deepmineHgb?: Map<number, Record<string, (...a: number[]) => void>> };
  let cache = g.__deepmineHgb;
  if (!cache) cache = g.__deepmineHgb = new Map();
  let exp = cache.get(id);
  if (!exp) {
    const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
    exp = new W.Instance(mod, { env: { memory: mem } }).exports as Record<string, (...a: number[]) => void>;
    cache.set(id, exp);
  }
  exp.binRows!(xp, rows, d, padp, missing, 0, colp, n, base, flagp);
}
registerKernel('hgbBinWasm', hgbBinWasmTask);


// ---------------------------------------------------------------------------------------------
// The fit team: the calling thread and linalgThreads() - 1 helper workers that stay in a loop for
// the whole boosting loop (one long `runTasks` call), handed work through a shared control block
// with Atomics (no postMessage per node). Work is cut into chunks that every thread claims with a
// compare-and-swap on one word (job number << 12 | next chunk), so a helper that the OS has not
// scheduled yet never delays the caller: the caller claims and runs whatever is left, and waits
// only for chunks a helper has actually started. Every chunk writes its own outputs (a range of
// features of a histogram, a range of rows of the gradients), so results do not depend on who ran
// which chunk: bit-identical for any thread count.

/** Control block (Int32 indices). */
const C_WORK = 0; // (job << 12) | next chunk to claim
const C_DONE = 1; // chunks of the current job finished by helpers
const C_EXIT = 2; // 1: helpers leave their loop
const C_ERR = 3; // 1: a chunk threw in a helper
const C_OP = 4;
const C_NCHUNK = 5;
const C_START = 6;
const C_STOP = 7;
const C_MODE = 8;
const C_BINP = 9; // histogram: rows at C_BINP, C_STRIDE bytes each, gradients at C_GHP, rows C_START..C_STOP
const C_STRIDE = 10;
const C_GHP = 11;
const C_GDST = 12; // gather: destination of rows and gradients (for sample C_START)
const C_GGH = 13;
const C_GSTRIDE = 14;
const C_SPIN = 15; // loads a helper spins between jobs before it sleeps
const C_CHUNKS = 16; // chunk table: (a, b) pairs
const C_MAX_CHUNKS = 120;
const C_INTS = C_CHUNKS + 2 * C_MAX_CHUNKS;
/** Team operations. */
const OP_HIST = 1;
const OP_BINOMIAL = 2;
const OP_RAW = 3;
const OP_GATHER = 4;
const OP_PARTITION = 5;
const OP_LEAF_OF = 6;
/** Control block: per-chunk results (the partition's left counts). */
const C_RES = C_INTS; // = 256 (hgbTeamLoop writes ctl[256 + c])
/**
 * Control block: the in-place binomial pass (OP_BINOMIAL mode 2; hgbTeamLoop reads ctl[400 + x]): offsets of
 * raw, y, sample weights (0: none), the leaf table (i32 start, stop) and its values, the number of
 * leaves to add (0: none), the per-chunk scratch and its size, rows per sub-block, the exp's constant table,
 * 1: gradients (0: the leaves' update alone).
 */
const C_GRAD = 400;
const C_SIZE = Math.max(C_INTS + C_MAX_CHUNKS, C_GRAD + 16);
/** Leaves the raw-score job takes at once (more: the caller updates alone). */
const LEAF_TABLE = 4096;
/** Rows per sub-block of the in-place binomial pass (its table of each row's leaf: 2 bytes per row). */
const GRAD_SUB = 4096;
/** Scratch bytes per chunk of the in-place binomial pass: block sums (16), a cursor per leaf, the sub-block's leaves. */
const GRAD_SLOT = Math.ceil((16 + 4 * LEAF_TABLE + 2 * GRAD_SUB) / 64) * 64;

/**
 * The constants of asm/hist.ts `expV8x2t` (each as a float64 pair; 18: 1.5 * 2^52), in its
 * order: V8 rematerialises v128 constants inside loops, loads from this table are cheaper.
 * (Exported for the tests, not from the package.)
 */
export function hgbExpTable(): Float64Array {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const hw = (h: number): number => {
    u[0] = 0;
    u[1] = h;
    return f[0]!;
  };
  // (fdlibm's constants in their shortest round-trip form: the same doubles)
  const c = [1, -0, Math.LOG2E, 0.5, hw(0x3fd62e43), hw(0x3ff0a2b2), hw(0x3e300000), hw(0x40862e42), 1024, -1021,
    0.6931471803691238, 1.9082149292705877e-10, 4.1381367970572385e-8, -1.6533902205465252e-6,
    6.613756321437934e-5, -2.7777777777015593e-3, 0.16666666666666602, 2, 6755399441055744];
  return Float64Array.from(c.flatMap((v) => [v, v]));
}

/**
 * Helper worker loop (self-contained; registered as 'hgbTeam'): claims and runs chunks of the
 * jobs the caller publishes until the exit flag is set. With `once` = 1 it runs the claim loop of
 * the current job in the calling thread and returns the number of chunks it ran.
 * Chunk of OP_HIST: features ch[2c]..ch[2c+1] of the histogram of part[start:stop] (mode 1:
 * constant hessians); OP_BINOMIAL: rows ch[2c]..ch[2c+1] of the binomial gradients and hessians,
 * written to g, h and the interleaved (g, h) float32 pairs of the memory.
 */
function hgbTeamLoop(
  mod: object, mem: { buffer: ArrayBuffer }, ctlBuf: SharedArrayBuffer, leafBuf: SharedArrayBuffer, id: number,
  d: number, nBins: number, partOff: number, ghOff: number, outOff: number, n: number,
  y: Float64Array | null, raw: Float64Array | null, sw: Float64Array | null, g: Float32Array | null, h: Float32Array | null,
  leafOfBuf: SharedArrayBuffer | null, once: number,
): number {
  const ctl = new Int32Array(ctlBuf);
  const G = globalThis as unknown as { __deepmineHgb?: Map<number, Record<string, (...a: number[]) => void>>; WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } };
  let cache = G.__deepmineHgb;
  if (!cache) cache = G.__deepmineHgb = new Map();
  let exp = cache.get(id);
  if (!exp) {
    exp = new G.WebAssembly.Instance(mod, { env: { memory: mem } }).exports as Record<string, (...a: number[]) => void>;
    cache.set(id, exp);
  }
  const gh = new Float32Array(mem.buffer, ghOff, 2 * n);
  const part = new Uint32Array(mem.buffer, partOff, n);
  const leaves = new Float64Array(leafBuf);
  const leafOf = leafOfBuf ? new Uint16Array(leafOfBuf) : null;
  // HalfBinomialLoss gradients (the expression of loss.ts binomialGradKernel) of rows a..b, then
  // the identity partition of the next tree and the sums of the stored (float32) g and h of each
  // block of 32768 rows (HGB_SUM_BLOCK of grower.ts; a..b starts on a block) into the leaf table.
  // Own functions, two passes: V8 ran the gradient loop up to 2x slower nested in the blocks or
  // inlined in `run`.
  const binomialRows = (a: number, b: number, c: number): void => {
    if (ctl[8] === 1) {
      // the WebAssembly kernel (bit-identical exp): rows copied in pieces of S into this chunk's
      // slot of the scratch at ctl[12] (ctl[14] bytes per chunk), gradients copied back out
      const S = ctl[14]! >> 5;
      const base = ctl[12]! + c * ctl[14]!;
      const buf = mem.buffer;
      const rs = new Float64Array(buf, base, S);
      const ys = new Float64Array(buf, base + 8 * S, S);
      const ws = sw ? new Float64Array(buf, base + 16 * S, S) : null;
      const gs = new Float32Array(buf, base + 24 * S, S);
      const hs = new Float32Array(buf, base + 28 * S, S);
      for (let r0 = a; r0 < b; r0 += S) {
        const r1 = Math.min(b, r0 + S);
        const m = r1 - r0;
        rs.set(raw!.subarray(r0, r1));
        ys.set(y!.subarray(r0, r1));
        if (ws) ws.set(sw!.subarray(r0, r1));
        exp!.binomialGrad!(base, base + 8 * S, ws ? base + 16 * S : 0, m, base + 24 * S, base + 28 * S, ghOff + 8 * r0);
        g!.set(m === S ? gs : gs.subarray(0, m), r0);
        h!.set(m === S ? hs : hs.subarray(0, m), r0);
      }
      return;
    }
    for (let i = a; i < b; i++) {
      const yt = y![i]!;
      const e = Math.exp(-raw![i]!);
      const gr = (1 - yt - yt * e) / (1 + e);
      const he = e / ((1 + e) * (1 + e));
      if (sw) {
        g![i] = sw[i]! * gr;
        h![i] = sw[i]! * he;
      } else {
        g![i] = gr;
        h![i] = he;
      }
      gh[2 * i] = g![i]!;
      gh[2 * i + 1] = h![i]!;
    }
  };
  const blockSums = (b0: number, b1: number): void => {
    let sg = 0;
    let sh = 0;
    for (let i = b0; i < b1; i++) {
      sg += g![i]!;
      sh += h![i]!;
      part[i] = i;
    }
    const blk = b0 / 32768;
    if (2 * blk + 1 < leaves.length) {
      leaves[2 * blk] = sg;
      leaves[2 * blk + 1] = sh;
    }
  };
  const binomial = (a: number, b: number, c: number): void => {
    if (ctl[8] === 2) {
      // rows a..b (whole blocks of 32768) in place (HistSpace.binomialPass): the pending leaf
      // values added to raw, the gradient pairs, each block's sums into the leaf table; chunk c's
      // scratch slot
      const scr = ctl[406]! + c * ctl[407]!;
      const s = new Float64Array(mem.buffer, scr, 2);
      for (let b0 = a; b0 < b; b0 += 32768) {
        const b1 = Math.min(b, b0 + 32768);
        if (exp!.binomialBlock!(ctl[400]!, ctl[401]!, ctl[402]!, ghOff, partOff, ctl[403]!, ctl[404]!, ctl[405]!, b0, b1, scr, ctl[408]!, ctl[409]!, ctl[410]!) as unknown as number !== b1 - b0) {
          throw new Error('HistGradientBoosting: a leaf\'s samples are not in ascending order');
        }
        const blk = b0 / 32768;
        leaves[2 * blk] = s[0]!;
        leaves[2 * blk + 1] = s[1]!;
      }
      return;
    }
    if (ctl[8] === 3) {
      // the identity partition of the next tree, rows a..b (after mode 2, which reads the partition)
      exp!.iota!(partOff, a, b);
      return;
    }
    binomialRows(a, b, c);
    if (ctl[8] === 1) {
      // the WebAssembly block sums (from the pairs), through this chunk's slot of the scratch
      const o = ctl[12]! + c * ctl[14]!;
      const s = new Float64Array(mem.buffer, o, 2);
      for (let b0 = a; b0 < b; b0 += 32768) {
        exp!.blockSums!(ghOff, partOff, b0, Math.min(b, b0 + 32768), o);
        const blk = b0 / 32768;
        if (2 * blk + 1 < leaves.length) {
          leaves[2 * blk] = s[0]!;
          leaves[2 * blk + 1] = s[1]!;
        }
      }
      return;
    }
    for (let b0 = a; b0 < b; b0 += 32768) blockSums(b0, Math.min(b, b0 + 32768));
  };
  const run = (c: number): void => {
    const op = ctl[4]!;
    const a = ctl[16 + 2 * c]!;
    const b = ctl[17 + 2 * c]!;
    if (op === 1) {
      // features a..b of the histogram of rows ctl[6]..ctl[7] at ctl[9] (stride ctl[10]), gradients at ctl[11]
      // (mode 2: the root without counts)
      if (ctl[8] === 1) exp!.histRowsConst!(ctl[9]!, ctl[10]!, ctl[6]!, ctl[7]!, ctl[11]!, outOff, nBins, a, b);
      else if (ctl[8] === 2) exp!.histRowsNoCount!(ctl[9]!, ctl[10]!, ctl[6]!, ctl[7]!, ctl[11]!, outOff, nBins, a, b);
      else exp!.histRows!(ctl[9]!, ctl[10]!, ctl[6]!, ctl[7]!, ctl[11]!, outOff, nBins, a, b);
    } else if (op === 4) {
      // samples a..b of the partition buffer at ctl[9] (the node starts at ctl[6]) gathered to ctl[12] / ctl[13]
      const gb = ctl[8] === 1 ? 4 : 8;
      const q = a - ctl[6]!;
      exp!.gather!(0, d, ctl[9]!, a, b, ghOff, gb, ctl[12]! + q * ctl[14]!, ctl[14]!, ctl[13]! + q * gb);
    } else if (op === 5) {
      // samples a..b of the source buffer at ctl[10] split by the feature's column at ctl[9] and
      // the table at ctl[11] into the other buffer at ctl[12]: the node is ctl[6]..ctl[7], its left
      // side has ctl[13] samples. Mode 0: count only; 1: forward, the chunk's left side starts
      // ctl[256 + c] samples after the node's start; 2 (two chunks): the first chunk forward from
      // the starts of both sides, the second backward from their ends. Left count into ctl[256 + c].
      const mode = ctl[8]!;
      if (mode === 0) {
        ctl[256 + c] = exp!.countLeft!(ctl[9]!, ctl[10]!, a, b, ctl[11]!) as unknown as number;
        return;
      }
      const s0 = ctl[6]!;
      const nl = ctl[13]!;
      const dst = ctl[12]!;
      let pl: number;
      let pr: number;
      let step = 4;
      if (mode === 2 && c === 1) {
        pl = dst + 4 * (s0 + nl - 1);
        pr = dst + 4 * (ctl[7]! - 1);
        step = -4;
      } else {
        const lc = mode === 1 ? ctl[256 + c]! : 0;
        pl = dst + 4 * (s0 + lc);
        pr = dst + 4 * (s0 + nl + (a - s0) - lc);
      }
      ctl[256 + c] = exp!.partitionTo!(ctl[9]!, ctl[10]!, a, b, ctl[11]!, pl, pr, step) as unknown as number;
    } else if (op === 2) {
      binomial(a, b, c);
    } else if (op === 6) {
      // each sample's leaf: leaves a..b of the table (start, stop, value)
      for (let l = a; l < b; l++) {
        const q1 = leaves[3 * l + 1]!;
        for (let q = leaves[3 * l]!; q < q1; q++) leafOf![part[q]!] = l;
      }
    } else if (op === 3) {
      // raw scores += leaf values, rows a..b in order (raw offset ctl[8])
      const off = ctl[8]!;
      for (let i = a; i < b; i++) raw![off + i]! += leaves[3 * leafOf![i]! + 2]!;
    }
  };
  const work = (job: number): number => {
    let ran = 0;
    for (;;) {
      const v = Atomics.load(ctl, 0);
      if (v >>> 12 !== job) return ran;
      const c = v & 4095;
      if (c >= ctl[5]!) return ran;
      if (Atomics.compareExchange(ctl, 0, v, v + 1) !== v) continue;
      try {
        run(c);
      } catch (e) {
        if (once) throw e;
        Atomics.store(ctl, 3, 1);
      }
      ran++;
      if (!once) {
        Atomics.add(ctl, 1, 1);
        Atomics.notify(ctl, 1);
      }
    }
  };
  if (once) return work(Atomics.load(ctl, 0) >>> 12);
  let last = -1;
  for (;;) {
    if (Atomics.load(ctl, 2) !== 0) break;
    const v = Atomics.load(ctl, 0);
    const job = v >>> 12;
    if (job !== last) {
      last = job;
      work(job);
      continue;
    }
    // spin briefly (the next job usually follows within microseconds), then sleep until notified
    let spin = 0;
    const spinMax = ctl[15]!;
    while (spin < spinMax && Atomics.load(ctl, 0) === v && Atomics.load(ctl, 2) === 0) spin++;
    if (Atomics.load(ctl, 0) === v && Atomics.load(ctl, 2) === 0) Atomics.wait(ctl, 0, v, 1000);
  }
  cache.delete(id);
  return 0;
}
registerKernel('hgbTeam', hgbTeamLoop as (...a: never[]) => void);

/** Runs the fit body in the calling thread (task 0 of the team's `runTasks`). */
function hgbTeamBody(body: () => void): void {
  body();
}
registerKernel('hgbTeamBody', hgbTeamBody as (...a: never[]) => void);

/** Arrays the team's gradient chunks read and write (shared memory). */
export interface TeamArrays {
  y: Float64Array;
  raw: Float64Array;
  sw: Float64Array | null;
  g: Float32Array;
  h: Float32Array;
}

/**
 * Counters for tests and benchmarks: jobs run by the team, chunks run by helpers. With `prof` set
 * (profiling runs only: it reads the clock around every job) also per team operation (index:
 * OP_HIST 1, OP_BINOMIAL 2, OP_RAW 3, OP_GATHER 4, OP_PARTITION 5, OP_LEAF_OF 6) the calling thread's time in
 * the job and the part of it spent waiting for helpers (ms), chunks and chunks run by helpers;
 * `soloMs` (without the team): gather, gather + histogram, root histograms (ms); `soloN`: root
 * and child histograms built; `partMs`: threaded partitions, placing included (ms).
 */
export const hgbTeamStats = { jobs: 0, helperChunks: 0, opMs: [0, 0, 0, 0, 0, 0, 0, 0], waitMs: [0, 0, 0, 0, 0, 0, 0, 0], soloMs: [0, 0, 0], soloN: [0, 0, 0], partMs: 0, opChunks: [0, 0, 0, 0, 0, 0, 0, 0], opHelper: [0, 0, 0, 0, 0, 0, 0, 0], prof: false };

class Team {
  readonly ctl = new Int32Array(new SharedArrayBuffer(4 * C_SIZE));
  /** leaf table of the raw-score job: (start, stop, value) */
  readonly leaves = new Float64Array(new SharedArrayBuffer(8 * 3 * LEAF_TABLE));
  private job = 0;
  constructor(readonly size: number, private readonly loopArgs: unknown[]) {}
  /**
   * Close the last job before its arguments are overwritten: its word gets chunk 4095 (past any
   * chunk count), so a helper that read the old word cannot claim a chunk any more (its
   * compare-and-swap fails) and one that reads the new word sees nothing left to claim.
   * Call before writing the next job's chunk table and arguments.
   */
  open(): Int32Array {
    Atomics.store(this.ctl, C_WORK, (this.job << 12) | 4095);
    return this.ctl;
  }
  /** Publish a job of `nChunks` chunks (chunk table and arguments already written), take part, wait for the helpers' chunks. */
  run(op: number, nChunks: number): void {
    const ctl = this.ctl;
    ctl[C_OP] = op;
    ctl[C_NCHUNK] = nChunks;
    Atomics.store(ctl, C_DONE, 0);
    this.job = this.job >= 0x7ffff ? 1 : this.job + 1;
    Atomics.store(ctl, C_WORK, this.job << 12);
    Atomics.notify(ctl, C_WORK);
    hgbTeamStats.jobs++;
    const t0 = hgbTeamStats.prof ? performance.now() : 0;
    const mine = (hgbTeamLoop as unknown as (...a: unknown[]) => number)(...this.loopArgs, 1);
    const t1 = hgbTeamStats.prof ? performance.now() : 0;
    const need = nChunks - mine;
    hgbTeamStats.helperChunks += need;
    if (hgbTeamStats.prof) {
      hgbTeamStats.opChunks[op]! += nChunks;
      hgbTeamStats.opHelper[op]! += need;
    }
    let spin = 0;
    for (;;) {
      const done = Atomics.load(ctl, C_DONE);
      if (done >= need) break;
      if (++spin < hgbTeamTuning.callerSpin) continue;
      Atomics.wait(ctl, C_DONE, done, 50);
    }
    if (hgbTeamStats.prof) {
      const t2 = performance.now();
      hgbTeamStats.opMs[op]! += t2 - t0;
      hgbTeamStats.waitMs[op]! += t2 - t1;
    }
    if (Atomics.load(ctl, C_ERR) !== 0) throw new WorkerError('HistGradientBoosting: a histogram or gradient chunk failed in a worker thread');
  }
}

/**
 * Below `minUpdates` (sample, feature) updates a histogram is built in the calling thread only:
 * each threaded call is two hand-offs between threads, which on a loaded machine cost a
 * scheduling delay each (milliseconds), while 2^22 updates take about 8 ms on one core (measured at load 15 on 2 cores, 1M x 28, 20
 * iterations: 2^18 -> 25.7 s wall, 2^21 -> 21.7 s, 2^22 -> 15.5 s).
 * Settable for tests and benchmarks.
 */
export const hgbHistTuning = { minUpdates: 1 << 22 };

/**
 * The in-place binomial pass (`HistSpace.binomialPass`): `inPlace` = false keeps y, raw and the
 * weights in the fit's own arrays (the team's gradient job copies them, `teamBinomialGradients`;
 * one thread: JavaScript gradients); `fuseRaw` = false adds each tree's leaf values to the raw
 * scores right after the tree (the team's two jobs) instead of in the next gradient pass (A/B, tests).
 */
export const hgbGradTuning = { inPlace: true, fuseRaw: true };

/**
 * The team (`HistSpace.runTeam`): histograms of at least `minUpdates` (sample, feature) updates
 * are shared by the team's threads, `chunksPerThread` feature ranges per thread. `on` = false
 * falls back to `runTasks` hand-offs (A/B). `rootCounts` = false: every root histogram counts (A/B).
 * `wasmGrad` = false: the team's binomial gradients in JavaScript instead of the WebAssembly kernel (A/B).
 * `countPartition` = true: threaded partitions always count first (two jobs), also with two
 * chunks (A/B and tests).
 */
export const hgbTeamTuning = { countPartition: false, wasmGrad: true, on: true, minUpdates: 1 << 16, chunksPerThread: 1, gather: true, minPartition: 1 << 15, rootCounts: true, helperSpin: 400000, callerSpin: 2000 };

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
  private readonly otherOff: number;
  private readonly ghOff: number;
  private readonly lutOff: number;
  private readonly outOff: number;
  /** gathered rows (`gstride` bytes each) and gradients of the child being histogrammed */
  private readonly gRowsOff: number;
  private readonly gGhOff: number;
  private readonly gstride: number;
  /** samples the gather area holds (half the rows, rounded up: the smaller child) */
  private readonly gCap: number;
  private readonly gh: Float32Array;
  /** the second partition buffer (see `partBuffer`) */
  private readonly otherPart: Uint32Array;
  /** the binning's padded thresholds (and coarse table) and block of raw rows (`xRows` rows) */
  private readonly padOff: number;
  private readonly xOff: number;
  private readonly xRows: number;
  /** the partition's lookup table (256 bytes: 1 = left) */
  readonly lut: Uint8Array;
  private readonly exp: HistExports;
  /** threads that may hold an instance on this memory (dropped by `dispose`) */
  private threadsUsed = 1;
  /** the fit team while `runTeam` runs */
  private team: Team | null = null;
  private teamRaw = false;
  /**
   * Counts of the root histogram (every sample: the same in every tree), saved from the first
   * root built with hessians over all features: later roots skip the counting (`histRowsNoCount`).
   */
  private rootCounts: Float64Array | null = null;
  private constructor(
    private readonly mod: object,
    readonly mem: { buffer: ArrayBuffer },
    readonly n: number,
    readonly d: number,
    readonly nBins: number,
    grad: boolean,
    weights: boolean,
  ) {
    const align = (x: number) => Math.ceil(x / 64) * 64;
    this.colOff = align(n * d);
    this.partOff = align(this.colOff + n * d);
    this.otherOff = align(this.partOff + 4 * n);
    this.ghOff = align(this.otherOff + 4 * n);
    this.lutOff = align(this.ghOff + 8 * n);
    this.outOff = align(this.lutOff + 256);
    this.gstride = HistSpace.gatherStride(d);
    this.gCap = HistSpace.gatherCap(n);
    this.gRowsOff = align(this.outOff + d * nBins * 32);
    this.gGhOff = align(this.gRowsOff + this.gCap * this.gstride);
    this.padOff = align(this.gGhOff + 8 * this.gCap + 16);
    this.xRows = HistSpace.binRowsBlock(n);
    this.xOff = align(this.padOff + 2176 * d + 64);
    const buf = mem.buffer;
    if (grad) {
      // the in-place binomial pass: y, raw, sample weights, the leaf table and its values, the
      // per-chunk scratch (appended after the binning's block of raw rows)
      this.gYOff = align(this.xOff + 8 * d * this.xRows);
      this.gRawOff = align(this.gYOff + 8 * n);
      this.gSwOff = align(this.gRawOff + 8 * n);
      this.gLeafOff = align(this.gSwOff + (weights ? 8 * n : 0));
      this.gValOff = align(this.gLeafOff + 8 * LEAF_TABLE);
      this.gExpOff = align(this.gValOff + 8 * LEAF_TABLE);
      this.gScrOff = align(this.gExpOff + 16 * 19);
      new Float64Array(buf, this.gExpOff, 38).set(hgbExpTable());
      this.gradViews = { y: new Float64Array(buf, this.gYOff, n), raw: new Float64Array(buf, this.gRawOff, n), sw: weights ? new Float64Array(buf, this.gSwOff, n) : null };
    }
    this.binnedRow = new Uint8Array(buf, 0, n * d);
    this.binnedCol = new Uint8Array(buf, this.colOff, n * d);
    this.partition = new Uint32Array(buf, this.partOff, n);
    this.otherPart = new Uint32Array(buf, this.otherOff, n);
    this.gh = new Float32Array(buf, this.ghOff, 2 * n);
    this.lut = new Uint8Array(buf, this.lutOff, 256);
    this.exp = new (wasmApi()!).Instance(mod, { env: { memory: mem } }).exports as HistExports;
  }

  /** Bytes of memory a space for n x d bins needs. */
  static bytes(n: number, d: number, nBins: number, grad = false, weights = false): number {
    const cap = HistSpace.gatherCap(n);
    const g = grad ? (weights ? 24 : 16) * n + 16 * LEAF_TABLE + 16 * 19 + HistSpace.gradChunks(n) * GRAD_SLOT + 7 * 64 : 0;
    return 2 * n * d + 16 * n + d * nBins * 32 + cap * (HistSpace.gatherStride(d) + 8) + 16 + 2176 * d + 64 + 8 * d * HistSpace.binRowsBlock(n) + 10 * 64 + 256 + g;
  }

  /** Chunks of the in-place binomial pass (whole blocks of 32768 rows: at most one per block). */
  private static gradChunks(n: number): number {
    return Math.min(C_MAX_CHUNKS, Math.ceil(n / 32768));
  }

  private static binRowsBlock(n: number): number {
    return Math.min(n, 16384);
  }

  /**
   * `transformBins` into this memory (the row- and column-major bins): blocks of raw rows copied
   * into the memory and binned by the WebAssembly kernel (the same bins as `hgbBinRowsKernel`),
   * each block's rows cut over up to linalgThreads() threads. Returns the row-major bins; sets
   * `sawInfinity`.
   */
  transformBins(x: Float64Array, s: BinMapperState): Uint8Array {
    const { n, d } = this;
    const buf = this.mem.buffer;
    const pad = paddedThresholds(s, d);
    new Float64Array(buf, this.padOff, 256 * d).set(pad);
    // the coarse table of `binRows`: thresholds 15, 31, ..., 255 of each feature
    const coarse = new Float64Array(buf, this.padOff + 2048 * d, 16 * d);
    for (let j = 0; j < d; j++) for (let b = 0; b < 16; b++) coarse[16 * j + b] = pad[256 * j + 16 * b + 15]!;
    const missing = s.nBins - 1;
    // the kernels' flag: a value of x is +-Infinity
    const flagp = this.padOff + 2176 * d;
    const flag = new Int32Array(buf, flagp, 1);
    flag[0] = 0;
    const B = this.xRows;
    const xs = new Float64Array(buf, this.xOff, B * d);
    const cache = threadCache();
    if (!cache.has(this.id)) cache.set(this.id, this.exp);
    for (let b0 = 0; b0 < n; b0 += B) {
      const b1 = Math.min(n, b0 + B);
      const rows = b1 - b0;
      xs.set(x.subarray(b0 * d, b1 * d));
      const T = Math.min(linalgThreads(), Math.max(1, Math.floor((rows * d) / 32768)));
      if (T <= 1) {
        this.exp.binRows(this.xOff, rows, d, this.padOff, missing, 0, this.colOff, n, b0, flagp);
        continue;
      }
      const tasks: KernelTask[] = [];
      for (let t = 0; t < T; t++) {
        const r0 = Math.floor((rows * t) / T);
        const r1 = Math.floor((rows * (t + 1)) / T);
        tasks.push({ fn: 'hgbBinWasm', args: [this.mod, this.mem, this.id, this.xOff + 8 * d * r0, r1 - r0, d, this.padOff, missing, this.colOff, n, b0 + r0, flagp] });
      }
      this.threadsUsed = Math.max(this.threadsUsed, T);
      hgbThreadStats.bins++;
      runTasks(tasks);
    }
    this.sawInfinity = Atomics.load(flag, 0) !== 0;
    return this.binnedRow;
  }

  /** Whether the last `transformBins` met +-Infinity in x (the fit then rejects x: `checkNoInfinity`). */
  sawInfinity = false;

  private static gatherStride(d: number): number {
    return Math.ceil(d / 16) * 16;
  }

  private static gatherCap(n: number): number {
    return Math.ceil(n / 2) + 1;
  }

  /**
   * A space for n samples x d features (the caller bins into `binnedRow` and `binnedCol`), or
   * null where the WebAssembly kernels cannot run (then the TypeScript kernels are used).
   */
  static create(n: number, d: number, nBins: number, grad = false, weights = false): HistSpace | null {
    if (!hgbWasmSwitch.on || d === 0 || n === 0) return null;
    const mod = hgbHistModule();
    const W = wasmApi();
    if (!mod || !W) return null;
    // without room for the in-place binomial pass if that does not fit
    if (grad && Math.ceil(HistSpace.bytes(n, d, nBins, true, weights) / 65536) > HGB_SHARED_MAX_PAGES) grad = false;
    const pages = Math.ceil(HistSpace.bytes(n, d, nBins, grad, weights) / 65536);
    if (pages > HGB_SHARED_MAX_PAGES) return null;
    let mem: { buffer: ArrayBuffer };
    try {
      mem = new W.Memory({ initial: pages, maximum: HGB_SHARED_MAX_PAGES, shared: true });
    } catch {
      return null;
    }
    return new HistSpace(mod, mem, n, d, nBins, grad, weights);
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
   * The two partition buffers: 0 is `partition` (every tree starts there with the identity), 1 the
   * other one. A node's samples are in one of them; its children go to the other (`partitionBy`).
   */
  partBuffer(buf: number): Uint32Array {
    return buf === 0 ? this.partition : this.otherPart;
  }

  private partOffOf(buf: number): number {
    return buf === 0 ? this.partOff : this.otherOff;
  }

  /**
   * Stable partition of the samples `start:stop` of partition buffer `buf` by feature f's bins and
   * the lookup table `lut` (filled by the caller: 1 = left) into the other buffer, same range:
   * left side first (`nLeft` samples, the split's count: the left side's place is known before
   * the pass, so every index is written once, straight to its place). Returns the end of the left
   * side; throws if the pass counted another number of left samples.
   */
  partitionBy(f: number, start: number, stop: number, buf: number, nLeft: number): number {
    const team = this.team;
    const m = stop - start;
    const colp = this.colOff + f * this.n;
    const src = this.partOffOf(buf);
    const dst = this.partOffOf(1 - buf);
    let nl: number;
    if (!team || m < hgbTeamTuning.minPartition) nl = this.exp.partitionTo(colp, src, start, stop, this.lutOff, dst + 4 * start, dst + 4 * (start + nLeft), 4);
    else {
      // pieces split by the team
      const t0 = hgbTeamStats.prof ? performance.now() : 0;
      nl = this.teamPartition(team, colp, src, dst, start, stop, nLeft);
      if (hgbTeamStats.prof) hgbTeamStats.partMs += performance.now() - t0;
    }
    if (nl !== nLeft) throw new Error(`HistGradientBoosting: the partition sent ${nl} samples left, the split counted ${nLeft}`);
    return start + nLeft;
  }

  /**
   * The team's partition into the other buffer. Two pieces: the first written forward from the
   * starts of both sides, the second backward from their ends (one job). More pieces: a job counts
   * each piece's left samples, then a second writes each piece from its prefix. Returns the left count.
   */
  private teamPartition(team: Team, colp: number, src: number, dst: number, start: number, stop: number, nLeft: number): number {
    const m = stop - start;
    const ctl = team.open();
    const k = Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread);
    for (let c = 0; c < k; c++) {
      ctl[C_CHUNKS + 2 * c] = start + Math.floor((m * c) / k);
      ctl[C_CHUNKS + 2 * c + 1] = start + Math.floor((m * (c + 1)) / k);
    }
    ctl[C_START] = start;
    ctl[C_STOP] = stop;
    ctl[C_BINP] = colp;
    ctl[C_STRIDE] = src;
    ctl[C_GHP] = this.lutOff;
    ctl[C_GDST] = dst;
    ctl[C_GGH] = nLeft;
    if (k === 2 && !hgbTeamTuning.countPartition) ctl[C_MODE] = 2;
    else {
      ctl[C_MODE] = 0;
      team.run(OP_PARTITION, k);
      let acc = 0;
      for (let c = 0; c < k; c++) {
        const l = ctl[C_RES + c]!;
        ctl[C_RES + c] = acc;
        acc += l;
      }
      if (acc !== nLeft) return acc;
      team.open();
      ctl[C_MODE] = 1;
    }
    team.run(OP_PARTITION, k);
    let nl = 0;
    for (let c = 0; c < k; c++) nl += ctl[C_RES + c]!;
    return nl;
  }

  /**
   * Histogram of the samples `start:stop` of partition buffer `buf` (`partBuffer`) for the features `feats` (ascending) into `out` (3
   * float64 per bin). Inside `runTeam`, nodes of at least `minUpdates` (sample, feature) updates
   * are cut into feature ranges claimed by the team's threads; otherwise contiguous feature sets
   * run over up to `linalgThreads()` threads by `runTasks`. Returns the number of threads that
   * could take part.
   */
  build(out: Float64Array, start: number, stop: number, feats: Int32Array, constant: boolean, buf = 0): number {
    const partp = this.partOffOf(buf);
    const nf = feats.length;
    const m = stop - start;
    const mode = constant ? 1 : 0;
    hgbThreadStats.wasmHist++;
    const cache = threadCache();
    if (!cache.has(this.id)) cache.set(this.id, this.exp);
    // runs of consecutive features
    const runs: number[] = [];
    for (let k = 0; k < nf; k++) {
      const f = feats[k]!;
      if (runs.length > 0 && runs[runs.length - 1] === f) runs[runs.length - 1] = f + 1;
      else runs.push(f, f + 1);
    }
    const team = this.team;
    // without the team, the largest nodes still go over the threads by runTasks (below)
    const handOff = !team && runs.length === 2 && linalgThreads() > 1 && m * nf >= hgbHistTuning.minUpdates;
    if (team || (hgbTeamTuning.gather && !handOff)) {
      // the root reads the rows and gradients in place (the partition is the identity); a child's
      // samples are first gathered into contiguous memory (sequential reads for the histogram)
      const root = start === 0 && stop === this.n;
      const gather = !root && m <= this.gCap;
      if (!root && !gather) {
        for (let r = 0; r < runs.length; r += 2) this.histLocal(mode, partp, start, stop, runs[r]!, runs[r + 1]!, out);
        return 1;
      }
      const binp = root ? 0 : this.gRowsOff;
      const stride = root ? this.d : this.gstride;
      const ghp = root ? this.ghOff : this.gGhOff;
      const gb = constant ? 4 : 8;
      if (!team || m * nf < hgbTeamTuning.minUpdates || nf < 2) {
        const tg = hgbTeamStats.prof ? performance.now() : 0;
        if (gather) this.exp.gather(0, this.d, partp, start, stop, this.ghOff, gb, this.gRowsOff, this.gstride, this.gGhOff);
        if (hgbTeamStats.prof) hgbTeamStats.soloMs[0]! += performance.now() - tg;
        const i1 = root ? this.n : m;
        const nc = root && !constant && this.rootCounts !== null && hgbTeamTuning.rootCounts;
        for (let r = 0; r < runs.length; r += 2) {
          if (constant) this.exp.histRowsConst(binp, stride, 0, i1, ghp, this.outOff, this.nBins, runs[r]!, runs[r + 1]!);
          else if (nc) this.exp.histRowsNoCount(binp, stride, 0, i1, ghp, this.outOff, this.nBins, runs[r]!, runs[r + 1]!);
          else this.exp.histRows(binp, stride, 0, i1, ghp, this.outOff, this.nBins, runs[r]!, runs[r + 1]!);
          this.copyOut(mode, runs[r]!, runs[r + 1]!, out, nc);
        }
        if (root && !constant && !nc && runs.length === 2 && runs[0] === 0 && runs[1] === this.d) this.saveRootCounts(out);
        if (hgbTeamStats.prof) { hgbTeamStats.soloMs[1]! += performance.now() - tg; if (root) hgbTeamStats.soloMs[2]! += performance.now() - tg; hgbTeamStats.soloN[root ? 0 : 1]!++; }
        return 1;
      }
      const ctl = team.open();
      ctl[C_MODE] = mode;
      const nc = root && !constant && this.rootCounts !== null && hgbTeamTuning.rootCounts;
      if (gather) {
        // sample ranges of the node gathered by the team
        const k = Math.max(1, Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread * 2, Math.floor(m / 1024)));
        for (let c = 0; c < k; c++) {
          ctl[C_CHUNKS + 2 * c] = start + Math.floor((m * c) / k);
          ctl[C_CHUNKS + 2 * c + 1] = start + Math.floor((m * (c + 1)) / k);
        }
        ctl[C_START] = start;
        ctl[C_BINP] = partp;
        ctl[C_GDST] = this.gRowsOff;
        ctl[C_GGH] = this.gGhOff;
        ctl[C_GSTRIDE] = this.gstride;
        team.run(OP_GATHER, k);
      }
      // each run of features cut into pieces of about nf / team.size features
      team.open();
      const piece = Math.max(1, Math.ceil(nf / (team.size * hgbTeamTuning.chunksPerThread)));
      let c = 0;
      for (let r = 0; r < runs.length; r += 2) {
        const a = runs[r]!;
        const b = runs[r + 1]!;
        const k = Math.min(Math.ceil((b - a) / piece), C_MAX_CHUNKS - c);
        for (let q = 0; q < k; q++) {
          ctl[C_CHUNKS + 2 * c] = a + Math.floor(((b - a) * q) / k);
          ctl[C_CHUNKS + 2 * c + 1] = a + Math.floor(((b - a) * (q + 1)) / k);
          c++;
        }
      }
      ctl[C_START] = 0;
      ctl[C_STOP] = root ? this.n : m;
      if (nc) ctl[C_MODE] = 2;
      ctl[C_BINP] = binp;
      ctl[C_STRIDE] = stride;
      ctl[C_GHP] = ghp;
      team.run(OP_HIST, c);
      if (c > 1) hgbThreadStats.hist++;
      for (let r = 0; r < runs.length; r += 2) this.copyOut(mode, runs[r]!, runs[r + 1]!, out, nc);
      if (root && !constant && !nc && runs.length === 2 && runs[0] === 0 && runs[1] === this.d) this.saveRootCounts(out);
      return team.size;
    }
    if (runs.length !== 2) {
      for (let r = 0; r < runs.length; r += 2) this.histLocal(mode, partp, start, stop, runs[r]!, runs[r + 1]!, out);
      return 1;
    }
    const f0 = runs[0]!;
    const f1 = runs[1]!;
    const T = Math.min(linalgThreads(), nf, Math.max(1, Math.floor((m * nf) / hgbHistTuning.minUpdates)));
    if (T <= 1) {
      this.histLocal(mode, partp, start, stop, f0, f1, out);
      return 1;
    }
    const tasks: KernelTask[] = [];
    for (let t = 0; t < T; t++) {
      const a = f0 + Math.floor((t * nf) / T);
      const b = f0 + Math.floor(((t + 1) * nf) / T);
      tasks.push({ fn: 'hgbHistWasm', args: [this.mod, this.mem, this.id, mode, 0, this.d, partp, start, stop, this.ghOff, this.outOff, this.nBins, a, b, out] });
    }
    this.threadsUsed = Math.max(this.threadsUsed, T);
    hgbThreadStats.hist++;
    runTasks(tasks);
    return T;
  }

  private histLocal(mode: number, partp: number, start: number, stop: number, f0: number, f1: number, out: Float64Array): void {
    hgbHistWasmTask(this.mod, this.mem, this.id, mode, 0, this.d, partp, start, stop, this.ghOff, this.outOff, this.nBins, f0, f1, out);
  }

  /** Keep the counts of a root histogram (`out`, all features) for the later roots. */
  private saveRootCounts(out: Float64Array): void {
    const q = this.d * this.nBins;
    const rc = new Float64Array(q);
    for (let i = 0; i < q; i++) rc[i] = out[3 * i + 2]!;
    this.rootCounts = rc;
  }

  /**
   * Features f0..f1 of the scratch into `out` (3 float64 per bin: g, h, count); `rootCounts`:
   * the counts from the saved root counts (the kernel did not count).
   */
  private copyOut(mode: number, f0: number, f1: number, out: Float64Array, rootCounts = false): void {
    const cst = mode !== 0;
    const w = cst ? 2 : 4;
    const q0 = f0 * this.nBins;
    const q1 = f1 * this.nBins;
    const buf = this.mem.buffer;
    const s = new Float64Array(buf, this.outOff + q0 * 8 * w, (q1 - q0) * w);
    const c = new Uint32Array(buf, this.outOff + q0 * 8 * w, (q1 - q0) * 2 * w);
    if (rootCounts) {
      const rc = this.rootCounts!;
      for (let q = 0, o = q0 * 3; q < q1 - q0; q++, o += 3) {
        out[o] = s[w * q]!;
        out[o + 1] = cst ? 0 : s[w * q + 1]!;
        out[o + 2] = rc[q0 + q]!;
      }
      return;
    }
    for (let q = 0, o = q0 * 3; q < q1 - q0; q++, o += 3) {
      out[o] = s[w * q]!;
      out[o + 1] = cst ? 0 : s[w * q + 1]!;
      out[o + 2] = c[2 * w * q + w]!;
    }
  }

  /**
   * Run `body` (the boosting loop) with the team: helpers on linalgThreads() - 1 workers stay in
   * `hgbTeamLoop` until `body` returns or throws; `arrays` are what the gradient chunks read and
   * write. Inside `body` other threaded kernels run in the calling thread (the workers are busy).
   * Without workers `body` simply runs alone.
   */
  runTeam(arrays: TeamArrays | null, body: () => void): void {
    const T = linalgThreads();
    if (T < 2 || !hgbTeamTuning.on || typeof SharedArrayBuffer === 'undefined') {
      body();
      return;
    }
    const loopArgs: unknown[] = [this.mod, this.mem, null, null, this.id, this.d, this.nBins, this.partOff, this.ghOff, this.outOff, this.n,
      arrays?.y ?? null, arrays?.raw ?? null, arrays?.sw ?? null, arrays?.g ?? null, arrays?.h ?? null,
      // the leaf of each sample (raw-score update: written by leaves, then read in row order)
      arrays ? new SharedArrayBuffer(2 * this.n) : null];
    const team = new Team(T, loopArgs);
    this.teamRaw = arrays !== null;
    loopArgs[2] = team.ctl.buffer;
    team.ctl[C_SPIN] = hgbTeamTuning.helperSpin;
    loopArgs[3] = team.leaves.buffer;
    const cache = threadCache();
    if (!cache.has(this.id)) cache.set(this.id, this.exp);
    const wrapped = (): void => {
      const prev = setLinalgThreads(1);
      this.team = team;
      try {
        body();
      } finally {
        this.team = null;
        Atomics.store(team.ctl, C_EXIT, 1);
        Atomics.notify(team.ctl, C_WORK);
        setLinalgThreads(prev);
      }
    };
    const tasks: KernelTask[] = [{ fn: 'hgbTeamBody', args: [wrapped] }];
    for (let t = 1; t < T; t++) tasks.push({ fn: 'hgbTeam', args: [...loopArgs, 0] });
    runTasks(tasks);
  }

  /**
   * `raw[off + part[q]] += value` for the samples q of each leaf (start, stop, value), by the team
   * in two jobs: each sample's leaf (chunks of leaves), then the scores in row order (chunks of
   * rows); each score gets its one addition, so any split is exact. False outside `runTeam` (the
   * raw array must be the one given to `runTeam`).
   */
  teamAddLeaves(leaves: readonly { start: number; stop: number; value: number }[], off: number): boolean {
    const team = this.team;
    if (!team || !this.teamRaw || leaves.length > LEAF_TABLE) return false;
    const L = team.leaves;
    const sorted = leaves.slice().sort((a, b) => a.start - b.start);
    let total = 0;
    sorted.forEach((l, i) => {
      L[3 * i] = l.start;
      L[3 * i + 1] = l.stop;
      L[3 * i + 2] = l.value;
      total += l.stop - l.start;
    });
    if (total !== this.n) return false;
    // chunks of consecutive leaves holding about total / k samples each
    const ctl = team.open();
    const k = Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread * 2, sorted.length);
    let c = 0;
    let acc = 0;
    let a = 0;
    for (let i = 0; i < sorted.length; i++) {
      acc += sorted[i]!.stop - sorted[i]!.start;
      if (acc * k >= total * (c + 1) || i === sorted.length - 1) {
        ctl[C_CHUNKS + 2 * c] = a;
        ctl[C_CHUNKS + 2 * c + 1] = i + 1;
        c++;
        a = i + 1;
      }
    }
    // first each sample's leaf (scattered 2-byte writes), then the raw scores in row order: one
    // sequential pass over the scores instead of one scattered read-modify-write per sample
    team.run(OP_LEAF_OF, c);
    team.open();
    const n = this.n;
    const kr = Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread * 2);
    for (let q = 0; q < kr; q++) {
      ctl[C_CHUNKS + 2 * q] = Math.floor((n * q) / kr);
      ctl[C_CHUNKS + 2 * q + 1] = Math.floor((n * (q + 1)) / kr);
    }
    ctl[C_MODE] = off;
    team.run(OP_RAW, kr);
    return true;
  }

  /** Whether the team is running (inside `runTeam`). */
  get teamActive(): boolean {
    return this.team !== null;
  }

  /**
   * Binomial gradients and hessians of `arrays` computed by the team into g, h and the
   * interleaved pairs of the memory (so `setGradients` is not needed). False outside `runTeam`.
   */
  teamBinomialGradients(): boolean {
    const team = this.team;
    this.teamSums = null;
    if (!team) return false;
    const ctl = team.open();
    // chunks of whole blocks of HGB_SUM_BLOCK rows (each block's sums are computed in one piece)
    const B = 32768;
    const n = this.n;
    const nb = Math.ceil(n / B);
    const k = Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread * 2, nb);
    for (let c = 0; c < k; c++) {
      ctl[C_CHUNKS + 2 * c] = B * Math.floor((nb * c) / k);
      ctl[C_CHUNKS + 2 * c + 1] = Math.min(n, B * Math.floor((nb * (c + 1)) / k));
    }
    // the WebAssembly gradients: each chunk gets a slot of the gather area (free between trees)
    const area = this.gGhOff + 8 * this.gCap - this.gRowsOff;
    const slot = Math.floor(area / k / 64) * 64;
    ctl[C_MODE] = hgbTeamTuning.wasmGrad && slot >= 32 ? 1 : 0;
    ctl[C_GDST] = this.gRowsOff;
    ctl[C_GSTRIDE] = slot;
    team.run(OP_BINOMIAL, k);
    hgbThreadStats.grad++;
    const L = team.leaves;
    if (2 * nb <= L.length) {
      // the blocks' sums added in block order: the sums of `blockSum` (grower.ts)
      let sg = L[0]!;
      let sh = L[1]!;
      for (let q = 1; q < nb; q++) {
        sg += L[2 * q]!;
        sh += L[2 * q + 1]!;
      }
      this.teamSums = [sg, sh];
    }
    return true;
  }

  /**
   * The root's sums of g and h of the last `teamBinomialGradients` (block by block, as the
   * grower's `blockSum`), or null (not computed: then the grower sums).
   */
  teamSums: [number, number] | null = null;

  /**
   * y, raw scores and sample weights of a binary log-loss fit (n each, float64) in this memory, or
   * null (the space was created without them): the fit keeps its target, weights and scores here,
   * so `binomialPass` reads and writes them in place (no copies).
   */
  readonly gradViews: { y: Float64Array; raw: Float64Array; sw: Float64Array | null } | null = null;
  private gYOff = 0;
  private gRawOff = 0;
  private gSwOff = 0;
  private gLeafOff = 0;
  private gValOff = 0;
  private gExpOff = 0;
  private gScrOff = 0;
  /** leaves of the last tree waiting to be added to the raw scores by the next `binomialPass` */
  private pendingLeaves = 0;

  /**
   * Keep the leaves (start, stop, value) of the tree just grown (its samples are
   * `partition[start:stop]`, ascending in each leaf) for the next `binomialPass`, which adds each
   * value to its samples' raw scores just before their gradients: each score still gets its one
   * addition, as the separate update, in one pass instead of three. The partition must not change
   * before that pass. False (nothing kept: update now) without `gradViews`, with more than
   * LEAF_TABLE leaves or when the leaves do not cover every sample.
   */
  deferLeaves(leaves: readonly { start: number; stop: number; value: number }[]): boolean {
    if (!this.gradViews || leaves.length > LEAF_TABLE) return false;
    const buf = this.mem.buffer;
    const tab = new Int32Array(buf, this.gLeafOff, 2 * leaves.length);
    const val = new Float64Array(buf, this.gValOff, leaves.length);
    let total = 0;
    leaves.forEach((l, i) => {
      tab[2 * i] = l.start;
      tab[2 * i + 1] = l.stop;
      val[i] = l.value;
      total += l.stop - l.start;
    });
    if (total !== this.n) return false;
    this.pendingLeaves = leaves.length;
    return true;
  }

  /**
   * The binomial gradients of `gradViews` in place (the team's threads in chunks of whole
   * 32768-row blocks inside `runTeam`, else the calling thread), after adding the leaves kept by
   * `deferLeaves` to the raw scores: the interleaved float32 pairs, the root's sums (`teamSums`,
   * by blocks as grower.ts `blockSum`) and then the identity partition. The same kernel on the same
   * rows whoever runs a block: bit-identical for any thread count. False without `gradViews`.
   * `gradients` = false: only the kept leaves' update (no gradients, sums or identity), for fits
   * that read the raw scores before the next gradients (no scattered writes either).
   */
  binomialPass(gradients = true): boolean {
    this.teamSums = null;
    if (!this.gradViews) return false;
    if (!gradients && this.pendingLeaves === 0) return true;
    const n = this.n;
    const B = 32768;
    const nb = Math.ceil(n / B);
    const nLeaves = this.pendingLeaves;
    this.pendingLeaves = 0;
    const swOff = this.gradViews.sw ? this.gSwOff : 0;
    const team = this.team;
    let sg = 0;
    let sh = 0;
    if (team) {
      const ctl = team.open();
      const k = Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread * 2, nb);
      for (let c = 0; c < k; c++) {
        ctl[C_CHUNKS + 2 * c] = B * Math.floor((nb * c) / k);
        ctl[C_CHUNKS + 2 * c + 1] = Math.min(n, B * Math.floor((nb * (c + 1)) / k));
      }
      ctl[C_GRAD] = this.gRawOff;
      ctl[C_GRAD + 1] = this.gYOff;
      ctl[C_GRAD + 2] = swOff;
      ctl[C_GRAD + 3] = this.gLeafOff;
      ctl[C_GRAD + 4] = this.gValOff;
      ctl[C_GRAD + 5] = nLeaves;
      ctl[C_GRAD + 6] = this.gScrOff;
      ctl[C_GRAD + 7] = GRAD_SLOT;
      ctl[C_GRAD + 8] = GRAD_SUB;
      ctl[C_GRAD + 9] = this.gExpOff;
      ctl[C_GRAD + 10] = gradients ? 1 : 0;
      ctl[C_MODE] = 2;
      team.run(OP_BINOMIAL, k);
      if (!gradients) return true;
      hgbThreadStats.grad++;
      // the blocks' sums added in block order (grower.ts `blockSum`; the table holds them: a space
      // under 2 GiB has fewer than 24 n bytes, n < 2^26, nb < 2048)
      const L = team.leaves;
      sg = L[0]!;
      sh = L[1]!;
      for (let q = 1; q < nb; q++) {
        sg += L[2 * q]!;
        sh += L[2 * q + 1]!;
      }
      // the partition was read by every chunk: the identity only now
      team.open();
      const kr = Math.min(C_MAX_CHUNKS, team.size * hgbTeamTuning.chunksPerThread * 2);
      for (let q = 0; q < kr; q++) {
        ctl[C_CHUNKS + 2 * q] = Math.floor((n * q) / kr);
        ctl[C_CHUNKS + 2 * q + 1] = Math.floor((n * (q + 1)) / kr);
      }
      ctl[C_MODE] = 3;
      team.run(OP_BINOMIAL, kr);
    } else {
      const s = new Float64Array(this.mem.buffer, this.gScrOff, 2);
      for (let b0 = 0; b0 < n; b0 += B) {
        const b1 = Math.min(n, b0 + B);
        if (this.exp.binomialBlock(this.gRawOff, this.gYOff, swOff, this.ghOff, this.partOff, this.gLeafOff, this.gValOff, nLeaves, b0, b1, this.gScrOff, GRAD_SUB, this.gExpOff, gradients ? 1 : 0) !== b1 - b0) {
          throw new WorkerError('HistGradientBoosting: a leaf\'s samples are not in ascending order');
        }
        if (b0 === 0) {
          sg = s[0]!;
          sh = s[1]!;
        } else {
          sg += s[0]!;
          sh += s[1]!;
        }
      }
      if (!gradients) return true;
      this.exp.iota(this.partOff, 0, n);
    }
    this.teamSums = [sg, sh];
    return true;
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

/**
 * Synchronous multi-core execution of the kernels in `kernels.ts`.
 *
 * The estimator API is synchronous (`fit` returns `this`), so the asynchronous `core/pool.ts`
 * cannot be used inside it. Here the calling thread posts row blocks to worker threads that hold
 * the same kernel code (serialised with `Function.prototype.toString`), computes its own block,
 * then blocks on `Atomics.wait` until the workers have bumped a shared counter. Operands travel as
 * SharedArrayBuffer views (zero copy). Where worker_threads or SharedArrayBuffer is unavailable
 * (browsers without cross-origin isolation), everything runs in the calling thread: results never
 * depend on the thread count except through the order of floating-point sums across blocks.
 *
 * Other modules add kernels with `registerKernel(name, fn)`: the function's source goes to each
 * worker with the first task of that name (the worker evaluates and caches it), so it must be
 * self-contained (no free variables except globals such as `WebAssembly` and `Math`).
 */
import { gemmCore, gemmCoreWasm, gramBlockCore, gramBlockCoreWasm, micro4x4, packA, packB, rangePassCore, wasmInstall, wasmReserve, wasmSlot } from './kernels.js';
import { InvalidParameterError, WorkerError } from '../core/errors.js';
import { sgemmCore, sgemmCoreTs, sgemmCoreWasm, smicro4x4, spackA, spackB, wasm32Install, wasm32Reserve, wasm32Slot } from './kernels32.js';
import { wasmKernelBytes, wasmSgemmBytes } from './wasm.js';
import { builtin } from '../core/builtin.js';

interface NodeWorker {
  postMessage(m: unknown): void;
  unref(): void;
  on(ev: string, cb: (x: unknown) => void): void;
  terminate(): Promise<number>;
}
interface WorkerThreadsModule {
  Worker: new (src: string, o: { eval: boolean; workerData: unknown; execArgv: string[] }) => NodeWorker;
}

const KERNEL_SOURCE = [packA, packB, micro4x4, wasmInstall, wasmReserve, gemmCoreWasm, gemmCore, gramBlockCoreWasm, gramBlockCore, rangePassCore,
  spackA, spackB, wasm32Install, wasm32Reserve, smicro4x4, sgemmCoreTs, sgemmCoreWasm, sgemmCore].map((f) => f.toString()).join('\n');
// Each worker instantiates its own copy of the WebAssembly kernel from the bytes in workerData
// (linear memories are per thread); every message says whether to use it (setLinalgBackend).
const WORKER_SOURCE = `'use strict';
var __name = globalThis.__name = function (f) { return f; };
var wasmSlot = { on: false, exp: null, f64: new Float64Array(0) };
var wasm32Slot = { on: false, exp: null, f32: new Float32Array(0) };
${KERNEL_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
const FNS = { gemmCore: gemmCore, gramBlockCore: gramBlockCore, sgemmCore: sgemmCore, rangePassCore: rangePassCore };
const HAS_WASM = wasmInstall(workerData.wasm);
const HAS_WASM32 = wasm32Install(workerData.wasm32);
const dead = new Int32Array(workerData.dead);
let cur = null;
// a kernel that ends its thread (process.exit) or throws later (a timer) must not leave the caller
// waiting: flag the call as failed, count this worker as done, and mark the worker dead
function die(code) {
  Atomics.store(dead, 0, 1);
  if (cur) { Atomics.store(cur, 1, code); Atomics.add(cur, 0, 1); Atomics.notify(cur, 0); cur = null; }
}
process.on('exit', function () { die(2); });
process.on('uncaughtException', function () { die(3); process.exit(1); });
parentPort.on('message', function (m) {
  const ctl = new Int32Array(m.ctl);
  cur = ctl;
  wasmSlot.on = HAS_WASM && m.wasm;
  wasm32Slot.on = HAS_WASM32 && m.wasm32;
  try {
    if (m.src !== undefined) FNS[m.fn] = (0, eval)('(' + m.src + ')');
    FNS[m.fn].apply(null, m.args);
  } catch (e) { Atomics.store(ctl, 1, 1); }
  cur = null;
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
});
(function warm() {
  // let the JIT optimise the kernels before real work arrives (the first large call would otherwise
  // run partly in the interpreter)
  const a = new Float64Array(96 * 300), c = new Float64Array(96 * 96), mu = new Float64Array(96);
  for (let i = 0; i < a.length; i++) a[i] = (i % 7) * 0.1;
  for (let r = 0; r < 30; r++) {
    wasmSlot.on = HAS_WASM && r % 2 === 1;
    gemmCore(r % 2 === 0, r % 3 === 0, 96, 96, 300, 1, a, 0, r % 2 === 0 ? 96 : 300, a, 0, r % 3 === 0 ? 300 : 96, c, 0, 96, r % 4 === 0, false);
    if (r % 5 === 0) gramBlockCore(a, 0, 0, 300, 96, mu, r % 10 === 0 ? null : c, c);
  }
  // float32 kernels: small shapes (the TypeScript path is slow, and start-up time counts)
  const s = new Float32Array(48 * 100), sc = new Float32Array(48 * 48);
  for (let r = 0; r < 12; r++) {
    wasm32Slot.on = HAS_WASM32 && r % 2 === 1;
    sgemmCore(r % 4 < 2, r % 3 === 0, 48, 48, 100, 1, s, 0, r % 4 < 2 ? 48 : 100, s, 0, r % 3 === 0 ? 100 : 48, sc, 0, 48);
  }
  wasmSlot.on = false;
  wasm32Slot.on = false;
})();
const ready = new Int32Array(workerData.ready);
Atomics.add(ready, 0, 1);
Atomics.notify(ready, 0);
`;

/**
 * A kernel call: the name of a built-in kernel of `kernels.ts` ('gemmCore', 'gramBlockCore') or of
 * one added with `registerKernel`, and its arguments (structured-cloneable: numbers, strings,
 * typed arrays on SharedArrayBuffer for outputs, `WebAssembly.Module`, shared `WebAssembly.Memory`).
 */
export interface KernelTask {
  fn: string;
  args: unknown[];
}

type KernelFn = (...args: never[]) => void;
/** Kernels added by `registerKernel`: the function (run in this thread) and its source (sent to workers). */
const registered = new Map<string, { fn: KernelFn; src: string }>();
/** Per worker: the source last sent for each registered name. */
let sentSrc: Map<string, string>[] = [];

let workers: NodeWorker[] = [];
let broken = false;
let maxThreads: number | null = null;


function hardwareThreads(): number {
  const os = builtin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/**
 * Number of threads the linear-algebra kernels may use (default: all hardware threads; 1 where
 * worker_threads or SharedArrayBuffer is missing).
 */
export function linalgThreads(): number {
  if (broken || typeof SharedArrayBuffer === 'undefined' || !builtin('node:worker_threads')) return 1;
  return Math.max(1, maxThreads ?? hardwareThreads());
}

/**
 * Cap the number of threads used by the kernels (1 = single-threaded). Returns the previous cap.
 *
 * @example
 * setLinalgThreads(1); // deterministic single-thread sums, no worker start-up
 */
export function setLinalgThreads(n: number | null): number | null {
  const prev = maxThreads;
  maxThreads = n === null ? null : Math.max(1, Math.floor(n));
  return prev;
}

/** Per worker: a flag it sets when it exits (process.exit in a kernel, an uncaught error). */
let deadFlags: Int32Array[] = [];
/** Workers that died and were replaced (for tests). */
export const linalgWorkerStats = { replaced: 0 };

/** Drop the workers that died; the next `ensureWorkers` starts fresh ones in their place. */
function reapDead(): void {
  if (!deadFlags.some((f) => Atomics.load(f, 0) !== 0)) return;
  const keep: number[] = [];
  workers.forEach((w, i) => {
    if (Atomics.load(deadFlags[i]!, 0) === 0) keep.push(i);
    else { linalgWorkerStats.replaced++; void w.terminate().catch(() => 0); }
  });
  workers = keep.map((i) => workers[i]!);
  sentSrc = keep.map((i) => sentSrc[i]!);
  deadFlags = keep.map((i) => deadFlags[i]!);
}

/** Workers started by `startWorkers` that have not reported ready yet (joined by `ensureWorkers`). */
let pending: { fresh: NodeWorker[]; flags: Int32Array[]; ready: Int32Array } | null = null;

/** Start workers until `n` exist or are starting, without waiting for them. False if they cannot start. */
function spawnWorkers(n: number): boolean {
  const have = workers.length + (pending ? pending.fresh.length : 0);
  if (have >= n) return true;
  const wt = builtin<WorkerThreadsModule>('node:worker_threads');
  if (!wt) return false;
  const batch = pending ?? { fresh: [], flags: [], ready: new Int32Array(new SharedArrayBuffer(4)) };
  try {
    for (let i = have; i < n; i++) {
      const dead = new Int32Array(new SharedArrayBuffer(4));
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { ready: batch.ready.buffer, wasm: wasmKernelBytes(), wasm32: wasmSgemmBytes(), dead: dead.buffer }, execArgv: [] });
      w.on('error', () => { /* reported through the dead flag */ });
      w.unref();
      batch.fresh.push(w);
      batch.flags.push(dead);
    }
  } catch {
    broken = true;
    pending = null;
    return false;
  }
  pending = batch;
  return true;
}

/**
 * Start the worker threads a coming threaded computation will use (`linalgThreads() - 1`) without
 * waiting for them: they boot (a Node isolate each, ~0.1-0.3 s) while the calling thread goes on;
 * the first `runTasks` then waits only for what is left. Nothing happens with 1 thread.
 */
export function startWorkers(): void {
  reapDead();
  const n = linalgThreads() - 1;
  if (n > 0 && !broken) spawnWorkers(n);
}

function ensureWorkers(n: number): boolean {
  reapDead();
  if (workers.length >= n && !pending) return true;
  if (!spawnWorkers(n)) return false;
  const batch = pending!;
  const deadline = Date.now() + 20000;
  for (;;) {
    const c = Atomics.load(batch.ready, 0);
    if (c >= batch.fresh.length) break;
    if (Date.now() > deadline) { broken = true; pending = null; return false; }
    Atomics.wait(batch.ready, 0, c, 50);
  }
  pending = null;
  workers = workers.concat(batch.fresh);
  deadFlags = deadFlags.concat(batch.flags);
  sentSrc = sentSrc.concat(batch.fresh.map(() => new Map<string, string>()));
  return true;
}

const LOCAL: Record<string, KernelFn> = { gemmCore: gemmCore as KernelFn, gramBlockCore: gramBlockCore as KernelFn, sgemmCore: sgemmCore as KernelFn, rangePassCore: rangePassCore as KernelFn };

/**
 * Make `fn` runnable by `runTasks` under `name`. Worker threads get `fn.toString()` with the
 * first task of that name and evaluate it once, so `fn` must be self-contained: a plain
 * `function` (or arrow) whose body uses only its arguments and globals (`Math`, `WebAssembly`,
 * `Atomics`, `globalThis` for a per-thread cache...), no imports or closed-over variables.
 * Registering the name again replaces the kernel (workers get the new source). Built-in names
 * cannot be replaced.
 *
 * @example
 * registerKernel('scaleRows', function (x: Float64Array, from: number, to: number, a: number) {
 *   for (let i = from; i < to; i++) x[i] *= a;
 * });
 * const x = sharedFloat64(1 << 20).fill(1);
 * runTasks([{ fn: 'scaleRows', args: [x, 0, 1 << 19, 2] }, { fn: 'scaleRows', args: [x, 1 << 19, 1 << 20, 2] }]);
 */
export function registerKernel(name: string, fn: (...args: never[]) => void): void {
  if (typeof name !== 'string' || name === '' || name in LOCAL) throw new InvalidParameterError('name', 'a non-empty name other than the built-in kernels (gemmCore, gramBlockCore, sgemmCore, rangePassCore)', name, 'registerKernel');
  if (typeof fn !== 'function') throw new InvalidParameterError('fn', 'a function', typeof fn, 'registerKernel');
  const src = fn.toString();
  // class methods and method shorthand (`f(x) {}`) do not evaluate as expressions
  if (!/^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(src)) throw new InvalidParameterError('fn', 'a function expression or arrow function (not a method)', src.slice(0, 40), 'registerKernel');
  registered.set(name, { fn, src });
}

function localKernel(name: string): KernelFn {
  const f = LOCAL[name] ?? registered.get(name)?.fn;
  if (!f) throw new InvalidParameterError('fn', 'a built-in or registered kernel name', name, 'runTasks');
  return f;
}

/**
 * Run the tasks, task 0 in the calling thread and task t on worker t - 1, and return when all are
 * done (at most `linalgThreads()` tasks should be given at once). Runs them one after another in
 * the calling thread when workers are unavailable or `setLinalgThreads(1)` is in effect. Throws if
 * a kernel threw in a worker (the other tasks have finished by then).
 *
 * @example
 * const out = sharedFloat64(2);
 * registerKernel('fillOne', function (a: Float64Array, i: number) { a[i] = i + 1; });
 * runTasks([{ fn: 'fillOne', args: [out, 0] }, { fn: 'fillOne', args: [out, 1] }]); // out = [1, 2]
 */
export function runTasks(tasks: KernelTask[]): void {
  if (tasks.length === 0) return;
  const fns = tasks.map((t) => localKernel(t.fn) as (...a: unknown[]) => void);
  if (tasks.length === 1 || linalgThreads() <= 1 || !ensureWorkers(tasks.length - 1)) {
    tasks.forEach((t, i) => fns[i]!(...t.args));
    return;
  }
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  for (let t = 1; t < tasks.length; t++) {
    const { fn, args } = tasks[t]!;
    const reg = registered.get(fn);
    const sent = sentSrc[t - 1]!;
    let src: string | undefined;
    if (reg && sent.get(fn) !== reg.src) {
      src = reg.src;
      sent.set(fn, src);
    }
    workers[t - 1]!.postMessage({ ctl: ctl.buffer, fn, args, wasm: wasmSlot.on, wasm32: wasm32Slot.on, src });
  }
  let localError: unknown = null;
  try {
    fns[0]!(...tasks[0]!.args);
  } catch (e) {
    localError = e;
  }
  // always wait for the workers: they write into the caller's buffers
  const need = tasks.length - 1;
  for (;;) {
    const done = Atomics.load(ctl, 0);
    if (done >= need) break;
    Atomics.wait(ctl, 0, done, 1000);
  }
  if (localError !== null) throw localError;
  const status = Atomics.load(ctl, 1);
  if (status !== 0) {
    const names = [...new Set(tasks.slice(1).map((t) => t.fn))].join(', ');
    throw new WorkerError(status === 1
      ? `linalg: kernel ${names} failed in a worker thread (it threw; the other tasks finished)`
      : `linalg: a worker thread running kernel ${names} ${status === 2 ? 'exited (process.exit)' : 'died of an uncaught error'}; it is replaced on the next call`);
  }
}

/** A Float64Array of `length` on a SharedArrayBuffer (a plain one where SharedArrayBuffer is missing). */
export function sharedFloat64(length: number): Float64Array {
  return typeof SharedArrayBuffer === 'undefined' ? new Float64Array(length) : new Float64Array(new SharedArrayBuffer(length * 8));
}

/** `a` itself when it already lives on a SharedArrayBuffer, else a shared copy. */
export function toShared(a: Float64Array): Float64Array {
  if (typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer) return a;
  const s = sharedFloat64(a.length);
  s.set(a);
  return s;
}

/** Reusable SharedArrayBuffers for `toSharedScratch` (one per operand slot). */
const scratch: Record<'a' | 'b' | 'c', SharedArrayBuffer | null> = { a: null, b: null, c: null };
/** Scratch buffers above this size are not kept after use. */
const SCRATCH_KEEP_BYTES = 1 << 28;

/**
 * `a` itself when it already lives on a SharedArrayBuffer, else a view of a reusable shared scratch
 * buffer of the slot (filled with `a` when `copy`). Fresh SharedArrayBuffers are expensive to
 * touch from several threads (first-touch page faults serialise them), so one buffer per operand
 * slot is kept across calls. The view is valid until the next call with the same slot.
 */
export function toSharedScratch(a: Float64Array, slot: 'a' | 'b' | 'c', copy = true): Float64Array {
  if (typeof SharedArrayBuffer === 'undefined' || a.buffer instanceof SharedArrayBuffer) return a;
  const need = a.length * 8;
  let buf = scratch[slot];
  if (!buf || buf.byteLength < need) {
    buf = new SharedArrayBuffer(Math.max(need, 8));
    scratch[slot] = need <= SCRATCH_KEEP_BYTES ? buf : null;
  }
  const v = new Float64Array(buf, 0, a.length);
  if (copy) v.set(a);
  return v;
}


/** Reusable SharedArrayBuffers for `toSharedScratch32` (float32 operands of `sgemm`). */
const scratch32: Record<'a' | 'b' | 'c', SharedArrayBuffer | null> = { a: null, b: null, c: null };

/** `toSharedScratch` for Float32Array operands (separate slots, same reuse rules). */
export function toSharedScratch32(a: Float32Array, slot: 'a' | 'b' | 'c', copy = true): Float32Array {
  if (typeof SharedArrayBuffer === 'undefined' || a.buffer instanceof SharedArrayBuffer) return a;
  const need = a.length * 4;
  let buf = scratch32[slot];
  if (!buf || buf.byteLength < need) {
    buf = new SharedArrayBuffer(Math.max(need, 8));
    scratch32[slot] = need <= SCRATCH_KEEP_BYTES ? buf : null;
  }
  const v = new Float32Array(buf, 0, a.length);
  if (copy) v.set(a);
  return v;
}

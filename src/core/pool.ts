import {
  AbortError, ConvergenceWarning, DataError, DeepmineError, describeValue, InvalidParameterError, IOError, NotFittedError, ResourceError, ShapeError, WorkerError,
} from './errors.js';
import { builtin } from './builtin.js';

/**
 * The process-wide worker pool for parallel work (`nJobs`). A task names a module (URL) and one of
 * its exported functions; arguments are structured-cloned, so pass big inputs as
 * SharedArrayBuffer (zero copy) and let each task work on its own row block. In a browser, or with
 * nJobs = 1, tasks run in the calling thread through the same code path, so results never depend
 * on nJobs.
 *
 * Failure semantics (issue 13):
 * - a worker that dies (uncaught error, out of memory, `process.exit` in a task, `terminate`) is
 *   replaced; only the task that was running on it fails, with a {@link WorkerError} naming the
 *   cause (exit code, or the worker's error as `cause`);
 * - the pool is created once per process and only grows: a call that needs more workers adds
 *   them, it never closes the pool under another call's running tasks;
 * - errors thrown by a task keep their class and fields across the thread boundary (a DataError
 *   arrives as a DataError with the same `argument`, `expected`...) through a registry of error
 *   classes ({@link registerErrorClass});
 * - `signal` (an AbortSignal) cancels: queued tasks are dropped, a running task's worker is
 *   terminated (then replaced), and the call rejects with an {@link AbortError};
 * - idle workers are unref'd, so they never keep the process alive; a busy worker is ref'd while
 *   the caller awaits it.
 */
export interface PoolTask {
  /** Module URL, e.g. `new URL('./kernels.js', import.meta.url).href`. */
  module: string;
  /** Exported function name; it gets `...args` and may return a Promise. */
  fn: string;
  args: unknown[];
}

/** The part of `AbortSignal` the pool uses (browser-safe, no DOM lib needed). */
export interface SignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', cb: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: 'abort', cb: () => void): void;
}

/** Options of {@link WorkerPool.run} and {@link parallelMap}. */
export interface RunOptions {
  /** Cancels the call: queued tasks are dropped, running ones terminated; rejects with AbortError. */
  signal?: SignalLike | null;
  /** Name used in error messages (e.g. 'crossValidate'). */
  owner?: string;
}

interface NodeWorker {
  postMessage(m: unknown): void;
  on(ev: string, cb: (x: never) => void): void;
  terminate(): Promise<number>;
  unref(): void;
  ref(): void;
  readonly threadId: number;
}
interface WorkerThreads {
  Worker: new (src: string, o: { eval: boolean; execArgv?: string[] }) => NodeWorker;
}

// Errors are sent as {name, message, stack, fields}; fields that cannot be cloned are sent as text.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let tsx = null;
async function load(url) {
  if (url.endsWith('.ts') && !tsx) { tsx = await import('tsx/esm/api'); tsx.register(); }
  return import(url);
}
function ser(e, safe) {
  if (e === null || typeof e !== 'object') return { name: 'Error', message: String(e), fields: {} };
  const fields = {};
  for (const k of Object.keys(e)) {
    if (k === 'name' || k === 'message' || k === 'stack') continue;
    const v = e[k];
    fields[k] = safe && v !== null && typeof v === 'object' || typeof v === 'function' || typeof v === 'symbol' ? String(v) : v;
  }
  return { name: String(e.name), message: String(e.message), stack: String(e.stack), fields };
}
function fail(id, e) {
  try { parentPort.postMessage({ id, ok: false, error: ser(e, false) }); }
  catch { parentPort.postMessage({ id, ok: false, error: ser(e, true) }); }
}
parentPort.on('message', async ({ id, module, fn, args }) => {
  let result;
  try {
    const m = await load(module);
    if (typeof m[fn] !== 'function') throw new Error('worker task: ' + module + ' has no exported function ' + fn);
    result = await m[fn](...args);
  } catch (e) { fail(id, e); return; }
  try { parentPort.postMessage({ id, ok: true, result }); }
  catch (e) { fail(id, e); }
});
`;

/** Number of hardware threads, or 1 where unknown. */
export function cpuCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const os = builtin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  return 1;
}


/** scikit-learn's n_jobs semantics: null -> 1, -1 -> all cores, -2 -> all but one, k > 0 -> k. */
export function resolveNJobs(nJobs: number | null | undefined, owner?: string): number {
  if (nJobs === null || nJobs === undefined) return 1;
  if (!Number.isInteger(nJobs) || nJobs === 0) throw new InvalidParameterError('nJobs', 'a non-zero integer or null (-1 = all cores)', nJobs, owner);
  const cpus = cpuCount();
  return nJobs < 0 ? Math.max(1, cpus + 1 + nJobs) : nJobs;
}

// ---------------------------------------------------------------------------------------------
// error classes across the thread boundary

type ErrorClass = abstract new (...args: never[]) => Error;
const errorClasses = new Map<string, ErrorClass>();

/**
 * Make errors of class `cls` keep their class and fields when thrown in a worker task. The
 * deepmine error classes and the built-in ones (TypeError, RangeError...) are registered already.
 * Fields travel by structured clone (text where they cannot be cloned); the constructor is not
 * called again.
 */
export function registerErrorClass(cls: ErrorClass, name: string = cls.name): void {
  errorClasses.set(name, cls);
}
for (const c of [DeepmineError, InvalidParameterError, DataError, ShapeError, NotFittedError, IOError, ConvergenceWarning, ResourceError, AbortError, WorkerError,
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError] as ErrorClass[]) registerErrorClass(c);

interface SerialError { name: string; message: string; stack?: string; fields?: Record<string, unknown> }

/** Rebuild an error sent by a worker: same class (when registered), message, fields and stack. */
export function reviveError(s: SerialError): Error {
  const cls = errorClasses.get(s?.name);
  const e: Error = cls ? Object.create(cls.prototype as object) : new Error();
  Object.defineProperty(e, 'message', { value: String(s?.message ?? 'worker task failed'), writable: true, configurable: true });
  if (cls && e instanceof DeepmineError) e.name = s.name; // deepmine errors carry name as an own field
  else if (!cls || e.name !== s.name) Object.defineProperty(e, 'name', { value: String(s?.name ?? 'Error'), writable: true, configurable: true });
  for (const [k, v] of Object.entries(s?.fields ?? {})) if (k !== '__proto__' && k !== 'constructor') (e as unknown as Record<string, unknown>)[k] = v;
  Object.defineProperty(e, 'stack', { value: `${s?.stack ?? `${s?.name}: ${s?.message}`}\n    (rethrown from a worker thread)`, writable: true, configurable: true });
  return e;
}

function abortError(signal: SignalLike, owner: string | undefined): AbortError {
  const r = signal.reason;
  // the default reason of AbortController.abort() is a DOMException 'AbortError': not worth repeating
  return new AbortError(owner, r === undefined || (r instanceof Error && r.name === 'AbortError') ? undefined : r instanceof Error ? r.message : r);
}

/** Throw an AbortError when `signal` is aborted (for loops in the calling thread). */
export function throwIfAborted(signal: SignalLike | null | undefined, owner?: string): void {
  if (signal?.aborted) throw abortError(signal, owner);
}

/** Check an options `signal` value (AbortSignal-like or null/undefined). */
export function checkSignal(signal: unknown, owner?: string): SignalLike | null {
  if (signal === undefined || signal === null) return null;
  const s = signal as SignalLike;
  if (typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw new InvalidParameterError('signal', 'an AbortSignal (e.g. AbortSignal.timeout(5000)) or null', signal, owner);
  }
  return s;
}

/** Resolve after letting timers and I/O run (setImmediate in Node, a macrotask elsewhere). */
export function yieldToEventLoop(): Promise<void> {
  const si = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (si ? si(resolve) : setTimeout(resolve, 0)));
}

// ---------------------------------------------------------------------------------------------
// the pool

interface Job {
  task: PoolTask;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  owner: string | undefined;
  signal: SignalLike | null;
  onAbort: (() => void) | null;
  slot: Slot | null;
  settled: boolean;
}
interface Slot {
  w: NodeWorker;
  job: Job | null;
  dead: boolean;
  /** the error event before the exit event (uncaught error, out of memory) */
  cause: unknown;
}

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private closed = false;
  private nextId = 0;
  private readonly byId = new Map<number, Job>();
  private readonly idOf = new Map<Job, number>();
  /** Workers that died or were terminated and then replaced (for tests and the soak benchmark). */
  replaced = 0;

  private constructor(private size: number, private readonly wt: WorkerThreads) {}

  /** A pool that starts up to `size` workers on demand (Node). Null where worker_threads is unavailable (browser). */
  static async create(size: number): Promise<WorkerPool | null> {
    const wt = builtin<WorkerThreads>('node:worker_threads');
    if (!wt) return null;
    return new WorkerPool(Math.max(1, size), wt);
  }

  /** Current target number of workers (it only grows). */
  get capacity(): number {
    return this.size;
  }
  /** Live workers (started and not dead). */
  get liveWorkers(): number {
    return this.slots.filter((s) => !s.dead).length;
  }
  /** Tasks running or queued. */
  get pendingTasks(): number {
    return this.byId.size + this.queue.length;
  }
  /** Thread ids of the live workers (for tests). */
  get threadIds(): number[] {
    return this.slots.filter((s) => !s.dead).map((s) => s.w.threadId);
  }

  /** Grow to at least `size` workers (never shrinks, never interrupts running tasks). */
  ensureSize(size: number): void {
    if (size > this.size) this.size = size;
    this.pump();
  }

  run<T>(task: PoolTask, opts: RunOptions = {}): Promise<T> {
    const signal = opts.signal ?? null;
    if (this.closed) return Promise.reject(new WorkerError(`${opts.owner ? opts.owner + ': ' : ''}the worker pool was closed (closePool); the next call creates a new one`));
    if (signal?.aborted) return Promise.reject(abortError(signal, opts.owner));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { task, resolve: resolve as (v: unknown) => void, reject, owner: opts.owner, signal, onAbort: null, slot: null, settled: false };
      if (signal) {
        job.onAbort = () => this.abortJob(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private settle(job: Job, ok: boolean, v: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    const id = this.idOf.get(job);
    if (id !== undefined) { this.byId.delete(id); this.idOf.delete(job); }
    if (ok) job.resolve(v);
    else job.reject(v);
  }

  private abortJob(job: Job): void {
    if (job.settled) return;
    const q = this.queue.indexOf(job);
    if (q >= 0) this.queue.splice(q, 1);
    const slot = job.slot;
    this.settle(job, false, abortError(job.signal!, job.owner));
    // a synchronous task cannot be interrupted: terminate its worker (it is replaced in pump)
    if (slot && slot.job === job) this.kill(slot);
  }

  private kill(slot: Slot): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.job = null;
    this.slots = this.slots.filter((s) => s !== slot);
    this.replaced++;
    slot.w.ref(); // keep the loop alive until it has exited
    void slot.w.terminate().catch(() => {}).finally(() => { slot.w.unref(); this.pump(); });
  }

  private spawn(): Slot | null {
    let w: NodeWorker;
    try {
      // the bootstrap is CommonJS: drop an --input-type=module the parent may have been started with
      const argv = (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? [];
      const execArgv = argv.filter((a, i) => !a.startsWith('--input-type') && !(i > 0 && argv[i - 1] === '--input-type'));
      w = new this.wt.Worker(WORKER_SOURCE, { eval: true, execArgv });
    } catch (e) {
      const job = this.queue.shift();
      if (job) this.settle(job, false, new WorkerError(`${job.owner ? job.owner + ': ' : ''}could not start a worker thread (${describeValue(e instanceof Error ? e.message : e)})`, { cause: e }));
      return null;
    }
    const slot: Slot = { w, job: null, dead: false, cause: undefined };
    w.on('message', (msg: never) => this.onMessage(slot, msg));
    w.on('error', (err: never) => { slot.cause = err; });
    w.on('exit', (code: never) => this.onExit(slot, code));
    w.unref();
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.dead && s.job === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        const s = this.spawn();
        if (!s) continue;
        slot = s;
      }
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.byId.set(id, job);
      this.idOf.set(job, id);
      job.slot = slot;
      slot.job = job;
      slot.w.ref();
      try {
        slot.w.postMessage({ id, module: job.task.module, fn: job.task.fn, args: job.task.args });
      } catch (e) {
        // arguments that cannot be cloned: the worker is fine
        slot.job = null;
        slot.w.unref();
        this.settle(job, false, e);
      }
    }
  }

  private onMessage(slot: Slot, msg: { id: number; ok: boolean; result?: unknown; error?: SerialError }): void {
    const job = this.byId.get(msg.id);
    if (slot.job && slot.job === job) {
      slot.job = null;
      slot.w.unref();
    }
    if (job) this.settle(job, msg.ok, msg.ok ? msg.result : reviveError(msg.error!));
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    const job = slot.job;
    const wasLive = !slot.dead;
    slot.dead = true;
    slot.job = null;
    this.slots = this.slots.filter((s) => s !== slot);
    if (wasLive) this.replaced++;
    if (job && !job.settled) {
      const cause = slot.cause;
      const oom = (cause as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const why = oom ? 'ran out of memory' : cause !== undefined ? `died of an uncaught ${cause instanceof Error ? `${cause.name}: ${cause.message}` : describeValue(cause)}` : `exited with code ${code} (process.exit or a crash)`;
      const e = new WorkerError(`${job.owner ? job.owner + ': ' : ''}the worker thread running '${job.task.fn}' ${why}; the task failed and the worker was replaced`, { cause });
      (e as WorkerError & { exitCode?: number; task?: string }).exitCode = code;
      (e as WorkerError & { exitCode?: number; task?: string }).task = job.task.fn;
      this.settle(job, false, e);
    }
    this.pump();
  }

  /**
   * Run the tasks and resolve with their results in order. On the first failure the call rejects
   * with that error and its tasks still queued are dropped (running ones finish, their results
   * ignored); no rejection is ever left unhandled.
   */
  runMany<T>(tasks: PoolTask[], opts: RunOptions = {}): Promise<T[]> {
    if (tasks.length === 0) return Promise.resolve([]);
    const out = new Array<T>(tasks.length);
    // an internal controller drops this call's queued tasks after a failure
    const inner = new AbortLink(opts.signal ?? null);
    return new Promise<T[]>((resolve, reject) => {
      let left = tasks.length, failed = false;
      tasks.forEach((t, i) => {
        this.run<T>(t, { owner: opts.owner, signal: inner }).then(
          (v) => { out[i] = v; if (--left === 0 && !failed) { inner.dispose(); resolve(out); } },
          (e) => {
            if (failed) return;
            failed = true;
            inner.dispose();
            this.dropQueued(inner);
            reject(e);
          },
        );
      });
    });
  }

  private dropQueued(signal: SignalLike): void {
    for (const job of this.queue.slice()) if (job.signal === signal) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.settle(job, false, new AbortError(job.owner, 'another task of the same call failed'));
    }
  }

  /** Terminate every worker; running and queued tasks reject with a WorkerError. */
  async close(): Promise<void> {
    this.closed = true;
    const err = () => new WorkerError('the worker pool was closed (closePool) before the task finished');
    for (const job of this.queue.splice(0)) this.settle(job, false, err());
    for (const job of [...this.byId.values()]) this.settle(job, false, err());
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) { s.dead = true; s.job = null; s.w.ref(); }
    await Promise.all(slots.map((s) => s.w.terminate().catch(() => 0)));
  }
}

/** A signal that follows a parent signal (if any) and can be disposed; used to group a call's tasks. */
class AbortLink implements SignalLike {
  private listeners = new Set<() => void>();
  private readonly onParent = () => this.fire();
  aborted = false;
  reason: unknown = undefined;
  constructor(private readonly parent: SignalLike | null) {
    if (parent?.aborted) { this.aborted = true; this.reason = parent.reason; }
    else parent?.addEventListener('abort', this.onParent, { once: true });
  }
  private fire(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = this.parent?.reason;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
  addEventListener(_t: 'abort', cb: () => void): void { this.listeners.add(cb); }
  removeEventListener(_t: 'abort', cb: () => void): void { this.listeners.delete(cb); }
  dispose(): void { this.parent?.removeEventListener('abort', this.onParent); }
}

let shared: Promise<WorkerPool | null> | null = null;

/** The process-wide pool, grown to at least `size` workers (created once; never replaced while in use). */
export async function getPool(size: number): Promise<WorkerPool | null> {
  shared ??= WorkerPool.create(size);
  const pool = await shared;
  pool?.ensureSize(size);
  return pool;
}

/**
 * Close the shared pool (tests call this; it is never needed before exit, idle workers are
 * unref'd). Tasks still running reject with a WorkerError; the next call creates a new pool.
 */
export async function closePool(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await (await s)?.close();
}

/** Options of {@link parallelMap}. */
export type ParallelMapOptions = RunOptions;

/**
 * Run `fn` of `module` once per argument list, over `nJobs` workers; results keep the input order.
 * nJobs = 1 (or no worker support) runs in this thread, checking `signal` between tasks.
 * Rejects with the first task's error (its class kept), a WorkerError if a worker died, or an
 * AbortError when `signal` fires.
 */
export async function parallelMap<T>(nJobs: number | null | undefined, module: string, fn: string, argLists: unknown[][], opts: ParallelMapOptions = {}): Promise<T[]> {
  const n = resolveNJobs(nJobs, opts.owner);
  const signal = checkSignal(opts.signal, opts.owner);
  throwIfAborted(signal, opts.owner);
  if (n === 1 || argLists.length <= 1) return runLocal<T>(module, fn, argLists, signal, opts.owner);
  const pool = await getPool(Math.min(n, argLists.length));
  if (!pool) return runLocal<T>(module, fn, argLists, signal, opts.owner);
  return pool.runMany<T>(argLists.map((args) => ({ module, fn, args })), { signal, owner: opts.owner });
}

async function runLocal<T>(module: string, fn: string, argLists: unknown[][], signal: SignalLike | null, owner: string | undefined): Promise<T[]> {
  const m = (await import(module)) as Record<string, (...a: unknown[]) => T | Promise<T>>;
  if (typeof m[fn] !== 'function') throw new Error(`parallelMap: ${module} has no exported function ${fn}`);
  const out: T[] = [];
  for (const args of argLists) {
    throwIfAborted(signal, owner);
    out.push(await m[fn](...args));
    if (signal) await yieldToEventLoop(); // let an abort (timer, event) be seen between tasks
  }
  throwIfAborted(signal, owner);
  return out;
}

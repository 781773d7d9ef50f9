import { InvalidParameterError } from './errors.js';

/**
 * A small worker pool for parallel kernels (`nJobs`). A task names a module (URL) and one of its
 * exported functions; arguments are structured-cloned, so pass big inputs as SharedArrayBuffer
 * (zero copy) and let each task work on its own row block. In a browser, or with nJobs = 1, tasks
 * run in the calling thread through the same code path, so results never depend on nJobs.
 */
export interface PoolTask {
  /** Module URL, e.g. `new URL('./kernels.js', import.meta.url).href`. */
  module: string;
  /** Exported function name; it gets `...args` and may return a Promise. */
  fn: string;
  args: unknown[];
}

interface NodeWorker {
  postMessage(m: unknown): void;
  on(ev: string, cb: (x: never) => void): void;
  terminate(): Promise<number>;
  unref(): void;
  ref(): void;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let tsx = null;
async function load(url) {
  if (url.endsWith('.ts') && !tsx) { tsx = await import('tsx/esm/api'); tsx.register(); }
  return import(url);
}
parentPort.on('message', async ({ id, module, fn, args }) => {
  try {
    const m = await load(module);
    if (typeof m[fn] !== 'function') throw new Error('worker task: ' + module + ' has no exported function ' + fn);
    const result = await m[fn](...args);
    parentPort.postMessage({ id, ok: true, result });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: { name: e && e.name, message: e && e.message, stack: e && e.stack } });
  }
});
`;

/** Number of hardware threads, or 1 where unknown. */
export function cpuCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return proc?.versions?.node ? nodeCpuCount : 1;
}
let nodeCpuCount = 1;

/** scikit-learn's n_jobs semantics: null -> 1, -1 -> all cores, -2 -> all but one, k > 0 -> k. */
export function resolveNJobs(nJobs: number | null | undefined, owner?: string): number {
  if (nJobs === null || nJobs === undefined) return 1;
  if (!Number.isInteger(nJobs) || nJobs === 0) throw new InvalidParameterError('nJobs', 'a non-zero integer or null (-1 = all cores)', nJobs, owner);
  const cpus = cpuCount();
  return nJobs < 0 ? Math.max(1, cpus + 1 + nJobs) : nJobs;
}

export class WorkerPool {
  private workers: NodeWorker[] = [];
  private idle: NodeWorker[] = [];
  private queue: { task: PoolTask; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; w: NodeWorker }>();
  private nextId = 0;
  private closed = false;
  /** Keeps the event loop alive while tasks are in flight (workers themselves are unref'd). */
  private keepAlive: ReturnType<typeof setInterval> | null = null;

  private constructor(readonly size: number) {}

  /** A pool of `size` workers (Node). Returns null where worker_threads is unavailable (browser). */
  static async create(size: number): Promise<WorkerPool | null> {
    let wt: { Worker: new (src: string, o: { eval: boolean }) => NodeWorker };
    try {
      wt = (await import('node:worker_threads' as string)) as typeof wt;
      const os = (await import('node:os' as string)) as { availableParallelism?: () => number; cpus: () => unknown[] };
      nodeCpuCount = os.availableParallelism?.() ?? os.cpus().length;
    } catch {
      return null;
    }
    const pool = new WorkerPool(size);
    for (let i = 0; i < size; i++) {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true });
      w.on('message', (msg: never) => pool.onMessage(w, msg));
      w.on('error', (err: never) => pool.onError(w, err));
      w.unref();
      pool.workers.push(w);
      pool.idle.push(w);
    }
    return pool;
  }

  run<T>(task: PoolTask): Promise<T> {
    if (this.closed) return Promise.reject(new Error('WorkerPool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const { task, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, w });
      this.keepAlive ??= setInterval(() => {}, 1 << 30);
      w.ref();
      w.postMessage({ id, module: task.module, fn: task.fn, args: task.args });
    }
  }

  private onMessage(w: NodeWorker, msg: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string; stack: string } }): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    this.release();
    w.unref();
    this.idle.push(w);
    if (msg.ok) p.resolve(msg.result);
    else {
      const e = new Error(msg.error?.message ?? 'worker task failed');
      e.name = msg.error?.name ?? 'Error';
      if (msg.error?.stack) e.stack = msg.error.stack;
      p.reject(e);
    }
    this.pump();
  }

  private onError(w: NodeWorker, err: unknown): void {
    for (const [id, p] of this.pending) if (p.w === w) { this.pending.delete(id); p.reject(err); }
    this.release();
  }

  private release(): void {
    if (this.pending.size === 0 && this.queue.length === 0 && this.keepAlive) { clearInterval(this.keepAlive); this.keepAlive = null; }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(new Error('WorkerPool closed before the task finished')); }
    for (const q of this.queue.splice(0)) q.reject(new Error('WorkerPool closed before the task started'));
    this.release();
    // ref before terminating: an unref'd worker's exit would not keep the event loop alive
    for (const w of this.workers) w.ref();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    this.idle = [];
  }
}

let shared: { size: number; pool: Promise<WorkerPool | null> } | null = null;

/** The process-wide pool, grown to at least `size` workers. */
export async function getPool(size: number): Promise<WorkerPool | null> {
  if (!shared || shared.size < size) {
    const old = shared;
    shared = { size, pool: WorkerPool.create(size) };
    if (old) void old.pool.then((p) => p?.close());
  }
  return shared.pool;
}

/** Close the shared pool (tests and CLI call this before exit; workers are unref'd anyway). */
export async function closePool(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await (await s.pool)?.close();
}

/**
 * Run `fn` of `module` once per argument list, over `nJobs` workers; results keep the input order.
 * nJobs = 1 (or no worker support) runs in this thread.
 */
export async function parallelMap<T>(nJobs: number | null | undefined, module: string, fn: string, argLists: unknown[][]): Promise<T[]> {
  const n = resolveNJobs(nJobs);
  if (n === 1 || argLists.length <= 1) {
    const m = (await import(module)) as Record<string, (...a: unknown[]) => T | Promise<T>>;
    const out: T[] = [];
    for (const args of argLists) out.push(await m[fn]!(...args));
    return out;
  }
  const pool = await getPool(Math.min(n, argLists.length));
  if (!pool) return parallelMap<T>(1, module, fn, argLists);
  return Promise.all(argLists.map((args) => pool.run<T>({ module, fn, args })));
}

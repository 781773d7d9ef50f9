/**
 * Worker-thread plumbing of the k-means kernels: the task each thread runs (registered with
 * `linalg/threads.ts` as 'kmeansWasm') and the helpers that split row blocks over the threads.
 *
 * Every thread (the calling one included) keeps its own instance of the shared kernel module on
 * the shared `WebAssembly.Memory` of a `KMeansKernel`, cached per thread under the memory's id in
 * `globalThis.__deepmineKMeans`; the calling thread's instance is the kernel's own.
 */
import { registerKernel, runTasks } from '../linalg/threads.js';
import type { SharedKernel } from './kmeansWasm.js';

/** Exports of a kernel instance by name (the task calls them generically). */
type ExportsByName = Record<string, (...a: number[]) => unknown>;

/**
 * Worker-thread kernel (serialised with `registerKernel`, so self-contained): on this thread's
 * instance of the module `mod` over the shared memory `mem` (instantiated on first use, cached per
 * thread under `id`), call the export `name` once per argument list of `calls`, in order.
 * `name` 'forget' drops the cached instance (the memory can then be freed).
 */
function kmeansWasmTask(mod: object, mem: object, id: number, name: string, calls: number[][]): void {
  const g = globalThis as unknown as { __deepmineKMeans?: Map<number, Record<string, (...a: number[]) => unknown>> };
  let cache = g.__deepmineKMeans;
  if (!cache) cache = g.__deepmineKMeans = new Map();
  if (name === 'forget') {
    cache.delete(id);
    return;
  }
  let exp = cache.get(id);
  if (!exp) {
    const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
    exp = new W.Instance(mod, { env: { memory: mem } }).exports as Record<string, (...a: number[]) => unknown>;
    cache.set(id, exp);
  }
  const f = exp[name]!;
  for (let c = 0; c < calls.length; c++) f.apply(null, calls[c]!);
}
registerKernel('kmeansWasm', kmeansWasmTask);

function threadCache(): Map<number, unknown> {
  const g = globalThis as unknown as { __deepmineKMeans?: Map<number, unknown> };
  return (g.__deepmineKMeans ??= new Map());
}

/** Make the calling thread run its share of the work on the kernel's own instance. */
export function adoptShared(sh: SharedKernel): void {
  threadCache().set(sh.id, sh.exp as unknown as ExportsByName);
}

/**
 * Run the export `name` once per argument list of `calls` (one per row block, in block order),
 * the calls split in `threads` contiguous ranges: range 0 on the calling thread, the others on
 * worker threads, each with its instance of `mod` on the shared memory of `sh`.
 */
export function runSharedCalls(mod: object, sh: SharedKernel, name: string, calls: number[][], threads: number): void {
  const nCalls = calls.length;
  const t = Math.max(1, Math.min(threads, nCalls));
  runTasks(Array.from({ length: t }, (_, i) => ({
    fn: 'kmeansWasm',
    args: [mod, sh.mem, sh.id, name, calls.slice(Math.floor((i * nCalls) / t), Math.floor(((i + 1) * nCalls) / t))],
  })));
}

/** Every thread (`threads` tasks) drops its instance on the memory of `sh`, which can then be freed or reused. */
export function forgetShared(sh: SharedKernel, threads: number): void {
  runTasks(Array.from({ length: threads }, () => ({ fn: 'kmeansWasm', args: [null, null, sh.id, 'forget', []] })));
}

/** The calling thread drops its cached instance on the memory of `sh`. */
export function dropShared(sh: SharedKernel): void {
  threadCache().delete(sh.id);
}

/**
 * Loading of the k-means WebAssembly SIMD kernels (`asm/kmeans.ts`, compiled ahead of time by
 * `scripts/build-wasm.mjs` into two base64 modules): one with its own exported memory (one
 * thread) and one importing a shared `env.memory` of at most `SHARED_MAX_PAGES` pages (the row
 * passes split over worker threads, see `kmeansWorker.ts`).
 *
 * Both modules are over 4 KiB, the limit under which browsers compile synchronously on the main
 * thread (`new WebAssembly.Module` throws above it there). So: under Node (and in browser
 * workers, where synchronous compilation of any size is allowed) the module is compiled
 * synchronously on first use; on a browser main thread it is compiled with `WebAssembly.compile`
 * when this module is imported, and until that promise settles `kmeansWasmModule()` returns null,
 * so `KMeansKernel` uses its TypeScript fallback (bit-identical results, slower).
 * `kmeansWasmReady()` resolves when the kernel is usable. The shared module is only compiled where
 * worker threads exist (Node), hence always synchronously.
 */
import { decodeBase64 } from '../core/base64.js';
import { KMEANS_WASM_BASE64, KMEANS_WASM_BYTES } from './kmeansWasm.generated.js';
import { KMEANS_SHARED_WASM_BASE64 } from './kmeansWasmShared.generated.js';

/** Largest wasm32 footprint the kernels ask for (bytes); bigger problems run windowed (see KMeansKernel). */
export const WASM_MAX_BYTES = 2 ** 30;
/** Pages of the shared memory (the maximum the shared module declares: keep in step with build-wasm.mjs). */
export const SHARED_MAX_PAGES = WASM_MAX_BYTES / 65536;
/** Browsers compile modules up to this size synchronously on the main thread. */
export const SYNC_COMPILE_MAX_BYTES = 4096;

/** The slice of the WebAssembly API used here (the project's lib setting has no WebAssembly types). */
export interface WasmApi {
  validate(b: Uint8Array): boolean;
  compile(b: Uint8Array): Promise<object>;
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: unknown };
  Memory: new (o: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer; grow(pages: number): number };
}

/** The exports of the kernel module (byte offsets into its memory; see asm/kmeans.ts). */
export interface LloydExports {
  assign(xp: number, n: number, d: number, ctp: number, kp: number, cnp: number, labp: number, sump: number, wsp: number, wp: number, mode: number): void;
  colsum(xp: number, n: number, d: number, outp: number, auxp: number): void;
  center(xp: number, n: number, d: number, outp: number, auxp: number): void;
  inertia(xp: number, n: number, d: number, cp: number, labp: number, wp: number): number;
  dist(ap: number, bp: number, d: number): number;
  elkanInit(xp: number, n: number, d: number, cp: number, k: number, halfp: number, upperp: number, lowerp: number, labp: number): void;
  elkanStep(xp: number, n: number, d: number, cp: number, k: number, halfp: number, nextp: number, upperp: number, lowerp: number, labp: number, sump: number, wsp: number, wp: number, mode: number): void;
  elkanBounds(n: number, k: number, shiftp: number, labp: number, upperp: number, lowerp: number): void;
  rowDist(xp: number, n: number, d: number, ctp: number, kp: number, cnp: number, xnp: number, outp: number, ldo: number): void;
  pwsum(p: number, n: number): number;
  mbUpdate(xp: number, n: number, d: number, wp: number, labp: number, cop: number, cnp: number, cntp: number, k: number, wsump: number): void;
  seedStep(xp: number, n: number, d: number, ctp: number, kp: number, cnp: number, xnp: number, closestp: number, outp: number, ldo: number, m: number, sumsp: number, sstride: number): void;
  gather(xp: number, d: number, wp: number, idxp: number, m: number, outp: number, woutp: number): void;
  mbStep(xp: number, d: number, wp: number, idxp: number, m: number, bxp: number, bwp: number, blabp: number, ctp: number, kp: number, cnp: number,
    cop: number, cnewp: number, cntp: number, k: number, wsump: number, brp: number): number;
  assignDist(xp: number, n: number, d: number, ctp: number, kp: number, cnp: number, labp: number, cp: number, rp: number): void;
  wdot(rp: number, wp: number, n: number): number;
  allFinite(p: number, len: number): number;
  mtRandint(mtp: number, posp: number, rng: number, mask: number, m: number, outp: number): void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

export function wasmApi(): WasmApi | null {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/**
 * The module bytes: `shared` for the variant importing a shared `env.memory` (at most
 * `SHARED_MAX_PAGES` pages: a smaller shared memory also fits the import). Null where `atob` is missing.
 */
export function kmeansWasmBytes(shared = false): Uint8Array | null {
  return decodeBase64(shared ? KMEANS_SHARED_WASM_BASE64 : KMEANS_WASM_BASE64);
}

/**
 * True where a module of `bytes` bytes may be compiled synchronously: small modules anywhere,
 * any size under Node and in workers (only a browser's main thread has the 4 KiB limit).
 */
export function syncCompileAllowed(bytes: number): boolean {
  if (bytes <= SYNC_COMPILE_MAX_BYTES) return true;
  const g = globalThis as { process?: { versions?: { node?: string } }; document?: unknown };
  if (typeof g.process?.versions?.node === 'string') return true;
  // a browser's main thread is where `document` exists (workers, Deno and Bun have none)
  return typeof g.document === 'undefined';
}

/** A compiled module slot: the module once available (null: unavailable or not compiled yet) and a promise of availability. */
export interface ModuleSlot {
  module: object | null;
  ready: Promise<boolean>;
}

/**
 * Compile `bytes` (the one size check): synchronously when `sync` (see `syncCompileAllowed`),
 * else with `WebAssembly.compile`, the slot's `module` being filled when the promise resolves.
 * A module that does not validate (no SIMD) or cannot compile (CSP) leaves `module` null.
 */
export function compileSlot(bytes: Uint8Array | null, sync: boolean): ModuleSlot {
  const W = wasmApi();
  const slot: ModuleSlot = { module: null, ready: Promise.resolve(false) };
  if (!W || !bytes) return slot;
  try {
    if (!W.validate(bytes)) return slot;
  } catch {
    return slot;
  }
  if (sync) {
    try {
      slot.module = new W.Module(bytes);
      slot.ready = Promise.resolve(true);
    } catch {
      slot.module = null;
    }
    return slot;
  }
  slot.ready = W.compile(bytes).then(
    (m) => { slot.module = m; return true; },
    () => false,
  );
  return slot;
}

let plain: ModuleSlot | null = null;
let shared: ModuleSlot | null = null;

function plainSlot(): ModuleSlot {
  if (!plain) plain = compileSlot(kmeansWasmBytes(false), syncCompileAllowed(KMEANS_WASM_BYTES));
  return plain;
}

// A browser main thread starts the asynchronous compile as soon as k-means is imported.
if (!syncCompileAllowed(KMEANS_WASM_BYTES)) plainSlot();

/** The compiled single-thread kernel module, or null (no WebAssembly SIMD, or still compiling in a browser). */
export function kmeansWasmModule(): object | null {
  return plainSlot().module;
}

/** The kernel module importing a shared `env.memory`, or null where threads/SIMD are unavailable. */
export function kmeansSharedModule(): object | null {
  if (!shared) shared = typeof SharedArrayBuffer === 'undefined' ? { module: null, ready: Promise.resolve(false) } : compileSlot(kmeansWasmBytes(true), true);
  return shared.module;
}

/**
 * Resolves to true once the k-means WebAssembly SIMD kernel is compiled and used by KMeans,
 * MiniBatchKMeans and their predictions, false where it is unavailable (no SIMD, a CSP without
 * 'wasm-unsafe-eval'). Under Node it is ready at once; on a browser main thread the module (over
 * the 4 KiB synchronous limit) compiles asynchronously after import, and fits started before
 * then use the TypeScript kernel: the results are the same bit for bit, only slower.
 *
 * @example
 * await kmeansWasmReady();
 * new KMeans({ nClusters: 8 }).fit(X); // WebAssembly SIMD kernel
 */
export function kmeansWasmReady(): Promise<boolean> {
  return plainSlot().ready;
}

/**
 * Released kernel instances (at most `MAX_SPARES`), each kept only as long as the garbage
 * collector lets it live: the next kernels reuse their memory, whose pages the OS has already
 * mapped (first-touch page faults on tens of MB of fresh memory cost about as much as two Lloyd
 * passes). Two, because MiniBatchKMeans holds its resident kernel while the k-means++ inits use a
 * small one: with a single spare the small one would be handed to the next fit's large kernel.
 */
let spares: WeakRef<LloydExports>[] = [];
const MAX_SPARES = 2;

/**
 * A single-thread instance with its own memory, or null when the module is unavailable: the
 * smallest spare whose memory already holds `minBytes` (else the largest spare, else a new one).
 */
export function acquireInstance(minBytes = 0): LloydExports | null {
  const mod = kmeansWasmModule();
  if (!mod) return null;
  const alive: LloydExports[] = [];
  for (const r of spares) {
    const e = r.deref();
    if (e) alive.push(e);
  }
  const size = (i: number): number => alive[i]!.memory.buffer.byteLength;
  let best = -1;
  for (let i = 0; i < alive.length; i++) {
    if (best < 0) best = i;
    else if (size(best) >= minBytes) { if (size(i) >= minBytes && size(i) < size(best)) best = i; }
    else if (size(i) > size(best)) best = i;
  }
  if (best >= 0) {
    const exp = alive.splice(best, 1)[0]!;
    spares = alive.map((e) => new WeakRef(e));
    return exp;
  }
  spares = [];
  return new (wasmApi()!).Instance(mod, {}).exports as LloydExports;
}

/** Hand an instance back for reuse (see `acquireInstance`); past `MAX_SPARES` the smallest is dropped. */
export function releaseInstance(exp: LloydExports): void {
  const alive = [exp];
  for (const r of spares) {
    const e = r.deref();
    if (e && e !== exp) alive.push(e);
  }
  alive.sort((a, b) => b.memory.buffer.byteLength - a.memory.buffer.byteLength);
  spares = alive.slice(0, MAX_SPARES).map((e) => new WeakRef(e));
}

/** A kernel instance on a shared memory that worker threads instantiate the module on too. */
export interface SharedKernel {
  exp: LloydExports;
  mem: object;
  /** key of the memory in the per-thread instance caches (see `kmeansWorker.ts`) */
  id: number;
}
/**
 * Released shared kernels, reused by the next `acquireShared`, held strongly (at most
 * `MAX_SHARED_SPARES`, the largest kept). A shared memory cannot be given back once worker threads
 * have used it: their isolates instantiated the module on it and keep its pages alive until they
 * run a garbage collection of their own, which an idle worker seldom does (measured: a 350 MB
 * kernel released and collected on the calling thread stayed resident; four fits, 1.5 GB). When
 * these spares were weak references, every fit after a collection on the calling thread created
 * a fresh memory and the old one stayed in the workers: MiniBatchKMeans' `partialFit` over
 * `streamMatrix` (two kernels per 100,000-row batch) grew by ~8.5 MB per batch, to 4.2 GiB at 100M
 * rows. Held strongly, the process keeps at most `MAX_SHARED_SPARES` shared memories, each the size
 * of the largest kernel that used it (a memory cannot shrink).
 */
let sharedSpares: SharedKernel[] = [];
const MAX_SHARED_SPARES = 2;
/** Shared memories created so far (tests: repeated kernels must reuse them, not grow the process). */
export const sharedKernelStats = { created: 0 };

/** A fresh key for a shared memory, unique in this thread even if several copies of this module are loaded (they share the per-thread caches). */
function nextSharedId(): number {
  const g = globalThis as unknown as { __deepmineKMeansNextId?: number };
  g.__deepmineKMeansNextId = (g.__deepmineKMeansNextId ?? 1 << 20) + 1;
  return g.__deepmineKMeansNextId;
}

/**
 * An instance on a spare shared memory (the smallest already holding `minBytes`, else the largest)
 * or a fresh one; null where the shared module is unavailable.
 */
export function acquireShared(minBytes = 0): SharedKernel | null {
  const smod = kmeansSharedModule();
  if (!smod) return null;
  const size = (i: number): number => sharedSpares[i]!.exp.memory.buffer.byteLength;
  let best = -1;
  for (let i = 0; i < sharedSpares.length; i++) {
    if (best < 0) best = i;
    else if (size(best) >= minBytes) { if (size(i) >= minBytes && size(i) < size(best)) best = i; }
    else if (size(i) > size(best)) best = i;
  }
  if (best >= 0) return sharedSpares.splice(best, 1)[0]!;
  const W = wasmApi()!;
  const mem = new W.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  sharedKernelStats.created++;
  return { exp: new W.Instance(smod, { env: { memory: mem } }).exports as LloydExports, mem, id: nextSharedId() };
}

/**
 * Hand a shared kernel back for reuse (after the workers dropped their instances); past
 * `MAX_SHARED_SPARES` the smallest is dropped.
 */
export function releaseShared(sh: SharedKernel): void {
  const all = [sh, ...sharedSpares.filter((x) => x !== sh)];
  all.sort((a, b) => b.exp.memory.buffer.byteLength - a.exp.memory.buffer.byteLength);
  sharedSpares = all.slice(0, MAX_SHARED_SPARES);
}

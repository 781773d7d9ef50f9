/**
 * Compatibility entry for the former `cluster/distance.ts` (which held the distances, the k-means
 * programs, a hand-written WebAssembly byte emitter and the worker plumbing in one file). Its
 * concerns now live in:
 *
 * - `pairwise.ts`: Euclidean distance cores and the validated public `euclideanDistances`;
 * - `kmeansKernel.ts`: `KMeansKernel` (the k-means passes) and the TypeScript Lloyd kernel;
 * - `kmeansWasm.ts`: loading of the AssemblyScript kernels of `asm/kmeans.ts`;
 * - `kmeansWorker.ts`: the worker-thread task and the splitting of row blocks over threads.
 *
 * New code should import from those modules.
 */
export { pairwiseSum } from '../core/numeric.js';
export { distRowsSk, euclideanDistances, euclideanDistancesCore, rowNormsSq, sqDistBlock, sqDistRows } from './pairwise.js';
export { assignNearest, KMEANS_PARALLEL_MIN_WORK, KMeansKernel, setKMeansWindowRows, sumChunkRows } from './kmeansKernel.js';
export { kmeansWasmBytes } from './kmeansWasm.js';
import { kmeansWasmBytes, SHARED_MAX_PAGES } from './kmeansWasm.js';

/**
 * The kernel module's bytes (compiled ahead of time from asm/kmeans.ts); with `sharedMaxPages`
 * the variant importing a shared `env.memory` (which accepts any shared memory of at most
 * `SHARED_MAX_PAGES` = 16384 pages, so `sharedMaxPages` must not exceed that).
 *
 * @deprecated use `kmeansWasmBytes(shared)` of `kmeansWasm.ts`.
 */
export function lloydWasmBytes(sharedMaxPages?: number): Uint8Array {
  if (sharedMaxPages !== undefined && sharedMaxPages > SHARED_MAX_PAGES) throw new RangeError(`lloydWasmBytes: sharedMaxPages ${sharedMaxPages} > ${SHARED_MAX_PAGES}`);
  const b = kmeansWasmBytes(sharedMaxPages !== undefined);
  if (!b) throw new Error('lloydWasmBytes: atob is unavailable');
  return b;
}

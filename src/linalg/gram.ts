/**
 * Multi-core Gram matrices of tall row-major data, the kernel of covariance-based PCA:
 * `G = (X - mu)^T (X - mu)` or `G = ((X - mu) W)^T ((X - mu) W)` for an upper-triangular W
 * (second pass of CholeskyQR2). Rows are split into one block per thread; each thread centers its
 * rows in 256-row chunks (no centered copy of X is ever made) and accumulates its own Gram.
 */
import { gramBlockCore } from './kernels.js';
import { linalgThreads, runTasks, sharedFloat64, type KernelTask } from './threads.js';

/** Rows of X split into per-thread blocks; block 0 is X itself, the others are shared copies. */
export interface RowBlocks {
  n: number;
  d: number;
  blocks: { data: Float64Array; offset: number; r0: number; r1: number }[];
}

/**
 * Split n x d row-major `x` into per-thread row blocks; the blocks for worker threads are copied
 * once to SharedArrayBuffers so that several passes (`gram`) can reuse them. The thread count
 * follows the multiply-adds per pass, n d `workPerEntry` (d for a Gram).
 */
export function shareRows(x: Float64Array, n: number, d: number, workPerEntry = d): RowBlocks {
  const threads = Math.min(linalgThreads(), Math.max(1, Math.floor((n * d * workPerEntry) / (1 << 23))), Math.max(1, Math.floor(n / 256)));
  const step = Math.ceil(n / threads);
  const blocks: RowBlocks['blocks'] = [];
  for (let r0 = 0; r0 < n; r0 += step) {
    const r1 = Math.min(n, r0 + step);
    if (r0 === 0) { blocks.push({ data: x, offset: 0, r0, r1 }); continue; }
    const s = sharedFloat64((r1 - r0) * d);
    s.set(x.subarray(r0 * d, r1 * d));
    blocks.push({ data: s, offset: -r0 * d, r0, r1 });
  }
  return { n, d, blocks };
}

/**
 * Upper-triangle-accumulated, then mirrored, Gram matrix (d x d) of the centered (and optionally
 * right-multiplied by the upper-triangular `w`) rows.
 */
export function gram(rows: RowBlocks, mu: Float64Array | null, w: Float64Array | null): Float64Array {
  const { d } = rows;
  const parts: Float64Array[] = [];
  const tasks: KernelTask[] = rows.blocks.map((b, t) => {
    const part = t === 0 ? new Float64Array(d * d) : sharedFloat64(d * d);
    parts.push(part);
    return { fn: 'gramBlockCore', args: [b.data, b.offset, b.r0, b.r1, d, mu, w, part] };
  });
  runTasks(tasks);
  const G = parts[0]!;
  for (let t = 1; t < parts.length; t++) { const p = parts[t]!; for (let i = 0; i < d * d; i++) G[i]! += p[i]!; }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) G[i * d + j] = G[j * d + i]!;
  return G;
}

import { linalgThreads, registerKernel, runTasks, type KernelTask } from '../linalg/threads.js';

/**
 * Per-node gradient histograms (scikit-learn's hist_struct: sum_gradients, sum_hessians in
 * float64, count), interleaved: `data[(f * nBins + b) * 3 + {0: g, 1: h, 2: count}]`, so one
 * sample's update touches one cache line. With constant hessians the hessian slot stays 0 and the
 * count stands in for it, as in scikit-learn's histogram builder.
 */
export interface Histogram {
  data: Float64Array;
  /** slot in the HistPool (-1 when not pooled) */
  slot: number;
}

/** Doubles per bin in `Histogram.data`. */
export const HIST_STRIDE = 3;

/** SharedArrayBuffer-backed typed arrays when available (worker threads read them without copies). */
export function sharedBytes(bytes: number): ArrayBuffer | SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'undefined' ? new ArrayBuffer(bytes) : new SharedArrayBuffer(bytes);
}

/** Whether a typed array lives on a SharedArrayBuffer (worker threads can read it). */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * Histogram buffers recycled across nodes and trees (shared memory is costly to allocate and
 * first-touch); at most a few dozen are alive at once (the splittable leaves of one tree).
 */
export class HistPool {
  private readonly slots: Float64Array[] = [];
  private readonly free: number[] = [];
  constructor(readonly size: number) {}
  alloc(): Histogram {
    const s = this.free.pop();
    if (s !== undefined) return { data: this.slots[s]!, slot: s };
    const data = new Float64Array(sharedBytes(this.size * 8));
    this.slots.push(data);
    return { data, slot: this.slots.length - 1 };
  }
  release(h: Histogram | null): void {
    if (h && h.slot >= 0) {
      this.free.push(h.slot);
      h.slot = -1;
    }
  }
}

/**
 * Histogram of the samples `part[start:stop]` for the features `feats[k0:k1]`, written into `out`
 * (zeroed here first). Rows are visited in partition order and, for each row, its bins of all the
 * features of the range: every (feature, bin) sum runs in sample order, as scikit-learn's
 * per-feature loops, so the float64 sums are equal to scikit-learn's whatever the feature ranges
 * (thread count). Binned data is row-major (`binned[row * d + f]`). Self-contained: it runs in
 * worker threads (registerKernel).
 */
export function hgbHistKernel(
  binned: Uint8Array, d: number, part: Uint32Array, start: number, stop: number,
  g: Float32Array, h: Float32Array, constH: number, out: Float64Array, nBins: number,
  feats: Int32Array, k0: number, k1: number,
): void {
  const stride = nBins * 3;
  for (let k = k0; k < k1; k++) {
    const f = feats[k]!;
    out.fill(0, f * stride, (f + 1) * stride);
  }
  const nf = k1 - k0;
  const contiguous = nf > 0 && feats[k1 - 1]! - feats[k0]! === nf - 1;
  if (contiguous) {
    const f0 = feats[k0]!;
    const f1 = f0 + nf;
    // two features per step (independent read-modify-write chains); a last odd feature alone
    const fEven = f0 + (nf & ~1);
    const odd = (nf & 1) === 1;
    const oOdd = fEven * stride;
    if (constH) {
      for (let i = start; i < stop; i++) {
        const idx = part[i]!;
        const r = idx * d;
        const gi = g[idx]!;
        for (let f = f0, o0 = f0 * stride; f < fEven; f += 2, o0 += 2 * stride) {
          const o = o0 + binned[r + f]! * 3;
          const q = o0 + stride + binned[r + f + 1]! * 3;
          out[o]! += gi;
          out[o + 2]! += 1;
          out[q]! += gi;
          out[q + 2]! += 1;
        }
        if (odd) {
          const o = oOdd + binned[r + fEven]! * 3;
          out[o]! += gi;
          out[o + 2]! += 1;
        }
      }
    } else {
      for (let i = start; i < stop; i++) {
        const idx = part[i]!;
        const r = idx * d;
        const gi = g[idx]!;
        const hi = h[idx]!;
        for (let f = f0, o0 = f0 * stride; f < fEven; f += 2, o0 += 2 * stride) {
          const o = o0 + binned[r + f]! * 3;
          const q = o0 + stride + binned[r + f + 1]! * 3;
          out[o]! += gi;
          out[o + 1]! += hi;
          out[o + 2]! += 1;
          out[q]! += gi;
          out[q + 1]! += hi;
          out[q + 2]! += 1;
        }
        if (odd) {
          const o = oOdd + binned[r + fEven]! * 3;
          out[o]! += gi;
          out[o + 1]! += hi;
          out[o + 2]! += 1;
        }
      }
    }
    return;
  }
  for (let i = start; i < stop; i++) {
    const idx = part[i]!;
    const r = idx * d;
    const gi = g[idx]!;
    const hi = constH ? 0 : h[idx]!;
    for (let k = k0; k < k1; k++) {
      const f = feats[k]!;
      const o = f * stride + binned[r + f]! * 3;
      out[o]! += gi;
      out[o + 1]! += hi;
      out[o + 2]! += 1;
    }
  }
}
registerKernel('hgbHist', hgbHistKernel);

/** Calls that ran on several threads (for tests: the threaded paths are really taken). */
export const hgbThreadStats = { hist: 0, bins: 0, thresholds: 0, predict: 0, grad: 0, wasmHist: 0 };

/** Below this many (sample, feature) updates a histogram is built in the calling thread only. */
const PARALLEL_MIN_UPDATES = 1 << 18;

/**
 * Build the histogram of the samples `partition[start:stop]` for every feature in `feats` (all
 * features or the allowed ones), on up to `linalgThreads()` threads: the features are cut into
 * contiguous ranges, one per thread, so the result is bit-identical for any thread count.
 * Everything passed must live on SharedArrayBuffers for the threads to be used.
 */
export function buildHistogram(
  out: Histogram, binned: Uint8Array, d: number, nBins: number,
  gradients: Float32Array, hessians: Float32Array, constantHessian: boolean,
  partition: Uint32Array, start: number, stop: number, feats: Int32Array,
): void {
  const nf = feats.length;
  const m = stop - start;
  const T = Math.min(linalgThreads(), nf, Math.max(1, Math.floor((m * nf) / PARALLEL_MIN_UPDATES)));
  const ch = constantHessian ? 1 : 0;
  if (T <= 1 || !isShared(binned) || !isShared(gradients) || !isShared(hessians) || !isShared(out.data) || !isShared(partition)) {
    hgbHistKernel(binned, d, partition, start, stop, gradients, hessians, ch, out.data, nBins, feats, 0, nf);
    return;
  }
  const tasks: KernelTask[] = [];
  for (let t = 0; t < T; t++) {
    const k0 = Math.floor((t * nf) / T);
    const k1 = Math.floor(((t + 1) * nf) / T);
    tasks.push({ fn: 'hgbHist', args: [binned, d, partition, start, stop, gradients, hessians, ch, out.data, nBins, feats, k0, k1] });
  }
  hgbThreadStats.hist++;
  runTasks(tasks);
}

/**
 * Histogram of the larger child = parent - smaller sibling (scikit-learn's _subtract_histograms):
 * one subtraction per double, over each run of consecutive features as one flat range (all
 * features: one range), sixteen doubles per step: V8 re-checks each typed array (map, length,
 * base) once per step, which cost more than the subtraction in a one-double loop (micro, 28 x 256
 * bins: 40 us, against 48 us by 8 per step and 98 us by one).
 */
export function subtractHistogram(out: Histogram, parent: Histogram, sibling: Histogram, feats: Int32Array, nBins: number): void {
  const stride = nBins * HIST_STRIDE;
  const p = parent.data;
  const s = sibling.data;
  const o = out.data;
  const nf = feats.length;
  for (let k = 0; k < nf;) {
    const f0 = feats[k]!;
    let f1 = f0 + 1;
    k++;
    while (k < nf && feats[k] === f1) {
      f1++;
      k++;
    }
    const e = f1 * stride;
    let b = f0 * stride;
    for (const e16 = e - 15; b < e16; b += 16) {
      o[b] = p[b]! - s[b]!;
      o[b + 1] = p[b + 1]! - s[b + 1]!;
      o[b + 2] = p[b + 2]! - s[b + 2]!;
      o[b + 3] = p[b + 3]! - s[b + 3]!;
      o[b + 4] = p[b + 4]! - s[b + 4]!;
      o[b + 5] = p[b + 5]! - s[b + 5]!;
      o[b + 6] = p[b + 6]! - s[b + 6]!;
      o[b + 7] = p[b + 7]! - s[b + 7]!;
      o[b + 8] = p[b + 8]! - s[b + 8]!;
      o[b + 9] = p[b + 9]! - s[b + 9]!;
      o[b + 10] = p[b + 10]! - s[b + 10]!;
      o[b + 11] = p[b + 11]! - s[b + 11]!;
      o[b + 12] = p[b + 12]! - s[b + 12]!;
      o[b + 13] = p[b + 13]! - s[b + 13]!;
      o[b + 14] = p[b + 14]! - s[b + 14]!;
      o[b + 15] = p[b + 15]! - s[b + 15]!;
    }
    for (; b < e; b++) o[b] = p[b]! - s[b]!;
  }
}

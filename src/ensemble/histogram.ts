/**
 * Per-node gradient histograms (scikit-learn's hist_struct: sum_gradients, sum_hessians in
 * float64, count): `g[f * nBins + b]`. With constant hessians only counts are kept (`h` empty),
 * as scikit-learn's histogram builder does.
 */
export interface Histogram {
  g: Float64Array;
  h: Float64Array;
  count: Uint32Array;
}

let ordG = new Float32Array(0);
let ordH = new Float32Array(0);

/**
 * Build the histograms of the samples `partition[start:stop]` for every feature (or `allowed`
 * ones). Sums run in sample order (the order scikit-learn's partition keeps), so they are equal
 * to scikit-learn's float64 sums of float32 gradients.
 */
export function buildHistogram(
  binned: Uint8Array, n: number, nFeatures: number, nBins: number,
  gradients: Float32Array, hessians: Float32Array, constantHessian: boolean,
  partition: Uint32Array, start: number, stop: number, allowed: Int32Array | null,
): Histogram {
  const size = nFeatures * nBins;
  const hist: Histogram = { g: new Float64Array(size), h: constantHessian ? new Float64Array(0) : new Float64Array(size), count: new Uint32Array(size) };
  const m = stop - start;
  const isRoot = m === n && start === 0;
  let og: Float32Array;
  let oh: Float32Array;
  if (isRoot) {
    og = gradients;
    oh = hessians;
  } else {
    if (ordG.length < m) {
      ordG = new Float32Array(Math.max(m, ordG.length * 2));
      ordH = new Float32Array(ordG.length);
    }
    og = ordG;
    oh = ordH;
    for (let i = 0; i < m; i++) og[i] = gradients[partition[start + i]!]!;
    if (!constantHessian) for (let i = 0; i < m; i++) oh[i] = hessians[partition[start + i]!]!;
  }
  const nf = allowed ? allowed.length : nFeatures;
  const hg = hist.g;
  const hh = hist.h;
  const hc = hist.count;
  for (let k = 0; k < nf; k++) {
    const f = allowed ? allowed[k]! : k;
    const col = f * n;
    const off = f * nBins;
    if (isRoot) {
      if (constantHessian) rootConst(binned, col, off, m, og, hg, hc);
      else rootFull(binned, col, off, m, og, oh, hg, hh, hc);
    } else if (constantHessian) nodeConst(binned, col, off, partition, start, m, og, hg, hc);
    else nodeFull(binned, col, off, partition, start, m, og, oh, hg, hh, hc);
  }
  return hist;
}

/** Histogram of the larger child = parent - smaller sibling (scikit-learn's _subtract_histograms). */
export function subtractHistogram(parent: Histogram, sibling: Histogram, allowed: Int32Array | null, nBins: number, constantHessian: boolean): Histogram {
  const size = parent.g.length;
  const out: Histogram = { g: new Float64Array(size), h: constantHessian ? new Float64Array(0) : new Float64Array(size), count: new Uint32Array(size) };
  const nFeatures = size / nBins;
  const nf = allowed ? allowed.length : nFeatures;
  for (let k = 0; k < nf; k++) {
    const f = allowed ? allowed[k]! : k;
    const a = f * nBins;
    const e = a + nBins;
    for (let b = a; b < e; b++) {
      out.g[b] = parent.g[b]! - sibling.g[b]!;
      out.count[b] = parent.count[b]! - sibling.count[b]!;
    }
    if (!constantHessian) for (let b = a; b < e; b++) out.h[b] = parent.h[b]! - sibling.h[b]!;
  }
  return out;
}

// Small monomorphic kernels (one per case) so the JIT compiles each loop tightly.
function rootConst(binned: Uint8Array, col: number, off: number, m: number, og: Float32Array, hg: Float64Array, hc: Uint32Array): void {
  for (let i = 0; i < m; i++) {
    const b = off + binned[col + i]!;
    hg[b]! += og[i]!;
    hc[b]!++;
  }
}
function rootFull(binned: Uint8Array, col: number, off: number, m: number, og: Float32Array, oh: Float32Array, hg: Float64Array, hh: Float64Array, hc: Uint32Array): void {
  for (let i = 0; i < m; i++) {
    const b = off + binned[col + i]!;
    hg[b]! += og[i]!;
    hh[b]! += oh[i]!;
    hc[b]!++;
  }
}
function nodeConst(binned: Uint8Array, col: number, off: number, part: Uint32Array, start: number, m: number, og: Float32Array, hg: Float64Array, hc: Uint32Array): void {
  for (let i = 0; i < m; i++) {
    const b = off + binned[col + part[start + i]!]!;
    hg[b]! += og[i]!;
    hc[b]!++;
  }
}
function nodeFull(binned: Uint8Array, col: number, off: number, part: Uint32Array, start: number, m: number, og: Float32Array, oh: Float32Array, hg: Float64Array, hh: Float64Array, hc: Uint32Array): void {
  for (let i = 0; i < m; i++) {
    const b = off + binned[col + part[start + i]!]!;
    hg[b]! += og[i]!;
    hh[b]! += oh[i]!;
    hc[b]!++;
  }
}

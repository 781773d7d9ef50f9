/**
 * Blocked squared-Euclidean distance kernels for clustering: the `||x||^2 - 2 x.c + ||c||^2`
 * expansion scikit-learn uses (`_euclidean_distances`, `lloyd_iter_chunked_dense`), on row-major
 * Float64Array buffers. Self-contained (no estimator imports) so it can move to a linalg module.
 *
 * All functions take raw buffers plus dimensions: `X` is `n x d` row-major, `C` is `k x d`.
 */

/** numpy's pairwise summation (`pairwise_sum` in numpy/core/src/umath/loops_utils.h), for bit-parity with `ndarray.sum()` on a contiguous 1-D array. */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!, r1 = a[start + 1]!, r2 = a[start + 2]!, r3 = a[start + 3]!;
    let r4 = a[start + 4]!, r5 = a[start + 5]!, r6 = a[start + 6]!, r7 = a[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const s = start + i;
      r0 += a[s]!; r1 += a[s + 1]!; r2 += a[s + 2]!; r3 += a[s + 3]!;
      r4 += a[s + 4]!; r5 += a[s + 5]!; r6 += a[s + 6]!; r7 += a[s + 7]!;
    }
    let res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** Squared L2 norm of each of the `n` rows of `X` (`n x d`). */
export function rowNormsSq(X: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let s = 0;
    for (let f = 0; f < d; f++) { const v = X[o + f]!; s += v * v; }
    out[i] = s;
  }
  return out;
}

/** Squared distance between row `i` of `A` and row `j` of `B`, by direct differences (scikit-learn's `_euclidean_dense_dense`). */
export function sqDistRows(A: Float64Array, i: number, B: Float64Array, j: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let f = 0; f < d; f++) { const t = A[a + f]! - B[b + f]!; s += t * t; }
  return s;
}

/**
 * For rows `[start, end)` of `X`: `out[(i - start) * k + j] = cNorms[j] - 2 x_i.c_j (+ xNorms[i])`.
 * Centers are processed four at a time so each loaded `x_i[f]` feeds four multiply-adds.
 * With `xNorms` null the `||x||^2` term is left out (enough for an argmin over centers).
 */
export function sqDistBlock(
  X: Float64Array, d: number, start: number, end: number,
  C: Float64Array, k: number, cNorms: Float64Array, xNorms: Float64Array | null, out: Float64Array,
): void {
  const k4 = k - (k % 4);
  let i = start;
  let o = 0;
  // two rows x four centers per pass: 8 accumulators, 6 loads per 8 multiply-adds
  for (; i + 1 < end; i += 2, o += 2 * k) {
    const xo = i * d;
    const xo2 = xo + d;
    const xn = xNorms ? xNorms[i]! : 0;
    const xn2 = xNorms ? xNorms[i + 1]! : 0;
    let j = 0;
    for (; j < k4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let f = 0; f < d; f++) {
        const x = X[xo + f]!;
        const y = X[xo2 + f]!;
        const a0 = C[c0 + f]!, a1 = C[c1 + f]!, a2 = C[c2 + f]!, a3 = C[c3 + f]!;
        s0 += x * a0; s1 += x * a1; s2 += x * a2; s3 += x * a3;
        t0 += y * a0; t1 += y * a1; t2 += y * a2; t3 += y * a3;
      }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + j + 1] = -2 * s1 + cNorms[j + 1]! + xn;
      out[o + j + 2] = -2 * s2 + cNorms[j + 2]! + xn;
      out[o + j + 3] = -2 * s3 + cNorms[j + 3]! + xn;
      out[o + k + j] = -2 * t0 + cNorms[j]! + xn2;
      out[o + k + j + 1] = -2 * t1 + cNorms[j + 1]! + xn2;
      out[o + k + j + 2] = -2 * t2 + cNorms[j + 2]! + xn2;
      out[o + k + j + 3] = -2 * t3 + cNorms[j + 3]! + xn2;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0, t0 = 0;
      for (let f = 0; f < d; f++) { const c = C[c0 + f]!; s0 += X[xo + f]! * c; t0 += X[xo2 + f]! * c; }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + k + j] = -2 * t0 + cNorms[j]! + xn2;
    }
  }
  for (; i < end; i++, o += k) {
    const xo = i * d;
    const xn = xNorms ? xNorms[i]! : 0;
    let j = 0;
    for (; j < k4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let f = 0; f < d; f++) {
        const x = X[xo + f]!;
        s0 += x * C[c0 + f]!; s1 += x * C[c1 + f]!; s2 += x * C[c2 + f]!; s3 += x * C[c3 + f]!;
      }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + j + 1] = -2 * s1 + cNorms[j + 1]! + xn;
      out[o + j + 2] = -2 * s2 + cNorms[j + 2]! + xn;
      out[o + j + 3] = -2 * s3 + cNorms[j + 3]! + xn;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0;
      for (let f = 0; f < d; f++) s0 += X[xo + f]! * C[c0 + f]!;
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
    }
  }
}

/**
 * Label each row of `X` with its nearest center (first index on ties, as scikit-learn's
 * Lloyd E-step) using the blocked kernel. When `sums` is given, also accumulates the weighted
 * row sums per label (`sums[label] += w_i x_i`) and weights (`wsum[label] += w_i`): the fused
 * Lloyd E+M pass. Processes `[start, end)` so callers can split rows across workers.
 */
export function assignNearest(
  X: Float64Array, d: number, start: number, end: number,
  C: Float64Array, k: number, cNorms: Float64Array, labels: Int32Array,
  sums: Float64Array | null = null, wsum: Float64Array | null = null, weights: Float64Array | null = null,
): void {
  const BLOCK = 256;
  const buf = new Float64Array(BLOCK * k);
  for (let b = start; b < end; b += BLOCK) {
    const e = Math.min(end, b + BLOCK);
    sqDistBlock(X, d, b, e, C, k, cNorms, null, buf);
    for (let i = b, o = 0; i < e; i++, o += k) {
      let best = 0;
      let bv = buf[o]!;
      for (let j = 1; j < k; j++) { const v = buf[o + j]!; if (v < bv) { bv = v; best = j; } }
      labels[i] = best;
      if (sums) {
        const w = weights ? weights[i]! : 1;
        wsum![best]! += w;
        const so = best * d;
        const xo = i * d;
        if (w === 1) for (let f = 0; f < d; f++) sums[so + f]! += X[xo + f]!;
        else for (let f = 0; f < d; f++) sums[so + f]! += X[xo + f]! * w;
      }
    }
  }
}

/**
 * Full `nA x nB` matrix of (squared) Euclidean distances, as scikit-learn's `euclidean_distances`
 * (dot-product expansion, clipped at 0). Use only when the result fits in memory; the metrics use
 * row blocks instead.
 */
export function euclideanDistances(
  A: Float64Array, nA: number, B: Float64Array, nB: number, d: number,
  opts: { squared?: boolean; aNorms?: Float64Array; bNorms?: Float64Array } = {},
): Float64Array {
  const out = new Float64Array(nA * nB);
  const an = opts.aNorms ?? rowNormsSq(A, nA, d);
  const bn = opts.bNorms ?? rowNormsSq(B, nB, d);
  sqDistBlock(A, d, 0, nA, B, nB, bn, an, out);
  for (let t = 0; t < out.length; t++) {
    const v = out[t]! > 0 ? out[t]! : 0;
    out[t] = opts.squared ? v : Math.sqrt(v);
  }
  return out;
}

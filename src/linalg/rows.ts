/**
 * Row-wise squared norms and distances (below both the metrics and the clustering code, which
 * share them: metrics must not import from cluster/).
 */
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


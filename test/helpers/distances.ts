// Test helpers shared by the clustering tests.
import { Matrix } from '../../src/core/matrix.js';

/**
 * Euclidean distance matrix of the rows of X: the plain sum of squares in feature order, then
 * sqrt (the order the precomputed-metric fixtures use), for `metric: 'precomputed'` inputs.
 */
export function pairwiseEuclidean(X: Matrix): Matrix {
  const n = X.rows;
  const D = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < X.cols; k++) { const t = X.get(i, k) - X.get(j, k); s += t * t; }
      D.set(i, j, Math.sqrt(s));
    }
  }
  return D;
}

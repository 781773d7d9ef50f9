/**
 * Distance metrics for neighbour search. Every metric works with a *reduced* distance that
 * orders points like the true distance but is cheaper (scikit-learn's `rdist`): squared
 * Euclidean, sum of |d|^p for Minkowski, the plain distance for Manhattan and Chebyshev.
 * Radius tests compare reduced distances (`rdist <= eps * eps`), exactly as scikit-learn's
 * KD-tree does, so boundary points are decided the same way.
 *
 * This is the kernel a later `linalg` module can take over: it depends on nothing but typed arrays.
 */
import { InvalidParameterError } from '../core/errors.js';

/** Metric names accepted by the neighbour searches. */
export type NeighborMetric = 'minkowski' | 'euclidean' | 'manhattan' | 'chebyshev' | 'cosine';

/** Internal code: 0 Manhattan (p=1), 1 Euclidean (p=2), 2 Chebyshev (p=inf), 3 general Minkowski. */
export type MinkowskiKind = 0 | 1 | 2 | 3;

/** A resolved metric: which Minkowski kernel to run and whether rows are L2-normalised first (cosine). */
export interface MetricSpec {
  kind: MinkowskiKind;
  p: number;
  cosine: boolean;
  /** Name for messages/serialisation. */
  name: string;
}

export const METRICS: readonly NeighborMetric[] = ['minkowski', 'euclidean', 'manhattan', 'chebyshev', 'cosine'];

/** Resolve `metric` + `p` as scikit-learn's `effective_metric_` does (minkowski p=1/2/inf become manhattan/euclidean/chebyshev). */
export function resolveMetric(metric: string, p: number, owner: string): MetricSpec {
  switch (metric) {
    case 'euclidean': return { kind: 1, p: 2, cosine: false, name: 'euclidean' };
    case 'manhattan': return { kind: 0, p: 1, cosine: false, name: 'manhattan' };
    case 'chebyshev': return { kind: 2, p: Infinity, cosine: false, name: 'chebyshev' };
    case 'cosine': return { kind: 1, p: 2, cosine: true, name: 'cosine' };
    case 'minkowski':
      if (!(p >= 1)) throw new InvalidParameterError('p', 'a number >= 1 (or Infinity)', p, owner);
      if (p === 1) return { kind: 0, p: 1, cosine: false, name: 'manhattan' };
      if (p === 2) return { kind: 1, p: 2, cosine: false, name: 'euclidean' };
      if (p === Infinity) return { kind: 2, p: Infinity, cosine: false, name: 'chebyshev' };
      return { kind: 3, p, cosine: false, name: 'minkowski' };
    default:
      throw new InvalidParameterError('metric', `one of ${METRICS.map((m) => JSON.stringify(m)).join(', ')}`, metric, owner);
  }
}

/** Reduced distance between row `a` of A (offset aOff) and row `b` of B (offset bOff), d features. */
export function rdist(kind: MinkowskiKind, p: number, A: Float64Array, aOff: number, B: Float64Array, bOff: number, d: number): number {
  let s = 0;
  switch (kind) {
    case 1:
      for (let j = 0; j < d; j++) { const t = A[aOff + j]! - B[bOff + j]!; s += t * t; }
      return s;
    case 0:
      for (let j = 0; j < d; j++) s += Math.abs(A[aOff + j]! - B[bOff + j]!);
      return s;
    case 2:
      for (let j = 0; j < d; j++) { const t = Math.abs(A[aOff + j]! - B[bOff + j]!); if (t > s) s = t; }
      return s;
    default:
      for (let j = 0; j < d; j++) s += Math.pow(Math.abs(A[aOff + j]! - B[bOff + j]!), p);
      return s;
  }
}

/** Reduced distance -> distance. */
export function rdistToDist(kind: MinkowskiKind, p: number, r: number): number {
  return kind === 1 ? Math.sqrt(r) : kind === 3 ? Math.pow(r, 1 / p) : r;
}

/** Distance -> reduced distance (the radius a query compares reduced distances with). */
export function distToRdist(kind: MinkowskiKind, p: number, r: number): number {
  return kind === 1 ? r * r : kind === 3 ? Math.pow(r, p) : r;
}

/**
 * Rows scaled to unit L2 norm (scikit-learn's `normalize`: zero rows stay zero).
 * Returns the normalised copy and whether any row had zero norm.
 */
export function l2Normalize(data: Float64Array, n: number, d: number): { data: Float64Array; hasZero: boolean } {
  const out = new Float64Array(n * d);
  let hasZero = false;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += data[o + j]! * data[o + j]!;
    const norm = Math.sqrt(s);
    if (norm === 0) { hasZero = true; continue; }
    for (let j = 0; j < d; j++) out[o + j] = data[o + j]! / norm;
  }
  return { data: out, hasZero };
}

/** Cosine distance of two already-normalised rows: 1 - a.b clipped to [0, 2] (scikit-learn's `cosine_distances`). */
export function cosineDist(A: Float64Array, aOff: number, B: Float64Array, bOff: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += A[aOff + j]! * B[bOff + j]!;
  const v = 1 - s;
  return v < 0 ? 0 : v > 2 ? 2 : v;
}

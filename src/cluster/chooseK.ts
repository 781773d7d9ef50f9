import { InvalidParameterError } from '../core/errors.js';
import { checkRandomState, type RandomStateLike } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { silhouetteScore } from '../metrics/cluster.js';
import { KMeans } from './kmeans.js';

/** One candidate k tried by `chooseK`. */
export interface KCandidate {
  k: number;
  inertia: number;
  /** Mean silhouette (on at most `silhouetteSampleSize` rows). */
  silhouette: number;
  nIter: number;
}

export interface ChooseKResult {
  /** The chosen number of clusters. */
  k: number;
  method: 'silhouette' | 'elbow';
  /** Every k tried, in increasing order (for plots: inertia curve and silhouette curve). */
  candidates: KCandidate[];
  /** Labels of the KMeans fit with the chosen k. */
  labels: Int32Array;
}

export interface ChooseKOptions {
  /** Smallest k tried (default 2, the smallest k the silhouette is defined for). */
  kMin?: number;
  /** Largest k tried (default 10, capped at n - 1). */
  kMax?: number;
  /** 'silhouette' (default): the k with the highest mean silhouette; 'elbow': the knee of the inertia curve. */
  method?: 'silhouette' | 'elbow';
  randomState?: RandomStateLike;
  /** KMeans nInit per k (default 'auto': one k-means++ run). */
  nInit?: 'auto' | number;
  /** Rows used for the silhouette (random subset, default 10000; null = all rows). */
  silhouetteSampleSize?: number | null;
}

/**
 * Pick the number of clusters by fitting KMeans for each k in `[kMin, kMax]` and reading either
 * the mean silhouette (highest wins) or the elbow of the inertia curve (the k farthest below the
 * chord joining the first and last normalised inertias, the "kneedle" rule). Returns all
 * candidates so a report can draw both curves.
 *
 * @example
 * const { k, candidates } = chooseK(X, { kMin: 2, kMax: 8, randomState: 0 });
 * new KMeans({ nClusters: k, randomState: 0 }).fit(X);
 */
export function chooseK(X: MatrixLike, opts: ChooseKOptions = {}): ChooseKResult {
  const owner = 'chooseK';
  const m = checkArray(X, { owner, minRows: 3 });
  const kMin = opts.kMin ?? 2;
  const kMax = Math.min(opts.kMax ?? 10, m.rows - 1);
  const method = opts.method ?? 'silhouette';
  if (!Number.isInteger(kMin) || kMin < 2) throw new InvalidParameterError('kMin', 'an integer >= 2', kMin, owner);
  if (!Number.isInteger(kMax) || kMax < kMin) throw new InvalidParameterError('kMax', `an integer >= kMin (${kMin}) and <= n - 1 (${m.rows - 1})`, opts.kMax ?? 10, owner);
  if (method !== 'silhouette' && method !== 'elbow') throw new InvalidParameterError('method', "'silhouette' or 'elbow'", method, owner);
  if (method === 'elbow' && kMax - kMin < 2) throw new InvalidParameterError('kMax', `>= kMin + 2 for the elbow method (three points at least)`, kMax, owner);
  const rng = checkRandomState(opts.randomState, 'randomState', owner);
  const sampleSize = opts.silhouetteSampleSize === undefined ? 10000 : opts.silhouetteSampleSize;
  const candidates: KCandidate[] = [];
  const fits: Int32Array[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const km = new KMeans({ nClusters: k, nInit: opts.nInit ?? 'auto', randomState: rng }).fit(m);
    const distinct = new Set(km.labels).size;
    const silhouette = distinct < 2 ? -1
      : silhouetteScore(m, km.labels, sampleSize !== null && sampleSize < m.rows ? { sampleSize, randomState: rng } : {});
    candidates.push({ k, inertia: km.inertia, silhouette, nIter: km.nIter });
    fits.push(km.labels);
  }
  let best = 0;
  if (method === 'silhouette') {
    for (let t = 1; t < candidates.length; t++) if (candidates[t]!.silhouette > candidates[best]!.silhouette) best = t;
  } else {
    const first = candidates[0]!.inertia;
    const last = candidates[candidates.length - 1]!.inertia;
    const span = first - last || 1;
    let bestGap = -Infinity;
    for (let t = 0; t < candidates.length; t++) {
      const x = t / (candidates.length - 1);
      const y = (candidates[t]!.inertia - last) / span; // 1 at kMin, 0 at kMax
      const gap = 1 - x - y; // distance below the chord from (0, 1) to (1, 0)
      if (gap > bestGap) { bestGap = gap; best = t; }
    }
  }
  return { k: candidates[best]!.k, method, candidates, labels: fits[best]! };
}

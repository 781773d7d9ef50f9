import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { checkMemory } from '../core/resources.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';

export type Linkage = 'ward' | 'complete' | 'average' | 'single';
export type AgglomerativeMetric = 'euclidean' | 'manhattan' | 'chebyshev' | 'cosine' | 'precomputed';

const schema = {
  nClusters: p.nullable(p.int(2, { min: 1 }), 2),
  metric: p.oneOf(['euclidean', 'manhattan', 'chebyshev', 'cosine', 'precomputed'] as const, 'euclidean', "Distance between samples; 'precomputed' takes X as an n x n distance matrix. Ward needs 'euclidean'."),
  linkage: p.oneOf(['ward', 'complete', 'average', 'single'] as const, 'ward', 'Distance between clusters: ward (variance increase), complete (max), average (mean), single (min).'),
  distanceThreshold: p.nullable(p.num(0, { min: 0 }), null),
};
export type AgglomerativeClusteringParams = ParamsOf<typeof schema>;
export interface AgglomerativeClusteringState {
  labels: Int32Array;
  /** (n - 1) x 2, row-major: merge i joins children[2i] and children[2i + 1] into node n + i. */
  children: Int32Array;
  /** Merge distances, ascending. */
  distances: Float64Array;
  nLeaves: number;
  nConnectedComponents: number;
  nClusters: number;
  nFeatures: number;
}

/**
 * Bottom-up hierarchical clustering (scikit-learn's AgglomerativeClustering without connectivity).
 *
 * - ward, complete, average: nearest-neighbour chain on the condensed distance matrix
 *   (SciPy's `linkage`, which scikit-learn calls): O(n^2) time, **O(n^2) memory**:
 *   n(n-1)/2 float64 = 4 n^2 bytes, 400 MB at n = 10,000 and 1.6 GB at 20,000; meant for up
 *   to ~20k samples.
 * - single: Prim's minimum spanning tree computing distances on the fly (scikit-learn's
 *   `mst_linkage_core`): O(n^2) time, O(n) memory, any n that O(n^2) time allows.
 *
 * `children` and `distances` follow scikit-learn's `children_` / `distances_` (merges sorted by
 * distance, node n + i created by merge i), the dendrogram data for reports; labels are cut from
 * the tree exactly as scikit-learn's `_hc_cut` (same numbering). Either `nClusters` or
 * `distanceThreshold` (then `nClusters: null`; clusters = merges at distance >= threshold + 1).
 *
 * @example
 * const ac = new AgglomerativeClustering({ nClusters: 2, linkage: 'average' }).fit([[1, 2], [1, 4], [1, 0], [4, 2], [4, 4], [4, 0]]);
 * ac.labels; // Int32Array [1, 1, 1, 0, 0, 0]
 * ac.children; // merges, ac.distances their heights
 */
export class AgglomerativeClustering extends Estimator<typeof schema, AgglomerativeClusteringState> {
  static override readonly kind = 'AgglomerativeClustering';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'clusterer', supervised: false, stochastic: false, allowNaN: false };

  constructor(params: Partial<AgglomerativeClusteringParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const { nClusters, distanceThreshold, linkage, metric } = this.params;
    const m = checkArray(X, { owner: this.kind, minRows: 2 });
    const n = m.rows;
    if ((nClusters === null) === (distanceThreshold === null)) {
      throw new InvalidParameterError('nClusters', 'null when distanceThreshold is set, and an integer when it is not (exactly one of the two)', nClusters, this.kind);
    }
    if (nClusters !== null && nClusters > n) throw new InvalidParameterError('nClusters', `an integer <= ${n} (the number of samples)`, nClusters, this.kind);
    if (linkage === 'ward' && metric !== 'euclidean') throw new InvalidParameterError('metric', "'euclidean' (ward linkage works on Euclidean distances only)", metric, this.kind);
    if (metric === 'precomputed') {
      if (m.rows !== m.cols) throw new ShapeError('X', "a square distance matrix (metric 'precomputed')", `shape [${m.rows}, ${m.cols}]`, this.kind);
    }
    if (metric === 'cosine') {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j]! ** 2;
        if (s === 0) throw new DataError('X', "rows with a non-zero norm (metric 'cosine')", `an all-zero row ${i}`, this.kind);
      }
    }
    if (linkage !== 'single') {
      // the condensed matrix is n(n-1)/2 float64: enforce the ~25,000-sample limit through the budget
      checkMemory(`the condensed distance matrix of ${n} samples (${linkage} linkage)`, 4 * n * (n - 1) + 48 * n, {
        owner: this.kind, hint: "use linkage 'single' (O(n) memory), cluster a subsample, or raise the budget with setResourceBudget({memoryBytes})",
      });
    }
    // Overflow-safe distances: when squares or sums of distances could overflow, scale X by a
    // power of 2 (exact), cluster, and scale the merge heights back. Cosine is scale-free.
    const scale = metric === 'cosine' ? 1 : overflowScale(m);
    const ms = scale === 1 ? m : new Matrix(m.data.map((v) => v * scale), m.rows, m.cols);
    const dist = pairDistance(ms, metric);
    let Z: Float64Array;
    if (linkage === 'single') {
      const mst = primMst(n, dist);
      // scikit-learn's own MST path keeps (find(a), find(b)) as found; SciPy's (cosine, precomputed) orders each pair
      Z = labelMerges(mst, n, metric === 'cosine' || metric === 'precomputed');
    } else {
      const D = condensed(n, dist);
      for (let t = 0; t < D.length; t++) if (!Number.isFinite(D[t]!)) throw overflowError(this.kind);
      Z = labelMerges(nnChain(D, n, linkage), n, true);
    }
    if (scale !== 1) for (let i = 0; i < n - 1; i++) Z[3 * i + 2]! /= scale;
    for (let i = 0; i < n - 1; i++) if (!Number.isFinite(Z[3 * i + 2]!)) throw overflowError(this.kind);
    const children = new Int32Array(2 * (n - 1));
    const distances = new Float64Array(n - 1);
    for (let i = 0; i < n - 1; i++) {
      children[2 * i] = Z[3 * i]!;
      children[2 * i + 1] = Z[3 * i + 1]!;
      distances[i] = Z[3 * i + 2]!;
    }
    let k: number;
    if (distanceThreshold !== null) {
      k = 1;
      for (let i = 0; i < n - 1; i++) if (distances[i]! >= distanceThreshold) k++;
    } else k = nClusters!;
    this._state = { labels: hcCut(k, children, n), children, distances, nLeaves: n, nConnectedComponents: 1, nClusters: k, nFeatures: m.cols };
    return this;
  }

  /** Cluster of each sample (0 .. nClusters - 1). */
  get labels(): Int32Array {
    return this.fitted.labels;
  }
  /** Merges as an (n - 1) x 2 row-major array: row i joins two nodes into node `nLeaves + i` (ids < nLeaves are samples). */
  get children(): Int32Array {
    return this.fitted.children;
  }
  /** Linkage distance of each merge (non-decreasing). */
  get distances(): Float64Array {
    return this.fitted.distances;
  }
  get nLeaves(): number {
    return this.fitted.nLeaves;
  }
  get nConnectedComponents(): number {
    return this.fitted.nConnectedComponents;
  }
  /** Number of clusters cut (nClusters, or found from distanceThreshold). */
  get nClusters(): number {
    return this.fitted.nClusters;
  }

  /** `fit(X).labels`. */
  fitPredict(X: MatrixLike): Int32Array {
    return this.fit(X).labels;
  }
}
registerEstimator(AgglomerativeClustering);

/**
 * 1, or a power of 2 bringing max|X| near 1 when distances could overflow (a squared difference or
 * a Lance-Williams sum over n clusters beyond ~1e300). Scaling by a power of 2 is exact, so results
 * are unchanged wherever they were finite.
 */
function overflowScale(m: Matrix): number {
  let mx = 0;
  for (let t = 0; t < m.data.length; t++) { const a = Math.abs(m.data[t]!); if (a > mx) mx = a; }
  const limit = 1e100 / Math.sqrt(Math.max(1, m.cols));
  if (!(mx > limit)) return 1;
  return 2 ** -Math.ceil(Math.log2(mx));
}

function overflowError(owner: string): DataError {
  return new DataError('X', 'values whose pairwise distances fit in float64 (below ~1.8e308)', 'a distance that overflows to Infinity; rescale X (e.g. StandardScaler) first', owner);
}

/** Distance between samples i and j for a metric (SciPy `pdist` / scikit-learn `DistanceMetric` formulas). */
function pairDistance(m: Matrix, metric: AgglomerativeMetric): (i: number, j: number) => number {
  const X = m.data;
  const d = m.cols;
  switch (metric) {
    case 'precomputed':
      return (i, j) => X[i * d + j]!;
    case 'manhattan':
      return (i, j) => {
        let s = 0;
        for (let k = 0, a = i * d, b = j * d; k < d; k++) s += Math.abs(X[a + k]! - X[b + k]!);
        return s;
      };
    case 'chebyshev':
      return (i, j) => {
        let s = 0;
        for (let k = 0, a = i * d, b = j * d; k < d; k++) { const t = Math.abs(X[a + k]! - X[b + k]!); if (t > s) s = t; }
        return s;
      };
    case 'cosine': {
      const norms = new Float64Array(m.rows);
      for (let i = 0; i < m.rows; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += X[i * d + k]! ** 2;
        norms[i] = Math.sqrt(s);
      }
      return (i, j) => {
        let s = 0;
        for (let k = 0, a = i * d, b = j * d; k < d; k++) s += X[a + k]! * X[b + k]!;
        const v = 1 - s / (norms[i]! * norms[j]!);
        return v < 0 ? 0 : v;
      };
    }
    default:
      return (i, j) => {
        let s = 0;
        for (let k = 0, a = i * d, b = j * d; k < d; k++) { const t = X[a + k]! - X[b + k]!; s += t * t; }
        return Math.sqrt(s);
      };
  }
}

/** Condensed (upper-triangle, row by row) distance matrix: entry of (i < j) at n*i - i(i+1)/2 + j - i - 1. */
function condensed(n: number, dist: (i: number, j: number) => number): Float64Array {
  const size = (n * (n - 1)) / 2;
  let D: Float64Array;
  try {
    D = new Float64Array(size);
  } catch {
    throw new DataError('X', `at most ~25,000 samples for ward/complete/average linkage (needs n(n-1)/2 = ${size} float64 in memory; use linkage 'single' for larger data)`, `${n} samples`, 'AgglomerativeClustering');
  }
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) D[k++] = dist(i, j);
  return D;
}

/**
 * SciPy's `nn_chain`: follow nearest neighbours until two clusters are mutual nearest
 * neighbours, merge them (Lance-Williams update in place), repeat. Returns (n-1) x 3 rows
 * (x, y, distance) in merge order, x < y being *positions* (the merged cluster lives at y).
 */
function nnChain(D: Float64Array, n: number, linkage: Exclude<Linkage, 'single'>): Float64Array {
  const Z = new Float64Array(3 * (n - 1));
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  let chainLen = 0;
  const rowStart = new Float64Array(n); // condensed offset of row i: n*i - i(i+1)/2 - i - 1 (exact in float64 for n < 2^26)
  for (let i = 0; i < n; i++) rowStart[i] = n * i - (i * (i + 1)) / 2 - i - 1;
  const idx = (a: number, b: number) => (a < b ? rowStart[a]! + b : rowStart[b]! + a);
  for (let k = 0; k < n - 1; k++) {
    if (chainLen === 0) {
      for (let i = 0; i < n; i++) if (size[i]! > 0) { chain[0] = i; chainLen = 1; break; }
    }
    let x = 0;
    let y = 0;
    let currentMin = Infinity;
    for (;;) {
      x = chain[chainLen - 1]!;
      if (chainLen > 1) {
        y = chain[chainLen - 2]!;
        currentMin = D[idx(x, y)]!;
      } else currentMin = Infinity;
      // same scan order as SciPy (i ascending, strict <), split at x to avoid per-element index branching
      for (let i = 0; i < x; i++) {
        if (size[i] === 0) continue;
        const dv = D[rowStart[i]! + x]!;
        if (dv < currentMin) { currentMin = dv; y = i; }
      }
      const base = rowStart[x]!;
      for (let i = x + 1; i < n; i++) {
        if (size[i] === 0) continue;
        const dv = D[base + i]!;
        if (dv < currentMin) { currentMin = dv; y = i; }
      }
      if (chainLen > 1 && y === chain[chainLen - 2]) break;
      chain[chainLen++] = y;
    }
    chainLen -= 2;
    if (x > y) { const t = x; x = y; y = t; }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[3 * k] = x;
    Z[3 * k + 1] = y;
    Z[3 * k + 2] = currentMin;
    size[x] = 0;
    size[y] = nx + ny;
    const rx = rowStart[x]!;
    const ry = rowStart[y]!;
    // condensed positions of (i, x) and (i, y) for the three ranges of i around x < y
    for (let i = 0; i < n; i++) {
      const ni = size[i]!;
      if (ni === 0 || i === y) continue;
      const px = i < x ? rowStart[i]! + x : rx + i;
      const py = i < y ? rowStart[i]! + y : ry + i;
      const dxi = D[px]!;
      const dyi = D[py]!;
      let v: number;
      if (linkage === 'complete') v = dxi > dyi ? dxi : dyi;
      else if (linkage === 'average') v = (nx * dxi + ny * dyi) / (nx + ny);
      else {
        const t = 1 / (nx + ny + ni);
        v = Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * currentMin * currentMin);
      }
      D[py] = v;
    }
  }
  return Z;
}

/** Prim's MST on the fly (scikit-learn's `mst_linkage_core`): (n-1) x 3 rows (from, to, distance) in tree-growth order. */
function primMst(n: number, dist: (i: number, j: number) => number): Float64Array {
  const inTree = new Uint8Array(n);
  const cur = new Float64Array(n).fill(Infinity);
  const out = new Float64Array(3 * (n - 1));
  let node = 0;
  for (let k = 0; k < n - 1; k++) {
    inTree[node] = 1;
    let best = Infinity;
    let next = 0;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const v = dist(node, j);
      if (v < cur[j]!) cur[j] = v;
      if (cur[j]! < best) { best = cur[j]!; next = j; }
    }
    out[3 * k] = node;
    out[3 * k + 1] = next;
    out[3 * k + 2] = best;
    node = next;
  }
  return out;
}

/**
 * Stable sort of merges by distance, then relabel with a union-find so that merge i creates
 * node n + i (SciPy's `label`, or scikit-learn's `_single_linkage_label` when `ordered` is false).
 */
function labelMerges(Z: Float64Array, n: number, ordered: boolean): Float64Array {
  const m = n - 1;
  const order = Array.from({ length: m }, (_, i) => i);
  order.sort((a, b) => Z[3 * a + 2]! - Z[3 * b + 2]! || a - b);
  const parent = new Int32Array(2 * n - 1).fill(-1);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== -1) r = parent[r]!;
    while (parent[x] !== -1) { const p2 = parent[x]!; parent[x] = r; x = p2; }
    return r;
  };
  const out = new Float64Array(3 * m);
  for (let k = 0; k < m; k++) {
    const o = order[k]!;
    const a = find(Z[3 * o]!);
    const b = find(Z[3 * o + 1]!);
    out[3 * k] = ordered ? Math.min(a, b) : a;
    out[3 * k + 1] = ordered ? Math.max(a, b) : b;
    out[3 * k + 2] = Z[3 * o + 2]!;
    parent[a] = n + k;
    parent[b] = n + k;
  }
  return out;
}

/** scikit-learn's `_hc_cut`: expand the largest node ids from the root with Python's heapq, label by heap position. */
export function hcCut(nClusters: number, children: Int32Array, nLeaves: number): Int32Array {
  const m = children.length / 2;
  const heap: number[] = [-(Math.max(children[2 * (m - 1)]!, children[2 * (m - 1) + 1]!) + 1)];
  for (let c = 0; c < nClusters - 1; c++) {
    const node = -heap[0]! - nLeaves;
    heappush(heap, -children[2 * node]!);
    heappushpop(heap, -children[2 * node + 1]!);
  }
  const labels = new Int32Array(nLeaves);
  const stack: number[] = [];
  heap.forEach((neg, label) => {
    stack.push(-neg);
    while (stack.length) {
      const v = stack.pop()!;
      if (v < nLeaves) labels[v] = label;
      else stack.push(children[2 * (v - nLeaves)]!, children[2 * (v - nLeaves) + 1]!);
    }
  });
  return labels;
}

function siftDown(h: number[], start: number, pos: number): void {
  const item = h[pos]!;
  while (pos > start) {
    const parentPos = (pos - 1) >> 1;
    const parent = h[parentPos]!;
    if (item < parent) { h[pos] = parent; pos = parentPos; continue; }
    break;
  }
  h[pos] = item;
}

function siftUp(h: number[], pos: number): void {
  const end = h.length;
  const start = pos;
  const item = h[pos]!;
  let child = 2 * pos + 1;
  while (child < end) {
    const right = child + 1;
    if (right < end && !(h[child]! < h[right]!)) child = right;
    h[pos] = h[child]!;
    pos = child;
    child = 2 * pos + 1;
  }
  h[pos] = item;
  siftDown(h, start, pos);
}

function heappush(h: number[], item: number): void {
  h.push(item);
  siftDown(h, 0, h.length - 1);
}

function heappushpop(h: number[], item: number): number {
  if (h.length && h[0]! < item) {
    const top = h[0]!;
    h[0] = item;
    siftUp(h, 0);
    return top;
  }
  return item;
}

import { DataError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkSampleWeight } from '../core/sampleWeight.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { checkMemory, getResourceBudget } from '../core/resources.js';
import { resolveMetric } from '../neighbors/metrics.js';
import { NeighborSearch, type RadiusNeighborsResult } from '../neighbors/search.js';

/** Bytes per stored neighbour pair during the radius query (index + distance, growth and final copy). */
const PAIR_BYTES = 30;
const PAIR_HINT = 'lower eps (neighbourhoods cover most of the data), or cluster a subsample';

const schema = {
  eps: p.num(0.5, { min: 0, minExclusive: true, doc: 'Neighbourhood radius: samples within eps (inclusive) are neighbours.' }),
  minSamples: p.int(5, { min: 1, doc: 'Neighbours (the sample itself included; summed sampleWeight when given) that make a core sample.' }),
  metric: p.oneOf(['euclidean', 'manhattan', 'chebyshev', 'minkowski', 'cosine', 'precomputed'] as const, 'euclidean', "Distance; 'precomputed' takes X as an n x n distance matrix."),
  p: p.nullable(p.custom<number>(2, 'a number >= 1 or Infinity', (v) => typeof v === 'number' && v >= 1), null),  // used by 'minkowski' only (null = 2)
  algorithm: p.oneOf(['auto', 'kd_tree', 'brute'] as const, 'auto', 'Neighbour search (see NearestNeighbors).'),
  leafSize: p.int(30, { min: 1 }),
};
export type DBSCANParams = ParamsOf<typeof schema>;
export interface DBSCANState {
  labels: Int32Array;
  coreSampleIndices: Int32Array;
  /** Core samples' rows of X (copy). */
  components: Matrix;
  nFeatures: number;
}

/**
 * Density-based clustering (scikit-learn's DBSCAN). Core samples have at least `minSamples`
 * neighbours within `eps`; clusters are the core samples connected through neighbourhoods plus
 * the non-core samples next to them; everything else is noise (label -1).
 *
 * Labels are identical to scikit-learn's, numbering included: clusters are numbered in the
 * order of their lowest-index core sample, and a border sample reachable from several clusters
 * joins the lowest-numbered one (the expansion order of scikit-learn's `dbscan_inner`).
 *
 * Neighbourhoods come from a radius query on the KD-tree of {@link NearestNeighbors} (brute force
 * above 15 features), stored as CSR: memory O(n + number of neighbour pairs), never n x n
 * (except the n x n input of `metric: 'precomputed'`).
 *
 * @example
 * const db = new DBSCAN({ eps: 3, minSamples: 2 }).fit([[1, 2], [2, 2], [2, 3], [8, 7], [8, 8], [25, 80]]);
 * db.labels; // Int32Array [0, 0, 0, 1, 1, -1]
 * db.coreSampleIndices; // Int32Array [0, 1, 2, 3, 4]
 */
export class DBSCAN extends Estimator<typeof schema, DBSCANState> {
  static override readonly kind = 'DBSCAN';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'clusterer', supervised: false, stochastic: false, allowNaN: false };

  constructor(params: Partial<DBSCANParams> = {}) {
    super(params);
  }

  /**
   * Cluster X (n x features, or n x n distances with `metric: 'precomputed'`). `sampleWeight`:
   * a sample with weight >= minSamples is a core sample by itself; negative weights are allowed
   * (as scikit-learn).
   */
  fit(X: MatrixLike, opts: { sampleWeight?: ArrayLike<number> | null } = {}): this {
    const m = checkArray(X, { owner: this.kind });
    const n = m.rows;
    const w = checkSampleWeight(opts.sampleWeight, n, this.kind, { allowNegative: true, allowZeroSum: true });
    const nb = this.neighborhoods(m);
    const { indptr, indices } = nb;
    const core = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let count: number;
      if (w === null) count = indptr[i + 1]! - indptr[i]!;
      else {
        count = 0;
        for (let t = indptr[i]!; t < indptr[i + 1]!; t++) count += w[indices[t]!]!;
      }
      if (count >= this.params.minSamples) core[i] = 1;
    }
    const labels = dbscanInner(core, indptr, indices);
    let nCore = 0;
    for (let i = 0; i < n; i++) nCore += core[i]!;
    const coreIdx = new Int32Array(nCore);
    for (let i = 0, k = 0; i < n; i++) if (core[i]) coreIdx[k++] = i;
    this._state = { labels, coreSampleIndices: coreIdx, components: m.takeRows(coreIdx), nFeatures: m.cols };
    return this;
  }

  private neighborhoods(m: Matrix): RadiusNeighborsResult {
    const { eps, metric } = this.params;
    if (metric === 'precomputed') {
      if (m.rows !== m.cols) throw new ShapeError('X', `a square distance matrix (metric 'precomputed')`, `shape [${m.rows}, ${m.cols}]`, this.kind);
      const n = m.rows;
      const d = m.data;
      let edges = 0;
      for (let k = 0; k < d.length; k++) {
        if (d[k]! < 0) throw new DataError('X', "non-negative distances (metric 'precomputed')", `${d[k]} at row ${Math.floor(k / n)}, column ${k % n}`, this.kind);
        if (d[k]! <= eps) edges++;
      }
      checkMemory(`${edges.toLocaleString('en-US')} neighbour pairs within eps=${eps}`, edges * PAIR_BYTES, { owner: this.kind, hint: PAIR_HINT });
      const indptr = new Int32Array(n + 1);
      const indices = new Int32Array(edges);
      const distances = new Float64Array(edges);
      for (let i = 0, e = 0; i < n; i++) {
        for (let j = 0; j < n; j++) if (d[i * n + j]! <= eps) { indices[e] = j; distances[e++] = d[i * n + j]!; }
        indptr[i + 1] = e;
      }
      return { indptr, indices, distances };
    }
    const spec = resolveMetric(metric, this.params.p ?? 2, this.kind);
    const search = new NeighborSearch(m, { metric: spec, algorithm: this.params.algorithm, leafSize: this.params.leafSize });
    this.checkPairs(m, search, eps);
    return search.radiusNeighbors(m, eps);
  }

  /**
   * Estimate the number of neighbour pairs from a radius query of evenly spaced sample rows
   * (their mean neighbour count times n) before the full query stores them all: a huge eps makes
   * every pair a neighbour (n^2 pairs, 7 GB at n = 30,000).
   */
  private checkPairs(m: Matrix, search: NeighborSearch, eps: number): void {
    const n = m.rows;
    if (n < 2000) return;
    const { memoryBytes } = getResourceBudget(null, this.kind);
    // the sample query itself stores up to s * n pairs: keep it within 1/16 of the budget
    const s = Math.max(4, Math.min(256, Math.floor(memoryBytes / 16 / PAIR_BYTES / n)));
    const step = n / s;
    const rows = Array.from({ length: s }, (_, t) => Math.min(n - 1, Math.floor(t * step + step / 2)));
    const nb = search.radiusNeighbors(m.takeRows(rows), eps);
    const mean = nb.indices.length / s;
    checkMemory(`about ${Math.round(mean * n).toLocaleString('en-US')} neighbour pairs within eps=${eps} (estimated from ${s} sample rows)`, mean * n * PAIR_BYTES, { owner: this.kind, hint: PAIR_HINT });
  }

  /** Cluster index of each sample, -1 for noise. */
  get labels(): Int32Array {
    return this.fitted.labels;
  }

  /** Indices of the core samples, ascending. */
  get coreSampleIndices(): Int32Array {
    return this.fitted.coreSampleIndices;
  }

  /** Rows of X of the core samples. */
  get components(): Matrix {
    return this.fitted.components;
  }

  /** Number of clusters found (noise not counted). */
  get nClusters(): number {
    let m = -1;
    for (const l of this.fitted.labels) if (l > m) m = l;
    return m + 1;
  }

  /** `fit(X, opts).labels`. */
  fitPredict(X: MatrixLike, opts: { sampleWeight?: ArrayLike<number> | null } = {}): Int32Array {
    return this.fit(X, opts).labels;
  }
}
registerEstimator(DBSCAN);

/**
 * scikit-learn's `dbscan_inner`: for each unlabelled core sample in index order, a depth-first
 * expansion through core samples' neighbourhoods; non-core samples get labelled but not expanded.
 */
export function dbscanInner(core: Uint8Array, indptr: Int32Array, indices: Int32Array): Int32Array {
  const n = core.length;
  const labels = new Int32Array(n).fill(-1);
  let stack = new Int32Array(1024);
  let top = 0;
  let label = 0;
  for (let start = 0; start < n; start++) {
    if (labels[start] !== -1 || !core[start]) continue;
    let i = start;
    for (;;) {
      if (labels[i] === -1) {
        labels[i] = label;
        if (core[i]) {
          for (let t = indptr[i]!; t < indptr[i + 1]!; t++) {
            const v = indices[t]!;
            if (labels[v] === -1) {
              if (top === stack.length) {
                const s2 = new Int32Array(stack.length * 2);
                s2.set(stack);
                stack = s2;
              }
              stack[top++] = v;
            }
          }
        }
      }
      if (top === 0) break;
      i = stack[--top]!;
    }
    label++;
  }
  return labels;
}

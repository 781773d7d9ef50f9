/**
 * The neighbour-search engine shared by NearestNeighbors, the k-NN estimators and DBSCAN:
 * a KD-tree or a brute-force scan over the fitted rows, k-nearest and radius queries,
 * results in compact typed arrays (radius results as CSR, memory O(n + edges)).
 */
import { Matrix } from '../core/matrix.js';
import { KDTree, NeighborBuffer, heapPush, heapSortInto } from './kdTree.js';
import { cosineDist, distToRdist, l2Normalize, rdist, rdistToDist, type MetricSpec } from './metrics.js';

export type Algorithm = 'auto' | 'kd_tree' | 'brute';

/** k-nearest result: row-major n x k distances and training-row indices, each row sorted by (distance, index). */
export interface KNeighborsResult {
  distances: Matrix;
  indices: Int32Array;
  /** Neighbours per query (the row length of `indices`). */
  nNeighbors: number;
}

/** Radius result in CSR form: the neighbours of query i are `indices[indptr[i]] ... indices[indptr[i + 1] - 1]`. */
export interface RadiusNeighborsResult {
  indptr: Int32Array;
  indices: Int32Array;
  distances: Float64Array;
}

/** Options of a search index (scikit-learn's NearestNeighbors constructor arguments). */
export interface SearchOptions {
  metric: MetricSpec;
  algorithm: Algorithm;
  leafSize: number;
}

export class NeighborSearch {
  readonly n: number;
  readonly d: number;
  /** Training rows (L2-normalised for cosine). */
  readonly data: Float64Array;
  private readonly hasZeroRow: boolean;
  private tree: KDTree | null = null;

  constructor(X: Matrix, readonly opts: SearchOptions) {
    this.n = X.rows;
    this.d = X.cols;
    if (opts.metric.cosine) {
      const z = l2Normalize(X.data, X.rows, X.cols);
      this.data = z.data;
      this.hasZeroRow = z.hasZero;
    } else {
      this.data = X.data;
      this.hasZeroRow = false;
    }
  }

  /** scikit-learn's `_fit_method` choice for 'auto': brute beyond 15 features or for k >= n/2. */
  useTree(k: number | null): boolean {
    const { algorithm } = this.opts;
    if (algorithm === 'brute') return false;
    if (algorithm === 'kd_tree') return true;
    return this.d <= 15 && !(k !== null && k >= this.n >> 1);
  }

  private getTree(): KDTree {
    if (!this.tree) this.tree = new KDTree(this.data, this.n, this.d, this.opts.metric.kind, this.opts.metric.p, this.opts.leafSize);
    return this.tree;
  }

  private prepareQuery(Q: Matrix): { q: Float64Array; zero: boolean } {
    if (!this.opts.metric.cosine) return { q: Q.data, zero: false };
    if (Q.data === this.data) return { q: this.data, zero: this.hasZeroRow };
    const z = l2Normalize(Q.data, Q.rows, Q.cols);
    return { q: z.data, zero: z.hasZero };
  }

  /**
   * k nearest training rows of each query row. With `Q === null` the training rows are the
   * queries and each row's own index is left out (scikit-learn's `kneighbors()` without X).
   */
  kneighbors(Q: Matrix | null, k: number): KNeighborsResult {
    const self = Q === null;
    const query = Q ?? new Matrix(this.data, this.n, this.d);
    const kq = self ? k + 1 : k;
    const nq = query.rows;
    const { q } = self ? { q: this.data } : this.prepareQuery(query);
    const m = this.opts.metric;
    const d = this.d;
    const D = new Float64Array(nq * kq);
    const I = new Int32Array(nq * kq);
    if (!m.cosine && this.useTree(kq)) {
      const tree = this.getTree();
      for (let i = 0; i < nq; i++) tree.queryKnn(q, i * d, kq, D, I, i * kq);
    } else {
      const hd = new Float64Array(kq);
      const hi = new Int32Array(kq);
      const data = this.data;
      for (let i = 0; i < nq; i++) {
        hd.fill(Infinity);
        hi.fill(0x7fffffff);
        const qo = i * d;
        // the inline `<= hd[0]` test rejects most points without a call
        if (m.cosine) {
          for (let j = 0; j < this.n; j++) { const v = cosineDist(q, qo, data, j * d, d); if (v <= hd[0]!) heapPush(hd, hi, kq, v, j); }
        } else if (m.kind === 1) {
          for (let j = 0; j < this.n; j++) {
            let v = 0;
            for (let t = 0, o = j * d; t < d; t++) { const z = q[qo + t]! - data[o + t]!; v += z * z; }
            if (v <= hd[0]!) heapPush(hd, hi, kq, v, j);
          }
        } else {
          for (let j = 0; j < this.n; j++) { const v = rdist(m.kind, m.p, q, qo, data, j * d, d); if (v <= hd[0]!) heapPush(hd, hi, kq, v, j); }
        }
        heapSortInto(hd, hi, kq, D, I, i * kq);
      }
    }
    if (!m.cosine && m.kind !== 0 && m.kind !== 2) for (let t = 0; t < D.length; t++) D[t] = rdistToDist(m.kind, m.p, D[t]!);
    if (!self) return { distances: new Matrix(D, nq, k), indices: I, nNeighbors: k };
    // drop each sample itself; when duplicates crowd it out, drop the first column (as scikit-learn)
    const D2 = new Float64Array(nq * k);
    const I2 = new Int32Array(nq * k);
    for (let i = 0; i < nq; i++) {
      let skip = 0;
      for (let t = 0; t < kq; t++) if (I[i * kq + t] === i) { skip = t; break; }
      for (let t = 0, o = 0; t < kq; t++) {
        if (t === skip) continue;
        D2[i * k + o] = D[i * kq + t]!;
        I2[i * k + o++] = I[i * kq + t]!;
      }
    }
    return { distances: new Matrix(D2, nq, k), indices: I2, nNeighbors: k };
  }

  /**
   * Training rows within distance `radius` (inclusive) of each query row, as CSR. Memory is
   * O(queries + pairs found). `Q === null` queries the training rows and leaves each row's own
   * index out. `sort` orders each row by (distance, index); otherwise ascending index order
   * is not guaranteed.
   */
  radiusNeighbors(Q: Matrix | null, radius: number, sort = false): RadiusNeighborsResult {
    const self = Q === null;
    const query = Q ?? new Matrix(this.data, this.n, this.d);
    const nq = query.rows;
    const { q, zero } = self ? { q: this.data, zero: this.hasZeroRow } : this.prepareQuery(query);
    const m = this.opts.metric;
    const d = this.d;
    const indptr = new Int32Array(nq + 1);
    const buf = new NeighborBuffer(Math.max(1024, nq * 4));
    const data = this.data;
    if (m.cosine) {
      if (!zero && !this.hasZeroRow && this.useTree(null)) {
        // unit vectors: |a - b|^2 = 2 (1 - a.b); search a slightly larger Euclidean ball, keep the exact cosine test
        const tree = this.getTree();
        const tmp = new NeighborBuffer(256);
        const r2 = 2 * radius + 1e-9;
        for (let i = 0; i < nq; i++) {
          tmp.length = 0;
          tree.queryRadius(q, i * d, r2, tmp);
          for (let t = 0; t < tmp.length; t++) {
            const j = tmp.ind[t]!;
            const c = cosineDist(q, i * d, data, j * d, d);
            if (c <= radius && !(self && j === i)) buf.push(j, c);
          }
          indptr[i + 1] = buf.length;
        }
      } else {
        for (let i = 0; i < nq; i++) {
          for (let j = 0; j < this.n; j++) {
            const c = cosineDist(q, i * d, data, j * d, d);
            if (c <= radius && !(self && j === i)) buf.push(j, c);
          }
          indptr[i + 1] = buf.length;
        }
      }
    } else {
      const r = distToRdist(m.kind, m.p, radius);
      if (this.useTree(null)) {
        const tree = this.getTree();
        for (let i = 0; i < nq; i++) {
          const start = buf.length;
          tree.queryRadius(q, i * d, r, buf);
          if (self) removeSelf(buf, start, i);
          indptr[i + 1] = buf.length;
        }
      } else {
        for (let i = 0; i < nq; i++) {
          for (let j = 0; j < this.n; j++) {
            const v = rdist(m.kind, m.p, q, i * d, data, j * d, d);
            if (v <= r && !(self && j === i)) buf.push(j, v);
          }
          indptr[i + 1] = buf.length;
        }
      }
      if (m.kind === 1 || m.kind === 3) for (let t = 0; t < buf.length; t++) buf.dist[t] = rdistToDist(m.kind, m.p, buf.dist[t]!);
    }
    const indices = buf.ind.slice(0, buf.length);
    const distances = buf.dist.slice(0, buf.length);
    if (sort) for (let i = 0; i < nq; i++) sortSegment(indices, distances, indptr[i]!, indptr[i + 1]!);
    return { indptr, indices, distances };
  }
}

function removeSelf(buf: NeighborBuffer, start: number, i: number): void {
  for (let t = start; t < buf.length; t++) {
    if (buf.ind[t] === i) {
      buf.ind.copyWithin(t, t + 1, buf.length);
      buf.dist.copyWithin(t, t + 1, buf.length);
      buf.length--;
      return;
    }
  }
}

/** Sort indices/distances[s, e) by (distance, index). */
export function sortSegment(ind: Int32Array, dist: Float64Array, s: number, e: number): void {
  const len = e - s;
  if (len < 2) return;
  const order = Array.from({ length: len }, (_, t) => s + t);
  order.sort((a, b) => dist[a]! - dist[b]! || ind[a]! - ind[b]!);
  const i2 = order.map((t) => ind[t]!);
  const d2 = order.map((t) => dist[t]!);
  ind.set(i2, s);
  dist.set(d2, s);
}

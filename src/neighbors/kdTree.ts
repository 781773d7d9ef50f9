/**
 * KD-tree over a row-major Float64Array, for Minkowski metrics (p = 1, 2, inf or any p >= 1).
 *
 * Layout follows scikit-learn's `KDTree`: a complete binary tree stored as arrays
 * (`2^levels - 1` nodes, children of node i at 2i+1 and 2i+2), each node owning a contiguous
 * slice of a permuted copy of the data, split at the median of the widest dimension, with an
 * axis-aligned bounding box per node. Leaves hold between `leafSize` and `2 * leafSize` points.
 *
 * Results do not depend on the tree's shape: k-nearest queries keep the k smallest
 * `(reduced distance, index)` pairs (ties go to the lower training index, as scikit-learn's
 * brute-force search resolves them) and never prune a node whose lower bound equals the current
 * k-th distance, so a KD-tree query and a brute-force scan return the same neighbours.
 * Box lower bounds are computed with the same float operations as point distances, so they
 * never exceed a contained point's distance (rounding is monotone).
 */
import { rdist, type MinkowskiKind } from './metrics.js';

/** Growable (index, reduced distance) buffer filled by radius queries. */
export class NeighborBuffer {
  ind: Int32Array;
  dist: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.ind = new Int32Array(capacity);
    this.dist = new Float64Array(capacity);
  }
  push(i: number, r: number): void {
    if (this.length === this.ind.length) this.grow();
    this.ind[this.length] = i;
    this.dist[this.length++] = r;
  }
  grow(): void {
    const cap = this.ind.length * 2;
    const ind = new Int32Array(cap);
    ind.set(this.ind);
    const dist = new Float64Array(cap);
    dist.set(this.dist);
    this.ind = ind;
    this.dist = dist;
  }
}

export class KDTree {
  readonly n: number;
  readonly d: number;
  readonly leafSize: number;
  readonly nLevels: number;
  readonly nNodes: number;
  /** Permuted copy of the data: row k of `data` is training row `idx[k]`. */
  readonly data: Float64Array;
  readonly idx: Int32Array;
  readonly nodeStart: Int32Array;
  readonly nodeEnd: Int32Array;
  /** Bounding boxes, nNodes x d. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  private readonly stack = new Int32Array(256);
  // k-NN scratch heap (max-heap on (dist, index))
  private heapD = new Float64Array(0);
  private heapI = new Int32Array(0);
  private k = 0;

  constructor(
    X: Float64Array,
    n: number,
    d: number,
    readonly kind: MinkowskiKind,
    readonly p: number,
    leafSize = 40,
  ) {
    this.n = n;
    this.d = d;
    this.leafSize = leafSize;
    this.nLevels = Math.floor(Math.log2(Math.max(1, (n - 1) / leafSize))) + 1;
    this.nNodes = 2 ** this.nLevels - 1;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    this.nodeStart = new Int32Array(this.nNodes);
    this.nodeEnd = new Int32Array(this.nNodes);
    this.lo = new Float64Array(this.nNodes * d);
    this.hi = new Float64Array(this.nNodes * d);
    this.nodeEnd[0] = n;
    for (let node = 0; node < this.nNodes; node++) {
      const s = this.nodeStart[node]!;
      const e = this.nodeEnd[node]!;
      const o = node * d;
      for (let j = 0; j < d; j++) { this.lo[o + j] = Infinity; this.hi[o + j] = -Infinity; }
      for (let k = s; k < e; k++) {
        const r = idx[k]! * d;
        for (let j = 0; j < d; j++) {
          const v = X[r + j]!;
          if (v < this.lo[o + j]!) this.lo[o + j] = v;
          if (v > this.hi[o + j]!) this.hi[o + j] = v;
        }
      }
      const left = 2 * node + 1;
      if (left >= this.nNodes) continue;
      let dim = 0;
      let spread = -1;
      for (let j = 0; j < d; j++) {
        const w = this.hi[o + j]! - this.lo[o + j]!;
        if (w > spread) { spread = w; dim = j; }
      }
      const mid = s + ((e - s) >> 1);
      select(idx, X, d, dim, s, e - 1, mid);
      this.nodeStart[left] = s;
      this.nodeEnd[left] = mid;
      this.nodeStart[left + 1] = mid;
      this.nodeEnd[left + 1] = e;
    }
    this.idx = idx;
    this.data = new Float64Array(n * d);
    for (let k = 0; k < n; k++) this.data.set(X.subarray(idx[k]! * d, idx[k]! * d + d), k * d);
  }

  /** Reduced distance from the query to the node's box (a lower bound for every point inside). */
  minRdist(node: number, q: Float64Array, qOff: number): number {
    const d = this.d;
    const o = node * d;
    const lo = this.lo;
    const hi = this.hi;
    let s = 0;
    switch (this.kind) {
      case 1:
        for (let j = 0; j < d; j++) {
          const x = q[qOff + j]!;
          const t = x < lo[o + j]! ? x - lo[o + j]! : x > hi[o + j]! ? x - hi[o + j]! : 0;
          s += t * t;
        }
        return s;
      case 0:
        for (let j = 0; j < d; j++) {
          const x = q[qOff + j]!;
          s += x < lo[o + j]! ? lo[o + j]! - x : x > hi[o + j]! ? x - hi[o + j]! : 0;
        }
        return s;
      case 2:
        for (let j = 0; j < d; j++) {
          const x = q[qOff + j]!;
          const t = x < lo[o + j]! ? lo[o + j]! - x : x > hi[o + j]! ? x - hi[o + j]! : 0;
          if (t > s) s = t;
        }
        return s;
      default:
        for (let j = 0; j < d; j++) {
          const x = q[qOff + j]!;
          const t = x < lo[o + j]! ? lo[o + j]! - x : x > hi[o + j]! ? x - hi[o + j]! : 0;
          s += Math.pow(t, this.p);
        }
        return s;
    }
  }

  /**
   * Points with reduced distance <= `r` from the query row (q at offset qOff). Appends
   * (training index, reduced distance) to `out`; order is the tree's, not sorted.
   */
  queryRadius(q: Float64Array, qOff: number, r: number, out: NeighborBuffer): void {
    const { stack, data, idx, d, kind, p } = this;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      if (this.minRdist(node, q, qOff) > r) continue;
      const left = 2 * node + 1;
      if (left < this.nNodes) {
        stack[top++] = left + 1;
        stack[top++] = left;
        continue;
      }
      const e = this.nodeEnd[node]!;
      if (kind === 1 && d === 2) {
        // the common low-dimensional case, unrolled (same float operations as rdist)
        const q0 = q[qOff]!;
        const q1 = q[qOff + 1]!;
        for (let k = this.nodeStart[node]!; k < e; k++) {
          const t0 = q0 - data[2 * k]!;
          const t1 = q1 - data[2 * k + 1]!;
          const v = t0 * t0 + t1 * t1;
          if (v <= r) out.push(idx[k]!, v);
        }
      } else {
        for (let k = this.nodeStart[node]!; k < e; k++) {
          const v = rdist(kind, p, q, qOff, data, k * d, d);
          if (v <= r) out.push(idx[k]!, v);
        }
      }
    }
  }

  /** Number of points with reduced distance <= r (no allocation). */
  countRadius(q: Float64Array, qOff: number, r: number): number {
    const { stack, data, d, kind, p } = this;
    let top = 0;
    let count = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      if (this.minRdist(node, q, qOff) > r) continue;
      const left = 2 * node + 1;
      if (left < this.nNodes) {
        stack[top++] = left + 1;
        stack[top++] = left;
        continue;
      }
      const e = this.nodeEnd[node]!;
      for (let k = this.nodeStart[node]!; k < e; k++) if (rdist(kind, p, q, qOff, data, k * d, d) <= r) count++;
    }
    return count;
  }

  /**
   * The k nearest training rows to the query, sorted by (reduced distance, index); written to
   * outD/outI at offset outOff. k must be <= n.
   */
  queryKnn(q: Float64Array, qOff: number, k: number, outD: Float64Array, outI: Int32Array, outOff: number): void {
    if (this.heapD.length < k) {
      this.heapD = new Float64Array(k);
      this.heapI = new Int32Array(k);
    }
    this.k = k;
    this.heapD.fill(Infinity, 0, k);
    this.heapI.fill(0x7fffffff, 0, k);
    this.visitKnn(0, q, qOff, this.minRdist(0, q, qOff));
    heapSortInto(this.heapD, this.heapI, k, outD, outI, outOff);
  }

  private visitKnn(node: number, q: Float64Array, qOff: number, lb: number): void {
    const hd = this.heapD;
    if (lb > hd[0]!) return;
    const left = 2 * node + 1;
    if (left >= this.nNodes) {
      const { data, idx, d, kind, p } = this;
      const hi = this.heapI;
      const k = this.k;
      const e = this.nodeEnd[node]!;
      for (let j = this.nodeStart[node]!; j < e; j++) {
        const v = rdist(kind, p, q, qOff, data, j * d, d);
        if (v > hd[0]!) continue;
        const id = idx[j]!;
        if (v === hd[0]! && id > hi[0]!) continue;
        heapReplaceTop(hd, hi, k, v, id);
      }
      return;
    }
    const lbL = this.minRdist(left, q, qOff);
    const lbR = this.minRdist(left + 1, q, qOff);
    if (lbL <= lbR) {
      this.visitKnn(left, q, qOff, lbL);
      this.visitKnn(left + 1, q, qOff, lbR);
    } else {
      this.visitKnn(left + 1, q, qOff, lbR);
      this.visitKnn(left, q, qOff, lbL);
    }
  }
}

/** (a, ia) > (b, ib) in (distance, index) order. */
function greater(a: number, ia: number, b: number, ib: number): boolean {
  return a > b || (a === b && ia > ib);
}

/** Replace the max of a max-heap of size k with (v, id) and restore the heap. */
export function heapReplaceTop(hd: Float64Array, hi: Int32Array, k: number, v: number, id: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= k) break;
    const r = l + 1;
    let c = l;
    if (r < k && greater(hd[r]!, hi[r]!, hd[l]!, hi[l]!)) c = r;
    if (!greater(hd[c]!, hi[c]!, v, id)) break;
    hd[i] = hd[c]!;
    hi[i] = hi[c]!;
    i = c;
  }
  hd[i] = v;
  hi[i] = id;
}

/** Push (v, id) into a bounded max-heap of size k if it beats the current max. */
export function heapPush(hd: Float64Array, hi: Int32Array, k: number, v: number, id: number): void {
  if (v > hd[0]! || (v === hd[0]! && id > hi[0]!)) return;
  heapReplaceTop(hd, hi, k, v, id);
}

/** Empty a max-heap of size k into ascending order at outD/outI[outOff..]. Destroys the heap. */
export function heapSortInto(hd: Float64Array, hi: Int32Array, k: number, outD: Float64Array, outI: Int32Array, outOff: number): void {
  for (let size = k; size > 0; size--) {
    outD[outOff + size - 1] = hd[0]!;
    outI[outOff + size - 1] = hi[0]!;
    const lastD = hd[size - 1]!;
    const lastI = hi[size - 1]!;
    heapReplaceTop(hd, hi, size - 1, lastD, lastI);
  }
}

/** Quickselect on idx[lo..hi] (inclusive) by X[idx*d + dim] so that position k holds its sorted element. */
function select(idx: Int32Array, X: Float64Array, d: number, dim: number, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    // median of three pivot
    const m = lo + ((hi - lo) >> 1);
    const a = X[idx[lo]! * d + dim]!;
    const b = X[idx[m]! * d + dim]!;
    const c = X[idx[hi]! * d + dim]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // three-way partition: [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = X[idx[i]! * d + dim]!;
      if (v < pivot) {
        const t = idx[lt]!; idx[lt] = idx[i]!; idx[i] = t;
        lt++; i++;
      } else if (v > pivot) {
        const t = idx[gt]!; idx[gt] = idx[i]!; idx[i] = t;
        gt--;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return;
  }
}

/**
 * Presort mode of the exact 'best' splitter: one sample order per feature, sorted once at the start
 * and stably partitioned at each split, instead of an introsort per feature per node.
 */
import { sortPairs } from './sorting.js';
import type { SplitterData } from './splitTypes.js';

export class PresortedOrders {
  /** orders[f][start:end]: the node's samples in ascending order of feature f */
  readonly orders: Int32Array[] = [];
  private readonly goLeft: Uint8Array;
  private readonly tmp: Int32Array;

  /** `samples[0:m]` are the rows with non-zero weight (sw). */
  constructor(data: SplitterData, samples: Int32Array, m: number, sw: Float64Array) {
    const { n, d } = data;
    this.goLeft = new Uint8Array(n);
    this.tmp = new Int32Array(n);
    const keys = new Float64Array(data.order ? 0 : m);
    for (let f = 0; f < d; f++) {
      let ord: Int32Array;
      if (data.order) {
        ord = new Int32Array(m);
        const G = data.order.subarray(f * n, f * n + n);
        let q = 0;
        for (let t = 0; t < n; t++) { const i = G[t]!; if (sw[i]! !== 0) ord[q++] = i; }
      } else {
        ord = samples.slice(0, m);
        const col = f * n;
        for (let q = 0; q < m; q++) keys[q] = data.Xc[col + ord[q]!]!;
        sortPairs(keys, ord, 0, m - 1);
      }
      this.orders.push(ord);
    }
  }

  /**
   * Stable-partition the feature orders so samples[start:pos] of feature bestF's order come first,
   * and copy that order into `samples` (the node's set for the criterion). Features constant in this
   * node (features[0:nConst]) are skipped: their segments go stale, but a stale segment still holds
   * samples of a node where the feature was constant, so it is detected as constant again if ever
   * drawn (best-first growth does not pass constants down).
   */
  partition(bestF: number, start: number, pos: number, end: number, features: Int32Array, nConst: number, samples: Int32Array): void {
    const P = this.orders, goLeft = this.goLeft, tmp = this.tmp;
    const B = P[bestF]!;
    for (let q = start; q < pos; q++) goLeft[B[q]!] = 1;
    for (let q = pos; q < end; q++) goLeft[B[q]!] = 0;
    samples.set(B.subarray(start, end), start);
    for (let t = nConst; t < features.length; t++) {
      const f = features[t]!;
      if (f === bestF) continue;
      const S = P[f]!;
      let l = start, r = 0;
      for (let q = start; q < end; q++) {
        const s = S[q]!;
        if (goLeft[s] === 1) S[l++] = s; else tmp[r++] = s;
      }
      S.set(tmp.subarray(0, r), l);
    }
  }
}

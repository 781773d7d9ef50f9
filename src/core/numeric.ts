/**
 * numpy's pairwise summation (`pairwise_sum_DOUBLE` in numpy/core/src/umath/loops_utils.h): blocks
 * of up to 128 elements summed with 8 accumulators, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
 * larger ranges split in halves rounded down to a multiple of 8. Bit for bit what `ndarray.sum()`
 * returns for a contiguous 1-D float64 array, which is what makes means and variances round like
 * numpy, pandas and scikit-learn.
 */
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
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * numpy's `quantile(..., method='linear')` of an ascending-sorted array without NaN (numpy 1.24:
 * virtual index (n-1)q, `_lerp` with the `t >= 0.5` branch), bit for bit.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const vi = (n - 1) * q;
  if (vi >= n - 1) return sorted[n - 1]!;
  if (vi < 0) return sorted[0]!;
  const lo = Math.floor(vi);
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const t = vi - lo;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy's float `less` for sorting: NaN after every number. */
function npLess(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/**
 * `np.argpartition(v, kth)` for a 1-D float64 array, bit for bit the index order numpy 1.24
 * returns (its `introselect_` with `arg = true`: median-of-3 quickselect, `dumb_select` for
 * kth < 3, median-of-medians-of-5 fallback past the depth limit, NaN last). Ties come out in
 * numpy's order, which is what scikit-learn's KNNImputer uses to choose donors.
 */
export function numpyArgpartition(v: ArrayLike<number>, kth: number): Int32Array {
  const num = v.length;
  const ts = new Int32Array(num);
  for (let i = 0; i < num; i++) ts[i] = i;
  if (num === 0) return ts;
  if (kth < 0) kth += num;
  introselect(v, ts, 0, num, kth);
  return ts;
}

function introselect(v: ArrayLike<number>, ts: Int32Array, off: number, num: number, kth: number): void {
  const val = (i: number) => v[ts[off + i]!]!;
  const swap = (i: number, j: number) => { const t = ts[off + i]!; ts[off + i] = ts[off + j]!; ts[off + j] = t; };
  let low = 0;
  let high = num - 1;
  if (kth - low < 3) {
    dumbSelect(v, ts, off + low, high - low + 1, kth - low);
    return;
  } else if (kth === num - 1) {
    let maxidx = low;
    let maxval = val(low);
    for (let k = low + 1; k < num; k++) {
      if (!npLess(val(k), maxval)) { maxidx = k; maxval = val(k); }
    }
    swap(kth, maxidx);
    return;
  }
  let depthLimit = msb(num) * 2;
  while (low + 1 < high) {
    let ll = low + 1;
    let hh = high;
    if (depthLimit > 0 || hh - ll < 5) {
      const mid = low + Math.floor((high - low) / 2);
      // median3_swap_
      if (npLess(val(high), val(mid))) swap(high, mid);
      if (npLess(val(high), val(low))) swap(high, low);
      if (npLess(val(low), val(mid))) swap(low, mid);
      swap(mid, low + 1);
    } else {
      const mid = ll + medianOfMedian5(v, ts, off + ll, hh - ll);
      swap(mid, low);
      ll--;
      hh++;
    }
    depthLimit--;
    const pivot = val(low);
    for (;;) {
      do ll++; while (npLess(val(ll), pivot));
      do hh--; while (npLess(pivot, val(hh)));
      if (hh < ll) break;
      swap(ll, hh);
    }
    swap(low, hh);
    if (hh >= kth) high = hh - 1;
    if (hh <= kth) low = ll;
  }
  if (high === low + 1) {
    if (npLess(val(high), val(low))) swap(high, low);
  }
}

function dumbSelect(v: ArrayLike<number>, ts: Int32Array, off: number, num: number, kth: number): void {
  for (let i = 0; i <= kth; i++) {
    let minidx = i;
    let minval = v[ts[off + i]!]!;
    for (let k = i + 1; k < num; k++) {
      const x = v[ts[off + k]!]!;
      if (npLess(x, minval)) { minidx = k; minval = x; }
    }
    const t = ts[off + i]!; ts[off + i] = ts[off + minidx]!; ts[off + minidx] = t;
  }
}

function median5(v: ArrayLike<number>, ts: Int32Array, off: number): number {
  const val = (i: number) => v[ts[off + i]!]!;
  const swap = (i: number, j: number) => { const t = ts[off + i]!; ts[off + i] = ts[off + j]!; ts[off + j] = t; };
  if (npLess(val(1), val(0))) swap(1, 0);
  if (npLess(val(4), val(3))) swap(4, 3);
  if (npLess(val(3), val(0))) swap(3, 0);
  if (npLess(val(4), val(1))) swap(4, 1);
  if (npLess(val(2), val(1))) swap(2, 1);
  if (npLess(val(3), val(2))) return npLess(val(3), val(1)) ? 1 : 3;
  return 2;
}

function medianOfMedian5(v: ArrayLike<number>, ts: Int32Array, off: number, num: number): number {
  const right = num - 1;
  const nmed = Math.floor((right + 1) / 5);
  for (let i = 0, subleft = 0; i < nmed; i++, subleft += 5) {
    const m = median5(v, ts, off + subleft);
    const t = ts[off + subleft + m]!; ts[off + subleft + m] = ts[off + i]!; ts[off + i] = t;
  }
  if (nmed > 2) introselect(v, ts, off, nmed, Math.floor(nmed / 2));
  return Math.floor(nmed / 2);
}

/** numpy's `npy_get_msb`: floor(log2(n)) for n >= 1. */
function msb(n: number): number {
  let depth = 0;
  while ((n = Math.floor(n / 2)) > 0) depth++;
  return depth;
}

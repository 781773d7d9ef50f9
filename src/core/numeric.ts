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

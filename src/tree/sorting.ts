/**
 * Sorting for the split search: scikit-learn's introsort of `_splitter.pyx` (the order of tied
 * values, hence of samples inside a node, equals scikit-learn's), and a plain pair sort for the
 * one-off presort of each feature (presort mode, where ties cannot change a sum) and forest.ts.
 */

/** Swap positions i and j of Xf and s. */
function swap(Xf: Float32Array, s: Int32Array, i: number, j: number): void {
  const v = Xf[i]!; Xf[i] = Xf[j]!; Xf[j] = v;
  const k = s[i]!; s[i] = s[j]!; s[j] = k;
}

/** Sort Xf[off:off+n] ascending, carrying samples along, exactly as scikit-learn's `sort`. */
export function introsortRange(Xf: Float32Array, s: Int32Array, off: number, n: number): void {
  if (n === 0) return;
  const maxd = 2 * Math.trunc(Math.log(n) / Math.LN2);
  introsort(Xf, s, off, n, maxd);
}

function introsort(Xf: Float32Array, s: Int32Array, off: number, n: number, maxd: number): void {
  while (n > 1) {
    if (maxd <= 0) { heapsort(Xf, s, off, n); return; }
    maxd--;
    // median3
    const a = Xf[off]!, b = Xf[off + (n >>> 1)]!, c = Xf[off + n - 1]!;
    let pivot: number;
    if (a < b) pivot = b < c ? b : a < c ? c : a;
    else pivot = b < c ? (a < c ? a : c) : b;
    // three-way partition (swaps of an element with itself are skipped: same result)
    let i = off, l = off, r = off + n;
    while (i < r) {
      const v = Xf[i]!;
      if (v < pivot) {
        if (i !== l) { const t = s[i]!; Xf[i] = Xf[l]!; s[i] = s[l]!; Xf[l] = v; s[l] = t; }
        i++; l++;
      } else if (v > pivot) {
        r--;
        const t = s[i]!; Xf[i] = Xf[r]!; s[i] = s[r]!; Xf[r] = v; s[r] = t;
      } else i++;
    }
    if (l - off > 1) introsort(Xf, s, off, l - off, maxd);
    n -= r - off;
    off = r;
  }
}

function siftDown(Xf: Float32Array, s: Int32Array, off: number, start: number, end: number): void {
  let root = start;
  for (;;) {
    const child = root * 2 + 1;
    let maxind = root;
    if (child < end && Xf[off + maxind]! < Xf[off + child]!) maxind = child;
    if (child + 1 < end && Xf[off + maxind]! < Xf[off + child + 1]!) maxind = child + 1;
    if (maxind === root) break;
    swap(Xf, s, off + root, off + maxind);
    root = maxind;
  }
}

function heapsort(Xf: Float32Array, s: Int32Array, off: number, n: number): void {
  let start = (n - 2) >> 1;
  let end = n;
  for (;;) {
    siftDown(Xf, s, off, start, end);
    if (start === 0) break;
    start--;
  }
  end = n - 1;
  while (end > 0) {
    swap(Xf, s, off, off + end);
    siftDown(Xf, s, off, 0, end);
    end--;
  }
}

/** In-place sort of vals[lo..hi] carrying idx along (median-of-3 quicksort + insertion sort). */
export function sortPairs(vals: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    if (vals[mid]! < vals[lo]!) swapPair(vals, idx, mid, lo);
    if (vals[hi]! < vals[lo]!) swapPair(vals, idx, hi, lo);
    if (vals[hi]! < vals[mid]!) swapPair(vals, idx, hi, mid);
    const pivot = vals[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (vals[i]! < pivot) i++;
      while (vals[j]! > pivot) j--;
      if (i <= j) { swapPair(vals, idx, i, j); i++; j--; }
    }
    if (j - lo < hi - i) { sortPairs(vals, idx, lo, j); lo = i; } else { sortPairs(vals, idx, i, hi); hi = j; }
  }
  for (let a = lo + 1; a <= hi; a++) {
    const v = vals[a]!, k = idx[a]!;
    let b = a - 1;
    while (b >= lo && vals[b]! > v) { vals[b + 1] = vals[b]!; idx[b + 1] = idx[b]!; b--; }
    vals[b + 1] = v;
    idx[b + 1] = k;
  }
}

function swapPair(vals: Float64Array, idx: Int32Array, a: number, b: number): void {
  const v = vals[a]!; vals[a] = vals[b]!; vals[b] = v;
  const k = idx[a]!; idx[a] = idx[b]!; idx[b] = k;
}

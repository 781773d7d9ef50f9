/**
 * The `hist` splitter's per-feature search, on features pre-binned to at most 255 bins (bin codes
 * and the upper edge of each bin in SplitterData). Candidate thresholds are the bin edges.
 * - single-output classification: per-feature histograms of weighted class counts, filled in one
 *   pass over the rows when every remaining feature is visited, and scanned in bin order;
 * - otherwise: the node's samples are ordered by a counting sort over bin codes (linear time instead
 *   of a comparison sort) and scanned through the criterion.
 * Same criteria, constraints, proxy and tie rule as the exact search.
 */
import { classCountsOf, entropyProxy, type ClassCounts } from './classScan.js';
import type { ClassificationCriterion } from './classificationCriterion.js';
import type { Criterion } from './criterion.js';
import type { NodeSearch, Split, SplitterData } from './splitTypes.js';

/**
 * Per-feature, per-bin weighted class counts (H), weights (W) and sample counts (N), feature f at
 * offset f * 256 bins; `seen` lists the non-empty bins of each feature, `nSeen` how many.
 */
interface Histograms { H: Float64Array; W: Float64Array; N: Int32Array; seen: Int32Array; nSeen: Int32Array }

export class HistogramSearch {
  private readonly fc: ClassCounts | null;
  private readonly h: Histograms | null;
  private readonly codes: Uint8Array;
  private readonly tmp: Int32Array;
  private readonly binCount = new Int32Array(257);

  constructor(private readonly data: SplitterData, crit: Criterion, sw: Float64Array) {
    const { n, d } = data;
    this.codes = new Uint8Array(n);
    this.tmp = new Int32Array(n);
    this.fc = classCountsOf(crit, sw);
    const k = this.fc?.k ?? 0;
    this.h = this.fc ? { H: new Float64Array(256 * d * k), W: new Float64Array(256 * d), N: new Int32Array(256 * d), seen: new Int32Array(256 * d), nSeen: new Int32Array(d) } : null;
  }

  /**
   * When every remaining feature (features[nKnownConst:]) will be visited, fill all their histograms
   * in one pass over the node's rows (row-major bins); returns whether it did.
   */
  buildAll(sp: NodeSearch, features: Int32Array, nKnownConst: number, start: number, end: number): boolean {
    const d = this.data.d;
    if (this.h === null || this.data.binsRow === undefined || sp.o.maxFeatures < d - nKnownConst) return false;
    const { y, sw, k } = this.fc!;
    const { H, W, N, seen, nSeen } = this.h;
    const rb = this.data.binsRow, samples = sp.samples;
    const fs = features.subarray(nKnownConst, d);
    const nf = fs.length;
    for (let t = 0; t < nf; t++) nSeen[fs[t]!] = 0;
    for (let q = start; q < end; q++) {
      const s = samples[q]!;
      const c = y[s]!, w = sw[s]!, base = s * d;
      for (let t = 0; t < nf; t++) {
        const f = fs[t]!;
        const hb = (f << 8) + rb[base + f]!;
        H[hb * k + c]! += w;
        W[hb]! += w;
        if (N[hb]!++ === 0) seen[(f << 8) + nSeen[f]!++] = hb & 255;
      }
    }
    return true;
  }

  /**
   * Search feature f over the node samples[start:end]; `built`: its histogram is already filled.
   * Updates `best` and sp.proxy; returns true when the feature is constant in the node.
   */
  search(sp: NodeSearch, f: number, start: number, end: number, best: Split, built: boolean): boolean {
    if (this.h === null) return this.sortedSearch(sp, f, start, end, best);
    const r = this.histScan(sp, f, start, end, built);
    if (r === 'constant') return true;
    if (r) {
      sp.proxy = this.fc!.proxy;
      best.pos = start + r.nLeft; best.feature = f; best.threshold = this.data.binEdges![f]![r.bin]!; best.nMissing = 0;
    }
    return false;
  }

  /** Partition samples[start:end] for `best` on bin codes (consistent with the scan). */
  partition(samples: Int32Array, best: Split, start: number, end: number): void {
    const bins = this.data.bins!, col = best.feature * this.data.n;
    const edges = this.data.binEdges![best.feature]!;
    let bb = 0;
    while (edges[bb]! < best.threshold) bb++;
    let pe = end, p = start;
    while (p < pe) {
      if (bins[col + samples[p]!]! <= bb) p++;
      else { pe--; const t = samples[p]!; samples[p] = samples[pe]!; samples[pe] = t; }
    }
  }

  /** Fill one feature's histogram (column-major bins). */
  private buildOne(samples: Int32Array, f: number, start: number, end: number): void {
    const { y, sw, k } = this.fc!;
    const { H, W, N, seen, nSeen } = this.h!;
    const bins = this.data.bins!, col = f * this.data.n, off = f << 8;
    let ns = 0;
    for (let q = start; q < end; q++) {
      const s = samples[q]!;
      const hb = off + bins[col + s]!;
      const w = sw[s]!;
      H[hb * k + y[s]!]! += w;
      W[hb]! += w;
      if (N[hb]!++ === 0) seen[off + ns++] = hb - off;
    }
    nSeen[f] = ns;
  }

  /** Zero feature f's histogram (only its non-empty bins). */
  private clear(f: number): void {
    const { k } = this.fc!;
    const { H, W, N, seen, nSeen } = this.h!;
    const off = f << 8;
    for (let t = 0, m = nSeen[f]!; t < m; t++) {
      const hb = off + seen[off + t]!;
      for (let c = 0; c < k; c++) H[hb * k + c] = 0;
      W[hb] = 0; N[hb] = 0;
    }
    nSeen[f] = 0;
  }

  /**
   * Histogram split search over one feature (classification): the candidate thresholds (bin edges)
   * are scanned in ascending order with the same proxy and tie rule as the exact search. Returns the
   * best bin improving on sp.proxy (its proxy in fc.proxy), null, or 'constant'. Clears the
   * feature's histogram.
   */
  private histScan(sp: NodeSearch, f: number, start: number, end: number, built: boolean): { bin: number; nLeft: number } | null | 'constant' {
    if (!built) this.buildOne(sp.samples, f, start, end);
    const fc = this.fc!;
    const { k, entropy, cl } = fc;
    const { H, W, N, seen, nSeen } = this.h!;
    const off = f << 8, ns = nSeen[f]!;
    if (ns <= 1) { this.clear(f); return 'constant'; }
    let mn = 255, mx = 0;
    for (let t = 0; t < ns; t++) { const b = seen[off + t]!; if (b < mn) mn = b; if (b > mx) mx = b; }
    // few distinct bins (small nodes): visit just those, in ascending order; else scan the range
    const sparse = ns * 8 < mx - mn;
    if (sparse) {
      for (let a = off + 1; a < off + ns; a++) {
        const v = seen[a]!;
        let j = a - 1;
        while (j >= off && seen[j]! > v) { seen[j + 1] = seen[j]!; j--; }
        seen[j + 1] = v;
      }
    }
    const crit = sp.crit as ClassificationCriterion;
    const tot = crit.sumTotal, wn = crit.weightedNNodeSamples, nNode = end - start;
    const minLeaf = sp.o.minSamplesLeaf, minW = sp.o.minWeightLeaf;
    let bestProxy = sp.proxy;
    cl.fill(0);
    let wl = 0, nl = 0;
    let best: { bin: number; nLeft: number } | null = null;
    const last = sparse ? ns - 1 : mx - mn;
    for (let t = 0; t < last; t++) {
      const b = sparse ? seen[off + t]! : mn + t;
      const hb = off + b;
      const cnt = N[hb]!;
      if (cnt === 0) continue;
      nl += cnt;
      wl += W[hb]!;
      for (let c = 0; c < k; c++) cl[c]! += H[hb * k + c]!;
      if (nl < minLeaf || nNode - nl < minLeaf) continue;
      const wr = wn - wl;
      if (wl < minW || wr < minW) continue;
      let proxy: number;
      if (entropy) proxy = entropyProxy(cl, tot, k, wl, wr);
      else {
        let sqL = 0, sqR = 0;
        for (let c = 0; c < k; c++) { const l = cl[c]!, r = tot[c]! - l; sqL += l * l; sqR += r * r; }
        proxy = -wr * (1.0 - sqR / (wr * wr)) - wl * (1.0 - sqL / (wl * wl));
      }
      if (proxy > bestProxy) { bestProxy = proxy; best = { bin: b, nLeft: nl }; }
    }
    this.clear(f);
    fc.proxy = bestProxy;
    return best;
  }

  /** Regression / multi-output: counting sort of samples[start:end] by bin code, then the criterion scan over bin runs. */
  private sortedSearch(sp: NodeSearch, f: number, start: number, end: number, best: Split): boolean {
    const { samples, crit, o } = sp;
    const bins = this.data.bins!, col = f * this.data.n;
    const codes = this.codes, tmp = this.tmp, cnt = this.binCount;
    cnt.fill(0);
    let mn = 255, mx = 0;
    for (let q = start; q < end; q++) {
      const b = bins[col + samples[q]!]!;
      cnt[b + 1]!++;
      if (b < mn) mn = b;
      if (b > mx) mx = b;
    }
    if (mx === mn) return true;
    for (let b = mn + 1; b <= mx + 1; b++) cnt[b]! += cnt[b - 1]!;
    for (let q = start; q < end; q++) {
      const s = samples[q]!;
      const b = bins[col + s]!;
      const at = start + cnt[b]!++;
      tmp[at] = s;
      codes[at] = b;
    }
    samples.set(tmp.subarray(start, end), start);
    const edges = this.data.binEdges![f]!;
    const minLeaf = o.minSamplesLeaf, minW = o.minWeightLeaf;
    let bestProxy = sp.proxy;
    crit.reset();
    let p = start;
    while (p < end) {
      const b = codes[p]!;
      p = start + cnt[b]!; // end of this bin's run (cnt[b] = #codes <= b after the scatter)
      if (p < end) {
        if (p - start < minLeaf || end - p < minLeaf) continue;
        crit.update(p);
        if (crit.weightedNLeft < minW || crit.weightedNRight < minW) continue;
        const proxy = crit.proxyImpurityImprovement();
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.pos = p; best.feature = f; best.threshold = edges[b]!; best.nMissing = 0;
        }
      }
    }
    sp.proxy = bestProxy;
    return false;
  }
}

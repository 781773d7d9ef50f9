/**
 * KernelSHAP (Lundberg & Lee 2017) as the shap package's KernelExplainer does it: a feature
 * coalition z is scored by the model averaged over background rows whose coalition features are
 * replaced by x's (the interventional expectation); Shapley values are the weighted least squares
 * fit of those scores on the coalition indicators under the Shapley kernel, with the efficiency
 * constraint sum(phi) = f(x) - E f eliminated through the last varying feature.
 *
 * Coalitions: subset sizes whose whole family fits the sample budget are enumerated (paired with
 * their complements) in increasing size, as shap does; the rest are drawn from the kernel's size
 * distribution with a seeded RandomState (numpy-identical), duplicates adding weight. With a budget
 * of 2^M - 2 samples every coalition is enumerated and the values are the exact Shapley values of
 * the interventional game. No l1 feature selection (shap's 'auto' l1_reg) is applied.
 */
import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { RandomState } from '../core/random.js';
import { cholesky, choleskySolve } from '../linalg/index.js';

/** A batch prediction: n rows in, n x k outputs (row-major) out. */
export type BatchFn = (X: Matrix) => { data: Float64Array; k: number };

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function* combinations(n: number, k: number): Generator<Int32Array> {
  const idx = Int32Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield idx;
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/** Coalition masks (over the M varying features) and their kernel weights. */
export interface Coalitions {
  masks: Uint8Array[];
  weights: Float64Array;
  /** True when every coalition of every size was enumerated. */
  exact: boolean;
}

/** shap's KernelExplainer sample plan for M varying features and a budget of nsamples. */
export function kernelCoalitions(M: number, nsamples: number, rs: RandomState): Coalitions {
  const masks: Uint8Array[] = [];
  const w: number[] = [];
  const numSubsetSizes = Math.ceil((M - 1) / 2);
  const numPaired = Math.floor((M - 1) / 2);
  const weightVector = new Float64Array(numSubsetSizes);
  for (let i = 1; i <= numSubsetSizes; i++) weightVector[i - 1] = (M - 1) / (i * (M - i));
  for (let i = 0; i < numPaired; i++) weightVector[i]! *= 2;
  let sum = 0;
  for (const v of weightVector) sum += v;
  for (let i = 0; i < numSubsetSizes; i++) weightVector[i]! /= sum;

  let numFull = 0;
  let samplesLeft = nsamples;
  const remaining = Float64Array.from(weightVector);
  for (let size = 1; size <= numSubsetSizes; size++) {
    let nsubsets = binom(M, size);
    if (size <= numPaired) nsubsets *= 2;
    if ((samplesLeft * remaining[size - 1]!) / nsubsets >= 1 - 1e-8) {
      numFull++;
      samplesLeft -= nsubsets;
      if (remaining[size - 1]! < 1) {
        const div = 1 - remaining[size - 1]!;
        for (let i = 0; i < remaining.length; i++) remaining[i]! /= div;
      }
      let wt = weightVector[size - 1]! / binom(M, size);
      if (size <= numPaired) wt /= 2;
      for (const inds of combinations(M, size)) {
        const mask = new Uint8Array(M);
        for (const j of inds) mask[j] = 1;
        masks.push(mask); w.push(wt);
        if (size <= numPaired) {
          masks.push(mask.map((b) => 1 - b)); w.push(wt);
        }
      }
    } else break;
  }
  const nFixed = masks.length;
  let left = nsamples - nFixed;
  if (numFull !== numSubsetSizes) {
    const rem = Float64Array.from(weightVector);
    for (let i = 0; i < numPaired; i++) rem[i]! /= 2;
    const tail = rem.slice(numFull);
    let ts = 0;
    for (const v of tail) ts += v;
    for (let i = 0; i < tail.length; i++) tail[i]! /= ts;
    const indSet = rs.choice(tail.length, 4 * left, { p: tail });
    const used = new Map<string, number>();
    let pos = 0;
    while (left > 0 && pos < indSet.length) {
      const ind = indSet[pos++]!;
      const size = ind + numFull + 1;
      const perm = rs.permutation(M);
      const mask = new Uint8Array(M);
      for (let j = 0; j < size; j++) mask[perm[j]!] = 1;
      const key = mask.join('');
      let at = used.get(key);
      const isNew = at === undefined;
      if (isNew) {
        at = masks.length;
        used.set(key, at);
        left--;
        masks.push(mask); w.push(1);
      } else w[at!]! += 1;
      if (left > 0 && size <= numPaired) {
        if (isNew) {
          left--;
          masks.push(mask.map((b) => 1 - b)); w.push(1);
        } else w[at! + 1]! += 1;
      }
    }
    let weightLeft = 0;
    for (let i = numFull; i < weightVector.length; i++) weightLeft += weightVector[i]!;
    let sampled = 0;
    for (let i = nFixed; i < w.length; i++) sampled += w[i]!;
    for (let i = nFixed; i < w.length; i++) w[i] = (w[i]! * weightLeft) / sampled;
  }
  return { masks, weights: Float64Array.from(w), exact: numFull === numSubsetSizes };
}

export interface KernelShapCoreOptions {
  /** Background rows (B x d) and their weights (summing to 1). */
  background: Matrix;
  backgroundWeights: Float64Array;
  /** Coalition budget per row, or 'auto' (2 M + 2048, capped at 2^M - 2). */
  nsamples: number | 'auto';
  rs: RandomState;
}

/** Kernel SHAP of rows X: one n x d matrix per model output, plus the expected value. */
export function kernelShapCore(f: BatchFn, X: Matrix, opts: KernelShapCoreOptions): { values: Matrix[]; expectedValue: Float64Array } {
  const { background: B, backgroundWeights: bw } = opts;
  const n = X.rows, d = X.cols, nb = B.rows;
  const fb = f(B);
  const K = fb.k;
  const fnull = new Float64Array(K);
  for (let b = 0; b < nb; b++) for (let k = 0; k < K; k++) fnull[k]! += bw[b]! * fb.data[b * K + k]!;
  const values = Array.from({ length: K }, () => Matrix.zeros(n, d));
  const fxAll = f(X);
  for (let i = 0; i < n; i++) {
    const x = X.data.subarray(i * d, (i + 1) * d);
    const varying: number[] = [];
    for (let j = 0; j < d; j++) {
      for (let b = 0; b < nb; b++) if (B.data[b * d + j] !== x[j]) { varying.push(j); break; }
    }
    const M = varying.length;
    const fx = fxAll.data.subarray(i * K, (i + 1) * K);
    if (M === 0) continue;
    if (M === 1) {
      for (let k = 0; k < K; k++) values[k]!.data[i * d + varying[0]!] = fx[k]! - fnull[k]!;
      continue;
    }
    const maxSamples = M > 30 ? 2 ** 30 : 2 ** M - 2;
    let ns = opts.nsamples === 'auto' ? 2 * M + 2048 : opts.nsamples;
    if (ns > maxSamples) ns = maxSamples;
    const { masks, weights } = kernelCoalitions(M, ns, opts.rs);
    const S = masks.length;
    // evaluate E_b f(background with x on the coalition) for every coalition, in batches of rows
    const ey = new Float64Array(S * K);
    const perBatch = Math.max(1, Math.floor(65536 / nb));
    for (let s0 = 0; s0 < S; s0 += perBatch) {
      const s1 = Math.min(S, s0 + perBatch);
      const syn = new Matrix(new Float64Array((s1 - s0) * nb * d), (s1 - s0) * nb, d);
      for (let s = s0; s < s1; s++) {
        const off = (s - s0) * nb * d;
        syn.data.set(B.data, off);
        const mask = masks[s]!;
        for (let v = 0; v < M; v++) {
          if (!mask[v]) continue;
          const j = varying[v]!, xv = x[j]!;
          for (let b = 0; b < nb; b++) syn.data[off + b * d + j] = xv;
        }
      }
      const out = f(syn);
      for (let s = s0; s < s1; s++) {
        const base = (s - s0) * nb;
        for (let b = 0; b < nb; b++) for (let k = 0; k < K; k++) ey[s * K + k]! += bw[b]! * out.data[(base + b) * K + k]!;
      }
    }
    // weighted least squares with sum(phi) = f(x) - fnull: eliminate the last varying feature
    const p = M - 1;
    const A = new Float64Array(p * p);
    const Z = new Float64Array(S * p);
    for (let s = 0; s < S; s++) {
      const mask = masks[s]!, last = mask[p]!;
      for (let a = 0; a < p; a++) Z[s * p + a] = mask[a]! - last;
      const ws = weights[s]!;
      for (let a = 0; a < p; a++) {
        const za = Z[s * p + a]! * ws;
        if (za === 0) continue;
        for (let c = 0; c < p; c++) A[a * p + c]! += za * Z[s * p + c]!;
      }
    }
    let L: Matrix;
    try {
      L = cholesky(new Matrix(A, p, p));
    } catch {
      // too few distinct coalitions for a full-rank system: a tiny ridge keeps the solve defined
      let tr = 0;
      for (let a = 0; a < p; a++) tr += A[a * p + a]!;
      for (let a = 0; a < p; a++) A[a * p + a]! += 1e-10 * (tr / p || 1);
      L = cholesky(new Matrix(A, p, p));
    }
    for (let k = 0; k < K; k++) {
      const total = fx[k]! - fnull[k]!;
      const rhs = new Float64Array(p);
      for (let s = 0; s < S; s++) {
        const yAdj = ey[s * K + k]! - fnull[k]! - masks[s]![p]! * total;
        const ws = weights[s]! * yAdj;
        for (let a = 0; a < p; a++) rhs[a]! += Z[s * p + a]! * ws;
      }
      const wv = choleskySolve(L, rhs) as Float64Array;
      let sw = 0;
      for (let a = 0; a < p; a++) { values[k]!.data[i * d + varying[a]!] = wv[a]!; sw += wv[a]!; }
      values[k]!.data[i * d + varying[p]!] = total - sw;
    }
  }
  return { values, expectedValue: fnull };
}

/** Check a coalition budget. */
export function checkNsamples(v: unknown, owner: string): number | 'auto' {
  if (v === undefined || v === 'auto') return 'auto';
  if (typeof v === 'number' && Number.isInteger(v) && v >= 2) return v;
  throw new InvalidParameterError('nsamples', "'auto' or an integer >= 2", v, owner);
}

/**
 * Randomized PCA of tall data through the centered Gram matrix (the fast path of
 * `PCA({ svdSolver: 'randomized' })`).
 *
 * scikit-learn's randomized solver (Halko et al.) streams the centered data Xc (n x d) twice per
 * power iteration: Y = Xc Q, normalise, Z = Xc^T L, normalise. Every normalisation it offers (LU
 * with partial pivoting, QR, none) multiplies by an upper-triangular matrix on the right, which
 * keeps the nested column spans of the sketch, so in exact arithmetic the final basis
 * Q = qr(Xc Q_last).Q, and with it B = Q^T Xc and the components, do not depend on the normaliser.
 * This module therefore reassociates the same computation:
 *
 *   C = Xc^T Xc (d x d, once: the threaded, centring-fused Gram of the covariance solver)
 *   per iteration: P = C Q, G = Q^T P = Y^T Y = L L^T (Cholesky), Z = P L^-T (= Xc^T (Y L^-T)),
 *                  Z^T Z = L2 L2^T, Q = Z L2^-T
 *   finally:       P = C Q, Q^T P = L L^T, B^T = P L^-T (= (Q_f^T Xc)^T with Q_f = Xc Q L^-T orthonormal)
 *
 * so the n-sized work is one Gram pass (n d^2 / 2 multiply-adds, no centred copy of X) instead of
 * 2 (nIter + 1) products of n d s multiply-adds, and no LU/QR of an n x s matrix. Rounding differs
 * from the direct route only at the level eps * cond(Y)^2 (the final Cholesky); `null` is returned
 * (the caller then runs the direct route) when a Cholesky breaks down or cond(Y)^2 > 1e8.
 */
import { Matrix } from '../core/matrix.js';
import type { RandomState } from '../core/random.js';
import { gemm } from '../linalg/blas.js';
import { eighRaw } from '../linalg/eigh.js';
import { choleskyRaw } from '../linalg/factor.js';
import { gram, shareRows } from '../linalg/gram.js';
import { svdInPlace } from '../linalg/svd.js';
import { runTasks, sharedFloat64, type KernelTask } from '../linalg/threads.js';

/** Largest cond(Q^T C Q) = cond(Y)^2 accepted for the final Cholesky (error ~ eps * cond). */
const MAX_FINAL_COND = 1e8;

/**
 * True when the Gram route should be faster than the direct one: n d^2 / 2 multiply-adds (one
 * symmetric Gram) against 2 (nIter + 1) n d s (the sketches), the Gram's counted at half price
 * because its square kernel runs about twice as fast per multiply-add as the skinny products
 * (1-thread CPU on 20,000 x 1,000: 2.0 s for 1e10 against 2.9 s for 6.4e9).
 */
export function gramRouteCheaper(n: number, d: number, size: number, nIter: number): boolean {
  return n >= d && d <= 4096 && d * d / 2 < 2 * 2 * (nIter + 1) * d * size;
}

/** Z = P L^-T in place on the rows of P (d x s): solve L z^T = p^T for each row (forward substitution). */
function rightSolveLt(P: Float64Array, d: number, s: number, L: Float64Array): void {
  for (let r = 0; r < d; r++) {
    const o = r * s;
    for (let i = 0; i < s; i++) {
      let v = P[o + i]!;
      const li = i * s;
      for (let j = 0; j < i; j++) v -= L[li + j]! * P[o + j]!;
      P[o + i] = v / L[li + i]!;
    }
  }
}

/** A^T B for A, B d x s (s x s result). */
function crossProduct(A: Float64Array, B: Float64Array, d: number, s: number): Float64Array {
  const G = new Float64Array(s * s);
  gemm(true, false, s, s, d, 1, A, s, B, s, 0, G, s);
  // symmetric in exact arithmetic: use the mean of both triangles
  for (let i = 0; i < s; i++) for (let j = 0; j < i; j++) { const v = 0.5 * (G[i * s + j]! + G[j * s + i]!); G[i * s + j] = v; G[j * s + i] = v; }
  return G;
}

/**
 * The Cholesky-normalised subspace iteration shared by both routes. `sketch(Q)` returns
 * P = Xc^T Xc Q (d x size, or Xc^T Y) and G = Y^T Y = Q^T P (size x size) for Y = Xc Q.
 */
function iterate(d: number, size: number, k: number, nIter: number, Q0: Float64Array, sketch: (Q: Float64Array) => { P: Float64Array; G: Float64Array }): { s: Float64Array; Vt: Matrix } | null {
  let Q = Q0;
  for (let it = 0; it < nIter; it++) {
    const { P, G } = sketch(Q);
    const L = choleskyRaw(G, size);
    if (typeof L === 'number') return null;
    rightSolveLt(P, d, size, L); // Z = Xc^T (Xc Q L^-T)
    const L2 = choleskyRaw(crossProduct(P, P, d, size), size);
    if (typeof L2 === 'number') return null;
    rightSolveLt(P, d, size, L2);
    Q = P;
  }
  const { P, G } = sketch(Q);
  const ev = eighRaw(G.slice(), size).values;
  let lo = Infinity, hi = 0;
  for (const v of ev) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(lo > 0) || hi / lo > MAX_FINAL_COND) return null;
  const L = choleskyRaw(G, size);
  if (typeof L === 'number') return null;
  rightSolveLt(P, d, size, L); // B^T (d x size)
  const B = Matrix.zeros(size, d);
  for (let r = 0; r < d; r++) for (let i = 0; i < size; i++) B.data[i * d + r] = P[r * size + i]!;
  const { s, Vt } = svdInPlace(B);
  return { s: s.slice(0, k), Vt: Vt.takeRows(Array.from({ length: k }, (_, i) => i)) };
}

/**
 * Top `k` singular values and right singular vectors (rows of Vt, k x d) of the centred data, and
 * the total sum of squares, by the Gram route; null when it is numerically unsafe (see the module
 * comment). Draws the Gaussian test matrix from `rng` exactly as scikit-learn
 * (`normal(size=(d, k + nOversamples))`).
 */
export function randomizedPcaGram(x: Matrix, mean: Float64Array, k: number, nOversamples: number, nIter: number, rng: RandomState): { s: Float64Array; Vt: Matrix; totalSq: number } | null {
  const n = x.rows, d = x.cols, size = k + nOversamples;
  if (size > d) return null;
  const Q0 = rng.normal(0, 1, d * size) as Float64Array;
  const C = gram(shareRows(x.data, n, d), mean, null);
  let totalSq = 0;
  for (let i = 0; i < d; i++) totalSq += C[i * d + i]!;
  const r = iterate(d, size, k, nIter, Q0, (Q) => {
    const P = new Float64Array(d * size);
    gemm(false, false, d, size, d, 1, C, d, Q, size, 0, P, size);
    return { P, G: crossProduct(Q, P, d, size) };
  });
  return r && { ...r, totalSq };
}

/**
 * The same iteration with the n-sized work done directly, for data with many features (where the
 * d x d Gram would cost more): each sketch is one multi-core pass over the rows of X
 * (`rangePassCore`: centres 256-row chunks on the fly, Y = Xc Q per chunk, accumulates Xc^T Y and
 * Y^T Y), so X is read once per power iteration instead of twice, with no centred copy and no LU of
 * the n x size matrix. Null when numerically unsafe, as `randomizedPcaGram`.
 */
export function randomizedPcaDirect(x: Matrix, mean: Float64Array, k: number, nOversamples: number, nIter: number, rng: RandomState): { s: Float64Array; Vt: Matrix; totalSq: number } | null {
  const n = x.rows, d = x.cols, size = k + nOversamples;
  if (size > d || size > n) return null;
  const Q0 = rng.normal(0, 1, d * size) as Float64Array;
  const rows = shareRows(x.data, n, d, 2 * size);
  const br = Math.max(16, Math.min(1024, Math.floor((1 << 17) / d)));
  let totalSq = 0;
  const r = iterate(d, size, k, nIter, Q0, (Q) => {
    const parts = rows.blocks.map((_, t) => ({ z: t === 0 ? new Float64Array(d * size) : sharedFloat64(d * size), g: t === 0 ? new Float64Array(size * size) : sharedFloat64(size * size), sq: t === 0 ? new Float64Array(1) : sharedFloat64(1) }));
    const tasks: KernelTask[] = rows.blocks.map((b, t) => ({ fn: 'rangePassCore', args: [b.data, b.offset, b.r0, b.r1, d, mean, Q, size, br, parts[t]!.z, parts[t]!.g, parts[t]!.sq] }));
    runTasks(tasks);
    const P = parts[0]!.z, G = parts[0]!.g;
    let sq = parts[0]!.sq[0]!;
    for (let t = 1; t < parts.length; t++) {
      const p = parts[t]!;
      for (let i = 0; i < P.length; i++) P[i]! += p.z[i]!;
      for (let i = 0; i < G.length; i++) G[i]! += p.g[i]!;
      sq += p.sq[0]!;
    }
    totalSq = sq;
    for (let i = 0; i < size; i++) for (let j = 0; j < i; j++) { const v = 0.5 * (G[i * size + j]! + G[j * size + i]!); G[i * size + j] = v; G[j * size + i] = v; }
    return { P, G };
  });
  return r && { ...r, totalSq };
}

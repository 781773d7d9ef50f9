/**
 * Fast TreeSHAP v2 (Yang 2021, "Fast TreeSHAP: Accelerating SHAP Value Computation for Trees"):
 * the same exact path-dependent SHAP values as Lundberg's Algorithm 2 (`treeShap.ts`), with the
 * per-leaf combinatorics moved out of the per-row loop.
 *
 * For a leaf l let P be the m distinct features on its root path, z_j the product of the cover
 * fractions of the path's splits on j, and A the subset of P whose path conditions row x satisfies
 * (the one-fractions are 0 / 1). The leaf's game v(S) = prod_{j in P} (j in S ? o_j : z_j) has the
 * Shapley values (w(k) = k! (m - k - 1)! / m!, H(U) = sum_{S subset U} w(|S|) prod_{j in U \ S} z_j,
 * Z_B = prod_{j in P \ A} z_j):
 *   i in A:      phi_i = value_l * (1 - z_i) * Z_B * H(A \ {i})
 *   i in P \ A:  phi_i = -value_l * Z_B * H(A)
 * H depends on the leaf only, so it is tabulated once per model for every subset U of P (2^m
 * values per leaf); a row then costs one pass over the tree (the subset A is a bitmask carried
 * down) plus O(m) per leaf: O(L D) per tree instead of O(L D^2).
 *
 * Tables are plain typed arrays (SharedArrayBuffer-backed where available) so that the pool
 * workers share one copy; the per-tree choice (tables or the recursive algorithm) is made once for
 * the whole call, so the values never depend on how rows are split over threads.
 */
import type { TreeView } from './treeView.js';

/** Leaf marker of TreeView (a local copy: an imported binding can compile to a getter call in the hot loop). */
const LEAF = -1;

/** Precomputed per-leaf tables of one tree. */
export interface FastTreeTables {
  /** Per node: the path position (bit) of the node's feature among the distinct features above it; -1 at leaves. */
  pos: Int32Array;
  /** Per node: the leaf's index, or -1 for internal nodes. */
  leafIndex: Int32Array;
  /** Per leaf: number m of distinct features on the path. */
  m: Int32Array;
  /** Per leaf: start of its 2^m table in `H`. */
  tabOff: Int32Array;
  /** Per leaf, `maxM` slots: feature at each path position. */
  feat: Int32Array;
  /** Per leaf, `maxM` slots: cover-fraction product z of each path position. */
  z: Float64Array;
  maxM: number;
  /** Concatenated H tables. */
  H: Float64Array;
  /** Concatenated Z_B tables: ZB(A) = product of z over the positions not in A. */
  ZB: Float64Array;
  /** DFS stack length needed (max depth + 2). */
  stack: number;
}

/** Largest number of distinct path features a leaf may have for the tabulated algorithm (2^m doubles per leaf). */
export const FAST_MAX_M = 20;

function shared(bytes: number): ArrayBuffer | SharedArrayBuffer {
  const SAB = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
  return SAB ? new SAB(bytes) : new ArrayBuffer(bytes);
}

/** Per leaf: path positions, distinct-feature count; null if some leaf has more than `FAST_MAX_M` distinct features. */
interface LeafPaths {
  pos: Int32Array; leafIndex: Int32Array; m: Int32Array; feat: Int32Array; z: Float64Array; maxM: number; nLeaves: number; depth: number; tableSize: number;
}

function leafPaths(t: TreeView): LeafPaths | null {
  const n = t.nodeCount, L = t.childrenLeft, R = t.childrenRight, F = t.feature, W = t.nodeWeight;
  const pos = new Int32Array(n).fill(-1), leafIndex = new Int32Array(n).fill(-1);
  let nLeaves = 0;
  for (let i = 0; i < n; i++) if (L[i] === LEAF) leafIndex[i] = nLeaves++;
  // first pass: depth and the distinct features per path (positions are assigned root-down, so a
  // node's position is the same for every leaf below it)
  const pathFeat: number[] = [];
  const pathZ: number[] = [];
  let maxM = 0, depth = 0, tooDeep = false;
  const leafM = new Int32Array(nLeaves);
  const leafFeat: number[][] = new Array(nLeaves);
  const leafZ: number[][] = new Array(nLeaves);
  const walk = (node: number, d: number): void => {
    if (d > depth) depth = d;
    if (L[node] === LEAF) {
      const li = leafIndex[node]!;
      leafM[li] = pathFeat.length;
      if (pathFeat.length > maxM) maxM = pathFeat.length;
      leafFeat[li] = pathFeat.slice();
      leafZ[li] = pathZ.slice();
      return;
    }
    const f = F[node]!;
    let p = pathFeat.indexOf(f);
    const isNew = p < 0;
    if (isNew) {
      p = pathFeat.length;
      if (p >= FAST_MAX_M) { tooDeep = true; return; }
      pathFeat.push(f);
      pathZ.push(1);
    }
    pos[node] = p;
    const zOld = pathZ[p]!;
    for (const child of [L[node]!, R[node]!]) {
      pathZ[p] = zOld * (W[child]! / W[node]!);
      walk(child, d + 1);
      if (tooDeep) return;
    }
    pathZ[p] = zOld;
    if (isNew) { pathFeat.pop(); pathZ.pop(); }
  };
  walk(0, 0);
  if (tooDeep) return null;
  const feat = new Int32Array(Math.max(1, nLeaves * maxM)), z = new Float64Array(Math.max(1, nLeaves * maxM));
  let tableSize = 0;
  for (let l = 0; l < nLeaves; l++) {
    tableSize += 2 ** leafM[l]!;
    for (let p = 0; p < leafM[l]!; p++) { feat[l * maxM + p] = leafFeat[l]![p]!; z[l * maxM + p] = leafZ[l]![p]!; }
  }
  return { pos, leafIndex, m: leafM, feat, z, maxM, nLeaves, depth, tableSize };
}

/**
 * Tabulate H for every leaf of a tree: H(U) = sum_k w(k, m) e_{|U|-k}(z_U), with the elementary
 * symmetric polynomials e of the z's in U built subset by subset (U = U' + lowest bit).
 */
export function fastTreeTables(t: TreeView): FastTreeTables | null {
  const lp = leafPaths(t);
  if (!lp) return null;
  const { nLeaves, maxM } = lp;
  const tabOff = new Int32Array(nLeaves);
  const H = new Float64Array(shared(lp.tableSize * 8)), ZB = new Float64Array(shared(lp.tableSize * 8));
  // Shapley weights w(k, m) = k! (m-k-1)! / m!  (m <= FAST_MAX_M: exact enough in doubles)
  const fact = [1];
  for (let i = 1; i <= FAST_MAX_M; i++) fact.push(fact[i - 1]! * i);
  const W = Array.from({ length: maxM + 1 }, (_, m) => Float64Array.from({ length: Math.max(m, 1) }, (_, k) => (m === 0 ? 0 : (fact[k]! * fact[m - k - 1]!) / fact[m]!)));
  const stride = maxM + 1;
  let E = new Float64Array(0);
  let off = 0;
  for (let l = 0; l < nLeaves; l++) {
    const m = lp.m[l]!, size = 2 ** m, w = W[m]!, zo = l * maxM;
    tabOff[l] = off;
    if (E.length < size * stride) E = new Float64Array(size * stride);
    // E[U * stride + j] = e_j(z_U)
    E.fill(0, 0, size * stride);
    E[0] = 1;
    if (m > 0) H[off] = w[0]!; // H(empty) = w(0, m)
    // ZB(A) = prod_{p not in A} z_p, built from ZB(A minus its highest bit)
    let zAll = 1;
    for (let p = 0; p < m; p++) zAll *= lp.z[zo + p]!;
    ZB[off] = zAll;
    for (let U = 1; U < size; U++) {
      const p = 31 - Math.clz32(U & -U); // lowest set bit
      const V = U & (U - 1);
      const zp = lp.z[zo + p]!;
      const c = popcount(U);
      const eu = U * stride, ev = V * stride;
      E[eu] = 1;
      for (let j = 1; j <= c; j++) E[eu + j] = E[ev + j]! + zp * E[ev + j - 1]!;
      // H(U) = sum_{k=0}^{c} w(k) e_{c-k}(z_U), k < m (a coalition never holds all m players; H(P) itself
      // is never read: with A = P there is no cold feature, and hot ones read H(P minus i))
      let h = 0;
      for (let k = 0; k <= c && k < m; k++) h += w[k]! * E[eu + c - k]!;
      H[off + U] = h;
      // the same product, in the same order, as the per-row loop would compute
      let zb = 1;
      for (let p = 0; p < m; p++) if (((U >> p) & 1) === 0) zb *= lp.z[zo + p]!;
      ZB[off + U] = zb;
    }
    off += size;
  }
  return { pos: lp.pos, leafIndex: lp.leafIndex, m: lp.m, tabOff, feat: lp.feat, z: lp.z, maxM, H, ZB, stack: lp.depth + 2 };
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Add one tree's SHAP values for rows [0, n) of the row-major block X (n x d) into phi
 * (n x nFeatures x K, row-major). `X32` is X rounded to float32 (what trees with `float32`
 * compare; pass X itself otherwise); `stN` / `stM` are scratch stacks of at least `tab.stack`.
 * Trees outside, rows inside: one tree's nodes and tables stay in cache for the whole block.
 */
export function fastTreeShapBlock(
  t: TreeView, tab: FastTreeTables, K: number, X: Float64Array, X32: Float64Array, n: number, d: number, phi: Float64Array, stN: Int32Array, stM: Int32Array,
): void {
  const L = t.childrenLeft, R = t.childrenRight, F = t.feature, T = t.threshold, V = t.value, miss = t.missingGoLeft;
  const xs = t.float32 ? X32 : X;
  const pos = tab.pos, leafIndex = tab.leafIndex, M = tab.m, tabOff = tab.tabOff, feat = tab.feat, Z = tab.z, maxM = tab.maxM, H = tab.H, ZB = tab.ZB;
  const dK = d * K;
  for (let i = 0; i < n; i++) {
    const xo = i * d, po = i * dK;
    stN[0] = 0; stM[0] = -1;
    let sp = 1;
    while (sp > 0) {
      sp--;
      let node = stN[sp]!, mask = stM[sp]!;
      // down the left spine, pushing the right children
      let left = L[node]!;
      while (left !== LEAF) {
        const v = xs[xo + F[node]!]!;
        const goLeft = v <= T[node]! || (v !== v && !!miss && miss[node] === 1);
        const bit = 1 << pos[node]!;
        stN[sp] = R[node]!;
        if (goLeft) stM[sp] = mask & ~bit;
        else { stM[sp] = mask; mask &= ~bit; }
        sp++;
        node = left;
        left = L[node]!;
      }
      const li = leafIndex[node]!, m = M[li]!;
      if (m === 0) continue;
      const zo = li * maxM, to = tabOff[li]!;
      const all = (1 << m) - 1, full = mask & all;
      const zb = ZB[to + full]!;
      if (zb === 0) continue;
      const cold = -zb * H[to + full]!;
      if (K === 1) {
        const val = V[node]!;
        // hot positions (row satisfies the path's splits on the feature), then cold ones
        for (let b = full; b !== 0; b &= b - 1) {
          const p = 31 - Math.clz32(b & -b);
          phi[po + feat[zo + p]!]! += (1 - Z[zo + p]!) * zb * H[to + (full ^ (1 << p))]! * val;
        }
        const cv = cold * val;
        for (let b = full ^ all; b !== 0; b &= b - 1) phi[po + feat[zo + 31 - Math.clz32(b & -b)]!]! += cv;
      } else {
        const vo = node * K;
        for (let p = 0; p < m; p++) {
          const c = ((full >> p) & 1) === 1 ? (1 - Z[zo + p]!) * zb * H[to + (full ^ (1 << p))]! : cold;
          const fo = po + feat[zo + p]! * K;
          for (let k = 0; k < K; k++) phi[fo + k]! += c * V[vo + k]!;
        }
      }
    }
  }
}

/**
 * Exact path-dependent TreeSHAP (Lundberg et al. 2020, "From local explanations to global
 * understanding with explainable AI for trees", Algorithm 2): Shapley values of a tree's output
 * where a feature outside the coalition is integrated out by following both children weighted by
 * their training cover. O(L D^2) per tree and sample (L leaves, D depth) instead of the 2^M of a
 * brute-force enumeration. The walk reads trees through `TreeView` only, so every tree ensemble
 * that provides a view (CART, forests, a future boosting model) is explained by this one code path.
 *
 * The path bookkeeping (EXTEND, UNWIND, the unwound sum) follows the reference implementation
 * `tree_shap_recursive` of the shap package, with flat typed arrays per depth level.
 *
 * For many rows the same values come faster from Fast TreeSHAP v2 (`fastTreeShap.ts`, O(L D) per
 * tree and row from per-leaf tables); `planTreeShap` picks the algorithm per tree, once per call.
 */
import { Matrix } from '../core/matrix.js';
import type { TreeEnsembleView, TreeView } from './treeView.js';

/** Leaf marker of TreeView (a local copy: an imported binding can compile to a getter call in the hot loop). */
const LEAF = -1;
import { FAST_MAX_M, fastTreeShapBlock, fastTreeTables, type FastTreeTables } from './fastTreeShap.js';

/** Depth of a tree (root alone = 0). */
export function treeDepth(t: TreeView): number {
  let max = 0;
  const stack: number[] = [0, 0];
  while (stack.length) {
    const d = stack.pop()!, node = stack.pop()!;
    if (d > max) max = d;
    if (t.childrenLeft[node] !== LEAF) stack.push(t.childrenLeft[node]!, d + 1, t.childrenRight[node]!, d + 1);
  }
  return max;
}

/** Expected value of a tree's output under its own cover: sum over leaves of value * cover / root cover. */
export function treeExpectedValue(t: TreeView, K: number): Float64Array {
  const out = new Float64Array(K);
  const root = t.nodeWeight[0]!;
  for (let node = 0; node < t.nodeCount; node++) {
    if (t.childrenLeft[node] !== LEAF) continue;
    const w = t.nodeWeight[node]! / root;
    for (let k = 0; k < K; k++) out[k]! += w * t.value[node * K + k]!;
  }
  return out;
}

/** 1/i for small integers (path lengths are bounded by the tree depth + 2). */
const RECIP = Float64Array.from({ length: 256 }, (_, i) => (i === 0 ? Infinity : 1 / i));

/**
 * A row explainer for one tree: returns `explain(x, offset, phi)` adding the tree's SHAP values
 * for row x into phi (nFeatures x K, row-major). Closure over flat path arrays: level l of the
 * recursion keeps its unique path at offset parentOffset + depth + 1 (as the reference
 * implementation's pointer arithmetic). In path-dependent TreeSHAP every one-fraction is 0 or 1,
 * which the EXTEND / UNWIND arithmetic below uses (no division by it).
 */
export function treeShapWalker(t: TreeView, K: number): (x: ArrayLike<number>, off: number, phi: Float64Array, condition?: number, conditionFeature?: number, phiOffset?: number) => void {
  const L = t.childrenLeft, R = t.childrenRight, F = t.feature, T = t.threshold, V = t.value, miss = t.missingGoLeft, f32 = t.float32;
  const maxd = treeDepth(t) + 2;
  if (maxd + 2 >= RECIP.length) throw new RangeError(`TreeSHAP: tree depth ${maxd - 2} is over the supported ${RECIP.length - 4}`);
  const size = (maxd * (maxd + 1)) / 2 + maxd + 1;
  const feat = new Int32Array(size), zero = new Float64Array(size), one = new Uint8Array(size), pw = new Float64Array(size);
  // training-cover fractions of each child
  const fracL = new Float64Array(t.nodeCount), fracR = new Float64Array(t.nodeCount);
  for (let node = 0; node < t.nodeCount; node++) {
    if (L[node] === LEAF) continue;
    fracL[node] = t.nodeWeight[L[node]!]! / t.nodeWeight[node]!;
    fracR[node] = t.nodeWeight[R[node]!]! / t.nodeWeight[node]!;
  }
  let x: ArrayLike<number> = [], xo = 0, phi: Float64Array = new Float64Array(0), phiOff = 0;
  // conditioning for interaction values (Lundberg 2020, Alg. 3): cond = 1 (feature condF always
  // follows x), -1 (never: always integrated out), 0 (plain TreeSHAP)
  let cond = 0, condF = -1;

  // inPlace: the parent's last child reuses the parent's path slot (the parent no longer needs it)
  const recurse = (node: number, depth: number, parentP: number, pz: number, po: number, pf: number, inPlace: boolean, cf: number): void => {
    if (cf === 0) return;
    const p = inPlace ? parentP : parentP + depth + 1;
    const extend = cond === 0 || pf !== condF;
    if (!inPlace) {
      for (let i = 0, e = extend ? depth : depth + 1; i < e; i++) {
        feat[p + i] = feat[parentP + i]!;
        zero[p + i] = zero[parentP + i]!;
        one[p + i] = one[parentP + i]!;
        pw[p + i] = pw[parentP + i]!;
      }
    }
    const inv = RECIP[depth + 1]!;
    if (extend) {
      // EXTEND(path, pz, po, pf)
      feat[p + depth] = pf;
      zero[p + depth] = pz;
      one[p + depth] = po;
      pw[p + depth] = depth === 0 ? 1 : 0;
      if (po) {
        for (let i = depth - 1; i >= 0; i--) {
          const w = pw[p + i]!;
          pw[p + i + 1]! += w * (i + 1) * inv;
          pw[p + i] = pz * w * (depth - i) * inv;
        }
      } else {
        for (let i = depth - 1; i >= 0; i--) pw[p + i] = pz * pw[p + i]! * (depth - i) * inv;
      }
    }
    const left = L[node]!;
    if (left === LEAF) {
      const vo = node * K;
      const d1 = depth + 1, invD1 = inv;
      // elements with one-fraction 0 all get the same unwound sum (times -z / z = -1): compute it once
      let cold = NaN;
      for (let e = 1; e <= depth; e++) {
        // UNWOUND_SUM(path, e) * (one - zero): weight of the path without element e
        const z = zero[p + e]!;
        let total = 0;
        if (one[p + e]) {
          let next = pw[p + depth]!;
          for (let i = depth - 1; i >= 0; i--) {
            const tmp = next * d1 * RECIP[i + 1]!;
            total += tmp;
            next = pw[p + i]! - tmp * z * (depth - i) * invD1;
          }
          total *= 1 - z;
        } else if (z !== 0) {
          if (cold !== cold) {
            cold = 0;
            for (let i = depth - 1; i >= 0; i--) cold += pw[p + i]! * d1 * RECIP[depth - i]!;
            cold = -cold;
          }
          total = cold;
        }
        if (total === 0) continue;
        total *= cf;
        const fo = phiOff + feat[p + e]! * K;
        for (let k = 0; k < K; k++) phi[fo + k]! += total * V[vo + k]!;
      }
      return;
    }
    const right = R[node]!, split = F[node]!;
    const v = x[xo + split]!;
    const hotLeft = v !== v ? !!(miss && miss[node]) : (f32 ? Math.fround(v) : v) <= T[node]!;
    let inZero = 1, inOne = 1, d = depth;
    let pi = 0;
    for (; pi <= d; pi++) if (feat[p + pi] === split) break;
    if (pi !== d + 1) {
      // UNWIND(path, pi)
      inZero = zero[p + pi]!;
      inOne = one[p + pi]!;
      let next = pw[p + d]!;
      const dd1 = d + 1, invd1 = RECIP[d + 1]!;
      if (inOne) {
        for (let i = d - 1; i >= 0; i--) {
          const tmp = pw[p + i]!;
          const nw = next * dd1 * RECIP[i + 1]!;
          pw[p + i] = nw;
          next = tmp - nw * inZero * (d - i) * invd1;
        }
      } else {
        for (let i = d - 1; i >= 0; i--) pw[p + i] = (pw[p + i]! * dd1) / (inZero * (d - i));
      }
      for (let i = pi; i < d; i++) {
        feat[p + i] = feat[p + i + 1]!;
        zero[p + i] = zero[p + i + 1]!;
        one[p + i] = one[p + i + 1]!;
      }
      d -= 1;
    }
    let hotCf = cf, coldCf = cf;
    if (cond !== 0 && split === condF) {
      if (cond > 0) coldCf = 0;
      else { hotCf *= hotLeft ? fracL[node]! : fracR[node]!; coldCf *= hotLeft ? fracR[node]! : fracL[node]!; }
      d -= 1;
    }
    if (hotLeft) {
      recurse(left, d + 1, p, fracL[node]! * inZero, inOne, split, false, hotCf);
      recurse(right, d + 1, p, fracR[node]! * inZero, 0, split, true, coldCf);
    } else {
      recurse(right, d + 1, p, fracR[node]! * inZero, inOne, split, false, hotCf);
      recurse(left, d + 1, p, fracL[node]! * inZero, 0, split, true, coldCf);
    }
  };

  return (xx, off, ph, condition = 0, conditionFeature = -1, phiOffset = 0) => {
    x = xx; xo = off; phi = ph; cond = condition; condF = conditionFeature; phiOff = phiOffset;
    recurse(0, 0, 0, 1, 1, -1, false, 1);
  };
}

export interface TreeShapResult {
  /** One nSamples x nFeatures matrix per output. */
  values: Matrix[];
  /** Expected model output per output (base + scale * sum of the trees' cover-weighted leaf means). */
  expectedValue: Float64Array;
}

/** Which TreeSHAP algorithm runs per tree: 'fast' (tabulated, Fast TreeSHAP v2), 'recursive' (Algorithm 2) or 'auto'. */
export type TreeShapAlgorithm = 'auto' | 'fast' | 'recursive';

/** Per tree: its Fast TreeSHAP tables, or null for the recursive algorithm. */
export type TreeShapPlan = (FastTreeTables | null)[];

/** Tables cached per tree (keyed by the tree's childrenLeft array: a refit makes new arrays). */
const tableCache = new WeakMap<object, FastTreeTables | null>();

/** Total doubles of tables one call may hold (64 MB); trees beyond it use the recursive algorithm. */
export const FAST_TABLE_BUDGET = 1 << 23;

function tablesOf(t: TreeView): FastTreeTables | null {
  let tab = tableCache.get(t.childrenLeft);
  if (tab === undefined) {
    tab = fastTreeTables(t);
    tableCache.set(t.childrenLeft, tab);
  }
  return tab;
}

/**
 * Decide per tree which algorithm explains `n` rows (made once per call, so the values never depend
 * on how the rows are later split over threads). 'auto' tabulates a tree when building its tables
 * (about 2^m (m + 2) operations per leaf, skipped when cached) plus O(L m) per row costs less than
 * the recursive O(L D^2) per row, within FAST_TABLE_BUDGET doubles of tables in all.
 */
export function planTreeShap(view: TreeEnsembleView, n: number, algorithm: TreeShapAlgorithm = 'auto'): TreeShapPlan {
  if (algorithm === 'recursive') return view.trees.map(() => null);
  let budget = FAST_TABLE_BUDGET;
  return view.trees.map((t) => {
    const cached = tableCache.get(t.childrenLeft);
    if (cached === null) return null;
    let nLeaves = 0;
    for (let i = 0; i < t.nodeCount; i++) if (t.childrenLeft[i] === LEAF) nLeaves++;
    if (algorithm === 'auto' && !cached) {
      const depth = treeDepth(t);
      if (depth > 3 * FAST_MAX_M) return null;
      // the tables hold at most 2^min(depth, nFeatures) entries per leaf
      const m = Math.min(depth, view.nFeatures);
      const build = nLeaves * 2 ** m * (m + 2);
      if (build + n * nLeaves * (m + 2) >= n * nLeaves * (depth + 1) * (depth + 1)) return null;
    }
    const tab = tablesOf(t);
    if (!tab || tab.H.length > budget) return null;
    budget -= tab.H.length;
    return tab;
  });
}

/**
 * Path-dependent TreeSHAP of a tree ensemble for the rows of X (row-major n x d, trusted).
 * Local accuracy: sum_j values[k][i, j] + expectedValue[k] = model output k of row i.
 * `plan` (default: `planTreeShap(view, n)`) says per tree which algorithm runs.
 */
export function treeShapCore(view: TreeEnsembleView, X: Float64Array, n: number, d: number, plan?: TreeShapPlan | TreeShapAlgorithm): TreeShapResult {
  const K = view.nOutputs;
  const expected = new Float64Array(K);
  for (const t of view.trees) {
    const e = treeExpectedValue(t, K);
    for (let k = 0; k < K; k++) expected[k]! += e[k]!;
  }
  for (let k = 0; k < K; k++) expected[k] = view.base[k]! + view.scale * expected[k]!;
  const p = Array.isArray(plan) ? plan : planTreeShap(view, n, (plan as TreeShapAlgorithm | undefined) ?? 'auto');
  const phi = new Float64Array(n * d * K);
  treeShapRows(view, p, X, d, 0, n, phi);
  return { values: scaledValues(view, phi, n, d), expectedValue: expected };
}

/** phi (n x d x K, unscaled tree sums) -> one n x d Matrix per output, times the ensemble's scale. */
export function scaledValues(view: TreeEnsembleView, phi: Float64Array, n: number, d: number): Matrix[] {
  const K = view.nOutputs;
  const values = Array.from({ length: K }, () => Matrix.zeros(n, d));
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) values[k]!.data[i * d + j] = view.scale * phi[(i * d + j) * K + k]!;
  return values;
}

/**
 * Add the trees' (unscaled) SHAP values of rows [start, end) of X (row-major, d columns) into the
 * same rows of phi (n x d x K). Per row the trees add up in view order whichever algorithm each
 * uses, so a row's values never depend on the block or thread it is computed in.
 */
export function treeShapRows(view: TreeEnsembleView, plan: TreeShapPlan, X: Float64Array, d: number, start: number, end: number, phi: Float64Array): void {
  const K = view.nOutputs, n = end - start;
  if (n <= 0) return;
  const Xb = X.subarray(start * d, end * d), phib = phi.subarray(start * d * K, end * d * K);
  let stN = new Int32Array(0), stM = new Int32Array(0);
  let X32: Float64Array | null = null;
  view.trees.forEach((t, ti) => {
    const tab = plan[ti];
    if (tab) {
      if (stN.length < tab.stack + 1) { stN = new Int32Array(tab.stack + 1); stM = new Int32Array(tab.stack + 1); }
      if (t.float32 && !X32) { X32 = new Float64Array(n * d); for (let q = 0; q < n * d; q++) X32[q] = Math.fround(Xb[q]!); }
      fastTreeShapBlock(t, tab, K, Xb, t.float32 ? X32! : Xb, n, d, phib, stN, stM);
    } else {
      const w = treeShapWalker(t, K);
      for (let i = 0; i < n; i++) w(Xb, i * d, phib, 0, -1, i * d * K);
    }
  });
}


/**
 * SHAP interaction values (Lundberg et al. 2020, Algorithm 3): for each feature j, TreeSHAP with j
 * always following x minus TreeSHAP with j always integrated out, halved, gives the off-diagonal
 * row j; the diagonal is the SHAP value minus the row's off-diagonal sum. Returns per output a
 * Float64Array of n x d x d (row-major: [i][j][k]); entries of row i sum to output - expected.
 */
export function treeShapInteractionsCore(view: TreeEnsembleView, X: Float64Array, n: number, d: number): Float64Array[] {
  const K = view.nOutputs;
  const out = Array.from({ length: K }, () => new Float64Array(n * d * d));
  const walkers = view.trees.map((t) => treeShapWalker(t, K));
  const used = view.trees.map((t) => { const u = new Uint8Array(d); for (let i = 0; i < t.nodeCount; i++) if (t.childrenLeft[i] !== LEAF) u[t.feature[i]!] = 1; return u; });
  const phi = new Float64Array(d * K), on = new Float64Array(d * K), off = new Float64Array(d * K);
  for (let i = 0; i < n; i++) {
    const base = i * d * d;
    phi.fill(0);
    for (const w of walkers) w(X, i * d, phi);
    for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) out[k]![base + j * d + j] = view.scale * phi[j * K + k]!;
    for (let j = 0; j < d; j++) {
      on.fill(0); off.fill(0);
      let any = false;
      view.trees.forEach((_, ti) => {
        if (!used[ti]![j]) return;
        any = true;
        walkers[ti]!(X, i * d, on, 1, j);
        walkers[ti]!(X, i * d, off, -1, j);
      });
      if (!any) continue;
      for (let c = 0; c < d; c++) {
        if (c === j) continue;
        for (let k = 0; k < K; k++) {
          const v = (view.scale * (on[c * K + k]! - off[c * K + k]!)) / 2;
          out[k]![base + j * d + c] = v;
          out[k]![base + j * d + j]! -= v;
        }
      }
    }
  }
  return out;
}

/**
 * A pool task: the threads (caller included) claim chunks of `chunk` rows of a shared X from an
 * atomic counter and write their SHAP sums into the shared phi, so a slow or late thread simply
 * takes fewer chunks. The trees travel as plain typed arrays, the Fast TreeSHAP tables' big arrays
 * in shared memory.
 */
export interface TreeShapJob {
  view: TreeEnsembleView;
  /** Per tree: tables or null, decided once for the whole call. */
  plan: TreeShapPlan;
  X: { buf: SharedArrayBuffer; rows: number; cols: number };
  /** n x d x K sums, SharedArrayBuffer-backed, zero-initialised. */
  phi: Float64Array;
  /** counter[0]: next chunk to claim. */
  counter: Int32Array;
  chunk: number;
}

/** Claim and explain chunks until none is left; returns the number of rows this thread explained. */
export function treeShapJob(job: TreeShapJob): number {
  const { rows: n, cols: d } = job.X;
  const X = new Float64Array(job.X.buf);
  let done = 0;
  for (;;) {
    const start = Atomics.add(job.counter, 0, 1) * job.chunk;
    if (start >= n) return done;
    const end = Math.min(n, start + job.chunk);
    treeShapRows(job.view, job.plan, X, d, start, end, job.phi);
    done += end - start;
  }
}

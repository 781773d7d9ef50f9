import { InvalidParameterError } from '../core/errors.js';
import type { TreeView } from '../tree/view.js';
import type { HgbTree } from './grower.js';

/** Expanded views larger than this are refused (nested categorical splits multiply copies). */
const MAX_VIEW_NODES = 1 << 21;

/**
 * One boosted tree as a threshold-only TreeView (tree/view.ts) for TreeSHAP and partial
 * dependence, categorical splits included.
 *
 * A categorical split (categories of a bitset go left) becomes a small balanced tree of threshold
 * splits on the same feature over the runs of consecutive known categories that go the same way
 * (thresholds halfway between runs), plus one run above the largest known category that catches
 * missing values (NaN goes right at every node of the small tree) and goes the way missing values
 * went. Each run ends in a copy of the left or right subtree. The copies of a side share the
 * side's cover equally (every cover of a copied subtree is scaled by the same factor), so for any
 * coalition the cover-weighted expectation over the copies equals the original one: path-dependent
 * TreeSHAP is multilinear in each feature's (cover fraction, follows-x) pair along a path, and the
 * copies' pairs sum to the original's. The function and every SHAP value are therefore unchanged
 * (to rounding); trees without categorical splits map node for node.
 *
 * `known[f]`: the categories of feature f seen in fit (ascending), null for continuous features.
 * Values are the shrunk leaf values in column `k` of `K` (internal nodes: cover-weighted means).
 */
export function hgbTreeView(t: HgbTree, K: number, k: number, known: readonly (Float64Array | null)[], modelKind: string): TreeView {
  const L: number[] = [];
  const R: number[] = [];
  const F: number[] = [];
  const T: number[] = [];
  const W: number[] = [];
  const M: number[] = [];
  const V: number[] = [];
  const newNode = (): number => {
    if (L.length >= MAX_VIEW_NODES) {
      throw new InvalidParameterError('model', `trees whose categorical splits expand to at most ${MAX_VIEW_NODES} threshold nodes`, 'a larger expansion', modelKind);
    }
    L.push(-1); R.push(-1); F.push(0); T.push(0); W.push(0); M.push(0); V.push(0);
    return L.length - 1;
  };
  const inLeft = (node: number, c: number): boolean => {
    const off = 8 * t.bitsetIdx[node]!;
    return c >= 0 && c < 256 && ((t.rawBitsets[off + (c >>> 5)]! >>> (c & 31)) & 1) === 1;
  };
  // emit the subtree of `node` with every cover multiplied by `scale`; returns its view index
  const emit = (node: number, scale: number): number => {
    if (t.isLeaf[node]) {
      const i = newNode();
      W[i] = t.count[node]! * scale;
      V[i] = t.value[node]!;
      return i;
    }
    const f = t.feature[node]!;
    if (!t.isCategorical[node]) {
      const i = newNode();
      W[i] = t.count[node]! * scale;
      F[i] = f;
      T[i] = t.threshold[node]!;
      M[i] = t.missingGoToLeft[node]!;
      L[i] = emit(t.left[node]!, scale);
      R[i] = emit(t.right[node]!, scale);
      return i;
    }
    const cats = known[f];
    if (!cats || cats.length === 0) throw new InvalidParameterError('model', `known categories for categorical feature ${f}`, 'none', modelKind);
    // runs of consecutive known categories going the same way, then the missing-value run
    const lo: number[] = [];
    const hi: number[] = [];
    const side: boolean[] = [];
    for (const c of cats) {
      const s = inLeft(node, c);
      if (side.length > 0 && side[side.length - 1] === s) hi[hi.length - 1] = c;
      else {
        lo.push(c);
        hi.push(c);
        side.push(s);
      }
    }
    const top = cats[cats.length - 1]! + 1;
    lo.push(top);
    hi.push(top);
    side.push(t.missingGoToLeft[node] === 1);
    let nLeft = 0;
    for (const s of side) if (s) nLeft++;
    const nRight = side.length - nLeft;
    const build = (a: number, b: number): number => {
      if (a === b) {
        const s = side[a]!;
        return emit(s ? t.left[node]! : t.right[node]!, scale / (s ? nLeft : nRight));
      }
      const mid = (a + b) >> 1;
      const i = newNode();
      F[i] = f;
      T[i] = (hi[mid]! + lo[mid + 1]!) / 2;
      M[i] = 0; // NaN goes right: it ends in the last run
      const l = build(a, mid);
      const r = build(mid + 1, b);
      L[i] = l;
      R[i] = r;
      W[i] = W[l]! + W[r]!;
      return i;
    };
    return build(0, side.length - 1);
  };
  emit(0, 1);
  const N = L.length;
  const value = new Float64Array(N * K);
  // children come after their parent: fill internal values bottom-up
  for (let i = N - 1; i >= 0; i--) {
    value[i * K + k] = L[i] === -1 ? V[i]! : (W[L[i]!]! * value[L[i]! * K + k]! + W[R[i]!]! * value[R[i]! * K + k]!) / W[i]!;
  }
  return {
    nodeCount: N, childrenLeft: Int32Array.from(L), childrenRight: Int32Array.from(R), feature: Int32Array.from(F), threshold: Float64Array.from(T),
    value, nodeWeight: Float64Array.from(W), missingGoLeft: Uint8Array.from(M), float32: false,
  };
}

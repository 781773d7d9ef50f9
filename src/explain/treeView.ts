/**
 * One tree-walking interface for every explainer that reads fitted trees (TreeSHAP, partial
 * dependence by recursion). A model plugs in by providing a `TreeEnsembleView`: our CART trees
 * and random forests have adapters here; any other tree ensemble (e.g. a future gradient-boosting
 * model) implements `treeEnsembleView()` on itself and every tree explainer works on it.
 */
import { InvalidParameterError } from '../core/errors.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../tree/cart.js';
import { RandomForestClassifier, RandomForestRegressor } from '../tree/forest.js';
import type { TreeArrays } from '../tree/splitter.js';

/** Marks a leaf in `childrenLeft` / `childrenRight`. */
export const LEAF = -1;

export type { TreeView, TreeEnsembleView } from '../tree/view.js';
import type { TreeView, TreeEnsembleView } from '../tree/view.js';


/** A model that describes itself as trees (how a future tree ensemble plugs in). */
export interface HasTreeEnsembleView {
  treeEnsembleView(): TreeEnsembleView;
}

function fromArrays(t: TreeArrays, normalise: boolean): TreeView {
  const k = t.value.length / t.nodeCount;
  let value = t.value;
  if (normalise) {
    // classifier: class counts -> class fractions per node (what predictProba returns at a leaf)
    value = new Float64Array(t.value.length);
    for (let i = 0; i < t.nodeCount; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += t.value[i * k + c]!;
      if (s === 0) s = 1;
      for (let c = 0; c < k; c++) value[i * k + c] = t.value[i * k + c]! / s;
    }
  }
  return {
    nodeCount: t.nodeCount, childrenLeft: t.childrenLeft, childrenRight: t.childrenRight, feature: t.feature, threshold: t.threshold,
    value, nodeWeight: t.weightedNNodeSamples, missingGoLeft: t.missingGoToLeft, float32: true,
  };
}

/** The tree view of a model, or null when the model is not a tree model. Throws NotFittedError for an unfitted tree model. */
export function treeEnsembleViewOf(model: unknown): TreeEnsembleView | null {
  if (model && typeof (model as HasTreeEnsembleView).treeEnsembleView === 'function') return (model as HasTreeEnsembleView).treeEnsembleView();
  if (model instanceof DecisionTreeRegressor) {
    const t = model.tree;
    const k = t.value.length / t.nodeCount;
    return { trees: [fromArrays(t, false)], nOutputs: k, nFeatures: model.nFeatures, scale: 1, base: new Float64Array(k), outputNames: k === 1 ? ['value'] : Array.from({ length: k }, (_, j) => `output ${j}`), output: 'predict', kind: 'regressor', modelKind: model.kind };
  }
  if (model instanceof DecisionTreeClassifier) {
    const t = model.tree;
    if ((t.nOutputs ?? 1) > 1) throw new InvalidParameterError('model', 'a single-output classifier', `${t.nOutputs} outputs`, 'treeEnsembleView');
    const k = model.classes.length;
    return { trees: [fromArrays(t, true)], nOutputs: k, nFeatures: model.nFeatures, scale: 1, base: new Float64Array(k), outputNames: model.classes.map(String), output: 'predictProba', kind: 'classifier', modelKind: model.kind };
  }
  if (model instanceof RandomForestRegressor) {
    const trees = model.trees;
    const k = trees[0]!.value.length / trees[0]!.nodeCount;
    const d = model.featureImportances.length;
    return { trees: trees.map((t) => fromArrays(t, false)), nOutputs: k, nFeatures: d, scale: 1 / trees.length, base: new Float64Array(k), outputNames: k === 1 ? ['value'] : Array.from({ length: k }, (_, j) => `output ${j}`), output: 'predict', kind: 'regressor', modelKind: model.kind };
  }
  if (model instanceof RandomForestClassifier) {
    const trees = model.trees;
    const k = model.classes.length;
    const d = model.featureImportances.length;
    return { trees: trees.map((t) => fromArrays(t, true)), nOutputs: k, nFeatures: d, scale: 1 / trees.length, base: new Float64Array(k), outputNames: model.classes.map(String), output: 'predictProba', kind: 'classifier', modelKind: model.kind };
  }
  return null;
}

/** Leaf reached by row `x` (offset `off` in a row-major buffer). */
export function treeLeaf(t: TreeView, x: ArrayLike<number>, off: number): number {
  const L = t.childrenLeft, R = t.childrenRight, F = t.feature, T = t.threshold, miss = t.missingGoLeft;
  let node = 0;
  while (L[node] !== LEAF) {
    const v = x[off + F[node]!]!;
    if (v !== v) node = miss && miss[node] ? L[node]! : R[node]!;
    else node = (t.float32 ? Math.fround(v) : v) <= T[node]! ? L[node]! : R[node]!;
  }
  return node;
}

/** Whether row x goes left at internal node `node`. */
export function goesLeft(t: TreeView, node: number, v: number): boolean {
  if (v !== v) return !!(t.missingGoLeft && t.missingGoLeft[node]);
  return (t.float32 ? Math.fround(v) : v) <= t.threshold[node]!;
}

/**
 * The array form every tree-walking consumer reads (TreeSHAP, partial-dependence recursion, and
 * any tree ensemble that wants them: CART trees, forests, gradient boosting). It lives with the
 * trees, below both `ensemble/` and `explain/`, so a model can implement it without importing
 * the explainers; the adapters for our trees are in `explain/treeView.ts`.
 */
/**
 * A fitted binary tree in array form (node 0 is the root). A sample goes left at node i when
 * `x[feature[i]] <= threshold[i]` (compared in float32 when `float32` is true, as scikit-learn),
 * and a missing value (NaN) goes left when `missingGoLeft[i]` is 1.
 */
export interface TreeView {
  nodeCount: number;
  childrenLeft: Int32Array;
  childrenRight: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** nodeCount x nOutputs, row-major: the tree's output at each node (leaves are what it predicts). */
  value: Float64Array;
  /** Weighted number of training samples reaching each node (the "cover" of TreeSHAP). */
  nodeWeight: Float64Array;
  missingGoLeft?: Uint8Array;
  /** Compare `Math.fround(x) <= threshold` (scikit-learn's float32 X). */
  float32: boolean;
}

/** A model as a sum of trees: output_k(x) = base[k] + scale * sum_t tree_t(x)[k]. */
export interface TreeEnsembleView {
  trees: TreeView[];
  nOutputs: number;
  nFeatures: number;
  scale: number;
  base: Float64Array;
  /** One name per output (class labels for classifiers, 'value' for a single regression output). */
  outputNames: string[];
  /** Which model method the outputs reproduce ('predict', 'predictProba'). */
  output: 'predict' | 'predictProba' | 'raw';
  kind: 'regressor' | 'classifier';
  /** Model kind for error messages. */
  modelKind: string;
}

/**
 * Split search and tree growth, following scikit-learn 1.2.1's `_splitter.pyx` (`BestSplitter`,
 * `RandomSplitter`, its introsort) and `_tree.pyx` (`DepthFirstTreeBuilder`,
 * `BestFirstTreeBuilder` with libstdc++'s heap order) step for step: the same `our_rand_r`
 * feature and threshold draws, FEATURE_THRESHOLD, midpoint thresholds, proxy improvements and
 * constant-feature bookkeeping, so that trees equal scikit-learn's node for node.
 *
 * A third strategy, `hist`, works on features pre-binned to at most 255 bins: the node's samples
 * are ordered per feature by a counting sort over bin codes (linear time instead of a comparison
 * sort), candidate thresholds are the bin edges. Same criteria, same constraints.
 *
 * This module is the entry point of the tree internals; the code lives in one file per concern:
 * - `rng.ts`: `our_rand_r` and its integer / uniform draws;
 * - `treeBuffer.ts`: the growing node arrays (`TreeBuf`) and `TreeArrays`;
 * - `builders.ts`: depth-first and best-first growth (`buildTree`);
 * - `nodeSplitter.ts`: the Splitter (feature draws, constant features, strategy dispatch);
 * - `scan.ts`: the criterion scan, threshold partition and split finishing they share;
 * - `classScan.ts`, `presort.ts`, `histogram.ts`, `missing.ts`: the inlined classification scan,
 *   presorted orders, the `hist` strategy and missing values;
 * - `sorting.ts`: scikit-learn's introsort and a pair sort; `splitTypes.ts`: options and records.
 */
export { buildTree } from './builders.js';
export { ourRandR } from './rng.js';
export { introsortRange, sortPairs } from './sorting.js';
export { FEATURE_THRESHOLD, type BuildOptions, type SplitterData, type SplitterName } from './splitTypes.js';
export { TREE_LEAF, TREE_UNDEFINED, type TreeArrays } from './treeBuffer.js';

/**
 * Shared machinery of the tree estimators: parameter resolution as scikit-learn's
 * `BaseDecisionTree.fit`, float32 column-major copies of X, feature binning for the hist
 * splitter, and tree traversal (apply / decision path / MDI importances).
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkSampleWeightOrOnes } from '../core/sampleWeight.js';
import { declaredFeatures, expectState, registerStateCheck, type StateCheckContext } from '../core/modelCheck.js';
import { p } from '../core/params.js';
import { ClassificationCriterion, MAECriterion, RegressionCriterion, type Criterion, type CriterionName, type RegressionCriterionName } from './criterion.js';
import { pruneTree } from './prune.js';
import { buildTree, TREE_LEAF, type SplitterData, type SplitterName, type TreeArrays } from './splitter.js';

export const RAND_R_MAX = 2147483647;

/** Parameters shared by DecisionTreeClassifier / DecisionTreeRegressor (and the forests' trees). */
export const commonTreeSchema = {
  splitter: p.oneOf(['best', 'random', 'hist'] as const, 'best', "'best' (exact sorted search), 'random' (one random threshold per feature), or 'hist' (search over <= maxBins pre-binned values)."),
  maxDepth: p.nullable(p.int(1, { min: 1 }), null),
  minSamplesSplit: p.anyOf<number>(2, [p.int(2, { min: 2 }), p.num(0.5, { min: 0, max: 1, minExclusive: true })], 'int >= 2 or fraction of samples in (0, 1].'),
  minSamplesLeaf: p.anyOf<number>(1, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true })]),
  minWeightFractionLeaf: p.num(0, { min: 0, max: 0.5 }),
  maxLeafNodes: p.nullable(p.int(2, { min: 2 }), null),
  minImpurityDecrease: p.num(0, { min: 0 }),
  ccpAlpha: p.num(0, { min: 0, doc: 'Complexity parameter of minimal cost-complexity pruning (0: no pruning).' }),
  maxBins: p.int(255, { min: 2, max: 255, doc: "Bins per feature for splitter 'hist'." }),
  randomState: p.randomState(),
};

/**
 * maxFeatures: an integer count, a fraction in (0, 1), 'sqrt', 'log2' or null (all features).
 * JavaScript has no 1 vs 1.0: the number 1 means one feature; use null for scikit-learn's 1.0.
 */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;
export const maxFeaturesSpec = (def: MaxFeatures) =>
  p.anyOf<MaxFeatures>(def, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true }), p.oneOf(['sqrt', 'log2', null] as const, null)]);

export interface CommonTreeParams {
  splitter: SplitterName;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minWeightFractionLeaf: number;
  maxFeatures: MaxFeatures;
  maxLeafNodes: number | null;
  minImpurityDecrease: number;
  ccpAlpha: number;
  maxBins: number;
}

/** Plain-data description of one tree fit (what a worker needs besides X, y and weights). */
export interface TreeSpec {
  criterion: CriterionName;
  splitter: SplitterName;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minWeightFractionLeaf: number;
  maxFeatures: number;
  maxLeafNodes: number;
  minImpurityDecrease: number;
  ccpAlpha: number;
}

/** scikit-learn's integer-or-fraction conversions and the max_features rule. */
export function resolveTreeSpec(P: CommonTreeParams, criterion: CriterionName, n: number, d: number, owner: string): TreeSpec {
  const minSamplesLeaf = Number.isInteger(P.minSamplesLeaf) ? P.minSamplesLeaf : Math.ceil(P.minSamplesLeaf * n);
  let minSamplesSplit = Number.isInteger(P.minSamplesSplit) && P.minSamplesSplit >= 2 ? P.minSamplesSplit : Math.max(2, Math.ceil(P.minSamplesSplit * n));
  minSamplesSplit = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
  const mf = P.maxFeatures;
  const maxFeatures = mf === null ? d : mf === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(d))) : mf === 'log2' ? Math.max(1, Math.floor(Math.log2(d))) : Number.isInteger(mf) ? mf : Math.max(1, Math.floor(mf * d));
  if (maxFeatures > d) throw new InvalidParameterError('maxFeatures', `<= the number of features ${d}`, mf, owner);
  return {
    criterion, splitter: P.splitter, maxDepth: P.maxDepth ?? 2147483647, minSamplesSplit, minSamplesLeaf,
    minWeightFractionLeaf: P.minWeightFractionLeaf, maxFeatures, maxLeafNodes: P.maxLeafNodes ?? -1,
    minImpurityDecrease: P.minImpurityDecrease, ccpAlpha: P.ccpAlpha,
  };
}

/** Validated sample weights (ones when absent): the shared core check. */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | null | undefined, n: number, owner: string): Float64Array {
  return checkSampleWeightOrOnes(sampleWeight, n, owner);
}

/** X (row-major float64) as a column-major float32 copy, scikit-learn's DTYPE. */
export function toColumnMajorF32(m: Matrix, out?: Float32Array): Float32Array {
  const { rows: n, cols: d, data } = m;
  const Xc = out ?? new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let j = 0; j < d; j++) Xc[j * n + i] = data[base + j]!;
  }
  return Xc;
}

/**
 * Bin each feature into at most maxBins bins, like scikit-learn's `_BinMapper`: midpoints between
 * distinct values when there are few, else midpoints at evenly spaced percentiles.
 * A value x goes to bin b = number of edges < x, so `bin <= b` <=> `x <= edges[b]`.
 */
export function binFeatures(Xc: Float32Array, n: number, d: number, maxBins: number): { bins: Uint8Array; binsRow: Uint8Array; binEdges: Float64Array[] } {
  const bins = new Uint8Array(n * d);
  const binEdges: Float64Array[] = [];
  // thresholds come from at most SUBSAMPLE rows (evenly strided), as _BinMapper subsamples 2e5 rows
  const SUBSAMPLE = 50000;
  const stride = n > SUBSAMPLE ? n / SUBSAMPLE : 1;
  const m = n > SUBSAMPLE ? SUBSAMPLE : n;
  const col = new Float32Array(m);
  const distinct = new Float64Array(maxBins + 1);
  for (let f = 0; f < d; f++) {
    const base = f * n;
    for (let i = 0; i < m; i++) col[i] = Xc[base + Math.floor(i * stride)]!;
    col.sort();
    let nd = 0;
    for (let i = 0; i < m && nd <= maxBins; i++) if (i === 0 || col[i] !== col[i - 1]) distinct[nd++] = col[i]!;
    const edges: number[] = [];
    if (nd <= maxBins) {
      for (let i = 0; i + 1 < nd; i++) edges.push((distinct[i]! + distinct[i + 1]!) * 0.5);
    } else {
      for (let q = 1; q < maxBins; q++) {
        const pos = (q / maxBins) * (m - 1);
        const e = (col[Math.floor(pos)]! + col[Math.ceil(pos)]!) * 0.5;
        if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
      }
    }
    // the last bin's edge: +inf (never a threshold: a split needs a non-empty right side)
    const E = Float64Array.from([...edges, Infinity]);
    binEdges.push(E);
    const nE = edges.length;
    for (let i = 0; i < n; i++) {
      const x = Xc[base + i]!;
      let lo = 0, hi = nE;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (x <= E[mid]!) hi = mid; else lo = mid + 1; }
      bins[base + i] = lo;
    }
  }
  const binsRow = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) binsRow[i * d + f] = bins[f * n + i]!;
  return { bins, binsRow, binEdges };
}

/**
 * Per-feature NaN flags of column-major X, or undefined when X has no NaN. NaN is supported by the
 * 'best' splitter with gini/entropy/log_loss/squared_error/friedman_mse (as scikit-learn 1.3);
 * otherwise a DataError naming X.
 */
export function nanMaskOf(Xc: Float32Array, n: number, d: number, splitter: string, criterion: string, owner: string): Uint8Array | undefined {
  let mask: Uint8Array | undefined;
  for (let f = 0; f < d; f++) {
    for (let i = f * n, e = i + n; i < e; i++) {
      if (Xc[i] !== Xc[i]) { (mask ??= new Uint8Array(d))[f] = 1; break; }
    }
  }
  if (mask && (splitter !== 'best' || criterion === 'absolute_error' || criterion === 'poisson')) {
    throw new DataError('X', "no NaN for this splitter/criterion (missing values need splitter 'best' and criterion gini, entropy, log_loss, squared_error or friedman_mse)", `NaN in column ${mask.indexOf(1)} with splitter '${splitter}', criterion '${criterion}'`, owner);
  }
  return mask;
}

/** Targets in the criterion's form. */
export type TreeTarget = { kind: 'class'; y: Int32Array; nClasses: Int32Array } | { kind: 'reg'; y: Float64Array; nOutputs: number };

export function makeCriterion(name: CriterionName, target: TreeTarget, sw: Float64Array): Criterion {
  if (target.kind === 'class') return new ClassificationCriterion(name as 'gini', target.y, sw, target.nClasses);
  if (name === 'absolute_error') return new MAECriterion(target.y, sw, target.nOutputs);
  return new RegressionCriterion(name as RegressionCriterionName, target.y, sw, target.nOutputs);
}

/** Fit one tree on prepared data; ccp pruning applied when spec.ccpAlpha > 0. */
export function fitTree(data: SplitterData, target: TreeTarget, sw: Float64Array, spec: TreeSpec, seed: number): TreeArrays {
  let totalW = 0;
  for (let i = 0; i < sw.length; i++) totalW += sw[i]!;
  const crit = makeCriterion(spec.criterion, target, sw);
  const tree = buildTree(data, crit, sw, {
    splitter: spec.splitter, maxDepth: spec.maxDepth, minSamplesSplit: spec.minSamplesSplit, minSamplesLeaf: spec.minSamplesLeaf,
    minWeightLeaf: spec.minWeightFractionLeaf * totalW, maxFeatures: spec.maxFeatures, minImpurityDecrease: spec.minImpurityDecrease,
    maxLeafNodes: spec.maxLeafNodes, seed, presort: target.kind === 'class' && spec.splitter === 'best' && !data.nanMask && allIntegers(sw),
  });
  return spec.ccpAlpha > 0 ? pruneTree(tree, spec.ccpAlpha) : tree;
}

function allIntegers(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isInteger(a[i]!)) return false;
  return true;
}

/** Leaf index per row of X (row-major float64, compared in float32 as scikit-learn). */
export function applyTree(t: TreeArrays, X: Float64Array, n: number, d: number): Int32Array {
  const { childrenLeft: L, childrenRight: R, feature, threshold } = t;
  const out = new Int32Array(n);
  const miss = t.missingGoToLeft ?? new Uint8Array(t.nodeCount);
  for (let i = 0; i < n; i++) {
    let node = 0;
    const base = i * d;
    while (L[node] !== TREE_LEAF) {
      const x = X[base + feature[node]!]!;
      node = x !== x ? (miss[node] ? L[node]! : R[node]!) : Math.fround(x) <= threshold[node]! ? L[node]! : R[node]!;
    }
    out[i] = node;
  }
  return out;
}

/** Node ids on each row's root-to-leaf path. */
export function decisionPathTree(t: TreeArrays, X: Float64Array, n: number, d: number): number[][] {
  const { childrenLeft: L, childrenRight: R, feature, threshold } = t;
  const out: number[][] = new Array(n);
  const miss = t.missingGoToLeft ?? new Uint8Array(t.nodeCount);
  for (let i = 0; i < n; i++) {
    const path = [0];
    let node = 0;
    while (L[node] !== TREE_LEAF) {
      const x = X[i * d + feature[node]!]!;
      node = x !== x ? (miss[node] ? L[node]! : R[node]!) : Math.fround(x) <= threshold[node]! ? L[node]! : R[node]!;
      path.push(node);
    }
    out[i] = path;
  }
  return out;
}

/** scikit-learn's `Tree.compute_feature_importances` (MDI, normalised). */
export function computeImportances(t: TreeArrays, d: number, normalize = true): Float64Array {
  const imp = new Float64Array(d);
  const { childrenLeft: L, childrenRight: R, weightedNNodeSamples: W, impurity: I, feature } = t;
  for (let node = 0; node < t.nodeCount; node++) {
    if (L[node] === TREE_LEAF) continue;
    const l = L[node]!, r = R[node]!;
    imp[feature[node]!]! += W[node]! * I[node]! - W[l]! * I[l]! - W[r]! * I[r]!;
  }
  let sum = 0;
  for (let j = 0; j < d; j++) { imp[j]! /= W[0]!; sum += imp[j]!; }
  if (normalize && sum > 0) for (let j = 0; j < d; j++) imp[j]! /= sum;
  return imp;
}

export function countLeaves(t: TreeArrays): number {
  let c = 0;
  for (const l of t.childrenLeft) if (l === TREE_LEAF) c++;
  return c;
}

/**
 * Structural check of a saved tree (registered with `loadModel`, so every state holding trees is
 * covered: trees, forests, isolation forests). Builders number nodes depth- or best-first, so a
 * child's id is always greater than its parent's: checking `parent < child < nodeCount` for every
 * split node proves the tree acyclic in one pass. Array lengths, feature indices and thresholds
 * are checked against the declared sizes, so a loaded tree never reads outside a row.
 */
function checkSavedTree(o: Record<string, unknown>, ctx: StateCheckContext): void {
  if (!(o.childrenLeft instanceof Int32Array) && !(o.childrenRight instanceof Int32Array)) return;
  const t = o as unknown as TreeArrays;
  const n = t.nodeCount;
  expectState(Number.isInteger(n) && n >= 1, ctx, 'nodeCount', 'an integer >= 1', n);
  for (const [field, Ctor] of [['childrenLeft', Int32Array], ['childrenRight', Int32Array], ['feature', Int32Array], ['threshold', Float64Array]] as const) {
    const a = o[field];
    expectState(a instanceof Ctor && a.length === n, ctx, field, `a ${Ctor.name} of length nodeCount = ${n}`, a);
  }
  for (const field of ['impurity', 'nNodeSamples', 'weightedNNodeSamples', 'missingGoToLeft'] as const) {
    const a = o[field] as ArrayLike<number> | undefined;
    if (a !== undefined) expectState(ArrayBuffer.isView(a) && a.length === n, ctx, field, `a typed array of length nodeCount = ${n}`, a);
  }
  const nOut = t.nOutputs ?? 1;
  expectState(Number.isInteger(t.nClasses) && t.nClasses >= 1 && Number.isInteger(nOut) && nOut >= 1, ctx, 'nClasses', 'integers nClasses >= 1 and nOutputs >= 1', `${t.nClasses}, ${nOut}`);
  expectState(t.value instanceof Float64Array && t.value.length === n * nOut * t.nClasses, ctx, 'value', `a Float64Array of length nodeCount x nOutputs x nClasses = ${n * nOut * t.nClasses}`, t.value);
  const d = declaredFeatures(ctx.root);
  const { childrenLeft: L, childrenRight: R, feature, threshold } = t;
  for (let i = 0; i < n; i++) {
    const l = L[i]!, r = R[i]!;
    if (l === TREE_LEAF && r === TREE_LEAF) continue;
    expectState(l > i && l < n && r > i && r < n && l !== r, ctx, `childrenLeft[${i}]`, `child ids in (${i}, ${n}) or both ${TREE_LEAF} (a leaf)`, `${l}, ${r}`);
    const f = feature[i]!;
    expectState(f >= 0 && (d === null || f < d), ctx, `feature[${i}]`, `a feature index in [0, ${d ?? 'nFeatures'})`, f);
    expectState(!Number.isNaN(threshold[i]!), ctx, `threshold[${i}]`, 'a number (not NaN)', threshold[i]);
  }
}
registerStateCheck(checkSavedTree);

import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { checkArray, checkLabels, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { accuracyScore } from '../metrics/accuracy.js';
import { treeToRules, type Rule } from './export.js';
import { buildClassifierTree, TREE_LEAF, type TreeArrays } from './splitter.js';

const RAND_R_MAX = 2147483647;

const schema = {
  criterion: p.oneOf(['gini', 'entropy', 'log_loss'] as const, 'gini', 'Impurity measure of a split.'),
  splitter: p.oneOf(['best'] as const, 'best', "Split strategy ('random' is not implemented yet)."),
  maxDepth: p.nullable(p.int(1, { min: 1 }), null),
  minSamplesSplit: p.anyOf<number>(2, [p.int(2, { min: 2 }), p.num(0.5, { min: 0, max: 1, minExclusive: true })], 'int >= 2 or fraction of samples in (0, 1].'),
  minSamplesLeaf: p.anyOf<number>(1, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true })]),
  minWeightFractionLeaf: p.num(0, { min: 0, max: 0.5 }),
  maxFeatures: p.anyOf<number | 'sqrt' | 'log2' | null>(null, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true }), p.oneOf(['sqrt', 'log2', null] as const, null)]),
  minImpurityDecrease: p.num(0, { min: 0 }),
  classWeight: p.anyOf<'balanced' | Record<string, number> | null>(null, [p.oneOf(['balanced', null] as const, null), p.custom({}, 'an object mapping class labels to weights', (v) => typeof v === 'object' && v !== null && !Array.isArray(v))]),
  randomState: p.randomState(),
};
export type DecisionTreeClassifierParams = ParamsOf<typeof schema>;

export interface DecisionTreeClassifierState {
  classes: Label[];
  nFeatures: number;
  tree: TreeArrays;
  featureImportances: Float64Array;
}

/**
 * CART classification tree with scikit-learn's algorithm: same splits, thresholds, node order and
 * feature-sampling draws for the same `randomState` (see src/tree/splitter.ts).
 *
 * @example
 * const tree = new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 }).fit(X, y);
 * tree.predict(X); tree.featureImportances; exportText(tree);
 */
export class DecisionTreeClassifier extends Estimator<typeof schema, DecisionTreeClassifierState> {
  static override readonly kind = 'DecisionTreeClassifier';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: true, allowNaN: false };

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const owner = this.kind;
    const m = checkArray(X, { owner });
    const { classes, encoded } = checkLabels(y, m.rows, { owner });
    const n = m.rows, d = m.cols;
    const P = this.params;
    const sw = new Float64Array(n).fill(1);
    if (sampleWeight != null) {
      if (sampleWeight.length !== n) throw new DataError('sampleWeight', `length ${n}`, `length ${sampleWeight.length}`, owner);
      for (let i = 0; i < n; i++) {
        const w = sampleWeight[i]!;
        if (!Number.isFinite(w) || w < 0) throw new DataError('sampleWeight', 'finite non-negative weights', `${w} at index ${i}`, owner);
        sw[i] = w;
      }
    }
    if (P.classWeight !== null) {
      const k = classes.length;
      const cw = new Float64Array(k);
      if (P.classWeight === 'balanced') {
        const counts = new Float64Array(k);
        for (const c of encoded) counts[c]!++;
        for (let c = 0; c < k; c++) cw[c] = n / (k * counts[c]!);
      } else {
        const map = P.classWeight as Record<string, number>;
        for (let c = 0; c < k; c++) cw[c] = map[String(classes[c])] ?? 1;
      }
      for (let i = 0; i < n; i++) sw[i]! *= cw[encoded[i]!]!;
    }
    let totalW = 0;
    for (const w of sw) totalW += w;
    if (!(totalW > 0)) throw new DataError('sampleWeight', 'a positive total weight', totalW, owner);
    const minSamplesLeaf = Number.isInteger(P.minSamplesLeaf) ? P.minSamplesLeaf : Math.ceil(P.minSamplesLeaf * n);
    let minSamplesSplit = Number.isInteger(P.minSamplesSplit) ? P.minSamplesSplit : Math.max(2, Math.ceil(P.minSamplesSplit * n));
    minSamplesSplit = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
    const mf = P.maxFeatures;
    const maxFeatures = mf === null ? d : mf === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(d))) : mf === 'log2' ? Math.max(1, Math.floor(Math.log2(d))) : Number.isInteger(mf) ? mf : Math.max(1, Math.floor(mf * d));
    if (maxFeatures > d) throw new InvalidParameterError('maxFeatures', `<= the number of features ${d}`, mf, owner);
    const rng = checkRandomState(P.randomState, 'randomState', owner);
    const seed = rng.randint(0, RAND_R_MAX);
    // scikit-learn fits and predicts trees on float32 copies of X (DTYPE = np.float32); so do we
    const tree = buildClassifierTree(Float64Array.from(Float32Array.from(m.data)), n, d, encoded, classes.length, sw, {
      criterion: P.criterion, maxDepth: P.maxDepth ?? 2147483647, minSamplesSplit, minSamplesLeaf,
      minWeightLeaf: P.minWeightFractionLeaf * totalW, maxFeatures, minImpurityDecrease: P.minImpurityDecrease, seed,
    });
    this._state = { classes, nFeatures: d, tree, featureImportances: computeImportances(tree, d) };
    return this;
  }

  get classes(): Label[] { return this.fitted.classes; }
  get tree(): TreeArrays { return this.fitted.tree; }
  /** MDI importances, normalised to sum 1 (length nFeatures). */
  get featureImportances(): Float64Array { return this.fitted.featureImportances; }
  get nFeatures(): number { return this.fitted.nFeatures; }
  getDepth(): number { return this.fitted.tree.maxDepth; }
  getNLeaves(): number { let c = 0; for (const l of this.fitted.tree.childrenLeft) if (l === TREE_LEAF) c++; return c; }

  /** Index of the leaf each sample lands in. */
  apply(X: MatrixLike): Int32Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const { childrenLeft, childrenRight, feature, threshold } = s.tree;
    const out = new Int32Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let node = 0;
      const base = i * m.cols;
      while (childrenLeft[node] !== TREE_LEAF) node = Math.fround(m.data[base + feature[node]!]!) <= threshold[node]! ? childrenLeft[node]! : childrenRight[node]!;
      out[i] = node;
    }
    return out;
  }

  /** Nodes visited by each sample (list of node ids per sample). */
  decisionPath(X: MatrixLike): number[][] {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const { childrenLeft, childrenRight, feature, threshold } = s.tree;
    return Array.from({ length: m.rows }, (_, i) => {
      const path = [0];
      let node = 0;
      while (childrenLeft[node] !== TREE_LEAF) {
        node = Math.fround(m.data[i * m.cols + feature[node]!]!) <= threshold[node]! ? childrenLeft[node]! : childrenRight[node]!;
        path.push(node);
      }
      return path;
    });
  }

  /** Class probabilities (n x nClasses, columns in `classes` order): the leaf's weighted class fractions. */
  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    const leaves = this.apply(X);
    const k = s.classes.length;
    const out = Matrix.zeros(leaves.length, k);
    for (let i = 0; i < leaves.length; i++) {
      const off = leaves[i]! * k;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += s.tree.value[off + c]!;
      for (let c = 0; c < k; c++) out.data[i * k + c] = s.tree.value[off + c]! / sum;
    }
    return out;
  }

  predict(X: MatrixLike): Label[] {
    const s = this.fitted;
    const proba = this.predictProba(X);
    const k = s.classes.length;
    return Array.from({ length: proba.rows }, (_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (proba.data[i * k + c]! > proba.data[i * k + best]!) best = c;
      return s.classes[best]!;
    });
  }

  /** One IF ... THEN rule per leaf (see treeToRules). */
  toRules(opts: { featureNames?: string[]; decimals?: number } = {}): Rule[] {
    return treeToRules({ tree: this.fitted.tree, classes: this.fitted.classes }, opts);
  }

  score(X: MatrixLike, y: LabelsLike): number {
    return accuracyScore(y as ArrayLike<Label>, this.predict(X));
  }
}
registerEstimator(DecisionTreeClassifier);

/** scikit-learn's `Tree.compute_feature_importances` (MDI, normalised). */
export function computeImportances(t: TreeArrays, d: number): Float64Array {
  const imp = new Float64Array(d);
  const { childrenLeft: L, childrenRight: R, weightedNNodeSamples: W, impurity: I, feature } = t;
  for (let node = 0; node < t.nodeCount; node++) {
    if (L[node] === TREE_LEAF) continue;
    const l = L[node]!, r = R[node]!;
    imp[feature[node]!]! += W[node]! * I[node]! - W[l]! * I[l]! - W[r]! * I[r]!;
  }
  let sum = 0;
  for (let j = 0; j < d; j++) { imp[j]! /= W[0]!; sum += imp[j]!; }
  if (sum > 0) for (let j = 0; j < d; j++) imp[j]! /= sum;
  return imp;
}

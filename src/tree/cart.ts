import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf, type Schema } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { checkArray, checkLabels, checkTarget, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { classifierScore, regressorScore } from '../metrics/score.js';
import {
  applyTree, binFeatures, nanMaskOf, checkSampleWeight, commonTreeSchema, computeImportances, countLeaves, decisionPathTree, fitTree, maxFeaturesSpec,
  RAND_R_MAX, resolveTreeSpec, toColumnMajorF32, type TreeSpec, type TreeTarget,
} from './base.js';
import { treeToRules, type Rule } from './export.js';
import { pruningPath } from './prune.js';
import type { SplitterData, TreeArrays } from './splitter.js';

export { computeImportances } from './base.js';

const classifierSchema = {
  criterion: p.oneOf(['gini', 'entropy', 'log_loss'] as const, 'gini', 'Impurity measure of a split.'),
  ...commonTreeSchema,
  maxFeatures: maxFeaturesSpec(null),
  classWeight: p.anyOf<'balanced' | Record<string, number> | null>(null, [p.oneOf(['balanced', null] as const, null), p.custom({}, 'an object mapping class labels to weights', (v) => typeof v === 'object' && v !== null && !Array.isArray(v))]),
};
export type DecisionTreeClassifierParams = ParamsOf<typeof classifierSchema>;

export interface DecisionTreeClassifierState {
  classes: Label[];
  /** set for multi-output fits */
  classesPerOutput?: Label[][];
  nFeatures: number;
  tree: TreeArrays;
  featureImportances: Float64Array;
}

/** Pruning path of a tree: effective alphas and the total leaf impurity after each pruning step. */
export interface PruningPath {
  ccpAlphas: Float64Array;
  impurities: Float64Array;
}

/** Splitter input for X: column-major float32, NaN flags, plus bins for splitter 'hist'. */
function prepareData(m: Matrix, splitter: string, maxBins: number, criterion: string, owner: string): SplitterData {
  const Xc = toColumnMajorF32(m);
  const data: SplitterData = { n: m.rows, d: m.cols, Xc, nanMask: nanMaskOf(Xc, m.rows, m.cols, splitter, criterion, owner) };
  if (splitter === 'hist') Object.assign(data, binFeatures(Xc, m.rows, m.cols, maxBins));
  return data;
}

/** Encode 1-D labels, or a 2-D array of label rows (multi-output), as row-major class codes. */
export function encodeClassTargets(y: LabelsLike | readonly (readonly Label[])[], n: number, owner: string): { perOutput: Label[][]; encoded: Int32Array; multi: boolean } {
  const first = (y as ArrayLike<unknown>)?.length ? (y as ArrayLike<unknown>)[0] : undefined;
  if (first === null || typeof first !== 'object') {
    const { classes, encoded } = checkLabels(y as LabelsLike, n, { owner });
    return { perOutput: [classes], encoded, multi: false };
  }
  const rows = y as readonly (readonly Label[])[];
  if (rows.length !== n) throw new ShapeError('y', `${n} rows (the number of rows of X)`, `${rows.length} rows`, owner);
  const K = rows[0]!.length;
  if (!(K >= 1)) throw new ShapeError('y', 'rows with at least one label', `row 0 of length ${K}`, owner);
  const encoded = new Int32Array(n * K);
  const perOutput: Label[][] = [];
  for (let k = 0; k < K; k++) {
    const col = rows.map((r, i) => {
      if (!r || r.length !== K) throw new ShapeError('y', `rows of ${K} labels`, `row ${i} of length ${r?.length}`, owner);
      return r[k]!;
    });
    const { classes, encoded: e } = checkLabels(col, n, { name: `y[:, ${k}]`, owner });
    perOutput.push(classes);
    for (let i = 0; i < n; i++) encoded[i * K + k] = e[i]!;
  }
  return { perOutput, encoded, multi: true };
}

/** Per-sample weights from classWeight ('balanced': n / (k * count), dict: by label, default 1). */
export function classWeightFactors(classWeight: 'balanced' | Record<string, number>, classes: Label[], encoded: Int32Array, indices?: ArrayLike<number>): Float64Array {
  const k = classes.length;
  const cw = new Float64Array(k);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(k);
    const idx = indices ?? encoded.map((_, i) => i);
    for (let t = 0; t < idx.length; t++) counts[encoded[idx[t]!]!]!++;
    const present = counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
    for (let c = 0; c < k; c++) cw[c] = counts[c]! > 0 ? idx.length / (present * counts[c]!) : 0;
  } else {
    for (let c = 0; c < k; c++) cw[c] = classWeight[String(classes[c])] ?? 1;
  }
  const out = new Float64Array(encoded.length);
  for (let i = 0; i < encoded.length; i++) out[i] = cw[encoded[i]!]!;
  return out;
}

/** What both CART estimators expose on their fitted tree (scikit-learn's `BaseDecisionTree`). */
abstract class BaseDecisionTree<S extends Schema, St extends { tree: TreeArrays; featureImportances: Float64Array; nFeatures: number }> extends Estimator<S, St> {
  get tree(): TreeArrays { return this.fitted.tree; }
  /** MDI importances, normalised to sum 1 (length nFeatures). */
  get featureImportances(): Float64Array { return this.fitted.featureImportances; }
  get nFeatures(): number { return this.fitted.nFeatures; }
  getDepth(): number { return this.fitted.tree.maxDepth; }
  getNLeaves(): number { return countLeaves(this.fitted.tree); }

  /** Index of the leaf each sample lands in. */
  apply(X: MatrixLike): Int32Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures, allowNaN: true });
    return applyTree(s.tree, m.data, m.rows, m.cols);
  }

  /** Nodes visited by each sample (list of node ids per sample, root first). */
  decisionPath(X: MatrixLike): number[][] {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures, allowNaN: true });
    return decisionPathTree(s.tree, m.data, m.rows, m.cols);
  }
}

/**
 * CART classification tree with scikit-learn's algorithm: same splits, thresholds, node order and
 * feature-sampling draws for the same `randomState` (see src/tree/splitter.ts). Supports
 * best-first growth (`maxLeafNodes`), cost-complexity pruning (`ccpAlpha`), class weights and a
 * histogram splitter (`splitter: 'hist'`).
 *
 * @example
 * const tree = new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 }).fit(X, y);
 * tree.predict(X); tree.featureImportances; exportText(tree);
 */
export class DecisionTreeClassifier extends BaseDecisionTree<typeof classifierSchema, DecisionTreeClassifierState> {
  static override readonly kind = 'DecisionTreeClassifier';
  static override readonly schema = classifierSchema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: true, allowNaN: true };

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    super(params);
  }

  private fitTreeArrays(X: MatrixLike, y: LabelsLike | readonly (readonly Label[])[], sampleWeight: ArrayLike<number> | null | undefined, ccpAlpha: number): { perOutput: Label[][]; multi: boolean; d: number; tree: TreeArrays } {
    const owner = this.kind;
    const m = checkArray(X, { owner, allowNaN: true });
    const n = m.rows, d = m.cols;
    const { perOutput, encoded, multi } = encodeClassTargets(y, n, owner);
    const K = perOutput.length;
    const P = this.params;
    const sw = checkSampleWeight(sampleWeight, n, owner);
    if (P.classWeight !== null) {
      if (multi && P.classWeight !== 'balanced') throw new InvalidParameterError('classWeight', "'balanced' or null for a multi-output y", P.classWeight, owner);
      // multi-output: the product of the per-output weights, as scikit-learn's compute_sample_weight
      for (let k = 0; k < K; k++) {
        const col = multi ? Int32Array.from({ length: n }, (_, i) => encoded[i * K + k]!) : encoded;
        const f = classWeightFactors(P.classWeight as 'balanced' | Record<string, number>, perOutput[k]!, col);
        for (let i = 0; i < n; i++) sw[i]! *= f[i]!;
      }
    }
    let totalW = 0;
    for (const w of sw) totalW += w;
    if (!(totalW > 0)) throw new DataError('sampleWeight', 'a positive total weight', totalW, owner);
    const spec: TreeSpec = { ...resolveTreeSpec(P, P.criterion, n, d, owner), ccpAlpha };
    const seed = checkRandomState(P.randomState, 'randomState', owner).randint(0, RAND_R_MAX);
    const target: TreeTarget = { kind: 'class', y: encoded, nClasses: Int32Array.from(perOutput, (c) => c.length) };
    return { perOutput, multi, d, tree: fitTree(prepareData(m, P.splitter, P.maxBins, P.criterion, owner), target, sw, spec, seed) };
  }

  /**
   * Fit on X and class labels y: a 1-D array, or for several outputs one row of labels per sample
   * (`y[i] = [label0, label1, ...]`; then use predictMultiOutput / predictProbaMultiOutput).
   */
  fit(X: MatrixLike, y: LabelsLike | readonly (readonly Label[])[], sampleWeight?: ArrayLike<number> | null): this {
    const { perOutput, multi, d, tree } = this.fitTreeArrays(X, y, sampleWeight, this.params.ccpAlpha);
    this._state = { classes: perOutput[0]!, nFeatures: d, tree, featureImportances: computeImportances(tree, d), ...(multi ? { classesPerOutput: perOutput } : {}) };
    return this;
  }

  /** Classes of each output (multi-output fits; `[classes]` otherwise). */
  get classesPerOutput(): Label[][] { return this.fitted.classesPerOutput ?? [this.fitted.classes]; }

  /** Per-output class probabilities: one n x nClasses[k] Matrix per output. */
  predictProbaMultiOutput(X: MatrixLike): Matrix[] {
    const s = this.fitted;
    const leaves = this.apply(X);
    const per = this.classesPerOutput;
    const stride = s.tree.value.length / s.tree.nodeCount, mk = s.tree.nClasses;
    return per.map((cls, k) => {
      const kc = cls.length;
      const out = Matrix.zeros(leaves.length, kc);
      for (let i = 0; i < leaves.length; i++) {
        const off = leaves[i]! * stride + k * mk;
        let sum = 0;
        for (let c = 0; c < kc; c++) sum += s.tree.value[off + c]!;
        if (sum === 0) sum = 1;
        for (let c = 0; c < kc; c++) out.data[i * kc + c] = s.tree.value[off + c]! / sum;
      }
      return out;
    });
  }

  /** Predicted labels, one row [label0, label1, ...] per sample (any number of outputs). */
  predictMultiOutput(X: MatrixLike): Label[][] {
    const per = this.classesPerOutput;
    const probas = this.predictProbaMultiOutput(X);
    const n = probas[0]!.rows;
    return Array.from({ length: n }, (_, i) => probas.map((p, k) => {
      const kc = p.cols;
      let best = 0;
      for (let c = 1; c < kc; c++) if (p.data[i * kc + c]! > p.data[i * kc + best]!) best = c;
      return per[k]![best]!;
    }));
  }

  /** Effective alphas and total leaf impurities of minimal cost-complexity pruning (fits an unpruned tree). */
  costComplexityPruningPath(X: MatrixLike, y: LabelsLike | readonly (readonly Label[])[], sampleWeight?: ArrayLike<number> | null): PruningPath {
    return pruningPath(this.fitTreeArrays(X, y, sampleWeight, 0).tree);
  }

  /** Classes (of the first output for a multi-output fit). */
  get classes(): Label[] { return this.fitted.classes; }

  /** Class probabilities (n x nClasses, columns in `classes` order): the leaf's weighted class fractions. */
  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    if (s.classesPerOutput) throw new InvalidParameterError('y', 'a 1-D y for predict/predictProba (this model was fitted on several outputs: use predictMultiOutput / predictProbaMultiOutput)', `${s.classesPerOutput.length} outputs`, this.kind);
    const leaves = this.apply(X);
    const k = s.classes.length;
    const out = Matrix.zeros(leaves.length, k);
    for (let i = 0; i < leaves.length; i++) {
      const off = leaves[i]! * k;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += s.tree.value[off + c]!;
      if (sum === 0) sum = 1;
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

  /** Accuracy on (X, y) (the public `accuracyScore`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    return classifierScore(y as ArrayLike<Label>, this.predict(X), sampleWeight);
  }
}
registerEstimator(DecisionTreeClassifier);

const regressorSchema = {
  criterion: p.oneOf(['squared_error', 'friedman_mse', 'absolute_error', 'poisson'] as const, 'squared_error', 'Impurity measure of a split.'),
  ...commonTreeSchema,
  maxFeatures: maxFeaturesSpec(null),
};
export type DecisionTreeRegressorParams = ParamsOf<typeof regressorSchema>;

export interface DecisionTreeRegressorState {
  nFeatures: number;
  /** 0 when y was 1-D, else the number of columns of y */
  nOutputs: number;
  tree: TreeArrays;
  featureImportances: Float64Array;
}

/** y as a row-major n x k Float64Array; k = 0 marks a 1-D y. */
export function checkRegressionTarget(y: LabelsLike | MatrixLike, n: number, owner: string): { y: Float64Array; nOutputs: number; is2d: boolean } {
  const first = (y as ArrayLike<unknown>)?.length ? (y as ArrayLike<unknown>)[0] : undefined;
  if (y instanceof Matrix || (first !== null && typeof first === 'object')) {
    const m = checkArray(y as MatrixLike, { name: 'y', owner });
    if (m.rows !== n) throw new ShapeError('y', `${n} rows (the number of rows of X)`, `${m.rows} rows`, owner);
    return { y: m.data, nOutputs: m.cols, is2d: true };
  }
  return { y: checkTarget(y as LabelsLike, n, { owner }), nOutputs: 1, is2d: false };
}

/** Poisson criterion needs y >= 0 with a positive sum (per output). */
export function checkPoissonTarget(y: Float64Array, nOutputs: number, owner: string): void {
  for (let i = 0; i < y.length; i++) if (y[i]! < 0) throw new DataError('y', "non-negative values for criterion 'poisson'", `${y[i]} at index ${Math.floor(i / nOutputs)}`, owner);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  if (!(s > 0)) throw new DataError('y', "a positive sum for criterion 'poisson'", s, owner);
}

/**
 * CART regression tree reproducing scikit-learn's DecisionTreeRegressor (squared_error,
 * friedman_mse, absolute_error, poisson), node for node. y may be 1-D or 2-D (multi-output).
 *
 * @example
 * const reg = new DecisionTreeRegressor({ maxDepth: 4, randomState: 0 }).fit(X, y);
 * reg.predict(X); reg.featureImportances; reg.costComplexityPruningPath(X, y).ccpAlphas;
 */
export class DecisionTreeRegressor extends BaseDecisionTree<typeof regressorSchema, DecisionTreeRegressorState> {
  static override readonly kind = 'DecisionTreeRegressor';
  static override readonly schema = regressorSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: true, allowNaN: true, multiOutput: true };

  constructor(params: Partial<DecisionTreeRegressorParams> = {}) {
    super(params);
  }

  private fitTreeArrays(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight: ArrayLike<number> | null | undefined, ccpAlpha: number): DecisionTreeRegressorState {
    const owner = this.kind;
    const m = checkArray(X, { owner, allowNaN: true });
    const n = m.rows, d = m.cols;
    const t = checkRegressionTarget(y, n, owner);
    const P = this.params;
    if (P.criterion === 'poisson') checkPoissonTarget(t.y, t.nOutputs, owner);
    const sw = checkSampleWeight(sampleWeight, n, owner);
    let totalW = 0;
    for (const w of sw) totalW += w;
    if (!(totalW > 0)) throw new DataError('sampleWeight', 'a positive total weight', totalW, owner);
    const spec: TreeSpec = { ...resolveTreeSpec(P, P.criterion, n, d, owner), ccpAlpha };
    const seed = checkRandomState(P.randomState, 'randomState', owner).randint(0, RAND_R_MAX);
    const tree = fitTree(prepareData(m, P.splitter, P.maxBins, P.criterion, owner), { kind: 'reg', y: t.y, nOutputs: t.nOutputs }, sw, spec, seed);
    return { nFeatures: d, nOutputs: t.is2d ? t.nOutputs : 0, tree, featureImportances: computeImportances(tree, d) };
  }

  fit(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight?: ArrayLike<number> | null): this {
    this._state = this.fitTreeArrays(X, y, sampleWeight, this.params.ccpAlpha);
    return this;
  }

  /** Effective alphas and total leaf impurities of minimal cost-complexity pruning. */
  costComplexityPruningPath(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight?: ArrayLike<number> | null): PruningPath {
    return pruningPath(this.fitTreeArrays(X, y, sampleWeight, 0).tree);
  }

  /** One IF ... THEN value = ... rule per leaf (see treeToRules). */
  toRules(opts: { featureNames?: string[]; decimals?: number } = {}): Rule[] {
    return treeToRules({ tree: this.fitted.tree }, opts);
  }

  /** Leaf means (medians for absolute_error); for a 2-D y, row-major n x nOutputs values (see `predictMatrix`). */
  predict(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const leaves = this.apply(X);
    const k = Math.max(1, s.nOutputs);
    const out = new Float64Array(leaves.length * k);
    for (let i = 0; i < leaves.length; i++) for (let j = 0; j < k; j++) out[i * k + j] = s.tree.value[leaves[i]! * k + j]!;
    return out;
  }

  /** Predictions as an n x nOutputs Matrix (multi-output y). */
  predictMatrix(X: MatrixLike): Matrix {
    const out = this.predict(X);
    const k = Math.max(1, this.fitted.nOutputs);
    return new Matrix(out, out.length / k, k);
  }

  /** Coefficient of determination R^2 (averaged uniformly over outputs). */
  score(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight?: ArrayLike<number> | null): number {
    const p = this.predict(X);
    const t = checkRegressionTarget(y, p.length / Math.max(1, this.fitted.nOutputs), this.kind);
    return regressorScore(t.y, p, t.nOutputs, sampleWeight);
  }
}
registerEstimator(DecisionTreeRegressor);

/**
 * R^2 of row-major n x k predictions, uniform average over outputs: the public `r2Score`
 * (metrics/score.ts), kept under this name for forest.ts's out-of-bag score.
 */
export function r2Score(y: ArrayLike<number>, pred: ArrayLike<number>, k = 1): number {
  return regressorScore(y, pred, k);
}

import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { Table } from '../core/table.js';
import { p, type ParamsOf } from '../core/params.js';
import { RandomState, checkRandomState } from '../core/random.js';
import { checkSampleWeight } from '../core/sampleWeight.js';
import { accuracyScore } from '../metrics/accuracy.js';
import { r2Score } from '../metrics/regression.js';
import { getScorer, getScorerNames, type ScorableEstimator } from '../metrics/scorer.js';
import { checkArray, checkLabels, checkTarget, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { approximateMode, trainTestSplitIndices } from '../modelSelection/split.js';
import { startWorkers } from '../linalg/threads.js';
import { fitBinMapper, transformBins, type BinMapperState } from './binning.js';
import { HistSpace, hgbGradTuning, hgbHistModule, hgbTeamTuning, hgbWasmSwitch } from './histWasm.js';
import { TreeGrower, disposeWorkspace, inBitset, makeWorkspace, type HgbTree } from './grower.js';
import { sharedBytes } from './histogram.js';
import { hgbTreeView } from './treeView.js';
import { packForest, predictForest, type PackedForest } from './forest.js';
import { AbsoluteError, HalfBinomialLoss, HalfMultinomialLoss, HalfPoissonLoss, HalfSquaredError, PinballLoss, expit, softmaxInto, type HgbLoss } from './loss.js';
import type { TreeEnsembleView } from '../tree/view.js';

/** Packed trees per fitted state (for threaded prediction). */
const PACKED = new WeakMap<object, PackedForest>();

const isIntArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));

const commonSchema = {
  learningRate: p.num(0.1, { min: 0, minExclusive: true, doc: 'Shrinkage applied to every leaf value.' }),
  maxIter: p.int(100, { min: 1, doc: 'Boosting iterations (trees per class).' }),
  maxLeafNodes: p.nullable(p.int(31, { min: 2 }), 31),
  maxDepth: p.nullable(p.int(1, { min: 1 })),
  minSamplesLeaf: p.int(20, { min: 1 }),
  l2Regularization: p.num(0, { min: 0 }),
  maxBins: p.int(255, { min: 2, max: 255, doc: 'Bins for non-missing values (one more bin holds missing values).' }),
  categoricalFeatures: p.custom<number[] | boolean[] | null>(null, 'null, an array of feature indices or an array of booleans (one per feature)',
    (v) => v === null || isIntArray(v) || (Array.isArray(v) && v.every((x) => typeof x === 'boolean'))),
  monotonicCst: p.custom<number[] | null>(null, 'null or an array of -1, 0, 1 (one per feature)', (v) => v === null || (isIntArray(v) && (v as number[]).every((x) => x >= -1 && x <= 1))),
  interactionCst: p.custom<number[][] | 'pairwise' | 'no_interactions' | null>(null, "null, 'pairwise', 'no_interactions' or an array of arrays of feature indices",
    (v) => v === null || v === 'pairwise' || v === 'no_interactions' || (Array.isArray(v) && v.every((g) => isIntArray(g)))),
  warmStart: p.bool(false),
  earlyStopping: p.oneOf(['auto', true, false] as const, 'auto', "'auto': on when n_samples > 10,000."),
  scoring: p.custom<string | null>('loss', "'loss', a scorer name (getScorerNames(): 'accuracy', 'roc_auc', 'neg_mean_squared_error', ...) or null (the estimator's score: accuracy / R^2)",
    (v) => v === 'loss' || v === null || (typeof v === 'string' && getScorerNames().includes(v))),
  validationFraction: p.nullable(p.num(0.1, { min: 0, minExclusive: true }), 0.1),
  nIterNoChange: p.int(10, { min: 1 }),
  tol: p.num(1e-7, { min: 0 }),
  randomState: p.randomState(),
};

const regressorSchema = {
  loss: p.oneOf(['squared_error', 'absolute_error', 'poisson', 'quantile'] as const, 'squared_error'),
  quantile: p.nullable(p.num(0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true })),
  ...commonSchema,
};
const classifierSchema = {
  loss: p.oneOf(['log_loss'] as const, 'log_loss'),
  classWeight: p.custom<'balanced' | Record<string, number> | null>(null, "null, 'balanced' or an object {label: weight}",
    (v) => v === null || v === 'balanced' || (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0))),
  ...commonSchema,
};
export type HistGradientBoostingRegressorParams = ParamsOf<typeof regressorSchema>;
export type HistGradientBoostingClassifierParams = ParamsOf<typeof classifierSchema>;
type AnySchema = typeof regressorSchema | typeof classifierSchema;
type CommonParams = ParamsOf<typeof commonSchema> & { loss: string; quantile?: number | null };

/** The tree-walking view of a boosted model (tree/view.ts), read by TreeSHAP. */
export type HgbTreeEnsembleView = TreeEnsembleView;

/** Fitted state shared by both estimators. */
export interface HgbState {
  nFeatures: number;
  nTreesPerIteration: number;
  lossName: string;
  baseline: Float64Array;
  /** trees[iteration * nTreesPerIteration + k] */
  trees: HgbTree[];
  binMapper: BinMapperState;
  /** categorical features: the known category values (null for continuous features) */
  knownCategories: (Float64Array | null)[];
  trainScore: number[];
  validationScore: number[];
  doEarlyStopping: boolean;
  /** the seed drawn from randomState at the first fit (kept for warm starts, as scikit-learn) */
  randomSeed: number;
  classes?: Label[];
}

function take(a: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]!]!;
  return out;
}

/** Predict one tree on raw rows (scikit-learn's _predict_one_from_raw_data). */
export function predictTreeRaw(t: HgbTree, X: Float64Array, d: number, n: number, out: Float64Array, outOff: number): void {
  const { isLeaf, feature, threshold, left, right, missingGoToLeft, isCategorical, bitsetIdx, rawBitsets, value } = t;
  for (let i = 0; i < n; i++) {
    let node = 0;
    const row = i * d;
    while (!isLeaf[node]) {
      const x = X[row + feature[node]!]!;
      if (x !== x) node = missingGoToLeft[node] ? left[node]! : right[node]!;
      else if (isCategorical[node]) node = x >= 0 && x < 256 && inBitset(rawBitsets, 8 * bitsetIdx[node]!, x | 0) ? left[node]! : right[node]!;
      else node = x <= threshold[node]! ? left[node]! : right[node]!;
    }
    out[outOff + i]! += value[node]!;
  }
}

/** Predict one tree on row-major binned rows (scikit-learn's _predict_one_from_binned_data). */
export function predictTreeBinned(t: HgbTree, binned: Uint8Array, n: number, d: number, missingBin: number, out: Float64Array, outOff: number): void {
  const { isLeaf, feature, binThreshold, left, right, missingGoToLeft, isCategorical, bitsetIdx, binnedBitsets, value } = t;
  for (let i = 0; i < n; i++) {
    let node = 0;
    const row = i * d;
    while (!isLeaf[node]) {
      const b = binned[row + feature[node]!]!;
      if (b === missingBin) node = missingGoToLeft[node] ? left[node]! : right[node]!;
      else if (isCategorical[node]) node = inBitset(binnedBitsets, 8 * bitsetIdx[node]!, b) ? left[node]! : right[node]!;
      else node = b <= binThreshold[node]! ? left[node]! : right[node]!;
    }
    out[outOff + i]! += value[node]!;
  }
}

/** Class probabilities (n x K, or n x 2 for binary) from column-major raw scores. */
function probaFromRaw(raw: Float64Array, n: number, K: number): Matrix {
  if (K === 1) {
    const out = Matrix.zeros(n, 2);
    for (let i = 0; i < n; i++) {
      const p1 = expit(raw[i]!);
      out.data[2 * i + 1] = p1;
      out.data[2 * i] = 1 - p1;
    }
    return out;
  }
  const out = Matrix.zeros(n, K);
  for (let i = 0; i < n; i++) softmaxInto(raw, n, K, i, out.data, i * K);
  return out;
}

/** decision_function's shape: a Float64Array (binary) or an n x K Matrix. */
function decisionFromRaw(raw: Float64Array, n: number, K: number): Float64Array | Matrix {
  if (K === 1) return raw;
  const out = Matrix.zeros(n, K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out.data[i * K + k] = raw[k * n + i]!;
  return out;
}

/** Labels of the most probable class (the first on ties, as numpy's argmax). */
function labelsFromProba(proba: Matrix, classes: readonly Label[]): Label[] {
  const out: Label[] = new Array(proba.rows);
  const K = proba.cols;
  const d = proba.data;
  for (let i = 0; i < proba.rows; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (d[i * K + k]! > d[i * K + best]!) best = k;
    out[i] = classes[best]!;
  }
  return out;
}

/**
 * scikit-learn's `_get_small_trainset` (10,000 rows when the training set is larger):
 * `resample(arange(n), n_samples=10000, replace=False, random_state=seed, stratify=y for
 * classifiers)`.
 */
function smallTrainsetIndices(n: number, y: Float64Array, nClasses: number, classifier: boolean, seed: number): Int32Array | null {
  const size = 10000;
  if (n <= size) return null;
  const rng = new RandomState(seed);
  if (!classifier) {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(idx);
    return idx.slice(0, size);
  }
  // stratified: per-class indices in ascending order (argsort mergesort of the encoded labels)
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < n; i++) counts[y[i]!]!++;
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]!]!.push(i);
  const nI = approximateMode(counts, size, rng);
  const picked: number[] = [];
  for (let c = 0; c < nClasses; c++) {
    const ci = byClass[c]!;
    const sel = rng.choice(ci.length, nI[c]!, { replace: false });
    for (const s of sel) picked.push(ci[s]!);
  }
  return Int32Array.from(rng.permutation(picked));
}

/** The training subset scored by scorer-based early stopping, with its raw scores. */
interface SmallTrainset {
  binned: Uint8Array;
  n: number;
  y: Float64Array;
  sw: Float64Array | null;
  raw: Float64Array;
  classes: Label[] | null;
  lossName: string;
  K: number;
}

/** A copy on shared memory (or `a` when it already is). */
function toSharedF64(a: Float64Array): Float64Array {
  if (typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float64Array(sharedBytes(8 * a.length));
  s.set(a);
  return s;
}

/** Bins of the rows `idx` (row-major, d per row). */
function takeBinnedRows(binned: Uint8Array, d: number, idx: Int32Array): Uint8Array {
  const out = new Uint8Array(idx.length * d);
  for (let q = 0; q < idx.length; q++) out.set(binned.subarray(idx[q]! * d, idx[q]! * d + d), q * d);
  return out;
}

/**
 * The shared engine of scikit-learn 1.2.1 BaseHistGradientBoosting: binning, loss, early stopping,
 * growers, predictors. The two estimators below are thin wrappers.
 */
abstract class BaseHGB<S extends AnySchema> extends Estimator<S, HgbState> {
  protected abstract makeLoss(sw: Float64Array | null, nClasses: number): HgbLoss;
  protected abstract isClassifier(): boolean;

  /**
   * As Estimator.setParams, except that with `warmStart: true` the fitted trees are kept, so the
   * next `fit` adds iterations up to the new `maxIter` (scikit-learn's warm start).
   */
  override setParams(patch: Partial<ParamsOf<S>>): this {
    const keep = this._state;
    super.setParams(patch);
    if (this.p.warmStart) this._state = keep;
    return this;
  }

  protected get p(): CommonParams {
    return this.params as unknown as CommonParams;
  }

  /** Number of features seen in fit (scikit-learn's n_features_in_). */
  get nFeaturesIn(): number {
    return this.fitted.nFeatures;
  }

  /** Number of boosting iterations run (scikit-learn's n_iter_). */
  get nIter(): number {
    const s = this.fitted;
    return s.trees.length / s.nTreesPerIteration;
  }
  /** Scores (negative loss) on the training data at each iteration, the first being the baseline; empty without early stopping. */
  get trainScore(): Float64Array {
    return Float64Array.from(this.fitted.trainScore);
  }
  get validationScore(): Float64Array {
    return Float64Array.from(this.fitted.validationScore);
  }
  /** Fitted trees, iteration-major (`trees[it * nTreesPerIteration + k]`), in scikit-learn's predictor layout. */
  get trees(): readonly HgbTree[] {
    return this.fitted.trees;
  }
  get nTreesPerIteration(): number {
    return this.fitted.nTreesPerIteration;
  }
  get baseline(): Float64Array {
    return Float64Array.from(this.fitted.baseline);
  }
  /** Bin thresholds per feature (the known categories for categorical features). */
  get binThresholds(): Float64Array[] {
    return this.fitted.binMapper.thresholds.map((t) => Float64Array.from(t));
  }
  get isCategorical(): Uint8Array {
    return Uint8Array.from(this.fitted.binMapper.isCategorical);
  }

  private checkCategories(X: Matrix): { isCat: Uint8Array; known: (Float64Array | null)[] } {
    const d = X.cols;
    const isCat = new Uint8Array(d);
    const cf = this.p.categoricalFeatures;
    const owner = this.kind;
    if (cf !== null && cf.length > 0) {
      if (typeof cf[0] === 'boolean') {
        if (cf.length !== d) throw new InvalidParameterError('categoricalFeatures', `an array of ${d} booleans (one per feature)`, cf, owner);
        cf.forEach((b, j) => (isCat[j] = b ? 1 : 0));
      } else {
        for (const j of cf as number[]) {
          if (j < 0 || j >= d) throw new InvalidParameterError('categoricalFeatures', `feature indices in [0, ${d - 1}]`, cf, owner);
          isCat[j] = 1;
        }
      }
    }
    const known: (Float64Array | null)[] = [];
    const maxBins = this.p.maxBins;
    for (let j = 0; j < d; j++) {
      if (!isCat[j]) {
        known.push(null);
        continue;
      }
      const set = new Set<number>();
      for (let i = 0; i < X.rows; i++) {
        const v = X.data[i * d + j]!;
        if (v !== v) continue;
        if (!Number.isInteger(v) || v < 0 || v >= maxBins) {
          throw new DataError('X', `categorical feature ${j} encoded as integers in [0, maxBins - 1 = ${maxBins - 1}]`, `${v} at row ${i}`, owner);
        }
        set.add(v);
      }
      known.push(Float64Array.from([...set].sort((a, b) => a - b)));
    }
    return { isCat, known };
  }

  private checkInteractionCst(d: number): number[][] | null {
    const ic = this.p.interactionCst;
    if (ic === null) return null;
    let groups: number[][];
    if (ic === 'no_interactions') groups = Array.from({ length: d }, (_, i) => [i]);
    else if (ic === 'pairwise') {
      groups = [];
      for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) groups.push([i, j]);
    } else groups = ic.map((g) => [...new Set(g)].sort((a, b) => a - b));
    const all = new Set<number>();
    for (const g of groups) for (const f of g) {
      if (f < 0 || f >= d) throw new InvalidParameterError('interactionCst', `groups of feature indices in [0, ${d - 1}]`, ic, this.kind);
      all.add(f);
    }
    const rest: number[] = [];
    for (let j = 0; j < d; j++) if (!all.has(j)) rest.push(j);
    if (rest.length > 0) groups.push(rest);
    return groups;
  }

  /** Encoded target (float64), sample weights after class weights, and class labels for classifiers. */
  protected abstract encodeTarget(y: LabelsLike, n: number, sw: Float64Array | null): { y: Float64Array; sw: Float64Array | null; classes?: Label[]; nClasses: number };

  protected fitImpl(X: MatrixLike, yIn: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const owner = this.kind;
    const prm = this.p;
    // a large fit starts the worker threads now: they boot while the input is checked and sampled
    if (X instanceof Matrix && X.rows * X.cols >= 1 << 20) startWorkers();
    if (X instanceof Table) {
      const cat = X.names.filter((c) => X.column(c).kind === 'categorical');
      if (cat.length > 0) {
        throw new DataError('X', 'numeric columns (encode categorical columns as integer codes 0..maxBins-1, e.g. with OrdinalEncoder, and list them in categoricalFeatures)', `categorical column(s) ${cat.map((c) => JSON.stringify(c)).join(', ')}`, owner);
      }
    }
    const m = checkArray(X, { owner, allowNaN: true });
    const n0 = m.rows;
    const d = m.cols;
    const swIn = checkSampleWeight(sampleWeight, n0, owner);
    const enc = this.encodeTarget(yIn, n0, swIn);
    const y = enc.y;
    const sw = enc.sw;
    const prev = this.p.warmStart ? this._state : null;
    if (prev && prev.nFeatures !== d) throw new ShapeError('X', `${prev.nFeatures} features, as in the previous fit (warmStart)`, `${d} features`, owner);
    const rng = checkRandomState(prm.randomState, 'randomState', owner);
    const seed = prev ? prev.randomSeed : (rng.randint(0, 0xffffffff) as number);
    const loss = this.makeLoss(sw, enc.nClasses);
    const K = loss.nTrees;
    const mono = prm.monotonicCst;
    if (mono !== null) {
      if (mono.length !== d) throw new InvalidParameterError('monotonicCst', `an array of ${d} values in {-1, 0, 1}`, mono, owner);
      if (K > 1 && mono.some((c) => c !== 0)) throw new InvalidParameterError('monotonicCst', 'all zero for multiclass classification (not supported)', mono, owner);
    }
    const { isCat, known } = this.checkCategories(m);
    if (mono !== null && mono.some((c, j) => c !== 0 && isCat[j])) throw new InvalidParameterError('monotonicCst', '0 for categorical features', mono, owner);
    const interaction = this.checkInteractionCst(d);
    const doES = prm.earlyStopping === 'auto' ? n0 > 10000 : prm.earlyStopping;
    const useVal = prm.validationFraction !== null;
    let Xtr = m, ytr = y, swtr = sw;
    let Xval: Matrix | null = null, yval: Float64Array | null = null, swval: Float64Array | null = null;
    if (doES && useVal) {
      const vf = prm.validationFraction!;
      const { train, test } = trainTestSplitIndices(n0, { testSize: vf, stratify: this.isClassifier() ? y : null, randomState: seed });
      Xtr = m.takeRows(train);
      Xval = m.takeRows(test);
      ytr = take(y, train);
      yval = take(y, test);
      if (sw) {
        swtr = take(sw, train);
        swval = take(sw, test);
      }
    }
    const nBins = prm.maxBins + 1;
    const bm = fitBinMapper(Xtr, nBins, { randomState: seed, isCategorical: isCat, knownCategories: known, sortModule: hgbWasmSwitch.on ? hgbHistModule() : null });
    const n = Xtr.rows;
    // the WebAssembly kernels' memory holds the bins (null: TypeScript kernels on shared buffers)
    // binary log loss: with room for y, raw and the weights (the in-place gradient pass)
    const space = HistSpace.create(n, d, nBins, hgbGradTuning.inPlace && hgbTeamTuning.wasmGrad && loss instanceof HalfBinomialLoss, swtr !== null);
    const gv = space?.gradViews ?? null;
    const binnedCol = space ? space.binnedCol : new Uint8Array(sharedBytes(n * d));
    const binned = space ? space.transformBins(Xtr.data, bm) : transformBins(Xtr, bm, new Uint8Array(sharedBytes(n * d)), binnedCol);
    const binnedVal = Xval ? transformBins(Xval, bm) : null;
    const missingBin = nBins - 1;
    const hasMissing = new Uint8Array(d);
    // one byte search per column of the column-major bins (a JavaScript loop over n x d bytes took
    // ~40 ms at 1M x 28)
    for (let j = 0; j < d; j++) if (binnedCol.subarray(j * n, (j + 1) * n).indexOf(missingBin) !== -1) hasMissing[j] = 1;
    let baseline: Float64Array;
    let trees: HgbTree[];
    let trainScore: number[];
    let validationScore: number[];
    // on shared memory (with the target and weights below): the gradient threads read them; in
    // the WebAssembly memory for the in-place binomial pass
    const raw = gv ? gv.raw : new Float64Array(sharedBytes(8 * n * K));
    let rawVal: Float64Array | null = null;
    const nv = binnedVal ? Xval!.rows : 0;
    // scorer-based early stopping: the scorer sees predictions on a small training subset and on
    // the validation set (scikit-learn scores binned data; both raw arrays are kept up to date)
    let sc: SmallTrainset | null = null;
    if (doES && prm.scoring !== 'loss') {
      const idx = smallTrainsetIndices(n, ytr, enc.nClasses, this.isClassifier(), seed);
      const ns = idx ? idx.length : n;
      sc = { binned: idx ? takeBinnedRows(binned, d, idx) : binned, n: ns, y: idx ? take(ytr, idx) : ytr, sw: swtr && idx ? take(swtr, idx) : swtr, raw: new Float64Array(ns * K), classes: enc.classes ?? null, lossName: loss.name, K };
    }
    if (!prev) {
      baseline = loss.fitInterceptOnly(ytr, swtr);
      trees = [];
      trainScore = [];
      validationScore = [];
      for (let k = 0; k < K; k++) raw.fill(baseline[k]!, k * n, (k + 1) * n);
      if (doES) {
        if (binnedVal) {
          rawVal = new Float64Array(nv * K);
          for (let k = 0; k < K; k++) rawVal.fill(baseline[k]!, k * nv, (k + 1) * nv);
        }
        if (sc) {
          for (let k = 0; k < K; k++) sc.raw.fill(baseline[k]!, k * sc.n, (k + 1) * sc.n);
          this.scoreWithScorer(sc, yval, rawVal, nv, swval, trainScore, validationScore);
        } else this.scoreEarlyStopping(loss, ytr, raw, swtr, yval, rawVal, swval, trainScore, validationScore);
      }
    } else {
      if (prm.maxIter < prev.trees.length / K) throw new InvalidParameterError('maxIter', `>= nIter = ${prev.trees.length / K} when warmStart is true`, prm.maxIter, owner);
      baseline = prev.baseline;
      trees = prev.trees.slice();
      trainScore = prev.trainScore.slice();
      validationScore = prev.validationScore.slice();
      for (let k = 0; k < K; k++) raw.fill(baseline[k]!, k * n, (k + 1) * n);
      for (let t = 0; t < trees.length; t++) predictTreeBinned(trees[t]!, binned, n, d, missingBin, raw, (t % K) * n);
      if (doES && binnedVal) {
        rawVal = new Float64Array(nv * K);
        for (let k = 0; k < K; k++) rawVal.fill(baseline[k]!, k * nv, (k + 1) * nv);
        for (let t = 0; t < trees.length; t++) predictTreeBinned(trees[t]!, binnedVal, nv, d, missingBin, rawVal, (t % K) * nv);
      }
      if (sc) {
        for (let k = 0; k < K; k++) sc.raw.fill(baseline[k]!, k * sc.n, (k + 1) * sc.n);
        for (let t = 0; t < trees.length; t++) predictTreeBinned(trees[t]!, sc.binned, sc.n, d, missingBin, sc.raw, (t % K) * sc.n);
      }
    }
    // gradients, hessians, bins and the partition on shared memory: the histogram threads read them
    const g = new Float32Array(sharedBytes(4 * n * K));
    const h = loss.constantHessian ? new Float32Array(sharedBytes(4)).fill(1) : new Float32Array(sharedBytes(4 * n * K));
    const buffers = makeWorkspace(n, d, nBins, binnedCol, space);
    const begin = trees.length / K;
    if (gv) {
      gv.y.set(ytr);
      ytr = gv.y;
      if (swtr && gv.sw) {
        gv.sw.set(swtr);
        swtr = gv.sw;
      }
    } else if (begin < prm.maxIter) {
      ytr = toSharedF64(ytr);
      if (swtr) swtr = toSharedF64(swtr);
    }
    // the binomial gradients are computed by the team straight into the WebAssembly memory
    const teamGrad = space !== null && loss instanceof HalfBinomialLoss;
    // a tree's leaf values may wait for the next gradient pass (which adds them to the raw scores
    // in the same pass) unless the raw scores are read before: the training loss of early stopping
    const fuseRaw = gv !== null && hgbGradTuning.fuseRaw && !(doES && sc === null);
    // raw[k] += the leaf values of a tree: in place by the binomial pass's kernel (the update
    // alone), else by the team's two jobs, else in the calling thread
    const addLeaves = (grower: TreeGrower, k: number): void => {
      if (gv && space!.deferLeaves(grower.finalizedLeaves) && space!.binomialPass(false)) return;
      if (space?.teamAddLeaves(grower.finalizedLeaves, k * n)) return;
      const part = grower.partition;
      for (const leaf of grower.finalizedLeaves) {
        const v = leaf.value;
        for (let q = leaf.start; q < leaf.stop; q++) raw[k * n + part[q]!]! += v;
      }
    };
    let lastGrower: TreeGrower | null = null;
    try {
      const boost = (): void => {
      for (let it = begin; it < prm.maxIter; it++) {
        if (gv && space!.binomialPass()) {
          // the pending leaves, gradients, root sums and identity partition, in place
          buffers.ghReady = true;
          buffers.partReady = true;
          buffers.rootSums = space!.teamSums;
        } else if (teamGrad && space.teamBinomialGradients()) {
          // gradients, the identity partition and (block by block) the root's sums, all by the team
          buffers.ghReady = true;
          buffers.partReady = true;
          buffers.rootSums = space.teamSums;
        }
        else loss.gradientHessian(ytr, raw, swtr, g, h);
        for (let k = 0; k < K; k++) {
          const gk = g.subarray(k * n, (k + 1) * n);
          const hk = loss.constantHessian ? h : h.subarray(k * n, (k + 1) * n);
          const grower = new TreeGrower(binned, n, d, gk, hk, {
            nBins, nBinsNonMissing: bm.nBinsNonMissing, hasMissing, isCategorical: isCat,
            monotonicCst: mono ? Int8Array.from(mono) : null, interactionCst: interaction,
            maxLeafNodes: prm.maxLeafNodes, maxDepth: prm.maxDepth, minSamplesLeaf: prm.minSamplesLeaf,
            l2Regularization: prm.l2Regularization, minHessianToSplit: 1e-3, minGainToSplit: 0, shrinkage: prm.learningRate,
          }, buffers);
          grower.grow();
          const part = grower.partition;
          if (loss.needUpdateLeaves) {
            for (const leaf of grower.finalizedLeaves) {
              const m2 = leaf.stop - leaf.start;
              const res = new Float64Array(m2);
              const lw = swtr ? new Float64Array(m2) : null;
              for (let q = 0; q < m2; q++) {
                const idx = part[leaf.start + q]!;
                res[q] = ytr[idx]! - raw[k * n + idx]!;
                if (lw) lw[q] = swtr![idx]!;
              }
              leaf.value = prm.learningRate * loss.fitInterceptOnly(res, lw)[0]!;
            }
          }
          trees.push(grower.makeTree(bm.thresholds, bm.nBinsNonMissing));
          if (!fuseRaw) addLeaves(grower, k);
          else lastGrower = grower;
        }
        let stop = false;
        if (doES) {
          if (binnedVal) for (let k = 0; k < K; k++) predictTreeBinned(trees[trees.length - K + k]!, binnedVal, nv, d, missingBin, rawVal!, k * nv);
          if (sc) {
            for (let k = 0; k < K; k++) predictTreeBinned(trees[trees.length - K + k]!, sc.binned, sc.n, d, missingBin, sc.raw, k * sc.n);
            stop = this.scoreWithScorer(sc, yval, rawVal, nv, swval, trainScore, validationScore);
          } else stop = this.scoreEarlyStopping(loss, ytr, raw, swtr, yval, rawVal, swval, trainScore, validationScore);
        }
        if (fuseRaw) {
          // the last tree's leaves wait for the next gradient pass (binary: K = 1), or are added now
          // at the end of the fit
          const gr = lastGrower!;
          lastGrower = null;
          if (stop || it === prm.maxIter - 1 || !space!.deferLeaves(gr.finalizedLeaves)) addLeaves(gr, 0);
        }
        if (stop) break;
      }
      };
      if (space) space.runTeam({ y: ytr, raw, sw: swtr, g, h }, boost);
      else boost();
    } finally {
      disposeWorkspace(buffers);
    }
    this._state = {
      nFeatures: d, nTreesPerIteration: K, lossName: loss.name, baseline, trees, binMapper: bm, knownCategories: known,
      trainScore, validationScore, doEarlyStopping: doES, randomSeed: seed, ...(enc.classes ? { classes: enc.classes } : {}),
    };
    return this;
  }

  private scoreEarlyStopping(loss: HgbLoss, ytr: Float64Array, raw: Float64Array, swtr: Float64Array | null, yval: Float64Array | null, rawVal: Float64Array | null, swval: Float64Array | null, trainScore: number[], validationScore: number[]): boolean {
    trainScore.push(-loss.meanLoss(ytr, raw, swtr));
    if (yval && rawVal) {
      validationScore.push(-loss.meanLoss(yval, rawVal, swval));
      return this.shouldStop(validationScore);
    }
    return this.shouldStop(trainScore);
  }

  /** scikit-learn's `_check_early_stopping_scorer`. */
  private scoreWithScorer(sc: SmallTrainset, yval: Float64Array | null, rawVal: Float64Array | null, nv: number, swval: Float64Array | null, trainScore: number[], validationScore: number[]): boolean {
    trainScore.push(this.scoreRaw(sc, sc.raw, sc.n, sc.y, sc.sw));
    if (yval && rawVal) {
      validationScore.push(this.scoreRaw(sc, rawVal, nv, yval, swval));
      return this.shouldStop(validationScore);
    }
    return this.shouldStop(trainScore);
  }

  /**
   * The `scoring` scorer (or, for null, the estimator's score: accuracy / R^2) of the model whose
   * raw scores on some rows are `raw`: the scorer calls predict / predictProba / decisionFunction
   * of a stand-in that answers from these raw scores (as scikit-learn's scorer predicts binned
   * data during fit).
   */
  private scoreRaw(sc: SmallTrainset, raw: Float64Array, n: number, y: Float64Array, sw: Float64Array | null): number {
    const { classes, K } = sc;
    const scoring = this.p.scoring;
    if (classes) {
      const labels = Array.from(y, (c) => classes[c]!);
      let proba: Matrix | null = null;
      const getProba = (): Matrix => (proba ??= probaFromRaw(raw, n, K));
      const stand: ScorableEstimator = { classes, predict: () => labelsFromProba(getProba(), classes), predictProba: getProba, decisionFunction: () => decisionFromRaw(raw, n, K) };
      if (scoring === null) return accuracyScore(labels, stand.predict(null as unknown as MatrixLike) as Label[], { sampleWeight: sw });
      return getScorer(scoring)(stand, null as unknown as MatrixLike, labels, sw);
    }
    const pred = sc.lossName === 'poisson' ? raw.map((v) => Math.exp(v)) : raw;
    if (scoring === null) return r2Score(y, pred, { sampleWeight: sw }) as number;
    return getScorer(scoring)({ predict: () => pred }, null as unknown as MatrixLike, y, sw);
  }

  private shouldStop(scores: number[]): boolean {
    const ref = this.p.nIterNoChange + 1;
    if (scores.length < ref) return false;
    const refScore = scores[scores.length - ref]! + this.p.tol;
    for (let i = scores.length - ref + 1; i < scores.length; i++) if (scores[i]! > refScore) return false;
    return true;
  }

  /** Validated rows; categorical features must hold categories seen in fit (or NaN). */
  protected checkX(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures });
    const d = m.cols;
    for (let j = 0; j < d; j++) {
      const cats = s.knownCategories[j];
      if (!cats) continue;
      const set = new Set(cats);
      for (let i = 0; i < m.rows; i++) {
        const v = m.data[i * d + j]!;
        if (v === v && !set.has(v)) throw new DataError('X', `categories of feature ${j} seen in fit ([${[...cats].join(', ')}]) or NaN`, `unknown category ${v} at row ${i}`, this.kind);
      }
    }
    return m;
  }

  /**
   * Raw scores, column-major (n x K): baseline + every tree (first `nIterations` iterations), rows
   * in blocks on the worker threads (each row summed in tree order: the same for any thread count).
   */
  protected rawPredict(m: Matrix, nIterations?: number): Float64Array {
    const s = this.fitted;
    const K = s.nTreesPerIteration;
    const n = m.rows;
    const out = new Float64Array(n * K);
    for (let k = 0; k < K; k++) out.fill(s.baseline[k]!, k * n, (k + 1) * n);
    const T = nIterations === undefined ? s.trees.length : Math.min(s.trees.length, nIterations * K);
    let packed = PACKED.get(s);
    if (!packed) {
      packed = packForest(s.trees);
      PACKED.set(s, packed);
    }
    predictForest(packed, T, K, m.data, n, m.cols, out);
    return out;
  }

  /** Raw scores after each iteration (scikit-learn's _staged_raw_predict). */
  protected *stagedRaw(m: Matrix): Generator<Float64Array> {
    const s = this.fitted;
    const K = s.nTreesPerIteration;
    const n = m.rows;
    const out = new Float64Array(n * K);
    for (let k = 0; k < K; k++) out.fill(s.baseline[k]!, k * n, (k + 1) * n);
    for (let t = 0; t < s.trees.length; t++) {
      predictTreeRaw(s.trees[t]!, m.data, m.cols, n, out, (t % K) * n);
      if (t % K === K - 1) yield Float64Array.from(out);
    }
  }

  /**
   * The fitted trees as a tree-ensemble view (the `TreeEnsembleView` of explain/treeView.ts, typed
   * structurally so this layer does not import explain/): TreeSHAP and partial dependence by
   * recursion read it. Outputs are raw scores (log-odds / multinomial logits for classifiers, the
   * link scale for poisson; the predictions themselves for identity-link regressors):
   * output_k = baseline_k + sum of the class-k trees. Cover = training samples per node.
   * Categorical splits are expanded into threshold splits over runs of categories with the cover
   * shared among the copies (ensemble/treeView.ts), which leaves SHAP values unchanged.
   */
  treeEnsembleView(): HgbTreeEnsembleView {
    const s = this.fitted;
    const K = s.nTreesPerIteration;
    const views = s.trees.map((t, ti) => hgbTreeView(t, K, ti % K, s.knownCategories, this.kind));
    const identity = s.lossName === 'squared_error' || s.lossName === 'absolute_error' || s.lossName === 'quantile';
    const classes = s.classes;
    return {
      trees: views, nOutputs: K, nFeatures: s.nFeatures, scale: 1, base: Float64Array.from(s.baseline),
      outputNames: classes ? (K === 1 ? [String(classes[1])] : classes.map(String)) : ['value'],
      output: classes ? 'raw' : identity ? 'predict' : 'raw', kind: classes ? 'classifier' : 'regressor', modelKind: this.kind,
    };
  }

  protected override validateState(s: HgbState): void {
    const bad = (field: string, why: string): never => {
      throw new DataError(`state.${field}`, why, 'a malformed value', this.kind);
    };
    if (!Number.isInteger(s.nFeatures) || s.nFeatures < 1) bad('nFeatures', 'a positive integer');
    if (!Number.isInteger(s.nTreesPerIteration) || s.nTreesPerIteration < 1) bad('nTreesPerIteration', 'a positive integer');
    if (!(s.baseline instanceof Float64Array) || s.baseline.length !== s.nTreesPerIteration) bad('baseline', 'a Float64Array of nTreesPerIteration values');
    if (!Array.isArray(s.trees) || s.trees.length % s.nTreesPerIteration !== 0) bad('trees', 'an array of nIter * nTreesPerIteration trees');
    if (!Array.isArray(s.knownCategories) || s.knownCategories.length !== s.nFeatures) bad('knownCategories', 'one entry per feature');
    s.trees.forEach((t, ti) => {
      const N = t.nodeCount;
      if (!Number.isInteger(N) || N < 1) bad(`trees[${ti}].nodeCount`, 'a positive integer');
      const arrays: [string, ArrayLike<number> | undefined, number][] = [
        ['feature', t.feature, N], ['threshold', t.threshold, N], ['binThreshold', t.binThreshold, N], ['missingGoToLeft', t.missingGoToLeft, N],
        ['isLeaf', t.isLeaf, N], ['left', t.left, N], ['right', t.right, N], ['value', t.value, N], ['isCategorical', t.isCategorical, N], ['bitsetIdx', t.bitsetIdx, N],
      ];
      for (const [name, a, len] of arrays) if (!ArrayBuffer.isView(a) || a.length !== len) bad(`trees[${ti}].${name}`, `a typed array of length ${len}`);
      if (!(t.rawBitsets instanceof Uint32Array) || t.rawBitsets.length % 8 !== 0) bad(`trees[${ti}].rawBitsets`, 'a Uint32Array of 8 words per categorical split');
      if (!(t.binnedBitsets instanceof Uint32Array) || t.binnedBitsets.length !== t.rawBitsets.length) bad(`trees[${ti}].binnedBitsets`, 'a Uint32Array as long as rawBitsets');
      const nCat = t.rawBitsets.length / 8;
      for (let i = 0; i < N; i++) {
        if (t.isLeaf[i]) continue;
        // pre-order numbering: children after their parent, so walks always end
        if (!(t.left[i]! > i && t.left[i]! < N && t.right[i]! > i && t.right[i]! < N)) bad(`trees[${ti}].left/right`, `child indices in (${i}, ${N}) for node ${i}`);
        if (!(t.feature[i]! >= 0 && t.feature[i]! < s.nFeatures)) bad(`trees[${ti}].feature`, `feature indices in [0, ${s.nFeatures - 1}]`);
        if (t.isCategorical[i] && !(t.bitsetIdx[i]! >= 0 && t.bitsetIdx[i]! < nCat)) bad(`trees[${ti}].bitsetIdx`, `bitset indices in [0, ${nCat - 1}]`);
      }
    });
  }
}

/**
 * Histogram-based gradient boosting regressor (scikit-learn 1.2.1 HistGradientBoostingRegressor):
 * features binned into at most 255 quantile bins (+ a missing-value bin), leaf-wise trees grown on
 * gradient histograms with sibling subtraction, native missing values and categorical features.
 *
 * @example
 * const reg = new HistGradientBoostingRegressor({ maxIter: 50, randomState: 0 }).fit(X, y);
 * reg.predict(X);
 */
export class HistGradientBoostingRegressor extends BaseHGB<typeof regressorSchema> {
  static override readonly kind = 'HistGradientBoostingRegressor';
  static override readonly schema = regressorSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: true, allowNaN: true };

  constructor(params: Partial<HistGradientBoostingRegressorParams> = {}) {
    super(params);
    if (this.params.loss === 'quantile' && this.params.quantile === null) {
      throw new InvalidParameterError('quantile', "a number in (0, 1) when loss is 'quantile'", null, this.kind);
    }
  }

  protected isClassifier(): boolean {
    return false;
  }

  protected makeLoss(sw: Float64Array | null): HgbLoss {
    switch (this.params.loss) {
      case 'squared_error': return new HalfSquaredError(sw === null);
      case 'absolute_error': return new AbsoluteError(sw === null);
      case 'poisson': return new HalfPoissonLoss();
      case 'quantile': return new PinballLoss(sw === null, this.params.quantile!);
    }
  }

  protected encodeTarget(y: LabelsLike, n: number, sw: Float64Array | null): { y: Float64Array; sw: Float64Array | null; nClasses: number } {
    const t = checkTarget(y, n, { owner: this.kind });
    if (this.params.loss === 'poisson') {
      let sum = 0;
      for (const v of t) {
        if (v < 0) throw new DataError('y', "non-negative values for loss 'poisson'", v, this.kind);
        sum += v;
      }
      if (!(sum > 0)) throw new DataError('y', "a positive sum for loss 'poisson'", sum, this.kind);
    }
    return { y: t, sw, nClasses: 1 };
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    return this.fitImpl(X, y, sampleWeight);
  }

  predict(X: MatrixLike): Float64Array {
    const raw = this.rawPredict(this.checkX(X));
    if (this.fitted.lossName === 'poisson') for (let i = 0; i < raw.length; i++) raw[i] = Math.exp(raw[i]!);
    return raw;
  }

  /** Predictions after each iteration. */
  *stagedPredict(X: MatrixLike): Generator<Float64Array> {
    const poisson = this.fitted.lossName === 'poisson';
    for (const raw of this.stagedRaw(this.checkX(X))) {
      if (poisson) for (let i = 0; i < raw.length; i++) raw[i] = Math.exp(raw[i]!);
      yield raw;
    }
  }

  /** R^2 of the predictions (the public `r2Score`). */
  score(X: MatrixLike, y: LabelsLike): number {
    const pred = this.predict(X);
    return r2Score(checkTarget(y, pred.length, { owner: this.kind }), pred) as number;
  }
}
registerEstimator(HistGradientBoostingRegressor);

/**
 * Histogram-based gradient boosting classifier (scikit-learn 1.2.1 HistGradientBoostingClassifier):
 * binary log loss (one tree per iteration) or multinomial (one tree per class per iteration).
 *
 * @example
 * const clf = new HistGradientBoostingClassifier({ maxIter: 100 }).fit(X, y);
 * clf.predictProba(X);
 */
export class HistGradientBoostingClassifier extends BaseHGB<typeof classifierSchema> {
  static override readonly kind = 'HistGradientBoostingClassifier';
  static override readonly schema = classifierSchema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: true, allowNaN: true };

  constructor(params: Partial<HistGradientBoostingClassifierParams> = {}) {
    super(params);
  }

  protected isClassifier(): boolean {
    return true;
  }

  protected makeLoss(_sw: Float64Array | null, nClasses: number): HgbLoss {
    return nClasses <= 2 ? new HalfBinomialLoss() : new HalfMultinomialLoss(nClasses);
  }

  protected encodeTarget(y: LabelsLike, n: number, sw: Float64Array | null): { y: Float64Array; sw: Float64Array | null; classes: Label[]; nClasses: number } {
    const { classes, encoded } = checkLabels(y, n, { owner: this.kind });
    if (classes.length < 2) throw new DataError('y', 'at least 2 classes', `1 class (${String(classes[0])})`, this.kind);
    if (this.prevClassesDiffer(classes)) throw new DataError('y', 'the classes of the previous fit (warmStart)', classes, this.kind);
    const yf = Float64Array.from(encoded);
    const cw = this.params.classWeight;
    if (cw === null) return { y: yf, sw, classes, nClasses: classes.length };
    const K = classes.length;
    const weights = new Float64Array(K).fill(1);
    if (cw === 'balanced') {
      const counts = new Float64Array(K);
      for (const c of encoded) counts[c]!++;
      for (let k = 0; k < K; k++) weights[k] = n / (K * counts[k]!);
    } else {
      for (const [key, w] of Object.entries(cw)) {
        const k = classes.findIndex((c) => String(c) === key);
        if (k < 0) throw new InvalidParameterError('classWeight', `keys among the classes [${classes.join(', ')}]`, key, this.kind);
        weights[k] = w;
      }
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (sw ? sw[i]! : 1) * weights[encoded[i]!]!;
    return { y: yf, sw: out, classes, nClasses: K };
  }

  private prevClassesDiffer(classes: Label[]): boolean {
    const prev = this.params.warmStart && this._state ? this._state.classes! : null;
    return prev !== null && (prev.length !== classes.length || prev.some((c, k) => c !== classes[k]));
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    return this.fitImpl(X, y, sampleWeight);
  }

  get classes(): Label[] {
    return this.fitted.classes!.slice();
  }

  /** Raw scores: a Float64Array (binary) or an n x K Matrix (multiclass), as scikit-learn's decision_function. */
  decisionFunction(X: MatrixLike): Float64Array | Matrix {
    const m = this.checkX(X);
    return this.shapeRaw(this.rawPredict(m), m.rows);
  }

  private shapeRaw(raw: Float64Array, n: number): Float64Array | Matrix {
    return decisionFromRaw(raw, n, this.fitted.nTreesPerIteration);
  }

  private proba(raw: Float64Array, n: number): Matrix {
    return probaFromRaw(raw, n, this.fitted.nTreesPerIteration);
  }

  predictProba(X: MatrixLike): Matrix {
    const m = this.checkX(X);
    return this.proba(this.rawPredict(m), m.rows);
  }

  private labels(proba: Matrix): Label[] {
    return labelsFromProba(proba, this.fitted.classes!);
  }

  predict(X: MatrixLike): Label[] {
    return this.labels(this.predictProba(X));
  }

  *stagedDecisionFunction(X: MatrixLike): Generator<Float64Array | Matrix> {
    const m = this.checkX(X);
    for (const raw of this.stagedRaw(m)) yield this.shapeRaw(raw, m.rows);
  }

  *stagedPredictProba(X: MatrixLike): Generator<Matrix> {
    const m = this.checkX(X);
    for (const raw of this.stagedRaw(m)) yield this.proba(raw, m.rows);
  }

  *stagedPredict(X: MatrixLike): Generator<Label[]> {
    const m = this.checkX(X);
    for (const raw of this.stagedRaw(m)) yield this.labels(this.proba(raw, m.rows));
  }

  /** Mean accuracy (the public `accuracyScore`). */
  score(X: MatrixLike, y: LabelsLike): number {
    return accuracyScore(y as ArrayLike<Label>, this.predict(X));
  }
}
registerEstimator(HistGradientBoostingClassifier);

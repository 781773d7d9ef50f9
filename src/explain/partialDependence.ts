/**
 * Partial dependence: scikit-learn 1.2.1's `inspection.partial_dependence`.
 *
 * The grid per feature is the sorted unique values (categorical features, or fewer uniques than
 * `gridResolution`) or `gridResolution` evenly spaced points between the two `percentiles` of the
 * column computed like `scipy.stats.mstats.mquantiles` (alphap = betap = 0.4); several features
 * give the cartesian product (last feature fastest). 'brute' sets the feature columns of every row
 * to each grid point and averages the model's predictions ('individual' keeps them: ICE curves);
 * 'recursion' walks each tree once per grid point, sending the sample down both branches of a split
 * on a non-target feature weighted by the training fractions (scikit-learn's
 * `compute_partial_dependence`), for tree regressors and forests of them.
 */
import { InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { pairwiseSum } from '../core/numeric.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { LEAF, treeEnsembleViewOf, type TreeEnsembleView } from './treeView.js';

const OWNER = 'partialDependence';

/** A fitted model as partial dependence sees it. */
export interface PDModel {
  predict(X: Matrix): ArrayLike<unknown>;
  predictProba?(X: Matrix): Matrix;
  decisionFunction?(X: Matrix): Float64Array | Matrix;
}

export interface PartialDependenceOptions {
  /** 'average' (default), 'individual' (ICE: one curve per row) or 'both'. */
  kind?: 'average' | 'individual' | 'both';
  /** Points per numeric feature grid. Default 100. */
  gridResolution?: number;
  /** Lower and upper percentile (in [0, 1]) bounding a numeric grid. Default [0.05, 0.95]. */
  percentiles?: readonly [number, number];
  /** 'auto' (recursion for tree regressors and forests of them when kind is 'average', else brute), 'brute' or 'recursion'. */
  method?: 'auto' | 'brute' | 'recursion';
  /** Categorical features (grid = their unique values): a boolean mask over all features, or feature indices / names. */
  categoricalFeatures?: readonly boolean[] | readonly (number | string)[] | null;
  /** Classifiers: 'auto' (predictProba, else decisionFunction), 'predictProba' or 'decisionFunction'. Regressors: 'auto'. */
  responseMethod?: 'auto' | 'predictProba' | 'decisionFunction';
  /** Names of the columns of X (to give features by name). */
  featureNames?: readonly string[];
}

export interface PartialDependenceResult {
  /** Grid values per requested feature. */
  values: Float64Array[];
  /** Grid size per requested feature (`values[i].length`). */
  gridShape: number[];
  /**
   * Averaged predictions: one Float64Array per output over the flattened grid (row-major, last
   * feature fastest). One output for regressors and binary classifiers (the positive class), one per
   * class otherwise. Present for kind 'average' and 'both'.
   */
  average?: Float64Array[];
  /** ICE curves: per output an nSamples x gridSize Matrix. Present for kind 'individual' and 'both'. */
  individual?: Matrix[];
  /** The method used ('brute' or 'recursion'). */
  method: 'brute' | 'recursion';
}

/** `scipy.stats.mstats.mquantiles(x, prob, alphap=0.4, betap=0.4)` of a column (no NaN). */
export function mquantiles(x: ArrayLike<number>, prob: readonly number[], alphap = 0.4, betap = 0.4): number[] {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  if (n === 1) return prob.map(() => s[0]!);
  return prob.map((p) => {
    const m = alphap + p * (1 - alphap - betap);
    const aleph = n * p + m;
    const k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
    const gamma = Math.min(Math.max(aleph - k, 0), 1);
    return (1 - gamma) * s[k - 1]! + gamma * s[k]!;
  });
}

/** `numpy.linspace(start, stop, num)` bit for bit (endpoint included). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  if (div > 0) {
    const step = delta / div;
    for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
    out[num - 1] = stop;
  } else if (num === 1) out[0] = start;
  return out;
}

function uniqueSorted(col: Float64Array): Float64Array {
  const s = Float64Array.from(col).sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[m - 1]) s[m++] = s[i]!;
  return s.slice(0, m);
}

function allclose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

/** scikit-learn's `_grid_from_X` on the requested columns. */
function gridValues(X: Matrix, features: number[], isCat: boolean[], percentiles: readonly [number, number], gridResolution: number): Float64Array[] {
  return features.map((f, i) => {
    const col = X.col(f);
    const uniques = uniqueSorted(col);
    if (isCat[i] || uniques.length < gridResolution) return uniques;
    const [lo, hi] = mquantiles(col, [percentiles[0], percentiles[1]]);
    if (allclose(lo!, hi!)) throw new InvalidParameterError('percentiles', `percentiles further apart (feature ${f}: the ${percentiles[0]} and ${percentiles[1]} quantiles are both ${lo})`, percentiles, OWNER);
    return linspace(lo!, hi!, gridResolution);
  });
}

/** Cartesian product (last array fastest), row-major gridSize x nFeatures. */
function cartesian(values: Float64Array[]): { grid: Float64Array; size: number } {
  const size = values.reduce((a, v) => a * v.length, 1);
  const k = values.length;
  const grid = new Float64Array(size * k);
  for (let g = 0; g < size; g++) {
    let rem = g;
    for (let j = k - 1; j >= 0; j--) {
      const len = values[j]!.length;
      grid[g * k + j] = values[j]![rem % len]!;
      rem = Math.floor(rem / len);
    }
  }
  return { grid, size };
}

function modelType(model: unknown): string {
  const e = model as { estimatorType?: string; constructor?: { capabilities?: { type?: string } } };
  return e.estimatorType ?? e.constructor?.capabilities?.type ?? 'other';
}

/** Per-row outputs of the model as an n x k matrix (k = 1 for a regressor's 1-D prediction). */
function predictOutputs(model: PDModel, X: Matrix, classifier: boolean, response: 'auto' | 'predictProba' | 'decisionFunction'): { data: Float64Array; k: number } {
  const n = X.rows;
  let out: Float64Array | Matrix;
  if (!classifier) {
    const p = model.predict(X) as ArrayLike<number>;
    out = p instanceof Matrix ? p : Float64Array.from(p);
  } else {
    const useProba = response === 'predictProba' || (response === 'auto' && typeof model.predictProba === 'function');
    if (useProba) {
      if (typeof model.predictProba !== 'function') throw new InvalidParameterError('responseMethod', "'decisionFunction' or 'auto' (the model has no predictProba)", response, OWNER);
      out = model.predictProba(X);
    } else {
      if (typeof model.decisionFunction !== 'function') throw new InvalidParameterError('responseMethod', response === 'auto' ? 'usable: the model has no predictProba and no decisionFunction' : "'predictProba' or 'auto' (the model has no decisionFunction)", response, OWNER);
      out = model.decisionFunction(X);
    }
  }
  if (out instanceof Matrix) return { data: out.data, k: out.cols };
  return { data: out, k: out.length / n };
}

function checkFeatures(features: number | string | readonly (number | string)[], d: number, names: readonly string[] | undefined): number[] {
  const list = (Array.isArray(features) ? features : [features]) as (number | string)[];
  if (list.length === 0) throw new InvalidParameterError('features', 'a feature index or name, or a non-empty list of them', features, OWNER);
  return list.map((f) => {
    if (typeof f === 'string') {
      const j = names ? names.indexOf(f) : -1;
      if (j < 0) throw new InvalidParameterError('features', names ? `feature names among [${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}]` : 'integer indices (no featureNames given)', f, OWNER);
      return j;
    }
    if (!Number.isInteger(f) || f < 0 || f >= d) throw new InvalidParameterError('features', `integer indices in [0, ${d - 1}]`, f, OWNER);
    return f;
  });
}

function categoricalMask(cat: PartialDependenceOptions['categoricalFeatures'], features: number[], d: number, names: readonly string[] | undefined): boolean[] {
  if (cat == null) return features.map(() => false);
  if (cat.length > 0 && typeof cat[0] === 'boolean') {
    if (cat.length !== d) throw new InvalidParameterError('categoricalFeatures', `a boolean mask of length ${d} (the number of features)`, `length ${cat.length}`, OWNER);
    return features.map((f) => cat[f] === true);
  }
  const idx = checkFeatures(cat as (number | string)[], d, names);
  return features.map((f) => idx.includes(f));
}

/** scikit-learn's `Tree.compute_partial_dependence`, summed over the trees of the view, then scaled. */
export function partialDependenceRecursion(view: TreeEnsembleView, grid: Float64Array, size: number, features: number[]): Float64Array[] {
  const K = view.nOutputs, nf = features.length;
  const out = Array.from({ length: K }, () => new Float64Array(size));
  const acc = new Float64Array(K);
  for (const t of view.trees) {
    const L = t.childrenLeft, R = t.childrenRight, F = t.feature, W = t.nodeWeight, V = t.value;
    const nodeStack = new Int32Array(t.nodeCount), weightStack = new Float64Array(t.nodeCount);
    for (let g = 0; g < size; g++) {
      let top = 1;
      nodeStack[0] = 0;
      weightStack[0] = 1;
      acc.fill(0);
      while (top > 0) {
        top--;
        const node = nodeStack[top]!;
        if (L[node] === LEAF) {
          const w = weightStack[top]!;
          for (let c = 0; c < K; c++) out[c]![g]! += w * V[node * K + c]!;
          continue;
        }
        let fi = -1;
        for (let j = 0; j < nf; j++) if (features[j] === F[node]) { fi = j; break; }
        if (fi >= 0) {
          const v = grid[g * nf + fi]!;
          nodeStack[top] = (t.float32 ? Math.fround(v) : v) <= t.threshold[node]! ? L[node]! : R[node]!;
          top++;
        } else {
          const l = L[node]!;
          const frac = W[l]! / W[node]!;
          const cw = weightStack[top]!;
          nodeStack[top] = l;
          weightStack[top] = cw * frac;
          top++;
          nodeStack[top] = R[node]!;
          weightStack[top] = cw * (1 - frac);
          top++;
        }
      }
    }
  }
  // output = base + scale * sum of trees; like scikit-learn, recursion leaves the base out (for
  // boosting that is the baseline prediction; forests average: scale 1 / nTrees, base 0)
  const n = view.trees.length;
  if (view.scale === 1 / n && n > 1) for (const o of out) for (let g = 0; g < size; g++) o[g]! /= n;
  else if (view.scale !== 1) for (const o of out) for (let g = 0; g < size; g++) o[g]! *= view.scale;
  return out;
}

/**
 * Partial dependence of a fitted model's output on one feature or a set of features (2 gives the
 * interaction surface), as scikit-learn's `partial_dependence`.
 *
 * @example
 * const rf = new RandomForestRegressor({ nEstimators: 50, randomState: 0 }).fit(X, y);
 * const pd = partialDependence(rf, X, [2]);           // recursion (trees), 100-point grid
 * pd.values[0]; pd.average![0];                        // grid and averaged prediction
 * const ice = partialDependence(rf, X, 2, { kind: 'individual' }).individual![0]; // n x grid
 * const both = partialDependence(rf, X, [2, 8], { gridResolution: 20 }); // 20 x 20 surface
 */
export function partialDependence(model: PDModel, X: MatrixLike, features: number | string | readonly (number | string)[], opts: PartialDependenceOptions = {}): PartialDependenceResult {
  if (model == null || typeof model.predict !== 'function') throw new InvalidParameterError('model', 'a fitted model with predict()', model, OWNER);
  const m = checkArray(X, { name: 'X', owner: OWNER });
  const kind = opts.kind ?? 'average';
  if (!['average', 'individual', 'both'].includes(kind)) throw new InvalidParameterError('kind', "'average', 'individual' or 'both'", kind, OWNER);
  const gridResolution = opts.gridResolution ?? 100;
  if (!Number.isInteger(gridResolution) || gridResolution <= 1) throw new InvalidParameterError('gridResolution', 'an integer > 1', gridResolution, OWNER);
  const percentiles = opts.percentiles ?? [0.05, 0.95];
  if (!Array.isArray(percentiles) || percentiles.length !== 2 || !percentiles.every((q) => typeof q === 'number' && q >= 0 && q <= 1) || !(percentiles[0] < percentiles[1])) {
    throw new InvalidParameterError('percentiles', 'two increasing values in [0, 1]', percentiles, OWNER);
  }
  let method = opts.method ?? 'auto';
  if (!['auto', 'brute', 'recursion'].includes(method)) throw new InvalidParameterError('method', "'auto', 'brute' or 'recursion'", method, OWNER);
  const response = opts.responseMethod ?? 'auto';
  if (!['auto', 'predictProba', 'decisionFunction'].includes(response)) throw new InvalidParameterError('responseMethod', "'auto', 'predictProba' or 'decisionFunction'", response, OWNER);
  const type = modelType(model);
  if (type !== 'classifier' && type !== 'regressor') throw new InvalidParameterError('model', 'a fitted regressor or classifier', model, OWNER);
  const classifier = type === 'classifier';
  if (!classifier && response !== 'auto') throw new InvalidParameterError('responseMethod', "'auto' for a regressor", response, OWNER);
  // fitted? (tree models throw NotFittedError from their view; others from predict below)
  const view = treeEnsembleViewOf(model);
  if (view && view.nFeatures !== m.cols) throw new ShapeError('X', `${view.nFeatures} columns (the model's number of features)`, `${m.cols} columns`, OWNER);
  if (kind !== 'average') {
    if (method === 'recursion') throw new InvalidParameterError('method', "'brute' or 'auto' when kind is not 'average' (recursion only averages)", method, OWNER);
    method = 'brute';
  }
  if (method === 'auto') method = view && view.kind === 'regressor' ? 'recursion' : 'brute';
  if (method === 'recursion') {
    if (!view || view.kind !== 'regressor') {
      throw new InvalidParameterError('method', `'brute' for ${(model as { kind?: string }).kind ?? 'this model'} ('recursion' needs a tree regressor or a forest of them: DecisionTreeRegressor, RandomForestRegressor, or a model providing treeEnsembleView())`, method, OWNER);
    }
  }
  const names = opts.featureNames;
  const feats = checkFeatures(features, m.cols, names);
  const isCat = categoricalMask(opts.categoricalFeatures, feats, m.cols, names);
  const values = gridValues(m, feats, isCat, percentiles, gridResolution);
  const gridShape = values.map((v) => v.length);
  const { grid, size } = cartesian(values);
  const nf = feats.length;

  if (method === 'recursion') {
    return { values, gridShape, average: partialDependenceRecursion(view!, grid, size, feats), method: 'recursion' };
  }

  const n = m.rows, d = m.cols;
  const Xe = m.copy();
  let K = 0;
  let avg: Float64Array[] = [];
  let ind: Matrix[] = [];
  const colBuf = new Float64Array(n);
  for (let g = 0; g < size; g++) {
    for (let j = 0; j < nf; j++) {
      const v = grid[g * nf + j]!, f = feats[j]!;
      for (let i = 0; i < n; i++) Xe.data[i * d + f] = v;
    }
    const { data, k } = predictOutputs(model, Xe, classifier, response);
    if (g === 0) {
      K = k;
      avg = Array.from({ length: k }, () => new Float64Array(size));
      if (kind !== 'average') ind = Array.from({ length: k }, () => Matrix.zeros(n, size));
    }
    for (let c = 0; c < k; c++) {
      if (k === 1) avg[c]![g] = pairwiseSum(data, 0, n) / n;
      else {
        // np.mean(pred, axis=0) of an n x k array: a running sum per column
        let s = 0;
        for (let i = 0; i < n; i++) s += data[i * k + c]!;
        avg[c]![g] = s / n;
      }
      if (kind !== 'average') {
        for (let i = 0; i < n; i++) colBuf[i] = data[i * k + c]!;
        const M = ind[c]!;
        for (let i = 0; i < n; i++) M.data[i * size + g] = colBuf[i]!;
      }
    }
  }
  // a binary classifier keeps the positive class only (scikit-learn)
  if (classifier && K === 2) {
    avg = [avg[1]!];
    if (ind.length) ind = [ind[1]!];
  }
  const res: PartialDependenceResult = { values, gridShape, method: 'brute' };
  if (kind !== 'individual') res.average = avg;
  if (kind !== 'average') res.individual = ind;
  return res;
}

/**
 * `shapValues(model, X, options)`: SHAP values with the exact algorithm a model allows.
 *
 * - tree models (anything with a `TreeEnsembleView`: CART trees, random forests, future tree
 *   ensembles) -> exact path-dependent TreeSHAP (`treeShap.ts`), explaining `predict` for
 *   regressors and `predictProba` for classifiers;
 * - linear models (LinearRegression, Ridge, LogisticRegression) -> exact LinearSHAP,
 *   coef_j * (x_j - mean of the background's column j), explaining `predict` / `decisionFunction`;
 * - anything else with `predict` / `predictProba`, or a plain function -> KernelSHAP
 *   (`kernelShap.ts`) against a background set summarised by k-means or a random sample.
 */
import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkRandomState, type RandomStateLike } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { KMeans } from '../cluster/kmeans.js';
import { LinearRegression, Ridge } from '../linear/linear.js';
import { LogisticRegression } from '../linear/logistic.js';
import { checkNsamples, kernelShapCore, type BatchFn } from './kernelShap.js';
import { getPool, resolveNJobs } from '../core/pool.js';
import { planTreeShap, scaledValues, treeShapCore, treeShapInteractionsCore, treeShapJob, type TreeShapAlgorithm, type TreeShapJob } from './treeShap.js';
import { treeEnsembleViewOf } from './treeView.js';

const OWNER = 'shapValues';

/** A model for KernelSHAP: an estimator with predict / predictProba / decisionFunction, or a function of a batch of rows. */
export type ShapModel =
  | ((X: Matrix) => ArrayLike<number> | Matrix)
  | { predict?(X: Matrix): unknown; predictProba?(X: Matrix): Matrix; decisionFunction?(X: Matrix): Float64Array | Matrix; readonly classes?: readonly unknown[] };

export interface ShapOptions {
  /** 'auto' (tree > linear > kernel by model kind), or force one algorithm. */
  method?: 'auto' | 'tree' | 'linear' | 'kernel';
  /** Reference data for kernel and linear SHAP (default: the explained X). Not used by TreeSHAP (which uses the trees' training cover). */
  background?: MatrixLike;
  /** KernelSHAP: summarise a background larger than this many rows. Default 50. */
  backgroundSize?: number;
  /** How to summarise the background: 'kmeans' (our KMeans; centers snapped to data values per feature, weighted by cluster size, as shap.kmeans) or 'sample' (random rows). Default 'kmeans'. */
  summarize?: 'kmeans' | 'sample';
  /** KernelSHAP coalitions per row: 'auto' (2 M + 2048, capped at the 2^M - 2 exact enumeration) or a number. */
  nsamples?: number | 'auto';
  /** Seed for coalition sampling and background summaries. */
  randomState?: RandomStateLike;
  /** KernelSHAP output for an estimator: 'auto' (predictProba for classifiers, else predict), or one method. */
  output?: 'auto' | 'predict' | 'predictProba' | 'decisionFunction';
  /** Column names (default x0, x1, ...). */
  featureNames?: readonly string[];
  /** TreeSHAP only: also compute SHAP interaction values (d times the cost). */
  interactions?: boolean;
  /**
   * TreeSHAP only: 'fast' (Fast TreeSHAP v2: per-leaf tables built once per model, O(L D) per row
   * and tree), 'recursive' (Lundberg's Algorithm 2, O(L D^2), no tables) or 'auto' (per tree, by
   * cost: the tables pay off from a few dozen rows). The values agree to rounding. Default 'auto'.
   */
  treeAlgorithm?: TreeShapAlgorithm;
}

export interface ShapResult {
  /** One nSamples x nFeatures matrix per output (per class for classifiers; one for regressors). */
  values: Matrix[];
  /** Expected output per output: values[k] row i sums to (model output k of row i) - expectedValue[k]. */
  expectedValue: Float64Array;
  featureNames: string[];
  /** Output names (class labels, or 'value'). */
  outputNames: string[];
  /** Algorithm used. */
  method: 'tree' | 'linear' | 'kernel';
  /**
   * With `interactions: true` (trees): per output an n x d x d array (row-major [i][j][k]); row i's
   * matrix is symmetric, its row j sums to values[k][i, j], and all its entries sum to output - expected.
   */
  interactionValues?: Float64Array[];
}

function checkTreeAlgorithm(a: unknown): TreeShapAlgorithm {
  if (a === undefined) return 'auto';
  if (a !== 'auto' && a !== 'fast' && a !== 'recursive') throw new InvalidParameterError('treeAlgorithm', "'auto', 'fast' or 'recursive'", a, OWNER);
  return a;
}

function modelKind(model: unknown): string {
  return (model as { kind?: string })?.kind ?? (typeof model === 'function' ? 'function' : 'model');
}

/** The batch function KernelSHAP evaluates, and its output names. */
function batchFunction(model: ShapModel, output: ShapOptions['output']): { f: BatchFn; names: (k: number) => string[] } {
  const asOut = (v: unknown, rows: number): { data: Float64Array; k: number } => {
    if (v instanceof Matrix) return { data: v.data, k: v.cols };
    const arr = v as ArrayLike<unknown>;
    if (arr && arr.length === rows && typeof arr[0] === 'number') return { data: Float64Array.from(arr as ArrayLike<number>), k: 1 };
    if (arr && arr.length > 0 && arr.length % rows === 0 && ArrayBuffer.isView(arr)) return { data: Float64Array.from(arr as ArrayLike<number>), k: arr.length / rows };
    throw new DataError('model', 'numeric outputs (a Float64Array / number[] of one value per row, or a Matrix)', `${typeof (arr as unknown[])?.[0]} outputs`, OWNER);
  };
  if (typeof model === 'function') return { f: (X) => asOut(model(X), X.rows), names: (k) => (k === 1 ? ['value'] : Array.from({ length: k }, (_, j) => `output ${j}`)) };
  const m = model as Exclude<ShapModel, (X: Matrix) => unknown>;
  const type = (m as { constructor?: { capabilities?: { type?: string } } }).constructor?.capabilities?.type;
  let method = output ?? 'auto';
  if (method === 'auto') method = typeof m.predictProba === 'function' && type !== 'regressor' ? 'predictProba' : 'predict';
  const fn = (m as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new InvalidParameterError('output', `a method the model has (it has no ${method})`, method, OWNER);
  const classes = (() => { try { return m.classes?.map(String); } catch { return undefined; } })();
  return {
    f: (X) => asOut((fn as (X: Matrix) => unknown).call(m, X), X.rows),
    names: (k) => (method === 'predictProba' && classes && classes.length === k ? classes : k === 1 ? [method === 'decisionFunction' && classes ? classes[classes.length - 1]! : 'value'] : classes && classes.length === k ? classes : Array.from({ length: k }, (_, j) => `output ${j}`)),
  };
}

/** Background rows and weights (summed to 1): as given, k-means centers or a random sample. */
export function summarizeBackground(B: Matrix, size: number, how: 'kmeans' | 'sample', randomState: RandomStateLike): { data: Matrix; weights: Float64Array } {
  if (B.rows <= size) return { data: B, weights: new Float64Array(B.rows).fill(1 / B.rows) };
  const rs = checkRandomState(randomState, 'randomState', OWNER);
  if (how === 'sample') {
    const rows = rs.choice(B.rows, size, { replace: false });
    return { data: B.takeRows(rows), weights: new Float64Array(size).fill(1 / size) };
  }
  const km = new KMeans({ nClusters: size, randomState: rs.randint(2147483647), nInit: 1 }).fit(B);
  const centers = km.clusterCenters.copy();
  const d = B.cols;
  // shap.kmeans(round_values=True): each center coordinate snapped to the nearest value of its column
  for (let c = 0; c < size; c++) for (let j = 0; j < d; j++) {
    const v = centers.data[c * d + j]!;
    let best = B.data[j]!, bd = Math.abs(best - v);
    for (let i = 1; i < B.rows; i++) { const u = B.data[i * d + j]!, e = Math.abs(u - v); if (e < bd) { bd = e; best = u; } }
    centers.data[c * d + j] = best;
  }
  const weights = new Float64Array(size);
  for (const l of km.labels) weights[l]! += 1;
  for (let c = 0; c < size; c++) weights[c]! /= B.rows;
  return { data: centers, weights };
}

function linearShap(model: LinearRegression | Ridge | LogisticRegression, X: Matrix, B: Matrix): { values: Matrix[]; expectedValue: Float64Array; outputNames: string[] } {
  const d = X.cols, n = X.rows;
  const mean = new Float64Array(d);
  for (let i = 0; i < B.rows; i++) for (let j = 0; j < d; j++) mean[j]! += B.data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= B.rows;
  let coef: Float64Array, intercept: Float64Array, K: number, names: string[];
  if (model instanceof LogisticRegression) {
    K = model.coef.rows;
    coef = model.coef.data;
    intercept = model.intercept;
    const cls = model.classes.map(String);
    names = K === 1 ? [cls[1]!] : cls;
  } else {
    K = 1; coef = model.coef; intercept = Float64Array.of(model.intercept); names = ['value'];
  }
  if (coef.length !== K * d) throw new ShapeError('X', `${coef.length / K} columns (the model's number of features)`, `${d} columns`, OWNER);
  const values = Array.from({ length: K }, () => Matrix.zeros(n, d));
  const expectedValue = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let e = intercept[k]!;
    for (let j = 0; j < d; j++) e += coef[k * d + j]! * mean[j]!;
    expectedValue[k] = e;
    const V = values[k]!.data;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) V[i * d + j] = coef[k * d + j]! * (X.data[i * d + j]! - mean[j]!);
  }
  return { values, expectedValue, outputNames: names };
}

/**
 * SHAP values of a model's predictions for the rows of X.
 *
 * @example
 * const rf = new RandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(X, y);
 * const s = shapValues(rf, X.takeRows([0, 1, 2]));   // exact TreeSHAP
 * s.values[1];          // 3 x nFeatures contributions to P(class 1)
 * s.expectedValue[1];   // + row sum = predictProba(X)[i][1]
 * const k = shapValues((Z) => net.predict(Z), Xtest, { background: Xtrain, nsamples: 500, randomState: 0 }); // KernelSHAP
 */
export function shapValues(model: ShapModel, X: MatrixLike, opts: ShapOptions = {}): ShapResult {
  if (model == null || (typeof model !== 'function' && typeof model !== 'object')) throw new InvalidParameterError('model', 'a fitted model or a function of a batch of rows', model, OWNER);
  const m = checkArray(X, { name: 'X', owner: OWNER });
  const d = m.cols;
  const method = opts.method ?? 'auto';
  if (!['auto', 'tree', 'linear', 'kernel'].includes(method)) throw new InvalidParameterError('method', "'auto', 'tree', 'linear' or 'kernel'", method, OWNER);
  if (opts.featureNames && opts.featureNames.length !== d) throw new ShapeError('featureNames', `${d} names (the number of columns of X)`, `${opts.featureNames.length} names`, OWNER);
  const featureNames = opts.featureNames ? [...opts.featureNames] : Array.from({ length: d }, (_, j) => `x${j}`);

  const view = method === 'auto' || method === 'tree' ? treeEnsembleViewOf(model) : null;
  if (method === 'tree' && !view) throw new InvalidParameterError('method', `'kernel' or 'auto' for ${modelKind(model)} (TreeSHAP needs a tree model: DecisionTree*, RandomForest*, or one providing treeEnsembleView())`, method, OWNER);
  if (view) {
    if (view.nFeatures !== d) throw new ShapeError('X', `${view.nFeatures} columns (the model's number of features)`, `${d} columns`, OWNER);
    const alg = checkTreeAlgorithm(opts.treeAlgorithm);
    const r = treeShapCore(view, m.data, m.rows, d, alg);
    const outputNames = view.outputNames;
    const res: ShapResult = { ...r, featureNames, outputNames, method: 'tree' };
    if (opts.interactions) res.interactionValues = treeShapInteractionsCore(view, m.data, m.rows, d);
    return res;
  }
  if (opts.interactions) throw new InvalidParameterError('interactions', `false for ${modelKind(model)} (interaction values need TreeSHAP: a tree model)`, true, OWNER);
  const isLinear = model instanceof LinearRegression || model instanceof Ridge || model instanceof LogisticRegression;
  if (method === 'linear' && !isLinear) throw new InvalidParameterError('method', `'kernel' or 'auto' for ${modelKind(model)} (LinearSHAP needs LinearRegression, Ridge or LogisticRegression)`, method, OWNER);
  const B = opts.background === undefined ? m : checkArray(opts.background, { name: 'background', owner: OWNER, nFeatures: d });
  if (isLinear && method !== 'kernel') {
    const r = linearShap(model, m, B);
    return { values: r.values, expectedValue: r.expectedValue, featureNames, outputNames: r.outputNames, method: 'linear' };
  }
  const nsamples = checkNsamples(opts.nsamples, OWNER);
  const size = opts.backgroundSize ?? 50;
  if (!Number.isInteger(size) || size < 1) throw new InvalidParameterError('backgroundSize', 'an integer >= 1', size, OWNER);
  const how = opts.summarize ?? 'kmeans';
  if (how !== 'kmeans' && how !== 'sample') throw new InvalidParameterError('summarize', "'kmeans' or 'sample'", how, OWNER);
  const rs = checkRandomState(opts.randomState, 'randomState', OWNER);
  const bg = summarizeBackground(B, size, how, rs);
  const { f, names } = batchFunction(model, opts.output);
  const r = kernelShapCore(f, m, { background: bg.data, backgroundWeights: bg.weights, nsamples, rs });
  return { values: r.values, expectedValue: r.expectedValue, featureNames, outputNames: names(r.values.length), method: 'kernel' };
}

const TREE_TASK = new URL(`./treeShap${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/**
 * `shapValues` with TreeSHAP rows spread over the calling thread and `nJobs - 1` pool workers: the
 * trees travel as plain typed arrays, X, the results and the Fast TreeSHAP tables through shared
 * memory; the threads claim row chunks from a shared counter. Values identical to `shapValues`
 * (bit for bit, for any nJobs); kernel and linear SHAP run in the calling thread.
 */
export async function shapValuesAsync(model: ShapModel, X: MatrixLike, opts: ShapOptions & { nJobs?: number | null } = {}): Promise<ShapResult> {
  const nJobs = resolveNJobs(opts.nJobs, OWNER);
  const method = opts.method ?? 'auto';
  const view = nJobs > 1 && !opts.interactions && (method === 'auto' || method === 'tree') ? treeEnsembleViewOf(model) : null;
  const m = checkArray(X, { name: 'X', owner: OWNER });
  if (!view || m.rows < 2 || view.nFeatures !== m.cols) return shapValues(model, m, opts);
  const base = shapValues(model, m.takeRows([0]), { ...opts, treeAlgorithm: 'recursive' }); // validates options, names, expected value
  const n = m.rows, d = m.cols;
  // one plan for all blocks (tables built here once, their H shared with the workers)
  const plan = planTreeShap(view, n, checkTreeAlgorithm(opts.treeAlgorithm));
  const buf = new SharedArrayBuffer(n * d * 8);
  new Float64Array(buf).set(m.data);
  const K = view.nOutputs;
  const phi = new Float64Array(new SharedArrayBuffer(n * d * K * 8));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers = Math.min(n, nJobs) - 1;
  // chunks small enough to balance a busy machine, big enough to keep a tree's arrays in cache
  const chunk = Math.max(8, Math.ceil(n / (8 * (workers + 1))));
  const job: TreeShapJob = { view, plan, X: { buf, rows: n, cols: d }, phi, counter, chunk };
  // nJobs - 1 workers claim chunks while the calling thread claims its own
  const pool = await getPool(workers);
  const pending = pool ? Array.from({ length: workers }, () => pool.run<number>({ module: TREE_TASK, fn: 'treeShapJob', args: [job] }, { owner: OWNER })) : [];
  try {
    treeShapJob(job);
  } catch (e) {
    Atomics.store(counter, 0, n); // stop the workers after their current chunk
    for (const t of pending) t.catch(() => {});
    throw e;
  }
  await Promise.all(pending);
  const values = scaledValues(view, phi, n, d);
  return { ...base, values };
}

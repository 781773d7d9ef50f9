/**
 * Permutation importance: scikit-learn 1.2.1's `permutation_importance`, step for step.
 *
 * One seed is drawn from the caller's RandomState (`randint(2**31)`); every column then gets a fresh
 * `RandomState(seed)` (the same seed for each column, as scikit-learn), optionally draws its row
 * subset (`maxSamples`, scikit-learn's `sample_without_replacement`), and for each repeat shuffles a
 * running index vector and permutes the column with it. Importances are the baseline score minus the
 * permuted scores; mean and std use numpy's pairwise summation. `nJobs` spreads columns over the
 * calling thread and nJobs - 1 pool workers, with the identical numbers: the model travels once
 * per fitted state as its `toJSON()` text in shared memory and each worker keeps it; the threads
 * claim columns one at a time from a shared counter (see `PermutationJob`).
 */
import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { pairwiseSum } from '../core/numeric.js';
import { getPool, resolveNJobs } from '../core/pool.js';
import { checkRandomState, RandomState, type RandomStateLike } from '../core/random.js';
import { checkArray, type Label, type MatrixLike } from '../core/validation.js';
import { getScorer, getScorerNames, type ScorableEstimator } from '../metrics/scorer.js';
import { sampleWithoutReplacement } from '../modelSelection/paramGrid.js';

const OWNER = 'permutationImportance';

/** A model as permutation importance sees it: anything with `predict` (and `score` for the default scoring). */
export interface PermutableModel {
  predict(X: Matrix): ArrayLike<Label> | readonly Label[];
  predictProba?(X: Matrix): Matrix | ArrayLike<ArrayLike<number>>;
  score?(X: Matrix, y: never, sampleWeight?: ArrayLike<number> | null): number;
  toJSON?(): unknown;
}

/** A scoring function (greater is better), called as scikit-learn calls scorers. */
export type PermutationScorer = (model: PermutableModel, X: Matrix, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number> | null) => number;

/** `null` (model.score), a scorer name, a function, or several (the result is then keyed by name). */
export type PermutationScoring = null | string | PermutationScorer | readonly string[] | Readonly<Record<string, string | PermutationScorer | null>>;

export interface PermutationImportanceOptions {
  /** Scorer: null (the model's `score`), a scikit-learn scorer name ('accuracy', 'r2', 'neg_log_loss'...), a function, or a list/object of them. Default null. */
  scoring?: PermutationScoring;
  /** Times each column is permuted. Default 5. */
  nRepeats?: number;
  /** Seed or RandomState; one seed is drawn from it for all columns (scikit-learn). */
  randomState?: RandomStateLike;
  /** Workers (scikit-learn's n_jobs: null -> 1, -1 -> all cores). Needs a model with `toJSON` and named scorers; otherwise runs in this thread. Same numbers either way. */
  nJobs?: number | null;
  /** Weights passed to the scorer. */
  sampleWeight?: ArrayLike<number> | null;
  /** Rows drawn (without replacement) per column: a fraction in (0, 1] of the rows, or an integer count > 1. Default 1 (all rows). */
  maxSamples?: number;
}

export interface PermutationImportanceResult {
  /** Mean importance per feature (length nFeatures). */
  importancesMean: Float64Array;
  /** Population standard deviation over the repeats per feature (length nFeatures). */
  importancesStd: Float64Array;
  /** Baseline score minus permuted score: nFeatures x nRepeats. */
  importances: Matrix;
}

// ---- scorers ---------------------------------------------------------------------------------

type ScoreFn = (model: PermutableModel, X: Matrix, y: ArrayLike<Label>, sw: ArrayLike<number> | null) => number;

/** What can travel to a worker: scorer names ('score' = model.score) or null for functions. */
interface ResolvedScorers {
  names: string[];
  fns: ScoreFn[];
  specs: (string | null)[];
  multi: boolean;
}

function modelType(model: unknown): string {
  const e = model as { estimatorType?: string; constructor?: { capabilities?: { type?: string } } };
  return e.estimatorType ?? e.constructor?.capabilities?.type ?? 'other';
}

/** scikit-learn's passthrough scorer: `model.score(X, y[, sampleWeight])`. */
function scoreMethod(model: PermutableModel, X: Matrix, y: ArrayLike<Label>, sw: ArrayLike<number> | null): number {
  if (sw != null) {
    // deepmine's score methods take no weights: use the metric they compute (accuracy / R^2), weighted
    const t = modelType(model);
    if (t === 'classifier') return getScorer('accuracy')(model as unknown as ScorableEstimator, X, y as never, sw);
    if (t === 'regressor') return getScorer('r2')(model as unknown as ScorableEstimator, X, y as never, sw);
    if (typeof model.score === 'function' && model.score.length >= 3) return model.score(X, y as never, sw);
    throw new InvalidParameterError('scoring', 'a scorer name or function when sampleWeight is given (the model is neither a classifier nor a regressor)', null, OWNER);
  }
  if (typeof model.score !== 'function') throw new InvalidParameterError('scoring', 'a scorer name or function (the model has no score method)', null, OWNER);
  return model.score(X, y as never);
}

function scorerFromSpec(spec: string): ScoreFn {
  if (spec === 'score') return scoreMethod;
  const s = getScorer(spec);
  return (model, X, y, sw) => s(model as unknown as ScorableEstimator, X, y as never, sw);
}

function resolveScorers(scoring: PermutationScoring | undefined): ResolvedScorers {
  const one = (s: unknown, key: string): [ScoreFn, string | null] => {
    if (s === null || s === undefined) return [scoreMethod, 'score'];
    if (typeof s === 'function') return [(m, X, y, sw) => (sw != null ? (s as PermutationScorer)(m, X, y, sw) : (s as PermutationScorer)(m, X, y)), null];
    if (typeof s === 'string') {
      if (!getScorerNames().includes(s)) throw new InvalidParameterError(key, `a scorer name (one of ${getScorerNames().join(', ')}), a function or null`, s, OWNER);
      return [scorerFromSpec(s), s];
    }
    throw new InvalidParameterError(key, 'a scorer name, a function or null', s, OWNER);
  };
  if (scoring === undefined || scoring === null || typeof scoring === 'string' || typeof scoring === 'function') {
    const [fn, spec] = one(scoring, 'scoring');
    return { names: ['score'], fns: [fn], specs: [spec], multi: false };
  }
  const entries: [string, unknown][] = Array.isArray(scoring) ? (scoring as string[]).map((s) => [s, s]) : Object.entries(scoring as Record<string, unknown>);
  if (entries.length === 0) throw new InvalidParameterError('scoring', 'a non-empty list or object of scorers', scoring, OWNER);
  const out: ResolvedScorers = { names: [], fns: [], specs: [], multi: true };
  for (const [name, s] of entries) {
    if (out.names.includes(name)) throw new InvalidParameterError('scoring', 'unique scorer names', `duplicate ${JSON.stringify(name)}`, OWNER);
    const [fn, spec] = one(s, `scoring.${name}`);
    out.names.push(name); out.fns.push(fn); out.specs.push(spec);
  }
  return out;
}

// ---- the core (trusted inputs; also run inside pool workers) ---------------------------------

function takeLabels(y: ArrayLike<Label>, rows: ArrayLike<number>): ArrayLike<Label> {
  if (ArrayBuffer.isView(y)) {
    const src = y as unknown as Float64Array;
    const out = new (src.constructor as Float64ArrayConstructor)(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]!]!;
    return out as unknown as ArrayLike<Label>;
  }
  return Array.from(rows, (r) => y[r]!);
}

/**
 * Permuted scores of the columns `cols` (scikit-learn's `_calculate_permutation_scores` per
 * column): result[c][metric] is a Float64Array of nRepeats scores.
 */
export function permutationScoresCore(
  model: PermutableModel, X: Matrix, y: ArrayLike<Label>, sw: ArrayLike<number> | null, cols: readonly number[],
  seed: number, nRepeats: number, fns: readonly ScoreFn[], maxSamples: number,
): Float64Array[][] {
  const n = X.rows, d = X.cols;
  return cols.map((col) => {
    const rs = new RandomState(seed);
    let Xp: Matrix, yp = y, swp = sw;
    if (maxSamples < n) {
      const rows = sampleWithoutReplacement(n, maxSamples, rs);
      Xp = X.takeRows(rows);
      yp = takeLabels(y, rows);
      if (sw) swp = takeLabels(sw, rows) as ArrayLike<number>;
    } else Xp = X.copy();
    const m = Xp.rows;
    const idx = new Int32Array(m);
    for (let i = 0; i < m; i++) idx[i] = i;
    const colVals = new Float64Array(m);
    const scores = fns.map(() => new Float64Array(nRepeats));
    for (let r = 0; r < nRepeats; r++) {
      rs.shuffle(idx);
      // X_permuted[:, col] = X_permuted[idx, col] (the right side is gathered first)
      for (let i = 0; i < m; i++) colVals[i] = Xp.data[idx[i]! * d + col]!;
      for (let i = 0; i < m; i++) Xp.data[i * d + col] = colVals[i]!;
      for (let k = 0; k < fns.length; k++) scores[k]![r] = fns[k]!(model, Xp, yp, swp);
    }
    return scores;
  });
}

/**
 * One pool task. The model travels as its `toJSON()` text in a SharedArrayBuffer (encoded once per
 * model version in the calling thread, shared with every worker without a copy) under a token; a
 * worker parses it the first time it sees the token and keeps the rebuilt model for later calls.
 * Columns are not pre-assigned: every thread (the caller included) claims the next column from a
 * shared atomic counter until none is left, so a busy or late-starting thread takes fewer columns.
 * Each column's scores depend only on the column (its own RandomState(seed)), never on the thread.
 */
export interface PermutationJob {
  token: string;
  /** UTF-8 JSON of the saved model (SharedArrayBuffer-backed). */
  model: Uint8Array;
  X: { buf: SharedArrayBuffer; rows: number; cols: number };
  y: ArrayLike<Label>;
  sampleWeight: ArrayLike<number> | null;
  /** counter[0]: next column to claim. */
  counter: Int32Array;
  seed: number;
  nRepeats: number;
  scoring: string[];
  maxSamples: number;
}

/** Columns a thread scored and their scores ([column][metric] -> nRepeats scores). */
export interface PermutationJobResult {
  cols: number[];
  scores: Float64Array[][];
}

/** Worker-side models by token (the last few only). */
const workerModels = new Map<string, PermutableModel>();
const WORKER_MODELS_KEPT = 4;

async function workerModel(token: string, bytes: Uint8Array): Promise<PermutableModel> {
  const hit = workerModels.get(token);
  if (hit) return hit;
  const { loadModel } = await import('../core/estimator.js');
  // registers every estimator kind for loadModel; the specifier is a variable so that bundlers do
  // not pull the whole library into a browser bundle that only imports permutationImportance
  const everything = '../index.js';
  await import(/* @vite-ignore */ everything);
  // decode from a private copy (TextDecoder may refuse views of shared memory)
  const model = loadModel(new TextDecoder().decode(new Uint8Array(bytes))) as unknown as PermutableModel;
  workerModels.set(token, model);
  while (workerModels.size > WORKER_MODELS_KEPT) workerModels.delete(workerModels.keys().next().value as string);
  return model;
}

/** Claim columns from the shared counter until none is left; score each. */
function claimColumns(
  model: PermutableModel, X: Matrix, y: ArrayLike<Label>, sw: ArrayLike<number> | null, counter: Int32Array,
  seed: number, nRepeats: number, fns: readonly ScoreFn[], maxSamples: number,
): PermutationJobResult {
  const out: PermutationJobResult = { cols: [], scores: [] };
  for (;;) {
    const c = Atomics.add(counter, 0, 1);
    if (c >= X.cols) return out;
    out.cols.push(c);
    out.scores.push(permutationScoresCore(model, X, y, sw, [c], seed, nRepeats, fns, maxSamples)[0]!);
  }
}

/** Worker side: the model (cached by token), then columns from the shared counter. */
export async function permutationJob(job: PermutationJob): Promise<PermutationJobResult> {
  const model = await workerModel(job.token, job.model);
  const X = new Matrix(new Float64Array(job.X.buf), job.X.rows, job.X.cols);
  return claimColumns(model, X, job.y, job.sampleWeight, job.counter, job.seed, job.nRepeats, job.scoring.map(scorerFromSpec), job.maxSamples);
}

const TASK_MODULE = new URL(`./permutation${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** Calling-thread side: the shipped form of a model per fitted state (a refit replaces an Estimator's state object). */
const shipped = new WeakMap<object, { state: unknown; token: string; bytes: Uint8Array }>();
let shippedCount = 0;

function shippedModel(model: PermutableModel): { token: string; bytes: Uint8Array } {
  // Estimators keep their fitted state in one object that fit() replaces: it versions the model
  const state = (model as unknown as { _state?: unknown })._state;
  const hit = shipped.get(model);
  if (hit && state !== undefined && state !== null && hit.state === state) return hit;
  const text = new TextEncoder().encode(JSON.stringify(model.toJSON!()));
  const bytes = new Uint8Array(new SharedArrayBuffer(text.length));
  bytes.set(text);
  const entry = { state, token: `pi${++shippedCount}`, bytes };
  if (state !== undefined && state !== null) shipped.set(model, entry);
  return entry;
}

// ---- public API ------------------------------------------------------------------------------

interface Prepared {
  X: Matrix;
  y: ArrayLike<Label>;
  sw: ArrayLike<number> | null;
  seed: number;
  nRepeats: number;
  maxSamples: number;
  scorers: ResolvedScorers;
  baseline: number[];
}

function prepare(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts: PermutationImportanceOptions): Prepared {
  if (model == null || typeof model.predict !== 'function') throw new InvalidParameterError('model', 'a fitted model with predict()', model, OWNER);
  const m = checkArray(X, { name: 'X', owner: OWNER });
  if (y == null || typeof (y as { length?: unknown }).length !== 'number') throw new DataError('y', 'an array of targets', y, OWNER);
  if (y.length !== m.rows) throw new ShapeError('y', `length ${m.rows} (the number of rows of X)`, `length ${y.length}`, OWNER);
  const nRepeats = opts.nRepeats ?? 5;
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new InvalidParameterError('nRepeats', 'an integer >= 1', nRepeats, OWNER);
  let sw: Float64Array | null = null;
  if (opts.sampleWeight != null) {
    if (opts.sampleWeight.length !== m.rows) throw new ShapeError('sampleWeight', `length ${m.rows} (the number of rows of X)`, `length ${opts.sampleWeight.length}`, OWNER);
    sw = Float64Array.from(opts.sampleWeight);
    for (let i = 0; i < sw.length; i++) if (!Number.isFinite(sw[i]!)) throw new DataError('sampleWeight', 'finite weights', `${sw[i]} at index ${i}`, OWNER);
  }
  const ms = opts.maxSamples ?? 1;
  let maxSamples: number;
  if (typeof ms === 'number' && ms > 0 && ms <= 1) maxSamples = Math.floor(ms * m.rows);
  else if (Number.isInteger(ms) && ms > 1 && ms <= m.rows) maxSamples = ms;
  else throw new InvalidParameterError('maxSamples', `a fraction in (0, 1] or an integer count in (1, ${m.rows}]`, ms, OWNER);
  if (maxSamples < 1) throw new InvalidParameterError('maxSamples', `at least one row (maxSamples * ${m.rows} >= 1)`, ms, OWNER);
  const rs = checkRandomState(opts.randomState, 'randomState', OWNER);
  const seed = rs.randint(2147483648);
  const scorers = resolveScorers(opts.scoring);
  const baseline = scorers.fns.map((f) => f(model, m, y, sw));
  return { X: m, y, sw, seed, nRepeats, maxSamples, scorers, baseline };
}

function finish(p: Prepared, perCol: Float64Array[][]): PermutationImportanceResult | Record<string, PermutationImportanceResult> {
  const d = p.X.cols, R = p.nRepeats;
  const results = p.scorers.names.map((_, k) => {
    const imp = Matrix.zeros(d, R);
    const mean = new Float64Array(d), std = new Float64Array(d);
    const dev = new Float64Array(R);
    for (let j = 0; j < d; j++) {
      const s = perCol[j]![k]!;
      for (let r = 0; r < R; r++) imp.data[j * R + r] = p.baseline[k]! - s[r]!;
      const mu = pairwiseSum(imp.data, j * R, R) / R;
      mean[j] = mu;
      for (let r = 0; r < R; r++) { const t = imp.data[j * R + r]! - mu; dev[r] = t * t; }
      std[j] = Math.sqrt(pairwiseSum(dev, 0, R) / R);
    }
    return { importancesMean: mean, importancesStd: std, importances: imp };
  });
  if (!p.scorers.multi) return results[0]!;
  return Object.fromEntries(p.scorers.names.map((n, k) => [n, results[k]!]));
}

/**
 * Permutation importance in the calling thread (see `permutationImportance`; `nJobs` is ignored).
 */
export function permutationImportanceSync(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts?: PermutationImportanceOptions & { scoring?: null | string | PermutationScorer }): PermutationImportanceResult;
export function permutationImportanceSync(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts: PermutationImportanceOptions): PermutationImportanceResult | Record<string, PermutationImportanceResult>;
export function permutationImportanceSync(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts: PermutationImportanceOptions = {}): PermutationImportanceResult | Record<string, PermutationImportanceResult> {
  const p = prepare(model, X, y, opts);
  const cols = Array.from({ length: p.X.cols }, (_, j) => j);
  return finish(p, permutationScoresCore(model, p.X, p.y, p.sw, cols, p.seed, p.nRepeats, p.scorers.fns, p.maxSamples));
}

/**
 * scikit-learn's `permutation_importance`: the drop in score when one column is shuffled, per
 * column and repeat. Same `randomState` -> the same importances as scikit-learn (same shuffles).
 * With several scorers the result is an object keyed by scorer name.
 *
 * @example
 * const rf = new RandomForestClassifier({ randomState: 0 }).fit(Xtr, ytr);
 * const r = await permutationImportance(rf, Xte, yte, { nRepeats: 10, randomState: 0, nJobs: 2 });
 * r.importancesMean; // one value per feature
 */
export async function permutationImportance(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts?: PermutationImportanceOptions & { scoring?: null | string | PermutationScorer }): Promise<PermutationImportanceResult>;
export async function permutationImportance(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts: PermutationImportanceOptions): Promise<PermutationImportanceResult | Record<string, PermutationImportanceResult>>;
export async function permutationImportance(model: PermutableModel, X: MatrixLike, y: ArrayLike<Label>, opts: PermutationImportanceOptions = {}): Promise<PermutationImportanceResult | Record<string, PermutationImportanceResult>> {
  const nJobs = resolveNJobs(opts.nJobs, OWNER);
  const p = prepare(model, X, y, opts);
  const d = p.X.cols;
  const cols = Array.from({ length: d }, (_, j) => j);
  const travels = nJobs > 1 && d > 1 && typeof model.toJSON === 'function' && p.scorers.specs.every((s) => s !== null);
  if (!travels) return finish(p, permutationScoresCore(model, p.X, p.y, p.sw, cols, p.seed, p.nRepeats, p.scorers.fns, p.maxSamples));
  const pool = await getPool(nJobs - 1);
  if (!pool) return finish(p, permutationScoresCore(model, p.X, p.y, p.sw, cols, p.seed, p.nRepeats, p.scorers.fns, p.maxSamples));
  const { token, bytes } = shippedModel(model);
  const buf = new SharedArrayBuffer(p.X.data.length * 8);
  new Float64Array(buf).set(p.X.data);
  const Xs = new Matrix(new Float64Array(buf), p.X.rows, d);
  const yArr = ArrayBuffer.isView(p.y) ? Float64Array.from(p.y as ArrayLike<number>) : Array.from(p.y);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const job: PermutationJob = {
    token, model: bytes, X: { buf, rows: p.X.rows, cols: d }, y: yArr, sampleWeight: p.sw, counter,
    seed: p.seed, nRepeats: p.nRepeats, scoring: p.scorers.specs as string[], maxSamples: p.maxSamples,
  };
  // nJobs - 1 workers start claiming columns while the calling thread claims its own
  const pending = Array.from({ length: Math.min(nJobs, d) - 1 }, () => pool.run<PermutationJobResult>({ module: TASK_MODULE, fn: 'permutationJob', args: [job] }, { owner: OWNER }));
  let mine: PermutationJobResult;
  try {
    mine = claimColumns(model, Xs, p.y, p.sw, counter, p.seed, p.nRepeats, p.scorers.fns, p.maxSamples);
  } catch (e) {
    Atomics.store(counter, 0, d); // stop the workers after their current column
    for (const t of pending) t.catch(() => {});
    throw e;
  }
  const perCol: Float64Array[][] = new Array(d);
  for (const r of [mine, ...(await Promise.all(pending))]) r.cols.forEach((c, i) => { perCol[c] = r.scores[i]!; });
  return finish(p, perCol);
}

/**
 * Cross-validation core: `crossValidate`, `crossValScore`, `learningCurve`, and the fit-and-score
 * engine that `GridSearchCV` / `RandomizedSearchCV` share. With `nJobs` != 1 the (candidate, fold)
 * jobs run on the worker pool: each job ships the unfitted estimator as JSON and the data as a
 * SharedArrayBuffer (zero copy); see `cvTask.ts`.
 */
import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { loadModel, type Estimator, type SavedModel } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import type { Schema } from '../core/params.js';
import { checkSignal, parallelMap, resolveNJobs, throwIfAborted, yieldToEventLoop, type SignalLike } from '../core/pool.js';
import { checkRandomState, type RandomStateLike } from '../core/random.js';
import { Table, type Column } from '../core/table.js';
import type { LabelsLike } from '../core/validation.js';
import type { ParamSet } from './paramGrid.js';
import { resolveScoring, type ResolvedScoring, type Scoring, type ScorerFn } from './scoring.js';
import { numSamples, takeRows } from './split.js';
import { KFold, StratifiedKFold, type CrossValidator, type Fold } from './splitters.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEstimator = Estimator<Schema, unknown> & Record<string, any>;

/** What `cv` accepts: a fold count, a splitter, or explicit folds. */
export type CvSpec = number | CrossValidator | Iterable<Fold> | null | undefined;

/** `'raise'` rethrows a failing fit; a number (default NaN) is recorded as its score instead. */
export type ErrorScore = 'raise' | number;

/** scikit-learn's `is_classifier`: an instance-level `estimatorType` (Pipeline, searches) or the class capabilities. */
export function estimatorType(est: unknown): string {
  const e = est as { estimatorType?: string; constructor: { capabilities?: { type: string } } };
  return e.estimatorType ?? e.constructor?.capabilities?.type ?? 'other';
}

function isClassificationTarget(y: LabelsLike | null | undefined): boolean {
  if (y == null) return false;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v === 'number' && !Number.isInteger(v)) return false;
  }
  return true;
}

/** scikit-learn's `check_cv`: an integer means StratifiedKFold for classifiers on class labels, KFold otherwise. */
export function checkCv(cv: CvSpec, y: LabelsLike | null | undefined, classifier: boolean, owner: string): CrossValidator {
  if (cv == null) cv = 5;
  if (typeof cv === 'number') {
    if (!Number.isInteger(cv) || cv < 2) throw new InvalidParameterError('cv', 'an integer >= 2, a splitter or a list of folds', cv, owner);
    return classifier && isClassificationTarget(y) ? new StratifiedKFold({ nSplits: cv }) : new KFold({ nSplits: cv });
  }
  if (typeof (cv as CrossValidator).split === 'function') return cv as CrossValidator;
  if (typeof (cv as Iterable<Fold>)[Symbol.iterator] === 'function') {
    const folds = [...(cv as Iterable<Fold>)].map((f, k) => {
      if (!f || !f.train || !f.test) throw new InvalidParameterError(`cv[${k}]`, 'a {train, test} pair of index arrays', f, owner);
      return { train: Int32Array.from(f.train), test: Int32Array.from(f.test) };
    });
    return { split: () => folds, getNSplits: () => folds.length };
  }
  throw new InvalidParameterError('cv', 'an integer >= 2, a splitter (with split()) or a list of {train, test} folds', cv, owner);
}

/** Unfitted copy of `est` with `params` applied (nested `step__param` keys are handled by Pipeline.setParams). */
export function cloneWithParams<E extends AnyEstimator>(est: E, params: ParamSet): E {
  const c = est.clone();
  if (Object.keys(params).length) c.setParams(params as never);
  return c;
}

/** The scores of one (candidate, fold) job. */
export interface FitScoreResult {
  test: number[];
  train?: number[];
  fitTime: number;
  scoreTime: number;
  estimator?: AnyEstimator;
  /** message of the error that made the fit fail (scores are then `errorScore`) */
  error?: string;
}

export interface FitScoreOptions {
  returnTrainScore?: boolean;
  returnEstimator?: boolean;
  errorScore?: ErrorScore;
}

const now = () => performance.now() / 1000;

/** scikit-learn's `_fit_and_score` for an unfitted estimator (fits it in place). */
export function fitAndScore(est: AnyEstimator, X: unknown, y: LabelsLike | null, fold: Fold, scorers: ScorerFn[], opts: FitScoreOptions = {}): FitScoreResult {
  const Xtr = takeRows(X, fold.train);
  const ytr = y == null ? null : takeRows(y, fold.train);
  const t0 = now();
  try {
    if (ytr == null) est.fit(Xtr);
    else est.fit(Xtr, ytr);
  } catch (e) {
    const errorScore = opts.errorScore ?? NaN;
    if (errorScore === 'raise') throw e;
    const fill = scorers.map(() => errorScore);
    return { test: fill, train: opts.returnTrainScore ? [...fill] : undefined, fitTime: now() - t0, scoreTime: 0, error: `${(e as Error).name}: ${(e as Error).message}`, estimator: opts.returnEstimator ? est : undefined };
  }
  const fitTime = now() - t0;
  const t1 = now();
  const Xte = takeRows(X, fold.test);
  const yte = y == null ? null : takeRows(y, fold.test);
  // as scikit-learn's _score: a scorer that throws gives errorScore (unless 'raise')
  const score = (s: ScorerFn, Xs: unknown, ys: unknown): number => {
    try {
      return s(est as never, Xs, ys as never);
    } catch (e) {
      const errorScore = opts.errorScore ?? NaN;
      if (errorScore === 'raise') throw e;
      return errorScore;
    }
  };
  const test = scorers.map((s) => score(s, Xte, yte));
  const scoreTime = now() - t1;
  const train = opts.returnTrainScore ? scorers.map((s) => score(s, Xtr, ytr)) : undefined;
  return { test, train, fitTime, scoreTime, estimator: opts.returnEstimator ? est : undefined };
}

// ---- shipping data and jobs to workers -------------------------------------------------------

/** Data as it travels to a worker: a Matrix over a SharedArrayBuffer, Table columns, or a clonable value. */
export type SharedData =
  | { kind: 'matrix'; buf: SharedArrayBuffer; rows: number; cols: number }
  | { kind: 'table'; columns: Column[] }
  | { kind: 'vector'; buf: SharedArrayBuffer }
  | { kind: 'raw'; value: unknown };

function shareFloat64(src: ArrayLike<number>): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(src.length * 8);
  new Float64Array(buf).set(src as ArrayLike<number>);
  return buf;
}

/** Put X or y into shareable form once (not per job). */
export function shareData(v: unknown): SharedData | null {
  if (v == null) return null;
  if (v instanceof Matrix) return { kind: 'matrix', buf: shareFloat64(v.data), rows: v.rows, cols: v.cols };
  if (v instanceof Table) return { kind: 'table', columns: [...v.columns] };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { kind: 'vector', buf: shareFloat64(v as unknown as ArrayLike<number>) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return { kind: 'vector', buf: shareFloat64(v as number[]) };
    if (v.length && v.every((r) => Array.isArray(r) && r.every((x: unknown) => typeof x === 'number'))) {
      const m = Matrix.fromRows(v as number[][]);
      return { kind: 'matrix', buf: shareFloat64(m.data), rows: m.rows, cols: m.cols };
    }
  }
  return { kind: 'raw', value: v };
}

/** Inverse of shareData (in the worker). */
export function unshareData(s: SharedData | null): unknown {
  if (s == null) return null;
  switch (s.kind) {
    case 'matrix': return new Matrix(new Float64Array(s.buf), s.rows, s.cols);
    case 'table': return new Table(s.columns);
    case 'vector': return new Float64Array(s.buf);
    case 'raw': return s.value;
  }
}

/** One job for a worker. */
export interface CvJob {
  estimator: SavedModel;
  X: SharedData | null;
  y: SharedData | null;
  train: Int32Array;
  test: Int32Array;
  scoring: string[];
  returnTrainScore: boolean;
  returnEstimator: boolean;
  errorScore: ErrorScore;
}
/** A worker's answer (fitted estimator as JSON). */
export type CvJobResult = Omit<FitScoreResult, 'estimator'> & { estimator?: SavedModel };

const TASK_MODULE = new URL(`./cvTask${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** One (candidate params, fold) pair to evaluate. */
export interface Job {
  params: ParamSet;
  fold: Fold;
}

/**
 * Evaluate jobs in the calling thread (nJobs = 1, or any scorer is a function) or on the pool.
 * Results keep the job order.
 */
export async function runJobs(template: AnyEstimator, X: unknown, y: LabelsLike | null, jobs: Job[], scoring: ResolvedScoring, opts: FitScoreOptions & { nJobs?: number | null; signal?: SignalLike | null }, owner: string): Promise<FitScoreResult[]> {
  const n = resolveNJobs(opts.nJobs, owner);
  const signal = checkSignal(opts.signal, owner);
  throwIfAborted(signal, owner);
  if (n === 1 || jobs.length <= 1 || scoring.specs.some((s) => s === null) || !canTravel(template)) {
    if (!signal) return runJobsSync(template, X, y, jobs, scoring, opts);
    // one job at a time, yielding between them so an abort is seen
    const out: FitScoreResult[] = [];
    for (const j of jobs) {
      out.push(...runJobsSync(template, X, y, [j], scoring, opts));
      await yieldToEventLoop();
      throwIfAborted(signal, owner);
    }
    return out;
  }
  const Xs = shareData(X);
  const ys = shareData(y);
  const argLists = jobs.map((j) => [{
    estimator: cloneWithParams(template, j.params).toJSON(),
    X: Xs, y: ys, train: j.fold.train, test: j.fold.test,
    scoring: scoring.specs as string[],
    returnTrainScore: !!opts.returnTrainScore, returnEstimator: !!opts.returnEstimator, errorScore: opts.errorScore ?? NaN,
  } satisfies CvJob]);
  const out = await parallelMap<CvJobResult>(n, TASK_MODULE, 'cvTask', argLists, { signal, owner });
  return out.map((r) => ({ ...r, estimator: r.estimator ? (loadModel(r.estimator) as AnyEstimator) : undefined }));
}

/** Whether the estimator can be sent to a worker as JSON (a FunctionTransformer holding a JS function cannot). */
function canTravel(est: AnyEstimator): boolean {
  try {
    est.toJSON();
    return true;
  } catch {
    return false;
  }
}

/** runJobs in the calling thread. */
export function runJobsSync(template: AnyEstimator, X: unknown, y: LabelsLike | null, jobs: Job[], scoring: ResolvedScoring, opts: FitScoreOptions): FitScoreResult[] {
  return jobs.map((j) => fitAndScore(cloneWithParams(template, j.params), X, y, j.fold, scoring.fns, opts));
}

/** If every fit failed, rethrow (scikit-learn raises "All the fits failed"); the first error is kept typed when in-thread. */
export function checkAllFailed(results: FitScoreResult[], owner: string, firstError: () => unknown): void {
  if (results.length && results.every((r) => r.error !== undefined)) {
    const e = firstError();
    if (e) throw e;
    throw new DataError('X', 'data every fold can be fitted on', `all ${results.length} fits failed; first: ${results[0]!.error}`, owner);
  }
}

export function checkXY(X: unknown, y: LabelsLike | null | undefined, owner: string): number {
  const n = numSamples(X);
  if (n === 0) throw new ShapeError('X', 'at least one sample', '0 samples', owner);
  if (y != null) {
    if (typeof (y as ArrayLike<unknown>).length !== 'number') throw new DataError('y', 'a 1-D array of targets', y, owner);
    if (y.length !== n) throw new ShapeError('y', `length ${n} (the number of rows of X)`, `length ${y.length}`, owner);
  }
  return n;
}

// ---- public helpers ---------------------------------------------------------------------------

export interface CrossValidateOptions {
  /** Folds: an integer (default 5; StratifiedKFold for classifiers), a splitter or explicit folds. */
  cv?: CvSpec;
  /** null = estimator.score; a scorer name, a function, or a list/object of them (multi-metric). */
  scoring?: Scoring;
  /** Group labels for group splitters (GroupKFold). */
  groups?: LabelsLike | null;
  /** Worker count (null/1 = this thread, -1 = all cores). Results do not depend on it. */
  nJobs?: number | null;
  /** Cancels the run with an AbortError (folds not started are skipped, running workers terminated). */
  signal?: SignalLike | null;
  returnTrainScore?: boolean;
  returnEstimator?: boolean;
  /** Also return the folds. */
  returnIndices?: boolean;
  errorScore?: ErrorScore;
}

export interface CrossValidateResult {
  /** seconds per fold */
  fitTime: Float64Array;
  scoreTime: Float64Array;
  /** scores of the (first) metric per fold */
  testScore: Float64Array;
  trainScore?: Float64Array;
  /** every metric by name ('score' for single-metric scoring) */
  test: Record<string, Float64Array>;
  train?: Record<string, Float64Array>;
  estimator?: AnyEstimator[];
  indices?: Fold[];
}

/**
 * Evaluate an estimator by cross-validation (scikit-learn's `cross_validate`): a fresh clone is
 * fitted on each fold's train part and scored on its test part.
 *
 * @example
 * const r = await crossValidate(new DecisionTreeClassifier({ randomState: 0 }), X, y, { cv: 5, returnTrainScore: true, nJobs: 2 });
 * r.testScore; r.trainScore; r.fitTime;
 */
export async function crossValidate(estimator: AnyEstimator, X: unknown, y?: LabelsLike | null, opts: CrossValidateOptions = {}): Promise<CrossValidateResult> {
  const owner = 'crossValidate';
  checkXY(X, y, owner);
  const scoring = resolveScoring(opts.scoring, owner);
  const cv = checkCv(opts.cv, y, estimatorType(estimator) === 'classifier', owner);
  const folds = [...cv.split(X, y ?? null, opts.groups ?? null)];
  const jobs = folds.map((fold) => ({ params: {}, fold }));
  const fsOpts = { returnTrainScore: opts.returnTrainScore, returnEstimator: opts.returnEstimator, errorScore: opts.errorScore ?? NaN, nJobs: opts.nJobs, signal: opts.signal };
  const results = await runJobs(estimator, X, y ?? null, jobs, scoring, fsOpts, owner);
  checkAllFailed(results, owner, () => firstFitError(estimator, X, y ?? null, folds[0]!));
  const col = (m: number, train: boolean) => Float64Array.from(results, (r) => (train ? r.train! : r.test)[m]!);
  const test: Record<string, Float64Array> = {};
  const train: Record<string, Float64Array> = {};
  scoring.names.forEach((name, m) => {
    test[name] = col(m, false);
    if (opts.returnTrainScore) train[name] = col(m, true);
  });
  const out: CrossValidateResult = {
    fitTime: Float64Array.from(results, (r) => r.fitTime),
    scoreTime: Float64Array.from(results, (r) => r.scoreTime),
    testScore: test[scoring.names[0]!]!,
    test,
  };
  if (opts.returnTrainScore) { out.trainScore = train[scoring.names[0]!]!; out.train = train; }
  if (opts.returnEstimator) out.estimator = results.map((r) => r.estimator!);
  if (opts.returnIndices) out.indices = folds;
  return out;
}

/** Refit the first fold in-thread to recover a typed error when every fit failed. */
function firstFitError(estimator: AnyEstimator, X: unknown, y: LabelsLike | null, fold: Fold): unknown {
  try {
    fitAndScore(estimator.clone(), X, y, fold, [], { errorScore: 'raise' });
  } catch (e) {
    return e;
  }
  return null;
}

/**
 * Test-fold scores of one metric (scikit-learn's `cross_val_score`).
 *
 * @example
 * const scores = await crossValScore(new LogisticRegression(), X, y, { cv: 5, scoring: 'accuracy' });
 */
export async function crossValScore(estimator: AnyEstimator, X: unknown, y?: LabelsLike | null, opts: Omit<CrossValidateOptions, 'returnTrainScore' | 'returnEstimator' | 'returnIndices' | 'scoring'> & { scoring?: string | ScorerFn | null } = {}): Promise<Float64Array> {
  if (opts.scoring !== undefined && opts.scoring !== null && typeof opts.scoring !== 'string' && typeof opts.scoring !== 'function') {
    throw new InvalidParameterError('scoring', 'a single scorer name, a function or null (use crossValidate for several metrics)', opts.scoring, 'crossValScore');
  }
  return (await crossValidate(estimator, X, y, opts)).testScore;
}

export interface LearningCurveOptions extends Omit<CrossValidateOptions, 'returnTrainScore' | 'returnEstimator' | 'returnIndices' | 'scoring'> {
  /** Fractions of the largest training set (any non-integer present) or absolute counts. Default np.linspace(0.1, 1, 5). */
  trainSizes?: readonly number[];
  scoring?: string | ScorerFn | null;
  /** Shuffle each fold's training indices before taking prefixes. */
  shuffle?: boolean;
  randomState?: RandomStateLike;
}

export interface LearningCurveResult {
  /** distinct absolute training-set sizes, ascending */
  trainSizesAbs: Int32Array;
  /** trainScores[i][k]: size i, fold k */
  trainScores: Float64Array[];
  testScores: Float64Array[];
  fitTimes: Float64Array[];
  scoreTimes: Float64Array[];
}

function linspace(a: number, b: number, n: number): number[] {
  const step = (b - a) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * step + a));
}

/**
 * Train and test scores for growing training sets (scikit-learn's `learning_curve`): for each fold,
 * the first `size` training indices are used.
 *
 * @example
 * const lc = await learningCurve(new DecisionTreeClassifier({ randomState: 0 }), X, y, { cv: 5 });
 * lc.trainSizesAbs; lc.testScores;
 */
export async function learningCurve(estimator: AnyEstimator, X: unknown, y?: LabelsLike | null, opts: LearningCurveOptions = {}): Promise<LearningCurveResult> {
  const owner = 'learningCurve';
  checkXY(X, y, owner);
  const scoring = resolveScoring(opts.scoring ?? null, owner);
  const cv = checkCv(opts.cv, y, estimatorType(estimator) === 'classifier', owner);
  let folds = [...cv.split(X, y ?? null, opts.groups ?? null)];
  const nMax = folds[0]!.train.length;
  const sizes = opts.trainSizes ?? linspace(0.1, 1.0, 5);
  if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((s) => typeof s !== 'number' || !Number.isFinite(s))) {
    throw new InvalidParameterError('trainSizes', 'a non-empty array of numbers', sizes, owner);
  }
  const fractions = sizes.some((s) => !Number.isInteger(s));
  let abs: number[];
  if (fractions) {
    if (Math.min(...sizes) <= 0 || Math.max(...sizes) > 1) throw new InvalidParameterError('trainSizes', 'fractions in (0, 1]', sizes, owner);
    abs = sizes.map((s) => Math.min(nMax, Math.max(1, Math.trunc(s * nMax))));
  } else {
    if (Math.min(...sizes) <= 0 || Math.max(...sizes) > nMax) throw new InvalidParameterError('trainSizes', `counts in [1, ${nMax}] (the largest training set)`, sizes, owner);
    abs = [...sizes];
  }
  const trainSizesAbs = Int32Array.from(new Set(abs)).sort();
  if (opts.shuffle) {
    const rng = checkRandomState(opts.randomState, 'randomState', owner);
    folds = folds.map((f) => ({ train: Int32Array.from(rng.permutation([...f.train])), test: f.test }));
  }
  const jobs: Job[] = [];
  for (const f of folds) for (const s of trainSizesAbs) jobs.push({ params: {}, fold: { train: f.train.slice(0, s), test: f.test } });
  const results = await runJobs(estimator, X, y ?? null, jobs, scoring, { returnTrainScore: true, errorScore: opts.errorScore ?? NaN, nJobs: opts.nJobs }, owner);
  const nt = trainSizesAbs.length;
  const grid = (pick: (r: FitScoreResult) => number) => Array.from({ length: nt }, (_, i) => Float64Array.from(folds, (_, k) => pick(results[k * nt + i]!)));
  return {
    trainSizesAbs,
    trainScores: grid((r) => r.train![0]!),
    testScores: grid((r) => r.test[0]!),
    fitTimes: grid((r) => r.fitTime),
    scoreTimes: grid((r) => r.scoreTime),
  };
}

import { InvalidParameterError, NotFittedError } from '../core/errors.js';
import { Estimator, registerEstimator, registerReviver, reviveValue, type Capabilities } from '../core/estimator.js';
import { p, type ParamsOf, type Schema } from '../core/params.js';
import type { LabelsLike } from '../core/validation.js';
import { ParameterGrid, ParameterSampler, reviveDistribution, type ParamDistributions, type ParamGridSpec, type ParamSet } from './paramGrid.js';
import { resolveScoring, type Scoring } from './scoring.js';
import { reviveSplitter, type Fold } from './splitters.js';
import {
  checkAllFailed, checkCv, checkXY, cloneWithParams, estimatorType, fitAndScore, runJobs, runJobsSync,
  type AnyEstimator, type CvSpec, type ErrorScore, type FitScoreResult, type Job,
} from './validation.js';

function isEstimator(v: unknown): boolean {
  return v instanceof Estimator || (!!v && typeof v === 'object' && typeof (v as { fit?: unknown }).fit === 'function' && typeof (v as { clone?: unknown }).clone === 'function');
}
// saved splitters and distributions come back through the core revival path (reviveValue)
registerReviver('$splitter', reviveSplitter);
registerReviver('$dist', reviveDistribution);
const revive = reviveValue;

const scoringSpec = p.custom<Scoring>(null, 'null, a scorer name, a function, or an array/object of them', (v) =>
  v === null || typeof v === 'string' || typeof v === 'function' || Array.isArray(v) || (typeof v === 'object' && v !== null));
const commonSchema = {
  estimator: p.estimator<AnyEstimator | null>(null, { nullable: false, doc: 'The estimator to tune (cloned for every fit).' }),
  scoring: scoringSpec,
  nJobs: p.nullable(p.int(1), null),
  refit: p.custom<boolean | string>(true, 'a boolean or the name of a metric', (v) => typeof v === 'boolean' || typeof v === 'string', 'Refit the best candidate on the whole data.'),
  cv: p.custom<CvSpec>(null, 'null, an integer >= 2, a splitter or a list of folds', (v) =>
    v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 2) || (typeof v === 'object' && v !== null)),
  returnTrainScore: p.bool(false),
  errorScore: p.custom<ErrorScore>(NaN, "'raise' or a number (NaN by default)", (v) => v === 'raise' || typeof v === 'number'),
};

/** Scores of one metric across candidates (scikit-learn's `mean_test_<name>`, ...). */
export interface MetricResults {
  meanTestScore: Float64Array;
  stdTestScore: Float64Array;
  /** 1 = best; ties share the smallest rank (scipy rankdata 'min'); NaN means rank last */
  rankTestScore: Int32Array;
  /** splitTestScores[k][c]: split k, candidate c */
  splitTestScores: Float64Array[];
  meanTrainScore?: Float64Array;
  stdTrainScore?: Float64Array;
  splitTrainScores?: Float64Array[];
}

/** scikit-learn's `cv_results_` in camelCase; the top-level scores are those of the refit (or only) metric. */
export interface CvResults extends MetricResults {
  params: ParamSet[];
  meanFitTime: Float64Array;
  stdFitTime: Float64Array;
  meanScoreTime: Float64Array;
  stdScoreTime: Float64Array;
  /** every metric by name ('score' for single-metric scoring) */
  metrics: Record<string, MetricResults>;
}

export interface SearchState {
  cvResults: CvResults;
  bestIndex: number;
  bestParams: ParamSet | null;
  bestScore: number;
  bestEstimator: AnyEstimator | null;
  refitTime: number;
  nSplits: number;
  scorerNames: string[];
}

function meanStd(rows: Float64Array[]): [Float64Array, Float64Array] {
  const mean = new Float64Array(rows.length), std = new Float64Array(rows.length);
  rows.forEach((r, c) => {
    let s = 0;
    for (const v of r) s += v;
    const m = s / r.length;
    let q = 0;
    for (const v of r) q += (v - m) * (v - m);
    mean[c] = m;
    std[c] = Math.sqrt(q / r.length);
  });
  return [mean, std];
}

/** scipy `rankdata(-means, 'min')` after scikit-learn's NaN handling (NaN ranks last). */
function rankMin(means: Float64Array): Int32Array {
  let min = Infinity;
  let anyNaN = false;
  for (const v of means) { if (Number.isNaN(v)) anyNaN = true; else if (v < min) min = v; }
  const vals = Float64Array.from(means, (v) => (Number.isNaN(v) ? (anyNaN && min !== Infinity ? min - 1 : -Infinity) : v));
  return Int32Array.from(vals, (v) => {
    let r = 1;
    for (const w of vals) if (w > v) r++;
    return r;
  });
}

abstract class BaseSearchCV<S extends Schema> extends Estimator<S, SearchState> {
  static override readonly capabilities: Capabilities = { type: 'other', supervised: true, stochastic: false, allowNaN: false };

  protected abstract candidates(): ParamSet[];

  /** The searched estimator's type (classifier / regressor ...), as scikit-learn's `is_classifier`. */
  get estimatorType(): string {
    return estimatorType(this.base);
  }

  protected get base(): AnyEstimator {
    return (this.params as unknown as { estimator: AnyEstimator }).estimator;
  }
  private get P() {
    return this.params as unknown as ParamsOf<typeof commonSchema>;
  }

  private prepare(X: unknown, y: LabelsLike | null | undefined, groups: LabelsLike | null | undefined) {
    const owner = this.kind;
    checkXY(X, y, owner);
    const scoring = resolveScoring(this.P.scoring, owner);
    let refitMetric = scoring.names[0]!;
    if (scoring.multi) {
      const refit = this.P.refit;
      if (refit === true) throw new InvalidParameterError('refit', `false or the name of the metric to refit on (one of ${scoring.names.join(', ')}) when scoring has several metrics`, refit, owner);
      if (typeof refit === 'string') {
        if (!scoring.names.includes(refit)) throw new InvalidParameterError('refit', `one of the scoring names ${scoring.names.join(', ')}`, refit, owner);
        refitMetric = refit;
      }
    }
    const cv = checkCv(this.P.cv, y, this.estimatorType === 'classifier', owner);
    const folds: Fold[] = [...cv.split(X, y ?? null, groups ?? null)];
    const cands = this.candidates();
    if (cands.length === 0) throw new InvalidParameterError('paramGrid', 'at least one candidate', 0, owner);
    for (const c of cands) cloneWithParams(this.base, c); // validates every candidate's params before any fit
    const jobs: Job[] = [];
    for (const params of cands) for (const fold of folds) jobs.push({ params, fold });
    return { scoring, refitMetric, folds, cands, jobs };
  }

  private finish(X: unknown, y: LabelsLike | null | undefined, prep: ReturnType<BaseSearchCV<S>['prepare']>, results: FitScoreResult[]): this {
    const { scoring, refitMetric, folds, cands } = prep;
    const nS = folds.length;
    checkAllFailed(results, this.kind, () => {
      try { fitAndScore(this.base.clone(), X, y ?? null, folds[0]!, [], { errorScore: 'raise' }); } catch (e) { return e; }
      return null;
    });
    const rowsOf = (pick: (r: FitScoreResult) => number) => cands.map((_, c) => Float64Array.from({ length: nS }, (_, k) => pick(results[c * nS + k]!)));
    const splits = (rows: Float64Array[]) => Array.from({ length: nS }, (_, k) => Float64Array.from(rows, (r) => r[k]!));
    const metrics: Record<string, MetricResults> = {};
    scoring.names.forEach((name, m) => {
      const test = rowsOf((r) => r.test[m]!);
      const [meanTestScore, stdTestScore] = meanStd(test);
      const mr: MetricResults = { meanTestScore, stdTestScore, rankTestScore: rankMin(meanTestScore), splitTestScores: splits(test) };
      if (this.P.returnTrainScore) {
        const train = rowsOf((r) => r.train![m]!);
        [mr.meanTrainScore, mr.stdTrainScore] = meanStd(train);
        mr.splitTrainScores = splits(train);
      }
      metrics[name] = mr;
    });
    const [meanFitTime, stdFitTime] = meanStd(rowsOf((r) => r.fitTime));
    const [meanScoreTime, stdScoreTime] = meanStd(rowsOf((r) => r.scoreTime));
    const cvResults: CvResults = { params: cands, meanFitTime, stdFitTime, meanScoreTime, stdScoreTime, ...metrics[refitMetric]!, metrics };
    const refit = this.P.refit;
    let bestIndex = -1, bestParams: ParamSet | null = null, bestScore = NaN, bestEstimator: AnyEstimator | null = null, refitTime = NaN;
    if (refit !== false || !scoring.multi) {
      const rank = metrics[refitMetric]!.rankTestScore;
      bestIndex = 0;
      for (let c = 1; c < rank.length; c++) if (rank[c]! < rank[bestIndex]!) bestIndex = c;
      bestParams = cands[bestIndex]!;
      bestScore = metrics[refitMetric]!.meanTestScore[bestIndex]!;
    }
    if (refit !== false) {
      const t0 = performance.now();
      bestEstimator = cloneWithParams(this.base, bestParams!);
      if (y == null) bestEstimator.fit(X);
      else bestEstimator.fit(X, y);
      refitTime = (performance.now() - t0) / 1000;
    }
    this._state = { cvResults, bestIndex, bestParams, bestScore, bestEstimator, refitTime, nSplits: nS, scorerNames: scoring.names };
    return this;
  }

  /**
   * Run the search in the calling thread (every candidate on every fold), then refit the best
   * candidate on all of X. Use `fitAsync` to spread the fits over `nJobs` workers.
   */
  fit(X: unknown, y?: LabelsLike | null, groups?: LabelsLike | null): this {
    const prep = this.prepare(X, y, groups);
    const results = runJobsSync(this.base, X, y ?? null, prep.jobs, prep.scoring, { returnTrainScore: this.P.returnTrainScore, errorScore: this.P.errorScore });
    return this.finish(X, y, prep, results);
  }

  /** `fit` with the (candidate, fold) fits on the worker pool when `nJobs` != 1; same results as `fit`. */
  async fitAsync(X: unknown, y?: LabelsLike | null, groups?: LabelsLike | null): Promise<this> {
    const prep = this.prepare(X, y, groups);
    const results = await runJobs(this.base, X, y ?? null, prep.jobs, prep.scoring, { returnTrainScore: this.P.returnTrainScore, errorScore: this.P.errorScore, nJobs: this.P.nJobs }, this.kind);
    return this.finish(X, y, prep, results);
  }

  get cvResults(): CvResults { return this.fitted.cvResults; }
  get bestIndex(): number { return this.fitted.bestIndex; }
  get bestScore(): number { return this.fitted.bestScore; }
  get nSplits(): number { return this.fitted.nSplits; }
  get refitTime(): number { return this.fitted.refitTime; }
  get bestParams(): ParamSet {
    const b = this.fitted.bestParams;
    if (b === null) throw new NotFittedError(this.kind, 'bestParams (refit is false with several metrics)');
    return b;
  }
  /** The best candidate refitted on all the data (needs refit). */
  get bestEstimator(): AnyEstimator {
    const b = this.fitted.bestEstimator;
    if (b === null) throw new NotFittedError(this.kind, 'bestEstimator (refit is false)');
    return b;
  }
  get classes(): unknown { return this.bestEstimator.classes; }

  private delegate(method: string, X: unknown): unknown {
    const b = this.bestEstimator;
    if (typeof b[method] !== 'function') throw new InvalidParameterError('estimator', `an estimator with ${method}()`, b.kind, this.kind);
    return b[method](X);
  }
  predict(X: unknown): ArrayLike<number | string> { return this.delegate('predict', X) as ArrayLike<number | string>; }
  predictProba(X: unknown): unknown { return this.delegate('predictProba', X); }
  decisionFunction(X: unknown): unknown { return this.delegate('decisionFunction', X); }
  transform(X: unknown): unknown { return this.delegate('transform', X); }

  /** The refit metric of the best estimator on (X, y) (its own `score` when scoring is null). */
  score(X: unknown, y: LabelsLike): number {
    const b = this.bestEstimator;
    const scoring = resolveScoring(this.P.scoring, this.kind);
    const refit = this.P.refit;
    const fn = scoring.fns[typeof refit === 'string' && scoring.multi ? scoring.names.indexOf(refit) : 0]!;
    return fn(b as never, X, y as never);
  }

}

const gridSchema = {
  ...commonSchema,
  paramGrid: p.custom<ParamGridSpec | ParamGridSpec[]>({}, 'an object (or array of objects) mapping parameter names to arrays of values', (v) => typeof v === 'object' && v !== null),
};
export type GridSearchCVParams = ParamsOf<typeof gridSchema>;

function normalizeArgs(kind: string, a: unknown, second: unknown, rest: Record<string, unknown> | undefined, key: string): Record<string, unknown> {
  const params: Record<string, unknown> = isEstimator(a) ? { ...(rest ?? {}), estimator: a, ...(second !== undefined ? { [key]: second } : {}) } : { ...((a as Record<string, unknown>) ?? {}) };
  for (const k of ['estimator', 'cv', key]) if (k in params) params[k] = revive(params[k]);
  void kind;
  return params;
}

/**
 * Exhaustive search over a parameter grid with cross-validation (scikit-learn's GridSearchCV):
 * candidates in scikit-learn's order, `cvResults` with mean/std/rank of the test scores, the best
 * candidate refitted on all the data. Nested pipeline parameters use `step__param` names.
 *
 * @example
 * const search = new GridSearchCV(makePipeline(new StandardScaler(), new LogisticRegression()), { logisticregression__C: [0.1, 1, 10] }, { cv: 5 });
 * search.fit(X, y);              // or: await search.fitAsync(X, y) with nJobs: 2
 * search.bestParams; search.bestScore; search.cvResults.meanTestScore; search.predict(X);
 */
export class GridSearchCV extends BaseSearchCV<typeof gridSchema> {
  static override readonly kind = 'GridSearchCV';
  static override readonly schema = gridSchema;

  constructor(params?: Partial<GridSearchCVParams>);
  constructor(estimator: AnyEstimator, paramGrid: ParamGridSpec | ParamGridSpec[], opts?: Partial<Omit<GridSearchCVParams, 'estimator' | 'paramGrid'>>);
  constructor(a?: unknown, paramGrid?: unknown, opts?: Record<string, unknown>) {
    super(normalizeArgs('GridSearchCV', a, paramGrid, opts, 'paramGrid') as Partial<GridSearchCVParams>);
    if (this.params.estimator === null) throw new InvalidParameterError('estimator', 'an estimator (an object with fit and clone)', null, this.kind);
    new ParameterGrid(this.params.paramGrid); // validates
  }

  protected candidates(): ParamSet[] {
    return [...new ParameterGrid(this.params.paramGrid)];
  }
}
registerEstimator(GridSearchCV);

const randomSchema = {
  ...commonSchema,
  paramDistributions: p.custom<ParamDistributions | ParamDistributions[]>({}, 'an object (or array of objects) mapping names to arrays or distributions with rvs(rng)', (v) => typeof v === 'object' && v !== null),
  nIter: p.int(10, { min: 1, doc: 'Number of sampled candidates.' }),
  randomState: p.randomState(),
};
export type RandomizedSearchCVParams = ParamsOf<typeof randomSchema>;

/**
 * Randomized search (scikit-learn's RandomizedSearchCV): `nIter` candidates drawn by
 * `ParameterSampler` with the same draws as scikit-learn for a given `randomState` (lists only:
 * sampled without replacement from the grid; distributions: `rvs(rng)`).
 *
 * @example
 * const search = new RandomizedSearchCV(new DecisionTreeClassifier({ randomState: 0 }), { maxDepth: randint(1, 12), minSamplesLeaf: [1, 2, 5] }, { nIter: 8, randomState: 0 });
 * search.fit(X, y).bestParams;
 */
export class RandomizedSearchCV extends BaseSearchCV<typeof randomSchema> {
  static override readonly kind = 'RandomizedSearchCV';
  static override readonly schema = randomSchema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: true, stochastic: true, allowNaN: false };

  constructor(params?: Partial<RandomizedSearchCVParams>);
  constructor(estimator: AnyEstimator, paramDistributions: ParamDistributions | ParamDistributions[], opts?: Partial<Omit<RandomizedSearchCVParams, 'estimator' | 'paramDistributions'>>);
  constructor(a?: unknown, dists?: unknown, opts?: Record<string, unknown>) {
    super(normalizeArgs('RandomizedSearchCV', a, dists, opts, 'paramDistributions') as Partial<RandomizedSearchCVParams>);
    if (this.params.estimator === null) throw new InvalidParameterError('estimator', 'an estimator (an object with fit and clone)', null, this.kind);
    new ParameterSampler(this.params.paramDistributions, this.params.nIter); // validates
  }

  protected candidates(): ParamSet[] {
    return [...new ParameterSampler(this.params.paramDistributions, this.params.nIter, this.params.randomState)];
  }
}
registerEstimator(RandomizedSearchCV);

/**
 * Random forests with scikit-learn 1.2.1's algorithm (`sklearn/ensemble/_forest.py`): tree i gets
 * the seed `rng.randint(2**31 - 1)` drawn from the forest's RandomState; its bootstrap sample is
 * `RandomState(seed).randint(0, n, nSamplesBootstrap)` turned into per-sample counts that multiply
 * the sample weights; the tree itself is fitted with `randomState: seed`. Our RandomState is
 * bit-identical to numpy's and our trees to scikit-learn's, so for the same `randomState` the
 * forests are the same as scikit-learn's.
 *
 * `fit` grows the trees in the calling thread; `fitAsync` spreads them over `nJobs` workers of the
 * pool (X shared as a SharedArrayBuffer, trees sent back as typed arrays): same trees either way.
 */
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { parallelMap, resolveNJobs, throwIfAborted, type SignalLike } from '../core/pool.js';
import { checkRandomState, RandomState } from '../core/random.js';
import { checkMemory } from '../core/resources.js';
import { checkArray, checkLabels, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { accuracyScore } from '../metrics/accuracy.js';
import {
  applyTree, binFeatures, checkSampleWeight, commonTreeSchema, computeImportances, fitTree, maxFeaturesSpec, RAND_R_MAX, resolveTreeSpec,
  toColumnMajorF32, type TreeSpec, type TreeTarget,
} from './base.js';
import { checkPoissonTarget, checkRegressionTarget, classWeightFactors, r2Score } from './cart.js';
import type { CriterionName } from './criterion.js';
import { sortPairs, type SplitterData, type TreeArrays } from './splitter.js';

const MAX_INT = 2147483647;
const TASK_MODULE = new URL(`./forest${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

const { maxDepth, minSamplesSplit, minSamplesLeaf, minWeightFractionLeaf, maxLeafNodes, minImpurityDecrease, ccpAlpha, maxBins, randomState } = commonTreeSchema;
const forestCommon = {
  nEstimators: p.int(100, { min: 1, doc: 'Number of trees.' }),
  maxDepth, minSamplesSplit, minSamplesLeaf, minWeightFractionLeaf, maxLeafNodes, minImpurityDecrease,
  bootstrap: p.bool(true, 'Fit each tree on a bootstrap sample (else on the whole data).'),
  oobScore: p.bool(false, 'Score on out-of-bag samples (needs bootstrap).'),
  nJobs: p.nullable(p.int(1), null),
  randomState,
  ccpAlpha,
  maxSamples: p.anyOf<number | null>(null, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true }), p.oneOf([null] as const, null)], 'Bootstrap sample size: int, fraction of n in (0, 1], or null (n).'),
  splitter: p.oneOf(['best', 'hist'] as const, 'best', "Split search of the trees ('hist': pre-binned features; a deepmine extension)."),
  maxBins,
};

const classifierSchema = {
  criterion: p.oneOf(['gini', 'entropy', 'log_loss'] as const, 'gini'),
  maxFeatures: maxFeaturesSpec('sqrt'),
  classWeight: p.anyOf<'balanced' | 'balanced_subsample' | Record<string, number> | null>(null, [p.oneOf(['balanced', 'balanced_subsample', null] as const, null), p.custom({}, 'an object mapping class labels to weights', (v) => typeof v === 'object' && v !== null && !Array.isArray(v))]),
  ...forestCommon,
};
const regressorSchema = {
  criterion: p.oneOf(['squared_error', 'friedman_mse', 'absolute_error', 'poisson'] as const, 'squared_error'),
  /** null (default) = all features, scikit-learn's 1.0 (a JS number 1 means one feature) */
  maxFeatures: maxFeaturesSpec(null),
  ...forestCommon,
};
export type RandomForestClassifierParams = ParamsOf<typeof classifierSchema>;
export type RandomForestRegressorParams = ParamsOf<typeof regressorSchema>;

/** Python's round() (half to even), as `_get_n_samples_bootstrap` uses. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Everything a worker needs to grow a chunk of trees (typed arrays may sit on SharedArrayBuffers). */
export interface ForestJob {
  n: number;
  d: number;
  Xc: Float32Array;
  bins?: Uint8Array;
  binsRow?: Uint8Array;
  binEdges?: Float64Array[];
  /** per-feature argsort of all n rows, d x n (classification presort) */
  order?: Int32Array;
  target: TreeTarget;
  sw: Float64Array;
  spec: TreeSpec;
  bootstrap: boolean;
  nSamplesBootstrap: number;
  /** balanced_subsample: recompute balanced class weights on each bootstrap sample */
  subsample: { classes: Label[] } | null;
  seeds: number[];
}

/** Per-sample bootstrap counts of the tree with this seed (scikit-learn's `_generate_sample_indices`). */
export function bootstrapIndices(seed: number, n: number, nBoot: number): Float64Array {
  return new RandomState(seed).randint(0, n, nBoot);
}

/** Worker task (also run in-thread): grow the trees of `job.seeds`. */
export function buildForestChunk(job: ForestJob): TreeArrays[] {
  const data: SplitterData = { n: job.n, d: job.d, Xc: job.Xc, bins: job.bins, binsRow: job.binsRow, binEdges: job.binEdges, order: job.order };
  return job.seeds.map((seed) => {
    let sw = job.sw;
    if (job.bootstrap) {
      const idx = bootstrapIndices(seed, job.n, job.nSamplesBootstrap);
      const counts = new Float64Array(job.n);
      for (let t = 0; t < idx.length; t++) counts[idx[t]!]!++;
      sw = new Float64Array(job.n);
      for (let i = 0; i < job.n; i++) sw[i] = job.sw[i]! * counts[i]!;
      if (job.subsample && job.target.kind === 'class') {
        const f = classWeightFactors('balanced', job.subsample.classes, job.target.y, idx);
        for (let i = 0; i < job.n; i++) sw[i]! *= f[i]!;
      }
    }
    const treeSeed = new RandomState(seed).randint(0, RAND_R_MAX);
    return fitTree(data, job.target, sw, job.spec, treeSeed);
  });
}

interface ForestState {
  nFeatures: number;
  trees: TreeArrays[];
  seeds: number[];
  nSamplesBootstrap: number;
  featureImportances: Float64Array;
  oobScore: number | null;
}
export interface RandomForestClassifierState extends ForestState {
  classes: Label[];
  /** n x nClasses out-of-bag class probabilities (oobScore only). */
  oobDecisionFunction: Matrix | null;
}
export interface RandomForestRegressorState extends ForestState {
  /** 0 for a 1-D y, else the number of outputs. */
  nOutputs: number;
  oobPrediction: Float64Array | null;
}

type AnyForestParams = RandomForestClassifierParams | RandomForestRegressorParams;

function toShared<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(a: T): T {
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/**
 * A deliberately low estimate of a forest's memory (it guards against absurd sizes such as
 * nEstimators 1e9, not against every large forest): leaves ~ bootstrap rows / (4 minSamplesLeaf),
 * capped by maxLeafNodes and 2^maxDepth; ~48 bytes per node plus the node values.
 */
function forestBytesEstimate(P: AnyForestParams, nBoot: number, target: TreeTarget): number {
  const msl = typeof P.minSamplesLeaf === 'number' && P.minSamplesLeaf >= 1 ? P.minSamplesLeaf : 1;
  let leaves = Math.max(1, Math.floor(nBoot / (4 * msl)));
  if (P.maxLeafNodes !== null) leaves = Math.min(leaves, P.maxLeafNodes);
  if (P.maxDepth !== null) leaves = Math.min(leaves, 2 ** Math.min(P.maxDepth, 60));
  const values = target.kind === 'class' ? target.nClasses.reduce((a, b) => a + b, 0) : target.nOutputs;
  return P.nEstimators * (2 * leaves - 1) * (48 + 8 * values) + P.nEstimators * 64;
}

/** Prepare jobs: validated data, resolved tree spec, per-tree seeds. */
function prepareForest(P: AnyForestParams, m: Matrix, target: TreeTarget, sw: Float64Array, criterion: CriterionName, subsample: { classes: Label[] } | null, shared: boolean, owner: string): ForestJob {
  const n = m.rows, d = m.cols;
  if (!P.bootstrap && P.maxSamples !== null) throw new InvalidParameterError('maxSamples', 'null when bootstrap is false', P.maxSamples, owner);
  if (!P.bootstrap && P.oobScore) throw new InvalidParameterError('oobScore', 'false when bootstrap is false (out-of-bag estimation needs bootstrap)', P.oobScore, owner);
  let nBoot = n;
  if (P.maxSamples !== null) {
    if (Number.isInteger(P.maxSamples) && P.maxSamples > 1) {
      if (P.maxSamples > n) throw new InvalidParameterError('maxSamples', `<= the number of samples ${n}`, P.maxSamples, owner);
      nBoot = P.maxSamples;
    } else nBoot = Math.max(1, roundHalfEven(n * P.maxSamples));
  }
  const spec = resolveTreeSpec({ ...P, splitter: P.splitter, maxFeatures: P.maxFeatures }, criterion, n, d, owner);
  checkMemory(`${P.nEstimators.toLocaleString('en-US')} trees`, forestBytesEstimate(P, nBoot, target), { owner, hint: 'lower nEstimators (or bound the trees with maxDepth / maxLeafNodes / minSamplesLeaf)' });
  const rng = checkRandomState(P.randomState, 'randomState', owner);
  const seeds: number[] = [];
  for (let t = 0; t < P.nEstimators; t++) seeds.push(rng.randint(0, MAX_INT));
  let Xc = toColumnMajorF32(m);
  let job: ForestJob = { n, d, Xc, target, sw, spec, bootstrap: P.bootstrap, nSamplesBootstrap: nBoot, subsample, seeds };
  if (P.splitter === 'hist') Object.assign(job, binFeatures(Xc, n, d, P.maxBins));
  else if (target.kind === 'class') {
    // argsort each feature once for all trees (the presorting splitter filters it per bootstrap)
    const order = new Int32Array(n * d);
    const keys = new Float64Array(n);
    for (let f = 0; f < d; f++) {
      const o = order.subarray(f * n, f * n + n);
      for (let i = 0; i < n; i++) { o[i] = i; keys[i] = Xc[f * n + i]!; }
      sortPairs(keys, o, 0, n - 1);
    }
    job.order = order;
  }
  if (shared) {
    Xc = toShared(Xc);
    job = { ...job, Xc, sw: toShared(sw), order: job.order && toShared(job.order), bins: job.bins && toShared(job.bins), binsRow: job.binsRow && toShared(job.binsRow),
      target: target.kind === 'class' ? { ...target, y: toShared(target.y) } : { ...target, y: toShared(target.y) } };
  }
  return job;
}

async function runJobs(job: ForestJob, nJobs: number | null, owner: string, signal?: SignalLike | null): Promise<TreeArrays[]> {
  const k = Math.min(resolveNJobs(nJobs, owner), job.seeds.length);
  throwIfAborted(signal, owner);
  if (k <= 1) return buildForestChunk(job);
  const chunks: number[][] = Array.from({ length: k }, () => []);
  // contiguous chunks keep tree order; sizes differ by at most one
  const per = Math.ceil(job.seeds.length / k);
  job.seeds.forEach((s, t) => chunks[Math.floor(t / per)]!.push(s));
  const parts = await parallelMap<TreeArrays[]>(k, TASK_MODULE, 'buildForestChunk', chunks.filter((c) => c.length).map((seeds) => [{ ...job, seeds }]), { signal, owner });
  return parts.flat();
}

/** Mean of per-tree normalised MDI over trees with a split, renormalised (scikit-learn). */
function forestImportances(trees: TreeArrays[], d: number): Float64Array {
  const acc = new Float64Array(d);
  let cnt = 0;
  for (const t of trees) {
    if (t.nodeCount <= 1) continue;
    const imp = computeImportances(t, d);
    for (let j = 0; j < d; j++) acc[j]! += imp[j]!;
    cnt++;
  }
  if (cnt === 0) return acc;
  let s = 0;
  for (let j = 0; j < d; j++) { acc[j]! /= cnt; s += acc[j]!; }
  for (let j = 0; j < d; j++) acc[j]! /= s;
  return acc;
}

/** Rows not drawn in the tree's bootstrap sample. */
function unsampled(seed: number, n: number, nBoot: number): number[] {
  const idx = bootstrapIndices(seed, n, nBoot);
  const seen = new Uint8Array(n);
  for (let t = 0; t < idx.length; t++) seen[idx[t]!] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!seen[i]) out.push(i);
  return out;
}

/**
 * Random forest classifier reproducing scikit-learn's RandomForestClassifier: for the same
 * `randomState`, the same bootstrap samples, the same trees and the same probabilities.
 *
 * @example
 * const rf = new RandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(X, y);
 * rf.predict(X); rf.predictProba(X); rf.featureImportances;
 * await new RandomForestClassifier({ nJobs: 2, randomState: 0 }).fitAsync(X, y); // same forest, 2 workers
 */
export class RandomForestClassifier extends Estimator<typeof classifierSchema, RandomForestClassifierState> {
  static override readonly kind = 'RandomForestClassifier';
  static override readonly schema = classifierSchema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: true, allowNaN: false };

  constructor(params: Partial<RandomForestClassifierParams> = {}) {
    super(params);
  }

  private prepare(X: MatrixLike, y: LabelsLike, sampleWeight: ArrayLike<number> | null | undefined, shared: boolean) {
    const owner = this.kind;
    const m = checkArray(X, { owner });
    const { classes, encoded } = checkLabels(y, m.rows, { owner });
    const P = this.params;
    const sw = checkSampleWeight(sampleWeight, m.rows, owner);
    const cw = P.classWeight;
    if (cw !== null && (cw !== 'balanced_subsample' || !P.bootstrap)) {
      const f = classWeightFactors(cw === 'balanced_subsample' ? 'balanced' : (cw as 'balanced' | Record<string, number>), classes, encoded);
      for (let i = 0; i < m.rows; i++) sw[i]! *= f[i]!;
    }
    const subsample = cw === 'balanced_subsample' && P.bootstrap ? { classes } : null;
    const job = prepareForest(P, m, { kind: 'class', y: encoded, nClasses: Int32Array.of(classes.length) }, sw, P.criterion, subsample, shared, owner);
    return { m, classes, encoded, job };
  }

  private finish(m: Matrix, classes: Label[], encoded: Int32Array, job: ForestJob, trees: TreeArrays[]): this {
    const P = this.params;
    const state: RandomForestClassifierState = {
      classes, nFeatures: m.cols, trees, seeds: job.seeds, nSamplesBootstrap: job.nSamplesBootstrap,
      featureImportances: forestImportances(trees, m.cols), oobScore: null, oobDecisionFunction: null,
    };
    if (P.oobScore) {
      const n = m.rows, k = classes.length;
      const oob = Matrix.zeros(n, k);
      const cnt = new Int32Array(n);
      trees.forEach((t, ti) => {
        const rows = unsampled(job.seeds[ti]!, n, job.nSamplesBootstrap);
        const sub = m.takeRows(rows);
        const proba = treeProba(t, sub.data, sub.rows, sub.cols, k);
        rows.forEach((i, r) => { for (let c = 0; c < k; c++) oob.data[i * k + c]! += proba[r * k + c]!; cnt[i]!++; });
      });
      for (let i = 0; i < n; i++) { const c = cnt[i] === 0 ? 1 : cnt[i]!; for (let j = 0; j < k; j++) oob.data[i * k + j]! /= c; }
      let correct = 0;
      for (let i = 0; i < n; i++) {
        let b = 0;
        for (let j = 1; j < k; j++) if (oob.data[i * k + j]! > oob.data[i * k + b]!) b = j;
        if (b === encoded[i]) correct++;
      }
      state.oobScore = correct / n;
      state.oobDecisionFunction = oob;
    }
    this._state = state;
    return this;
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const { m, classes, encoded, job } = this.prepare(X, y, sampleWeight, false);
    return this.finish(m, classes, encoded, job, buildForestChunk(job));
  }

  /** `fit` with the trees grown on `nJobs` workers (same forest as `fit`); `signal` cancels (AbortError). */
  async fitAsync(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null, opts: { signal?: SignalLike | null } = {}): Promise<this> {
    const shared = resolveNJobs(this.params.nJobs, this.kind) > 1;
    const { m, classes, encoded, job } = this.prepare(X, y, sampleWeight, shared);
    return this.finish(m, classes, encoded, job, await runJobs(job, this.params.nJobs, this.kind, opts.signal));
  }

  get classes(): Label[] { return this.fitted.classes; }
  get trees(): TreeArrays[] { return this.fitted.trees; }
  get featureImportances(): Float64Array { return this.fitted.featureImportances; }
  /** Out-of-bag accuracy (oobScore: true). */
  get oobScore(): number | null { return this.fitted.oobScore; }
  get oobDecisionFunction(): Matrix | null { return this.fitted.oobDecisionFunction; }

  /** Mean of the trees' class probabilities. */
  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const k = s.classes.length;
    const out = Matrix.zeros(m.rows, k);
    for (const t of s.trees) {
      const p = treeProba(t, m.data, m.rows, m.cols, k);
      for (let i = 0; i < p.length; i++) out.data[i]! += p[i]!;
    }
    for (let i = 0; i < out.data.length; i++) out.data[i]! /= s.trees.length;
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

  score(X: MatrixLike, y: LabelsLike): number {
    return accuracyScore(y as ArrayLike<Label>, this.predict(X));
  }
}
registerEstimator(RandomForestClassifier);

/** One tree's normalised class probabilities, n x k. */
function treeProba(t: TreeArrays, X: Float64Array, n: number, d: number, k: number): Float64Array {
  const leaves = applyTree(t, X, n, d);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const off = leaves[i]! * k;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += t.value[off + c]!;
    if (sum === 0) sum = 1;
    for (let c = 0; c < k; c++) out[i * k + c] = t.value[off + c]! / sum;
  }
  return out;
}

/**
 * Random forest regressor reproducing scikit-learn's RandomForestRegressor (all features at each
 * split by default, scikit-learn's `max_features=1.0`, i.e. bagged trees); y may be 2-D.
 *
 * @example
 * const rf = new RandomForestRegressor({ nEstimators: 50, randomState: 0 }).fit(X, y);
 * rf.predict(X); rf.score(X, y);
 */
export class RandomForestRegressor extends Estimator<typeof regressorSchema, RandomForestRegressorState> {
  static override readonly kind = 'RandomForestRegressor';
  static override readonly schema = regressorSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: true, allowNaN: false, multiOutput: true };

  constructor(params: Partial<RandomForestRegressorParams> = {}) {
    super(params);
  }

  private prepare(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight: ArrayLike<number> | null | undefined, shared: boolean) {
    const owner = this.kind;
    const m = checkArray(X, { owner });
    const t = checkRegressionTarget(y, m.rows, owner);
    const P = this.params;
    if (P.criterion === 'poisson') checkPoissonTarget(t.y, t.nOutputs, owner);
    const sw = checkSampleWeight(sampleWeight, m.rows, owner);
    const job = prepareForest(P, m, { kind: 'reg', y: t.y, nOutputs: t.nOutputs }, sw, P.criterion, null, shared, owner);
    return { m, t, job };
  }

  private finish(m: Matrix, t: { y: Float64Array; nOutputs: number; is2d: boolean }, job: ForestJob, trees: TreeArrays[]): this {
    const state: RandomForestRegressorState = {
      nFeatures: m.cols, nOutputs: t.is2d ? t.nOutputs : 0, trees, seeds: job.seeds, nSamplesBootstrap: job.nSamplesBootstrap,
      featureImportances: forestImportances(trees, m.cols), oobScore: null, oobPrediction: null,
    };
    if (this.params.oobScore) {
      const n = m.rows, k = t.nOutputs;
      const oob = new Float64Array(n * k);
      const cnt = new Int32Array(n);
      trees.forEach((tr, ti) => {
        const rows = unsampled(job.seeds[ti]!, n, job.nSamplesBootstrap);
        const sub = m.takeRows(rows);
        const leaves = applyTree(tr, sub.data, sub.rows, sub.cols);
        rows.forEach((i, r) => { for (let j = 0; j < k; j++) oob[i * k + j]! += tr.value[leaves[r]! * k + j]!; cnt[i]!++; });
      });
      for (let i = 0; i < n; i++) { const c = cnt[i] === 0 ? 1 : cnt[i]!; for (let j = 0; j < k; j++) oob[i * k + j]! /= c; }
      state.oobPrediction = oob;
      state.oobScore = r2Score(t.y, oob, k);
    }
    this._state = state;
    return this;
  }

  fit(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight?: ArrayLike<number> | null): this {
    const { m, t, job } = this.prepare(X, y, sampleWeight, false);
    return this.finish(m, t, job, buildForestChunk(job));
  }

  /** `fit` with the trees grown on `nJobs` workers (same forest as `fit`); `signal` cancels (AbortError). */
  async fitAsync(X: MatrixLike, y: LabelsLike | MatrixLike, sampleWeight?: ArrayLike<number> | null, opts: { signal?: SignalLike | null } = {}): Promise<this> {
    const shared = resolveNJobs(this.params.nJobs, this.kind) > 1;
    const { m, t, job } = this.prepare(X, y, sampleWeight, shared);
    return this.finish(m, t, job, await runJobs(job, this.params.nJobs, this.kind, opts.signal));
  }

  get trees(): TreeArrays[] { return this.fitted.trees; }
  get featureImportances(): Float64Array { return this.fitted.featureImportances; }
  /** Out-of-bag R^2 (oobScore: true). */
  get oobScore(): number | null { return this.fitted.oobScore; }

  /** Mean of the trees' predictions (row-major n x nOutputs for a 2-D y). */
  predict(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const k = Math.max(1, s.nOutputs);
    const out = new Float64Array(m.rows * k);
    for (const t of s.trees) {
      const leaves = applyTree(t, m.data, m.rows, m.cols);
      for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out[i * k + j]! += t.value[leaves[i]! * k + j]!;
    }
    for (let i = 0; i < out.length; i++) out[i]! /= s.trees.length;
    return out;
  }

  score(X: MatrixLike, y: LabelsLike | MatrixLike): number {
    const pred = this.predict(X);
    const t = checkRegressionTarget(y, pred.length / Math.max(1, this.fitted.nOutputs), this.kind);
    return r2Score(t.y, pred, t.nOutputs);
  }
}
registerEstimator(RandomForestRegressor);


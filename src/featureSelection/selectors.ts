import { DataError, InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, reviveValue, type Capabilities, type SavedModel } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { isEstimatorLike, p, type ParamsOf, type Schema } from '../core/params.js';
import { checkArray, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { featureNamesIn, namesOf, quantileSorted } from '../preprocessing/_base.js';
import { mutualInfoClassif, mutualInfoRegression } from './mutualInfo.js';
import { chi2, fClassif, fRegression, type UnivariateResult } from './univariate.js';

/** Named score functions (named ones persist to JSON; a custom function does not). */
export const SCORE_FUNCTIONS = {
  f_classif: fClassif,
  chi2,
  f_regression: fRegression,
  mutual_info_classif: (X: MatrixLike, y: LabelsLike): UnivariateResult => {
    const scores = mutualInfoClassif(X, y, { randomState: 0 });
    return { scores, pvalues: new Float64Array(scores.length).fill(NaN) };
  },
  /** Seeded with randomState 0 so that a fitted selector is reproducible. */
  mutual_info_regression: (X: MatrixLike, y: LabelsLike): UnivariateResult => {
    const scores = mutualInfoRegression(X, y as ArrayLike<number>, { randomState: 0 });
    return { scores, pvalues: new Float64Array(scores.length).fill(NaN) };
  },
} as const;
export type ScoreFuncName = keyof typeof SCORE_FUNCTIONS;
type ScoreFunc = (X: MatrixLike, y: LabelsLike) => UnivariateResult | Float64Array;

/** Shared by the selectors: keep columns by a boolean mask; names; inverse. */
abstract class SelectorBase<S extends Schema, St extends { support: Uint8Array; featureNamesIn: string[] | null }> extends Estimator<S, St> {
  /** Boolean mask of the kept features (scikit-learn's `get_support()`). */
  getSupport(indices = false): Uint8Array | Int32Array {
    const s = this.fitted.support;
    return indices ? Int32Array.from(Array.from(s).flatMap((v, j) => (v ? [j] : []))) : s.slice();
  }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: (this.constructor as unknown as { capabilities: Capabilities }).capabilities.allowNaN, nFeatures: s.support.length });
    return m.takeCols(this.getSupport(true));
  }

  /** Put the kept columns back in place, zeros elsewhere. */
  inverseTransform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const idx = this.getSupport(true);
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: idx.length });
    const d = s.support.length;
    const out = new Float64Array(m.rows * d);
    for (let i = 0; i < m.rows; i++) for (let k = 0; k < idx.length; k++) out[i * d + idx[k]!] = m.data[i * idx.length + k]!;
    return new Matrix(out, m.rows, d);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const names = featureNamesIn(this.kind, s.support.length, s.featureNamesIn, inputFeatures);
    return names.filter((_, j) => s.support[j]);
  }
}

// ---------------------------------------------------------------------------------------------

const vtSchema = { threshold: p.num(0, { min: 0, doc: 'Features with a training-set variance not above this are removed.' }) };
export interface VarianceThresholdState { variances: Float64Array; support: Uint8Array; featureNamesIn: string[] | null }

/**
 * Remove low-variance features (scikit-learn's VarianceThreshold): population variance (NaN
 * ignored); with threshold 0 the peak-to-peak range is used too, so constant columns are always
 * removed despite rounding. Throws a DataError when no feature passes.
 *
 * @example
 * new VarianceThreshold().fitTransform([[0, 2, 0], [0, 1, 4], [0, 1, 1]]).toArray(); // drops column 0
 */
export class VarianceThreshold extends SelectorBase<typeof vtSchema, VarianceThresholdState> {
  static override readonly kind = 'VarianceThreshold';
  static override readonly schema = vtSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<ParamsOf<typeof vtSchema>> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, allowNaN: true });
    const n = m.rows, d = m.cols;
    const sum = new Float64Array(d), cnt = new Float64Array(d), lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
    let anyNaN = false;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
      const v = m.data[i * d + j]!;
      if (v === v) { sum[j]! += v; cnt[j]!++; if (v < lo[j]!) lo[j] = v; if (v > hi[j]!) hi[j] = v; } else anyNaN = true;
    }
    const mean = sum.map((s, j) => s / cnt[j]!);
    const q = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const v = m.data[i * d + j]!; if (v === v) q[j]! += (v - mean[j]!) ** 2; }
    const variances = q.map((s, j) => s / cnt[j]!);
    const t = this.params.threshold;
    if (t === 0) {
      for (let j = 0; j < d; j++) {
        // np.ptp is NaN for a column with NaN; nanmin then keeps the variance
        const ptp = anyNaN && cnt[j]! < n ? NaN : hi[j]! - lo[j]!;
        if (ptp === ptp && !(variances[j]! <= ptp)) variances[j] = ptp;
      }
    }
    const support = Uint8Array.from(variances, (v) => (Number.isFinite(v) && v > t ? 1 : 0));
    if (!support.some((v) => v)) throw new DataError('X', `at least one feature with variance > threshold ${t}`, 'no feature meets the variance threshold', this.kind);
    this._state = { variances, support, featureNamesIn: namesOf(X) };
    return this;
  }

  get variances(): Float64Array { return this.fitted.variances; }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }
}
registerEstimator(VarianceThreshold);

// ---------------------------------------------------------------------------------------------

const scoreFuncSpec = p.custom<ScoreFuncName | ScoreFunc>('f_classif', `one of ${Object.keys(SCORE_FUNCTIONS).join(', ')} or a function (X, y) => {scores, pvalues} | scores`, (v) => typeof v === 'function' || (typeof v === 'string' && v in SCORE_FUNCTIONS), 'Univariate statistic used to rank features.');
export interface UnivariateSelectorState { scores: Float64Array; pvalues: Float64Array | null; support: Uint8Array; featureNamesIn: string[] | null }

function runScore(fn: ScoreFuncName | ScoreFunc, X: Matrix, y: LabelsLike, owner: string): { scores: Float64Array; pvalues: Float64Array | null } {
  const f = typeof fn === 'string' ? SCORE_FUNCTIONS[fn] : fn;
  const r = f(X, y);
  const out = r instanceof Float64Array ? { scores: r, pvalues: null } : { scores: r.scores, pvalues: r.pvalues };
  // a custom scoreFunc returning the wrong length would silently select the wrong columns
  if (!out.scores || out.scores.length !== X.cols) throw new DataError('scoreFunc', `scores for each of the ${X.cols} features`, out.scores, owner);
  return out;
}

/** scikit-learn `_clean_nans`: NaN scores rank lowest. */
function cleanNaNs(s: Float64Array): Float64Array {
  return s.map((v) => (Number.isNaN(v) ? -Number.MAX_VALUE : v));
}

/** SelectKBest and SelectPercentile: score every feature with `scoreFunc`, then keep a subset chosen from the scores. */
abstract class UnivariateSelector<S extends Schema & { scoreFunc: typeof scoreFuncSpec }> extends SelectorBase<S, UnivariateSelectorState> {
  /** Reject parameters that do not suit a d-column X (runs before scoring). */
  protected checkWidth(_d: number): void {}
  /** Mask of the kept features for these scores (d of them). */
  protected abstract select(scores: Float64Array, d: number): Uint8Array;

  fit(X: MatrixLike, y: LabelsLike): this {
    const m = checkArray(X, { owner: this.kind });
    this.checkWidth(m.cols);
    const { scores, pvalues } = runScore(this.params.scoreFunc as ScoreFuncName | ScoreFunc, m, y, this.kind);
    this._state = { scores, pvalues, support: this.select(scores, m.cols), featureNamesIn: namesOf(X) };
    return this;
  }

  get scores(): Float64Array { return this.fitted.scores; }
  get pvalues(): Float64Array | null { return this.fitted.pvalues; }

  fitTransform(X: MatrixLike, y: LabelsLike): Matrix {
    return this.fit(X, y).transform(X);
  }
}

const kBestSchema = {
  scoreFunc: scoreFuncSpec,
  k: p.custom<number | 'all'>(10, "an integer >= 0 or 'all'", (v) => v === 'all' || (typeof v === 'number' && Number.isInteger(v) && v >= 0), 'Number of top features to keep.'),
};

/**
 * Keep the `k` highest-scoring features (scikit-learn's SelectKBest). Ties at the cut keep the
 * later column, as scikit-learn's stable `argsort(scores)[-k:]`. NaN scores rank lowest.
 *
 * @example
 * const sel = new SelectKBest({ scoreFunc: 'chi2', k: 2 }).fit(X, y);
 * sel.getSupport(true); sel.scores; sel.pvalues;
 */
export class SelectKBest extends UnivariateSelector<typeof kBestSchema> {
  static override readonly kind = 'SelectKBest';
  static override readonly schema = kBestSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<ParamsOf<typeof kBestSchema>> = {}) {
    super(params);
  }

  protected override checkWidth(d: number): void {
    const k = this.params.k;
    if (k !== 'all' && k > d) throw new InvalidParameterError('k', `<= n_features = ${d}, or 'all'`, k, this.kind);
  }

  protected select(scores: Float64Array, d: number): Uint8Array {
    const k = this.params.k;
    const support = new Uint8Array(d);
    if (k === 'all') support.fill(1);
    else if (k > 0) {
      const sc = cleanNaNs(scores);
      const order = Array.from(sc.keys()).sort((a, b) => sc[a]! - sc[b]! || a - b);
      for (const j of order.slice(order.length - k)) support[j] = 1;
    }
    return support;
  }
}
registerEstimator(SelectKBest);

const percSchema = {
  scoreFunc: scoreFuncSpec,
  percentile: p.num(10, { min: 0, max: 100, doc: 'Percent of features to keep.' }),
};

/**
 * Keep the top `percentile` percent of features (scikit-learn's SelectPercentile): scores above
 * numpy's percentile(scores, 100 - percentile), then ties at the threshold in column order up to
 * `floor(d * percentile / 100)` features.
 *
 * @example
 * new SelectPercentile({ scoreFunc: 'f_classif', percentile: 20 }).fitTransform(X, y);
 */
export class SelectPercentile extends UnivariateSelector<typeof percSchema> {
  static override readonly kind = 'SelectPercentile';
  static override readonly schema = percSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<ParamsOf<typeof percSchema>> = {}) {
    super(params);
  }

  protected select(scores: Float64Array, d: number): Uint8Array {
    const pc = this.params.percentile;
    const support = new Uint8Array(d);
    if (pc === 100) support.fill(1);
    else if (pc > 0) {
      const sc = cleanNaNs(scores);
      const thr = quantileSorted(sc.slice().sort(), (100 - pc) / 100);
      let kept = 0;
      for (let j = 0; j < d; j++) if (sc[j]! > thr) { support[j] = 1; kept++; }
      const maxFeats = Math.trunc((d * pc) / 100);
      for (let j = 0; j < d && kept < maxFeats; j++) if (sc[j] === thr) { support[j] = 1; kept++; }
    }
    return support;
  }
}
registerEstimator(SelectPercentile);

// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Estimator<Schema, unknown> & { fit(X: MatrixLike, y: LabelsLike): unknown; featureImportances?: ArrayLike<number>; coef?: ArrayLike<number> | Matrix; predict?(X: MatrixLike): unknown; score?(X: MatrixLike, y: LabelsLike): number };
const isSaved = (v: unknown): v is SavedModel => !!v && typeof v === 'object' && (v as { format?: unknown }).format === 'deepmine';

const rfeSchema = {
  estimator: p.estimator<AnyModel | null>(null, { expected: 'an estimator exposing featureImportances or coef after fit', check: (v) => v instanceof Estimator, doc: 'Model refitted on shrinking feature sets.' }),
  nFeaturesToSelect: p.custom<number | null>(null, 'null (half), an integer >= 1 or a fraction in (0, 1)', (v) => v === null || (typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))), 'Number (or fraction) of features to keep.'),
  step: p.custom<number>(1, 'an integer >= 1 or a fraction in (0, 1)', (v) => typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1)), 'Features removed per iteration (or fraction of all features).'),
};
export type RFEParams = ParamsOf<typeof rfeSchema>;
export interface RFEState { support: Uint8Array; ranking: Int32Array; estimator: AnyModel; featureNamesIn: string[] | null }

/**
 * Recursive feature elimination (scikit-learn's RFE) over any deepmine estimator that exposes
 * `featureImportances` or `coef` after fit: refit on the surviving features, drop the `step`
 * least important (importances, or squared coefficients summed over classes), repeat until
 * `nFeaturesToSelect` remain. The order of equal importances follows numpy's (introsort) argsort,
 * so rankings match scikit-learn's even with ties.
 *
 * @example
 * const rfe = new RFE({ estimator: new DecisionTreeClassifier({ randomState: 0 }), nFeaturesToSelect: 5 }).fit(X, y);
 * rfe.ranking; rfe.getSupport(true); rfe.predict(X);
 */
export class RFE extends SelectorBase<typeof rfeSchema, RFEState> {
  static override readonly kind = 'RFE';
  static override readonly schema = rfeSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: true, stochastic: false, allowNaN: false };

  /** `new RFE(estimator, opts)` or `new RFE({ estimator, ...opts })`. */
  constructor(params?: Partial<RFEParams>);
  constructor(estimator: AnyModel, opts?: Partial<Omit<RFEParams, 'estimator'>>);
  constructor(a: unknown = {}, opts: Partial<Omit<RFEParams, 'estimator'>> = {}) {
    const params = (isEstimatorLike(a) ? { ...opts, estimator: a } : a) as Partial<RFEParams>;
    const est = (params as { estimator?: unknown }).estimator;
    super(isSaved(est) ? { ...params, estimator: reviveValue(est) as AnyModel } : params);
  }

  fit(X: MatrixLike, y: LabelsLike): this {
    const base = this.params.estimator;
    if (!base) throw new InvalidParameterError('estimator', 'an estimator exposing featureImportances or coef', null, this.kind);
    const m = checkArray(X, { owner: this.kind });
    const d = m.cols;
    const nf = this.params.nFeaturesToSelect;
    const target = nf === null ? Math.floor(d / 2) : Number.isInteger(nf) ? nf : Math.trunc(d * nf);
    const st = this.params.step;
    const step = Number.isInteger(st) ? st : Math.trunc(Math.max(1, st * d));
    const support = new Uint8Array(d).fill(1);
    const ranking = new Int32Array(d).fill(1);
    let alive = d;
    while (alive > target) {
      const features = Array.from(support.keys()).filter((j) => support[j]);
      const est = base.clone();
      est.fit(m.takeCols(features), y);
      const imp = importances(est, this.kind);
      const ranks = argsortNumpy(imp);
      const thr = Math.min(step, alive - target);
      for (let t = 0; t < thr; t++) support[features[ranks[t]!]!] = 0;
      for (let j = 0; j < d; j++) if (!support[j]) ranking[j]!++;
      alive -= thr;
    }
    const final = base.clone();
    final.fit(m.takeCols(Array.from(support.keys()).filter((j) => support[j])), y);
    this._state = { support, ranking, estimator: final, featureNamesIn: namesOf(X) };
    return this;
  }

  /** The wrapped estimator's type ('classifier' ...), as scikit-learn's RFE `_estimator_type`: a search over an RFE of a classifier uses stratified folds. */
  get estimatorType(): string {
    const e = this.params.estimator as unknown as { estimatorType?: string; constructor: { capabilities?: { type: string } } } | null;
    return e ? (e.estimatorType ?? e.constructor.capabilities?.type ?? 'other') : 'transformer';
  }

  /** 1 for selected features, larger for features eliminated earlier. */
  get ranking(): Int32Array { return this.fitted.ranking; }
  /** The estimator refitted on the selected features. */
  get estimator(): AnyModel { return this.fitted.estimator; }
  get nFeatures(): number { return this.fitted.support.reduce((a, b) => a + b, 0); }

  fitTransform(X: MatrixLike, y: LabelsLike): Matrix {
    return this.fit(X, y).transform(X);
  }

  /** Predict with the refitted estimator on the selected features. */
  predict(X: MatrixLike): unknown {
    const est = this.fitted.estimator;
    if (typeof est.predict !== 'function') throw new DataError('estimator', 'an estimator with predict()', est.kind, this.kind);
    return est.predict(this.transform(X));
  }

  score(X: MatrixLike, y: LabelsLike): number {
    const est = this.fitted.estimator;
    if (typeof est.score !== 'function') throw new DataError('estimator', 'an estimator with score()', est.kind, this.kind);
    return est.score(this.transform(X), y);
  }

}
registerEstimator(RFE);

function importances(est: AnyModel, owner: string): Float64Array {
  const e = est as unknown as Record<string, unknown>;
  let coef: unknown;
  try { coef = e.coef; } catch { coef = undefined; }
  if (coef != null) {
    if (coef instanceof Matrix) {
      const out = new Float64Array(coef.cols);
      for (let i = 0; i < coef.rows; i++) for (let j = 0; j < coef.cols; j++) out[j]! += coef.get(i, j) ** 2;
      return out;
    }
    return Float64Array.from(coef as ArrayLike<number>, (v) => v * v);
  }
  const fi = e.featureImportances as ArrayLike<number> | undefined;
  if (fi == null) throw new InvalidParameterError('estimator', 'an estimator exposing featureImportances or coef after fit', est.kind, owner);
  return Float64Array.from(fi);
}

/**
 * numpy's default `argsort` (introsort `aquicksort`, numpy <= 1.24) for float64: median-of-3
 * quicksort with insertion sort below 17 elements; NaN sorts last. Reproduces numpy's order of ties.
 */
export function argsortNumpy(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const tosort = Int32Array.from({ length: num }, (_, i) => i);
  if (num < 2) return tosort;
  const less = (a: number, b: number) => a < b || (b !== b && a === a);
  const swap = (i: number, j: number) => { const t = tosort[i]!; tosort[i] = tosort[j]!; tosort[j] = t; };
  let pl = 0, pr = num - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let cdepth = Math.floor(Math.log2(num)) * 2;
  for (;;) {
    if (cdepth < 0) {
      const seg = Array.from(tosort.subarray(pl, pr + 1)).sort((a, b) => (less(v[a]!, v[b]!) ? -1 : less(v[b]!, v[a]!) ? 1 : 0));
      tosort.set(seg, pl);
    } else {
      while (pr - pl > 16) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[tosort[pm]!]!, v[tosort[pl]!]!)) swap(pm, pl);
        if (less(v[tosort[pr]!]!, v[tosort[pm]!]!)) swap(pr, pm);
        if (less(v[tosort[pm]!]!, v[tosort[pl]!]!)) swap(pm, pl);
        const vp = v[tosort[pm]!]!;
        let pi = pl, pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (less(v[tosort[pi]!]!, vp));
          do --pj; while (less(vp, v[tosort[pj]!]!));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) { stack.push(pi + 1, pr); pr = pi - 1; } else { stack.push(pl, pi - 1); pl = pi + 1; }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi]!;
        const vpv = v[vi]!;
        let pj = pi, pk = pi - 1;
        while (pj > pl && less(vpv, v[tosort[pk]!]!)) tosort[pj--] = tosort[pk--]!;
        tosort[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return tosort;
}

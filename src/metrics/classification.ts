/**
 * Classification metrics with scikit-learn 1.2 semantics: confusion matrix, precision / recall /
 * F-beta with binary / micro / macro / weighted averaging, `posLabel`, `labels`, `zeroDivision`,
 * balanced accuracy, Cohen's kappa, MCC, Jaccard, Hamming / zero-one / log / Brier / hinge losses.
 *
 * Numerics follow scikit-learn's order of operations (sample-order accumulation like `np.bincount`,
 * numpy's pairwise summation for 1-D reductions) so results agree with scikit-learn to ~1e-15.
 */
import { DeepmineWarning } from '../core/warnings.js';
import { DataError, InvalidParameterError, ShapeError, describeValue } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Label } from '../core/validation.js';
import { pairwiseSum } from '../core/numeric.js';
import { checkSampleWeight } from '../core/sampleWeight.js';
import { checkLabelArray, fmtLabels, sortLabels } from '../core/labels.js';
import { setWarningHandler, warn, type WarningHandler } from '../core/warnings.js';

export type { Label };

/** A 1-D array of class labels (numbers or strings, not mixed). */
export type LabelArray = ArrayLike<Label>;
/** What to return when a ratio is 0/0: `'warn'` (0 and a warning), 0, 1, or NaN (excluded from averages, as scikit-learn >= 1.3). */
export type ZeroDivision = 'warn' | 0 | 1 | number;
/** Averaging of per-label scores; `null` returns the per-label values. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | 'samples' | null;

// ---------------------------------------------------------------------------------------------
// warnings

/** scikit-learn's `UndefinedMetricWarning` (and the other metric warnings), passed to the warning handler. */
export class UndefinedMetricWarning extends DeepmineWarning {
  override name = 'UndefinedMetricWarning';
}

/**
 * Route warnings (ill-defined precision, missing classes... and, since the channel moved to
 * `core/warnings.ts`, every other deepmine warning). Same as `setWarningHandler`; kept for
 * existing callers. Pass `null` to restore the default; returns the previous handler.
 * @example
 * const seen: string[] = [];
 * setMetricWarningHandler((w) => seen.push(w.message));
 */
export function setMetricWarningHandler(handler: WarningHandler | null): WarningHandler {
  return setWarningHandler(handler);
}

/** @internal */
export function metricWarn(message: string): void {
  warn(new UndefinedMetricWarning(message));
}

// ---------------------------------------------------------------------------------------------
// numeric helpers (internal)

/** @internal numpy's pairwise summation (`ndarray.sum()` on a contiguous 1-D float64 array). */
export const npSum = pairwiseSum;

/** @internal `np.average(a, weights=w)` for 1-D arrays. */
export function npAverage(a: ArrayLike<number>, w?: ArrayLike<number> | null): number {
  if (!w) return npSum(a) / a.length;
  const prod = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) prod[i] = a[i]! * w[i]!;
  const scl = npSum(w);
  if (scl === 0) throw new DataError('sampleWeight', 'weights that do not sum to zero', 'weights summing to 0');
  return npSum(prod) / scl;
}

/** @internal sequential dot product */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// ---------------------------------------------------------------------------------------------
// label validation (internal)

export { sortLabels, fmtLabels, checkLabelArray } from '../core/labels.js';

/** @internal Validate optional sample weights: finite numbers, length n (the shared core check; metrics accept negative and zero-sum weights). */
export function checkWeights(w: ArrayLike<number> | null | undefined, n: number, owner: string, refName = 'yTrue'): Float64Array | null {
  return checkSampleWeight(w, n, owner, { allowNegative: true, allowZeroSum: true, refName: `the length of ${refName}` });
}

interface Targets {
  yTrue: Label[];
  yPred: Label[];
  /** sorted union of the labels in yTrue and yPred */
  present: Label[];
  type: 'binary' | 'multiclass';
  labelType: 'number' | 'string' | null;
}

/** @internal scikit-learn's `_check_targets` for 1-D binary/multiclass label arrays. */
export function checkTargets(yTrue: LabelArray, yPred: LabelArray, owner: string, names: [string, string] = ['yTrue', 'yPred']): Targets {
  const kind = { type: null as 'number' | 'string' | null };
  const t = checkLabelArray(yTrue, names[0], owner, kind);
  const p = checkLabelArray(yPred, names[1], owner, kind);
  if (t.length !== p.length) throw new ShapeError(names[1], `length ${t.length} (the length of ${names[0]})`, `length ${p.length}`, owner);
  if (kind.type === 'number') {
    for (const [arr, nm] of [[t, names[0]], [p, names[1]]] as const) {
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i] as number;
        if (!Number.isInteger(v)) {
          throw new DataError(nm, "discrete class labels (scikit-learn: \"Classification metrics can't handle a mix of binary and continuous targets\")", `continuous value ${v} at index ${i}`, owner);
        }
      }
    }
  }
  const set = new Set<Label>(t);
  for (const v of p) set.add(v);
  const present = sortLabels([...set]);
  return { yTrue: t, yPred: p, present, type: present.length > 2 ? 'multiclass' : 'binary', labelType: kind.type };
}

/** @internal an error whose message is scikit-learn's, with the typed fields of InvalidParameterError. */
export function paramError(param: string, expected: string, received: unknown, owner: string, sklearnMessage?: string): InvalidParameterError {
  const e = new InvalidParameterError(param, expected, received, owner);
  if (sklearnMessage) e.message = `${owner}: ${sklearnMessage}`;
  return e;
}

/** @internal a DataError carrying scikit-learn's message. */
export function dataError(arg: string, expected: string, received: unknown, owner: string, sklearnMessage?: string): DataError {
  const e = new DataError(arg, expected, received, owner);
  if (sklearnMessage) e.message = `${owner}: ${sklearnMessage}`;
  return e;
}

function checkZeroDivision(z: unknown, owner: string): ZeroDivision {
  if (z === 'warn' || z === 0 || z === 1 || (typeof z === 'number' && Number.isNaN(z))) return z as ZeroDivision;
  throw paramError('zeroDivision', "'warn', 0, 1 or NaN", z, owner);
}

// ---------------------------------------------------------------------------------------------
// confusion matrix

export interface ConfusionMatrixOptions {
  /** Labels indexing the matrix (default: sorted union of yTrue and yPred). Samples with other labels are ignored. */
  labels?: readonly Label[] | null;
  sampleWeight?: ArrayLike<number> | null;
  /** Normalize over the true rows, the predicted columns, or all cells. */
  normalize?: 'true' | 'pred' | 'all' | null;
}

/**
 * Confusion matrix `C[i][j]`: samples of true class `labels[i]` predicted as `labels[j]`
 * (scikit-learn's `confusion_matrix`). Binary: `[[tn, fp], [fn, tp]]`.
 * @example
 * confusionMatrix(['cat', 'ant', 'cat'], ['ant', 'ant', 'cat']); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: LabelArray, yPred: LabelArray, opts: ConfusionMatrixOptions = {}): number[][] {
  return confusionCore(yTrue, yPred, opts, 'confusionMatrix').cm;
}

function confusionCore(yTrue: LabelArray, yPred: LabelArray, opts: ConfusionMatrixOptions, owner: string, names?: [string, string]): { cm: number[][]; labels: Label[] } {
  const tg = checkTargets(yTrue, yPred, owner, names);
  const n = tg.yTrue.length;
  const w = checkWeights(opts.sampleWeight, n, owner, names?.[0]);
  const normalize = opts.normalize ?? null;
  if (normalize !== null && normalize !== 'true' && normalize !== 'pred' && normalize !== 'all') {
    throw paramError('normalize', "'true', 'pred', 'all' or null", normalize, owner);
  }
  let labels: Label[];
  if (opts.labels == null) labels = tg.present;
  else {
    labels = [...opts.labels];
    if (labels.length === 0) throw paramError('labels', 'at least one label', opts.labels, owner, "'labels' should contains at least one label.");
    if (n === 0) return { cm: labels.map(() => labels.map(() => 0)), labels };
    const tset = new Set(tg.yTrue);
    if (!labels.some((l) => tset.has(l))) {
      throw paramError('labels', 'at least one label present in yTrue', opts.labels, owner, 'At least one label specified must be in y_true');
    }
  }
  const k = labels.length;
  const index = new Map<Label, number>();
  labels.forEach((l, i) => { if (!index.has(l)) index.set(l, i); });
  const cm: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) {
    const a = index.get(tg.yTrue[i]!);
    const b = index.get(tg.yPred[i]!);
    if (a === undefined || b === undefined) continue;
    cm[a]![b]! += w ? w[i]! : 1;
  }
  if (normalize) {
    if (normalize === 'true') {
      for (const row of cm) {
        const s = npSum(row);
        for (let j = 0; j < k; j++) row[j] = nanToNum(row[j]! / s);
      }
    } else if (normalize === 'pred') {
      const s = colSums(cm);
      for (const row of cm) for (let j = 0; j < k; j++) row[j] = nanToNum(row[j]! / s[j]!);
    } else {
      const s = npSum(cm.flat());
      for (const row of cm) for (let j = 0; j < k; j++) row[j] = nanToNum(row[j]! / s);
    }
  }
  return { cm, labels };
}

function nanToNum(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === -Infinity) return -Number.MAX_VALUE;
  return v;
}

function colSums(cm: number[][]): number[] {
  const k = cm.length ? cm[0]!.length : 0;
  const s = new Array<number>(k).fill(0);
  for (const row of cm) for (let j = 0; j < k; j++) s[j]! += row[j]!;
  return s;
}

// ---------------------------------------------------------------------------------------------
// precision / recall / F

export interface PRFOptions {
  /** Labels to include (and their order when `average` is null). Default: all labels present. */
  labels?: readonly Label[] | null;
  /** The positive class when `average` is 'binary' (default 1). */
  posLabel?: Label;
  /** Averaging (default 'binary' for the *Score functions, null for precisionRecallFscoreSupport). */
  average?: Average;
  sampleWeight?: ArrayLike<number> | null;
  /** Value for 0/0 ratios (default 'warn': 0 plus a warning). */
  zeroDivision?: ZeroDivision;
}

/** Per-label (average null) or averaged precision, recall, F-beta and support. */
export interface PRFResult<T> {
  precision: T;
  recall: T;
  fScore: T;
  /** Support per label (null when averaged, as scikit-learn returns None). */
  support: number[] | null;
  /** The labels of the per-label arrays. */
  labels: Label[];
}

const AVERAGE_OPTIONS = "None, 'micro', 'macro', 'weighted', 'samples'";

/** @internal scikit-learn's `_check_set_wise_labels` */
function checkSetWiseLabels(tg: Targets, average: Average, labels: readonly Label[] | null | undefined, posLabel: Label, owner: string): readonly Label[] | null {
  if (average === 'samples') {
    throw paramError('average', "'binary', 'micro', 'macro', 'weighted' or null (samples averaging needs multilabel targets)", average, owner, 'Samplewise metrics are not available outside of multilabel classification.');
  }
  if (average === 'binary') {
    if (tg.type === 'binary') {
      if (!tg.present.includes(posLabel) && tg.present.length >= 2) {
        throw paramError('posLabel', `one of the labels ${fmtLabels(tg.present)}`, posLabel, owner, `pos_label=${posLabel} is not a valid label. It should be one of ${fmtLabels(tg.present)}`);
      }
      return [posLabel];
    }
    throw paramError('average', "'micro', 'macro', 'weighted' or null for a multiclass target", average, owner,
      "Target is multiclass but average='binary'. Please choose another average setting, one of [None, 'micro', 'macro', 'weighted'].");
  } else if (posLabel !== 1) {
    metricWarn(`Note that pos_label (set to ${typeof posLabel === 'string' ? `'${posLabel}'` : posLabel}) is ignored when average != 'binary' (got ${average === null ? 'None' : `'${average}'`}). You may use labels=[pos_label] to specify a single positive class.`);
  }
  return labels ?? null;
}

function checkAverage(average: unknown, owner: string): Average {
  if (average === null || average === 'binary' || average === 'micro' || average === 'macro' || average === 'weighted' || average === 'samples') return average;
  throw paramError('average', `one of 'binary', 'micro', 'macro', 'weighted', 'samples' or null`, average, owner, `average has to be one of (${AVERAGE_OPTIONS})`);
}

/** @internal per-label tp / pred / true sums (scikit-learn's multilabel_confusion_matrix for 1-D targets). */
function mcmSums(tg: Targets, w: Float64Array | null, labels: readonly Label[] | null) {
  const present = tg.present;
  let all: Label[];
  let nLabels: number;
  if (labels === null) { all = present; nLabels = present.length; } else {
    const given = new Set(labels);
    all = [...labels, ...present.filter((l) => !given.has(l))];
    nLabels = labels.length;
  }
  const sorted = sortLabels([...new Set(all)]);
  const idx = new Map<Label, number>();
  sorted.forEach((l, i) => idx.set(l, i));
  const k = sorted.length;
  const tp = new Float64Array(k);
  const ps = new Float64Array(k);
  const ts = new Float64Array(k);
  for (let i = 0; i < tg.yTrue.length; i++) {
    const a = idx.get(tg.yTrue[i]!)!;
    const b = idx.get(tg.yPred[i]!)!;
    const wi = w ? w[i]! : 1;
    if (a === b) tp[a]! += wi;
    ps[b]! += wi;
    ts[a]! += wi;
  }
  const sel = all.slice(0, nLabels).map((l) => idx.get(l)!);
  const tpS = sel.map((j) => tp[j]!);
  // MCM stores fp = pred - tp and fn = true - tp; precision_recall_fscore_support adds tp back.
  const predS = sel.map((j, i) => tpS[i]! + (ps[j]! - tpS[i]!));
  const trueS = sel.map((j, i) => tpS[i]! + (ts[j]! - tpS[i]!));
  return { tp: tpS, pred: predS, true: trueS, labels: all.slice(0, nLabels) };
}

function prfDivide(num: number[], den: number[], zd: ZeroDivision): { result: number[]; any: boolean } {
  let any = false;
  const result = num.map((v, i) => {
    if (den[i] === 0) { any = true; return zd === 'warn' || zd === 0 ? 0 : zd === 1 ? 1 : NaN; }
    return v / den[i]!;
  });
  return { result, any };
}

function warnPrf(average: Average, modifier: string, msgStart: string, size: number): void {
  const [axis0, axis1] = average === 'samples' ? ['label', 'sample'] : ['sample', 'label'];
  const where = size === 1 ? 'due to' : `in ${axis1}s with`;
  metricWarn(`${msgStart} ill-defined and being set to 0.0 ${where} no ${modifier} ${axis0}s. Use \`zero_division\` parameter to control this behavior.`);
}

/** average ignoring NaN entries (scikit-learn >= 1.3 `_nanaverage`, used for zeroDivision NaN). */
function nanAverage(a: number[], w: number[] | null): number {
  const keep = a.map((v) => !Number.isNaN(v));
  if (!keep.some(Boolean)) return NaN;
  const aa = a.filter((_, i) => keep[i]);
  const ww = w ? w.filter((_, i) => keep[i]) : null;
  if (ww && npSum(ww) === 0) return NaN;
  return npAverage(aa, ww);
}

function prfCore(yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta?: number }, owner: string, warnFor: string[], defaultAverage: Average): PRFResult<number | number[]> {
  const zd = checkZeroDivision(opts.zeroDivision ?? 'warn', owner);
  const beta = opts.beta ?? 1;
  if (typeof beta !== 'number' || Number.isNaN(beta) || beta < 0) throw paramError('beta', 'a number >= 0', beta, owner, 'beta should be >=0 in the F-beta score');
  const average = checkAverage(opts.average === undefined ? defaultAverage : opts.average, owner);
  const tg = checkTargets(yTrue, yPred, owner);
  const w = checkWeights(opts.sampleWeight, tg.yTrue.length, owner);
  const labels = checkSetWiseLabels(tg, average, opts.labels, opts.posLabel ?? 1, owner);
  const s = mcmSums(tg, w, labels);
  let tp = s.tp, pred = s.pred, tru = s.true;
  if (average === 'micro') { tp = [npSum(tp)]; pred = [npSum(pred)]; tru = [npSum(tru)]; }
  const beta2 = beta ** 2;
  const P = prfDivide(tp, pred, zd);
  if (P.any && zd === 'warn' && warnFor.includes('precision')) warnPrf(average, 'predicted', warnFor.includes('f-score') ? 'Precision and F-score are' : 'Precision is', P.result.length);
  const R = prfDivide(tp, tru, zd);
  if (R.any && zd === 'warn' && warnFor.includes('recall')) warnPrf(average, 'true', warnFor.includes('f-score') ? 'Recall and F-score are' : 'Recall is', R.result.length);
  if (zd === 'warn' && warnFor.length === 1 && warnFor[0] === 'f-score') {
    if (tru.some((t, i) => t === 0 && pred[i] === 0)) warnPrf(average, 'true nor predicted', 'F-score is', tru.length);
  }
  const precision = P.result;
  const recall = R.result;
  let f: number[];
  if (beta === Infinity) f = recall.slice();
  else if (typeof zd === 'number' && Number.isNaN(zd)) {
    // scikit-learn >= 1.3 formulation: F = (1 + b^2) tp / (b^2 true + pred), NaN when undefined
    f = tp.map((t, i) => {
      const den = beta2 * tru[i]! + pred[i]!;
      return den === 0 ? NaN : ((1 + beta2) * t) / den;
    });
  } else {
    f = precision.map((p, i) => {
      let den = beta2 * p + recall[i]!;
      if (den === 0) den = 1;
      return ((1 + beta2) * p * recall[i]!) / den;
    });
  }
  const isNaNZd = typeof zd === 'number' && Number.isNaN(zd);
  if (average === null) {
    return { precision, recall, fScore: f, support: tru, labels: s.labels };
  }
  let weights: number[] | null = null;
  if (average === 'weighted') {
    weights = tru;
    if (npSum(tru) === 0) {
      const zv = zd === 'warn' || zd === 0 ? 0 : zd === 1 ? 1 : NaN;
      if (npSum(pred) === 0) return { precision: zv, recall: zv, fScore: zv, support: null, labels: s.labels };
      return { precision: 0, recall: zv, fScore: 0, support: null, labels: s.labels };
    }
  }
  const avg = (a: number[]) => (isNaNZd ? nanAverage(a, weights) : npAverage(a, weights));
  return { precision: avg(precision), recall: avg(recall), fScore: avg(f), support: null, labels: s.labels };
}

/**
 * Precision, recall, F-beta and support per label or averaged (scikit-learn's
 * `precision_recall_fscore_support`; default `average: null` returns arrays).
 * @example
 * const r = precisionRecallFscoreSupport([0, 1, 2, 2], [0, 2, 2, 2]);
 * r.precision; // [1, 0, 0.666...]
 */
export function precisionRecallFscoreSupport(yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta?: number; average: Exclude<Average, null> }): PRFResult<number>;
export function precisionRecallFscoreSupport(yTrue: LabelArray, yPred: LabelArray, opts?: PRFOptions & { beta?: number; average?: null }): PRFResult<number[]>;
export function precisionRecallFscoreSupport(yTrue: LabelArray, yPred: LabelArray, opts?: PRFOptions & { beta?: number }): PRFResult<number | number[]>;
export function precisionRecallFscoreSupport(yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta?: number } = {}): PRFResult<number | number[]> {
  return prfCore(yTrue, yPred, opts, 'precisionRecallFscoreSupport', ['precision', 'recall', 'f-score'], null);
}

type ScoreFn = {
  (yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { average: null }): number[];
  (yTrue: LabelArray, yPred: LabelArray, opts?: PRFOptions & { average?: Exclude<Average, null> }): number;
  (yTrue: LabelArray, yPred: LabelArray, opts?: PRFOptions): number | number[];
};

/**
 * Precision tp / (tp + fp) (scikit-learn's `precision_score`; default `average: 'binary'`, `posLabel: 1`).
 * @example
 * precisionScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 * precisionScore(yTrue, yPred, { average: 'macro', zeroDivision: 0 });
 */
export const precisionScore: ScoreFn = ((yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions = {}) =>
  prfCore(yTrue, yPred, opts, 'precisionScore', ['precision'], 'binary').precision) as ScoreFn;

/**
 * Recall tp / (tp + fn) (scikit-learn's `recall_score`; default `average: 'binary'`).
 * @example
 * recallScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 */
export const recallScore: ScoreFn = ((yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions = {}) =>
  prfCore(yTrue, yPred, opts, 'recallScore', ['recall'], 'binary').recall) as ScoreFn;

/**
 * F1, the harmonic mean of precision and recall (scikit-learn's `f1_score`).
 * @example
 * f1Score(['a', 'b', 'c', 'c'], ['a', 'c', 'c', 'c'], { average: 'weighted' });
 */
export const f1Score: ScoreFn = ((yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions = {}) =>
  prfCore(yTrue, yPred, { ...opts, beta: 1 }, 'f1Score', ['f-score'], 'binary').fScore) as ScoreFn;

type FbetaFn = {
  (yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta: number; average: null }): number[];
  (yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta: number; average?: Exclude<Average, null> }): number;
  (yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta: number }): number | number[];
};

/**
 * F-beta score: weighted harmonic mean, recall `beta` times as important as precision (scikit-learn's `fbeta_score`).
 * @example
 * fbetaScore([0, 1, 1, 0], [0, 1, 0, 1], { beta: 0.5 }); // 0.5
 */
export const fbetaScore: FbetaFn = ((yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions & { beta: number }) => {
  if (opts == null || opts.beta === undefined) throw new InvalidParameterError('beta', 'a number >= 0', undefined, 'fbetaScore');
  return prfCore(yTrue, yPred, opts, 'fbetaScore', ['f-score'], 'binary').fScore;
}) as FbetaFn;

/**
 * Jaccard index tp / (tp + fp + fn) (scikit-learn's `jaccard_score`).
 * @example
 * jaccardScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.333...
 */
export const jaccardScore: ScoreFn = ((yTrue: LabelArray, yPred: LabelArray, opts: PRFOptions = {}) => {
  const owner = 'jaccardScore';
  const zd = checkZeroDivision(opts.zeroDivision ?? 'warn', owner);
  const average = checkAverage(opts.average === undefined ? 'binary' : opts.average, owner);
  const tg = checkTargets(yTrue, yPred, owner);
  const w = checkWeights(opts.sampleWeight, tg.yTrue.length, owner);
  const labels = checkSetWiseLabels(tg, average, opts.labels, opts.posLabel ?? 1, owner);
  const s = mcmSums(tg, w, labels);
  // MCM[:,1,1] + MCM[:,0,1] + MCM[:,1,0] = tp + (pred - tp) + (true - tp)
  let num = s.tp;
  let den = s.tp.map((t, i) => t + (s.pred[i]! - t) + (s.true[i]! - t));
  if (average === 'micro') { num = [npSum(num)]; den = [npSum(den)]; }
  const J = prfDivide(num, den, zd);
  if (J.any && zd === 'warn') warnPrf(average, 'true or predicted', 'Jaccard is', J.result.length);
  if (average === null) return J.result;
  let weights: number[] | null = null;
  if (average === 'weighted') {
    weights = s.true; // MCM[:,1,0] + MCM[:,1,1]
    if (!weights.some((v) => v !== 0)) weights = null;
  }
  if (typeof zd === 'number' && Number.isNaN(zd)) return nanAverage(J.result, weights);
  return npAverage(J.result, weights);
}) as ScoreFn;

// ---------------------------------------------------------------------------------------------
// other label metrics

/**
 * Mean per-class recall (scikit-learn's `balanced_accuracy_score`); `adjusted` rescales so chance is 0.
 * @example
 * balancedAccuracyScore([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]); // 0.625
 */
export function balancedAccuracyScore(yTrue: LabelArray, yPred: LabelArray, opts: { sampleWeight?: ArrayLike<number> | null; adjusted?: boolean } = {}): number {
  const { cm } = confusionCore(yTrue, yPred, { sampleWeight: opts.sampleWeight }, 'balancedAccuracyScore');
  let perClass = cm.map((row, i) => row[i]! / npSum(row));
  if (perClass.some(Number.isNaN)) {
    metricWarn('y_pred contains classes not in y_true');
    perClass = perClass.filter((v) => !Number.isNaN(v));
  }
  let score = npSum(perClass) / perClass.length;
  if (opts.adjusted) {
    const chance = 1 / perClass.length;
    score -= chance;
    score /= 1 - chance;
  }
  return score;
}

/**
 * Cohen's kappa: agreement between two labelings corrected for chance (scikit-learn's
 * `cohen_kappa_score`), optionally with 'linear' or 'quadratic' disagreement weights.
 * @example
 * cohenKappaScore([0, 1, 2, 2], [0, 2, 2, 1], { weights: 'quadratic' });
 */
export function cohenKappaScore(y1: LabelArray, y2: LabelArray, opts: { labels?: readonly Label[] | null; weights?: 'linear' | 'quadratic' | null; sampleWeight?: ArrayLike<number> | null } = {}): number {
  const owner = 'cohenKappaScore';
  const weights = opts.weights ?? null;
  const { cm } = confusionCore(y1, y2, { labels: opts.labels, sampleWeight: opts.sampleWeight }, owner, ['y1', 'y2']);
  if (weights !== null && weights !== 'linear' && weights !== 'quadratic') throw paramError('weights', "'linear', 'quadratic' or null", weights, owner, 'Unknown kappa weighting type.');
  const k = cm.length;
  const sum0 = colSums(cm);
  const sum1 = cm.map((r) => npSum(r));
  const total = npSum(sum0);
  const wm = (i: number, j: number) => (weights === null ? (i === j ? 0 : 1) : weights === 'linear' ? Math.abs(i - j) : (i - j) ** 2);
  const a = new Float64Array(k * k);
  const b = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      a[i * k + j] = wm(i, j) * cm[i]![j]!;
      b[i * k + j] = wm(i, j) * ((sum0[i]! * sum1[j]!) / total);
    }
  }
  return 1 - npSum(a) / npSum(b);
}

/**
 * Matthews correlation coefficient, binary and multiclass (scikit-learn's `matthews_corrcoef`).
 * @example
 * matthewsCorrcoef([1, 1, 1, -1], [1, -1, 1, 1]); // -0.333...
 */
export function matthewsCorrcoef(yTrue: LabelArray, yPred: LabelArray, opts: { sampleWeight?: ArrayLike<number> | null } = {}): number {
  const { cm } = confusionCore(yTrue, yPred, { sampleWeight: opts.sampleWeight }, 'matthewsCorrcoef');
  const tSum = cm.map((r) => npSum(r));
  const pSum = colSums(cm);
  let nCorrect = 0;
  for (let i = 0; i < cm.length; i++) nCorrect += cm[i]![i]!;
  const n = npSum(pSum);
  const covYtYp = nCorrect * n - dot(tSum, pSum);
  const covYpYp = n ** 2 - dot(pSum, pSum);
  const covYtYt = n ** 2 - dot(tSum, tSum);
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * Fraction of wrong labels (scikit-learn's `hamming_loss`; equals the zero-one loss for 1-D targets).
 * @example
 * hammingLoss([1, 2, 3, 4], [2, 2, 3, 4]); // 0.25
 */
export function hammingLoss(yTrue: LabelArray, yPred: LabelArray, opts: { sampleWeight?: ArrayLike<number> | null } = {}): number {
  const owner = 'hammingLoss';
  const tg = checkTargets(yTrue, yPred, owner);
  const w = checkWeights(opts.sampleWeight, tg.yTrue.length, owner);
  const miss = tg.yTrue.map((v, i) => (v !== tg.yPred[i] ? 1 : 0));
  return npAverage(miss, w);
}

/**
 * Fraction (or count / weight, with `normalize: false`) of misclassified samples (scikit-learn's `zero_one_loss`).
 * @example
 * zeroOneLoss([1, 2, 3, 4], [2, 2, 3, 4]); // 0.25
 */
export function zeroOneLoss(yTrue: LabelArray, yPred: LabelArray, opts: { normalize?: boolean; sampleWeight?: ArrayLike<number> | null } = {}): number {
  const owner = 'zeroOneLoss';
  const tg = checkTargets(yTrue, yPred, owner);
  const w = checkWeights(opts.sampleWeight, tg.yTrue.length, owner);
  const hit = tg.yTrue.map((v, i) => (v === tg.yPred[i] ? 1 : 0));
  const normalize = opts.normalize ?? true;
  if (normalize) return 1 - npAverage(hit, w);
  if (w) return npSum(w) - dot(hit, w);
  return tg.yTrue.length - npSum(hit);
}

// ---------------------------------------------------------------------------------------------
// probabilistic losses

/** Probabilities: a 1-D array (positive class) or rows of class probabilities. */
export type ProbaLike = ArrayLike<number> | ArrayLike<ArrayLike<number>> | Matrix;

/** @internal rows of a 1-D or 2-D numeric input; rejects NaN/infinity with a typed error. */
export function toScoreRows(v: ProbaLike, name: string, owner: string): { rows: number; cols: number; data: Float64Array; oneD: boolean } {
  if (v instanceof Matrix) {
    checkFinite(v.data, name, owner, v.cols);
    return { rows: v.rows, cols: v.cols, data: v.data, oneD: false };
  }
  if (v == null || typeof (v as ArrayLike<unknown>).length !== 'number' || typeof v === 'string') throw new DataError(name, 'a 1-D or 2-D array of numbers', v, owner);
  const a = v as ArrayLike<unknown>;
  const n = a.length;
  if (n > 0 && typeof a[0] === 'object' && a[0] !== null) {
    const cols = (a[0] as ArrayLike<number>).length;
    const data = new Float64Array(n * cols);
    for (let i = 0; i < n; i++) {
      const r = a[i] as ArrayLike<unknown>;
      if (r == null || typeof r !== 'object' || r.length !== cols) throw new ShapeError(name, `rows of equal length ${cols}`, `row ${i}: ${describeValue(r)}`, owner);
      for (let j = 0; j < cols; j++) {
        const x = r[j];
        if (typeof x !== 'number') throw new DataError(name, 'numbers', `${describeValue(x)} at row ${i}, column ${j}`, owner);
        data[i * cols + j] = x;
      }
    }
    checkFinite(data, name, owner, cols);
    return { rows: n, cols, data, oneD: false };
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (typeof x !== 'number') throw new DataError(name, 'numbers', `${describeValue(x)} at index ${i}`, owner);
    data[i] = x;
  }
  checkFinite(data, name, owner, 1);
  return { rows: n, cols: 1, data, oneD: true };
}

function checkFinite(d: ArrayLike<number>, name: string, owner: string, cols: number): void {
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (!Number.isFinite(v)) {
      const where = cols === 1 ? `index ${k}` : `row ${Math.floor(k / cols)}, column ${k % cols}`;
      throw new DataError(name, 'finite numbers (scikit-learn: "Input contains NaN" / infinity)', `${describeValue(v)} at ${where}`, owner);
    }
  }
}

/**
 * Cross-entropy of predicted probabilities (scikit-learn 1.2's `log_loss`): probabilities are
 * clipped to [eps, 1 - eps] (`eps: 'auto'` = float64 machine epsilon) and rows renormalized.
 * `yPred` is a 1-D array of positive-class probabilities or rows over the sorted classes (or `labels`).
 * @example
 * logLoss(['spam', 'ham', 'ham', 'spam'], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]); // 0.21616...
 */
export function logLoss(yTrue: LabelArray, yPred: ProbaLike, opts: { eps?: number | 'auto'; normalize?: boolean; sampleWeight?: ArrayLike<number> | null; labels?: readonly Label[] | null } = {}): number {
  const owner = 'logLoss';
  const P = toScoreRows(yPred, 'yPred', owner);
  const eps = opts.eps === undefined || opts.eps === 'auto' ? Number.EPSILON : opts.eps;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 0.5)) throw paramError('eps', "'auto' or a number in [0, 0.5)", opts.eps, owner);
  const kind = { type: null as 'number' | 'string' | null };
  const yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  if (yt.length !== P.rows) throw new ShapeError('yPred', `${yt.length} rows (the length of yTrue)`, `${P.rows} rows`, owner);
  const w = checkWeights(opts.sampleWeight, yt.length, owner);
  let classes: Label[];
  if (opts.labels != null) classes = sortLabels([...new Set(checkLabelArray(opts.labels, 'labels', owner, kind))]);
  else classes = sortLabels([...new Set(yt)]);
  if (classes.length === 1) {
    if (opts.labels == null) {
      throw dataError('yTrue', 'at least two distinct labels (or pass labels)', `only the label ${classes[0]}`, owner,
        `y_true contains only one label (${fmtLabels(classes).slice(1, -1)}). Please provide the true labels explicitly through the labels argument.`);
    }
    throw paramError('labels', 'at least two labels', opts.labels, owner, `The labels array needs to contain at least two labels for log_loss, got ${fmtLabels(classes)}.`);
  }
  const idx = new Map<Label, number>();
  classes.forEach((c, i) => idx.set(c, i));
  for (let i = 0; i < yt.length; i++) {
    if (!idx.has(yt[i]!)) throw dataError('yTrue', `labels among ${fmtLabels(classes)}`, `${describeValue(yt[i])} at index ${i}`, owner, `y contains previously unseen labels: ${fmtLabels([yt[i]!])}`);
  }
  const k = P.cols === 1 ? 2 : P.cols;
  if (classes.length !== k) {
    const tk = classes.length === 2 ? 2 : classes.length;
    if (opts.labels == null) {
      throw new ShapeError('yPred', `${tk} columns (one per class in yTrue: ${fmtLabels(classes)})`, `${k} columns`, owner);
    }
    throw new ShapeError('yPred', `${tk} columns (one per label in labels: ${fmtLabels(classes)})`, `${k} columns`, owner);
  }
  const loss = new Float64Array(P.rows);
  const clip = (v: number) => (v < eps ? eps : v > 1 - eps ? 1 - eps : v);
  const row = new Float64Array(k);
  for (let i = 0; i < P.rows; i++) {
    if (P.cols === 1) {
      const p = clip(P.data[i]!);
      row[0] = 1 - p;
      row[1] = p;
    } else {
      for (let j = 0; j < k; j++) row[j] = clip(P.data[i * k + j]!);
    }
    const s = npSum(row);
    const c = idx.get(yt[i]!)!;
    loss[i] = -Math.log(row[c]! / s);
  }
  const normalize = opts.normalize ?? true;
  if (normalize) return npAverage(loss, w);
  return w ? dot(loss, w) : npSum(loss);
}

/**
 * Mean squared difference between the positive-class probability and the 0/1 outcome
 * (scikit-learn's `brier_score_loss`). `posLabel` defaults to 1 for {0,1} / {-1,1} labels,
 * else the greater numeric label; string labels need `posLabel`.
 * @example
 * brierScoreLoss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]); // 0.0375
 */
export function brierScoreLoss(yTrue: LabelArray, yProb: ArrayLike<number>, opts: { sampleWeight?: ArrayLike<number> | null; posLabel?: Label | null } = {}): number {
  const owner = 'brierScoreLoss';
  const kind = { type: null as 'number' | 'string' | null };
  const yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  const P = toScoreRows(yProb, 'yProb', owner);
  if (!P.oneD) throw new ShapeError('yProb', 'a 1-D array of probabilities', `${P.rows}x${P.cols} rows`, owner);
  if (P.rows !== yt.length) throw new ShapeError('yProb', `length ${yt.length} (the length of yTrue)`, `length ${P.rows}`, owner);
  const w = checkWeights(opts.sampleWeight, yt.length, owner);
  const classes = sortLabels([...new Set(yt)]);
  if (classes.length > 2) throw dataError('yTrue', 'binary labels', `${classes.length} classes`, owner, 'Only binary classification is supported. The type of the target is multiclass.');
  let max = -Infinity, min = Infinity;
  for (const v of P.data) { if (v > max) max = v; if (v < min) min = v; }
  if (max > 1) throw dataError('yProb', 'probabilities in [0, 1]', `a value ${max}`, owner, 'y_prob contains values greater than 1.');
  if (min < 0) throw dataError('yProb', 'probabilities in [0, 1]', `a value ${min}`, owner, 'y_prob contains values less than 0.');
  let pos: Label;
  try {
    pos = checkPosLabelConsistency(opts.posLabel ?? null, classes, owner);
  } catch (e) {
    if (kind.type === 'number') pos = classes[classes.length - 1]!;
    else throw e;
  }
  const sq = new Float64Array(yt.length);
  for (let i = 0; i < yt.length; i++) {
    const d = (yt[i] === pos ? 1 : 0) - P.data[i]!;
    sq[i] = d * d;
  }
  return npAverage(sq, w);
}

/** @internal scikit-learn's `_check_pos_label_consistency` (classes sorted and distinct). */
export function checkPosLabelConsistency(posLabel: Label | null, classes: readonly Label[], owner: string): Label {
  if (posLabel === null) {
    const ok = classes.length > 0 && typeof classes[0] === 'number' && [[0, 1], [-1, 1], [0], [-1], [1]].some((c) => c.length === classes.length && c.every((v, i) => v === classes[i]));
    if (!ok) {
      const set = '{' + classes.map((c) => (typeof c === 'string' ? `'${c}'` : String(c))).join(', ') + '}';
      throw paramError('posLabel', 'a label, since yTrue is not in {0, 1} or {-1, 1}', null, owner,
        `y_true takes value in ${set} and pos_label is not specified: either make y_true take value in {0, 1} or {-1, 1} or pass pos_label explicitly.`);
    }
    return 1;
  }
  return posLabel;
}

/**
 * Average hinge loss of decision values (scikit-learn's `hinge_loss`): binary with a 1-D
 * `predDecision` (labels mapped to -1/+1), or Crammer-Singer multiclass with one column per label.
 * @example
 * hingeLoss([-1, 1, 1], [-2.18, 2.36, 0.09]); // 0.3033...
 */
export function hingeLoss(yTrue: LabelArray, predDecision: ProbaLike, opts: { labels?: readonly Label[] | null; sampleWeight?: ArrayLike<number> | null } = {}): number {
  const owner = 'hingeLoss';
  const kind = { type: null as 'number' | 'string' | null };
  const yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  const D = toScoreRows(predDecision, 'predDecision', owner);
  if (D.rows !== yt.length) throw new ShapeError('predDecision', `${yt.length} rows (the length of yTrue)`, `${D.rows} rows`, owner);
  const w = checkWeights(opts.sampleWeight, yt.length, owner);
  const uniq = sortLabels([...new Set(opts.labels != null ? checkLabelArray(opts.labels, 'labels', owner, kind) : yt)]);
  const losses = new Float64Array(yt.length);
  if (uniq.length > 2) {
    if (D.oneD) throw new ShapeError('predDecision', `a 2-D array (nSamples, ${uniq.length}) for a multiclass target`, `a 1-D array of length ${D.rows}`, owner);
    if (D.cols !== uniq.length) {
      if (opts.labels == null) throw new ShapeError('predDecision', `${D.cols} classes in yTrue (include all labels in yTrue or pass labels)`, `${D.cols} columns for ${uniq.length} classes`, owner);
      throw new ShapeError('predDecision', `${uniq.length} columns (one per label)`, `${D.cols} columns`, owner);
    }
    const idx = new Map<Label, number>();
    uniq.forEach((c, i) => idx.set(c, i));
    const k = D.cols;
    for (let i = 0; i < yt.length; i++) {
      const c = idx.get(yt[i]!);
      if (c === undefined) throw new DataError('yTrue', `labels among ${fmtLabels(uniq)}`, `${describeValue(yt[i])} at index ${i}`, owner);
      let m = -Infinity;
      for (let j = 0; j < k; j++) if (j !== c && D.data[i * k + j]! > m) m = D.data[i * k + j]!;
      const margin = D.data[i * k + c]! - m;
      losses[i] = Math.max(1 - margin, 0);
    }
  } else {
    if (!D.oneD && D.cols !== 1) throw new ShapeError('predDecision', 'a 1-D array for a binary target', `${D.cols} columns`, owner);
    // LabelBinarizer(neg_label=-1) fitted on yTrue: the greater label is +1
    const classes = sortLabels([...new Set(yt)]);
    const pos = classes[classes.length - 1];
    for (let i = 0; i < yt.length; i++) {
      const y = classes.length === 1 ? -1 : yt[i] === pos ? 1 : -1;
      losses[i] = Math.max(1 - y * D.data[i]!, 0);
    }
  }
  return npAverage(losses, w);
}

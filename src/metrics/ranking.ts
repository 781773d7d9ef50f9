/**
 * Ranking metrics with scikit-learn 1.2 semantics: ROC and precision-recall curves, ROC AUC
 * (binary, partial `maxFpr`, multiclass one-vs-rest and one-vs-one), average precision,
 * trapezoidal `aucScore`, top-k accuracy.
 */
import { DataError, ShapeError, describeValue } from '../core/errors.js';
import {
  checkLabelArray, checkPosLabelConsistency, checkWeights, dataError, fmtLabels, metricWarn, npAverage, npSum,
  paramError, sortLabels, toScoreRows, type Label, type LabelArray, type ProbaLike,
} from './classification.js';

/** Points of a ROC curve; `thresholds[0]` is `max(score) + 1` (the curve starts at (0, 0)). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/** Points of a precision-recall curve: `precision`/`recall` have one more entry than `thresholds` (the final (1, 0) point). */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

interface Binary {
  /** 1 for positive, 0 for negative, in the caller's sample order */
  y: Uint8Array;
  score: Float64Array;
  w: Float64Array | null;
}

function oneDScores(v: ArrayLike<number>, name: string, owner: string, n: number): Float64Array {
  const s = toScoreRows(v as ProbaLike, name, owner);
  if (!s.oneD && s.cols !== 1) {
    throw dataError(name, 'a 1-D array of scores for a binary target', `a 2-D array with ${s.cols} columns`, owner, `y should be a 1d array, got an array of shape (${s.rows}, ${s.cols}) instead.`);
  }
  if (s.rows !== n) throw new ShapeError(name, `length ${n} (the length of yTrue)`, `length ${s.rows}`, owner);
  return s.data;
}

/** scikit-learn's `_binary_clf_curve`: fps, tps and distinct thresholds in decreasing score order. */
function binaryClfCurve(yTrue: LabelArray, yScore: ArrayLike<number>, posLabel: Label | null, sampleWeight: ArrayLike<number> | null | undefined, owner: string, scoreName = 'yScore') {
  const kind = { type: null as 'number' | 'string' | null };
  let yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  let score = oneDScores(yScore, scoreName, owner, yt.length);
  let w = checkWeights(sampleWeight, yt.length, owner);
  const classesAll = sortLabels([...new Set(yt)]);
  if (kind.type === 'number' && yt.some((v) => !Number.isInteger(v))) throw dataError('yTrue', 'binary class labels', 'continuous values', owner, 'continuous format is not supported');
  if (!(classesAll.length <= 2 || posLabel !== null)) throw dataError('yTrue', 'binary labels (or pass posLabel)', `${classesAll.length} classes`, owner, 'multiclass format is not supported');
  if (w) {
    const keep: number[] = [];
    for (let i = 0; i < yt.length; i++) if (w[i] !== 0) keep.push(i);
    if (keep.length !== yt.length) {
      yt = keep.map((i) => yt[i]!);
      score = Float64Array.from(keep, (i) => score[i]!);
      w = Float64Array.from(keep, (i) => w![i]!);
    }
  }
  const pos = checkPosLabelConsistency(posLabel, sortLabels([...new Set(yt)]), owner);
  const n = yt.length;
  // np.argsort(kind='mergesort')[::-1]: stable ascending, reversed
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b).reverse();
  const tpsOut: number[] = [];
  const fpsOut: number[] = [];
  const thr: number[] = [];
  let ctp = 0, cfp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const isPos = yt[i] === pos ? 1 : 0;
    const wi = w ? w[i]! : 1;
    ctp += isPos * wi;
    if (w) cfp += (1 - isPos) * wi;
    if (r === n - 1 || score[order[r + 1]!] !== score[i]) {
      tpsOut.push(ctp);
      fpsOut.push(w ? cfp : 1 + r - ctp);
      thr.push(score[i]!);
    }
  }
  return { fps: fpsOut, tps: tpsOut, thresholds: thr };
}

/**
 * Receiver operating characteristic curve for a binary target (scikit-learn's `roc_curve`).
 * `posLabel` defaults to 1 for {0,1} or {-1,1} labels; `dropIntermediate` (default true)
 * drops thresholds that are not corners of the curve.
 * @example
 * const { fpr, tpr, thresholds } = rocCurve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], { posLabel: 2 });
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [1.8, 0.8, 0.4, 0.35, 0.1]
 */
export function rocCurve(yTrue: LabelArray, yScore: ArrayLike<number>, opts: { posLabel?: Label | null; sampleWeight?: ArrayLike<number> | null; dropIntermediate?: boolean } = {}): RocCurve {
  return rocCurveCore(yTrue, yScore, opts, 'rocCurve');
}

function rocCurveCore(yTrue: LabelArray, yScore: ArrayLike<number>, opts: { posLabel?: Label | null; sampleWeight?: ArrayLike<number> | null; dropIntermediate?: boolean }, owner: string): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, opts.posLabel ?? null, opts.sampleWeight, owner);
  if ((opts.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 0; i + 2 < fps.length; i++) {
      const d2f = (fps[i + 2]! - fps[i + 1]!) - (fps[i + 1]! - fps[i]!);
      const d2t = (tps[i + 2]! - tps[i + 1]!) - (tps[i + 1]! - tps[i]!);
      if (d2f !== 0 || d2t !== 0) keep.push(i + 1);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]!);
    tps = keep.map((i) => tps[i]!);
    thresholds = keep.map((i) => thresholds[i]!);
  }
  tps = [0, ...tps];
  fps = [0, ...fps];
  thresholds = [(thresholds.length ? thresholds[0]! : NaN) + 1, ...thresholds];
  let fpr: number[], tpr: number[];
  const lf = fps[fps.length - 1]!;
  const lt = tps[tps.length - 1]!;
  if (lf <= 0) {
    metricWarn('No negative samples in y_true, false positive value should be meaningless');
    fpr = fps.map(() => NaN);
  } else fpr = fps.map((v) => v / lf);
  if (lt <= 0) {
    metricWarn('No positive samples in y_true, true positive value should be meaningless');
    tpr = tps.map(() => NaN);
  } else tpr = tps.map((v) => v / lt);
  return { fpr, tpr, thresholds };
}

/**
 * Precision-recall pairs for decreasing thresholds (scikit-learn's `precision_recall_curve`).
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(yTrue: LabelArray, probasPred: ArrayLike<number>, opts: { posLabel?: Label | null; sampleWeight?: ArrayLike<number> | null } = {}): PrecisionRecallCurve {
  return prCore(yTrue, probasPred, opts, 'precisionRecallCurve', 'probasPred');
}

function prCore(yTrue: LabelArray, probasPred: ArrayLike<number>, opts: { posLabel?: Label | null; sampleWeight?: ArrayLike<number> | null }, owner: string, scoreName: string): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, probasPred, opts.posLabel ?? null, opts.sampleWeight, owner, scoreName);
  const precision = tps.map((t, i) => {
    const ps = t + fps[i]!;
    return ps !== 0 ? t / ps : 0;
  });
  const last = tps[tps.length - 1]!;
  let recall: number[];
  if (last === 0) {
    metricWarn('No positive class found in y_true, recall is set to one for all thresholds.');
    recall = tps.map(() => 1);
  } else recall = tps.map((t) => t / last);
  return { precision: [...precision.reverse(), 1], recall: [...recall.reverse(), 0], thresholds: thresholds.reverse() };
}

/**
 * Average precision: the step-function area under the precision-recall curve
 * (scikit-learn's `average_precision_score`, binary targets).
 * @example
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333...
 */
export function averagePrecisionScore(yTrue: LabelArray, yScore: ArrayLike<number>, opts: { posLabel?: Label; sampleWeight?: ArrayLike<number> | null } = {}): number {
  const owner = 'averagePrecisionScore';
  const posLabel = opts.posLabel ?? 1;
  const kind = { type: null as 'number' | 'string' | null };
  const present = sortLabels([...new Set(checkLabelArray(yTrue, 'yTrue', owner, kind))]);
  if (present.length > 2) throw dataError('yTrue', 'binary labels', `${present.length} classes`, owner, 'multiclass format is not supported');
  if (present.length === 2 && !present.includes(posLabel)) {
    throw paramError('posLabel', `one of the labels ${fmtLabels(present)}`, posLabel, owner, `pos_label=${posLabel} is not a valid label. It should be one of ${fmtLabels(present)}`);
  }
  const { precision, recall } = prCore(yTrue, yScore, { posLabel, sampleWeight: opts.sampleWeight }, owner, 'yScore');
  const terms = new Float64Array(recall.length - 1);
  for (let i = 0; i + 1 < recall.length; i++) terms[i] = (recall[i + 1]! - recall[i]!) * precision[i]!;
  return -npSum(terms);
}

/**
 * Area under a curve by the trapezoidal rule, x monotonic (scikit-learn's `auc`).
 * @example
 * aucScore([0, 0.5, 1], [0, 0.8, 1]); // 0.65
 */
export function aucScore(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const owner = 'aucScore';
  const xs = oneDScores(x, 'x', owner, x?.length ?? 0);
  const ys = oneDScores(y, 'y', owner, xs.length);
  if (xs.length < 2) throw dataError('x', 'at least 2 points', `${xs.length} point(s)`, owner, `At least 2 points are needed to compute area under curve, but x.shape = ${xs.length}`);
  return trapzAuc(xs, ys, owner);
}

function trapzAuc(x: ArrayLike<number>, y: ArrayLike<number>, owner: string): number {
  let direction = 1;
  let anyNeg = false, allNonPos = true;
  for (let i = 0; i + 1 < x.length; i++) {
    const d = x[i + 1]! - x[i]!;
    if (d < 0) anyNeg = true;
    if (d > 0) allNonPos = false;
  }
  if (anyNeg) {
    if (allNonPos) direction = -1;
    else throw dataError('x', 'monotonic values', 'values that are neither increasing nor decreasing', owner, `x is neither increasing nor decreasing : [${Array.from(x).join(', ')}].`);
  }
  const t = new Float64Array(x.length - 1);
  for (let i = 0; i + 1 < x.length; i++) t[i] = ((x[i + 1]! - x[i]!) * (y[i + 1]! + y[i]!)) / 2.0;
  return direction * npSum(t);
}

function binaryRocAuc(y: ArrayLike<number>, score: ArrayLike<number>, w: ArrayLike<number> | null, maxFpr: number | null, owner: string): number {
  const u = new Set<number>();
  for (let i = 0; i < y.length; i++) u.add(y[i]!);
  if (u.size !== 2) throw dataError('yTrue', 'both classes present', 'a single class', owner, 'Only one class present in y_true. ROC AUC score is not defined in that case.');
  let { fpr, tpr } = rocCurveCore(Array.from(y), score, { sampleWeight: w }, owner);
  if (maxFpr === null || maxFpr === 1) return trapzAuc(fpr, tpr, owner);
  if (!(maxFpr > 0 && maxFpr <= 1)) throw paramError('maxFpr', 'a number in (0, 1]', maxFpr, owner, `Expected max_fpr in range (0, 1], got: ${maxFpr}`);
  let stop = 0;
  while (stop < fpr.length && fpr[stop]! <= maxFpr) stop++;
  const x0 = fpr[stop - 1]!, x1 = fpr[stop]!, y0 = tpr[stop - 1]!, y1 = tpr[stop]!;
  let yi: number;
  if (maxFpr === x0) yi = y0;
  else {
    const slope = (y1 - y0) / (x1 - x0);
    yi = slope * (maxFpr - x0) + y0;
    if (Number.isNaN(yi)) yi = slope * (maxFpr - x1) + y1;
  }
  tpr = [...tpr.slice(0, stop), yi];
  fpr = [...fpr.slice(0, stop), maxFpr];
  const partial = trapzAuc(fpr, tpr, owner);
  const minArea = 0.5 * maxFpr ** 2;
  const maxArea = maxFpr;
  return 0.5 * (1 + (partial - minArea) / (maxArea - minArea));
}

export interface RocAucOptions {
  /** Multiclass averaging: 'macro' (default), 'weighted', 'micro' (ovr only) or null (per-class, ovr only). Ignored for binary targets. */
  average?: 'macro' | 'weighted' | 'micro' | null;
  sampleWeight?: ArrayLike<number> | null;
  /** Standardized partial AUC over FPR in [0, maxFpr] (binary only; McClish correction). */
  maxFpr?: number | null;
  /** Multiclass strategy: 'ovr' or 'ovo'; the default 'raise' requires choosing one. */
  multiClass?: 'raise' | 'ovr' | 'ovo';
  /** Class order of the `yScore` columns (default: sorted labels of yTrue). */
  labels?: readonly Label[] | null;
}

/**
 * Area under the ROC curve (scikit-learn's `roc_auc_score`). Binary targets take a 1-D score of
 * the greater label; multiclass targets take rows of class probabilities (summing to 1) and
 * `multiClass: 'ovr' | 'ovo'`.
 * @example
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAucScore(yIris, model.predictProba(X), { multiClass: 'ovr', average: 'weighted' });
 */
export function rocAucScore(yTrue: LabelArray, yScore: ProbaLike, opts: RocAucOptions = {}): number | number[] {
  const owner = 'rocAucScore';
  const kind = { type: null as 'number' | 'string' | null };
  const yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  if (kind.type === 'number' && yt.some((v) => !Number.isInteger(v))) throw dataError('yTrue', 'class labels', 'continuous values', owner, 'continuous format is not supported');
  const S = toScoreRows(yScore, 'yScore', owner);
  if (S.rows !== yt.length) throw new ShapeError('yScore', `${yt.length} rows (the length of yTrue)`, `${S.rows} rows`, owner);
  const w = checkWeights(opts.sampleWeight, yt.length, owner);
  const classes = sortLabels([...new Set(yt)]);
  const average = opts.average === undefined ? 'macro' : opts.average;
  const maxFpr = opts.maxFpr ?? null;
  const multiClass = opts.multiClass ?? 'raise';
  if (classes.length > 2 || (!S.oneD && S.cols > 2)) {
    if (maxFpr !== null && maxFpr !== 1) {
      throw paramError('maxFpr', 'null for a multiclass target', maxFpr, owner, `Partial AUC computation not available in multiclass setting, 'max_fpr' must be set to \`None\`, received \`max_fpr=${maxFpr}\` instead`);
    }
    if (multiClass === 'raise') throw paramError('multiClass', "'ovr' or 'ovo' for a multiclass target", multiClass, owner, "multi_class must be in ('ovo', 'ovr')");
    return multiclassRocAuc(yt, S, opts.labels ?? null, multiClass, average, w, owner);
  }
  if (!S.oneD && S.cols !== 1) {
    throw dataError('yScore', 'a 1-D array of scores for a binary target', `a 2-D array with ${S.cols} columns`, owner, `y should be a 1d array, got an array of shape (${S.rows}, ${S.cols}) instead.`);
  }
  // label_binarize(classes=unique(y_true))[:, 0]: 1 for the greater of two labels
  const y = new Uint8Array(yt.length);
  if (classes.length === 2) for (let i = 0; i < yt.length; i++) y[i] = yt[i] === classes[1] ? 1 : 0;
  return binaryRocAuc(y, S.data, w, maxFpr, owner);
}

function multiclassRocAuc(yt: Label[], S: { rows: number; cols: number; data: Float64Array }, labels: readonly Label[] | null, multiClass: string, average: RocAucOptions['average'], w: Float64Array | null, owner: string): number | number[] {
  const k = S.cols;
  for (let i = 0; i < S.rows; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += S.data[i * k + j]!;
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw dataError('yScore', 'rows of class probabilities summing to 1', `row ${i} summing to ${s}`, owner, 'Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes');
    }
  }
  const avgOptions = multiClass === 'ovr' ? ['micro', 'macro', 'weighted', null] : ['macro', 'weighted', null];
  if (!avgOptions.includes(average ?? null)) {
    throw paramError('average', `one of ${avgOptions.map((a) => (a === null ? 'null' : `'${a}'`)).join(', ')}`, average, owner, `average must be one of (${avgOptions.map((a) => (a === null ? 'None' : `'${a}'`)).join(', ')}) for multiclass problems`);
  }
  if (multiClass !== 'ovo' && multiClass !== 'ovr') {
    throw paramError('multiClass', "'ovr' or 'ovo'", multiClass, owner, `multi_class='${multiClass}' is not supported for multiclass ROC AUC, multi_class must be in ('ovo', 'ovr')`);
  }
  if (average === null && multiClass === 'ovo') throw paramError('average', "'macro' or 'weighted' for multiClass 'ovo'", null, owner, "average=None is not implemented for multi_class='ovo'.");
  let classes: Label[];
  if (labels !== null) {
    const kind = { type: typeof yt[0] === 'string' ? 'string' as const : 'number' as const };
    const lab = checkLabelArray(labels, 'labels', owner, kind);
    classes = sortLabels([...new Set(lab)]);
    if (classes.length !== lab.length) throw paramError('labels', 'unique labels', labels, owner, "Parameter 'labels' must be unique");
    if (!classes.every((c, i) => c === lab[i])) throw paramError('labels', 'sorted labels', labels, owner, "Parameter 'labels' must be ordered");
    if (classes.length !== k) throw paramError('labels', `${k} labels (the columns of yScore)`, labels, owner, `Number of given labels, ${classes.length}, not equal to the number of columns in 'y_score', ${k}`);
    const cs = new Set(classes);
    if (yt.some((v) => !cs.has(v))) throw dataError('yTrue', 'labels among labels', 'other labels', owner, "'y_true' contains labels not in parameter 'labels'");
  } else {
    classes = sortLabels([...new Set(yt)]);
    if (classes.length !== k) throw new ShapeError('yScore', `${classes.length} columns (one per class in yTrue)`, `${k} columns`, owner);
  }
  const idx = new Map<Label, number>();
  classes.forEach((c, i) => idx.set(c, i));
  const enc = yt.map((v) => idx.get(v)!);
  const n = yt.length;
  const col = (j: number, rows?: number[]) => (rows ? Float64Array.from(rows, (i) => S.data[i * k + j]!) : Float64Array.from({ length: n }, (_, i) => S.data[i * k + j]!));
  if (multiClass === 'ovo') {
    if (w) throw paramError('sampleWeight', "null for multiClass 'ovo'", w, owner, "sample_weight is not supported for multiclass one-vs-one ROC AUC, 'sample_weight' must be None in this case.");
    const uniq = [...new Set(enc)].sort((a, b) => a - b);
    const scores: number[] = [];
    const prevalence: number[] = [];
    for (let ai = 0; ai < uniq.length; ai++) {
      for (let bi = ai + 1; bi < uniq.length; bi++) {
        const a = uniq[ai]!, b = uniq[bi]!;
        const rows: number[] = [];
        for (let i = 0; i < n; i++) if (enc[i] === a || enc[i] === b) rows.push(i);
        prevalence.push(rows.length / n);
        const aTrue = rows.map((i) => (enc[i] === a ? 1 : 0));
        const bTrue = rows.map((i) => (enc[i] === b ? 1 : 0));
        const sa = binaryRocAuc(aTrue, col(a, rows), null, null, owner);
        const sb = binaryRocAuc(bTrue, col(b, rows), null, null, owner);
        scores.push((sa + sb) / 2);
      }
    }
    return npAverage(scores, average === 'weighted' ? prevalence : null);
  }
  // one-vs-rest = _average_binary_score over the label-binarized target
  if (average === 'micro') {
    const y = new Uint8Array(n * k);
    for (let i = 0; i < n; i++) y[i * k + enc[i]!] = 1;
    const ww = w ? Float64Array.from({ length: n * k }, (_, t) => w[Math.floor(t / k)]!) : null;
    return binaryRocAuc(y, S.data, ww, null, owner);
  }
  let avgWeight: number[] | null = null;
  if (average === 'weighted') {
    avgWeight = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) avgWeight[j]! += (enc[i] === j ? 1 : 0) * (w ? w[i]! : 1);
    }
    const tot = npSum(avgWeight);
    if (Math.abs(tot) <= 1e-8) return 0;
  }
  const score = new Array<number>(k);
  for (let j = 0; j < k; j++) {
    const y = enc.map((c) => (c === j ? 1 : 0));
    score[j] = binaryRocAuc(y, col(j), w, null, owner);
  }
  if (average === null) return score;
  if (avgWeight) for (let j = 0; j < k; j++) if (avgWeight[j] === 0) score[j] = 0;
  return npAverage(score, avgWeight);
}

/**
 * Fraction of samples whose true label is among the `k` highest scores (scikit-learn's
 * `top_k_accuracy_score`; default k = 2). Binary targets take a 1-D score.
 * @example
 * topKAccuracyScore([0, 1, 2, 2], [[0.5, 0.2, 0.2], [0.3, 0.4, 0.2], [0.2, 0.4, 0.3], [0.7, 0.2, 0.1]], { k: 2 }); // 0.75
 */
export function topKAccuracyScore(yTrue: LabelArray, yScore: ProbaLike, opts: { k?: number; normalize?: boolean; sampleWeight?: ArrayLike<number> | null; labels?: readonly Label[] | null } = {}): number {
  const owner = 'topKAccuracyScore';
  const kk = opts.k ?? 2;
  if (!Number.isInteger(kk) || kk < 1) throw paramError('k', 'an integer >= 1', kk, owner);
  const kind = { type: null as 'number' | 'string' | null };
  const yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  const S = toScoreRows(yScore, 'yScore', owner);
  if (S.rows !== yt.length) throw new ShapeError('yScore', `${yt.length} rows (the length of yTrue)`, `${S.rows} rows`, owner);
  const w = checkWeights(opts.sampleWeight, yt.length, owner);
  let type = sortLabels([...new Set(yt)]).length > 2 ? 'multiclass' : 'binary';
  if (type === 'binary' && opts.labels != null && opts.labels.length > 2) type = 'multiclass';
  if (type === 'binary' && !S.oneD && S.cols !== 1) {
    throw new ShapeError('yScore', 'a 1-D score for a binary yTrue (or pass labels)', `a 2-D array with ${S.cols} columns`, owner);
  }
  const nScoreClasses = S.oneD || S.cols === 1 ? 2 : S.cols;
  let classes: Label[];
  if (opts.labels == null) {
    classes = sortLabels([...new Set(yt)]);
    if (classes.length !== nScoreClasses) throw new ShapeError('yScore', `${classes.length} classes (those in yTrue; pass labels otherwise)`, `${nScoreClasses} classes`, owner);
  } else {
    const lab = checkLabelArray(opts.labels, 'labels', owner, kind);
    classes = sortLabels([...new Set(lab)]);
    if (classes.length !== lab.length) throw paramError('labels', 'unique labels', opts.labels, owner, "Parameter 'labels' must be unique.");
    if (!classes.every((c, i) => c === lab[i])) throw paramError('labels', 'sorted labels', opts.labels, owner, "Parameter 'labels' must be ordered.");
    if (classes.length !== nScoreClasses) throw new ShapeError('yScore', `${classes.length} classes (one per label)`, `${nScoreClasses} classes`, owner);
    const cs = new Set(classes);
    const bad = yt.find((v) => !cs.has(v));
    if (bad !== undefined) throw new DataError('yTrue', `labels among ${fmtLabels(classes)}`, describeValue(bad), owner);
  }
  if (kk >= classes.length) metricWarn(`'k' (${kk}) greater than or equal to 'n_classes' (${classes.length}) will result in a perfect score and is therefore meaningless.`);
  const idx = new Map<Label, number>();
  classes.forEach((c, i) => idx.set(c, i));
  const n = yt.length;
  const hits = new Float64Array(n);
  if (type === 'binary') {
    if (kk === 1) {
      let mn = Infinity, mx = -Infinity;
      for (const v of S.data) { if (v < mn) mn = v; if (v > mx) mx = v; }
      const threshold = mn >= 0 && mx <= 1 ? 0.5 : 0;
      for (let i = 0; i < n; i++) hits[i] = (S.data[i]! > threshold ? 1 : 0) === idx.get(yt[i]!) ? 1 : 0;
    } else hits.fill(1);
  } else {
    const c = S.cols;
    const order = Array.from({ length: c }, (_, j) => j);
    for (let i = 0; i < n; i++) {
      const r = S.data.subarray(i * c, (i + 1) * c);
      const sorted = order.slice().sort((a, b) => r[a]! - r[b]! || a - b).reverse();
      hits[i] = sorted.slice(0, kk).includes(idx.get(yt[i]!)!) ? 1 : 0;
    }
  }
  if (opts.normalize ?? true) return npAverage(hits, w);
  if (!w) return npSum(hits);
  let s = 0;
  for (let i = 0; i < n; i++) s += hits[i]! * w[i]!;
  return s;
}

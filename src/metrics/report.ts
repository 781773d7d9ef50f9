/**
 * scikit-learn's `classification_report`: the text table (identical layout and rounding) or a
 * typed object (`outputDict: true`).
 */
import {
  checkTargets, checkWeights, dataError, metricWarn, npSum, precisionRecallFscoreSupport,
  type Label, type LabelArray, type ZeroDivision,
} from './classification.js';

/** One row of the report. Keys are scikit-learn's (`'f1-score'`), so the object equals sklearn's dict. */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  /** Number of true samples (sum of their weights with `sampleWeight`). */
  support: number;
}

/**
 * `classificationReport(..., { outputDict: true })`: one row per label (by target name), then
 * `accuracy` (a number) when micro-averaging equals accuracy, else a `'micro avg'` row, then
 * `'macro avg'` and `'weighted avg'`.
 */
export type ClassificationReportDict = {
  [label: string]: ReportRow | number | undefined;
  accuracy?: number;
  'micro avg'?: ReportRow;
  'macro avg': ReportRow;
  'weighted avg': ReportRow;
};

export interface ClassificationReportOptions {
  /** Labels to report, in order (default: sorted labels of yTrue and yPred). */
  labels?: readonly Label[] | null;
  /** Display names matching `labels`. */
  targetNames?: readonly string[] | null;
  sampleWeight?: ArrayLike<number> | null;
  /** Decimals in the text table (default 2). */
  digits?: number;
  zeroDivision?: ZeroDivision;
}

/** Python's `format(x, '.{d}f')`: correctly rounded, ties to even (JS `toFixed` rounds ties up). */
export function formatFixed(x: number, d: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(d);
  if (Math.abs(x) >= 1e21) return s;
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + d);
  if (/^50*$/.test(tail)) {
    // exact tie: Python rounds half to even; toFixed rounds away from zero
    const kept = exact.slice(0, dot + 1 + d).replace(/\.$/, '');
    const last = kept.replace('.', '');
    if (Number(last[last.length - 1]) % 2 === 0) return (x < 0 ? '-' : '') + kept;
  }
  return s;
}

function pyStr(v: number, isFloat: boolean): string {
  if (!isFloat) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  // Python repr uses e-05 / e+16 exponents
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function len(s: string): number {
  return [...s].length;
}

function padStart(s: string, w: number): string {
  const l = len(s);
  return l >= w ? s : ' '.repeat(w - l) + s;
}

/**
 * Text report of precision, recall, F1 and support per class plus accuracy / macro / weighted
 * averages, laid out exactly as scikit-learn's `classification_report`.
 * @example
 * console.log(classificationReport(['cat', 'ant', 'cat', 'cat', 'ant', 'bird'], ['ant', 'ant', 'cat', 'cat', 'ant', 'cat']));
 * const dict = classificationReport(yTrue, yPred, { outputDict: true });
 * dict['macro avg']['f1-score'];
 */
export function classificationReport(yTrue: LabelArray, yPred: LabelArray, opts: ClassificationReportOptions & { outputDict: true }): ClassificationReportDict;
export function classificationReport(yTrue: LabelArray, yPred: LabelArray, opts?: ClassificationReportOptions & { outputDict?: false }): string;
export function classificationReport(yTrue: LabelArray, yPred: LabelArray, opts: ClassificationReportOptions & { outputDict?: boolean } = {}): string | ClassificationReportDict {
  const owner = 'classificationReport';
  const tg = checkTargets(yTrue, yPred, owner);
  const w = checkWeights(opts.sampleWeight, tg.yTrue.length, owner);
  const digits = opts.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0) throw dataError('digits', 'an integer >= 0', digits, owner);
  const labelsGiven = opts.labels != null;
  const labels: Label[] = labelsGiven ? [...opts.labels!] : tg.present;
  const presentSet = new Set(tg.present);
  const microIsAccuracy = !labelsGiven || (new Set(labels).size === presentSet.size && labels.every((l) => presentSet.has(l)));
  let targetNames = opts.targetNames ? [...opts.targetNames] : null;
  if (targetNames && labels.length !== targetNames.length) {
    if (labelsGiven) metricWarn(`labels size, ${labels.length}, does not match size of target_names, ${targetNames.length}`);
    else {
      throw dataError('targetNames', `${labels.length} names (one per class)`, `${targetNames.length} names`, owner,
        `Number of classes, ${labels.length}, does not match size of target_names, ${targetNames.length}. Try specifying the labels parameter`);
    }
  }
  if (!targetNames) targetNames = labels.map((l) => String(l));
  const zeroDivision = opts.zeroDivision ?? 'warn';
  const base = { labels, sampleWeight: w, zeroDivision };
  const per = precisionRecallFscoreSupport(tg.yTrue, tg.yPred, { ...base, average: null });
  // support is float64 in scikit-learn when weighted, or when no prediction is correct (bincount fallback)
  const supportIsFloat = w !== null || !tg.yTrue.some((v, i) => v === tg.yPred[i]);
  const support = per.support!;
  const nRows = Math.min(targetNames.length, labels.length); // zip() truncates
  const totalSupport = npSum(support);
  const averages = (['micro', 'macro', 'weighted'] as const).map((avg) => {
    const heading = avg === 'micro' && microIsAccuracy ? 'accuracy' : `${avg} avg`;
    const r = precisionRecallFscoreSupport(tg.yTrue, tg.yPred, { ...base, average: avg });
    return { heading, p: r.precision, r: r.recall, f: r.fScore };
  });
  if (opts.outputDict) {
    const out: Record<string, ReportRow | number> = {};
    for (let i = 0; i < nRows; i++) {
      out[targetNames[i]!] = { precision: per.precision[i]!, recall: per.recall[i]!, 'f1-score': per.fScore[i]!, support: support[i]! };
    }
    for (const a of averages) {
      out[a.heading] = a.heading === 'accuracy' ? a.p : { precision: a.p, recall: a.r, 'f1-score': a.f, support: totalSupport };
    }
    return out as ClassificationReportDict;
  }
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const nameWidth = Math.max(...targetNames.slice(0, nRows).map(len), 0);
  const width = Math.max(nameWidth, 'weighted avg'.length, digits);
  let report = padStart('', width) + ' ' + headers.map((h) => ' ' + padStart(h, 9)).join('') + '\n\n';
  const row = (name: string, p: number, r: number, f: number, s: number) =>
    padStart(name, width) + ' ' + [p, r, f].map((v) => ' ' + padStart(formatFixed(v, digits), 9)).join('') + ' ' + padStart(pyStr(s, supportIsFloat), 9) + '\n';
  for (let i = 0; i < nRows; i++) report += row(targetNames[i]!, per.precision[i]!, per.recall[i]!, per.fScore[i]!, support[i]!);
  report += '\n';
  for (const a of averages) {
    if (a.heading === 'accuracy') {
      report += padStart('accuracy', width) + ' ' + ' ' + padStart('', 9) + ' ' + padStart('', 9) + ' ' + padStart(formatFixed(a.f, digits), 9) + ' ' + padStart(pyStr(totalSupport, supportIsFloat), 9) + '\n';
    } else report += row(a.heading, a.p, a.r, a.f, totalSupport);
  }
  return report;
}

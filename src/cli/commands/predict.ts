import { existsSync } from 'node:fs';
import { writeFileAtomicSync } from '../../io/atomic.js';
import type { Command } from 'commander';
import { DataError, IOError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { aucScore, averagePrecisionScore, rocCurve } from '../../metrics/ranking.js';
import { predictBundle, readBundle, type ModelBundle } from '../bundle.js';
import { addCommon, fmt, io, loadTable, output, type CommonOptions } from './shared.js';

interface PredictOptions extends CommonOptions {
  model: string;
  out?: string;
  force?: boolean;
  dataset?: string;
}

const csvCell = (v: unknown): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Weka-style evaluation of predictions against the true values. */
export function evaluationBlock(b: ModelBundle, source: string, actual: (string | number)[], predicted: (string | number)[], proba: Matrix | null) {
  const n = actual.length;
  if (b.task === 'regression') {
    const a = actual as number[], p = predicted as number[];
    let ma = 0, mp = 0;
    for (let i = 0; i < n; i++) { ma += a[i]! / n; mp += p[i]! / n; }
    let sap = 0, saa = 0, spp = 0, mae = 0, mse = 0, base = 0;
    for (let i = 0; i < n; i++) {
      sap += (a[i]! - ma) * (p[i]! - mp); saa += (a[i]! - ma) ** 2; spp += (p[i]! - mp) ** 2;
      mae += Math.abs(a[i]! - p[i]!) / n; mse += (a[i]! - p[i]!) ** 2 / n; base += Math.abs(a[i]! - ma) / n;
    }
    const json = { task: 'regression', model: b.model, source, instances: n, correlation: saa > 0 && spp > 0 ? sap / Math.sqrt(saa * spp) : null, mae, rmse: Math.sqrt(mse), r2: saa > 0 ? 1 - (mse * n) / saa : null, relativeAbsoluteError: base > 0 ? mae / base : null };
    const text = [
      `=== Evaluation on ${source} (model: ${b.model}, target ${b.target}) ===`, '',
      `Correlation coefficient                ${fmt(json.correlation)}`,
      `Mean absolute error                    ${fmt(mae)}`,
      `Root mean squared error                ${fmt(json.rmse)}`,
      `R^2                                    ${fmt(json.r2)}`,
      `Relative absolute error                ${json.relativeAbsoluteError === null ? '-' : (100 * json.relativeAbsoluteError).toFixed(4) + ' %'}`,
      `Total Number of Instances              ${n}`,
    ].join('\n');
    return { json, text };
  }
  const labels = b.classes!.map(String);
  const idx = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let unknown = 0;
  for (let i = 0; i < n; i++) {
    const t = idx.get(String(actual[i])), p = idx.get(String(predicted[i]));
    if (t === undefined || p === undefined) { unknown++; continue; }
    cm[t]![p]!++;
  }
  const m = n - unknown;
  let correct = 0;
  for (let c = 0; c < k; c++) correct += cm[c]![c]!;
  // Cohen's kappa
  let pe = 0;
  for (let c = 0; c < k; c++) pe += (cm[c]!.reduce((s, v) => s + v, 0) * cm.reduce((s, r) => s + r[c]!, 0)) / (m * m);
  const po = correct / m;
  const kappa = pe < 1 ? (po - pe) / (1 - pe) : null;
  const perClass = labels.map((label, c) => {
    const tp = cm[c]![c]!, support = cm[c]!.reduce((s, v) => s + v, 0), predictedC = cm.reduce((s, r) => s + r[c]!, 0);
    const fp = predictedC - tp, fn = support - tp, tn = m - tp - fp - fn;
    const precision = predictedC ? tp / predictedC : null, recall = support ? tp / support : null;
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
    const den = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
    let rocArea: number | null = null, prcArea: number | null = null;
    if (proba && support > 0 && support < m) {
      const yt = actual.map((v) => (String(v) === label ? 1 : 0));
      const sc = proba.col(c);
      const roc = rocCurve(yt, sc);
      rocArea = aucScore(roc.fpr, roc.tpr);
      prcArea = averagePrecisionScore(yt, sc);
    }
    return { class: label, tpRate: recall, fpRate: tn + fp ? fp / (tn + fp) : null, precision, recall, f1, mcc: den > 0 ? (tp * tn - fp * fn) / den : null, rocArea, prcArea, support };
  });
  const wavg = (key: keyof (typeof perClass)[number]) => {
    let s = 0, w = 0;
    for (const r of perClass) { const v = r[key]; if (typeof v === 'number') { s += v * r.support; w += r.support; } }
    return w ? s / w : null;
  };
  const positive = k === 2 ? labels[1]! : null;
  const json = {
    task: 'classification', model: b.model, source, instances: n, correct, incorrect: m - correct, accuracy: po, kappa, unknownLabels: unknown,
    positiveClass: positive, labels, perClass, weighted: { precision: wavg('precision'), recall: wavg('recall'), f1: wavg('f1'), rocArea: wavg('rocArea') }, confusionMatrix: cm,
  };
  const f3 = (v: number | null) => (v === null ? '?' : v.toFixed(3)).padStart(9);
  const letters = labels.map((_, i) => (i < 26 ? String.fromCharCode(97 + i) : `c${i}`));
  const cw = Math.max(4, ...cm.flat().map((v) => String(v).length + 1));
  const text = [
    `=== Evaluation on ${source} (model: ${b.model}, target ${b.target}) ===`, '',
    `Correctly Classified Instances     ${String(correct).padStart(8)}   ${(100 * po).toFixed(4).padStart(9)} %`,
    `Incorrectly Classified Instances   ${String(m - correct).padStart(8)}   ${(100 * (1 - po)).toFixed(4).padStart(9)} %`,
    `Kappa statistic                    ${kappa === null ? '-' : kappa.toFixed(4)}`,
    `Total Number of Instances          ${String(n).padStart(8)}`,
    ...(unknown ? [`Instances with a class the model does not know: ${unknown} (not counted)`] : []), '',
    `=== Detailed Accuracy By Class ===${positive ? `  (binary: positive class "${positive}")` : ''}`, '',
    `               TP Rate  FP Rate  Precision   Recall  F-Measure      MCC  ROC Area  PRC Area  Class`,
    ...perClass.map((r) => `             ${f3(r.tpRate)}${f3(r.fpRate)}${f3(r.precision)}${f3(r.recall)}${f3(r.f1)}${f3(r.mcc)}${f3(r.rocArea)}${f3(r.prcArea)}  ${r.class}`),
    `Weighted Avg.${f3(json.weighted.recall)}${' '.repeat(9)}${f3(json.weighted.precision)}${f3(json.weighted.recall)}${f3(json.weighted.f1)}${' '.repeat(9)}${f3(json.weighted.rocArea)}`, '',
    '=== Confusion Matrix ===', '',
    letters.map((l) => l.padStart(cw)).join('') + '   <-- classified as',
    ...cm.map((row, i) => row.map((v) => String(v).padStart(cw)).join('') + ` |${letters[i]!.padStart(3)} = ${labels[i]}`),
  ].join('\n');
  return { json, text };
}

/** `deepmine predict` and `deepmine evaluate` on model files written by --save-model. */
export function registerModelCommands(program: Command): void {
  addCommon(program.command('predict [data]')
    .summary('predictions of a saved model (--save-model) on new data')
    .description('Predict with a model file written by `analyze --save-model DIR` (or tree/nn --save-model): the same encoding, imputation and scaling as in training. Output: CSV (prediction, then one probability column per class) on stdout or --out.')
    .addHelpText('before', '\nExamples:\n  deepmine analyze train.csv --target label --save-model models\n  deepmine predict --model models/forest.json new.csv --out preds.csv\n  deepmine predict --model models/tree.json new.csv | head\n')
    .requiredOption('--model <file>', 'model file (.json) written by --save-model')
    .option('--dataset <name>', 'a built-in dataset instead of a file')
    .option('--out <file>', 'write the CSV here instead of stdout (never replaced without --force)')
    .option('--force', 'replace --out if it exists'))
    .action(async (data: string | undefined, opts: PredictOptions) => {
      const b = readBundle(opts.model);
      const { table, source } = await loadTable(data, opts);
      const { predictions, proba } = predictBundle(b, table);
      const header = ['prediction', ...(proba ? b.classes!.map((c) => `p(${c})`) : [])];
      if (opts.out !== undefined && existsSync(opts.out) && !opts.force) throw new IOError(opts.out, 'deepmine: the output file exists already; pass --force to replace it');
      if (opts.json) {
        output(opts, { model: b.model, source, rows: predictions.length, classes: b.classes, predictions, ...(proba ? { proba: Array.from({ length: proba.rows }, (_, i) => Array.from(proba.row(i))) } : {}) }, () => '');
        return;
      }
      const lines = [header.map(csvCell).join(',')];
      for (let i = 0; i < predictions.length; i++) lines.push([predictions[i], ...(proba ? Array.from(proba.row(i)) : [])].map(csvCell).join(','));
      const csv = lines.join('\n') + '\n';
      if (opts.out !== undefined) {
        writeFileAtomicSync(opts.out, csv, { overwrite: !!opts.force, owner: 'deepmine predict' });
        if (!opts.quiet) io.err(`deepmine: ${predictions.length} predictions of the ${b.model} written to ${opts.out}\n`);
      } else io.out(csv);
    });

  addCommon(program.command('evaluate [data]')
    .summary('Weka-style evaluation of a saved model on labelled data')
    .description('Summary (correct/incorrect, kappa), per-class table (TP/FP rate, precision, recall, F-measure, MCC, ROC and PRC area; the positive class of a binary target is named) and the confusion matrix; R^2, MAE and RMSE for regression.')
    .addHelpText('before', '\nExamples:\n  deepmine evaluate --model models/forest.json test.csv\n  deepmine evaluate --model models/nn.json test.csv --target label --json\n')
    .requiredOption('--model <file>', 'model file (.json) written by --save-model')
    .option('--dataset <name>', 'a built-in dataset instead of a file')
    .option('--target <column>', 'column with the true values (default: the target the model was trained on)'))
    .action(async (data: string | undefined, opts: PredictOptions) => {
      const b = readBundle(opts.model);
      const { table, source } = await loadTable(data, opts);
      const target = opts.target ?? b.target;
      if (!table.has(target)) throw new DataError('--target', `one of the columns [${table.names.slice(0, 15).join(', ')}]`, JSON.stringify(target), 'deepmine evaluate');
      const { predictions, proba } = predictBundle(b, table);
      const c = table.column(target);
      const keep: number[] = [];
      const actual: (string | number)[] = [];
      for (let i = 0; i < table.nRows; i++) {
        if (c.kind === 'categorical') { if (c.codes[i]! >= 0) { keep.push(i); actual.push(c.labels[c.codes[i]!]!); } }
        else if (!Number.isNaN(c.values[i]!)) { keep.push(i); actual.push(b.task === 'classification' ? (c.kind === 'boolean' ? String(c.values[i] === 1) : String(c.values[i])) : c.values[i]!); }
      }
      if (keep.length === 0) throw new DataError('data', `rows with a value in ${target}`, 'none', 'deepmine evaluate');
      const pred = keep.map((i) => predictions[i]!);
      const P = proba && keep.length < proba.rows ? proba.takeRows(keep) : proba;
      const { json, text } = evaluationBlock(b, source, actual, pred, P);
      output(opts, json, () => text);
    });
}

/**
 * The analysis stages: each a small function over the shared {@link AnalysisContext}, listed in
 * {@link STAGES} (the stage registry) in run order. Browser-safe.
 */
import { profile as profileTable, type NumericProfile } from '../analysis/profile.js';
import { associationRules } from '../assoc/rules.js';
import { fpGrowth } from '../assoc/fpgrowth.js';
import { TransactionDB } from '../assoc/transactions.js';
import { chooseK } from '../cluster/chooseK.js';
import { KMeans } from '../cluster/kmeans.js';
import { Matrix } from '../core/matrix.js';
import { RandomState } from '../core/random.js';
import { Table } from '../core/table.js';
import { PCA } from '../decomposition/pca.js';
import { describeClusters } from '../fusion/describe.js';
import { IsolationForest } from '../preprocessing/isolationForest.js';
import { silhouetteScore } from '../metrics/cluster.js';
import { aucScore, averagePrecisionScore, precisionRecallCurve, rocCurve } from '../metrics/ranking.js';
import { trainTestSplitIndices } from '../modelSelection/split.js';
import { Dense } from '../nn/layers.js';
import { Sequential } from '../nn/sequential.js';
import { getOptimizer } from '../nn/optimizers.js';
import { DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier, RandomForestRegressor, treeLayout, treeToRules } from '../tree/index.js';
import { extractRules, mineErrors, permutationImportanceSync, shapValues } from '../explain/index.js';
import type { AnalysisContext, FittedModel, Stage, StageName } from './context.js';
import type { Alert, ClusterSection, ErrorSlicesSection, ForestSection, ImportanceSection, ModelEval, NetSection, PcaSection, RulesSection, ShapSection, SurrogateSection, TreeSection } from './types.js';
import { encodeTable } from './context.js';

// ------------------------------------------------------------------ helpers

/** A seeded sample of `max` row indices out of `n` (ascending), or null when n <= max. */
export function sampleRows(n: number, max: number, seed: number): Int32Array | null {
  if (n <= max) return null;
  const p = new RandomState(seed).permutation(n).subarray(0, max);
  return Int32Array.from(p).sort();
}

const fmtNum = (v: number, d = 3): string => (Number.isFinite(v) ? String(Number(v.toPrecision(d))) : String(v));
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** Keep at most `max` points of a curve (evenly spaced, first and last kept). */
export function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  const step = (xs.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(xs[Math.round(i * step)]!);
  return out;
}

/** Quality of predictions on the test split. */
export function evaluate(model: string, task: 'classification' | 'regression', yTrue: readonly (string | number)[], yPred: readonly (string | number)[], classes: string[] | null, proba?: Matrix): ModelEval {
  if (task === 'regression') {
    const a = yTrue as number[], p = yPred as number[];
    const n = a.length;
    let mean = 0;
    for (const v of a) mean += v / n;
    let ssr = 0, sst = 0, mae = 0;
    for (let i = 0; i < n; i++) { const e = a[i]! - p[i]!; ssr += e * e; sst += (a[i]! - mean) ** 2; mae += Math.abs(e) / n; }
    const keep = sampleRows(n, 1000, 0);
    const idx = keep ? Array.from(keep) : a.map((_, i) => i);
    return {
      model, task, metrics: { r2: sst > 0 ? 1 - ssr / sst : null, mae, rmse: Math.sqrt(ssr / n) },
      residuals: { actual: idx.map((i) => a[i]!), predicted: idx.map((i) => p[i]!), sampled: keep !== null },
    };
  }
  const labels = classes!;
  const index = new Map(labels.map((c, i) => [c, i]));
  const k = labels.length;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) cm[index.get(String(yTrue[i]))!]![index.get(String(yPred[i]))!]!++;
  const n = yTrue.length;
  let correct = 0, recallSum = 0, f1Sum = 0, present = 0;
  for (let c = 0; c < k; c++) {
    correct += cm[c]![c]!;
    const support = cm[c]!.reduce((s, v) => s + v, 0);
    const predicted = cm.reduce((s, row) => s + row[c]!, 0);
    const recall = support ? cm[c]![c]! / support : 0;
    const precision = predicted ? cm[c]![c]! / predicted : 0;
    if (support) { recallSum += recall; present++; }
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  const out: ModelEval = { model, task, labels, confusion: cm, metrics: { accuracy: correct / n, balancedAccuracy: present ? recallSum / present : null, macroF1: f1Sum / k } };
  if (k === 2 && proba) {
    const pos = labels[1]!;
    const yt = yTrue.map((v) => (String(v) === pos ? 1 : 0));
    const score = proba.col(1);
    if (yt.some((v) => v === 1) && yt.some((v) => v === 0)) {
      const roc = rocCurve(yt, score);
      const pr = precisionRecallCurve(yt, score);
      const auc = aucScore(roc.fpr, roc.tpr);
      const ap = averagePrecisionScore(yt, score);
      const rocPts = thin(roc.fpr.map((f, i) => [f, roc.tpr[i]!] as const), 500);
      const prPts = thin(pr.recall.map((r, i) => [r, pr.precision[i]!] as const), 500);
      out.positiveClass = pos;
      out.metrics.rocAuc = auc;
      out.metrics.averagePrecision = ap;
      out.roc = { fpr: rocPts.map((p) => p[0]), tpr: rocPts.map((p) => p[1]), auc };
      out.pr = { recall: prPts.map((p) => p[0]), precision: prPts.map((p) => p[1]), averagePrecision: ap };
    }
  }
  return out;
}

/** A short one-line result of a model evaluation, for summaries. */
export function evalLine(e: ModelEval): string {
  const m = e.metrics;
  return e.task === 'classification'
    ? `accuracy ${fmtNum(m.accuracy!, 4)}, balanced ${fmtNum(m.balancedAccuracy ?? NaN, 4)}${m.rocAuc !== undefined ? `, ROC AUC ${fmtNum(m.rocAuc!, 4)}` : ''}`
    : `R^2 ${fmtNum(m.r2 ?? NaN, 4)}, MAE ${fmtNum(m.mae!, 4)}`;
}

function labelOf(v: unknown): string { return typeof v === 'number' ? String(v) : String(v); }

// ------------------------------------------------------------------ stages

const profileStage: Stage = {
  name: 'profile', title: 'Data profile', needs: [],
  run(ctx) {
    const p = profileTable(ctx.table, { topK: 10 });
    ctx.profile = p;
    ctx.alerts.push(...profileAlerts(ctx));
    return { data: { rows: p.rows, columns: p.columns.length, duplicateRows: p.duplicateRows.count } };
  },
};

/** Alerts from the profile: constant, high-cardinality, skewed, correlated, missing, duplicates, imbalance, leakage. */
export function profileAlerts(ctx: AnalysisContext): Alert[] {
  const p = ctx.profile!;
  const out: Alert[] = [];
  const n = p.rows;
  for (const c of p.columns) {
    if (c.distinct <= 1 && n > 1) out.push({ kind: 'constant', severity: 'warning', columns: [c.name], message: `${c.name} has ${c.distinct} distinct value${c.distinct === 1 ? '' : 's'} in ${n} rows`, fix: 'it carries no information: it is dropped from the models' });
    if (c.missing > 0) out.push({ kind: 'missing', severity: c.missingFraction > 0.5 ? 'warning' : 'info', columns: [c.name], message: `${c.name} is missing in ${c.missing} of ${n} rows (${pct(c.missingFraction)})`, fix: c.missingFraction > 0.5 ? 'consider dropping the column; it is imputed here (median / most frequent)' : 'imputed with the median (numbers) or left as no category (strings)' });
    if (c.type === 'categorical' && c.name !== ctx.target && c.count > 0) {
      if (isIdLike(c.distinct, c.count)) out.push({ kind: 'id-like', severity: 'warning', columns: [c.name], message: `${c.name} has ${c.distinct} distinct values in ${c.count} rows (${pct(c.distinct / c.count)} unique): it looks like an identifier`, fix: 'dropped from the models; join on it instead of learning from it' });
      else if (c.distinct > 50) out.push({ kind: 'high-cardinality', severity: 'info', columns: [c.name], message: `${c.name} has ${c.distinct} distinct values`, fix: 'the 20 most frequent are one-hot encoded, the rest grouped; consider grouping rare values or target encoding' });
    }
    if (c.type === 'numeric' && c.skewness !== null && Math.abs(c.skewness) > 2 && c.distinct > 2) {
      out.push({ kind: 'skewed', severity: 'info', columns: [c.name], message: `${c.name} is skewed (skewness ${fmtNum(c.skewness)})`, fix: c.min !== null && c.min >= 0 ? 'consider log1p(x); trees are unaffected' : 'consider a rank or Yeo-Johnson transform; trees are unaffected' });
    }
  }
  const { columns, matrix } = p.correlation;
  const pairs: [string, string, number][] = [];
  for (let i = 0; i < columns.length; i++) for (let j = i + 1; j < columns.length; j++) {
    const r = matrix[i]![j];
    if (r !== null && r !== undefined && Math.abs(r) >= 0.95 && columns[i] !== ctx.target && columns[j] !== ctx.target) pairs.push([columns[i]!, columns[j]!, r]);
  }
  pairs.sort((a, b) => Math.abs(b[2]) - Math.abs(a[2]));
  for (const [a, b, r] of pairs.slice(0, 10)) out.push({ kind: 'correlated', severity: 'info', columns: [a, b], message: `${a} and ${b} are strongly correlated (Pearson r = ${fmtNum(r, 4)})`, fix: 'keep one of them for linear models and for reading importances (they share credit)' });
  if (pairs.length > 10) out.push({ kind: 'correlated', severity: 'info', columns: [], message: `${pairs.length - 10} more pairs with |r| >= 0.95`, fix: 'see the correlation heatmap' });
  if (p.duplicateRows.count > 0 && !ctx.transactions) out.push({ kind: 'duplicates', severity: 'warning', columns: [], message: `${p.duplicateRows.count} duplicate rows (${pct(p.duplicateRows.count / n)}), e.g. row ${p.duplicateRows.indices[0]} repeats row ${p.duplicateRows.firstOccurrence[0]}`, fix: 'remove them if they are not real repeated observations; they can leak between train and test' });
  if (ctx.target !== null && ctx.task === 'classification') {
    const tc = p.columns.find((c) => c.name === ctx.target);
    const counts = classCounts(ctx);
    if (tc && counts.length >= 2) {
      const min = counts.reduce((a, b) => (b.count < a.count ? b : a)), max = counts.reduce((a, b) => (b.count > a.count ? b : a));
      const ratio = min.count / max.count;
      if (ratio < 0.2) out.push({ kind: 'imbalance', severity: 'warning', columns: [ctx.target], message: `class ${min.label} has ${min.count} rows, class ${max.label} ${max.count} (ratio ${fmtNum(ratio)})`, fix: 'read balanced accuracy and the PR curve rather than accuracy; consider class weights or resampling' });
    }
  }
  out.push(...leakageAlerts(ctx));
  return out;
}

const isIdLike = (distinct: number, count: number) => distinct > 20 && distinct >= 0.9 * count;

/** Class counts of the target (classification), sorted by label. */
export function classCounts(ctx: AnalysisContext): { label: string; count: number }[] {
  const c = ctx.table.column(ctx.target!);
  const m = new Map<string, number>();
  for (let i = 0; i < ctx.table.nRows; i++) {
    let v: string | null;
    if (c.kind === 'categorical') v = c.codes[i]! < 0 ? null : c.labels[c.codes[i]!]!;
    else v = Number.isNaN(c.values[i]!) ? null : c.kind === 'boolean' ? String(c.values[i] === 1) : String(c.values[i]);
    if (v !== null) m.set(v, (m.get(v) ?? 0) + 1);
  }
  return [...m.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** Leakage suspects: a numeric feature almost perfectly correlated with the target, or a categorical one that names the class. */
function leakageAlerts(ctx: AnalysisContext): Alert[] {
  if (ctx.target === null) return [];
  const out: Alert[] = [];
  const t = ctx.table.column(ctx.target);
  const n = ctx.table.nRows;
  let yNum: Float64Array | null = null;
  if (t.kind !== 'categorical') yNum = t.values;
  else if (t.labels.length === 2) yNum = Float64Array.from(t.codes, (c) => (c < 0 ? NaN : c));
  for (const c of ctx.table.columns) {
    if (c.name === ctx.target) continue;
    if (c.kind !== 'categorical' && yNum) {
      const r = pearson(c.values, yNum);
      if (r !== null && Math.abs(r) >= 0.97) out.push({ kind: 'leakage', severity: 'warning', columns: [c.name], message: `${c.name} predicts the target almost exactly (Pearson r = ${fmtNum(r, 4)})`, fix: 'check it is known before the target is; if it is computed from the target, drop it' });
    } else if (c.kind === 'categorical' && t.kind === 'categorical' && c.labels.length >= 2 && c.labels.length < n / 10) {
      // purity: share of rows whose category's majority class is their class
      const k = t.labels.length;
      const counts = new Float64Array(c.labels.length * k);
      let m = 0;
      for (let i = 0; i < n; i++) { const a = c.codes[i]!, b = t.codes[i]!; if (a >= 0 && b >= 0) { counts[a * k + b]!++; m++; } }
      let pure = 0;
      for (let a = 0; a < c.labels.length; a++) { let best = 0; for (let b = 0; b < k; b++) best = Math.max(best, counts[a * k + b]!); pure += best; }
      if (m > 0 && pure / m >= 0.99) out.push({ kind: 'leakage', severity: 'warning', columns: [c.name], message: `${c.name} alone gives the class of ${pct(pure / m)} of the rows`, fix: 'check it is not derived from the target; if it is, drop it' });
    }
  }
  return out;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  let k = 0, mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) { const u = x[i]!, v = y[i]!; if (u === u && v === v) { k++; mx += u; my += v; } }
  if (k < 3) return null;
  mx /= k; my /= k;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) { const u = x[i]!, v = y[i]!; if (u === u && v === v) { sxy += (u - mx) * (v - my); sxx += (u - mx) ** 2; syy += (v - my) ** 2; } }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

const cleanStage: Stage = {
  name: 'clean', title: 'Cleaning', needs: [],
  run(ctx) {
    if (ctx.transactions) return { notApplicable: 'basket data: no feature table to clean (association rules only)' };
    const t = ctx.table;
    const p = ctx.profile ?? profileTable(t, { topK: 1 });
    const n = t.nRows;
    // rows with a target
    let rows: number[] | null = null;
    if (ctx.target !== null) {
      const c = t.column(ctx.target);
      rows = [];
      for (let i = 0; i < n; i++) if (c.kind === 'categorical' ? c.codes[i]! >= 0 : !Number.isNaN(c.values[i]!)) rows.push(i);
      if (rows.length < n) ctx.alerts.push({ kind: 'dropped-rows', severity: 'warning', columns: [ctx.target], message: `${n - rows.length} rows have no target value`, fix: 'they are left out of the supervised stages' });
      if (rows.length === n) rows = null;
    }
    const m = rows ? rows.length : n;
    const at = (i: number) => (rows ? rows[i]! : i);
    const names: string[] = [];
    const cols: Float64Array[] = [];
    const notes: string[] = [];
    let outlierRows = 0;
    const outlierFlags = new Uint8Array(n);
    const outlierCols: string[] = [];
    for (const c of t.columns) {
      if (c.name === ctx.target) continue;
      const prof = p.columns.find((q) => q.name === c.name)!;
      if (prof.distinct <= 1) { ctx.droppedColumns.push({ column: c.name, reason: 'constant' }); continue; }
      if (c.kind === 'categorical') {
        if (isIdLike(prof.distinct, prof.count)) { ctx.droppedColumns.push({ column: c.name, reason: `id-like (${prof.distinct} distinct values)` }); continue; }
        const counts = new Float64Array(c.labels.length);
        for (let i = 0; i < n; i++) if (c.codes[i]! >= 0) counts[c.codes[i]!]!++;
        const order = [...counts.keys()].filter((k) => counts[k]! > 0).sort((a, b) => counts[b]! - counts[a]! || a - b);
        const kept = order.slice(0, 20);
        const keepSet = new Set(kept);
        // drop one level of a binary column (the other is its complement)
        const levels = kept.length === 2 && order.length === 2 ? kept.slice(0, 1) : kept;
        for (const k of levels) {
          names.push(`${c.name}=${c.labels[k]}`);
          ctx.encoding.push({ name: `${c.name}=${c.labels[k]}`, column: c.name, kind: 'onehot', level: c.labels[k]! });
          cols.push(Float64Array.from({ length: m }, (_, i) => (c.codes[at(i)] === k ? 1 : 0)));
        }
        if (order.length > kept.length) {
          names.push(`${c.name}=(other)`);
          ctx.encoding.push({ name: `${c.name}=(other)`, column: c.name, kind: 'other', levels: kept.map((k) => c.labels[k]!) });
          cols.push(Float64Array.from({ length: m }, (_, i) => { const v = c.codes[at(i)]!; return v >= 0 && !keepSet.has(v) ? 1 : 0; }));
        }
        continue;
      }
      let v: Float64Array;
      if (!rows) v = c.values.slice();
      else { v = new Float64Array(m); for (let i = 0; i < m; i++) v[i] = c.values[rows[i]!]!; }
      if (c.kind === 'numeric') {
        const np = prof as NumericProfile;
        // a row index: integers 0..n-1 or 1..n in order
        if (np.distinct === n && n > 20 && isSequence(c.values)) { ctx.droppedColumns.push({ column: c.name, reason: 'id-like (a row number)' }); ctx.alerts.push({ kind: 'id-like', severity: 'warning', columns: [c.name], message: `${c.name} counts the rows (${np.min} .. ${np.max}, all distinct, in order)`, fix: 'dropped from the models; a row number has no meaning for new data' }); continue; }
        if (np.q25 !== null && np.q75 !== null && np.q75 > np.q25) {
          const iqr = np.q75 - np.q25, lo = np.q25 - 3 * iqr, hi = np.q75 + 3 * iqr;
          let k = 0;
          for (let i = 0; i < n; i++) { const x = c.values[i]!; if (x < lo || x > hi) { k++; if (!outlierFlags[i]) { outlierFlags[i] = 1; outlierRows++; } } }
          if (k > 0) outlierCols.push(`${c.name} (${k})`);
        }
      }
      names.push(c.name);
      ctx.encoding.push({ name: c.name, column: c.name, kind: 'value' });
      cols.push(v);
    }
    if (outlierRows > 0) ctx.alerts.push({ kind: 'outliers', severity: 'info', columns: [], message: `${outlierRows} rows (${pct(outlierRows / n)}) have a value beyond 3 IQR of the quartiles: ${outlierCols.slice(0, 6).join(', ')}${outlierCols.length > 6 ? ', ...' : ''}`, fix: 'flagged, not removed: check them for entry errors; trees are robust to them' });
    if (names.length === 0) return { notApplicable: 'no usable feature column (all constant or id-like)' };
    const d = names.length;
    const X = new Matrix(new Float64Array(m * d), m, d);
    for (let j = 0; j < d; j++) { const c = cols[j]!; for (let i = 0; i < m; i++) X.data[i * d + j] = c[i]!; }
    ctx.X = X;
    ctx.featureNames = names;
    if (ctx.target !== null) {
      const c = t.column(ctx.target);
      if (ctx.task === 'classification') ctx.y = Array.from({ length: m }, (_, i) => (c.kind === 'categorical' ? c.labels[c.codes[at(i)]!]! : c.kind === 'boolean' ? String(c.values[at(i)] === 1) : labelOf(c.values[at(i)])));
      else ctx.y = Array.from({ length: m }, (_, i) => (c as { values: Float64Array }).values[at(i)]!);
    }
    const dropped = new Set(ctx.droppedColumns.map((dc) => dc.column));
    ctx.ruleTable = t.select(t.names.filter((nm) => !dropped.has(nm)));
    ctx.rowIndex = rows ? Int32Array.from(rows) : null;
    // Z: median-imputed, standard-scaled (two-pass variance), for PCA and clustering
    ctx.Ximputed = imputeMedian(X, X, undefined, true).X;
    ctx.Z = scaleColumns(ctx.Ximputed).Z;
    // multivariate outliers: an isolation forest on the scaled features (fitted and scored on seeded samples)
    let isolation: { outliers: number; scored: number } | null = null;
    if (ctx.Z.rows >= 20) {
      const fitRows = sampleRows(ctx.Z.rows, 10000, ctx.opts.seed + 5), scoreRows = sampleRows(ctx.Z.rows, 100000, ctx.opts.seed + 6);
      const iso = new IsolationForest({ randomState: ctx.opts.seed }).fit(fitRows ? ctx.Z.takeRows(fitRows) : ctx.Z);
      const pred = iso.predict(scoreRows ? ctx.Z.takeRows(scoreRows) : ctx.Z);
      let k = 0;
      for (const v of pred) if (v === -1) k++;
      isolation = { outliers: k, scored: pred.length };
      if (k > 0) ctx.alerts.push({ kind: 'outliers', severity: 'info', columns: [], message: `an isolation forest (100 trees, threshold -0.5) scores ${k} of ${pred.length} ${scoreRows ? 'sampled ' : ''}rows (${pct(k / pred.length)}) as multivariate outliers`, fix: 'flagged, not removed: look at these rows before trusting the models on them' });
    }
    for (const dc of ctx.droppedColumns) notes.push(`dropped ${dc.column}: ${dc.reason}`);
    return { data: { features: d, rows: m, dropped: ctx.droppedColumns, oneHot: t.columns.filter((c) => c.kind === 'categorical' && !dropped.has(c.name) && c.name !== ctx.target).map((c) => c.name), outlierRows, isolation }, notes };
  },
};

function isSequence(v: Float64Array): boolean {
  const start = v[0]!;
  if (start !== 0 && start !== 1) return false;
  for (let i = 1; i < v.length; i++) if (v[i] !== start + i) return false;
  return true;
}

/**
 * Fill NaN with the column medians of `fitOn` (0 when a column has no value). Medians are computed
 * for every column (`medians` returned, e.g. for model files), or with `onlyMissing` just for the
 * columns of X that hold a NaN (the others are returned as NaN: one sort per column saved).
 */
export function imputeMedian(X: Matrix, fitOn: Matrix, medians?: Float64Array, onlyMissing = false): { X: Matrix; medians: Float64Array } {
  const d = X.cols;
  const hasNaN = new Uint8Array(d);
  let any = false;
  for (let i = 0; i < X.data.length; i++) if (Number.isNaN(X.data[i]!)) { hasNaN[i % d] = 1; any = true; }
  const med = medians ?? new Float64Array(d).fill(NaN);
  if (!medians) {
    for (let j = 0; j < d; j++) {
      if (onlyMissing && !hasNaN[j]) continue;
      const v = fitOn.col(j).filter((x) => !Number.isNaN(x)).sort();
      med[j] = v.length === 0 ? 0 : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
    }
  }
  if (!any) return { X, medians: med };
  const out = new Matrix(X.data.slice(), X.rows, d);
  for (let i = 0; i < out.data.length; i++) if (Number.isNaN(out.data[i]!)) out.data[i] = med[i % d]!;
  return { X: out, medians: med };
}

/** Standard-scale columns with a two-pass mean/variance; a column with (numerically) zero variance gets scale 1. */
export function scaleColumns(X: Matrix, fit?: { mean: Float64Array; scale: Float64Array }): { Z: Matrix; mean: Float64Array; scale: Float64Array } {
  const n = X.rows, d = X.cols;
  let mean: Float64Array, scale: Float64Array;
  if (fit) ({ mean, scale } = fit);
  else {
    mean = new Float64Array(d); scale = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X.data[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const e = X.data[i * d + j]! - mean[j]!; scale[j]! += e * e; }
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt(scale[j]! / n);
      // relative guard: rounding leaves ~1e-16 * |mean| on a constant column
      scale[j] = sd <= 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? 1 : sd;
    }
  }
  const Z = new Matrix(new Float64Array(n * d), n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z.data[i * d + j] = (X.data[i * d + j]! - mean[j]!) / scale[j]!;
  return { Z, mean, scale };
}

const splitStage: Stage = {
  name: 'split', title: 'Train/test split', needs: ['clean'], supervised: true,
  run(ctx) {
    const X = ctx.X!, y = ctx.y!;
    const n = X.rows;
    if (n < 10) return { notApplicable: `too few rows with a target (${n}) for a train/test split` };
    if (ctx.task === 'classification' && new Set<string | number>(y).size < 2) return { notApplicable: `the target ${ctx.target} has a single class` };
    let stratify: (string | number)[] | null = null;
    if (ctx.task === 'classification') {
      const counts = new Map<string | number, number>();
      for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
      if ([...counts.values()].every((c) => c >= 2)) stratify = y as (string | number)[];
    }
    let { train, test } = trainTestSplitIndices(n, { testSize: ctx.opts.testSize, randomState: ctx.opts.seed, stratify });
    const notes: string[] = [`test fraction ${ctx.opts.testSize}, seed ${ctx.opts.seed}${stratify ? ', stratified by class' : ''}`];
    const max = ctx.opts.maxTrainRows;
    const sTrain = sampleRows(train.length, max, ctx.opts.seed);
    if (sTrain) { notes.push(`models trained on a seeded sample of ${max} of the ${train.length} training rows`); train = Int32Array.from(sTrain, (i) => train[i]!); }
    const sTest = sampleRows(test.length, Math.max(1000, Math.floor(max / 2)), ctx.opts.seed + 1);
    if (sTest) { notes.push(`evaluated on a seeded sample of ${sTest.length} of the ${test.length} test rows`); test = Int32Array.from(sTest, (i) => test[i]!); }
    if (sTrain || sTest) ctx.alerts.push({ kind: 'sampled', severity: 'info', columns: [], message: notes.slice(1).join('; '), fix: 'raise maxTrainRows in --config to use more rows (slower)' });
    const XTrainRaw = X.takeRows(train), XTestRaw = X.takeRows(test);
    const { X: XTrain, medians } = imputeMedian(XTrainRaw, XTrainRaw);
    const XTest = imputeMedian(XTestRaw, XTrainRaw, medians).X;
    const sc = scaleColumns(XTrain);
    ctx.split = {
      XTrain, XTest, yTrain: Array.from(train, (i) => y[i]!), yTest: Array.from(test, (i) => y[i]!),
      ZTrain: sc.Z, ZTest: scaleColumns(XTest, sc).Z, trainRows: train.length, medians, mean: sc.mean, scale: sc.scale, trainIdx: train, testIdx: test,
    };
    return { data: { train: train.length, test: test.length, stratified: stratify !== null }, notes };
  },
};

function treeSection(est: DecisionTreeClassifier | DecisionTreeRegressor, names: string[], ev: ModelEval): TreeSection {
  const rules = treeToRules(est as never, { featureNames: names, decimals: 3 });
  const lay = treeLayout(est as never, { featureNames: names, decimals: 3 });
  return {
    eval: ev, depth: est.getDepth(), leaves: est.getNLeaves(),
    rules: rules.sort((a, b) => b.samples - a.samples).map((r) => ({ conditions: r.conditions.map((c) => `${c.featureName ?? names[c.feature]} ${c.op} ${fmtNum(c.threshold, 4)}`), prediction: typeof r.prediction === 'number' ? fmtNum(r.prediction, 4) : String(r.prediction), samples: r.samples, confidence: r.confidence })),
    layout: {
      nodes: lay.nodes.map((nd) => ({ id: nd.id, x: nd.x, y: nd.y, label: nd.isLeaf ? (typeof nd.prediction === 'number' && ctxIsRegressor(est) ? `${fmtNum(nd.prediction as number, 3)}` : String(nd.prediction)) : `${nd.featureName} <= ${fmtNum(nd.threshold!, 4)}`, leaf: nd.isLeaf, samples: nd.samples })),
      links: lay.links.map((l) => ({ source: l.source, target: l.target, condition: l.condition })),
    },
  };
}
const ctxIsRegressor = (est: unknown) => est instanceof DecisionTreeRegressor;

const treeStage: Stage = {
  name: 'tree', title: 'Decision tree', needs: ['split'], supervised: true,
  run(ctx) {
    const s = ctx.split!, o = ctx.opts.tree;
    const est = ctx.task === 'classification'
      ? new DecisionTreeClassifier({ maxDepth: o.maxDepth, minSamplesLeaf: o.minSamplesLeaf, randomState: ctx.opts.seed }).fit(s.XTrain, s.yTrain as string[])
      : new DecisionTreeRegressor({ maxDepth: o.maxDepth, minSamplesLeaf: o.minSamplesLeaf, randomState: ctx.opts.seed }).fit(s.XTrain, s.yTrain as number[]);
    const model: FittedModel = { name: 'decision tree', estimator: est, predict: (X) => Array.from(est.predict(X) as ArrayLike<string | number>) };
    if (est instanceof DecisionTreeClassifier) model.predictProba = (X) => est.predictProba(X);
    ctx.models.tree = model;
    const ev = evaluate('decision tree', ctx.task!, s.yTest, model.predict(s.XTest), ctx.classes, model.predictProba?.(s.XTest));
    return { data: treeSection(est, ctx.featureNames, ev) };
  },
};

const forestStage: Stage = {
  name: 'forest', title: 'Random forest', needs: ['split'], supervised: true,
  run(ctx) {
    const s = ctx.split!, o = ctx.opts.forest;
    const est = ctx.task === 'classification'
      ? new RandomForestClassifier({ nEstimators: o.nEstimators, maxDepth: o.maxDepth, randomState: ctx.opts.seed }).fit(s.XTrain, s.yTrain as string[])
      : new RandomForestRegressor({ nEstimators: o.nEstimators, maxDepth: o.maxDepth, randomState: ctx.opts.seed }).fit(s.XTrain, s.yTrain as number[]);
    const model: FittedModel = { name: 'random forest', estimator: est, predict: (X) => Array.from(est.predict(X) as ArrayLike<string | number>) };
    if (est instanceof RandomForestClassifier) model.predictProba = (X) => est.predictProba(X);
    ctx.models.forest = model;
    const ev = evaluate('random forest', ctx.task!, s.yTest, model.predict(s.XTest), ctx.classes, model.predictProba?.(s.XTest));
    const imp = Array.from(est.featureImportances as Float64Array);
    const data: ForestSection = {
      eval: ev, nEstimators: o.nEstimators,
      importances: imp.map((v, j) => ({ feature: ctx.featureNames[j]!, importance: v })).sort((a, b) => b.importance - a.importance),
    };
    return { data };
  },
};

const nnStage: Stage = {
  name: 'nn', title: 'Neural network', needs: ['split'], supervised: true,
  run(ctx) {
    const s = ctx.split!, o = ctx.opts.nn;
    const classes = ctx.classes;
    const kind = ctx.task === 'regression' ? 'regression' : classes!.length === 2 ? 'binary' : 'multiclass';
    const layers = o.layers.map((u) => new Dense(u, { activation: 'relu' }));
    layers.push(kind === 'binary' ? new Dense(1, { activation: 'sigmoid' }) : kind === 'multiclass' ? new Dense(classes!.length, { activation: 'softmax' }) : new Dense(1));
    const net = new Sequential(layers);
    const loss = kind === 'binary' ? 'binaryCrossentropy' : kind === 'multiclass' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError';
    net.compile({ optimizer: getOptimizer(o.learningRate !== undefined ? { name: 'adam', learningRate: o.learningRate } : 'adam'), loss, metrics: kind === 'regression' ? ['mae'] : ['accuracy'] });
    const index = new Map((classes ?? []).map((c, i) => [c, i]));
    // regression: the target is standard-scaled for training and predictions scaled back
    let yMean = 0, yScale = 1;
    let yFit: number[];
    if (kind === 'regression') {
      const yt = s.yTrain as number[];
      yMean = yt.reduce((a, b) => a + b, 0) / yt.length;
      let ss = 0;
      for (const v of yt) ss += (v - yMean) ** 2;
      yScale = Math.sqrt(ss / yt.length) || 1;
      yFit = yt.map((v) => (v - yMean) / yScale);
    } else yFit = s.yTrain.map((v) => index.get(String(v))!);
    const epochs = o.epochs;
    const history = net.fit(s.ZTrain, yFit, {
      epochs, batchSize: o.batchSize, randomState: ctx.opts.seed, validationSplit: o.validationSplit,
      callbacks: [{ onEpochEnd: (e: number, logs: Record<string, number>) => ctx.progress({ stage: 'nn', phase: 'info', message: `epoch ${e + 1}/${epochs} ${Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')}` }) }],
    });
    const { mean, scale } = s;
    const predictRaw = (X: Matrix) => net.predict(scaleColumns(X, { mean, scale }).Z);
    const model: FittedModel = {
      name: 'neural net', estimator: net,
      predict: (X) => {
        const P = predictRaw(X);
        if (kind === 'regression') return Array.from(P.data, (v) => v * yScale + yMean);
        if (kind === 'binary') return Array.from(P.data, (v) => classes![v >= 0.5 ? 1 : 0]!);
        return Array.from({ length: P.rows }, (_, i) => { const r = P.row(i); let b = 0; for (let j = 1; j < r.length; j++) if (r[j]! > r[b]!) b = j; return classes![b]!; });
      },
    };
    if (kind !== 'regression') model.predictProba = (X) => {
      const P = predictRaw(X);
      if (kind === 'multiclass') return P;
      return new Matrix(Float64Array.from({ length: P.rows * 2 }, (_, t) => (t % 2 ? P.data[(t - 1) / 2]! : 1 - P.data[t / 2]!)), P.rows, 2);
    };
    model.targetScaling = kind === 'regression' ? { mean: yMean, scale: yScale } : null;
    ctx.models.nn = model;
    const ev = evaluate('neural net', ctx.task!, s.yTest, model.predict(s.XTest), classes, model.predictProba?.(s.XTest));
    const data: NetSection = {
      eval: ev, epochs, history: history.history, targetScaled: kind === 'regression',
      layers: [...o.layers.map((u) => `Dense(${u}, relu)`), kind === 'binary' ? 'Dense(1, sigmoid)' : kind === 'multiclass' ? `Dense(${classes!.length}, softmax)` : 'Dense(1)'],
    };
    return { data, notes: [`adam + ${loss}, ${epochs} epochs, batch ${o.batchSize}, validation split ${o.validationSplit}, inputs standard-scaled${kind === 'regression' ? ', target standard-scaled (predictions scaled back)' : ''}`] };
  },
};

/** The model the explainers look at: the forest, else the tree, else the net. */
function bestModel(ctx: AnalysisContext): FittedModel | null {
  return ctx.models.forest ?? ctx.models.tree ?? ctx.models.nn ?? null;
}

/** A seeded sample of the test rows (at most `max`) as [X, y]. */
function testSample(ctx: AnalysisContext, max: number, salt: number): { X: Matrix; y: (string | number)[]; idx: Int32Array } {
  const s = ctx.split!;
  const rows = sampleRows(s.XTest.rows, max, ctx.opts.seed + salt);
  if (!rows) return { X: s.XTest, y: s.yTest, idx: Int32Array.from(s.yTest, (_, i) => i) };
  return { X: s.XTest.takeRows(rows), y: Array.from(rows, (i) => s.yTest[i]!), idx: rows };
}

const importanceStage: Stage = {
  name: 'importance', title: 'Permutation importance', needs: ['split'], supervised: true,
  run(ctx) {
    const m = bestModel(ctx);
    if (!m) return { notApplicable: 'no model was trained' };
    const o = ctx.opts.importance;
    const { X, y } = testSample(ctx, o.maxRows, 7);
    const scoring = ctx.task === 'classification' ? 'accuracy' : 'r2';
    const model = { predict: (Z: Matrix) => m.predict(Z) as never };
    const r = permutationImportanceSync(model, X, y as never, { scoring, nRepeats: o.nRepeats, randomState: ctx.opts.seed });
    const data: ImportanceSection = {
      model: m.name, scoring,
      importances: ctx.featureNames.map((feature, j) => ({ feature, mean: r.importancesMean[j]!, std: r.importancesStd[j]! })).sort((a, b) => b.mean - a.mean),
    };
    return { data, notes: [`${o.nRepeats} shuffles of each feature on ${X.rows} test rows; drop in ${scoring}`] };
  },
};

const shapStage: Stage = {
  name: 'shap', title: 'SHAP summary', needs: ['split'], supervised: true,
  run(ctx) {
    const m = ctx.models.forest ?? ctx.models.tree ?? null;
    if (!m) return { notApplicable: 'SHAP is computed for the forest or the tree (TreeSHAP), and neither was trained' };
    const { X } = testSample(ctx, ctx.opts.shap.maxRows, 8);
    const r = shapValues(m.estimator as never, X, { featureNames: ctx.featureNames, randomState: ctx.opts.seed });
    const d = X.cols, n = X.rows;
    // binary: the positive class; multiclass: mean |SHAP| over the classes; regression: the value
    const k = r.values.length === 2 ? 1 : 0;
    const meanAbs = new Float64Array(d);
    for (const V of r.values) for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) meanAbs[j]! += Math.abs(V.data[i * d + j]!) / (n * r.values.length);
    const order = Array.from({ length: d }, (_, j) => j).sort((a, b) => meanAbs[b]! - meanAbs[a]!);
    const points: ShapSection['points'] = [];
    if (r.values.length <= 2) {
      const V = r.values[k]!;
      for (const j of order.slice(0, 12)) {
        const col = X.col(j), sorted = Array.from(col).sort((a, b) => a - b);
        for (let i = 0; i < n; i++) {
          const rank = sorted.length > 1 ? sorted.indexOf(col[i]!) / (sorted.length - 1) : 0.5;
          points.push({ feature: ctx.featureNames[j]!, shap: V.data[i * d + j]!, value: rank });
        }
      }
    }
    const data: ShapSection = { model: m.name, meanAbs: order.map((j) => ({ feature: ctx.featureNames[j]!, value: meanAbs[j]! })), points, sampled: n < ctx.split!.XTest.rows };
    return { data, notes: [`${r.method} SHAP on ${n} test rows${r.values.length === 2 ? `, class ${ctx.classes![1]}` : r.values.length > 2 ? ', mean over the classes' : ''}`] };
  },
};

const surrogateStage: Stage = {
  name: 'surrogate', title: 'Surrogate rules', needs: ['split'], supervised: true,
  run(ctx) {
    const m = ctx.models.nn ?? ctx.models.forest ?? null;
    if (!m) return { notApplicable: 'no black-box model (net or forest) was trained' };
    const s = ctx.split!;
    const rows = sampleRows(s.XTrain.rows, 10000, ctx.opts.seed + 9);
    const X = rows ? s.XTrain.takeRows(rows) : s.XTrain;
    const y = rows ? Array.from(rows, (i) => s.yTrain[i]!) : s.yTrain;
    const model = { predict: (Z: Matrix) => m.predict(Z), ...(ctx.classes ? { classes: ctx.classes } : {}) };
    const r = extractRules(model as never, X, { task: ctx.task!, maxDepth: ctx.opts.surrogate.maxDepth, maxLeafNodes: null, featureNames: ctx.featureNames, y: y as never, randomState: ctx.opts.seed, decimals: 3 });
    const fidelity = r.surrogate.fidelity(s.XTest);
    const data: SurrogateSection = {
      model: m.name, fidelity, depth: ctx.opts.surrogate.maxDepth,
      rules: r.rules.sort((a, b) => b.support - a.support).map((x) => ({ rule: x.conditions.map((c) => `${c.featureName ?? ctx.featureNames[c.feature]} ${c.op} ${fmtNum(c.threshold, 4)}`).join(' and ') || '(always)', prediction: typeof x.prediction === 'number' ? fmtNum(x.prediction, 4) : String(x.prediction), samples: x.support, confidence: x.precision ?? x.fidelity })),
    };
    return { data, notes: [`a depth-${data.depth} tree fitted to the ${m.name}'s predictions on ${X.rows} training rows; fidelity measured on the test rows; confidence = agreement with the true labels inside the rule`] };
  },
};

const errorsStage: Stage = {
  name: 'errors', title: 'Error slices', needs: ['split'], supervised: true,
  run(ctx) {
    const m = bestModel(ctx);
    if (!m) return { notApplicable: 'no model was trained' };
    const s = ctx.split!;
    // the test rows in their original columns (slices read "color = red", "age in [30, 45)")
    const tableRows = Int32Array.from(s.testIdx, (i) => (ctx.rowIndex ? ctx.rowIndex[i]! : i));
    const t = ctx.ruleTable!;
    const T = t.select(t.names.filter((nm) => nm !== ctx.target)).takeRows(tableRows);
    const model = {
      predict: (X: unknown) => {
        const raw = encodeTable(X as typeof T, ctx.encoding, 'analyze errors');
        return m.predict(imputeMedian(raw, raw, s.medians).X);
      },
    };
    const n = T.nRows;
    const r = mineErrors(model as never, T, s.yTest as never, { k: ctx.opts.errors.maxSlices, minSupport: Math.max(5, Math.ceil(0.02 * n)), maxLevel: 2, loss: ctx.task === 'classification' ? '0/1' : 'squared' });
    const base = r.averageError;
    const data: ErrorSlicesSection = {
      model: m.name, baseError: base,
      slices: r.slices.map((x) => ({ slice: x.description, size: x.size, error: x.errorRate, lift: base > 0 ? x.errorRate / base : 0 })),
    };
    return { data, notes: [`SliceLine (${r.loss} loss) over the ${n} test rows, at most 2 predicates, slices of at least ${r.minSupport} rows`] };
  },
};

/** Rows (indices into Z) drawn in the PCA / cluster scatter, shared by both stages. */
const SCATTER_MAX = 2000;

const pcaStage: Stage = {
  name: 'pca', title: 'PCA', needs: ['clean'],
  run(ctx) {
    const Z = ctx.Z!;
    if (Z.cols < 2 || Z.rows < 3) return { notApplicable: `PCA needs 2 features and 3 rows (have ${Z.cols} x ${Z.rows})` };
    const fitRows = sampleRows(Z.rows, 100000, ctx.opts.seed);
    const Zfit = fitRows ? Z.takeRows(fitRows) : Z;
    const k = Math.min(ctx.opts.pca.nComponents, Zfit.cols, Zfit.rows);
    const pca = new PCA({ nComponents: k, randomState: ctx.opts.seed }).fit(Zfit);
    const scatter = sampleRows(Z.rows, SCATTER_MAX, ctx.opts.seed + 2);
    const P = pca.transform(scatter ? Z.takeRows(scatter) : Z);
    const C = pca.components;
    const loadings: PcaSection['loadings'] = [];
    for (let c = 0; c < Math.min(2, C.rows); c++) {
      const row = Array.from(C.row(c));
      row.map((w, j) => j).sort((a, b) => Math.abs(row[b]!) - Math.abs(row[a]!)).slice(0, 8).forEach((j) => loadings.push({ component: c + 1, feature: ctx.featureNames[j]!, weight: row[j]! }));
    }
    const data: PcaSection = {
      explainedVarianceRatio: Array.from(pca.explainedVarianceRatio), loadings,
      points: Array.from({ length: P.rows }, (_, i) => ({ pc1: P.data[i * P.cols]!, pc2: P.cols > 1 ? P.data[i * P.cols + 1]! : 0, cluster: -1 })),
      sampled: scatter !== null, totalRows: Z.rows,
    };
    (ctx as AnalysisContext & { pcaScatter?: { rows: Int32Array | null; pca: PCA } }).pcaScatter = { rows: scatter, pca };
    return { data, notes: fitRows ? [`fitted on a seeded sample of ${fitRows.length} rows`] : [] };
  },
};

const clusterStage: Stage = {
  name: 'cluster', title: 'Clustering', needs: ['clean'],
  run(ctx) {
    const Z = ctx.Z!, X = ctx.Ximputed!;
    if (Z.rows < 10) return { notApplicable: `too few rows (${Z.rows}) to cluster` };
    const o = ctx.opts.cluster;
    const rows = sampleRows(Z.rows, o.maxRows, ctx.opts.seed + 3);
    const Zs = rows ? Z.takeRows(rows) : Z;
    let k: number;
    let candidates: ClusterSection['candidates'] = [];
    if (o.k === 'auto') {
      const ck = chooseK(Zs.rows > 2000 ? Zs.takeRows(sampleRows(Zs.rows, 2000, ctx.opts.seed)!) : Zs, { kMin: 2, kMax: Math.min(o.kMax, Zs.rows - 1), randomState: ctx.opts.seed, silhouetteSampleSize: 2000 });
      k = ck.k;
      candidates = ck.candidates.map((c) => ({ k: c.k, silhouette: c.silhouette, inertia: c.inertia }));
      ctx.progress({ stage: 'cluster', phase: 'info', message: `k = ${k} by silhouette over k = 2..${candidates.at(-1)?.k}` });
    } else k = Math.min(o.k, Zs.rows - 1);
    const km = new KMeans({ nClusters: k, randomState: ctx.opts.seed, nInit: 3 }).fit(Zs);
    const labels = km.labels;
    const sil = silhouetteScore(Zs, labels, Zs.rows > 2000 ? { sampleSize: 2000, randomState: ctx.opts.seed } : {});
    ctx.clusterLabels = labels;
    ctx.clusterRows = rows;
    const sizes = new Array<number>(k).fill(0);
    for (const l of labels) sizes[l]!++;
    // descriptions: per-cluster mean in original units and its z-score against the whole data (Z has mean 0, sd 1)
    const d = Z.cols;
    const zsum = new Float64Array(k * d), xsum = new Float64Array(k * d);
    for (let i = 0; i < Zs.rows; i++) {
      const l = labels[i]!, src = rows ? rows[i]! : i;
      for (let j = 0; j < d; j++) { zsum[l * d + j]! += Zs.data[i * d + j]!; xsum[l * d + j]! += X.data[src * d + j]!; }
    }
    let described: { rules: string[]; itemsets: string[] }[] | null = null;
    let method = 'mean z-score of each feature inside the cluster (features standard-scaled over all rows)';
    try {
      const tableRows = Int32Array.from(rows ?? labels.map((_, i) => i), (i) => (ctx.rowIndex ? ctx.rowIndex[i]! : i));
      const t = ctx.ruleTable!;
      const names = t.names.filter((nm) => nm !== ctx.target);
      const dc = describeClusters(t.takeRows(tableRows), labels, { featureNames: names });
      described = sizes.map((_, c) => {
        const d = dc.clusters.find((x) => x.cluster === c);
        return { rules: d ? d.rules.map((r) => r.text) : [], itemsets: d ? d.itemsets.map((x) => x.text) : [] };
      });
      method = 'describeClusters: one-vs-rest rules of a depth-3 tree (precision, coverage) and contrast itemsets (lift); plus the mean z-scores';
    } catch (e) {
      ctx.progress({ stage: 'cluster', phase: 'info', message: `describeClusters failed (${(e as Error).message}); mean z-scores only` });
    }
    const descriptions = sizes.map((size, c) => {
      const feats = Array.from({ length: d }, (_, j) => ({ feature: ctx.featureNames[j]!, z: zsum[c * d + j]! / size, mean: xsum[c * d + j]! / size }))
        .filter((f) => Math.abs(f.z) > 1e-9)
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 4);
      return { cluster: c, size, features: feats, text: feats.length ? feats.map((f) => `${f.feature} ${f.z > 0 ? 'high' : 'low'} (mean ${fmtNum(f.mean, 4)}, z ${f.z.toFixed(2)})`).join('; ') : 'no distinctive feature', rules: described?.[c]?.rules ?? [], itemsets: described?.[c]?.itemsets ?? [] };
    });
    // the cluster map: the PCA scatter rows, coloured by their cluster
    const sc = (ctx as AnalysisContext & { pcaScatter?: { rows: Int32Array | null; pca: PCA } }).pcaScatter;
    let map: { pc1: number; pc2: number; cluster: number }[] = [];
    if (sc) {
      const Zm = sc.rows ? Z.takeRows(sc.rows) : Z;
      const P = sc.pca.transform(Zm), L = km.predict(Zm);
      map = Array.from({ length: P.rows }, (_, i) => ({ pc1: P.data[i * P.cols]!, pc2: P.cols > 1 ? P.data[i * P.cols + 1]! : 0, cluster: L[i]! }));
    }
    const data: ClusterSection & { map: typeof map } = { algorithm: 'k-means', k, sizes, silhouette: sil, candidates, descriptions, method, map };
    return { data, notes: rows ? [`clustered a seeded sample of ${rows.length} of ${Z.rows} rows`] : [] };
  },
};

const rulesStage: Stage = {
  name: 'rules', title: 'Association rules', needs: [],
  run(ctx) {
    const o = ctx.opts.rules;
    let rows: Int32Array | null = null;
    let db: TransactionDB;
    if (ctx.transactions) db = ctx.transactions;
    else {
      if (!ctx.ruleTable) return { notApplicable: 'needs the clean stage, which did not run' };
      let t = ctx.ruleTable;
      rows = sampleRows(t.nRows, o.maxRows, ctx.opts.seed + 4);
      if (rows) t = t.takeRows(rows);
      // numeric and date columns: 4 quantile bins (KBinsDiscretizer); strings col=value; booleans col when true
      db = TransactionDB.fromTable(t, { nBins: 4, strategy: 'quantile' }, 'analyze rules');
    }
    const itemsets = fpGrowth(db, { minSupport: o.minSupport, maxLen: o.maxLen });
    const LIMIT = 500000;
    if (itemsets.length > LIMIT) return { notApplicable: `${itemsets.length} frequent itemsets at min support ${o.minSupport}: too many to derive rules from; raise rules.minSupport in --config` };
    // maxRules/sortBy: the library's bounded top-k where associationRules has it (older builds ignore them; the slice below caps)
    const bounded = { maxRules: o.maxRules, sortBy: 'lift' } as Record<string, unknown>;
    let rules = itemsets.some((s) => s.items.length > 1) ? associationRules(itemsets, { metric: 'confidence', minThreshold: o.minConfidence, nTransactions: db.nTransactions, ...bounded }) : [];
    rules = rules.filter((r) => r.lift > 1);
    rules.sort((a, b) => b.lift - a.lift || b.support - a.support);
    const capped = rules.length >= o.maxRules; // (with the library top-k the total beyond maxRules is not known)
    const total = rules.length;
    if (capped) rules = rules.slice(0, o.maxRules);
    const data: RulesSection = {
      nTransactions: db.nTransactions, nItems: db.nItems, minSupport: o.minSupport, minConfidence: o.minConfidence, nItemsets: itemsets.length, nRules: total, capped,
      rules: rules.map((r) => ({ antecedents: r.antecedents.map(String), consequents: r.consequents.map(String), support: r.support, confidence: r.confidence, lift: r.lift, leverage: r.leverage, conviction: Number.isFinite(r.conviction) ? r.conviction : null })),
      shown: Math.min(o.shown, rules.length),
    };
    const notes = [`${ctx.transactions ? 'transactions as read' : 'numeric columns cut at their quartiles'}; rules with lift > 1 and confidence >= ${o.minConfidence}, by lift`];
    if (rows) notes.push(`mined a seeded sample of ${rows.length} of ${ctx.ruleTable!.nRows} rows`);
    if (capped) notes.push(`${total} rules; the ${o.maxRules} with the highest lift are kept (rules.maxRules)`);
    return { data, notes };
  },
};

/** The stage registry, in run order. */
export const STAGES: readonly Stage[] = [profileStage, cleanStage, splitStage, treeStage, forestStage, nnStage, importanceStage, shapStage, surrogateStage, errorsStage, pcaStage, clusterStage, rulesStage];

export const stageByName = (name: StageName): Stage => STAGES.find((s) => s.name === name)!;


export { Table };

/**
 * `analyze(table, options)`: the whole pipeline (profile -> clean -> split -> tree -> forest -> net
 * -> explainers -> PCA -> clusters -> rules) over one Table, as the stage registry in
 * ./stages.ts. Browser-safe; `deepmine analyze` and the report use it.
 */
import { LIBRARY_VERSION } from '../core/estimator.js';
import { DataError } from '../core/errors.js';
import { Table } from '../core/table.js';
import type { TransactionDB } from '../assoc/transactions.js';
import { resolveOptions, type AnalysisContext, type AnalyzeOptions, type ProgressFn, type StageName } from './context.js';
import { classCounts, STAGES } from './stages.js';
import type { AnalysisResult, StageOutcome } from './types.js';

export interface AnalyzeRunOptions {
  /** A name for the data in the report (file name or dataset). */
  source?: string;
  /** Progress events (stage start/end, epochs...). */
  onProgress?: ProgressFn;
  /** Extra run-card entries (file hash, runtime versions...). */
  runInfo?: { dataHash?: string; versions?: Record<string, string> };
  /** Basket data: the rules stage mines these transactions (the table then only describes them). */
  transactions?: TransactionDB;
  /** A clock (tests); default Date.now / performance.now. */
  now?: () => number;
}

/** cyrb53-style 64-bit content hash of a Table (column names, kinds and values), as 16 hex digits. */
export function tableHash(t: Table): string {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  const mix = (x: number) => { h1 = Math.imul(h1 ^ x, 2654435761); h2 = Math.imul(h2 ^ x, 1597334677); };
  const f = new Float64Array(1), u = new Uint32Array(f.buffer);
  for (const c of t.columns) {
    for (let i = 0; i < c.name.length; i++) mix(c.name.charCodeAt(i));
    mix(c.kind.length);
    if (c.kind === 'categorical') {
      for (const l of c.labels) for (let i = 0; i < l.length; i++) mix(l.charCodeAt(i));
      for (const v of c.codes) mix(v);
    } else for (const v of c.values) { f[0] = v; mix(u[0]!); mix(u[1]!); }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Which task a target column implies: strings/booleans and few integer values are classes. */
export function inferTask(t: Table, target: string): 'classification' | 'regression' {
  const c = t.column(target);
  if (c.kind === 'categorical' || c.kind === 'boolean') return 'classification';
  if (c.kind === 'date') return 'regression';
  const seen = new Set<number>();
  for (const v of c.values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return 'regression';
    seen.add(v);
    if (seen.size > 20) return 'regression';
  }
  return 'classification';
}

/**
 * Run every stage not skipped on `table` and collect what each found. A stage that cannot run
 * (no target, a component not in this build) says why instead of producing output; a stage that
 * throws is recorded as failed and the others still run.
 *
 * @example
 * const t = await readCsv('my.csv');              // deepmine/node
 * const result = await analyze(t, { target: 'label', seed: 0 });
 * result.stages.forest;                             // { status: 'ok', data: { eval: { metrics: { accuracy: ... } } } }
 * const html = await buildReport(result);           // one self-contained page
 */
export async function analyze(table: Table, options: AnalyzeOptions = {}, run: AnalyzeRunOptions = {}): Promise<AnalysisResult> {
  return (await analyzeWithContext(table, options, run)).result;
}

/** {@link analyze}, also returning the context (fitted models, feature encoding) for saving models. */
export async function analyzeWithContext(table: Table, options: AnalyzeOptions = {}, run: AnalyzeRunOptions = {}): Promise<{ result: AnalysisResult; ctx: AnalysisContext }> {
  if (!(table instanceof Table)) throw new DataError('table', 'a Table', table, 'analyze');
  if (table.nRows === 0) throw new DataError('table', 'at least one row', '0 rows', 'analyze');
  if (table.nCols === 0) throw new DataError('table', 'at least one column', '0 columns', 'analyze');
  const opts = resolveOptions(options);
  const now = run.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  const t0 = now();
  let target: string | null = opts.target === undefined ? (table.has('target') ? 'target' : null) : opts.target;
  if (target !== null && !table.has(target)) throw new DataError('target', `one of the columns [${table.names.slice(0, 20).map((n) => JSON.stringify(n)).join(', ')}${table.nCols > 20 ? ', ...' : ''}]`, JSON.stringify(target), 'analyze');
  const task = target === null ? null : inferTask(table, target);
  const progress: ProgressFn = run.onProgress ?? (() => {});
  const ctx: AnalysisContext = {
    table, source: run.source ?? 'table', opts, progress, alerts: [], profile: null, target, task, classes: null,
    X: null, featureNames: [], y: null, rowIndex: null, ruleTable: null, droppedColumns: [], encoding: [], Z: null, split: null, models: {},
    clusterLabels: null, clusterRows: null, outcomes: {}, transactions: run.transactions ?? null,
  };
  if (task === 'classification') {
    const c = table.column(target!);
    const set = new Set<string>();
    for (let i = 0; i < table.nRows; i++) {
      if (c.kind === 'categorical') { if (c.codes[i]! >= 0) set.add(c.labels[c.codes[i]!]!); }
      else if (!Number.isNaN(c.values[i]!)) set.add(c.kind === 'boolean' ? String(c.values[i] === 1) : String(c.values[i]));
    }
    const numeric = c.kind === 'numeric';
    ctx.classes = [...set].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
    if (ctx.classes.length < 2) { ctx.task = null; target = null; ctx.target = null; ctx.alerts.push({ kind: 'constant', severity: 'warning', columns: [c.name], message: `the target ${c.name} has ${ctx.classes.length} class`, fix: 'nothing to predict: the supervised stages are skipped' }); }
  }
  const skip = new Set<StageName>(opts.skip);
  for (const stage of STAGES) {
    const s0 = now();
    let outcome: StageOutcome;
    const missing = stage.needs.find((n) => ctx.outcomes[n]?.status !== 'ok');
    if (skip.has(stage.name)) outcome = { status: 'skipped', seconds: 0, reason: 'skipped (--skip)' };
    else if (stage.supervised && ctx.target === null) outcome = { status: 'not-applicable', seconds: 0, reason: 'no target column (pass --target COL)' };
    else if (missing) outcome = { status: 'not-applicable', seconds: 0, reason: `needs the ${missing} stage, which did not run` };
    else {
      progress({ stage: stage.name, phase: 'start', message: stage.title });
      try {
        const r = await stage.run(ctx);
        const seconds = (now() - s0) / 1000;
        if ('unavailable' in r) outcome = { status: 'unavailable', seconds, reason: r.unavailable };
        else if ('notApplicable' in r) outcome = { status: 'not-applicable', seconds, reason: r.notApplicable };
        else outcome = { status: 'ok', seconds, data: r.data, ...(r.notes?.length ? { notes: r.notes } : {}) };
      } catch (e) {
        outcome = { status: 'failed', seconds: (now() - s0) / 1000, reason: `${(e as Error).name}: ${(e as Error).message}` };
      }
      progress({ stage: stage.name, phase: 'end', message: `${stage.title}: ${outcome.status} (${outcome.seconds.toFixed(1)} s)` });
    }
    ctx.outcomes[stage.name] = outcome;
  }
  const severity = { error: 0, warning: 1, info: 2 };
  ctx.alerts.sort((a, b) => severity[a.severity] - severity[b.severity]);
  const result: AnalysisResult = {
    run: {
      source: ctx.source, rows: table.nRows, columns: table.nCols, target: ctx.target, task: ctx.task, classes: ctx.classes, classCounts: ctx.task === 'classification' ? classCounts(ctx) : null,
      seed: opts.seed, testSize: opts.testSize, dataHash: run.runInfo?.dataHash ?? `table:${tableHash(table)}`,
      startedAt: new Date().toISOString(), seconds: (now() - t0) / 1000,
      versions: { deepmine: LIBRARY_VERSION, ...(run.runInfo?.versions ?? {}) },
      options: { ...options, seed: opts.seed, testSize: opts.testSize, skip: opts.skip, maxTrainRows: opts.maxTrainRows },
    },
    alerts: ctx.alerts, profile: ctx.profile, features: ctx.featureNames, droppedColumns: ctx.droppedColumns,
    stages: Object.fromEntries(STAGES.map((s) => [s.name, ctx.outcomes[s.name]!])),
  };
  return { result, ctx };
}

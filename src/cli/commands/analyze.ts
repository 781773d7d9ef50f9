import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DataError, InvalidParameterError, IOError } from '../../core/errors.js';
import { Table } from '../../core/table.js';
import { analyzeWithContext } from '../../report/analyze.js';
import { resolveOptions, STAGE_NAMES, type AnalysisContext, type AnalyzeOptions, type StageName } from '../../report/context.js';
import { evalLine } from '../../report/stages.js';
import type { AnalysisResult, ModelEval, RulesSection } from '../../report/types.js';
import { readTransactions } from '../../io/transactions.js';
import { saveBundles, type ModelBundle } from '../bundle.js';
import { addCommon, fileKind, io, loadTable, numArg, output, withStdin, type CommonOptions } from './shared.js';

const ioDefaultErr = io.err;

export interface AnalyzeCliOptions extends CommonOptions {
  testSize?: number;
  skip?: StageName[];
  config?: string;
  report?: string;
  force?: boolean;
  saveModel?: string;
  dataset?: string;
}

/** The default report directory; an existing one is never replaced: the next free `-2`, `-3`... is used. */
export const DEFAULT_REPORT_DIR = 'deepmine-report';

const skipArg = (v: string): StageName[] => {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !(STAGE_NAMES as readonly string[]).includes(n));
  if (bad !== undefined) throw new InvalidParameterError('--skip', `comma-separated stage names (${STAGE_NAMES.join(', ')})`, bad, 'deepmine');
  return names as StageName[];
};

/** Read and parse `--config file.json` (validated later by resolveOptions with key paths in the message). */
function readConfig(path: string): AnalyzeOptions {
  if (!existsSync(path)) throw new IOError(path, 'deepmine: --config file not found');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as AnalyzeOptions;
  } catch (e) {
    throw new DataError('--config', 'a JSON file (see `deepmine analyze --help` for its keys)', (e as Error).message, 'deepmine');
  }
}

/** A FIMI/basket input as a Table of transaction lengths plus the transactions (only rules and the profile apply). */
async function loadBaskets(path: string): Promise<{ table: Table; db: ReturnType<typeof readTransactions> }> {
  const db = readTransactions(path, { format: path.toLowerCase().endsWith('.dat') ? 'fimi' : 'basket' });
  const lengths = new Float64Array(db.nTransactions);
  for (let i = 0; i < db.nTransactions; i++) lengths[i] = db.transaction(i).length;
  return { table: new Table([{ kind: 'numeric', name: 'items per transaction', values: lengths }]), db };
}

function fileHash(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return null;
    return 'sha256:' + createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** Run an analysis from CLI options: load, analyze, write the report, print the summary. */
export async function runAnalyze(data: string | undefined, opts: AnalyzeCliOptions, defaults: { dataset?: string; only?: StageName[]; extra?: AnalyzeOptions; print?: boolean } = {}): Promise<void> {
  const config: AnalyzeOptions = { ...(opts.config ? readConfig(opts.config) : {}), ...(defaults.extra ?? {}) };
  if (defaults.only) config.skip = STAGE_NAMES.filter((n) => !defaults.only!.includes(n));
  const options: AnalyzeOptions = { ...config };
  if (opts.target !== undefined) options.target = opts.target;
  if (opts.testSize !== undefined) options.testSize = opts.testSize;
  if (opts.seed !== undefined) options.seed = opts.seed;
  if (opts.skip) options.skip = [...new Set([...(config.skip ?? []), ...opts.skip])];
  const dataset = opts.dataset ?? (data === undefined ? defaults.dataset : undefined);
  // report directory: explicit -> must not exist (unless --force); default -> next free name
  // vega (report rendering) is loaded only by the commands that write a report
  const { nextFreeDir, writeReport } = await import('../../report/write.js');
  const { CHART_VERSIONS } = await import('../../report/render.js');
  const reportDir = opts.report ?? nextFreeDir(DEFAULT_REPORT_DIR);
  if (opts.report !== undefined && existsSync(opts.report) && !opts.force) throw new IOError(opts.report, 'deepmine: the report directory exists already; pass --force to replace its files, or choose another --report DIR');
  // progress on stderr: on a terminal one redrawn line for epochs, else plain lines; none with --quiet
  const tty = !!process.stderr.isTTY && io.err === ioDefaultErr;
  let pending = false;
  const progress = (s: string, transient = false) => {
    if (opts.quiet || defaults.print === false) return;
    if (tty) { io.err(`\r\x1b[K${s}${transient ? '' : '\n'}`); pending = transient; } else io.err(s + '\n');
  };
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;

  let table: Table, source: string, hash: string | null = null;
  let baskets: ReturnType<typeof readTransactions> | null = null;
  const kindOf = (p: string) => (p.toLowerCase().endsWith('.dat') ? 'fimi' : fileKind(p));
  if (dataset === undefined && data !== undefined && data !== '-' && existsSync(data) && kindOf(data) === 'fimi') {
    const b = await loadBaskets(data);
    table = b.table; baskets = b.db; source = data; hash = fileHash(data);
  } else if (data === '-') {
    ({ table, source, hash } = await withStdin(async (path, kind) => {
      if (kind === 'fimi') { const b = await loadBaskets(path); baskets = b.db; return { table: b.table, source: 'stdin', hash: fileHash(path) }; }
      const t = await loadTable(path, opts);
      return { table: t.table, source: 'stdin', hash: fileHash(path) };
    }));
  } else {
    const t = await loadTable(data, { ...opts, ...(dataset !== undefined ? { dataset } : {}) });
    table = t.table; source = t.source;
    if (t.builtinTarget && options.target === undefined) options.target = t.builtinTarget;
    if (data !== undefined) hash = fileHash(data);
  }
  // user errors before any progress line: bad config values, an unknown target column
  resolveOptions(options, 'deepmine analyze');
  if (!baskets && options.target !== undefined && options.target !== null && !table.has(options.target)) {
    throw new DataError('--target', `one of the columns [${table.names.slice(0, 20).map((n) => JSON.stringify(n)).join(', ')}${table.nCols > 20 ? ', ...' : ''}]`, JSON.stringify(options.target), 'deepmine analyze');
  }
  if (baskets) {
    options.target = null;
    progress(`${stamp()} ${source}: ${(baskets as ReturnType<typeof readTransactions>).nTransactions} transactions: profile and association rules only`);
  } else progress(`${stamp()} ${source}: ${table.nRows} rows x ${table.nCols} columns`);

  const { result, ctx } = await analyzeWithContext(table, options, {
    source,
    ...(baskets ? { transactions: baskets } : {}),
    runInfo: { ...(hash ? { dataHash: hash } : {}), versions: { node: process.version, ...CHART_VERSIONS } },
    onProgress: (e) => {
      if (e.phase === 'start') return;
      const epoch = e.phase === 'info' && e.stage === 'nn';
      if (epoch && !tty && !/epoch (\d+)\/\1 |epoch (1|5|10|15|20|25|30|40|50|75|100)\//.test(e.message)) return;
      progress(`${stamp()} ${e.stage}: ${e.message}`, epoch && tty);
    },
  });
  progress(`${stamp()} writing the report`);
  if (pending) io.err('\n');
  const written = await writeReport(result, reportDir, { force: !!opts.force });
  let models: string[] = [];
  if (opts.saveModel) models = saveBundles(opts.saveModel, bundlesOf(ctx), !!opts.force);
  if (defaults.print === false) { if (!opts.quiet) io.err(`deepmine: report written to ${written.index}\n`); return; }
  const summary = summaryJson(result, written.index, written.bytes, models);
  output(opts, summary, () => summaryText(result, written.index, written.bytes, models));
}

/** Model bundles of the models an analysis trained. */
export function bundlesOf(ctx: AnalysisContext): Record<string, ModelBundle> {
  const out: Record<string, ModelBundle> = {};
  const s = ctx.split;
  if (!s || !ctx.task || !ctx.target) return out;
  for (const [name, m] of Object.entries(ctx.models)) {
    if (!m.estimator) continue;
    const net = name === 'nn';
    out[name] = {
      format: 'deepmine-model-bundle', version: 1, model: m.name, task: ctx.task, target: ctx.target, classes: ctx.classes,
      features: ctx.encoding, medians: Array.from(s.medians), scaler: net ? { mean: Array.from(s.mean), scale: Array.from(s.scale) } : null,
      targetScaling: net ? m.targetScaling ?? null : null, estimator: m.estimator.toJSON(),
    };
  }
  return out;
}

function bytesText(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`;
}

/** The documented `--json` shape of analyze/demo. */
export function summaryJson(r: AnalysisResult, index: string, bytes: number, models: string[]) {
  const evals: Record<string, ModelEval['metrics']> = {};
  for (const k of ['tree', 'forest', 'nn'] as const) { const o = r.stages[k]; if (o?.status === 'ok') evals[k] = (o.data as { eval: ModelEval }).eval.metrics; }
  return {
    report: index, reportBytes: bytes, source: r.run.source, rows: r.run.rows, columns: r.run.columns, target: r.run.target, task: r.run.task, classes: r.run.classes,
    seed: r.run.seed, testSize: r.run.testSize, dataHash: r.run.dataHash, seconds: r.run.seconds,
    stages: Object.fromEntries(Object.entries(r.stages).map(([k, o]) => [k, o.status === 'ok' ? { status: o.status, seconds: o.seconds } : { status: o.status, reason: o.reason }])),
    metrics: evals, alerts: r.alerts, models,
    ...(r.stages.rules?.status === 'ok' ? { rules: { nRules: (r.stages.rules.data as RulesSection).nRules, nItemsets: (r.stages.rules.data as RulesSection).nItemsets } } : {}),
  };
}

function stageResult(r: AnalysisResult, name: string): string {
  const o = r.stages[name]!;
  if (o.status !== 'ok') return o.reason;
  const d = o.data as Record<string, unknown>;
  switch (name) {
    case 'profile': return `${r.alerts.length} alert(s), ${(d.duplicateRows as number) || 0} duplicate row(s)`;
    case 'clean': return `${d.features} features${(d.dropped as unknown[]).length ? `, ${(d.dropped as unknown[]).length} column(s) dropped` : ''}`;
    case 'split': return `train ${d.train}, test ${d.test}`;
    case 'tree': case 'forest': case 'nn': return evalLine((d as { eval: ModelEval }).eval);
    case 'pca': { const v = d.explainedVarianceRatio as number[]; return `PC1+PC2 explain ${(100 * ((v[0] ?? 0) + (v[1] ?? 0))).toFixed(1)}%`; }
    case 'cluster': return `k = ${d.k}, sizes ${(d.sizes as number[]).join('/')}, silhouette ${Number(d.silhouette).toFixed(3)}`;
    case 'rules': return `${d.nRules} rules from ${d.nItemsets} itemsets`;
    case 'importance': { const t = (d.importances as { feature: string; mean: number }[])[0]; return t ? `top: ${t.feature} (drop in ${d.scoring} ${t.mean.toFixed(4)})` : 'done'; }
    case 'shap': { const t = (d.meanAbs as { feature: string; value: number }[])[0]; return t ? `top: ${t.feature} (mean |SHAP| ${t.value.toFixed(4)})` : 'done'; }
    case 'surrogate': return `${(d.rules as unknown[]).length} rules mimic the ${d.model}, fidelity ${Number(d.fidelity).toFixed(3)}`;
    case 'errors': { const t = (d.slices as { slice: string; error: number; size: number }[])[0]; return t ? `worst slice: ${t.slice} (${t.size} rows, error ${t.error.toFixed(3)} vs ${Number(d.baseError).toFixed(3)})` : 'no slice above the base error'; }
    default: return 'done';
  }
}

function summaryText(r: AnalysisResult, index: string, bytes: number, models: string[]): string {
  const rows = Object.keys(r.stages).map((k) => [k, r.stages[k]!.status, r.stages[k]!.status === 'ok' ? `${r.stages[k]!.seconds.toFixed(1)}s` : '', stageResult(r, k)]);
  const w = [0, 1, 2].map((j) => Math.max(...rows.map((x) => x[j]!.length), ['stage', 'status', 'time'][j]!.length));
  const line = (x: string[]) => `  ${x[0]!.padEnd(w[0]!)}  ${x[1]!.padEnd(w[1]!)}  ${x[2]!.padStart(w[2]!)}  ${x[3]}`;
  return [
    `deepmine analyze: ${r.run.source}, ${r.run.rows} rows x ${r.run.columns} columns` + (r.run.target ? `, target ${r.run.target} (${r.run.task}${r.run.classes ? `: ${r.run.classes.slice(0, 5).join(', ')}${r.run.classes.length > 5 ? ', ...' : ''}` : ''})` : ', no target'),
    line(['stage', 'status', 'time', 'result']),
    ...rows.map(line),
    ...(models.length ? [`models: ${models.join(', ')}`] : []),
    `report: ${index} (${bytesText(bytes)}, ${r.run.seconds.toFixed(1)} s)`,
  ].join('\n');
}

const ANALYZE_EXAMPLES = `
Examples:
  deepmine analyze my.csv --target label            # everything, report in ./deepmine-report/
  deepmine analyze --dataset iris --report iris-report
  deepmine analyze sales.parquet --target revenue --skip nn,rules --seed 0
  cat my.csv | deepmine analyze - --target label --json
  deepmine analyze my.csv --target label --config analyze.json --save-model models/

--config analyze.json (every key optional; unknown keys and bad values are errors):
  { "target": "label", "testSize": 0.2, "seed": 42, "skip": ["rules"], "maxTrainRows": 50000,
    "tree": { "maxDepth": 4, "minSamplesLeaf": 5 }, "forest": { "nEstimators": 50, "maxDepth": null },
    "nn": { "layers": [32, 16], "epochs": 30, "batchSize": 32, "learningRate": 0.001, "validationSplit": 0.2 },
    "importance": { "nRepeats": 5, "maxRows": 2000 }, "shap": { "maxRows": 100 }, "surrogate": { "maxDepth": 3 },
    "errors": { "maxSlices": 10 }, "pca": { "nComponents": 10 }, "cluster": { "k": "auto", "kMax": 8, "maxRows": 20000 },
    "rules": { "minSupport": 0.1, "minConfidence": 0.7, "maxLen": 3, "maxRules": 20000, "maxRows": 100000, "shown": 200 } }
Stages: ${STAGE_NAMES.join(', ')}.
Without --report, the report goes to ./${DEFAULT_REPORT_DIR}/ or, when that exists, the first free ./${DEFAULT_REPORT_DIR}-2/, -3/...
An explicit --report DIR that exists is an error unless --force.
`;

function analyzeOptions(cmd: Command): Command {
  return addCommon(cmd
    .option('--target <column>', "target column (default: a column named 'target'; none: unsupervised stages only)")
    .option('--dataset <name>', 'a built-in dataset instead of a file (breast_cancer, iris, wine, diabetes, digits, mushroom)')
    .option('--test-size <f>', 'test fraction', numArg('--test-size', 0, 1, { lo: true, hi: true }))
    .option('--skip <stages>', `stages not to run, comma-separated (${STAGE_NAMES.join(', ')})`, skipArg)
    .option('--config <file>', 'JSON options per stage (schema below)')
    .option('--report <dir>', `report directory (default ./${DEFAULT_REPORT_DIR}, never replaced)`)
    .option('--force', 'replace the files of an existing --report directory / --save-model files')
    .option('--save-model <dir>', 'save the trained models (tree.json, forest.json, nn.json) for `deepmine predict`'));
}

/** `deepmine analyze` and `deepmine demo` (= analyze --dataset breast_cancer, split 0.2, seed 42). */
export function registerAnalyze(program: Command): void {
  analyzeOptions(program.command('analyze [data]')
    .summary('the whole pipeline on one dataset, and an HTML report')
    .description('profile + alerts -> cleaning -> split -> decision tree -> random forest -> neural net -> explainers -> PCA -> clusters -> association rules -> one self-contained HTML report.\ndata: a CSV, Parquet, JSON or FIMI (.dat) file, or - for stdin')
    .addHelpText('before', ANALYZE_EXAMPLES))
    .action(async (data: string | undefined, opts: AnalyzeCliOptions) => {
      if (data === undefined && opts.dataset === undefined) throw new DataError('data', 'a file, - for stdin, or --dataset NAME', 'nothing', 'deepmine analyze');
      await runAnalyze(data, opts);
    });
  analyzeOptions(program.command('demo [data]')
    .summary('npm start: analyze built-in breast_cancer (split 0.2, seed 42) and write the report')
    .description('The main job on built-in data: `deepmine analyze --dataset breast_cancer --test-size 0.2 --seed 42`; a file argument analyzes that file instead.')
    .addHelpText('before', '\nExamples:\n  deepmine demo                      # breast_cancer, report in ./deepmine-report/ (or -2, -3... if it exists)\n  deepmine demo --report out --force\n  deepmine demo my.csv --target label\n'))
    .action(async (data: string | undefined, opts: AnalyzeCliOptions) => {
      await runAnalyze(data, { ...opts, testSize: opts.testSize ?? 0.2 }, { dataset: 'breast_cancer' });
    });
}

/** `--report DIR` of the single-algorithm commands: the report of the stages that command runs. */
export async function commandReport(data: string | undefined, opts: AnalyzeCliOptions, only: StageName[], extra: AnalyzeOptions = {}): Promise<void> {
  if (opts.report === undefined) return;
  await runAnalyze(data, { ...opts, json: false, saveModel: undefined }, { only, extra, print: false, dataset: data === undefined ? 'breast_cancer' : undefined });
}

/** Adds --report DIR and --force to a single-algorithm command. */
export function addReportOption(cmd: Command): Command {
  return cmd.option('--report <dir>', 'also write an HTML report of this step into DIR (never replaced without --force)').option('--force', 'replace an existing --report directory or --save-model file');
}

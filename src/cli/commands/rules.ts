import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { quantileSorted } from '../../analysis/profile.js';
import { associationRules, RULE_METRICS, type AssociationRule, type RuleMetric, type RuleOptions } from '../../assoc/rules.js';
import { fpGrowth } from '../../assoc/fpgrowth.js';
import { TransactionDB } from '../../assoc/transactions.js';
import { DataError, ResourceError } from '../../core/errors.js';
import type { Table } from '../../core/table.js';
import { loadDataset } from '../../datasets/load.js';
import { readTransactions } from '../../io/transactions.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, choiceArg, duck, fmt, intArg, io, loadTable, numArg, output, type CommonOptions } from './shared.js';

type Format = 'auto' | 'fimi' | 'basket' | 'long' | 'table';
interface RulesOptions extends CommonOptions {
  minSupport: number;
  minConfidence: number;
  metric: RuleMetric;
  minThreshold?: number;
  maxLen?: number;
  format: Format;
  delimiter: string;
  top?: number;
  maxRules: number;
  maxCandidates: number;
}

/** Quartile edges (distinct, increasing) of the non-missing values: numeric columns become 4 range items. */
export function quartileEdges(values: Float64Array): number[] {
  const s = values.filter((v) => !Number.isNaN(v)).sort();
  if (s.length === 0) return [];
  const e = [0.25, 0.5, 0.75].map((q) => quantileSorted(s, q));
  return e.filter((v, i) => i === 0 || v > e[i - 1]!);
}

/** Table -> transactions: categorical `col=value`, boolean `col` when true, numeric/date binned at the quartiles. */
export function tableTransactions(table: Table): { db: TransactionDB; binned: Record<string, number[]> } {
  const bins: Record<string, number[]> = {};
  for (const c of table.columns) if (c.kind === 'numeric' || c.kind === 'date') bins[c.name] = quartileEdges(c.values);
  return { db: TransactionDB.fromTable(table, { bins }, 'deepmine rules'), binned: bins };
}

/**
 * Sniff a CSV with DuckDB's sniffer (quotes and embedded delimiters handled): a table when it
 * finds at least two columns split by the item delimiter, a basket file otherwise (one column, a
 * different delimiter, or rows DuckDB cannot square).
 */
async function sniffCsv(path: string, delimiter: string): Promise<'basket' | 'table'> {
  const { connection, sqlString } = await duck();
  const con = await connection();
  try {
    const r = await con.runAndReadAll(`SELECT Delimiter, Columns FROM sniff_csv(${sqlString(path)})`);
    const row = r.getRowObjectsJS()[0] as { Delimiter: string; Columns: unknown[] } | undefined;
    if (!row) return 'basket';
    return row.Delimiter === delimiter && Array.isArray(row.Columns) && row.Columns.length >= 2 ? 'table' : 'basket';
  } catch {
    return 'basket';
  }
}

async function loadTransactions(data: string, opts: RulesOptions): Promise<{ db: TransactionDB; source: string; format: string; binned?: Record<string, number[]> }> {
  if (data === 'groceries') return { db: TransactionDB.fromArrays(loadDataset('groceries').transactions), source: 'built-in groceries', format: 'basket' };
  let format = opts.format;
  const lower = data.toLowerCase();
  const builtin = (['breast_cancer', 'diabetes', 'digits', 'iris', 'mushroom', 'wine'] as string[]).includes(data);
  if (format === 'auto') format = builtin ? 'table' : lower.endsWith('.dat') ? 'fimi' : /\.(parquet|json|jsonl|ndjson)$/.test(lower) ? 'table' : await sniffCsv(data, opts.delimiter);
  if (format === 'table') {
    const t = await loadTable(data, opts);
    const { db, binned } = tableTransactions(t.table);
    return { db, source: t.source, format, binned };
  }
  if (builtin) throw new DataError('--format', "'table' (or 'auto') for a built-in dataset", format, 'deepmine rules');
  return { db: readTransactions(data, { format, delimiter: opts.delimiter }), source: data, format };
}

const ruleJson = (r: AssociationRule) => ({
  antecedents: r.antecedents, consequents: r.consequents, antecedentSupport: r.antecedentSupport, consequentSupport: r.consequentSupport,
  support: r.support, count: r.count, confidence: r.confidence, lift: r.lift, leverage: r.leverage, conviction: r.conviction,
});

/**
 * `deepmine rules <data> --min-support S --min-confidence C [--metric lift --min-threshold T] [--max-len N]`:
 * frequent itemsets by FP-Growth and association rules from a FIMI .dat file, a basket CSV (one
 * transaction per line), a long CSV (`--format long`: transaction,item rows) or a table (categorical
 * columns give `col=value` items, numeric columns are binned at their quartiles).
 */
export function registerRules(program: Command): void {
  addReportOption(addCommon(program.command('rules <data>').description('frequent itemsets (FP-Growth) and association rules from a FIMI .dat, a basket CSV or a table')
    .addHelpText('before', '\nExamples:\n  deepmine rules groceries --min-support 0.02 --metric lift\n  deepmine rules baskets.dat --min-support 0.05 --max-len 3 --max-rules 1000\n  deepmine rules table.csv --min-support 0.2 --report rules-report\n')
    .option('--min-support <s>', 'minimum itemset support, a fraction in (0, 1]', numArg('--min-support', 0, 1, { lo: true }), 0.1)
    .option('--min-confidence <c>', 'minimum rule confidence in [0, 1]', numArg('--min-confidence', 0, 1), 0.8)
    .option('--metric <m>', `rule metric to rank by (and filter on with --min-threshold): ${RULE_METRICS.join(', ')}`, choiceArg('--metric', RULE_METRICS), 'confidence')
    .option('--min-threshold <t>', 'keep rules whose --metric is at least t', numArg('--min-threshold', -Infinity, Infinity))
    .option('--max-len <n>', 'longest itemset', intArg('--max-len', 1))
    .option('--format <f>', 'auto (by extension: .dat fimi; .csv sniffed: ragged rows basket, else table), fimi, basket, long or table', choiceArg('--format', ['auto', 'fimi', 'basket', 'long', 'table'] as const), 'auto')
    .option('--delimiter <c>', 'item delimiter of basket/long CSV', ',')
    .option('--top <n>', 'itemsets and rules listed (text default 20; JSON default all)', intArg('--top', 0))
    .option('--max-rules <n>', 'keep the n best rules by --metric (a heap; the rest are counted, not kept)', intArg('--max-rules', 1), 100000)
    .option('--max-candidates <n>', 'refuse to start rule generation above this many candidate rules (sum of 2^k - 2 over the itemsets)', intArg("--max-candidates", 1), 2000000)))
    .action(async (data: string, opts: RulesOptions) => {
      const { db, source, format, binned } = await loadTransactions(data, opts);
      const progress = (s: string) => { if (!opts.quiet) io.err(s + '\n'); };
      const itemsets = fpGrowth(db, { minSupport: opts.minSupport, maxLen: opts.maxLen ?? null });
      progress(`deepmine rules: ${itemsets.length} frequent itemsets`);
      // bounded rule generation: count the candidates first, refuse before memory runs out
      let candidates = 0;
      for (const s of itemsets) if (s.items.length > 1) candidates += 2 ** s.items.length - 2;
      if (candidates > opts.maxCandidates) throw new ResourceError('rule generation', candidates, opts.maxCandidates, `${itemsets.length} itemsets at --min-support ${opts.minSupport}: raise --min-support, set --max-len (e.g. 3), or raise --max-candidates`, 'deepmine rules', 'candidate rules');
      const m = opts.metric;
      // maxRules/sortBy: the library's bounded top-k (a heap) where associationRules has it; older builds ignore them and the slice below caps
      const bounded = { maxRules: opts.maxRules, sortBy: m } as Partial<RuleOptions>;
      let rules = itemsets.some((s) => s.items.length > 1) ? associationRules(itemsets, { metric: 'confidence', minThreshold: opts.minConfidence, nTransactions: db.nTransactions, ...bounded }) : [];
      if (opts.minThreshold !== undefined) rules = rules.filter((r) => r[opts.metric] >= opts.minThreshold!);
      const totalRules = rules.length;
      rules = rules.map((r, i) => [r, i] as const).sort((a, b) => (b[0][m] - a[0][m]) || a[1] - b[1]).map(([r]) => r);
      if (rules.length > opts.maxRules) { progress(`deepmine rules: ${rules.length} rules; the ${opts.maxRules} best by ${m} are kept (--max-rules)`); rules = rules.slice(0, opts.maxRules); }
      const limit = opts.top ?? (opts.json ? Infinity : 20);
      const result = {
        source, format, nTransactions: db.nTransactions, nItems: db.nItems,
        minSupport: opts.minSupport, minConfidence: opts.minConfidence, metric: m, ...(binned ? { binned } : {}),
        nItemsets: itemsets.length, nRules: totalRules, rulesKept: rules.length,
        itemsets: itemsets.slice(0, limit), rules: rules.slice(0, limit).map(ruleJson),
      };
      if (format === 'table' || format === 'fimi') await commandReport(data, opts as unknown as AnalyzeCliOptions, ['profile', 'clean', 'rules'], { rules: { minSupport: opts.minSupport, minConfidence: opts.minConfidence } });
      output(opts, result, () => [
        `${source}: ${db.nTransactions} transactions, ${db.nItems} items (${format})`,
        `FP-Growth, min support ${opts.minSupport}${opts.maxLen ? `, max length ${opts.maxLen}` : ''}: ${itemsets.length} frequent itemsets`,
        ...itemsets.slice(0, limit).map((s) => `  ${fmt(s.support).padStart(6)}  (${s.count})  {${s.items.join(', ')}}`),
        '',
        `${totalRules} rules with confidence >= ${opts.minConfidence}${opts.minThreshold !== undefined ? ` and ${m} >= ${opts.minThreshold}` : ''}, by ${m}:`,
        ...rules.slice(0, limit).map((r) => `  ${r.toString()}  support ${fmt(r.support)}  confidence ${fmt(r.confidence)}  lift ${fmt(r.lift)}`),
      ].join('\n'));
    });
}

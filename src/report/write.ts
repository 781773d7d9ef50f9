/**
 * Node-only: write a report directory (index.html, result.json, rules.csv). Never replaces an
 * existing directory's files unless `force` is set; each file is written atomically (io/atomic). Exported from deepmine/node, not from
 * deepmine/report (which stays browser-safe).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IOError } from '../core/errors.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import { buildReport, type ReportOptions } from './html.js';
import type { AnalysisResult, RulesSection } from './types.js';

/** Replace non-finite numbers by null and typed arrays by arrays (JSON has neither). */
export function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonSafe(x)]));
  return v;
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // quote, and neutralise spreadsheet formulas (a cell starting with = + - @)
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The rules of a rules section as CSV (antecedents and consequents joined with " & "). */
export function rulesCsv(r: RulesSection): string {
  const head = 'antecedents,consequents,support,confidence,lift,leverage,conviction\n';
  return head + r.rules.map((x) => [x.antecedents.join(' & '), x.consequents.join(' & '), x.support, x.confidence, x.lift, x.leverage, x.conviction ?? 'inf'].map(csvCell).join(',')).join('\n') + '\n';
}

/** The first of `base`, `base-2`, `base-3`, ... that does not exist. */
export function nextFreeDir(base: string): string {
  if (!existsSync(base)) return base;
  for (let i = 2; ; i++) if (!existsSync(`${base}-${i}`)) return `${base}-${i}`;
}

export interface WriteReportOptions extends ReportOptions {
  /** Write into an existing directory, replacing the files of the same names. */
  force?: boolean;
}

/**
 * Write `index.html`, `result.json` and (when rules were mined) `rules.csv` into `dir` and return
 * the paths. Refuses an existing directory unless `force`.
 *
 * @example
 * const result = await analyze(await readCsv('my.csv'), { target: 'label' });
 * const { index } = await writeReport(result, 'my-report');  // open my-report/index.html
 */
export async function writeReport(result: AnalysisResult, dir: string, opts: WriteReportOptions = {}): Promise<{ dir: string; index: string; files: string[]; bytes: number }> {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new IOError(dir, 'writeReport: a file of that name exists; choose another report directory');
    if (!opts.force) throw new IOError(dir, 'writeReport: the report directory exists already; pass --force (force: true) to replace its files, or choose another directory');
  }
  mkdirSync(dir, { recursive: true });
  const rules = result.stages.rules?.status === 'ok' ? (result.stages.rules.data as RulesSection) : null;
  const files: string[] = [];
  const html = await buildReport(result, { ...opts, files: { result: 'result.json', ...(rules ? { rules: 'rules.csv' } : {}) } });
  const write = (name: string, data: string) => { const p = join(dir, name); writeFileAtomicSync(p, data, { overwrite: !!opts.force, owner: 'writeReport' }); files.push(p); return Buffer.byteLength(data); };
  const bytes = write('index.html', html);
  write('result.json', JSON.stringify(toJsonSafe(result), null, 1));
  if (rules) write('rules.csv', rulesCsv(rules));
  return { dir, index: join(dir, 'index.html'), files, bytes };
}

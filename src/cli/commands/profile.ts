import type { Command } from 'commander';
import { profile, type ColumnProfile } from '../../analysis/profile.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, fmt, intArg, loadTable, output, type CommonOptions } from './shared.js';

/**
 * `deepmine profile <data> [--top K] [--bins B]`: schema, missing values, statistics,
 * duplicate rows and correlations of a built-in dataset or a CSV/Parquet/JSON file.
 */
export function registerProfile(program: Command): void {
  addReportOption(addCommon(program.command('profile <data>').description('column types, missing values, statistics (pandas describe), top values, duplicate rows, correlations')
    .addHelpText('before', '\nExamples:\n  deepmine profile iris\n  deepmine profile my.csv --na "?,NA" --json\n  cat my.csv | deepmine profile - --report profile-report\n')
    .option('--top <k>', 'most frequent values listed per categorical column', intArg('--top', 0), 5)
    .option('--bins <b>', 'histogram bins per numeric column (default: Sturges)', intArg('--bins', 1))))
    .action(async (data: string, opts: CommonOptions & { top: number; bins?: number }) => {
      const { table, source } = await loadTable(data, opts);
      const p = profile(table, { topK: opts.top, ...(opts.bins !== undefined ? { bins: opts.bins } : {}) });
      await commandReport(data, opts as unknown as AnalyzeCliOptions, ['profile'], {});
      output(opts, { source, ...p }, () => profileText(source, p));
    });
}

function describeColumn(c: ColumnProfile): string {
  switch (c.type) {
    case 'numeric':
      return `mean ${fmt(c.mean)}  std ${fmt(c.std)}  min ${fmt(c.min)}  q25 ${fmt(c.q25)}  median ${fmt(c.median)}  q75 ${fmt(c.q75)}  max ${fmt(c.max)}  skew ${fmt(c.skewness, 2)}  zeros ${c.zeros}`;
    case 'categorical':
      return c.top.map((t) => `${t.value} (${t.count})`).join(', ') + (c.distinct > c.top.length ? ', ...' : '');
    case 'boolean':
      return `true ${c.trueCount}, false ${c.falseCount}`;
    case 'date':
      return `${c.min ?? '-'} .. ${c.max ?? '-'}`;
  }
}

function profileText(source: string, p: ReturnType<typeof profile>): string {
  const w = Math.max(6, ...p.columns.map((c) => c.name.length));
  const lines = [
    `${source}: ${p.rows} rows x ${p.columns.length} columns, ${p.duplicateRows.count} duplicate row(s)` +
      (p.duplicateRows.count ? ` (e.g. row ${p.duplicateRows.indices.slice(0, 5).map((r, k) => `${r} = ${p.duplicateRows.firstOccurrence[k]}`).join(', ')})` : ''),
    '',
    `${'column'.padEnd(w)}  ${'type'.padEnd(11)}  ${'missing'.padStart(13)}  ${'distinct'.padStart(8)}  summary`,
  ];
  for (const c of p.columns) {
    const miss = c.missing ? `${c.missing} (${(100 * c.missingFraction).toFixed(1)}%)` : '0';
    lines.push(`${c.name.padEnd(w)}  ${c.type.padEnd(11)}  ${miss.padStart(13)}  ${String(c.distinct).padStart(8)}  ${describeColumn(c)}`);
  }
  const { columns, matrix } = p.correlation;
  const pairs: [string, string, number][] = [];
  for (let i = 0; i < columns.length; i++) for (let j = i + 1; j < columns.length; j++) { const r = matrix[i]![j]; if (r !== null && r !== undefined) pairs.push([columns[i]!, columns[j]!, r]); }
  if (pairs.length) {
    pairs.sort((a, b) => Math.abs(b[2]) - Math.abs(a[2]));
    lines.push('', 'Strongest Pearson correlations:');
    for (const [a, b, r] of pairs.slice(0, 5)) lines.push(`  ${r >= 0 ? ' ' : ''}${r.toFixed(3)}  ${a} ~ ${b}`);
  }
  return lines.join('\n');
}

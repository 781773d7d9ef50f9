import type { Command } from 'commander';
import { profile, type ColumnProfile } from '../../analysis/profile.js';
import { ProfileAccumulator, type StreamProfile } from '../../analysis/streamProfile.js';
import { InvalidParameterError } from '../../core/errors.js';
import { addLargeOptions, capLines, fmtInt, largeInput, Progress, writeOut, type LargeCliOptions, type LargeInput } from '../large.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, fmt, intArg, loadTable, output, type CommonOptions } from './shared.js';

/**
 * `deepmine profile <data> [--top K] [--bins B]`: schema, missing values, statistics,
 * duplicate rows and correlations of a built-in dataset or a CSV/Parquet/JSON file.
 */
export function registerProfile(program: Command): void {
  addLargeOptions(addReportOption(addCommon(program.command('profile <data>').description('column types, missing values, statistics (pandas describe), top values, duplicate rows, correlations')
    .addHelpText('before', '\nExamples:\n  deepmine profile iris\n  deepmine profile my.csv --na "?,NA" --json\n  cat my.csv | deepmine profile - --report profile-report\n')
    .option('--top <k>', 'most frequent values listed per categorical column', intArg('--top', 0), 5)
    .option('--bins <b>', 'histogram bins per numeric column (default: Sturges)', intArg('--bins', 1))
    .option('--max-columns <n>', 'columns listed in the text output (all of them with --json or --out)', intArg('--max-columns', 1), 100)
    .option('--sample-size <n>', 'large-data mode: rows of the seeded reservoir sample for quartiles and histograms', intArg('--sample-size', 1), 100_000))))
    .action(async (data: string, opts: ProfileCliOptions) => {
      const big = await largeInput(data, opts);
      if (big) return profileLarge(big, opts);
      const { table, source } = await loadTable(data, opts);
      const p = profile(table, { topK: opts.top, ...(opts.bins !== undefined ? { bins: opts.bins } : {}) });
      await commandReport(data, opts as unknown as AnalyzeCliOptions, ['profile'], {});
      writeOut(opts, { source, ...p }, 'profile');
      output(opts, { source, ...p }, () => profileText(source, p, opts.maxColumns, !!opts.out));
    });
}

interface ProfileCliOptions extends CommonOptions, Omit<LargeCliOptions, 'na' | 'json' | 'quiet'> {
  top: number;
  bins?: number;
  maxColumns: number;
  sampleSize: number;
  report?: string;
}

/**
 * Large-data `profile`: one streamed pass of Table blocks through the ProfileAccumulator (exact
 * counts, moments and correlations; quartiles and histograms from a seeded reservoir sample,
 * distinct counts by HyperLogLog past 100,000 values, duplicates by 64-bit row hashes), labelled.
 */
async function profileLarge(big: LargeInput, opts: ProfileCliOptions): Promise<void> {
  if (opts.report) throw new InvalidParameterError('--report', 'no --report in large-data mode (the report needs the data in memory; use --no-stream)', opts.report, 'deepmine profile');
  const prog = new Progress('profile', big.rows, !!opts.quiet);
  prog.note(`large-data mode (${big.reason}): one streamed pass over ${big.path} in blocks of ${fmtInt(opts.batchRows)} rows; quartiles and histograms from a seeded sample of ${fmtInt(Math.min(opts.sampleSize, big.rows))} rows`);
  const { streamTable } = await import('../../io/stream.js');
  let acc: ProfileAccumulator | null = null;
  let rows = 0;
  prog.start('profile pass');
  const csv = !/\.(parquet|json|jsonl|ndjson)$/i.test(big.path);
  for await (const block of streamTable(big.path, { batchRows: opts.batchRows, ...(csv && opts.na?.length ? { missing: opts.na } : {}) })) {
    acc ??= new ProfileAccumulator(block.columns.map((c) => ({ name: c.name, kind: c.kind })), {
      topK: opts.top, sampleSize: opts.sampleSize, seed: opts.seed, expectedRows: big.rows, ...(opts.bins !== undefined ? { bins: opts.bins } : {}),
    });
    acc.add(block);
    rows += block.nRows;
    prog.tick(rows);
  }
  prog.end(rows);
  if (!acc) throw new InvalidParameterError('data', 'at least one row', `${big.path} with 0 rows`, 'deepmine profile');
  const p = acc.result();
  const result = { source: big.path, mode: 'stream', ...p, seconds: prog.elapsed };
  writeOut(opts, result, 'profile');
  output(opts, result, () => streamProfileText(big.path, p, opts.maxColumns, !!opts.out, prog.elapsed));
}

function streamProfileText(source: string, p: StreamProfile, maxColumns: number, hasOut: boolean, seconds: number): string {
  const w = Math.max(6, ...p.columns.map((c) => c.name.length));
  const dup = p.duplicateRows ? `${fmtInt(p.duplicateRows.count)} duplicate row(s) (by 64-bit row hashes)` : 'duplicates not counted';
  const lines = [
    `${source}: ${fmtInt(p.rows)} rows x ${p.columns.length} columns, ${dup}; streamed in ${seconds.toFixed(1)} s`,
    p.sampleRows < p.rows ? `~ marks approximate values: quartiles from a seeded sample of ${fmtInt(p.sampleRows)} rows, distinct counts by HyperLogLog past 100,000 values` : '',
    '',
    `${'column'.padEnd(w)}  ${'type'.padEnd(11)}  ${'missing'.padStart(13)}  ${'distinct'.padStart(10)}  summary`,
  ].filter((l, i) => i !== 1 || l);
  const rowsOut: string[] = [];
  for (const c of p.columns) {
    const miss = c.missing ? `${c.missing} (${(100 * c.missingFraction).toFixed(1)}%)` : '0';
    const approx = new Set(c.approximate);
    const distinct = `${approx.has('distinct') ? '~' : ''}${c.distinct}`;
    let summary = describeColumn(c);
    if (c.type === 'numeric' && approx.has('median')) summary = summary.replace(/(q25|median|q75) /g, '$1 ~');
    if (c.type === 'categorical' && approx.has('top')) summary = `~ ${summary}`;
    rowsOut.push(`${c.name.padEnd(w)}  ${c.type.padEnd(11)}  ${miss.padStart(13)}  ${distinct.padStart(10)}  ${summary}`);
  }
  lines.push(...capLines(rowsOut, maxColumns, 'columns', hasOut, '--max-columns'));
  if (p.correlation) {
    const { columns, matrix } = p.correlation;
    const pairs: [string, string, number][] = [];
    for (let i = 0; i < columns.length; i++) for (let j = i + 1; j < columns.length; j++) { const r = matrix[i]![j]; if (r !== null && r !== undefined) pairs.push([columns[i]!, columns[j]!, r]); }
    if (pairs.length) {
      pairs.sort((a, b) => Math.abs(b[2]) - Math.abs(a[2]));
      lines.push('', 'Strongest Pearson correlations:');
      for (const [a, b, r] of pairs.slice(0, 5)) lines.push(`  ${r >= 0 ? ' ' : ''}${r.toFixed(3)}  ${a} ~ ${b}`);
    }
  }
  return lines.join('\n');
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

function profileText(source: string, p: ReturnType<typeof profile>, maxColumns: number, hasOut: boolean): string {
  const w = Math.max(6, ...p.columns.map((c) => c.name.length));
  const lines = [
    `${source}: ${p.rows} rows x ${p.columns.length} columns, ${p.duplicateRows.count} duplicate row(s)` +
      (p.duplicateRows.count ? ` (e.g. row ${p.duplicateRows.indices.slice(0, 5).map((r, k) => `${r} = ${p.duplicateRows.firstOccurrence[k]}`).join(', ')})` : ''),
    '',
    `${'column'.padEnd(w)}  ${'type'.padEnd(11)}  ${'missing'.padStart(13)}  ${'distinct'.padStart(8)}  summary`,
  ];
  const rowsOut: string[] = [];
  for (const c of p.columns) {
    const miss = c.missing ? `${c.missing} (${(100 * c.missingFraction).toFixed(1)}%)` : '0';
    rowsOut.push(`${c.name.padEnd(w)}  ${c.type.padEnd(11)}  ${miss.padStart(13)}  ${String(c.distinct).padStart(8)}  ${describeColumn(c)}`);
  }
  lines.push(...capLines(rowsOut, maxColumns, 'columns', hasOut, '--max-columns'));
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

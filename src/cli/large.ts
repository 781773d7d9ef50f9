/**
 * Large-data mode of the CLI (issue 21). Above a row threshold (the file's row count: free for
 * Parquet, one DuckDB count for CSV/JSON) or with `--stream`, `pca`, `cluster`, `tree` and
 * `profile` never load the file: they stream it in row blocks through DuckDB into bounded-memory
 * estimators (IncrementalPCA, MiniBatchKMeans, a reservoir sample for the tree, the one-pass
 * ProfileAccumulator), print progress on stderr, and cap their text output.
 *
 * Threshold: `--stream-rows N`, else the environment variable DEEPMINE_STREAM_ROWS, else
 * {@link DEFAULT_STREAM_ROWS}. `--no-stream` forces the in-memory path.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import { fileSourceSql } from '../io/readMatrix.js';
import { sqlIdent, sqlString } from '../io/source.js';
import { DATASET_NAMES } from '../datasets/load.js';
import { duck, fileKind, intArg, io, jsonSafe } from './commands/shared.js';

/** Rows above which the CLI streams instead of loading (5,000,000: about 0.4 GB per 10 numeric columns in memory, several times that while loading). */
export const DEFAULT_STREAM_ROWS = 5_000_000;

/** Options the large-data mode adds to a command. */
export interface LargeCliOptions {
  stream?: boolean;
  streamRows?: number;
  batchRows: number;
  out?: string;
  force?: boolean;
  quiet?: boolean;
  na?: string[];
  json?: boolean;
}

/** `--stream` / `--no-stream`, `--stream-rows`, `--batch-rows`, `--out`. */
export function addLargeOptions(cmd: Command): Command {
  return cmd
    .option('--stream', `large-data mode even below the row threshold (streamed, bounded memory)`)
    .option('--no-stream', 'never stream: load the whole file in memory')
    .option('--stream-rows <n>', `row threshold of the large-data mode (default: $DEEPMINE_STREAM_ROWS or ${DEFAULT_STREAM_ROWS.toLocaleString('en-US')})`, intArg('--stream-rows', 0))
    .option('--batch-rows <n>', 'rows per streamed block in large-data mode', intArg('--batch-rows', 1), 65536)
    .option('--out <file>', 'write the full result as JSON to FILE (never replaced without --force); text output stays capped');
}

/** The row threshold in effect. */
export function streamThreshold(opts: { streamRows?: number }): number {
  if (opts.streamRows !== undefined) return opts.streamRows;
  const env = process.env.DEEPMINE_STREAM_ROWS;
  if (env !== undefined && env.trim() !== '') {
    const v = Number(env);
    if (!Number.isSafeInteger(v) || v < 0) throw new InvalidParameterError('DEEPMINE_STREAM_ROWS', 'an integer >= 0', env, 'deepmine');
    return v;
  }
  return DEFAULT_STREAM_ROWS;
}

/** A file the command streams. */
export interface LargeInput {
  path: string;
  rows: number;
  /** Why the large-data mode is on (for the stderr note). */
  reason: string;
  threshold: number;
}

/**
 * The large-data input when the mode applies: a file path (not a built-in dataset, not stdin) with
 * more rows than the threshold, or any file with `--stream`. Null for the in-memory path.
 */
export async function largeInput(data: string | undefined, opts: LargeCliOptions & { dataset?: string }): Promise<LargeInput | null> {
  if (opts.stream === false || data === undefined || data === '-' || opts.dataset !== undefined) return null;
  if ((DATASET_NAMES as readonly string[]).includes(data) && !existsSync(data)) return null;
  if (!existsSync(data) || !statSync(data).isFile() || statSync(data).size === 0) return null; // the usual loader reports these
  const kind = fileKind(data);
  if (kind === 'fimi') return null;
  const threshold = streamThreshold(opts);
  const forced = opts.stream === true;
  // a text row takes at least 2 bytes (a character and a newline): a small file cannot pass the threshold
  if (!forced && kind !== 'parquet' && statSync(data).size < 2 * threshold) return null;
  const { countRows } = await import('../io/stream.js');
  const rows = await countRows(data, csvOpts(kind, opts.na));
  if (!forced && rows <= threshold) return null;
  return { path: data, rows, threshold, reason: forced ? '--stream' : `${fmtInt(rows)} rows > threshold ${fmtInt(threshold)}` };
}

function csvOpts(kind: string, na: string[] | undefined): { missing?: string[] } {
  return kind === 'csv' && na?.length ? { missing: na } : {};
}

export const fmtInt = (n: number): string => n.toLocaleString('en-US');

/**
 * Progress on stderr: `deepmine <cmd>: <phase> 12,345,678 / 50,000,000 rows (24.7%), 12.3 s`, at
 * most once a second (one redrawn line on a terminal), plus a final line per phase.
 */
export class Progress {
  private readonly t0 = performance.now();
  private last = 0;
  private phaseStart = performance.now();
  private phase = '';
  constructor(private readonly cmd: string, private readonly total: number, private readonly quiet: boolean) {}
  /** Seconds since the command started. */
  get elapsed(): number { return (performance.now() - this.t0) / 1000; }
  note(s: string): void {
    if (!this.quiet) io.err(`deepmine ${this.cmd}: ${s}\n`);
  }
  start(phase: string): void {
    this.phase = phase;
    this.phaseStart = performance.now();
    this.last = 0;
  }
  tick(rows: number): void {
    if (this.quiet) return;
    const now = performance.now();
    if (now - this.last < 1000) return;
    this.last = now;
    io.err(`deepmine ${this.cmd}: ${this.phase} ${fmtInt(rows)} / ${fmtInt(this.total)} rows (${(100 * rows / Math.max(1, this.total)).toFixed(1)}%), ${this.elapsed.toFixed(1)} s\n`);
  }
  end(rows: number, extra = ''): void {
    this.note(`${this.phase} done: ${fmtInt(rows)} rows in ${((performance.now() - this.phaseStart) / 1000).toFixed(1)} s${extra} (total ${this.elapsed.toFixed(1)} s)`);
  }
}

/** A feature column of the streamed matrix. */
interface FeatureSpec { name: string; expr: string }

/** The SQL that streams the features (numbers as DOUBLE, text one-hot) and, optionally, the target. */
export interface FeatureQuery {
  sql: string;
  featureNames: string[];
  oneHot: string[];
  /** Target labels when the target is text (column value -> index into this list). */
  targetLabels: string[] | null;
  targetName: string | null;
  /** The DOUBLE expressions of the features (then the target), the FROM clause and the row filter. */
  exprs: string[];
  from: string;
  where: string;
  cleanup(): void;
}

const MAX_ONEHOT = 1000;

/**
 * Build the streamed feature query over a file: numeric, boolean (0/1) and date (epoch ms)
 * columns as DOUBLE; text feature columns one-hot (`col=value`, values in sorted order, at most
 * 1,000 per column, a missing value sets none); rows with a missing number or target dropped (as in
 * memory). The target, when named, is the last column: its number, or its label's index.
 */
export async function featureQuery(path: string, opts: { target?: string | null; exclude?: string | null; na?: string[]; requireTarget?: boolean }): Promise<FeatureQuery> {
  const kind = fileKind(path);
  const src = fileSourceSql(path, 'deepmine', csvOpts(kind, opts.na));
  try {
    const { query } = await duck();
    const schema = await query(`DESCRIBE SELECT * FROM ${src.from}`);
    const names = schema.values('column_name').map(String);
    const types = schema.values('column_type').map(String);
    const typeOf = new Map(names.map((n, i) => [n, types[i]!]));
    const target = opts.target ?? null;
    if (target !== null && !typeOf.has(target)) throw new DataError('--target', `one of the columns [${names.join(', ')}]`, JSON.stringify(target), 'deepmine');
    if (target === null && opts.requireTarget) throw new DataError('--target', 'the name of the target column', 'nothing', 'deepmine');
    const { DIRECT, kindOf } = await import('../io/vectors.js');
    const specs: FeatureSpec[] = [];
    const where: string[] = [];
    const oneHot: string[] = [];
    for (const n of names) {
      if (n === target || n === opts.exclude) continue;
      const id = sqlIdent(n);
      const k = kindOf(typeOf.get(n)!);
      if (k === 'categorical') {
        const t = await query(`SELECT DISTINCT CAST(${id} AS VARCHAR) AS v FROM ${src.from} WHERE ${id} IS NOT NULL ORDER BY 1 LIMIT ${MAX_ONEHOT + 1}`);
        const labels = t.values('v').map(String);
        if (labels.length > MAX_ONEHOT) throw new DataError('data', `text feature columns with at most ${MAX_ONEHOT} distinct values in large-data mode (one-hot)`, `column ${JSON.stringify(n)} with more`, 'deepmine');
        oneHot.push(n);
        for (const l of labels) specs.push({ name: `${n}=${l}`, expr: `COALESCE(CAST(CAST(${id} AS VARCHAR) = ${sqlString(l)} AS DOUBLE), 0)` });
        continue;
      }
      const t = typeOf.get(n)!;
      const expr = k === 'date' ? `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)` : DIRECT.test(t) ? id : `CAST(${id} AS DOUBLE)`;
      specs.push({ name: n, expr });
      where.push(notMissing(expr, t));
    }
    if (specs.length === 0) throw new DataError('data', 'at least one feature column', 'none', 'deepmine');
    const cols = specs.map((s) => s.expr);
    let targetLabels: string[] | null = null;
    if (target !== null) {
      const id = sqlIdent(target);
      const k = kindOf(typeOf.get(target)!);
      if (k === 'categorical') {
        const t = await query(`SELECT DISTINCT CAST(${id} AS VARCHAR) AS v FROM ${src.from} WHERE ${id} IS NOT NULL ORDER BY 1 LIMIT ${MAX_ONEHOT + 1}`);
        targetLabels = t.values('v').map(String);
        if (targetLabels.length > MAX_ONEHOT) throw new DataError('--target', `a target with at most ${MAX_ONEHOT} classes in large-data mode`, `column ${JSON.stringify(target)} with more`, 'deepmine');
        cols.push(`CAST(list_position([${targetLabels.map(sqlString).join(', ')}], CAST(${id} AS VARCHAR)) - 1 AS DOUBLE)`);
        where.push(`${id} IS NOT NULL`);
      } else {
        const t = typeOf.get(target)!;
        const expr = k === 'date' ? `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)` : DIRECT.test(t) ? id : `CAST(${id} AS DOUBLE)`;
        cols.push(expr);
        where.push(notMissing(expr, t));
      }
    }
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const sql = `SELECT ${cols.join(', ')} FROM ${src.from}${filter}`;
    return { sql, featureNames: specs.map((s) => s.name), oneHot, targetLabels, targetName: target, exprs: cols, from: src.from, where: filter, cleanup: () => src.cleanup() };
  } catch (e) {
    src.cleanup();
    throw e;
  }
}

/** SQL: the value is present (not NULL, and not NaN for floating-point types: integers and booleans cannot be NaN). */
function notMissing(expr: string, duckType: string): string {
  return /^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(duckType) || !/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|BOOLEAN|INT)/.test(duckType)
    ? `${expr} IS NOT NULL AND NOT isnan(${expr})`
    : `${expr} IS NOT NULL`;
}

/** Per-column mean and population variance of the feature query, computed by DuckDB (one parallel scan). */
export async function columnMoments(q: FeatureQuery, d: number): Promise<{ mean: Float64Array; variance: Float64Array; rows: number }> {
  const { query } = await duck();
  const cols = Array.from({ length: d }, (_, j) => `avg(CAST(c${j} AS DOUBLE)) AS m${j}, var_pop(CAST(c${j} AS DOUBLE)) AS v${j}`);
  const inner = `SELECT ${q.exprs.slice(0, d).map((e, j) => `${e} AS c${j}`).join(', ')} FROM ${q.from}${q.where}`;
  const t = await query(`SELECT count(*) AS n, ${cols.join(', ')} FROM (${inner})`);
  const mean = new Float64Array(d), variance = new Float64Array(d);
  for (let j = 0; j < d; j++) { mean[j] = Number(t.get(0, `m${j}`)); variance[j] = Number(t.get(0, `v${j}`)); }
  return { mean, variance, rows: Number(t.get(0, 'n')) };
}

/** Stream the feature query in row blocks (features, then the target column when there is one). */
export async function* streamFeatures(q: FeatureQuery, batchRows: number): AsyncGenerator<Matrix> {
  const { streamMatrix } = await import('../io/stream.js');
  for await (const { X } of streamMatrix(q.sql, { kind: 'query', batchRows })) yield X;
}

/** Write the full result to `--out` (JSON, atomically; an existing file only with --force). */
export function writeOut(opts: { out?: string; force?: boolean; quiet?: boolean }, result: unknown, cmd: string): void {
  if (!opts.out) return;
  writeFileAtomicSync(opts.out, JSON.stringify(jsonSafe(result)) + '\n', { overwrite: !!opts.force });
  if (!opts.quiet) io.err(`deepmine ${cmd}: full result written to ${opts.out}\n`);
}

/** Split a row-major block into features (first d columns) and the last column. */
export function splitTarget(B: Matrix, d: number): { X: Matrix; y: Float64Array } {
  const n = B.rows, w = B.cols;
  const X = new Float64Array(n * d), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = B.data[i * w + j]!;
    y[i] = B.data[i * w + d]!;
  }
  return { X: new Matrix(X, n, d), y };
}

/** Standard-scale a block in place with given means and scales. */
export function scaleInPlace(X: Matrix, mean: Float64Array, scale: Float64Array): Matrix {
  const d = X.cols, a = X.data;
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) a[i * d + j] = (a[i * d + j]! - mean[j]!) / scale[j]!;
  return X;
}

/** A seeded reservoir of rows (Algorithm L): exactly `size` rows (or all, when fewer) uniformly from a stream. */
export class RowReservoir {
  readonly data: Float64Array;
  private seen = 0;
  private filled = 0;
  private w = 0;
  private next = 0;
  constructor(readonly size: number, readonly width: number, private readonly rand: () => number) {
    this.data = new Float64Array(size * width);
  }
  get rows(): number { return this.filled; }
  get seenRows(): number { return this.seen; }
  add(B: Matrix): void {
    const w = this.width, n = B.rows, K = this.size;
    let i = 0;
    for (; i < n && this.filled < K; i++, this.filled++) this.data.set(B.data.subarray(i * w, (i + 1) * w), this.filled * w);
    if (this.filled >= K && K > 0) {
      if (this.w === 0) {
        this.w = Math.exp(Math.log(this.rand()) / K);
        this.next = this.seen + i + Math.floor(Math.log(this.rand()) / Math.log(1 - this.w));
      }
      const end = this.seen + n;
      while (this.next < end) {
        const r = this.next - this.seen;
        this.data.set(B.data.subarray(r * w, (r + 1) * w), Math.floor(this.rand() * K) * w);
        this.w *= Math.exp(Math.log(this.rand()) / K);
        this.next += Math.floor(Math.log(this.rand()) / Math.log(1 - this.w)) + 1;
      }
    }
    this.seen += n;
  }
  matrix(): Matrix {
    return new Matrix(this.data.subarray(0, this.filled * this.width), this.filled, this.width);
  }
}

/** Cap a list for text output with a note naming what was left out and how to get it. */
export function capLines(lines: string[], max: number, what: string, hasOut: boolean, flag?: string): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `  ... ${fmtInt(lines.length - max)} more ${what} not shown (${fmtInt(lines.length)} in all; ${hasOut ? 'all of them are in the --out file' : `use --out FILE or --json for all of them${flag ? `, or ${flag} N` : ''}`})`];
}

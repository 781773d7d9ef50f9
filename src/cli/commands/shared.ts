import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DataError, InvalidParameterError, IOError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { encodeCategorical, Table, type Column } from '../../core/table.js';
import { loadDataset, DATASET_NAMES } from '../../datasets/load.js';
import { checkRegularFile } from '../../io/source.js';

type DuckIO = typeof import('../../io/duckdb.js');
let duckModule: DuckIO | null = null;
/** The DuckDB readers, loaded on first use (the native module costs ~0.5 s of start-up). */
export async function duck(): Promise<DuckIO> {
  duckModule ??= await import('../../io/duckdb.js');
  return duckModule;
}
/** Close DuckDB if a command opened it (lets the process exit promptly). */
export async function closeDuck(): Promise<void> {
  if (duckModule) await duckModule.closeConnection();
}

/** Where a command writes: the process streams, or buffers when the CLI runs in-process (tests). */
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}
export const io: CliIO = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

export interface CommonOptions {
  json?: boolean;
  seed: number;
  target?: string;
  quiet?: boolean;
  na?: string[];
  verbose?: boolean;
  dataset?: string;
}

/** Options every command takes: --json, --seed, --quiet, --na. */
export function addCommon(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document on stdout')
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 42)
    .option('--quiet', 'no progress output')
    .option('--verbose', 'stack traces on errors')
    .option('--na <values>', 'comma-separated strings read as missing in CSV input, e.g. "?,NA"', (v) => v.split(','));
}

/** Commander argument parser for an integer >= min (typed error naming the option). */
export function intArg(flag: string, min: number): (v: string) => number {
  return (v) => {
    const x = Number(v);
    if (!/^[-+]?\d+$/.test(v.trim()) || !Number.isSafeInteger(x) || x < min) throw new InvalidParameterError(flag, `an integer >= ${min}`, v, 'deepmine');
    return x;
  };
}

/** Commander argument parser for a number in [lo, hi] (open ends with `open`). */
export function numArg(flag: string, lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): (v: string) => number {
  return (v) => {
    const x = Number(v);
    const ok = v.trim() !== '' && Number.isFinite(x) && (open.lo ? x > lo : x >= lo) && (open.hi ? x < hi : x <= hi);
    if (!ok) throw new InvalidParameterError(flag, `a number in ${open.lo ? '(' : '['}${lo}, ${hi}${open.hi ? ')' : ']'}`, v, 'deepmine');
    return x;
  };
}

/** Commander parser for one of a fixed set of names. */
export function choiceArg<T extends string>(flag: string, choices: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(choices as readonly string[]).includes(v)) throw new InvalidParameterError(flag, `one of ${choices.join(', ')}`, v, 'deepmine');
    return v as T;
  };
}

/** A loaded input: a Table plus what is known about it. */
export interface LoadedTable {
  table: Table;
  source: string;
  /** Target column of a built-in dataset ('target', or 'edibility' for mushroom). */
  builtinTarget?: string;
  task?: 'classification' | 'regression';
}

const isBuiltin = (name: string) => (DATASET_NAMES as readonly string[]).includes(name);

/**
 * A built-in dataset name or a CSV/Parquet/JSON path as a Table. Built-in numeric datasets get
 * their target as a last column `target` (class names for classification); mushroom gets
 * `edibility` first, as in the UCI file.
 */
export async function loadTable(input: string | undefined, opts: { na?: string[]; dataset?: string } = {}): Promise<LoadedTable> {
  if (opts.dataset !== undefined) {
    if (!isBuiltin(opts.dataset)) throw new DataError('--dataset', `one of ${DATASET_NAMES.join(', ')}`, JSON.stringify(opts.dataset), 'deepmine');
    if (input !== undefined) throw new DataError('data', 'either a file or --dataset, not both', `${JSON.stringify(input)} and --dataset ${opts.dataset}`, 'deepmine');
    input = opts.dataset;
  }
  if (input === undefined) throw new DataError('data', `a file (CSV, Parquet, JSON), - for stdin, or --dataset NAME (${DATASET_NAMES.join(', ')})`, 'nothing', 'deepmine');
  if (input === '-') return withStdin((path, kind) => loadFile(path, kind, opts, 'stdin'));
  // an existing file wins over a dataset name (`--dataset iris` is always the built-in one)
  if (isBuiltin(input) && !(existsSync(input) && statSync(input).isFile())) return loadBuiltin(input);
  return loadFile(input, null, opts, input);
}

function loadBuiltin(input: string): LoadedTable {
  const ds = loadDataset(input);
  if (ds.task === 'baskets') throw new DataError('data', 'a table (groceries is a basket dataset: use `deepmine rules groceries`)', input, 'deepmine');
  if (ds.X instanceof Table) {
    return { table: new Table([encodeCategorical('edibility', ds.y as string[]), ...ds.X.columns]), source: `built-in ${input}`, builtinTarget: 'edibility', task: 'classification' };
  }
  const X = ds.X as Matrix;
  const cols: Column[] = ds.featureNames.map((name, j) => ({ kind: 'numeric', name, values: X.col(j) }));
  const y = ds.y as Float64Array;
  cols.push(ds.targetNames ? encodeCategorical('target', Array.from(y, (k) => ds.targetNames![k]!)) : { kind: 'numeric', name: 'target', values: y.slice() });
  return { table: new Table(cols), source: `built-in ${input}`, builtinTarget: 'target', task: ds.task };
}

/** File format from the extension (or the first bytes for stdin / no extension). */
export function fileKind(path: string, head?: string): 'parquet' | 'json' | 'csv' | 'fimi' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (/\.(json|jsonl|ndjson)$/.test(lower)) return 'json';
  if (lower.endsWith('.dat')) return 'fimi';
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'csv';
  const h = head ?? readHead(path);
  if (h.startsWith('PAR1')) return 'parquet';
  if (/^\s*[[{]/.test(h)) return 'json';
  return 'csv';
}

function readHead(path: string): string {
  try {
    const b = readFileSync(path);
    return b.subarray(0, 256).toString('latin1');
  } catch {
    return '';
  }
}

async function loadFile(path: string, kind: ReturnType<typeof fileKind> | null, opts: { na?: string[] }, source: string): Promise<LoadedTable> {
  if (!existsSync(path)) {
    const hint = /[\\/.]/.test(path) ? '' : ` (not a built-in dataset either: ${DATASET_NAMES.join(', ')})`;
    throw new IOError(path, `deepmine: file not found${hint}`);
  }
  checkRegularFile(path, 'deepmine');
  if (statSync(path).size === 0) throw new DataError('data', 'a file with a header and at least one row', `an empty file ${JSON.stringify(source)}`, 'deepmine');
  const k = kind ?? fileKind(path);
  const { readCsv, readJson, readParquet } = await duck();
  let table: Table;
  if (k === 'parquet') table = await readParquet(path);
  else if (k === 'json') table = await readJson(path);
  else if (k === 'fimi') throw new DataError('data', 'a table (FIMI .dat files are transactions: use `deepmine rules` or `deepmine analyze`)', path, 'deepmine');
  else table = await readCsv(path, opts.na?.length ? { missing: opts.na } : {});
  if (table.nRows === 0) throw new DataError('data', 'at least one data row', `${JSON.stringify(source)} with ${table.nCols} column(s) and 0 rows`, 'deepmine');
  return { table, source };
}

/** Read stdin to a temporary file (DuckDB reads files), call `f` with its path and sniffed kind, remove it. */
export async function withStdin<T>(f: (path: string, kind: ReturnType<typeof fileKind>) => Promise<T>): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) throw new DataError('data', 'data on stdin', 'nothing (stdin is empty)', 'deepmine');
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-stdin-'));
  const head = buf.subarray(0, 256).toString('latin1');
  const kind = fileKind('stdin', head);
  const path = join(dir, `stdin.${kind === 'fimi' ? 'dat' : kind}`);
  writeFileSync(path, buf);
  try {
    return await f(path, kind);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Numeric features, optional target, after one-hot encoding categorical features and dropping rows with a missing number or target. */
export interface Features {
  X: Matrix;
  y: (number | string)[] | null;
  featureNames: string[];
  source: string;
  targetName: string | null;
  /** Rows dropped because a numeric feature or the target was missing. */
  droppedRows: number;
  /** Categorical feature columns that were one-hot encoded. */
  oneHot: string[];
  task?: 'classification' | 'regression';
}

/**
 * Features for the model commands. Built-in datasets use their own target unless `--target` names
 * another column; files need `--target` when `requireTarget`. Categorical features are one-hot
 * encoded (`col=value`; a missing category is all zeros), booleans are 0/1, dates epoch ms; rows
 * with a missing number or a missing target are dropped (and counted in `droppedRows`).
 */
export async function loadFeatures(input: string | undefined, opts: { target?: string; requireTarget?: boolean; useTarget?: boolean; na?: string[]; dataset?: string }): Promise<Features> {
  const t = await loadTable(input, opts);
  let target: string | null = opts.target ?? null;
  if (target === null && t.builtinTarget && opts.useTarget !== false) target = t.builtinTarget;
  if (target === null && opts.requireTarget) throw new DataError('--target', 'the name of the target column', 'nothing', 'deepmine');
  if (target !== null && !t.table.has(target)) throw new DataError('--target', `one of the columns [${t.table.names.join(', ')}]`, JSON.stringify(target), 'deepmine');
  // without a target, a built-in dataset's own target is not a feature
  const exclude = target ?? t.builtinTarget ?? null;
  const cols = t.table.columns.filter((c) => c.name !== exclude);
  if (cols.length === 0) throw new DataError('data', 'at least one feature column', 'none', 'deepmine');
  const n = t.table.nRows;
  const names: string[] = [];
  const arrays: ArrayLike<number>[] = [];
  const oneHot: string[] = [];
  const keep = new Uint8Array(n).fill(1);
  for (const c of cols) {
    if (c.kind === 'categorical') {
      oneHot.push(c.name);
      // a missing category is the all-zero row (the row is kept)
      c.labels.forEach((lab, k) => { names.push(`${c.name}=${lab}`); arrays.push(Float64Array.from(c.codes, (v) => (v === k ? 1 : 0))); });
    } else {
      names.push(c.name);
      arrays.push(c.values);
      for (let i = 0; i < n; i++) if (Number.isNaN(c.values[i]!)) keep[i] = 0;
    }
  }
  let y: (number | string)[] | null = null;
  if (target !== null) {
    const c = t.table.column(target);
    y = new Array(n);
    for (let i = 0; i < n; i++) {
      if (c.kind === 'categorical') { const k = c.codes[i]!; if (k < 0) keep[i] = 0; else y[i] = c.labels[k]!; }
      else { const v = c.values[i]!; if (Number.isNaN(v)) keep[i] = 0; else y[i] = v; }
    }
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) rows.push(i);
  if (rows.length === 0) throw new DataError('data', 'at least one row without missing values', `${n} rows, all with a missing value`, 'deepmine');
  const d = names.length;
  const X = new Matrix(new Float64Array(rows.length * d), rows.length, d);
  rows.forEach((i, r) => { for (let j = 0; j < d; j++) X.data[r * d + j] = arrays[j]![i]!; });
  return {
    X, y: y && rows.map((i) => y![i]!), featureNames: names, source: t.source, targetName: target,
    droppedRows: n - rows.length, oneHot, task: target === t.builtinTarget ? t.task : undefined,
  };
}

/** Load a built-in dataset name or a CSV/Parquet/JSON path into X, y (the target is required); `na` applies to files. */
export async function loadXY(input: string | undefined, target: string | undefined, opts: { na?: string[]; dataset?: string } = {}): Promise<{ X: Matrix; y: (number | string)[]; featureNames: string[]; source: string; oneHot: string[]; targetName: string }> {
  const name = input ?? opts.dataset ?? 'breast_cancer';
  if (input === undefined || (isBuiltin(name) && !existsSync(name))) {
    if (target === undefined) {
      const ds = loadDataset(name);
      if (ds.X instanceof Matrix) return { X: ds.X, y: Array.from(ds.y as Float64Array, (v) => (ds.targetNames ? ds.targetNames[v]! : v)), featureNames: ds.featureNames, source: `built-in ${name}`, oneHot: [], targetName: 'target' };
    }
  }
  const f = await loadFeatures(name, { target, requireTarget: true, ...(opts.na ? { na: opts.na } : {}) });
  return { X: f.X, y: f.y!, featureNames: f.featureNames, source: f.source, oneHot: f.oneHot, targetName: f.targetName! };
}

/** Replace non-finite numbers (NaN/Infinity) by null and typed arrays by plain arrays, for JSON. */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v instanceof Matrix) return Array.from({ length: v.rows }, (_, i) => jsonSafe(v.row(i)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/** `--json`: one JSON document; otherwise the text. */
export function output(opts: CommonOptions, json: unknown, text: () => string): void {
  if (opts.json) io.out(JSON.stringify(jsonSafe(json)) + '\n');
  else io.out(text() + '\n');
}

/** Number formatting for text output. */
export const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : String(Number(v.toFixed(digits))));

import type { Command } from 'commander';
import { DataError, InvalidParameterError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { encodeCategorical, Table, type Column } from '../../core/table.js';
import { loadDataset, DATASET_NAMES } from '../../datasets/load.js';
import { readCsv, readJson, readParquet } from '../../io/duckdb.js';

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
}

/** Options every command takes: --json, --seed, --quiet, --na. */
export function addCommon(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document on stdout')
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 42)
    .option('--quiet', 'no progress output')
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
export async function loadTable(input: string | undefined, opts: { na?: string[] } = {}): Promise<LoadedTable> {
  if (input === undefined) throw new DataError('data', `a built-in dataset (${DATASET_NAMES.join(', ')}) or a CSV/Parquet/JSON file`, 'nothing', 'deepmine');
  if (isBuiltin(input)) {
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
  const lower = input.toLowerCase();
  let table: Table;
  if (lower.endsWith('.parquet')) table = await readParquet(input);
  else if (/\.(json|jsonl|ndjson)$/.test(lower)) table = await readJson(input);
  else {
    if (!/\.(csv|tsv|txt)$/.test(lower) && !/[\\/.]/.test(input)) {
      throw new DataError('data', `a built-in dataset (${DATASET_NAMES.join(', ')}) or a CSV/Parquet/JSON file`, JSON.stringify(input), 'deepmine');
    }
    table = await readCsv(input, opts.na?.length ? { missing: opts.na } : {});
  }
  return { table, source: input };
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
export async function loadFeatures(input: string | undefined, opts: { target?: string; requireTarget?: boolean; useTarget?: boolean; na?: string[] }): Promise<Features> {
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

/** Load a built-in dataset name or a CSV/Parquet/JSON path into X, y (the target is required). */
export async function loadXY(input: string | undefined, target: string | undefined): Promise<{ X: Matrix; y: (number | string)[]; featureNames: string[]; source: string }> {
  const name = input ?? 'breast_cancer';
  if (isBuiltin(name) && target === undefined) {
    const ds = loadDataset(name);
    if (ds.X instanceof Matrix) return { X: ds.X, y: Array.from(ds.y as Float64Array), featureNames: ds.featureNames, source: `built-in ${name}` };
  }
  const f = await loadFeatures(name, { target, requireTarget: true });
  return { X: f.X, y: f.y!, featureNames: f.featureNames, source: f.source };
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

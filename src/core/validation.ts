import { DataError, ShapeError, describeValue } from './errors.js';
import { Matrix } from './matrix.js';
import { Table } from './table.js';

/** Anything an estimator accepts as a 2-D numeric input. */
export type MatrixLike =
  | Matrix
  | ArrayLike<ArrayLike<number>>
  | { data: ArrayLike<number>; shape: readonly [number, number] | readonly number[] }
  | Table;

/** A label is a number or a string; classifiers predict in the user's label type. */
export type Label = number | string;
/** Anything accepted as a 1-D target. */
export type LabelsLike = ArrayLike<number> | readonly Label[];

export interface CheckArrayOptions {
  /** Argument name used in error messages (default 'X'). */
  name?: string;
  /** Estimator or function name used as message prefix. */
  owner?: string;
  /** Accept NaN (missing values). Infinity is always rejected. Default false. */
  allowNaN?: boolean;
  /** Minimum number of rows (default 1). */
  minRows?: number;
  /** Minimum number of columns (default 1). */
  minCols?: number;
  /** Exact number of columns required (the width seen at fit). */
  nFeatures?: number;
  /** Always return a fresh copy (default false: a Matrix input is returned as is, never mutated by us). */
  copy?: boolean;
}

/**
 * The one coercion and validation path for 2-D numeric input. Returns a Matrix; a Matrix
 * input is returned without copying unless `copy` is set (callers must not mutate it).
 */
export function checkArray(X: MatrixLike, opts: CheckArrayOptions = {}): Matrix {
  const name = opts.name ?? 'X';
  const owner = opts.owner;
  const m = coerce(X, name, owner, opts.copy ?? false);
  const minRows = opts.minRows ?? 1;
  const minCols = opts.minCols ?? 1;
  if (m.rows < minRows) {
    throw new ShapeError(name, `at least ${minRows} sample(s)`, `${m.rows} rows (shape [${m.rows}, ${m.cols}])`, owner);
  }
  if (m.cols < minCols) {
    throw new ShapeError(name, `at least ${minCols} feature(s)`, `${m.cols} columns (shape [${m.rows}, ${m.cols}])`, owner);
  }
  if (opts.nFeatures !== undefined && m.cols !== opts.nFeatures) {
    throw new ShapeError(name, `${opts.nFeatures} features, as seen in fit`, `${m.cols} features`, owner);
  }
  const d = m.data;
  const allowNaN = opts.allowNaN ?? false;
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (v - v !== 0) {
      // NaN or +-Infinity
      if (Number.isNaN(v) && allowNaN) continue;
      const i = Math.floor(k / m.cols);
      const j = k % m.cols;
      throw new DataError(name, allowNaN ? 'finite values or NaN (no infinity)' : 'finite values (no NaN or infinity; impute missing values first)', `${v} at row ${i}, column ${j}`, owner);
    }
  }
  return m;
}

function coerce(X: MatrixLike, name: string, owner: string | undefined, copy: boolean): Matrix {
  if (X instanceof Matrix) return copy ? X.copy() : X;
  if (X instanceof Table) return X.toMatrix();
  if (X == null || typeof X !== 'object') throw new DataError(name, 'a 2-D array, Matrix, {data, shape} or Table', X, owner);
  if ('shape' in X && 'data' in X && !Array.isArray(X)) {
    const shape = X.shape;
    if (!shape || shape.length !== 2) throw new ShapeError(name, 'a 2-D shape [rows, cols]', `shape ${JSON.stringify(shape)}`, owner);
    const [r, c] = shape as [number, number];
    if (X.data.length !== r * c) throw new ShapeError(name, `data of length ${r}*${c} = ${r * c}`, `length ${X.data.length}`, owner);
    return new Matrix(Float64Array.from(X.data), r, c);
  }
  const rows = X as ArrayLike<ArrayLike<number>>;
  if (typeof rows.length !== 'number') throw new DataError(name, 'a 2-D array, Matrix, {data, shape} or Table', X, owner);
  if (rows.length > 0) {
    const first = rows[0];
    if (typeof first === 'number') {
      throw new ShapeError(name, 'a 2-D array (got a 1-D array; wrap single samples as [[...]] or single features as [[x0], [x1], ...])', `1-D array of length ${rows.length}`, owner);
    }
  }
  const n = rows.length;
  const d = n > 0 ? rows[0]!.length : 0;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r == null || typeof r !== 'object' || typeof r.length !== 'number') throw new DataError(name, 'rows that are arrays of numbers', `row ${i}: ${describeValue(r)}`, owner);
    if (r.length !== d) throw new ShapeError(name, `rows of equal length ${d} (from row 0)`, `row ${i} of length ${r.length}`, owner);
    for (let j = 0; j < d; j++) {
      const v = r[j] as unknown;
      if (typeof v === 'number') out[i * d + j] = v;
      else if (v === null || v === undefined) out[i * d + j] = NaN;
      else throw new DataError(name, 'numeric values', `${typeof v} ${describeValue(v)} at row ${i}, column ${j}`, owner);
    }
  }
  return new Matrix(out, n, d);
}

/** Numeric 1-D target (regression). Rejects NaN/Infinity and a length different from `nRows`. */
export function checkTarget(y: LabelsLike, nRows: number, opts: { name?: string; owner?: string } = {}): Float64Array {
  const name = opts.name ?? 'y';
  if (y == null || typeof (y as ArrayLike<unknown>).length !== 'number') throw new DataError(name, 'a 1-D array of numbers', y, opts.owner);
  if (y.length !== nRows) throw new ShapeError(name, `length ${nRows} (the number of rows of X)`, `length ${y.length}`, opts.owner);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(name, 'finite numbers', `${describe(v)} at index ${i}`, opts.owner);
    out[i] = v;
  }
  return out;
}

function describe(v: unknown): string {
  // never throws (BigInt, Symbol, null-prototype or cyclic objects): see describeValue
  return describeValue(v);
}

/** Classes sorted as `np.unique` sorts them, and the index of each sample's class. */
export interface EncodedLabels {
  classes: Label[];
  /** classes[encoded[i]] === y[i] */
  encoded: Int32Array;
}

/**
 * Encode class labels: numbers or strings (not mixed), no NaN/null. `classes` are sorted
 * ascending (numbers numerically, strings by code point, as numpy does).
 */
export function checkLabels(y: LabelsLike, nRows: number | null, opts: { name?: string; owner?: string } = {}): EncodedLabels {
  const name = opts.name ?? 'y';
  if (y == null || typeof (y as ArrayLike<unknown>).length !== 'number' || typeof y === 'string') throw new DataError(name, 'a 1-D array of labels (numbers or strings)', y, opts.owner);
  if (nRows !== null && y.length !== nRows) throw new ShapeError(name, `length ${nRows} (the number of rows of X)`, `length ${y.length}`, opts.owner);
  let type: 'number' | 'string' | null = null;
  // distinct labels: a short array searched linearly (the usual handful of classes: ~10x faster
  // than a Map per label at 1M labels), then a Map past SMALL of them (SameValueZero either way)
  const SMALL = 16;
  const few: Label[] = [];
  let seen: Map<Label, number> | null = null;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as unknown;
    const t = typeof v;
    if (t === 'number') {
      if (!Number.isFinite(v as number)) throw new DataError(name, 'finite labels (no NaN or infinity)', `${v} at index ${i}`, opts.owner);
    } else if (t !== 'string') {
      throw new DataError(name, 'labels that are numbers or strings', `${describe(v)} at index ${i}`, opts.owner);
    }
    if (type === null) type = t as 'number' | 'string';
    else if (type !== t) throw new DataError(name, `labels of one type (${type})`, `${t} ${describe(v)} at index ${i}`, opts.owner);
    if (seen) {
      if (!seen.has(v as Label)) seen.set(v as Label, 0);
      continue;
    }
    let k = 0;
    while (k < few.length && few[k] !== v) k++;
    if (k < few.length) continue;
    few.push(v as Label);
    if (few.length > SMALL) {
      seen = new Map<Label, number>();
      for (const c of few) seen.set(c, 0);
    }
  }
  const classes = seen ? [...seen.keys()] : few;
  if (type === 'number') (classes as number[]).sort((a, b) => a - b);
  else classes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const encoded = new Int32Array(y.length);
  if (classes.length <= SMALL) {
    for (let i = 0; i < y.length; i++) {
      const v = y[i] as Label;
      let k = 0;
      while (classes[k] !== v) k++;
      encoded[i] = k;
    }
  } else {
    const index = new Map<Label, number>();
    classes.forEach((c, k) => index.set(c, k));
    for (let i = 0; i < y.length; i++) encoded[i] = index.get(y[i] as Label)!;
  }
  return { classes, encoded };
}

/** Check that two 1-D arrays have equal length (metrics). */
export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, nameA: string, nameB: string, owner?: string): void {
  if (a == null || typeof a.length !== 'number') throw new DataError(nameA, 'a 1-D array', a, owner);
  if (b == null || typeof b.length !== 'number') throw new DataError(nameB, 'a 1-D array', b, owner);
  if (a.length !== b.length) throw new ShapeError(nameB, `length ${a.length} (the length of ${nameA})`, `length ${b.length}`, owner);
}

import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { columnCopy, columnSource, gatherMatrix, type NumberColumn, type Table } from '../core/table.js';

/** Result of `toMatrix`: numeric features, the target (numbers, or labels for categorical targets) and names. */
export interface XY<Y = Float64Array | string[] | null> {
  X: Matrix;
  y: Y;
  featureNames: string[];
}

export interface ToMatrixOptions {
  /** feature columns (default: every column but the target) */
  columns?: string[];
  /** the target column (y); without it, y is null */
  target?: string | null;
  /**
   * Categorical (string) feature columns: 'onehot' (default: one 0/1 column `name=value` per
   * value, a missing value sets none), 'ordinal' (the value's index in sorted order, NaN when
   * missing), or 'error' (refuse them, as before).
   */
  categorical?: 'onehot' | 'ordinal' | 'error';
  /**
   * Always return a fresh X (default false: X may share memory with the Table, see toMatrix).
   */
  copy?: boolean;
}

/**
 * Split a Table into a numeric feature Matrix and a target. Numeric, boolean and date columns are
 * used as numbers (NaN = missing); string columns are encoded as `categorical` says (one-hot by
 * default, so a CSV with string columns works as is). A categorical target becomes string labels,
 * a numeric one a Float64Array; a missing target value is a DataError naming the row.
 *
 * No second copy: readParquet / readCsv / readJson keep a file's numeric, boolean and date columns
 * in one row-major block. When the features are exactly those columns, in file order, none of them
 * read through `column.values` yet, X is a view of that block, like pandas
 * `DataFrame.to_numpy(copy=False)`: X then SHARES MEMORY with the Table (writing into X.data
 * changes what the Table's columns read later, and the block stays alive as long as X does).
 * When the features are block columns in file order but the block holds a few more (the target,
 * dropped columns; at most as many as the features) and no Matrix shares the block yet, those
 * others get their own arrays and the block is compacted in place to the features (the Table's
 * columns keep their values), so `toMatrix(t, { target: 'label' })` needs no second copy either.
 * Anything else (another order, a small subset, categorical features, a block already shared, a
 * Table built otherwise) gives a fresh X, and so does `copy: true`. y is always a fresh array.
 *
 * @example
 * const { X, y, featureNames } = toMatrix(await readCsv('data.csv'), { target: 'label' });
 */
export function toMatrix(table: Table, opts: ToMatrixOptions & { target: string }): XY<Float64Array | string[]>;
export function toMatrix(table: Table, opts?: ToMatrixOptions): XY;
export function toMatrix(table: Table, opts: ToMatrixOptions = {}): XY {
  const target = opts.target ?? null;
  const mode = opts.categorical ?? 'onehot';
  if (mode !== 'onehot' && mode !== 'ordinal' && mode !== 'error') throw new InvalidParameterError('categorical', "'onehot', 'ordinal' or 'error'", mode, 'toMatrix');
  if (opts.copy !== undefined && typeof opts.copy !== 'boolean') throw new InvalidParameterError('copy', 'a boolean', opts.copy, 'toMatrix');
  if (target !== null) table.column(target);
  const names = opts.columns ?? table.names.filter((n) => n !== target);
  const cats = names.filter((n) => table.column(n).kind === 'categorical');
  if (cats.length && mode === 'error') throw new DataError('columns', 'numeric, boolean or date columns (encode categorical columns first)', `categorical column ${JSON.stringify(cats[0])}`, 'toMatrix');
  // y first: a missing target value fails before X may compact the Table's block (see above)
  let y: Float64Array | string[] | null = null;
  if (target !== null) {
    const c = table.column(target);
    if (c.kind === 'categorical') {
      y = Array.from(c.codes, (k, i) => {
        if (k < 0) throw new DataError('target', 'a column without missing values', `missing value at row ${i} of ${JSON.stringify(target)}`, 'toMatrix');
        return c.labels[k]!;
      });
    } else {
      // checked in place (no copy yet): a target column inside the block is copied out by the
      // compaction below, and y is then a contiguous copy of that
      const { data, offset, stride } = columnSource(c);
      for (let i = 0, at = offset; i < table.nRows; i++, at += stride) {
        if (Number.isNaN(data[at]!)) throw new DataError('target', 'a column without missing values', `missing value at row ${i} of ${JSON.stringify(target)}`, 'toMatrix');
      }
    }
  }
  let X: Matrix;
  let featureNames: string[];
  if (cats.length === 0) {
    X = numericMatrix(table, names, opts.copy ?? false);
    featureNames = [...names];
  } else {
    ({ X, featureNames } = encodeColumns(table, names, mode as 'onehot' | 'ordinal'));
  }
  if (target !== null && y === null) y = columnCopy(table.column(target) as NumberColumn);
  return { X, y, featureNames };
}

/** Numeric columns as they are, categorical ones one-hot or ordinal (labels in sorted order). */
function encodeColumns(table: Table, names: string[], mode: 'onehot' | 'ordinal'): { X: Matrix; featureNames: string[] } {
  const n = table.nRows;
  const outNames: string[] = [];
  const fill: ((row: Float64Array, i: number, at: number) => void)[] = [];
  const widths: number[] = [];
  for (const name of names) {
    const c = table.column(name);
    if (c.kind !== 'categorical') {
      const { data, offset, stride } = columnSource(c);
      outNames.push(name);
      widths.push(1);
      fill.push((row, i, at) => { row[at] = data[offset + i * stride]!; });
      continue;
    }
    // sorted labels, so the encoding does not depend on row order
    const order = c.labels.map((_, k) => k).sort((a, b) => (c.labels[a]! < c.labels[b]! ? -1 : c.labels[a]! > c.labels[b]! ? 1 : 0));
    const rank = new Int32Array(c.labels.length);
    order.forEach((k, r) => { rank[k] = r; });
    if (mode === 'ordinal') {
      outNames.push(name);
      widths.push(1);
      fill.push((row, i, at) => { const k = c.codes[i]!; row[at] = k < 0 ? NaN : rank[k]!; });
    } else {
      for (const k of order) outNames.push(`${name}=${c.labels[k]}`);
      widths.push(order.length);
      fill.push((row, i, at) => { const k = c.codes[i]!; if (k >= 0) row[at + rank[k]!] = 1; });
    }
  }
  const d = outNames.length;
  const X = new Matrix(new Float64Array(n * d), n, d);
  for (let i = 0; i < n; i++) {
    const row = X.data.subarray(i * d, (i + 1) * d);
    let at = 0;
    fill.forEach((f, j) => { f(row, i, at); at += widths[j]!; });
  }
  return { X, featureNames: outNames };
}

/**
 * The row-major matrix of numeric/boolean/date columns: the Table's block itself when it can be
 * shared and `copy` is false, else a copy (core/table.ts gatherMatrix; block columns are read in
 * place, not materialised).
 */
function numericMatrix(table: Table, names: readonly string[], copy: boolean): Matrix {
  const cols = names.map((n) => table.column(n));
  const bad = cols.find((c) => c.kind === 'categorical');
  if (bad) throw new DataError('columns', 'numeric, boolean or date columns (encode categorical columns first)', `categorical column ${JSON.stringify(bad.name)}`, 'toMatrix');
  return gatherMatrix(cols as NumberColumn[], table.nRows, copy);
}

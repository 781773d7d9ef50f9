/**
 * Shared helpers of the cleaning / transformation / feature-selection estimators: feature-name
 * bookkeeping (scikit-learn's `_check_feature_names_in`), numpy-identical quantiles, and the
 * coercion of mixed (numeric + string) input into typed columns.
 */
import { DataError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Table } from '../core/table.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { pairwiseSum, quantileSorted } from '../core/numeric.js';

/** `['x0', 'x1', ...]`, scikit-learn's generated input feature names. */
export function defaultNames(n: number): string[] {
  return Array.from({ length: n }, (_, j) => `x${j}`);
}

/** Names of the columns of a Table input, null for any other input. */
export function namesOf(X: unknown): string[] | null {
  return X instanceof Table ? [...X.names] : null;
}

/**
 * scikit-learn's `_check_feature_names_in`: `inputFeatures` when given (its length must equal the
 * fitted width and, when fitted on a Table, the names must match), else the Table's column names
 * seen in fit, else `x0..x{d-1}`.
 */
export function featureNamesIn(owner: string, nFeatures: number, fittedNames: readonly string[] | null | undefined, inputFeatures?: readonly string[]): string[] {
  if (inputFeatures !== undefined && inputFeatures !== null) {
    if (!Array.isArray(inputFeatures) || inputFeatures.length !== nFeatures) {
      throw new ShapeError('inputFeatures', `${nFeatures} names (the number of features seen in fit)`, Array.isArray(inputFeatures) ? `${inputFeatures.length} names` : inputFeatures, owner);
    }
    if (fittedNames && fittedNames.some((n, j) => n !== inputFeatures[j])) {
      throw new DataError('inputFeatures', `the column names seen in fit [${fittedNames.join(', ')}]`, `[${inputFeatures.join(', ')}]`, owner);
    }
    return [...inputFeatures];
  }
  return fittedNames ? [...fittedNames] : defaultNames(nFeatures);
}

export { quantileSorted };

/** numpy's `linspace(start, stop, num)` (endpoint included), same operation order. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** Finite values of column j, sorted ascending (NaN dropped). */
export function sortedColumn(m: Matrix, j: number): Float64Array {
  const d = m.cols;
  const tmp = new Float64Array(m.rows);
  let c = 0;
  for (let i = 0; i < m.rows; i++) { const v = m.data[i * d + j]!; if (v === v) tmp[c++] = v; }
  return tmp.subarray(0, c).sort();
}

/** Throw a DataError naming the column when a column has no observed (non-NaN) value. */
export function requireObserved(m: Matrix, owner: string, names: readonly string[] | null): void {
  const d = m.cols;
  for (let j = 0; j < d; j++) {
    let seen = false;
    for (let i = 0; i < m.rows && !seen; i++) if (m.data[i * d + j] === m.data[i * d + j]) seen = true;
    if (!seen) throw new DataError('X', 'columns with at least one observed value', `column ${colName(j, names)} is all NaN (missing)`, owner);
  }
}

/**
 * The fit input of the NaN-tolerant per-column estimators: X checked (NaN allowed), its column
 * names when it has them, and a DataError naming the first column that has no observed value.
 */
export function checkObservedColumns(X: MatrixLike, owner: string): { m: Matrix; names: string[] | null } {
  const m = checkArray(X, { owner, allowNaN: true });
  const names = namesOf(X);
  requireObserved(m, owner, names);
  return { m, names };
}

export function colName(j: number, names: readonly string[] | null | undefined): string {
  return names ? `${JSON.stringify(names[j])} (index ${j})` : `${j}`;
}

/** One input column of mixed data: numbers (NaN missing) or strings (null missing). */
export type MixedColumn = { kind: 'num'; values: Float64Array } | { kind: 'str'; codes: Int32Array; labels: string[] };

/** What encoders and imputers accept: numeric input, rows of strings/numbers/null, or a Table. */
export type MixedLike = MatrixLike | readonly (readonly (string | number | null | undefined)[])[];

export interface Mixed {
  rows: number;
  cols: number;
  columns: MixedColumn[];
  names: string[] | null;
}

/**
 * Coerce input with string (categorical) columns. A column is numeric when all its present values
 * are numbers, string when all are strings; mixing both in one column is a DataError naming the
 * column (scikit-learn: "Encoders require their input to be uniformly strings or numbers").
 * null, undefined and NaN are missing.
 */
export function checkMixed(X: MixedLike, opts: { owner: string; name?: string; nFeatures?: number; minRows?: number }): Mixed {
  const name = opts.name ?? 'X';
  const owner = opts.owner;
  let out: Mixed;
  if (X instanceof Table) {
    const columns: MixedColumn[] = X.columns.map((c) => {
      if (c.kind === 'categorical') return { kind: 'str', codes: c.codes, labels: [...c.labels] };
      return { kind: 'num', values: c.values };
    });
    out = { rows: X.nRows, cols: X.nCols, columns, names: [...X.names] };
  } else if (X instanceof Matrix || (X != null && typeof X === 'object' && 'shape' in X && 'data' in X && !Array.isArray(X))) {
    const m = checkArray(X as MatrixLike, { owner, name, allowNaN: true, minRows: 0, minCols: 0 });
    out = { rows: m.rows, cols: m.cols, columns: Array.from({ length: m.cols }, (_, j) => ({ kind: 'num' as const, values: m.col(j) })), names: null };
  } else {
    const rows = X as ArrayLike<ArrayLike<unknown>>;
    if (rows == null || typeof rows !== 'object' || typeof rows.length !== 'number') throw new DataError(name, 'a 2-D array, Matrix, {data, shape} or Table', X, owner);
    const n = rows.length;
    if (n > 0 && (rows[0] == null || typeof rows[0] !== 'object')) {
      throw new ShapeError(name, 'a 2-D array (got a 1-D array; wrap single samples as [[...]] or single features as [[x0], [x1], ...])', `1-D array of length ${n}`, owner);
    }
    const d = n > 0 ? rows[0]!.length : 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (r == null || typeof r !== 'object' || typeof r.length !== 'number') throw new DataError(name, 'rows that are arrays', `row ${i}: ${String(r)}`, owner);
      if (r.length !== d) throw new ShapeError(name, `rows of equal length ${d} (from row 0)`, `row ${i} of length ${r.length}`, owner);
    }
    const columns: MixedColumn[] = [];
    for (let j = 0; j < d; j++) {
      let kind: 'num' | 'str' | null = null;
      for (let i = 0; i < n && kind === null; i++) {
        const v = rows[i]![j];
        if (typeof v === 'string') kind = 'str';
        else if (typeof v === 'number') kind = Number.isNaN(v) ? null : 'num';
        else if (v != null) throw new DataError(name, 'numbers, strings or null', `${typeof v} at row ${i}, column ${j}`, owner);
      }
      if (kind === 'str') {
        const codes = new Int32Array(n);
        const labels: string[] = [];
        const index = new Map<string, number>();
        for (let i = 0; i < n; i++) {
          const v = rows[i]![j];
          if (typeof v === 'string') {
            let k = index.get(v);
            if (k === undefined) { k = labels.length; index.set(v, k); labels.push(v); }
            codes[i] = k;
          } else if (v == null || (typeof v === 'number' && Number.isNaN(v))) codes[i] = -1;
          else throw new DataError(name, `values of one type in column ${j} (strings, as in its first value)`, `${typeof v} ${JSON.stringify(v)} at row ${i}, column ${j}`, owner);
        }
        columns.push({ kind: 'str', codes, labels });
      } else {
        const vals = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i]![j];
          if (typeof v === 'number') vals[i] = v;
          else if (v == null) vals[i] = NaN;
          else throw new DataError(name, `values of one type in column ${j} (numbers, as in its first value)`, `${typeof v} ${JSON.stringify(v)} at row ${i}, column ${j}`, owner);
        }
        columns.push({ kind: 'num', values: vals });
      }
    }
    out = { rows: n, cols: d, columns, names: null };
  }
  const minRows = opts.minRows ?? 1;
  if (out.rows < minRows) throw new ShapeError(name, `at least ${minRows} sample(s)`, `${out.rows} rows (shape [${out.rows}, ${out.cols}])`, owner);
  if (out.cols < 1) throw new ShapeError(name, 'at least 1 feature(s)', `${out.cols} columns (shape [${out.rows}, ${out.cols}])`, owner);
  if (opts.nFeatures !== undefined && out.cols !== opts.nFeatures) {
    throw new ShapeError(name, `${opts.nFeatures} features, as seen in fit`, `${out.cols} features`, owner);
  }
  for (let j = 0; j < out.cols; j++) {
    const c = out.columns[j]!;
    if (c.kind === 'num') {
      const v = c.values;
      for (let i = 0; i < v.length; i++) {
        const x = v[i]!;
        if (x - x !== 0 && x === x) throw new DataError(name, 'finite values or missing (no infinity)', `${x} at row ${i}, column ${colName(j, out.names)}`, owner);
      }
    }
  }
  return out;
}

/** Check that a transform-time column has the type seen at fit; names the column otherwise. */
export function checkColumnKind(c: MixedColumn, expected: 'num' | 'str', j: number, names: readonly string[] | null, owner: string): void {
  if (c.kind !== expected) {
    const first = c.kind === 'str' ? c.labels[0] : undefined;
    throw new DataError('X', `${expected === 'num' ? 'numbers' : 'strings'} in column ${colName(j, names)}, as seen in fit`, `${c.kind === 'str' ? `string ${JSON.stringify(first)}` : 'numbers'}`, owner);
  }
}

/** Sort a set of category values as `np.unique` does: numbers ascending, strings by code point, missing last. */
export function sortCategories(kind: 'num' | 'str', values: Iterable<number | string | null>): (number | string | null)[] {
  const present: (number | string)[] = [];
  let missing = false;
  for (const v of values) {
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) missing = true;
    else present.push(v);
  }
  if (kind === 'num') (present as number[]).sort((a, b) => a - b);
  else (present as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return missing ? [...present, kind === 'num' ? NaN : null] : present;
}


/** How a category prints in a feature name (`nan` for missing, numbers as Python prints them). */
export function catLabel(v: number | string | null): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return 'nan';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
  return v;
}

/** Value of row i in a mixed column: a number (NaN missing) or a string (null missing). */
export function cell(c: MixedColumn, i: number): number | string | null {
  if (c.kind === 'num') return c.values[i]!;
  const k = c.codes[i]!;
  return k < 0 ? null : c.labels[k]!;
}

/** Number of rows of a mixed column. */
export function colLength(c: MixedColumn): number {
  return c.kind === 'num' ? c.values.length : c.codes.length;
}

/** Missing test for a category value. */
export function isMissing(v: number | string | null): boolean {
  return v === null || (typeof v === 'number' && Number.isNaN(v));
}

export type { MatrixLike };

/** numpy's pairwise summation, shared from core/numeric.ts (re-exported for this module's users). */
export { pairwiseSum };

import { DataError } from './errors.js';
import { Matrix } from './matrix.js';

/** Numeric column: float64, NaN marks a missing value. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}
/** Categorical column: dictionary-encoded; code -1 marks a missing value. */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}
/** Boolean column: 1 / 0, NaN for missing. */
export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly name: string;
  readonly values: Float64Array;
}
/** Date/timestamp column: milliseconds since the Unix epoch (UTC), NaN for missing. */
export interface DateColumn {
  readonly kind: 'date';
  readonly name: string;
  readonly values: Float64Array;
}
export type Column = NumericColumn | CategoricalColumn | BooleanColumn | DateColumn;
export type ColumnKind = Column['kind'];

/** Dictionary-encode strings; null/undefined/'' and any value in `missing` become code -1. Labels keep first-seen order. */
export function encodeCategorical(name: string, values: ArrayLike<string | null | undefined>, missing: readonly string[] = []): CategoricalColumn {
  const index = new Map<string, number>();
  const labels: string[] = [];
  const codes = new Int32Array(values.length);
  const miss = new Set(missing);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null || v === '' || miss.has(v)) { codes[i] = -1; continue; }
    let c = index.get(v);
    if (c === undefined) { c = labels.length; index.set(v, c); labels.push(v); }
    codes[i] = c;
  }
  return { kind: 'categorical', name, codes, labels };
}

/**
 * Immutable, typed, columnar table: what the I/O layer produces and what the cleaning and
 * transformation stages consume. Not a dataframe library: wrangling belongs in DuckDB SQL.
 */
export class Table {
  readonly columns: readonly Column[];
  readonly nRows: number;
  private readonly byName: Map<string, number>;

  constructor(columns: readonly Column[]) {
    const n = columns.length ? columnLength(columns[0]!) : 0;
    const byName = new Map<string, number>();
    columns.forEach((c, k) => {
      if (byName.has(c.name)) throw new DataError('columns', 'unique column names', `duplicate name ${JSON.stringify(c.name)}`, 'Table');
      if (columnLength(c) !== n) throw new DataError('columns', `columns of equal length ${n}`, `column ${JSON.stringify(c.name)} of length ${columnLength(c)}`, 'Table');
      byName.set(c.name, k);
    });
    this.columns = Object.freeze([...columns]);
    this.nRows = n;
    this.byName = byName;
  }

  /** Build from a record of arrays: numbers (NaN/null missing) become numeric, strings categorical, booleans boolean, Dates date. */
  static fromColumns(record: Record<string, ArrayLike<unknown>>): Table {
    return new Table(Object.entries(record).map(([name, vals]) => inferColumn(name, vals)));
  }

  /** Build from row objects (convenience for small data; I/O never goes through here). */
  static fromRows(rows: readonly Record<string, unknown>[]): Table {
    const names = rows.length ? Object.keys(rows[0]!) : [];
    const record: Record<string, unknown[]> = {};
    for (const nm of names) record[nm] = rows.map((r) => r[nm]);
    return Table.fromColumns(record);
  }

  get nCols(): number {
    return this.columns.length;
  }
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }
  get shape(): [number, number] {
    return [this.nRows, this.columns.length];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Column by name; an unknown name is a DataError listing the valid ones. */
  column(name: string): Column {
    const k = this.byName.get(name);
    if (k === undefined) throw new DataError('column', `one of [${this.names.join(', ')}]`, JSON.stringify(name), 'Table');
    return this.columns[k]!;
  }

  select(names: readonly string[]): Table {
    return new Table(names.map((n) => this.column(n)));
  }

  drop(names: readonly string[]): Table {
    for (const n of names) this.column(n); // validates
    const gone = new Set(names);
    return new Table(this.columns.filter((c) => !gone.has(c.name)));
  }

  /** Rows by index, in the given order. */
  takeRows(indices: ArrayLike<number>): Table {
    return new Table(this.columns.map((c) => takeColumnRows(c, indices)));
  }

  /** Cell value as a JS value (number, string, boolean, Date or null for missing). */
  get(row: number, name: string): number | string | boolean | Date | null {
    const c = this.column(name);
    switch (c.kind) {
      case 'numeric': { const v = c.values[row]!; return Number.isNaN(v) ? null : v; }
      case 'categorical': { const k = c.codes[row]!; return k < 0 ? null : c.labels[k]!; }
      case 'boolean': { const v = c.values[row]!; return Number.isNaN(v) ? null : v === 1; }
      case 'date': { const v = c.values[row]!; return Number.isNaN(v) ? null : new Date(v); }
    }
  }

  /**
   * Numeric matrix of the given columns (default: all). Categorical columns are rejected
   * (encode them first with OrdinalEncoder/OneHotEncoder); booleans become 0/1 and dates epoch ms.
   */
  toMatrix(columns?: readonly string[]): Matrix {
    const cols = (columns ?? this.names).map((n) => this.column(n));
    const n = this.nRows;
    const d = cols.length;
    const out = new Float64Array(n * d);
    cols.forEach((c, j) => {
      if (c.kind === 'categorical') {
        throw new DataError('columns', 'numeric, boolean or date columns (encode categorical columns first)', `categorical column ${JSON.stringify(c.name)}`, 'Table.toMatrix');
      }
      const v = c.values;
      for (let i = 0; i < n; i++) out[i * d + j] = v[i]!;
    });
    return new Matrix(out, n, d);
  }

  /** Column values as plain JS values (null for missing). */
  values(name: string): (number | string | boolean | null)[] {
    this.column(name); // validates the name
    const out: (number | string | boolean | null)[] = new Array(this.nRows);
    for (let i = 0; i < this.nRows; i++) {
      const v = this.get(i, name);
      out[i] = v instanceof Date ? v.getTime() : v;
    }
    return out;
  }

  toRows(): Record<string, number | string | boolean | Date | null>[] {
    const rows: Record<string, number | string | boolean | Date | null>[] = [];
    for (let i = 0; i < this.nRows; i++) {
      const r: Record<string, number | string | boolean | Date | null> = {};
      for (const c of this.columns) r[c.name] = this.get(i, c.name);
      rows.push(r);
    }
    return rows;
  }
}

export function columnLength(c: Column): number {
  return c.kind === 'categorical' ? c.codes.length : c.values.length;
}

function takeColumnRows(c: Column, idx: ArrayLike<number>): Column {
  if (c.kind === 'categorical') {
    const codes = new Int32Array(idx.length);
    for (let k = 0; k < idx.length; k++) codes[k] = c.codes[idx[k]!]!;
    return { ...c, codes };
  }
  const values = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) values[k] = c.values[idx[k]!]!;
  return { ...c, values } as Column;
}

function inferColumn(name: string, vals: ArrayLike<unknown>): Column {
  if (vals instanceof Float64Array) return { kind: 'numeric', name, values: vals };
  if (ArrayBuffer.isView(vals)) return { kind: 'numeric', name, values: Float64Array.from(vals as unknown as ArrayLike<number>) };
  const n = vals.length;
  let kind: ColumnKind | null = null;
  for (let i = 0; i < n && kind === null; i++) {
    const v = vals[i];
    if (v == null || (typeof v === 'number' && Number.isNaN(v))) continue;
    if (typeof v === 'number') kind = 'numeric';
    else if (typeof v === 'string') kind = 'categorical';
    else if (typeof v === 'boolean') kind = 'boolean';
    else if (v instanceof Date) kind = 'date';
    else throw new DataError(name, 'numbers, strings, booleans, Dates or null', `element ${i}: ${typeof v}`, 'Table');
  }
  kind ??= 'numeric';
  if (kind === 'categorical') {
    const strs: (string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v != null && typeof v !== 'string') throw new DataError(name, 'strings (categorical column)', `element ${i}: ${typeof v}`, 'Table');
      strs[i] = v as string | null;
    }
    return encodeCategorical(name, strs);
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v == null) values[i] = NaN;
    else if (kind === 'numeric' && typeof v === 'number') values[i] = v;
    else if (kind === 'boolean' && typeof v === 'boolean') values[i] = v ? 1 : 0;
    else if (kind === 'date' && v instanceof Date) values[i] = v.getTime();
    else throw new DataError(name, `${kind} values`, `element ${i}: ${typeof v}`, 'Table');
  }
  return { kind, name, values } as Column;
}

import { DataError, ShapeError } from './errors.js';
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
    if (c.kind === 'categorical') { const k = c.codes[row]!; return k < 0 ? null : c.labels[k]!; }
    // a block column is read in place (not materialised); a row outside the table is null
    const { data, offset, stride } = columnSource(c);
    const v = stride === 1 ? data[row]! : Number.isInteger(row) && row >= 0 && row < this.nRows ? data[offset + row * stride]! : NaN;
    if (Number.isNaN(v) || v === undefined) return null;
    switch (c.kind) {
      case 'numeric': return v;
      case 'boolean': return v === 1;
      case 'date': return new Date(v);
    }
  }

  /**
   * Numeric matrix of the given columns (default: all). Categorical columns are rejected
   * (encode them first with OrdinalEncoder/OneHotEncoder); booleans become 0/1 and dates epoch ms.
   *
   * Always a fresh copy unless `copy: false`: then, when the columns are exactly the unmaterialised
   * columns of one row-major block (a file read by readParquet/readCsv/readJson, see
   * {@link blockColumns}), in block order, the Matrix is a view of the block and shares its memory
   * with this Table (like pandas `to_numpy(copy=False)`); otherwise it is a copy all the same.
   */
  toMatrix(columns?: readonly string[], opts: { copy?: boolean } = {}): Matrix {
    const cols = (columns ?? this.names).map((n) => this.column(n));
    for (const c of cols) {
      if (c.kind === 'categorical') {
        throw new DataError('columns', 'numeric, boolean or date columns (encode categorical columns first)', `categorical column ${JSON.stringify(c.name)}`, 'Table.toMatrix');
      }
    }
    return gatherMatrix(cols as readonly NumberColumn[], this.nRows, opts.copy ?? true);
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
  if (c.kind === 'categorical') return c.codes.length;
  const v = views.get(c);
  return v ? v.state.nRows : c.values.length;
}

/** A column whose values are float64 numbers (numeric, boolean or date). */
export type NumberColumn = NumericColumn | BooleanColumn | DateColumn;

/** Shared state of the columns of one row-major block. */
interface BlockState {
  /** the n x width row-major values; null once every column has materialised its own copy */
  data: Float64Array | null;
  /** values per row (smaller after compactBlock) */
  width: number;
  readonly nRows: number;
  /** columns not yet materialised */
  pending: number;
  /** a Matrix over `data` was handed out: the layout may no longer change */
  shared: boolean;
  /** every column of the block, materialised or not */
  readonly cols: NumberColumn[];
}

/** Unmaterialised block columns -> where their values are (removed when the column materialises). */
const views = new WeakMap<Column, { readonly state: BlockState; offset: number }>();

/**
 * Columns over one row-major n x width block (`data[i * width + j]` is row i of column j): what
 * the file readers produce for numeric, boolean and date columns, so that `toMatrix` of all of them
 * in order is the block itself, without a copy. Each column's `values` is a getter: the first read
 * copies the strided column into its own Float64Array (cached: later reads return the same array,
 * and writes to it are not seen by the block); the column knows its length without that copy.
 * When every column of the block has materialised, the columns drop their reference to the block.
 */
export function blockColumns(data: Float64Array, nRows: number, specs: readonly { kind: NumberColumn['kind']; name: string }[]): NumberColumn[] {
  const width = specs.length;
  if (data.length !== nRows * width) throw new ShapeError('data', `length nRows * columns = ${nRows} * ${width} = ${nRows * width}`, `length ${data.length}`, 'blockColumns');
  const state: BlockState = { data, width, nRows, pending: width, shared: false, cols: [] };
  return specs.map(({ kind, name }, j) => {
    const col = { kind, name } as NumberColumn;
    // one getter function for every block column, so all of them (and, once materialised, their
    // data properties) share V8's object shapes: `c.values[i]` loops stay monomorphic
    Object.defineProperty(col, 'values', { get: materialise, enumerable: true, configurable: true });
    views.set(col, { state, offset: j });
    state.cols.push(col);
    return col;
  });
}

/** The `values` getter of a block column: copy the strided column out, then become a data property. */
function materialise(this: NumberColumn): Float64Array {
  const v = views.get(this);
  if (!v?.state.data) throw new DataError('values', 'the getter of a block column, called on that column', 'another object', 'Table');
  const { state, offset } = v;
  const src = state.data!, n = state.nRows, width = state.width;
  const out = new Float64Array(n);
  for (let i = 0, at = offset; i < n; i++, at += width) out[i] = src[at]!;
  // from now on an ordinary data property: later reads return this array, and writes to it are
  // not seen by the block (so the column no longer counts as a view of it)
  Object.defineProperty(this, 'values', { value: out, enumerable: true, writable: true, configurable: true });
  views.delete(this);
  if (--state.pending === 0) state.data = null;
  return out;
}

/**
 * Where a number column's values are without materialising it: `data[offset + i * stride]` is row
 * i (stride 1 for an ordinary column, the block width for an unmaterialised block column).
 */
export function columnSource(c: NumberColumn): { data: Float64Array; offset: number; stride: number } {
  const v = views.get(c);
  if (v?.state.data) return { data: v.state.data, offset: v.offset, stride: v.state.width };
  return { data: c.values, offset: 0, stride: 1 };
}

/** A fresh copy of a number column's values (a block column is not materialised by this). */
export function columnCopy(c: NumberColumn): Float64Array {
  const { data, offset, stride } = columnSource(c);
  if (stride === 1) return data.slice(offset, offset + columnLength(c));
  const n = columnLength(c);
  const out = new Float64Array(n);
  for (let i = 0, at = offset; i < n; i++, at += stride) out[i] = data[at]!;
  return out;
}

/**
 * The block under `cols` when they are exactly its unmaterialised columns in block order (then a
 * Matrix over it needs no copy), else null.
 */
export function sharedBlock(cols: readonly Column[]): Float64Array | null {
  if (cols.length === 0) return null;
  const first = views.get(cols[0]!);
  if (!first?.state.data || first.state.width !== cols.length) return null;
  for (let j = 0; j < cols.length; j++) {
    const v = views.get(cols[j]!);
    if (!v || v.state !== first.state || v.offset !== j) return null;
  }
  return first.state.data;
}

/**
 * Make `cols` the whole block, in place, when that is cheaper than a copy: they must be
 * unmaterialised columns of one block in increasing block order, the block must not be shared
 * with a Matrix yet, and the block's other unmaterialised columns (typically the target) must be
 * at most as many as `cols`: those are materialised first (they keep their values in their own
 * arrays), then each row's values are moved down to `data[i * d + k]` (forward, never
 * overwriting a value still to be read: the destination never passes the source) and the columns
 * re-pointed at their new offsets. The Table's columns read the same values as before; the buffer
 * keeps its size (the Matrix is its first n * d values). Returns the compacted data, or null.
 */
export function compactBlock(cols: readonly Column[]): Float64Array | null {
  const d = cols.length;
  const first = d ? views.get(cols[0]!) : undefined;
  if (!first?.state.data || first.state.shared) return null;
  const st = first.state;
  const offs: number[] = [];
  for (const c of cols) {
    const v = views.get(c);
    if (!v || v.state !== st || (offs.length && v.offset <= offs[offs.length - 1]!)) return null;
    offs.push(v.offset);
  }
  const inCols = new Set<Column>(cols);
  const others = st.cols.filter((c) => views.has(c) && !inCols.has(c));
  if (others.length > d) return null;
  // one pass over the block: the other live columns are copied out (their own arrays) while each
  // row's feature values move down
  const data = st.data!, w = st.width, n = st.nRows;
  const outs = others.map(() => new Float64Array(n));
  const otherOffs = others.map((c) => views.get(c)!.offset);
  const m = others.length;
  const o0 = offs[0]!;
  if (offs[d - 1]! - o0 === d - 1 && m <= 1) {
    // the usual case (features in one run, at most one other column: the target): no offset lookups
    const out = outs[0], oq = otherOffs[0] ?? 0;
    for (let i = 0, from = o0, to = 0; i < n; i++, from += w, to += d) {
      if (out) out[i] = data[i * w + oq]!;
      for (let k = 0; k < d; k++) data[to + k] = data[from + k]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const from = i * w, to = i * d;
      for (let q = 0; q < m; q++) outs[q]![i] = data[from + otherOffs[q]!]!;
      for (let k = 0; k < d; k++) data[to + k] = data[from + offs[k]!]!;
    }
  }
  others.forEach((c, q) => {
    Object.defineProperty(c, 'values', { value: outs[q], enumerable: true, writable: true, configurable: true });
    views.delete(c);
    st.pending--;
  });
  st.data = data.subarray(0, n * d);
  st.width = d;
  cols.forEach((c, k) => { views.get(c)!.offset = k; });
  return st.data;
}

/**
 * The row-major matrix of number columns: when `copy` is false, the block itself if
 * {@link sharedBlock} finds one or {@link compactBlock} can make one (the block is then marked
 * shared: its layout never changes again), otherwise a fresh array filled in blocks of 2,048 rows (the rows
 * being written stay in cache; a whole-column pass per column writes the full matrix d times with
 * stride d: 4x slower at 10M x 11), reading block columns in place (they are not materialised).
 */
export function gatherMatrix(cols: readonly NumberColumn[], n: number, copy: boolean): Matrix {
  const d = cols.length;
  if (!copy) {
    const block = sharedBlock(cols) ?? compactBlock(cols);
    if (block) {
      views.get(cols[0]!)!.state.shared = true;
      return new Matrix(block, n, d);
    }
  }
  const srcs = cols.map(columnSource);
  const out = new Float64Array(n * d);
  const B = 2048;
  for (let r0 = 0; r0 < n; r0 += B) {
    const r1 = Math.min(n, r0 + B);
    for (let j = 0; j < d; j++) {
      const { data, offset, stride } = srcs[j]!;
      for (let i = r0, at = r0 * d + j, from = offset + r0 * stride; i < r1; i++, at += d, from += stride) out[at] = data[from]!;
    }
  }
  return new Matrix(out, n, d);
}

function takeColumnRows(c: Column, idx: ArrayLike<number>): Column {
  if (c.kind === 'categorical') {
    const codes = new Int32Array(idx.length);
    for (let k = 0; k < idx.length; k++) codes[k] = c.codes[idx[k]!]!;
    return { ...c, codes };
  }
  const { data, offset, stride } = columnSource(c);
  const values = new Float64Array(idx.length);
  if (stride === 1) for (let k = 0; k < idx.length; k++) values[k] = data[idx[k]!]!;
  else {
    // an index outside [0, n) or not an integer is NaN, as on an ordinary column (not another row's value)
    const n = columnLength(c);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      values[k] = Number.isInteger(i) && i >= 0 && i < n ? data[offset + i * stride]! : NaN;
    }
  }
  return { kind: c.kind, name: c.name, values } as Column;
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

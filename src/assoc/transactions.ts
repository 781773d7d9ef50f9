/**
 * Transaction databases for frequent-pattern mining. Item labels are interned to Int32 ids once
 * (ids follow the label order, see {@link compareItems}), and transactions live in one CSR layout
 * (`offsets` + `items`, each transaction's ids sorted ascending and distinct): the miners never
 * touch label strings.
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Table } from '../core/table.js';
import { KBinsDiscretizer } from '../preprocessing/discretizer.js';

/** An item label: a string or a finite number (FIMI files give numbers). `1` and `'1'` are different items. */
export type Item = string | number;

/** Anything the miners accept as transactions. */
export type TransactionsLike = TransactionDB | readonly (readonly Item[])[] | Table | Matrix;

/**
 * Total order on item labels used everywhere (ids, output, tie-breaks): numbers before strings,
 * numbers ascending, strings by UTF-16 code units (JavaScript's `<`).
 */
export function compareItems(a: Item, b: Item): number {
  const ta = typeof a === 'number';
  const tb = typeof b === 'number';
  if (ta !== tb) return ta ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkItem(v: unknown, owner: string, where: string): asserts v is Item {
  if (typeof v === 'string') return;
  if (typeof v === 'number' && Number.isFinite(v)) return;
  throw new DataError('transactions', 'item labels that are strings or finite numbers', `${describe(v)} at ${where}`, owner);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v;
}

/** Options for building a {@link TransactionDB} from a {@link Table}. */
export interface FromTableOptions {
  /** Columns to use (default: all). */
  columns?: readonly string[];
  /**
   * Bin edges for numeric columns, e.g. `{ age: [30, 50] }` gives items `age<30`, `age=[30,50)`,
   * `age>=50`. Numeric (and date) columns without edges are discretised with `KBinsDiscretizer`
   * (`nBins`, `strategy`) fitted on their non-missing values; its inner edges give the same labels.
   */
  bins?: Record<string, readonly number[]>;
  /** Bins per numeric column without explicit `bins` (KBinsDiscretizer's `nBins`, integer >= 2; default 5). */
  nBins?: number;
  /** KBinsDiscretizer's `strategy` for those columns (default 'quantile': about equal counts per bin). */
  strategy?: 'quantile' | 'uniform' | 'kmeans';
  /** Separator between column name and value in item labels (default `'='`). */
  separator?: string;
}

/**
 * A transaction database in compressed sparse row form with interned items.
 *
 * - Duplicate items inside one transaction are removed (set semantics, as in mlxtend's one-hot input).
 * - Empty transactions are kept and count in {@link TransactionDB.nTransactions}, the denominator of
 *   every support (as an all-zero row does in mlxtend). A database with no transaction at all is an error.
 *
 * @example
 * const db = TransactionDB.fromArrays([['milk', 'bread'], ['bread'], []]);
 * db.nTransactions; // 3
 * db.labels;        // ['bread', 'milk']
 * db.transaction(0); // Int32Array [0, 1]
 */
export class TransactionDB {
  /** Item label of each id; ids follow {@link compareItems} order. */
  readonly labels: readonly Item[];
  /** Transaction t holds `items[offsets[t] .. offsets[t + 1])`, ids ascending and distinct. */
  readonly offsets: Int32Array;
  readonly items: Int32Array;
  private _index: Map<Item, number> | null = null;
  private _counts: Int32Array | null = null;

  /** Low-level constructor: validates the CSR invariants (sorted, distinct, in range). */
  constructor(labels: readonly Item[], offsets: Int32Array, items: Int32Array) {
    const owner = 'TransactionDB';
    if (offsets.length < 2) throw new DataError('transactions', 'at least one transaction', 'none', owner);
    for (let i = 1; i < labels.length; i++) {
      if (compareItems(labels[i - 1]!, labels[i]!) >= 0) throw new DataError('labels', 'distinct labels in compareItems order', `${describe(labels[i - 1])} before ${describe(labels[i])}`, owner);
    }
    if (offsets[0] !== 0 || offsets[offsets.length - 1] !== items.length) throw new DataError('offsets', `to start at 0 and end at ${items.length}`, `${offsets[0]} .. ${offsets[offsets.length - 1]}`, owner);
    const m = labels.length;
    for (let t = 0; t + 1 < offsets.length; t++) {
      const a = offsets[t]!, b = offsets[t + 1]!;
      if (b < a) throw new DataError('offsets', 'non-decreasing offsets', `offsets[${t + 1}] = ${b} < ${a}`, owner);
      for (let k = a; k < b; k++) {
        const v = items[k]!;
        if (v < 0 || v >= m || (k > a && v <= items[k - 1]!)) throw new DataError('items', `ids in [0, ${m}) strictly ascending within a transaction`, `transaction ${t}`, owner);
      }
    }
    this.labels = Object.freeze([...labels]);
    this.offsets = offsets;
    this.items = items;
  }

  /** Unchecked construction for internal builders that guarantee the invariants. */
  static unchecked(labels: readonly Item[], offsets: Int32Array, items: Int32Array): TransactionDB {
    const db = Object.create(TransactionDB.prototype) as TransactionDB;
    Object.assign(db, { labels: Object.freeze([...labels]), offsets, items, _index: null, _counts: null });
    return db;
  }

  get nTransactions(): number {
    return this.offsets.length - 1;
  }

  get nItems(): number {
    return this.labels.length;
  }

  /** Ids of transaction `t` (a view, do not modify). */
  transaction(t: number): Int32Array {
    return this.items.subarray(this.offsets[t]!, this.offsets[t + 1]!);
  }

  /** Labels of transaction `t`. */
  transactionLabels(t: number): Item[] {
    return Array.from(this.transaction(t), (id) => this.labels[id]!);
  }

  /** Id of a label; unknown labels are a DataError naming the label. */
  id(label: Item): number {
    if (!this._index) this._index = new Map(this.labels.map((l, i) => [l, i]));
    const id = this._index.get(label);
    if (id === undefined) throw new DataError('item', 'an item present in the transactions', describe(label), 'TransactionDB');
    return id;
  }

  /** Id of a label or -1. */
  idOrNull(label: Item): number {
    if (!this._index) this._index = new Map(this.labels.map((l, i) => [l, i]));
    return this._index.get(label) ?? -1;
  }

  /** Number of transactions containing each item id. */
  itemCounts(): Int32Array {
    if (!this._counts) {
      const c = new Int32Array(this.nItems);
      const it = this.items;
      for (let k = 0; k < it.length; k++) c[it[k]!]!++;
      this._counts = c;
    }
    return this._counts;
  }

  /** Number of transactions containing every label of `itemset` (a direct scan; for checks and small use). */
  count(itemset: readonly Item[]): number {
    const ids = Int32Array.from(new Set(itemset.map((l) => this.id(l)))).sort();
    let n = 0;
    for (let t = 0; t < this.nTransactions; t++) {
      const a = this.offsets[t]!, b = this.offsets[t + 1]!;
      let k = a, j = 0;
      while (k < b && j < ids.length) {
        const v = this.items[k]!;
        if (v === ids[j]) { j++; k++; } else if (v < ids[j]!) k++; else break;
      }
      if (j === ids.length) n++;
    }
    return n;
  }

  /**
   * Build from arrays of labels (one array per transaction). Duplicates inside a transaction are
   * dropped; empty transactions are kept.
   */
  static fromArrays(transactions: readonly (readonly Item[])[], owner = 'TransactionDB'): TransactionDB {
    if (!Array.isArray(transactions)) throw new DataError('transactions', 'an array of transactions (arrays of item labels)', describe(transactions), owner);
    if (transactions.length === 0) throw new DataError('transactions', 'at least one transaction', 'an empty array', owner);
    const first = new Map<Item, number>();
    const seen: Item[] = [];
    let total = 0;
    for (let t = 0; t < transactions.length; t++) {
      const tr = transactions[t];
      if (!Array.isArray(tr)) throw new DataError('transactions', 'an array of item labels per transaction', `${describe(tr)} at transaction ${t}`, owner);
      for (let k = 0; k < tr.length; k++) {
        const v = tr[k];
        if (!first.has(v)) {
          checkItem(v, owner, `transaction ${t}, position ${k}`);
          first.set(v, seen.length);
          seen.push(v);
        }
      }
      total += tr.length;
    }
    const order = seen.map((_, i) => i).sort((a, b) => compareItems(seen[a]!, seen[b]!));
    const remap = new Int32Array(seen.length);
    order.forEach((old, id) => (remap[old] = id));
    for (const [k, v] of first) first.set(k, remap[v]!);
    const labels = order.map((i) => seen[i]!);
    const offsets = new Int32Array(transactions.length + 1);
    const items = new Int32Array(total);
    let n = 0;
    for (let t = 0; t < transactions.length; t++) {
      const tr = transactions[t]!;
      const start = n;
      for (let k = 0; k < tr.length; k++) items[n++] = first.get(tr[k]!)!;
      n = start + sortUnique(items, start, n);
      offsets[t + 1] = n;
    }
    return TransactionDB.unchecked(labels, offsets, items.slice(0, n));
  }

  /**
   * Build from a one-hot matrix (rows = transactions, 1 = item present, 0 = absent; anything else
   * is a DataError). `columns` gives the item label of each column (default: the column index).
   */
  static fromOneHot(X: Matrix, columns?: readonly Item[], owner = 'TransactionDB'): TransactionDB {
    const cols = columns ?? Array.from({ length: X.cols }, (_, j) => j);
    if (cols.length !== X.cols) throw new DataError('columns', `${X.cols} labels (one per column)`, `${cols.length} labels`, owner);
    if (X.rows === 0) throw new DataError('X', 'at least one transaction (row)', '0 rows', owner);
    const tx: Item[][] = [];
    for (let i = 0; i < X.rows; i++) {
      const r = X.row(i);
      const t: Item[] = [];
      for (let j = 0; j < r.length; j++) {
        const v = r[j]!;
        if (v === 1) t.push(cols[j]!);
        else if (v !== 0) throw new DataError('X', 'a one-hot matrix of 0 and 1', `${describe(v)} at row ${i}, column ${j}`, owner);
      }
      tx.push(t);
    }
    return TransactionDB.fromArrays(tx, owner);
  }

  /**
   * Build from a {@link Table}: a categorical column `c` with value `v` becomes item `c=v`
   * (missing cells give no item), a boolean column gives item `c` when true, a numeric column gives
   * one item per bin (`c<e1`, `c=[e1,e2)`, ..., `c>=ek`) with the edges of `opts.bins` or, when
   * none are given, of a `KBinsDiscretizer` (`opts.nBins`, `opts.strategy`, default 5 quantile bins).
   *
   * @example
   * const t = Table.fromColumns({ color: ['red', 'blue', 'red', 'red'], size: [1, 2, 3, 4] });
   * TransactionDB.fromTable(t, { nBins: 2 }).transactionLabels(0); // ['color=red', 'size<2.5']
   */
  static fromTable(table: Table, opts: FromTableOptions = {}, owner = 'TransactionDB'): TransactionDB {
    const sep = opts.separator ?? '=';
    const nBins = opts.nBins ?? 5;
    if (typeof nBins !== 'number' || !Number.isInteger(nBins) || nBins < 2) throw new InvalidParameterError('nBins', 'an integer >= 2', nBins, owner);
    const strategy = opts.strategy ?? 'quantile';
    if (strategy !== 'quantile' && strategy !== 'uniform' && strategy !== 'kmeans') throw new InvalidParameterError('strategy', "'quantile', 'uniform' or 'kmeans'", strategy, owner);
    const names = opts.columns ?? table.names;
    const n = table.nRows;
    if (n === 0) throw new DataError('table', 'at least one row', '0 rows', owner);
    const tx: Item[][] = Array.from({ length: n }, () => []);
    for (const name of names) {
      const c = table.column(name);
      if (c.kind === 'categorical') {
        const lab = c.labels.map((l) => `${name}${sep}${l}`);
        for (let i = 0; i < n; i++) if (c.codes[i]! >= 0) tx[i]!.push(lab[c.codes[i]!]!);
      } else if (c.kind === 'boolean') {
        for (let i = 0; i < n; i++) if (c.values[i] === 1) tx[i]!.push(name);
      } else {
        const edges = opts.bins?.[name] ?? autoEdges(c.values, nBins, strategy);
        for (let k = 0; k < edges.length; k++) {
          if (!Number.isFinite(edges[k]) || (k > 0 && !(edges[k]! > edges[k - 1]!))) throw new InvalidParameterError(`bins.${name}`, 'finite, strictly increasing edges', edges, owner);
        }
        const lab: string[] = [];
        if (edges.length === 0) lab.push(`${name}${sep}*`);
        else {
          lab.push(`${name}<${edges[0]}`);
          for (let k = 1; k < edges.length; k++) lab.push(`${name}${sep}[${edges[k - 1]},${edges[k]})`);
          lab.push(`${name}>=${edges[edges.length - 1]}`);
        }
        for (let i = 0; i < n; i++) {
          const v = c.values[i]!;
          if (Number.isNaN(v)) continue;
          let lo = 0, hi = edges.length; // first edge > v
          while (lo < hi) { const mid = (lo + hi) >> 1; if (edges[mid]! <= v) lo = mid + 1; else hi = mid; }
          tx[i]!.push(lab[lo]!);
        }
      }
    }
    return TransactionDB.fromArrays(tx, owner);
  }
}

/**
 * Inner bin edges of a KBinsDiscretizer fitted on the non-missing values of a column (none for a
 * constant or all-missing column: one item `col=*` / no item).
 */
function autoEdges(values: Float64Array, nBins: number, strategy: 'quantile' | 'uniform' | 'kmeans'): number[] {
  const present = values.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return [];
  const kb = new KBinsDiscretizer({ nBins, strategy, encode: 'ordinal' }).fit(new Matrix(Float64Array.from(present), present.length, 1));
  const e = kb.binEdges[0]!;
  return Array.from(e.subarray(1, e.length - 1));
}

/** Sort `a[start..end)` ascending and remove duplicates in place; returns the new length. */
export function sortUnique(a: Int32Array, start: number, end: number): number {
  if (end - start > 32) a.subarray(start, end).sort();
  else {
    // insertion sort: most transactions are short
    for (let i = start + 1; i < end; i++) {
      const v = a[i]!;
      let j = i - 1;
      while (j >= start && a[j]! > v) { a[j + 1] = a[j]!; j--; }
      a[j + 1] = v;
    }
  }
  let w = start;
  for (let i = start; i < end; i++) if (i === start || a[i] !== a[w - 1]) a[w++] = a[i]!;
  return w - start;
}

/** Coerce any accepted input to a TransactionDB. */
export function toTransactionDB(data: TransactionsLike, owner: string): TransactionDB {
  if (data instanceof TransactionDB) return data;
  if (data instanceof Table) return TransactionDB.fromTable(data, {}, owner);
  if (data instanceof Matrix) return TransactionDB.fromOneHot(data, undefined, owner);
  return TransactionDB.fromArrays(data as readonly (readonly Item[])[], owner);
}

/** Options shared by the miners for the support threshold. */
export interface SupportOptions {
  /** Minimum support as a fraction of all transactions, in (0, 1] (mlxtend's `min_support`; default 0.5). */
  minSupport?: number;
  /** Minimum support as an absolute transaction count (integer >= 1); overrides `minSupport`. */
  minCount?: number;
}

/**
 * The smallest count c with `c / n >= minSupport` in floating point (exactly mlxtend's test), or
 * `minCount` when given.
 */
export function resolveMinCount(opts: SupportOptions, n: number, owner: string): number {
  if (opts.minCount !== undefined && opts.minCount !== null) {
    const c = opts.minCount;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) throw new InvalidParameterError('minCount', 'an integer >= 1', c, owner);
    if (opts.minSupport !== undefined) throw new InvalidParameterError('minSupport', 'undefined when minCount is given', opts.minSupport, owner);
    return c;
  }
  const s = opts.minSupport ?? 0.5;
  if (typeof s !== 'number' || !(s > 0 && s <= 1)) throw new InvalidParameterError('minSupport', 'a fraction in (0, 1] (use minCount for an absolute count)', s, owner);
  let c = Math.max(1, Math.ceil(s * n));
  while (c > 1 && (c - 1) / n >= s) c--;
  while (c / n < s) c++;
  return c;
}

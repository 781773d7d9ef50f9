import { DataError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { TransactionDB, type Item } from './transactions.js';

const schema = {};

export interface TransactionEncoderState {
  /** Item labels, one per output column, in {@link compareItems} order. */
  columns: Item[];
}

/**
 * Transactions (arrays of item labels) <-> one-hot matrix (mlxtend's `TransactionEncoder`).
 * Columns are the distinct items seen in `fit`, sorted (numbers first, then strings). Duplicate
 * items in a transaction give a single 1; items not seen in `fit` are a DataError in `transform`.
 *
 * @example
 * const te = new TransactionEncoder().fit([['milk', 'bread'], ['bread', 'eggs']]);
 * te.columns;                        // ['bread', 'eggs', 'milk']
 * te.transform([['eggs', 'milk']]);  // Matrix [[0, 1, 1]]
 * te.inverseTransform([[1, 0, 1]]);  // [['bread', 'milk']]
 */
export class TransactionEncoder extends Estimator<typeof schema, TransactionEncoderState> {
  static override readonly kind = 'TransactionEncoder';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: false };
  private index: Map<Item, number> | null = null;

  constructor(params: Partial<Record<string, never>> = {}) {
    super(params);
  }

  fit(transactions: readonly (readonly Item[])[]): this {
    const db = TransactionDB.fromArrays(transactions, this.kind);
    this._state = { columns: [...db.labels] };
    this.index = null;
    return this;
  }

  /** Item label of each column. */
  get columns(): Item[] {
    return [...this.fitted.columns];
  }

  private lookup(): Map<Item, number> {
    if (!this.index) this.index = new Map(this.fitted.columns.map((c, j) => [c, j]));
    return this.index;
  }

  /** One row per transaction, 1 where the item is present. */
  transform(transactions: readonly (readonly Item[])[]): Matrix {
    const cols = this.fitted.columns;
    const idx = this.lookup();
    if (!Array.isArray(transactions)) throw new DataError('transactions', 'an array of transactions (arrays of item labels)', typeof transactions, this.kind);
    const out = Matrix.zeros(transactions.length, cols.length);
    for (let i = 0; i < transactions.length; i++) {
      const t = transactions[i];
      if (!Array.isArray(t)) throw new DataError('transactions', 'an array of item labels per transaction', `${typeof t} at transaction ${i}`, this.kind);
      const row = out.row(i);
      for (const v of t) {
        const j = idx.get(v);
        if (j === undefined) throw new DataError('transactions', 'items seen in fit', `unknown item ${JSON.stringify(v)} in transaction ${i}`, this.kind);
        row[j] = 1;
      }
    }
    return out;
  }

  fitTransform(transactions: readonly (readonly Item[])[]): Matrix {
    return this.fit(transactions).transform(transactions);
  }

  /** Back to arrays of labels (columns with a 1, in column order); entries other than 0/1 are a DataError. */
  inverseTransform(X: Matrix | readonly (readonly number[])[]): Item[][] {
    const cols = this.fitted.columns;
    const rows = X instanceof Matrix ? X.rows : X.length;
    const out: Item[][] = [];
    for (let i = 0; i < rows; i++) {
      const r: ArrayLike<number> = X instanceof Matrix ? X.row(i) : (X as readonly (readonly number[])[])[i]!;
      if (r.length !== cols.length) throw new DataError('X', `rows of ${cols.length} columns`, `${r.length} at row ${i}`, this.kind);
      const t: Item[] = [];
      for (let j = 0; j < r.length; j++) {
        if (r[j] === 1) t.push(cols[j]!);
        else if (r[j] !== 0) throw new DataError('X', 'a one-hot matrix of 0 and 1', `${r[j]} at row ${i}, column ${j}`, this.kind);
      }
      out.push(t);
    }
    return out;
  }
}
registerEstimator(TransactionEncoder);

import { DataError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Table } from '../core/table.js';

/** Result of `toMatrix`: numeric features, the target (numbers, or labels for categorical targets) and names. */
export interface XY {
  X: Matrix;
  y: Float64Array | string[] | null;
  featureNames: string[];
}

/**
 * Split a Table into a numeric feature Matrix and a target. `columns` defaults to every
 * non-target column; categorical feature columns are rejected (encode them first), a categorical
 * target becomes string labels (missing -> error).
 */
export function toMatrix(table: Table, opts: { columns?: string[]; target?: string | null } = {}): XY {
  const target = opts.target ?? null;
  if (target !== null) table.column(target);
  const featureNames = opts.columns ?? table.names.filter((n) => n !== target);
  const X = table.toMatrix(featureNames);
  let y: Float64Array | string[] | null = null;
  if (target !== null) {
    const c = table.column(target);
    if (c.kind === 'categorical') {
      y = Array.from(c.codes, (k, i) => {
        if (k < 0) throw new DataError('target', 'a column without missing values', `missing value at row ${i} of ${JSON.stringify(target)}`, 'toMatrix');
        return c.labels[k]!;
      });
    } else {
      y = c.values.slice();
      const bad = y.findIndex((v) => Number.isNaN(v));
      if (bad >= 0) throw new DataError('target', 'a column without missing values', `missing value at row ${bad} of ${JSON.stringify(target)}`, 'toMatrix');
    }
  }
  return { X, y, featureNames };
}

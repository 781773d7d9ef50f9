import { DataError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { Table, encodeCategorical, type Column } from '../core/table.js';
import type { MatrixLike } from '../core/validation.js';
import { checkColumnKind, checkMixed, colName, featureNamesIn, pairwiseSum, type Mixed, type MixedColumn, type MixedLike } from '../preprocessing/_base.js';
import { median } from '../preprocessing/scalers.js';

/** A cell of mixed (numeric + string) rows; null is missing. */
export type Cell = number | string | null;

const schema = {
  strategy: p.oneOf(['mean', 'median', 'most_frequent', 'constant'] as const, 'mean', 'Statistic used for each column.'),
  fillValue: p.custom<number | string | null>(null, 'null, a number or a string', (v) => v === null || typeof v === 'number' || typeof v === 'string', "Value for strategy 'constant' (null: 0 for numeric columns, 'missing_value' for string columns)."),
  addIndicator: p.bool(false, 'Append a 0/1 column per feature that had missing values at fit (MissingIndicator).'),
  keepEmptyFeatures: p.bool(false, 'Keep columns with no observed value at fit (imputed with 0) instead of dropping them.'),
};
export type SimpleImputerParams = ParamsOf<typeof schema>;
export interface SimpleImputerState {
  kinds: ('num' | 'str')[];
  /** per column: the fill value (NaN / null for a column without observed values) */
  statistics: Cell[];
  /** columns kept in the output (not empty, or keepEmptyFeatures/constant) */
  valid: Int32Array;
  /** columns that had missing values at fit (indicator columns) */
  indicatorFeatures: Int32Array;
  nFeatures: number;
  featureNamesIn: string[] | null;
}

/** Shared by the imputers: mask of missing cells in a mixed column. */
export function missingOf(c: MixedColumn, i: number): boolean {
  return c.kind === 'num' ? c.values[i] !== c.values[i] : c.codes[i]! < 0;
}

/**
 * Replace missing values by a per-column statistic (scikit-learn 1.2's SimpleImputer).
 *
 * - numeric columns: `mean` (numpy's masked mean), `median` (masked median), `most_frequent`
 *   (smallest value among ties, like `scipy.stats.mode`), `constant` (`fillValue`, default 0);
 * - string columns (rows of strings or Table categorical columns): `most_frequent` (smallest string
 *   among ties, as scikit-learn's Counter rule) or `constant` (default `'missing_value'`); `mean` /
 *   `median` on a string column is a DataError naming the column.
 *
 * Columns without any observed value are dropped from the output, as in scikit-learn 1.2, unless
 * `keepEmptyFeatures` (then filled with 0) or strategy 'constant'. `addIndicator` appends one 0/1
 * column per feature that had missing values at fit. The output has the input's form: a Matrix
 * for numeric input, a Table for a Table, rows for rows containing strings.
 *
 * @example
 * new SimpleImputer({ strategy: 'median' }).fitTransform([[1, NaN], [3, 4], [NaN, 6]]).toArray(); // [[1, 5], [3, 4], [2, 6]]
 */
export class SimpleImputer extends Estimator<typeof schema, SimpleImputerState> {
  static override readonly kind = 'SimpleImputer';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<SimpleImputerParams> = {}) {
    super(params);
  }

  fit(X: MixedLike): this {
    const m = checkMixed(X, { owner: this.kind });
    const { strategy, fillValue, keepEmptyFeatures } = this.params;
    const statistics: Cell[] = [];
    const valid: number[] = [];
    const indicator: number[] = [];
    for (let j = 0; j < m.cols; j++) {
      const c = m.columns[j]!;
      let nObs = 0;
      for (let i = 0; i < m.rows; i++) if (!missingOf(c, i)) nObs++;
      if (nObs < m.rows) indicator.push(j);
      let stat: Cell;
      if (strategy === 'constant') {
        const fv = fillValue ?? (c.kind === 'num' ? 0 : 'missing_value');
        if (c.kind === 'num' && typeof fv !== 'number') throw new DataError('fillValue', `a number for numeric column ${colName(j, m.names)}`, JSON.stringify(fv), this.kind);
        stat = c.kind === 'str' ? String(fv) : fv;
      } else if (nObs === 0) {
        stat = keepEmptyFeatures ? (c.kind === 'num' ? 0 : 0) : c.kind === 'num' ? NaN : null;
      } else if (c.kind === 'str') {
        if (strategy !== 'most_frequent') throw new DataError('X', `numeric values in column ${colName(j, m.names)} for strategy '${strategy}' (use 'most_frequent' or 'constant' for strings)`, `string ${JSON.stringify(c.labels[0])}`, this.kind);
        stat = mostFrequentStr(c);
      } else if (strategy === 'mean') stat = maskedMean(c.values, m.cols);
      else if (strategy === 'median') {
        const v = c.values.filter((x) => x === x).sort();
        stat = median(v);
      } else stat = mostFrequentNum(c.values);
      statistics.push(stat);
      const empty = stat === null || (typeof stat === 'number' && Number.isNaN(stat));
      if (!empty || strategy === 'constant') valid.push(j);
    }
    this._state = { kinds: m.columns.map((c) => c.kind), statistics, valid: Int32Array.from(valid), indicatorFeatures: Int32Array.from(indicator), nFeatures: m.cols, featureNamesIn: m.names };
    return this;
  }

  /** Fill value of each input column (scikit-learn's `statistics_`). */
  get statistics(): Cell[] { return this.fitted.statistics; }

  transform(X: Table): Table;
  transform(X: MatrixLike): Matrix;
  transform(X: MixedLike): Matrix | Cell[][];
  transform(X: MixedLike): Matrix | Table | Cell[][] {
    const s = this.fitted;
    const m = checkMixed(X, { owner: this.kind, nFeatures: s.nFeatures });
    m.columns.forEach((c, j) => checkColumnKind(c, s.kinds[j]!, j, s.featureNamesIn ?? m.names, this.kind));
    return assemble(X, m, s.valid, s.indicatorFeatures, (j, c) => fillColumn(c, s.statistics[j]!), this.getFeatureNamesOut(), this.params.addIndicator);
  }

  fitTransform(X: Table): Table;
  fitTransform(X: MatrixLike): Matrix;
  fitTransform(X: MixedLike): Matrix | Cell[][];
  fitTransform(X: MixedLike): Matrix | Table | Cell[][] {
    return this.fit(X).transform(X as MixedLike);
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const names = featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
    const out = Array.from(s.valid, (j) => names[j]!);
    if (this.params.addIndicator) for (const j of s.indicatorFeatures) out.push(`missingindicator_${names[j]}`);
    return out;
  }
}
registerEstimator(SimpleImputer);

/** numpy masked mean along axis 0: sequential column sums for 2-D input, pairwise for one column. */
function maskedMean(v: Float64Array, nCols: number): number {
  let s = 0, c = 0;
  if (nCols === 1) {
    const filled = v.map((x) => (x === x ? x : 0));
    s = pairwiseSum(filled);
    for (let i = 0; i < v.length; i++) if (v[i] === v[i]) c++;
  } else {
    for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x === x) { s += x; c++; } }
  }
  return (s * 1) / c;
}

function mostFrequentNum(v: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x === x) counts.set(x, (counts.get(x) ?? 0) + 1); }
  let best = NaN, bc = 0;
  for (const [x, c] of counts) if (c > bc || (c === bc && x < best)) { best = x; bc = c; }
  return best;
}

function mostFrequentStr(c: { codes: Int32Array; labels: string[] }): string {
  const per = new Float64Array(c.labels.length);
  for (let i = 0; i < c.codes.length; i++) if (c.codes[i]! >= 0) per[c.codes[i]!]!++;
  const counts = new Map<string, number>();
  c.labels.forEach((l, k) => counts.set(l, (counts.get(l) ?? 0) + per[k]!));
  let best: string | null = null, bc = 0;
  for (const [x, n] of counts) if (n > bc || (n === bc && best !== null && x < best)) { best = x; bc = n; }
  return best!;
}

/** A column with missing cells replaced by `stat`. */
function fillColumn(c: MixedColumn, stat: Cell): MixedColumn {
  if (c.kind === 'num') {
    const f = typeof stat === 'number' ? stat : 0;
    return { kind: 'num', values: c.values.map((x) => (x === x ? x : f)) };
  }
  if (typeof stat === 'number') {
    // keepEmptyFeatures on a string column: scikit-learn fills 0; keep the column as strings '0'
    stat = String(stat);
  }
  let k = c.labels.indexOf(stat as string);
  const labels = [...c.labels];
  if (k < 0) { k = labels.length; labels.push(stat as string); }
  return { kind: 'str', codes: c.codes.map((x) => (x < 0 ? k : x)), labels };
}

/**
 * Output in the input's form: kept columns (imputed by `fill`) then indicator columns.
 * Numeric-only non-Table input gives a Matrix; a Table gives a Table; rows with strings give rows.
 */
export function assemble(X: MixedLike, m: Mixed, valid: Int32Array, indicatorFeatures: Int32Array, fill: (j: number, c: MixedColumn) => MixedColumn, namesOut: string[], addIndicator: boolean): Matrix | Table | Cell[][] {
  const cols: MixedColumn[] = Array.from(valid, (j) => fill(j, m.columns[j]!));
  if (addIndicator) {
    for (const j of indicatorFeatures) {
      const c = m.columns[j]!;
      const v = new Float64Array(m.rows);
      for (let i = 0; i < m.rows; i++) v[i] = missingOf(c, i) ? 1 : 0;
      cols.push({ kind: 'num', values: v });
    }
  }
  const n = m.rows;
  if (X instanceof Table) {
    return new Table(cols.map((c, k): Column => (c.kind === 'num' ? { kind: 'numeric', name: namesOut[k]!, values: c.values } : encodeCategorical(namesOut[k]!, Array.from(c.codes, (x) => (x < 0 ? null : c.labels[x]!))))));
  }
  const W = cols.length;
  if (cols.every((c) => c.kind === 'num')) {
    const out = new Float64Array(n * W);
    cols.forEach((c, k) => { const v = (c as { values: Float64Array }).values; for (let i = 0; i < n; i++) out[i * W + k] = v[i]!; });
    return new Matrix(out, n, W);
  }
  const rows: Cell[][] = Array.from({ length: n }, () => new Array<Cell>(W));
  cols.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      if (c.kind === 'num') rows[i]![k] = c.values[i]!;
      else { const x = c.codes[i]!; rows[i]![k] = x < 0 ? null : c.labels[x]!; }
    }
  });
  return rows;
}

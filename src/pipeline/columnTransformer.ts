import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { Table } from '../core/table.js';
import { checkArray } from '../core/validation.js';
import { isEstimatorLike, nameEstimators, reviveEstimator, type AnyEstimator } from './pipeline.js';

/** Columns of one transformer: names (Table input) or 0-based indices. */
export type ColumnSelector = readonly string[] | readonly number[];
/** `[name, transformer | 'drop' | 'passthrough', columns]` */
export type TransformerSpec = [name: string, transformer: AnyEstimator | 'drop' | 'passthrough', columns: ColumnSelector];

function checkTransformers(v: unknown): boolean {
  return Array.isArray(v) && v.every((t) => Array.isArray(t) && t.length === 3 && typeof t[0] === 'string'
    && (t[1] === 'drop' || t[1] === 'passthrough' || isEstimatorLike(t[1]))
    && Array.isArray(t[2]) && (t[2].every((c: unknown) => typeof c === 'string') || t[2].every((c: unknown) => typeof c === 'number' && Number.isInteger(c))));
}

const schema = {
  transformers: p.steps<TransformerSpec[]>([], 'an array of [name, transformer | "drop" | "passthrough", column names or indices] triples', checkTransformers),
  // a nested estimator when it is one ('drop' / 'passthrough' otherwise): routed by remainder__param, cloned by clone()
  remainder: { ...p.custom<'drop' | 'passthrough' | AnyEstimator>('drop', "'drop', 'passthrough' or a transformer", (v) => v === 'drop' || v === 'passthrough' || isEstimatorLike(v), 'What happens to the columns no transformer names.'), nested: 'estimator' as const },
  verboseFeatureNamesOut: p.bool(true, 'Prefix output names with the transformer name (`name__feature`).'),
};
export type ColumnTransformerParams = ParamsOf<typeof schema>;

interface FittedPart {
  name: string;
  /** fitted transformer or 'passthrough' */
  est: AnyEstimator | 'passthrough';
  cols: Int32Array;
  width: number;
}
export interface ColumnTransformerState {
  parts: FittedPart[];
  nFeaturesIn: number;
  /** column names seen in fit (Table input), else null */
  featureNamesIn: string[] | null;
}

function widthAndNames(X: unknown, owner: string): [number, string[] | null] {
  if (X instanceof Table) return [X.nCols, X.names];
  if (X instanceof Matrix) return [X.cols, null];
  if (Array.isArray(X)) {
    if (X.length === 0) throw new ShapeError('X', 'at least one sample', '0 rows', owner);
    const d = (X[0] as unknown[])?.length;
    if (typeof d !== 'number') throw new ShapeError('X', 'a 2-D array', '1-D array', owner);
    X.forEach((r: unknown[], i) => { if (!Array.isArray(r) || r.length !== d) throw new ShapeError('X', `rows of equal length ${d}`, `row ${i} of length ${(r as unknown[])?.length}`, owner); });
    return [d, null];
  }
  const m = checkArray(X as never, { owner, allowNaN: true });
  return [m.cols, null];
}

function selectColumns(X: unknown, cols: Int32Array, owner: string): unknown {
  if (X instanceof Table) return X.select(Array.from(cols, (j) => X.names[j]!));
  if (X instanceof Matrix) return X.takeCols(cols);
  if (Array.isArray(X)) {
    const numeric = X.every((r: unknown[]) => r.every((v) => typeof v === 'number' || v === null || v === undefined));
    if (numeric) return checkArray(X as number[][], { owner, allowNaN: true }).takeCols(cols);
    return X.map((r: unknown[]) => Array.from(cols, (j) => r[j]));
  }
  return checkArray(X as never, { owner, allowNaN: true }).takeCols(cols);
}

function toMatrix(out: unknown, name: string, owner: string): Matrix {
  if (out instanceof Matrix) return out;
  if (out instanceof Table) return out.toMatrix();
  if (Array.isArray(out)) return Matrix.fromRows(out as number[][]);
  throw new DataError(name, 'a transformer output that is a Matrix or 2-D number array', out, owner);
}

/**
 * Apply different transformers to different columns and concatenate the results side by side
 * (scikit-learn's ColumnTransformer). Columns are chosen by name (Table input) or index;
 * `remainder` handles the columns no transformer names ('drop' by default). Output names are
 * `name__feature` (scikit-learn's verbose feature names).
 *
 * @example
 * const ct = new ColumnTransformer([
 *   ['num', new StandardScaler(), ['age', 'income']],
 *   ['cat', new OneHotEncoder(), ['city']],
 * ], { remainder: 'passthrough' });
 * const Z = ct.fitTransform(table);
 * ct.getFeatureNamesOut(); // ['num__age', 'num__income', 'cat__city_Paris', ..., 'remainder__x']
 */
export class ColumnTransformer extends Estimator<typeof schema, ColumnTransformerState> {
  static override readonly kind = 'ColumnTransformer';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params?: Partial<ColumnTransformerParams> | TransformerSpec[], opts: Partial<Omit<ColumnTransformerParams, 'transformers'>> = {}) {
    const given: Record<string, unknown> = Array.isArray(params) ? { ...opts, transformers: params } : { ...(params ?? {}) };
    if (Array.isArray(given.transformers)) given.transformers = (given.transformers as unknown[][]).map((t) => (Array.isArray(t) ? [t[0], reviveEstimator(t[1]), t[2]] : t));
    if (given.remainder !== undefined) given.remainder = reviveEstimator(given.remainder);
    super(given as Partial<ColumnTransformerParams>);
  }

  /** Unique transformer names, none 'remainder' or containing '__' (checked on construction and setParams). */
  protected override checkParams(params: Readonly<ColumnTransformerParams>): void {
    const seen = new Set<string>();
    for (const [name] of params.transformers) {
      if (seen.has(name) || name === 'remainder') throw new InvalidParameterError('transformers', "unique names other than 'remainder'", JSON.stringify(name), this.kind);
      if (name.includes('__')) throw new InvalidParameterError('transformers', "names without '__'", name, this.kind);
      seen.add(name);
    }
  }

  private resolveColumns(sel: ColumnSelector, d: number, names: string[] | null, tname: string): Int32Array {
    return Int32Array.from(sel as readonly (string | number)[], (c) => {
      if (typeof c === 'number') {
        if (c < -d || c >= d) throw new DataError('columns', `column indices in [0, ${d}) for transformer ${JSON.stringify(tname)}`, c, this.kind);
        return c < 0 ? d + c : c;
      }
      if (!names) throw new DataError('columns', `column indices (X has no column names; pass a Table to select by name) for transformer ${JSON.stringify(tname)}`, JSON.stringify(c), this.kind);
      const j = names.indexOf(c);
      if (j < 0) throw new DataError('columns', `names of columns of X (one of ${names.join(', ')}) for transformer ${JSON.stringify(tname)}`, JSON.stringify(c), this.kind);
      return j;
    });
  }

  fit(X: unknown, y?: unknown): this {
    this.fitTransform(X, y);
    return this;
  }

  /** Fit every transformer on its columns and return the concatenated outputs. */
  fitTransform(X: unknown, y?: unknown): Matrix {
    const [d, names] = widthAndNames(X, this.kind);
    if (!(X instanceof Table)) checkFiniteOrNaN(X, this.kind);
    const used = new Uint8Array(d);
    const parts: FittedPart[] = [];
    const outs: Matrix[] = [];
    const fitPart = (name: string, t: AnyEstimator | 'drop' | 'passthrough', cols: Int32Array) => {
      if (t === 'drop' || cols.length === 0) return;
      const sub = selectColumns(X, cols, this.kind);
      let out: Matrix;
      let est: AnyEstimator | 'passthrough';
      if (t === 'passthrough') { est = 'passthrough'; out = toMatrix(sub instanceof Table ? sub.toMatrix() : sub, name, this.kind); }
      else {
        const c = t.clone();
        out = toMatrix(typeof c.fitTransform === 'function' ? c.fitTransform(sub, y) : c.fit(sub, y).transform(sub), name, this.kind);
        est = c;
      }
      if (out.rows !== nRows(X, this.kind)) throw new ShapeError(name, 'as many output rows as input rows', `${out.rows} rows`, this.kind);
      parts.push({ name, est, cols, width: out.cols });
      outs.push(out);
    };
    for (const [name, t, sel] of this.params.transformers) {
      const cols = this.resolveColumns(sel, d, names, name);
      for (const j of cols) used[j] = 1;
      fitPart(name, t, cols);
    }
    const rest: number[] = [];
    for (let j = 0; j < d; j++) if (!used[j]) rest.push(j);
    fitPart('remainder', this.params.remainder, Int32Array.from(rest));
    this._state = { parts, nFeaturesIn: d, featureNamesIn: names };
    return hstack(outs, X);
  }

  transform(X: unknown): Matrix {
    const s = this.fitted;
    const [d, names] = widthAndNames(X, this.kind);
    if (!(X instanceof Table)) checkFiniteOrNaN(X, this.kind);
    let src = X;
    if (s.featureNamesIn) {
      // fitted on a Table: select by name, so column order may differ; every fitted column must be present
      if (!(X instanceof Table)) {
        if (d !== s.nFeaturesIn) throw new ShapeError('X', `${s.nFeaturesIn} features, as seen in fit`, `${d} features`, this.kind);
      } else {
        for (const n of s.featureNamesIn) if (!names!.includes(n)) throw new DataError('X', `a column named ${JSON.stringify(n)} (seen in fit)`, `columns [${names!.join(', ')}]`, this.kind);
        src = X.select(s.featureNamesIn);
      }
    } else if (d !== s.nFeaturesIn) {
      throw new ShapeError('X', `${s.nFeaturesIn} features, as seen in fit`, `${d} features`, this.kind);
    }
    const outs = s.parts.map((part) => {
      const sub = selectColumns(src, part.cols, this.kind);
      const out = part.est === 'passthrough' ? toMatrix(sub instanceof Table ? sub.toMatrix() : sub, part.name, this.kind) : toMatrix(part.est.transform(sub), part.name, this.kind);
      if (out.cols !== part.width) throw new ShapeError(part.name, `${part.width} output columns, as in fit`, `${out.cols}`, this.kind);
      return out;
    });
    return hstack(outs, X);
  }

  /** Fitted transformers by name ('passthrough' for passthrough parts; 'remainder' when it has columns). */
  get namedTransformers(): Record<string, AnyEstimator | 'passthrough'> {
    return Object.fromEntries(this.fitted.parts.map((p) => [p.name, p.est]));
  }

  /** Output column names: `name__feature` (or just `feature` when verboseFeatureNamesOut is false). */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    let names: string[];
    if (inputFeatures) {
      if (inputFeatures.length !== s.nFeaturesIn) throw new ShapeError('inputFeatures', `${s.nFeaturesIn} names`, `${inputFeatures.length} names`, this.kind);
      names = inputFeatures;
    } else names = s.featureNamesIn ?? Array.from({ length: s.nFeaturesIn }, (_, j) => `x${j}`);
    const out: string[] = [];
    for (const part of s.parts) {
      const inNames = Array.from(part.cols, (j) => names[j]!);
      let fn: string[];
      if (part.est === 'passthrough') fn = inNames;
      else {
        if (typeof part.est.getFeatureNamesOut !== 'function') throw new InvalidParameterError('transformers', 'transformers with getFeatureNamesOut()', `${part.name} (${part.est.kind})`, this.kind);
        fn = part.est.getFeatureNamesOut(inNames);
      }
      out.push(...(this.params.verboseFeatureNamesOut ? fn.map((f) => `${part.name}__${f}`) : fn));
    }
    if (!this.params.verboseFeatureNamesOut && new Set(out).size !== out.length) {
      throw new DataError('verboseFeatureNamesOut', 'true, or output names that are unique without prefixes', `duplicates in [${out.join(', ')}]`, this.kind);
    }
    return out;
  }

  protected override encodeState(s: ColumnTransformerState): unknown {
    return { ...s, parts: s.parts.map((p) => ({ ...p, cols: Array.from(p.cols), est: p.est === 'passthrough' ? p.est : p.est.toJSON() })) };
  }
  protected override decodeState(json: unknown): ColumnTransformerState {
    const o = json as ColumnTransformerState & { parts: { name: string; est: unknown; cols: number[]; width: number }[] };
    return { ...o, parts: o.parts.map((p) => ({ ...p, cols: Int32Array.from(p.cols), est: reviveEstimator(p.est) as AnyEstimator | 'passthrough' })) };
  }
}
registerEstimator(ColumnTransformer);

function checkFiniteOrNaN(X: unknown, owner: string): void {
  if (X instanceof Matrix || (Array.isArray(X) && X.every((r: unknown[]) => r.every((v) => typeof v === 'number' || v == null)))) checkArray(X as never, { owner, allowNaN: true });
}

function nRows(X: unknown, owner: string): number {
  return X instanceof Table ? X.nRows : X instanceof Matrix ? X.rows : Array.isArray(X) ? X.length : checkArray(X as never, { owner, allowNaN: true }).rows;
}

function hstack(outs: Matrix[], X: unknown): Matrix {
  const n = nRows(X, 'ColumnTransformer');
  const w = outs.reduce((a, m) => a + m.cols, 0);
  const out = new Float64Array(n * w);
  let off = 0;
  for (const m of outs) {
    for (let i = 0; i < n; i++) out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * w + off);
    off += m.cols;
  }
  return new Matrix(out, n, w);
}

/**
 * A ColumnTransformer with transformers named after their kinds (scikit-learn's `make_column_transformer`).
 *
 * @example
 * const ct = makeColumnTransformer([new StandardScaler(), ['age']], [new OneHotEncoder(), ['city']]);
 */
export function makeColumnTransformer(...specs: [AnyEstimator | 'drop' | 'passthrough', ColumnSelector][]): ColumnTransformer {
  const named = nameEstimators(specs.map(([t]) => t));
  return new ColumnTransformer(named.map(([n, t], i) => [n, t, specs[i]![1]] as TransformerSpec));
}

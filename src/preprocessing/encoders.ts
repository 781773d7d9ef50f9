import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, checkLabels, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { catLabel, checkColumnKind, checkMixed, colName, featureNamesIn, isMissing, sortCategories, type Mixed, type MixedColumn, type MixedLike } from './_base.js';

/** A category value: a number (NaN = missing) or a string (null = missing). */
export type Category = number | string | null;

const TRANSFORMER: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

const categoriesSpec = p.custom<'auto' | Category[][]>('auto', "'auto' or one array of categories per column", (v) => v === 'auto' || (Array.isArray(v) && v.every((c) => Array.isArray(c) && c.length > 0 && c.every((x) => x === null || typeof x === 'number' || typeof x === 'string'))), 'Categories per feature: learned from the data (sorted as np.unique) or given.');

/** Output columns per feature of a one-hot encoding: categories, minus a dropped one, with infrequent ones merged into one. */
function outputWidths(cats: readonly (readonly Category[])[], dropIdx: readonly (number | null)[] | null, infrequentIndices: readonly (Int32Array | null)[]): number[] {
  return cats.map((c, j) => {
    let o = c.length;
    if (dropIdx && dropIdx[j] !== null) o--;
    const inf = infrequentIndices[j];
    if (inf) o -= inf.length - 1;
    return o;
  });
}

/** Fitted categories of every column (shared by OneHotEncoder and OrdinalEncoder). */
export interface CategoricalState {
  kinds: ('num' | 'str')[];
  categories: Category[][];
  nFeatures: number;
  featureNamesIn: string[] | null;
}

/** Map of category value -> index (NaN and null are found by Map's SameValueZero). */
function indexOf(cats: readonly Category[]): Map<Category, number> {
  const m = new Map<Category, number>();
  cats.forEach((c, k) => m.set(c, k));
  return m;
}

/** Category index of every row of a column; -1 for a value not in `cats`. */
export function encodeColumn(c: MixedColumn, cats: readonly Category[]): Int32Array {
  const idx = indexOf(cats);
  if (c.kind === 'str') {
    const lab = new Int32Array(c.labels.length);
    for (let k = 0; k < lab.length; k++) lab[k] = idx.get(c.labels[k]!) ?? -1;
    const miss = idx.get(null) ?? -1;
    const out = new Int32Array(c.codes.length);
    for (let i = 0; i < out.length; i++) { const k = c.codes[i]!; out[i] = k < 0 ? miss : lab[k]!; }
    return out;
  }
  const v = c.values;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = idx.get(v[i]!) ?? -1;
  return out;
}

/** Distinct values of a column with their counts, sorted as np.unique (missing last). */
function uniqueCounts(c: MixedColumn): { cats: Category[]; counts: number[] } {
  const counts = new Map<Category, number>();
  if (c.kind === 'str') {
    const per = new Float64Array(c.labels.length);
    let miss = 0;
    for (let i = 0; i < c.codes.length; i++) { const k = c.codes[i]!; if (k < 0) miss++; else per[k]!++; }
    c.labels.forEach((l, k) => { if (per[k]! > 0) counts.set(l, (counts.get(l) ?? 0) + per[k]!); });
    if (miss) counts.set(null, miss);
  } else {
    for (let i = 0; i < c.values.length; i++) { const v = c.values[i]!; counts.set(v, (counts.get(v) ?? 0) + 1); }
  }
  const cats = sortCategories(c.kind, counts.keys());
  return { cats, counts: cats.map((k) => counts.get(k)!) };
}

function unknownError(owner: string, j: number, names: readonly string[] | null, value: Category, row: number, when: string): DataError {
  return new DataError('X', `categories seen in fit for column ${colName(j, names)}`, `unknown category ${typeof value === 'string' ? JSON.stringify(value) : catLabel(value)} at row ${row} during ${when}`, owner);
}

/** Shared fit: categories per column ('auto' or given), optional counts. */
function fitCategories(m: Mixed, given: 'auto' | Category[][], owner: string, checkUnknown: boolean): { state: CategoricalState; counts: number[][] } {
  if (given !== 'auto' && given.length !== m.cols) {
    throw new InvalidParameterError('categories', `one array per feature (${m.cols})`, `${given.length} arrays`, owner);
  }
  const categories: Category[][] = [];
  const counts: number[][] = [];
  for (let j = 0; j < m.cols; j++) {
    const c = m.columns[j]!;
    if (given === 'auto') {
      const u = uniqueCounts(c);
      categories.push(u.cats);
      counts.push(u.counts);
    } else {
      const cats = given[j]!.map((x) => (x === null && c.kind === 'num' ? NaN : x));
      for (const x of cats) {
        if (!isMissing(x) && typeof x !== (c.kind === 'num' ? 'number' : 'string')) {
          throw new InvalidParameterError('categories', `${c.kind === 'num' ? 'numbers' : 'strings'} for column ${colName(j, m.names)} (as its values)`, x, owner);
        }
      }
      if (c.kind === 'num') {
        const sorted = sortCategories('num', cats);
        if (sorted.some((x, k) => !Object.is(x, cats[k]) && !(isMissing(x) && isMissing(cats[k]!)))) {
          throw new InvalidParameterError('categories', `sorted numeric categories for column ${colName(j, m.names)} (NaN last)`, `[${cats.map(catLabel).join(', ')}]`, owner);
        }
      }
      const codes = encodeColumn(c, cats);
      const cnt = new Array<number>(cats.length).fill(0);
      for (let i = 0; i < codes.length; i++) {
        const k = codes[i]!;
        if (k < 0) {
          if (checkUnknown) throw unknownError(owner, j, m.names, c.kind === 'num' ? c.values[i]! : c.codes[i]! < 0 ? null : c.labels[c.codes[i]!]!, i, 'fit');
        } else cnt[k]!++;
      }
      categories.push(cats);
      counts.push(cnt);
    }
  }
  return { state: { kinds: m.columns.map((c) => c.kind), categories, nFeatures: m.cols, featureNamesIn: m.names }, counts };
}

/** Shared transform: codes per column (-1 unknown), type and width checks naming the column. */
function transformCodes(X: MixedLike, s: CategoricalState, owner: string, onUnknown: 'error' | 'mark'): { m: Mixed; codes: Int32Array[] } {
  const m = checkMixed(X, { owner, nFeatures: s.nFeatures });
  const codes: Int32Array[] = [];
  for (let j = 0; j < m.cols; j++) {
    const c = m.columns[j]!;
    checkColumnKind(c, s.kinds[j]!, j, s.featureNamesIn ?? m.names, owner);
    const k = encodeColumn(c, s.categories[j]!);
    if (onUnknown === 'error') {
      for (let i = 0; i < k.length; i++) {
        if (k[i]! < 0) throw unknownError(owner, j, s.featureNamesIn ?? m.names, c.kind === 'num' ? c.values[i]! : c.codes[i]! < 0 ? null : c.labels[c.codes[i]!]!, i, 'transform');
      }
    }
    codes.push(k);
  }
  return { m, codes };
}

// ---------------------------------------------------------------------------------------------

const oneHotSchema = {
  categories: categoriesSpec,
  drop: p.custom<null | 'first' | 'if_binary' | Category[]>(null, "null, 'first', 'if_binary' or one category per feature", (v) => v === null || v === 'first' || v === 'if_binary' || (Array.isArray(v) && v.every((x) => x === null || typeof x === 'number' || typeof x === 'string')), 'Drop one category per feature (for collinearity-sensitive models).'),
  handleUnknown: p.oneOf(['error', 'ignore', 'infrequent_if_exist'] as const, 'error', 'Unknown categories at transform: error, all-zero row block, or the infrequent column.'),
  minFrequency: p.custom<number | null>(null, 'null, an integer >= 1 (count) or a number in (0, 1) (fraction)', (v) => v === null || (typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))), 'Categories rarer than this are grouped as infrequent.'),
  maxCategories: p.nullable(p.int(1, { min: 1 }), null),
};
export type OneHotEncoderParams = ParamsOf<typeof oneHotSchema>;
export interface OneHotEncoderState extends CategoricalState {
  /** per column: indices (into categories) of the infrequent categories, or null */
  infrequentIndices: (Int32Array | null)[];
  /** per column: category index -> output slot (infrequent ones share the last slot), or null */
  defaultToInfrequent: (Int32Array | null)[];
  /** per column: dropped slot (after infrequent grouping) or null; null overall when drop is null */
  dropIdx: (number | null)[] | null;
  nFeaturesOuts: number[];
}

/**
 * Encode categorical features as a one-hot numeric matrix (scikit-learn's OneHotEncoder with
 * `sparse_output=False`: the output is always a dense Matrix). Accepts numeric matrices, rows of
 * strings/numbers/null, or a `Table` (categorical columns are read through their dictionary, so
 * encoding costs one array lookup per cell). Missing values (null / NaN) are a category of their
 * own, sorted last, named `<col>_nan`, as in scikit-learn 1.2.
 *
 * `minFrequency` / `maxCategories` group rare categories into `<col>_infrequent_sklearn`;
 * `handleUnknown: 'error'` throws a DataError naming the column and the unknown value.
 *
 * @example
 * const enc = new OneHotEncoder().fit([['a', 1], ['b', 2], ['a', 2]]);
 * enc.transform([['b', 1]]).toArray(); // [[0, 1, 1, 0]]
 * enc.getFeatureNamesOut(); // ['x0_a', 'x0_b', 'x1_1.0', 'x1_2.0']
 */
export class OneHotEncoder extends Estimator<typeof oneHotSchema, OneHotEncoderState> {
  static override readonly kind = 'OneHotEncoder';
  static override readonly schema = oneHotSchema;
  static override readonly capabilities = TRANSFORMER;

  constructor(params: Partial<OneHotEncoderParams> = {}) {
    super(params);
  }

  private get infrequentEnabled(): boolean {
    return this.params.maxCategories !== null || this.params.minFrequency !== null;
  }

  fit(X: MixedLike): this {
    const m = checkMixed(X, { owner: this.kind });
    const { state, counts } = fitCategories(m, this.params.categories, this.kind, this.params.handleUnknown === 'error');
    const n = m.rows;
    const infrequentIndices: (Int32Array | null)[] = [];
    const defaultToInfrequent: (Int32Array | null)[] = [];
    for (let j = 0; j < m.cols; j++) {
      const cnt = counts[j]!;
      const nc = cnt.length;
      if (!this.infrequentEnabled) { infrequentIndices.push(null); defaultToInfrequent.push(null); continue; }
      const mf = this.params.minFrequency;
      const infrequent = cnt.map((c) => (mf === null ? false : Number.isInteger(mf) && mf >= 1 ? c < mf : c < n * mf));
      const nCurrent = nc - infrequent.filter(Boolean).length + 1;
      const mc = this.params.maxCategories;
      if (mc !== null && mc < nCurrent) {
        // np.argsort(counts, kind='mergesort')[:-mc + 1]: stable ascending by count
        const order = cnt.map((c, k) => [c, k] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
        // numpy slice [:-mc + 1] is [:0] (nothing) when mc == 1
        const take = mc === 1 ? 0 : order.length - (mc - 1);
        for (let t = 0; t < take; t++) infrequent[order[t]!] = true;
      }
      const idx = infrequent.flatMap((f, k) => (f ? [k] : []));
      if (idx.length === 0) { infrequentIndices.push(null); defaultToInfrequent.push(null); continue; }
      infrequentIndices.push(Int32Array.from(idx));
      const mapping = new Int32Array(nc);
      const nFrequent = nc - idx.length;
      let f = 0;
      for (let k = 0; k < nc; k++) mapping[k] = infrequent[k] ? nFrequent : f++;
      defaultToInfrequent.push(mapping);
    }
    const cats = state.categories;
    let dropIdx: (number | null)[] | null = null;
    const drop = this.params.drop;
    if (drop === 'first') dropIdx = cats.map(() => 0);
    else if (drop === 'if_binary') {
      dropIdx = cats.map((c, j) => {
        let nOut = c.length;
        const inf = infrequentIndices[j];
        if (inf) nOut -= inf.length - 1;
        return nOut === 2 ? 0 : null;
      });
    } else if (Array.isArray(drop)) {
      if (drop.length !== m.cols) throw new InvalidParameterError('drop', `one category per feature (${m.cols})`, `${drop.length} values`, this.kind);
      dropIdx = drop.map((v, j) => {
        const k = cats[j]!.findIndex((c) => (isMissing(v) ? isMissing(c) : c === v));
        if (k < 0) throw new InvalidParameterError('drop', `a category seen in fit for column ${colName(j, m.names)}`, v, this.kind);
        const map = defaultToInfrequent[j];
        if (!map) return k;
        if (infrequentIndices[j]!.includes(k)) throw new InvalidParameterError('drop', `a frequent category for column ${colName(j, m.names)}`, `infrequent category ${catLabel(v)}`, this.kind);
        return map[k]!;
      });
    }
    const nFeaturesOuts = outputWidths(cats, dropIdx, infrequentIndices);
    this._state = { ...state, infrequentIndices, defaultToInfrequent, dropIdx, nFeaturesOuts };
    return this;
  }

  protected override validateState(s: OneHotEncoderState): void {
    const bad = (field: string, expected: string, received: unknown) => new DataError(`state.${field}`, expected, received, `loadModel(${this.kind})`);
    const d = s.nFeatures;
    for (const f of ['kinds', 'categories', 'infrequentIndices', 'defaultToInfrequent', 'nFeaturesOuts'] as const) {
      if (!Array.isArray(s[f]) || s[f].length !== d) throw bad(f, `one entry per feature (${d})`, s[f]);
    }
    if (s.dropIdx !== null && (!Array.isArray(s.dropIdx) || s.dropIdx.length !== d)) throw bad('dropIdx', `null or one entry per feature (${d})`, s.dropIdx);
    s.categories.forEach((c, j) => {
      const nc = Array.isArray(c) ? c.length : -1;
      if (nc < 1) throw bad(`categories[${j}]`, 'a non-empty array', c);
      const inf = s.infrequentIndices[j], map = s.defaultToInfrequent[j];
      if (inf !== null && !(inf instanceof Int32Array && inf.every((k) => k >= 0 && k < nc))) throw bad(`infrequentIndices[${j}]`, `null or indices in [0, ${nc})`, inf);
      if ((map === null) !== (inf === null) || (map !== null && !(map instanceof Int32Array && map.length === nc && map.every((k) => k >= 0 && k < nc)))) throw bad(`defaultToInfrequent[${j}]`, `a map of ${nc} slots in [0, ${nc}) exactly when infrequentIndices[${j}] is set`, map);
      const dj = s.dropIdx?.[j];
      if (dj != null && !(Number.isInteger(dj) && dj >= 0 && dj < nc)) throw bad(`dropIdx[${j}]`, `null or an index in [0, ${nc})`, dj);
    });
    const widths = outputWidths(s.categories, s.dropIdx, s.infrequentIndices);
    widths.forEach((w, j) => {
      if (s.nFeaturesOuts[j] !== w) throw bad(`nFeaturesOuts[${j}]`, `${w} (from the categories, drop and infrequent settings)`, s.nFeaturesOuts[j]);
    });
  }

  /** Categories of each feature, sorted as scikit-learn's `categories_`. */
  get categories(): Category[][] { return this.fitted.categories; }
  /** Infrequent categories of each feature (null when none). */
  get infrequentCategories(): (Category[] | null)[] {
    const s = this.fitted;
    return s.infrequentIndices.map((idx, j) => (idx ? Array.from(idx, (k) => s.categories[j]![k]!) : null));
  }
  /** Index (into categories) of the dropped category of each feature, null when none. */
  get dropIdx(): (number | null)[] | null { return this.fitted.dropIdx; }

  transform(X: MixedLike): Matrix {
    const s = this.fitted;
    const hu = this.params.handleUnknown;
    const { m, codes } = transformCodes(X, s, this.kind, hu === 'error' ? 'error' : 'mark');
    const n = m.rows;
    const offsets = [0];
    for (const o of s.nFeaturesOuts) offsets.push(offsets[offsets.length - 1]! + o);
    const W = offsets[offsets.length - 1]!;
    const out = new Float64Array(n * W);
    for (let j = 0; j < m.cols; j++) {
      const code = codes[j]!;
      const inf = s.infrequentIndices[j];
      const map = s.defaultToInfrequent[j];
      const drop = s.dropIdx ? s.dropIdx[j]! : null;
      const off = offsets[j]!;
      if (!map && drop === null) {
        // common case: no grouping, no drop -> one store per known cell
        for (let i = 0, o = off; i < n; i++, o += W) {
          const k = code[i]!;
          if (k >= 0) out[o + k] = 1;
          else if (inf && hu === 'infrequent_if_exist') out[o + inf[0]!] = 1;
        }
        continue;
      }
      for (let i = 0; i < n; i++) {
        let k = code[i]!;
        let valid = k >= 0;
        if (!valid) {
          if (inf && hu === 'infrequent_if_exist') { k = inf[0]!; valid = true; } else continue;
        }
        if (map) k = map[k]!;
        if (drop !== null) {
          if (k === drop) continue;
          if (k > drop) k--;
        }
        out[i * W + off + k] = 1;
      }
    }
    return new Matrix(out, n, W);
  }

  fitTransform(X: MixedLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** Output categories of feature j after infrequent grouping and drop (scikit-learn's `_compute_transformed_categories`). */
  private transformedCategories(j: number): Category[] {
    const s = this.fitted;
    let cats: Category[] = s.categories[j]!;
    const map = s.defaultToInfrequent[j];
    if (map) {
      const mx = Math.max(...map);
      cats = [...cats.filter((_, k) => map[k]! < mx), 'infrequent_sklearn'];
    }
    const drop = s.dropIdx ? s.dropIdx[j]! : null;
    if (drop !== null) cats = cats.filter((_, k) => k !== drop);
    return cats;
  }

  /** Map one-hot rows back to categories; an all-zero block gives the dropped category or null (unknown). */
  inverseTransform(X: MatrixLike): Category[][] {
    const s = this.fitted;
    const W = s.nFeaturesOuts.reduce((a, b) => a + b, 0);
    const m = checkArray(X, { owner: this.kind, nFeatures: W });
    const out: Category[][] = [];
    const blocks = s.categories.map((_, j) => this.transformedCategories(j));
    for (let i = 0; i < m.rows; i++) {
      const row: Category[] = [];
      let off = 0;
      for (let j = 0; j < s.nFeatures; j++) {
        const w = s.nFeaturesOuts[j]!;
        let best = -1;
        for (let k = 0; k < w; k++) if (m.data[i * W + off + k]! > 0 && (best < 0 || m.data[i * W + off + k]! > m.data[i * W + off + best]!)) best = k;
        const drop = s.dropIdx ? s.dropIdx[j]! : null;
        if (best >= 0) row.push(blocks[j]![best]!);
        else if (drop !== null) {
          const map = s.defaultToInfrequent[j];
          const k = map ? map.indexOf(drop) : drop;
          row.push(s.categories[j]![k]!);
        } else row.push(null);
        off += w;
      }
      out.push(row);
    }
    return out;
  }

  /** `<input>_<category>` for every output column (scikit-learn naming, `nan` for missing). */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const names = featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
    return names.flatMap((nm, j) => this.transformedCategories(j).map((c) => `${nm}_${catLabel(c)}`));
  }
}
registerEstimator(OneHotEncoder);

// ---------------------------------------------------------------------------------------------

const numOrNaN = (v: unknown) => typeof v === 'number' && (Number.isInteger(v) || Number.isNaN(v));
const ordinalSchema = {
  categories: categoriesSpec,
  handleUnknown: p.oneOf(['error', 'use_encoded_value'] as const, 'error', "Unknown categories at transform: error or `unknownValue`."),
  unknownValue: p.custom<number | null>(null, 'null, an integer or NaN', (v) => v === null || numOrNaN(v), 'Code of unknown categories (handleUnknown: use_encoded_value).'),
  encodedMissingValue: p.custom<number>(NaN, 'an integer or NaN', numOrNaN, 'Code of missing values.'),
};
export type OrdinalEncoderParams = ParamsOf<typeof ordinalSchema>;
export interface OrdinalEncoderState extends CategoricalState {
  /** per column: index of the missing category, or -1 */
  missingIndex: Int32Array;
}

/**
 * Encode categorical features as integer codes 0..k-1 in sorted category order (scikit-learn's
 * OrdinalEncoder). Missing values get `encodedMissingValue` (NaN by default); unknown categories
 * throw a DataError naming the column, or get `unknownValue` with `handleUnknown: 'use_encoded_value'`.
 *
 * @example
 * new OrdinalEncoder().fitTransform([['lo'], ['hi'], [null]]).toArray(); // [[1], [0], [NaN]]
 */
export class OrdinalEncoder extends Estimator<typeof ordinalSchema, OrdinalEncoderState> {
  static override readonly kind = 'OrdinalEncoder';
  static override readonly schema = ordinalSchema;
  static override readonly capabilities = TRANSFORMER;

  constructor(params: Partial<OrdinalEncoderParams> = {}) {
    super(params);
  }

  fit(X: MixedLike): this {
    const { handleUnknown: hu, unknownValue: uv, encodedMissingValue: emv } = this.params;
    if (hu === 'use_encoded_value' && uv === null) throw new InvalidParameterError('unknownValue', "an integer or NaN when handleUnknown is 'use_encoded_value'", uv, this.kind);
    if (hu === 'error' && uv !== null) throw new InvalidParameterError('unknownValue', "null unless handleUnknown is 'use_encoded_value'", uv, this.kind);
    const m = checkMixed(X, { owner: this.kind });
    const { state } = fitCategories(m, this.params.categories, this.kind, hu === 'error');
    if (hu === 'use_encoded_value' && !Number.isNaN(uv)) {
      for (const c of state.categories) if (uv! >= 0 && uv! < c.length) throw new InvalidParameterError('unknownValue', 'a code not used by a seen category (negative or >= the number of categories)', uv, this.kind);
    }
    const missingIndex = Int32Array.from(state.categories, (c) => c.findIndex(isMissing));
    if (!Number.isNaN(emv)) {
      missingIndex.forEach((k, j) => {
        if (k >= 0 && emv >= 0 && emv < state.categories[j]!.length) throw new InvalidParameterError('encodedMissingValue', `a code not used by a known category of column ${colName(j, m.names)}`, emv, this.kind);
      });
    }
    this._state = { ...state, missingIndex };
    return this;
  }

  get categories(): Category[][] { return this.fitted.categories; }

  transform(X: MixedLike): Matrix {
    const s = this.fitted;
    const hu = this.params.handleUnknown;
    const { m, codes } = transformCodes(X, s, this.kind, hu === 'error' ? 'error' : 'mark');
    const n = m.rows, d = m.cols;
    const out = new Float64Array(n * d);
    const uv = this.params.unknownValue ?? NaN;
    const emv = this.params.encodedMissingValue;
    for (let j = 0; j < d; j++) {
      const code = codes[j]!;
      const miss = s.missingIndex[j]!;
      for (let i = 0; i < n; i++) {
        const k = code[i]!;
        out[i * d + j] = k < 0 ? uv : k === miss ? emv : k;
      }
    }
    return new Matrix(out, n, d);
  }

  fitTransform(X: MixedLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** Codes back to categories; `unknownValue` gives null, `encodedMissingValue` the missing category. */
  inverseTransform(X: MatrixLike): Category[][] {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures });
    const emv = this.params.encodedMissingValue;
    const uv = this.params.unknownValue;
    const out: Category[][] = [];
    for (let i = 0; i < m.rows; i++) {
      const row: Category[] = [];
      for (let j = 0; j < m.cols; j++) {
        const v = m.data[i * m.cols + j]!;
        const cats = s.categories[j]!;
        if (s.missingIndex[j]! >= 0 && Object.is(v, emv) || (Number.isNaN(v) && Number.isNaN(emv) && s.missingIndex[j]! >= 0)) row.push(cats[s.missingIndex[j]!]!);
        else if (uv !== null && (Object.is(v, uv) || (Number.isNaN(v) && Number.isNaN(uv)))) row.push(null);
        else if (Number.isInteger(v) && v >= 0 && v < cats.length) row.push(cats[v]!);
        else throw new DataError('X', `codes in [0, ${cats.length - 1}] for column ${colName(j, s.featureNamesIn)}`, `${v} at row ${i}`, this.kind);
      }
      out.push(row);
    }
    return out;
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
  }
}
registerEstimator(OrdinalEncoder);

// ---------------------------------------------------------------------------------------------

const labelSchema = {};
export interface LabelEncoderState { classes: Label[] }

/**
 * Encode target labels as 0..k-1 in sorted order (scikit-learn's LabelEncoder). Works on 1-D
 * labels (numbers or strings); unseen labels at transform are a DataError naming them.
 *
 * @example
 * const le = new LabelEncoder().fit(['b', 'a', 'b']);
 * le.transform(['a', 'b']); // Int32Array [0, 1]
 * le.inverseTransform([1]); // ['b']
 */
export class LabelEncoder extends Estimator<typeof labelSchema, LabelEncoderState> {
  static override readonly kind = 'LabelEncoder';
  static override readonly schema = labelSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: false };

  constructor(params: Partial<ParamsOf<typeof labelSchema>> = {}) {
    super(params);
  }

  fit(y: LabelsLike): this {
    const { classes } = checkLabels(y, null, { owner: this.kind });
    if (classes.length === 0) throw new ShapeError('y', 'at least 1 label', 'an empty array', this.kind);
    this._state = { classes };
    return this;
  }

  get classes(): Label[] { return this.fitted.classes; }

  transform(y: LabelsLike): Int32Array {
    const s = this.fitted;
    const index = new Map<Label, number>(s.classes.map((c, k) => [c, k]));
    const out = new Int32Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const k = index.get(y[i] as Label);
      if (k === undefined) throw new DataError('y', `labels seen in fit [${s.classes.slice(0, 20).join(', ')}${s.classes.length > 20 ? ', ...' : ''}]`, `previously unseen label ${JSON.stringify(y[i])} at index ${i}`, this.kind);
      out[i] = k;
    }
    return out;
  }

  fitTransform(y: LabelsLike): Int32Array {
    return this.fit(y).transform(y);
  }

  inverseTransform(codes: ArrayLike<number>): Label[] {
    const s = this.fitted;
    return Array.from(codes, (k, i) => {
      if (!Number.isInteger(k) || k < 0 || k >= s.classes.length) throw new DataError('codes', `integers in [0, ${s.classes.length - 1}]`, `${k} at index ${i}`, this.kind);
      return s.classes[k]!;
    });
  }
}
registerEstimator(LabelEncoder);

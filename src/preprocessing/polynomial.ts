import { DataError, InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities, type SavedModel } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { binomial, checkMemory, checkOutputCount } from '../core/resources.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { featureNamesIn, namesOf } from './_base.js';

const polySchema = {
  degree: p.custom<number | [number, number]>(2, 'an integer >= 0 or a pair [minDegree, maxDegree] with 0 <= min <= max', (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 0) && v[0] <= v[1]), 'Maximal degree, or [min, max] degrees.'),
  interactionOnly: p.bool(false, 'Only products of distinct features.'),
  includeBias: p.bool(true, 'Add the constant column of ones.'),
};
export type PolynomialFeaturesParams = ParamsOf<typeof polySchema>;
export interface PolynomialFeaturesState {
  /** one array of feature indices (non-decreasing) per output column; [] is the bias */
  combinations: number[][];
  nFeatures: number;
  featureNamesIn: string[] | null;
}

/**
 * Polynomial and interaction features (scikit-learn's PolynomialFeatures) in scikit-learn's
 * column order: bias, then degree 1, 2, ... with `combinations_with_replacement` order inside a
 * degree. Each product is formed right to left, `x_i * (x_j * x_k)`, as scikit-learn's dense
 * kernel does, so the values are bit-identical.
 *
 * @example
 * new PolynomialFeatures({ degree: 2 }).fitTransform([[2, 3]]).toArray(); // [[1, 2, 3, 4, 6, 9]]
 */
export class PolynomialFeatures extends Estimator<typeof polySchema, PolynomialFeaturesState> {
  static override readonly kind = 'PolynomialFeatures';
  static override readonly schema = polySchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<PolynomialFeaturesParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, allowNaN: true });
    const deg = this.params.degree;
    const [lo, hi] = typeof deg === 'number' ? [0, deg] : deg;
    if (hi === 0 && !this.params.includeBias) throw new InvalidParameterError('degree', 'a degree > 0 when includeBias is false (no output column otherwise)', deg, this.kind);
    const d = m.cols;
    // output width before enumerating (degree 30 on 50 columns has ~1e22 columns)
    const width = polynomialWidth(d, lo, hi, this.params.interactionOnly, this.params.includeBias);
    const hint = 'lower degree, set interactionOnly: true, or select fewer input columns first';
    checkOutputCount('the polynomial feature expansion', width, 'output columns', { owner: this.kind, hint });
    checkMemory(`the ${width.toLocaleString('en-US')} output column definitions`, width * (64 + 8 * hi), { owner: this.kind, hint });
    const combinations: number[][] = [];
    // scikit-learn 1.2 adds the bias whenever includeBias is true, whatever the minimum degree
    if (this.params.includeBias) combinations.push([]);
    const rec = (start: number, left: number, acc: number[]) => {
      if (left === 0) { combinations.push([...acc]); return; }
      for (let j = start; j < d; j++) { acc.push(j); rec(this.params.interactionOnly ? j + 1 : j, left - 1, acc); acc.pop(); }
    };
    for (let k = Math.max(1, lo); k <= hi; k++) rec(0, k, []);
    this._state = { combinations, nFeatures: d, featureNamesIn: namesOf(X) };
    return this;
  }

  get nOutputFeatures(): number { return this.fitted.combinations.length; }

  /** Exponent of each input feature in each output column (scikit-learn's `powers_`). */
  get powers(): number[][] {
    const s = this.fitted;
    return s.combinations.map((c) => { const r = new Array<number>(s.nFeatures).fill(0); for (const j of c) r[j]!++; return r; });
  }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures });
    const d = m.cols, W = s.combinations.length, n = m.rows;
    checkMemory(`a ${n} x ${W} float64 output`, 8 * n * W, { owner: this.kind, hint: 'transform fewer rows at a time (e.g. in batches), or fit with a lower degree' });
    const out = new Float64Array(n * W);
    const combos = s.combinations;
    for (let i = 0; i < n; i++) {
      const xo = i * d, oo = i * W;
      for (let c = 0; c < W; c++) {
        const cb = combos[c]!;
        if (cb.length === 0) { out[oo + c] = 1; continue; }
        let v = m.data[xo + cb[cb.length - 1]!]!;
        for (let t = cb.length - 2; t >= 0; t--) v = v * m.data[xo + cb[t]!]!;
        out[oo + c] = v;
      }
    }
    return new Matrix(out, n, W);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** Names like scikit-learn's: `1`, `x0`, `x0^2`, `x0 x1`. */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const names = featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
    return this.powers.map((row) => {
      const parts: string[] = [];
      row.forEach((e, j) => { if (e) parts.push(e === 1 ? names[j]! : `${names[j]}^${e}`); });
      return parts.length ? parts.join(' ') : '1';
    });
  }
}
registerEstimator(PolynomialFeatures);

/** Number of output columns of PolynomialFeatures (a float; Infinity when it overflows). */
export function polynomialWidth(d: number, lo: number, hi: number, interactionOnly: boolean, includeBias: boolean): number {
  let w = includeBias ? 1 : 0;
  for (let k = Math.max(1, lo); k <= hi; k++) {
    w += interactionOnly ? binomial(d, k) : binomial(d + k - 1, k);
    if (!Number.isFinite(w)) return Infinity;
  }
  return w;
}

// ---------------------------------------------------------------------------------------------

/** Element-wise functions a FunctionTransformer can name (and so persist to JSON). */
export const NAMED_FUNCTIONS = {
  identity: (x: number) => x,
  log: Math.log,
  log1p: Math.log1p,
  exp: Math.exp,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  square: (x: number) => x * x,
  abs: Math.abs,
  reciprocal: (x: number) => 1 / x,
} as const;
export type NamedFunction = keyof typeof NAMED_FUNCTIONS;
type MatrixFn = (X: Matrix) => Matrix | number[][];
const isFn = (v: unknown) => v === null || typeof v === 'function' || (typeof v === 'string' && v in NAMED_FUNCTIONS);

const fnSchema = {
  func: p.custom<NamedFunction | MatrixFn | null>(null, `null (identity), a function of a Matrix, or one of ${Object.keys(NAMED_FUNCTIONS).join(', ')}`, isFn, 'Forward function.'),
  inverseFunc: p.custom<NamedFunction | MatrixFn | null>(null, `null, a function of a Matrix, or one of ${Object.keys(NAMED_FUNCTIONS).join(', ')}`, isFn, 'Inverse function.'),
  validate: p.bool(false, 'Check X (numeric 2-D, width as in fit) before calling func.'),
  checkInverse: p.bool(true, 'At fit, check that inverseFunc(func(X)) is X on a sample (throws a DataError if not).'),
  featureNamesOut: p.custom<'one-to-one' | ((inputFeatures: string[]) => string[]) | null>(null, "null, 'one-to-one' or a function", (v) => v === null || v === 'one-to-one' || typeof v === 'function', 'How getFeatureNamesOut names the output.'),
};
export type FunctionTransformerParams = ParamsOf<typeof fnSchema>;

/**
 * Apply a function to X (scikit-learn's FunctionTransformer). `func` is a function of a Matrix or
 * the name of an element-wise function (`'log1p'`, `'sqrt'`, ...). Only named functions survive
 * `toJSON()`/`loadModel()`: `toJSON()` refuses a JS function (InvalidParameterError) rather than
 * save a model that would reload as something else, so name functions you mean to persist.
 *
 * @example
 * new FunctionTransformer({ func: 'log1p' }).fitTransform([[0], [Math.E - 1]]).toArray(); // [[0], [1]]
 */
export class FunctionTransformer extends Estimator<typeof fnSchema, { nFeatures: number; featureNamesIn: string[] | null }> {
  static override readonly kind = 'FunctionTransformer';
  static override readonly schema = fnSchema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: false, stochastic: false, allowNaN: true };

  constructor(params: Partial<FunctionTransformerParams> = {}) {
    super(params);
  }

  private apply(fn: NamedFunction | MatrixFn | null, m: Matrix): Matrix {
    if (fn === null) return m.copy();
    if (typeof fn === 'string') {
      const f = NAMED_FUNCTIONS[fn];
      return new Matrix(m.data.map(f), m.rows, m.cols);
    }
    const r = fn(m);
    return r instanceof Matrix ? r : checkArray(r, { owner: this.kind, name: 'func(X)', allowNaN: true, minRows: 0 });
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, allowNaN: true });
    const { func, inverseFunc, checkInverse } = this.params;
    if (checkInverse && func !== null && inverseFunc !== null) {
      const step = Math.max(1, Math.floor(m.rows / 100));
      const idx = Array.from({ length: Math.ceil(m.rows / step) }, (_, k) => k * step);
      const sample = m.takeRows(idx);
      const back = this.apply(inverseFunc, this.apply(func, sample));
      const ok = back.rows === sample.rows && back.cols === sample.cols && sample.data.every((v, t) => (Number.isNaN(v) && Number.isNaN(back.data[t]!)) || Math.abs(v - back.data[t]!) <= 1e-7 + 1e-5 * Math.abs(v));
      if (!ok) throw new DataError('inverseFunc', 'the inverse of func on X (inverseFunc(func(X)) == X)', 'a mismatch on a sample of X; set checkInverse: false to skip', this.kind);
    }
    this._state = { nFeatures: m.cols, featureNamesIn: namesOf(X) };
    return this;
  }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: this.params.validate ? s.nFeatures : undefined });
    return this.apply(this.params.func, m);
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: MatrixLike): Matrix {
    this.fitted;
    return this.apply(this.params.inverseFunc, checkArray(X, { owner: this.kind, allowNaN: true }));
  }

  /**
   * Only named functions can be saved: a JS function cannot be written to JSON, and a model that
   * silently reloaded as the identity would change a Pipeline's predictions, so saving refuses.
   */
  override toJSON(): SavedModel {
    for (const k of ['func', 'inverseFunc', 'featureNamesOut'] as const) {
      const v = this.params[k];
      if (typeof v === 'function') throw new InvalidParameterError(k, `a named function (one of ${Object.keys(NAMED_FUNCTIONS).join(', ')}${k === 'featureNamesOut' ? " or 'one-to-one'" : ''}) to save this FunctionTransformer`, v, this.kind);
    }
    return super.toJSON();
  }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    const f = this.params.featureNamesOut;
    if (f === null) throw new DataError('featureNamesOut', "'one-to-one' or a function (needed to name the output of func)", 'null', this.kind);
    const names = featureNamesIn(this.kind, s.nFeatures, s.featureNamesIn, inputFeatures);
    return f === 'one-to-one' ? names : f(names);
  }
}
registerEstimator(FunctionTransformer);

import { InvalidParameterError } from './errors.js';
import { Matrix } from './matrix.js';
import { RandomState } from './random.js';

/**
 * Declarative parameter schema (the TypeScript form of scikit-learn's `_parameter_constraints`).
 * Each spec carries its default, a validator and a doc line; estimators derive their defaults,
 * validation and CLI/report tables from it.
 */
export interface ParamSpec<T> {
  readonly default: T;
  /**
   * 'estimator' for a parameter holding an estimator (`p.estimator()`), 'steps' for a list of
   * `[name, estimator, ...]` tuples (`p.steps()`): both take part in `a__b` routing, deep
   * `getParams`, deep `clone` and saved-model revival. Structural detection covers custom specs.
   */
  readonly nested?: 'estimator' | 'steps';
  /** Human description of the allowed values, used in error messages. */
  readonly expected: string;
  readonly doc?: string;
  check(v: unknown): v is T;
}

export type Schema = Record<string, ParamSpec<unknown>>;
export type ParamsOf<S extends Schema> = { -readonly [K in keyof S]: S[K] extends ParamSpec<infer T> ? T : never };

function spec<T>(def: T, expected: string, check: (v: unknown) => boolean, doc?: string, nested?: 'estimator' | 'steps'): ParamSpec<T> {
  return nested ? { default: def, expected, doc, check: check as (v: unknown) => v is T, nested } : { default: def, expected, doc, check: check as (v: unknown) => v is T };
}

/** An object with `fit` and `clone` (any deepmine estimator, or a user one following the contract). */
export function isEstimatorLike(v: unknown): v is { fit: (...a: never[]) => unknown; clone(): unknown; setParams?(p: Record<string, unknown>): unknown; getParams?(o?: unknown): Record<string, unknown> } {
  return !!v && typeof v === 'object' && typeof (v as { fit?: unknown }).fit === 'function' && typeof (v as { clone?: unknown }).clone === 'function';
}

/** A list of `[name, estimator | string | null, ...rest]` tuples with at least one estimator (Pipeline steps, ColumnTransformer transformers). */
export function isStepList(v: unknown): v is [string, unknown, ...unknown[]][] {
  return Array.isArray(v) && v.length > 0 && v.every((s) => Array.isArray(s) && s.length >= 2 && typeof s[0] === 'string') && v.some((s) => isEstimatorLike((s as unknown[])[1]));
}

interface RangeOpts { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; doc?: string }

function rangeText(o: RangeOpts): string {
  const parts: string[] = [];
  if (o.min !== undefined) parts.push(`${o.minExclusive ? '>' : '>='} ${o.min}`);
  if (o.max !== undefined) parts.push(`${o.maxExclusive ? '<' : '<='} ${o.max}`);
  return parts.join(' and ');
}
function inRange(v: number, o: RangeOpts): boolean {
  if (o.min !== undefined && (o.minExclusive ? !(v > o.min) : !(v >= o.min))) return false;
  if (o.max !== undefined && (o.maxExclusive ? !(v < o.max) : !(v <= o.max))) return false;
  return true;
}

export const p = {
  /** An integer, optionally bounded. */
  int<T extends number>(def: T, o: RangeOpts = {}): ParamSpec<number> {
    const r = rangeText(o);
    return spec<number>(def, `an integer${r ? ' ' + r : ''}`, (v) => typeof v === 'number' && Number.isInteger(v) && inRange(v, o), o.doc);
  },
  /** A finite number, optionally bounded. */
  num(def: number, o: RangeOpts = {}): ParamSpec<number> {
    const r = rangeText(o);
    return spec<number>(def, `a finite number${r ? ' ' + r : ''}`, (v) => typeof v === 'number' && Number.isFinite(v) && inRange(v, o), o.doc);
  },
  bool(def: boolean, doc?: string): ParamSpec<boolean> {
    return spec(def, 'a boolean', (v) => typeof v === 'boolean', doc);
  },
  str(def: string, doc?: string): ParamSpec<string> {
    return spec(def, 'a string', (v) => typeof v === 'string', doc);
  },
  /** One of the listed literal values. */
  oneOf<const V extends readonly (string | number | boolean | null)[]>(values: V, def: V[number], doc?: string): ParamSpec<V[number]> {
    return spec(def, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => values.includes(v as V[number]), doc);
  },
  /** `randomState`: integer seed, RandomState instance or null. */
  randomState(doc = 'Seed (integer in [0, 2**32-1]) or RandomState for reproducible results; null draws fresh entropy.'): ParamSpec<number | RandomState | null> {
    return spec<number | RandomState | null>(null, 'an integer in [0, 2**32 - 1], a RandomState or null', (v) => v === null || v instanceof RandomState || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff), doc);
  },
  /** Accept null in addition to another spec. */
  nullable<T>(inner: ParamSpec<T>, def: T | null = null): ParamSpec<T | null> {
    return spec<T | null>(def, `${inner.expected} or null`, (v) => v === null || inner.check(v), inner.doc);
  },
  /** Union of specs: valid if any accepts. */
  anyOf<T>(def: T, specs: ParamSpec<unknown>[], doc?: string): ParamSpec<T> {
    return spec<T>(def, specs.map((s) => s.expected).join(', or '), (v) => specs.some((s) => s.check(v)), doc);
  },
  /** Custom validator. */
  custom<T>(def: T, expected: string, check: (v: unknown) => boolean, doc?: string): ParamSpec<T> {
    return spec<T>(def, expected, check, doc);
  },
  /**
   * A nested estimator (scikit-learn's `estimator=`): routed by `name__param`, cloned by `clone`,
   * revived by `loadModel`. `check` adds a requirement (e.g. "exposes featureImportances").
   */
  estimator<T = unknown>(def: T | null = null, o: { nullable?: boolean; expected?: string; check?: (v: unknown) => boolean; doc?: string } = {}): ParamSpec<T> {
    const nullable = o.nullable ?? def === null;
    const expected = o.expected ?? `an estimator (an object with fit and clone)${nullable ? ' or null' : ''}`;
    return spec<T>(def as T, expected, (v) => (v === null ? nullable : isEstimatorLike(v) && (!o.check || o.check(v))), o.doc, 'estimator');
  },
  /**
   * A list of `[name, estimator | 'passthrough' | 'drop' | null, ...rest]` steps: each name routes
   * `name__param` to its estimator and `name` replaces it.
   */
  steps<T extends readonly (readonly unknown[])[]>(def: T, expected: string, check: (v: unknown) => boolean, doc?: string): ParamSpec<T> {
    return spec<T>(def, expected, check, doc, 'steps');
  },
};

/**
 * Deep copy of a parameter value, frozen: arrays and plain objects are copied recursively and
 * frozen; typed arrays and Matrix are copied (typed arrays cannot be frozen); estimators,
 * RandomState, functions and other class instances are kept by reference (estimators are cloned
 * by `clone`/`with`, and fit never mutates a nested estimator: meta-estimators fit clones).
 */
export function freezeParam<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return Object.freeze(v.map(freezeParam)) as T;
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): T }).slice();
  if (v instanceof Matrix) return new Matrix(v.data.slice(), v.rows, v.cols) as T;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = freezeParam(x);
    return Object.freeze(out) as T;
  }
  return v;
}

/** Fill defaults and validate user params against a schema; unknown keys are errors. Returns a deeply frozen copy (see freezeParam). */
export function resolveParams<S extends Schema>(schema: S, given: Partial<ParamsOf<S>> | undefined, owner: string): Readonly<ParamsOf<S>> {
  const out: Record<string, unknown> = {};
  const g = (given ?? {}) as Record<string, unknown>;
  if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new InvalidParameterError('params', 'an options object', given, owner);
  for (const key of Object.keys(g)) {
    if (!(key in schema)) {
      throw new InvalidParameterError(key, `a known parameter (one of ${Object.keys(schema).join(', ')})`, `unknown parameter ${JSON.stringify(key)}`, owner);
    }
  }
  for (const [key, s] of Object.entries(schema)) {
    const v = key in g && g[key] !== undefined ? g[key] : s.default;
    if (!s.check(v)) throw new InvalidParameterError(key, s.expected, v, owner);
    out[key] = freezeParam(v);
  }
  return Object.freeze(out) as Readonly<ParamsOf<S>>;
}

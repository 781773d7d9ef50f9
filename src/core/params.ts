import { InvalidParameterError } from './errors.js';
import { RandomState } from './random.js';

/**
 * Declarative parameter schema (the TypeScript form of scikit-learn's `_parameter_constraints`).
 * Each spec carries its default, a validator and a doc line; estimators derive their defaults,
 * validation and CLI/report tables from it.
 */
export interface ParamSpec<T> {
  readonly default: T;
  /** Human description of the allowed values, used in error messages. */
  readonly expected: string;
  readonly doc?: string;
  check(v: unknown): v is T;
}

export type Schema = Record<string, ParamSpec<unknown>>;
export type ParamsOf<S extends Schema> = { -readonly [K in keyof S]: S[K] extends ParamSpec<infer T> ? T : never };

function spec<T>(def: T, expected: string, check: (v: unknown) => boolean, doc?: string): ParamSpec<T> {
  return { default: def, expected, doc, check: check as (v: unknown) => v is T };
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
};

/** Fill defaults and validate user params against a schema; unknown keys are errors. Returns a frozen object. */
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
    out[key] = v;
  }
  return Object.freeze(out) as Readonly<ParamsOf<S>>;
}

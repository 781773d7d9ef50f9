import { DataError, DeepmineError, InvalidParameterError, NotFittedError } from './errors.js';
import { checkDecodedState } from './modelCheck.js';
import { isEstimatorLike, resolveParams, type ParamsOf, type Schema } from './params.js';
import { RandomState } from './random.js';
import { decodeValue, encodeValue } from './serialize.js';
import { VersionWarning, warn } from './warnings.js';

export const LIBRARY_VERSION = '0.1.0';
/** Version of the saved-model layout; bump when `SavedModel` changes incompatibly. */
export const FORMAT_VERSION = 1;

/** What `toJSON()` returns and `loadModel()` takes. */
export interface SavedModel {
  format: 'deepmine';
  formatVersion: number;
  kind: string;
  /** deepmine version that wrote the model. */
  version: string;
  params: unknown;
  state: unknown;
}

/** scikit-learn's estimator tags: they choose which conformance checks run. */
export interface Capabilities {
  /** classifier | regressor | transformer | clusterer | other */
  type: 'classifier' | 'regressor' | 'transformer' | 'clusterer' | 'other';
  /** fit needs y */
  supervised: boolean;
  /** results depend on randomState */
  stochastic: boolean;
  /** NaN in X is accepted (native missing-value support) */
  allowNaN: boolean;
  /** 2-D y accepted */
  multiOutput?: boolean;
  /** X must be non-negative (chi2, MultinomialNB ...) */
  nonNegative?: boolean;
}

export interface EstimatorClass {
  new (params?: never): Estimator<Schema, unknown>;
  readonly kind: string;
  readonly schema: Schema;
  readonly capabilities: Capabilities;
}

/**
 * Base of every estimator: one frozen, validated params object; fitted state in one typed object
 * behind `fitted` (NotFittedError before fit); `with`/`clone` for unfitted copies; `toJSON` +
 * `loadModel` persistence through a registry keyed by `kind`.
 */
export abstract class Estimator<S extends Schema, State> {
  /** Registry key and name used in messages. Subclasses override. */
  static readonly kind: string = 'Estimator';
  static readonly schema: Schema = {};
  static readonly capabilities: Capabilities = { type: 'other', supervised: false, stochastic: false, allowNaN: false };

  private _params: Readonly<ParamsOf<S>>;
  protected _state: State | null = null;

  constructor(params?: Partial<ParamsOf<S>>) {
    const ctor = this.constructor as unknown as { schema: S; kind: string };
    this._params = resolveParams(ctor.schema, params, ctor.kind);
    this.checkParams(this._params);
  }

  /**
   * Cross-parameter validation beyond the schema (e.g. unique step names); runs in the
   * constructor and in setParams before the new params are kept. Override; default: nothing.
   */
  protected checkParams(_params: Readonly<ParamsOf<S>>): void {}

  /** The estimator's name (registry key). */
  get kind(): string {
    return (this.constructor as unknown as { kind: string }).kind;
  }

  /** Validated parameters (frozen). */
  get params(): Readonly<ParamsOf<S>> {
    return this._params;
  }

  /**
   * A copy of the parameters (scikit-learn's `get_params`). With `deep` (`getParams(true)` or
   * `getParams({ deep: true })`) also every nested estimator's parameters as `name__param`, where
   * `name` is an estimator-valued parameter (`estimator__maxDepth`) or a step name
   * (`clf__C`, and `clf` itself for the step's estimator).
   */
  getParams(opts: boolean | { deep?: boolean } = false): ParamsOf<S> & Record<string, unknown> {
    const out: Record<string, unknown> = { ...this._params };
    const deep = typeof opts === 'boolean' ? opts : !!opts?.deep;
    if (!deep) return out as ParamsOf<S> & Record<string, unknown>;
    const schema = (this.constructor as unknown as { schema: S }).schema;
    for (const [key, v] of Object.entries(this._params as Record<string, unknown>)) {
      const nested = nestedKind(schema, key, v);
      if (nested === 'estimator') addNested(out, key, v as never);
      else if (nested === 'steps') for (const [name, e] of v as [string, unknown][]) { out[name] = e; if (isEstimatorLike(e)) addNested(out, name, e); }
    }
    return out as ParamsOf<S> & Record<string, unknown>;
  }

  /**
   * Change parameters in place (validated) and drop any fitted state; returns this. Keys are the
   * estimator's own parameters, `name__param` for a parameter of a nested estimator (an
   * estimator-valued parameter or a named step; recursively: `rfe__estimator__maxDepth`), or a
   * step name to replace that step. Nested estimators are cloned before they are changed, so an
   * estimator passed in by the caller is never mutated.
   */
  setParams(patch: Partial<ParamsOf<S>> & Record<string, unknown>): this {
    const ctor = this.constructor as unknown as { schema: S; kind: string };
    const next = resolveParams(ctor.schema, this.routeParams(patch) as Partial<ParamsOf<S>>, ctor.kind);
    this.checkParams(next);
    this._params = next;
    this._state = null;
    return this;
  }

  /** Own params merged with `patch`, nested keys applied to clones of the nested estimators. */
  private routeParams(patch: Record<string, unknown>): Record<string, unknown> {
    const ctor = this.constructor as unknown as { schema: S; kind: string };
    const own: Record<string, unknown> = { ...(this._params as Record<string, unknown>) };
    const nested = new Map<string, Record<string, unknown>>();
    const stepsKeyOf = (name: string, src: Record<string, unknown>): string | undefined =>
      Object.keys(ctor.schema).find((k) => nestedKind(ctor.schema, k, src[k]) === 'steps' && (src[k] as unknown[][]).some((s) => s[0] === name));
    // own keys first, so that nested keys apply to replaced estimators / steps
    const replaceSteps = new Map<string, unknown>();
    for (const [k, v] of Object.entries(patch)) {
      if (k.includes('__')) continue;
      if (k in ctor.schema) own[k] = v;
      else if (stepsKeyOf(k, own) !== undefined) replaceSteps.set(k, v);
      else throw new InvalidParameterError(k, `a known parameter (one of ${[...Object.keys(ctor.schema), ...this.nestedNames(own)].join(', ')}) or name__param`, `unknown parameter ${JSON.stringify(k)}`, ctor.kind);
    }
    for (const [k, v] of Object.entries(patch)) {
      const cut = k.indexOf('__');
      if (cut < 0) continue;
      const head = k.slice(0, cut);
      if (!nested.has(head)) nested.set(head, {});
      nested.get(head)![k.slice(cut + 2)] = v;
    }
    for (const [name, e] of replaceSteps) {
      const key = stepsKeyOf(name, own)!;
      own[key] = (own[key] as unknown[][]).map((s) => (s[0] === name ? [s[0], e, ...s.slice(2)] : s));
    }
    for (const [head, sub] of nested) {
      const withSub = (e: unknown, where: string): unknown => {
        if (!isEstimatorLike(e) || typeof e.setParams !== 'function') {
          throw new InvalidParameterError(`${head}__${Object.keys(sub)[0]}`, `a parameter of an estimator (${where} is not an estimator)`, e, ctor.kind);
        }
        const copy = e.clone() as { setParams(p: Record<string, unknown>): unknown };
        copy.setParams(sub);
        return copy;
      };
      if (head in ctor.schema && nestedKind(ctor.schema, head, own[head]) === 'estimator') own[head] = withSub(own[head], `parameter ${JSON.stringify(head)}`);
      else {
        const key = stepsKeyOf(head, own);
        if (key === undefined) {
          throw new InvalidParameterError(`${head}__${Object.keys(sub)[0]}`, `name__param with name an estimator parameter or step (one of ${this.nestedNames(own).join(', ') || 'none'})`, `unknown name ${JSON.stringify(head)}`, ctor.kind);
        }
        own[key] = (own[key] as unknown[][]).map((s) => (s[0] === head ? [s[0], withSub(s[1], `step ${JSON.stringify(head)}`), ...s.slice(2)] : s));
      }
    }
    return own;
  }

  /** Names that `name__param` can address: estimator-valued params and step names. */
  private nestedNames(params: Record<string, unknown>): string[] {
    const schema = (this.constructor as unknown as { schema: S }).schema;
    const names: string[] = [];
    for (const [k, v] of Object.entries(params)) {
      const nested = nestedKind(schema, k, v);
      if (nested === 'estimator') names.push(k);
      else if (nested === 'steps') for (const s of v as [string][]) names.push(s[0]);
    }
    return names;
  }

  /**
   * A new, unfitted estimator with the same parameters plus `patch` (which may use `name__param`
   * keys). Deep, as scikit-learn's `clone`: nested estimators (estimator-valued params and steps)
   * are cloned, RandomState instances copied; values given in `patch` are used as given.
   */
  with(patch: Partial<ParamsOf<S>> & Record<string, unknown> = {}): this {
    const Ctor = this.constructor as new (p: Partial<ParamsOf<S>>) => this;
    const given = new Set(Object.keys(patch).filter((k) => !k.includes('__')));
    const merged = this.routeParams(patch);
    const schema = (this.constructor as unknown as { schema: S }).schema;
    for (const [k, v] of Object.entries(merged)) {
      if (v instanceof RandomState) merged[k] = RandomState.fromState(v.getState());
      else if (!given.has(k) && nestedKind(schema, k, v)) merged[k] = cloneParamValue(v);
    }
    return new Ctor(merged as Partial<ParamsOf<S>>);
  }

  /** Unfitted deep copy with equal parameters (`with({})`). */
  clone(): this {
    return this.with({});
  }

  get isFitted(): boolean {
    return this._state !== null;
  }

  /** Fitted state; throws NotFittedError before fit. */
  protected get fitted(): State {
    if (this._state === null) throw new NotFittedError(this.kind);
    return this._state;
  }

  /** Serialize the fitted state; override for states that need custom encoding. */
  protected encodeState(state: State): unknown {
    return encodeValue(state);
  }

  /** Inverse of encodeState; nested saved models in the state are revived (`reviveValue`). */
  protected decodeState(json: unknown): State {
    return decodeValue(reviveValue(json)) as State;
  }

  toJSON(): SavedModel {
    return {
      format: 'deepmine',
      formatVersion: FORMAT_VERSION,
      kind: this.kind,
      version: LIBRARY_VERSION,
      params: encodeValue(this._params),
      state: this._state === null ? null : this.encodeState(this._state),
    };
  }

  /**
   * Structural checks of a decoded state beyond the registered generic ones (array lengths against
   * declared sizes, index ranges): override where a malformed state could make a later call
   * misbehave. Throw a DataError naming the field.
   */
  protected validateState(_state: State): void {}

  /** Used by loadModel. */
  protected restoreState(json: unknown): void {
    if (json === null) {
      this._state = null;
      return;
    }
    const state = this.decodeState(json);
    checkDecodedState(this.kind, state);
    this.validateState(state);
    this._state = state;
  }

  static restore(est: Estimator<Schema, unknown>, state: unknown): void {
    est.restoreState(state);
  }
}

/**
 * Whether a parameter holds nested estimators: declared in the schema (`p.estimator()` ->
 * 'estimator', `p.steps()` -> 'steps') and actually holding them. Only declared parameters are
 * routed, deep-listed and cloned: an estimator passed as plain data (e.g. the fitted model a
 * SurrogateTree explains, a `p.custom` param) is kept by reference, as before.
 */
function nestedKind(schema: Schema, key: string, v: unknown): 'estimator' | 'steps' | undefined {
  const declared = schema[key]?.nested;
  if (declared === 'estimator') return isEstimatorLike(v) ? 'estimator' : undefined;
  if (declared === 'steps') return Array.isArray(v) && v.every((s) => Array.isArray(s) && typeof s[0] === 'string') ? 'steps' : undefined;
  return undefined;
}

function addNested(out: Record<string, unknown>, name: string, est: { getParams?(o?: unknown): Record<string, unknown> }): void {
  if (typeof est.getParams !== 'function') return;
  for (const [k, v] of Object.entries(est.getParams(true))) out[`${name}__${k}`] = v;
}

/** scikit-learn's `clone` on one parameter value: estimators cloned, RandomState copied, arrays / plain objects (step lists) mapped. */
export function cloneParamValue(v: unknown): unknown {
  if (v instanceof RandomState) return RandomState.fromState(v.getState());
  if (isEstimatorLike(v)) return v.clone();
  if (Array.isArray(v)) return v.map(cloneParamValue);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneParamValue(x)]));
  return v;
}

const revivers = new Map<string, (v: Record<string, unknown>) => unknown>();

/**
 * Register how a tagged JSON object comes back as an object on load (`{ $splitter: ... }` ->
 * a CV splitter, `{ $dist: ... }` -> a distribution). Saved models (`format: 'deepmine'`) need no
 * reviver: `reviveValue` loads them through `loadModel`.
 */
export function registerReviver(tag: string, revive: (v: Record<string, unknown>) => unknown): void {
  revivers.set(tag, revive);
}

/**
 * The one revival path for nested saved values: saved models -> estimators (`loadModel`),
 * registered `$tag` objects -> their objects, recursively through arrays and plain objects.
 * Runs on the raw JSON, before `decodeValue` (which passes the revived objects through).
 * Used by `loadModel` for params and by `decodeState` for fitted state.
 */
export function reviveValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(reviveValue);
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const o = v as Record<string, unknown>;
  if (o.format === 'deepmine' && typeof o.kind === 'string') return loadModel(o as unknown as SavedModel);
  for (const [tag, fn] of revivers) if (tag in o) return fn(o);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reviveValue(x)]));
}

const registry = new Map<string, new (params?: never) => Estimator<Schema, unknown>>();

/** Register an estimator class for `loadModel`. Call once at the bottom of the estimator's module. */
export function registerEstimator(Ctor: { kind: string } & (new (params?: never) => Estimator<Schema, unknown>)): void {
  registry.set(Ctor.kind, Ctor);
}

export function registeredKinds(): string[] {
  return [...registry.keys()].sort();
}

const loaders = new Map<string, (json: Record<string, unknown>) => unknown>();

/** Register a loader for saved models that are not Estimator subclasses (e.g. `Sequential`). */
export function registerLoader(kind: string, load: (json: Record<string, unknown>) => unknown): void {
  loaders.set(kind, load);
}

/**
 * Rebuild an estimator (or any registered model) from `toJSON()` output (an object or its JSON
 * text). The input is treated as untrusted: the envelope, every encoded value and the structure
 * of the state are checked (see `core/modelCheck.ts`), and any failure is a DataError (never a
 * RangeError from deep inside, never an object that hangs later).
 */
export function loadModel<E = Estimator<Schema, unknown>>(saved: SavedModel | string): E {
  let obj: SavedModel;
  try {
    obj = (typeof saved === 'string' ? JSON.parse(saved) : saved) as SavedModel;
  } catch (e) {
    throw new DataError('saved', 'JSON text of a deepmine model', (e as Error).message, 'loadModel');
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj) || obj.format !== 'deepmine') {
    throw new DataError('saved', "a deepmine model (format: 'deepmine')", obj && typeof obj === 'object' ? `format ${JSON.stringify((obj as { format?: unknown }).format)}` : obj, 'loadModel');
  }
  if (!Number.isInteger(obj.formatVersion) || obj.formatVersion < 1) {
    throw new DataError('saved.formatVersion', `an integer in [1, ${FORMAT_VERSION}]`, obj.formatVersion, 'loadModel');
  }
  if (obj.formatVersion > FORMAT_VERSION) {
    throw new DataError('saved.formatVersion', `<= ${FORMAT_VERSION} (upgrade deepmine to read it)`, obj.formatVersion, 'loadModel');
  }
  if (typeof obj.kind !== 'string' || !(loaders.has(obj.kind) || registry.has(obj.kind))) {
    throw new InvalidParameterError('kind', `a registered model kind (one of ${[...registeredKinds(), ...loaders.keys()].sort().join(', ')})`, obj.kind, 'loadModel');
  }
  warnOnVersionMismatch(obj);
  try {
    const loader = loaders.get(obj.kind);
    if (loader) return guardLoaded(loader(obj as unknown as Record<string, unknown>) as object, obj.kind) as E;
    const Ctor = registry.get(obj.kind)!;
    const est = new Ctor(decodeValue(reviveValue(obj.params), 'params') as never);
    Estimator.restore(est, obj.state);
    return guardLoaded(est, obj.kind) as E;
  } catch (e) {
    if (e instanceof DeepmineError) throw e;
    throw new DataError('saved', `a well-formed saved ${obj.kind}`, `${(e as Error)?.name ?? 'error'}: ${(e as Error)?.message ?? String(e)}`, 'loadModel');
  }
}

/**
 * The structural checks cannot prove every field of every estimator's state well-formed, so a
 * loaded model is wrapped: an untyped error (TypeError, RangeError...) raised by one of its
 * methods or getters, which can only come from a malformed saved state, becomes a DataError
 * naming the model kind. Typed errors pass unchanged; `instanceof` and every method work as on
 * the unwrapped estimator (the methods run on the estimator itself, not on the wrapper).
 */
function guardLoaded<T extends object>(est: T, kind: string): T {
  const wrapError = (e: unknown): unknown => (e instanceof DeepmineError || !(e instanceof Error) ? e : new DataError('saved', `a well-formed saved ${kind} (its state looks corrupted)`, `${e.name}: ${e.message}`, 'loadModel'));
  return new Proxy(est, {
    get(target, key) {
      let v: unknown;
      try {
        v = Reflect.get(target, key, target);
      } catch (e) {
        throw wrapError(e);
      }
      if (typeof v !== 'function' || key === 'constructor') return v;
      const fn = v as (...a: unknown[]) => unknown;
      return function (this: unknown, ...args: unknown[]) {
        try {
          const r = fn.apply(target, args);
          return r instanceof Promise ? r.catch((e: unknown) => { throw wrapError(e); }) : r;
        } catch (e) {
          throw wrapError(e);
        }
      };
    },
  });
}

/** scikit-learn's InconsistentVersionWarning: a model saved by another deepmine version still loads, with a warning. */
function warnOnVersionMismatch(obj: { kind?: unknown; version?: unknown }): void {
  if (obj.version !== undefined && obj.version !== LIBRARY_VERSION) {
    warn(new VersionWarning(`loadModel: ${String(obj.kind)} was saved by deepmine ${String(obj.version)} and is loaded by ${LIBRARY_VERSION}; results may differ`));
  }
}

import { DataError, DeepmineError, InvalidParameterError, NotFittedError } from './errors.js';
import { checkDecodedState } from './modelCheck.js';
import { resolveParams, type ParamsOf, type Schema } from './params.js';
import { RandomState } from './random.js';
import { decodeValue, encodeValue } from './serialize.js';

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
  }

  /** The estimator's name (registry key). */
  get kind(): string {
    return (this.constructor as unknown as { kind: string }).kind;
  }

  /** Validated parameters (frozen). */
  get params(): Readonly<ParamsOf<S>> {
    return this._params;
  }

  /** A copy of the parameters. */
  getParams(): ParamsOf<S> {
    return { ...this._params } as ParamsOf<S>;
  }

  /** Change parameters in place (validated) and drop any fitted state; returns this. */
  setParams(patch: Partial<ParamsOf<S>>): this {
    const ctor = this.constructor as unknown as { schema: S; kind: string };
    this._params = resolveParams(ctor.schema, { ...this._params, ...patch }, ctor.kind);
    this._state = null;
    return this;
  }

  /** A new, unfitted estimator with the same parameters plus `patch`. RandomState instances are copied. */
  with(patch: Partial<ParamsOf<S>> = {}): this {
    const Ctor = this.constructor as new (p: Partial<ParamsOf<S>>) => this;
    const merged: Record<string, unknown> = { ...this._params, ...patch };
    for (const [k, v] of Object.entries(merged)) if (v instanceof RandomState) merged[k] = RandomState.fromState(v.getState());
    return new Ctor(merged as Partial<ParamsOf<S>>);
  }

  /** Unfitted copy with equal parameters (`with({})`). */
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

  /** Inverse of encodeState. */
  protected decodeState(json: unknown): State {
    return decodeValue(json) as State;
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
  try {
    const loader = loaders.get(obj.kind);
    if (loader) return guardLoaded(loader(obj as unknown as Record<string, unknown>) as object, obj.kind) as E;
    const Ctor = registry.get(obj.kind)!;
    const est = new Ctor(decodeValue(obj.params, 'params') as never);
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

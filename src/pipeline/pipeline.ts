import { DataError, InvalidParameterError, NotFittedError } from '../core/errors.js';
import { Estimator, registerEstimator, reviveValue, type Capabilities, type SavedModel } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { isEstimatorLike as isCoreEstimatorLike, p, type ParamsOf, type Schema } from '../core/params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEstimator = Estimator<Schema, unknown> & Record<string, any>;
/** A pipeline step: its name and an estimator, or `'passthrough'` / `null` for an identity step. */
export type Step = [name: string, estimator: AnyEstimator | 'passthrough' | null];

/** An object with `fit` and `clone` (the core check, `core/params.ts`). */
export function isEstimatorLike(v: unknown): v is AnyEstimator {
  return isCoreEstimatorLike(v);
}
export function isSavedModel(v: unknown): v is SavedModel {
  return !!v && typeof v === 'object' && (v as SavedModel).format === 'deepmine';
}

/** Estimator or saved-model JSON -> estimator (the core revival path, `reviveValue`). */
export function reviveEstimator<T>(v: T): T | AnyEstimator {
  return isSavedModel(v) ? (reviveValue(v) as AnyEstimator) : v;
}

function checkSteps(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((s) => Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' && (s[1] === null || s[1] === 'passthrough' || isEstimatorLike(s[1])));
}

const schema = {
  steps: p.steps<Step[]>([], 'a non-empty array of [name, estimator | "passthrough" | null] pairs', checkSteps, 'The chained steps; all but the last must be transformers.'),
  verbose: p.bool(false),
};
export type PipelineParams = ParamsOf<typeof schema>;

export interface PipelineState {
  /** fitted copies of the steps (the `steps` parameter itself stays unfitted) */
  steps: Step[];
}

const isIdentity = (e: unknown): e is 'passthrough' | null => e === null || e === 'passthrough';

/**
 * Chain of transformers ending in any estimator (scikit-learn's Pipeline). `fit` fits each step on
 * the output of the previous one; `predict`/`predictProba`/`transform`/`score` pass data through the
 * fitted transformers first. Nested parameters use `step__param`: `setParams({ scaler__withMean: false })`.
 * Fitting never mutates the step objects you passed: fitted copies live in the pipeline's state
 * (`namedSteps` returns them once fitted).
 *
 * @example
 * const pipe = new Pipeline([['scaler', new StandardScaler()], ['clf', new LogisticRegression({ C: 0.5 })]]);
 * pipe.fit(X, y).predict(X);
 * pipe.setParams({ clf__C: 2, scaler__withMean: false });
 * pipe.namedSteps.scaler; // the fitted StandardScaler
 */
export class Pipeline extends Estimator<typeof schema, PipelineState> {
  static override readonly kind = 'Pipeline';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: true, stochastic: false, allowNaN: false };

  constructor(params?: Partial<PipelineParams> | Step[]) {
    const given = Array.isArray(params) ? { steps: params } : { ...(params ?? {}) };
    if (Array.isArray(given.steps)) given.steps = given.steps.map((s) => (Array.isArray(s) ? [s[0], reviveEstimator(s[1])] : s)) as Step[];
    super(given);
  }

  /** The final step's type ('classifier', 'regressor', 'transformer' ...), as scikit-learn's `_estimator_type`. */
  get estimatorType(): string {
    const last = this.params.steps[this.params.steps.length - 1]![1];
    if (isIdentity(last)) return 'transformer';
    const e = last as { estimatorType?: string; constructor: { capabilities?: { type: string } } };
    return e.estimatorType ?? e.constructor.capabilities?.type ?? 'other';
  }

  /** Steps by name: the fitted copies after fit, the given (unfitted) steps before. */
  get namedSteps(): Record<string, AnyEstimator | 'passthrough' | null> {
    const steps = this._state?.steps ?? this.params.steps;
    return Object.fromEntries(steps.map(([n, e]) => [n, e]));
  }

  /** Number of steps. */
  get length(): number {
    return this.params.steps.length;
  }

  /** Step names unique, without '__', not a Pipeline parameter; transformers before the last step (constructor and setParams). */
  protected override checkParams(params: Readonly<PipelineParams>): void {
    validateSteps(params.steps, this.kind);
  }

  private fittedSteps(what: string): Step[] {
    if (this._state === null) throw new NotFittedError(this.kind, what);
    return this._state.steps;
  }

  private transformThrough(steps: Step[], X: unknown): unknown {
    let Xt = X;
    for (const [, e] of steps) if (!isIdentity(e)) Xt = e.transform(Xt);
    return Xt;
  }

  /** Fit the transformers in turn (fitTransform where they have it), then the final estimator. */
  fit(X: unknown, y?: unknown): this {
    this.fitUpToLast(X, y, (last, Xt) => {
      if (!isIdentity(last)) last.fit(Xt, y);
      return Xt;
    });
    return this;
  }

  private fitUpToLast(X: unknown, y: unknown, onLast: (last: AnyEstimator | 'passthrough' | null, Xt: unknown) => unknown): unknown {
    const fitted: Step[] = [];
    let Xt = X;
    const steps = this.params.steps;
    this._state = null;
    for (let s = 0; s < steps.length - 1; s++) {
      const [name, e] = steps[s]!;
      if (isIdentity(e)) { fitted.push([name, e]); continue; }
      const c = e.clone();
      Xt = typeof c.fitTransform === 'function' ? c.fitTransform(Xt, y) : c.fit(Xt, y).transform(Xt);
      fitted.push([name, c]);
    }
    const [lastName, last] = steps[steps.length - 1]!;
    const lastCopy = isIdentity(last) ? last : last.clone();
    const out = onLast(lastCopy, Xt);
    fitted.push([lastName, lastCopy]);
    this._state = { steps: fitted };
    return out;
  }

  /** Fit all steps and return the transformed training data (all steps must be transformers). */
  fitTransform(X: unknown, y?: unknown): Matrix {
    return this.fitUpToLast(X, y, (last, Xt) => {
      if (isIdentity(last)) return Xt;
      if (typeof last.fitTransform !== 'function' && typeof last.transform !== 'function') throw new InvalidParameterError('steps', 'a final transformer for fitTransform()', last.kind, this.kind);
      if (typeof last.fitTransform === 'function') return last.fitTransform(Xt, y);
      return last.fit(Xt, y).transform(Xt);
    }) as Matrix;
  }

  /** Fit all steps and return the final estimator's `fitPredict` (or fit + predict). */
  fitPredict(X: unknown, y?: unknown): unknown {
    return this.fitUpToLast(X, y, (last, Xt) => {
      if (isIdentity(last)) throw new InvalidParameterError('steps', 'a final estimator with predict', 'passthrough', this.kind);
      return typeof last.fitPredict === 'function' ? last.fitPredict(Xt, y) : last.fit(Xt, y).predict(Xt);
    });
  }

  /**
   * Whether the final step offers `method` (scikit-learn's `available_if`): a Pipeline ending in an
   * estimator without `decisionFunction` does not offer one, so scorers fall back to predictProba.
   */
  hasMethod(method: string): boolean {
    const steps = this.isFitted ? this.fittedSteps(method) : this.params.steps;
    const last = steps[steps.length - 1]?.[1];
    return !!last && !isIdentity(last) && typeof (last as Record<string, unknown>)[method] === 'function';
  }

  private final(method: string): [Step[], AnyEstimator] {
    const steps = this.fittedSteps(method);
    const last = steps[steps.length - 1]![1];
    if (isIdentity(last) || typeof last[method] !== 'function') {
      throw new InvalidParameterError('steps', `a final estimator with ${method}()`, isIdentity(last) ? 'passthrough' : last.kind, this.kind);
    }
    return [steps.slice(0, -1), last];
  }

  predict(X: unknown): ArrayLike<number | string> {
    const [head, last] = this.final('predict');
    return last.predict(this.transformThrough(head, X));
  }
  predictProba(X: unknown): Matrix {
    const [head, last] = this.final('predictProba');
    return last.predictProba(this.transformThrough(head, X));
  }
  predictLogProba(X: unknown): Matrix {
    const [head, last] = this.final('predictLogProba');
    return last.predictLogProba(this.transformThrough(head, X));
  }
  decisionFunction(X: unknown): unknown {
    const [head, last] = this.final('decisionFunction');
    return last.decisionFunction(this.transformThrough(head, X));
  }
  /** Apply every step's transform (the last step must be a transformer or passthrough). */
  transform(X: unknown): Matrix {
    const steps = this.fittedSteps('transform');
    const last = steps[steps.length - 1]![1];
    if (!isIdentity(last) && typeof last.transform !== 'function') throw new InvalidParameterError('steps', 'a final transformer for transform()', last.kind, this.kind);
    return this.transformThrough(steps, X) as Matrix;
  }
  inverseTransform(X: unknown): unknown {
    const steps = this.fittedSteps('inverseTransform');
    let Xt = X;
    for (let s = steps.length - 1; s >= 0; s--) {
      const e = steps[s]![1];
      if (isIdentity(e)) continue;
      if (typeof e.inverseTransform !== 'function') throw new InvalidParameterError('steps', 'steps that all have inverseTransform()', e.kind, this.kind);
      Xt = e.inverseTransform(Xt);
    }
    return Xt;
  }
  /** The final estimator's `score` on the transformed X. */
  score(X: unknown, y: unknown): number {
    const [head, last] = this.final('score');
    return last.score(this.transformThrough(head, X), y);
  }
  /** Class labels of the final classifier. */
  get classes(): unknown {
    const steps = this.fittedSteps('classes');
    const last = steps[steps.length - 1]![1];
    if (isIdentity(last) || !('classes' in last)) throw new InvalidParameterError('steps', 'a final classifier (with classes)', isIdentity(last) ? 'passthrough' : last.kind, this.kind);
    return last.classes;
  }

  /** Output feature names, passed through every fitted transformer in turn. */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const steps = this.fittedSteps('getFeatureNamesOut');
    let names = inputFeatures;
    for (const [n, e] of steps) {
      if (isIdentity(e)) continue;
      if (typeof e.getFeatureNamesOut !== 'function') throw new InvalidParameterError('steps', 'transformers with getFeatureNamesOut()', `step ${JSON.stringify(n)} (${e.kind})`, this.kind);
      names = e.getFeatureNamesOut(names);
    }
    if (!names) throw new DataError('inputFeatures', 'names (the pipeline has only passthrough steps)', names, this.kind);
    return names;
  }

  protected override encodeState(s: PipelineState): unknown {
    return { steps: s.steps.map(([n, e]) => [n, isIdentity(e) ? e : e.toJSON()]) };
  }
  protected override decodeState(json: unknown): PipelineState {
    const o = json as { steps: [string, unknown][] };
    return { steps: o.steps.map(([n, e]) => [n, reviveEstimator(e) as AnyEstimator | 'passthrough' | null]) };
  }
}
registerEstimator(Pipeline);

function validateSteps(steps: Step[], owner: string): void {
  const seen = new Set<string>();
  steps.forEach(([name, e], s) => {
    if (seen.has(name)) throw new InvalidParameterError('steps', 'unique step names', `duplicate name ${JSON.stringify(name)}`, owner);
    seen.add(name);
    if (name.includes('__')) throw new InvalidParameterError('steps', "step names without '__'", name, owner);
    if (name in schema) throw new InvalidParameterError('steps', `step names that are not Pipeline parameters (${Object.keys(schema).join(', ')})`, name, owner);
    if (s < steps.length - 1 && !isIdentity(e) && typeof e.transform !== 'function') {
      throw new InvalidParameterError('steps', `transformers (with fit and transform) or 'passthrough' before the last step`, `step ${JSON.stringify(name)} (${e.kind}) has no transform`, owner);
    }
  });
}

/**
 * A Pipeline with steps named after their kinds in lower case (`standardscaler`,
 * `logisticregression`), numbered `-1`, `-2` when a kind repeats (scikit-learn's `make_pipeline`).
 *
 * @example
 * const pipe = makePipeline(new StandardScaler(), new DecisionTreeClassifier({ randomState: 0 }));
 * pipe.setParams({ decisiontreeclassifier__maxDepth: 3 });
 */
export function makePipeline(...steps: (AnyEstimator | 'passthrough' | null)[]): Pipeline {
  return new Pipeline(nameEstimators(steps) as Step[]);
}

/** scikit-learn's `_name_estimators`. */
export function nameEstimators<T>(ests: T[]): [string, T][] {
  const names = ests.map((e) => (typeof e === 'string' ? e : e === null ? 'none' : ((e as { kind?: string }).kind ?? 'estimator').toLowerCase()));
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const used = new Map<string, number>();
  return ests.map((e, i) => {
    const n = names[i]!;
    if (counts.get(n)! > 1) {
      const k = (used.get(n) ?? 0) + 1;
      used.set(n, k);
      return [`${n}-${k}`, e];
    }
    return [n, e];
  });
}


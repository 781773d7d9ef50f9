/**
 * Role interfaces (scikit-learn's ClassifierMixin, RegressorMixin, TransformerMixin, ClusterMixin
 * and the partial_fit protocol) and the behaviour they share, written once.
 *
 * The `score` methods go through the public metrics (`metrics/score.ts`: `classifierScore`,
 * `regressorScore`), which sit above core/; the helpers here need nothing outside core/.
 */
import type { Matrix } from './matrix.js';
import type { Label, MatrixLike } from './validation.js';

/** A fitted-or-not classifier: predicts labels, scores by accuracy. */
export interface Classifier {
  fit(X: MatrixLike, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number> | null): this;
  predict(X: MatrixLike): ArrayLike<Label>;
  /** Accuracy (`accuracyScore`), as scikit-learn's ClassifierMixin.score. */
  score(X: MatrixLike, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number> | null): number;
  predictProba?(X: MatrixLike): Matrix;
  readonly classes: Label[];
}

/** A regressor: predicts numbers, scores by R^2. */
export interface Regressor {
  fit(X: MatrixLike, y: ArrayLike<number>, sampleWeight?: ArrayLike<number> | null): this;
  predict(X: MatrixLike): Float64Array;
  /** R^2 (`r2Score`), as scikit-learn's RegressorMixin.score. */
  score(X: MatrixLike, y: ArrayLike<number>, sampleWeight?: ArrayLike<number> | null): number;
}

/** A transformer: `fitTransform(X, y)` equals `fit(X, y).transform(X)`. */
export interface Transformer<In = MatrixLike, Out = Matrix> {
  fit(X: In, y?: unknown): this;
  transform(X: In): Out;
  fitTransform(X: In, y?: unknown): Out;
}

/** A clusterer: `fitPredict(X)` equals the training labels after `fit(X)`. */
export interface Clusterer {
  fit(X: MatrixLike, ...rest: never[]): this;
  fitPredict(X: MatrixLike, ...rest: never[]): Int32Array;
}

/** An incremental estimator: `partialFit` over a stream of batches. */
export interface Incremental {
  partialFit(X: MatrixLike, ...rest: never[]): this;
}

/** TransformerMixin.fit_transform: `fit(X, y)` then `transform(X)`. Use it when no faster path exists. */
export function fitTransform<Out, In = MatrixLike>(est: { fit(X: In, y?: unknown): unknown; transform(X: In): Out }, X: In, y?: unknown): Out {
  if (y === undefined) est.fit(X);
  else est.fit(X, y);
  return est.transform(X);
}

/** ClusterMixin.fit_predict: fit, then the training labels (`labels`). */
export function fitPredict<O>(est: { fit(X: MatrixLike, opts?: O): unknown; readonly labels: Int32Array }, X: MatrixLike, opts?: O): Int32Array {
  est.fit(X, opts);
  return est.labels;
}

/**
 * Labels from class probabilities: per row the class of the first maximal column (`np.argmax`),
 * as scikit-learn's `classes_[np.argmax(proba, axis=1)]`.
 */
export function predictFromProba<L extends Label>(proba: Matrix, classes: readonly L[]): L[] {
  const out = new Array<L>(proba.rows);
  const k = proba.cols, d = proba.data;
  for (let i = 0; i < proba.rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (d[i * k + c]! > d[i * k + best]!) best = c;
    out[i] = classes[best]!;
  }
  return out;
}

/** Which role an estimator plays, from its capabilities (for suites and tools). */
export function isClassifier(est: unknown): est is Classifier {
  return roleOf(est) === 'classifier';
}
export function isRegressor(est: unknown): est is Regressor {
  return roleOf(est) === 'regressor';
}
function roleOf(est: unknown): string | undefined {
  const ctor = (est as { constructor?: { capabilities?: { type?: string } } } | null)?.constructor;
  return ctor?.capabilities?.type;
}

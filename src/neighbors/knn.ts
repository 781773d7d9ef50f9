import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, checkLabels, checkTarget, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { classifierScore, regressorScore } from '../metrics/score.js';
import { resolveMetric } from './metrics.js';
import { kneighborsOf, makeSearch, searchSchema } from './nearestNeighbors.js';
import type { KNeighborsResult, NeighborSearch } from './search.js';

const knnSchema = {
  nNeighbors: p.int(5, { min: 1, doc: 'Number of neighbours that vote.' }),
  weights: p.oneOf(['uniform', 'distance'] as const, 'uniform', "'uniform' (each neighbour counts 1) or 'distance' (1 / distance; exact matches take all the weight)."),
  ...searchSchema,
};
export type KNeighborsParams = ParamsOf<typeof knnSchema>;

/**
 * Neighbour weights of one query row as scikit-learn's `_get_weights`: 1 for 'uniform';
 * 1 / distance for 'distance', except that a row with a zero distance gives weight 1 to its
 * zero-distance neighbours and 0 to the others.
 */
function rowWeights(res: KNeighborsResult, i: number, mode: 'uniform' | 'distance', out: Float64Array): void {
  const k = res.nNeighbors;
  if (mode === 'uniform') { out.fill(1); return; }
  const D = res.distances.data;
  let zero = false;
  for (let t = 0; t < k; t++) if (D[i * k + t] === 0) zero = true;
  for (let t = 0; t < k; t++) {
    const dv = D[i * k + t]!;
    out[t] = zero ? (dv === 0 ? 1 : 0) : 1 / dv;
  }
}

interface KnnBaseState {
  X: Matrix;
  nFeatures: number;
}

abstract class KNeighborsBase<S extends KnnBaseState> extends Estimator<typeof knnSchema, S> {
  private search: NeighborSearch | null = null;
  private searchFor: S | null = null;

  protected index(): NeighborSearch {
    const s = this.fitted;
    if (this.searchFor !== s) {
      this.search = makeSearch(s.X, this.params, this.kind);
      this.searchFor = s;
    }
    return this.search!;
  }

  protected checkFitX(X: MatrixLike): Matrix {
    const m = checkArray(X, { owner: this.kind, copy: true });
    resolveMetric(this.params.metric, this.params.p, this.kind);
    return m;
  }

  /** The nearest fitted rows of each row of X (or of the fitted rows themselves, each leaving itself out, when X is null). */
  kneighbors(X: MatrixLike | null = null, opts: { nNeighbors?: number } = {}): KNeighborsResult {
    return kneighborsOf(this.kind, this.index(), this.fitted.nFeatures, X, opts.nNeighbors ?? this.params.nNeighbors);
  }
}

export interface KNeighborsClassifierState extends KnnBaseState {
  classes: Label[];
  y: Int32Array;
}

/**
 * k-nearest-neighbours vote (scikit-learn's KNeighborsClassifier), on the KD-tree /
 * brute-force search of {@link NearestNeighbors}. Probabilities are the (weighted) class
 * shares among the k neighbours; `predict` takes the largest, the lowest class on ties.
 * Equal distances at the k-th place keep the lower training index (scikit-learn's brute search).
 *
 * @example
 * const knn = new KNeighborsClassifier({ nNeighbors: 3 }).fit([[0], [1], [2], [10], [11]], ['a', 'a', 'a', 'b', 'b']);
 * knn.predict([[1.5], [10.5]]); // ['a', 'b']
 * knn.predictProba([[9]]).row(0); // [1/3, 2/3]
 */
export class KNeighborsClassifier extends KNeighborsBase<KNeighborsClassifierState> {
  static override readonly kind = 'KNeighborsClassifier';
  static override readonly schema = knnSchema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<KNeighborsParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike): this {
    const m = this.checkFitX(X);
    const { classes, encoded } = checkLabels(y, m.rows, { owner: this.kind });
    this._state = { X: m, nFeatures: m.cols, classes, y: encoded };
    return this;
  }

  get classes(): Label[] {
    return this.fitted.classes;
  }

  /** Summed neighbour weights per class (unnormalised). */
  private votes(X: MatrixLike): Matrix {
    const s = this.fitted;
    const res = this.kneighbors(X);
    const k = res.nNeighbors;
    const nq = res.distances.rows;
    const out = Matrix.zeros(nq, s.classes.length);
    const w = new Float64Array(k);
    for (let i = 0; i < nq; i++) {
      rowWeights(res, i, this.params.weights, w);
      const row = out.row(i);
      for (let t = 0; t < k; t++) row[s.y[res.indices[i * k + t]!]!]! += w[t]!;
    }
    return out;
  }

  /** Class probabilities, columns in `classes` order. */
  predictProba(X: MatrixLike): Matrix {
    const P = this.votes(X);
    for (let i = 0; i < P.rows; i++) {
      const row = P.row(i);
      let z = 0;
      for (let c = 0; c < row.length; c++) z += row[c]!;
      if (z === 0) z = 1;
      for (let c = 0; c < row.length; c++) row[c]! /= z;
    }
    return P;
  }

  predict(X: MatrixLike): Label[] {
    const s = this.fitted;
    const V = this.votes(X);
    const out: Label[] = new Array(V.rows);
    for (let i = 0; i < V.rows; i++) {
      const row = V.row(i);
      let best = 0;
      for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
      out[i] = s.classes[best]!;
    }
    return out;
  }

  /** Accuracy on (X, y). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    return classifierScore(y as ArrayLike<Label>, this.predict(X), sampleWeight);
  }
}
registerEstimator(KNeighborsClassifier);

export interface KNeighborsRegressorState extends KnnBaseState {
  y: Float64Array;
}

/**
 * k-nearest-neighbours regression (scikit-learn's KNeighborsRegressor): the mean of the
 * neighbours' targets, or their 1 / distance weighted mean.
 *
 * @example
 * const knn = new KNeighborsRegressor({ nNeighbors: 2 }).fit([[0], [1], [2], [3]], [0, 1, 2, 3]);
 * knn.predict([[1.4]]); // Float64Array [1.5]
 */
export class KNeighborsRegressor extends KNeighborsBase<KNeighborsRegressorState> {
  static override readonly kind = 'KNeighborsRegressor';
  static override readonly schema = knnSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: false, allowNaN: false };

  constructor(params: Partial<KNeighborsParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike): this {
    const m = this.checkFitX(X);
    const t = checkTarget(y, m.rows, { owner: this.kind });
    this._state = { X: m, nFeatures: m.cols, y: t };
    return this;
  }

  predict(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const res = this.kneighbors(X);
    const k = res.nNeighbors;
    const nq = res.distances.rows;
    const out = new Float64Array(nq);
    const w = new Float64Array(k);
    for (let i = 0; i < nq; i++) {
      if (this.params.weights === 'uniform') {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += s.y[res.indices[i * k + t]!]!;
        out[i] = sum / k;
      } else {
        rowWeights(res, i, 'distance', w);
        let num = 0;
        let den = 0;
        for (let t = 0; t < k; t++) { num += s.y[res.indices[i * k + t]!]! * w[t]!; den += w[t]!; }
        out[i] = num / den;
      }
    }
    return out;
  }

  /** Coefficient of determination R^2 on (X, y). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    const pred = this.predict(X);
    return regressorScore(checkTarget(y, pred.length, { owner: this.kind }), pred, 1, sampleWeight);
  }
}
registerEstimator(KNeighborsRegressor);

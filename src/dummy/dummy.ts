import { InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState } from '../core/random.js';
import { predictFromProba } from '../core/roles.js';
import { checkSampleWeight } from '../core/sampleWeight.js';
import { checkArray, checkLabels, checkTarget, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { classifierScore, regressorScore } from '../metrics/score.js';

const classifierSchema = {
  strategy: p.oneOf(['prior', 'most_frequent', 'stratified', 'uniform', 'constant'] as const, 'prior', 'How predictions are made, as scikit-learn DummyClassifier.'),
  randomState: p.randomState(),
  constant: p.nullable(p.custom<Label>(0, 'a number or string label', (v) => typeof v === 'number' || typeof v === 'string')),
};
export type DummyClassifierParams = ParamsOf<typeof classifierSchema>;
export interface DummyClassifierState {
  classes: Label[];
  classPrior: Float64Array;
  nFeatures: number;
}

/**
 * Baseline classifier ignoring X (scikit-learn's DummyClassifier). Also the estimator that
 * the conformance suite checks itself against.
 *
 * @example
 * const clf = new DummyClassifier({ strategy: 'most_frequent' }).fit([[0], [1], [2]], ['a', 'b', 'b']);
 * clf.predict([[5]]); // ['b']
 */
export class DummyClassifier extends Estimator<typeof classifierSchema, DummyClassifierState> {
  static override readonly kind = 'DummyClassifier';
  static override readonly schema = classifierSchema;
  static override readonly capabilities: Capabilities = { type: 'classifier', supervised: true, stochastic: true, allowNaN: true };

  constructor(params: Partial<DummyClassifierParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): this {
    const m = checkArray(X, { owner: this.kind, allowNaN: true });
    const { classes, encoded } = checkLabels(y, m.rows, { owner: this.kind });
    sampleWeight = checkSampleWeight(sampleWeight, m.rows, this.kind);
    const prior = new Float64Array(classes.length);
    let total = 0;
    for (let i = 0; i < encoded.length; i++) {
      const w = sampleWeight ? sampleWeight[i]! : 1;
      prior[encoded[i]!]! += w;
      total += w;
    }
    for (let k = 0; k < prior.length; k++) prior[k]! /= total;
    if (this.params.strategy === 'constant' && (this.params.constant === null || !classes.includes(this.params.constant))) {
      throw new InvalidParameterError('constant', `one of the classes [${classes.join(', ')}]`, this.params.constant, this.kind);
    }
    this._state = { classes, classPrior: prior, nFeatures: m.cols };
    return this;
  }

  get classes(): Label[] {
    return this.fitted.classes;
  }

  predictProba(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures });
    const k = s.classes.length;
    const out = Matrix.zeros(m.rows, k);
    const rng = checkRandomState(this.params.randomState);
    const mode = argmax(s.classPrior);
    for (let i = 0; i < m.rows; i++) {
      const row = out.row(i);
      switch (this.params.strategy) {
        case 'prior': row.set(s.classPrior); break;
        case 'most_frequent': row[mode] = 1; break;
        case 'uniform': row.fill(1 / k); break;
        case 'constant': row[s.classes.indexOf(this.params.constant!)] = 1; break;
        case 'stratified': row[rng.choice(k, 1, { p: s.classPrior })[0]!] = 1; break;
      }
    }
    return out;
  }

  predict(X: MatrixLike): Label[] {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures });
    if (this.params.strategy === 'uniform') {
      const rng = checkRandomState(this.params.randomState);
      return Array.from(rng.randint(0, s.classes.length, m.rows), (k) => s.classes[k]!);
    }
    return predictFromProba(this.predictProba(m), s.classes);
  }

  /** Accuracy on (X, y) (the public `accuracyScore`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    return classifierScore(y as ArrayLike<Label>, this.predict(X), sampleWeight);
  }
}
registerEstimator(DummyClassifier);

const regressorSchema = {
  strategy: p.oneOf(['mean', 'median', 'constant'] as const, 'mean'),
  constant: p.nullable(p.num(0)),
};
export type DummyRegressorParams = ParamsOf<typeof regressorSchema>;

/** Baseline regressor predicting the training mean/median or a constant (scikit-learn's DummyRegressor). */
export class DummyRegressor extends Estimator<typeof regressorSchema, { constant: number; nFeatures: number }> {
  static override readonly kind = 'DummyRegressor';
  static override readonly schema = regressorSchema;
  static override readonly capabilities: Capabilities = { type: 'regressor', supervised: true, stochastic: false, allowNaN: true };

  constructor(params: Partial<DummyRegressorParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike, y: LabelsLike): this {
    const m = checkArray(X, { owner: this.kind, allowNaN: true });
    const t = checkTarget(y, m.rows, { owner: this.kind });
    if (this.params.strategy === 'constant' && this.params.constant === null) {
      // scikit-learn: "Constant target value has to be specified when the constant strategy is used."
      throw new InvalidParameterError('constant', "a number when strategy is 'constant'", null, this.kind);
    }
    let c: number;
    if (this.params.strategy === 'mean') c = t.reduce((a, b) => a + b, 0) / t.length;
    else if (this.params.strategy === 'median') {
      const s = Float64Array.from(t).sort();
      const h = s.length >> 1;
      c = s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
    } else c = this.params.constant!;
    this._state = { constant: c, nFeatures: m.cols };
    return this;
  }

  predict(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, allowNaN: true, nFeatures: s.nFeatures });
    return new Float64Array(m.rows).fill(s.constant);
  }

  /** Coefficient of determination R^2 on (X, y) (the public `r2Score`). */
  score(X: MatrixLike, y: LabelsLike, sampleWeight?: ArrayLike<number> | null): number {
    const pred = this.predict(X);
    return regressorScore(checkTarget(y, pred.length, { owner: this.kind }), pred, 1, sampleWeight);
  }
}
registerEstimator(DummyRegressor);

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import type { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, checkLabels, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { permutationImportanceSync, type PermutableModel } from '../explain/permutation.js';
import { MLPClassifier, MLPRegressor } from '../nn/mlp.js';
import { DTYPES, type DType } from '../nn/dtype.js';
import { DEFAULT_DTYPE, Sequential } from '../nn/sequential.js';
import { featureNamesIn, namesOf } from '../preprocessing/_base.js';

/** What NetFeatureSelector ranks: an MLP estimator (fitted or not) or a trained Sequential. */
export type SelectableNet = MLPClassifier | MLPRegressor | Sequential;

const schema = {
  estimator: p.custom<SelectableNet | null>(null, 'null, an MLPClassifier / MLPRegressor (fitted or not) or a trained Sequential',
    (v) => v === null || v instanceof MLPClassifier || v instanceof MLPRegressor || v instanceof Sequential,
    'The net whose inputs are ranked. null trains an MLPClassifier or MLPRegressor (see task) with hiddenLayerSizes / maxIter / randomState. An unfitted MLP is cloned and fitted on (X, y).'),
  method: p.oneOf(['gradient', 'permutation'] as const, 'gradient',
    "'gradient': mean over rows of |d output / d x_j * x_j| (gradient x input; output = the predicted class's output unit, or the single output); 'permutation': permutationImportance's mean drop in score (needs y)."),
  k: p.custom<number | 'all'>(10, "'all', an integer >= 1 or a fraction in (0, 1)", (v) => v === 'all' || (typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))),
    'Features kept: a count, a fraction of the inputs (rounded up), or all.'),
  task: p.oneOf(['auto', 'classification', 'regression'] as const, 'auto', "Internal net only: 'auto' = classification when y has strings or at most 20 distinct integers."),
  hiddenLayerSizes: p.custom<number[]>([32], 'an array of integers >= 1', (v) => Array.isArray(v) && v.every((u) => Number.isInteger(u) && u >= 1)),
  maxIter: p.int(200, { min: 1, doc: 'Internal net only: epochs.' }),
  dtype: p.oneOf(DTYPES as readonly DType[], DEFAULT_DTYPE, 'Internal net only: precision of its weights, gradients and optimizer state (Float32Array or Float64Array).'),
  nRepeats: p.int(5, { min: 1, doc: "'permutation': shuffles per column." }),
  scoring: p.nullable(p.str('accuracy'), null),
  randomState: p.randomState(),
};
export type NetFeatureSelectorParams = ParamsOf<typeof schema>;

export interface NetFeatureSelectorState {
  /** Importance per input feature (length nFeatures). */
  scores: Float64Array;
  support: Uint8Array;
  featureNamesIn: string[] | null;
}

/**
 * Keeps the `k` inputs a neural net relies on most (SelectKBest's API: `getSupport`,
 * `transform`, `getFeatureNamesOut`, `scores`). Ranks by gradient x input from the net's own
 * backward pass (`Sequential.backwardLayers`), or by permutation importance
 * (`permutationImportance`, scikit-learn's algorithm). Ties keep the later column, as
 * SelectKBest (`argsort(scores, kind='mergesort')[-k:]`).
 *
 * @example
 * const sel = new NetFeatureSelector({ k: 5, method: 'gradient', randomState: 0 }).fit(Xscaled, y);
 * sel.getFeatureNamesOut(featureNames); sel.scores; const X5 = sel.transform(Xscaled);
 */
export class NetFeatureSelector extends Estimator<typeof schema, NetFeatureSelectorState> {
  static override readonly kind = 'NetFeatureSelector';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'transformer', supervised: true, stochastic: true, allowNaN: false };
  constructor(params: Partial<NetFeatureSelectorParams> = {}) { super(params); }

  fit(X: MatrixLike, y?: LabelsLike): this {
    const ps = this.params;
    const owner = this.kind;
    const m = checkArray(X, { owner });
    const d = m.cols;
    let net = ps.estimator;
    const needY = net === null || ps.method === 'permutation' || (!(net instanceof Sequential) && !net.isFitted);
    if (needY && (y === undefined || y === null)) throw new DataError('y', `targets (needed to ${ps.method === 'permutation' ? "score the permuted inputs" : 'train the net'})`, y, owner);
    if (net === null) net = this.internalNet(m, y!);
    else if (!(net instanceof Sequential) && !net.isFitted) net = (net.clone() as MLPClassifier).fit(m, y!);
    const seq = net instanceof Sequential ? net : (net as MLPClassifier).network;
    const width = seq.layers[0]?.inputDim ?? 0;
    if (!width) throw new InvalidParameterError('estimator', 'a trained net (call fit() or build() first)', 'an unbuilt Sequential', owner);
    if (width !== d) throw new ShapeError('estimator', `a net with ${d} inputs (the columns of X)`, `a net with ${width} inputs`, owner);
    const scores = ps.method === 'gradient' ? gradientTimesInput(seq, m) : this.permutationScores(net, m, y!);
    const kk = ps.k === 'all' ? d : ps.k < 1 ? Math.ceil(ps.k * d) : ps.k;
    if (kk > d) throw new InvalidParameterError('k', `at most nFeatures=${d} (or 'all')`, ps.k, owner);
    this._state = { scores, support: topK(scores, kk), featureNamesIn: namesOf(X) };
    return this;
  }

  private internalNet(m: Matrix, y: LabelsLike): MLPClassifier | MLPRegressor {
    const ps = this.params;
    const opts = { hiddenLayerSizes: ps.hiddenLayerSizes, maxIter: ps.maxIter, randomState: ps.randomState, dtype: ps.dtype };
    const { classes } = checkLabels(y, m.rows, { owner: this.kind });
    const cls = ps.task === 'classification' || (ps.task === 'auto' && (classes.some((c) => typeof c === 'string') || (classes.length <= 20 && classes.every((c) => Number.isInteger(c)))));
    return cls ? new MLPClassifier(opts).fit(m, y) : new MLPRegressor(opts).fit(m, y);
  }

  private permutationScores(net: SelectableNet, m: Matrix, y: LabelsLike): Float64Array {
    const ps = this.params;
    let model: PermutableModel = net as PermutableModel;
    if (net instanceof Sequential) {
      // score = -loss of the compiled net (higher is better), as the permutation scorer expects
      model = { predict: (A: Matrix) => net.predict(A).data, score: (A: Matrix, t: never) => -net.evaluate(A, t as unknown as ArrayLike<number>).loss };
    }
    const r = permutationImportanceSync(model, m, y as ArrayLike<Label>, { nRepeats: ps.nRepeats, randomState: ps.randomState ?? undefined, scoring: net instanceof Sequential ? null : ps.scoring });
    return r.importancesMean;
  }

  /** Importance per input feature. */
  get scores(): Float64Array { return this.fitted.scores; }

  /** Boolean mask of kept features, or their indices. */
  getSupport(indices = false): Uint8Array | Int32Array {
    const s = this.fitted.support;
    return indices ? Int32Array.from(Array.from(s).flatMap((v, j) => (v ? [j] : []))) : s.slice();
  }

  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    return checkArray(X, { owner: this.kind, nFeatures: s.support.length }).takeCols(this.getSupport(true));
  }

  fitTransform(X: MatrixLike, y?: LabelsLike): Matrix { return this.fit(X, y).transform(X); }

  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    const s = this.fitted;
    return featureNamesIn(this.kind, s.support.length, s.featureNamesIn, inputFeatures).filter((_, j) => s.support[j]);
  }
}
registerEstimator(NetFeatureSelector);

export function netFeatureSelector(params: Partial<NetFeatureSelectorParams> = {}): NetFeatureSelector {
  return new NetFeatureSelector(params);
}

/**
 * Mean over rows of |g_ij * x_ij| where g_i is the gradient, w.r.t. the input row x_i, of the
 * output unit the net predicts for that row (argmax for several outputs, the only unit otherwise),
 * computed by one inference-mode forward and backward pass of the whole net.
 */
export function gradientTimesInput(net: Sequential, m: Matrix): Float64Array {
  const n = m.rows, d = m.cols;
  const out = net.forwardLayers(m.data, n, {});
  const u = out.length / n;
  const g = new Float64Array(n * u);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let j = 1; j < u; j++) if (out[i * u + j]! > out[i * u + b]!) b = j;
    g[i * u + b] = 1;
  }
  const gx = net.backwardLayers(g, n, { inputGrad: true });
  const s = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) s[j]! += Math.abs(gx[i * d + j]! * m.data[i * d + j]!);
  for (let j = 0; j < d; j++) s[j]! /= n;
  return s;
}

/** SelectKBest's rule: the last k of a stable ascending argsort. */
function topK(scores: Float64Array, k: number): Uint8Array {
  const idx = Array.from(scores.keys()).sort((a, b) => (scores[a]! - scores[b]!) || a - b);
  const support = new Uint8Array(scores.length);
  for (const j of idx.slice(idx.length - k)) support[j] = 1;
  return support;
}

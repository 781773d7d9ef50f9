/**
 * IsolationForest, scikit-learn 1.2.1's algorithm draw for draw (`sklearn/ensemble/_iforest.py`
 * on top of `_bagging.py`): same trees, same scores for the same `randomState`.
 */
import { InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { quantileSorted } from '../core/numeric.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState, RandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { sampleWithoutReplacement } from '../modelSelection/paramGrid.js';
import { applyTree, checkSampleWeight, fitTree, RAND_R_MAX, resolveTreeSpec, toColumnMajorF32 } from '../tree/base.js';
import { TREE_LEAF, type TreeArrays } from '../tree/splitter.js';

/** numpy's `np.iinfo(np.int32).max`, the bound of BaseBagging's per-estimator seeds. */
const MAX_INT = 2147483647;

const schema = {
  nEstimators: p.int(100, { min: 1, doc: 'Number of isolation trees.' }),
  maxSamples: p.anyOf<'auto' | number>('auto', [p.oneOf(['auto'] as const, 'auto'), p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true })],
    "Rows drawn per tree: 'auto' = min(256, n), an integer count (clipped to n), or a fraction in (0, 1) of n. The number 1 means one row; use 'auto' or an explicit count for all rows."),
  contamination: p.anyOf<'auto' | number>('auto', [p.oneOf(['auto'] as const, 'auto'), p.num(0.1, { min: 0, max: 0.5, minExclusive: true })],
    "Expected share of outliers, in (0, 0.5]: sets `offset` to that percentile of the training scores. 'auto': offset -0.5 (the original paper's threshold)."),
  maxFeatures: p.nullable(p.anyOf<number>(1, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true })],
    'Features per tree: an integer count, a fraction in (0, 1) of them, or null for all (scikit-learn\'s 1.0).'), null),
  bootstrap: p.bool(false, 'Draw each tree\'s rows with replacement.'),
  randomState: p.randomState(),
};
export type IsolationForestParams = ParamsOf<typeof schema>;

export interface IsolationForestState {
  nFeatures: number;
  /** rows per tree actually used (scikit-learn's `max_samples_`) */
  maxSamples: number;
  /** features per tree (scikit-learn's `_max_features`) */
  maxFeatures: number;
  /** one tree per estimator (nodes numbered depth-first as scikit-learn's `tree_`) */
  trees: TreeArrays[];
  /** column indices each tree was grown on (scikit-learn's `estimators_features_`), nEstimators x maxFeatures */
  features: Int32Array[];
  /** per-estimator seeds (scikit-learn's `_seeds`) */
  seeds: Float64Array;
  /** threshold on scoreSamples: decisionFunction = scoreSamples - offset */
  offset: number;
}

/**
 * Isolation forest outlier detector (Liu et al. 2008), scikit-learn 1.2.1's `IsolationForest`
 * reproduced draw for draw: the per-tree seeds (`randint(2**31 - 1)`, then `_set_random_states`), the row and feature
 * subsamples (`sample_without_replacement`), the random target `uniform(size=n)` and each
 * `ExtraTreeRegressor(max_features=1, splitter='random', max_depth=ceil(log2(maxSamples)))`
 * (grown by deepmine's scikit-learn-identical tree builder), and the path-length score with
 * scikit-learn's operation order, so `scoreSamples` matches scikit-learn's to rounding.
 *
 * Detector API as scikit-learn's: `scoreSamples` (the lower, the more abnormal; in [-1, 0]),
 * `decisionFunction = scoreSamples - offset` (negative for outliers), `predict` 1 inlier / -1
 * outlier. With `contamination: 'auto'` `offset` is -0.5; with a fraction c it is the c-th
 * percentile of the training scores.
 *
 * JavaScript has no 1.0 vs 1: `maxFeatures: null` (default) is scikit-learn's 1.0 (all
 * features), and `maxSamples` / `maxFeatures` fractions lie in (0, 1).
 *
 * @example
 * const iso = new IsolationForest({ randomState: 0 }).fit([[0], [0.1], [-0.1], [0.05], [8]]);
 * iso.predict([[0], [8]]); // Int32Array [1, -1]
 */
export class IsolationForest extends Estimator<typeof schema, IsolationForestState> {
  static override readonly kind = 'IsolationForest';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: false, stochastic: true, allowNaN: false };

  constructor(params: Partial<IsolationForestParams> = {}) {
    super(params);
  }

  /** Grow the forest on X (y is ignored; sampleWeight as scikit-learn's, multiplied into the row draw). */
  fit(X: MatrixLike, _y?: unknown, sampleWeight?: ArrayLike<number> | null): this {
    const owner = this.kind;
    const P = this.params;
    const m = checkArray(X, { owner });
    const n = m.rows, d = m.cols;
    const sw0 = sampleWeight == null ? null : checkSampleWeight(sampleWeight, n, owner);
    // IsolationForest.fit: the random regression target, drawn first
    const rnd = checkRandomState(P.randomState, 'randomState', owner);
    const y = rnd.uniform(0, 1, n);
    const maxSamples = P.maxSamples === 'auto' ? Math.min(256, n) : Number.isInteger(P.maxSamples) ? Math.min(P.maxSamples, n) : Math.trunc(P.maxSamples * n);
    if (maxSamples < 1) throw new InvalidParameterError('maxSamples', `a fraction giving at least 1 of the ${n} rows`, P.maxSamples, owner);
    const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
    // BaseBagging._fit: a second check_random_state (a fresh generator for an integer seed)
    const rs = checkRandomState(P.randomState, 'randomState', owner);
    const mf = P.maxFeatures === null ? d : Number.isInteger(P.maxFeatures) ? P.maxFeatures : Math.trunc(P.maxFeatures * d);
    if (mf > d) throw new InvalidParameterError('maxFeatures', `<= the number of features ${d}`, P.maxFeatures, owner);
    const maxFeatures = Math.max(1, mf);
    const subsample = maxFeatures !== d;
    const seeds = rs.randint(0, MAX_INT, P.nEstimators);
    const spec = resolveTreeSpec({
      splitter: 'random', maxDepth, minSamplesSplit: 2, minSamplesLeaf: 1, minWeightFractionLeaf: 0, maxFeatures: 1,
      maxLeafNodes: null, minImpurityDecrease: 0, ccpAlpha: 0, maxBins: 255,
    }, 'squared_error', n, maxFeatures, owner);
    const XcAll = subsample ? null : toColumnMajorF32(m);
    const target = { kind: 'reg' as const, y, nOutputs: 1 };
    const trees: TreeArrays[] = [];
    const features: Int32Array[] = [];
    for (let t = 0; t < P.nEstimators; t++) {
      const seed = seeds[t]!;
      // _generate_bagging_indices: features first, then rows, from RandomState(seed)
      const r = new RandomState(seed);
      const feats = sampleWithoutReplacement(d, maxFeatures, r);
      const rows = P.bootstrap ? r.randint(0, n, maxSamples) : sampleWithoutReplacement(n, maxSamples, r);
      const sw = sw0 ? Float64Array.from(sw0) : new Float64Array(n).fill(1);
      if (P.bootstrap) {
        const counts = new Float64Array(n);
        for (let k = 0; k < rows.length; k++) counts[rows[k]!]! += 1;
        for (let i = 0; i < n; i++) sw[i]! *= counts[i]!;
      } else {
        const keep = new Uint8Array(n);
        for (let k = 0; k < rows.length; k++) keep[rows[k]!] = 1;
        for (let i = 0; i < n; i++) if (!keep[i]) sw[i] = 0;
      }
      const Xc = XcAll ?? toColumnMajorF32(m.takeCols(feats));
      // _make_estimator -> _set_random_states: the tree's random_state is RandomState(seed).randint(MAX_INT);
      // its fit then seeds our_rand_r with RandomState(that).randint(0, RAND_R_MAX)
      const treeSeed = new RandomState(new RandomState(seed).randint(0, MAX_INT)).randint(0, RAND_R_MAX);
      trees.push(fitTree({ n, d: maxFeatures, Xc }, target, sw, spec, treeSeed));
      features.push(feats);
    }
    this._state = { nFeatures: d, maxSamples, maxFeatures, trees, features, seeds, offset: -0.5 };
    if (P.contamination !== 'auto') {
      const sorted = this.scoreSamplesOf(m).sort();
      // np.percentile(scores, 100 * contamination): q = (100 * c) / 100
      this._state.offset = quantileSorted(sorted, (100 * P.contamination) / 100);
    }
    return this;
  }

  /** Threshold on `scoreSamples` (-0.5 for contamination 'auto'). */
  get offset(): number { return this.fitted.offset; }
  /** Rows per tree actually used. */
  get maxSamplesUsed(): number { return this.fitted.maxSamples; }
  /** The fitted trees' arrays (scikit-learn's `estimators_[i].tree_`). */
  get trees(): TreeArrays[] { return this.fitted.trees; }
  /** Feature indices of each tree (scikit-learn's `estimators_features_`). */
  get estimatorsFeatures(): Int32Array[] { return this.fitted.features; }

  /**
   * Opposite of the anomaly score of Liu et al.: -2^(-E[h(x)] / c(maxSamples)), where h is the
   * depth of x's leaf plus c(leaf size). In [-1, 0]; the lower, the more abnormal.
   */
  scoreSamples(X: MatrixLike): Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return this.scoreSamplesOf(m);
  }

  private scoreSamplesOf(m: Matrix): Float64Array {
    const s = this.fitted;
    const n = m.rows;
    const depths = new Float64Array(n);
    const subsample = s.maxFeatures !== s.nFeatures;
    for (let t = 0; t < s.trees.length; t++) {
      const tree = s.trees[t]!;
      const Xs = subsample ? m.takeCols(s.features[t]!) : m;
      const leaves = applyTree(tree, Xs.data, n, Xs.cols);
      const pathNodes = nodePathLengths(tree);
      const apl = new Float64Array(tree.nodeCount);
      for (let k = 0; k < tree.nodeCount; k++) apl[k] = averagePathLength(tree.nNodeSamples[k]!);
      // depths += node_indicator.sum(axis=1) + _average_path_length(n_samples_leaf) - 1.0
      for (let i = 0; i < n; i++) { const l = leaves[i]!; depths[i]! += pathNodes[l]! + apl[l]! - 1.0; }
    }
    const denominator = s.trees.length * averagePathLength(s.maxSamples);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = -(2 ** -(denominator !== 0 ? depths[i]! / denominator : 1));
    return out;
  }

  /** scoreSamples - offset: negative for outliers, positive for inliers. */
  decisionFunction(X: MatrixLike): Float64Array {
    const off = this.fitted.offset;
    return this.scoreSamples(X).map((v) => v - off);
  }

  /** 1 for inliers, -1 for outliers (decisionFunction < 0). */
  predict(X: MatrixLike): Int32Array {
    const dec = this.decisionFunction(X);
    return Int32Array.from(dec, (v) => (v < 0 ? -1 : 1));
  }

  fitPredict(X: MatrixLike): Int32Array {
    return this.fit(X).predict(X);
  }
}
registerEstimator(IsolationForest);

/** Number of nodes on the root-to-node path of every node (depth + 1), scikit-learn's decision_path row sums. */
function nodePathLengths(t: TreeArrays): Int32Array {
  const out = new Int32Array(t.nodeCount);
  out[0] = 1;
  // nodes are numbered depth-first, parents before children
  for (let k = 0; k < t.nodeCount; k++) {
    const l = t.childrenLeft[k]!;
    if (l === TREE_LEAF) continue;
    out[l] = out[k]! + 1;
    out[t.childrenRight[k]!] = out[k]! + 1;
  }
  return out;
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * Average path length of an unsuccessful search in a binary search tree of n nodes, c(n) of Liu et
 * al. (scikit-learn's `_average_path_length`): 0 for n <= 1, 1 for n = 2, else
 * 2 (ln(n - 1) + gamma) - 2 (n - 1) / n.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2.0 * (Math.log(n - 1.0) + EULER_GAMMA) - (2.0 * (n - 1.0)) / n;
}

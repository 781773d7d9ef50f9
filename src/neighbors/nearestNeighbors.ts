import { InvalidParameterError } from '../core/errors.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import type { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { METRICS, resolveMetric, type NeighborMetric } from './metrics.js';
import { NeighborSearch, type Algorithm, type KNeighborsResult, type RadiusNeighborsResult } from './search.js';

/** Schema entries shared by every neighbour-based estimator (scikit-learn's NeighborsBase). */
export const searchSchema = {
  algorithm: p.oneOf(['auto', 'kd_tree', 'brute'] as const, 'auto', "'kd_tree', 'brute', or 'auto' (KD-tree up to 15 features, as scikit-learn)."),
  leafSize: p.int(30, { min: 1, doc: 'Points per KD-tree leaf (between leafSize and 2 * leafSize).' }),
  metric: p.oneOf(METRICS as readonly NeighborMetric[], 'minkowski', "Distance: 'minkowski' (with p), 'euclidean', 'manhattan', 'chebyshev' or 'cosine'."),
  p: p.custom<number>(2, 'a number >= 1 or Infinity', (v) => typeof v === 'number' && v >= 1, 'Minkowski power (1 manhattan, 2 euclidean, Infinity chebyshev).'),
};

/** Build the search index for fitted rows from search params. */
export function makeSearch(X: Matrix, params: { algorithm: Algorithm; leafSize: number; metric: string; p: number }, owner: string): NeighborSearch {
  return new NeighborSearch(X, { metric: resolveMetric(params.metric, params.p, owner), algorithm: params.algorithm, leafSize: params.leafSize });
}

const schema = {
  nNeighbors: p.int(5, { min: 1, doc: 'Default number of neighbours for kneighbors.' }),
  radius: p.num(1.0, { min: 0, minExclusive: true, doc: 'Default radius for radiusNeighbors.' }),
  ...searchSchema,
};
export type NearestNeighborsParams = ParamsOf<typeof schema>;
export interface NearestNeighborsState {
  X: Matrix;
  nFeatures: number;
}

/**
 * Unsupervised nearest-neighbour index (scikit-learn's NearestNeighbors): k-nearest and
 * radius queries over the fitted rows with a KD-tree (or a brute-force scan), for Minkowski
 * metrics (manhattan, euclidean, chebyshev, any p >= 1) and cosine (rows L2-normalised).
 * Neighbours are sorted by (distance, index): equal distances go to the lower training index.
 *
 * @example
 * const nn = new NearestNeighbors({ nNeighbors: 2 }).fit([[0, 0], [1, 0], [5, 5]]);
 * const { distances, indices } = nn.kneighbors([[0.2, 0]]); // indices [0, 1], distances [0.2, 0.8]
 * const r = nn.radiusNeighbors([[0, 0]], { radius: 1.5 }); // r.indices [0, 1] (CSR, r.indptr [0, 2])
 */
export class NearestNeighbors extends Estimator<typeof schema, NearestNeighborsState> {
  static override readonly kind = 'NearestNeighbors';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: false, stochastic: false, allowNaN: false };
  private search: NeighborSearch | null = null;
  private searchFor: NearestNeighborsState | null = null;

  constructor(params: Partial<NearestNeighborsParams> = {}) {
    super(params);
  }

  fit(X: MatrixLike): this {
    const m = checkArray(X, { owner: this.kind, copy: true });
    resolveMetric(this.params.metric, this.params.p, this.kind);
    this._state = { X: m, nFeatures: m.cols };
    return this;
  }

  /** Number of fitted rows. */
  get nSamplesFit(): number {
    return this.fitted.X.rows;
  }

  private index(): NeighborSearch {
    const s = this.fitted;
    if (this.searchFor !== s) {
      this.search = makeSearch(s.X, this.params, this.kind);
      this.searchFor = s;
    }
    return this.search!;
  }

  /**
   * The `nNeighbors` nearest fitted rows of each row of X, sorted by distance. Without X
   * (or with null) the fitted rows are queried and each row itself is left out.
   */
  kneighbors(X: MatrixLike | null = null, opts: { nNeighbors?: number } = {}): KNeighborsResult {
    return kneighborsOf(this.kind, this.index(), this.fitted.nFeatures, X, opts.nNeighbors ?? this.params.nNeighbors);
  }

  /**
   * Fitted rows within `radius` (inclusive) of each row of X, in CSR form; without X the fitted
   * rows are queried and each row itself is left out. `sortResults` orders each row by distance.
   */
  radiusNeighbors(X: MatrixLike | null = null, opts: { radius?: number; sortResults?: boolean } = {}): RadiusNeighborsResult {
    const s = this.fitted;
    const radius = opts.radius ?? this.params.radius;
    if (!(typeof radius === 'number' && radius >= 0 && Number.isFinite(radius))) throw new InvalidParameterError('radius', 'a finite number >= 0', radius, this.kind);
    const idx = this.index();
    const Q = X === null ? null : checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return idx.radiusNeighbors(Q, radius, opts.sortResults ?? false);
  }
}
registerEstimator(NearestNeighbors);

/** Shared kneighbors argument checks (k <= available rows, width) and query. */
export function kneighborsOf(owner: string, idx: NeighborSearch, nFeatures: number, X: MatrixLike | null, k: number): KNeighborsResult {
  if (!(Number.isInteger(k) && k >= 1)) throw new InvalidParameterError('nNeighbors', 'an integer >= 1', k, owner);
  const Q = X === null ? null : checkArray(X, { owner, nFeatures });
  const avail = Q === null ? idx.n - 1 : idx.n;
  if (k > avail) throw new InvalidParameterError('nNeighbors', `an integer <= ${avail} (the number of fitted samples${Q === null ? ' minus the query itself' : ''})`, k, owner);
  return idx.kneighbors(Q, k);
}

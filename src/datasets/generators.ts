/**
 * Synthetic dataset generators that draw the same numbers as scikit-learn's `sklearn.datasets.make_*`
 * for the same seed (through the numpy-identical {@link RandomState}).
 */
import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkRandomState, type RandomStateLike } from '../core/random.js';

/** Options of {@link makeBlobs} (scikit-learn's `make_blobs` arguments in camelCase, same defaults). */
export interface MakeBlobsOptions {
  /** Total number of rows (split as evenly as possible, the first centers getting one more), or the count per center. Default 100. */
  nSamples?: number | readonly number[];
  /** Number of features when the centers are drawn (ignored when `centers` is given as rows). Default 2. */
  nFeatures?: number;
  /** Number of centers to draw uniformly in `centerBox`, or the centers themselves (one row each). Default 3 (or one per entry of an `nSamples` array). */
  centers?: number | readonly (readonly number[])[] | null;
  /** Standard deviation of every cluster, or one per center. Default 1. */
  clusterStd?: number | readonly number[];
  /** Bounds of the uniformly drawn centers. Default [-10, 10]. */
  centerBox?: readonly [number, number];
  /** Shuffle the rows (scikit-learn's `utils.shuffle` with the same generator). Default true. */
  shuffle?: boolean;
  /** Seed, RandomState (used and advanced) or null. */
  randomState?: RandomStateLike;
}

const OWNER = 'makeBlobs';
const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/**
 * Isotropic Gaussian blobs, bit-identical to scikit-learn's `make_blobs` for the same seed: the
 * centers are drawn with `uniform(centerBox)`, center by center the rows with
 * `normal(center, std)`, then rows are shuffled with the same generator.
 *
 * @example
 * const { X, y, centers } = makeBlobs({ nSamples: 300, centers: 4, clusterStd: 1.2, randomState: 1 });
 * // X: 300 x 2 Matrix equal to make_blobs(n_samples=300, centers=4, cluster_std=1.2, random_state=1)[0]
 */
export function makeBlobs(opts: MakeBlobsOptions = {}): { X: Matrix; y: Int32Array; centers: Matrix } {
  const { nSamples = 100, nFeatures = 2, centers = null, clusterStd = 1, centerBox = [-10, 10], shuffle = true } = opts;
  const rs = checkRandomState(opts.randomState, 'randomState', OWNER);
  if (!isCount(nFeatures, 1)) throw new InvalidParameterError('nFeatures', 'an integer >= 1', nFeatures, OWNER);
  if (!Array.isArray(centerBox) || centerBox.length !== 2 || !centerBox.every((v) => Number.isFinite(v))) {
    throw new InvalidParameterError('centerBox', 'a pair [low, high] of finite numbers', centerBox, OWNER);
  }
  let perCenter: number[] | null = null;
  if (typeof nSamples === 'number') {
    if (!isCount(nSamples, 1)) throw new InvalidParameterError('nSamples', 'an integer >= 1 or an array of counts per center', nSamples, OWNER);
  } else if (!Array.isArray(nSamples) || nSamples.length === 0 || !nSamples.every((v) => isCount(v, 0))) {
    throw new InvalidParameterError('nSamples', 'an integer >= 1 or a non-empty array of integers >= 0 (rows per center)', nSamples, OWNER);
  } else perCenter = [...nSamples];

  let C: Matrix;
  if (centers === null || typeof centers === 'number') {
    const k = centers ?? (perCenter ? perCenter.length : 3);
    if (!isCount(k, 1)) throw new InvalidParameterError('centers', 'an integer >= 1, an array of center rows or null', centers, OWNER);
    if (perCenter && k !== perCenter.length) throw new InvalidParameterError('centers', `${perCenter.length} centers (one per entry of nSamples)`, centers, OWNER);
    C = new Matrix(rs.uniform(centerBox[0], centerBox[1], k * nFeatures), k, nFeatures);
  } else {
    const ok = Array.isArray(centers) && centers.length > 0 && centers.every((r) => Array.isArray(r) && r.length === centers[0]!.length && r.length > 0 && r.every((v) => Number.isFinite(v)));
    if (!ok) throw new InvalidParameterError('centers', 'an integer >= 1 or a non-empty array of equal-length rows of finite numbers', centers, OWNER);
    if (perCenter && centers.length !== perCenter.length) throw new InvalidParameterError('centers', `${perCenter.length} rows (one per entry of nSamples)`, `${centers.length} rows`, OWNER);
    C = Matrix.fromRows(centers as number[][]);
  }
  const k = C.rows, d = C.cols;
  const stds = typeof clusterStd === 'number' ? new Array<number>(k).fill(clusterStd) : [...clusterStd];
  if (stds.length !== k || !stds.every((s) => typeof s === 'number' && s >= 0 && Number.isFinite(s))) {
    throw new InvalidParameterError('clusterStd', `a finite number >= 0 or ${k} of them (one per center)`, clusterStd, OWNER);
  }
  if (!perCenter) {
    const n = nSamples as number;
    perCenter = new Array<number>(k).fill(Math.floor(n / k));
    for (let i = 0; i < n % k; i++) perCenter[i]!++;
  }
  const n = perCenter.reduce((a, b) => a + b, 0);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  let r = 0;
  for (let c = 0; c < k; c++) {
    const std = stds[c]!;
    for (let t = 0; t < perCenter[c]!; t++, r++) {
      // numpy's legacy normal(loc, scale): loc + scale * gauss
      for (let f = 0; f < d; f++) X[r * d + f] = C.data[c * d + f]! + std * rs.standardNormal();
      y[r] = c;
    }
  }
  if (!shuffle) return { X: new Matrix(X, n, d), y, centers: C };
  const idx = rs.permutation(n);
  const Xs = new Float64Array(n * d);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) { Xs.set(X.subarray(idx[i]! * d, (idx[i]! + 1) * d), i * d); ys[i] = y[idx[i]!]!; }
  return { X: new Matrix(Xs, n, d), y: ys, centers: C };
}

import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkRandomState, type RandomState, type RandomStateLike } from '../core/random.js';
import { Table } from '../core/table.js';
import { checkLabels, type LabelsLike } from '../core/validation.js';

export interface TrainTestSplitOptions {
  /** Fraction in (0, 1) or absolute count (integer). Default 0.25 when trainSize is also unset. */
  testSize?: number | null;
  /** Fraction in (0, 1) or absolute count (integer). Default: the complement of testSize. */
  trainSize?: number | null;
  randomState?: RandomStateLike;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Labels to stratify on (StratifiedShuffleSplit). Requires shuffle. */
  stratify?: LabelsLike | null;
}

const OWNER = 'trainTestSplit';

/**
 * scikit-learn's `_validate_shuffle_split`: integer sizes are counts, non-integers fractions.
 * A JS number that is an integer (e.g. `1`) is a count, so write fractions as 0.x.
 */
export function validateShuffleSplit(n: number, testSize: number | null | undefined, trainSize: number | null | undefined, defaultTestSize: number | null, owner = OWNER): [nTrain: number, nTest: number] {
  if (testSize == null && trainSize == null) testSize = defaultTestSize;
  const kind = (v: number | null | undefined): 'i' | 'f' | null => (v == null ? null : Number.isInteger(v) ? 'i' : 'f');
  const tk = kind(testSize);
  const rk = kind(trainSize);
  for (const [name, v, k] of [['testSize', testSize, tk], ['trainSize', trainSize, rk]] as const) {
    if (v == null) continue;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidParameterError(name, 'a number (fraction in (0, 1) or a count)', v, owner);
    if ((k === 'i' && (v >= n || v <= 0)) || (k === 'f' && (v <= 0 || v >= 1))) {
      throw new InvalidParameterError(name, `either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`, v, owner);
    }
  }
  if (tk === 'f' && rk === 'f' && trainSize! + testSize! > 1) {
    throw new InvalidParameterError('testSize + trainSize', 'in the (0, 1] range; reduce testSize and/or trainSize', trainSize! + testSize!, owner);
  }
  let nTest = tk === 'f' ? Math.ceil(testSize! * n) : tk === 'i' ? testSize! : NaN;
  let nTrain = rk === 'f' ? Math.floor(trainSize! * n) : rk === 'i' ? trainSize! : NaN;
  if (trainSize == null) nTrain = n - nTest;
  else if (testSize == null) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new InvalidParameterError('trainSize + testSize', `at most the number of samples ${n}; reduce testSize and/or trainSize`, nTrain + nTest, owner);
  }
  if (nTrain === 0) {
    throw new InvalidParameterError('testSize', `a size that leaves a non-empty train set (n_samples=${n}, testSize=${testSize}, trainSize=${trainSize})`, testSize, owner);
  }
  return [nTrain, nTest];
}

/** ShuffleSplit's one split: a permutation, test first then train. */
export function shuffleSplitIndices(n: number, nTrain: number, nTest: number, rng: RandomState): { train: Int32Array; test: Int32Array } {
  const perm = rng.permutation(n);
  return { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
}

/** scikit-learn's `_approximate_mode`: the per-class counts drawn, ties broken with `rng`. */
export function approximateMode(classCounts: ArrayLike<number>, nDraws: number, rng: RandomState): Int32Array {
  const k = classCounts.length;
  let total = 0;
  for (let i = 0; i < k; i++) total += classCounts[i]!;
  const continuous = new Float64Array(k);
  const floored = new Int32Array(k);
  let flooredSum = 0;
  for (let i = 0; i < k; i++) {
    continuous[i] = (classCounts[i]! / total) * nDraws;
    floored[i] = Math.floor(continuous[i]!);
    flooredSum += floored[i]!;
  }
  let needToAdd = nDraws - flooredSum;
  if (needToAdd > 0) {
    const remainder = new Float64Array(k);
    for (let i = 0; i < k; i++) remainder[i] = continuous[i]! - floored[i]!;
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds: number[] = [];
      for (let i = 0; i < k; i++) if (remainder[i] === value) inds.push(i);
      const addNow = Math.min(inds.length, needToAdd);
      const chosen = rng.choice(inds, addNow, { replace: false });
      for (const i of chosen) floored[i]!++;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}

/** StratifiedShuffleSplit's one split (scikit-learn's algorithm, same draws). */
export function stratifiedShuffleSplitIndices(yEncoded: Int32Array, nClasses: number, nTrain: number, nTest: number, rng: RandomState, owner = OWNER): { train: Int32Array; test: Int32Array } {
  const counts = new Int32Array(nClasses);
  for (const c of yEncoded) counts[c]!++;
  let minCount = Infinity;
  for (const c of counts) minCount = Math.min(minCount, c);
  if (minCount < 2) {
    throw new DataError('stratify', 'at least 2 members in every class', `a class with only ${minCount} member (too few to split)`, owner);
  }
  if (nTrain < nClasses) throw new InvalidParameterError('trainSize', `>= the number of classes = ${nClasses}`, nTrain, owner);
  if (nTest < nClasses) throw new InvalidParameterError('testSize', `>= the number of classes = ${nClasses}`, nTest, owner);
  // stable argsort of class codes = sample indices grouped by class, in original order
  const classIndices: number[][] = Array.from({ length: nClasses }, () => []);
  yEncoded.forEach((c, i) => classIndices[c]!.push(i));
  const nI = approximateMode(counts, nTrain, rng);
  const remaining = new Int32Array(nClasses);
  for (let i = 0; i < nClasses; i++) remaining[i] = counts[i]! - nI[i]!;
  const tI = approximateMode(remaining, nTest, rng);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < nClasses; i++) {
    const perm = rng.permutation(counts[i]!);
    const idx = classIndices[i]!;
    for (let k = 0; k < nI[i]!; k++) train.push(idx[perm[k]!]!);
    for (let k = nI[i]!; k < nI[i]! + tI[i]!; k++) test.push(idx[perm[k]!]!);
  }
  return { train: Int32Array.from(rng.permutation(train)), test: Int32Array.from(rng.permutation(test)) };
}

/** The row indices `trainTestSplit` selects for `n` samples. */
export function trainTestSplitIndices(n: number, opts: TrainTestSplitOptions = {}): { train: Int32Array; test: Int32Array } {
  const shuffle = opts.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new InvalidParameterError('shuffle', 'a boolean', shuffle, OWNER);
  const [nTrain, nTest] = validateShuffleSplit(n, opts.testSize, opts.trainSize, 0.25);
  if (!shuffle) {
    if (opts.stratify != null) throw new InvalidParameterError('stratify', 'null when shuffle is false (stratified splits need shuffling)', 'labels', OWNER);
    const train = new Int32Array(nTrain);
    const test = new Int32Array(nTest);
    for (let i = 0; i < nTrain; i++) train[i] = i;
    for (let i = 0; i < nTest; i++) test[i] = nTrain + i;
    return { train, test };
  }
  const rng = checkRandomState(opts.randomState, 'randomState', OWNER);
  if (opts.stratify != null) {
    const { classes, encoded } = checkLabels(opts.stratify, n, { name: 'stratify', owner: OWNER });
    return stratifiedShuffleSplitIndices(encoded, classes.length, nTrain, nTest, rng);
  }
  return shuffleSplitIndices(n, nTrain, nTest, rng);
}

/** Number of samples of a Matrix, Table, 2-D array or 1-D array. */
export function numSamples(X: unknown, name = 'X'): number {
  if (X instanceof Matrix) return X.rows;
  if (X instanceof Table) return X.nRows;
  if (X && typeof X === 'object' && 'shape' in X && Array.isArray((X as { shape: unknown }).shape)) return (X as { shape: number[] }).shape[0]!;
  if (X && typeof (X as ArrayLike<unknown>).length === 'number') return (X as ArrayLike<unknown>).length;
  throw new DataError(name, 'a Matrix, Table or array', X, OWNER);
}

/** Rows `idx` of X, in X's own type (Matrix, Table, {data, shape}, typed array or plain array). */
export function takeRows<T>(X: T, idx: ArrayLike<number>): T {
  if (X instanceof Matrix) return X.takeRows(idx) as T;
  if (X instanceof Table) return X.takeRows(idx) as T;
  if (ArrayBuffer.isView(X)) {
    const src = X as unknown as Float64Array;
    const out = new (src.constructor as Float64ArrayConstructor)(idx.length);
    for (let k = 0; k < idx.length; k++) out[k] = src[idx[k]!]!;
    return out as T;
  }
  if (Array.isArray(X)) return Array.from(idx, (i) => X[i]) as T;
  if (X && typeof X === 'object' && 'shape' in X && 'data' in X) {
    const o = X as unknown as { data: ArrayLike<number>; shape: [number, number] };
    const m = new Matrix(Float64Array.from(o.data), o.shape[0], o.shape[1]).takeRows(idx);
    return { data: m.data, shape: [m.rows, m.cols] } as T;
  }
  throw new DataError('X', 'a Matrix, Table or array', X, OWNER);
}

/**
 * Split arrays into random train and test subsets, picking exactly the rows scikit-learn's
 * `train_test_split` picks for the same `randomState`. Returns `[XTrain, XTest, yTrain, yTest]`
 * in the input types.
 *
 * @example
 * const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
 */
export function trainTestSplit<X, Y>(X: X, y: Y, opts?: TrainTestSplitOptions): [X, X, Y, Y];
export function trainTestSplit<X>(X: X, y?: null, opts?: TrainTestSplitOptions): [X, X];
export function trainTestSplit<X, Y>(X: X, y?: Y | null, opts: TrainTestSplitOptions = {}): [X, X, Y, Y] | [X, X] {
  const n = numSamples(X);
  if (y != null) {
    const ny = numSamples(y, 'y');
    if (ny !== n) throw new ShapeError('y', `length ${n} (the number of rows of X)`, `length ${ny}`, OWNER);
  }
  if (opts.stratify != null && numSamples(opts.stratify, 'stratify') !== n) {
    throw new ShapeError('stratify', `length ${n} (the number of rows of X)`, `length ${numSamples(opts.stratify)}`, OWNER);
  }
  if (n === 0) throw new ShapeError('X', 'at least one sample', '0 samples', OWNER);
  const { train, test } = trainTestSplitIndices(n, opts);
  const xs: [X, X] = [takeRows(X, train), takeRows(X, test)];
  if (y == null) return xs;
  return [xs[0], xs[1], takeRows(y, train), takeRows(y, test)];
}

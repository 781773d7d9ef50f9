import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { encodeValue, decodeValue } from '../core/serialize.js';
import { p, resolveParams, type ParamsOf, type Schema } from '../core/params.js';
import { checkRandomState, RandomState } from '../core/random.js';
import { checkLabels, type LabelsLike } from '../core/validation.js';
import { numSamples, shuffleSplitIndices, stratifiedShuffleSplitIndices, validateShuffleSplit } from './split.js';

/** One cross-validation split: row indices of the training and the test part. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Anything that yields folds: the splitters below, or a user object with the same shape
 * (scikit-learn's "CV splitter" protocol).
 */
export interface CrossValidator {
  split(X: unknown, y?: LabelsLike | null, groups?: LabelsLike | null): Iterable<Fold>;
  getNSplits(X?: unknown, y?: LabelsLike | null, groups?: LabelsLike | null): number;
}

/** Base for the splitters: validated, frozen options (same schema machinery as estimators). */
abstract class Splitter<S extends Schema> implements CrossValidator {
  static readonly kind: string = 'Splitter';
  readonly params: Readonly<ParamsOf<S>>;
  constructor(schema: S, params: Partial<ParamsOf<S>> | undefined) {
    this.params = resolveParams(schema, params, (this.constructor as unknown as { kind: string }).kind);
  }
  get kind(): string {
    return (this.constructor as unknown as { kind: string }).kind;
  }
  abstract split(X: unknown, y?: LabelsLike | null, groups?: LabelsLike | null): Generator<Fold>;
  /** `{ $splitter: kind, params }`, so a search's `cv` survives `toJSON` / `loadModel`. */
  toJSON(): { $splitter: string; params: unknown } {
    return { $splitter: this.kind, params: encodeValue(this.params) };
  }
  abstract getNSplits(X?: unknown, y?: LabelsLike | null, groups?: LabelsLike | null): number;
}

function range(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Train/test indices (both ascending) from a per-sample test-fold id, as scikit-learn's mask-based split. */
function foldFromMask(mask: Uint8Array): Fold {
  let nt = 0;
  for (let i = 0; i < mask.length; i++) nt += mask[i]!;
  const test = new Int32Array(nt);
  const train = new Int32Array(mask.length - nt);
  for (let i = 0, a = 0, b = 0; i < mask.length; i++) {
    if (mask[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

function checkNSplitsVsSamples(nSplits: number, n: number, owner: string): void {
  if (nSplits > n) {
    throw new InvalidParameterError('nSplits', `<= the number of samples (${n})`, nSplits, owner);
  }
}

function checkGroupsLength(v: LabelsLike | null | undefined, n: number, name: string, owner: string): LabelsLike {
  if (v == null) throw new DataError(name, `an array of ${n} ${name === 'groups' ? 'group labels' : 'labels'} (required by ${owner})`, v, owner);
  if (v.length !== n) throw new ShapeError(name, `length ${n} (the number of rows of X)`, `length ${v.length}`, owner);
  return v;
}

const kfoldSchema = {
  nSplits: p.int(5, { min: 2, doc: 'Number of folds (>= 2).' }),
  shuffle: p.bool(false, 'Shuffle the samples before cutting them into folds.'),
  randomState: p.randomState('Seed of the shuffle (only used when shuffle is true).'),
};
export type KFoldParams = ParamsOf<typeof kfoldSchema>;

function checkShuffleSeed(params: { shuffle: boolean; randomState: unknown }, owner: string): void {
  if (!params.shuffle && params.randomState !== null) {
    throw new InvalidParameterError('randomState', 'null when shuffle is false (setting it has no effect)', params.randomState, owner);
  }
}

/**
 * K consecutive folds (scikit-learn's KFold): the first `n % nSplits` folds have one sample
 * more; with `shuffle` the samples are permuted first with the same draws as scikit-learn.
 *
 * @example
 * for (const { train, test } of new KFold({ nSplits: 5, shuffle: true, randomState: 0 }).split(X)) { ... }
 */
export class KFold extends Splitter<typeof kfoldSchema> {
  static override readonly kind: string = 'KFold';
  constructor(params: Partial<KFoldParams> = {}) {
    super(kfoldSchema, params);
    checkShuffleSeed(this.params, this.kind);
  }
  getNSplits(): number {
    return this.params.nSplits;
  }
  *split(X: unknown): Generator<Fold> {
    const n = numSamples(X);
    checkNSplitsVsSamples(this.params.nSplits, n, this.kind);
    yield* kfoldSplits(n, this.params.nSplits, this.params.shuffle ? checkRandomState(this.params.randomState, 'randomState', this.kind) : null);
  }
}

function* kfoldSplits(n: number, k: number, rng: RandomState | null): Generator<Fold> {
  const indices = range(n);
  if (rng) rng.shuffle(indices);
  let current = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const mask = new Uint8Array(n);
    for (let t = current; t < current + size; t++) mask[indices[t]!] = 1;
    current += size;
    yield foldFromMask(mask);
  }
}

/**
 * Folds that keep each class's share (scikit-learn 1.2's StratifiedKFold: classes in order of
 * first appearance, round-robin allocation over the sorted labels, per-class block assignment,
 * shuffled per class with the same draws when `shuffle`).
 *
 * @example
 * const cv = new StratifiedKFold({ nSplits: 5, shuffle: true, randomState: 42 });
 * for (const { train, test } of cv.split(X, y)) { ... }
 */
export class StratifiedKFold extends Splitter<typeof kfoldSchema> {
  static override readonly kind: string = 'StratifiedKFold';
  constructor(params: Partial<KFoldParams> = {}) {
    super(kfoldSchema, params);
    checkShuffleSeed(this.params, this.kind);
  }
  getNSplits(): number {
    return this.params.nSplits;
  }
  /** Per-sample test-fold id (scikit-learn's `_make_test_folds`). */
  testFolds(y: LabelsLike): Int32Array {
    const owner = this.kind;
    const k = this.params.nSplits;
    const rng = this.params.shuffle ? checkRandomState(this.params.randomState, 'randomState', owner) : null;
    const { encoded: sortedCode, classes } = checkLabels(y, null, { owner });
    // encode classes by order of first appearance
    const firstSeen = new Int32Array(classes.length).fill(-1);
    let next = 0;
    for (let i = 0; i < sortedCode.length; i++) if (firstSeen[sortedCode[i]!] === -1) firstSeen[sortedCode[i]!] = next++;
    const nClasses = classes.length;
    const enc = new Int32Array(sortedCode.length);
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < enc.length; i++) { enc[i] = firstSeen[sortedCode[i]!]!; counts[enc[i]!]!++; }
    let allBelow = true;
    for (const c of counts) if (k <= c) allBelow = false;
    if (allBelow) {
      throw new InvalidParameterError('nSplits', `<= the number of members in the largest class (${Math.max(...counts)})`, k, owner);
    }
    // allocation[f][c] = bincount(sorted(enc)[f::k])
    const order = Int32Array.from(enc).sort();
    const alloc: Int32Array[] = Array.from({ length: k }, () => new Int32Array(nClasses));
    for (let t = 0; t < order.length; t++) alloc[t % k]![order[t]!]!++;
    const testFolds = new Int32Array(enc.length);
    for (let c = 0; c < nClasses; c++) {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let r = 0; r < alloc[f]![c]!; r++) folds.push(f);
      if (rng) rng.shuffle(folds);
      for (let i = 0, t = 0; i < enc.length; i++) if (enc[i] === c) testFolds[i] = folds[t++]!;
    }
    return testFolds;
  }
  *split(X: unknown, y?: LabelsLike | null): Generator<Fold> {
    const n = numSamples(X);
    const yy = checkGroupsLength(y, n, 'y', this.kind);
    checkNSplitsVsSamples(this.params.nSplits, n, this.kind);
    const tf = this.testFolds(yy);
    for (let f = 0; f < this.params.nSplits; f++) {
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) mask[i] = tf[i] === f ? 1 : 0;
      yield foldFromMask(mask);
    }
  }
}

const shuffleSchema = {
  nSplits: p.int(10, { min: 1, doc: 'Number of re-shuffling and splitting iterations.' }),
  testSize: p.nullable(p.num(0.1, { min: 0, minExclusive: true })),
  trainSize: p.nullable(p.num(0.9, { min: 0, minExclusive: true })),
  randomState: p.randomState(),
};
export type ShuffleSplitParams = ParamsOf<typeof shuffleSchema>;

/**
 * Random permutation splits (scikit-learn's ShuffleSplit; testSize defaults to 0.1). Sizes
 * that are integers are counts, others fractions.
 *
 * @example
 * const cv = new ShuffleSplit({ nSplits: 3, testSize: 0.25, randomState: 0 });
 */
export class ShuffleSplit extends Splitter<typeof shuffleSchema> {
  static override readonly kind: string = 'ShuffleSplit';
  constructor(params: Partial<ShuffleSplitParams> = {}) {
    super(shuffleSchema, params);
  }
  getNSplits(): number {
    return this.params.nSplits;
  }
  *split(X: unknown): Generator<Fold> {
    const n = numSamples(X);
    const [nTrain, nTest] = validateShuffleSplit(n, this.params.testSize, this.params.trainSize, 0.1, this.kind);
    const rng = checkRandomState(this.params.randomState, 'randomState', this.kind);
    for (let s = 0; s < this.params.nSplits; s++) yield shuffleSplitIndices(n, nTrain, nTest, rng);
  }
}

/**
 * Stratified random splits (scikit-learn's StratifiedShuffleSplit, same draws).
 *
 * @example
 * const cv = new StratifiedShuffleSplit({ nSplits: 5, testSize: 0.2, randomState: 0 });
 */
export class StratifiedShuffleSplit extends Splitter<typeof shuffleSchema> {
  static override readonly kind: string = 'StratifiedShuffleSplit';
  constructor(params: Partial<ShuffleSplitParams> = {}) {
    super(shuffleSchema, params);
  }
  getNSplits(): number {
    return this.params.nSplits;
  }
  *split(X: unknown, y?: LabelsLike | null): Generator<Fold> {
    const n = numSamples(X);
    const yy = checkGroupsLength(y, n, 'y', this.kind);
    const [nTrain, nTest] = validateShuffleSplit(n, this.params.testSize, this.params.trainSize, 0.1, this.kind);
    const { classes, encoded } = checkLabels(yy, n, { owner: this.kind });
    const rng = checkRandomState(this.params.randomState, 'randomState', this.kind);
    for (let s = 0; s < this.params.nSplits; s++) yield stratifiedShuffleSplitIndices(encoded, classes.length, nTrain, nTest, rng, this.kind);
  }
}

const groupSchema = { nSplits: p.int(5, { min: 2, doc: 'Number of folds (>= 2).' }) };

/**
 * Folds where no group is in both train and test (scikit-learn 1.2's GroupKFold: largest groups
 * first, each into the currently lightest fold; ties ordered by numpy's argsort).
 *
 * @example
 * for (const { train, test } of new GroupKFold({ nSplits: 3 }).split(X, y, groups)) { ... }
 */
export class GroupKFold extends Splitter<typeof groupSchema> {
  static override readonly kind: string = 'GroupKFold';
  constructor(params: Partial<ParamsOf<typeof groupSchema>> = {}) {
    super(groupSchema, params);
  }
  getNSplits(): number {
    return this.params.nSplits;
  }
  *split(X: unknown, _y?: LabelsLike | null, groups?: LabelsLike | null): Generator<Fold> {
    const n = numSamples(X);
    const g = checkGroupsLength(groups, n, 'groups', this.kind);
    const { classes, encoded } = checkLabels(g, n, { name: 'groups', owner: this.kind });
    const k = this.params.nSplits;
    const nGroups = classes.length;
    if (k > nGroups) throw new InvalidParameterError('nSplits', `<= the number of groups (${nGroups})`, k, this.kind);
    const perGroup = new Float64Array(nGroups);
    for (const c of encoded) perGroup[c]!++;
    const order = numpyArgsort(perGroup).reverse();
    const perFold = new Float64Array(k);
    const groupToFold = new Int32Array(nGroups);
    for (const gi of order) {
      let light = 0;
      for (let f = 1; f < k; f++) if (perFold[f]! < perFold[light]!) light = f;
      perFold[light]! += perGroup[gi]!;
      groupToFold[gi] = light;
    }
    for (let f = 0; f < k; f++) {
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) mask[i] = groupToFold[encoded[i]!] === f ? 1 : 0;
      yield foldFromMask(mask);
    }
  }
}

/**
 * Each sample once as a one-row test set (scikit-learn's LeaveOneOut).
 *
 * @example
 * const scores = await crossValScore(model, X, y, { cv: new LeaveOneOut() });
 */
export class LeaveOneOut extends Splitter<Record<string, never>> {
  static override readonly kind: string = 'LeaveOneOut';
  constructor() {
    super({}, {});
  }
  getNSplits(X?: unknown): number {
    if (X === undefined) throw new DataError('X', 'the data (LeaveOneOut has one split per sample)', X, this.kind);
    return numSamples(X);
  }
  *split(X: unknown): Generator<Fold> {
    const n = numSamples(X);
    if (n <= 1) throw new ShapeError('X', 'at least 2 samples', `${n} samples`, this.kind);
    for (let i = 0; i < n; i++) {
      const mask = new Uint8Array(n);
      mask[i] = 1;
      yield foldFromMask(mask);
    }
  }
}

const repeatedSchema = {
  nSplits: p.int(5, { min: 2 }),
  nRepeats: p.int(10, { min: 1 }),
  randomState: p.randomState(),
};
export type RepeatedKFoldParams = ParamsOf<typeof repeatedSchema>;

/**
 * KFold repeated `nRepeats` times with different shuffles drawn from one generator
 * (scikit-learn's RepeatedKFold).
 *
 * @example
 * const cv = new RepeatedKFold({ nSplits: 5, nRepeats: 3, randomState: 0 });
 */
export class RepeatedKFold extends Splitter<typeof repeatedSchema> {
  static override readonly kind: string = 'RepeatedKFold';
  constructor(params: Partial<RepeatedKFoldParams> = {}) {
    super(repeatedSchema, params);
  }
  getNSplits(): number {
    return this.params.nSplits * this.params.nRepeats;
  }
  *split(X: unknown): Generator<Fold> {
    const rng = checkRandomState(this.params.randomState, 'randomState', this.kind);
    for (let r = 0; r < this.params.nRepeats; r++) yield* new KFold({ nSplits: this.params.nSplits, shuffle: true, randomState: rng }).split(X);
  }
}

/**
 * StratifiedKFold repeated `nRepeats` times (scikit-learn's RepeatedStratifiedKFold).
 *
 * @example
 * const cv = new RepeatedStratifiedKFold({ nSplits: 5, nRepeats: 2, randomState: 0 });
 */
export class RepeatedStratifiedKFold extends Splitter<typeof repeatedSchema> {
  static override readonly kind: string = 'RepeatedStratifiedKFold';
  constructor(params: Partial<RepeatedKFoldParams> = {}) {
    super(repeatedSchema, params);
  }
  getNSplits(): number {
    return this.params.nSplits * this.params.nRepeats;
  }
  *split(X: unknown, y?: LabelsLike | null): Generator<Fold> {
    const rng = checkRandomState(this.params.randomState, 'randomState', this.kind);
    for (let r = 0; r < this.params.nRepeats; r++) yield* new StratifiedKFold({ nSplits: this.params.nSplits, shuffle: true, randomState: rng }).split(X, y);
  }
}

/**
 * numpy's default `argsort` (introsort: median-of-3 quicksort, insertion sort below 17
 * elements), reproduced so that ties come out in numpy's order.
 */
export function numpyArgsort(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const t = range(num);
  if (num < 2) return t;
  const less = (a: number, b: number) => a < b;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let pl = 0;
  let pr = num - 1;
  let cdepth = 2 * (31 - Math.clz32(num));
  const swap = (a: number, b: number) => { const x = t[a]!; t[a] = t[b]!; t[b] = x; };
  for (;;) {
    if (cdepth < 0) {
      heapArgsort(v, t, pl, pr - pl + 1);
    } else {
      while (pr - pl > 16) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[t[pm]!]!, v[t[pl]!]!)) swap(pm, pl);
        if (less(v[t[pr]!]!, v[t[pm]!]!)) swap(pr, pm);
        if (less(v[t[pm]!]!, v[t[pl]!]!)) swap(pm, pl);
        const vp = v[t[pm]!]!;
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (less(v[t[pi]!]!, vp));
          do --pj; while (less(vp, v[t[pj]!]!));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = t[pi]!;
        const vp = v[vi]!;
        let pj = pi;
        while (pj > pl && less(vp, v[t[pj - 1]!]!)) { t[pj] = t[pj - 1]!; pj--; }
        t[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return t;
}

/** numpy's `aheapsort_` on t[start .. start+n). */
function heapArgsort(v: ArrayLike<number>, t: Int32Array, start: number, n: number): void {
  // 1-based indexing as numpy: a[k] = t[start + k - 1]
  const a = (k: number) => t[start + k - 1]!;
  const set = (k: number, x: number) => { t[start + k - 1] = x; };
  let i: number, j: number, l: number, tmp: number;
  for (l = n >> 1; l > 0; --l) {
    tmp = a(l);
    for (i = l, j = l << 1; j <= n;) {
      if (j < n && v[a(j)]! < v[a(j + 1)]!) j += 1;
      if (v[tmp]! < v[a(j)]!) { set(i, a(j)); i = j; j += j; } else break;
    }
    set(i, tmp);
  }
  for (; n > 1;) {
    tmp = a(n);
    set(n, a(1));
    n -= 1;
    for (i = 1, j = 2; j <= n;) {
      if (j < n && v[a(j)]! < v[a(j + 1)]!) j++;
      if (v[tmp]! < v[a(j)]!) { set(i, a(j)); i = j; j += j; } else break;
    }
    set(i, tmp);
  }
}

const SPLITTERS: Record<string, new (p?: never) => CrossValidator> = {
  KFold, StratifiedKFold, ShuffleSplit, StratifiedShuffleSplit, GroupKFold, LeaveOneOut, RepeatedKFold, RepeatedStratifiedKFold,
} as unknown as Record<string, new (p?: never) => CrossValidator>;

/** Rebuild a splitter from its `toJSON()` form; other values are returned unchanged. */
export function reviveSplitter(v: unknown): unknown {
  if (v && typeof v === 'object' && '$splitter' in v) {
    const o = v as { $splitter: string; params: unknown };
    const Ctor = SPLITTERS[o.$splitter];
    if (!Ctor) throw new InvalidParameterError('cv', `a known splitter (one of ${Object.keys(SPLITTERS).join(', ')})`, o.$splitter, 'loadModel');
    return new Ctor(decodeValue(o.params) as never);
  }
  return v;
}

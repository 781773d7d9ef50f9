import { InvalidParameterError } from '../core/errors.js';
import { checkRandomState, type RandomState, type RandomStateLike } from '../core/random.js';

/** A parameter setting: parameter name (nested `step__param` for pipelines) to value. */
export type ParamSet = Record<string, unknown>;
/** A grid: each parameter name maps to the list of values to try. */
export type ParamGridSpec = Record<string, readonly unknown[]>;

/** A distribution to sample from in RandomizedSearchCV: anything with `rvs(rng)` (scipy's protocol). */
export interface Distribution {
  rvs(rng: RandomState): unknown;
}
export type ParamDistributions = Record<string, readonly unknown[] | Distribution>;

/**
 * The key scikit-learn sorts on: the snake_case form of a camelCase name (`maxDepth` ->
 * `max_depth`, `clf__C` unchanged), so grids iterate in exactly scikit-learn's order.
 */
export function sortKey(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a}_${b.toLowerCase()}`);
}

function sortedEntries<T>(o: Record<string, T>): [string, T][] {
  return Object.entries(o).sort(([a], [b]) => {
    const ka = sortKey(a), kb = sortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function checkGrid(grid: unknown, owner: string): ParamGridSpec[] {
  const list = Array.isArray(grid) ? grid : [grid];
  for (const g of list) {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) throw new InvalidParameterError('paramGrid', 'an object (or array of objects) mapping parameter names to arrays of values', g, owner);
    for (const [k, v] of Object.entries(g)) {
      if (!Array.isArray(v)) throw new InvalidParameterError(`paramGrid.${k}`, 'an array of values', v, owner);
      if (v.length === 0) throw new InvalidParameterError(`paramGrid.${k}`, 'a non-empty array of values', v, owner);
    }
  }
  return list as ParamGridSpec[];
}

/**
 * Every combination of a parameter grid in scikit-learn's order (keys sorted, the last key
 * varying fastest; several grids one after another).
 *
 * @example
 * [...new ParameterGrid({ maxDepth: [1, 2], criterion: ['gini', 'entropy'] })];
 * // [{criterion: 'gini', maxDepth: 1}, {criterion: 'gini', maxDepth: 2}, {criterion: 'entropy', maxDepth: 1}, ...]
 */
export class ParameterGrid implements Iterable<ParamSet> {
  readonly grids: ParamGridSpec[];
  constructor(grid: ParamGridSpec | readonly ParamGridSpec[]) {
    this.grids = checkGrid(grid, 'ParameterGrid');
  }

  get length(): number {
    let total = 0;
    for (const g of this.grids) total += Object.values(g).reduce((a, v) => a * v.length, 1);
    return total;
  }

  /** The i-th setting without iterating (scikit-learn's `ParameterGrid.__getitem__`). */
  at(index: number): ParamSet {
    let ind = index;
    for (const g of this.grids) {
      const items = sortedEntries(g);
      if (items.length === 0) {
        if (ind === 0) return {};
        ind -= 1;
        continue;
      }
      const total = items.reduce((a, [, v]) => a * v.length, 1);
      if (ind >= total) {
        ind -= total;
        continue;
      }
      const out: ParamSet = {};
      for (let k = items.length - 1; k >= 0; k--) {
        const [key, v] = items[k]!;
        out[key] = v[ind % v.length];
        ind = Math.floor(ind / v.length);
      }
      return Object.fromEntries(items.map(([key]) => [key, out[key]]));
    }
    throw new InvalidParameterError('index', `an integer in [0, ${this.length})`, index, 'ParameterGrid');
  }

  *[Symbol.iterator](): Iterator<ParamSet> {
    for (const g of this.grids) {
      const items = sortedEntries(g);
      if (items.length === 0) { yield {}; continue; }
      const idx = new Array<number>(items.length).fill(0);
      for (;;) {
        yield Object.fromEntries(items.map(([k, v], t) => [k, v[idx[t]!]]));
        let t = items.length - 1;
        while (t >= 0 && ++idx[t]! === items[t]![1].length) { idx[t] = 0; t--; }
        if (t < 0) break;
      }
    }
  }
}

function isDistribution(v: unknown): v is Distribution {
  return v !== null && typeof v === 'object' && typeof (v as Distribution).rvs === 'function';
}

/**
 * scikit-learn's `sample_without_replacement` ("auto": permutation for 1% < ratio < 99%,
 * tracking selection below 20%, reservoir sampling above), same draws.
 */
export function sampleWithoutReplacement(nPopulation: number, nSamples: number, randomState: RandomStateLike): Int32Array {
  const owner = 'sampleWithoutReplacement';
  if (nSamples > nPopulation) throw new InvalidParameterError('nSamples', `<= nPopulation (${nPopulation})`, nSamples, owner);
  const rng = checkRandomState(randomState, 'randomState', owner);
  const ratio = nPopulation !== 0 ? nSamples / nPopulation : 1;
  if (ratio > 0.01 && ratio < 0.99) return rng.permutation(nPopulation).slice(0, nSamples);
  const out = new Int32Array(nSamples);
  if (ratio < 0.2) {
    const selected = new Set<number>();
    for (let i = 0; i < nSamples; i++) {
      let j = rng.randint(0, nPopulation);
      while (selected.has(j)) j = rng.randint(0, nPopulation);
      selected.add(j);
      out[i] = j;
    }
    return out;
  }
  for (let i = 0; i < nSamples; i++) out[i] = i;
  for (let i = nSamples; i < nPopulation; i++) {
    const j = rng.randint(0, i + 1);
    if (j < nSamples) out[j] = i;
  }
  return out;
}

/**
 * `nIter` random settings (scikit-learn's ParameterSampler, same draws): when every entry is a
 * list, settings are sampled from the grid without replacement; otherwise each setting draws
 * each parameter (`rvs(rng)` for distributions, a uniform pick for lists), keys in sorted order.
 *
 * @example
 * [...new ParameterSampler({ C: uniform(0.1, 10), penalty: ['l2'] }, 5, 0)];
 */
export class ParameterSampler implements Iterable<ParamSet> {
  readonly distributions: ParamDistributions[];
  constructor(
    distributions: ParamDistributions | readonly ParamDistributions[],
    readonly nIter: number,
    readonly randomState: RandomStateLike = null,
  ) {
    const owner = 'ParameterSampler';
    const list = Array.isArray(distributions) ? distributions : [distributions];
    for (const d of list) {
      if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new InvalidParameterError('paramDistributions', 'an object (or array of objects) mapping names to arrays or distributions', d, owner);
      for (const [k, v] of Object.entries(d)) {
        if (!Array.isArray(v) && !isDistribution(v)) throw new InvalidParameterError(`paramDistributions.${k}`, 'an array of values or an object with rvs(rng)', v, owner);
        if (Array.isArray(v) && v.length === 0) throw new InvalidParameterError(`paramDistributions.${k}`, 'a non-empty array', v, owner);
      }
    }
    if (!Number.isInteger(nIter) || nIter < 1) throw new InvalidParameterError('nIter', 'an integer >= 1', nIter, owner);
    this.distributions = list as ParamDistributions[];
  }

  get allLists(): boolean {
    return this.distributions.every((d) => Object.values(d).every((v) => !isDistribution(v)));
  }

  get length(): number {
    if (this.allLists) return Math.min(this.nIter, new ParameterGrid(this.distributions as ParamGridSpec[]).length);
    return this.nIter;
  }

  *[Symbol.iterator](): Iterator<ParamSet> {
    const rng = checkRandomState(this.randomState, 'randomState', 'ParameterSampler');
    if (this.allLists) {
      const grid = new ParameterGrid(this.distributions as ParamGridSpec[]);
      const n = Math.min(this.nIter, grid.length);
      for (const i of sampleWithoutReplacement(grid.length, n, rng)) yield grid.at(i);
      return;
    }
    for (let it = 0; it < this.nIter; it++) {
      const dist = this.distributions.length === 1 ? this.distributions[0]! : this.distributions[rng.randint(0, this.distributions.length)]!;
      const out: ParamSet = {};
      for (const [k, v] of sortedEntries(dist)) out[k] = isDistribution(v) ? v.rvs(rng) : (v as readonly unknown[])[rng.randint(0, v.length)];
      yield out;
    }
  }
}

class UniformDist implements Distribution {
  constructor(readonly loc: number, readonly scale: number) {}
  rvs(rng: RandomState): number { return rng.uniform(0, 1) * this.scale + this.loc; }
  toJSON(): unknown { return { $dist: 'uniform', args: [this.loc, this.scale] }; }
}
class RandintDist implements Distribution {
  constructor(readonly low: number, readonly high: number) {}
  rvs(rng: RandomState): number { return rng.randint(this.low, this.high); }
  toJSON(): unknown { return { $dist: 'randint', args: [this.low, this.high] }; }
}
class LoguniformDist implements Distribution {
  constructor(readonly a: number, readonly b: number) {}
  rvs(rng: RandomState): number { return Math.exp(Math.log(this.a) + rng.uniform(0, 1) * (Math.log(this.b) - Math.log(this.a))); }
  toJSON(): unknown { return { $dist: 'loguniform', args: [this.a, this.b] }; }
}

/**
 * Continuous uniform on [loc, loc + scale] (scipy.stats.uniform, same draw: `u * scale + loc`).
 *
 * @example
 * new RandomizedSearchCV(model, { C: uniform(0.01, 10) }, { nIter: 20, randomState: 0 });
 */
export function uniform(loc = 0, scale = 1): Distribution & { loc: number; scale: number } {
  if (!Number.isFinite(loc)) throw new InvalidParameterError('loc', 'a finite number', loc, 'uniform');
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new InvalidParameterError('scale', 'a finite number >= 0', scale, 'uniform');
  return new UniformDist(loc, scale);
}

/**
 * Discrete uniform on [low, high) (scipy.stats.randint, same draw).
 *
 * @example
 * new RandomizedSearchCV(tree, { maxDepth: randint(1, 10) }, { nIter: 5, randomState: 0 });
 */
export function randint(low: number, high: number): Distribution & { low: number; high: number } {
  if (!Number.isInteger(low)) throw new InvalidParameterError('low', 'an integer', low, 'randint');
  if (!Number.isInteger(high) || high <= low) throw new InvalidParameterError('high', `an integer > low (${low})`, high, 'randint');
  return new RandintDist(low, high);
}

/**
 * Log-uniform on [a, b] (scipy.stats.loguniform: `exp(log a + u (log b - log a))`; equal to
 * scipy's draw up to the last bit of exp/log).
 *
 * @example
 * new RandomizedSearchCV(model, { C: loguniform(1e-3, 1e3) }, { nIter: 20, randomState: 0 });
 */
export function loguniform(a: number, b: number): Distribution & { a: number; b: number } {
  if (!(a > 0) || !Number.isFinite(a)) throw new InvalidParameterError('a', 'a finite number > 0', a, 'loguniform');
  if (!(b > a) || !Number.isFinite(b)) throw new InvalidParameterError('b', `a finite number > a (${a})`, b, 'loguniform');
  return new LoguniformDist(a, b);
}

/** Rebuild a built-in distribution from its JSON form (`{ $dist, args }`); other values are returned unchanged. */
export function reviveDistribution(v: unknown): unknown {
  if (v && typeof v === 'object' && '$dist' in v) {
    const o = v as { $dist: string; args: [number, number] };
    const make = { uniform, randint, loguniform }[o.$dist];
    if (!make) throw new InvalidParameterError('paramDistributions', 'a known distribution (uniform, randint, loguniform)', o.$dist, 'loadModel');
    return make(...o.args);
  }
  return v;
}

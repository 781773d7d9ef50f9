import { InvalidParameterError } from './errors.js';
import { accurateLog } from './log.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const TWO32 = 4294967296;

/** Serializable generator state (the MT19937 key, position and the cached Gaussian). */
export interface RandomStateJSON {
  key: number[];
  pos: number;
  hasGauss: boolean;
  gauss: number;
}

/**
 * Bit-for-bit reproduction of numpy's legacy `numpy.random.RandomState` (MT19937):
 * the same seeding (int and array seeds), the same `random_sample`, masked-rejection
 * `randint`, Fisher-Yates `shuffle`/`permutation`, `choice` and the polar-method
 * `standard_normal` with its cached second value. `new RandomState(42).permutation(10)`
 * equals `np.random.RandomState(42).permutation(10)`.
 */
export class RandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /** `seed`: an integer in [0, 2**32 - 1], a non-empty array of such integers, or null for an OS-entropy seed. */
  constructor(seed: number | readonly number[] | null = null) {
    this.seed(seed);
  }

  seed(seed: number | readonly number[] | null = null): void {
    if (seed === null || seed === undefined) {
      const key = new Uint32Array(N);
      const c = (globalThis as { crypto?: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto;
      if (c) c.getRandomValues(key);
      else for (let i = 0; i < N; i++) key[i] = (Math.random() * TWO32) >>> 0;
      this.initByArray(key);
    } else if (typeof seed === 'number') {
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
        throw new InvalidParameterError('seed', 'an integer between 0 and 2**32 - 1', seed, 'RandomState');
      }
      this.initGenrand(seed >>> 0);
    } else if (Array.isArray(seed) || ArrayBuffer.isView(seed)) {
      if (seed.length === 0) throw new InvalidParameterError('seed', 'a non-empty array', seed, 'RandomState');
      for (const s of seed) {
        if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new InvalidParameterError('seed', 'an array of integers between 0 and 2**32 - 1', s, 'RandomState');
      }
      this.initByArray(Uint32Array.from(seed));
    } else {
      throw new InvalidParameterError('seed', 'an integer, an array of integers or null', seed, 'RandomState');
    }
    this.hasGauss = false;
    this.gauss = 0;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  private initByArray(key: Uint32Array): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    const len = key.length;
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  private generate(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk]! & UPPER) | (mt[kk + 1]! & LOWER);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk]! & UPPER) | (mt[kk + 1]! & LOWER);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1]! & UPPER) | (mt[0]! & LOWER);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** Next raw 32-bit output (numpy's `next_uint32`). */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (numpy's `random_sample`). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Uniform doubles in [0, 1): one number, or a Float64Array of `size`. */
  randomSample(): number;
  randomSample(size: number): Float64Array;
  randomSample(size?: number): number | Float64Array {
    if (size === undefined) return this.nextDouble();
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble();
    return out;
  }

  /** Alias of `randomSample` (numpy's `rand`). */
  rand(size: number): Float64Array {
    return this.randomSample(size);
  }

  /** Uniform doubles in [low, high). */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: number): Float64Array;
  uniform(low = 0, high = 1, size?: number): number | Float64Array {
    const range = high - low;
    if (!Number.isFinite(range)) throw new InvalidParameterError('high - low', 'a finite range', range, 'RandomState.uniform');
    if (size === undefined) return low + range * this.nextDouble();
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /**
   * Integers in [low, high) by numpy's masked rejection sampling (int64 path).
   * `randint(high)` draws from [0, high). The range must stay below 2**53.
   */
  randint(low: number, high?: number): number;
  randint(low: number, high: number | undefined, size: number): Float64Array;
  randint(low: number, high?: number, size?: number): number | Float64Array {
    if (high === undefined) { high = low; low = 0; }
    if (!Number.isInteger(low) || !Number.isInteger(high)) {
      throw new InvalidParameterError(Number.isInteger(low) ? 'high' : 'low', 'an integer', Number.isInteger(low) ? high : low, 'RandomState.randint');
    }
    if (low >= high) throw new InvalidParameterError('high', `> low (${low})`, high, 'RandomState.randint');
    const rng = high - low - 1;
    if (rng >= 2 ** 53 || !Number.isSafeInteger(high) || !Number.isSafeInteger(low)) {
      throw new InvalidParameterError('high - low', 'below 2**53 (exact double range)', high - low, 'RandomState.randint');
    }
    if (size === undefined) return low + this.boundedMasked(rng);
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = low + this.boundedMasked(rng);
    return out;
  }

  /** A uniform integer in [0, rng] by masked rejection (numpy `random_bounded_uint64_fill`, masked). */
  private boundedMasked(rng: number): number {
    if (rng === 0) return 0;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return this.nextUint32();
      const mask = smallMask(rng);
      let v: number;
      while ((v = (this.nextUint32() & mask) >>> 0) > rng);
      return v;
    }
    // 64-bit path: next_uint64 = (hi << 32) | lo; the low 32 bits of the mask are all ones.
    const maskHi = smallMask(Math.floor(rng / TWO32));
    for (;;) {
      const hi = (this.nextUint32() & maskHi) >>> 0;
      const lo = this.nextUint32();
      const v = hi * TWO32 + lo;
      if (v <= rng) return v;
    }
  }

  /** numpy `random_interval(max)`: uniform in [0, max], used by shuffle. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = smallMask(max);
      let v: number;
      while ((v = (this.nextUint32() & mask) >>> 0) > max);
      return v;
    }
    return this.boundedMasked(max);
  }

  /** In-place Fisher-Yates shuffle, numpy's order (i from n-1 down to 1). */
  shuffle<T extends { length: number; [i: number]: unknown }>(x: T): T {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** `permutation(n)`: a shuffled 0..n-1 (Int32Array); `permutation(array)`: a shuffled copy. */
  permutation(n: number): Int32Array;
  permutation<T>(x: readonly T[]): T[];
  permutation<T>(x: number | readonly T[]): Int32Array | T[] {
    if (typeof x === 'number') {
      const n = checkSize(x, 'n');
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = i;
      return this.shuffle(out);
    }
    return this.shuffle([...x]);
  }

  /**
   * numpy `RandomState.choice`. `a` is a population size or an array; `replace` defaults to true;
   * `p` are probabilities (non-negative, summing to 1 within sqrt(eps)). Returns indices (or elements
   * when `a` is an array).
   */
  choice(a: number, size: number, opts?: { replace?: boolean; p?: ArrayLike<number> }): Int32Array;
  choice<T>(a: readonly T[], size: number, opts?: { replace?: boolean; p?: ArrayLike<number> }): T[];
  choice<T>(a: number | readonly T[], size: number, opts: { replace?: boolean; p?: ArrayLike<number> } = {}): Int32Array | T[] {
    const owner = 'RandomState.choice';
    const pop = typeof a === 'number' ? a : a.length;
    if (typeof a === 'number' && (!Number.isInteger(a) || a <= 0)) throw new InvalidParameterError('a', 'a positive integer', a, owner);
    if (pop === 0) throw new InvalidParameterError('a', 'a non-empty array', a, owner);
    const n = checkSize(size);
    const replace = opts.replace ?? true;
    let p: Float64Array | null = null;
    if (opts.p !== undefined && opts.p !== null) {
      p = Float64Array.from(opts.p);
      if (p.length !== pop) throw new InvalidParameterError('p', `an array of length ${pop} (the size of a)`, opts.p, owner);
      let sum = 0;
      let c = 0;
      for (let i = 0; i < p.length; i++) {
        const v = p[i]!;
        if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidParameterError('p', 'non-negative finite probabilities', v, owner);
        // Kahan summation, as numpy's kahan_sum
        const y = v - c;
        const t = sum + y;
        c = t - sum - y;
        sum = t;
      }
      if (Math.abs(sum - 1) > Math.sqrt(2.220446049250313e-16)) throw new InvalidParameterError('p', 'probabilities that sum to 1', sum, owner);
    }
    const idx = new Int32Array(n);
    if (replace) {
      if (p) {
        const cdf = cumulative(p);
        for (let i = 0; i < n; i++) idx[i] = searchRight(cdf, this.nextDouble());
      } else {
        for (let i = 0; i < n; i++) idx[i] = this.boundedMasked(pop - 1);
      }
    } else {
      if (n > pop) throw new InvalidParameterError('size', `<= the population size ${pop} when replace is false`, n, owner);
      if (p) {
        let nz = 0;
        for (const v of p) if (v > 0) nz++;
        if (nz < n) throw new InvalidParameterError('p', `at least size=${n} non-zero entries`, `${nz} non-zero entries`, owner);
        let nUniq = 0;
        while (nUniq < n) {
          const x = this.randomSample(n - nUniq);
          for (let k = 0; k < nUniq; k++) p[idx[k]!] = 0;
          const cdf = cumulative(p);
          const seen = new Set<number>();
          for (let k = 0; k < x.length; k++) {
            const v = searchRight(cdf, x[k]!);
            if (!seen.has(v)) { seen.add(v); idx[nUniq++] = v; }
          }
        }
      } else {
        const perm = this.permutation(pop);
        idx.set(perm.subarray(0, n));
      }
    }
    if (typeof a === 'number') return idx;
    return Array.from(idx, (i) => a[i]!);
  }

  /** Standard normal draws by numpy's legacy polar (Marsaglia) method with the cached second value. */
  standardNormal(): number;
  standardNormal(size: number): Float64Array;
  standardNormal(size?: number): number | Float64Array {
    if (size === undefined) return this.gaussDraw();
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = this.gaussDraw();
    return out;
  }

  /** Normal draws `loc + scale * standardNormal()`. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: number): Float64Array;
  normal(loc = 0, scale = 1, size?: number): number | Float64Array {
    if (!(scale >= 0)) throw new InvalidParameterError('scale', 'a non-negative number', scale, 'RandomState.normal');
    if (size === undefined) return loc + scale * this.gaussDraw();
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * this.gaussDraw();
    return out;
  }

  private gaussDraw(): number {
    if (this.hasGauss) {
      const t = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return t;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2.0 * this.nextDouble() - 1.0;
      x2 = 2.0 * this.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * accurateLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** A new integer seed in [0, 2**31 - 1), as scikit-learn derives sub-seeds (`randint(np.iinfo(np.int32).max)`). */
  nextSeed(): number {
    return this.randint(0, 2147483647);
  }

  getState(): RandomStateJSON {
    return { key: Array.from(this.mt), pos: this.pos, hasGauss: this.hasGauss, gauss: this.gauss };
  }

  setState(s: RandomStateJSON): this {
    if (!s || !Array.isArray(s.key) || s.key.length !== N || !s.key.every((k) => Number.isInteger(k) && k >= 0 && k <= 0xffffffff)) throw new InvalidParameterError('state', `an object with a key of ${N} integers in [0, 2**32 - 1]`, s, 'RandomState.setState');
    if (!Number.isInteger(s.pos) || s.pos < 0 || s.pos > N) throw new InvalidParameterError('state.pos', `an integer in [0, ${N}]`, s.pos, 'RandomState.setState');
    if (typeof s.hasGauss !== 'boolean' && s.hasGauss !== 0 && s.hasGauss !== 1) throw new InvalidParameterError('state.hasGauss', 'a boolean', s.hasGauss, 'RandomState.setState');
    if (typeof s.gauss !== 'number') throw new InvalidParameterError('state.gauss', 'a number', s.gauss, 'RandomState.setState');
    this.mt.set(s.key);
    this.pos = s.pos;
    this.hasGauss = s.hasGauss;
    this.gauss = s.gauss;
    return this;
  }

  static fromState(s: RandomStateJSON): RandomState {
    return new RandomState(0).setState(s);
  }
}

/** Accepted everywhere a seed is taken: an integer seed, a RandomState (used and advanced), or null/undefined (fresh entropy). */
export type RandomStateLike = number | RandomState | null | undefined;

/** scikit-learn's `check_random_state`. */
export function checkRandomState(rs: RandomStateLike, param = 'randomState', owner?: string): RandomState {
  if (rs instanceof RandomState) return rs;
  if (rs === null || rs === undefined) return new RandomState(null);
  if (typeof rs === 'number' && Number.isInteger(rs) && rs >= 0 && rs <= 0xffffffff) return new RandomState(rs);
  throw new InvalidParameterError(param, 'an integer in [0, 2**32 - 1], a RandomState or null', rs, owner);
}

function smallMask(max: number): number {
  // smallest 2^k - 1 >= max (max < 2^32)
  let m = max >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

function checkSize(size: number, name = 'size'): number {
  if (!Number.isInteger(size) || size < 0) throw new InvalidParameterError(name, 'a non-negative integer', size, 'RandomState');
  return size;
}

function cumulative(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) { s += p[i]!; cdf[i] = s; }
  const last = cdf[cdf.length - 1]!;
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/** numpy searchsorted(side='right'): first index with cdf[i] > u. */
function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * scikit-learn's `_utils.pyx` random helpers: the `our_rand_r` xorshift that draws the features and
 * (for the random splitter) the thresholds, so that draws equal scikit-learn's for the same seed.
 */

export const RAND_R_MAX = 2147483647;

/** scikit-learn's `our_rand_r` xorshift (state kept in a 1-element Uint32Array). */
export function ourRandR(state: Uint32Array): number {
  if (state[0] === 0) state[0] = 1;
  let s = state[0]!;
  s = (s ^ (s << 13)) >>> 0;
  s = (s ^ (s >>> 17)) >>> 0;
  s = (s ^ (s << 5)) >>> 0;
  state[0] = s;
  return s % (RAND_R_MAX + 1);
}

/** `rand_int`: an integer in [low, high). */
export function randInt(low: number, high: number, state: Uint32Array): number {
  return low + (ourRandR(state) % (high - low));
}

/** `rand_uniform`: a double in [low, high). */
export function randUniform(low: number, high: number, state: Uint32Array): number {
  return ((high - low) * ourRandR(state)) / RAND_R_MAX + low;
}

/**
 * Floating-point precision of a net: weights, gradients, optimizer state and every activation
 * buffer are one typed-array type end to end (`Float32Array` for 'float32', `Float64Array` for
 * 'float64'). Inputs arrive as float64 Matrices and are converted batch by batch with the native
 * `TypedArray.set` (no per-element JavaScript conversion in the hot loops).
 */
import { InvalidParameterError } from '../core/errors.js';

export type DType = 'float32' | 'float64';
/** A net buffer: the array type follows the net's dtype. */
export type Arr = Float32Array | Float64Array;
export const DTYPES: readonly DType[] = ['float32', 'float64'];

/** A zero-filled buffer of `n` elements of the given precision. */
export function alloc(dtype: DType, n: number): Arr {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** A buffer of the same precision as `like`. */
export function allocLike(like: Arr, n: number): Arr {
  return like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

export function dtypeOf(a: Arr): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** `src` in the given precision (the same array when it already is). */
export function cast(src: ArrayLike<number> | Arr, dtype: DType): Arr {
  if (dtype === 'float32') return src instanceof Float32Array ? src : Float32Array.from(src);
  return src instanceof Float64Array ? src : Float64Array.from(src);
}

/** `src` as a fresh Float64Array (outputs handed to estimators and users). */
export function toFloat64(src: Arr): Float64Array {
  return src instanceof Float64Array ? src.slice() : Float64Array.from(src);
}

export function checkDtype(v: unknown, owner: string): DType {
  if (v !== 'float32' && v !== 'float64') throw new InvalidParameterError('dtype', "'float32' or 'float64'", v, owner);
  return v;
}

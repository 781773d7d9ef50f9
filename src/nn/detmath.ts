/**
 * Deterministic elementary functions for the net kernels. `Math.exp`, `Math.log`, `Math.pow` are
 * implementation-defined in ECMAScript (any approximation): V8 versions disagree in the last bit
 * (Node 20 and Chromium 156 on 1,938 of 20,000 exp inputs), so a seeded net trained in two
 * engines drifts apart. These use only IEEE-754 +, -, *, / and exponent-field writes, which every
 * engine evaluates identically, so the same inputs give the same bits everywhere.
 */
import { accurateLog } from '../core/log.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// little-endian typed arrays on every platform a browser or Node runs on; checked once
const HI = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;
const TWO_M1000 = 9.33263618503218878990e-302;

/** 2^k for an integer k in [-1022, 1023], built from its exponent bits. */
function pow2(k: number): number {
  U32[HI] = (k + 1023) << 20;
  U32[1 - HI] = 0;
  return F64[0]!;
}

/**
 * e^x, fdlibm's `__ieee754_exp` (error < 1 ulp; the algorithm V8's Math.exp used up to 2024, so it
 * mostly agrees with Node 20's to the bit) written with IEEE arithmetic only.
 */
export function detExp(x: number): number {
  if (!(x === x)) return x;
  if (x > 7.09782712893383973096e+02) return Infinity;
  if (x < -7.45133219101941108420e+02) return 0;
  const ax = x < 0 ? -x : x;
  let hi = 0, lo = 0, k = 0;
  if (ax > 0.34657359027997264) { // |x| > ln2 / 2
    if (ax < 1.0397207708399179) { // |x| < 1.5 ln2
      if (x > 0) { hi = x - LN2_HI; lo = LN2_LO; k = 1; } else { hi = x + LN2_HI; lo = -LN2_LO; k = -1; }
    } else {
      k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0; // C's truncating (int) cast
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (ax < 3.725290298461914e-9) { // |x| < 2^-28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k > 1023) return y * pow2(k - 1) * 2; // x near the overflow threshold: 2^1024 is not a double
  return k >= -1021 ? y * pow2(k) : y * pow2(k + 1000) * TWO_M1000;
}

/** Correctly rounded natural log (core/log.ts): deterministic by construction. */
export const detLog = accurateLog;

/** b^t for an integer t >= 0 by binary powering (deterministic; Adam's bias corrections). */
export function powInt(b: number, t: number): number {
  let r = 1, base = b, e = t;
  while (e > 0) {
    if (e & 1) r *= base;
    base *= base;
    e = Math.floor(e / 2);
  }
  return r;
}

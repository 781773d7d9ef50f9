/**
 * Natural logarithm with extra internal precision (double-double), rounded once: for the
 * arguments where V8's fdlibm `Math.log` and glibc's `log` disagree by an ulp, this returns the
 * correctly rounded value, which is what glibc returns (its error bound is 0.52 ulp). Used by the
 * Gaussian sampler so `standardNormal` matches numpy bit for bit on Linux.
 */
const LN2_HI = 0.6931471805599453; // ln 2 rounded to double
const LN2_LO = 2.3190468138462996e-17; // ln 2 - LN2_HI
const SPLITTER = 134217729; // 2^27 + 1
const TWO_THIRDS_HI = 2 / 3;
const TWO_THIRDS_LO = 3.700743415417188e-17; // 2/3 - TWO_THIRDS_HI

function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

export function accurateLog(x: number): number {
  if (!(x > 0) || x === Infinity || x < 2.2250738585072014e-308) return Math.log(x);
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2))
  F64[0] = x;
  let e = ((U32[1]! >>> 20) & 0x7ff) - 1023;
  U32[1] = (U32[1]! & 0x800fffff) | 0x3ff00000;
  let m = F64[0];
  if (m > Math.SQRT2) { m /= 2; e += 1; }
  // s = (m - 1) / (m + 1) in double-double
  const a = m - 1; // exact (Sterbenz)
  const [bh, bl] = twoSum(m, 1);
  const q = a / bh;
  const [ph, pl] = twoProd(q, bh);
  const r = ((a - ph) - pl) - q * bl;
  const ql = r / bh;
  // log(m) = 2 atanh(s) = 2s + (2/3) s^3 + [2 s^5/5 + 2 s^7/7 + ...]
  // The s^3 term (up to ~5e-4) is formed in double-double; the rest (< 3e-6) in double.
  const s2 = q * q;
  let rest = 0;
  for (let k = 29; k >= 5; k -= 2) rest = rest * s2 + 2 / k;
  rest *= s2 * s2 * q;
  const [sqh, sql0] = twoProd(q, q);
  const sql = sql0 + 2 * q * ql;
  const [cuh, cul0] = twoProd(sqh, q);
  const cul = cul0 + sqh * ql + sql * q;
  const [t3h, t3l0] = twoProd(cuh, TWO_THIRDS_HI);
  const t3l = t3l0 + cuh * TWO_THIRDS_LO + cul * TWO_THIRDS_HI;
  // sum: e*ln2 + 2s + (2/3)s^3 + rest in double-double
  const [eh, el] = twoProd(e, LN2_HI);
  let [hi, lo] = twoSum(eh, 2 * q);
  let c: number;
  [hi, c] = twoSum(hi, t3h);
  lo += c + el + e * LN2_LO + 2 * ql + t3l + rest;
  return hi + lo;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { gemm, sgemm } from '../../src/linalg/index.js';

/** The documented summation order, written element by element (the specification). */
function sgemmSpec(ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, beta: number, c: Float32Array, cOff: number, ldc: number): void {
  const fr = Math.fround, al = fr(alpha), be = fr(beta);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const o = cOff + i * ldc + j;
    let v = beta === 0 ? 0 : beta === 1 ? c[o]! : fr(be * c[o]!);
    if (alpha !== 0) for (let pc = 0; pc < k; pc += 256) {
      let s = 0;
      for (let p = pc; p < Math.min(k, pc + 256); p++) {
        const x = ta ? a[aOff + p * lda + i]! : a[aOff + i * lda + p]!;
        const y = tb ? b[bOff + j * ldb + p]! : b[bOff + p * ldb + j]!;
        s = fr(s + fr(x * y));
      }
      v = fr(v + fr(al * s));
    }
    c[o] = v;
  }
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('sgemm (float32)', () => {
  it('computes the documented example', () => {
    const a = Float32Array.of(1, 2, 3, 4), b = Float32Array.of(5, 6, 7, 8), c = new Float32Array(4);
    sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
    assert.deepEqual([...c], [19, 22, 43, 50]);
  });

  it('follows the fixed float32 summation order bit for bit (odd shapes, transposes, offsets, beta)', () => {
    const rs = new RandomState(3);
    const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [7, 1, 9], [17, 13, 11], [5, 6, 300], [2, 67, 520]];
    for (const [m, n, k] of shapes) for (const ta of [false, true]) for (const tb of [false, true]) for (const beta of [0, 1, -0.7]) {
      const pad = 3, lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 2;
      const a = Float32Array.from(rs.standardNormal(pad + (ta ? k : m) * lda) as Float64Array);
      const b = Float32Array.from(rs.standardNormal(pad + (tb ? n : k) * ldb) as Float64Array);
      const c = Float32Array.from(rs.standardNormal(pad + m * ldc) as Float64Array);
      const want = c.slice();
      sgemmSpec(ta, tb, m, n, k, 1.3, a, pad, lda, b, pad, ldb, beta, want, pad, ldc);
      sgemm(ta, tb, m, n, k, 1.3, a, lda, b, ldb, beta, c, ldc, { a: pad, b: pad, c: pad });
      assert.ok(sameBits(c, want), `${m}x${n}x${k} ta=${ta} tb=${tb} beta=${beta}`);
    }
  });

  it('agrees with the float64 gemm within float32 tolerance', () => {
    const rs = new RandomState(5);
    const m = 31, n = 29, k = 600;
    const a64 = rs.standardNormal(m * k) as Float64Array, b64 = rs.standardNormal(k * n) as Float64Array;
    const a = Float32Array.from(a64), b = Float32Array.from(b64);
    const ref = new Float64Array(m * n), c = new Float32Array(m * n);
    gemm(false, false, m, n, k, 1, Float64Array.from(a), k, Float64Array.from(b), n, 0, ref, n);
    sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    // error bound ~ k eps32 sum |a||b|; sum |a||b| ~ k * 0.64
    for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i]! - ref[i]!) <= 1e-4 * k, `${i}: ${c[i]} vs ${ref[i]}`);
  });

  it('beta = 0 overwrites NaN, alpha = 0 only scales, and arguments are checked', () => {
    const c = Float32Array.of(NaN, NaN);
    sgemm(false, false, 1, 2, 1, 1, Float32Array.of(2), 1, Float32Array.of(3, 4), 2, 0, c, 2);
    assert.deepEqual([...c], [6, 8]);
    sgemm(false, false, 1, 2, 1, 0, Float32Array.of(2), 1, Float32Array.of(3, 4), 2, 0.5, c, 2);
    assert.deepEqual([...c], [3, 4]);
    assert.throws(() => sgemm(false, false, 2, 2, 2, 1, new Float32Array(3), 2, new Float32Array(4), 2, 0, new Float32Array(4), 2), ShapeError);
    assert.throws(() => sgemm(false, false, -1, 2, 2, 1, new Float32Array(4), 2, new Float32Array(4), 2, 0, new Float32Array(4), 2), InvalidParameterError);
    assert.throws(() => sgemm(false, false, 2, 2, 2, 1, new Float64Array(4) as unknown as Float32Array, 2, new Float32Array(4), 2, 0, new Float32Array(4), 2), InvalidParameterError);
  });
});

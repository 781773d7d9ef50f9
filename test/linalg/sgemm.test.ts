import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { gemm, linalgBackend, setLinalgBackend, sgemm, wasmAvailable } from '../../src/linalg/index.js';
import { sgemmCoreTs, sgemmCoreWasm, wasm32Slot } from '../../src/linalg/kernels32.js';
import { SGEMM_WASM_BASE64 } from '../../src/linalg/wasmSgemm.generated.js';
import { withThreads } from '../helpers/threads.js';

/** Run `fn` with the given backend, restoring the previous choice. */
function withBackend<T>(b: 'ts' | 'wasm', fn: () => T): T {
  const prev = setLinalgBackend(b);
  try {
    return fn();
  } finally {
    setLinalgBackend(prev);
  }
}


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
    // the inputs are exact float32 values, so the float64 product is a reference to ~1e-16; float32
    // summation of k products (each rounded) plus alpha and the block adds obeys the classical bound
    // |err| <= (k + 2) u sum_p |a_ip b_pj|, u = 2^-24; the observed error is far smaller (random signs)
    const u = 2 ** -24;
    let worst = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let absSum = 0;
      for (let p = 0; p < k; p++) absSum += Math.abs(a[i * k + p]! * b[p * n + j]!);
      const err = Math.abs(c[i * n + j]! - ref[i * n + j]!);
      assert.ok(err <= (k + 2) * u * absSum, `${i},${j}: ${c[i * n + j]} vs ${ref[i * n + j]}`);
      worst = Math.max(worst, err / (u * absSum));
    }
    assert.ok(worst > 0 && worst < 64, `worst error ${worst} u sum|ab| (expected O(sqrt(k)))`);
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

  it('the f32x4 WebAssembly kernel is available, small enough for synchronous compilation, ', () => {
    assert.equal(wasmAvailable(), true);
    assert.equal(wasm32Slot.on, true);
    assert.equal(withBackend('ts', () => wasm32Slot.on), false);
    const bytes = Buffer.from(SGEMM_WASM_BASE64, 'base64');
    assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
    // Chrome refuses synchronous `new WebAssembly.Module` above 4 KiB on the main thread
    assert.ok(bytes.length < 4096, `module is ${bytes.length} bytes`);
    // that it is the current build of asm/sgemm.ts is checked with all modules in wasm.test.ts (build-wasm --check)
    assert.equal(linalgBackend(), 'wasm');
  });

  it('WebAssembly and TypeScript kernels give the same bits on odd shapes 1..67, transposes, offsets, beta 0/1/other', () => {
    const rs = new RandomState(11);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 67];
    let cases = 0;
    for (let t = 0; t < 120; t++) {
      const m = sizes[rs.randint(0, sizes.length) as number]!, n = sizes[rs.randint(0, sizes.length) as number]!, k = sizes[rs.randint(0, sizes.length) as number]!;
      const ta = t % 2 === 1, tb = (t >> 1) % 2 === 1, beta = [0, 1, 0.37, -2][t % 4]!;
      const alpha = t % 5 === 0 ? 1 : -1.7;
      const oa = t % 3, ob = (t * 7) % 5, oc = t % 4;
      const lda = (ta ? m : k) + (t % 3), ldb = (tb ? k : n) + (t % 2), ldc = n + (t % 5);
      const a = Float32Array.from(rs.standardNormal(oa + (ta ? k : m) * lda) as Float64Array);
      const b = Float32Array.from(rs.standardNormal(ob + (tb ? n : k) * ldb) as Float64Array);
      const c0 = Float32Array.from(rs.standardNormal(oc + m * ldc) as Float64Array);
      const ct = c0.slice(), cw = c0.slice(), cs = c0.slice();
      withBackend('ts', () => sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, ct, ldc, { a: oa, b: ob, c: oc }));
      withBackend('wasm', () => sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, cw, ldc, { a: oa, b: ob, c: oc }));
      sgemmSpec(ta, tb, m, n, k, alpha, a, oa, lda, b, ob, ldb, beta, cs, oc, ldc);
      const msg = `${m}x${n}x${k} ta=${ta} tb=${tb} beta=${beta}`;
      assert.ok(sameBits(ct, cw), `ts vs wasm ${msg}`);
      assert.ok(sameBits(cs, cw), `spec vs wasm ${msg}`);
      cases++;
    }
    assert.equal(cases, 120);
  });

  it('several depth, row and column blocks (k > 256, m > 128, n > 1024): core kernels agree bit for bit', () => {
    const rs = new RandomState(12);
    for (const [m, n, k] of [[130, 1030, 300], [5, 1100, 520], [261, 20, 513]] as const) for (const ta of [false, true]) for (const tb of [false, true]) {
      const a = Float32Array.from(rs.standardNormal(m * k) as Float64Array), b = Float32Array.from(rs.standardNormal(k * n) as Float64Array);
      const c0 = Float32Array.from(rs.standardNormal(m * n) as Float64Array);
      const ct = c0.slice(), cw = c0.slice();
      sgemmCoreTs(ta, tb, m, n, k, 0.75, a, 0, ta ? m : k, b, 0, tb ? k : n, ct, 0, n);
      sgemmCoreWasm(ta, tb, m, n, k, 0.75, a, 0, ta ? m : k, b, 0, tb ? k : n, cw, 0, n);
      assert.ok(sameBits(ct, cw), `${m}x${n}x${k} ${ta}/${tb}`);
    }
  });

  it('1 and 2 threads, TS and WASM: the same bits (row split and column split), outside the view untouched', () => {
    const rs = new RandomState(13);
    for (const [m, n, k] of [[300, 290, 200], [40, 700, 300]] as const) {
      const a = Float32Array.from(rs.standardNormal(m * k) as Float64Array), b = Float32Array.from(rs.standardNormal(k * n) as Float64Array);
      const outs: Float32Array[] = [];
      for (const be of ['wasm', 'ts'] as const) for (const t of [1, 2]) {
        const c = new Float32Array(m * (n + 3) + 5).fill(NaN);
        withThreads(t, () => withBackend(be, () => sgemm(true, false, m, n, k, 1, a, m, b, n, 0, c, n + 3, { c: 5 })));
        outs.push(c);
      }
      for (const o of outs) assert.ok(sameBits(o, outs[0]!), `${m}x${n}x${k}`);
      assert.ok(Number.isNaN(outs[0]![4]!) && !Number.isNaN(outs[0]![5]!) && Number.isNaN(outs[0]![5 + n]!));
    }
  });

  it('float64 gemm splits a short wide product (Q^T X) by columns over threads, same bits as 1 thread', () => {
    const rs = new RandomState(14);
    const m = 20, n = 300, k = 3000;
    const a = rs.standardNormal(k * m) as Float64Array, b = rs.standardNormal(k * n) as Float64Array;
    const outs = [1, 2].map((t) => withThreads(t, () => {
      const c = new Float64Array(m * n);
      gemm(true, false, m, n, k, 1, a, m, b, n, 0, c, n);
      return c;
    }));
    assert.ok(outs[0]!.every((v, i) => Object.is(v, outs[1]![i])));
  });
});

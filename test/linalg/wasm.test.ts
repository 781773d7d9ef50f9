import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { gemm, linalgBackend, setLinalgBackend, setLinalgThreads, syrk, wasmAvailable } from '../../src/linalg/index.js';
import { Matrix } from '../../src/core/matrix.js';
import { eighRaw } from '../../src/linalg/eigh.js';
import { luInPlace, qrInPlace } from '../../src/linalg/factor.js';
import { gemmCore, gemmCoreWasm, gramBlockCore } from '../../src/linalg/kernels.js';
import { GEMM_WASM_BASE64 } from '../../src/linalg/wasmGemm.generated.js';

/** Run `fn` with the given backend, restoring the previous choice. */
function withBackend<T>(b: 'ts' | 'wasm', fn: () => T): T {
  const prev = setLinalgBackend(b);
  try {
    return fn();
  } finally {
    setLinalgBackend(prev);
  }
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('WebAssembly SIMD kernel', () => {
  it('is available on Node 20+ and selected by default', () => {
    assert.equal(wasmAvailable(), true);
    assert.equal(linalgBackend(), 'wasm');
    assert.equal(withBackend('ts', () => linalgBackend()), 'ts');
    assert.equal(linalgBackend(), 'wasm');
    assert.throws(() => setLinalgBackend('gpu' as 'ts'), InvalidParameterError);
  });

  it('the embedded module is the current build of asm/gemm.ts', () => {
    const bytes = Buffer.from(GEMM_WASM_BASE64, 'base64');
    assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
    // Chrome refuses synchronous `new WebAssembly.Module` above 4 KiB on the main thread
    assert.ok(bytes.length < 4096, `module is ${bytes.length} bytes`);
    // recompiles asm/gemm.ts and compares with the committed base64 (exit code 1 when stale)
    const root = fileURLToPath(new URL('../../', import.meta.url));
    assert.doesNotThrow(() => execFileSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--check'], { cwd: root, stdio: 'pipe' }));
  });

  const rs = new RandomState(7);
  // shapes cover edge strips (m, n, k not multiples of 4), several KC/NC/MC blocks, all flags, and the
  // unpacked-A path of narrow products (n <= 64; transposed A up to 256 rows per block)
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [9, 9, 9], [33, 34, 35], [130, 131, 260], [129, 1030, 300], [5, 1100, 520], [301, 20, 600], [1001, 64, 200], [258, 65, 70]];
  for (const [m, n, k] of shapes) {
    it(`gemmCore ${m}x${n}x${k}: bit-identical to the TypeScript kernel for all transposes, upper and triangular-B`, () => {
      for (const ta of [false, true]) for (const tb of [false, true]) for (const upper of [false, true]) for (const tri of [false, true]) {
        if (upper && m !== n) continue;
        if (tri && k !== n) continue;
        const a = rs.standardNormal(m * k) as Float64Array, b = rs.standardNormal(k * n) as Float64Array;
        const c0 = rs.standardNormal(m * n) as Float64Array;
        const ct = c0.slice(), cw = c0.slice();
        withBackend('ts', () => gemmCore(ta, tb, m, n, k, -1.25, a, 0, ta ? m : k, b, 0, tb ? k : n, ct, 0, n, upper, tri));
        gemmCoreWasm(ta, tb, m, n, k, -1.25, a, 0, ta ? m : k, b, 0, tb ? k : n, cw, 0, n, upper, tri);
        assert.ok(sameBits(ct, cw), `trans ${ta}/${tb} upper ${upper} tri ${tri}`);
      }
    });
  }

  it('strided views with offsets: identical bits, outside the view untouched', () => {
    const big = rs.standardNormal(70 * 90) as Float64Array;
    const run = () => {
      const c = new Float64Array(60 * 80).fill(NaN);
      gemm(false, true, 37, 41, 53, 0.5, big, 90, big, 90, 0, c, 80, { a: 3 * 90 + 2, b: 10 * 90 + 20, c: 2 * 80 + 5 });
      return c;
    };
    const t = withBackend('ts', run), w = withBackend('wasm', run);
    assert.ok(sameBits(t, w));
    assert.ok(Number.isNaN(w[0]!) && Number.isNaN(w[2 * 80 + 4]!) && !Number.isNaN(w[2 * 80 + 5]!));
  });

  it('gram blocks (centering, triangular right factor) are bit-identical', () => {
    const d = 23, n = 700, x = rs.standardNormal(n * d) as Float64Array, mu = rs.standardNormal(d) as Float64Array;
    const w = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) w[i * d + j] = rs.standardNormal();
    for (const W of [null, w]) for (const m of [mu, null]) {
      const gt = new Float64Array(d * d), gw = new Float64Array(d * d);
      withBackend('ts', () => gramBlockCore(x, 0, 0, n, d, m, W, gt));
      withBackend('wasm', () => gramBlockCore(x, 0, 0, n, d, m, W, gw));
      assert.ok(sameBits(gt, gw));
    }
    // row range with an offset, d a multiple of 4 and more than one 128-row block of the Gram
    const d2 = 136, x2 = rs.standardNormal(600 * d2) as Float64Array, mu2 = rs.standardNormal(d2) as Float64Array;
    const gt = new Float64Array(d2 * d2), gw = new Float64Array(d2 * d2);
    withBackend('ts', () => gramBlockCore(x2, -50 * d2, 50, 600, d2, mu2, null, gt));
    withBackend('wasm', () => gramBlockCore(x2, -50 * d2, 50, 600, d2, mu2, null, gw));
    assert.ok(sameBits(gt, gw));
  });

  it('single-thread, multi-thread, TS and WASM all give the same bits (workers run their own instance)', () => {
    const m = 300, n = 290, k = 280;
    const a = rs.standardNormal(m * k) as Float64Array, b = rs.standardNormal(k * n) as Float64Array;
    const x = rs.standardNormal(6000 * 40) as Float64Array;
    const outs: Float64Array[] = [], grams: Float64Array[] = [];
    const prev = setLinalgThreads(1);
    try {
      for (const be of ['ts', 'wasm'] as const) for (const t of [1, 2]) {
        setLinalgThreads(t);
        withBackend(be, () => {
          const c = new Float64Array(m * n);
          gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
          outs.push(c);
          const g = new Float64Array(1600);
          syrk(true, 40, 6000, 1, x, 40, 0, g, 40);
          grams.push(g);
        });
      }
    } finally {
      setLinalgThreads(prev);
    }
    for (const o of outs) assert.ok(sameBits(o, outs[0]!));
    // syrk splits the depth over threads, so only same-thread-count results are bitwise equal
    assert.ok(sameBits(grams[0]!, grams[2]!) && sameBits(grams[1]!, grams[3]!));
  });

  it('LU and Householder QR of tall matrices: WebAssembly loops bit-identical to TypeScript (incl. rank deficiency, zero columns, NaN)', () => {
    const same = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => Object.is(v, y[i]));
    for (const [m, n] of [[3, 5], [64, 40], [700, 20], [2000, 23], [60, 300]] as const) for (const kind of ['random', 'rank-deficient', 'zero column', 'integers', 'NaN']) {
      const d = rs.standardNormal(m * n) as Float64Array;
      if (kind === 'rank-deficient') for (let i = 0; i < m; i++) { d[i * n + n - 1] = 2 * d[i * n]!; d[i * n + 1] = 0; }
      if (kind === 'zero column') for (let i = 0; i < m; i++) d[i * n] = 0;
      if (kind === 'integers') for (let i = 0; i < d.length; i++) d[i] = Math.round(d[i]!);
      if (kind === 'NaN') d[n + 1] = NaN;
      const run = () => {
        const a1 = new Matrix(d.slice(), m, n), a2 = new Matrix(d.slice(), m, n);
        return { lu: luInPlace(a1, true), qr: qrInPlace(a2), a1: a1.data, a2: a2.data };
      };
      const t = withBackend('ts', run), w = withBackend('wasm', run);
      const msg = `${m}x${n} ${kind}`;
      assert.ok(same(t.lu.L.data, w.lu.L.data) && same(t.lu.U.data, w.lu.U.data) && same(t.lu.perm, w.lu.perm) && same(t.a1, w.a1), `lu ${msg}`);
      assert.ok(same(t.qr.Q.data, w.qr.Q.data) && same(t.qr.R.data, w.qr.R.data) && same(t.a2, w.a2), `qr ${msg}`);
    }
  });

  it('a QR too large for the kept instance (> 32 MiB) runs on a temporary one, same bits', () => {
    const m = 20000, n = 110, d = rs.standardNormal(m * n) as Float64Array;
    const t = withBackend('ts', () => qrInPlace(new Matrix(d.slice(), m, n)));
    const w = withBackend('wasm', () => qrInPlace(new Matrix(d.slice(), m, n)));
    assert.ok(sameBits(t.Q.data, w.Q.data) && sameBits(t.R.data, w.R.data));
  });

  it('eigh: QL rotations in WebAssembly give the same bits (random, low rank, diagonal, odd sizes)', () => {
    for (const n of [5, 16, 17, 64, 201]) for (const kind of ['random', 'rank 1', 'diagonal']) {
      const a = rs.standardNormal(n * n) as Float64Array, u = rs.standardNormal(n) as Float64Array;
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
        const v = kind === 'random' ? a[i * n + j]! : kind === 'rank 1' ? u[i]! * u[j]! : i === j ? a[i]! : 0;
        S[i * n + j] = v; S[j * n + i] = v;
      }
      const t = withBackend('ts', () => eighRaw(S.slice(), n)), w = withBackend('wasm', () => eighRaw(S.slice(), n));
      assert.ok(sameBits(t.values, w.values) && sameBits(t.vectors.data, w.vectors.data), `${n} ${kind}`);
    }
  });
});

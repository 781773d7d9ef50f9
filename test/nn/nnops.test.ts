/**
 * The float32 net kernels in WebAssembly (asm/nnops.ts via src/nn/nnWasm.ts: Adam, ReLU, bias
 * sums, small layer products) against the TypeScript loops they replace (setLinalgBackend('ts')),
 * bit for bit, on data with signed zeros, NaN, infinities, subnormals and odd lengths (NaN counts
 * as one value: its sign and payload are unspecified in both languages).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setLinalgBackend } from '../../src/linalg/wasm.js';
import { nnWasmActive } from '../../src/nn/nnWasm.js';
import { NNOPS_WASM_BYTES } from '../../src/nn/wasmNnops.generated.js';
import { getActivation } from '../../src/nn/activations.js';
import { denseForward, denseGradW } from '../../src/nn/kernels.js';
import { Adam } from '../../src/nn/optimizers.js';
import { RandomState } from '../../src/core/random.js';

const rs = new RandomState(7);
/** float32 values with about 10% special entries (±0, subnormals, NaN, ±Inf, large). */
function data(n: number, specials = true): Float32Array {
  const u = rs.rand(2 * n);
  const out = new Float32Array(n);
  const special = [0, -0, 1e-40, -3e-42, NaN, Infinity, -Infinity, 3e38, -1];
  for (let i = 0; i < n; i++) out[i] = specials && u[2 * i]! < 0.1 ? special[Math.floor(u[2 * i + 1]! * special.length)]! : (u[2 * i + 1]! - 0.5) * 4;
  return out;
}
/** The bit patterns, every NaN as one canonical value (NaN sign and payload are not specified by JS or WebAssembly). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (v, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : v));

/** Runs `f` under the WebAssembly and then the TypeScript backend; returns both results. */
function both<T>(f: () => T): [T, T] {
  const prev = setLinalgBackend('wasm');
  try {
    const w = f();
    setLinalgBackend('ts');
    const t = f();
    return [w, t];
  } finally {
    setLinalgBackend(prev);
  }
}

describe('float32 net kernels in WebAssembly = the TypeScript loops, bit for bit', () => {
  it('the module is active on Node (so the comparisons below exercise it) and small enough for synchronous compilation (4 KiB)', () => {
    assert.ok(NNOPS_WASM_BYTES <= 4096, `${NNOPS_WASM_BYTES} bytes`);
    assert.equal(nnWasmActive(), true);
    setLinalgBackend('ts');
    assert.equal(nnWasmActive(), false);
    setLinalgBackend('auto');
  });

  it('ReLU forward and backward (lengths 1,024 to 4,099)', () => {
    const relu = getActivation('relu');
    for (const n of [1024, 1027, 4099]) {
      const z = data(n), ga = data(n);
      const [w, t] = both(() => {
        const a = new Float32Array(n), gz = new Float32Array(n);
        relu.forward(z, a, 1);
        relu.backward(z, a, ga, gz, 1);
        return [bits(a), bits(gz)];
      });
      assert.deepEqual(w, t, `n = ${n}`);
    }
  });

  it('Adam steps (float32 parameters of 64 to 1,001 values, several steps, with and without weight decay)', () => {
    for (const [len, wd] of [[64, null], [1001, null], [300, 0.01]] as const) {
      const w0 = data(len, false), grads = [data(len), data(len, false), data(len, false)];
      const [w, t] = both(() => {
        const p = w0.slice();
        const opt = new Adam({ learningRate: 0.01, weightDecay: wd });
        for (const g of grads) opt.step([p], [g]);
        const st = opt.getState().slots[0]!;
        return [bits(p), bits(st[0] as Float32Array), bits(st[1] as Float32Array)];
      });
      assert.deepEqual(w, t, `length ${len}`);
    }
  });

  it('small layer products (denseForward, denseGradW) incl. the zero test of the last input columns', () => {
    for (const [n, d, u] of [[32, 20, 10], [5, 23, 17], [33, 7, 3], [8, 16, 1], [3, 9, 64], [64, 10, 1]] as const) {
      for (const withBias of [true, false]) {
        const X = data(n * d), W = data(d * u), b = withBias ? data(u) : new Float32Array(0), G = data(n * u);
        const [w, t] = both(() => {
          const Z = new Float32Array(n * u), gW = new Float32Array(d * u), gb = new Float32Array(b.length);
          denseForward(X, W, b, Z, n, d, u);
          denseGradW(X, G, gW, gb, n, d, u);
          return [bits(Z), bits(gW), bits(gb)];
        });
        assert.deepEqual(w, t, `${n} x ${d} x ${u}, bias ${withBias}`);
      }
    }
  });

  it('bias-gradient column sums of the packed products (256 x 256)', () => {
    const n = 256, d = 256, u = 256;
    const X = data(n * d, false), G = data(n * u);
    const [w, t] = both(() => {
      const gW = new Float32Array(d * u), gb = new Float32Array(u);
      denseGradW(X, G, gW, gb, n, d, u);
      return [bits(gW), bits(gb)];
    });
    assert.deepEqual(w, t);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { HistGradientBoostingClassifier } from '../../src/ensemble/index.js';
import { binomialGradKernel } from '../../src/ensemble/loss.js';
import { hgbHistModule, hgbTeamStats, hgbTeamTuning } from '../../src/ensemble/histWasm.js';
import { hgbThreadStats } from '../../src/ensemble/histogram.js';
import { linalgThreads } from '../../src/linalg/threads.js';
import { withThreads } from '../helpers/threads.js';

interface Kernels {
  exp(x: number): number;
  expPairs(xp: number, n: number, outp: number): void;
  binomialGrad(rawp: number, yp: number, swp: number, rows: number, gp: number, hp: number, ghp: number): void;
}

interface Wasm {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer };
  Instance: new (m: object, i: object) => { exports: unknown };
}

function instance(pages: number): { ex: Kernels; mem: { buffer: ArrayBuffer } } | null {
  const mod = hgbHistModule();
  if (!mod) return null;
  const W = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
  const mem = new W.Memory({ initial: pages, maximum: 32768, shared: true });
  const ex = new W.Instance(mod, { env: { memory: mem } }).exports as Kernels;
  return { ex, mem };
}


describe('HistGradientBoosting WebAssembly exp and binomial gradients', () => {
  it('exp and expPairs (asm/hist.ts, fdlibm as V8, scalar and f64x2) equal Math.exp bit for bit on 2.2 million arguments', (t) => {
    const rng = new RandomState(7);
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    const xs: number[] = [];
    // uniform over the whole finite range of results (and a bit beyond both thresholds)
    for (const v of rng.uniform(-746, 711, 1_400_000)) xs.push(v);
    // near 0 (|x| down to 1e-20), both signs
    const m = rng.rand(300_000);
    const s = rng.rand(300_000);
    for (let i = 0; i < m.length; i++) xs.push((s[i]! - 0.5) * 2 * 10 ** (-20 * m[i]!));
    // subnormal and underflowing results
    for (const v of rng.uniform(-746, -707, 300_000)) xs.push(v);
    // random bit patterns (every exponent, NaN payloads, infinities)
    const hi = rng.randint(0, 2 ** 32, 300_000);
    const lo = rng.randint(0, 2 ** 32, 300_000);
    for (let i = 0; i < hi.length; i++) {
      u[0] = lo[i]!;
      u[1] = hi[i]!;
      xs.push(f[0]!);
    }
    // integers and halves of ln 2 (the reduction's k boundaries), exp(1), special values, thresholds
    // and the branch limits of the high word, with their neighbours in the last bit
    for (let k = -1100; k <= 1100; k++) for (const d of [-1e-12, 0, 1e-12, 0.5]) xs.push((k + d) * Math.LN2);
    const special = [0, -0, 1, -1, 2, -2, 0.5, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
      7.09782712893383973096e+02, 709.7827128933841, 709.78, 709.79, -7.45133219101941108420e+02, -745.1332191019412, -708.3964185322641, -708.4, -709.08956571282405,
      0.5 * Math.LN2, 1.5 * Math.LN2, 2 ** -28, -(2 ** -28), 2 ** -29, 1024 * Math.LN2, -1021 * Math.LN2, -1022 * Math.LN2];
    for (const hw of [0x3fd62e42, 0x3fd62e43, 0x3ff0a2b1, 0x3ff0a2b2, 0x3e2fffff, 0x3e300000, 0x40862e41, 0x40862e42]) {
      u[1] = hw;
      for (const lw of [0, 1, 0xffffffff]) {
        u[0] = lw;
        special.push(f[0]!, -f[0]!);
      }
    }
    for (const x of special) {
      xs.push(x);
      f[0] = x;
      for (const dl of [-1, 1]) {
        if (!Number.isFinite(x)) continue;
        u[0] = (u[0]! + dl) >>> 0;
        xs.push(f[0]!);
        f[0] = x;
      }
    }
    // each special value beside every kind of argument in the other lane
    for (const x of special) for (const z of [0.3, 3, -700, 1e-30, NaN]) xs.push(x, z, z, x);
    if (xs.length % 2) xs.push(0);
    const n = xs.length;
    assert.ok(n > 2_200_000, `${n} arguments`);
    const w = instance(Math.ceil((16 * n) / 65536) + 1);
    if (!w) return t.skip('no WebAssembly shared memory');
    const X = new Float64Array(w.mem.buffer, 0, n);
    X.set(xs);
    const out = new Float64Array(w.mem.buffer, 8 * n, n);
    w.ex.expPairs(0, n, 8 * n);
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      const x = X[i]!;
      const ref = Math.exp(x);
      const a = w.ex.exp(x);
      if (!Object.is(a, ref) && bad.length < 5) bad.push(`exp(${x}) = ${a}, Math.exp: ${ref}`);
      if (!Object.is(out[i], ref) && bad.length < 5) bad.push(`expPairs lane ${i % 2}: exp(${x}) = ${out[i]}, Math.exp: ${ref}`);
    }
    assert.deepEqual(bad, [], 'differences from Math.exp');
  });

  it('binomialGrad equals binomialGradKernel (loss.ts) bit for bit, with and without sample weights', (t) => {
    const w = instance(64);
    if (!w) return t.skip('no WebAssembly shared memory');
    const n = 50_000;
    const rng = new RandomState(11);
    const raw = rng.uniform(-40, 40, n);
    for (let i = 0; i < 2000; i++) raw[i * 7] = rng.uniform(-800, 800); // saturated and overflowing exp
    raw[3] = 0;
    raw[4] = -0;
    const y = Float64Array.from(rng.rand(n), (v) => (v < 0.4 ? 1 : 0));
    const sw = rng.uniform(0, 3, n);
    const buf = w.mem.buffer;
    const rawp = 0, yp = 8 * n, swp = 16 * n, gp = 24 * n, hp = 28 * n, ghp = 32 * n;
    new Float64Array(buf, rawp, n).set(raw);
    new Float64Array(buf, yp, n).set(y);
    new Float64Array(buf, swp, n).set(sw);
    for (const weights of [null, sw]) {
      const g = new Float32Array(n);
      const h = new Float32Array(n);
      binomialGradKernel(y, raw, weights, g, h, 0, n);
      w.ex.binomialGrad(rawp, yp, weights ? swp : 0, n, gp, hp, ghp);
      const gw = new Float32Array(buf, gp, n);
      const hw = new Float32Array(buf, hp, n);
      const gh = new Float32Array(buf, ghp, 2 * n);
      for (let i = 0; i < n; i++) {
        if (!Object.is(g[i], gw[i]) || !Object.is(h[i], hw[i]) || !Object.is(g[i], gh[2 * i]) || !Object.is(h[i], gh[2 * i + 1])) {
          assert.fail(`row ${i} (raw ${raw[i]}, weights ${weights !== null}): ${gw[i]}, ${hw[i]} vs ${g[i]}, ${h[i]}`);
        }
      }
    }
  });

  it('team fits with sample weights (WebAssembly gradients, partitions counted first) repeat the 1-thread model, the JavaScript gradients and the one-job partition bit for bit', () => {
    const n = 70_000, d = 6;
    const rng = new RandomState(5);
    const X = rng.uniform(-2, 2, n * d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = X[i * d]! + X[i * d + 1]! * X[i * d + 2]! + 0.3 * Math.sin(3 * X[i * d + 3]!) > 0.2 ? 1 : 0;
    const sw = rng.uniform(0.2, 2, n);
    const Xm = new Matrix(X, n, d);
    const fit = () => new HistGradientBoostingClassifier({ maxIter: 5, earlyStopping: false, randomState: 0 }).fit(Xm, y, sw).decisionFunction(Xm) as Float64Array;
    const one = withThreads(1, fit);
    const g0 = hgbThreadStats.grad;
    const prof = hgbTeamStats.prof;
    hgbTeamStats.prof = true;
    const chunks = [...hgbTeamStats.opChunks];
    let two: Float64Array;
    hgbTeamTuning.countPartition = true;
    try {
      two = withThreads(2, fit);
    } finally {
      hgbTeamStats.prof = prof;
      hgbTeamTuning.countPartition = false;
    }
    if (withThreads(2, linalgThreads) === 2 && hgbHistModule()) {
      assert.ok(hgbThreadStats.grad > g0 && hgbTeamStats.opChunks[2]! > chunks[2]!, 'the team computed the gradients');
      assert.ok(hgbTeamStats.opChunks[5]! > chunks[5]!, 'the team partitioned');
    }
    // the JavaScript gradients, and the two-piece partition in one job (forward and backward)
    hgbTeamTuning.wasmGrad = false;
    let js: Float64Array;
    try {
      js = withThreads(2, fit);
    } finally {
      hgbTeamTuning.wasmGrad = true;
    }
    const serial = withThreads(2, fit);
    for (let i = 0; i < n; i++) {
      if (!Object.is(one[i], two[i])) assert.fail(`row ${i}: ${one[i]} (1 thread) vs ${two[i]} (2 threads)`);
      if (!Object.is(js[i], two[i])) assert.fail(`row ${i}: ${js[i]} (JavaScript gradients) vs ${two[i]} (WebAssembly)`);
      if (!Object.is(serial[i], two[i])) assert.fail(`row ${i}: ${serial[i]} (one-job partition) vs ${two[i]} (counted partition)`);
    }
  });
});

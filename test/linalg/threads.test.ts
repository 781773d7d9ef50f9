import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { InvalidParameterError } from '../../src/core/errors.js';
import { lloydWasmBytes } from '../../src/cluster/distance.js';
import { linalgThreads, registerKernel, runTasks, setLinalgThreads, sharedFloat64 } from '../../src/linalg/index.js';

/** The slice of the WebAssembly API used here (the project's lib setting has no WebAssembly types). */
interface Wasm {
  Module: new (b: Uint8Array) => object;
  Memory: new (o: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer };
  Instance: new (m: object, i: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

// A kernel that records which thread ran it (worker threads have a threadId > 0).
registerKernel('testWhere', function (out: Float64Array, i: number, a: number) {
  const wt = (globalThis as { process?: { getBuiltinModule?: (n: string) => { threadId: number } } }).process?.getBuiltinModule?.('node:worker_threads');
  out[2 * i] = wt ? wt.threadId : -1;
  out[2 * i + 1] = Math.sqrt(i + a);
});

// A kernel that instantiates a WebAssembly module on a shared memory once per thread and memory.
registerKernel('testWasmColsum', function (mod: object, mem: object, id: number, xp: number, n: number, d: number, outp: number) {
  const g = globalThis as unknown as { __testWasm?: Map<number, { colsum: (...a: number[]) => void }> };
  const cache = g.__testWasm ?? (g.__testWasm = new Map());
  let exp = cache.get(id);
  if (!exp) {
    const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
    exp = new W.Instance(mod, { env: { memory: mem } }).exports as { colsum: (...a: number[]) => void };
    cache.set(id, exp);
  }
  exp.colsum(xp, n, d, outp, outp);
});

describe('registerKernel / runTasks', () => {
  it('a registered kernel runs on worker threads and gives the result of a local run', () => {
    const prev = setLinalgThreads(null);
    try {
      const t = Math.max(2, linalgThreads());
      const par = sharedFloat64(2 * t);
      runTasks(Array.from({ length: t }, (_, i) => ({ fn: 'testWhere', args: [par, i, 0.5] })));
      if (linalgThreads() > 1) {
        assert.ok(par[0]! <= 0, 'task 0 runs in the calling thread');
        assert.ok(par[2]! > 0, 'task 1 runs on a worker thread');
      }
      setLinalgThreads(1);
      const seq = sharedFloat64(2 * t);
      runTasks(Array.from({ length: t }, (_, i) => ({ fn: 'testWhere', args: [seq, i, 0.5] })));
      for (let i = 0; i < t; i++) {
        assert.ok(seq[2 * i]! <= 0, 'setLinalgThreads(1): everything in the calling thread');
        assert.equal(par[2 * i + 1], seq[2 * i + 1]);
      }
    } finally {
      setLinalgThreads(prev);
    }
  });

  it('startWorkers boots the workers without waiting; the first runTasks joins them (fresh process)', () => {
    // a fresh process: the pool of this one is already running
    const src = `
      import { registerKernel, runTasks, setLinalgThreads, sharedFloat64, startWorkers } from './src/linalg/threads.ts';
      registerKernel('where', (out, i) => { out[i] = (globalThis.process?.env && !globalThis.__main) ? 1 : 0; });
      globalThis.__main = true;
      setLinalgThreads(2);
      startWorkers();
      startWorkers(); // a second call adds nothing
      const out = sharedFloat64(2);
      runTasks([{ fn: 'where', args: [out, 0] }, { fn: 'where', args: [out, 1] }]);
      console.log(JSON.stringify([...out]));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], { cwd: join(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), [0, 1], 'task 0 in the calling thread, task 1 on a started worker');
  });

  it('re-registering replaces the kernel on the workers', () => {
    const out = sharedFloat64(4);
    registerKernel('testVersion', function (a: Float64Array, i: number) { a[i] = 1; });
    runTasks([{ fn: 'testVersion', args: [out, 0] }, { fn: 'testVersion', args: [out, 1] }]);
    registerKernel('testVersion', function (a: Float64Array, i: number) { a[i] = 2; });
    runTasks([{ fn: 'testVersion', args: [out, 2] }, { fn: 'testVersion', args: [out, 3] }]);
    assert.deepEqual(Array.from(out), [1, 1, 2, 2]);
  });

  it('WebAssembly.Module and a shared WebAssembly.Memory as arguments', () => {
    const mod = new WA.Module(lloydWasmBytes(64));
    const mem = new WA.Memory({ initial: 2, maximum: 64, shared: true });
    const n = 1000, d = 3;
    const X = new Float64Array(mem.buffer, 0, n * d);
    for (let i = 0; i < X.length; i++) X[i] = Math.sin(i);
    const outp = n * d * 8;
    const out = new Float64Array(mem.buffer, outp, 2 * d);
    for (let rep = 0; rep < 2; rep++) {
      out.fill(0);
      runTasks([0, 1].map((h) => ({ fn: 'testWasmColsum', args: [mod, mem, 7, h * (n / 2) * d * 8, n / 2, d, outp + h * d * 8] })));
      for (let f = 0; f < d; f++) {
        let a = 0, b = 0;
        for (let i = 0; i < n / 2; i++) { a += X[i * d + f]!; b += X[(i + n / 2) * d + f]!; }
        assert.equal(out[f], a);
        assert.equal(out[d + f], b);
      }
    }
  });

  it('errors: unknown kernel, built-in name, method, a kernel that throws in a worker', () => {
    assert.throws(() => runTasks([{ fn: 'noSuchKernel', args: [] }]), InvalidParameterError);
    assert.throws(() => registerKernel('gemmCore', function () {}), InvalidParameterError);
    const o = { m(): void {} };
    assert.throws(() => registerKernel('method', o.m), InvalidParameterError);
    registerKernel('testThrow', function (i: number) { if (i > 0) throw new Error('boom'); });
    if (linalgThreads() > 1) assert.throws(() => runTasks([{ fn: 'testThrow', args: [0] }, { fn: 'testThrow', args: [1] }]), /failed in a worker/);
  });
});

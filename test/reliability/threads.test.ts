// Issue 13 #2 for the synchronous linalg threads: a kernel that kills its worker must not hang the
// caller (it blocks in Atomics.wait, so no 'exit' event can reach it) and the worker is replaced.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerError } from '../../src/core/errors.js';
import { linalgThreads, linalgWorkerStats, registerKernel, runTasks, setLinalgThreads, sharedFloat64 } from '../../src/linalg/threads.js';

describe('linalg threads: dead workers', () => {
  it('process.exit or an uncaught error in a kernel gives a WorkerError, then the worker is replaced', { timeout: 30000 }, async () => {
    const prev = setLinalgThreads(2);
    try {
      if (linalgThreads() < 2) return; // no worker_threads here
      registerKernel('fillIdx', function (a: Float64Array, i: number) { a[i] = i + 1; });
      registerKernel('exitNow', function (_a: Float64Array, _i: number) { (globalThis as unknown as { process: { exit(c: number): void } }).process.exit(5); });
      registerKernel('throwLater', function (_a: Float64Array, _i: number) { setTimeout(() => { throw new Error('late'); }, 0); });
      const out = sharedFloat64(2);
      runTasks([{ fn: 'fillIdx', args: [out, 0] }, { fn: 'fillIdx', args: [out, 1] }]);
      assert.deepEqual([...out], [1, 2]);
      const before = linalgWorkerStats.replaced;
      assert.throws(() => runTasks([{ fn: 'fillIdx', args: [out, 0] }, { fn: 'exitNow', args: [out, 1] }]), (e: unknown) => e instanceof WorkerError && /exited/.test((e as Error).message));
      out.fill(0);
      runTasks([{ fn: 'fillIdx', args: [out, 0] }, { fn: 'fillIdx', args: [out, 1] }]);
      assert.deepEqual([...out], [1, 2]);
      assert.equal(linalgWorkerStats.replaced, before + 1);
      // an error thrown after the kernel returned kills the worker after the call: the next call replaces it
      runTasks([{ fn: 'fillIdx', args: [out, 0] }, { fn: 'throwLater', args: [out, 1] }]);
      await new Promise((r) => setTimeout(r, 200));
      out.fill(0);
      runTasks([{ fn: 'fillIdx', args: [out, 0] }, { fn: 'fillIdx', args: [out, 1] }]);
      assert.deepEqual([...out], [1, 2]);
      assert.equal(linalgWorkerStats.replaced, before + 2);
    } finally {
      setLinalgThreads(prev);
    }
  });
});

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AbortError, DataError, DeepmineError, WorkerError } from '../../src/core/errors.js';
import { closePool, getPool, parallelMap } from '../../src/core/pool.js';

const mod = new URL('../helpers/poolTask.mjs', import.meta.url).href;
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('worker pool: failures (issue 13 #2)', { timeout: 60000 }, () => {
  after(() => closePool());

  it('replaces a worker that called process.exit; only its task fails, with a WorkerError; later calls run', { timeout: 20000 }, async () => {
    const pool = (await getPool(2))!;
    const before = pool.replaced;
    const ok = parallelMap<number>(2, mod, 'sleep', [[200, 1], [200, 2], [200, 3]]);
    const bad = parallelMap(2, mod, 'exit', [[7], [8]]);
    const err = await bad.then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkerError, String(err));
    assert.match((err as Error).message, /exited with code [78]/);
    assert.deepEqual(await ok, [1, 2, 3]);
    // the pool is not deadlocked: every later nJobs >= 2 call completes
    for (let r = 0; r < 3; r++) assert.deepEqual(await parallelMap<number>(2, mod, 'sleep', [[5, r], [5, r + 1]]), [r, r + 1]);
    assert.ok(pool.replaced > before);
    assert.ok(pool.liveWorkers <= pool.capacity);
  });

  it('an uncaught error in a worker gives a WorkerError with the cause', { timeout: 20000 }, async () => {
    const err = await parallelMap(2, mod, 'crashLater', [[], []]).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkerError);
    assert.ok((err as Error).cause instanceof Error);
    assert.match((err as Error).message, /RangeError: uncaught in worker/);
    assert.deepEqual(await parallelMap<number>(2, mod, 'sleep', [[1, 5], [1, 6]]), [5, 6]);
  });

  it('growing the pool never closes it under another call', { timeout: 20000 }, async () => {
    const a = parallelMap<number>(2, mod, 'spin', [[300, 'a'], [300, 'b']]);
    await new Promise((r) => setTimeout(r, 50));
    const b = parallelMap<number>(4, mod, 'spin', [[50, 1], [50, 2], [50, 3], [50, 4]]);
    assert.deepEqual(await a, ['a', 'b']);
    assert.deepEqual(await b, [1, 2, 3, 4]);
    assert.ok((await getPool(1))!.capacity >= 4);
  });

  it('keeps error classes and fields across the thread boundary', { timeout: 30000 }, async () => {
    const e = await parallelMap(2, mod, 'dataError', [[], []]).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof DataError && e instanceof DeepmineError, String(e));
    const d = e as DataError;
    assert.equal(d.name, 'DataError');
    assert.equal(d.argument, 'X');
    assert.equal(d.expected, 'finite values');
    assert.equal(d.owner, 'KMeans');
    assert.match(d.message, /^KMeans: argument 'X' must be finite values; received NaN at row 3/);
    const t = await parallelMap(2, mod, 'uncloneable', [[], []]).then(() => null, (x: unknown) => x);
    assert.ok(t instanceof TypeError);
    assert.equal((t as TypeError & { code: string }).code, 'E_BAD');
    assert.equal(typeof (t as TypeError & { fn: unknown }).fn, 'string');
    const r = await parallelMap(2, mod, 'badResult', [[], []]).then(() => null, (x: unknown) => x);
    assert.ok(r instanceof Error && /clone/i.test(r.message), String(r));
  });

  it('cancels with an AbortSignal: queued and running tasks, in workers and in the calling thread', { timeout: 20000 }, async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = parallelMap(2, mod, 'spin', [[5000, 1], [5000, 2], [5000, 3]], { signal: ac.signal, owner: 'test' });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e: unknown) => e instanceof AbortError && /^test: operation was aborted/.test((e as Error).message));
    assert.ok(Date.now() - t0 < 3000, 'abort took too long');
    await assert.rejects(parallelMap(2, mod, 'sleep', [[1, 1], [1, 2]], { signal: AbortSignal.abort('stop') }), /aborted \("stop"\)/);
    const ac1 = new AbortController();
    const p1 = parallelMap(1, mod, 'sleep', Array.from({ length: 50 }, (_, i) => [20, i]), { signal: ac1.signal });
    setTimeout(() => ac1.abort(), 60);
    await assert.rejects(p1, AbortError);
    // the pool still works after terminating the aborted workers
    assert.deepEqual(await parallelMap<number>(2, mod, 'sleep', [[1, 1], [1, 2]]), [1, 2]);
  });

  it('a failing call drops its own queued tasks and leaves no unhandled rejection', { timeout: 20000 }, async () => {
    const unhandled: unknown[] = [];
    const on = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', on);
    try {
      await assert.rejects(parallelMap(2, mod, 'fails', Array.from({ length: 20 }, () => [])), /boom/);
      // the queued tasks were dropped; the ones already running finish on their own
      const pool = (await getPool(1))!;
      assert.ok(pool.pendingTasks <= pool.capacity);
      for (let t = 0; t < 100 && pool.pendingTasks > 0; t++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(pool.pendingTasks, 0);
    } finally {
      process.off('unhandledRejection', on);
    }
    assert.deepEqual(unhandled, []);
  });

  it('the process exits after a worker failure (idle workers do not keep it alive)', { timeout: 30000 }, () => {
    const script = `
      import { parallelMap } from './src/core/pool.ts';
      const mod = ${JSON.stringify(mod)};
      try { await parallelMap(2, mod, 'exit', [[3], [4]]); } catch (e) { console.log(e.name); }
      console.log((await parallelMap(2, mod, 'sleep', [[1, 'a'], [1, 'b']])).join(''));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 20000, encoding: 'utf8' });
    assert.equal(r.signal, null, 'the child hung (killed by the timeout)');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'WorkerError\nab\n');
  });
});

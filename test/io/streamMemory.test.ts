/**
 * Streamed fits keep their memory bounded by the batch, not the stream (issue 18, "out of core on
 * one machine"). Each fit runs in a child process (test/io/streamMemory.child.ts, --expose-gc)
 * over a 2.5M x 10 Parquet file in 100,000-row batches with a full collection after each: the RSS
 * after the 5th batch and the largest RSS over the 20 batches after it must stay within 64 MiB.
 * Before the fix of kmeansWasm.ts, MiniBatchKMeans.partialFit grew by ~7.6 MB per batch here
 * (a fresh shared WebAssembly memory per batch kernel, kept alive by the worker threads: +150 MB),
 * and its shared kernel memories were recreated once per batch instead of reused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KMeansKernel } from '../../src/cluster/kmeansKernel.js';
import { sharedKernelStats } from '../../src/cluster/kmeansWasm.js';
import { rowNormsSq } from '../../src/cluster/pairwise.js';
import { setLinalgThreads } from '../../src/linalg/threads.js';

const child = fileURLToPath(new URL('./streamMemory.child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'deepmine-streammem-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 2 ** 20;
const BOUND = 64 * MiB;

function run(mode: string): { batches: number; warmRss: number; peakRss: number; sharedMemories: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, dir, '2500000', '100000', mode], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('streamed fits: memory bounded by the batch', () => {
  for (const [mode, what] of [['mbk', 'MiniBatchKMeans.partialFit'], ['ipca', 'IncrementalPCA.partialFit'], ['net', 'Sequential.trainOnBatch (SGD)']] as const) {
    it(`${what} over streamMatrix: RSS flat over 20 batches of 100,000 rows`, () => {
      const r = run(mode);
      assert.equal(r.batches, 25);
      const growth = r.peakRss - r.warmRss;
      assert.ok(growth < BOUND, `${what}: RSS grew by ${(growth / MiB).toFixed(1)} MiB after the warm-up (bound ${BOUND / MiB} MiB)`);
      // the batch kernels of MiniBatchKMeans run on worker threads: one shared memory, reused
      if (mode === 'mbk') assert.ok(r.sharedMemories <= 1, `shared kernel memories created: ${r.sharedMemories}`);
    });
  }

  it('shared k-means kernels reuse their memory across calls and collections (no new memory per kernel)', async () => {
    // a full collection between kernels (what a stream's allocations cause sooner or later)
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const prev = setLinalgThreads(2);
    try {
      const n = 40_000, d = 10, k = 8; // n d k >= 2^21: two threads on a shared memory
      const C = Float64Array.from({ length: k * d }, (_, i) => (i % 7) * 0.3);
      const X = Float64Array.from({ length: n * d }, (_, i) => ((i * 2654435761) % 1000) / 1000);
      const lab = new Int32Array(n);
      const before = sharedKernelStats.created;
      for (let t = 0; t < 20; t++) {
        const a = new KMeansKernel(n, d, k, null);
        assert.equal(a.threads, 2);
        a.X.set(X);
        a.assign(C, rowNormsSq(C, k, d), lab);
        a.release();
        // a weakly held object survives until the current job ends: collect on the next turn
        await new Promise((r) => setImmediate(r));
        gc();
      }
      assert.ok(sharedKernelStats.created - before <= 1, `${sharedKernelStats.created - before} shared memories for 20 kernels`);
    } finally {
      setLinalgThreads(prev);
    }
  });
});

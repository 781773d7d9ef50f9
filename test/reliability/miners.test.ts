// Issue 13 #2 (async miners) and #7 (miners and rules at tiny support): cancellation, event-loop
// yielding, no unhandled rejection, and a ResourceError before memory runs out.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { associationRules, countFrequentItemsetsAsync, fpGrowth, fpGrowthAsync, type AssociationRule } from '../../src/assoc/index.js';
import { AbortError, ResourceError } from '../../src/core/errors.js';
import { closePool } from '../../src/core/pool.js';
import { setResourceBudget } from '../../src/core/resources.js';
import { RandomState } from '../../src/core/random.js';
import { readTransactions } from '../../src/io/transactions.js';

after(() => closePool());
const root = fileURLToPath(new URL('../..', import.meta.url));
const mushPath = fileURLToPath(new URL('../../../shared/datasets/fimi/mushroom.dat', import.meta.url));
const skip = existsSync(mushPath) ? false : 'mushroom.dat not found beside the repo';
const MiB = 2 ** 20;

describe('async miners: cancellation and the event loop (issue 13 #2)', { skip }, () => {
  const db = skip ? null! : readTransactions(mushPath);

  for (const nJobs of [1, 2]) {
    it(`countFrequentItemsetsAsync at 1% support stops on an AbortSignal (nJobs ${nJobs})`, { timeout: 30000 }, async () => {
      const t0 = Date.now();
      await assert.rejects(countFrequentItemsetsAsync(db, { minSupport: 0.01, nJobs, signal: AbortSignal.timeout(300) }), (e: unknown) => e instanceof AbortError && /countFrequentItemsetsAsync: operation was aborted/.test((e as Error).message));
      assert.ok(Date.now() - t0 < 5000, `abort took ${Date.now() - t0} ms`);
      // the pool still works afterwards
      assert.equal((await countFrequentItemsetsAsync(db, { minSupport: 0.5, nJobs })).total, (await countFrequentItemsetsAsync(db, { minSupport: 0.5 })).total);
    });
  }

  for (const nJobs of [1, 2]) {
    it(`timers fire while fpGrowthAsync runs (nJobs ${nJobs}: the mining runs on workers, the labelling in slices)`, { timeout: 30000 }, async () => {
      let ticks = 0, fired = false;
      const timer = setInterval(() => ticks++, 5);
      setTimeout(() => { fired = true; }, 20);
      const t0 = Date.now();
      const sets = await fpGrowthAsync(db, { minSupport: 0.12, nJobs });
      const ms = Date.now() - t0;
      clearInterval(timer);
      assert.equal(sets.length, 127053);
      assert.ok(fired || ms < 20, 'a 20 ms timer did not fire during the run');
      assert.ok(ticks >= Math.floor(ms / 200), `${ticks} timer ticks in ${ms} ms`);
    });
  }

  it('a ResourceError in a parallel run leaves no unhandled rejection and the process alive', { timeout: 30000 }, () => {
    const script = `
      import { fpGrowthAsync } from './src/assoc/fpgrowth.ts';
      import { readTransactions } from './src/io/transactions.ts';
      process.on('unhandledRejection', (e) => { console.log('UNHANDLED ' + e); process.exit(3); });
      const db = readTransactions(${JSON.stringify(mushPath)});
      for (let r = 0; r < 3; r++) {
        try { await fpGrowthAsync(db, { minSupport: 0.05, nJobs: 2, budget: { memoryBytes: 8 * 2 ** 20 } }); console.log('no error'); }
        catch (e) { console.log(e.name); }
      }
      await new Promise((r) => setTimeout(r, 300));
      console.log('alive');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 25000, encoding: 'utf8' });
    assert.equal(r.signal, null, 'child hung');
    assert.equal(r.status, 0, r.stdout + r.stderr.slice(-500));
    assert.equal(r.stdout, 'ResourceError\nResourceError\nResourceError\nalive\n');
  });
});

describe('miners and rules within a budget (issue 13 #7)', { skip }, () => {
  const db = skip ? null! : readTransactions(mushPath);

  it('fpGrowth at tiny support without maxLen stops with a ResourceError naming minSupport/maxLen', { timeout: 30000 }, () => {
    const prev = setResourceBudget({ memoryBytes: 64 * MiB });
    try {
      assert.throws(() => fpGrowth(db, { minSupport: 0.001 }), (e: unknown) => e instanceof ResourceError && /^fpGrowth: the [\d,]+\+ frequent itemsets found so far \(mining stopped early\) would need about .* over the budget of 64\.0 MiB; raise minSupport .*set maxLen/.test((e as Error).message));
    } finally {
      setResourceBudget(prev);
    }
    // per call, and by item count
    assert.throws(() => fpGrowth(db, { minSupport: 0.01, budget: { maxOutputItems: 100000 } }), (e: unknown) => e instanceof ResourceError && (e as ResourceError).unit === 'itemsets');
    assert.equal(fpGrowth(db, { minSupport: 0.4, budget: { maxOutputItems: 100000 } }).length, fpGrowth(db, { minSupport: 0.4 }).length);
  });

  it('associationRules on mushroom: ResourceError over the budget, maxRules keeps the exact top rules in bounded memory', { timeout: 60000 }, () => {
    const sets = fpGrowth(db, { minSupport: 0.3 });
    assert.throws(() => associationRules(sets, { metric: 'confidence', minThreshold: 0, budget: { memoryBytes: 200 * 360 } }), (e: unknown) => e instanceof ResourceError && /rules kept so far.*set maxRules/.test((e as Error).message));
    const all = associationRules(sets, { metric: 'confidence', minThreshold: 0.5 });
    for (const by of ['lift', 'confidence', 'leverage'] as const) {
      const top = associationRules(sets, { metric: 'confidence', minThreshold: 0.5, maxRules: 25, sortBy: by });
      const order = all.map((r, i) => [r, i] as [AssociationRule, number]).sort((a, b) => b[0][by] - a[0][by] || a[1] - b[1]).slice(0, 25).map(([r]) => r);
      assert.deepEqual(top.map(String), order.map(String));
    }
    // bounded memory: far more rules pass than the budget could hold, maxRules keeps 100
    assert.throws(() => associationRules(sets, { metric: 'lift', minThreshold: 1, budget: { memoryBytes: 1 * MiB } }), ResourceError);
    const top = associationRules(sets, { metric: 'lift', minThreshold: 1, maxRules: 100, budget: { memoryBytes: 1 * MiB } });
    assert.equal(top.length, 100);
    for (let i = 1; i < top.length; i++) assert.ok(top[i - 1]!.lift >= top[i]!.lift);
  });
});

describe('associationRules maxRules on generated baskets', () => {
  it('equals sorting the full output (ties in generation order), NaN ranks last', () => {
    const rs = new RandomState(3);
    const tx = Array.from({ length: 300 }, () => Array.from(rs.choice(12, rs.randint(1, 7), { replace: false })));
    const sets = fpGrowth(tx, { minSupport: 0.05 });
    const all = associationRules(sets, { minThreshold: 0.3 });
    for (const k of [1, 7, 50, all.length + 5]) {
      const top = associationRules(sets, { minThreshold: 0.3, maxRules: k, sortBy: 'support' });
      const ref = all.map((r, i) => [r, i] as const).sort((a, b) => b[0].support - a[0].support || a[1] - b[1]).slice(0, k).map(([r]) => String(r));
      assert.deepEqual(top.map(String), ref);
    }
    assert.throws(() => associationRules(sets, { maxRules: 0 }), /maxRules/);
    assert.throws(() => associationRules(sets, { sortBy: 'nope' as never }), /sortBy/);
  });
});

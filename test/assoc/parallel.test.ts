import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { countFrequentItemsets, fpGrowth } from '../../src/assoc/index.js';
import { countFrequentItemsetsAsync } from '../../src/assoc/count.js';
import { fpGrowthAsync, lastParallelRun } from '../../src/assoc/fpgrowth.js';
import { InvalidParameterError } from '../../src/core/errors.js';
import { closePool } from '../../src/core/pool.js';
import { RandomState } from '../../src/core/random.js';
import { fpGrowthFile, fpGrowthFileAsync, readTransactions } from '../../src/io/transactions.js';

after(() => closePool());
const FIMI = new URL('../../../shared/datasets/fimi/', import.meta.url);
const mushPath = new URL('mushroom.dat', FIMI).pathname;
const skip = existsSync(mushPath) ? false : 'mushroom.dat not found beside the repo';

describe('parallel FP-Growth (nJobs)', () => {
  it('nJobs 2 gives the same itemsets, counts and order as fpGrowth on generated baskets', async () => {
    const rs = new RandomState(11);
    const tx = Array.from({ length: 400 }, () => Array.from(rs.choice(30, rs.randint(0, 12), { replace: true })));
    for (const minSupport of [0.02, 0.1, 0.5]) {
      for (const maxLen of [null, 3]) {
        assert.deepEqual(await fpGrowthAsync(tx, { minSupport, maxLen, nJobs: 2 }), fpGrowth(tx, { minSupport, maxLen }));
      }
    }
    assert.deepEqual(await fpGrowthAsync(tx, { minSupport: 0.1 }), fpGrowth(tx, { minSupport: 0.1 })); // nJobs default 1
    assert.deepEqual(await fpGrowthAsync([['a']], { minCount: 2, nJobs: 2 }), []);
  });
  it('mushroom: identical output with the worker doing part of the work', { skip, timeout: 60000 }, async () => {
    const db = readTransactions(mushPath);
    await fpGrowthAsync(db, { minSupport: 0.5, nJobs: 2 }); // the worker loads its module
    const serial = fpGrowth(db, { minSupport: 0.15 });
    const par = await fpGrowthAsync(db, { minSupport: 0.15, nJobs: 2 });
    assert.equal(par.length, serial.length);
    assert.deepEqual(par, serial);
    const per = lastParallelRun.itemsetsPerThread;
    assert.equal(per.length, 2);
    assert.equal(per[0]! + per[1]!, serial.length);
    console.log(`itemsets per thread: ${per}`);
    const c = await countFrequentItemsetsAsync(db, { minSupport: 0.1, nJobs: 2 });
    assert.deepEqual(c, countFrequentItemsets(db, { minSupport: 0.1 }));
    assert.equal(c.total, 574431);
    assert.deepEqual(await fpGrowthFileAsync(mushPath, { minSupport: 0.3, nJobs: 2 }), fpGrowthFile(mushPath, { minSupport: 0.3 }));
    assert.deepEqual(await fpGrowthFileAsync(mushPath, { minSupport: 0.1, nJobs: -1, countOnly: true }), c);
  });
  it('bad nJobs is an InvalidParameterError', async () => {
    await assert.rejects(fpGrowthAsync([['a']], { nJobs: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'nJobs');
    await assert.rejects(countFrequentItemsetsAsync([['a']], { nJobs: 1.5 }), InvalidParameterError);
    await assert.rejects(fpGrowthFileAsync(mushPath, { nJobs: 'two' as never }), InvalidParameterError);
  });
});

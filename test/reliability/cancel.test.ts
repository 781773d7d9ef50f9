// Issue 13 #2: AbortSignal on the long async entry points (crossValidate, fitAsync).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError } from '../../src/core/errors.js';
import { closePool } from '../../src/core/pool.js';
import { RandomState } from '../../src/core/random.js';
import { crossValidate } from '../../src/modelSelection/validation.js';
import { RandomForestClassifier } from '../../src/tree/forest.js';
import { DecisionTreeClassifier } from '../../src/tree/cart.js';

after(() => closePool());
const rs = new RandomState(0);
const X = Array.from({ length: 3000 }, () => Array.from(rs.standardNormal(8) as Float64Array));
const y = X.map((r) => (r[0]! + r[1]! * r[2]! > 0 ? 1 : 0));

describe('cancellation of long async calls', () => {
  it('crossValidate rejects with AbortError (already aborted, and mid-run with nJobs 1 and 2)', { timeout: 60000 }, async () => {
    await assert.rejects(crossValidate(new DecisionTreeClassifier(), X, y, { signal: AbortSignal.abort() }), AbortError);
    for (const nJobs of [1, 2]) {
      const ac = new AbortController();
      const p = crossValidate(new RandomForestClassifier({ nEstimators: 60, randomState: 0 }), X, y, { cv: 10, nJobs, signal: ac.signal });
      setTimeout(() => ac.abort(), 150);
      await assert.rejects(p, (e: unknown) => e instanceof AbortError && /^crossValidate: operation was aborted/.test((e as Error).message));
    }
    const ok = await crossValidate(new DecisionTreeClassifier({ randomState: 0 }), X, y, { cv: 3, nJobs: 2 });
    assert.equal(ok.testScore.length, 3);
  });

  it('RandomForest fitAsync rejects with AbortError', { timeout: 60000 }, async () => {
    const ac = new AbortController();
    const p = new RandomForestClassifier({ nEstimators: 400, nJobs: 2, randomState: 0 }).fitAsync(X, y, null, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, AbortError);
  });
});

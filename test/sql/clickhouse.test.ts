/**
 * The SQL pushdown cases on a two-shard ClickHouse cluster (two local servers, a Distributed
 * table over them: every statistic is computed on both shards and merged by the engine).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clickhouseEngine } from '../../src/sql/engine.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { pushdownSuite } from '../helpers/pushdownSuite.js';
import { loadDistributed, startClickHouse, type TempClickHouse } from '../helpers/clickhouse.js';

const cluster = await startClickHouse();
const skip = 'skip' in cluster ? cluster.skip : false;
const urls = (cluster as TempClickHouse).urls;
let engine: SqlEngine;

describe('SQL pushdown on a two-shard ClickHouse cluster', { skip }, () => {
  before(async () => { engine = await clickhouseEngine(urls[0]); });
  after(() => (cluster as TempClickHouse).stop());
  pushdownSuite(() => engine, (_e, name, columns, X, n) => loadDistributed(urls, name, columns, X, n), { light: true });
  it('the rows really are split over the two shards', async () => {
    const [a] = await (await clickhouseEngine(urls[0])).query('SELECT count(*) AS n FROM syn_local');
    const [b] = await (await clickhouseEngine(urls[1])).query('SELECT count(*) AS n FROM syn_local');
    const [all] = await engine.query('SELECT count(*) AS n FROM syn');
    assert.equal(a!.n, 5000);
    assert.equal(b!.n, 5000);
    assert.equal(all!.n, 10000);
  });
});

/**
 * A connection lost in the middle of a pushed-down fit: the fit rejects with an EngineError, and
 * nothing half-done is left behind (the estimator passed in stays unfitted, no result object, no
 * table written: fits only read). The loss is simulated on DuckDB after k queries; postgres.test.ts
 * kills a real backend mid-fit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataError, InvalidParameterError, NotFittedError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { duckdbEngine } from '../../src/sql/engine.js';
import { fitSqlWith } from '../../src/sql/fit.js';
import { fpGrowthSqlWith } from '../../src/sql/itemsets.js';
import { trainSqlWith } from '../../src/sql/sgd.js';
import { EngineError, type SqlEngine } from '../../src/sql/types.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Dense } from '../../src/nn/layers.js';
import { DecisionTreeClassifier } from '../../src/tree/index.js';
import { KMeans } from '../../src/cluster/kmeans.js';
import { loadTable } from '../helpers/sqlData.js';

let base: SqlEngine;
before(async () => {
  base = await duckdbEngine();
  const rs = new RandomState(0);
  const n = 2000;
  const X = rs.standardNormal(n * 4);
  const XY = new Float64Array(n * 5);
  for (let i = 0; i < n; i++) { for (let j = 0; j < 4; j++) XY[i * 5 + j] = X[i * 4 + j]!; XY[i * 5 + 4] = X[i * 4]! + X[i * 4 + 1]! > 0 ? 1 : 0; }
  await loadTable(base, 't', ['a', 'b', 'c', 'd', 'y'], XY, n);
  await loadTable(base, 'tx', ['tid', 'item'], Float64Array.from({ length: 4000 }, (_, k) => (k % 2 === 0 ? Math.floor(k / 6) : (k * 7) % 13)), 2000);
});
after(() => base.close());

/** The engine, losing its connection at query number `at` (every later query fails too). */
function flaky(at: number): SqlEngine & { sent: number } {
  let lost = false;
  const e = {
    dialect: base.dialect,
    sent: 0,
    get closed() { return lost; },
    async query(sql: string) {
      if (++e.sent >= at) lost = true;
      if (lost) throw new EngineError('duckdb', 'connection lost (simulated)', sql);
      return base.query(sql);
    },
    async close() { lost = true; },
  };
  return e;
}

describe('a connection lost mid-fit', () => {
  it('tree, KMeans, itemsets and SGD reject with an EngineError at every query of the fit', async () => {
    // count the queries of each fit, then fail it at each of them
    const fits: [string, (e: SqlEngine) => Promise<unknown>, () => object | null][] = [];
    const tree = new DecisionTreeClassifier({ splitter: 'hist', maxDepth: 3, randomState: 0 });
    fits.push(['tree', (e) => fitSqlWith(tree, 't', { engine: e, columns: ['a', 'b', 'c', 'd'], target: 'y' }), () => tree]);
    const km = new KMeans({ nClusters: 3, init: new Matrix(Float64Array.from({ length: 12 }, (_, t) => t / 10), 3, 4), maxIter: 5 });
    fits.push(['kmeans', (e) => fitSqlWith(km, 't', { engine: e, columns: ['a', 'b', 'c', 'd'] }), () => km]);
    fits.push(['itemsets', (e) => fpGrowthSqlWith('tx', { engine: e, minSupport: 0.05 }), () => null]);
    const net = new Sequential([new Dense(1, { activation: 'sigmoid' })]).compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    fits.push(['sgd', (e) => trainSqlWith(net, { sql: 'SELECT * FROM t' }, { engine: e, columns: ['a', 'b'], target: 'y', key: '_rid', fetchRows: 500 }), () => null]);
    for (const [name, fit, est] of fits) {
      const probe = flaky(Infinity);
      await fit(probe);
      const total = probe.sent;
      assert.ok(total >= 2, `${name}: ${total} queries`);
      for (let at = 1; at <= total; at++) {
        const fresh = name === 'tree' ? new DecisionTreeClassifier({ splitter: 'hist', maxDepth: 3, randomState: 0 }) : null;
        const run = fresh ? () => fitSqlWith(fresh, 't', { engine: flaky(at), columns: ['a', 'b', 'c', 'd'], target: 'y' }) : () => fit(flaky(at));
        await assert.rejects(run(), (e: unknown) => (e as Error).name === 'EngineError', `${name}: lost at query ${at}`);
        if (fresh) assert.throws(() => fresh.tree, NotFittedError, 'the estimator passed in is not touched');
      }
      const e = est();
      if (e === km) assert.throws(() => km.clusterCenters, NotFittedError);
    }
  });
});

describe('bad input to fpGrowthSql and trainSql', () => {
  const net = () => new Sequential([new Dense(1, { activation: 'sigmoid' })]).compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  it('a missing source, a closed engine, an unsupported dialect, a non-numeric column, bad options: typed errors naming the argument', async () => {
    const isEngineError = (e: unknown) => (e as Error).name === 'EngineError';
    await assert.rejects(fpGrowthSqlWith('no_such_table', { engine: base }), isEngineError);
    await assert.rejects(trainSqlWith(net(), 'no_such_table', { engine: base, columns: ['a'], target: 'y', key: '_rid' }), isEngineError);
    const closed = await duckdbEngine();
    await closed.close();
    await assert.rejects(fpGrowthSqlWith('tx', { engine: closed }), isEngineError);
    await assert.rejects(trainSqlWith(net(), 't', { engine: closed, columns: ['a'], target: 'y', key: '_rid' }), isEngineError);
    const oracle = { dialect: 'oracle', closed: false, query: base.query.bind(base), close: async () => undefined } as unknown as SqlEngine;
    for (const p of [fpGrowthSqlWith('tx', { engine: oracle }), trainSqlWith(net(), 't', { engine: oracle, columns: ['a'], target: 'y', key: '_rid' }), fitSqlWith(new KMeans(), 't', { engine: oracle, columns: ['a'] })]) {
      await assert.rejects(p, (e: unknown) => e instanceof InvalidParameterError && /dialect/.test(e.message));
    }
    await assert.rejects(trainSqlWith(net(), { sql: "SELECT _rid, 'x' AS s, y FROM t" }, { engine: base, columns: ['s'], target: 'y', key: '_rid' }), (e: unknown) => e instanceof DataError && /s/.test(e.message));
    await assert.rejects(trainSqlWith(net(), 't', { engine: base, columns: ['a'], target: 'y', key: '_rid', batchSize: 0 }), (e: unknown) => e instanceof InvalidParameterError && /batchSize/.test(e.message));
    await assert.rejects(fpGrowthSqlWith('tx', { engine: base, minSupport: 2 }), (e: unknown) => e instanceof InvalidParameterError && /minSupport/.test(e.message));
    await assert.rejects(fpGrowthSqlWith('tx', { engine: base, nTransactions: 3 }), (e: unknown) => e instanceof InvalidParameterError && /nTransactions/.test(e.message));
    await assert.rejects(fitSqlWith(new DecisionTreeClassifier({ splitter: 'hist', maxLeafNodes: 8 }), 't', { engine: base, columns: ['a'], target: 'y' }), (e: unknown) => e instanceof InvalidParameterError && /maxLeafNodes/.test(e.message));
  });
});

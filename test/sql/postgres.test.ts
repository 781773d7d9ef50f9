/** The SQL pushdown cases against a live PostgreSQL started for this test file (see helpers/postgres.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgresEngine } from '../../src/sql/engine.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { pushdownSuite } from '../helpers/pushdownSuite.js';
import { NotFittedError } from '../../src/core/errors.js';
import { fitSqlWith } from '../../src/sql/fit.js';
import { DecisionTreeClassifier } from '../../src/tree/index.js';
import { startPostgres, type TempPostgres } from '../helpers/postgres.js';

const server = startPostgres();
const skip = 'skip' in server ? server.skip : false;
let engine: SqlEngine;

describe('SQL pushdown on a live PostgreSQL', { skip }, () => {
  before(async () => { engine = await postgresEngine({ host: (server as TempPostgres).host, port: (server as TempPostgres).port, user: 'deepmine', database: 'postgres' }); });
  after(async () => {
    await engine?.close();
    (server as TempPostgres).stop();
  });
  pushdownSuite(() => engine);
  it('a backend killed in the middle of a tree fit: an EngineError, the estimator untouched', async () => {
    const conn = { host: (server as TempPostgres).host, port: (server as TempPostgres).port, user: 'deepmine', database: 'postgres' };
    const e = await postgresEngine(conn);
    const killer = await postgresEngine(conn);
    const [p] = await e.query('SELECT pg_backend_pid() AS pid');
    let sent = 0;
    const wrapped: SqlEngine = {
      dialect: e.dialect,
      get closed() { return e.closed; },
      async query(sql: string) {
        if (++sent === 5) await killer.query(`SELECT pg_terminate_backend(${p!.pid})`);
        return e.query(sql);
      },
      close: () => e.close(),
    };
    const tree = new DecisionTreeClassifier({ splitter: 'hist', maxDepth: 4, randomState: 0 });
    await assert.rejects(fitSqlWith(tree, 'synt', { engine: wrapped, columns: ['z0', 'z1', 'z2', 'z3', 'z4', 'z5'], target: 'cls' }), (err: unknown) => (err as Error).name === 'EngineError');
    assert.ok(sent >= 5);
    assert.throws(() => tree.tree, NotFittedError);
    await killer.close();
    await e.close().catch(() => undefined);
  });
  it('a closed engine gives an EngineError', async () => {
    const e = await postgresEngine({ host: (server as TempPostgres).host, port: (server as TempPostgres).port, user: 'deepmine', database: 'postgres' });
    await e.close();
    await assert.rejects(e.query('SELECT 1'), (err: unknown) => (err as Error).name === 'EngineError');
  });
});

/** The SQL pushdown cases against a live PostgreSQL started for this test file (see helpers/postgres.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgresEngine } from '../../src/sql/engine.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { pushdownSuite } from '../helpers/pushdownSuite.js';
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
  it('a closed engine gives an EngineError', async () => {
    const e = await postgresEngine({ host: (server as TempPostgres).host, port: (server as TempPostgres).port, user: 'deepmine', database: 'postgres' });
    await e.close();
    await assert.rejects(e.query('SELECT 1'), (err: unknown) => (err as Error).name === 'EngineError');
  });
});

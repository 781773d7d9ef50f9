/**
 * SQL pushdown (issue 18): predictSql scores rows inside the engine exactly as predict does, and
 * fitSql fits from engine-computed statistics to the in-memory estimators' results. Run against
 * an embedded DuckDB here and against a live PostgreSQL in postgres.test.ts (same cases).
 */
import { after, before, describe } from 'node:test';
import { duckdbEngine } from '../../src/sql/engine.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { pushdownSuite } from '../helpers/pushdownSuite.js';

let engine: SqlEngine;
before(async () => { engine = await duckdbEngine(); });
after(async () => { await engine.close(); });

describe('SQL pushdown on DuckDB', () => {
  pushdownSuite(() => engine);
});

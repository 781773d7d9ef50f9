/**
 * SQL engines (Node only): one small interface over DuckDB (embedded, the default), PostgreSQL
 * (the `pg` client, loaded lazily) and anything else that can run a SELECT and return rows.
 * Nothing is installed on the server: plain SELECTs only, no UDFs, no DDL.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InvalidParameterError } from '../core/errors.js';
import { EngineError, type SqlEngine, type SqlRow } from './types.js';

export { EngineError, type SqlEngine, type SqlRow };

function toJs(v: unknown): number | string | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** An embedded DuckDB (in memory, or a database file). */
export async function duckdbEngine(path = ':memory:'): Promise<SqlEngine> {
  const db = await DuckDBInstance.create(path);
  let con: DuckDBConnection | null = await db.connect();
  return {
    dialect: 'duckdb',
    get closed() { return con === null; },
    async query(sql: string): Promise<SqlRow[]> {
      if (!con) throw new EngineError('duckdb', 'the engine is closed', sql);
      let reader;
      try {
        reader = await con.runAndReadAll(sql);
      } catch (e) {
        throw new EngineError('duckdb', (e as Error).message, sql);
      }
      return reader.getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toJs(v)])));
    },
    async close() {
      con?.closeSync();
      con = null;
      db.closeSync();
    },
  };
}

/** A PostgreSQL server through the `pg` client (a connection string or pg's client options). */
export async function postgresEngine(connection: string | Record<string, unknown>): Promise<SqlEngine> {
  if (typeof connection !== 'string' && (connection === null || typeof connection !== 'object')) throw new InvalidParameterError('connection', 'a connection string or pg client options', connection, 'postgresEngine');
  const pg = (await import('pg')).default;
  // float8 and numeric as JS numbers; int8 (count(*)) too: statistics fit in a double
  const types = {
    getTypeParser: (oid: number, format?: string) => (oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')),
  };
  const client = new pg.Client(typeof connection === 'string' ? { connectionString: connection, types } : { ...connection, types });
  try {
    await client.connect();
  } catch (e) {
    throw new EngineError('postgres', `cannot connect: ${(e as Error).message}`);
  }
  let open = true;
  client.on('error', () => { open = false; });
  return {
    dialect: 'postgres',
    get closed() { return !open; },
    async query(sql: string): Promise<SqlRow[]> {
      if (!open) throw new EngineError('postgres', 'the engine is closed (or lost its connection)', sql);
      try {
        const r = await client.query(sql);
        return r.rows.map((row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJs(v)])));
      } catch (e) {
        throw new EngineError('postgres', (e as Error).message, sql);
      }
    },
    async close() {
      if (!open) return;
      open = false;
      await client.end();
    },
  };
}


/**
 * SQL engines (Node only): one small interface over DuckDB (embedded, the default), PostgreSQL
 * (the `pg` client, loaded lazily) and anything else that can run a SELECT and return rows.
 * Nothing is installed on the server: plain SELECTs only, no UDFs, no DDL.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { InvalidParameterError } from '../core/errors.js';
import { chunkReleaser, copyNumbers } from '../io/vectors.js';
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
  /** The result chunks of a streamed query (engine errors as EngineError). */
  async function* chunks(sql: string): AsyncIterable<{ chunk: DuckDBDataChunk; names: string[] }> {
    if (!con) throw new EngineError('duckdb', 'the engine is closed', sql);
    let res;
    try {
      res = await con.stream(sql);
    } catch (e) {
      throw new EngineError('duckdb', (e as Error).message, sql);
    }
    const names = res.columnNames();
    for (;;) {
      let chunk;
      try {
        chunk = await res.fetchChunk();
      } catch (e) {
        throw new EngineError('duckdb', (e as Error).message, sql);
      }
      if (!chunk || chunk.rowCount === 0) return;
      yield { chunk, names };
    }
  }
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
    async *stream(sql: string): AsyncIterable<SqlRow[]> {
      for await (const { chunk, names } of chunks(sql)) yield chunk.getRowObjects(names).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toJs(v)])));
    },
    async *streamColumns(sql: string): AsyncIterable<{ rows: number; columns: Float64Array[] }> {
      const release = chunkReleaser();
      for await (const { chunk } of chunks(sql)) {
        const rows = chunk.rowCount;
        const columns = Array.from({ length: chunk.columnCount }, (_, j) => {
          const out = new Float64Array(rows);
          copyNumbers(chunk.getColumnVector(j), rows, out, 0);
          return out;
        });
        release();
        yield { rows, columns };
      }
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
    /** A server-side cursor in a read-only transaction, FETCHed batchRows at a time. */
    async *stream(sql: string, batchRows = 10_000): AsyncIterable<SqlRow[]> {
      if (!open) throw new EngineError('postgres', 'the engine is closed (or lost its connection)', sql);
      const conv = (rows: Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJs(v)])));
      let began = false;
      try {
        await client.query('BEGIN READ ONLY');
        began = true;
        await client.query(`DECLARE deepmine_cursor NO SCROLL CURSOR FOR ${sql}`);
        for (;;) {
          const r = await client.query(`FETCH FORWARD ${Math.max(1, Math.floor(batchRows))} FROM deepmine_cursor`);
          if (r.rows.length === 0) break;
          yield conv(r.rows);
        }
      } catch (e) {
        throw new EngineError('postgres', (e as Error).message, sql);
      } finally {
        // also when the consumer stops early: the transaction (and its cursor) ends here
        if (began && open) await client.query('ROLLBACK').catch(() => undefined);
      }
    },
    async close() {
      if (!open) return;
      open = false;
      await client.end();
    },
  };
}


/**
 * A ClickHouse server through its HTTP interface (no client library: the interface is stable
 * across versions, from 18.x on). `url` like `http://127.0.0.1:8123`; queries run as POST bodies
 * with `FORMAT JSON`; 64-bit integers (quoted by ClickHouse) come back as numbers.
 */
export async function clickhouseEngine(url: string, opts: { user?: string; password?: string; database?: string } = {}): Promise<SqlEngine> {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new InvalidParameterError('url', 'an http(s) URL of the ClickHouse HTTP interface', url, 'clickhouseEngine');
  const base = new URL(url);
  if (opts.database) base.searchParams.set('database', opts.database);
  // model expressions are long: allow queries up to 64 MiB and big ASTs (defaults: 256 KiB, 50,000 nodes)
  for (const [k, v] of [['max_query_size', 64 << 20], ['max_ast_elements', 1 << 24], ['max_expanded_ast_elements', 1 << 24]] as const) {
    if (!base.searchParams.has(k)) base.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = {};
  if (opts.user) headers['X-ClickHouse-User'] = opts.user;
  if (opts.password) headers['X-ClickHouse-Key'] = opts.password;
  let open = true;
  const send = async (sql: string, wantRows: boolean): Promise<SqlRow[]> => {
    let res: Response | null = null;
    // a SELECT is retried once when the socket fails before an answer (a kept-alive connection the
    // server closed at the same moment); statements that change data are never resent
    for (let attempt = 0; res === null; attempt++) {
      try {
        res = await fetch(base, { method: 'POST', headers, body: wantRows ? `${sql} FORMAT JSON` : sql });
      } catch (e) {
        if (!wantRows || attempt >= 1) throw new EngineError('clickhouse', `cannot reach ${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`, sql);
      }
    }
    const text = await res.text();
    if (!res.ok) throw new EngineError('clickhouse', text.trim().slice(0, 500), sql);
    if (!wantRows || text.trim() === '') return [];
    const json = JSON.parse(text) as { meta: { name: string; type: string }[]; data: Record<string, unknown>[] };
    const intCols = new Set(json.meta.filter((m) => /Int(64|128|256)/.test(m.type)).map((m) => m.name));
    return json.data.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, intCols.has(k) && typeof v === 'string' ? Number(v) : toJs(v)])));
  };
  await send('SELECT 1', true);
  return {
    dialect: 'clickhouse',
    get closed() { return !open; },
    async query(sql: string): Promise<SqlRow[]> {
      if (!open) throw new EngineError('clickhouse', 'the engine is closed', sql);
      // statements that return no result set (CREATE, INSERT, DROP) cannot take FORMAT JSON
      return send(sql, /^\s*(SELECT|WITH|SHOW|DESCRIBE|EXISTS)\b/i.test(sql));
    },
    async close() { open = false; },
  };
}

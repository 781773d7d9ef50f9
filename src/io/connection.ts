/**
 * DuckDB connection manager (Node only).
 *
 * One in-memory DuckDB database per process, opened lazily, with three kinds of connections:
 * - the **session** connection ({@link connection}) that `query()` uses, so a user's
 *   `CREATE TABLE`, `SET` or temp table persists from one `query()` call to the next;
 * - **pooled** connections ({@link withConnection}) that each reader (`readCsv`, `readParquet`,
 *   `readJson`, `writeParquet`) borrows for the duration of one call, so concurrent readers never
 *   share a connection (a DuckDB connection runs one statement at a time, and starting a statement
 *   ends the previous streaming result on that connection);
 * - **dedicated** connections ({@link openDedicated}), one per `streamMatrix` call, held until the
 *   stream ends or is abandoned (`return()` / `break` in `for await`), so no other query, and no
 *   second stream, can end a stream early.
 * All of them see the same database (tables created with `query()` are visible to the readers
 * and to streams; TEMP tables are per connection and are not).
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | null = null;
let session: Promise<DuckDBConnection> | null = null;
const idle: DuckDBConnection[] = [];
const live = new Set<DuckDBConnection>();
const MAX_IDLE = 4;

function db(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:');
  return instance;
}

async function fresh(): Promise<DuckDBConnection> {
  const con = await (await db()).connect();
  live.add(con);
  return con;
}

/** The process-wide session connection used by `query()` (created lazily). */
export async function connection(): Promise<DuckDBConnection> {
  session ??= fresh();
  return session;
}

/**
 * Run `fn` on a connection of its own, borrowed from a small idle pool (or newly opened) and
 * returned afterwards. Nothing else runs on that connection meanwhile.
 */
export async function withConnection<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const con = idle.pop() ?? await fresh();
  let ok = false;
  try {
    const r = await fn(con);
    ok = true;
    return r;
  } finally {
    // a connection whose statement failed is closed rather than reused (no leftover state)
    if (ok && idle.length < MAX_IDLE && live.has(con)) idle.push(con);
    else release(con);
  }
}

/** A new connection owned by the caller (one per stream); give it back with {@link release}. */
export async function openDedicated(): Promise<DuckDBConnection> {
  return fresh();
}

/** Close a dedicated (or pooled) connection. Safe to call twice. */
export function release(con: DuckDBConnection): void {
  if (!live.delete(con)) return;
  try { con.closeSync(); } catch { /* already closed */ }
}

/** Number of open connections (session + pooled + streams): for tests and leak checks. */
export function openConnectionCount(): number {
  return live.size;
}

/**
 * Close every connection and the database (lets a CLI exit promptly). Streams still running
 * end with an error; the next reader call opens a new database.
 */
export async function closeConnection(): Promise<void> {
  const inst = instance;
  if (!inst) return;
  instance = null;
  session = null;
  idle.length = 0;
  for (const con of [...live]) release(con);
  try { (await inst).closeSync(); } catch { /* ignore */ }
}

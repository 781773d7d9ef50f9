/**
 * The engine interface and its error (browser-safe: an engine is passed in; the Node adapters
 * are in engine.ts).
 */
import { DataError, DeepmineError } from '../core/errors.js';
import type { Dialect } from './dialect.js';

/** A row of a small result: column name -> number, string, boolean or null. */
export type SqlRow = Record<string, number | string | boolean | null>;

export interface SqlEngine {
  readonly dialect: Dialect;
  /** Run a query whose result is small (statistics, not data); numbers come back as JS numbers. */
  query(sql: string): Promise<SqlRow[]>;
  /**
   * Run a query whose result may be large, as batches of rows (memory bounded by the batch);
   * optional: engines without it are read page by page through `query`. Do not send other
   * queries on the engine before the iteration ends.
   */
  stream?(sql: string, batchRows?: number): AsyncIterable<SqlRow[]>;
  /**
   * Optional fast form of `stream` for all-numeric results: each batch as one Float64Array per
   * result column (in SELECT order; NULL as NaN), without a JS object per row. `trainSql` uses it
   * when present (DuckDB has it).
   */
  streamColumns?(sql: string): AsyncIterable<{ rows: number; columns: Float64Array[] }>;
  /** Release the connection. Later calls raise an EngineError. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/** The engine refused a query, lost its connection, or was used after close(). */
export class EngineError extends DeepmineError {
  override name = 'EngineError';
  constructor(readonly engine: string, message: string, readonly sql?: string) {
    super(`${engine}: ${message}`);
  }
}

/** Read a numeric statistic from a result row; a DataError naming the column when it is not a number. */
export function num(row: SqlRow | undefined, key: string, what: string): number {
  const v = row?.[key];
  if (v === null || v === undefined) return NaN;
  const x = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(x) && v !== 'NaN') throw new DataError(what, 'a numeric column', `a value of type ${typeof v} (${JSON.stringify(v).slice(0, 40)})`, 'fitSql');
  return x;
}

/**
 * What every pushed-down fit shares: the engine, the dialect, the source as a FROM item, the
 * quoted feature columns, and the running report (passes, queries, rows scanned, SQL sent).
 */
import { loadModel } from '../core/estimator.js';
import { encodeValue } from '../core/serialize.js';
import type { DialectRules } from './dialect.js';
import type { SqlEngine, SqlRow } from './types.js';

export const OWNER = 'fitSql';

/** How a fit sampled its source (see the `sample` option of fitSql). */
export interface SampleReport {
  /** 'hash': rows kept when a seeded hash of their values falls under the fraction; 'bernoulli': TABLESAMPLE BERNOULLI ... REPEATABLE */
  method: 'hash' | 'bernoulli';
  fraction: number;
  seed: number;
  /** rows in the sample */
  rows: number;
  /** rows in the source */
  sourceRows: number;
}

/** What a fit cost: passes over the data, queries sent, rows scanned. */
export interface FitReport {
  passes: number;
  queries: number;
  rowsScanned: number;
  sql: string[];
  /** set when the fit ran on a sample */
  sample?: SampleReport;
}

/** Reports of the fitted models (and itemset results), read through `fitReport`. */
export const reports = new WeakMap<object, FitReport>();

export interface Ctx {
  engine: SqlEngine;
  sql: DialectRules;
  /** the (possibly sampled) source as a FROM item */
  from: string;
  cols: string[];
  /** quoted feature columns */
  x: string[];
  report: FitReport;
  /** the target column (trees), quoted */
  y?: string;
  yName?: string;
}

/** Send one query; `pass` marks a scan of the whole (sampled) source of `rows` rows. */
export async function run(ctx: Ctx, q: string, pass: boolean, rows = 0): Promise<SqlRow[]> {
  ctx.report.queries++;
  ctx.report.sql.push(q);
  if (pass) { ctx.report.passes++; ctx.report.rowsScanned += rows; }
  return ctx.engine.query(q);
}

/** Rebuild an estimator with a computed state through the checked persistence path. */
export function withState<E extends { toJSON(): object }>(est: E, state: unknown): E {
  return loadModel<E>({ ...(est.toJSON() as Record<string, unknown>), state: encodeValue(state) } as never);
}

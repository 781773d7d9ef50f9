/** SQL pushdown, Node part: engine adapters and `fitSql` with an embedded DuckDB by default. */
import { duckdbEngine } from './engine.js';
import { fitSqlWith, type FitSqlOptions, type SqlSource } from './fit.js';
import { fpGrowthSqlWith, type ItemsetsSqlOptions } from './itemsets.js';
import type { Itemset } from '../assoc/itemsets.js';
import type { Sequential } from '../nn/sequential.js';
import { trainSqlWith, type TrainSqlOptions, type TrainSqlResult } from './sgd.js';
import type { SqlEngine } from './types.js';

export { duckdbEngine, postgresEngine, clickhouseEngine } from './engine.js';

/**
 * Fit `estimator` (StandardScaler, MinMaxScaler, PCA, KMeans, hist decision trees with `target`)
 * on a table or query inside a SQL engine; `engine` defaults to a fresh embedded DuckDB (closed
 * afterwards), which can read files directly:
 * `fitSql(new PCA(), {sql: "SELECT * FROM 'big.parquet'", columns})`.
 */
export async function fitSql<E extends object>(estimator: E, source: SqlSource, opts: Partial<FitSqlOptions> = {}): Promise<E> {
  const own = opts.engine ? null : await duckdbEngine();
  try {
    return await fitSqlWith(estimator, source, { ...opts, engine: opts.engine ?? own! });
  } finally {
    await own?.close();
  }
}

/**
 * Frequent itemsets of (tid, item) rows inside a SQL engine (default: a fresh embedded DuckDB):
 * level 1 and pairs counted by the engine, longer itemsets mined by FP-Growth from the distinct
 * weighted baskets; equal to `fpGrowth` on the same transactions.
 */
export async function fpGrowthSql(source: string | { sql: string; columns?: readonly string[] }, opts: Partial<ItemsetsSqlOptions> = {}): Promise<Itemset[]> {
  const own = opts.engine ? null : await duckdbEngine();
  try {
    return await fpGrowthSqlWith(source, { ...opts, engine: opts.engine ?? own! });
  } finally {
    await own?.close();
  }
}

/**
 * Train a compiled Sequential by SGD over rows streamed from a SQL engine (default: a fresh
 * embedded DuckDB, e.g. over a Parquet file) in a seeded permutation order of a stable key.
 */
export async function trainSql(model: Sequential, source: string | { sql: string }, opts: Omit<TrainSqlOptions, 'engine'> & { engine?: SqlEngine }): Promise<TrainSqlResult> {
  const own = opts.engine ? null : await duckdbEngine();
  try {
    return await trainSqlWith(model, source, { ...opts, engine: opts.engine ?? own! });
  } finally {
    await own?.close();
  }
}

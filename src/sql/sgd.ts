/**
 * Out-of-core SGD for `Sequential` nets over rows streamed from a SQL engine, in a portable
 * seeded order.
 *
 * Each epoch reads the source once, ordered by a modular permutation of a stable integer key:
 * `(key * a + b) mod p` with p = 2^31 - 1 (a prime) and a in [1, p), b in [0, p) drawn from
 * `RandomState(seed)`. For keys in [0, p) this is a bijection, so the order has no ties and is the
 * same on every engine (64-bit integer arithmetic only). `permutationOrder(keys, seed, epoch)`
 * gives the same order in memory, so the same seed gives bit-identical weights to the same
 * `trainOnBatch` calls in memory (tested). Batches are cut from the stream independently of the
 * fetch size (a batch can span two fetches), so memory is one fetch plus one batch.
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { RandomState } from '../core/random.js';
import type { Sequential } from '../nn/sequential.js';
import { dialectRules } from './dialect.js';
import { OWNER, run, type Ctx, type FitReport } from './context.js';
import { EngineError, num, type SqlEngine, type SqlRow } from './types.js';

/** The prime modulus of the permutation (keys must lie in [0, P)). */
export const PERMUTATION_PRIME = 2147483647;

/** The (a, b) of epoch `epoch` for `seed`: two draws per epoch from RandomState(seed). */
export function permutationParams(seed: number, epoch: number): { a: number; b: number } {
  const rs = new RandomState(seed);
  let a = 1, b = 0;
  for (let e = 0; e <= epoch; e++) {
    a = 1 + rs.randint(0, PERMUTATION_PRIME - 1);
    b = rs.randint(0, PERMUTATION_PRIME);
  }
  return { a, b };
}

/** Row indices of `keys` in the order an epoch streams them: ascending (key * a + b) mod p. */
export function permutationOrder(keys: ArrayLike<number>, seed: number, epoch = 0): Int32Array {
  const { a, b } = permutationParams(seed, epoch);
  const P = BigInt(PERMUTATION_PRIME), A = BigInt(a), B = BigInt(b);
  const pos = Float64Array.from({ length: keys.length }, (_, i) => Number((BigInt(keys[i]!) * A + B) % P));
  return Int32Array.from({ length: keys.length }, (_, i) => i).sort((i, j) => pos[i]! - pos[j]!);
}

export interface TrainSqlOptions {
  engine: SqlEngine;
  /** feature columns, in the model's input order */
  columns: readonly string[];
  /** the target column(s) */
  target: string | readonly string[];
  /** a stable integer key column with distinct values in [0, 2^31 - 1) (e.g. a row id) */
  key: string;
  /** rows per gradient step (default 32) */
  batchSize?: number;
  epochs?: number;
  /** seeds the order of each epoch and, on the first step, the weights and dropout (default 0) */
  seed?: number;
  /** rows per fetch from the engine (default 8,192) */
  fetchRows?: number;
}

export interface TrainSqlResult {
  /** mean training loss per epoch (row-weighted mean of the batch losses) */
  loss: number[];
  report: FitReport;
}

/**
 * Train a compiled `Sequential` by SGD on the rows of `source` (a table name or `{sql}`) inside
 * the engine, streaming each epoch in the seeded permutation order of `key`.
 */
export async function trainSqlWith(model: Sequential, source: string | { sql: string }, opts: TrainSqlOptions): Promise<TrainSqlResult> {
  const engine = opts?.engine;
  if (!engine || typeof engine.query !== 'function') throw new InvalidParameterError('engine', 'a SqlEngine (duckdbEngine(), postgresEngine(url), ...)', engine, OWNER);
  if (engine.closed) throw new EngineError(engine.dialect, 'the engine is closed');
  if (!model || typeof (model as { trainOnBatch?: unknown }).trainOnBatch !== 'function') throw new InvalidParameterError('model', 'a compiled Sequential', model, OWNER);
  const sql = dialectRules(engine.dialect);
  const cols = opts.columns, targets = typeof opts.target === 'string' ? [opts.target] : opts.target;
  if (!Array.isArray(cols) || cols.length === 0) throw new InvalidParameterError('columns', 'a non-empty list of feature columns', cols, OWNER);
  if (!Array.isArray(targets) || targets.length === 0) throw new InvalidParameterError('target', 'a target column name (or several)', opts.target, OWNER);
  if (typeof opts.key !== 'string' || !opts.key) throw new InvalidParameterError('key', 'a stable integer key column', opts.key, OWNER);
  const bs = opts.batchSize ?? 32, epochs = opts.epochs ?? 1, seed = opts.seed ?? 0, fetchRows = opts.fetchRows ?? 8192;
  for (const [k, v] of [['batchSize', bs], ['epochs', epochs], ['fetchRows', fetchRows]] as const) if (!Number.isInteger(v) || v < 1) throw new InvalidParameterError(k, 'an integer >= 1', v, OWNER);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new InvalidParameterError('seed', 'an integer in [0, 2^32)', seed, OWNER);
  let from: string;
  if (typeof source === 'string' && source.length > 0) from = source.split('.').map((p) => sql.ident(p)).join('.');
  else if (source && typeof source === 'object' && typeof source.sql === 'string') from = `(${source.sql}) AS deepmine_src`;
  else throw new InvalidParameterError('source', 'a table name or {sql}', source, OWNER);
  const x = cols.map((c) => sql.ident(c)), yq = targets.map((c) => sql.ident(c)), key = sql.ident(opts.key);
  const ctx: Ctx = { engine, sql, from, cols: [...cols], x, report: { passes: 0, queries: 0, rowsScanned: 0, sql: [] } };
  // the key: integers, distinct, in [0, p); features and targets without NULLs
  const [c] = await run(ctx, `SELECT count(*) AS n, count(DISTINCT ${key}) AS nk, min(${key}) AS lo, max(${key}) AS hi, sum(CASE WHEN ${key} = floor(${key}) THEN 0 ELSE 1 END) AS frac, ${[...x, ...yq].map((e, j) => `count(${e}) AS c${j}`).join(', ')} FROM ${from}`, true);
  const n = num(c, 'n', 'count');
  ctx.report.rowsScanned += n;
  if (n === 0) throw new DataError('source', 'at least one row', 'no rows', OWNER);
  if (num(c, 'nk', opts.key) !== n || num(c, 'frac', opts.key) !== 0 || num(c, 'lo', opts.key) < 0 || num(c, 'hi', opts.key) >= PERMUTATION_PRIME) {
    throw new DataError(`key '${opts.key}'`, `distinct integers in [0, ${PERMUTATION_PRIME})`, `${num(c, 'nk', opts.key)} distinct of ${n} rows in [${num(c, 'lo', opts.key)}, ${num(c, 'hi', opts.key)}]`, OWNER);
  }
  [...cols, ...targets].forEach((name, j) => {
    if (num(c, `c${j}`, name) !== n) throw new DataError(`columns['${name}']`, 'no missing values (NULL)', `${n - num(c, `c${j}`, name)} NULLs`, OWNER);
  });
  // numeric features and targets (a text column is a DataError naming it, not a failed CAST)
  const [first] = await run(ctx, `SELECT ${[...x, ...yq].map((e, j) => `${e} AS v${j}`).join(', ')} FROM ${from} LIMIT 1`, false);
  [...cols, ...targets].forEach((name, j) => {
    const v = first?.[`v${j}`];
    if (typeof v !== 'number') throw new DataError(`columns['${name}']`, 'a numeric column', `a ${typeof v} value (${JSON.stringify(v).slice(0, 30)})`, OWNER);
  });
  const d = cols.length, k = targets.length;
  const select = `${x.map((e, j) => `${sql.float64(e)} AS x${j}`).join(', ')}, ${yq.map((e, j) => `${sql.float64(e)} AS y${j}`).join(', ')}`;
  const Xb = new Float64Array(bs * d), Yb = new Float64Array(bs * k);
  const loss: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const { a, b } = permutationParams(seed, epoch);
    const pos = `((CAST(${key} AS BIGINT) * ${a} + ${b}) % ${PERMUTATION_PRIME})`;
    let fill = 0, sum = 0, seen = 0;
    const step = () => {
      const X = new Matrix(Xb.slice(0, fill * d), fill, d);
      const y = k === 1 ? Yb.slice(0, fill) : Array.from({ length: fill }, (_, i) => Yb.subarray(i * k, i * k + k));
      sum += model.trainOnBatch(X, y, { randomState: seed }) * fill;
      fill = 0;
    };
    const take = (rows: SqlRow[]) => {
      for (const r of rows) {
        for (let j = 0; j < d; j++) Xb[fill * d + j] = num(r, `x${j}`, cols[j]!);
        for (let j = 0; j < k; j++) Yb[fill * k + j] = num(r, `y${j}`, targets[j]!);
        fill++;
        seen++;
        if (fill === bs) step();
      }
    };
    ctx.report.passes++;
    ctx.report.rowsScanned += n;
    if (engine.streamColumns) {
      // numeric batches as columns (no JS object per row): the same values in the same order
      const q = `SELECT ${select} FROM ${from} ORDER BY ${pos}`;
      ctx.report.queries++;
      ctx.report.sql.push(q);
      for await (const { rows, columns } of engine.streamColumns(q)) {
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < d; j++) Xb[fill * d + j] = columns[j]![i]!;
          for (let j = 0; j < k; j++) Yb[fill * k + j] = columns[d + j]![i]!;
          fill++;
          seen++;
          if (fill === bs) step();
        }
      }
    } else if (engine.stream) {
      const q = `SELECT ${select} FROM ${from} ORDER BY ${pos}`;
      ctx.report.queries++;
      ctx.report.sql.push(q);
      for await (const rows of engine.stream(q, fetchRows)) take(rows);
    } else {
      // keyset pages through query(): each page continues after the last position read
      let last = -1;
      for (;;) {
        const q = `SELECT ${select}, ${pos} AS deepmine_pos FROM ${from} WHERE ${pos} > ${last} ORDER BY deepmine_pos LIMIT ${fetchRows}`;
        ctx.report.queries++;
        ctx.report.sql.push(q);
        const rows = await engine.query(q);
        take(rows);
        if (rows.length < fetchRows) break;
        last = num(rows[rows.length - 1], 'deepmine_pos', 'position');
      }
    }
    if (fill > 0) step();
    if (seen !== n) throw new DataError('source', 'rows that stay the same while training runs', `${n} rows counted, ${seen} streamed in epoch ${epoch}`, OWNER);
    loss.push(sum / n);
  }
  return { loss, report: ctx.report };
}

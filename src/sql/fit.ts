/**
 * `fitSql`: fit estimators where the data lives, from sufficient statistics the engine computes
 * in a few plain SELECTs (the MADlib / BigQuery ML pattern, with nothing installed server-side).
 * The result is the same estimator class, usable in memory afterwards (predict, transform,
 * toJSON) and in SQL through `predictSql`.
 *
 * | estimator | passes over the data |
 * |---|---|
 * | StandardScaler, MinMaxScaler | 1 (count, mean, population variance / min, max per column) |
 * | PCA | 2 (means; centred upper-triangle sums, at most 1,000 per query), eigh in TypeScript |
 * | KMeans | 1 for the tolerance's variances + 1 per Lloyd iteration (GROUP BY nearest centre) + 1 for the inertia |
 * | DecisionTree* (splitter 'hist') | 2-3 (NULL check, labels, the rows for the bin edges) + 1 per depth level (histograms) |
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { KMeans } from '../cluster/kmeans.js';
import { PCA, pcaStateFromCovariance } from '../decomposition/pca.js';
import { MinMaxScaler, minMaxState } from '../preprocessing/scalers.js';
import { StandardScaler, scaleOf } from '../preprocessing/standardScaler.js';
import { dialectRules } from './dialect.js';
import { EngineError, num, type SqlEngine } from './types.js';
import { OWNER, reports, run, withState, type Ctx, type FitReport } from './context.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../tree/cart.js';
import { fitTreeSql } from './tree.js';
import { rowNormsSq } from '../linalg/rows.js';

/** A table name, or a SELECT with the names of the columns to use. */
export type SqlSource = string | { sql: string; columns: readonly string[] };

export type { FitReport, SampleReport } from './context.js';

/** Fit on a repeatable sample: a fraction in (0, 1], or the fraction and a seed (default 0). */
export type SqlSample = number | { fraction: number; seed?: number };

export interface FitSqlOptions {
  /** the engine to run on (required here; `deepmine/node`'s `fitSql` defaults to an embedded DuckDB) */
  engine: SqlEngine;
  /** columns to use, in feature order (default: every column of the table but the target) */
  columns?: readonly string[];
  /** the target column (decision trees) */
  target?: string;
  /**
   * Fit on a repeatable sample of the rows: PostgreSQL tables use `TABLESAMPLE BERNOULLI (p)
   * REPEATABLE (seed)`; every other source keeps the rows whose seeded hash of their values
   * (DuckDB `hash`, ClickHouse `cityHash64`, PostgreSQL `hashtextextended`) falls under the
   * fraction. The same seed and data give the same sample; `fitReport(model).sample` says how.
   */
  sample?: SqlSample;
}

/** The passes, queries and rows scanned of a model fitted by `fitSql` or an `fpGrowthSql` result (undefined otherwise). */
export function fitReport(model: object): FitReport | undefined {
  return reports.get(model);
}

/**
 * Fit `estimator` (StandardScaler, MinMaxScaler, PCA, KMeans, DecisionTreeClassifier /
 * DecisionTreeRegressor with splitter 'hist') on `source` inside `engine`.
 */
export async function fitSqlWith<E extends object>(estimator: E, source: SqlSource, opts: FitSqlOptions): Promise<E> {
  const engine = opts?.engine;
  if (!engine || typeof engine.query !== 'function') throw new InvalidParameterError('engine', 'a SqlEngine (duckdbEngine(), postgresEngine(url), ...)', engine, OWNER);
  if (engine.closed) throw new EngineError(engine.dialect, 'the engine is closed');
  const sql = dialectRules(engine.dialect);
  const target = opts.target;
  if (target !== undefined && (typeof target !== 'string' || target.length === 0)) throw new InvalidParameterError('target', 'the name of the target column', target, OWNER);
  const sample = checkSample(opts.sample);
  let from: string;
  let cols: string[];
  if (typeof source === 'string') {
    if (source.length === 0) throw new InvalidParameterError('source', 'a table name or {sql, columns}', source, OWNER);
    from = source.split('.').map((part) => sql.ident(part)).join('.');
    cols = opts.columns ? [...opts.columns] : (await tableColumns(engine, from)).filter((c) => c !== target);
  } else if (source && typeof source === 'object' && typeof source.sql === 'string' && Array.isArray(source.columns) && source.columns.length > 0) {
    from = `(${source.sql}) AS deepmine_src`;
    cols = [...(opts.columns ?? source.columns)].filter((c) => c !== target);
  } else throw new InvalidParameterError('source', 'a table name or {sql, columns} with a non-empty column list', source, OWNER);
  if (cols.length === 0) throw new DataError('columns', 'at least one column', 'none', OWNER);
  const x = cols.map((c) => sql.ident(c));
  const ctx: Ctx = { engine, sql, from, cols, x, report: { passes: 0, queries: 0, rowsScanned: 0, sql: [] }, ...(target !== undefined ? { y: sql.ident(target), yName: target } : {}) };
  let n = await countAndCheck(ctx);
  if (sample) {
    const keyCols = ctx.y ? [...x, ctx.y] : x;
    const bernoulli = engine.dialect === 'postgres' && typeof source === 'string';
    const inner = bernoulli
      ? `SELECT * FROM ${from} TABLESAMPLE BERNOULLI (${sql.num(sample.fraction * 100)}) REPEATABLE (${sample.seed})`
      : `SELECT * FROM ${from} WHERE ${sql.hashBucket(keyCols, sample.seed)} < ${Math.floor(sample.fraction * 4294967296)}`;
    ctx.from = `(${inner}) AS deepmine_sample`;
    const sourceRows = n;
    const [r] = await run(ctx, `SELECT count(*) AS n FROM ${ctx.from}`, true, sourceRows);
    n = num(r, 'n', 'count');
    if (n === 0) throw new DataError('sample', 'a fraction that keeps at least one row', `${sample.fraction} of ${sourceRows} rows kept none`, OWNER);
    ctx.report.sample = { method: bernoulli ? 'bernoulli' : 'hash', fraction: sample.fraction, seed: sample.seed, rows: n, sourceRows };
  }
  const kind = (estimator as { kind?: string }).kind;
  let fitted: object;
  if (estimator instanceof StandardScaler) fitted = await fitStandardScaler(ctx, estimator, n);
  else if (estimator instanceof MinMaxScaler) fitted = await fitMinMax(ctx, estimator, n);
  else if (estimator instanceof PCA) fitted = await fitPca(ctx, estimator, n);
  else if (estimator instanceof KMeans) fitted = await fitKMeans(ctx, estimator, n);
  else if (estimator instanceof DecisionTreeClassifier || estimator instanceof DecisionTreeRegressor) fitted = await fitTreeSql(ctx, estimator, n);
  else throw new InvalidParameterError('estimator', "a StandardScaler, MinMaxScaler, PCA, KMeans, or DecisionTreeClassifier / DecisionTreeRegressor with splitter 'hist'", kind ?? estimator, OWNER);
  reports.set(fitted, ctx.report);
  return fitted as E;
}

function checkSample(s: SqlSample | undefined): { fraction: number; seed: number } | null {
  if (s === undefined || s === null) return null;
  const o = typeof s === 'number' ? { fraction: s, seed: 0 } : s;
  if (!o || typeof o !== 'object' || typeof o.fraction !== 'number' || !(o.fraction > 0 && o.fraction <= 1)) throw new InvalidParameterError('sample', 'a fraction in (0, 1] or {fraction, seed}', s, OWNER);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2147483647) throw new InvalidParameterError('sample.seed', 'an integer in [0, 2^31)', seed, OWNER);
  return o.fraction === 1 ? null : { fraction: o.fraction, seed };
}

async function tableColumns(engine: SqlEngine, from: string): Promise<string[]> {
  const rows = await engine.query(`SELECT * FROM ${from} LIMIT 1`);
  if (rows.length === 0) throw new DataError('source', 'a table with at least one row', 'an empty table', OWNER);
  return Object.keys(rows[0]!);
}

/** Row count and a type check of every column (a non-numeric column is a DataError naming it). */
async function countAndCheck(ctx: Ctx): Promise<number> {
  const sample = await run(ctx, `SELECT ${ctx.x.join(', ')} FROM ${ctx.from} LIMIT 1`, false);
  if (sample.length === 0) throw new DataError('source', 'at least one row', 'no rows', OWNER);
  ctx.cols.forEach((c) => {
    const v = sample[0]![c];
    if (v !== null && typeof v !== 'number') throw new DataError(`columns['${c}']`, 'a numeric column', `a ${typeof v} value (${JSON.stringify(v).slice(0, 30)})`, OWNER);
  });
  const r = await run(ctx, `SELECT count(*) AS n FROM ${ctx.from}`, false);
  return num(r[0], 'n', 'count');
}


async function fitStandardScaler(ctx: Ctx, est: StandardScaler, n: number): Promise<StandardScaler> {
  const { x } = ctx;
  const q = `SELECT ${x.map((e, j) => `count(${e}) AS c${j}, avg(${ctx.sql.float64(e)}) AS m${j}, ${ctx.sql.varPop(ctx.sql.float64(e))} AS v${j}`).join(', ')} FROM ${ctx.from}`;
  const [r] = await run(ctx, q, true, n);
  const d = x.length;
  const mean = new Float64Array(d), vr = new Float64Array(d), cnt = new Float64Array(d), scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    cnt[j] = num(r, `c${j}`, ctx.cols[j]!);
    if (cnt[j] === 0) throw new DataError(`columns['${ctx.cols[j]}']`, 'at least one non-missing value', 'only NULLs', OWNER);
    mean[j] = num(r, `m${j}`, ctx.cols[j]!);
    vr[j] = num(r, `v${j}`, ctx.cols[j]!);
    scale[j] = scaleOf(mean[j]!, vr[j]!, cnt[j]!);
  }
  return withState(est, { mean, var: vr, scale, nSamplesSeen: cnt });
}

async function fitMinMax(ctx: Ctx, est: MinMaxScaler, n: number): Promise<MinMaxScaler> {
  const { x } = ctx;
  const [r] = await run(ctx, `SELECT ${x.map((e, j) => `min(${ctx.sql.float64(e)}) AS lo${j}, max(${ctx.sql.float64(e)}) AS hi${j}`).join(', ')} FROM ${ctx.from}`, true, n);
  const d = x.length;
  const lo = Float64Array.from({ length: d }, (_, j) => num(r, `lo${j}`, ctx.cols[j]!));
  const hi = Float64Array.from({ length: d }, (_, j) => num(r, `hi${j}`, ctx.cols[j]!));
  return withState(est, minMaxState(lo, hi, est.params.featureRange, n, [...ctx.cols]));
}

/**
 * The Lloyd E-step as a subquery: every row of the source as `deepmine_x0..` (DOUBLE) and
 * `deepmine_lab`, the index of its nearest centre (the first on ties). The distances are the
 * formula of the in-memory kernel (`sqDistBlock`, scikit-learn's): `-2 (x . c) + |c|^2`, the dot
 * product summed in feature order: for the same rows and centres, the same bits as
 * `sqDistBlock` (KMeans in memory runs on mean-centred rows, and the engine's sums differ from
 * it by rounding, so labels agree except at near ties). On DuckDB the dot products are one
 * `array_inner_product` per centre over the row as a `DOUBLE[d]` (summed in feature order too,
 * checked equal): about half the CPU of the d products and d - 1 additions written out per
 * centre, and under half that of the `(x - c) * (x - c)` form used before (10M x 10, k = 8: 5 s
 * against 8-10 s and 12 s CPU per pass). The least distance is computed once, in its own
 * SELECT, and the label is the first centre that reaches it.
 */
function nearestCenterRows(ctx: Ctx, C: Float64Array, k: number): string {
  const { sql } = ctx;
  const d = ctx.x.length;
  const cn = rowNormsSq(C, k, d);
  const xs = ctx.x.map((e, j) => `${sql.float64(e)} AS deepmine_x${j}`);
  const xc = ctx.x.map((_, j) => `deepmine_x${j}`);
  let base: string;
  let dot: (c: number) => string;
  if (sql.name === 'duckdb') {
    base = `SELECT ${xs.join(', ')}, [${ctx.x.map((e) => sql.float64(e)).join(', ')}]::DOUBLE[${d}] AS deepmine_v FROM ${ctx.from}`;
    dot = (c) => `array_inner_product(deepmine_v, [${xc.map((_, j) => sql.num(C[c * d + j]!)).join(', ')}]::DOUBLE[${d}])`;
  } else {
    base = `SELECT ${xs.join(', ')} FROM ${ctx.from}`;
    dot = (c) => `(${xc.map((e, j) => `${e} * ${sql.num(C[c * d + j]!)}`).join(' + ')})`;
  }
  if (k === 1) return `SELECT ${xc.join(', ')}, 0 AS deepmine_lab FROM (${base}) AS t0`;
  const dk = Array.from({ length: k }, (_, c) => `deepmine_d${c}`);
  const dist = `SELECT ${xc.join(', ')}, ${dk.map((name, c) => `${sql.num(-2)} * ${dot(c)} + ${sql.num(cn[c]!)} AS ${name}`).join(', ')} FROM (${base}) AS t0`;
  const least = `SELECT *, ${sql.least(dk)} AS deepmine_m FROM (${dist}) AS t1`;
  const lab = `CASE ${dk.slice(0, -1).map((dc, c) => `WHEN ${dc} = deepmine_m THEN ${c}`).join(' ')} ELSE ${k - 1} END`;
  return `SELECT ${xc.join(', ')}, ${lab} AS deepmine_lab FROM (${least}) AS t2`;
}

/** Column means; a DataError when a column has NULLs (PCA, KMeans take complete rows, as in memory). */
async function completeMeans(ctx: Ctx, n: number): Promise<Float64Array> {
  const { x } = ctx;
  const [r] = await run(ctx, `SELECT ${x.map((e, j) => `count(${e}) AS c${j}, avg(${ctx.sql.float64(e)}) AS m${j}`).join(', ')} FROM ${ctx.from}`, true, n);
  return Float64Array.from({ length: x.length }, (_, j) => {
    if (num(r, `c${j}`, ctx.cols[j]!) !== n) throw new DataError(`columns['${ctx.cols[j]}']`, 'no missing values (NULL)', `${n - num(r, `c${j}`, ctx.cols[j]!)} NULLs`, OWNER);
    return num(r, `m${j}`, ctx.cols[j]!);
  });
}

/** Upper-triangle sums of centred products, at most this many per query (PostgreSQL allows 1,664 target columns). */
const MAX_EXPRS = 1000;

async function fitPca(ctx: Ctx, est: PCA, n: number): Promise<PCA> {
  const P = est.params;
  if (P.svdSolver === 'randomized') throw new InvalidParameterError('svdSolver', "'auto', 'full' or 'covariance_eigh' (fitSql computes the covariance)", P.svdSolver, OWNER);
  if (n < 2) throw new DataError('source', 'at least 2 rows', `${n} rows`, OWNER);
  const d = ctx.x.length;
  const mean = await completeMeans(ctx, n);
  const centred = ctx.x.map((e, j) => `(${ctx.sql.float64(e)} - ${ctx.sql.num(mean[j]!)})`);
  const pairs: [number, number][] = [];
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) pairs.push([i, j]);
  const C = new Float64Array(d * d);
  for (let s = 0; s < pairs.length; s += MAX_EXPRS) {
    const chunk = pairs.slice(s, s + MAX_EXPRS);
    const [r] = await run(ctx, `SELECT ${chunk.map(([i, j], t) => `sum(${centred[i]} * ${centred[j]}) AS g${t}`).join(', ')} FROM ${ctx.from}`, true, n);
    chunk.forEach(([i, j], t) => {
      const v = num(r, `g${t}`, 'covariance') / (n - 1);
      C[i * d + j] = v;
      C[j * d + i] = v;
    });
  }
  const nc = P.nComponents === null ? Math.min(n, d) : P.nComponents;
  if (typeof nc === 'number' && nc >= 1 && nc > Math.min(n, d)) throw new InvalidParameterError('nComponents', `at most min(nSamples, nFeatures) = ${Math.min(n, d)}`, nc, OWNER);
  return withState(est, pcaStateFromCovariance(C, mean, n, nc, P.whiten, 'PCA'));
}

async function fitKMeans(ctx: Ctx, est: KMeans, n: number): Promise<KMeans> {
  const P = est.params;
  const k = P.nClusters, d = ctx.x.length;
  if (k > n) throw new InvalidParameterError('nClusters', `at most the number of rows (${n})`, k, OWNER);
  if (P.algorithm === 'elkan') { /* Lloyd in SQL: Elkan's bounds are per row and cannot live in a SELECT */ }
  // tolerance as scikit-learn: tol * mean of the column variances
  const [vr] = await run(ctx, `SELECT ${ctx.x.map((e, j) => `count(${e}) AS c${j}, ${ctx.sql.varPop(ctx.sql.float64(e))} AS v${j}`).join(', ')} FROM ${ctx.from}`, true, n);
  let varSum = 0;
  for (let j = 0; j < d; j++) {
    if (num(vr, `c${j}`, ctx.cols[j]!) !== n) throw new DataError(`columns['${ctx.cols[j]}']`, 'no missing values (NULL)', 'NULLs', OWNER);
    varSum += num(vr, `v${j}`, ctx.cols[j]!);
  }
  const tol = (varSum / d) * P.tol;
  let C: Float64Array;
  if (typeof P.init === 'string') {
    // seeding: KMeans in memory on a repeatable sample of up to 10,000 rows (rows ordered by an
    // hash of their values and the seed: the same seed and data give the same sample on an engine)
    const m = Math.min(n, Math.max(10 * k, 10_000));
    const seed = typeof P.randomState === 'number' ? P.randomState : 0;
    const key = ctx.sql.hashKey([...ctx.x, ctx.sql.str(String(seed))]);
    const rows = await run(ctx, `SELECT ${ctx.x.join(', ')} FROM ${ctx.from} ORDER BY ${key} LIMIT ${m}`, true, n);
    const S = new Matrix(Float64Array.from(rows.flatMap((r) => ctx.cols.map((c) => num(r, c, c)))), rows.length, d);
    C = new KMeans({ nClusters: k, init: P.init, nInit: P.nInit, randomState: P.randomState, maxIter: P.maxIter, tol: P.tol }).fit(S).clusterCenters.data.slice();
  } else {
    const I = P.init as Matrix | number[][];
    C = I instanceof Matrix ? I.data.slice() : Float64Array.from(I.flat());
    if (C.length !== k * d) throw new DataError('init', `a ${k} x ${d} matrix`, `${C.length} values`, OWNER);
  }
  let nIter = 0;
  for (let it = 0; it < P.maxIter; it++) {
    const q = `SELECT deepmine_lab AS lab, count(*) AS cnt, ${ctx.x.map((_, j) => `sum(deepmine_x${j}) AS s${j}`).join(', ')} FROM (${nearestCenterRows(ctx, C, k)}) AS t3 GROUP BY deepmine_lab`;
    const groups = await run(ctx, q, true, n);
    const next = C.slice(); // an empty cluster keeps its center (scikit-learn relocates it to a far point)
    for (const g of groups) {
      const c = num(g, 'lab', 'label'), cnt = num(g, 'cnt', 'count');
      for (let j = 0; j < d; j++) next[c * d + j] = num(g, `s${j}`, ctx.cols[j]!) / cnt;
    }
    let shift = 0;
    for (let t = 0; t < k * d; t++) shift += (next[t]! - C[t]!) ** 2;
    C = next;
    nIter = it + 1;
    if (shift <= tol) break;
  }
  // scikit-learn's final inertia: each row's exact squared distance to the centre it is labelled with
  // (a searched CASE: ClickHouse 18 turns `CASE x WHEN` into transform(), which wants constants)
  const exact = (c: number): string => `(${ctx.x.map((_, j) => { const t = `(deepmine_x${j} - ${ctx.sql.num(C[c * d + j]!)})`; return `${t} * ${t}`; }).join(' + ')})`;
  const byLabel = k === 1 ? exact(0) : `CASE ${Array.from({ length: k - 1 }, (_, c) => `WHEN deepmine_lab = ${c} THEN ${exact(c)}`).join(' ')} ELSE ${exact(k - 1)} END`;
  const [ir] = await run(ctx, `SELECT sum(${byLabel}) AS inertia FROM (${nearestCenterRows(ctx, C, k)}) AS t3`, true, n);
  // labels stay in the engine: use predictSql(model) to label rows there
  return withState(est, { clusterCenters: new Matrix(C, k, d), labels: new Int32Array(0), inertia: num(ir, 'inertia', 'inertia'), nIter, nFeatures: d });
}

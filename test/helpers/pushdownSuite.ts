/** The engine-independent cases of the SQL pushdown tests (see test/sql/*.test.ts). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DataError, InvalidParameterError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { loadDataset } from '../../src/datasets/load.js';
import { KMeans } from '../../src/cluster/kmeans.js';
import { PCA } from '../../src/decomposition/pca.js';
import { LinearRegression, LogisticRegression } from '../../src/linear/index.js';
import { Pipeline } from '../../src/pipeline/index.js';
import { MinMaxScaler, StandardScaler } from '../../src/preprocessing/index.js';
import { DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier, RandomForestRegressor } from '../../src/tree/index.js';
import { fitReport, fitSqlWith } from '../../src/sql/fit.js';
import { predictSql } from '../../src/sql/predict.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { evalExprs, loadTable } from './sqlData.js';

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(close(got[i]!, want[i]!, tol), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

/** Creates a table with a `_rid` row id and the given columns (default: `loadTable`). */
export type TableLoader = (engine: SqlEngine, name: string, columns: string[], X: ArrayLike<number>, n: number) => Promise<void>;

/** `light`: smaller trees and forests (ClickHouse 18 analyses long CASE expressions slowly). */
export function pushdownSuite(getEngine: () => SqlEngine, load: TableLoader = loadTable, opts: { light?: boolean } = {}): void {
  const depth = (dd: number) => (opts.light ? Math.min(dd, 4) : dd);
  const trees = (t: number) => (opts.light ? Math.min(t, 3) : t);
  const bc = loadDataset('breast_cancer');
  const X = bc.X as Matrix;
  const y = Array.from(bc.y as ArrayLike<number>);
  const n = X.rows, d = X.cols;
  const cols = Array.from({ length: d }, (_, j) => `f${j} ${bc.featureNames[j]}`); // names with spaces
  const yReg = Array.from({ length: n }, (_, i) => X.data[i * d]! * 2 + X.data[i * d + 3]! / 100);

  // 10,000 synthetic rows for the bigger models (the issue's size)
  const rs = new RandomState(7);
  const N = 10_000, D = 6;
  const Z = new Matrix(rs.standardNormal(N * D), N, D);
  for (let i = 0; i < N; i++) Z.data[i * D + 1]! += 0.5 * Z.data[i * D]!;
  const zCols = Array.from({ length: D }, (_, j) => `z${j}`);
  const zY = Array.from({ length: N }, (_, i) => (Z.data[i * D]! + Z.data[i * D + 2]! * Z.data[i * D + 3]! > 0 ? 'yes' : 'no'));

  it('loads the test tables', async () => {
    await load(getEngine(), 'bc', cols, X.data, n);
    await load(getEngine(), 'syn', zCols, Z.data, N);
  });

  const predictCases: [string, () => { model: unknown; table: string; columns: string[]; rows: Matrix }][] = [
    ['DecisionTreeClassifier', () => ({ model: new DecisionTreeClassifier({ maxDepth: depth(6), randomState: 0 }).fit(X, y), table: 'bc', columns: cols, rows: X })],
    ['DecisionTreeRegressor', () => ({ model: new DecisionTreeRegressor({ maxDepth: depth(8), randomState: 0 }).fit(X, yReg), table: 'bc', columns: cols, rows: X })],
    ['RandomForestClassifier (string labels, 10,000 rows)', () => ({ model: new RandomForestClassifier({ nEstimators: trees(8), maxDepth: depth(6), randomState: 0 }).fit(Z, zY), table: 'syn', columns: zCols, rows: Z })],
    ['RandomForestRegressor', () => ({ model: new RandomForestRegressor({ nEstimators: trees(5), maxDepth: depth(5), randomState: 0 }).fit(X, yReg), table: 'bc', columns: cols, rows: X })],
    ['LinearRegression', () => ({ model: new LinearRegression().fit(X, yReg), table: 'bc', columns: cols, rows: X })],
    ['LogisticRegression (binary, scaled pipeline)', () => ({ model: new Pipeline([['s', new StandardScaler()], ['lr', new LogisticRegression({ maxIter: 200 })]]).fit(X, y), table: 'bc', columns: cols, rows: X })],
    ['KMeans (nearest centre, 10,000 rows)', () => ({ model: new KMeans({ nClusters: 5, nInit: 1, randomState: 0 }).fit(Z), table: 'syn', columns: zCols, rows: Z })],
  ];
  for (const [name, make] of predictCases) {
    it(`predictSql equals predict: ${name}`, async () => {
      const { model, table, columns, rows } = make();
      const expr = predictSql(model, { dialect: getEngine().dialect, columns }) as string;
      const got = (await evalExprs(getEngine(), table, [expr])).map((r) => r[0]);
      const want = (model as { predict(x: Matrix): ArrayLike<number | string> }).predict(rows);
      const w = Array.from(want as ArrayLike<number | string>);
      if (typeof w[0] === 'string' || name.includes('Classifier') || name.includes('Logistic') || name.includes('KMeans')) assert.deepEqual(got.map((v) => (typeof v === 'number' && typeof w[0] === 'number' ? v : v)), w);
      else assertClose(got as number[], w as number[], 1e-12, name);
    });
  }

  it('predictSql proba and transform outputs equal predictProba / transform', async () => {
    const e = getEngine();
    const rf = new RandomForestClassifier({ nEstimators: trees(6), maxDepth: depth(5), randomState: 1 }).fit(X, y);
    const proba = predictSql(rf, { dialect: e.dialect, columns: cols, output: 'proba' }) as string[];
    const got = await evalExprs(e, 'bc', proba);
    assertClose(got.flat() as number[], rf.predictProba(X).data, 1e-12, 'proba');
    const pipe = new Pipeline([['mm', new MinMaxScaler()], ['pca', new PCA({ nComponents: 4, whiten: true })]]).fit(X);
    const tr = await evalExprs(e, 'bc', predictSql(pipe, { dialect: e.dialect, columns: cols, output: 'transform' }) as string[]);
    assertClose(tr.flat() as number[], pipe.transform(X).data, 1e-10, 'minmax + whitened pca');
  });

  it('fitSql StandardScaler / MinMaxScaler / PCA equal the in-memory fits (1e-10 relative)', async () => {
    const engine = getEngine();
    const ss = await fitSqlWith(new StandardScaler(), 'bc', { engine, columns: cols });
    const ref = new StandardScaler().fit(X);
    assertClose(ss.mean, ref.mean, 1e-10, 'mean');
    assertClose(ss.var, ref.var, 1e-10, 'var');
    assertClose(ss.scale, ref.scale, 1e-10, 'scale');
    const mm = await fitSqlWith(new MinMaxScaler(), 'bc', { engine, columns: cols });
    assertClose(mm.scale, new MinMaxScaler().fit(X).scale, 1e-15, 'minmax scale');
    const pca = await fitSqlWith(new PCA({ nComponents: 3 }), 'syn', { engine, columns: zCols });
    const pref = new PCA({ nComponents: 3, svdSolver: 'covariance_eigh' }).fit(Z);
    assertClose(pca.explainedVariance, pref.explainedVariance, 1e-10, 'explained variance');
    assertClose(pca.components.data, pref.components.data, 1e-9, 'components');
    assertClose(pca.transform(Z).data, pref.transform(Z).data, 1e-9, 'scores');
    const rep = fitReport(pca)!;
    assert.equal(rep.passes, 2);
    assert.equal(rep.rowsScanned, 2 * N);
  });

  it('fitSql KMeans (explicit init) equals the in-memory Lloyd fit; k-means++ seeding is repeatable', async () => {
    const engine = getEngine();
    const init = Z.takeRows([0, 1, 2, 3, 4]);
    const km = await fitSqlWith(new KMeans({ nClusters: 5, init, maxIter: 100 }), 'syn', { engine, columns: zCols });
    const ref = new KMeans({ nClusters: 5, init, maxIter: 100, algorithm: 'lloyd' }).fit(Z);
    assertClose(km.clusterCenters.data, ref.clusterCenters.data, 1e-10, 'centers');
    assert.ok(close(km.inertia, ref.inertia, 1e-10), `inertia ${km.inertia} vs ${ref.inertia}`);
    assert.deepEqual(Array.from(km.predict(Z)), Array.from(ref.labels), 'labels of the SQL-fitted centres');
    const a = await fitSqlWith(new KMeans({ nClusters: 4, randomState: 3, nInit: 1 }), 'syn', { engine, columns: zCols });
    const b = await fitSqlWith(new KMeans({ nClusters: 4, randomState: 3, nInit: 1 }), 'syn', { engine, columns: zCols });
    // same seed, same sample; a sharded engine merges partial sums in arrival order, so repeated
    // fits agree to rounding there rather than bit for bit
    assertClose(a.clusterCenters.data, b.clusterCenters.data, 1e-12, 'same seed, same sample, same centres');
  });

  it('a hostile column name round-trips as a name, never as SQL', async () => {
    const engine = getEngine();
    const evil = ['a"; DROP TABLE bc; --', "b'); DELETE FROM syn; --", 'c`x`'];
    const M = new Matrix(Float64Array.from({ length: 30 }, (_, i) => (i * 7) % 11), 10, 3);
    await load(engine, 'evil"; DROP TABLE bc; --', evil, M.data, 10);
    const lr = new LinearRegression().fit(M, Array.from({ length: 10 }, (_, i) => i));
    const got = (await evalExprs(engine, 'evil"; DROP TABLE bc; --', [predictSql(lr, { dialect: engine.dialect, columns: evil }) as string])).map((r) => r[0] as number);
    assertClose(got, lr.predict(M), 1e-12, 'hostile names');
    const ss = await fitSqlWith(new StandardScaler(), 'evil"; DROP TABLE bc; --', { engine, columns: evil });
    assertClose(ss.mean, new StandardScaler().fit(M).mean, 1e-12, 'mean');
    const still = await engine.query('SELECT count(*) AS n FROM bc');
    assert.equal(still[0]!.n, n);
  });

  it('bad input: a missing source, a non-numeric column, an unsupported estimator, a closed engine', async () => {
    const engine = getEngine();
    await assert.rejects(fitSqlWith(new StandardScaler(), 'no_such_table', { engine, columns: ['x'] }), (e: unknown) => (e as Error).name === 'EngineError');
    await assert.rejects(fitSqlWith(new StandardScaler(), { sql: "SELECT 'text' AS s, 1.5 AS v", columns: ['s', 'v'] }, { engine }), (e: unknown) => e instanceof DataError && /columns\['s'\]/.test(e.message));
    await assert.rejects(fitSqlWith(new DecisionTreeClassifier(), 'bc', { engine, columns: cols }), InvalidParameterError);
    assert.throws(() => predictSql(new LinearRegression().fit(X, yReg), { dialect: 'oracle' as never, columns: cols }), InvalidParameterError);
    assert.throws(() => predictSql(new LinearRegression().fit(X, yReg), { columns: cols.slice(1) }), DataError);
  });
}

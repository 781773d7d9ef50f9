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
import { binFeatures, toColumnMajorF32 } from '../../src/tree/base.js';
import { binExpr, treeHistograms, type NodeHist } from '../../src/sql/tree.js';
import { dialectRules } from '../../src/sql/dialect.js';
import type { TreeArrays } from '../../src/tree/splitter.js';
import { fpGrowth } from '../../src/assoc/index.js';
import { fpGrowthSqlWith } from '../../src/sql/itemsets.js';
import { permutationOrder, trainSqlWith } from '../../src/sql/sgd.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Dense } from '../../src/nn/layers.js';
import { Adam } from '../../src/nn/optimizers.js';

/** Every array of two trees equal (bit for bit: deepEqual on typed arrays). */
export function assertSameTree(got: TreeArrays, want: TreeArrays, what: string): void {
  for (const k of ['nodeCount', 'childrenLeft', 'childrenRight', 'feature', 'threshold', 'impurity', 'nNodeSamples', 'weightedNNodeSamples', 'value', 'nClasses', 'maxDepth', 'missingGoToLeft'] as const) {
    assert.deepEqual(got[k], want[k], `${what}: ${k}`);
  }
}

/**
 * The histograms fetched from the engine equal, count for count, the ones computed in memory
 * from the same rows with the in-memory binning (every node the SQL fit asked for).
 */
export function assertSameHistograms(model: object, X: Matrix, y: ArrayLike<number>, maxBins: number, what: string): number {
  const h = treeHistograms(model)!;
  const n = X.rows, d = X.cols;
  const { bins, binEdges } = binFeatures(toColumnMajorF32(X), n, d, maxBins);
  assert.deepEqual(h.edges, binEdges, `${what}: bin edges`);
  const k = h.classes.length;
  let checked = 0;
  for (const [key, got] of h.nodes) {
    const steps = key === '' ? [] : key.split('/').map((s) => { const m = /^(\d+)\.(\d+)([LR])$/.exec(s)!; return { f: +m[1]!, bin: +m[2]!, left: m[3] === 'L' }; });
    const want: NodeHist = { n: 0, N: new Float64Array(d * 256), ...(k ? { H: new Float64Array(d * 256 * k) } : { S: new Float64Array(d * 256), Q: new Float64Array(d * 256) }) };
    for (let i = 0; i < n; i++) {
      if (!steps.every((s) => (bins[s.f * n + i]! <= s.bin) === s.left)) continue;
      want.n++;
      for (let f = 0; f < d; f++) {
        const fb = f * 256 + bins[f * n + i]!;
        want.N[fb]!++;
        if (k) want.H![fb * k + h.classes.indexOf(y[i]!)]!++;
        else { want.S![fb]! += y[i]!; want.Q![fb]! += y[i]! * y[i]!; }
      }
    }
    assert.deepEqual(got, want, `${what}: histograms of node '${key}'`);
    checked++;
  }
  return checked;
}

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
  // light: fewer features and bins in the pushed-down trees (ClickHouse 18 analyses the long bin expressions slowly)
  const bins = (b: number) => (opts.light ? Math.min(b, 16) : b);
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

  // tree targets: the class, and an integer-valued regression target (exact sums in any order)
  const yInt = Array.from({ length: N }, (_, i) => Math.round(3 * Z.data[i * D]! + Z.data[i * D + 2]! * Z.data[i * D + 4]!));
  const zCls = Array.from({ length: N }, (_, i) => (zY[i] === 'yes' ? 1 : 0));
  const withTargets = (M: Matrix, ...ts: number[][]) => {
    const w = M.cols + ts.length;
    const out = new Float64Array(M.rows * w);
    for (let i = 0; i < M.rows; i++) {
      for (let j = 0; j < M.cols; j++) out[i * w + j] = M.data[i * M.cols + j]!;
      ts.forEach((t, q) => { out[i * w + M.cols + q] = t[i]!; });
    }
    return out;
  };

  // transactions: 1,500 baskets over 30 items with planted patterns, as (tid, item) rows (some duplicated)
  const trs: number[][] = [];
  const txRows: number[] = [];
  {
    const r = new RandomState(11);
    const u = r.randomSample(1500 * 40);
    let q = 0;
    for (let t = 0; t < 1500; t++) {
      const basket = new Set<number>();
      if (u[q++]! < 0.3) [1, 2, 3].forEach((i) => basket.add(i));
      if (u[q++]! < 0.2) [4, 5, 6, 7].forEach((i) => basket.add(i));
      for (let i = 0; i < 30; i++) if (u[q++]! < 0.04 + i / 300) basket.add(i);
      trs.push([...basket]);
      for (const i of basket) txRows.push(t, i);
      if (basket.size && t % 17 === 0) txRows.push(t, [...basket][0]!); // a duplicate row
    }
  }

  it('loads the test tables', async () => {
    await load(getEngine(), 'tx', ['tid', 'item'], Float64Array.from(txRows), txRows.length / 2);
    await load(getEngine(), 'bc', cols, X.data, n);
    await load(getEngine(), 'syn', zCols, Z.data, N);
    await load(getEngine(), 'bct', [...cols, 'label'], withTargets(X, y), n);
    await load(getEngine(), 'synt', [...zCols, 'cls', 'yint'], withTargets(Z, zCls, yInt), N);
  });

  it("fitSql DecisionTreeClassifier (hist): histograms and tree identical to the in-memory hist tree", async () => {
    const engine = getEngine();
    for (const criterion of ['gini', 'entropy'] as const) {
      const params = { splitter: 'hist' as const, maxDepth: depth(5), maxBins: bins(64), criterion, randomState: 0 };
      const nf = opts.light ? 8 : d;
      const Xf = opts.light ? new Matrix(Float64Array.from({ length: n * nf }, (_, t) => X.data[Math.floor(t / nf) * d + (t % nf)]!), n, nf) : X;
      const m = await fitSqlWith(new DecisionTreeClassifier(params), 'bct', { engine, columns: cols.slice(0, nf), target: 'label' });
      const ref = new DecisionTreeClassifier(params).fit(Xf, y);
      assertSameTree(m.tree, ref.tree, criterion);
      assert.deepEqual(m.classes, ref.classes);
      assert.ok(assertSameHistograms(m, Xf, y, params.maxBins, criterion) >= m.tree.nodeCount - m.getNLeaves());
      assert.deepEqual(Array.from(m.predict(Xf)), Array.from(ref.predict(Xf)));
      const rep = fitReport(m)!;
      // the NULL check with the labels, the edge rows, then one round per depth level (the nodes at
      // maxDepth are leaves whose totals come from their parents' histograms)
      assert.ok(rep.passes >= 2 + m.getDepth(), `passes ${rep.passes}`);
    }
    // string labels from a query source, 10,000 rows, 255 bins
    const qs = { sql: `SELECT *, CASE WHEN cls = 1 THEN 'yes' ELSE 'no' END AS lab FROM ${engine.dialect === 'clickhouse' ? '`synt`' : '"synt"'}`, columns: zCols };
    const params = { splitter: 'hist' as const, maxDepth: depth(6), minSamplesLeaf: 5, maxBins: bins(255), randomState: 3 };
    const m = await fitSqlWith(new DecisionTreeClassifier(params), qs, { engine, target: 'lab' });
    const ref = new DecisionTreeClassifier(params).fit(Z, zY);
    assertSameTree(m.tree, ref.tree, 'string labels');
    assert.deepEqual(m.classes, ['no', 'yes']);
  });

  it('fitSql DecisionTreeRegressor (hist): sums bit-identical on an integer target, tree identical', async () => {
    const engine = getEngine();
    for (const criterion of ['squared_error', 'friedman_mse'] as const) {
      const params = { splitter: 'hist' as const, maxDepth: depth(6), criterion, maxBins: bins(255), randomState: 1 };
      const m = await fitSqlWith(new DecisionTreeRegressor(params), 'synt', { engine, columns: zCols, target: 'yint' });
      const ref = new DecisionTreeRegressor(params).fit(Z, yInt);
      assertSameTree(m.tree, ref.tree, criterion);
      if (criterion === 'squared_error') assertSameHistograms(m, Z, yInt, params.maxBins, criterion);
      assertClose(m.predict(Z), ref.predict(Z), 0, 'predictions');
    }
  });

  it('bins in SQL: the number of edges below the float32 value, on every path (lookup, width_bucket, CASE search)', async () => {
    const engine = getEngine();
    const sql = dialectRules(engine.dialect);
    const r = new RandomState(5);
    const z = r.standardNormal(3000);
    const edgeSets: Float64Array[] = [
      binFeatures(Float32Array.from(z), 3000, 1, bins(255)).binEdges[0]!, // smooth: a grid of 256+ cells
      binFeatures(Float32Array.from(z, (v) => Math.exp(4 * v)), 3000, 1, bins(255)).binEdges[0]!, // heavy tail: dense edges near 0
      binFeatures(Float32Array.from(z, (v) => Math.round(v * 3) / 3), 3000, 1, bins(255)).binEdges[0]!, // few distinct values
      Float64Array.of(0.5, Infinity),
      Float64Array.of(Infinity),
    ];
    const vals: number[] = [];
    for (const E of edgeSets) for (const e of E) if (Number.isFinite(e)) {
      const f = Math.fround(e);
      vals.push(f, Math.fround(f * (1 + 2 ** -23)), Math.fround(f * (1 - 2 ** -23)), Math.fround(f + 2 ** -20), Math.fround(f - 2 ** -20));
    }
    for (const v of r.standardNormal(300)) vals.push(Math.fround(v * 3), Math.fround(Math.exp(4 * v)));
    vals.push(1e30, -1e30, 0, -0);
    await load(engine, 'bins', ['v'], Float64Array.from(vals), vals.length);
    const exprs = edgeSets.map((E) => binExpr(sql.float32(sql.ident('v')), E, sql));
    if (engine.dialect === 'duckdb') assert.ok(sql.binIndex!(sql.float32(sql.ident('v')), edgeSets[0]!.subarray(0, -1), sql.num) !== undefined, 'the grid lookup serves smooth edges');
    const rows = await engine.query(`SELECT ${sql.ident('_rid')} AS rid, ${exprs.map((e, t) => `${e} AS b${t}`).join(', ')} FROM ${sql.ident('bins')} ORDER BY ${sql.ident('_rid')}`);
    assert.equal(rows.length, vals.length);
    for (const row of rows) {
      const v = Math.fround(vals[Number(row.rid)]!);
      edgeSets.forEach((E, t) => {
        let want = 0;
        for (const e of E) if (e < v) want++;
        assert.equal(Number(row[`b${t}`]), want, `edge set ${t}, value ${v}`);
      });
    }
  });

  it('fpGrowthSql: itemsets and counts identical to fpGrowth in memory (numbers and strings)', async () => {
    const engine = getEngine();
    for (const [minSupport, maxLen] of [[0.02, null], [0.05, 2], [0.1, 1]] as const) {
      // (tid, item) rows hold no empty basket: the denominator is the distinct tids unless given
      const got = await fpGrowthSqlWith('tx', { engine, minSupport, maxLen });
      const want = fpGrowth(trs.filter((b) => b.length > 0), { minSupport, maxLen });
      assert.deepEqual(got, want, `minSupport ${minSupport}, maxLen ${maxLen}`);
      const rep = fitReport(got)!;
      assert.equal(rep.passes, maxLen === 1 ? 2 : maxLen === 2 ? 3 : 4);
    }
    const t = engine.dialect === 'clickhouse' ? '`tx`' : '"tx"';
    const lab = engine.dialect === 'clickhouse' ? "concat('item ', toString(toInt32(item)))" : "'item ' || CAST(CAST(item AS INTEGER) AS VARCHAR)";
    const got = await fpGrowthSqlWith({ sql: `SELECT tid AS basket, ${lab} AS product FROM ${t}` }, { engine, tid: 'basket', item: 'product', minCount: 40 });
    assert.deepEqual(got, fpGrowth(trs.filter((b) => b.length > 0).map((b) => b.map((i) => `item ${i}`)), { minCount: 40 }));
    assert.deepEqual(await fpGrowthSqlWith('tx', { engine, minSupport: 0.03, nTransactions: trs.length }), fpGrowth(trs, { minSupport: 0.03 }), 'with the empty baskets counted');
    assert.ok(got.some((s) => s.items.length >= 3));
  });

  it('trainSqlWith: streamed SGD in the seeded key order gives the weights of the same order in memory', async () => {
    const engine = getEngine();
    const mk = () => new Sequential([new Dense(8, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]).compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
    const bs = 50, epochs = 2, seed = 42, rows = 3000;
    const t = engine.dialect === 'clickhouse' ? '`synt`' : '"synt"';
    const a = mk();
    const res = await trainSqlWith(a, { sql: `SELECT * FROM ${t} WHERE _rid < ${rows}` }, { engine, columns: zCols, target: 'cls', key: '_rid', batchSize: bs, epochs, seed, fetchRows: 1000 });
    assert.equal(res.report.passes, 1 + epochs);
    const b = mk();
    const losses: number[] = [];
    for (let e = 0; e < epochs; e++) {
      const order = permutationOrder(Array.from({ length: rows }, (_, i) => i), seed, e);
      let sum = 0;
      for (let s0 = 0; s0 < rows; s0 += bs) {
        const idx = Array.from(order.subarray(s0, Math.min(rows, s0 + bs)));
        sum += b.trainOnBatch(Z.takeRows(idx), idx.map((i) => zCls[i]!), { randomState: seed }) * idx.length;
      }
      losses.push(sum / rows);
    }
    assert.deepEqual(a.getWeights(), b.getWeights());
    assert.deepEqual(res.loss, losses);
    // another seed, another order, other weights
    const c = mk();
    await trainSqlWith(c, { sql: `SELECT * FROM ${t} WHERE _rid < ${rows}` }, { engine, columns: zCols, target: 'cls', key: '_rid', batchSize: bs, epochs: 1, seed: 43 });
    assert.notDeepEqual(c.getWeights(), b.getWeights());
    await assert.rejects(trainSqlWith(mk(), 'synt', { engine, columns: zCols, target: 'cls', key: 'z0' }), (e: unknown) => e instanceof DataError && /key 'z0'/.test(e.message));
  });

  it('fitSql with a sample: repeatable, reported, and equal to the in-memory fit on the sampled rows', async () => {
    const engine = getEngine();
    const params = { splitter: 'hist' as const, maxDepth: depth(4), maxBins: bins(255), randomState: 0 };
    const a = await fitSqlWith(new DecisionTreeClassifier(params), 'synt', { engine, columns: zCols, target: 'cls', sample: { fraction: 0.3, seed: 5 } });
    const b = await fitSqlWith(new DecisionTreeClassifier(params), 'synt', { engine, columns: zCols, target: 'cls', sample: { fraction: 0.3, seed: 5 } });
    assertSameTree(a.tree, b.tree, 'same seed');
    const rep = fitReport(a)!;
    assert.equal(rep.sample!.sourceRows, N);
    assert.equal(rep.sample!.seed, 5);
    assert.ok(rep.sample!.rows > 0.25 * N && rep.sample!.rows < 0.35 * N, `${rep.sample!.rows} rows`);
    assert.equal(a.tree.nNodeSamples[0], rep.sample!.rows);
    // the sampled rows, fetched with the fit's own sample clause
    const countSql = rep.sql.find((q) => q.includes('deepmine_sample'))!;
    const rows = await engine.query(countSql.replace('SELECT count(*) AS n FROM', `SELECT ${zCols.join(', ')}, cls, _rid FROM`) + ' ORDER BY _rid');
    const S = new Matrix(Float64Array.from(rows.flatMap((r) => zCols.map((c) => r[c] as number))), rows.length, D);
    const ref = new DecisionTreeClassifier(params).fit(S, rows.map((r) => r.cls as number));
    assertSameTree(a.tree, ref.tree, 'sampled rows');
    const c = await fitSqlWith(new DecisionTreeClassifier(params), 'synt', { engine, columns: zCols, target: 'cls', sample: { fraction: 0.3, seed: 6 } });
    assert.notEqual(fitReport(c)!.sample!.rows, rep.sample!.rows, 'another seed, another sample');
    const ss = await fitSqlWith(new StandardScaler(), 'syn', { engine, columns: zCols, sample: 0.5 });
    assert.equal(fitReport(ss)!.sample!.fraction, 0.5);
    await assert.rejects(fitSqlWith(new StandardScaler(), 'syn', { engine, columns: zCols, sample: 1.5 }), InvalidParameterError);
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
    await assert.rejects(fitSqlWith(new DecisionTreeClassifier(), 'bc', { engine, columns: cols }), (e: unknown) => e instanceof InvalidParameterError && /splitter/.test(e.message));
    await assert.rejects(fitSqlWith(new DecisionTreeClassifier({ splitter: 'hist' }), 'bc', { engine, columns: cols }), (e: unknown) => e instanceof InvalidParameterError && /target/.test(e.message));
    await assert.rejects(fitSqlWith(new DecisionTreeRegressor({ splitter: 'hist' }), { sql: "SELECT 2 AS v, 'x' AS t", columns: ['v'] }, { engine, target: 't' }), (e: unknown) => e instanceof DataError && /target 't'/.test(e.message));
    await assert.rejects(fitSqlWith(new KMeans(), 'syn', { engine, columns: zCols, sample: { fraction: 0 } }), (e: unknown) => e instanceof InvalidParameterError && /sample/.test(e.message));
    assert.throws(() => predictSql(new LinearRegression().fit(X, yReg), { dialect: 'oracle' as never, columns: cols }), InvalidParameterError);
    assert.throws(() => predictSql(new LinearRegression().fit(X, yReg), { columns: cols.slice(1) }), DataError);
  });
}

/**
 * predictSql for HistGradientBoosting (issue 20): the SQL expressions evaluated by DuckDB equal
 * predict / predictProba on 10,000 rows to 1e-12 (NULL cells are missing values; categorical
 * splits become IN lists).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '../../src/ensemble/index.js';
import { dialectRules } from '../../src/sql/dialect.js';
import { duckdbEngine } from '../../src/sql/engine.js';
import { predictSql } from '../../src/sql/predict.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { evalExprs } from '../helpers/sqlData.js';

/** A DuckDB table with `_rid` and DOUBLE columns; NaN cells are written as NULL. */
async function loadWithNulls(engine: SqlEngine, name: string, columns: string[], X: ArrayLike<number>, n: number): Promise<void> {
  const sql = dialectRules(engine.dialect);
  const d = columns.length;
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-sql-hgb-'));
  try {
    const file = join(dir, 'x.csv');
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push([i, ...Array.from({ length: d }, (_, j) => (Number.isNaN(X[i * d + j]!) ? '' : String(X[i * d + j])))].join(','));
    writeFileSync(file, lines.join('\n') + '\n');
    const cols = `{'_rid': 'INTEGER', ${columns.map((c) => `${sql.str(c)}: 'DOUBLE'`).join(', ')}}`;
    await engine.query(`DROP TABLE IF EXISTS ${sql.ident(name)}`);
    await engine.query(`CREATE TABLE ${sql.ident(name)} AS SELECT * FROM read_csv(${sql.str(file)}, header = false, columns = ${cols})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

// 10,000 x 6: NaN in column 0 (missing values), column 5 categorical (8 categories)
const N = 10_000, D = 6;
const rs = new RandomState(5);
const X = new Matrix(rs.standardNormal(N * D), N, D);
const u = rs.rand(N);
for (let i = 0; i < N; i++) {
  if (u[i]! < 0.1) X.data[i * D] = NaN;
  X.data[i * D + 5] = Math.floor(rs.rand(1)[0]! * 8);
}
const eff = [0, 1.5, -1, 2, 0.5, -2, 1, 0];
const yReg = Float64Array.from({ length: N }, (_, i) => {
  const r = i * D;
  const x0 = X.data[r]!;
  return (Number.isNaN(x0) ? 1 : x0) * 2 + Math.sin(X.data[r + 1]!) + X.data[r + 2]! * X.data[r + 3]! + eff[X.data[r + 5]!]!;
});
const yPos = Float64Array.from(yReg, (v) => Math.round(Math.exp(v / 3)));
const yBin = Array.from(yReg, (v) => (v > 0.5 ? 'yes' : 'no'));
const yMulti = Array.from(yReg, (v) => (v < -1 ? 0 : v < 1.5 ? 1 : 2));
const cols = ['x0', 'x1', 'x2', 'x 3', 'x4', 'cat'];

let engine: SqlEngine;
before(async () => {
  engine = await duckdbEngine();
  await loadWithNulls(engine, 'hgb', cols, X.data, N);
});
after(async () => { await engine.close(); });

describe('predictSql for HistGradientBoosting on DuckDB (10,000 rows, NULLs, a categorical column)', () => {
  const common = { maxIter: 25, categoricalFeatures: [5], earlyStopping: false as const, randomState: 0 };

  it('regressor (squared_error, poisson): predict to 1e-12', async () => {
    for (const loss of ['squared_error', 'poisson'] as const) {
      const reg = new HistGradientBoostingRegressor({ ...common, loss }).fit(X, loss === 'poisson' ? yPos : yReg);
      const expr = predictSql(reg, { columns: cols }) as string;
      const got = (await evalExprs(engine, 'hgb', [expr])).map((r) => r[0] as number);
      assertClose(got, reg.predict(X), 1e-12, loss);
    }
  });

  it('binary classifier (string labels): predict and predictProba to 1e-12', async () => {
    const clf = new HistGradientBoostingClassifier(common).fit(X, yBin);
    // the model exercises both special cases
    assert.ok(clf.trees.some((t) => t.isCategorical.some((c) => c === 1)), 'a categorical split');
    assert.ok(clf.trees.some((t) => t.missingGoToLeft.some((v, i) => v === 1 && !t.isLeaf[i] && t.feature[i] === 0)), 'missing values sent left on x0');
    const labels = (await evalExprs(engine, 'hgb', [predictSql(clf, { columns: cols }) as string])).map((r) => r[0]);
    assert.deepEqual(labels, clf.predict(X));
    const proba = await evalExprs(engine, 'hgb', predictSql(clf, { columns: cols, output: 'proba' }) as string[]);
    assertClose(proba.flat() as number[], clf.predictProba(X).data, 1e-12, 'proba');
  });

  it('multiclass classifier: predict and predictProba (softmax) to 1e-12', async () => {
    const clf = new HistGradientBoostingClassifier({ ...common, maxIter: 15 }).fit(X, yMulti);
    const labels = (await evalExprs(engine, 'hgb', [predictSql(clf, { columns: cols }) as string])).map((r) => r[0]);
    assert.deepEqual(labels, clf.predict(X));
    const proba = await evalExprs(engine, 'hgb', predictSql(clf, { columns: cols, output: 'proba' }) as string[]);
    assertClose(proba.flat() as number[], clf.predictProba(X).data, 1e-12, 'proba');
  });

  it('bad input: a regressor asked for probabilities, too few column names', () => {
    const reg = new HistGradientBoostingRegressor({ maxIter: 3 }).fit(X, yReg);
    assert.throws(() => predictSql(reg, { columns: cols, output: 'proba' }), InvalidParameterError);
    assert.throws(() => predictSql(reg, { columns: cols.slice(1) }), (e: unknown) => (e as Error).name === 'DataError' && /columns/.test((e as Error).message));
  });
});

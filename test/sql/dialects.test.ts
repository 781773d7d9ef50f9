/**
 * Dialects with no engine here (Spark SQL, Trino, BigQuery, Snowflake, ClickHouse): the emitted
 * SQL is snapshot-tested (test/fixtures/sql_dialect_snapshots.json; regenerate deliberately with
 * UPDATE_SNAPSHOTS=1), and the quoting rules are checked on hostile names.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../../src/core/matrix.js';
import { DIALECTS, dialectRules } from '../../src/sql/dialect.js';
import { predictSql } from '../../src/sql/predict.js';
import { DecisionTreeClassifier } from '../../src/tree/index.js';
import { LogisticRegression } from '../../src/linear/index.js';
import { KMeans } from '../../src/cluster/kmeans.js';

const FILE = fileURLToPath(new URL('../fixtures/sql_dialect_snapshots.json', import.meta.url));
const X = new Matrix(Float64Array.from([0, 0.1, 1, 0.3, 2, 2.5, 3, 1.75, 4, 0.2, 5, 3.3, 6, 1.1, 7, 2.2]), 8, 2);
const y = [0, 0, 1, 1, 0, 1, 1, 1];
const cols = ['age', 'o\'brien "x"'];

function emitAll(): Record<string, Record<string, string>> {
  const models = {
    tree: new DecisionTreeClassifier({ maxDepth: 2, randomState: 0 }).fit(X, y),
    logistic: new LogisticRegression().fit(X, y),
    kmeans: new KMeans({ nClusters: 2, nInit: 1, randomState: 0 }).fit(X),
  };
  const out: Record<string, Record<string, string>> = {};
  for (const dialect of DIALECTS) {
    out[dialect] = Object.fromEntries(Object.entries(models).map(([name, m]) => [name, predictSql(m, { dialect, columns: cols }) as string]));
  }
  return out;
}

describe('SQL dialects', () => {
  it('emitted SQL equals the committed snapshots', () => {
    const got = emitAll();
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(FILE)) writeFileSync(FILE, JSON.stringify(got, null, 1) + '\n');
    assert.deepEqual(got, JSON.parse(readFileSync(FILE, 'utf8')));
  });

  it('identifiers and strings are quoted per dialect', () => {
    const evil = 'a"; DROP TABLE t; --`\'\\';
    const expectIdent: Record<string, string> = {
      duckdb: '"a""; DROP TABLE t; --`\'\\"', postgres: '"a""; DROP TABLE t; --`\'\\"', trino: '"a""; DROP TABLE t; --`\'\\"', snowflake: '"a""; DROP TABLE t; --`\'\\"',
      clickhouse: '`a"; DROP TABLE t; --``\'\\`', spark: '`a"; DROP TABLE t; --``\'\\`', bigquery: '`a"; DROP TABLE t; --``\'\\`',
    };
    for (const d of DIALECTS) assert.equal(dialectRules(d).ident(evil), expectIdent[d], d);
    assert.equal(dialectRules('postgres').str("it's"), "'it''s'");
    assert.equal(dialectRules('bigquery').str("it's \\"), "'it\\'s \\\\'");
    assert.throws(() => dialectRules('postgres').ident(''), /non-empty/);
  });

  it('number literals are exact text (shortest round trip), never a bare decimal', () => {
    const r = dialectRules('postgres');
    assert.equal(r.num(0.1), "CAST('0.1' AS DOUBLE PRECISION)");
    assert.equal(r.num(-0), "CAST('-0' AS DOUBLE PRECISION)");
    assert.equal(r.num(1 / 3), "CAST('0.3333333333333333' AS DOUBLE PRECISION)");
    assert.equal(dialectRules('clickhouse').num(Infinity), 'inf');
    assert.equal(dialectRules('clickhouse').num(0.1), '(toFloat64(7205759403792794) * exp2(-56))');
    assert.equal(dialectRules('clickhouse').num(-3), '(-toFloat64(6755399441055744) * exp2(-51))');
  });
});

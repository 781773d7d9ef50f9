/**
 * Large Parquet files are read as several row ranges at once (io/parallel.ts): the Table and the
 * Matrix equal the single-stream read row for row (numbers, integers, booleans, dates, a text
 * target), connections are all released, and a file with text columns keeps the single stream.
 * The threshold is lowered so a small file takes the ranged path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { closeConnection, openConnectionCount, query, readMatrix, readParquet } from '../../src/io/index.js';
import { parallelRead } from '../../src/io/parallel.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-par-'));
after(async () => { await closeConnection(); rmSync(dir, { recursive: true, force: true }); });

const file = join(dir, 'p.parquet');
const N = 50_000;

async function both<T>(fn: () => Promise<T>): Promise<{ seq: T; par: T }> {
  const saved = { ...parallelRead };
  try {
    parallelRead.minRows = Infinity;
    const seq = await fn();
    parallelRead.minRows = 1000;
    parallelRead.parts = 3;
    const par = await fn();
    return { seq, par };
  } finally {
    Object.assign(parallelRead, saved);
  }
}

describe('ranged Parquet reads', () => {
  it('readParquet and readMatrix equal the single-stream read row for row', async () => {
    // row groups of 2,048 rows so the ranges cut through several of them
    await query(`COPY (SELECT i * 0.5 + sin(i) AS a, CAST(i % 97 AS INTEGER) AS b, i % 3 = 0 AS c, DATE '2020-01-01' + CAST(i % 400 AS INTEGER) AS dt, CASE WHEN i % 5 = 0 THEN 'yes' ELSE 'no' END AS lab, -i AS z FROM range(${N}) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    await readParquet(file, { columns: ['dt'] }); // the pooled connection exists before counting (a date column: read through DuckDB, not our own decoder)
    const base = openConnectionCount();
    const t = await both(() => readParquet(file, { columns: ['a', 'b', 'c', 'dt', 'z'] }));
    assert.equal(t.par.nRows, N);
    for (const name of ['a', 'b', 'c', 'dt', 'z']) {
      const s = t.seq.column(name), p = t.par.column(name);
      assert.equal(p.kind, s.kind, name);
      assert.deepEqual((p as { values: Float64Array }).values, (s as { values: Float64Array }).values, name);
    }
    assert.equal(t.par.column('z').kind === 'categorical' ? -1 : (t.par.column('z') as { values: Float64Array }).values[N - 1], -(N - 1));
    const m = await both(() => readMatrix(file, { columns: ['a', 'b', 'c', 'dt', 'z'], target: 'lab' }));
    assert.deepEqual(m.par.X.data, m.seq.X.data);
    assert.deepEqual(m.par.y, m.seq.y);
    const mn = await both(() => readMatrix(file, { columns: ['a', 'z'], target: 'b' }));
    assert.deepEqual(mn.par.X.data, mn.seq.X.data);
    assert.deepEqual(mn.par.y, mn.seq.y);
    assert.ok(openConnectionCount() <= base, `every range connection is released (${openConnectionCount()} open, ${base} before)`);
  });

  it('a file with a text column keeps one stream (dictionary codes in row order) and reads the same', async () => {
    const t = await both(() => readParquet(file));
    assert.deepEqual(t.par.column('lab'), t.seq.column('lab'));
    assert.deepEqual(t.par.column('a'), t.seq.column('a'));
  });

  it('a missing text target value is a DataError naming its row, on the ranged path too', async () => {
    const f2 = join(dir, 'null.parquet');
    await query(`COPY (SELECT i * 1.0 AS a, CASE WHEN i = 4321 THEN NULL ELSE 'x' END AS lab FROM range(${N}) t(i)) TO '${f2}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const base = openConnectionCount();
    parallelRead.minRows = 1000;
    try {
      await assert.rejects(readMatrix(f2, { target: 'lab' }), (e: unknown) => (e as Error).name === 'DataError' && /row 4321/.test((e as Error).message));
    } finally {
      parallelRead.minRows = 1 << 20;
    }
    assert.ok(openConnectionCount() <= base, `connections released after the error (${openConnectionCount()} open, ${base} before)`);
  });
});

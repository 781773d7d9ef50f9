/**
 * The loader's fast paths (issue 18): readMatrix's one-DOUBLE[d]-array-per-row read equals the
 * column-by-column read and readParquet + toMatrix value for value (doubles, floats, integers,
 * BIGINTs past 2^53, booleans, dates, NULLs -> NaN, a text target), on CSV and Parquet, one stream
 * and ranged; ranged reads split at row-group starts; the chunk releaser leaves no `gc` global.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { closeConnection, connection, query, readMatrix, readParquet, toMatrix, writeCsv } from '../../src/io/index.js';
import { parallelRead, parquetRanges } from '../../src/io/parallel.js';
import { rowArrayRead } from '../../src/io/readMatrix.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-loader-'));
after(async () => { await closeConnection(); rmSync(dir, { recursive: true, force: true }); });

const N = 30_000;
const pq = join(dir, 'mixed.parquet');
const cols = ['a', 'f', 'i', 'big', 'b', 'dt', 'z'];

async function make(): Promise<void> {
  await query(`COPY (SELECT
      CASE WHEN i % 101 = 7 THEN NULL ELSE i * 0.37 - sin(i) * 1e-3 END AS a,
      CAST(i / 7.0 AS FLOAT) AS f,
      CAST(i % 1000 - 500 AS INTEGER) AS i,
      CAST(9007199254740993 + i * 3 AS BIGINT) AS big,
      CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
      DATE '1969-12-25' + CAST(i % 500 AS INTEGER) AS dt,
      -i AS z,
      CASE WHEN i % 4 = 0 THEN 'yes' ELSE 'no' END AS lab
    FROM range(${N}) t(i)) TO '${pq}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
}

async function withTuning<T>(t: { maxCols?: number; minRows?: number; parts?: number }, fn: () => Promise<T>): Promise<T> {
  const savedRows = { ...rowArrayRead }, savedPar = { ...parallelRead };
  try {
    if (t.maxCols !== undefined) rowArrayRead.maxCols = t.maxCols;
    if (t.minRows !== undefined) parallelRead.minRows = t.minRows;
    if (t.parts !== undefined) parallelRead.parts = t.parts;
    return await fn();
  } finally {
    Object.assign(rowArrayRead, savedRows);
    Object.assign(parallelRead, savedPar);
  }
}

describe('loader fast paths', () => {
  it('readMatrix: row arrays = column by column = readParquet + toMatrix, one stream and ranged', async () => {
    await make();
    const ref = toMatrix(await readParquet(pq, { columns: [...cols, 'lab'] }), { target: 'lab' });
    // the reference holds what each kind must give: NaN for NULL, 0/1, epoch ms, exact BIGINT rounding
    assert.ok(Number.isNaN(ref.X.data[7 * cols.length]!));
    assert.equal(ref.X.data[3], 9007199254740992); // row 0 of big: 2^53 + 1 rounds to even
    for (const t of [{ maxCols: 4096, minRows: Infinity }, { maxCols: 0, minRows: Infinity }, { maxCols: 4096, minRows: 1000, parts: 3 }, { maxCols: 0, minRows: 1000, parts: 4 }]) {
      const got = await withTuning(t, () => readMatrix(pq, { columns: cols, target: 'lab' }));
      assert.deepEqual(got.featureNames, cols);
      assert.deepEqual(got.X.data, ref.X.data, JSON.stringify(t));
      assert.deepEqual(got.y, ref.y, JSON.stringify(t));
    }
    const num = await withTuning({ minRows: 1000, parts: 3 }, () => readMatrix(pq, { columns: ['a', 'b'], target: 'z' }));
    const numRef = toMatrix(await readParquet(pq), { columns: ['a', 'b'], target: 'z' });
    assert.deepEqual(num.X.data, numRef.X.data);
    assert.deepEqual(num.y, numRef.y);
  });

  it('readMatrix on a CSV with missing cells: row arrays = column by column', async () => {
    const t = await readParquet(pq, { columns: ['a', 'i', 'z'] });
    const csv = join(dir, 'm.csv');
    writeCsv(t, csv);
    const a = await withTuning({ maxCols: 4096 }, () => readMatrix(csv));
    const b = await withTuning({ maxCols: 0 }, () => readMatrix(csv));
    assert.equal(a.X.rows, N);
    assert.deepEqual(a.X.data, b.X.data);
    assert.ok(Number.isNaN(a.X.data[7 * 3]!));
  });

  it('ranged reads split at row-group starts', async () => {
    const con = await connection();
    const src = `read_parquet('${pq}')`;
    const starts = (await con.runAndReadAll(`SELECT row_group_id, any_value(row_group_num_rows) FROM parquet_metadata('${pq}') GROUP BY 1 ORDER BY 1`)).getRows().map((r) => Number(r[1]));
    const at = starts.map((_, k) => starts.slice(0, k).reduce((s, v) => s + v, 0));
    const r = await withTuning({ minRows: 1000, parts: 3 }, () => parquetRanges(con, src, cols, N, false));
    assert.ok(r);
    assert.equal(r.bounds[0], 0);
    assert.equal(r.bounds[r.bounds.length - 1], N);
    assert.equal(r.bounds.length, 4);
    for (const b of r.bounds.slice(1, -1)) assert.ok(at.includes(b), `bound ${b} is a row-group start (${at.join(', ')})`);
    assert.equal(await withTuning({ minRows: 1000, parts: 3 }, () => parquetRanges(con, src, cols, N, true)), null, 'a glob keeps one stream');
    assert.equal(await withTuning({ minRows: N + 1 }, () => parquetRanges(con, src, cols, N, false)), null, 'a small file keeps one stream');
  });

  it('freeing chunks as they stream leaves no gc global behind', async () => {
    const had = typeof (globalThis as { gc?: unknown }).gc;
    await withTuning({ minRows: 1000, parts: 2 }, () => readParquet(pq, { columns: ['a', 'z'] }));
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, had);
  });

  it('a file that is not Parquet is an IOError naming it', async () => {
    const bad = join(dir, 'bad.parquet');
    writeCsv(await readParquet(pq, { columns: ['a'] }), join(dir, 'x.csv'));
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(dir, 'x.csv'), bad);
    await assert.rejects(readMatrix(bad), (e: unknown) => (e as Error).name === 'IOError' && (e as Error).message.includes('bad.parquet'));
  });
});

/**
 * Issue 18 (Loading) and issue 21 (streams): file readers stream into preallocated columns,
 * readMatrix reads numeric files straight into the row-major Matrix, streamTable yields Table
 * blocks of every column kind, countRows counts without loading. Each checked against
 * readCsv/readParquet + toMatrix on the same file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { Table } from '../../src/core/table.js';
import { closeConnection, countRows, readCsv, readMatrix, readParquet, streamTable, toMatrix, writeParquet } from '../../src/io/index.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-lean-'));
after(async () => { rmSync(dir, { recursive: true, force: true }); await closeConnection(); });

const n = 10_000;
const rs = new RandomState(3);
const v = rs.standardNormal(n * 3) as Float64Array;
const lines = ['a,b,n,label'];
for (let i = 0; i < n; i++) lines.push(`${v[3 * i]},${i % 97 === 0 ? '' : v[3 * i + 1]},${i % 5},${['cat', 'dog', 'eel'][i % 3]}`);
const csv = join(dir, 'd.csv');
writeFileSync(csv, lines.join('\n') + '\n');

describe('lean loading', () => {
  it('readMatrix equals readCsv + toMatrix (features, numeric and text targets), and Parquet the same', async () => {
    const ref = toMatrix(await readCsv(csv), { target: 'label' });
    const got = await readMatrix(csv, { target: 'label' });
    assert.deepEqual(got.featureNames, ref.featureNames);
    assert.deepEqual(Array.from(got.X.data), Array.from(ref.X.data)); // NaN = NaN for deepEqual
    assert.deepEqual(got.y, ref.y);
    const pq = join(dir, 'd.parquet');
    await writeParquet(await readCsv(csv), pq);
    const fromPq = await readMatrix(pq, { target: 'n', columns: ['a', 'b'] });
    const refPq = toMatrix(await readParquet(pq), { target: 'n', columns: ['a', 'b'] });
    assert.deepEqual(Array.from(fromPq.X.data), Array.from(refPq.X.data));
    assert.deepEqual(Array.from(fromPq.y as Float64Array), Array.from(refPq.y as Float64Array));
    assert.equal(fromPq.X.rows, n);
  });
  it('readMatrix refuses a text feature and a missing target value with DataErrors naming them', async () => {
    await assert.rejects(readMatrix(csv), (e: unknown) => e instanceof DataError && /"label"/.test((e as Error).message));
    await assert.rejects(readMatrix(csv, { target: 'b', columns: ['a'] }), (e: unknown) => e instanceof DataError && /missing value at row 0 of "b"/.test((e as Error).message));
    await assert.rejects(readMatrix(csv, { target: 'nope' }), (e: unknown) => e instanceof DataError && /nope/.test((e as Error).message));
  });
  it('streamTable blocks put back together equal readCsv; countRows counts', async () => {
    const ref = await readCsv(csv);
    const blocks: Table[] = [];
    for await (const b of streamTable(csv, { batchRows: 3000 })) blocks.push(b);
    assert.ok(blocks.length >= 3 && blocks.every((b, i) => i === blocks.length - 1 || b.nRows >= 3000));
    assert.equal(blocks.reduce((s, b) => s + b.nRows, 0), n);
    let at = 0;
    for (const b of blocks) {
      for (const name of ref.names) for (let i = 0; i < b.nRows; i += 37) assert.deepEqual(b.get(i, name), ref.get(at + i, name), `${name} row ${at + i}`);
      at += b.nRows;
    }
    assert.equal(await countRows(csv), n);
    assert.equal(await countRows('SELECT * FROM range(12)'), 12);
  });
});

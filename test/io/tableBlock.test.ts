/**
 * Issue 18, "no second copy in toMatrix": readParquet / readCsv / readJson keep a file's numeric,
 * boolean and date columns in one row-major block (core/table.ts blockColumns). Checked here:
 * the values equal the per-column path (DuckDB `query`, which materialises ordinary columns) bit
 * for bit, on one stream, ranged and column-by-column reads; toMatrix / Table.toMatrix({copy:false})
 * return the block itself exactly when the features are the whole block in order and nothing was
 * materialised, and a copy for a subset, another order, a target inside the block or `copy: true`;
 * a lazily materialised column equals the block's column and is cached; Table semantics (select,
 * drop, takeRows, spread, JSON) hold without materialising.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { blockColumns, columnCopy, columnLength, sharedBlock, Table, type Column, type NumberColumn } from '../../src/core/table.js';
import { blockRead } from '../../src/io/duckdb.js';
import { closeConnection, query, readCsv, readJson, readParquet, toMatrix } from '../../src/io/index.js';
import { parallelRead } from '../../src/io/parallel.js';
import { parquetDecoder } from '../../src/io/parquet/reader.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-block-'));
after(async () => { await closeConnection(); rmSync(dir, { recursive: true, force: true }); });

const N = 20_000;
const pq = join(dir, 'mixed.parquet');
const pqNum = join(dir, 'numbers.parquet');
const csv = join(dir, 'mixed.csv');
const json = join(dir, 'mixed.json');
// numbers of every kind, with a text column in the middle and one at the end
const SELECT = `SELECT
    CASE WHEN i % 101 = 7 THEN NULL ELSE i * 0.37 - sin(i) * 1e-3 END AS a,
    CAST(i / 7.0 AS FLOAT) AS f,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'y' || (i % 3) END AS s,
    CAST(i % 1000 - 500 AS INTEGER) AS i,
    CAST(9007199254740993 + i * 3 AS BIGINT) AS big,
    CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
    DATE '1969-12-25' + CAST(i % 500 AS INTEGER) AS dt,
    CASE WHEN i = 3 THEN CAST('-0' AS DOUBLE) ELSE -i END AS z,
    CASE WHEN i % 4 = 0 THEN 'yes' ELSE 'no' END AS lab
  FROM range(${N}) t(i)`;
const NUMS = ['a', 'f', 'i', 'big', 'b', 'dt', 'z'];

before(async () => {
  await query(`COPY (${SELECT}) TO '${pq}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
  await query(`COPY (SELECT ${NUMS.join(', ')} FROM (${SELECT})) TO '${pqNum}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
  await query(`COPY (${SELECT}) TO '${csv}' (FORMAT csv, HEADER)`);
  await query(`COPY (${SELECT}) TO '${json}' (FORMAT json)`);
});

/** The per-column reference: DuckDB `query` materialises ordinary Float64Array columns. */
async function reference(from: string): Promise<Table> {
  const t = await query(`SELECT * FROM ${from}`);
  for (const c of t.columns) assert.equal(sharedBlock([c]), null, 'query gives ordinary columns');
  return t;
}

/** Column by column, value by value with Object.is (NaN = NaN, -0 != 0), labels by value. */
function sameTable(got: Table, ref: Table, what: string): void {
  assert.deepEqual(got.names, ref.names, what);
  assert.equal(got.nRows, ref.nRows, what);
  for (const r of ref.columns) {
    const g = got.column(r.name);
    assert.equal(g.kind, r.kind, `${what}: kind of ${r.name}`);
    if (r.kind === 'categorical') {
      assert.deepEqual(got.values(r.name), ref.values(r.name), `${what}: ${r.name}`);
      continue;
    }
    const gv = columnCopy(g as NumberColumn), rv = r.values;
    assert.equal(gv.length, rv.length);
    for (let i = 0; i < rv.length; i++) if (!Object.is(gv[i], rv[i])) assert.fail(`${what}: ${r.name}[${i}] = ${gv[i]}, expected ${rv[i]}`);
  }
}

const sameBits = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

async function tuned<T>(t: { maxCols?: number; minRows?: number; parts?: number }, fn: () => Promise<T>): Promise<T> {
  const sb = { ...blockRead }, sp = { ...parallelRead };
  try {
    if (t.maxCols !== undefined) blockRead.maxCols = t.maxCols;
    if (t.minRows !== undefined) parallelRead.minRows = t.minRows;
    if (t.parts !== undefined) parallelRead.parts = t.parts;
    return await fn();
  } finally {
    Object.assign(blockRead, sb);
    Object.assign(parallelRead, sp);
  }
}

describe('table block: one row-major block per file, toMatrix without a second copy', () => {
  it('readParquet / readCsv / readJson equal the per-column path bit for bit (one stream, ranged, column by column)', async () => {
    const refPq = await reference(`read_parquet('${pq}')`);
    sameTable(await readParquet(pq), refPq, 'parquet');
    sameTable(await tuned({ maxCols: 0 }, () => readParquet(pq)), refPq, 'parquet, column by column into the block');
    const refNum = await reference(`read_parquet('${pqNum}')`);
    for (const t of [{ minRows: 1000, parts: 3 }, { minRows: 1000, parts: 4, maxCols: 0 }]) {
      sameTable(await tuned(t, () => readParquet(pqNum)), refNum, `parquet ranged ${JSON.stringify(t)}`);
    }
    sameTable(await readCsv(csv), await reference(`read_csv('${csv}')`), 'csv');
    sameTable(await readJson(json), await reference(`read_json_auto('${json}')`), 'json');
    // -0 and NULL survive the DOUBLE[m] array
    const t = await readParquet(pq);
    assert.ok(Object.is(t.column('z').kind === 'numeric' && columnCopy(t.column('z') as NumberColumn)[3], -0));
    assert.ok(Number.isNaN(columnCopy(t.column('a') as NumberColumn)[7]!));
    // forced kinds go into the block too
    const forced = await readCsv(csv, { types: { i: 'categorical', s: 'categorical' }, columns: ['a', 'i', 'dt'] });
    assert.deepEqual(forced.columns.map((c) => c.kind), ['numeric', 'categorical', 'date']);
    assert.ok(sharedBlock([forced.column('a'), forced.column('dt')]));
  });

  it('a Parquet file of plain numbers (and booleans, kept boolean) goes through our own decoder into the block, equal to the DuckDB path', async () => {
    const p = join(dir, 'plain.parquet');
    await query(`COPY (SELECT a, f, i, big, b, z FROM (${SELECT})) TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    const ref = await reference(`read_parquet('${p}')`);
    const own = await readParquet(p);
    assert.equal(parquetDecoder.last.path, 'own', parquetDecoder.last.reason);
    sameTable(own, ref, 'own decoder');
    const X = toMatrix(own).X;
    assert.equal(X.data, sharedBlock(own.columns));
    assert.ok(sameBits(X.data, ref.toMatrix().data));
    const sub = await readParquet(p, { columns: ['z', 'a'] });
    assert.equal(parquetDecoder.last.path, 'own');
    sameTable(sub, await reference(`(SELECT z, a FROM read_parquet('${p}'))`), 'own decoder, columns');
    const saved = parquetDecoder.mode;
    try {
      parquetDecoder.mode = 'duckdb';
      sameTable(await readParquet(p), ref, 'DuckDB path');
    } finally {
      parquetDecoder.mode = saved;
    }
  });

  it('toMatrix returns the block itself when the features are the whole block, in order, unmaterialised', async () => {
    const t = await readParquet(pqNum);
    const ref = (await reference(`read_parquet('${pqNum}')`)).toMatrix();
    const a = toMatrix(t);
    const b = toMatrix(t, { columns: NUMS });
    assert.deepEqual(a.featureNames, NUMS);
    assert.ok(sameBits(a.X.data, ref.data), 'values equal the copying path bit for bit');
    assert.equal(a.X.data, b.X.data, 'both are the same block');
    assert.equal(a.X.data, sharedBlock(t.columns));
    // Table.toMatrix copies unless asked not to
    assert.equal(t.toMatrix(undefined, { copy: false }).data, a.X.data);
    assert.notEqual(t.toMatrix().data, a.X.data);
    assert.ok(sameBits(t.toMatrix().data, ref.data));
    // select keeps the column objects, so the selected whole block is still shared
    assert.equal(toMatrix(t.select(NUMS)).X.data, a.X.data);
  });

  it('a small subset, another order, a shared block or copy: true give a fresh copy with the same values', async () => {
    const t = await readParquet(pqNum);
    const shared = toMatrix(t).X.data;
    const refT = await reference(`read_parquet('${pqNum}')`);
    const cases: [string, Parameters<typeof toMatrix>[1]][] = [
      ['copy: true', { copy: true }],
      ['subset', { columns: ['a', 'i', 'dt'] }],
      ['reordered', { columns: [...NUMS].reverse() }],
      ['target in a block already shared', { target: 'z' }],
      ['repeated column', { columns: ['a', 'a', 'f', 'i', 'big', 'b', 'dt'] }],
    ];
    for (const [what, opts] of cases) {
      const got = toMatrix(t, opts);
      const want = toMatrix(refT, opts);
      assert.notEqual(got.X.data.buffer, shared.buffer, what);
      assert.ok(sameBits(got.X.data, want.X.data), what);
      assert.deepEqual(got.y, want.y, what);
      assert.deepEqual(got.featureNames, want.featureNames, what);
    }
    // none of these materialised a column: the whole block is still shared
    assert.equal(toMatrix(t).X.data, shared);
    // a file with text columns: the number columns are the block (text is not in it)
    const mixed = await readParquet(pq);
    const num = toMatrix(mixed, { columns: NUMS });
    assert.equal(num.X.data, sharedBlock(NUMS.map((n) => mixed.column(n))));
    assert.ok(sameBits(num.X.data, toMatrix(refT).X.data));
    // one-hot encoding of the text columns copies, and equals the per-column path
    const enc = toMatrix(mixed, { target: 'lab', columns: ['a', 's', 'i'] });
    const encRef = toMatrix(await reference(`read_parquet('${pq}')`), { target: 'lab', columns: ['a', 's', 'i'] });
    assert.ok(sameBits(enc.X.data, encRef.X.data));
    assert.deepEqual(enc.y, encRef.y);
  });

  it('a target (or a few dropped columns) inside the block: compacted in place, no copy, the Table unchanged', async () => {
    const refT = await reference(`read_parquet('${pqNum}')`);
    const t = await readParquet(pqNum);
    const buffer = sharedBlock(t.columns)!.buffer;
    const got = toMatrix(t, { target: 'z' });
    const want = toMatrix(refT, { target: 'z' });
    assert.equal(got.X.data.buffer, buffer, 'X is the compacted block');
    assert.ok(sameBits(got.X.data, want.X.data));
    assert.deepEqual(got.y, want.y);
    assert.deepEqual(got.featureNames, want.featureNames);
    // the Table reads the same values (the target kept its own array), and the block is now exactly the features
    sameTable(t, refT, 'after compaction');
    assert.equal(sharedBlock(NUMS.filter((c) => c !== 'z').map((c) => t.column(c))), got.X.data);
    // the block is shared now: another target must copy, and leaves X alone
    const again = toMatrix(t, { target: 'i' });
    assert.notEqual(again.X.data.buffer, buffer);
    assert.ok(sameBits(again.X.data, toMatrix(refT, { target: 'i' }).X.data));
    assert.ok(sameBits(got.X.data, want.X.data), 'the first X is untouched');

    // a target with a missing value fails before anything is moved
    const t1 = await readParquet(pqNum);
    const block1 = sharedBlock(t1.columns);
    assert.throws(() => toMatrix(t1, { target: 'a' }), /missing value at row 7 of "a"/);
    assert.equal(sharedBlock(t1.columns), block1);

    // dropped columns, fewer than the features, in file order: compacted (Table.toMatrix({copy: false}) too)
    const t2 = await readParquet(pqNum);
    const keep = ['a', 'i', 'big', 'dt'];
    const X2 = t2.toMatrix(keep, { copy: false });
    assert.equal(X2.data.buffer, sharedBlock(t2.columns.filter((c) => keep.includes(c.name)))!.buffer);
    assert.ok(sameBits(X2.data, refT.toMatrix(keep).data));
    sameTable(t2, refT, 'after compaction to a subset');
    // more dropped columns than features, another order, copy: true: a copy, the block untouched
    const copies: [string, Parameters<typeof toMatrix>[1]][] = [['small subset', { columns: ['a', 'dt'] }], ['order', { columns: ['i', 'a', 'big', 'dt', 'f'] }], ['copy', { target: 'z', copy: true }]];
    for (const [what, opts] of copies) {
      const t3 = await readParquet(pqNum);
      const block = sharedBlock(t3.columns)!;
      const x = toMatrix(t3, opts);
      assert.notEqual(x.X.data.buffer, block.buffer, what);
      assert.ok(sameBits(x.X.data, toMatrix(refT, opts).X.data), what);
      assert.equal(sharedBlock(t3.columns), block, `${what}: nothing materialised or moved`);
    }
  });

  it('the shared X is the Table\'s memory (documented): a write shows in a column materialised later', async () => {
    const t = await readParquet(pqNum);
    const X = toMatrix(t).X;
    X.data[1 * NUMS.length + 2] = 12345; // row 1 of column i
    assert.equal((t.column('i') as NumberColumn).values[1], 12345);
    assert.equal(t.get(1, 'i'), 12345);
  });

  it('a lazily materialised column equals the block column, is cached, and then toMatrix copies', async () => {
    const t = await readParquet(pqNum);
    const block = sharedBlock(t.columns)!;
    const m = NUMS.length;
    const c = t.column('big') as NumberColumn;
    assert.equal(columnLength(c), N);
    const v = c.values;
    assert.equal(c.values, v, 'cached: the same array on every read');
    // and from then on an ordinary data property (hot loops reading c.values[i] call no getter)
    assert.equal(Object.getOwnPropertyDescriptor(c, 'values')!.value, v);
    assert.ok(Object.getOwnPropertyDescriptor(t.column('a'), 'values')!.get, 'an unread column is still lazy');
    assert.equal(v.length, N);
    for (let r = 0; r < N; r++) if (!Object.is(v[r], block[r * m + 3])) assert.fail(`row ${r}`);
    // a materialised column may have been written to: the block no longer speaks for it
    assert.equal(sharedBlock(t.columns), null);
    v[0] = -1;
    const X = toMatrix(t).X;
    assert.notEqual(X.data, block);
    assert.equal(X.data[3], -1, 'the copy reads the materialised column');
    assert.equal(block[3], 9007199254740992, 'and the block is untouched');
    // every column read: the rest still equal the block
    for (const [k, name] of NUMS.entries()) {
      const col = t.column(name) as NumberColumn;
      if (name === 'big') continue;
      for (let r = 0; r < N; r += 97) assert.ok(Object.is(col.values[r], block[r * m + k]));
    }
  });

  it('Table semantics without materialising: constructor, select, drop, takeRows, get, spread, JSON', async () => {
    const t = await readParquet(pq);
    assert.ok(Object.isFrozen(t.columns));
    assert.deepEqual(t.columns.map((c) => c.kind), ['numeric', 'numeric', 'categorical', 'numeric', 'numeric', 'boolean', 'date', 'numeric', 'categorical']);
    const ref = await reference(`read_parquet('${pq}')`);
    const again = new Table(t.columns);
    const dropped = t.drop(['s', 'lab']);
    assert.deepEqual(dropped.names, NUMS);
    const idx = [5, 0, N - 1, 7, 5];
    const took = t.takeRows(idx);
    sameTable(took, ref.takeRows(idx), 'takeRows');
    for (const c of took.columns) assert.equal(sharedBlock([c]), null, 'takeRows gives ordinary columns');
    assert.equal(t.get(3, 'z'), ref.get(3, 'z'));
    // none of the above materialised anything: the block is still shared
    assert.ok(sharedBlock(NUMS.map((n) => again.column(n))));
    assert.equal(toMatrix(dropped).X.data, sharedBlock(NUMS.map((n) => t.column(n))));
    // out-of-range and fractional row indices are NaN, as on ordinary columns
    const odd = t.takeRows([N, -1, 1.5]);
    assert.ok([0, 1, 2].every((r) => Number.isNaN((odd.column('a') as NumberColumn).values[r]!)));
    assert.deepEqual(Array.from((odd.column('a') as NumberColumn).values, Number.isNaN), Array.from((ref.takeRows([N, -1, 1.5]).column('a') as NumberColumn).values, Number.isNaN));
    // a spread copy and JSON see the values (the getter is an own enumerable property)
    const spread = { ...t.column('f') } as NumberColumn;
    assert.ok(sameBits(spread.values, (ref.column('f') as NumberColumn).values));
    assert.deepEqual(JSON.parse(JSON.stringify(t.column('i'))), JSON.parse(JSON.stringify(ref.column('i'))));
    assert.deepEqual(t.toRows().slice(0, 50), ref.toRows().slice(0, 50));
  });

  it('blockColumns: shape checked, width-1 and empty blocks, all materialised', () => {
    assert.throws(() => blockColumns(new Float64Array(5), 2, [{ kind: 'numeric', name: 'a' }, { kind: 'numeric', name: 'b' }]), /length nRows \* columns/);
    const one = blockColumns(Float64Array.of(1, 2, 3), 3, [{ kind: 'numeric', name: 'a' }]);
    const t1 = new Table(one as Column[]);
    assert.equal(t1.toMatrix(undefined, { copy: false }).data.length, 3);
    assert.deepEqual(Array.from(t1.toMatrix().data), [1, 2, 3]);
    const empty = new Table(blockColumns(new Float64Array(0), 0, [{ kind: 'date', name: 'd' }, { kind: 'boolean', name: 'b' }]) as Column[]);
    assert.equal(empty.nRows, 0);
    assert.deepEqual(toMatrix(empty).X.shape, [0, 2]);
    const data = Float64Array.of(1, 2, 3, 4, 5, 6);
    const cols = blockColumns(data, 3, [{ kind: 'numeric', name: 'a' }, { kind: 'numeric', name: 'b' }]);
    assert.deepEqual(Array.from(cols[1]!.values), [2, 4, 6]);
    assert.deepEqual(Array.from(cols[0]!.values), [1, 3, 5]);
    // both materialised: the columns no longer point at the block, and toMatrix copies them
    const t = new Table(cols as Column[]);
    assert.equal(sharedBlock(t.columns), null);
    assert.deepEqual(Array.from(t.toMatrix(undefined, { copy: false }).data), [1, 2, 3, 4, 5, 6]);
    assert.notEqual(t.toMatrix(undefined, { copy: false }).data, data);
  });

  it('compactBlock: features in one run after the target, and with two other columns (values checked)', () => {
    const n = 5, w = 4;
    const make = () => {
      const data = Float64Array.from({ length: n * w }, (_, k) => k * 1.5 - 3);
      return { data, t: new Table(blockColumns(data, n, ['c0', 'c1', 'c2', 'c3'].map((name) => ({ kind: 'numeric' as const, name })))) };
    };
    const col = (data: Float64Array, j: number) => Array.from({ length: n }, (_, i) => data[i * w + j]!);
    for (const feats of [['c1', 'c2', 'c3'], ['c1', 'c2'], ['c0', 'c3']]) {
      const { data, t } = make();
      const before = data.slice();
      const X = t.toMatrix(feats, { copy: false });
      assert.equal(X.data.buffer, data.buffer, feats.join());
      const js = feats.map((f) => Number(f.slice(1)));
      assert.deepEqual(Array.from(X.data), Array.from({ length: n * js.length }, (_, k) => before[Math.floor(k / js.length) * w + js[k % js.length]!]), feats.join());
      for (let j = 0; j < w; j++) assert.deepEqual(Array.from((t.column(`c${j}`) as NumberColumn).values), col(before, j), `${feats.join()}: c${j}`);
    }
  });

  it('toMatrix rejects a non-boolean copy', async () => {
    const t = Table.fromColumns({ a: [1, 2] });
    assert.throws(() => toMatrix(t, { copy: 'yes' as unknown as boolean }), /copy/);
  });

  it('a shrunken read (fewer rows than counted) keeps a block of the rows read', async () => {
    // CSV with a header only: zero rows, the block is empty and shared
    const p = join(dir, 'header.csv');
    writeFileSync(p, 'a,b\n');
    const t = await readCsv(p, { types: { a: 'numeric', b: 'numeric' } });
    assert.equal(t.nRows, 0);
    assert.deepEqual(toMatrix(t).X.shape, [0, 2]);
  });
});

/**
 * Regression tests for issue 13 (I/O half) and the I/O parts of issue 21. Each test names the
 * defect it pins; each fails on the code before the fix (see docs/handoff/io.md).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataError, InvalidParameterError, IOError } from '../../src/core/errors.js';
import { Table } from '../../src/core/table.js';
import { checkArray, checkLabels, checkTarget } from '../../src/core/validation.js';
import { openConnectionCount, query, readCsv, readJson, readParquet, streamMatrix } from '../../src/io/duckdb.js';
import { writeCsv, writeParquet } from '../../src/io/write.js';
import { IncrementalPCA } from '../../src/decomposition/index.js';
import type { WriteError } from '../../src/io/atomic.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'deepmine-rel-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

async function countRows(gen: AsyncGenerator<{ X: { rows: number } }>): Promise<number> {
  let n = 0;
  for await (const { X } of gen) n += X.rows;
  return n;
}

/** n rows of 3 columns; a = i, b = 2i + 1, c = (i mod 7) - 3 */
function bigCsv(path: string, n: number): void {
  const parts: string[] = ['a,b,c\n'];
  for (let i = 0; i < n; i++) parts.push(`${i},${2 * i + 1},${(i % 7) - 3}\n`);
  writeFileSync(path, parts.join(''));
}

describe('issue 13 #1: a stream has its own connection', () => {
  it('IncrementalPCA over a 200,000-row CSV sees every row with other queries between batches', async () => {
    const p = join(dir, 'big.csv');
    bigCsv(p, 200_000);
    const small = join(dir, 'small.csv');
    writeFileSync(small, 'x,y\n1,2\n3,4\n');
    const ipca = new IncrementalPCA({ nComponents: 2 });
    let rows = 0, sumA = 0, batches = 0;
    for await (const { X } of streamMatrix(p, { batchRows: 20_000 })) {
      ipca.partialFit(X);
      rows += X.rows;
      for (let i = 0; i < X.rows; i++) sumA += X.data[i * 3]!;
      batches++;
      // other work on the same database between batches
      assert.deepEqual((await query('SELECT 42 AS v')).toRows(), [{ v: 42 }]);
      assert.equal((await readCsv(small)).nRows, 2);
    }
    assert.equal(rows, 200_000);
    assert.equal(batches, 10);
    assert.equal(ipca.nSamplesSeen, 200_000);
    assert.equal(sumA, (199_999 * 200_000) / 2);
  });

  it('two concurrent streams both yield every row; connections are released', async () => {
    const p = join(dir, 'big2.csv');
    bigCsv(p, 50_000);
    const base = openConnectionCount();
    const g1 = streamMatrix(p, { batchRows: 4096 });
    const g2 = streamMatrix(`SELECT a, c FROM read_csv('${p}')`, { batchRows: 3000 });
    let n1 = 0, n2 = 0, d1 = false, d2 = false;
    while (!d1 || !d2) {
      if (!d1) { const r = await g1.next(); if (r.done) d1 = true; else n1 += r.value.X.rows; }
      if (!d2) { const r = await g2.next(); if (r.done) d2 = true; else n2 += r.value.X.rows; }
    }
    assert.equal(n1, 50_000);
    assert.equal(n2, 50_000);
    const [a, b] = await Promise.all([countRows(streamMatrix(p)), countRows(streamMatrix(p, { batchRows: 777 }))]);
    assert.deepEqual([a, b], [50_000, 50_000]);
    // leaving a loop early closes the stream's connection
    for await (const _ of streamMatrix(p, { batchRows: 100 })) { void _; break; }
    assert.equal(openConnectionCount(), base);
  });

  it('a stream dropped mid-way (no break, no return) releases its connection when collected; huge blocks are refused', async () => {
    const p = join(dir, 'drop.csv');
    bigCsv(p, 10_000);
    const base = openConnectionCount();
    await (async () => { const g = streamMatrix(p, { batchRows: 100 }); await g.next(); })();
    assert.equal(openConnectionCount(), base + 1);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let k = 0; k < 20 && openConnectionCount() > base; k++) { gc(); await new Promise((r) => setTimeout(r, 20)); }
    assert.equal(openConnectionCount(), base);
    await assert.rejects(countRows(streamMatrix(p, { batchRows: 2 ** 26 })), (e: unknown) => e instanceof InvalidParameterError && (e as InvalidParameterError).param === 'batchRows');
  });

  it('file names that look like SQL are files: from.csv, select x.csv, (a).csv, values.csv', async () => {
    const sub = join(dir, 'sqlnames');
    mkdirSync(sub);
    const names = ['from.csv', 'select x.csv', '(a).csv', 'values.csv', "it's.csv"];
    names.forEach((f, k) => writeFileSync(join(sub, f), `v\n${k}\n${k + 10}\n`));
    const cwd = process.cwd();
    process.chdir(sub);
    try {
      for (const [k, f] of names.entries()) {
        const seen: number[] = [];
        for await (const { X } of streamMatrix(f)) seen.push(...X.data);
        assert.deepEqual(seen, [k, k + 10], f);
        assert.deepEqual((await readCsv(f)).toRows(), [{ v: k }, { v: k + 10 }], f);
      }
      // an explicit kind wins over the guess
      assert.equal(await countRows(streamMatrix('select 1 as z', { kind: 'query' })), 1);
      await assert.rejects(countRows(streamMatrix('select 1 as z', { kind: 'file' })), IOError);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('issue 13 #5: paths are literals, never globs; options never reach SQL raw', () => {
  it('a file named *.csv, d?.csv or r[12].csv reads only itself (readCsv, streamMatrix, readParquet, readJson)', async () => {
    const g = join(dir, 'globs');
    mkdirSync(g);
    const files: Record<string, number> = { '*.csv': 1, 'a.csv': 2, 'b.csv': 3, 'd?.csv': 4, 'dd.csv': 5, 'r[12].csv': 6, 'r1.csv': 7, 'q\\*.csv': 8 };
    for (const [f, v] of Object.entries(files)) writeFileSync(join(g, f), `v\n${v}\n`);
    for (const [f, v] of Object.entries(files)) {
      assert.deepEqual((await readCsv(join(g, f))).toRows(), [{ v }], f);
      const seen: number[] = [];
      for await (const { X } of streamMatrix(join(g, f))) seen.push(...X.data);
      assert.deepEqual(seen, [v], f);
    }
    // only when asked
    assert.equal((await readCsv(join(g, '*.csv'), { glob: true })).nRows, 8);
    assert.equal(await countRows(streamMatrix(join(g, 'r?.csv'), { glob: true })), 1);
    const pq = join(g, '*.parquet');
    await writeParquet(Table.fromColumns({ v: [1] }), pq);
    await writeParquet(Table.fromColumns({ v: [2] }), join(g, 'other.parquet'));
    assert.deepEqual((await readParquet(pq)).toRows(), [{ v: 1 }]);
    writeFileSync(join(g, '?.json'), '[{"v": 1}]');
    writeFileSync(join(g, 'x.json'), '[{"v": 2}]');
    assert.deepEqual((await readJson(join(g, '?.json'))).toRows(), [{ v: 1 }]);
  });

  it("readCsv's header option cannot inject SQL: a hostile value is an InvalidParameterError and runs nothing", async () => {
    const p = join(dir, 'victim.csv');
    writeFileSync(p, 'a,b\n1,2\n');
    const pwned = join(dir, 'pwned.csv');
    await query('CREATE TABLE IF NOT EXISTS keepme AS SELECT 1 AS k');
    const hostile = `true); COPY (SELECT 1) TO '${pwned}'; DROP TABLE keepme; SELECT * FROM read_csv('${p}'`;
    for (const opts of [
      { header: hostile }, { header: 'false' }, { header: 1 },
      { delimiter: `,'); COPY (SELECT 1) TO '${pwned}'; --` }, { delimiter: '' }, { delimiter: '\n' }, { quote: 'ab' },
      { missing: 'NA' }, { missing: [1] }, { columns: 'a' }, { columns: [] }, { types: { a: 'numeric); DROP TABLE keepme; --' } },
      { glob: 'yes' },
    ]) {
      await assert.rejects(readCsv(p, opts as never), InvalidParameterError, JSON.stringify(opts));
    }
    assert.equal(existsSync(pwned), false);
    assert.deepEqual((await query('SELECT k FROM keepme')).toRows(), [{ k: 1 }]);
    // quotes inside legitimate values are data, not SQL
    writeFileSync(p, "a,b\n1,x'y\n?',2\n");
    const t = await readCsv(p, { missing: ["?'"] });
    assert.equal(t.get(0, 'b'), "x'y");
    assert.equal(t.get(1, 'a'), null);
  });

  it('types: an unknown kind names the column and the allowed kinds; "constructor" is a column like any other', async () => {
    const p = join(dir, 'types.csv');
    writeFileSync(p, 'a,constructor\n1,2\n');
    await assert.rejects(readCsv(p, { types: { a: 'evil' as never } }), (e: unknown) => e instanceof InvalidParameterError && /column "a"/.test(e.message) && /'numeric', 'categorical', 'boolean', 'date'/.test(e.message) && /"evil"/.test(e.message));
    const t = await readCsv(p, { types: { a: 'categorical' } });
    assert.deepEqual(t.columns.map((c) => c.kind), ['categorical', 'numeric']);
  });
});

describe('issue 13 #8: CSV edge cases are typed errors', () => {
  it('an empty (or blank) file is a DataError, a header-only file a 0-row table', async () => {
    const e = join(dir, 'empty.csv');
    writeFileSync(e, '');
    await assert.rejects(readCsv(e), (x: unknown) => x instanceof DataError && /empty file/.test((x as Error).message));
    writeFileSync(e, '\n \n');
    await assert.rejects(readCsv(e), DataError);
    writeFileSync(e, 'a,b\n');
    const t = await readCsv(e);
    assert.deepEqual([t.names, t.nRows], [['a', 'b'], 0]);
  });

  it('ragged rows are a DataError naming the line (sniffed or given delimiter)', async () => {
    const p = join(dir, 'ragged.csv');
    writeFileSync(p, 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && /line 3/.test((e as Error).message) && /Expected Number of Columns: 3 Found: 2/.test((e as Error).message));
    await assert.rejects(readCsv(p, { delimiter: ',' }), (e: unknown) => e instanceof DataError && /line 3/.test((e as Error).message));
    await assert.rejects(readCsv(p, { header: false }), (e: unknown) => e instanceof DataError && /line 3/.test((e as Error).message));
    writeFileSync(p, 'a;b\n1;2\n3;4;5\n');
    await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && /line 3/.test((e as Error).message));
  });

  it('an unterminated quote is a DataError naming the line, not data', async () => {
    const p = join(dir, 'unterm.csv');
    writeFileSync(p, 'a,b\n1,"x\n2,y\n3,z\n');
    await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && /unterminated quote/.test((e as Error).message) && /line 2/.test((e as Error).message));
    writeFileSync(p, 'a,b,c\n1,2,3\n1,"2,3\n4,5,6\n');
    await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && /unterminated quote/.test((e as Error).message));
  });

  it('well-formed files that are not ragged still read: one text column, inch marks, quoted delimiters', async () => {
    const p = join(dir, 'fine.csv');
    writeFileSync(p, 'name\nalpha\nbeta\n');
    assert.deepEqual((await readCsv(p)).toRows(), [{ name: 'alpha' }, { name: 'beta' }]);
    writeFileSync(p, 'a,b\n1,5"\n2,y\n');
    assert.deepEqual((await readCsv(p)).toRows(), [{ a: 1, b: '5"' }, { a: 2, b: 'y' }]);
    writeFileSync(p, 'a,b\n1,"x,y"\n2,"he said ""hi"""\n');
    assert.deepEqual((await readCsv(p)).toRows(), [{ a: 1, b: 'x,y' }, { a: 2, b: 'he said "hi"' }]);
  });

  it('BigInt (and other odd) cells give typed errors, never a crash in the message builder', () => {
    assert.throws(() => checkArray([[1, 2n as unknown as number]]), (e: unknown) => e instanceof DataError && /bigint 2 at row 0, column 1/.test((e as Error).message));
    assert.throws(() => checkArray([[1, Object.create(null) as number]]), DataError);
    const cyc: Record<string, unknown> = {}; cyc.self = cyc;
    assert.throws(() => checkArray([[cyc as unknown as number]]), DataError);
    assert.throws(() => checkTarget([1n as unknown as number], 1), DataError);
    assert.throws(() => checkLabels([1n as unknown as number], 1), DataError);
    assert.throws(() => checkLabels([Symbol('s') as unknown as number], 1), DataError);
  });
});

describe('issue 21: streamMatrix never turns text into NaN silently', () => {
  it('a text column is a DataError naming it', async () => {
    const p = join(dir, 'text.csv');
    writeFileSync(p, 'x,name,y\n1,ann,2\n3,bob,4\n');
    await assert.rejects(countRows(streamMatrix(p)), (e: unknown) => e instanceof DataError && /column "name" of type VARCHAR/.test((e as Error).message));
    assert.equal(await countRows(streamMatrix(p, { columns: ['x', 'y'] })), 2);
  });

  it('text after the sniffed sample in a numeric column is a DataError, not NaN', async () => {
    const p = join(dir, 'late-text.csv');
    const lines = ['a,b'];
    for (let i = 0; i < 40_000; i++) lines.push(`${i},${i}`);
    lines.push('oops,1');
    writeFileSync(p, lines.join('\n') + '\n');
    await assert.rejects(countRows(streamMatrix(p, { batchRows: 10_000 })), (e: unknown) => e instanceof DataError && /oops/.test((e as Error).message) && /line 40002/.test((e as Error).message));
    await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && /oops/.test((e as Error).message));
  });

  it('booleans and dates stream as numbers; missing cells as NaN', async () => {
    const p = join(dir, 'kinds.csv');
    writeFileSync(p, 'f,d,x\ntrue,2024-01-02,1.5\nfalse,2024-01-03,\n');
    const seen: number[] = [];
    for await (const { X } of streamMatrix(p)) seen.push(...X.data);
    assert.deepEqual(seen, [1, Date.UTC(2024, 0, 2), 1.5, 0, Date.UTC(2024, 0, 3), NaN]);
  });
});

describe('issue 13 #4: writers never overwrite by default and fail cleanly', () => {
  const t = Table.fromColumns({ x: [1.5, NaN, -2], s: ['u', null, 'v'] });
  it('writeCsv and writeParquet refuse an existing file unless overwrite: true', async () => {
    const c = join(dir, 'keep.csv');
    writeFileSync(c, 'old\n');
    assert.throws(() => writeCsv(t, c), (e: unknown) => e instanceof IOError && (e as WriteError).code === 'EEXIST');
    assert.equal(readFileSync(c, 'utf8'), 'old\n');
    writeCsv(t, c, { overwrite: true });
    assert.deepEqual((await readCsv(c)).toRows(), t.toRows());
    const q = join(dir, 'keep.parquet');
    writeFileSync(q, 'old');
    await assert.rejects(writeParquet(t, q), (e: unknown) => e instanceof IOError && (e as WriteError).code === 'EEXIST');
    assert.equal(readFileSync(q, 'utf8'), 'old');
    await writeParquet(t, q, { overwrite: true });
    assert.deepEqual((await readParquet(q)).toRows(), t.toRows());
  });

  it('an error in the middle of writeCsv leaves the old file intact', () => {
    const c = join(dir, 'eight.csv');
    writeFileSync(c, '12345678');
    const rows = 300_000;
    const dates = new Float64Array(rows).fill(0);
    dates[rows - 1] = 1e300; // not a representable date: fails after megabytes were written
    const bad = new Table([{ kind: 'numeric', name: 'x', values: new Float64Array(rows).fill(1.25) }, { kind: 'date', name: 'd', values: dates }]);
    assert.throws(() => writeCsv(bad, c, { overwrite: true }), (e: unknown) => e instanceof DataError && /row 299999/.test((e as Error).message));
    assert.equal(readFileSync(c, 'utf8'), '12345678');
  });

  it('writeParquet into a missing directory says the directory is missing', async () => {
    const p = join(dir, 'no', 'such', 'dir', 't.parquet');
    await assert.rejects(writeParquet(t, p), (e: unknown) => e instanceof IOError && (e as WriteError).code === 'ENOENT' && /directory .* does not exist/.test((e as Error).message));
    assert.throws(() => writeCsv(t, join(dir, 'nope', 't.csv')), (e: unknown) => e instanceof IOError && /does not exist/.test((e as Error).message));
  });

  it('concurrent writeParquet to one new path: exactly one wins', async () => {
    const p = join(dir, 'race.parquet');
    const res = await Promise.allSettled([writeParquet(t, p), writeParquet(Table.fromColumns({ y: [1] }), p)]);
    assert.equal(res.filter((r) => r.status === 'fulfilled').length, 1);
    const back = await readParquet(p);
    assert.deepEqual(back.names, res[0]!.status === 'fulfilled' ? ['x', 's'] : ['y']);
  });
});

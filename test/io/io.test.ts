import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataError, IOError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { Table } from '../../src/core/table.js';
import { query, readCsv, readJson, readParquet, toMatrix, writeCsv, writeParquet } from '../../src/io/index.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'deepmine-io-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readCsv', () => {
  it('reads a 100,000 x 20 numeric CSV to the same doubles as a reference parse', async () => {
    const rs = new RandomState(0);
    const n = 100_000, d = 20;
    const lines = [Array.from({ length: d }, (_, j) => `f${j}`).join(',')];
    const vals = rs.standardNormal(n * d);
    for (let i = 0; i < n; i++) {
      const row: string[] = [];
      for (let j = 0; j < d; j++) row.push(String(j % 5 === 0 ? Math.round(vals[i * d + j]! * 1000) : vals[i * d + j]! * 1e3));
      lines.push(row.join(','));
    }
    const text = lines.join('\n') + '\n';
    const path = join(dir, 'big.csv');
    writeFileSync(path, text);
    const t = await readCsv(path);
    assert.deepEqual(t.shape, [n, d]);
    // reference: split + Number()
    const ref = text.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    for (let j = 0; j < d; j++) {
      const c = t.column(`f${j}`);
      assert.equal(c.kind, 'numeric');
      const v = (c as { values: Float64Array }).values;
      for (let i = 0; i < n; i++) if (v[i] !== ref[i]![j]) assert.fail(`mismatch at row ${i}, col ${j}: ${v[i]} vs ${ref[i]![j]}`);
    }
  });

  it('round-trips quoted fields, missing values and mixed types through writeCsv/readCsv', async () => {
    const src = join(dir, 'mixed.csv');
    writeFileSync(src, [
      'id,name,score,flag,when,note',
      '1,"Smith, John",3.5,true,2024-01-02,"said ""hi"""',
      '2,Ann,,false,2024-02-03,',
      '3,,-1e-3,,,"multi',
      'line"',
      '4,Bob,7,true,2024-03-04,plain',
    ].join('\n') + '\n');
    const t = await readCsv(src);
    assert.deepEqual(t.names, ['id', 'name', 'score', 'flag', 'when', 'note']);
    assert.deepEqual(t.columns.map((c) => c.kind), ['numeric', 'categorical', 'numeric', 'boolean', 'date', 'categorical']);
    assert.equal(t.get(0, 'name'), 'Smith, John');
    assert.equal(t.get(0, 'note'), 'said "hi"');
    assert.equal(t.get(2, 'note'), 'multi\nline');
    assert.equal(t.get(1, 'score'), null);
    assert.equal(t.get(2, 'name'), null);
    assert.equal(t.get(2, 'flag'), null);
    assert.equal(t.get(2, 'score'), -1e-3);
    assert.equal((t.get(0, 'when') as Date).toISOString(), '2024-01-02T00:00:00.000Z');
    const out = join(dir, 'mixed-out.csv');
    writeCsv(t, out);
    const again = await readCsv(out);
    assert.deepEqual(again.names, t.names);
    assert.deepEqual(again.toRows(), t.toRows());
  });

  it('treats extra missing markers as NaN / code -1 and honours type overrides', async () => {
    const p = join(dir, 'q.csv');
    writeFileSync(p, 'a,b,zip\n1,x,01234\n?,?,99999\n3,y,00001\n');
    const t = await readCsv(p, { missing: ['?'], types: { zip: 'categorical' } });
    assert.ok(Number.isNaN((t.column('a') as { values: Float64Array }).values[1]!));
    assert.equal((t.column('b') as { codes: Int32Array }).codes[1], -1);
    assert.equal(t.get(0, 'zip'), '01234');
  });

  it('gives typed errors naming the file or column', async () => {
    await assert.rejects(readCsv(join(dir, 'nope.csv')), (e: unknown) => e instanceof IOError && /nope\.csv/.test((e as Error).message));
    const p = join(dir, 'ok.csv');
    writeFileSync(p, 'a,b\n1,2\n');
    await assert.rejects(readCsv(p, { columns: ['a', 'zzz'] }), (e: unknown) => e instanceof DataError && /zzz/.test((e as Error).message));
    await assert.rejects(readParquet(p), (e: unknown) => e instanceof IOError && /ok\.csv/.test((e as Error).message));
  });
});

describe('parquet, json, sql', () => {
  it('writeParquet/readParquet keeps kinds and values', async () => {
    const t = Table.fromColumns({ x: [1.5, NaN, -2], c: ['u', null, 'v'], b: [true, false, null] });
    const p = join(dir, 't.parquet');
    await writeParquet(t, p);
    const back = await readParquet(p);
    assert.deepEqual(back.columns.map((c) => c.kind), ['numeric', 'categorical', 'boolean']);
    assert.deepEqual(back.toRows(), t.toRows());
  });

  it('readJson and query', async () => {
    const p = join(dir, 'rows.json');
    writeFileSync(p, JSON.stringify([{ a: 1, s: 'x' }, { a: 2.5, s: 'y' }, { a: null, s: 'x' }]));
    const t = await readJson(p);
    assert.deepEqual(t.toRows(), [{ a: 1, s: 'x' }, { a: 2.5, s: 'y' }, { a: null, s: 'x' }]);
    const q = await query(`SELECT s, count(*) AS n, avg(a) AS m FROM read_json_auto('${p}') GROUP BY s ORDER BY s`);
    assert.deepEqual(q.toRows(), [{ s: 'x', n: 2, m: 1 }, { s: 'y', n: 1, m: 2.5 }]);
    await assert.rejects(query('SELECT * FROM no_such_table'), DataError);
  });

  it('toMatrix splits features and target', () => {
    const t = Table.fromColumns({ a: [1, 2], b: [3, 4], y: ['p', 'q'] });
    const { X, y, featureNames } = toMatrix(t, { target: 'y' });
    assert.deepEqual(X.toArray(), [[1, 3], [2, 4]]);
    assert.deepEqual(y, ['p', 'q']);
    assert.deepEqual(featureNames, ['a', 'b']);
    assert.throws(() => toMatrix(t, { target: 'nope' }), (e: unknown) => e instanceof DataError && /nope/.test((e as Error).message));
    // a string feature column is one-hot encoded by default (issue 17), refused on request
    assert.deepEqual(toMatrix(t, { columns: ['a', 'y'] }).featureNames, ['a', 'y=p', 'y=q']);
    assert.throws(() => toMatrix(t, { columns: ['a', 'y'], categorical: 'error' }), DataError);
  });
});

describe('saveModel / loadModelFile', () => {
  it('round trip; refuses to overwrite without asking', async () => {
    const { saveModel, loadModelFile } = await import('../../src/io/model.js');
    const { DecisionTreeClassifier } = await import('../../src/tree/index.js');
    const { IOError } = await import('../../src/core/errors.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'deepmine-model-'));
    const file = join(dir, 'tree.json');
    const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
    const clf = new DecisionTreeClassifier({ randomState: 0 }).fit(X, [0, 1, 1, 0]);
    await saveModel(clf, file);
    await assert.rejects(saveModel(clf, file), IOError);
    await saveModel(clf, file, { overwrite: true });
    const again = await loadModelFile<InstanceType<typeof DecisionTreeClassifier>>(file);
    assert.deepEqual(again.predict(X), clf.predict(X));
    await assert.rejects(loadModelFile(join(dir, 'missing.json')), IOError);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('streamMatrix: out-of-core numeric blocks', () => {
  it('streams a CSV in fixed blocks equal to readCsv; IncrementalPCA.partialFit over the stream = fit with the same batchSize', async () => {
    const { streamMatrix } = await import('../../src/io/duckdb.js');
    const { IncrementalPCA } = await import('../../src/decomposition/index.js');
    const { Matrix } = await import('../../src/core/matrix.js');
    const dir = mkdtempSync(join(tmpdir(), 'deepmine-stream-'));
    const file = join(dir, 'x.csv');
    const rs = new RandomState(3);
    const n = 5003, d = 6;
    const data = rs.standardNormal(n * d);
    for (let i = 0; i < n; i++) data[i * d + 1] = data[i * d]! * 2 + data[i * d + 1]! * 0.1;
    writeFileSync(file, ['a,b,c,d,e,f', ...Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d), (v) => String(v)).join(','))].join('\n'));
    const ipca = new IncrementalPCA({ nComponents: 3 });
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const { X, columns } of streamMatrix(file, { batchRows: 1000 })) {
      assert.deepEqual(columns, ['a', 'b', 'c', 'd', 'e', 'f']);
      sizes.push(X.rows);
      seen.push(...X.data);
      ipca.partialFit(X);
    }
    assert.deepEqual(sizes, [1000, 1000, 1000, 1000, 1000, 3]);
    assert.deepEqual(seen, Array.from(data));
    const whole = new IncrementalPCA({ nComponents: 3, batchSize: 1000 }).fit(new Matrix(data, n, d));
    assert.deepEqual(Array.from(ipca.components.data ?? ipca.components), Array.from(whole.components.data ?? whole.components));
    const sub: number[] = [];
    for await (const { X } of streamMatrix(`SELECT b, a FROM read_csv_auto('${file}') WHERE a > 0`, { batchRows: 4096 })) sub.push(X.rows);
    assert.equal(sub.reduce((s, v) => s + v, 0), Array.from({ length: n }, (_, i) => data[i * d]!).filter((v) => v > 0).length);
    await assert.rejects(async () => { for await (const _ of streamMatrix(join(dir, 'missing.csv'))) void _; }, IOError);
    await assert.rejects(async () => { for await (const _ of streamMatrix(file, { columns: ['zz'] })) void _; }, DataError);
    await assert.rejects(async () => { for await (const _ of streamMatrix(file, { batchRows: 0 })) void _; }, (e: unknown) => (e as { param?: string }).param === 'batchRows');
    rmSync(dir, { recursive: true, force: true });
  });
});

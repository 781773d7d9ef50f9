import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fpGrowth, TransactionDB, TransactionEncoder } from '../../src/assoc/index.js';
import { DataError, InvalidParameterError, IOError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { Table } from '../../src/core/table.js';
import { KBinsDiscretizer } from '../../src/preprocessing/discretizer.js';
import { fpGrowthFile, readTransactions } from '../../src/io/transactions.js';
import { checkEstimator } from '../helpers/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-assoc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

describe('readTransactions', () => {
  it('FIMI: numeric items, duplicates dropped, blank lines skipped unless keepEmpty', () => {
    const p = file('a.dat', '3 1 2\n\n2 3 3\r\n7\n');
    const db = readTransactions(p);
    assert.equal(db.nTransactions, 3);
    assert.deepEqual(db.labels, [1, 2, 3, 7]);
    assert.deepEqual(db.transactionLabels(1), [2, 3]);
    assert.equal(readTransactions(p, { keepEmpty: true }).nTransactions, 4);
    assert.throws(() => readTransactions(file('bad.dat', '1 2 x\n')), IOError);
  });
  it('basket CSV and long format give the same database', () => {
    const b = readTransactions(file('b.csv', 'milk,bread\n"butter, salted",bread\nmilk\n'));
    const l = readTransactions(file('l.csv', 'tid,item\n1,milk\n1,bread\n2,"butter, salted"\n2,bread\n3,milk\n'), { format: 'long' });
    assert.deepEqual(b.labels, ['bread', 'butter, salted', 'milk']);
    assert.deepEqual(l.labels, b.labels);
    assert.deepEqual(Array.from(l.items), Array.from(b.items));
    assert.deepEqual(Array.from(l.offsets), Array.from(b.offsets));
    assert.deepEqual(fpGrowth(b, { minCount: 2 }).map((x) => x.items), [['bread'], ['milk']]);
  });
  it('errors: missing file, bad format, empty file', () => {
    assert.throws(() => readTransactions(join(dir, 'nope.dat')), IOError);
    assert.throws(() => readTransactions(file('c.csv', 'a'), { format: 'xml' as never }), InvalidParameterError);
    assert.throws(() => readTransactions(file('e.dat', '\n\n')), DataError);
  });
});

describe('TransactionDB and input validation', () => {
  it('typed errors: minSupport outside (0, 1], minCount 0, bad maxLen, bad items, no transactions', () => {
    const tx = [['a', 'b'], ['a']];
    for (const minSupport of [0, -0.1, 1.5, NaN]) assert.throws(() => fpGrowth(tx, { minSupport }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minSupport');
    assert.throws(() => fpGrowth(tx, { minCount: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minCount');
    assert.throws(() => fpGrowth(tx, { minCount: 2.5 }), InvalidParameterError);
    assert.throws(() => fpGrowth(tx, { maxLen: 0 }), InvalidParameterError);
    assert.throws(() => fpGrowth([['a', null as never]]), DataError);
    assert.throws(() => fpGrowth([['a', NaN]]), DataError);
    assert.throws(() => fpGrowth([]), DataError);
    assert.throws(() => fpGrowth(['ab' as never]), DataError);
  });
  it('only empty transactions: no itemsets', () => {
    assert.deepEqual(fpGrowth([[], []], { minCount: 1 }), []);
  });
  it('unknown labels are DataErrors', () => {
    const db = TransactionDB.fromArrays([['a', 'b'], ['b']]);
    assert.equal(db.count(['b']), 2);
    assert.throws(() => db.id('zzz'), DataError);
    assert.throws(() => db.count(['zzz']), DataError);
  });
  it('one-hot matrix input and Table input', () => {
    const X = new Matrix(Float64Array.from([1, 0, 1, 1, 1, 0]), 2, 3);
    assert.deepEqual(fpGrowth(X, { minCount: 2 }).map((x) => x.items), [[0]]);
    assert.throws(() => TransactionDB.fromOneHot(new Matrix(Float64Array.from([2]), 1, 1)), DataError);
    const t = Table.fromColumns({ color: ['red', 'red', 'blue'], size: [1, 5, 9], ok: [true, true, false] });
    const db = TransactionDB.fromTable(t, { bins: { size: [3] } });
    assert.deepEqual(db.transactionLabels(0), ['color=red', 'ok', 'size<3']);
    assert.deepEqual(db.transactionLabels(2), ['color=blue', 'size>=3']);
    assert.deepEqual(fpGrowth(t.select(['color', 'ok']), { minCount: 2 }).map((x) => x.items), [['color=red'], ['color=red', 'ok'], ['ok']]);
  });
  it('Table numeric columns without bins: KBinsDiscretizer edges (quantile by default), missing values give no item', () => {
    const size = [1, 2, 3, 4, 5, 6, 7, 8, NaN, 10];
    const t = Table.fromColumns({ size, flat: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], color: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'] });
    const db = TransactionDB.fromTable(t, { nBins: 3 });
    const present = size.filter((v) => !Number.isNaN(v));
    const e = new KBinsDiscretizer({ nBins: 3, strategy: 'quantile', encode: 'ordinal' }).fit(present.map((v) => [v])).binEdges[0]!;
    const inner = Array.from(e.subarray(1, e.length - 1));
    assert.deepEqual(db.labels.filter((l) => String(l).startsWith('size')), TransactionDB.fromTable(t.select(['size']), { bins: { size: inner } }).labels);
    assert.deepEqual(db.transactionLabels(0), ['color=a', 'flat=*', `size<${inner[0]}`]);
    assert.deepEqual(db.transactionLabels(8), ['color=a', 'flat=*']); // NaN: no size item
    assert.equal(db.count([`size>=${inner[1]}`]), 3); // 7, 8, 10
    const u = TransactionDB.fromTable(t.select(['size']), { nBins: 2, strategy: 'uniform' });
    assert.deepEqual(u.labels, ['size<5.5', 'size>=5.5']);
    assert.equal(fpGrowth(t, { minCount: 4 }).length > 0, true); // miners take such a Table directly (5 quantile bins)
    assert.deepEqual(TransactionDB.fromTable(t, { nBins: 3, bins: { size: [5] } }).labels.filter((l) => String(l).startsWith('size')), ['size<5', 'size>=5']);
    assert.throws(() => TransactionDB.fromTable(t, { nBins: 1 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'nBins');
    assert.throws(() => TransactionDB.fromTable(t, { strategy: 'median' as never }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'strategy');
  });
  it('constructor validates the CSR invariants', () => {
    assert.throws(() => new TransactionDB(['a', 'b'], Int32Array.from([0, 2]), Int32Array.from([1, 0])), DataError);
    assert.throws(() => new TransactionDB(['b', 'a'], Int32Array.from([0, 1]), Int32Array.from([0])), DataError);
    assert.equal(new TransactionDB(['a', 'b'], Int32Array.from([0, 2, 2]), Int32Array.from([0, 1])).nTransactions, 2);
  });
});

describe('TransactionEncoder', () => {
  it('round trip, duplicates, unknown labels', () => {
    const te = new TransactionEncoder().fit([['milk', 'bread', 'milk'], ['eggs']]);
    assert.deepEqual(te.columns, ['bread', 'eggs', 'milk']);
    const X = te.transform([['eggs', 'milk', 'milk'], []]);
    assert.deepEqual(X.toArray(), [[0, 1, 1], [0, 0, 0]]);
    assert.deepEqual(te.inverseTransform(X), [['eggs', 'milk'], []]);
    assert.throws(() => te.transform([['caviar']]), (e: unknown) => e instanceof DataError && /caviar/.test(e.message));
    assert.throws(() => te.inverseTransform([[0, 2, 0]]), DataError);
    assert.deepEqual(fpGrowth(X, { minCount: 1 }).length, 3);
    const tx = [['b', 'a', 'a'], ['c']];
    const copy = structuredClone(tx);
    new TransactionEncoder().fit(tx).transform(tx);
    fpGrowth(tx, { minCount: 1 });
    assert.deepEqual(tx, copy);
  });
});

checkEstimator('TransactionEncoder', {
  make: (p) => new TransactionEncoder(p as never),
  X: Array.from({ length: 20 }, (_, i) => [i % 3, (i * 7) % 5 + 3, 9]),
  skip: {
    'empty input is a ShapeError': 'transactions are ragged lists, not a matrix: no transaction at all is a DataError (tested above)',
    'wrong width at predict is a ShapeError': 'transactions have no width; unknown items are a DataError instead (tested above)',
    'inputs are not mutated': 'fit takes arrays of item labels, not a Matrix; non-mutation of label arrays is tested above',
  },
});

describe('fpGrowthFile (two passes over the file)', () => {
  it('equals fpGrowth on the read database, with duplicates, blank lines and no final newline', () => {
    const p = file('s.dat', '1 2 3 2\n\n2 3\n3 1\n1 2 3 4\n4');
    for (const minCount of [1, 2, 3]) {
      assert.deepEqual(fpGrowthFile(p, { minCount }), fpGrowth(readTransactions(p), { minCount }));
      assert.equal(fpGrowthFile(p, { minCount, countOnly: true }).total, fpGrowth(readTransactions(p), { minCount }).length);
    }
    assert.deepEqual(fpGrowthFile(p, { minSupport: 0.4, maxLen: 2 }), fpGrowth(readTransactions(p), { minSupport: 0.4, maxLen: 2 }));
    assert.throws(() => fpGrowthFile(p, { minSupport: 0 }), InvalidParameterError);
    assert.throws(() => fpGrowthFile(join(dir, 'missing.dat')), IOError);
  });
  const t10 = new URL('../../../shared/datasets/fimi/T10I4D100K.dat', import.meta.url);
  it('T10I4D100K at 0.5%: 1073 itemsets', { skip: existsSync(t10) ? false : 'T10I4D100K.dat not found' }, () => {
    assert.equal(fpGrowthFile(t10.pathname, { minSupport: 0.005, countOnly: true }).total, 1073);
  });
});

describe('fpGrowthFileAsync cancellation (issue 13)', () => {
  it('an aborted signal rejects with AbortError before mining', async () => {
    const { fpGrowthFileAsync } = await import('../../src/io/transactions.js');
    const { AbortError } = await import('../../src/core/errors.js');
    const { closePool } = await import('../../src/core/pool.js');
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'dm-fpf-'));
    try {
      const f = join(dir, 't.dat');
      writeFileSync(f, '1 2 3\n1 2\n2 3\n1 3\n');
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(fpGrowthFileAsync(f, { minSupport: 0.5, nJobs: 2, signal: ac.signal }), AbortError);
      const sets = await fpGrowthFileAsync(f, { minSupport: 0.5, nJobs: 2 });
      assert.equal(sets.length, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await closePool();
    }
  });
});

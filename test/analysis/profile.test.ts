import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { profile, histogram, quantileSorted, type ColumnProfile, type NumericProfile, type CategoricalProfile } from '../../src/analysis/profile.js';
import { InvalidParameterError, DataError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { encodeCategorical, Table } from '../../src/core/table.js';
import { loadDataset } from '../../src/datasets/load.js';

interface FixCol { name: string; type: string; count: number; missing: number; distinct: number; [k: string]: unknown }
interface FixFrame { rows: number; columns: FixCol[]; duplicateCount: number; duplicateIndices: number[]; correlation: { columns: string[]; matrix: (number | null)[][] }; data?: Record<string, (number | string | null)[]> }
const fx = JSON.parse(readFileSync(new URL('../fixtures/analysis_profile.json', import.meta.url), 'utf8')) as Record<string, FixFrame>;

const close = (a: number | null, b: number | null, what: string, tol = 1e-12) => {
  if (a === null || b === null) return assert.equal(a, b, what);
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
};

function compare(p: ReturnType<typeof profile>, f: FixFrame): void {
  assert.equal(p.rows, f.rows);
  assert.equal(p.columns.length, f.columns.length);
  p.columns.forEach((c: ColumnProfile, j) => {
    const e = f.columns[j]!;
    assert.equal(c.name, e.name);
    assert.equal(c.type, e.type, e.name);
    assert.equal(c.count, e.count, e.name);
    assert.equal(c.missing, e.missing, e.name);
    assert.equal(c.missingFraction, e.missing / f.rows);
    assert.equal(c.distinct, e.distinct, `${e.name} distinct`);
    if (c.type === 'numeric') {
      for (const k of ['min', 'max', 'mean', 'std', 'q25', 'median', 'q75', 'skewness'] as const) close((c as NumericProfile)[k], e[k] as number | null, `${e.name}.${k}`);
      assert.equal(c.zeros, e.zeros, `${e.name} zeros`);
      const h = e.histogram as { edges: number[]; counts: number[] };
      assert.deepEqual(c.histogram.counts, h.counts, `${e.name} histogram`);
      c.histogram.edges.forEach((v, i) => close(v, h.edges[i]!, `${e.name} edge ${i}`, 1e-15));
    } else if (c.type === 'categorical') {
      const vc = e.valueCounts as Record<string, number>;
      assert.deepEqual(Object.fromEntries(c.top.map((t) => [t.value, t.count])), vc, e.name);
      for (let i = 1; i < c.top.length; i++) assert.ok(c.top[i - 1]!.count >= c.top[i]!.count);
    }
  });
  assert.equal(p.duplicateRows.count, f.duplicateCount);
  assert.deepEqual(p.duplicateRows.indices, f.duplicateIndices.slice(0, 20));
  assert.deepEqual(p.correlation.columns, f.correlation.columns);
  p.correlation.matrix.forEach((row, i) => row.forEach((v, j) => close(v, f.correlation.matrix[i]![j]!, `corr ${i},${j}`)));
}

describe('profile vs pandas', () => {
  for (const name of ['iris', 'wine'] as const) {
    it(`${name} (Matrix with featureNames)`, () => {
      const ds = loadDataset(name);
      compare(profile(ds.X, { featureNames: ds.featureNames, topK: 1000 }), fx[name]!);
    });
  }
  it('iris: the duplicate row and its first occurrence', () => {
    const ds = loadDataset('iris');
    const p = profile(ds.X);
    assert.deepEqual(p.duplicateRows, { count: 1, indices: [142], firstOccurrence: [101] });
    assert.deepEqual(Array.from(ds.X.row(142)), Array.from(ds.X.row(101)));
    assert.equal(p.columns[0]!.name, 'x0');
  });
  it('UCI mushroom (Table, 23 categorical columns with missing stalk-root)', () => {
    const ds = loadDataset('mushroom');
    const t = new Table([encodeCategorical('edibility', ds.y), ...ds.X.columns]);
    const p = profile(t, { topK: 1000 });
    compare(p, fx.mushroom!);
    const root = p.columns.find((c) => c.name === 'stalk-root')!;
    assert.equal(root.missing, 2480);
    const top3 = profile(t).columns[0] as CategoricalProfile;
    assert.deepEqual(top3.top, [{ value: 'e', count: 4208 }, { value: 'p', count: 3916 }]);
  });
  it('synthetic: missing values, -0 == 0, constant column, NaN rows as duplicates, pairwise-complete corr', () => {
    const d = fx.synthetic!.data!;
    const t = new Table([
      ...['a', 'b', 'c', 'k'].map((n) => ({ kind: 'numeric' as const, name: n, values: Float64Array.from(d[n]!, (v) => (v === null ? NaN : (v as number))) })),
      encodeCategorical('lab', d.lab! as (string | null)[]),
    ]);
    const p = profile(t, { topK: 1000 });
    compare(p, fx.synthetic!);
    const k = p.columns[3] as NumericProfile;
    assert.equal(k.skewness, 0);
    assert.equal(k.std, 0);
    assert.equal(p.correlation.matrix[3]![0], null);
  });
});

describe('profile helpers and errors', () => {
  it('quantileSorted and histogram edge cases', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
    assert.deepEqual(histogram([3, 3, 3], 2), { edges: [2.5, 3, 3.5], counts: [0, 3] });
    assert.deepEqual(histogram([0, 1, 2, 3], 3).counts, [1, 1, 2]);
  });
  it('boolean and date columns, empty numeric column', () => {
    const t = Table.fromColumns({ ok: [true, false, true, null], at: [new Date('2020-01-02'), new Date('2019-05-01'), null, null], e: [NaN, NaN, NaN, NaN] });
    const [ok, at, e] = profile(t).columns;
    assert.deepEqual({ ...ok, name: undefined }, { name: undefined, type: 'boolean', count: 3, missing: 1, missingFraction: 0.25, distinct: 2, trueCount: 2, falseCount: 1, mean: 2 / 3 });
    assert.equal(at!.type === 'date' && at.min, '2019-05-01T00:00:00.000Z');
    assert.ok(e!.type === 'numeric' && e.mean === null && e.std === null && e.count === 0);
  });
  it('typed errors', () => {
    assert.throws(() => profile(Matrix.zeros(3, 2), { featureNames: ['a'] }), InvalidParameterError);
    assert.throws(() => profile(Matrix.zeros(3, 2), { topK: -1 }), /topK/);
    assert.throws(() => profile(Matrix.zeros(3, 2), { bins: 0 }), /bins/);
    assert.throws(() => profile([[1, 2]] as unknown as Matrix), DataError);
    assert.throws(() => profile(Matrix.fromRows([[1], [Infinity]])), /finite/);
  });
});

describe('profile duplicate rows without a per-row Map (issue 21)', () => {
  it('counts duplicates exactly on a constructed case with hash-run collisions, -0 = 0 and NaN = NaN', () => {
    // 300,000 rows: row i is a copy of row i % 100,003 (so rows >= 100,003 are duplicates of an
    // earlier one), plus explicit -0 / NaN twins; the brute-force count is the reference
    const n = 300_000, base = 100_003;
    const a = new Float64Array(n), b = new Float64Array(n);
    const c: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = i % base;
      a[i] = r === 7 ? (i < base ? 0 : -0) : r === 11 ? NaN : r * 0.5;
      b[i] = (r * 7919) % 1000;
      c[i] = `k${r % 37}`;
    }
    const p = profile(Table.fromColumns({ a, b, c }), { maxDuplicateIndices: 5 });
    const seen = new Map<string, number>();
    let count = 0;
    const first: number[] = [], idx: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = `${Object.is(a[i], -0) ? 0 : a[i]}|${b[i]}|${c[i]}`;
      const o = seen.get(key);
      if (o === undefined) seen.set(key, i);
      else { count++; if (idx.length < 5) { idx.push(i); first.push(o); } }
    }
    assert.equal(count, n - base);
    assert.equal(p.duplicateRows.count, count);
    assert.deepEqual(p.duplicateRows.indices, idx);
    assert.deepEqual(p.duplicateRows.firstOccurrence, first);
  });
});

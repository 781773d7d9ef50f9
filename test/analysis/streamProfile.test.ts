/**
 * ProfileAccumulator (one-pass, streamed profile) against profile() (itself checked against
 * pandas/numpy fixtures in profile.test.ts) on the same rows fed in uneven blocks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profile } from '../../src/analysis/profile.js';
import { ProfileAccumulator } from '../../src/analysis/streamProfile.js';
import { RandomState } from '../../src/core/random.js';
import { encodeCategorical, Table, type Column } from '../../src/core/table.js';

function mixedTable(n: number, seed: number): Table {
  const rs = new RandomState(seed);
  const a = rs.standardNormal(n) as Float64Array;
  const b = new Float64Array(n), c = new Float64Array(n), flag = new Float64Array(n), when = new Float64Array(n);
  const cat: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    b[i] = i % 17 === 3 ? NaN : 3 * a[i]! + (rs.standardNormal() as number) + 100;
    c[i] = Math.round((rs.uniform() as number) * 20) - 10; // many zeros and repeats
    flag[i] = i % 11 === 0 ? NaN : i % 3 === 0 ? 1 : 0;
    when[i] = i % 13 === 0 ? NaN : Date.UTC(2020, 0, 1) + (i % 400) * 86400000;
    cat.push(i % 29 === 0 ? null : ['x', 'y', 'z', 'w'][Math.floor((rs.uniform() as number) * 4)]!);
  }
  for (let i = 0; i < 40; i++) { // exact duplicates of earlier rows
    const src = i * 7, dst = n - 1 - i;
    a[dst] = a[src]!; b[dst] = b[src]!; c[dst] = c[src]!; flag[dst] = flag[src]!; when[dst] = when[src]!; cat[dst] = cat[src]!;
  }
  return new Table([
    { kind: 'numeric', name: 'a', values: a }, { kind: 'numeric', name: 'b', values: b }, { kind: 'numeric', name: 'c', values: c },
    { kind: 'boolean', name: 'flag', values: flag }, { kind: 'date', name: 'when', values: when }, encodeCategorical('cat', cat),
  ]);
}

function blocks(t: Table, sizes: number[]): Table[] {
  const out: Table[] = [];
  let at = 0, k = 0;
  while (at < t.nRows) {
    const s = Math.min(sizes[k++ % sizes.length]!, t.nRows - at);
    out.push(t.takeRows(Int32Array.from({ length: s }, (_, i) => at + i)));
    at += s;
  }
  return out;
}

function accumulate(t: Table, sizes: number[], opts: ConstructorParameters<typeof ProfileAccumulator>[1] = {}) {
  const acc = new ProfileAccumulator(t.columns.map((c) => ({ name: c.name, kind: c.kind })), opts);
  for (const b of blocks(t, sizes)) acc.add(b);
  return acc.result();
}

describe('ProfileAccumulator', () => {
  const t = mixedTable(5000, 1);
  const ref = profile(t);

  it('fed in uneven blocks equals profile(): counts, extremes, distinct, top values, duplicates exactly; moments and correlations to 1e-12', () => {
    const p = accumulate(t, [1, 999, 37, 2048]);
    assert.equal(p.rows, ref.rows);
    assert.equal(p.duplicateRows!.count, ref.duplicateRows.count);
    assert.equal(p.duplicateRows!.count, 40);
    ref.columns.forEach((b, j) => {
      const a = p.columns[j]! as unknown as Record<string, unknown>;
      assert.deepEqual(a.approximate, [], b.name);
      for (const [k, v] of Object.entries(b)) {
        if (k === 'mean' && b.type === 'boolean') { assert.equal(a[k], v); continue; }
        if ((k === 'mean' || k === 'std' || k === 'skewness') && typeof v === 'number') {
          assert.ok(Math.abs((a[k] as number) - v) <= 1e-12 * Math.max(1, Math.abs(v)), `${b.name}.${k}: ${a[k]} vs ${v}`);
        } else assert.deepEqual(a[k], v, `${b.name}.${k}`);
      }
    });
    assert.deepEqual(p.correlation!.columns, ref.correlation.columns);
    ref.correlation.matrix.forEach((row, i) => row.forEach((v, j) => {
      const x = p.correlation!.matrix[i]![j]!;
      if (v === null) assert.equal(x, null); else assert.ok(Math.abs(x - v) < 1e-12, `corr[${i}][${j}] ${x} vs ${v}`);
    }));
  });

  it('past sampleSize the quartiles and histogram come from a seeded reservoir (labelled approximate, same seed same numbers)', () => {
    const p = accumulate(t, [512], { sampleSize: 1000, seed: 3 });
    const q = accumulate(t, [700, 13], { sampleSize: 1000, seed: 3 });
    const r = accumulate(t, [512], { sampleSize: 1000, seed: 4 });
    const a = p.columns[0]! as { q25: number; median: number; q75: number; approximate: string[]; histogram: { counts: number[] } };
    assert.deepEqual(a.approximate, ['q25', 'median', 'q75', 'histogram']);
    assert.equal(p.sampleRows, 1000);
    assert.equal(a.histogram.counts.reduce((s, v) => s + v, 0), 1000);
    assert.equal((q.columns[0] as { median: number }).median, a.median); // the sample does not depend on block sizes
    assert.notEqual((r.columns[0] as { median: number }).median, a.median);
    const exact = ref.columns[0] as { q25: number; median: number; q75: number };
    for (const k of ['q25', 'median', 'q75'] as const) assert.ok(Math.abs(a[k] - exact[k]) < 0.15, `${k} ${a[k]} vs ${exact[k]}`);
  });

  it('distinct counts switch to HyperLogLog past maxDistinct (within 3% at 300,000 values) and say so', () => {
    const n = 300_000;
    const v = Float64Array.from({ length: n }, (_, i) => i * 0.5 - 1000);
    const s = Array.from({ length: n }, (_, i) => `id${i % 150_000}`);
    const tbl = new Table([{ kind: 'numeric', name: 'v', values: v }, encodeCategorical('s', s)]);
    const p = accumulate(tbl, [65536], { maxDistinct: 1000, maxCategories: 500, duplicates: false });
    const dv = p.columns[0]!, ds = p.columns[1]!;
    assert.ok(dv.approximate.includes('distinct') && ds.approximate.includes('distinct') && ds.approximate.includes('top'));
    assert.ok(Math.abs(dv.distinct / n - 1) < 0.03, `numeric distinct ${dv.distinct}`);
    assert.ok(Math.abs(ds.distinct / 150_000 - 1) < 0.03, `text distinct ${ds.distinct}`);
    assert.equal(p.duplicateRows, null);
  });

  it('duplicate rows by 64-bit hashes: -0 equals 0, NaN equals NaN, text by value across blocks with different dictionaries', () => {
    const x = Float64Array.from([0, -0, NaN, NaN, 1.5, 1.5, 2, 3]);
    const lab = ['p', 'p', 'q', 'q', 'r', 's', 'r', 'r'];
    const tbl = new Table([{ kind: 'numeric', name: 'x', values: x }, encodeCategorical('lab', lab)]);
    // blocks of 1 row: every block has its own label dictionary (code 0)
    const p = accumulate(tbl, [1]);
    assert.equal(p.duplicateRows!.count, 2); // rows 1 (= row 0) and 3 (= row 2); 1.5/r vs 1.5/s differ
    assert.equal(p.duplicateRows!.count, profile(tbl).duplicateRows.count);
  });

  it('refuses a block whose columns differ, and infinite values, with typed errors', () => {
    const acc = new ProfileAccumulator([{ name: 'a', kind: 'numeric' }]);
    assert.throws(() => acc.add(new Table([{ kind: 'numeric', name: 'b', values: new Float64Array(1) } as Column])), /block/);
    assert.throws(() => acc.add(new Table([{ kind: 'numeric', name: 'a', values: Float64Array.of(Infinity) }])), /finite numbers/);
    assert.throws(() => new ProfileAccumulator([], { sampleSize: 0 }), /sampleSize/);
  });
});

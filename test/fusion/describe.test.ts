import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { Table, encodeCategorical } from '../../src/core/table.js';
import { loadDataset } from '../../src/datasets/load.js';
import { describeClusters, niceThreshold, type ClusterDescriptions, type ContrastItem, type RuleTerm } from '../../src/fusion/describe.js';

type Row = Record<string, number | string | null>;

/** Synthetic customers: 3,000 rows, numeric bill / tenure (some missing), categorical contract (some missing). */
function customers(): { rows: Row[]; table: Table; labels: number[] } {
  const rng = new RandomState(7);
  const rows: Row[] = [];
  const labels: number[] = [];
  const contracts = ['monthly', 'yearly', 'two-year'];
  for (let i = 0; i < 3000; i++) {
    const g = i < 1400 ? 0 : i < 2300 ? 1 : 2;
    const bill = g === 0 ? 90 + 10 * (rng.normal() as number) : g === 1 ? 50 + 8 * (rng.normal() as number) : 70 + 15 * (rng.normal() as number);
    const tenure = rng.uniform() < 0.03 ? null : Math.round(g === 0 ? 3 * (rng.uniform() as number) : 12 + 48 * (rng.uniform() as number));
    const u = rng.uniform() as number;
    const contract = u < 0.02 ? null : g === 0 ? (u < 0.85 ? 'monthly' : 'yearly') : contracts[rng.randint(0, 3)]!;
    rows.push({ bill, tenure, contract });
    // labels follow the groups with 5% noise
    labels.push(rng.uniform() < 0.05 ? rng.randint(0, 3) : g);
  }
  const table = new Table([
    { kind: 'numeric', name: 'bill', values: Float64Array.from(rows, (r) => r.bill as number) },
    { kind: 'numeric', name: 'tenure', values: Float64Array.from(rows, (r) => (r.tenure === null ? NaN : (r.tenure as number))) },
    encodeCategorical('contract', rows.map((r) => r.contract as string | null)),
  ]);
  return { rows, table, labels };
}

// direct evaluation, independent of describe.ts: missing values satisfy nothing
function termHolds(t: RuleTerm, row: Row): boolean {
  const v = row[t.feature];
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return false;
  switch (t.op) {
    case '<=': return (v as number) <= (t.value as number);
    case '>': return (v as number) > (t.value as number);
    case '=': return v === t.value;
    case '!=': return v !== t.value;
  }
}
function itemHolds(it: ContrastItem, row: Row): boolean {
  const v = row[it.feature];
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return false;
  return it.kind === 'value' ? v === it.value : (v as number) >= it.low && (v as number) < it.high;
}

function checkCounts(d: ClusterDescriptions, rows: Row[], labels: readonly (number | string)[]): number {
  let checked = 0;
  for (const c of d.clusters) {
    const inC = labels.map((l) => l === c.cluster);
    const size = inC.filter(Boolean).length;
    assert.equal(c.size, size, `size of cluster ${c.cluster}`);
    for (const r of c.rules) {
      let covered = 0, inside = 0;
      rows.forEach((row, i) => { if (r.terms.every((t) => termHolds(t, row))) { covered++; if (inC[i]) inside++; } });
      assert.equal(r.covered, covered, r.text);
      assert.equal(r.coveredInCluster, inside, r.text);
      assert.equal(r.coverage, inside / size);
      assert.equal(r.precision, inside / covered);
      checked++;
    }
    for (const s of c.itemsets) {
      let cin = 0, cout = 0;
      rows.forEach((row, i) => { if (s.items.every((it) => itemHolds(it, row))) { if (inC[i]) cin++; else cout++; } });
      assert.equal(s.countInside, cin, s.text);
      assert.equal(s.countOutside, cout, s.text);
      assert.equal(s.supportInside, cin / size);
      assert.equal(s.supportOutside, cout / (rows.length - size));
      assert.equal(s.lift, (cin / (cin + cout)) / (size / rows.length));
      assert.equal(s.growthRate, cout === 0 ? Infinity : (cin / size) / (cout / (rows.length - size)));
      checked++;
    }
  }
  return checked;
}

describe('describeClusters', () => {
  const { rows, table, labels } = customers();

  it('every coverage, precision and support equals a direct count (Table with categorical and missing values)', () => {
    const d = describeClusters(table, labels, { maxDepth: 3, minSupport: 0.2, nBins: 4, minLift: 1.2 });
    assert.equal(d.clusters.length, 3);
    const checked = checkCounts(d, rows, labels);
    assert.ok(checked >= 6, `${checked} rules/itemsets checked`);
    // the planted structure is found: cluster 0 = high bill, short tenure, monthly contracts
    const c0 = d.clusters[0]!;
    assert.ok(c0.rules[0]!.precision > 0.8 && c0.rules[0]!.coverage > 0.6, c0.rules[0]!.text);
    assert.ok(c0.rules[0]!.terms.some((t) => t.feature === 'tenure' || t.feature === 'bill'));
    assert.ok(c0.itemsets.some((s) => s.items.some((it) => it.label === 'contract = monthly')), c0.text);
    // text rendering: "cluster 0 (1,4xx rows): ... (precision 0.9x, covers 9x%)"
    assert.match(c0.text, /^cluster 0 \(1,\d{3} rows\): .+ \(precision \d\.\d\d, covers \d+%\)/);
    assert.equal(String(d), d.clusters.map((c) => c.text).join('\n'));
  });

  it('matrix input with featureNames and string labels (iris): counts equal direct counts', () => {
    const ds = loadDataset('iris');
    const names = ['sl', 'sw', 'pl', 'pw'];
    const y = Array.from(ds.y as Float64Array, (v) => ['setosa', 'versicolor', 'virginica'][v]!);
    const d = describeClusters(ds.X, y, { featureNames: names, maxDepth: 2, minSupport: 0.3 });
    const rowsIris: Row[] = Array.from({ length: ds.X.rows }, (_, i) => Object.fromEntries(names.map((n, j) => [n, ds.X.row(i)[j]!])));
    assert.ok(checkCounts(d, rowsIris, y) > 3);
    const setosa = d.clusters.find((c) => c.cluster === 'setosa')!;
    assert.equal(setosa.rules[0]!.precision, 1);
    assert.equal(setosa.rules[0]!.coverage, 1);
    assert.match(setosa.text, /^cluster setosa \(50 rows\): (pl <= 2\.\d*|pw <= 0\.\d*) \(precision 1\.00, covers 100%\)/);
  });

  it('niceThreshold keeps the split of the data and is short', () => {
    const v = Float64Array.of(1.23456, 2.5, 79.6, 80.4, 100);
    assert.equal(niceThreshold(v, 80.0), 80);
    assert.equal(niceThreshold(v, (1.23456 + 2.5) / 2), 2);
    assert.equal(niceThreshold(Float64Array.of(0.312, 0.3125), 0.31225), 0.312);
    assert.equal(niceThreshold(Float64Array.of(-0.3, 0.2), -0.05), 0);
  });

  it('bad input: typed errors naming the argument', () => {
    assert.throws(() => describeClusters(table, labels.slice(1)), (e: unknown) => e instanceof ShapeError && e.argument === 'labels');
    assert.throws(() => describeClusters([[1, 2], [3, 4]], [0, 1], { featureNames: ['a'] }), (e: unknown) => e instanceof ShapeError && e.argument === 'featureNames');
    assert.throws(() => describeClusters(table, labels, { featureNames: ['nope'] }), (e: unknown) => e instanceof DataError && e.argument === 'featureNames');
    assert.throws(() => describeClusters(table, labels, { maxDepth: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'maxDepth');
    assert.throws(() => describeClusters(table, labels, { minSupport: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minSupport');
    assert.throws(() => describeClusters(table, labels, { nBins: 1 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'nBins');
    assert.throws(() => describeClusters([[1], [2]], [0, NaN]), (e: unknown) => e instanceof DataError && e.argument === 'labels');
  });

  it('a single cluster has no rule and says so', () => {
    const d = describeClusters([[1], [2], [3]], [0, 0, 0]);
    assert.equal(d.clusters[0]!.rules.length, 0);
    assert.match(d.clusters[0]!.text, /no rule \(the only cluster\)/);
  });
});

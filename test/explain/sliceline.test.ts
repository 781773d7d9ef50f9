import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { encodeCategorical, Table } from '../../src/core/table.js';
import { quantileSorted } from '../../src/core/numeric.js';
import { RandomState } from '../../src/core/random.js';
import { DummyClassifier, DummyRegressor } from '../../src/dummy/dummy.js';
import { encodeFeatures, mineErrors, sliceLine, sliceScore } from '../../src/explain/sliceline.js';

// Extracted by scripts/fixtures/explain_sliceline_systemds.py from Apache SystemDS's
// BuiltinSliceLineTest.java (Apache-2.0; source file and commit recorded in the JSON).
const fx = JSON.parse(readFileSync(new URL('../fixtures/explain_sliceline_systemds.json', import.meta.url), 'utf8')) as {
  commit: string;
  cases: { name: string; X: number[][]; e: number[]; k: number; alpha: number; minSup: number; expected: number[][] }[];
};

/** Every conjunction of <= maxLevel predicates over distinct features, scored directly (no pruning). */
function bruteForceTopK(X: number[][], e: number[], alpha: number, minSup: number, k: number, maxLevel: number): number[] {
  const { codes, features } = encodeFeatures(X);
  const n = X.length, d = codes.length;
  const eAvg = e.reduce((a, b) => a + b, 0) / n;
  const scores: number[] = [];
  const rec = (from: number, rows: number[], level: number) => {
    for (let j = from; j < d; j++) {
      for (let v = 0; v < features[j]!.labels.length; v++) {
        const sub = rows.filter((i) => codes[j]![i] === v);
        let se = 0;
        for (const i of sub) se += e[i]!;
        const sc = sliceScore(sub.length, se, eAvg, alpha, n);
        if (sub.length >= minSup && sc > 0) scores.push(sc);
        if (level < maxLevel && sub.length >= minSup) rec(j + 1, sub, level + 1);
      }
    }
  };
  rec(0, Array.from({ length: n }, (_, i) => i), 1);
  return scores.sort((a, b) => b - a).slice(0, k);
}

describe('sliceLine reproduces Apache SystemDS BuiltinSliceLineTest custom inputs 1-3', () => {
  for (const c of fx.cases) {
    it(`${c.name} (alpha ${c.alpha}, minSup ${c.minSup}, k ${c.k}, pruning 'systemds')`, () => {
      const r = sliceLine(c.X, c.e, { alpha: c.alpha, minSupport: c.minSup, k: c.k, pruning: 'systemds' });
      assert.equal(r.slices.length, c.expected.length);
      r.slices.forEach((s, i) => {
        const got = [s.score, s.errorSum, s.maxError, s.size];
        got.forEach((v, t) => assert.ok(Math.abs(v - c.expected[i]![t]!) <= 1e-2, `${c.name} row ${i} col ${t}: ${v} vs ${c.expected[i]![t]}`));
      });
    });
    it(`${c.name}: default (exact) pruning equals brute force over all slices`, () => {
      const r = sliceLine(c.X, c.e, { alpha: c.alpha, minSupport: c.minSup, k: c.k });
      const bf = bruteForceTopK(c.X, c.e, c.alpha, c.minSup, c.k, 4);
      assert.equal(r.slices.length, bf.length);
      r.slices.forEach((s, i) => assert.ok(Math.abs(s.score - bf[i]!) < 1e-12, `rank ${i}: ${s.score} vs ${bf[i]}`));
      // each reported slice's statistics agree with its rows and predicates
      for (const s of r.slices) {
        const rows = c.X.map((_, i) => i).filter((i) => s.predicates.every((p) => c.X[i]![p.feature] === Number(encodeFeatures(c.X).features[p.feature]!.labels[p.value])));
        assert.deepEqual(Array.from(s.rows), rows);
        assert.equal(s.size, rows.length);
        assert.ok(Math.abs(s.errorSum - rows.reduce((a, i) => a + c.e[i]!, 0)) < 1e-12);
        assert.equal(s.maxError, Math.max(...rows.map((i) => c.e[i]!)));
      }
    });
  }
  it("custom input 2: SystemDS's bound (one-hot width 40 > 20 rows) prunes a slice exact search keeps", () => {
    const c = fx.cases[1]!;
    const exact = sliceLine(c.X, c.e, { alpha: 0.95, minSupport: 4, k: 10 });
    assert.equal(exact.slices[3]!.description, 'x1 = 1 AND x4 = 3');
    assert.ok(exact.slices[3]!.score > c.expected[3]![0]!);
  });
});

/** n x d uniform features; errors 0/1 with rate 0.05, 0.8 inside x2 < 0.2 AND x5 >= 0.8. */
function planted(n: number, d: number, seed: number): { X: Matrix; e: Float64Array } {
  const rs = new RandomState(seed);
  const X = new Matrix(rs.rand(n * d), n, d);
  const u = rs.rand(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const inSlice = X.data[i * d + 2]! < 0.2 && X.data[i * d + 5]! >= 0.8;
    e[i] = u[i]! < (inSlice ? 0.8 : 0.05) ? 1 : 0;
  }
  return { X, e };
}

describe('sliceLine on a planted slice (20,000 x 10)', () => {
  const { X, e } = planted(20_000, 10, 7);
  const r = sliceLine(X, e, { alpha: 0.95, minSupport: 100, k: 5, maxLevel: 3, nBins: 5 });
  it('finds the planted slice first', () => {
    const top = r.slices[0]!;
    assert.deepEqual(top.predicates.map((p) => [p.feature, p.value]), [[2, 0], [5, 4]]);
    assert.match(top.description, /^x2 in \[[0-9.e-]+, 0\.(19|20)\d*\) AND x5 in \[0\.(79|80)\d*, 1\]$/);
    let size = 0;
    for (let i = 0; i < 20_000; i++) if (top.rows.includes(i)) size++;
    assert.equal(size, top.size);
    assert.ok(top.errorRate > 0.7 && top.size > 600 && top.size < 1000, `${top.errorRate} ${top.size}`);
  });
  it('pruning evaluates fewer slices than brute force on levels 2 and 3', () => {
    assert.equal(r.levels.length, 3);
    assert.equal(r.levels[1]!.bruteForce, 45 * 25);
    assert.equal(r.levels[2]!.bruteForce, 120 * 125);
    // level 2 with 0/1 errors: the bound cannot prune (a 100-row subset may be all errors); level 3 can
    assert.ok(r.levels[1]!.evaluated <= r.levels[1]!.bruteForce);
    assert.ok(r.levels[2]!.evaluated < r.levels[2]!.bruteForce / 10, `level 3: ${r.levels[2]!.evaluated}`);
    assert.ok(r.evaluated < r.bruteForce);
    for (const l of r.levels) assert.equal(l.generated, l.prunedParents + l.prunedSize + l.prunedScore + l.evaluated);
  });
});

describe('sliceLine edge cases', () => {
  it('no errors: no slice; missing values match no predicate', () => {
    const X = [[1, 2], [1, 3], [2, 2], [2, 3], [NaN, 2]];
    assert.deepEqual(sliceLine(X, [0, 0, 0, 0, 0], { minSupport: 1 }).slices, []);
    const r = sliceLine(X, [1, 0, 0, 0, 1], { minSupport: 1, k: 20 });
    assert.ok(r.slices.every((s) => !s.rows.includes(4) || s.predicates.every((p) => p.feature === 1)));
    assert.equal(r.features[0]!.labels.length, 2);
  });
});

describe('sliceLine binning and categorical tables', () => {
  it('a Table: categorical columns by label, numeric ones binned, names from the table', () => {
    const n = 400;
    const colors = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue', 'grey'][i % 4]!);
    const size = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
    const t = new Table([encodeCategorical('color', colors), { kind: 'numeric', name: 'size', values: size }]);
    const e = Float64Array.from({ length: n }, (_, i) => (colors[i] === 'blue' && size[i]! >= 50 ? 1 : i % 10 === 0 ? 1 : 0));
    const r = sliceLine(t, e, { alpha: 0.95, minSupport: 10, k: 3, nBins: 2 });
    assert.equal(r.features[0]!.kind, 'categorical');
    assert.equal(r.features[1]!.kind, 'binned');
    assert.match(r.slices[0]!.description, /^color = blue AND size in \[50, 100\]$/);
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => colors[i] === 'blue' && size[i]! >= 50);
    assert.deepEqual(Array.from(r.slices[0]!.rows), rows);
  });

  it('quantile and uniform edges', () => {
    const X = Array.from({ length: 100 }, (_, i) => [i * i]);
    const q = encodeFeatures(X, { nBins: 4 });
    assert.equal(q.features[0]!.kind, 'binned');
    // numpy's linear quantile at 99 * b / 4 of i^2: 24^2 + 0.75 * 49, 49^2 + 0.5 * 99, 74^2 + 0.25 * 149
    assert.deepEqual(Array.from(q.features[0]!.edges!), [0, 612.75, 2450.5, 5513.25, 9801]);
    const counts = [0, 0, 0, 0];
    for (const c of q.codes[0]!) counts[c]!++;
    assert.deepEqual(counts, [25, 25, 25, 25]);
    const rnd = Array.from(new RandomState(5).rand(997) as Float64Array, (v) => [v]);
    const sorted = rnd.map((r) => r[0]!).sort((a, b) => a - b);
    const e7 = encodeFeatures(rnd, { nBins: 7 }).features[0]!.edges!;
    assert.deepEqual(Array.from(e7), Array.from({ length: 8 }, (_, b) => quantileSorted(sorted, b / 7)));
    const u = encodeFeatures(X, { nBins: 4, binning: 'uniform' });
    assert.deepEqual(Array.from(u.features[0]!.edges!), [0, 2450.25, 4900.5, 7350.75, 9801]);
  });
});

describe('mineErrors', () => {
  const rs = new RandomState(3);
  const n = 2000;
  const X = new Matrix(rs.rand(n * 4), n, 4);
  const y = Array.from({ length: n }, (_, i) => (X.data[i * 4 + 1]! > 0.75 && X.data[i * 4 + 3]! < 0.25 ? 'b' : 'a'));
  it('0/1 errors of a classifier: the slice where it fails', () => {
    const clf = new DummyClassifier({ strategy: 'most_frequent' }).fit(X, y);
    const r = mineErrors(clf, X, y, { alpha: 0.95, minSupport: 20, k: 3, nBins: 4, featureNames: ['a', 'b', 'c', 'd'] });
    assert.equal(r.loss, '0/1');
    assert.deepEqual(Array.from(r.errors), y.map((v) => (v === 'a' ? 0 : 1)));
    assert.match(r.slices[0]!.description, /^b in \[0\.7\d+, \d\.\d+\] AND d in \[\d\.\d+(e-\d+)?, 0\.2\d+\)$/);
    assert.equal(r.slices[0]!.errorRate, 1);
  });
  it('logLoss and squared errors per row', () => {
    const clf = new DummyClassifier({ strategy: 'prior' }).fit(X, y);
    const r = mineErrors(clf, X, y, { loss: 'logLoss', minSupport: 20, k: 2 });
    const pb = y.filter((v) => v === 'b').length / n;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(r.errors[i]! - -Math.log(y[i] === 'b' ? pb : 1 - pb)) < 1e-12);
    const t = Array.from({ length: n }, (_, i) => X.data[i * 4]!);
    const reg = new DummyRegressor().fit(X, t);
    const mean = t.reduce((a, b) => a + b, 0) / n;
    const r2 = mineErrors(reg, X, t, { minSupport: 20, k: 2 });
    assert.equal(r2.loss, 'squared');
    for (let i = 0; i < n; i++) assert.ok(Math.abs(r2.errors[i]! - (t[i]! - mean) ** 2) < 1e-12);
  });
  it('bad input: typed errors naming the argument', () => {
    const e = new Float64Array(n);
    assert.throws(() => sliceLine(X, e, { alpha: 0 }), (err: unknown) => err instanceof InvalidParameterError && err.param === 'alpha');
    assert.throws(() => sliceLine(X, e, { alpha: 1.5 }), (err: unknown) => err instanceof InvalidParameterError && err.param === 'alpha');
    assert.throws(() => sliceLine(X, e, { minSupport: 0 }), (err: unknown) => err instanceof InvalidParameterError && err.param === 'minSupport');
    assert.throws(() => sliceLine(X, e, { minSupport: -3 }), (err: unknown) => err instanceof InvalidParameterError && err.param === 'minSupport');
    assert.throws(() => sliceLine(X, e, { k: 0 }), (err: unknown) => err instanceof InvalidParameterError && err.param === 'k');
    assert.throws(() => sliceLine(X, e.subarray(1)), (err: unknown) => err instanceof ShapeError && err.argument === 'errors');
    assert.throws(() => sliceLine(X, new Float64Array(n).fill(NaN)), (err: unknown) => err instanceof DataError && err.argument === 'errors');
    assert.throws(() => mineErrors(new DummyClassifier(), X, y), NotFittedError);
    assert.throws(() => mineErrors(new DummyClassifier().fit(X, y), X, y.slice(1)), (err: unknown) => err instanceof ShapeError && err.argument === 'y');
    assert.throws(() => mineErrors(new DummyClassifier().fit(X, y), X, y, { alpha: -1 }), (err: unknown) => err instanceof InvalidParameterError && err.param === 'alpha');
  });
});

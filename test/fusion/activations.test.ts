import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError, NotFittedError } from '../../src/core/errors.js';
import { loadDataset } from '../../src/datasets/load.js';
import { layerOutput, mineActivations } from '../../src/fusion/activations.js';
import { Dense } from '../../src/nn/layers.js';
import { MLPClassifier } from '../../src/nn/mlp.js';
import { Sequential } from '../../src/nn/sequential.js';
import { StandardScaler } from '../../src/preprocessing/index.js';

const iris = loadDataset('iris');
const X = new StandardScaler().fitTransform(iris.X);
const names = ['sepal length', 'sepal width', 'petal length', 'petal width'];
const net = new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 60, randomState: 0 }).fit(X, Array.from(iris.y));

/** All unit subsets of size minLen..maxLen with their direct counts (no FP-Growth). */
function directCounts(A: Float64Array, n: number, u: number, thr: number, minLen: number, maxLen: number): Map<string, number> {
  const out = new Map<string, number>();
  const rec = (from: number, units: number[]) => {
    if (units.length >= minLen) {
      let c = 0;
      for (let i = 0; i < n; i++) if (units.every((j) => A[i * u + j]! > thr)) c++;
      out.set(units.join(','), c);
    }
    if (units.length < maxLen) for (let j = from; j < u; j++) rec(j + 1, [...units, j]);
  };
  rec(0, []);
  return out;
}

describe('mineActivations (MLPClassifier on iris, hidden ReLU layer)', () => {
  const res = mineActivations(net, X, { minSupport: 0.2, maxLen: 3, topK: 1000, featureNames: names });
  const A = layerOutput(net, X, 0);
  const n = A.rows, u = A.cols;
  const direct = directCounts(A.data, n, u, 0, 2, 3);

  it('pattern supports equal a direct count, and every frequent pattern is found', () => {
    assert.equal(res.layer, 0);
    for (const p of res.patterns) {
      assert.equal(p.count, direct.get(p.units.join(',')), `units ${p.units}`);
      assert.equal(p.support, p.count / n);
    }
    const frequent = [...direct].filter(([, c]) => c / n >= 0.2).map(([k]) => k).sort();
    assert.deepEqual(res.patterns.map((p) => p.units.join(',')).sort(), frequent);
    assert.ok(res.patterns.length > 0);
    for (let j = 0; j < u; j++) {
      let c = 0;
      for (let i = 0; i < n; i++) if (A.data[i * u + j]! > 0) c++;
      assert.equal(res.activeRate[j], c / n);
    }
  });

  it('each rule: support, precision and recall equal a direct count of its conditions', () => {
    for (const p of res.patterns) {
      if (!p.rule) { assert.equal(p.count, n); continue; }
      let cover = 0, tp = 0;
      for (let i = 0; i < n; i++) {
        const row = X.row(i);
        const ok = p.rule.conditions.every((c) => (c.op === '<=' ? Math.fround(row[c.feature]!) <= c.threshold : Math.fround(row[c.feature]!) > c.threshold));
        const act = p.units.every((j) => A.data[i * u + j]! > 0);
        if (ok) { cover++; if (act) tp++; }
      }
      assert.equal(p.rule.support, cover / n);
      assert.equal(p.rule.precision, tp / cover);
      assert.equal(p.rule.recall, tp / p.count);
      assert.ok(p.rule.conditions.length <= 2);
      assert.match(p.rule.text, /^(sepal|petal) (length|width) (<=|>) -?\d+\.\d\d/);
      assert.ok(p.treeAccuracy >= 0.5 && p.treeAccuracy <= 1);
    }
  });

  it("threshold 'mean', a Sequential directly, maxLen and minSupport", () => {
    const seq = net.network;
    const r = mineActivations(seq, X, { layer: 0, threshold: 'mean', minSupport: 0.3, minLen: 1, maxLen: 1 });
    const A2 = seq.predictUpTo(X, 1);
    for (const p of r.patterns) {
      assert.equal(p.units.length, 1);
      const j = p.units[0]!;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += A2.data[i * u + j]!;
      mean /= n;
      assert.ok(Math.abs(r.thresholds[j]! - mean) < 1e-12);
      let c = 0;
      for (let i = 0; i < n; i++) if (A2.data[i * u + j]! > r.thresholds[j]!) c++;
      assert.equal(p.count, c);
      assert.ok(c / n >= 0.3);
    }
  });

  it('bad input: typed errors naming the argument', () => {
    assert.throws(() => mineActivations(new MLPClassifier(), X), NotFittedError);
    assert.throws(() => mineActivations(new Sequential([new Dense(3), new Dense(1)]), X), NotFittedError);
    assert.throws(() => mineActivations(net, X, { minSupport: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minSupport');
    assert.throws(() => mineActivations(net, X, { minSupport: -0.5 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minSupport');
    assert.throws(() => mineActivations(net, X, { layer: 5 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'layer');
    assert.throws(() => mineActivations(net, X, { minLen: 3, maxLen: 2 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'maxLen');
    assert.throws(() => mineActivations({} as never, X), (e: unknown) => e instanceof InvalidParameterError && e.param === 'net');
    assert.throws(() => mineActivations(net, [[1, 2, 3]]), (e: unknown) => e instanceof Error && /X/.test(e.message));
  });
});

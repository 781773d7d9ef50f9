import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/core/estimator.js';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { loadDataset } from '../../src/datasets/load.js';
import { extractRules, SurrogateTree, synthesizeMixup } from '../../src/explain/surrogate.js';
import { r2Score } from '../../src/metrics/regression.js';
import { RandomForestClassifier, RandomForestRegressor } from '../../src/tree/forest.js';
import { RandomState } from '../../src/core/random.js';
import { Dense } from '../../src/nn/layers.js';
import { Sequential } from '../../src/nn/sequential.js';
import { checkEstimator } from '../helpers/conformance.js';

const iris = loadDataset('iris');
const names = ['sepal length', 'sepal width', 'petal length', 'petal width'];
const yIris = Array.from(iris.y, (v) => iris.targetNames![v]!);
const forest = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, randomState: 0 }).fit(iris.X, yIris);

describe('SurrogateTree of a classifier (iris, random forest)', () => {
  const sur = new SurrogateTree({ model: forest, maxLeafNodes: 5, featureNames: names, randomState: 0 }).fit(iris.X, yIris);
  const n = iris.X.rows;
  const rows = Array.from({ length: n }, (_, i) => Array.from(iris.X.row(i)));
  const modelPred = forest.predict(iris.X);
  const treePred = sur.predict(iris.X) as string[];

  it('fidelity equals a hand count of agreeing rows', () => {
    let agree = 0;
    for (let i = 0; i < n; i++) if (treePred[i] === modelPred[i]) agree++;
    assert.equal(sur.fidelity(iris.X), agree / n);
    assert.equal(sur.trainFidelity, agree / n);
    assert.ok(agree / n > 0.9);
  });

  it('the rules partition the data: coverages sum to n, every row matches exactly one rule', () => {
    const rules = sur.rules;
    assert.equal(rules.length, sur.tree.getNLeaves());
    assert.equal(rules.reduce((s, r) => s + r.support, 0), n);
    assert.ok(Math.abs(rules.reduce((s, r) => s + r.coverage, 0) - 1) < 1e-12);
    const applied = sur.applyRules(iris.X);
    for (let i = 0; i < n; i++) {
      const hits = rules.map((r, q) => (r.matches(rows[i]!) ? q : -1)).filter((q) => q >= 0);
      assert.equal(hits.length, 1, `row ${i} matches ${hits.length} rules`);
      assert.equal(hits[0], applied[i]);
      assert.equal(rules[hits[0]!]!.prediction, treePred[i]);
    }
  });

  it('per-rule coverage, precision and fidelity equal hand counts', () => {
    for (const r of sur.rules) {
      const inside = rows.map((_, i) => i).filter((i) => r.matches(rows[i]!));
      assert.equal(r.support, inside.length);
      assert.equal(r.coverage, inside.length / n);
      assert.equal(r.fidelity, inside.filter((i) => modelPred[i] === r.prediction).length / inside.length);
      assert.equal(r.precision, inside.filter((i) => yIris[i] === r.prediction).length / inside.length);
      assert.match(r.text, /^(TRUE|.+ (<=|>) \d+\.\d\d( AND .+ (<=|>) \d+\.\d\d)*) => (setosa|versicolor|virginica) \(coverage \d+%, precision \d\.\d\d, fidelity \d\.\d\d\)$/);
    }
    assert.match(sur.toText(), /petal (length|width) <= \d\.\d\d => setosa \(coverage 33%, precision 1\.00, fidelity 1\.00\)/);
  });

  it('evaluateRules on other rows; without labels no precision', () => {
    const r = sur.evaluateRules(iris.X.takeRows([0, 1, 2, 60, 120]));
    assert.equal(r.reduce((s, x) => s + x.support, 0), 5);
    assert.ok(r.every((x) => x.precision === null && !/precision/.test(x.text)));
  });

  it('extractRules is the one-call form', () => {
    const out = extractRules(forest, iris.X, { maxLeafNodes: 5, featureNames: names, randomState: 0, y: yIris });
    assert.equal(out.fidelity, sur.trainFidelity);
    assert.deepEqual(out.rules.map(String), sur.rules.map(String));
    assert.equal(out.tree.getNLeaves(), 5);
  });

  it('nSynthetic: extra rows labelled by the model feed the tree, rule statistics stay on X', () => {
    const a = new SurrogateTree({ model: forest, maxLeafNodes: 6, featureNames: names, nSynthetic: 300, syntheticNoise: 0.2, randomState: 1 }).fit(iris.X, yIris);
    const b = new SurrogateTree({ model: forest, maxLeafNodes: 6, featureNames: names, nSynthetic: 300, syntheticNoise: 0.2, randomState: 1 }).fit(iris.X, yIris);
    assert.deepEqual(a.rules.map(String), b.rules.map(String));
    assert.equal(a.tree.tree.nNodeSamples[0], n + 300);
    assert.equal(a.rules.reduce((s, r) => s + r.support, 0), n);
    const tp = a.predict(iris.X) as string[];
    assert.equal(a.trainFidelity, tp.filter((p, i) => p === modelPred[i]).length / n);
  });

  it("targets 'proba': each leaf predicts the class with the largest summed model probability of its rows", () => {
    const sp = new SurrogateTree({ model: forest, maxLeafNodes: 4, featureNames: names, targets: 'proba', randomState: 0 }).fit(iris.X, yIris);
    const P = forest.predictProba(iris.X);
    const classes = forest.classes as string[];
    const leafOf = sp.applyRules(iris.X);
    const rules = sp.rules;
    assert.equal(rules.reduce((s, r) => s + r.support, 0), n);
    rules.forEach((r, q) => {
      const mass = classes.map(() => 0);
      for (let i = 0; i < n; i++) if (leafOf[i] === q) for (let k = 0; k < classes.length; k++) mass[k]! += P.data[i * classes.length + k]!;
      assert.equal(r.prediction, classes[mass.indexOf(Math.max(...mass))], `rule ${q}`);
    });
    // the tree was grown on n x classes weighted rows (zero probabilities dropped), weights summing to n
    let positive = 0;
    for (const v of P.data) if (v > 0) positive++;
    assert.equal(sp.tree.tree.nNodeSamples[0], positive);
    assert.ok(Math.abs(sp.tree.tree.weightedNNodeSamples[0]! - n) < 1e-9);
    assert.throws(() => new SurrogateTree({ model: { predict: (X: unknown) => forest.predict(X as never) }, targets: 'proba' }).fit(iris.X), (e: unknown) => e instanceof InvalidParameterError && e.param === 'targets');
  });

  it("synthetic 'mixup': every extra row lies on a segment between two rows the model puts in different classes", () => {
    const X = iris.X.takeRows(Array.from({ length: 30 }, (_, i) => i * 5));
    const out = forest.predict(X);
    const rs = new RandomState(4);
    const S = synthesizeMixup(X, out, 25, rs);
    assert.equal(S.rows, 55);
    assert.deepEqual(Array.from(S.data.subarray(0, 30 * 4)), Array.from(X.data));
    const d = 4;
    for (let r = 30; r < 55; r++) {
      let found = false;
      for (let i = 0; i < 30 && !found; i++) for (let j = 0; j < 30 && !found; j++) {
        if (out[i] === out[j]) continue;
        // x_r = x_i + u (x_j - x_i) for one u in [0, 1] on every column
        let u = NaN, ok = true;
        for (let c = 0; c < d && ok; c++) {
          const a = X.data[i * d + c]!, b = X.data[j * d + c]!, v = S.data[r * d + c]!;
          if (b === a) { ok = Math.abs(v - a) < 1e-12; continue; }
          const uc = (v - a) / (b - a);
          if (u !== u) u = uc;
          ok = uc >= -1e-12 && uc <= 1 + 1e-12 && Math.abs(uc - u) < 1e-9;
        }
        found = ok;
      }
      assert.ok(found, `synthetic row ${r} is not between two rows of different predicted classes`);
    }
    const a = new SurrogateTree({ model: forest, maxLeafNodes: 6, nSynthetic: 200, synthetic: 'mixup', targets: 'proba', randomState: 2 }).fit(iris.X, yIris);
    const b = new SurrogateTree({ model: forest, maxLeafNodes: 6, nSynthetic: 200, synthetic: 'mixup', targets: 'proba', randomState: 2 }).fit(iris.X, yIris);
    assert.deepEqual(a.rules.map(String), b.rules.map(String));
    assert.equal(a.rules.reduce((s, r) => s + r.support, 0), n);
  });

  it('saved with its model: loadModel gives the same rules and fidelity', () => {
    const again = loadModel<SurrogateTree>(JSON.parse(JSON.stringify(sur.toJSON())));
    assert.deepEqual(again.rules.map(String), sur.rules.map(String));
    assert.equal(again.fidelity(iris.X), sur.fidelity(iris.X));
  });
});

describe('SurrogateTree of a regressor (diabetes, random forest)', () => {
  const ds = loadDataset('diabetes');
  const rf = new RandomForestRegressor({ nEstimators: 10, maxDepth: 5, randomState: 0 }).fit(ds.X, ds.y);
  const sur = new SurrogateTree({ model: rf, maxDepth: 3, maxLeafNodes: null, randomState: 0 }).fit(ds.X, ds.y);
  it('fidelity is R^2 of the tree against the model outputs', () => {
    assert.equal(sur.task, 'regression');
    const want = r2Score(rf.predict(ds.X), sur.predict(ds.X) as Float64Array);
    assert.ok(Math.abs(sur.fidelity(ds.X) - want) < 1e-12, `${sur.fidelity(ds.X)} vs ${want}`);
    assert.equal(sur.rules.length, 8);
    assert.equal(sur.rules.reduce((s, r) => s + r.support, 0), ds.X.rows);
    assert.match(sur.rules[0]!.text, /=> \d+\.\d\d \(coverage \d+%, precision -?\d\.\d\d, fidelity -?\d\.\d\d\)$/);
  });
});

describe('SurrogateTree of a Sequential (one output column = regression)', () => {
  it('fits on the net outputs; fidelity is R^2 against them', () => {
    const net = new Sequential([new Dense(6, { activation: 'tanh' }), new Dense(1)]).build(4, new RandomState(0));
    const sur = new SurrogateTree({ model: net, maxLeafNodes: 6, randomState: 0 }).fit(iris.X);
    assert.equal(sur.task, 'regression');
    const f = net.predict(iris.X).data;
    assert.ok(Math.abs(sur.fidelity(iris.X) - r2Score(f, sur.predict(iris.X) as Float64Array)) < 1e-12);
    const twoOut = new Sequential([new Dense(2)]).build(4, new RandomState(0));
    assert.throws(() => new SurrogateTree({ model: twoOut }).fit(iris.X), (e: unknown) => e instanceof DataError && e.argument === 'model');
  });
});

describe('SurrogateTree bad input', () => {
  it('typed errors naming the argument', () => {
    const unfitted = new RandomForestClassifier();
    assert.throws(() => new SurrogateTree({ model: unfitted }).fit(iris.X), NotFittedError);
    assert.throws(() => extractRules(unfitted, iris.X), NotFittedError);
    assert.throws(() => new SurrogateTree().fit(iris.X), (e: unknown) => e instanceof InvalidParameterError && e.param === 'model');
    assert.throws(() => new SurrogateTree({ model: 3 as never }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'model');
    assert.throws(() => new SurrogateTree({ model: forest }).fit(iris.X, yIris.slice(1)), (e: unknown) => e instanceof ShapeError && e.argument === 'y');
    const sur = new SurrogateTree({ model: forest }).fit(iris.X);
    assert.throws(() => sur.fidelity([[1, 2, 3]]), (e: unknown) => e instanceof ShapeError && e.argument === 'X');
    assert.throws(() => new SurrogateTree({ model: forest, maxLeafNodes: 1 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'maxLeafNodes');
    assert.throws(() => new SurrogateTree({ model: { predict: () => [1] } }).fit(iris.X), (e: unknown) => e instanceof DataError && e.argument === 'model');
    const plain = new SurrogateTree({ model: { predict: (X: unknown) => forest.predict(X as never) } }).fit(iris.X);
    assert.ok(plain.fidelity(iris.X) > 0.9);
    assert.throws(() => plain.toJSON(), (e: unknown) => e instanceof DataError && e.argument === 'model');
  });
});

checkEstimator('SurrogateTree', {
  make: (p = {}) => new SurrogateTree({ model: forest, maxLeafNodes: 4, ...p }),
  X: Array.from({ length: 30 }, (_, i) => Array.from(iris.X.row(i * 5))),
});

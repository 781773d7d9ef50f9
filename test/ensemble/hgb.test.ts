import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, InvalidParameterError } from '../../src/core/errors.js';
import { loadModel } from '../../src/core/estimator.js';
import { Matrix } from '../../src/core/matrix.js';
import { Table } from '../../src/core/table.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor, type HgbTree } from '../../src/ensemble/index.js';
import { fitBinMapper } from '../../src/ensemble/binning.js';
import { shapValues } from '../../src/explain/shap.js';
import { GridSearchCV, Pipeline, StandardScaler } from '../../src/index.js';
import { caseData, fx, ramp, synthX, type CaseFx, type TreeFx } from './hgbFixture.js';

type AnyHgb = HistGradientBoostingRegressor | HistGradientBoostingClassifier;

function fitCase(c: CaseFx): { est: AnyHgb; X: Matrix } {
  const { X, y } = caseData(c);
  const params = { ...c.params } as Record<string, unknown>;
  const est = c.kind === 'reg' ? new HistGradientBoostingRegressor(params) : new HistGradientBoostingClassifier(params);
  est.fit(X, y, c.sampleWeight ? ramp(y.length) : null);
  return { est, X };
}

function closeRel(got: ArrayLike<number>, exp: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, exp.length, `${what}: length`);
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i]!;
    const g = got[i]!;
    assert.ok(Math.abs(g - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${g} vs ${e}`);
  }
}

function sameTree(t: HgbTree, f: TreeFx, what: string): void {
  assert.equal(t.nodeCount, f.feature.length, `${what}: node count`);
  for (let i = 0; i < t.nodeCount; i++) {
    assert.equal(t.isLeaf[i], f.isLeaf[i], `${what}: isLeaf[${i}]`);
    assert.equal(t.count[i], f.count[i], `${what}: count[${i}]`);
    assert.ok(Math.abs(t.value[i]! - f.value[i]!) <= 1e-5 * Math.max(1, Math.abs(f.value[i]!)), `${what}: value[${i}] ${t.value[i]} vs ${f.value[i]}`);
    if (f.isLeaf[i]) continue;
    assert.equal(t.feature[i], f.feature[i], `${what}: feature[${i}]`);
    assert.equal(t.left[i], f.left[i], `${what}: left[${i}]`);
    assert.equal(t.right[i], f.right[i], `${what}: right[${i}]`);
    assert.equal(t.missingGoToLeft[i], f.missingGoToLeft[i], `${what}: missingGoToLeft[${i}]`);
    if (!t.isCategorical[i]) {
      assert.equal(t.binThreshold[i], f.binThreshold[i], `${what}: binThreshold[${i}]`);
      assert.equal(t.threshold[i], f.threshold[i] === 'inf' ? Infinity : f.threshold[i], `${what}: threshold[${i}]`);
    }
  }
}

describe(`HistGradientBoosting parity with scikit-learn ${fx.sklearn}`, () => {
  for (const c of fx.cases) {
    const label = `${c.kind} ${c.data} ${JSON.stringify(c.params)}${c.sampleWeight ? ' sampleWeight' : ''}`;
    it(label, () => {
      const { est, X } = fitCase(c);
      // bin thresholds identical
      const thr = est.binThresholds;
      assert.equal(thr.length, c.thresholds.length);
      c.thresholds.forEach((t, j) => assert.deepEqual(Array.from(thr[j]!), t, `thresholds of feature ${j}`));
      assert.equal(est.nIter, c.nIter, 'nIter');
      closeRel(est.baseline, c.baseline, 1e-12, 'baseline');
      // the same trees (features, thresholds, leaf values)
      c.trees.forEach((per, it) => per.forEach((f, k) => sameTree(est.trees[it * per.length + k]!, f, `tree ${it}/${k}`)));
      const Xk = X.takeRows(Array.from({ length: Math.min(1000, X.rows) }, (_, i) => i));
      if (est instanceof HistGradientBoostingRegressor) {
        closeRel(est.predict(Xk), c.pred, 1e-5, 'predict');
        const staged = [...est.stagedPredict(Xk)];
        assert.equal(staged.length, c.nIter);
        closeRel(staged[Math.min(4, staged.length - 1)]!, c.staged5!, 1e-5, 'stagedPredict[4]');
      } else {
        const dec = est.decisionFunction(Xk);
        closeRel(dec instanceof Matrix ? dec.data : dec, c.decision!, 1e-5, 'decisionFunction');
        closeRel(est.predictProba(Xk).data, c.proba!, 1e-5, 'predictProba');
        assert.deepEqual(est.predict(Xk), c.pred);
        const staged = [...est.stagedDecisionFunction(Xk)];
        const s5 = staged[Math.min(4, staged.length - 1)]!;
        closeRel(s5 instanceof Matrix ? s5.data : s5, c.stagedDecision5!, 1e-5, 'stagedDecisionFunction[4]');
      }
      closeRel(est.trainScore, c.trainScore, 1e-6, 'trainScore');
      closeRel(est.validationScore, c.validationScore, 1e-6, 'validationScore');
    });
  }

  it('binning of a subsampled set (n > 200,000, seeded choice) equals _BinMapper', () => {
    const b = fx.binning[0]!;
    const X = synthX(b.n, b.d, b.seed, b.nanFrac);
    const s = fitBinMapper(X, b.nBins, { randomState: b.randomState });
    b.thresholds.forEach((t, j) => assert.deepEqual(Array.from(s.thresholds[j]!), t, `feature ${j}`));
  });
});

describe('HistGradientBoosting behaviour', () => {
  const c = fx.cases.find((q) => q.data === 'mixed' && q.kind === 'clf')!;
  const { X, y } = caseData(c);

  it('save/load through toJSON/loadModel predicts the same; malformed trees are refused', () => {
    const est = new HistGradientBoostingClassifier({ maxIter: 5, categoricalFeatures: [4, 5], randomState: 0 }).fit(X, y);
    const json = JSON.parse(JSON.stringify(est.toJSON()));
    const back = loadModel<HistGradientBoostingClassifier>(json);
    assert.deepEqual(back.predictProba(X).data, est.predictProba(X).data);
    const reg = new HistGradientBoostingRegressor({ maxIter: 3 }).fit(X, caseData(fx.cases.find((q) => q.data === 'mixed')!).y);
    const saved = JSON.parse(JSON.stringify(reg.toJSON()));
    const back2 = loadModel<HistGradientBoostingRegressor>(saved);
    assert.deepEqual(back2.predict(X), reg.predict(X));
    // a node pointing back to an ancestor (a cycle) is refused at load
    const state = (reg as unknown as { _state: { trees: HgbTree[] } })._state;
    const t0 = state.trees[0]!;
    const inner = Array.from(t0.isLeaf).findIndex((l, i) => i > 0 && !l);
    assert.ok(inner > 0);
    const keep = t0.left[inner]!;
    t0.left[inner] = 0;
    assert.throws(() => loadModel(JSON.parse(JSON.stringify(reg.toJSON()))), DataError);
    t0.left[inner] = keep;
  });

  it('warmStart adds iterations to the same model', () => {
    const a = new HistGradientBoostingClassifier({ maxIter: 10, categoricalFeatures: [4, 5], randomState: 0 }).fit(X, y);
    const w = new HistGradientBoostingClassifier({ maxIter: 5, categoricalFeatures: [4, 5], randomState: 0, warmStart: true }).fit(X, y);
    assert.equal(w.nIter, 5);
    w.setParams({ maxIter: 10 });
    assert.ok(w.isFitted, 'setParams keeps the trees when warmStart is true');
    w.fit(X, y);
    assert.equal(w.nIter, 10);
    assert.deepEqual((w.decisionFunction(X) as Float64Array), a.decisionFunction(X));
  });

  it('bad input: typed errors naming the argument', () => {
    assert.throws(() => new HistGradientBoostingRegressor({ maxBins: 256 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'maxBins');
    assert.throws(() => new HistGradientBoostingClassifier({ learningRate: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'learningRate');
    assert.throws(() => new HistGradientBoostingRegressor({ learningRate: -1 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'learningRate');
    assert.throws(() => new HistGradientBoostingRegressor().fit([[1, 'a' as unknown as number], [2, 'b' as unknown as number]], [1, 2]), (e: unknown) => e instanceof DataError && e.argument === 'X');
    const est = new HistGradientBoostingClassifier({ maxIter: 2, categoricalFeatures: [4, 5] }).fit(X, y);
    const row = Array.from(X.row(0));
    row[4] = 99;
    assert.throws(() => est.predict([row]), (e: unknown) => e instanceof DataError && e.argument === 'X' && /unknown category 99/.test(e.message));
    assert.throws(() => new HistGradientBoostingRegressor({ categoricalFeatures: [0] }).fit([[0.5], [1]], [1, 2]), (e: unknown) => e instanceof DataError && e.argument === 'X');
    assert.throws(() => new HistGradientBoostingRegressor({ loss: 'poisson' }).fit([[0], [1]], [-1, 2]), (e: unknown) => e instanceof DataError && e.argument === 'y');
    const table = Table.fromColumns({ a: [1, 2, 3], b: ['x', 'y', 'x'] });
    assert.throws(() => new HistGradientBoostingRegressor().fit(table, [1, 2, 3]), (e: unknown) => e instanceof DataError && e.argument === 'X' && /"b"/.test(e.message));
    assert.throws(() => new HistGradientBoostingRegressor({ monotonicCst: [1, 0] }).fit([[0], [1]], [1, 2]), (e: unknown) => e instanceof InvalidParameterError && e.param === 'monotonicCst');
  });
});

describe('HistGradientBoosting x TreeSHAP (explain/treeShap through treeEnsembleView)', () => {
  it('SHAP values add up to the raw scores (regressor, binary and multiclass classifier)', () => {
    for (const c of [fx.cases[0]!, fx.cases.find((q) => q.data === 'breast_cancer')!, fx.cases.find((q) => q.data === 'iris')!]) {
      const { X, y } = caseData(c);
      const est = c.kind === 'reg' ? new HistGradientBoostingRegressor({ maxIter: 10 }).fit(X, y) : new HistGradientBoostingClassifier({ maxIter: 10 }).fit(X, y);
      const Xs = X.takeRows([0, 1, 2, 50, 120]);
      const r = shapValues(est, Xs);
      const raw = est instanceof HistGradientBoostingRegressor ? est.predict(Xs) : est.decisionFunction(Xs);
      const K = est.nTreesPerIteration;
      const rawAt = (i: number, k: number) => (raw instanceof Matrix ? raw.get(i, k) : raw[i]!);
      for (let i = 0; i < Xs.rows; i++) {
        for (let k = 0; k < K; k++) {
          let sum = r.expectedValue[k]!;
          for (let j = 0; j < Xs.cols; j++) sum += r.values[k]!.get(i, j);
          assert.ok(Math.abs(sum - rawAt(i, k)) < 1e-9 * Math.max(1, Math.abs(rawAt(i, k))), `${c.data} row ${i} output ${k}: ${sum} vs ${rawAt(i, k)}`);
        }
      }
    }
  });
});

describe('HistGradientBoosting in model selection', () => {
  it('GridSearchCV and Pipeline accept it', () => {
    const c = fx.cases.find((q) => q.data === 'breast_cancer')!;
    const { X, y } = caseData(c);
    const gs = new GridSearchCV({ estimator: new HistGradientBoostingClassifier({ maxIter: 5 }), paramGrid: { learningRate: [0.1, 0.5] }, cv: 3 }).fit(X, y);
    assert.ok([0.1, 0.5].includes(gs.bestParams.learningRate as number));
    const pipe = new Pipeline({ steps: [['s', new StandardScaler()], ['m', new HistGradientBoostingClassifier({ maxIter: 5 })]] }).fit(X, y);
    assert.ok((pipe.score(X, y) as number) > 0.9);
  });
});

/**
 * Issue 14, item 2: deep-copied, deeply frozen params; nested estimators in the schema with
 * generic `a__b` routing, deep getParams, deep with/clone and one revival path; loadModel warns
 * on a version mismatch. GridSearchCV over RFE equals scikit-learn 1.2.1
 * (scripts/fixtures/core_nested.py -> test/fixtures/core_nested.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/core/errors.js';
import { loadModel } from '../../src/core/estimator.js';
import { catchWarnings } from '../../src/core/warnings.js';
import { loadDataset } from '../../src/datasets/load.js';
import { RFE } from '../../src/featureSelection/selectors.js';
import { GridSearchCV } from '../../src/modelSelection/search.js';
import { StratifiedKFold } from '../../src/modelSelection/splitters.js';
import { MLPClassifier } from '../../src/nn/mlp.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { ColumnTransformer } from '../../src/pipeline/columnTransformer.js';
import { MinMaxScaler } from '../../src/preprocessing/scalers.js';
import { StandardScaler } from '../../src/preprocessing/standardScaler.js';
import { DecisionTreeClassifier } from '../../src/tree/cart.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/core_nested.json', import.meta.url), 'utf8'));
const camel = (k: string) => k.split('__').map((p) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).join('__');
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

describe('params are deep copies, deeply frozen', () => {
  it('MinMaxScaler featureRange: changing the caller array does not change the estimator', () => {
    const fr: [number, number] = [0, 1];
    const s = new MinMaxScaler({ featureRange: fr });
    fr[0] = 5;
    assert.deepEqual([...s.params.featureRange], [0, 1]);
    assert.throws(() => { (s.params.featureRange as number[])[0] = 7; }, TypeError);
    assert.deepEqual(Array.from(s.fit([[0], [2]]).transform([[1]]).data), [0.5]);
  });

  it('MLPClassifier hiddenLayerSizes likewise; getParams is a copy of frozen values', () => {
    const h = [4, 3];
    const m = new MLPClassifier({ hiddenLayerSizes: h });
    h.push(9);
    assert.deepEqual([...m.params.hiddenLayerSizes], [4, 3]);
    assert.ok(Object.isFrozen(m.params.hiddenLayerSizes));
    assert.ok(Object.isFrozen(m.getParams().hiddenLayerSizes));
  });

  it('step lists are frozen but keep the caller estimators (fit clones them)', () => {
    const sc = new StandardScaler();
    const steps: [string, StandardScaler][] = [['s', sc]];
    const pipe = new Pipeline(steps);
    steps.push(['t', new StandardScaler()]);
    assert.equal(pipe.params.steps.length, 1);
    assert.equal(pipe.params.steps[0]![1], sc);
    pipe.fit([[1], [2]]);
    assert.equal(sc.isFitted, false);
  });
});

describe('nested estimators: routing, deep getParams, deep clone', () => {
  it('RFE.with / clone do not share the inner estimator (was shared)', () => {
    const rfe = new RFE(new DecisionTreeClassifier({ maxDepth: 2 }));
    const c = rfe.with({});
    assert.notEqual(c.params.estimator, rfe.params.estimator);
    assert.notEqual(rfe.clone().params.estimator, rfe.params.estimator);
    assert.equal((c.params.estimator as DecisionTreeClassifier).params.maxDepth, 2);
  });

  it('getParams({deep}) and setParams route name__param to any estimator-valued param; the caller estimator is not mutated', () => {
    const inner = new DecisionTreeClassifier({ maxDepth: 2 });
    const rfe = new RFE(inner, { nFeaturesToSelect: 2 });
    const deep = rfe.getParams({ deep: true });
    assert.equal(deep.estimator__maxDepth, 2);
    assert.equal(rfe.getParams(true).estimator__criterion, 'gini');
    assert.ok(!('estimator__maxDepth' in rfe.getParams()));
    rfe.setParams({ estimator__maxDepth: 4, nFeaturesToSelect: 3 });
    assert.equal((rfe.params.estimator as DecisionTreeClassifier).params.maxDepth, 4);
    assert.equal(rfe.params.nFeaturesToSelect, 3);
    assert.equal(inner.params.maxDepth, 2);
    const w = rfe.with({ estimator__maxDepth: 5 });
    assert.equal((w.params.estimator as DecisionTreeClassifier).params.maxDepth, 5);
    assert.equal((rfe.params.estimator as DecisionTreeClassifier).params.maxDepth, 4);
  });

  it('recursive routing through steps: pipe.setParams({ rfe__estimator__maxDepth })', () => {
    const pipe = new Pipeline([['sc', new StandardScaler()], ['rfe', new RFE(new DecisionTreeClassifier())]]);
    pipe.setParams({ rfe__estimator__maxDepth: 3, sc__withMean: false });
    const deep = pipe.getParams(true);
    assert.equal(deep.rfe__estimator__maxDepth, 3);
    assert.equal(deep.sc__withMean, false);
    const ct = new ColumnTransformer([['a', new StandardScaler(), [0]]], { remainder: new MinMaxScaler() });
    ct.setParams({ a__withStd: false, remainder__clip: true });
    assert.equal(ct.getParams(true).a__withStd, false);
    assert.equal(ct.getParams(true).remainder__clip, true);
  });

  it('unknown names are InvalidParameterErrors naming the key', () => {
    const rfe = new RFE(new DecisionTreeClassifier());
    assert.throws(() => rfe.setParams({ foo__maxDepth: 3 }), (e: unknown) => e instanceof InvalidParameterError && /foo__maxDepth/.test((e as Error).message));
    assert.throws(() => rfe.setParams({ estimator__nope: 3 }), (e: unknown) => e instanceof InvalidParameterError && /nope/.test((e as Error).message));
    assert.throws(() => rfe.setParams({ step__x: 1 }), InvalidParameterError);
  });
});

describe('GridSearchCV over a meta-estimator equals scikit-learn 1.2.1', () => {
  it('GridSearchCV(new RFE(new DecisionTreeClassifier()), { estimator__maxDepth: [2, 4] })', () => {
    const { X, y } = loadDataset('wine');
    const g = new GridSearchCV(new RFE(new DecisionTreeClassifier({ randomState: 0 })), { estimator__maxDepth: [2, 4] }, { cv: 3 }).fit(X, y);
    const want = fx.rfeTree;
    assert.deepEqual(g.cvResults.params, want.params.map((p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [camel(k), v]))));
    close(g.cvResults.meanTestScore, want.meanTestScore);
    close(g.cvResults.stdTestScore, want.stdTestScore);
    assert.deepEqual(Array.from(g.cvResults.rankTestScore), want.rankTestScore);
    want.splits.forEach((s: number[], k: number) => close(g.cvResults.splitTestScores[k]!, s));
    assert.equal(g.bestIndex, want.bestIndex);
    assert.deepEqual(Array.from((g.bestEstimator as RFE).getSupport(), Number), want.bestSupport);
    // the refitted search saves and loads with its nested estimators (one revival path)
    const back = loadModel<GridSearchCV>(JSON.parse(JSON.stringify(g.toJSON())));
    assert.deepEqual(back.predict(X), g.predict(X));
    assert.equal(((back.params.estimator as RFE).params.estimator as DecisionTreeClassifier).kind, 'DecisionTreeClassifier');
  });

  it('through a Pipeline: rfe__estimator__maxDepth and rfe__nFeaturesToSelect', () => {
    const { X, y } = loadDataset('breast_cancer');
    const pipe = new Pipeline([['scaler', new StandardScaler()], ['rfe', new RFE(new DecisionTreeClassifier({ randomState: 0 }), { nFeaturesToSelect: 5, step: 5 })]]);
    const g = new GridSearchCV(pipe, { rfe__estimator__maxDepth: [1, 3], rfe__nFeaturesToSelect: [3, 5] }, { cv: new StratifiedKFold({ nSplits: 3, shuffle: true, randomState: 0 }) }).fit(X, y);
    const want = fx.pipeRfeTree;
    close(g.cvResults.meanTestScore, want.meanTestScore);
    assert.deepEqual(Array.from(g.cvResults.rankTestScore), want.rankTestScore);
    want.splits.forEach((s: number[], k: number) => close(g.cvResults.splitTestScores[k]!, s));
  });
});

describe('loadModel', () => {
  it('warns (VersionWarning) when the model was saved by another deepmine version', () => {
    const json = new StandardScaler().fit([[1], [2]]).toJSON();
    assert.equal(catchWarnings(() => loadModel(json)).warnings.length, 0);
    const { value, warnings } = catchWarnings(() => loadModel<StandardScaler>({ ...json, version: '0.0.1' }));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.name, 'VersionWarning');
    assert.match(warnings[0]!.message, /0\.0\.1/);
    assert.deepEqual(Array.from(value.transform([[3]]).data), Array.from(new StandardScaler().fit([[1], [2]]).transform([[3]]).data));
  });
});

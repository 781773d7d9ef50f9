/**
 * loadModel on untrusted files (issue 13 #3): every malformed file gives a typed error at load
 * time or on use, never a hang, a read outside a row, a huge allocation or a polluted prototype.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataError, DeepmineError, InvalidParameterError } from '../../src/core/errors.js';
import { loadModel, type SavedModel } from '../../src/core/estimator.js';
import { fromBase64, toBase64 } from '../../src/core/serialize.js';
import { loadDataset } from '../../src/datasets/load.js';
import { DecisionTreeClassifier, RandomForestClassifier } from '../../src/tree/index.js';
import { FunctionTransformer, KBinsDiscretizer, OneHotEncoder, StandardScaler } from '../../src/preprocessing/index.js';
import { Pipeline } from '../../src/pipeline/index.js';

const iris = loadDataset('iris');
const X = iris.X.toArray();
const y = Array.from(iris.y as ArrayLike<number>);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
type Typed = { $typed: string; b64: string };
const ints = (t: Typed) => new Int32Array(fromBase64(t.b64).buffer);
const setInts = (t: Typed, a: Int32Array) => { t.b64 = toBase64(new Uint8Array(a.buffer)); };

function savedTree(): SavedModel & { state: { tree: Record<string, Typed | number> } } {
  return clone(new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 }).fit(X, y).toJSON()) as never;
}
function withChild(mut: (left: Int32Array, right: Int32Array) => void): SavedModel {
  const s = savedTree();
  const L = ints(s.state.tree.childrenLeft as Typed), R = ints(s.state.tree.childrenRight as Typed);
  mut(L, R);
  setInts(s.state.tree.childrenLeft as Typed, L);
  setInts(s.state.tree.childrenRight as Typed, R);
  return s;
}

describe('loadModel: trees', () => {
  it('a child pointing to itself, a cycle or out of range is refused at load (these looped forever in predict)', () => {
    assert.throws(() => loadModel(withChild((L) => { L[0] = 0; })), DataError);
    assert.throws(() => loadModel(withChild((L, R) => { const c = L[0]!; L[c] = 0; R[c] = 0; })), DataError);
    assert.throws(() => loadModel(withChild((L) => { L[0] = 9999; })), DataError);
    assert.throws(() => loadModel(withChild((L) => { L[0] = -7; })), DataError);
  });
  it('a truncated Int32Array and a byte length that is not a whole number of elements are refused', () => {
    const s = savedTree();
    const t = s.state.tree.feature as Typed;
    const a = ints(t);
    setInts(t, a.slice(0, a.length - 1));
    assert.throws(() => loadModel(s), DataError);
    const s2 = savedTree();
    (s2.state.tree.threshold as Typed).b64 = toBase64(fromBase64((s2.state.tree.threshold as Typed).b64).slice(0, 12));
    assert.throws(() => loadModel(s2), /whole number of 8-byte/);
  });
  it('an out-of-range feature index (read another row\'s cells) is refused', () => {
    const s = savedTree();
    const f = ints(s.state.tree.feature as Typed);
    f[0] = 4; // iris has 4 features: index 4 is the next row's first cell
    setInts(s.state.tree.feature as Typed, f);
    assert.throws(() => loadModel(s), (e: unknown) => e instanceof DataError && /feature\[0\]/.test(e.message));
  });
  it('forests are covered by the same tree check', () => {
    const saved = clone(new RandomForestClassifier({ nEstimators: 2, maxDepth: 2, randomState: 0 }).fit(X, y).toJSON()) as SavedModel & { state: { trees: Record<string, Typed>[] } };
    const L = ints(saved.state.trees[1]!.childrenLeft!);
    L[0] = 0;
    setInts(saved.state.trees[1]!.childrenLeft!, L);
    assert.throws(() => loadModel(saved), /trees\[1\]/);
  });
  it('a valid model still loads and predicts identically', () => {
    const m = new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 }).fit(X, y);
    const back = loadModel<DecisionTreeClassifier>(JSON.stringify(m.toJSON()));
    assert.ok(back instanceof DecisionTreeClassifier);
    assert.deepEqual(back.predict(X), m.predict(X));
  });
});

describe('loadModel: envelope and encoding', () => {
  const good = () => clone(new StandardScaler().fit(X).toJSON());
  it('$typed "constructor" and unknown typed kinds are refused', () => {
    const s = good() as SavedModel & { state: Record<string, unknown> };
    s.state.mean = { $typed: 'constructor', b64: '' };
    assert.throws(() => loadModel(s), DataError);
    s.state.mean = { $typed: 'toString', b64: '' };
    assert.throws(() => loadModel(s), DataError);
  });
  it('a __proto__ key is refused and does not become the prototype', () => {
    const text = JSON.stringify(good()).replace('"state":{', '"state":{"__proto__":{"polluted":true},');
    assert.throws(() => loadModel(text), /__proto__/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
  it('formatVersion "abc", -1, 1.5 or missing is refused; a newer one asks for an upgrade', () => {
    for (const v of ['abc', -1, 1.5, undefined, null]) {
      const s = good() as unknown as Record<string, unknown>;
      s.formatVersion = v;
      assert.throws(() => loadModel(s as never), (e: unknown) => e instanceof DataError && /formatVersion/.test(e.message), String(v));
    }
    const s = good();
    s.formatVersion = 99;
    assert.throws(() => loadModel(s), /upgrade/);
  });
  it('invalid JSON text and a non-object give DataError', () => {
    assert.throws(() => loadModel('{"format": "deepmine", '), DataError);
    assert.throws(() => loadModel('[1, 2]'), DataError);
    assert.throws(() => loadModel({ ...good(), kind: 42 } as never), InvalidParameterError);
  });
  it('a corrupted field that only shows on use becomes a DataError naming the model', () => {
    const s = good() as SavedModel & { state: Record<string, unknown> };
    delete s.state.scale;
    delete s.state.mean;
    const m = loadModel<StandardScaler>(s);
    assert.throws(() => m.transform(X), (e: unknown) => e instanceof DeepmineError);
  });
});

describe('loadModel: declared sizes and functions', () => {
  it('KBinsDiscretizer: nBins must be carried by the edges (a 600-byte file declared 3e8 bins)', () => {
    const s = clone(new KBinsDiscretizer({ nBins: 3, encode: 'onehot-dense' }).fit(X).toJSON()) as SavedModel & { state: { nBins: Typed } };
    const nb = ints(s.state.nBins);
    nb[0] = 300_000_000;
    setInts(s.state.nBins, nb);
    assert.throws(() => loadModel(s), /nBins\[0\]/);
  });
  it('OneHotEncoder: a short nFeaturesOuts (wrote one row\'s value into another) is refused', () => {
    const cats = X.map((r) => [r[0]! > 5.8 ? 'a' : 'b', r[1]! > 3 ? 'x' : 'y']);
    const s = clone(new OneHotEncoder().fit(cats).toJSON()) as SavedModel & { state: { nFeaturesOuts: number[] } };
    s.state.nFeaturesOuts = [1, 2];
    assert.throws(() => loadModel(s), /nFeaturesOuts\[0\]/);
    s.state.nFeaturesOuts = [2];
    assert.throws(() => loadModel(s), /nFeaturesOuts/);
  });
  it('FunctionTransformer with a JS function refuses to save (it reloaded as identity and changed a Pipeline)', () => {
    const ft = new FunctionTransformer({ func: (m) => m }).fit(X);
    assert.throws(() => ft.toJSON(), (e: unknown) => e instanceof InvalidParameterError && /func/.test(e.message));
    const pipe = new Pipeline([['f', new FunctionTransformer({ func: (m) => m })], ['t', new DecisionTreeClassifier({ maxDepth: 2 })]]).fit(X, y);
    assert.throws(() => pipe.toJSON(), InvalidParameterError);
    const named = new FunctionTransformer({ func: 'log1p', inverseFunc: 'expm1' }).fit(X);
    assert.deepEqual(loadModel<FunctionTransformer>(named.toJSON()).transform(X).toArray(), named.transform(X).toArray());
  });
});

describe('loadModel: fuzzed files (fast-check, child process)', () => {
  it('2,000 mutated files of 12 kinds: no hang, no untyped error, no prototype pollution', () => {
    const script = fileURLToPath(new URL('../helpers/loadFuzz.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, '2000', '20261205'], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(r.signal, null, `fuzz child was killed (${r.signal}): a hang`);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: number; typed: number; untyped: number; examples: string[] };
    assert.equal(out.untyped, 0, out.examples.join('\n'));
    assert.ok(out.typed > 100, `mutations should often be refused (typed: ${out.typed})`);
  });
});

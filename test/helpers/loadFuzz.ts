/**
 * Child-process body of the loadModel fuzz test (test/persistence/loadModel.test.ts): saved models
 * of several kinds are mutated with fast-check (seeded), loaded and used. Prints one JSON line
 * with the outcome counts. Run in a child process so that a hang is caught by the parent's
 * timeout instead of blocking the test runner.
 */
import fc from 'fast-check';
import { DeepmineError } from '../../src/core/errors.js';
import { loadModel } from '../../src/core/estimator.js';
import { fromBase64, toBase64 } from '../../src/core/serialize.js';
import { loadDataset } from '../../src/datasets/load.js';
import { DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier } from '../../src/tree/index.js';
import { KMeans } from '../../src/cluster/index.js';
import { KBinsDiscretizer, OneHotEncoder, StandardScaler } from '../../src/preprocessing/index.js';
import { LogisticRegression } from '../../src/linear/index.js';
import { Pipeline } from '../../src/pipeline/index.js';
import { PCA } from '../../src/decomposition/index.js';
import { MLPClassifier } from '../../src/nn/index.js';
import { KNeighborsClassifier } from '../../src/neighbors/index.js';

const runs = Number(process.argv[2] ?? 300);
const seed = Number(process.argv[3] ?? 42);
const iris = loadDataset('iris');
const X = iris.X.toArray();
const y = Array.from(iris.y as ArrayLike<number>);
const cats = X.map((r) => [r[0]! > 5.8 ? 'a' : 'b', String(Math.round(r[1]!))]);

type Use = (m: unknown) => unknown;
const predict: Use = (m) => (m as { predict(x: unknown): unknown }).predict(X.slice(0, 20));
const transform = (Xs: unknown): Use => (m) => (m as { transform(x: unknown): unknown }).transform(Xs);
const models: [string, unknown, Use][] = [
  ['DecisionTreeClassifier', new DecisionTreeClassifier({ maxDepth: 4, randomState: 0 }).fit(X, y).toJSON(), predict],
  ['DecisionTreeRegressor', new DecisionTreeRegressor({ maxDepth: 3, randomState: 0 }).fit(X, X.map((r) => r[2]!)).toJSON(), predict],
  ['RandomForestClassifier', new RandomForestClassifier({ nEstimators: 3, maxDepth: 3, randomState: 0 }).fit(X, y).toJSON(), predict],
  ['KMeans', new KMeans({ nClusters: 3, nInit: 1, randomState: 0 }).fit(X).toJSON(), predict],
  ['StandardScaler', new StandardScaler().fit(X).toJSON(), transform(X.slice(0, 20))],
  ['OneHotEncoder', new OneHotEncoder().fit(cats).toJSON(), transform(cats.slice(0, 20))],
  ['KBinsDiscretizer', new KBinsDiscretizer({ nBins: 4, encode: 'ordinal' }).fit(X).toJSON(), transform(X.slice(0, 20))],
  ['LogisticRegression', new LogisticRegression({ maxIter: 50 }).fit(X, y).toJSON(), predict],
  ['Pipeline', new Pipeline([['s', new StandardScaler()], ['t', new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 })]]).fit(X, y).toJSON(), predict],
  ['PCA', new PCA({ nComponents: 2 }).fit(X).toJSON(), transform(X.slice(0, 20))],
  ['MLPClassifier', new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 3, randomState: 0 }).fit(X, y).toJSON(), predict],
  ['KNeighborsClassifier', new KNeighborsClassifier({ nNeighbors: 3 }).fit(X, y).toJSON(), predict],
];

/** Every path to a value inside a JSON tree. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.slice(0, 40).forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}
function getAt(v: unknown, p: (string | number)[]): unknown { return p.reduce((o, k) => (o as Record<string | number, unknown>)?.[k], v); }
function setAt(v: unknown, p: (string | number)[], x: unknown): unknown {
  if (p.length === 0) return x;
  const parent = getAt(v, p.slice(0, -1)) as Record<string | number, unknown>;
  if (parent && typeof parent === 'object') {
    if (x === DELETE) delete parent[p[p.length - 1]!];
    else parent[p[p.length - 1]!] = x;
  }
  return v;
}
const DELETE = Symbol('delete');

/** Mutate one element of an encoded Int32Array/Float64Array in place. */
function mutateTyped(o: { $typed: string; b64: string }, idx: number, value: number): void {
  const bytes = fromBase64(o.b64);
  if (o.$typed === 'Int32Array' && bytes.length >= 4) {
    const a = new Int32Array(bytes.buffer);
    a[idx % a.length] = value;
  } else if (o.$typed === 'Float64Array' && bytes.length >= 8) {
    const a = new Float64Array(bytes.buffer);
    a[idx % a.length] = value;
  }
  o.b64 = toBase64(bytes);
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 0, 1e9, 3e8, -1e308, 'abc', null, [], {}, { $typed: 'constructor', b64: '' }, { $num: 'evil' })) }),
  fc.record({ op: fc.constant('delete' as const) }),
  fc.record({ op: fc.constant('truncate' as const), keep: fc.nat(5) }),
  fc.record({ op: fc.constant('typed' as const), idx: fc.nat(1000), value: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constantFrom(0, 1e9, -1, Number.NaN, Infinity)) }),
  fc.record({ op: fc.constant('proto' as const) }),
);

const counts = { ok: 0, typed: 0, untyped: 0, examples: [] as string[] };
fc.assert(
  fc.property(fc.nat(models.length - 1), fc.nat(100000), mutation, (mi, pi, mut) => {
    const [name, saved, use] = models[mi]!;
    let json = JSON.parse(JSON.stringify(saved)) as unknown;
    const all = paths(json);
    const p = all[pi % all.length]!;
    const target = getAt(json, p);
    switch (mut.op) {
      case 'replace': json = setAt(json, p, mut.value); break;
      case 'delete': json = setAt(json, p, DELETE); break;
      case 'truncate':
        if (Array.isArray(target)) target.length = Math.min(target.length, mut.keep);
        else if (target && typeof target === 'object' && typeof (target as { b64?: unknown }).b64 === 'string') (target as { b64: string }).b64 = (target as { b64: string }).b64.slice(0, 4 * mut.keep);
        break;
      case 'typed': {
        // the nearest encoded typed array at or under this path
        const typed = paths(target).map((q) => getAt(target, q)).find((x) => x && typeof x === 'object' && '$typed' in (x as object)) as { $typed: string; b64: string } | undefined;
        if (typed) mutateTyped(typed, mut.idx, mut.value);
        break;
      }
      case 'proto': json = JSON.parse(JSON.stringify(json).replace(/^\{/, '{"__proto__":{"polluted":1},')); break;
    }
    const text = JSON.stringify(json);
    try {
      const m = loadModel(text);
      use(m);
      counts.ok++;
    } catch (e) {
      if (e instanceof DeepmineError) counts.typed++;
      else {
        counts.untyped++;
        if (counts.examples.length < 5) counts.examples.push(`${name} ${mut.op} at ${p.join('.')}: ${(e as Error)?.name}: ${(e as Error)?.message?.slice(0, 160)}`);
      }
    }
    if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('prototype polluted');
  }),
  { numRuns: runs, seed },
);
process.stdout.write(JSON.stringify(counts) + '\n');

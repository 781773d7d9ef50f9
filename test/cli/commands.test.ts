import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { profile } from '../../src/analysis/profile.js';
import { associationRules } from '../../src/assoc/rules.js';
import { fpGrowth } from '../../src/assoc/fpgrowth.js';
import { AgglomerativeClustering } from '../../src/cluster/agglomerative.js';
import { GaussianMixture } from '../../src/cluster/gmm.js';
import { KMeans } from '../../src/cluster/kmeans.js';
import { deepmine, deepmineJson } from './built.js';
import { buildNet } from '../../src/cli/commands/nn.js';
import { clusterSizes } from '../../src/cli/commands/cluster.js';
import { loadFeatures } from '../../src/cli/commands/shared.js';
import { PCA } from '../../src/decomposition/pca.js';
import { loadDataset } from '../../src/datasets/load.js';
import { readTransactions } from '../../src/io/transactions.js';
import { closeConnection } from '../../src/io/duckdb.js';
import { silhouetteScore } from '../../src/metrics/cluster.js';
import { trainTestSplit } from '../../src/modelSelection/split.js';
import { StandardScaler } from '../../src/preprocessing/standardScaler.js';

/** The built binary as a subprocess (see ./built.ts). */
async function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return deepmine(args);
}
const json = (...args: string[]) => deepmineJson(args);

const dir = mkdtempSync(join(tmpdir(), 'deepmine-cli-'));
after(async () => { rmSync(dir, { recursive: true, force: true }); await closeConnection(); });
const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

describe('deepmine profile', { concurrency: true }, () => {
  it('iris --json: the library profile of the features plus the class column', async () => {
    const out = await json('profile', 'iris');
    const ds = loadDataset('iris');
    const lib = profile(ds.X, { featureNames: ds.featureNames });
    assert.equal(out.rows, 150);
    assert.equal(out.columns.length, 5);
    for (let j = 0; j < 4; j++) for (const k of ['mean', 'std', 'q25', 'median', 'q75', 'skewness', 'min', 'max']) assert.equal(out.columns[j][k], (lib.columns[j] as any)[k]); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(out.columns[4].top, [{ value: 'setosa', count: 50 }, { value: 'versicolor', count: 50 }, { value: 'virginica', count: 50 }]);
    assert.deepEqual(out.duplicateRows, { count: 1, indices: [142], firstOccurrence: [101] });
    assert.deepEqual(out.correlation.matrix, lib.correlation.matrix);
  });
  it('a CSV with missing values (--na) and duplicate rows, text output', async () => {
    const p = join(dir, 'p.csv');
    writeFileSync(p, 'a,b,c\n1,x,true\n2,?,false\n1,x,true\n,y,true\n2,?,false\n');
    const out = await json('profile', p, '--na', '?');
    assert.deepEqual(out.columns.map((c: { type: string }) => c.type), ['numeric', 'categorical', 'boolean']);
    assert.deepEqual(out.columns.map((c: { missing: number }) => c.missing), [1, 2, 0]);
    assert.deepEqual(out.duplicateRows, { count: 2, indices: [2, 4], firstOccurrence: [0, 1] });
    assert.equal(out.columns[0].mean, 1.5);
    const t = await cli('profile', p, '--na', '?');
    assert.match(t.out, /5 rows x 3 columns, 2 duplicate row\(s\)/);
  });
});

describe('deepmine rules', { concurrency: true }, () => {
  it('groceries --json: fpGrowth + associationRules, rules ranked by lift', async () => {
    const out = await json('rules', 'groceries', '--min-support', '0.02', '--min-confidence', '0.3', '--metric', 'lift');
    const sets = fpGrowth(loadDataset('groceries').transactions, { minSupport: 0.02 });
    const rules = associationRules(sets, { metric: 'confidence', minThreshold: 0.3 });
    assert.equal(out.nTransactions, 2000);
    assert.equal(out.nItemsets, sets.length);
    assert.deepEqual(out.itemsets, sets);
    assert.equal(out.nRules, rules.length);
    const best = rules.reduce((a, b) => (b.lift > a.lift ? b : a));
    assert.deepEqual([out.rules[0].antecedents, out.rules[0].consequents, out.rules[0].lift], [best.antecedents, best.consequents, best.lift]);
    for (let i = 1; i < out.rules.length; i++) assert.ok(out.rules[i - 1].lift >= out.rules[i].lift);
    assert.ok(out.rules.every((r: { confidence: number }) => r.confidence >= 0.3));
  });
  it('FIMI mushroom.dat with --max-len and --min-threshold', { skip: !existsSync(join(SHARED, 'fimi/mushroom.dat')) }, async () => {
    const path = join(SHARED, 'fimi/mushroom.dat');
    const out = await json('rules', path, '--min-support', '0.4', '--min-confidence', '0.9', '--max-len', '3', '--metric', 'lift', '--min-threshold', '1.2');
    const sets = fpGrowth(readTransactions(path), { minSupport: 0.4, maxLen: 3 });
    assert.equal(out.format, 'fimi');
    assert.equal(out.nTransactions, 8124);
    assert.equal(out.nItemsets, sets.length);
    const rules = associationRules(sets, { minThreshold: 0.9 }).filter((r) => r.lift >= 1.2);
    assert.equal(out.nRules, rules.length);
  });
  it('a basket CSV is sniffed (ragged rows); a table CSV gives col=value items', async () => {
    const b = join(dir, 'b.csv');
    writeFileSync(b, 'milk,bread\nbread,butter,jam\nmilk,bread,butter\nbread\n');
    const out = await json('rules', b, '--min-support', '0.5', '--min-confidence', '0.6');
    assert.equal(out.format, 'basket');
    assert.deepEqual(out.itemsets[0], { items: ['bread'], support: 1, count: 4 });
    const t = join(dir, 't.csv');
    writeFileSync(t, 'color,size\nred,S\nred,M\nblue,S\nred,S\n');
    const o2 = await json('rules', t, '--min-support', '0.5', '--min-confidence', '0.6');
    assert.equal(o2.format, 'table');
    assert.deepEqual(o2.itemsets[0], { items: ['color=red'], support: 0.75, count: 3 });
  });
});

describe('deepmine cluster', { concurrency: true }, () => {
  const Z = new StandardScaler().fitTransform(loadDataset('iris').X);
  it('kmeans on scaled iris: inertia, sizes, silhouette, centers as KMeans', async () => {
    const out = await json('cluster', 'iris', '-k', '3', '--seed', '0');
    const km = new KMeans({ nClusters: 3, randomState: 0 }).fit(Z);
    assert.equal(out.inertia, km.inertia);
    assert.deepEqual(out.sizes, clusterSizes(km.labels));
    assert.equal(out.silhouette, silhouetteScore(Z, km.labels));
    assert.deepEqual(out.centersScaled, Array.from({ length: 3 }, (_, i) => Array.from(km.clusterCenters.row(i))));
    assert.equal(out.clusters.length, 3);
    assert.ok(Math.abs(out.centers[0][0] - out.clusters[0].means[0]) < 0.5);
  });
  it('agglomerative, gmm, dbscan and k auto', async () => {
    const ag = await json('cluster', 'iris', '-k', '3', '--algorithm', 'agglomerative', '--linkage', 'average');
    assert.deepEqual(ag.sizes, clusterSizes(new AgglomerativeClustering({ nClusters: 3, linkage: 'average' }).fit(Z).labels));
    const gm = await json('cluster', 'iris', '-k', '2', '--algorithm', 'gmm', '--seed', '1');
    assert.equal(gm.bic, new GaussianMixture({ nComponents: 2, randomState: 1 }).fit(Z).bic(Z));
    const db = await json('cluster', 'iris', '--algorithm', 'dbscan', '--eps', '0.6', '--min-samples', '4');
    assert.equal(db.sizes.reduce((a: number, b: number) => a + b, 0) + db.noise, 150);
    assert.equal(db.k, db.sizes.length);
    const auto = await json('cluster', 'iris', '-k', 'auto', '--seed', '0');
    assert.equal(auto.chooseK.length, 9);
    assert.equal(auto.k, auto.chooseK.reduce((a: { k: number; silhouette: number }, b: { k: number; silhouette: number }) => (b.silhouette > a.silhouette ? b : a)).k);
  });
});

describe('deepmine pca', { concurrency: true }, () => {
  it('wine -n 3: PCA of the standard-scaled features', async () => {
    const out = await json('pca', 'wine', '-n', '3', '--scores', '2');
    const Z = new StandardScaler().fitTransform(loadDataset('wine').X);
    const pca = new PCA({ nComponents: 3, randomState: 42 }).fit(Z);
    assert.deepEqual(out.explainedVarianceRatio, Array.from(pca.explainedVarianceRatio));
    assert.deepEqual(out.components[1], Array.from(pca.components.row(1)));
    assert.equal(out.cumulativeVarianceRatio.length, 3);
    assert.deepEqual(out.scores[1], Array.from(pca.transform(Z).row(1)));
    const frac = await json('pca', 'wine', '-n', '0.8');
    assert.ok(frac.cumulativeVarianceRatio.at(-1) >= 0.8 && frac.cumulativeVarianceRatio.at(-2) < 0.8);
  });
});

describe('deepmine nn', { concurrency: true }, () => {
  it('iris multiclass: the same net as a direct Sequential run', async () => {
    const out = await json('nn', 'iris', '--layers', '8', '--epochs', '3', '--batch-size', '16', '--seed', '3');
    const ds = loadDataset('iris');
    const y = Array.from(ds.y);
    const [XTr, XTe, yTr, yTe] = trainTestSplit(ds.X, y, { testSize: 0.2, randomState: 3, stratify: y });
    const sc = new StandardScaler().fit(XTr);
    const net = buildNet([8], 'relu', 'multiclass', 3);
    net.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const h = net.fit(sc.transform(XTr), yTr as number[], { epochs: 3, batchSize: 16, randomState: 3 });
    assert.equal(out.task, 'multiclass');
    assert.deepEqual(out.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(out.history.loss, h.history.loss);
    assert.equal(out.accuracy, net.evaluate(sc.transform(XTe), yTe as number[]).accuracy);
    assert.deepEqual(out.layers, [8, 3]);
  });
  it('binary on a CSV (categorical feature one-hot), regression on diabetes, progress on stderr', async () => {
    const p = join(dir, 'n.csv');
    writeFileSync(p, 'x,c,label\n' + Array.from({ length: 60 }, (_, i) => `${i % 7},${i % 3 ? 'a' : 'b'},${i % 2 ? 'yes' : 'no'}`).join('\n'));
    const r = await cli('nn', p, '--target', 'label', '--epochs', '2', '--layers', '4');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /Epoch 2\/2/);
    assert.match(r.out, /binary \(2 classes\), 60 rows x 3 features/);
    const reg = await json('nn', 'diabetes', '--epochs', '2', '--layers', '8');
    assert.equal(reg.task, 'regression');
    assert.equal(reg.history.loss.length, 2);
    assert.ok(Number.isFinite(reg.r2) && Number.isFinite(reg.mae));
  });
});

describe('loadFeatures', () => {
  it('one-hot categorical features (missing category = zeros), drops rows with a missing number or target', async () => {
    const p = join(dir, 'f.csv');
    writeFileSync(p, 'x,c,y\n1,a,p\n2,,q\n,b,p\n4,b,\n5,a,q\n');
    const f = await loadFeatures(p, { target: 'y' });
    assert.deepEqual(f.featureNames, ['x', 'c=a', 'c=b']);
    assert.deepEqual(Array.from(f.X.data), [1, 1, 0, 2, 0, 0, 5, 1, 0]);
    assert.deepEqual(f.y, ['p', 'q', 'q']);
    assert.equal(f.droppedRows, 2);
    assert.deepEqual(f.oneHot, ['c']);
  });
});

describe('CLI errors', { concurrency: true }, () => {
  const cases: [string[], RegExp][] = [
    [['profile', 'nosuch'], /file not found \(not a built-in dataset either/],
    [['profile', join(dir, 'missing.csv')], /file not found/],
    [['rules', 'groceries', '--min-support', '0'], /'--min-support' must be a number in \(0, 1\]; received "0"/],
    [['rules', 'groceries', '--metric', 'foo'], /'--metric' must be one of antecedentSupport/],
    [['cluster', 'iris', '-k', 'x'], /'-k' must be an integer >= 1; received "x"/],
    [['cluster', 'iris', '-k', 'auto', '--algorithm', 'gmm'], /'auto' is for kmeans/],
    [['pca', 'iris', '-n', '9'], /'-n' must be an integer in \[1, min\(rows, features\) = 4\]; received 9/],
    [['nn', 'iris', '--layers', '4,a'], /'--layers' must be comma-separated/],
    [['nn', 'iris', '--target', 'nope'], /'--target' must be one of the columns/],
    [['nn', join(dir, 'p.csv')], /'--target' must be the name of the target column/],
  ];
  for (const [args, re] of cases) {
    it(args.join(' '), async () => {
      const r = await cli(...args);
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, 'one line');
      assert.match(r.err, re);
      assert.ok(!/\n\s+at /.test(r.err), 'no stack trace for typed errors');
    });
  }
  it('--help exits 0 and lists every command', async () => {
    const r = await cli('--help');
    assert.equal(r.code, 0);
    for (const c of ['analyze', 'demo', 'profile', 'tree', 'cluster', 'rules', 'pca', 'nn', 'predict', 'evaluate']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
    assert.match(r.out, /^\s*Examples:/, '--help starts with examples');
  });
});

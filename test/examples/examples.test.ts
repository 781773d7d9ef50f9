/**
 * Runs every user-facing example in `examples/` as its own process (`node --import tsx`), the way
 * the README tells users to, and checks it exits 0 and prints what it promises.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run { code: number; stdout: string; stderr: string }

function runExample(name: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join('examples', name)], { cwd: ROOT, timeout: 150_000, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

/** example file -> patterns its stdout must match */
const EXPECTED: Record<string, RegExp[]> = {
  'gradient-boosting.ts': [
    /classifier: \d+ iterations \(early stopping\), test accuracy 0\.9\d+/,
    /with 20% missing training values: test accuracy 0\.9\d+/,
    /regressor loss poisson\s+test R2 0\.\d+/,
    /expected value \+ SHAP values = (-?\d+\.\d+); decision function = \1/,
    /reloaded model predicts the same: true/,
  ],
  'pipeline-search.ts': [
    /mushroom: 8124 rows, 22 columns; missing values in: stalk-root/,
    /best params: \{ tree__maxDepth: \d+ \}/,
    /precision\s+recall\s+f1-score\s+support/,
    /macro avg/,
  ],
  'clustering.ts': [
    /chosen k: \d+/,
    /silhouette 0\.\d+, davies-bouldin \d+\.\d+/,
    /IF .+ THEN class = \d/,
    /DBSCAN \(eps 2\.3\): \d+ clusters, \d+ noise points, ARI vs KMeans -?\d\.\d+/,
    /Agglomerative \(ward\): ARI vs KMeans \d\.\d+/,
  ],
  'association-rules.ts': [
    /groceries: \d+ baskets/,
    /associationRules\(lift >= 1\.5, confidence >= 0\.3\): \d+ rules/,
    /\{[^}]+\} => \{[^}]+\}\s+0\.\d{4}\s+\d\.\d{3}\s+\d+\.\d{2}\s+\d\.\d{5}/,
    /topKRules: k = 5 by support/,
  ],
  'pca-autoencoder.ts': [
    /PCA\(0\.9\): \d+ of 64 components, 9\d\.\d% variance/,
    /reconstruction MSE with 2 dimensions: PCA \d\.\d+, autoencoder \d\.\d+/,
    /KMeans\(10\) on autoencoder embedding: ARI vs digit labels \d\.\d+/,
  ],
  'ae-kmeans.ts': [/autoencoder: ae0, ae1; reconstruction MSE \d\.\d+/, /KMeans\(3\) on the codes: cluster sizes \d+, \d+, \d+; accuracy vs cultivar 0\.\d+/, /^cluster 0 \(\d+ rows\): /m],
  'ae-outliers-tree.ts': [/outliers removed: \d+ of 398 training rows/, /tree test accuracy: all rows 0\.\d+, outliers removed 0\.\d+/],
  'describe-clusters.ts': [/^cluster \d \(\d+ rows\): .+ \(precision \d\.\d\d, covers \d+%\)/m, /clustering accuracy vs cultivar: 0\.\d{3}/],
  'explain.ts': [/permutation importance \(top 5\):/, /partial dependence on /, /sum check: expected \+ sum\(values\) = \d\.\d+/, /KernelSHAP \(MLP\) row 0 top features:/, /LinearSHAP \(logistic regression\) row 0: log-odds/],
  'error-slices.ts': [/mushroom, depth-2 tree: error rate 0\.\d+/, /per level \(evaluated \/ brute force\): L1 \d+\/\d+/, /planted slice .+ found x2 in .+ AND x5 in/],
  'surrogate-rules.ts': [/surrogate: \d+ rules, fidelity train 0\.\d+, test 0\.\d+/, /=> [01] \(coverage \d/, /extractRules\(maxDepth 2\): \d+ rules, fidelity 0\.\d+/, /hidden-layer co-activation patterns/],
  'neural-net.ts': [
    /phase 1: \d+ epochs/,
    /test: loss \d\.\d+, accuracy \d\.\d+, auc \d\.\d+/,
    /save\/load round trip: identical predictions = true/,
    /MLPClassifier 5-fold CV: accuracy 0\.9\d+/,
  ],
};

// Two at a time (one per core): the whole file takes about as long as the slowest pair.
describe('examples/', { concurrency: 2 }, () => {
  for (const [name, patterns] of Object.entries(EXPECTED)) {
    it(`${name} runs and prints its results`, { timeout: 180_000 }, async () => {
      const { code, stdout, stderr } = await runExample(name);
      assert.equal(code, 0, `${name} exited with ${code}\nstderr:\n${stderr}`);
      for (const re of patterns) assert.match(stdout, re, `${name}: stdout lacks ${re}`);
    });
  }

  it('every example in examples/ is run here', () => {
    const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts')).sort();
    assert.deepEqual(files, [...Object.keys(EXPECTED), 'seed.ts'].sort(), 'add the new example and what it must print to EXPECTED');
  });

  it('the seed program runs', { timeout: 180_000 }, async () => {
    const { code, stdout, stderr } = await runExample('seed.ts');
    assert.equal(code, 0, `seed.ts exited with ${code}\nstderr:\n${stderr}`);
    assert.match(stdout, /tree accuracy 0\.\d+/);
  });
});

// Issue 13 #7: known blow-ups raise a ResourceError naming the parameter to change, before the big
// allocation (each case used to allocate gigabytes). Issue 14: PolynomialFeatures [min, max] degree
// keeps the bias column (scikit-learn 1.2.1 fixture).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ResourceError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { getResourceBudget, setResourceBudget, withResourceBudget } from '../../src/core/resources.js';
import { AgglomerativeClustering } from '../../src/cluster/agglomerative.js';
import { DBSCAN } from '../../src/cluster/dbscan.js';
import { GaussianMixture } from '../../src/cluster/gmm.js';
import { KMeans } from '../../src/cluster/kmeans.js';
import { Dense } from '../../src/nn/layers.js';
import { PolynomialFeatures } from '../../src/preprocessing/polynomial.js';

const MiB = 2 ** 20;
const resource = (re: RegExp) => (e: unknown) => e instanceof ResourceError && re.test((e as Error).message) && (e as ResourceError).estimate > (e as ResourceError).budget;
const randn = (n: number, d: number, seed = 0) => {
  const rs = new RandomState(seed);
  return Array.from({ length: n }, () => Array.from(rs.standardNormal(d) as Float64Array));
};

describe('resource budget', () => {
  it('defaults to a fraction of the machine memory, set globally, scoped, per call', () => {
    const b = getResourceBudget();
    assert.ok(b.memoryBytes >= 256 * MiB && Number.isFinite(b.memoryBytes));
    const prev = setResourceBudget({ memoryBytes: 10 * MiB });
    try {
      assert.equal(getResourceBudget().memoryBytes, 10 * MiB);
      assert.equal(withResourceBudget({ memoryBytes: 5 * MiB }, () => getResourceBudget().memoryBytes), 5 * MiB);
      assert.equal(getResourceBudget({ memoryBytes: 7 * MiB }).memoryBytes, 7 * MiB);
      assert.equal(getResourceBudget().maxOutputItems, b.maxOutputItems);
    } finally {
      setResourceBudget(prev);
    }
    assert.equal(getResourceBudget().memoryBytes, b.memoryBytes);
    assert.throws(() => setResourceBudget({ memoryBytes: -1 }), /budget.memoryBytes/);
    assert.throws(() => setResourceBudget({ memory: 1 } as never), /budget/);
  });
});

describe('guards before the big allocation (issue 13 #7)', () => {
  it('DBSCAN with a huge eps: ResourceError from the estimated radius pairs, before the query', { timeout: 30000 }, () => {
    const X = randn(20000, 2);
    const t0 = Date.now();
    assert.throws(() => withResourceBudget({ memoryBytes: 256 * MiB }, () => new DBSCAN({ eps: 1e6 }).fit(X)), resource(/^DBSCAN: about 400,000,000 neighbour pairs within eps=1000000 .* lower eps/));
    assert.ok(Date.now() - t0 < 15000);
    // a sensible eps passes
    assert.doesNotThrow(() => withResourceBudget({ memoryBytes: 256 * MiB }, () => new DBSCAN({ eps: 0.05 }).fit(X)));
    // precomputed: counted exactly
    const D = Array.from({ length: 300 }, () => new Array<number>(300).fill(0));
    assert.throws(() => withResourceBudget({ memoryBytes: 1 * MiB }, () => new DBSCAN({ eps: 1, metric: 'precomputed' }).fit(D)), resource(/90,000 neighbour pairs/));
  });

  it('KMeans with k near n: ResourceError naming nClusters', { timeout: 30000 }, () => {
    const X = randn(20000, 30);
    assert.throws(() => withResourceBudget({ memoryBytes: 64 * MiB }, () => new KMeans({ nClusters: 19000, nInit: 1 }).fit(X)), resource(/^KMeans: k-means with k=19000 on 20000 samples .* lower nClusters/));
    assert.throws(() => withResourceBudget({ memoryBytes: 512 * MiB }, () => new KMeans({ nClusters: 19000, nInit: 1, algorithm: 'elkan' }).fit(X)), resource(/lower nClusters/));
  });

  it('AgglomerativeClustering at 40k rows: the ~25,000-sample limit through the n^2 byte estimate', { timeout: 30000 }, () => {
    const X = Array.from({ length: 40000 }, (_, i) => [i % 97, i % 89]);
    assert.throws(() => withResourceBudget({ memoryBytes: 4 * 2 ** 30 }, () => new AgglomerativeClustering({ linkage: 'average' }).fit(X)), resource(/condensed distance matrix of 40000 samples .* 6\.0 GiB.*linkage 'single'/));
    assert.throws(() => withResourceBudget({ memoryBytes: 8 * MiB }, () => new AgglomerativeClustering().fit(randn(2000, 2))), ResourceError);
  });

  it('GaussianMixture full covariance at d = 3000: ResourceError naming covarianceType', { timeout: 30000 }, () => {
    const X = randn(50, 3000);
    assert.throws(() => withResourceBudget({ memoryBytes: 512 * MiB }, () => new GaussianMixture({ nComponents: 10 }).fit(X)), resource(/^GaussianMixture: a 'full' Gaussian mixture with 10 components in 3000 dimensions .* covarianceType 'diag'/));
  });

  it('a 1e5 x 1e5 Dense layer: ResourceError naming units, before allocating', () => {
    const rs = new RandomState(0);
    assert.throws(() => new Dense(100000).build(100000, rs), resource(/^Dense: a Dense layer of 100000 x 100000 weights would need about 298\.0 GiB.* lower units/));
    assert.doesNotThrow(() => new Dense(10).build(10, rs));
  });

  it('PolynomialFeatures: output width checked at fit, output size at transform', () => {
    const X = randn(4, 50);
    assert.throws(() => new PolynomialFeatures({ degree: 8 }).fit(X), resource(/^PolynomialFeatures: the polynomial feature expansion would need about 1,916,797,311 output columns/));
    const pf = new PolynomialFeatures({ degree: 3 }).fit(X); // 23,426 columns
    assert.throws(() => withResourceBudget({ memoryBytes: 64 * MiB }, () => pf.transform(randn(1000, 50))), resource(/a 1000 x 23426 float64 output .* in batches/));
  });
});

describe('PolynomialFeatures [min, max] degree keeps the bias (issue 14, scikit-learn 1.2.1)', () => {
  const fx = JSON.parse(readFileSync(new URL('../fixtures/reliability_polynomial.json', import.meta.url), 'utf8')) as {
    X: number[][]; cases: { degree: [number, number]; interactionOnly: boolean; includeBias: boolean; nOutput: number; names: string[]; powers: number[][]; Z: number[][] }[];
  };
  for (const c of fx.cases) {
    it(`degree [${c.degree}] interactionOnly ${c.interactionOnly} includeBias ${c.includeBias}`, () => {
      const pf = new PolynomialFeatures({ degree: c.degree, interactionOnly: c.interactionOnly, includeBias: c.includeBias }).fit(fx.X);
      assert.equal(pf.nOutputFeatures, c.nOutput);
      assert.deepEqual(pf.getFeatureNamesOut(), c.names);
      assert.deepEqual(pf.powers, c.powers);
      assert.deepEqual(pf.transform(fx.X).toArray(), c.Z);
    });
  }
});

import type { Command } from 'commander';
import { AgglomerativeClustering } from '../../cluster/agglomerative.js';
import { chooseK } from '../../cluster/chooseK.js';
import { DBSCAN } from '../../cluster/dbscan.js';
import { GaussianMixture } from '../../cluster/gmm.js';
import { KMeans } from '../../cluster/kmeans.js';
import { InvalidParameterError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { calinskiHarabaszScore, daviesBouldinScore, silhouetteScore } from '../../metrics/cluster.js';
import { StandardScaler } from '../../preprocessing/standardScaler.js';
import { scaleColumns } from '../../report/stages.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, choiceArg, fmt, intArg, loadFeatures, numArg, output, type CommonOptions } from './shared.js';

const ALGORITHMS = ['kmeans', 'dbscan', 'agglomerative', 'gmm'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

interface ClusterOptions extends CommonOptions {
  k: number | 'auto';
  algorithm: Algorithm;
  eps: number;
  minSamples: number;
  linkage: 'ward' | 'complete' | 'average' | 'single';
  covarianceType: 'full' | 'tied' | 'diag' | 'spherical';
  scale: boolean;
  silhouetteSample: number;
}

const kArg = (v: string): number | 'auto' => (v === 'auto' ? 'auto' : intArg('-k', 1)(v));

function isConstant(X: Matrix, j: number): boolean {
  const d = X.cols, first = X.data[j]!;
  for (let i = 1; i < X.rows; i++) if (X.data[i * d + j] !== first) return false;
  return true;
}

/** Cluster sizes (labels 0..k-1; -1 is noise and not counted). */
export function clusterSizes(labels: Int32Array): number[] {
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) if (l >= 0) sizes[l]!++;
  return sizes;
}

/**
 * Silhouette, Davies-Bouldin and Calinski-Harabasz on the clustered (non-noise) rows, in the space
 * that was clustered; null when fewer than 2 clusters or every row is its own cluster. The
 * silhouette uses a seeded subsample of `sampleSize` rows above that size (O(n^2) otherwise).
 */
export function clusterScores(X: Matrix, labels: Int32Array, sampleSize: number, seed: number): { silhouette: number | null; daviesBouldin: number | null; calinskiHarabasz: number | null } {
  const keep: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) keep.push(i);
  const lab = Int32Array.from(keep, (i) => labels[i]!);
  const k = new Set(lab).size;
  if (k < 2 || k >= keep.length) return { silhouette: null, daviesBouldin: null, calinskiHarabasz: null };
  const d = X.cols;
  const Xk = keep.length === X.rows ? X : new Matrix(Float64Array.from({ length: keep.length * d }, (_, t) => X.data[keep[Math.floor(t / d)]! * d + (t % d)]!), keep.length, d);
  return {
    silhouette: silhouetteScore(Xk, lab, keep.length > sampleSize ? { sampleSize, randomState: seed } : {}),
    daviesBouldin: daviesBouldinScore(Xk, lab),
    calinskiHarabasz: calinskiHarabaszScore(Xk, lab),
  };
}

/**
 * `deepmine cluster <data> -k N [--algorithm kmeans|dbscan|agglomerative|gmm]`: clusters on
 * standard-scaled features (categorical columns one-hot), with sizes, silhouette, Davies-Bouldin,
 * Calinski-Harabasz, inertia and centers (k-means), BIC/AIC (gmm), and per-cluster feature means.
 */
export function registerCluster(program: Command): void {
  addReportOption(addCommon(program.command('cluster <data>').description('clustering on standard-scaled features: sizes, silhouette, centers and cluster descriptions')
    .addHelpText('before', '\nExamples:\n  deepmine cluster iris -k 3\n  deepmine cluster my.csv -k auto --report cluster-report\n  deepmine cluster wine --algorithm dbscan --eps 1.5\n')
    .option('-k, --k <n>', "number of clusters (kmeans, agglomerative, gmm), or 'auto' (kmeans: best silhouette over k = 2..10)", kArg, 3)
    .option('--algorithm <a>', ALGORITHMS.join(', '), choiceArg('--algorithm', ALGORITHMS), 'kmeans')
    .option('--eps <e>', 'dbscan neighbourhood radius (scaled units)', numArg('--eps', 0, Infinity, { lo: true }), 0.5)
    .option('--min-samples <n>', 'dbscan core-point neighbours', intArg('--min-samples', 1), 5)
    .option('--linkage <l>', 'agglomerative linkage: ward, complete, average, single', choiceArg('--linkage', ['ward', 'complete', 'average', 'single'] as const), 'ward')
    .option('--covariance-type <t>', 'gmm covariance: full, tied, diag, spherical', choiceArg('--covariance-type', ['full', 'tied', 'diag', 'spherical'] as const), 'full')
    .option('--target <column>', 'a label column to leave out of the features (built-in datasets leave theirs out)')
    .option('--no-scale', 'cluster the raw features instead of standard-scaled ones')
    .option('--silhouette-sample <n>', 'rows used for the silhouette above this size', intArg('--silhouette-sample', 2), 10000)))
    .action(async (data: string, opts: ClusterOptions) => {
      const f = await loadFeatures(data, { useTarget: false, na: opts.na, ...(opts.target !== undefined ? { target: opts.target } : {}) });
      const { X, featureNames } = f;
      if (opts.k === 'auto' && opts.algorithm !== 'kmeans') throw new InvalidParameterError('-k', `a number of clusters for --algorithm ${opts.algorithm} ('auto' is for kmeans)`, 'auto', 'deepmine cluster');
      const scaler = opts.scale ? new StandardScaler().fit(X) : null;
      const Z = scaler ? scaler.transform(X) : X;
      const seed = opts.seed;
      let labels: Int32Array;
      let k: number | null = opts.k === 'auto' ? null : opts.k;
      const extra: Record<string, unknown> = {};
      let centersScaled: Matrix | null = null;
      switch (opts.algorithm) {
        case 'kmeans': {
          if (k === null) {
            const ck = chooseK(Z, { kMin: 2, kMax: 10, randomState: seed, silhouetteSampleSize: opts.silhouetteSample });
            k = ck.k;
            extra.chooseK = ck.candidates;
          }
          const km = new KMeans({ nClusters: k, randomState: seed }).fit(Z);
          labels = km.labels;
          centersScaled = km.clusterCenters;
          extra.inertia = km.inertia;
          extra.nIter = km.nIter;
          break;
        }
        case 'gmm': {
          const gm = new GaussianMixture({ nComponents: k!, covarianceType: opts.covarianceType, randomState: seed }).fit(Z);
          labels = gm.predict(Z);
          centersScaled = gm.means;
          Object.assign(extra, { bic: gm.bic(Z), aic: gm.aic(Z), converged: gm.converged, nIter: gm.nIter, weights: gm.weights });
          break;
        }
        case 'agglomerative':
          labels = new AgglomerativeClustering({ nClusters: k!, linkage: opts.linkage }).fit(Z).labels;
          break;
        case 'dbscan': {
          const db = new DBSCAN({ eps: opts.eps, minSamples: opts.minSamples }).fit(Z);
          labels = db.labels;
          k = db.nClusters;
          let noise = 0;
          for (const l of labels) if (l < 0) noise++;
          Object.assign(extra, { eps: opts.eps, minSamples: opts.minSamples, noise, coreSamples: db.coreSampleIndices.length });
          break;
        }
      }
      const sizes = clusterSizes(labels);
      const scores = clusterScores(Z, labels, opts.silhouetteSample, seed);
      // per-cluster feature means (original units) and the features that set each cluster apart (mean z-score)
      const d = X.cols, kk = sizes.length;
      const sums = new Float64Array(kk * d), zsum = new Float64Array(kk * d);
      // two-pass mean and variance; a column whose spread is rounding noise (relative to its mean) is constant and never "distinctive"
      const { mean: mu, scale: sd } = scaleColumns(X);
      const constant = Array.from({ length: d }, (_, j) => sd[j] === 1 && isConstant(X, j));
      for (let i = 0; i < X.rows; i++) {
        const l = labels[i]!;
        if (l < 0) continue;
        for (let j = 0; j < d; j++) { sums[l * d + j]! += X.data[i * d + j]!; zsum[l * d + j]! += (X.data[i * d + j]! - mu[j]!) / sd[j]!; }
      }
      const clusters = sizes.map((size, c) => {
        const means = Array.from({ length: d }, (_, j) => sums[c * d + j]! / size);
        const z = Array.from({ length: d }, (_, j) => zsum[c * d + j]! / size);
        const order = z.map((v, j) => j).filter((j) => !constant[j]).sort((a, b) => Math.abs(z[b]!) - Math.abs(z[a]!)).slice(0, 3);
        return { cluster: c, size, means, distinctive: order.map((j) => ({ feature: featureNames[j]!, z: z[j]!, mean: means[j]! })) };
      });
      const centers = centersScaled && (scaler ? scaler.inverseTransform(centersScaled) : centersScaled);
      const result = {
        source: f.source, algorithm: opts.algorithm, rows: X.rows, droppedRows: f.droppedRows, features: featureNames, scaled: opts.scale,
        k, sizes, ...scores, ...extra,
        ...(centers ? { centers, centersScaled } : {}),
        clusters,
      };
      await commandReport(data, opts as unknown as AnalyzeCliOptions, ['profile', 'clean', 'pca', 'cluster'], { cluster: { k: opts.k === 'auto' || opts.k < 2 ? 'auto' : opts.k } });
      output(opts, result, () => [
        `${opts.algorithm} on ${f.source}: ${X.rows} rows x ${d} features${opts.scale ? ' (standard-scaled)' : ''}${f.droppedRows ? `, ${f.droppedRows} rows with missing values dropped` : ''}`,
        `clusters ${kk}${extra.noise !== undefined ? `, noise ${extra.noise}` : ''}, sizes [${sizes.join(', ')}]`,
        `silhouette ${fmt(scores.silhouette)}, Davies-Bouldin ${fmt(scores.daviesBouldin)}, Calinski-Harabasz ${fmt(scores.calinskiHarabasz, 1)}` +
          (extra.inertia !== undefined ? `, inertia ${fmt(extra.inertia as number)}` : '') + (extra.bic !== undefined ? `, BIC ${fmt(extra.bic as number, 1)}` : ''),
        ...clusters.map((c) => `  cluster ${c.cluster} (${c.size}): ` + c.distinctive.map((t) => `${t.feature} ${t.z >= 0 ? 'high' : 'low'} (mean ${fmt(t.mean, 3)}, z ${t.z.toFixed(2)})`).join('; ')),
      ].join('\n'));
    });
}

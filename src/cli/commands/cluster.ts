import type { Command } from 'commander';
import { AgglomerativeClustering } from '../../cluster/agglomerative.js';
import { chooseK } from '../../cluster/chooseK.js';
import { DBSCAN } from '../../cluster/dbscan.js';
import { GaussianMixture } from '../../cluster/gmm.js';
import { KMeans } from '../../cluster/kmeans.js';
import { MiniBatchKMeans } from '../../cluster/minibatchKmeans.js';
import { DataError, InvalidParameterError } from '../../core/errors.js';
import { RandomState } from '../../core/random.js';
import { scaleOf } from '../../preprocessing/standardScaler.js';
import { addLargeOptions, capLines, columnMoments, featureQuery, fmtInt, largeInput, Progress, RowReservoir, scaleInPlace, streamFeatures, writeOut, type LargeCliOptions, type LargeInput } from '../large.js';
import { Matrix } from '../../core/matrix.js';
import { calinskiHarabaszScore, daviesBouldinScore, silhouetteScore } from '../../metrics/cluster.js';
import { StandardScaler } from '../../preprocessing/standardScaler.js';
import { scaleColumns } from '../../report/stages.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, choiceArg, fmt, intArg, loadFeatures, numArg, output, type CommonOptions } from './shared.js';

const ALGORITHMS = ['kmeans', 'dbscan', 'agglomerative', 'gmm'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

interface ClusterOptions extends CommonOptions, Omit<LargeCliOptions, 'na' | 'json' | 'quiet'> {
  report?: string;
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
  addLargeOptions(addReportOption(addCommon(program.command('cluster <data>').description('clustering on standard-scaled features: sizes, silhouette, centers and cluster descriptions')
    .addHelpText('before', '\nExamples:\n  deepmine cluster iris -k 3\n  deepmine cluster my.csv -k auto --report cluster-report\n  deepmine cluster wine --algorithm dbscan --eps 1.5\n')
    .option('-k, --k <n>', "number of clusters (kmeans, agglomerative, gmm), or 'auto' (kmeans: best silhouette over k = 2..10)", kArg, 3)
    .option('--algorithm <a>', ALGORITHMS.join(', '), choiceArg('--algorithm', ALGORITHMS), 'kmeans')
    .option('--eps <e>', 'dbscan neighbourhood radius (scaled units)', numArg('--eps', 0, Infinity, { lo: true }), 0.5)
    .option('--min-samples <n>', 'dbscan core-point neighbours', intArg('--min-samples', 1), 5)
    .option('--linkage <l>', 'agglomerative linkage: ward, complete, average, single', choiceArg('--linkage', ['ward', 'complete', 'average', 'single'] as const), 'ward')
    .option('--covariance-type <t>', 'gmm covariance: full, tied, diag, spherical', choiceArg('--covariance-type', ['full', 'tied', 'diag', 'spherical'] as const), 'full')
    .option('--target <column>', 'a label column to leave out of the features (built-in datasets leave theirs out)')
    .option('--no-scale', 'cluster the raw features instead of standard-scaled ones')
    .option('--silhouette-sample <n>', 'rows used for the silhouette above this size', intArg('--silhouette-sample', 2), 10000))))
    .action(async (data: string, opts: ClusterOptions) => {
      const big = await largeInput(data, opts);
      if (big) return clusterLarge(big, opts);
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
      writeOut(opts, result, 'cluster');
      output(opts, result, () => [
        `${opts.algorithm} on ${f.source}: ${X.rows} rows x ${d} features${opts.scale ? ' (standard-scaled)' : ''}${f.droppedRows ? `, ${f.droppedRows} rows with missing values dropped` : ''}`,
        `clusters ${kk}${extra.noise !== undefined ? `, noise ${extra.noise}` : ''}, sizes [${sizes.join(', ')}]`,
        `silhouette ${fmt(scores.silhouette)}, Davies-Bouldin ${fmt(scores.daviesBouldin)}, Calinski-Harabasz ${fmt(scores.calinskiHarabasz, 1)}` +
          (extra.inertia !== undefined ? `, inertia ${fmt(extra.inertia as number)}` : '') + (extra.bic !== undefined ? `, BIC ${fmt(extra.bic as number, 1)}` : ''),
        ...clusters.map((c) => `  cluster ${c.cluster} (${c.size}): ` + c.distinctive.map((t) => `${t.feature} ${t.z >= 0 ? 'high' : 'low'} (mean ${fmt(t.mean, 3)}, z ${t.z.toFixed(2)})`).join('; ')),
      ].join('\n'));
    });
}

/**
 * Large-data `cluster`: MiniBatchKMeans over streamed, standard-scaled row blocks (one block per
 * mini-batch step; means and variances from one DuckDB scan), then a second streamed pass for the
 * labels: exact cluster sizes, inertia and per-cluster means over every row, and the silhouette,
 * Davies-Bouldin and Calinski-Harabasz scores on a seeded reservoir sample of --silhouette-sample rows.
 */
async function clusterLarge(big: LargeInput, opts: ClusterOptions): Promise<void> {
  const owner = 'deepmine cluster';
  if (opts.report) throw new InvalidParameterError('--report', 'no --report in large-data mode (the report needs the data in memory; use --no-stream)', opts.report, owner);
  if (opts.algorithm !== 'kmeans') throw new InvalidParameterError('--algorithm', 'kmeans in large-data mode (streamed MiniBatchKMeans; dbscan, agglomerative and gmm need the data in memory: --no-stream)', opts.algorithm, owner);
  if (opts.k === 'auto') throw new InvalidParameterError('-k', "a number of clusters in large-data mode ('auto' compares fits in memory: --no-stream)", 'auto', owner);
  const k = opts.k;
  const prog = new Progress('cluster', big.rows, !!opts.quiet);
  prog.note(`large-data mode (${big.reason}): streaming ${big.path} in blocks of ${fmtInt(opts.batchRows)} rows into MiniBatchKMeans (k = ${k}), then a labelling pass`);
  const q = await featureQuery(big.path, { exclude: opts.target ?? null, ...(opts.na ? { na: opts.na } : {}) });
  try {
    const featureNames = q.featureNames;
    const d = featureNames.length;
    // means and variances (one DuckDB scan): the scaling, and the z-scores that describe clusters
    prog.start('column means and variances (DuckDB scan)');
    const { mean, variance, rows: counted } = await columnMoments(q, d);
    const scale = Float64Array.from(variance, (v, j) => scaleOf(mean[j]!, v, counted));
    prog.end(counted);
    const mb = new MiniBatchKMeans({ nClusters: k, randomState: opts.seed, batchSize: opts.batchRows, computeLabels: false });
    let rows = 0;
    prog.start('pass 1/2 (MiniBatchKMeans.partialFit)');
    for await (const B of streamFeatures(q, opts.batchRows)) {
      if (opts.scale) scaleInPlace(B, mean, scale);
      if (rows === 0 && B.rows < k) throw new InvalidParameterError('-k', `at most ${B.rows} clusters (rows in the first block)`, k, owner);
      mb.partialFit(B);
      rows += B.rows;
      prog.tick(rows);
    }
    if (rows === 0) throw new DataError('data', 'at least one row without missing values', `${fmtInt(big.rows)} rows, all with a missing value`, owner);
    prog.end(rows);
    const Cs = mb.clusterCenters;
    const sizes = new Array<number>(k).fill(0);
    const sums = new Float64Array(k * d), zsum = new Float64Array(k * d);
    let inertia = 0;
    const rng = new RandomState(opts.seed);
    const sample = new RowReservoir(opts.silhouetteSample, d + 1, () => rng.nextDouble());
    let seen = 0;
    prog.start('pass 2/2 (labels, sizes, inertia)');
    for await (const B of streamFeatures(q, opts.batchRows)) {
      const Z = opts.scale ? scaleInPlace(B, mean, scale) : B;
      const labels = mb.predict(Z);
      const withLabel = new Float64Array(Z.rows * (d + 1));
      for (let i = 0; i < Z.rows; i++) {
        const l = labels[i]!;
        sizes[l]!++;
        let dist = 0;
        for (let j = 0; j < d; j++) {
          const z = Z.data[i * d + j]!;
          const e = z - Cs.data[l * d + j]!;
          dist += e * e;
          const x = opts.scale ? z * scale[j]! + mean[j]! : z;
          sums[l * d + j]! += x;
          zsum[l * d + j]! += opts.scale ? z : (z - mean[j]!) / scale[j]!;
          withLabel[i * (d + 1) + j] = z;
        }
        withLabel[i * (d + 1) + d] = l;
        inertia += dist;
      }
      sample.add(new Matrix(withLabel, Z.rows, d + 1));
      seen += Z.rows;
      prog.tick(seen);
    }
    prog.end(seen);
    const S = sample.matrix();
    const m = S.rows;
    const Zs = new Matrix(new Float64Array(m * d), m, d);
    const ls = new Int32Array(m);
    for (let i = 0; i < m; i++) { for (let j = 0; j < d; j++) Zs.data[i * d + j] = S.data[i * (d + 1) + j]!; ls[i] = S.data[i * (d + 1) + d]!; }
    const scores = clusterScores(Zs, ls, opts.silhouetteSample, opts.seed);
    const clusters = sizes.map((size, c) => {
      const means = Array.from({ length: d }, (_, j) => (size ? sums[c * d + j]! / size : NaN));
      const z = Array.from({ length: d }, (_, j) => (size ? zsum[c * d + j]! / size : NaN));
      const order = z.map((v, j) => j).filter((j) => variance[j]! > 0).sort((a, b) => Math.abs(z[b]!) - Math.abs(z[a]!)).slice(0, 3);
      return { cluster: c, size, means, distinctive: order.map((j) => ({ feature: featureNames[j]!, z: z[j]!, mean: means[j]! })) };
    });
    const centers = new Matrix(Cs.data.map((v, t) => (opts.scale ? v * scale[t % d]! + mean[t % d]! : v)), k, d);
    const result = {
      source: big.path, mode: 'stream', algorithm: 'minibatch-kmeans', rows, droppedRows: big.rows - rows, features: featureNames, scaled: opts.scale,
      k, sizes, ...scores, scoresOnSample: m, inertia, nSteps: mb.nSteps, centers, centersScaled: Cs, clusters, seconds: prog.elapsed,
    };
    writeOut(opts, result, 'cluster');
    output(opts, result, () => [
      `MiniBatchKMeans on ${big.path}: ${fmtInt(rows)} rows x ${d} features${opts.scale ? ' (standard-scaled)' : ''}${big.rows > rows ? `, ${fmtInt(big.rows - rows)} rows with missing values dropped` : ''} (streamed in ${prog.elapsed.toFixed(1)} s)`,
      `clusters ${k}, sizes [${sizes.join(', ')}], inertia ${fmt(inertia)}`,
      `on a seeded sample of ${fmtInt(m)} rows: silhouette ${fmt(scores.silhouette)}, Davies-Bouldin ${fmt(scores.daviesBouldin)}, Calinski-Harabasz ${fmt(scores.calinskiHarabasz, 1)}`,
      ...capLines(clusters.map((c) => `  cluster ${c.cluster} (${c.size}): ` + c.distinctive.map((t) => `${t.feature} ${t.z >= 0 ? 'high' : 'low'} (mean ${fmt(t.mean, 3)}, z ${t.z.toFixed(2)})`).join('; ')), 50, 'clusters', !!opts.out),
    ].join('\n'));
  } finally {
    q.cleanup();
  }
}

/**
 * Linear vs non-linear dimensionality reduction on the 8x8 digits.
 * Run: node --import tsx examples/pca-autoencoder.ts
 *
 * Steps: standardise the 64 pixels, see how many principal components keep 90% of the variance,
 * then squeeze the data to 2 dimensions with PCA(2) and with an Autoencoder (latentDim 2), compare
 * their reconstruction errors, and cluster the autoencoder's 2-D embedding with KMeans.
 */
import { adjustedRandScore, Autoencoder, KMeans, loadDatasetAsync, PCA, StandardScaler, type Matrix } from '../src/index.js';

// 1. Data: 1797 images x 64 pixel intensities (0-16), labels 0-9. Standardise each pixel.
const { X, y } = await loadDatasetAsync('digits');
const Xs = new StandardScaler().fitTransform(X);

// 2. PCA with a variance fraction: keep the fewest components explaining >= 90% of the variance.
const pca90 = new PCA({ nComponents: 0.9 }).fit(Xs);
const ratio = pca90.explainedVarianceRatio;
const cumulative = Array.from(ratio).reduce<number[]>((acc, r) => [...acc, (acc.at(-1) ?? 0) + r], []);
console.log(`PCA(0.9): ${pca90.nComponentsOut} of 64 components, ${(cumulative.at(-1)! * 100).toFixed(1)}% variance`);
console.log('first 5 ratios:', Array.from(ratio.slice(0, 5), (r) => r.toFixed(4)).join(' '));

// Mean squared reconstruction error over all cells (same definition as Autoencoder's per-row MSE).
function mse(A: Matrix, B: Matrix): number {
  let s = 0;
  for (let i = 0; i < A.data.length; i++) s += (A.data[i]! - B.data[i]!) ** 2;
  return s / A.data.length;
}

// 3. Two-dimensional codes. PCA(2): the best LINEAR 2-D projection for squared error.
const pca2 = new PCA({ nComponents: 2 }).fit(Xs);
const Zpca = pca2.transform(Xs);
const pcaErr = mse(Xs, pca2.inverseTransform(Zpca));

// 4. Autoencoder 64 -> 32 -> 2 -> 32 -> 64 (relu hidden layers, linear code and output), trained
//    with Adam to reproduce its input; the non-linear encoder can beat PCA at the same size.
const ae = new Autoencoder({ encoderLayers: [32], latentDim: 2, epochs: 40, batchSize: 32, learningRate: 0.003, randomState: 0 }).fit(Xs);
const Zae = ae.transform(Xs);
const aeErr = ae.reconstructionError(Xs).reduce((s, v) => s + v, 0) / Xs.rows;
console.log(`reconstruction MSE with 2 dimensions: PCA ${pcaErr.toFixed(4)}, autoencoder ${aeErr.toFixed(4)}`);
console.log(`(PCA(2) keeps ${((pca2.explainedVarianceRatio[0]! + pca2.explainedVarianceRatio[1]!) * 100).toFixed(1)}% of the variance)`);

// 5. Cluster each 2-D embedding into 10 groups and compare with the true digits (adjusted Rand
//    index: 1 = the digit classes exactly, 0 = chance).
const labels = Array.from(y);
for (const [name, Z] of [['PCA(2)', Zpca], ['autoencoder', Zae]] as const) {
  const km = new KMeans({ nClusters: 10, nInit: 4, randomState: 0 }).fit(Z);
  console.log(`KMeans(10) on ${name} embedding: ARI vs digit labels ${adjustedRandScore(labels, km.labels).toFixed(4)}`);
}

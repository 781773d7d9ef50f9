/**
 * Autoencoder features -> k-means -> cluster profiles in words: a small autoencoder compresses
 * the 13 wine measurements to 2 codes, KMeans clusters the codes, and `describeClusters` explains
 * the clusters in the original units (rules and contrast itemsets).
 * Run: node --import tsx examples/ae-kmeans.ts   (a few seconds)
 */
import { AutoencoderFeatures, clusteringAccuracy, describeClusters, KMeans, loadDataset, StandardScaler } from '../src/node.js';

const { X, y, featureNames } = loadDataset('wine');
const Xs = new StandardScaler().fitTransform(X);

// 1. 13 standardised measurements -> 2 autoencoder codes (13-8-2-8-13 net)
const ae = new AutoencoderFeatures({ encoderSizes: [8, 2], epochs: 200, batchSize: 16, learningRate: 0.005, randomState: 0 }).fit(Xs);
const Z = ae.transform(Xs);
console.log(`autoencoder: ${ae.getFeatureNamesOut().join(', ')}; reconstruction MSE ${ae.lossCurve.at(-1)!.toFixed(3)} (epoch 1: ${ae.lossCurve[0]!.toFixed(3)})`);

// 2. k-means on the codes
const km = new KMeans({ nClusters: 3, nInit: 10, randomState: 0 }).fit(Z);
const sizes = [0, 0, 0];
for (const l of km.labels) sizes[l]!++;
console.log(`KMeans(3) on the codes: cluster sizes ${sizes.join(', ')}; accuracy vs cultivar ${clusteringAccuracy(y, km.labels).toFixed(3)}`);

// 3. what the clusters are, in the original units
console.log(String(describeClusters(X, km.labels, { featureNames, maxDepth: 2, minSupport: 0.3, nBins: 4, minLift: 1.5 })));

/**
 * Clustering the wine data, then explaining the clusters with a decision tree.
 * Run: node --import tsx examples/clustering.ts
 *
 * Steps: standardise, pick k by silhouette, fit KMeans, score it, describe each cluster with the
 * IF-THEN rules of a shallow tree trained on the cluster labels, and compare with DBSCAN and
 * agglomerative (Ward) clustering through the adjusted Rand index.
 */
import {
  adjustedRandScore, AgglomerativeClustering, chooseK, daviesBouldinScore, DBSCAN,
  DecisionTreeClassifier, KMeans, loadDatasetAsync, silhouetteScore, StandardScaler,
} from '../src/index.js';

// 1. Data: 178 wines x 13 chemical measurements on very different scales -> standardise.
const { X, featureNames } = await loadDatasetAsync('wine');
const Xs = new StandardScaler().fitTransform(X);

// 2. Try k = 2..6 and keep the k with the best mean silhouette.
const choice = chooseK(Xs, { kMin: 2, kMax: 6, method: 'silhouette', randomState: 0 });
for (const c of choice.candidates) {
  console.log(`k=${c.k}  inertia=${c.inertia.toFixed(1).padStart(7)}  silhouette=${c.silhouette.toFixed(4)}`);
}
console.log(`chosen k: ${choice.k}`);

// 3. KMeans with the chosen k (k-means++ seeded as in scikit-learn), and two internal scores:
//    silhouette (higher is better, max 1) and Davies-Bouldin (lower is better, min 0).
const km = new KMeans({ nClusters: choice.k, nInit: 10, randomState: 0 }).fit(Xs);
const kmLabels = km.labels;
const sizes = Array.from({ length: choice.k }, (_, c) => kmLabels.filter((l) => l === c).length);
console.log(`KMeans: sizes ${sizes.join('/')}, inertia ${km.inertia.toFixed(1)}`);
console.log(`  silhouette ${silhouetteScore(Xs, kmLabels).toFixed(4)}, davies-bouldin ${daviesBouldinScore(Xs, kmLabels).toFixed(4)}`);

// 4. Describe the clusters: a depth-2 tree learns the cluster labels from the ORIGINAL units
//    (so thresholds read as real measurements); its leaves are readable cluster definitions.
const explainer = new DecisionTreeClassifier({ maxDepth: 2, randomState: 0 }).fit(X, Array.from(kmLabels));
const agreement = explainer.score(X, Array.from(kmLabels));
console.log(`cluster rules (tree reproduces ${(agreement * 100).toFixed(1)}% of the KMeans labels):`);
for (const rule of explainer.toRules({ featureNames, decimals: 2 })) console.log('  ' + String(rule));

// 5. Two other algorithms on the same scaled data, compared with KMeans by the adjusted Rand
//    index (1 = the same partition, ~0 = no better than chance; noise points count as a group).
const db = new DBSCAN({ eps: 2.3, minSamples: 5 }).fit(Xs);
const nNoise = db.labels.filter((l) => l === -1).length;
const nDb = new Set(Array.from(db.labels).filter((l) => l >= 0)).size;
console.log(`DBSCAN (eps 2.3): ${nDb} clusters, ${nNoise} noise points, ARI vs KMeans ${adjustedRandScore(kmLabels, db.labels).toFixed(4)}`);

const ward = new AgglomerativeClustering({ nClusters: choice.k, linkage: 'ward' }).fit(Xs);
console.log(`Agglomerative (ward): ARI vs KMeans ${adjustedRandScore(kmLabels, ward.labels).toFixed(4)}, `
  + `silhouette ${silhouetteScore(Xs, ward.labels).toFixed(4)}`);

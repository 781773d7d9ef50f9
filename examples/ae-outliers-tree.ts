/**
 * Clean before you mine: an autoencoder flags the training rows it reconstructs worst
 * (AutoencoderOutlierDetector, scikit-learn's detector API) and a decision tree is trained with
 * and without them. The test set is left untouched.
 * Run: node --import tsx examples/ae-outliers-tree.ts   (a few seconds)
 */
import { AutoencoderOutlierDetector, DecisionTreeClassifier, loadDataset, StandardScaler, trainTestSplit } from '../src/node.js';

const { X, y } = loadDataset('breast_cancer');
const [Xtr, Xte, ytr, yte] = trainTestSplit(X, Array.from(y), { testSize: 0.3, stratify: Array.from(y), randomState: 0 });
const sc = new StandardScaler().fit(Xtr);
const A = sc.transform(Xtr), B = sc.transform(Xte);

// 1. flag the 5% of training rows with the largest reconstruction error
const det = new AutoencoderOutlierDetector({ encoderSizes: [16, 4], epochs: 100, batchSize: 16, contamination: 0.05, randomState: 0 }).fit(A);
const keep = Int32Array.from(Array.from(det.predict(A).entries()).filter(([, v]) => v === 1).map(([i]) => i));
console.log(`outliers removed: ${A.rows - keep.length} of ${A.rows} training rows (offset ${det.offset.toFixed(3)})`);

// 2. the same tree with and without them
const acc = (pred: ArrayLike<unknown>) => Array.from(pred).filter((v, i) => v === yte[i]).length / yte.length;
const full = new DecisionTreeClassifier({ maxDepth: 4, randomState: 0 }).fit(A, ytr);
const clean = new DecisionTreeClassifier({ maxDepth: 4, randomState: 0 }).fit(A.takeRows(keep), Array.from(keep, (i) => ytr[i]!));
console.log(`tree test accuracy: all rows ${acc(full.predict(B)).toFixed(3)}, outliers removed ${acc(clean.predict(B)).toFixed(3)}`);

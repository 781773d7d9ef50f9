/**
 * Read a neural net as rules: a surrogate tree mimics an MLPClassifier on breast_cancer, each leaf
 * is a rule with its coverage, precision (vs the true labels) and fidelity (vs the net); then the
 * net's hidden layer is mined for units that fire together, each pattern described by a short rule.
 * Run: node --import tsx examples/surrogate-rules.ts
 */
import { extractRules, loadDatasetAsync, mineActivations, MLPClassifier, StandardScaler, SurrogateTree, trainTestSplit } from '../src/index.js';

// 1. Data and the black box: 569 tumours x 30 features (0 = malignant, 1 = benign), 80/20 split.
const { X, y, featureNames } = await loadDatasetAsync('breast_cancer');
const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.2, stratify: y, randomState: 42 });
const scaler = new StandardScaler().fit(XTrain);
const [Xtr, Xte] = [scaler.transform(XTrain), scaler.transform(XTest)];
const net = new MLPClassifier({ hiddenLayerSizes: [32], maxIter: 300, randomState: 0 }).fit(Xtr, yTrain);
console.log(`net test accuracy ${net.score(Xte, yTest).toFixed(3)}`);

// 2. A surrogate tree fitted on the net's predictions (not the labels). Thresholds are in
//    standardised units (the net's input); 2000 extra rows around the training rows, labelled by
//    the net, show the tree more of the net's boundary.
const sur = new SurrogateTree({ model: net, maxLeafNodes: 8, featureNames, nSynthetic: 2000, syntheticNoise: 0.1, randomState: 0 }).fit(Xtr, yTrain);
console.log(`surrogate: ${sur.tree.getNLeaves()} rules, fidelity train ${sur.trainFidelity.toFixed(3)}, test ${sur.fidelity(Xte).toFixed(3)}`);
console.log(sur.toText());

// 3. The same rules scored on the test rows.
const onTest = sur.evaluateRules(Xte, yTest).sort((a, b) => b.support - a.support);
console.log(`\non the test rows, the largest rule: ${onTest[0]!.text}`);

// 4. One call: extractRules returns { rules, fidelity, tree }.
const { rules, fidelity } = extractRules(net, Xtr, { maxDepth: 2, maxLeafNodes: null, featureNames, y: yTrain });
console.log(`\nextractRules(maxDepth 2): ${rules.length} rules, fidelity ${fidelity.toFixed(3)}`);

// 5. What the hidden layer responds to: frequent co-activations of its ReLU units.
const act = mineActivations(net, Xtr, { minSupport: 0.3, maxLen: 3, topK: 5, featureNames });
console.log(`\nhidden-layer co-activation patterns (support >= 0.3), top ${act.patterns.length}:`);
for (const p of act.patterns) {
  const r = p.rule;
  console.log(`  units {${p.units.join(', ')}} support ${p.support.toFixed(2)} <= ${r ? `${r.text} (precision ${r.precision.toFixed(2)}, recall ${r.recall.toFixed(2)})` : 'always active'}`);
}

/**
 * The seed program (README "Quick start"), type-checked by `npm test`.
 * Run: npx tsx examples/seed.ts [data.csv target]   (default: built-in breast_cancer)
 */
import { accuracyScore, Dense, DecisionTreeClassifier, loadDataset, readCsv, Sequential, StandardScaler, toMatrix, trainTestSplit, closeConnection } from '../src/node.js';
import type { Matrix } from '../src/core/matrix.js';

const [path, target] = process.argv.slice(2);
let X: Matrix;
let y: number[];
let names: string[];
if (path && target) {
  const table = await readCsv(path);
  const xy = toMatrix(table, { target });
  const labels = Array.from(xy.y as ArrayLike<number | string>);
  const positive = [...new Set(labels)].sort()[1];
  ({ X } = xy);
  y = labels.map((v) => (v === positive ? 1 : 0));
  names = xy.featureNames;
} else {
  const ds = loadDataset('breast_cancer');
  ({ X } = ds);
  y = Array.from(ds.y);
  names = ds.featureNames;
}
const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });

const tree = new DecisionTreeClassifier({ randomState: 42 }).fit(XTrain, yTrain);
console.log('tree accuracy', accuracyScore(yTest, tree.predict(XTest)));
console.log(tree.toRules({ featureNames: names }).slice(0, 3).map(String).join('\n'));

const scaler = new StandardScaler().fit(XTrain);
const model = new Sequential([new Dense(10, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
model.fit(scaler.transform(XTrain), yTrain, { epochs: 10, batchSize: 32, randomState: 42 });
console.log('net', model.evaluate(scaler.transform(XTest), yTest));
await closeConnection();

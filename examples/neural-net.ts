/**
 * A Keras-style network on breast_cancer: regularised layers, AdamW with a decaying learning rate,
 * early stopping, a plateau-driven fine-tune, save/load, and an MLPClassifier cross-validated.
 * Run: node --import tsx examples/neural-net.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdamW, BatchNormalization, closePool, crossValidate, Dense, Dropout, EarlyStopping, ExponentialDecay,
  Input, loadDataset, loadModelFile, MLPClassifier, Pipeline, ReduceLROnPlateau, Sequential,
  StandardScaler, trainTestSplit,
} from '../src/node.js';

// 1. Data: 569 tumours x 30 features, y = 0 (malignant) / 1 (benign). Stratified 80/20 split,
//    scaler fitted on the training rows only.
const { X, y } = loadDataset('breast_cancer');
const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.2, stratify: y, randomState: 42 });
const scaler = new StandardScaler().fit(XTrain);
const [Xtr, Xte] = [scaler.transform(XTrain), scaler.transform(XTest)];

// 2. The network: 30 -> 32 (relu, L2) -> batch norm -> dropout -> 1 (sigmoid).
const model = new Sequential([
  Input({ shape: [30] }),
  new Dense(32, { activation: 'relu', l2: 1e-4 }),
  new BatchNormalization(),
  new Dropout(0.2),
  new Dense(1, { activation: 'sigmoid' }),
]);

// 3. Phase 1: AdamW whose learning rate decays by 10% every 50 steps; 20% of the training rows
//    are held out (validationSplit), and EarlyStopping watches their loss (val_loss).
model.compile({
  optimizer: new AdamW({ learningRate: new ExponentialDecay({ initialLearningRate: 3e-3, decaySteps: 50, decayRate: 0.9 }) }),
  loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'],
});
const h1 = model.fit(Xtr, yTrain, { epochs: 60, batchSize: 32, validationSplit: 0.2, randomState: 0,
  callbacks: [new EarlyStopping({ patience: 8, restoreBestWeights: true })] });
const best = h1.history.val_loss!.indexOf(Math.min(...h1.history.val_loss!)); // the restored epoch
const at = (k: string) => h1.history[k]![best]!.toFixed(4);
console.log(`phase 1: ${h1.epoch.length} epochs, best epoch ${best + 1}: val_loss ${at('val_loss')}, val_auc ${at('val_auc')}`);

// 4. Phase 2: fine-tune with a fixed rate that ReduceLROnPlateau can lower (as in Keras, it needs
//    a numeric learning rate, not a schedule). Recompiling keeps the trained weights.
const fineTune = new AdamW({ learningRate: 1e-3 });
model.compile({ optimizer: fineTune, loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'] });
const h2 = model.fit(Xtr, yTrain, { epochs: 30, batchSize: 32, validationSplit: 0.2, randomState: 1,
  callbacks: [new ReduceLROnPlateau({ factor: 0.5, patience: 3 }), new EarlyStopping({ patience: 8, restoreBestWeights: true })] });
console.log(`phase 2: ${h2.epoch.length} epochs, final learning rate ${fineTune.learningRate}`);

// 5. Test-set metrics (auc is the exact ROC AUC).
const scores = model.evaluate(Xte, yTest);
console.log('test:', Object.entries(scores).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', '));

// 6. Save to JSON in a temporary directory and load it back: predictions are bit-identical.
const dir = await mkdtemp(join(tmpdir(), 'deepmine-example-'));
const file = join(dir, 'model.json');
await model.save(file);
const restored = await loadModelFile<Sequential>(file);
const same = model.predict(Xte).data.every((v, i) => v === restored.predict(Xte).data[i]);
console.log(`save/load round trip: identical predictions = ${same}`);
await rm(dir, { recursive: true });

// 7. scikit-learn-style estimator on the same engine, in a Pipeline (the scaler is refitted in
//    each fold), 5-fold cross-validated on the worker pool (nJobs: 2) with two scorers.
//    The pool is shut down at the end so the process can exit.
const mlp = new Pipeline([
  ['scale', new StandardScaler()],
  ['mlp', new MLPClassifier({ hiddenLayerSizes: [32], maxIter: 60, randomState: 0 })],
]);
const cv = await crossValidate(mlp, X, y, { cv: 5, scoring: ['accuracy', 'neg_log_loss'], nJobs: 2 });
const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(`MLPClassifier 5-fold CV: accuracy ${mean(cv.test.accuracy!).toFixed(4)}, log loss ${(-mean(cv.test.neg_log_loss!)).toFixed(4)}`);
await closePool();

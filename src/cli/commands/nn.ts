import type { Command } from 'commander';
import { InvalidParameterError, DataError } from '../../core/errors.js';
import { r2Score } from '../../metrics/regression.js';
import { trainTestSplit } from '../../modelSelection/split.js';
import { ACTIVATION_NAMES } from '../../nn/activations.js';
import { ProgressLogger } from '../../nn/callbacks.js';
import { Dense } from '../../nn/layers.js';
import type { LossName } from '../../nn/losses.js';
import { getOptimizer } from '../../nn/optimizers.js';
import { Sequential } from '../../nn/sequential.js';
import { StandardScaler } from '../../preprocessing/standardScaler.js';
import { saveBundles, specsFromNames } from '../bundle.js';
import { imputeMedian } from '../../report/stages.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, choiceArg, fmt, intArg, io, loadFeatures, numArg, output, type CommonOptions } from './shared.js';

interface NnOptions extends CommonOptions {
  layers: number[];
  activation: string;
  epochs: number;
  batchSize: number;
  learningRate?: number;
  optimizer: string;
  testSize: number;
  task: 'auto' | 'classification' | 'regression';
  saveModel?: string;
  report?: string;
  force?: boolean;
}

const layersArg = (v: string): number[] => {
  const parts = v.split(',').map((s) => s.trim());
  if (v.trim() === '') return [];
  const units = parts.map(Number);
  if (units.some((u, i) => !/^\d+$/.test(parts[i]!) || u < 1)) throw new InvalidParameterError('--layers', 'comma-separated hidden layer sizes >= 1, e.g. 64,32', v, 'deepmine nn');
  return units;
};

/** Sorted distinct labels (numbers ascending, then strings). */
export function sortedClasses(y: readonly (number | string)[]): (number | string)[] {
  return [...new Set(y)].sort((a, b) => (typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1));
}

/** The network the command trains (exported for tests and reports). */
export function buildNet(hidden: readonly number[], activation: string, task: 'binary' | 'multiclass' | 'regression', nClasses: number): Sequential {
  const layers = hidden.map((u) => new Dense(u, { activation }));
  if (task === 'binary') layers.push(new Dense(1, { activation: 'sigmoid' }));
  else if (task === 'multiclass') layers.push(new Dense(nClasses, { activation: 'softmax' }));
  else layers.push(new Dense(1));
  return new Sequential(layers);
}

/**
 * `deepmine nn <data> --target C [--layers 64,32] [--epochs E] [--batch-size B]`: stratified
 * train/test split, standard-scaled inputs (categorical columns one-hot), a Sequential net with
 * ReLU hidden layers and a sigmoid (binary), softmax (multiclass) or linear (regression) output,
 * trained with adam; prints the loss curve and the test accuracy (R^2 for regression).
 */
export function registerNn(program: Command): void {
  addReportOption(addCommon(program.command('nn <data>').description('Sequential neural net on standard-scaled features (and target, for regression): loss curve and test accuracy')
    .addHelpText('before', '\nExamples:\n  deepmine nn iris --layers 16 --epochs 50\n  deepmine nn diabetes --task regression --json\n  deepmine nn my.csv --target label --save-model models\n')
    .option('--save-model <dir>', 'save the net as DIR/nn.json (for deepmine predict / evaluate)')
    .option('--target <column>', 'target column (built-in datasets: their own target)')
    .option('--layers <sizes>', 'hidden layer sizes, comma-separated', layersArg, [64, 32])
    .option('--activation <a>', 'hidden activation', choiceArg('--activation', ACTIVATION_NAMES), 'relu')
    .option('--epochs <e>', 'training epochs', intArg('--epochs', 1), 20)
    .option('--batch-size <b>', 'mini-batch size', intArg('--batch-size', 1), 32)
    .option('--optimizer <o>', 'adam, adamw, sgd, rmsprop or adagrad', choiceArg('--optimizer', ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const), 'adam')
    .option('--learning-rate <r>', 'optimizer learning rate (default: the optimizer\'s)', numArg('--learning-rate', 0, Infinity, { lo: true }))
    .option('--test-size <f>', 'test fraction', numArg('--test-size', 0, 1, { lo: true, hi: true }), 0.2)
    .option('--task <t>', "auto (string or few integer labels: classification), classification or regression", choiceArg('--task', ['auto', 'classification', 'regression'] as const), 'auto')))
    .action(async (data: string, opts: NnOptions) => {
      const f = await loadFeatures(data, { requireTarget: true, na: opts.na, ...(opts.target !== undefined ? { target: opts.target } : {}) });
      const y = f.y!;
      let task = opts.task === 'auto' ? f.task ?? 'auto' : opts.task;
      const classes = sortedClasses(y);
      if (task === 'auto') task = y.some((v) => typeof v === 'string') || (classes.length <= 20 && y.every((v) => Number.isInteger(v))) ? 'classification' : 'regression';
      if (task === 'regression' && y.some((v) => typeof v === 'string')) throw new DataError('--target', 'a numeric column for --task regression', `column ${JSON.stringify(f.targetName)} with string labels`, 'deepmine nn');
      if (task === 'classification' && classes.length < 2) throw new DataError('--target', 'at least 2 classes', `${classes.length} class`, 'deepmine nn');
      const kind = task === 'regression' ? 'regression' : classes.length === 2 ? 'binary' : 'multiclass';
      const index = new Map(classes.map((c, i) => [c, i]));
      const yNum = kind === 'regression' ? (y as number[]) : y.map((v) => index.get(v)!);
      const [XTrain, XTest, yTrain, yTest] = trainTestSplit(f.X, yNum, { testSize: opts.testSize, randomState: opts.seed, stratify: kind === 'regression' ? null : yNum });
      const scaler = new StandardScaler().fit(XTrain);
      const model = buildNet(opts.layers, opts.activation, kind, classes.length);
      const loss: LossName = kind === 'binary' ? 'binaryCrossentropy' : kind === 'multiclass' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError';
      model.compile({ optimizer: getOptimizer(opts.learningRate !== undefined ? { name: opts.optimizer, learningRate: opts.learningRate } : opts.optimizer), loss, metrics: kind === 'regression' ? ['mae'] : ['accuracy'] });
      const progress = !opts.quiet && !opts.json ? [new ProgressLogger(opts.epochs, (s) => io.err(s))] : [];
      // regression: train on the standard-scaled target (a date or a price in the millions would give a huge loss), predict back in its units
      let yMean = 0, yScale = 1;
      if (kind === 'regression') {
        const yt = yTrain as number[];
        yMean = yt.reduce((a, b) => a + b, 0) / yt.length;
        let ss = 0;
        for (const v of yt) ss += (v - yMean) ** 2;
        yScale = Math.sqrt(ss / yt.length) || 1;
      }
      const yFit = kind === 'regression' ? (yTrain as number[]).map((v) => (v - yMean) / yScale) : (yTrain as number[]);
      const history = model.fit(scaler.transform(XTrain), yFit, { epochs: opts.epochs, batchSize: opts.batchSize, randomState: opts.seed, callbacks: progress });
      const ZTest = scaler.transform(XTest);
      const test: Record<string, number> = {};
      if (kind === 'regression') {
        const yt = yTest as number[];
        const pred = Array.from(model.predict(ZTest).data, (v) => v * yScale + yMean);
        let mse = 0, mae = 0;
        for (let i = 0; i < yt.length; i++) { mse += (yt[i]! - pred[i]!) ** 2 / yt.length; mae += Math.abs(yt[i]! - pred[i]!) / yt.length; }
        test.loss = mse;
        test.mae = mae;
        test.r2 = r2Score(yt, pred) as number;
      } else {
        const ev = model.evaluate(ZTest, yTest as number[]);
        test.loss = ev.loss;
        test.accuracy = ev.accuracy!;
      }
      if (opts.saveModel) {
        saveBundles(opts.saveModel, { nn: {
          format: 'deepmine-model-bundle', version: 1, model: 'neural net', task: kind === 'regression' ? 'regression' : 'classification', target: f.targetName!,
          classes: kind === 'regression' ? null : classes.map(String), features: specsFromNames(f.featureNames, f.oneHot), medians: Array.from(imputeMedian(XTrain, XTrain).medians),
          scaler: { mean: Array.from(scaler.mean as ArrayLike<number>), scale: Array.from(scaler.scale as ArrayLike<number>) },
          targetScaling: kind === 'regression' ? { mean: yMean, scale: yScale } : null, estimator: model.toJSON(),
        } }, !!opts.force);
      }
      await commandReport(data, opts as unknown as AnalyzeCliOptions, ['profile', 'clean', 'split', 'nn'], { testSize: opts.testSize, nn: { layers: opts.layers.length ? opts.layers : [32], epochs: opts.epochs, batchSize: opts.batchSize } });
      const units = [...opts.layers, kind === 'multiclass' ? classes.length : 1];
      const result = {
        source: f.source, target: f.targetName, task: kind, classes: kind === 'regression' ? null : classes,
        rows: f.X.rows, droppedRows: f.droppedRows, features: f.X.cols, train: XTrain.rows, test: XTest.rows,
        layers: units, activation: opts.activation, loss, optimizer: opts.optimizer, epochs: opts.epochs, batchSize: opts.batchSize,
        ...test, targetScaled: kind === 'regression', history: history.history,
      };
      output(opts, result, () => [
        `nn on ${f.source}, target ${f.targetName}: ${kind}${kind === 'regression' ? '' : ` (${classes.length} classes)`}, ${f.X.rows} rows x ${f.X.cols} features (standard-scaled)` +
          (f.droppedRows ? `, ${f.droppedRows} rows with missing values dropped` : ''),
        `Sequential([${units.map((u, i) => `Dense(${u}${i < opts.layers.length ? `, ${opts.activation}` : kind === 'binary' ? ', sigmoid' : kind === 'multiclass' ? ', softmax' : ''})`).join(', ')}]), ${opts.optimizer} + ${loss}, ${opts.epochs} epochs, batch ${opts.batchSize}; train ${XTrain.rows}, test ${XTest.rows}`,
        `loss per epoch: ${history.history.loss!.map((v) => fmt(v)).join(' ')}`,
        kind === 'regression' ? `(target standard-scaled for training) test mse ${fmt(test.loss)}, mae ${fmt(test.mae)}, R^2 ${fmt(test.r2)}` : `test accuracy ${fmt(test.accuracy)} (loss ${fmt(test.loss)})`,
      ].join('\n'));
    });
}

import type { Command } from 'commander';
import { accuracyScore } from '../../metrics/accuracy.js';
import { trainTestSplit } from '../../modelSelection/split.js';
import { DecisionTreeClassifier } from '../../tree/index.js';
import { saveBundles, specsFromNames } from '../bundle.js';
import { imputeMedian } from '../../report/stages.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, intArg, loadXY, numArg, output, type CommonOptions } from './shared.js';

/** `deepmine tree <data> --target C [--max-depth N]`: split, fit a tree, print metrics and rules. */
export function registerTree(program: Command): void {
  addReportOption(addCommon(program.command('tree [data]').description('train/test split, decision tree, accuracy and IF-THEN rules (built-in dataset name or CSV)')
    .addHelpText('before', '\nExamples:\n  deepmine tree iris --max-depth 3\n  deepmine tree my.csv --target label --na "?" --save-model models --report tree-report\n')
    .option('--target <column>', 'target column of a CSV input')
    .option('--max-depth <n>', 'maximum tree depth', intArg('--max-depth', 1))
    .option('--test-size <f>', 'test fraction', numArg('--test-size', 0, 1, { lo: true, hi: true }), 0.2)
    .option('--save-model <dir>', 'save the tree as DIR/tree.json (for deepmine predict / evaluate)')))
    .action(async (data: string | undefined, opts: CommonOptions & { maxDepth?: number; testSize: number; saveModel?: string; report?: string; force?: boolean }) => {
      const { X, y, featureNames, source, oneHot, targetName } = await loadXY(data, opts.target, { ...(opts.na ? { na: opts.na } : {}) });
      const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: opts.testSize, randomState: opts.seed });
      const tree = new DecisionTreeClassifier({ maxDepth: opts.maxDepth ?? null, randomState: opts.seed }).fit(XTrain, yTrain);
      const accuracy = accuracyScore(yTest, tree.predict(XTest));
      const rules = tree.toRules({ featureNames });
      if (opts.saveModel) {
        const classes = Array.from(tree.classes as ArrayLike<string | number>, String);
        saveBundles(opts.saveModel, { tree: { format: 'deepmine-model-bundle', version: 1, model: 'decision tree', task: 'classification', target: targetName, classes, features: specsFromNames(featureNames, oneHot), medians: Array.from(imputeMedian(XTrain, XTrain).medians), scaler: null, targetScaling: null, estimator: tree.toJSON() } }, !!opts.force);
      }
      await commandReport(data, opts as AnalyzeCliOptions, ['profile', 'clean', 'split', 'tree'], { testSize: opts.testSize, ...(opts.maxDepth ? { tree: { maxDepth: opts.maxDepth } } : {}) });
      output(opts, { accuracy, depth: tree.getDepth(), leaves: tree.getNLeaves(), rules: rules.map((r) => ({ conditions: r.conditions, prediction: r.prediction, samples: r.samples, confidence: r.confidence })) }, () => [
        `DecisionTreeClassifier on ${source}: test accuracy ${accuracy.toFixed(4)}, depth ${tree.getDepth()}, ${tree.getNLeaves()} leaves`,
        ...rules.sort((a, b) => b.samples - a.samples).map((r) => '  ' + r.toString()),
      ].join('\n'));
    });
}

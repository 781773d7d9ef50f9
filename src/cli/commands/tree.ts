import type { Command } from 'commander';
import { accuracyScore } from '../../metrics/accuracy.js';
import { trainTestSplit } from '../../modelSelection/split.js';
import { DecisionTreeClassifier } from '../../tree/index.js';
import { addCommon, loadXY, output, type CommonOptions } from './shared.js';

/** `deepmine tree <data> --target C [--max-depth N]`: split, fit a tree, print metrics and rules. */
export function registerTree(program: Command): void {
  addCommon(program.command('tree [data]').description('train/test split, decision tree, accuracy and IF-THEN rules (built-in dataset name or CSV)')
    .option('--target <column>', 'target column of a CSV input')
    .option('--max-depth <n>', 'maximum tree depth', (v) => Number.parseInt(v, 10))
    .option('--test-size <f>', 'test fraction', Number.parseFloat, 0.2))
    .action(async (data: string | undefined, opts: CommonOptions & { maxDepth?: number; testSize: number }) => {
      const { X, y, featureNames, source } = await loadXY(data, opts.target);
      const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: opts.testSize, randomState: opts.seed });
      const tree = new DecisionTreeClassifier({ maxDepth: opts.maxDepth ?? null, randomState: opts.seed }).fit(XTrain, yTrain);
      const accuracy = accuracyScore(yTest, tree.predict(XTest));
      const rules = tree.toRules({ featureNames });
      output(opts, { accuracy, depth: tree.getDepth(), leaves: tree.getNLeaves(), rules: rules.map((r) => ({ conditions: r.conditions, prediction: r.prediction, samples: r.samples, confidence: r.confidence })) }, () => [
        `DecisionTreeClassifier on ${source}: test accuracy ${accuracy.toFixed(4)}, depth ${tree.getDepth()}, ${tree.getNLeaves()} leaves`,
        ...rules.sort((a, b) => b.samples - a.samples).map((r) => '  ' + r.toString()),
      ].join('\n'));
    });
}

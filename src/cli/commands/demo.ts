import type { Command } from 'commander';
import { trainTestSplit } from '../../modelSelection/split.js';
import { addCommon, loadXY, output, type CommonOptions } from './shared.js';

/** `deepmine demo [data] --target C`: the seed program on built-in breast_cancer or a CSV. */
export function registerDemo(program: Command): void {
  addCommon(program.command('demo [data]').description('run the seed program (split, tree, net) on built-in breast_cancer or a CSV file').option('--target <column>', 'target column of a CSV input'))
    .action(async (data: string | undefined, opts: CommonOptions) => {
      const { X, y, featureNames, source } = await loadXY(data, opts.target);
      const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.2, randomState: opts.seed });
      const result = {
        data: { source, rows: X.rows, features: featureNames.length },
        split: { XTrain: XTrain.shape, XTest: XTest.shape, yTrain: [yTrain.length], yTest: [yTest.length] },
      };
      output(opts, result, () => [
        `deepmine demo on ${source}: ${X.rows} rows x ${featureNames.length} features`,
        `trainTestSplit(testSize 0.2, randomState ${opts.seed}):`,
        `  XTrain ${XTrain.rows} x ${XTrain.cols}, XTest ${XTest.rows} x ${XTest.cols}, yTrain ${yTrain.length}, yTest ${yTest.length}`,
      ].join('\n'));
    });
}

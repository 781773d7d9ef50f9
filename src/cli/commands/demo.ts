import type { Command } from 'commander';
import { accuracyScore } from '../../metrics/accuracy.js';
import { trainTestSplit } from '../../modelSelection/split.js';
import { Dense, Sequential } from '../../nn/index.js';
import { StandardScaler } from '../../preprocessing/index.js';
import { DecisionTreeClassifier, rulesToText } from '../../tree/index.js';
import { addCommon, loadXY, output, type CommonOptions } from './shared.js';

/**
 * `deepmine demo [data] --target C`: the seed program on built-in breast_cancer or a CSV:
 * split 0.2 / seed, a decision tree, then Sequential([Dense(10, relu), Dense(1, sigmoid)])
 * with adam + binary cross-entropy, 10 epochs, batch 32 on standardized features.
 */
export function registerDemo(program: Command): void {
  addCommon(program.command('demo [data]').description('run the seed program (split, decision tree, neural net) on built-in breast_cancer or a CSV file').option('--target <column>', 'target column of a CSV input'))
    .action(async (data: string | undefined, opts: CommonOptions) => {
      const { X, y, featureNames, source } = await loadXY(data, opts.target);
      const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.2, randomState: opts.seed });

      const tree = new DecisionTreeClassifier({ randomState: opts.seed }).fit(XTrain, yTrain);
      const treeAcc = accuracyScore(yTest, tree.predict(XTest));
      const shallow = new DecisionTreeClassifier({ maxDepth: 3, randomState: opts.seed }).fit(XTrain, yTrain);
      const rules = shallow.toRules({ featureNames });

      const classes = [...new Set(y)].sort();
      let net: { accuracy: number; history: Record<string, number[]> } | { skipped: string };
      if (classes.length === 2) {
        const enc = (v: (number | string)[]) => v.map((c) => (c === classes[1] ? 1 : 0));
        const scaler = new StandardScaler().fit(XTrain);
        const model = new Sequential([new Dense(10, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
        model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
        const history = model.fit(scaler.transform(XTrain), enc(yTrain), { epochs: 10, batchSize: 32, randomState: opts.seed });
        const ev = model.evaluate(scaler.transform(XTest), enc(yTest));
        net = { accuracy: ev.accuracy!, history: history.history };
      } else net = { skipped: `the seed net is binary; the target has ${classes.length} classes` };

      const result = {
        data: { source, rows: X.rows, features: featureNames.length },
        split: { XTrain: XTrain.shape, XTest: XTest.shape },
        tree: { accuracy: treeAcc, depth: tree.getDepth(), leaves: tree.getNLeaves(), rules: rules.map((r) => r.toString()) },
        net,
      };
      output(opts, result, () => [
        `deepmine demo on ${source}: ${X.rows} rows x ${featureNames.length} features`,
        `trainTestSplit(testSize 0.2, randomState ${opts.seed}): train ${XTrain.rows} x ${XTrain.cols}, test ${XTest.rows} x ${XTest.cols}`,
        ``,
        `DecisionTreeClassifier: test accuracy ${treeAcc.toFixed(4)} (depth ${tree.getDepth()}, ${tree.getNLeaves()} leaves)`,
        `Rules of a depth-3 tree:`,
        rulesToText(rules).split('\n').map((l) => '  ' + l).join('\n'),
        ``,
        'accuracy' in net
          ? `Sequential([Dense(10, relu), Dense(1, sigmoid)]), adam + binaryCrossentropy, 10 epochs, batch 32:\n  loss per epoch ${net.history.loss!.map((v) => v.toFixed(4)).join(' ')}\n  test accuracy ${net.accuracy.toFixed(4)}`
          : `Sequential: ${net.skipped}`,
      ].join('\n'));
    });
}

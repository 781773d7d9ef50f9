import type { Command } from 'commander';
import { InvalidParameterError, DataError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { RandomState } from '../../core/random.js';
import { accuracyScore } from '../../metrics/accuracy.js';
import { trainTestSplit } from '../../modelSelection/split.js';
import { DecisionTreeClassifier } from '../../tree/index.js';
import { saveBundles, specsFromNames } from '../bundle.js';
import { imputeMedian } from '../../report/stages.js';
import { addLargeOptions, capLines, featureQuery, fmtInt, largeInput, Progress, RowReservoir, streamFeatures, writeOut, type LargeCliOptions, type LargeInput } from '../large.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, intArg, io, loadXY, numArg, output, type CommonOptions } from './shared.js';

interface TreeOptions extends CommonOptions, Omit<LargeCliOptions, 'na' | 'json' | 'quiet'> {
  maxDepth?: number;
  testSize: number;
  saveModel?: string;
  report?: string;
  force?: boolean;
  maxRules: number;
  sampleRows: number;
}

/** Default rows of the seeded sample the large-data mode fits on (about 80 MB for 10 features). */
export const DEFAULT_TREE_SAMPLE = 1_000_000;

/** `deepmine tree <data> --target C [--max-depth N]`: split, fit a tree, print metrics and rules. */
export function registerTree(program: Command): void {
  addLargeOptions(addReportOption(addCommon(program.command('tree [data]').description('train/test split, decision tree, accuracy and IF-THEN rules (built-in dataset name or CSV)')
    .addHelpText('before', '\nExamples:\n  deepmine tree iris --max-depth 3\n  deepmine tree my.csv --target label --na "?" --save-model models --report tree-report\n  deepmine tree big.parquet --target label --max-depth 10   # large-data mode: hist splitter on a seeded sample\n')
    .option('--target <column>', 'target column of a CSV input')
    .option('--max-depth <n>', 'maximum tree depth', intArg('--max-depth', 1))
    .option('--test-size <f>', 'test fraction', numArg('--test-size', 0, 1, { lo: true, hi: true }), 0.2)
    .option('--max-rules <n>', 'rules printed in the text output (all of them with --json or --out)', intArg('--max-rules', 0), 50)
    .option('--sample-rows <n>', `large-data mode: rows of the seeded sample the tree is fitted on (default ${fmtInt(DEFAULT_TREE_SAMPLE)})`, intArg('--sample-rows', 2), DEFAULT_TREE_SAMPLE)
    .option('--save-model <dir>', 'save the tree as DIR/tree.json (for deepmine predict / evaluate)'))))
    .action(async (data: string | undefined, opts: TreeOptions) => {
      const big = await largeInput(data, opts);
      let X: Matrix, y: (number | string)[], featureNames: string[], source: string, oneHot: string[], targetName: string;
      let sampleNote: Record<string, unknown> = {};
      if (big) {
        if (opts.report) throw new InvalidParameterError('--report', 'no --report in large-data mode (the report needs the data in memory; use --no-stream)', opts.report, 'deepmine tree');
        ({ X, y, featureNames, oneHot, targetName, sampleNote } = await sampleLarge(big, opts));
        source = big.path;
      } else {
        ({ X, y, featureNames, source, oneHot, targetName } = await loadXY(data, opts.target, { ...(opts.na ? { na: opts.na } : {}) }));
      }
      const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: opts.testSize, randomState: opts.seed });
      const t0 = performance.now();
      if (big && !opts.quiet) io.err(`deepmine tree: fitting on ${fmtInt(XTrain.rows)} training rows of the sample (${fmtInt(XTest.rows)} held out)\n`);
      const tree = new DecisionTreeClassifier({ maxDepth: opts.maxDepth ?? null, randomState: opts.seed, ...(big ? { splitter: 'hist' as const } : {}) }).fit(XTrain, yTrain);
      const fitSeconds = (performance.now() - t0) / 1000;
      if (big && !opts.quiet) io.err(`deepmine tree: fit done in ${fitSeconds.toFixed(1)} s: depth ${tree.getDepth()}, ${fmtInt(tree.getNLeaves())} leaves\n`);
      const accuracy = accuracyScore(yTest, tree.predict(XTest));
      const rules = tree.toRules({ featureNames });
      if (opts.saveModel) {
        const classes = Array.from(tree.classes as ArrayLike<string | number>, String);
        saveBundles(opts.saveModel, { tree: { format: 'deepmine-model-bundle', version: 1, model: 'decision tree', task: 'classification', target: targetName, classes, features: specsFromNames(featureNames, oneHot), medians: Array.from(imputeMedian(XTrain, XTrain).medians), scaler: null, targetScaling: null, estimator: tree.toJSON() } }, !!opts.force);
      }
      if (!big) await commandReport(data, opts as AnalyzeCliOptions, ['profile', 'clean', 'split', 'tree'], { testSize: opts.testSize, ...(opts.maxDepth ? { tree: { maxDepth: opts.maxDepth } } : {}) });
      const sorted = [...rules].sort((a, b) => b.samples - a.samples);
      const result = {
        accuracy, depth: tree.getDepth(), leaves: tree.getNLeaves(), ...sampleNote, ...(big ? { fitSeconds } : {}),
        rules: sorted.map((r) => ({ conditions: r.conditions, prediction: r.prediction, samples: r.samples, confidence: r.confidence })),
      };
      writeOut(opts, result, 'tree');
      output(opts, result, () => [
        `DecisionTreeClassifier${big ? " (splitter 'hist', on a seeded sample)" : ''} on ${source}: test accuracy ${accuracy.toFixed(4)}, depth ${tree.getDepth()}, ${tree.getNLeaves()} leaves`,
        ...capLines(sorted.map((r) => '  ' + r.toString()), opts.maxRules, 'rules', !!opts.out, '--max-rules'),
      ].join('\n'));
    });
}

/**
 * Large-data `tree`: one streamed pass keeps a seeded uniform reservoir sample of --sample-rows
 * rows (Algorithm L; every row when the file has fewer), with the target last (text labels as their
 * index), and the tree is fitted on it with the histogram splitter. Said on stderr.
 */
async function sampleLarge(big: LargeInput, opts: TreeOptions): Promise<{ X: Matrix; y: (number | string)[]; featureNames: string[]; oneHot: string[]; targetName: string; sampleNote: Record<string, unknown> }> {
  const owner = 'deepmine tree';
  if (opts.target === undefined) throw new DataError('--target', 'the name of the target column', 'nothing', owner);
  const prog = new Progress('tree', big.rows, !!opts.quiet);
  const q = await featureQuery(big.path, { target: opts.target, requireTarget: true, ...(opts.na ? { na: opts.na } : {}) });
  try {
    const d = q.featureNames.length;
    const size = Math.min(opts.sampleRows, big.rows);
    prog.note(`large-data mode (${big.reason}): the tree is fitted with splitter 'hist' on a seeded uniform sample of ${fmtInt(size)} of ${fmtInt(big.rows)} rows (--sample-rows; the test split is part of the sample)`);
    const rng = new RandomState(opts.seed);
    const res = new RowReservoir(size, d + 1, () => rng.nextDouble());
    prog.start('sampling pass');
    for await (const B of streamFeatures(q, opts.batchRows)) {
      res.add(B);
      prog.tick(res.seenRows);
    }
    prog.end(res.seenRows);
    const S = res.matrix();
    const m = S.rows;
    if (m < 2) throw new DataError('data', 'at least 2 rows without missing values', `${m}`, owner);
    const X = new Matrix(new Float64Array(m * d), m, d);
    const y = new Array<number | string>(m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) X.data[i * d + j] = S.data[i * (d + 1) + j]!;
      const v = S.data[i * (d + 1) + d]!;
      y[i] = q.targetLabels ? q.targetLabels[v]! : v;
    }
    return { X, y, featureNames: q.featureNames, oneHot: q.oneHot, targetName: opts.target, sampleNote: { mode: 'stream', rows: res.seenRows, droppedRows: big.rows - res.seenRows, sampleRows: m, splitter: 'hist' } };
  } finally {
    q.cleanup();
  }
}

import type { Command } from 'commander';
import { InvalidParameterError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { PCA } from '../../decomposition/pca.js';
import { StandardScaler } from '../../preprocessing/standardScaler.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, fmt, intArg, loadFeatures, output, type CommonOptions } from './shared.js';

interface PcaOptions extends CommonOptions {
  nComponents: number | 'mle';
  scale: boolean;
  scores: number;
}

const nArg = (v: string): number | 'mle' => {
  if (v === 'mle') return 'mle';
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x <= 0 || (!Number.isInteger(x) && x >= 1)) throw new InvalidParameterError('-n', "an integer >= 1, a variance fraction in (0, 1) or 'mle'", v, 'deepmine pca');
  return x;
};

/**
 * `deepmine pca <data> -n K`: PCA of the standard-scaled features (categorical columns one-hot):
 * explained variance (ratio and cumulative), components with their strongest loadings, and the
 * projections of the first rows (biplot data).
 */
export function registerPca(program: Command): void {
  addReportOption(addCommon(program.command('pca <data>').description('principal components of the standard-scaled features: explained variance, loadings, projections')
    .addHelpText('before', '\nExamples:\n  deepmine pca wine -n 3\n  deepmine pca my.csv -n 0.9 --target label --json\n')
    .option('-n, --n-components <k>', "components: an integer, a variance fraction in (0, 1), or 'mle'", nArg, 2)
    .option('--target <column>', 'a label column to leave out of the features (built-in datasets leave theirs out)')
    .option('--no-scale', 'PCA of the raw (centred) features instead of standard-scaled ones')
    .option('--scores <n>', 'projected rows included in the JSON (biplot data)', intArg('--scores', 0), 0)))
    .action(async (data: string, opts: PcaOptions) => {
      const f = await loadFeatures(data, { useTarget: false, na: opts.na, ...(opts.target !== undefined ? { target: opts.target } : {}) });
      const { X, featureNames } = f;
      if (typeof opts.nComponents === 'number' && Number.isInteger(opts.nComponents) && opts.nComponents > Math.min(X.rows, X.cols)) {
        throw new InvalidParameterError('-n', `an integer in [1, min(rows, features) = ${Math.min(X.rows, X.cols)}]`, opts.nComponents, 'deepmine pca');
      }
      const Z = opts.scale ? new StandardScaler().fitTransform(X) : X;
      const pca = new PCA({ nComponents: opts.nComponents, randomState: opts.seed }).fit(Z);
      const ratio = Array.from(pca.explainedVarianceRatio);
      let acc = 0;
      const cumulative = ratio.map((r) => (acc += r));
      const C = pca.components;
      const components = Array.from({ length: C.rows }, (_, i) => Array.from(C.row(i)));
      const loadings = components.map((row, i) => ({
        component: i + 1,
        top: row.map((w, j) => j).sort((a, b) => Math.abs(row[b]!) - Math.abs(row[a]!)).slice(0, 5).map((j) => ({ feature: featureNames[j]!, weight: row[j]! })),
      }));
      const nScores = Math.min(opts.scores, X.rows);
      const scores = nScores ? pca.transform(new Matrix(Z.data.slice(0, nScores * Z.cols), nScores, Z.cols)) : null;
      const result = {
        source: f.source, rows: X.rows, droppedRows: f.droppedRows, features: featureNames, scaled: opts.scale, svdSolver: pca.fitSvdSolver,
        nComponents: pca.nComponentsOut, explainedVariance: pca.explainedVariance, explainedVarianceRatio: ratio, cumulativeVarianceRatio: cumulative,
        singularValues: pca.singularValues, components, loadings,
        ...(scores ? { scores: Array.from({ length: nScores }, (_, i) => Array.from(scores.row(i))) } : {}),
      };
      await commandReport(data, opts as unknown as AnalyzeCliOptions, ['profile', 'clean', 'pca'], {});
      output(opts, result, () => [
        `PCA on ${f.source}: ${X.rows} rows x ${X.cols} features${opts.scale ? ' (standard-scaled)' : ''}, ${pca.nComponentsOut} components (${pca.fitSvdSolver})`,
        ...ratio.map((r, i) => `  PC${i + 1}: ${(100 * r).toFixed(2)}% of the variance (cumulative ${(100 * cumulative[i]!).toFixed(2)}%); ` +
          loadings[i]!.top.slice(0, 3).map((t) => `${t.feature} ${fmt(t.weight, 3)}`).join(', ')),
      ].join('\n'));
    });
}

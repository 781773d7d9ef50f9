import type { Command } from 'commander';
import { DataError, InvalidParameterError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { IncrementalPCA } from '../../decomposition/incrementalPca.js';
import { PCA } from '../../decomposition/pca.js';
import { StandardScaler, scaleOf } from '../../preprocessing/standardScaler.js';
import { addLargeOptions, capLines, columnMoments, featureQuery, fmtInt, largeInput, Progress, scaleInPlace, streamFeatures, writeOut, type LargeCliOptions, type LargeInput } from '../large.js';
import { addReportOption, commandReport, type AnalyzeCliOptions } from './analyze.js';
import { addCommon, fmt, intArg, loadFeatures, output, type CommonOptions } from './shared.js';

interface PcaOptions extends CommonOptions, Omit<LargeCliOptions, 'na' | 'json' | 'quiet'> {
  nComponents: number | 'mle';
  scale: boolean;
  scores: number;
  report?: string;
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
  addLargeOptions(addReportOption(addCommon(program.command('pca <data>').description('principal components of the standard-scaled features: explained variance, loadings, projections')
    .addHelpText('before', '\nExamples:\n  deepmine pca wine -n 3\n  deepmine pca my.csv -n 0.9 --target label --json\n')
    .option('-n, --n-components <k>', "components: an integer, a variance fraction in (0, 1), or 'mle'", nArg, 2)
    .option('--target <column>', 'a label column to leave out of the features (built-in datasets leave theirs out)')
    .option('--no-scale', 'PCA of the raw (centred) features instead of standard-scaled ones')
    .option('--scores <n>', 'projected rows included in the JSON (biplot data)', intArg('--scores', 0), 0))))
    .action(async (data: string, opts: PcaOptions) => {
      const big = await largeInput(data, opts);
      if (big) return pcaLarge(big, opts);
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
      writeOut(opts, result, 'pca');
      output(opts, result, () => [
        `PCA on ${f.source}: ${X.rows} rows x ${X.cols} features${opts.scale ? ' (standard-scaled)' : ''}, ${pca.nComponentsOut} components (${pca.fitSvdSolver})`,
        ...ratio.map((r, i) => `  PC${i + 1}: ${(100 * r).toFixed(2)}% of the variance (cumulative ${(100 * cumulative[i]!).toFixed(2)}%); ` +
          loadings[i]!.top.slice(0, 3).map((t) => `${t.feature} ${fmt(t.weight, 3)}`).join(', ')),
      ].join('\n'));
    });
}

/**
 * Large-data `pca`: DuckDB computes the column means and variances (one parallel scan) when
 * scaling, then one streamed pass folds standard-scaled row blocks into IncrementalPCA (memory:
 * one block plus d x d state). A variance fraction keeps every component during the fit and
 * reports the first ones reaching it; 'mle' needs the whole data and is refused.
 */
async function pcaLarge(big: LargeInput, opts: PcaOptions): Promise<void> {
  if (opts.report) throw new InvalidParameterError('--report', 'no --report in large-data mode (the report needs the data in memory; use --no-stream or a sample)', opts.report, 'deepmine pca');
  if (opts.nComponents === 'mle') throw new InvalidParameterError('-n', "an integer or a variance fraction in large-data mode ('mle' needs the whole data in memory; use --no-stream)", 'mle', 'deepmine pca');
  const prog = new Progress('pca', big.rows, !!opts.quiet);
  prog.note(`large-data mode (${big.reason}): streaming ${big.path} in blocks of ${fmtInt(opts.batchRows)} rows into IncrementalPCA`);
  const q = await featureQuery(big.path, { exclude: opts.target ?? null, ...(opts.na ? { na: opts.na } : {}) });
  try {
    const featureNames = q.featureNames;
    const d = featureNames.length;
    const want = opts.nComponents;
    const fraction = !Number.isInteger(want);
    if (!fraction && want > d) throw new InvalidParameterError('-n', `an integer in [1, features = ${d}]`, want, 'deepmine pca');
    const k = fraction ? d : want;
    let mean: Float64Array = new Float64Array(d), scale: Float64Array = new Float64Array(d).fill(1);
    if (opts.scale) {
      prog.start('column means and variances (DuckDB scan)');
      const m = await columnMoments(q, d);
      mean = m.mean;
      scale = Float64Array.from(m.variance, (v, j) => scaleOf(m.mean[j]!, v, m.rows));
      prog.end(m.rows);
    }
    const ipca = new IncrementalPCA({ nComponents: k });
    const nScores = opts.scores;
    let firstRows: Matrix | null = null;
    let held: Matrix | null = null;
    let rows = 0;
    prog.start('IncrementalPCA pass');
    for await (const B of streamFeatures(q, opts.batchRows)) {
      const Z = opts.scale ? scaleInPlace(B, mean, scale) : B;
      if (!firstRows && nScores) firstRows = new Matrix(Z.data.slice(0, Math.min(nScores, Z.rows) * d), Math.min(nScores, Z.rows), d);
      rows += Z.rows;
      // every partialFit needs at least k rows: a short last block joins the one before it
      if (held && Z.rows < k) held = new Matrix(Float64Array.from([...held.data, ...Z.data]), held.rows + Z.rows, d);
      else { if (held) ipca.partialFit(held); held = Z; }
      prog.tick(rows);
    }
    if (!held) throw new DataError('data', 'at least one row without missing values', `${fmtInt(big.rows)} rows, all with a missing value`, 'deepmine pca');
    if (held.rows < k && rows === held.rows) throw new InvalidParameterError('-n', `at most ${held.rows} components (rows without missing values)`, k, 'deepmine pca');
    ipca.partialFit(held);
    prog.end(rows);
    const ratioAll = Array.from(ipca.explainedVarianceRatio);
    let keep = k;
    if (fraction) {
      let acc = 0;
      keep = ratioAll.findIndex((r) => (acc += r) > (want as number)) + 1 || ratioAll.length;
    }
    const ratio = ratioAll.slice(0, keep);
    let acc = 0;
    const cumulative = ratio.map((r) => (acc += r));
    const C = ipca.components;
    const components = Array.from({ length: keep }, (_, i) => Array.from(C.row(i)));
    const loadings = components.map((row, i) => ({
      component: i + 1,
      top: row.map((w, j) => j).sort((a, b) => Math.abs(row[b]!) - Math.abs(row[a]!)).slice(0, 5).map((j) => ({ feature: featureNames[j]!, weight: row[j]! })),
    }));
    const scores = firstRows ? ipca.transform(firstRows) : null;
    const result = {
      source: big.path, mode: 'stream', rows, droppedRows: big.rows - rows, features: featureNames, scaled: opts.scale, svdSolver: 'incremental',
      nComponents: keep, explainedVariance: Array.from(ipca.explainedVariance).slice(0, keep), explainedVarianceRatio: ratio, cumulativeVarianceRatio: cumulative,
      singularValues: Array.from(ipca.singularValues).slice(0, keep), components, loadings, seconds: prog.elapsed,
      ...(scores ? { scores: Array.from({ length: scores.rows }, (_, i) => Array.from(scores.row(i)).slice(0, keep)) } : {}),
    };
    writeOut(opts, result, 'pca');
    output(opts, result, () => [
      `PCA on ${big.path}: ${fmtInt(rows)} rows x ${d} features${opts.scale ? ' (standard-scaled)' : ''}${big.rows > rows ? `, ${fmtInt(big.rows - rows)} rows with missing values dropped` : ''}, ${keep} components (IncrementalPCA, streamed in ${prog.elapsed.toFixed(1)} s)`,
      ...capLines(ratio.map((r, i) => `  PC${i + 1}: ${(100 * r).toFixed(2)}% of the variance (cumulative ${(100 * cumulative[i]!).toFixed(2)}%); ` +
        loadings[i]!.top.slice(0, 3).map((t) => `${t.feature} ${fmt(t.weight, 3)}`).join(', ')), 50, 'components', !!opts.out),
    ].join('\n'));
  } finally {
    q.cleanup();
  }
}

/**
 * Model files of the CLI (`--save-model DIR`, `deepmine predict`, `deepmine evaluate`): a trained
 * estimator (its own `toJSON()`, readable by `loadModel`) plus what is needed to turn a new table
 * into its inputs: the feature encoding, the training medians (imputation), the input scaler (nets)
 * and the target scaling (regression nets).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../io/atomic.js';
import { join } from 'node:path';
import { loadModel } from '../core/estimator.js';
import { DataError, IOError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Table } from '../core/table.js';
import { encodeTable, type FeatureSpec } from '../report/context.js';
import { imputeMedian, scaleColumns } from '../report/stages.js';

export interface ModelBundle {
  format: 'deepmine-model-bundle';
  version: 1;
  model: string;
  task: 'classification' | 'regression';
  target: string;
  classes: string[] | null;
  features: FeatureSpec[];
  medians: number[];
  /** input standard-scaling (nets) */
  scaler: { mean: number[]; scale: number[] } | null;
  /** regression net trained on a standard-scaled target */
  targetScaling: { mean: number; scale: number } | null;
  estimator: unknown;
}

/** Write bundles as DIR/<name>.json; refuses to replace a file unless `force`. Returns the paths. */
export function saveBundles(dir: string, bundles: Record<string, ModelBundle>, force: boolean): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const [name, b] of Object.entries(bundles)) {
    const p = join(dir, `${name}.json`);
    if (existsSync(p) && !force) throw new IOError(p, 'deepmine: the model file exists already; pass --force to replace it');
    writeFileAtomicSync(p, JSON.stringify(b), { overwrite: force, owner: 'deepmine --save-model' });
    paths.push(p);
  }
  return paths;
}

/** Read a bundle (or fail with a typed error saying what the file is). */
export function readBundle(path: string): ModelBundle {
  if (!existsSync(path)) throw new IOError(path, 'deepmine: model file not found');
  let obj: unknown;
  try {
    obj = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new IOError(path, `deepmine: the model file is not JSON (${(e as Error).message})`);
  }
  const b = obj as Partial<ModelBundle>;
  if (!b || b.format !== 'deepmine-model-bundle') throw new DataError('--model', 'a model file written by --save-model (format deepmine-model-bundle)', `format ${JSON.stringify((obj as { format?: unknown })?.format)}`, 'deepmine');
  return b as ModelBundle;
}

/** Predictions (and class probabilities) of a bundle on a table. */
export function predictBundle(b: ModelBundle, table: Table): { predictions: (string | number)[]; proba: Matrix | null } {
  const raw = encodeTable(table, b.features, 'deepmine predict');
  const X = imputeMedian(raw, raw, Float64Array.from(b.medians)).X;
  const est = loadModel(b.estimator as never) as unknown as { predict(X: Matrix): ArrayLike<unknown> | Matrix; predictProba?(X: Matrix): Matrix };
  if (b.scaler) {
    const Z = scaleColumns(X, { mean: Float64Array.from(b.scaler.mean), scale: Float64Array.from(b.scaler.scale) }).Z;
    const P = est.predict(Z) as Matrix;
    if (b.task === 'regression') {
      const t = b.targetScaling ?? { mean: 0, scale: 1 };
      return { predictions: Array.from(P.data, (v) => v * t.scale + t.mean), proba: null };
    }
    const classes = b.classes!;
    if (P.cols === 1) {
      const proba = new Matrix(Float64Array.from({ length: P.rows * 2 }, (_, i) => (i % 2 ? P.data[(i - 1) / 2]! : 1 - P.data[i / 2]!)), P.rows, 2);
      return { predictions: Array.from(P.data, (v) => classes[v >= 0.5 ? 1 : 0]!), proba };
    }
    return { predictions: Array.from({ length: P.rows }, (_, i) => { const r = P.row(i); let k = 0; for (let j = 1; j < r.length; j++) if (r[j]! > r[k]!) k = j; return classes[k]!; }), proba: P };
  }
  const pred = Array.from(est.predict(X) as ArrayLike<string | number>, (v) => (b.task === 'classification' ? String(v) : v));
  return { predictions: pred, proba: b.task === 'classification' && est.predictProba ? est.predictProba(X) : null };
}

/** Specs of the features `loadFeatures` builds (numbers as values, categorical columns one-hot `col=label`). */
export function specsFromNames(featureNames: string[], oneHot: string[]): FeatureSpec[] {
  return featureNames.map((name) => {
    const col = oneHot.find((c) => name.startsWith(`${c}=`));
    return col ? { name, column: col, kind: 'onehot', level: name.slice(col.length + 1) } : { name, column: name, kind: 'value' };
  });
}

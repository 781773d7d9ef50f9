import type { Command } from 'commander';
import { DataError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { loadDataset, DATASET_NAMES } from '../../datasets/load.js';
import { readCsv } from '../../io/duckdb.js';
import { toMatrix } from '../../io/toMatrix.js';

export interface CommonOptions {
  json?: boolean;
  seed: number;
  target?: string;
  quiet?: boolean;
}

export function addCommon(cmd: Command): Command {
  return cmd.option('--json', 'print one JSON document on stdout').option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 42).option('--quiet', 'no progress output');
}

/** Load a built-in dataset name or a CSV/Parquet/JSON path into X, y. */
export async function loadXY(input: string | undefined, target: string | undefined): Promise<{ X: Matrix; y: (number | string)[]; featureNames: string[]; source: string }> {
  const name = input ?? 'breast_cancer';
  if ((DATASET_NAMES as readonly string[]).includes(name)) {
    const ds = loadDataset(name);
    if (!(ds.X instanceof Matrix)) throw new DataError('input', 'a numeric dataset for this command', name, 'deepmine');
    const y = Array.from(ds.y as Float64Array);
    return { X: ds.X, y, featureNames: ds.featureNames, source: `built-in ${name}` };
  }
  const table = await readCsv(name);
  if (!target) throw new DataError('--target', 'the name of the target column', 'nothing', 'deepmine');
  const { X, y, featureNames } = toMatrix(table, { target });
  return { X, y: Array.from(y as ArrayLike<number | string>), featureNames, source: name };
}

export function output(opts: CommonOptions, json: unknown, text: () => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(json) + '\n');
  else process.stdout.write(text() + '\n');
}

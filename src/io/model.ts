import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadModel } from '../core/estimator.js';
import { IOError } from '../core/errors.js';

/** Anything with a `toJSON()` that `loadModel` can read back (estimators, Sequential). */
export interface Persistable { toJSON(): unknown }

/**
 * Write a model's JSON to `path`. Refuses to replace an existing file unless `overwrite: true`
 * (nothing a user saved is lost without asking).
 *
 * @example
 * await saveModel(clf, 'tree.json');
 * const again = await loadModelFile('tree.json');
 */
export async function saveModel(model: Persistable, path: string, opts: { overwrite?: boolean } = {}): Promise<void> {
  if (!opts.overwrite && existsSync(path)) throw new IOError(path, 'saveModel: the file exists already; pass { overwrite: true } to replace it');
  await writeFile(path, JSON.stringify(model.toJSON()));
}

/** Read a model written by `saveModel` / `toJSON`. */
export async function loadModelFile<T = ReturnType<typeof loadModel>>(path: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new IOError(path, `loadModelFile: cannot read the model file: ${(e as Error).message}`);
  }
  return loadModel(text) as T;
}

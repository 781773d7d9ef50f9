import { readFile } from 'node:fs/promises';
import { loadModel } from '../core/estimator.js';
import { InvalidParameterError } from '../core/errors.js';
import { toIOError, writeFileAtomic, type AtomicWriteOptions } from './atomic.js';

/** Anything with a `toJSON()` that `loadModel` can read back (estimators, Sequential). */
export interface Persistable { toJSON(): unknown }

/** Options of {@link saveModel}. */
export type SaveModelOptions = Pick<AtomicWriteOptions, 'overwrite' | 'followSymlinks'>;

/**
 * Write a model's JSON to `path` atomically (temp file in the same directory + fsync + rename).
 * Refuses to replace an existing file unless `overwrite: true` (nothing a user saved is lost
 * without asking) and to write through a symbolic link unless `followSymlinks: true`. Of two
 * concurrent saves to one new path exactly one succeeds; the other rejects with an IOError
 * (code EEXIST). Errors (full disk, missing directory...) are IOErrors with `code` and `cause`.
 *
 * @example
 * await saveModel(clf, 'tree.json');
 * const again = await loadModelFile('tree.json');
 */
export async function saveModel(model: Persistable, path: string, opts: SaveModelOptions = {}): Promise<void> {
  const owner = 'saveModel';
  if (model === null || typeof model !== 'object' || typeof (model as Persistable).toJSON !== 'function') {
    throw new InvalidParameterError('model', 'an object with toJSON() (an estimator or a Sequential)', model, owner);
  }
  let text: string;
  try {
    text = JSON.stringify(model.toJSON());
  } catch (e) {
    throw toIOError(path, e, owner, 'cannot serialize the model');
  }
  await writeFileAtomic(path, text, { overwrite: opts.overwrite, followSymlinks: opts.followSymlinks, owner });
}

/** Read a model written by `saveModel` / `toJSON`. */
export async function loadModelFile<T = ReturnType<typeof loadModel>>(path: string): Promise<T> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidParameterError('path', 'a non-empty file path', path, 'loadModelFile');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw toIOError(path, e, 'loadModelFile', 'cannot read the model file');
  }
  return loadModel(text) as T;
}

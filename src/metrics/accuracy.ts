import { DataError } from '../core/errors.js';
import { checkSameLength } from '../core/validation.js';

/**
 * Fraction (or count, with `normalize: false`) of exact label matches, optionally weighted.
 * Equals scikit-learn's `accuracy_score` for 1-D labels.
 */
export function accuracyScore(
  yTrue: ArrayLike<number | string>,
  yPred: ArrayLike<number | string>,
  opts: { normalize?: boolean; sampleWeight?: ArrayLike<number> | null } = {},
): number {
  const owner = 'accuracyScore';
  checkSameLength(yTrue, yPred, 'yTrue', 'yPred', owner);
  if (yTrue.length === 0) throw new DataError('yTrue', 'a non-empty array', 'length 0', owner);
  const w = opts.sampleWeight ?? null;
  if (w) checkSameLength(yTrue, w, 'yTrue', 'sampleWeight', owner);
  let hit = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const wi = w ? w[i]! : 1;
    if (yTrue[i] === yPred[i]) hit += wi;
    total += wi;
  }
  return (opts.normalize ?? true) ? hit / total : hit;
}

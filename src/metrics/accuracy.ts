import { DataError } from '../core/errors.js';
import { checkLabelArray } from '../core/labels.js';
import { checkSampleWeight } from '../core/sampleWeight.js';
import { checkSameLength } from '../core/validation.js';

/**
 * Fraction (or count, with `normalize: false`) of exact label matches, optionally weighted.
 * Equals scikit-learn's `accuracy_score` for 1-D labels. Labels are checked as in the other
 * classification metrics: numbers and strings may not be mixed (`[1, 2]` vs `['1', '2']` is a
 * DataError, as scikit-learn's "Mix of label input types").
 */
export function accuracyScore(
  yTrue: ArrayLike<number | string>,
  yPred: ArrayLike<number | string>,
  opts: { normalize?: boolean; sampleWeight?: ArrayLike<number> | null } = {},
): number {
  const owner = 'accuracyScore';
  const kind: { type: 'number' | 'string' | null } = { type: null };
  const yt = checkLabelArray(yTrue, 'yTrue', owner, kind);
  const yp = checkLabelArray(yPred, 'yPred', owner, kind);
  checkSameLength(yt, yp, 'yTrue', 'yPred', owner);
  if (yt.length === 0) throw new DataError('yTrue', 'a non-empty array', 'length 0', owner);
  const w = checkSampleWeight(opts.sampleWeight, yt.length, owner, { allowNegative: true, allowZeroSum: true, refName: 'the length of yTrue' });
  let hit = 0;
  let total = 0;
  for (let i = 0; i < yt.length; i++) {
    const wi = w ? w[i]! : 1;
    if (yt[i] === yp[i]) hit += wi;
    total += wi;
  }
  return (opts.normalize ?? true) ? hit / total : hit;
}

/**
 * Label-array checks shared by the metrics and the estimators (moved out of metrics/ so that
 * lower layers can use them): one element type per call (numbers or strings, never mixed, as
 * scikit-learn's "Mix of label input types"), finite numbers, sorted as `np.unique`.
 */
import { DataError, describeValue } from './errors.js';
import type { Label } from './validation.js';

/** @internal Sorted distinct labels (numbers numerically, strings by code point). */
export function sortLabels<T extends Label>(labels: T[]): T[] {
  if (labels.length && typeof labels[0] === 'number') return (labels as number[]).sort((a, b) => a - b) as T[];
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** @internal numpy-style rendering of a label list, for messages: [0, 1] or ['a', 'b']. */
export function fmtLabels(labels: readonly Label[]): string {
  return '[' + labels.map((l) => (typeof l === 'string' ? `'${l}'` : String(l))).join(', ') + ']';
}

/** @internal Validate a 1-D label array; returns its element type. */
export function checkLabelArray(y: unknown, name: string, owner: string, kind: { type: 'number' | 'string' | null }): Label[] {
  if (y == null || typeof y === 'string' || typeof (y as ArrayLike<unknown>).length !== 'number') {
    throw new DataError(name, 'a 1-D array of labels (numbers or strings)', y, owner);
  }
  const a = y as ArrayLike<unknown>;
  const out = new Array<Label>(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const t = typeof v;
    if (t === 'number') {
      if (!Number.isFinite(v as number)) throw new DataError(name, 'finite labels (no NaN or infinity)', `${describeValue(v)} at index ${i}`, owner);
    } else if (t !== 'string') {
      throw new DataError(name, 'labels that are numbers or strings', `${describeValue(v)} at index ${i}`, owner);
    }
    if (kind.type === null) kind.type = t as 'number' | 'string';
    else if (kind.type !== t) {
      throw new DataError(name, `labels of one type (${kind.type}, as in the other label arrays); scikit-learn: "Mix of label input types (string and number)"`, `${t} ${describeValue(v)} at index ${i}`, owner);
    }
    out[i] = v as Label;
  }
  return out;
}


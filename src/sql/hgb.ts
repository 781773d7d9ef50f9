/**
 * `predictSql` for HistGradientBoostingClassifier / HistGradientBoostingRegressor: the raw score
 * of class k is `baseline_k + tree_1 + tree_2 + ...` (left to right, the order of predict), each
 * tree a CASE over raw float64 comparisons (`x <= threshold` goes left, as scikit-learn's
 * `_predict_one_from_raw_data`); a categorical split sends the categories of its bitset left
 * (`x IN (...)`); NULL is a missing value and follows the node's missing-value direction.
 * Browser-safe: text only.
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import type { Label } from '../core/validation.js';
import type { HgbTree } from '../ensemble/grower.js';
import type { DialectRules } from './dialect.js';

const OWNER = 'predictSql';

interface HgbLike {
  kind: string;
  trees: readonly HgbTree[];
  baseline: Float64Array;
  nTreesPerIteration: number;
  params: { loss: string };
  classes?: Label[];
}

/** Categories (raw values) of the node's bitset, ascending. */
function leftCategories(t: HgbTree, node: number): number[] {
  const out: number[] = [];
  const off = 8 * t.bitsetIdx[node]!;
  for (let v = 0; v < 256; v++) if (((t.rawBitsets[off + (v >>> 5)]! >>> (v & 31)) & 1) === 1) out.push(v);
  return out;
}

/** The "goes left" test of a split node, without the missing-value rule (NULL makes it NULL). */
function leftTest(t: HgbTree, node: number, col: string, sql: DialectRules): string | null {
  if (t.isCategorical[node]) {
    const cats = leftCategories(t, node);
    return cats.length === 0 ? null : `${col} IN (${cats.map((c) => sql.num(c)).join(', ')})`;
  }
  const thr = t.threshold[node]!;
  // threshold +Infinity: every non-missing value goes left
  return thr === Infinity ? `${col} IS NOT NULL` : `${col} <= ${sql.num(thr)}`;
}

function checkFeature(f: number, x: string[]): string {
  if (f < 0 || f >= x.length) throw new DataError('columns', `at least ${f + 1} column names (the tree splits on feature ${f})`, `${x.length} names`, OWNER);
  return x[f]!;
}

/** One tree as nested CASE (flat root-to-leaf paths for dialects with `flatTrees`). */
function hgbTreeSql(t: HgbTree, x: string[], sql: DialectRules): string {
  if (t.isLeaf[0]) return sql.num(t.value[0]!);
  const cond = (node: number): string => {
    const col = checkFeature(t.feature[node]!, x);
    const test = leftTest(t, node, col, sql);
    const miss = t.missingGoToLeft[node] === 1;
    if (test === null) return miss ? `${col} IS NULL` : sql.no ?? 'FALSE';
    return miss ? `(${col} IS NULL OR ${test})` : `coalesce(${test}, ${sql.no ?? 'FALSE'})`;
  };
  if (sql.flatTrees) {
    const whens: string[] = [];
    const walk = (node: number, path: string[]): void => {
      if (t.isLeaf[node]) {
        whens.push(`WHEN ${path.length ? path.join(' AND ') : 'TRUE'} THEN ${sql.num(t.value[node]!)}`);
        return;
      }
      const c = cond(node);
      walk(t.left[node]!, [...path, c]);
      walk(t.right[node]!, [...path, `NOT ${c}`]);
    };
    walk(0, []);
    return `CASE ${whens.join(' ')} END`;
  }
  const go = (node: number): string => (t.isLeaf[node] ? sql.num(t.value[node]!) : `CASE WHEN ${cond(node)} THEN ${go(t.left[node]!)} ELSE ${go(t.right[node]!)} END`);
  return go(0);
}

/** The label of the largest of `v` (first on ties, as numpy's argmax). */
function argMax(v: string[], labels: string[]): string {
  if (v.length === 1) return labels[0]!;
  const whens: string[] = [];
  for (let i = 0; i < v.length - 1; i++) whens.push(`WHEN ${v.slice(i + 1).map((w) => `${v[i]} >= ${w}`).join(' AND ')} THEN ${labels[i]}`);
  return `CASE ${whens.join(' ')} ELSE ${labels[v.length - 1]} END`;
}

function label(v: Label, sql: DialectRules): string {
  return typeof v === 'number' ? sql.num(v) : sql.str(String(v));
}

/**
 * SQL of a fitted HGB model: 'predict' (regressor: the prediction, exp of the raw score for
 * poisson; classifier: the label), 'proba' (classifier: one expression per class, the sigmoid or
 * softmax of the raw scores), or 'raw' scores per tree column (used by 'decision').
 */
export function hgbSql(model: unknown, x: string[], output: 'predict' | 'proba' | 'transform', sql: DialectRules): string[] {
  const m = model as HgbLike;
  const nFeatures = (model as { nFeaturesIn?: number }).nFeaturesIn;
  if (typeof nFeatures === 'number' && x.length !== nFeatures) throw new DataError('columns', `${nFeatures} column names (the model's features)`, `${x.length} names`, OWNER);
  const K = m.nTreesPerIteration;
  const trees = m.trees;
  const raw = Array.from({ length: K }, (_, k) => {
    const terms = [sql.num(m.baseline[k]!)];
    for (let t = k; t < trees.length; t += K) terms.push(hgbTreeSql(trees[t]!, x, sql));
    return `(${terms.join(' + ')})`;
  });
  if (output === 'transform') throw new InvalidParameterError('output', "'predict' or 'proba' for gradient boosting", output, OWNER);
  if (m.kind === 'HistGradientBoostingRegressor') {
    if (output === 'proba') throw new InvalidParameterError('output', "'predict' for a regressor", output, OWNER);
    return [m.params.loss === 'poisson' ? sql.exp(raw[0]!) : raw[0]!];
  }
  const classes = m.classes!;
  const one = sql.num(1);
  if (K === 1) {
    if (output === 'proba') {
      const p1 = `(${one} / (${one} + ${sql.exp(`-${raw[0]}`)}))`;
      return [`(${one} - ${p1})`, p1];
    }
    return [`CASE WHEN ${raw[0]} > ${sql.num(0)} THEN ${label(classes[1]!, sql)} ELSE ${label(classes[0]!, sql)} END`];
  }
  if (output === 'proba') {
    const e = raw.map((r) => sql.exp(r));
    const den = `(${e.join(' + ')})`;
    return e.map((ek) => `(${ek} / ${den})`);
  }
  return [argMax(raw, classes.map((c) => label(c, sql)))];
}

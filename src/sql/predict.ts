/**
 * `predictSql`: a fitted model as SQL expressions over named input columns, so rows are scored
 * inside the engine (no export). Browser-safe: text only. Supported: decision trees and random
 * forests (classifier, regressor), LinearRegression / Ridge / Lasso-style linear models,
 * LogisticRegression, KMeans (nearest centre), PCA / IncrementalPCA projections, StandardScaler,
 * MinMaxScaler, and Pipelines of these (each step's output expressions are substituted into the
 * next step).
 */
import { DataError, InvalidParameterError, NotFittedError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { Label } from '../core/validation.js';
import type { TreeArrays } from '../tree/splitter.js';
import { dialectRules, type Dialect, type DialectRules } from './dialect.js';
import { hgbSql } from './hgb.js';

const OWNER = 'predictSql';

export interface PredictSqlOptions {
  /** SQL dialect (default 'duckdb') */
  dialect?: Dialect;
  /** input column names, in the order of the model's features */
  columns: readonly string[];
  /**
   * 'predict' (default: one expression), 'proba' (one per class, classifiers), or 'transform'
   * (one per output column, transformers). A Pipeline applies it to its last step.
   */
  output?: 'predict' | 'proba' | 'transform';
}

interface AnyModel { kind?: string; isFitted?: boolean; params?: Record<string, unknown> }

/** The SQL expression(s) computing `model`'s output from the columns `columns`. */
export function predictSql(model: unknown, opts: PredictSqlOptions): string | string[] {
  const sql = dialectRules(opts.dialect ?? 'duckdb');
  if (!opts || !Array.isArray(opts.columns) || opts.columns.length === 0) throw new InvalidParameterError('columns', 'a non-empty array of input column names', opts?.columns, OWNER);
  const inputs = opts.columns.map((c) => sql.ident(c));
  const out = emit(model, inputs, opts.output ?? 'predict', sql);
  return out.length === 1 && (opts.output ?? 'predict') === 'predict' ? out[0]! : out;
}

function emit(model: unknown, x: string[], output: 'predict' | 'proba' | 'transform', sql: DialectRules): string[] {
  const m = model as AnyModel;
  if (!m || typeof m !== 'object' || typeof m.kind !== 'string') throw new InvalidParameterError('model', 'a fitted deepmine estimator', model, OWNER);
  if (m.isFitted === false) throw new NotFittedError(m.kind, 'predictSql');
  const need = (d: number) => {
    if (x.length !== d) throw new DataError('columns', `${d} column names (the model's features)`, `${x.length} names`, OWNER);
  };
  switch (m.kind) {
    case 'Pipeline': {
      const steps = Object.values((model as { namedSteps: Record<string, unknown> }).namedSteps);
      let cur = x;
      steps.forEach((s, i) => {
        if (s === null || s === 'passthrough') return;
        cur = emit(s, cur, i === steps.length - 1 ? output : 'transform', sql);
      });
      return cur;
    }
    case 'StandardScaler': {
      const s = model as unknown as { mean: Float64Array; scale: Float64Array; params: { withMean: boolean; withStd: boolean } };
      need(s.mean.length);
      return x.map((e, j) => {
        let t = s.params.withMean ? `(${e} - ${sql.num(s.mean[j]!)})` : e;
        if (s.params.withStd) t = `(${t} / ${sql.num(s.scale[j]!)})`;
        return t;
      });
    }
    case 'MinMaxScaler': {
      const s = model as unknown as { scale: Float64Array; min: Float64Array; params: { clip: boolean } };
      need(s.scale.length);
      return x.map((e, j) => {
        const t = `(${e} * ${sql.num(s.scale[j]!)} + ${sql.num(s.min[j]!)})`;
        return s.params.clip ? `LEAST(GREATEST(${t}, ${sql.num(0)}), ${sql.num(1)})` : t;
      });
    }
    case 'PCA':
    case 'IncrementalPCA': {
      const s = model as unknown as { components: Matrix; mean: Float64Array; explainedVariance: Float64Array; params: { whiten: boolean } };
      const C = s.components;
      need(C.cols);
      const centred = x.map((e, j) => `(${e} - ${sql.num(s.mean[j]!)})`);
      return Array.from({ length: C.rows }, (_, i) => {
        const dot = dotSum(centred, C.data.subarray(i * C.cols, (i + 1) * C.cols), sql);
        return s.params.whiten ? `(${dot} / ${sql.num(Math.max(Math.sqrt(s.explainedVariance[i]!), Number.EPSILON))})` : dot;
      });
    }
    case 'LinearRegression':
    case 'Ridge':
    case 'Lasso':
    case 'ElasticNet': {
      const s = model as unknown as { coef: Float64Array; intercept: number };
      need(s.coef.length);
      return [`(${dotSum(x, s.coef, sql)} + ${sql.num(s.intercept)})`];
    }
    case 'LogisticRegression': {
      const s = model as unknown as { coef: Matrix; intercept: Float64Array; classes: Label[] };
      need(s.coef.cols);
      const z = Array.from({ length: s.coef.rows }, (_, c) => `(${dotSum(x, s.coef.data.subarray(c * s.coef.cols, (c + 1) * s.coef.cols), sql)} + ${sql.num(s.intercept[c]!)})`);
      if (output === 'proba') {
        if (z.length !== 1) throw new InvalidParameterError('output', "'predict' for multiclass LogisticRegression ('proba' is binary only)", output, OWNER);
        const p1 = `(${sql.num(1)} / (${sql.num(1)} + ${sql.exp(`-${z[0]}`)}))`;
        return [`(${sql.num(1)} - ${p1})`, p1];
      }
      if (z.length === 1) return [`CASE WHEN ${z[0]} > ${sql.num(0)} THEN ${label(s.classes[1]!, sql)} ELSE ${label(s.classes[0]!, sql)} END`];
      return [argBest(z, s.classes.map((c) => label(c, sql)), 'max')];
    }
    case 'KMeans':
    case 'MiniBatchKMeans': {
      const s = model as unknown as { clusterCenters: Matrix };
      const C = s.clusterCenters;
      need(C.cols);
      return [nearestCenterSql(x, C.data, C.rows, sql)];
    }
    case 'DecisionTreeRegressor':
    case 'RandomForestRegressor': {
      const trees = m.kind === 'DecisionTreeRegressor' ? [(model as { tree: TreeArrays }).tree] : (model as { trees: TreeArrays[] }).trees;
      checkSingleOutput(trees);
      const parts = trees.map((t) => treeCase(t, x, (node) => sql.num(t.value[node]!), sql));
      return [trees.length === 1 ? parts[0]! : `((${parts.join(' + ')}) / ${sql.num(trees.length)})`];
    }
    case 'DecisionTreeClassifier':
    case 'RandomForestClassifier': {
      const s = model as unknown as { classes: Label[] };
      const trees = m.kind === 'DecisionTreeClassifier' ? [(model as { tree: TreeArrays }).tree] : (model as { trees: TreeArrays[] }).trees;
      checkSingleOutput(trees);
      const k = s.classes.length;
      // per class: the mean over trees of the leaf's class share, as predictProba
      const proba = Array.from({ length: k }, (_, c) => {
        const parts = trees.map((t) => treeCase(t, x, (node) => {
          let sum = 0;
          for (let j = 0; j < k; j++) sum += t.value[node * k + j]!;
          return sql.num(t.value[node * k + c]! / (sum === 0 ? 1 : sum));
        }, sql));
        return trees.length === 1 ? parts[0]! : `((${parts.join(' + ')}) / ${sql.num(trees.length)})`;
      });
      if (output === 'proba') return proba;
      if (trees.length === 1) {
        // one tree: each leaf's label directly (argmax of its class counts, first on ties)
        const t = trees[0]!;
        return [treeCase(t, x, (node) => {
          let best = 0;
          for (let c = 1; c < k; c++) if (t.value[node * k + c]! > t.value[node * k + best]!) best = c;
          return label(s.classes[best]!, sql);
        }, sql)];
      }
      return [argBest(proba, s.classes.map((c) => label(c, sql)), 'max')];
    }
    case 'HistGradientBoostingClassifier':
    case 'HistGradientBoostingRegressor':
      return hgbSql(model, x, output, sql);
    default:
      throw new InvalidParameterError('model', 'a tree, forest, linear or logistic model, KMeans, PCA, StandardScaler, MinMaxScaler or a Pipeline of these', m.kind, OWNER);
  }
}

/** Squared distances of the row to each of the k centers (k x d, row-major), one expression each. */
export function centerDistancesSql(x: string[], C: ArrayLike<number>, k: number, sql: DialectRules): string[] {
  const d = x.length;
  return Array.from({ length: k }, (_, c) => `(${x.map((e, j) => { const t = `(${e} - ${sql.num(C[c * d + j]!)})`; return `${t} * ${t}`; }).join(' + ')})`);
}

/** The index of the nearest of the k centers (first on ties, as KMeans.predict). */
export function nearestCenterSql(x: string[], C: ArrayLike<number>, k: number, sql: DialectRules): string {
  const d2 = centerDistancesSql(x, C, k, sql);
  return argBest(d2, d2.map((_, c) => String(c)), 'min');
}

function checkSingleOutput(trees: TreeArrays[]): void {
  if (trees.some((t) => (t.nOutputs ?? 1) !== 1)) throw new InvalidParameterError('model', 'a single-output tree model', 'a multi-output tree', OWNER);
}

/** `sum_j w_j * x_j` with exact literals, in feature order (zero weights skipped). */
function dotSum(x: string[], w: ArrayLike<number>, sql: DialectRules): string {
  const terms: string[] = [];
  for (let j = 0; j < x.length; j++) if (w[j] !== 0) terms.push(`${x[j]} * ${sql.num(w[j]!)}`);
  return terms.length ? `(${terms.join(' + ')})` : sql.num(0);
}

function label(v: Label, sql: DialectRules): string {
  return typeof v === 'number' ? sql.num(v) : sql.str(String(v));
}

/**
 * The label of the best of the values `v` (first index on ties, as numpy's argmax/argmin): value
 * i wins when it beats every later value and no earlier value won.
 */
function argBest(v: string[], labels: string[], kind: 'max' | 'min'): string {
  if (v.length === 1) return labels[0]!;
  const op = kind === 'max' ? '>=' : '<=';
  const whens: string[] = [];
  for (let i = 0; i < v.length - 1; i++) {
    const conds = v.slice(i + 1).map((w) => `${v[i]} ${op} ${w}`).join(' AND ');
    whens.push(`WHEN ${conds} THEN ${labels[i]}`);
  }
  return `CASE ${whens.join(' ')} ELSE ${labels[v.length - 1]} END`;
}

/**
 * A tree as nested CASE: `CAST(x AS float32) <= threshold` goes left (scikit-learn compares float32
 * X), NULL follows the node's missing-value direction (right when the tree has none, as NaN does).
 */
function treeCase(t: TreeArrays, x: string[], leaf: (node: number) => string, sql: DialectRules): string {
  const L = t.childrenLeft, R = t.childrenRight;
  if (sql.flatTrees) return treeCaseFlat(t, x, leaf, sql);
  const go = (node: number): string => {
    if (L[node] === -1) return leaf(node);
    const f = t.feature[node]!;
    if (f < 0 || f >= x.length) throw new DataError('columns', `at least ${f + 1} column names (the tree splits on feature ${f})`, `${x.length} names`, OWNER);
    const col = x[f]!;
    const missLeft = t.missingGoToLeft?.[node] === 1;
    const cond = `${sql.float32(col)} <= ${sql.num(t.threshold[node]!)}`;
    return missLeft
      ? `CASE WHEN ${col} IS NULL OR ${cond} THEN ${go(L[node]!)} ELSE ${go(R[node]!)} END`
      : `CASE WHEN ${cond} THEN ${go(L[node]!)} ELSE ${go(R[node]!)} END`;
  };
  return go(0);
}

/**
 * The same tree as one flat CASE: each leaf's root-to-leaf path as a conjunction. A left test is
 * `coalesce(f32(x) <= t, false)` (or `x IS NULL OR ...` where missing values go left), a right test
 * its negation, so a NULL follows the same branch as in the nested form.
 */
function treeCaseFlat(t: TreeArrays, x: string[], leaf: (node: number) => string, sql: DialectRules): string {
  const L = t.childrenLeft, R = t.childrenRight;
  if (L[0] === -1) return leaf(0);
  const whens: string[] = [];
  const walk = (node: number, path: string[]): void => {
    if (L[node] === -1) {
      whens.push(`WHEN ${path.join(' AND ')} THEN ${leaf(node)}`);
      return;
    }
    const f = t.feature[node]!;
    if (f < 0 || f >= x.length) throw new DataError('columns', `at least ${f + 1} column names (the tree splits on feature ${f})`, `${x.length} names`, OWNER);
    const col = x[f]!;
    const test = `${sql.float32(col)} <= ${sql.num(t.threshold[node]!)}`;
    const left = t.missingGoToLeft?.[node] === 1 ? `(${col} IS NULL OR ${test})` : `coalesce(${test}, ${sql.no ?? 'FALSE'})`;
    walk(L[node]!, [...path, left]);
    walk(R[node]!, [...path, `NOT ${left}`]);
  };
  walk(0, []);
  return `CASE ${whens.join(' ')} END`;
}

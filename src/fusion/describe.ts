/**
 * Cluster profiles in words: for each cluster, one-vs-rest rules read off a shallow decision tree
 * and contrast itemsets (items over-represented in the cluster) mined with FP-Growth from
 * discretised features. Every number reported is a direct count over the rows, so a rule's
 * coverage and precision mean exactly what its text says.
 */
import { fpGrowth } from '../assoc/fpgrowth.js';
import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Table } from '../core/table.js';
import { checkArray, checkLabels, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { KBinsDiscretizer } from '../preprocessing/discretizer.js';
import { DecisionTreeClassifier } from '../tree/cart.js';
import { TREE_LEAF } from '../tree/splitter.js';

export interface DescribeClustersOptions {
  /** Column names of a matrix X (default x0, x1, ...). For a Table: the columns to use (default all). */
  featureNames?: string[];
  /** Depth of each one-vs-rest tree (default 3): a rule has at most this many conditions. */
  maxDepth?: number;
  /** Minimum support of a contrast itemset inside its cluster, in (0, 1] (default 0.2). */
  minSupport?: number;
  /** Quantile bins per numeric feature for the itemsets (default 4). */
  nBins?: number;
  /** Minimum lift of a contrast itemset (confidence of itemset -> cluster over the cluster's share; default 1.5). */
  minLift?: number;
  /** Rules covering less than this share of their cluster are dropped (default 0.05). */
  minCoverage?: number;
  /** Rules kept per cluster, most covering first (default 3). */
  maxRules?: number;
  /** Itemsets kept per cluster, highest lift first (default 5). */
  maxItemsets?: number;
  /** Longest itemset (default 3). */
  maxLen?: number;
}

/** One condition of a rule; `value` is a number for numeric features and a category for `=` / `!=`. */
export interface RuleTerm {
  feature: string;
  op: '<=' | '>' | '=' | '!=';
  value: number | string;
}

export interface ClusterRule {
  terms: RuleTerm[];
  /** rows satisfying every term */
  covered: number;
  /** rows of the cluster satisfying every term */
  coveredInCluster: number;
  /** coveredInCluster / cluster size */
  coverage: number;
  /** coveredInCluster / covered */
  precision: number;
  text: string;
}

/** One item: a category of a column, or a numeric bin [low, high) (bounds may be infinite). */
export type ContrastItem =
  | { feature: string; kind: 'value'; value: string | boolean; label: string }
  | { feature: string; kind: 'bin'; low: number; high: number; label: string };

export interface ContrastItemset {
  items: ContrastItem[];
  /** rows of the cluster holding every item, and the same outside the cluster */
  countInside: number;
  countOutside: number;
  /** countInside / cluster size */
  supportInside: number;
  /** countOutside / rows outside the cluster (0 when the cluster is everything) */
  supportOutside: number;
  /** P(cluster | items) / P(cluster) */
  lift: number;
  /** supportInside / supportOutside (Infinity when the itemset never occurs outside) */
  growthRate: number;
  text: string;
}

export interface ClusterDescription {
  cluster: Label;
  size: number;
  rules: ClusterRule[];
  itemsets: ContrastItemset[];
  text: string;
}

export interface ClusterDescriptions {
  nRows: number;
  clusters: ClusterDescription[];
  toString(): string;
}

const OWNER = 'describeClusters';

interface Feature {
  name: string;
  kind: 'numeric' | 'categorical' | 'boolean';
  /** numeric / boolean values (NaN missing) */
  values?: Float64Array;
  codes?: Int32Array;
  labels?: readonly string[];
}

function readFeatures(X: MatrixLike | Table, names: string[] | undefined): { n: number; features: Feature[] } {
  if (X instanceof Table) {
    const cols = names ?? X.names;
    const features = cols.map((name): Feature => {
      if (!X.has(name)) throw new DataError('featureNames', `column names of the table (${X.names.join(', ')})`, name, OWNER);
      const c = X.column(name);
      if (c.kind === 'categorical') return { name, kind: 'categorical', codes: c.codes, labels: c.labels };
      return { name, kind: c.kind === 'boolean' ? 'boolean' : 'numeric', values: c.values };
    });
    if (X.nRows === 0) throw new DataError('X', 'at least one row', '0 rows', OWNER);
    return { n: X.nRows, features };
  }
  const m = checkArray(X, { owner: OWNER, allowNaN: true });
  if (names !== undefined && names.length !== m.cols) throw new ShapeError('featureNames', `${m.cols} names (one per column of X)`, `${names.length} names`, OWNER);
  const features = Array.from({ length: m.cols }, (_, j): Feature => {
    const v = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) v[i] = m.data[i * m.cols + j]!;
    return { name: names?.[j] ?? `x${j}`, kind: 'numeric', values: v };
  });
  return { n: m.rows, features };
}

function intOpt(v: unknown, def: number, name: string, min: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidParameterError(name, `an integer >= ${min}`, v, OWNER);
  return v;
}

/**
 * Describe each cluster of a labelling in words.
 *
 * - **Rules**: a `DecisionTreeClassifier` (depth `maxDepth`, balanced class weights, at least 1% of
 *   the rows per leaf) separates the cluster from the rest; each leaf it assigns to the cluster
 *   becomes a conjunction of conditions, thresholds moved to the shortest decimal that splits the
 *   data the same way. `coverage` = share of the cluster's rows the rule covers, `precision` =
 *   share of the covered rows that are in the cluster (both counted directly). Rules of one
 *   cluster are disjoint (they are leaves of one tree); those covering less than `minCoverage`
 *   of the cluster are dropped.
 * - **Contrast itemsets**: numeric features are cut into `nBins` quantile bins (edges rounded to 3
 *   significant digits), categorical columns give `feature = value` items; FP-Growth mines the
 *   itemsets with support >= `minSupport` inside the cluster, kept when their lift >= `minLift`.
 *   Reported: support inside and outside, lift, growth rate (Dong & Li's emerging patterns).
 *   Itemsets are ranked by lift, then support inside; one is dropped when a subset of it with at
 *   least the same lift is already listed.
 *
 * Missing values (NaN, missing categories) satisfy no condition and hold no item.
 *
 * @example
 * const km = new KMeans({ nClusters: 3, randomState: 0 }).fit(X);
 * console.log(String(describeClusters(X, km.labels, { featureNames })));
 * // cluster 0 (50 rows): petal_length <= 2.5 (precision 1.00, covers 100%)
 */
export function describeClusters(X: MatrixLike | Table, labels: LabelsLike, opts: DescribeClustersOptions = {}): ClusterDescriptions {
  const maxDepth = intOpt(opts.maxDepth, 3, 'maxDepth', 1);
  const nBins = intOpt(opts.nBins, 4, 'nBins', 2);
  const maxRules = intOpt(opts.maxRules, 3, 'maxRules', 0);
  const maxItemsets = intOpt(opts.maxItemsets, 5, 'maxItemsets', 0);
  const maxLen = intOpt(opts.maxLen, 3, 'maxLen', 1);
  const minSupport = opts.minSupport ?? 0.2;
  if (typeof minSupport !== 'number' || !(minSupport > 0 && minSupport <= 1)) throw new InvalidParameterError('minSupport', 'a fraction in (0, 1]', minSupport, OWNER);
  const minLift = opts.minLift ?? 1.5;
  if (typeof minLift !== 'number' || !(minLift >= 0) || !Number.isFinite(minLift)) throw new InvalidParameterError('minLift', 'a finite number >= 0', minLift, OWNER);
  const minCoverage = opts.minCoverage ?? 0.05;
  if (typeof minCoverage !== 'number' || !(minCoverage >= 0 && minCoverage <= 1)) throw new InvalidParameterError('minCoverage', 'a fraction in [0, 1]', minCoverage, OWNER);
  if (opts.featureNames !== undefined && !Array.isArray(opts.featureNames)) throw new InvalidParameterError('featureNames', 'an array of strings', opts.featureNames, OWNER);

  const { n, features } = readFeatures(X, opts.featureNames);
  const { classes, encoded } = checkLabels(labels, null, { name: 'labels', owner: OWNER });
  if (encoded.length !== n) throw new ShapeError('labels', `length ${n} (the number of rows of X)`, `length ${encoded.length}`, OWNER);

  // tree design matrix: numeric / boolean as is, categorical one-hot (NaN when missing)
  const treeCols: { feature: Feature; category: number }[] = [];
  for (const f of features) {
    if (f.kind === 'categorical') f.labels!.forEach((_, c) => treeCols.push({ feature: f, category: c }));
    else treeCols.push({ feature: f, category: -1 });
  }
  const D = treeCols.length;
  const Xt = new Float64Array(n * D);
  treeCols.forEach((tc, j) => {
    for (let i = 0; i < n; i++) {
      if (tc.category < 0) Xt[i * D + j] = tc.feature.values![i]!;
      else { const code = tc.feature.codes![i]!; Xt[i * D + j] = code < 0 ? NaN : code === tc.category ? 1 : 0; }
    }
  });
  const treeX = new Matrix(Xt, n, D);
  const sortedCols = treeCols.map((tc) => (tc.category < 0 ? Float64Array.from(tc.feature.values!.filter((v) => v === v)).sort() : null));

  const transactions = buildItems(features, n, nBins);
  const clusters: ClusterDescription[] = [];
  for (let k = 0; k < classes.length; k++) {
    const inC = Uint8Array.from(encoded, (c) => (c === k ? 1 : 0));
    let size = 0;
    for (const v of inC) size += v;
    const header = `cluster ${String(classes[k])} (${size.toLocaleString('en-US')} rows)`;
    const rules = maxRules > 0 && size < n ? clusterRules(treeX, inC, size, treeCols, sortedCols, maxDepth).filter((r) => r.coverage >= minCoverage).slice(0, maxRules) : [];
    const itemsets = maxItemsets > 0 ? contrastItemsets(transactions, inC, size, n, minSupport, minLift, maxLen).slice(0, maxItemsets) : [];
    const lines = [rules.length ? `${header}: ${rules[0]!.text}` : `${header}: no rule (${size === n ? 'the only cluster' : 'no leaf of the tree singles it out'})`];
    for (const r of rules.slice(1)) lines.push(`    or ${r.text}`);
    for (const s of itemsets) lines.push(`    items: ${s.text}`);
    clusters.push({ cluster: classes[k]!, size, rules, itemsets, text: lines.join('\n') });
  }
  return { nRows: n, clusters, toString: () => clusters.map((c) => c.text).join('\n') };
}

// ---------------------------------------------------------------- rules

function clusterRules(X: Matrix, inC: Uint8Array, size: number, treeCols: { feature: Feature; category: number }[], sorted: (Float64Array | null)[], maxDepth: number): ClusterRule[] {
  const n = X.rows;
  const minLeaf = Math.max(1, Math.floor(n / 100));
  const tree = new DecisionTreeClassifier({ maxDepth, minSamplesLeaf: minLeaf, classWeight: 'balanced', randomState: 0 }).fit(X, Array.from(inC));
  const t = tree.tree;
  const classes = tree.classes;
  const inIdx = classes.indexOf(1);
  const stride = t.value.length / t.nodeCount;
  const out: ClusterRule[] = [];
  const walk = (node: number, terms: RuleTerm[]) => {
    if (t.childrenLeft[node] === TREE_LEAF) {
      const v = t.value.subarray(node * stride, node * stride + stride);
      let best = 0;
      for (let c = 1; c < t.nClasses; c++) if (v[c]! > v[best]!) best = c;
      if (best !== inIdx || terms.length === 0) return;
      const simple = simplify(terms);
      const { covered, coveredInCluster } = countRule(simple, treeCols, X, inC);
      if (coveredInCluster === 0) return;
      const coverage = coveredInCluster / size, precision = coveredInCluster / covered;
      out.push({ terms: simple, covered, coveredInCluster, coverage, precision, text: `${ruleText(simple)} (precision ${precision.toFixed(2)}, covers ${Math.round(coverage * 100)}%)` });
      return;
    }
    const j = t.feature[node]!, thr = t.threshold[node]!;
    const tc = treeCols[j]!;
    let left: RuleTerm, right: RuleTerm;
    if (tc.category >= 0) {
      const value = tc.feature.labels![tc.category]!;
      left = { feature: tc.feature.name, op: '!=', value };
      right = { feature: tc.feature.name, op: '=', value };
    } else {
      const nice = niceThreshold(sorted[j]!, thr);
      left = { feature: tc.feature.name, op: '<=', value: nice };
      right = { feature: tc.feature.name, op: '>', value: nice };
    }
    walk(t.childrenLeft[node]!, [...terms, left]);
    walk(t.childrenRight[node]!, [...terms, right]);
  };
  walk(0, []);
  return out.sort((a, b) => b.coveredInCluster - a.coveredInCluster || b.precision - a.precision);
}

/** Keep the tightest bound per feature and op; `= v` makes `!= w` on the same feature redundant. */
function simplify(terms: RuleTerm[]): RuleTerm[] {
  const out: RuleTerm[] = [];
  for (const t of terms) {
    if (t.op === '<=' || t.op === '>') {
      const prev = out.find((o) => o.feature === t.feature && o.op === t.op);
      if (!prev) out.push({ ...t });
      else if (t.op === '<=' ? (t.value as number) < (prev.value as number) : (t.value as number) > (prev.value as number)) prev.value = t.value;
    } else out.push({ ...t });
  }
  const eqFeatures = new Set(out.filter((t) => t.op === '=').map((t) => t.feature));
  return out.filter((t) => !(t.op === '!=' && eqFeatures.has(t.feature)));
}

/** Whether row i satisfies a term (missing values satisfy nothing). */
function holds(term: RuleTerm, f: Feature, i: number): boolean {
  if (f.kind === 'categorical') {
    const code = f.codes![i]!;
    if (code < 0) return false;
    return (f.labels![code] === term.value) === (term.op === '=');
  }
  const x = f.values![i]!;
  if (x !== x) return false;
  return term.op === '<=' ? x <= (term.value as number) : x > (term.value as number);
}

function countRule(terms: RuleTerm[], treeCols: { feature: Feature }[], X: Matrix, inC: Uint8Array): { covered: number; coveredInCluster: number } {
  const byName = new Map(treeCols.map((tc) => [tc.feature.name, tc.feature]));
  const fs = terms.map((t) => byName.get(t.feature)!);
  let covered = 0, coveredInCluster = 0;
  for (let i = 0; i < X.rows; i++) {
    let ok = true;
    for (let k = 0; k < terms.length && ok; k++) ok = holds(terms[k]!, fs[k]!, i);
    if (ok) { covered++; coveredInCluster += inC[i]!; }
  }
  return { covered, coveredInCluster };
}

/**
 * The shortest decimal t with a <= t < b, where a is the largest value <= thr and b the smallest
 * value > thr: `x <= t` splits the rows exactly as `x <= thr`.
 */
export function niceThreshold(sorted: Float64Array, thr: number): number {
  let lo = 0, hi = sorted.length; // first index with value > thr
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! <= thr) lo = mid + 1; else hi = mid; }
  if (lo === 0 || lo === sorted.length) return thr;
  const a = sorted[lo - 1]!, b = sorted[lo]!;
  // coarsest decimal grid first: the smallest multiple of 10^-dec that is >= a, kept when < b
  for (let dec = -15; dec <= 20; dec++) {
    const cand = dec >= 0 ? Number((Math.ceil(a * 10 ** dec) / 10 ** dec).toFixed(dec)) : Math.ceil(a / 10 ** -dec) * 10 ** -dec;
    if (cand >= a && cand < b) return cand === 0 ? 0 : cand;
  }
  return a;
}

function fmtNum(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US', { useGrouping: false }) : String(Number(v.toPrecision(6)));
}

function ruleText(terms: RuleTerm[]): string {
  return terms.map((t) => `${t.feature} ${t.op} ${typeof t.value === 'number' ? fmtNum(t.value) : t.value}`).join(' AND ');
}

// ---------------------------------------------------------------- contrast itemsets

interface ItemTable {
  /** item label -> structured item */
  items: Map<string, ContrastItem>;
  /** item labels of each row */
  rows: string[][];
  /** rows holding each item (bitmap) */
  holders: Map<string, Uint8Array>;
}

function roundSig(v: number, digits = 3): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}

function buildItems(features: Feature[], n: number, nBins: number): ItemTable {
  const items = new Map<string, ContrastItem>();
  const rows: string[][] = Array.from({ length: n }, () => []);
  const holders = new Map<string, Uint8Array>();
  const add = (label: string, item: ContrastItem, i: number) => {
    if (!items.has(label)) { items.set(label, item); holders.set(label, new Uint8Array(n)); }
    rows[i]!.push(label);
    holders.get(label)![i] = 1;
  };
  for (const f of features) {
    if (f.kind === 'categorical') {
      for (let i = 0; i < n; i++) {
        const c = f.codes![i]!;
        if (c < 0) continue;
        const label = `${f.name} = ${f.labels![c]}`;
        add(label, { feature: f.name, kind: 'value', value: f.labels![c]!, label }, i);
      }
    } else if (f.kind === 'boolean') {
      for (let i = 0; i < n; i++) {
        const v = f.values![i]!;
        if (v !== v) continue;
        const label = `${f.name} = ${v === 1}`;
        add(label, { feature: f.name, kind: 'value', value: v === 1, label }, i);
      }
    } else {
      const present = f.values!.filter((v) => v === v);
      if (present.length === 0) continue;
      const kb = new KBinsDiscretizer({ nBins, strategy: 'quantile', encode: 'ordinal' }).fit(new Matrix(Float64Array.from(present), present.length, 1));
      const raw = kb.binEdges[0]!;
      const edges: number[] = [];
      for (const e of raw.subarray(1, raw.length - 1)) {
        const r = roundSig(e);
        if (Number.isFinite(r) && (edges.length === 0 || r > edges[edges.length - 1]!)) edges.push(r);
      }
      const bounds = [-Infinity, ...edges, Infinity];
      const labels = bounds.slice(0, -1).map((low, b) => {
        const high = bounds[b + 1]!;
        return low === -Infinity ? (high === Infinity ? `${f.name} = any` : `${f.name} < ${fmtNum(high)}`) : high === Infinity ? `${f.name} >= ${fmtNum(low)}` : `${f.name} in [${fmtNum(low)}, ${fmtNum(high)})`;
      });
      for (let i = 0; i < n; i++) {
        const v = f.values![i]!;
        if (v !== v) continue;
        let b = 0;
        while (b < edges.length && v >= edges[b]!) b++;
        add(labels[b]!, { feature: f.name, kind: 'bin', low: bounds[b]!, high: bounds[b + 1]!, label: labels[b]! }, i);
      }
    }
  }
  return { items, rows, holders };
}

function contrastItemsets(tab: ItemTable, inC: Uint8Array, size: number, n: number, minSupport: number, minLift: number, maxLen: number): ContrastItemset[] {
  const inside: string[][] = [];
  for (let i = 0; i < n; i++) if (inC[i]) inside.push(tab.rows[i]!);
  if (inside.length === 0) return [];
  const found = fpGrowth(inside, { minSupport, maxLen });
  const nOut = n - size;
  const out: ContrastItemset[] = [];
  for (const s of found) {
    const labels = s.items as string[];
    const hs = labels.map((l) => tab.holders.get(l)!);
    let countOutside = 0;
    for (let i = 0; i < n; i++) {
      if (inC[i]) continue;
      let all = 1;
      for (const h of hs) all &= h[i]!;
      countOutside += all;
    }
    const countInside = s.count;
    const supportInside = countInside / size;
    const supportOutside = nOut > 0 ? countOutside / nOut : 0;
    const lift = (countInside / (countInside + countOutside)) / (size / n);
    if (!(lift >= minLift)) continue;
    const growthRate = supportOutside > 0 ? supportInside / supportOutside : Infinity;
    const items = labels.map((l) => tab.items.get(l)!);
    const text = `${labels.join(' & ')} (${Math.round(supportInside * 100)}% inside vs ${Math.round(supportOutside * 100)}% outside, lift ${lift.toFixed(2)}, growth ${growthRate === Infinity ? 'inf' : growthRate.toFixed(2)})`;
    out.push({ items, countInside, countOutside, supportInside, supportOutside, lift, growthRate, text });
  }
  // highest lift first; among equal lifts the better supported, then the shorter itemset. An
  // itemset is dropped when a kept subset of it already has at least its lift (it adds no contrast).
  out.sort((a, b) => b.lift - a.lift || b.countInside - a.countInside || a.items.length - b.items.length);
  const kept: ContrastItemset[] = [];
  for (const s of out) {
    const labels = new Set(s.items.map((it) => it.label));
    if (kept.some((k) => k.lift >= s.lift && k.items.every((it) => labels.has(it.label)))) continue;
    kept.push(s);
  }
  return kept;
}

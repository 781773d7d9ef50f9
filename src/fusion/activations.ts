/**
 * Activation mining: what does a hidden layer of a net respond to? Each row's hidden units are
 * binarised (active when the unit's output exceeds `threshold`), FP-Growth (src/assoc) finds the
 * units that fire together in at least `minSupport` of the rows, and each such co-activation
 * pattern is described by a short rule on the inputs: a small DecisionTreeClassifier predicting
 * "all units of the pattern are active", read through `treeToRules` (src/tree/export.ts); the
 * reported rule is the leaf predicting the pattern that covers most of it.
 */
import { InvalidParameterError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { fpGrowth } from '../assoc/fpgrowth.js';
import { Sequential } from '../nn/sequential.js';
import { DecisionTreeClassifier } from '../tree/cart.js';
import { treeToRules, type RuleCondition } from '../tree/export.js';

/** Options of {@link mineActivations}. */
export interface MineActivationsOptions {
  /** Index of the layer in `net.layers` whose outputs are mined (default: the last layer before the output). */
  layer?: number;
  /** A unit is active when its output is > threshold; a number, or 'mean' for each unit's mean over X (default 0: ReLU firing). */
  threshold?: number | 'mean';
  /** Minimum support of a pattern, a fraction of the rows in (0, 1] (default 0.1). */
  minSupport?: number;
  /** Fewest units in a reported pattern (default 2: co-activations). */
  minLen?: number;
  /** Most units in a pattern (default 3). */
  maxLen?: number;
  /** Describe at most this many patterns (most supported first; default 20). */
  topK?: number;
  /** Depth of the tree describing a pattern (default 2: rules of at most two conditions). */
  ruleDepth?: number;
  /** Input feature names for the rules. */
  featureNames?: string[];
  /** Seed of the describing trees (default 0). */
  randomState?: number;
}

/** A short rule on the inputs that predicts a pattern. */
export interface PatternRule {
  conditions: RuleCondition[];
  /** `petal length > 2.45 AND petal width <= 1.75` */
  text: string;
  /** rows matching the rule / n */
  support: number;
  /** rows matching the rule where the pattern is active / rows matching the rule */
  precision: number;
  /** rows matching the rule where the pattern is active / rows where the pattern is active */
  recall: number;
}

/** One frequent co-activation pattern. */
export interface ActivationPattern {
  /** unit indices in the layer, ascending */
  units: number[];
  /** rows where all units are active / n */
  support: number;
  /** rows where all units are active */
  count: number;
  /** the describing rule (null when the pattern is active in every row: nothing to separate) */
  rule: PatternRule | null;
  /** accuracy of the describing tree on X */
  treeAccuracy: number;
}

export interface MineActivationsResult {
  patterns: ActivationPattern[];
  layer: number;
  /** the threshold of each unit */
  thresholds: Float64Array;
  /** share of rows in which each unit is active */
  activeRate: Float64Array;
  nRows: number;
}

/** A Sequential, or an estimator exposing its trained net as `network` (MLPClassifier, MLPRegressor, Autoencoder). */
export type NetLike = Sequential | { readonly network: Sequential };

const OWNER = 'mineActivations';

function resolveNet(net: NetLike): Sequential {
  if (net instanceof Sequential) return net;
  if (net && typeof net === 'object' && 'network' in net) {
    const s = (net as { network: unknown }).network; // NotFittedError from an unfitted estimator
    if (s instanceof Sequential) return s;
  }
  throw new InvalidParameterError('net', 'a Sequential or an estimator with a trained `network` (MLPClassifier, MLPRegressor, Autoencoder)', net, OWNER);
}

/** Output of `net.layers[layer]` for X (inference mode), via `Sequential.predictUpTo`. */
export function layerOutput(net: NetLike, X: MatrixLike, layer: number): Matrix {
  const seq = resolveNet(net);
  if (!Number.isInteger(layer) || layer < 0 || layer >= seq.layers.length) throw new InvalidParameterError('layer', `an integer in [0, ${seq.layers.length - 1}]`, layer, OWNER);
  return seq.predictUpTo(X, layer + 1);
}

/**
 * Frequent co-activation patterns of a hidden layer, each with a short rule on the inputs.
 *
 * @example
 * const net = new MLPClassifier({ hiddenLayerSizes: [16], randomState: 0 }).fit(X, y);
 * const { patterns } = mineActivations(net, X, { minSupport: 0.2, featureNames });
 * patterns[0]; // { units: [3, 7], support: 0.41, rule: { text: 'petal length > 2.45', precision: 0.93, ... } }
 */
export function mineActivations(net: NetLike, X: MatrixLike, opts: MineActivationsOptions = {}): MineActivationsResult {
  const seq = resolveNet(net);
  const m = checkArray(X, { owner: OWNER });
  const layer = opts.layer ?? Math.max(0, seq.layers.length - 2);
  const minSupport = opts.minSupport ?? 0.1;
  if (typeof minSupport !== 'number' || !(minSupport > 0 && minSupport <= 1)) throw new InvalidParameterError('minSupport', 'a fraction in (0, 1]', minSupport, OWNER);
  const minLen = opts.minLen ?? 2, maxLen = opts.maxLen ?? 3, topK = opts.topK ?? 20, ruleDepth = opts.ruleDepth ?? 2;
  for (const [name, v] of [['minLen', minLen], ['maxLen', maxLen], ['topK', topK], ['ruleDepth', ruleDepth]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidParameterError(name, 'an integer >= 1', v, OWNER);
  }
  if (maxLen < minLen) throw new InvalidParameterError('maxLen', `an integer >= minLen (${minLen})`, maxLen, OWNER);
  const thr = opts.threshold ?? 0;
  if (thr !== 'mean' && (typeof thr !== 'number' || !Number.isFinite(thr))) throw new InvalidParameterError('threshold', "a finite number or 'mean'", thr, OWNER);
  if (opts.featureNames !== undefined && (!Array.isArray(opts.featureNames) || opts.featureNames.length !== m.cols)) {
    throw new InvalidParameterError('featureNames', `an array of ${m.cols} names`, opts.featureNames, OWNER);
  }
  const A = layerOutput(seq, m, layer);
  const n = A.rows, u = A.cols;
  const thresholds = new Float64Array(u);
  if (thr === 'mean') {
    for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) thresholds[j]! += A.data[i * u + j]!;
    for (let j = 0; j < u; j++) thresholds[j]! /= n;
  } else thresholds.fill(thr);
  // binarise: active[i * u + j]
  const active = new Uint8Array(n * u);
  const activeRate = new Float64Array(u);
  const transactions: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t: number[] = [];
    for (let j = 0; j < u; j++) if (A.data[i * u + j]! > thresholds[j]!) { active[i * u + j] = 1; activeRate[j]!++; t.push(j); }
    transactions[i] = t;
  }
  for (let j = 0; j < u; j++) activeRate[j]! /= n;
  const sets = fpGrowth(transactions, { minSupport, maxLen })
    .filter((s) => s.items.length >= minLen)
    .sort((a, b) => b.count - a.count || b.items.length - a.items.length || cmpUnits(a.items as number[], b.items as number[]))
    .slice(0, topK);

  const patterns = sets.map((s): ActivationPattern => {
    const units = (s.items as number[]).slice().sort((a, b) => a - b);
    const target = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let all = 1;
      for (const j of units) if (!active[i * u + j]) { all = 0; break; }
      target[i] = all;
    }
    const { rule, accuracy } = describe(m, target, s.count, ruleDepth, opts.featureNames, opts.randomState ?? 0);
    return { units, support: s.support, count: s.count, rule, treeAccuracy: accuracy };
  });
  return { patterns, layer, thresholds, activeRate, nRows: n };
}

function cmpUnits(a: number[], b: number[]): number {
  for (let t = 0; t < Math.min(a.length, b.length); t++) if (a[t] !== b[t]) return a[t]! - b[t]!;
  return a.length - b.length;
}

/**
 * Fit a small tree predicting the pattern; report the leaf predicting it with most true positives
 * (or, when no leaf predicts it, the leaf with the highest pattern rate).
 */
function describe(m: Matrix, target: Int32Array, count: number, depth: number, featureNames: string[] | undefined, seed: number): { rule: PatternRule | null; accuracy: number } {
  const n = m.rows;
  if (count === n) return { rule: null, accuracy: 1 };
  const tree = new DecisionTreeClassifier({ maxDepth: depth, randomState: seed }).fit(m, target);
  const pred = tree.predict(m);
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === target[i]) correct++;
  const leafOf = tree.apply(m);
  const t = tree.tree;
  const cover = new Float64Array(t.nodeCount), tp = new Float64Array(t.nodeCount);
  for (let i = 0; i < n; i++) { cover[leafOf[i]!]!++; tp[leafOf[i]!]! += target[i]!; }
  const cands = treeToRules(tree, { featureNames }).map((r) => {
    let node = 0;
    for (const c of r.conditions) node = c.op === '<=' ? t.childrenLeft[node]! : t.childrenRight[node]!;
    return { r, c: cover[node]!, tp: tp[node]! };
  });
  const positive = cands.filter((x) => x.r.prediction === 1);
  const key = positive.length ? (x: typeof cands[number]) => x.tp : (x: typeof cands[number]) => (x.c ? x.tp / x.c : 0);
  const pool = positive.length ? positive : cands;
  let best = pool[0]!;
  for (const x of pool) if (key(x) > key(best)) best = x;
  const text = best.r.conditions.length ? best.r.conditions.map((c) => `${c.featureName ?? `feature_${c.feature}`} ${c.op} ${fix2(c.threshold)}`).join(' AND ') : 'TRUE';
  return { rule: { conditions: best.r.conditions, text, support: best.c / n, precision: best.c ? best.tp / best.c : 0, recall: best.tp / count }, accuracy: correct / n };
}

/** Two decimals without a '-0.00'. */
function fix2(v: number): string {
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

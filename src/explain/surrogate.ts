/**
 * Global surrogate trees: a small CART tree trained to mimic a fitted model (not the labels), read
 * as one rule per leaf. `fidelity` says how often the tree agrees with the model (R^2 against the
 * model's outputs for regressors); every rule carries its coverage, its fidelity to the model and,
 * when labels are given, its precision against them. The rules come from `treeToRules`
 * (src/tree/export.ts); a rule's leaf is found by following its own conditions from the root.
 */
import { Estimator, loadModel, registerEstimator, type Capabilities, type SavedModel } from '../core/estimator.js';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkRandomState, type RandomState } from '../core/random.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkArray, type Label, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../tree/cart.js';
import { treeToRules, type RuleCondition } from '../tree/export.js';

/** What a surrogate needs from the explained model: a fitted `predict` (labels or numbers). */
export interface ExplainableModel {
  predict(X: MatrixLike): ArrayLike<unknown> | Matrix;
  readonly isFitted?: boolean;
  readonly kind?: string;
  toJSON?(): unknown;
}

const isSaved = (v: unknown): v is SavedModel => !!v && typeof v === 'object' && (v as { format?: unknown }).format === 'deepmine';
const isModel = (v: unknown): v is ExplainableModel => !!v && typeof v === 'object' && typeof (v as { predict?: unknown }).predict === 'function';

const schema = {
  model: p.custom<ExplainableModel | null>(null, 'a fitted model with predict() (an estimator, a Sequential or any object)', (v) => v === null || isModel(v), 'The model to explain. Saved with the surrogate (its own toJSON) when it has one.'),
  task: p.oneOf(['auto', 'classification', 'regression'] as const, 'auto', "'auto': classification when the model is a classifier (capabilities.type or a classes list) or predicts non-numbers, else regression."),
  maxDepth: p.nullable(p.int(1, { min: 1 }), null),
  maxLeafNodes: p.nullable(p.int(2, { min: 2 }), 16),
  minSamplesLeaf: p.anyOf<number>(1, [p.int(1, { min: 1 }), p.num(0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true })]),
  minSamplesSplit: p.anyOf<number>(2, [p.int(2, { min: 2 }), p.num(0.5, { min: 0, max: 1, minExclusive: true })]),
  minImpurityDecrease: p.num(0, { min: 0 }),
  ccpAlpha: p.num(0, { min: 0 }),
  randomState: p.randomState(),
  nSynthetic: p.int(0, { min: 0, doc: 'Extra rows drawn around the training rows (a random row plus Gaussian noise of syntheticNoise x the column std) and labelled by the model, as TREPAN\'s membership queries (Craven & Shavlik 1996): more of the model\'s boundary for the tree to copy.' }),
  syntheticNoise: p.num(0.3, { min: 0, doc: 'Noise of the synthetic rows, in column standard deviations.' }),
  synthetic: p.oneOf(['gaussian', 'mixup'] as const, 'gaussian', "How synthetic rows are drawn: 'gaussian' (a random row plus Gaussian noise, see nSynthetic) or 'mixup' (a random point on the segment between a random row and a random row the model puts in another class: the model's boundary crosses every such segment, so the rows land where the tree has most to learn; for regression any two rows)."),
  targets: p.oneOf(['labels', 'proba'] as const, 'labels', "What the tree copies for a classifier: 'labels' (the model's predicted classes) or 'proba' (soft targets: every row enters once per class weighted by the model's probability of that class, so a split is chosen by how much it separates the model's confidence, the Gini form of a regression on the probabilities; needs predictProba). Leaves still predict a class."),
  featureNames: p.nullable(p.custom<string[]>([], 'an array of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'))),
  decimals: p.int(2, { min: 0, max: 12, doc: 'Decimals of thresholds and values in rule texts.' }),
};
export type SurrogateTreeParams = ParamsOf<typeof schema>;

type Tree = DecisionTreeClassifier | DecisionTreeRegressor;

/** Per-leaf statistics on one data set (rule order). */
export interface RuleStats {
  /** rows reaching each rule's leaf */
  support: Int32Array;
  /** classification: rows where the model output equals the rule's prediction; regression: 1 - SSE/SST of the rule's value against the model outputs (SST around the overall mean of the model outputs) */
  fidelity: Float64Array;
  /** as fidelity, against the true labels; NaN without labels */
  precision: Float64Array;
  nRows: number;
}

export interface SurrogateTreeState {
  tree: Tree;
  task: 'classification' | 'regression';
  nFeatures: number;
  /** leaf node id of each rule (rules in `treeToRules` order) */
  leaves: Int32Array;
  /** statistics on the training rows */
  train: RuleStats;
  /** fidelity on the training rows */
  trainFidelity: number;
}

/** One rule of a surrogate: a root-to-leaf path, what it predicts and how well. */
export interface SurrogateRule {
  conditions: RuleCondition[];
  prediction: Label;
  /** leaf node id in the surrogate tree */
  leaf: number;
  /** rows covered */
  support: number;
  /** support / n */
  coverage: number;
  /** agreement with the model inside the rule (R^2-style share for regressors, see RuleStats) */
  fidelity: number;
  /** agreement with the true labels inside the rule; null when no labels were given */
  precision: number | null;
  /** `a <= 2.45 AND b > 1.20 => setosa (coverage 33%, precision 1.00, fidelity 1.00)` */
  text: string;
  /** Does `row` satisfy every condition (compared in float32 as the tree does)? */
  matches(row: ArrayLike<number>): boolean;
  toString(): string;
}

/**
 * A global surrogate: a DecisionTreeClassifier (classifier model) or DecisionTreeRegressor
 * (regressor) fitted on the model's own predictions, with rules per leaf.
 *
 * @example
 * const net = new MLPClassifier({ hiddenLayerSizes: [16], randomState: 0 }).fit(X, y);
 * const sur = new SurrogateTree({ model: net, maxLeafNodes: 8, featureNames }).fit(X, y);
 * sur.fidelity(XTest);            // share of test rows where tree and net agree
 * sur.rules.map(String);          // 'worst radius <= 16.80 AND ... => 1 (coverage 58%, precision 0.97, fidelity 0.99)'
 */
export class SurrogateTree extends Estimator<typeof schema, SurrogateTreeState> {
  static override readonly kind = 'SurrogateTree';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'other', supervised: false, stochastic: true, allowNaN: false };

  constructor(params: Partial<SurrogateTreeParams> = {}) {
    const model = (params as { model?: unknown }).model;
    const embedded = model && typeof model === 'object' && typeof (model as { $model?: unknown }).$model === 'string' ? JSON.parse((model as { $model: string }).$model) as unknown : model;
    super(isSaved(embedded) ? { ...params, model: loadModel(embedded) as ExplainableModel } : params);
  }

  /**
   * The wrapped (fitted) model is saved inside the params as its own `toJSON()` text
   * (`{ $model: '...' }`), so `loadModel` decodes its state once, by its own loader.
   * A model without `toJSON` cannot be saved.
   */
  override toJSON(): SavedModel {
    const model = this.params.model;
    if (model && typeof model.toJSON !== 'function') throw new DataError('model', 'a model with toJSON() to save the surrogate', model, this.kind);
    const json = super.toJSON();
    return { ...json, params: { ...(json.params as object), model: model ? { $model: JSON.stringify(model.toJSON!()) } : null } };
  }

  /** Fit the surrogate on the model's outputs for X; `y` (true labels/targets) only feeds rule precision. */
  fit(X: MatrixLike, y?: LabelsLike | null): this {
    const model = this.params.model;
    if (!model) throw new InvalidParameterError('model', 'a fitted model with predict()', null, this.kind);
    const m = checkArray(X, { owner: this.kind });
    if (y != null && y.length !== m.rows) throw new ShapeError('y', `length ${m.rows} (rows of X)`, `length ${y.length}`, this.kind);
    const task = this.params.task === 'auto' ? taskOf(model, m) : this.params.task;
    const out = modelOutputs(model, m, task, this.kind);
    const ps = this.params;
    const common = {
      maxDepth: ps.maxDepth, maxLeafNodes: ps.maxLeafNodes, minSamplesLeaf: ps.minSamplesLeaf, minSamplesSplit: ps.minSamplesSplit,
      minImpurityDecrease: ps.minImpurityDecrease, ccpAlpha: ps.ccpAlpha, randomState: ps.randomState,
    };
    let Xfit = m, outFit = out;
    if (ps.nSynthetic > 0) {
      const rng = checkRandomState(ps.randomState, 'randomState', this.kind);
      Xfit = ps.synthetic === 'mixup' ? synthesizeMixup(m, out, ps.nSynthetic, rng) : synthesize(m, ps.nSynthetic, ps.syntheticNoise, rng);
      outFit = modelOutputs(model, Xfit, task, this.kind);
    }
    let tree: Tree;
    if (task === 'classification' && ps.targets === 'proba') {
      const soft = softTargets(model, Xfit, this.kind);
      tree = new DecisionTreeClassifier(common).fit(soft.X, soft.y, soft.w);
    } else {
      tree = task === 'classification'
        ? new DecisionTreeClassifier(common).fit(Xfit, outFit as Label[])
        : new DecisionTreeRegressor(common).fit(Xfit, outFit as Float64Array);
    }
    const leaves = ruleLeaves(tree);
    const train = ruleStats(tree, leaves, m, out, y ?? null, task);
    this._state = { tree, task, nFeatures: m.cols, leaves, train, trainFidelity: fidelityOf(tree, m, out, task) };
    return this;
  }

  /** The fitted CART tree (DecisionTreeClassifier or DecisionTreeRegressor). */
  get tree(): Tree { return this.fitted.tree; }
  get task(): 'classification' | 'regression' { return this.fitted.task; }
  /** Fidelity on the training rows. */
  get trainFidelity(): number { return this.fitted.trainFidelity; }

  /** One rule per leaf with statistics on the training rows (in the tree's left-to-right leaf order). */
  get rules(): SurrogateRule[] {
    return this.buildRules(this.fitted.train);
  }

  /** Rules with statistics computed on other data (e.g. a test set); y optional. */
  evaluateRules(X: MatrixLike, y?: LabelsLike | null): SurrogateRule[] {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    if (y != null && y.length !== m.rows) throw new ShapeError('y', `length ${m.rows} (rows of X)`, `length ${y.length}`, this.kind);
    const out = modelOutputs(this.params.model!, m, s.task, this.kind);
    return this.buildRules(ruleStats(s.tree, s.leaves, m, out, y ?? null, s.task));
  }

  /** Agreement of tree and model on X: share of equal predictions (classification) or R^2 of the tree against the model's outputs (regression). */
  fidelity(X: MatrixLike): number {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return fidelityOf(s.tree, m, modelOutputs(this.params.model!, m, s.task, this.kind), s.task);
  }

  /** The surrogate tree's predictions. */
  predict(X: MatrixLike): Label[] | Float64Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return s.tree.predict(m);
  }

  /** Index (into `rules`) of the rule each row falls under. */
  applyRules(X: MatrixLike): Int32Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const pos = leafPositions(s.leaves, s.tree.tree.nodeCount);
    return s.tree.apply(m).map((leaf) => pos[leaf]!);
  }

  /** Rules as text, one per line, most covering first. */
  toText(): string {
    return [...this.rules].sort((a, b) => b.support - a.support).map((r) => r.text).join('\n');
  }

  private buildRules(st: RuleStats): SurrogateRule[] {
    const s = this.fitted;
    const names = this.params.featureNames ?? undefined;
    if (names && names.length !== s.nFeatures) throw new InvalidParameterError('featureNames', `${s.nFeatures} names`, names, this.kind);
    const dec = this.params.decimals;
    const base = treeToRules(s.tree, { featureNames: names, decimals: dec });
    return base.map((r, q): SurrogateRule => {
      const coverage = st.nRows ? st.support[q]! / st.nRows : 0;
      const fid = st.fidelity[q]!;
      const prec = st.precision[q]!;
      const lhs = r.conditions.length ? r.conditions.map((c) => `${c.featureName ?? `feature_${c.feature}`} ${c.op} ${fixed(c.threshold, dec)}`).join(' AND ') : 'TRUE';
      const rhs = typeof r.prediction === 'number' && s.task === 'regression' ? r.prediction.toFixed(dec) : String(r.prediction);
      const stats = [`coverage ${(coverage * 100).toFixed(coverage > 0 && coverage < 0.01 ? 1 : 0)}%`, ...(prec === prec ? [`precision ${prec.toFixed(2)}`] : []), `fidelity ${fid === fid ? fid.toFixed(2) : 'n/a'}`];
      const text = `${lhs} => ${rhs} (${stats.join(', ')})`;
      const conditions = r.conditions;
      return {
        conditions, prediction: r.prediction, leaf: s.leaves[q]!, support: st.support[q]!, coverage, fidelity: fid, precision: prec === prec ? prec : null, text,
        matches(row: ArrayLike<number>): boolean {
          for (const c of conditions) {
            const x = Math.fround(row[c.feature]!);
            if (c.op === '<=' ? !(x <= c.threshold) : x <= c.threshold) return false;
          }
          return true;
        },
        toString() { return text; },
      };
    });
  }

  protected override encodeState(s: SurrogateTreeState): unknown {
    return { ...(super.encodeState({ ...s, tree: null as unknown as Tree }) as object), tree: s.tree.toJSON() };
  }
  protected override decodeState(json: unknown): SurrogateTreeState {
    const o = super.decodeState(json) as SurrogateTreeState & { tree: unknown };
    return { ...o, tree: loadModel((json as { tree: SavedModel }).tree) as Tree };
  }
}
registerEstimator(SurrogateTree);

/** X followed by `extra` rows: a uniformly drawn row of X plus N(0, (noise * column std)^2) per column. */
function synthesize(m: Matrix, extra: number, noise: number, rng: RandomState): Matrix {
  const n = m.rows, d = m.cols;
  const sd = new Float64Array(d), mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j]! += m.data[i * d + j]!;
  for (let j = 0; j < d; j++) mu[j]! /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j]! += (m.data[i * d + j]! - mu[j]!) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / n) * noise;
  const out = new Matrix(new Float64Array((n + extra) * d), n + extra, d);
  out.data.set(m.data);
  const rows = rng.randint(0, n, extra) as Float64Array;
  const z = rng.standardNormal(extra * d) as Float64Array;
  for (let r = 0; r < extra; r++) {
    const src = rows[r]! * d, dst = (n + r) * d;
    for (let j = 0; j < d; j++) out.data[dst + j] = m.data[src + j]! + sd[j]! * z[r * d + j]!;
  }
  return out;
}

/**
 * X followed by `extra` rows x_i + u (x_j - x_i), u ~ U(0, 1): i uniform, j uniform among the rows
 * whose model output differs from row i's (any row when all agree, or for regression outputs).
 */
export function synthesizeMixup(m: Matrix, out: Label[] | Float64Array, extra: number, rng: RandomState): Matrix {
  const n = m.rows, d = m.cols;
  const out2 = new Matrix(new Float64Array((n + extra) * d), n + extra, d);
  out2.data.set(m.data);
  // rows grouped by model output (classification); the "other" rows of class c are all rows not in c
  const groups = new Map<Label, number[]>();
  if (!(out instanceof Float64Array)) out.forEach((v, i) => { const g = groups.get(v); if (g) g.push(i); else groups.set(v, [i]); });
  const others = new Map<Label, Int32Array>();
  for (const c of groups.keys()) others.set(c, Int32Array.from({ length: n }, (_, i) => i).filter((i) => out[i] !== c));
  const first = rng.randint(0, n, extra) as Float64Array;
  const pick = rng.rand(extra), lam = rng.rand(extra);
  for (let r = 0; r < extra; r++) {
    const i = first[r]!;
    const pool = out instanceof Float64Array ? null : others.get(out[i]!)!;
    const j = pool?.length ? pool[Math.min(pool.length - 1, Math.floor(pick[r]! * pool.length))]! : Math.min(n - 1, Math.floor(pick[r]! * n));
    const u = lam[r]!, a = i * d, b = j * d, dst = (n + r) * d;
    for (let c = 0; c < d; c++) out2.data[dst + c] = m.data[a + c]! + u * (m.data[b + c]! - m.data[a + c]!);
  }
  return out2;
}

/** Soft targets: each row once per class with the model's probability of that class as weight (zero weights dropped). */
export function softTargets(model: ExplainableModel, m: Matrix, owner: string): { X: Matrix; y: Label[]; w: Float64Array } {
  const proba = (model as { predictProba?: (X: Matrix) => Matrix }).predictProba;
  if (typeof proba !== 'function') throw new InvalidParameterError('targets', "'labels' for a model without predictProba", 'proba', owner);
  let classes: readonly Label[] | undefined;
  try { classes = (model as { classes?: readonly Label[] }).classes; } catch { /* unfitted getter */ }
  const P = proba.call(model, m);
  if (!classes || classes.length !== P.cols) throw new InvalidParameterError('targets', "'labels' for a model without a classes list matching predictProba's columns", 'proba', owner);
  const n = m.rows, d = m.cols, K = P.cols;
  let kept = 0;
  for (let q = 0; q < n * K; q++) {
    const v = P.data[q]!;
    if (!(v >= 0 && v <= 1)) throw new DataError('model', 'probabilities in [0, 1] from predictProba', `${v} at row ${Math.floor(q / K)}`, owner);
    if (v > 0) kept++;
  }
  const X = new Matrix(new Float64Array(kept * d), kept, d);
  const y: Label[] = new Array(kept);
  const w = new Float64Array(kept);
  let r = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) {
    const pk = P.data[i * K + k]!;
    if (pk === 0) continue;
    X.data.set(m.data.subarray(i * d, (i + 1) * d), r * d);
    y[r] = classes[k]!;
    w[r] = pk;
    r++;
  }
  return { X, y, w };
}

/** toFixed without a negative zero ('-0.00' -> '0.00'). */
function fixed(v: number, dec: number): string {
  const t = v.toFixed(dec);
  return /^-0\.?0*$/.test(t) ? t.slice(1) : t;
}

/** classifier / regressor from the model's capabilities or `classes`; otherwise from its predictions (any non-number: classification). */
function taskOf(model: ExplainableModel, m: Matrix): 'classification' | 'regression' {
  const type = (model.constructor as { capabilities?: { type?: string } }).capabilities?.type;
  if (type === 'classifier') return 'classification';
  if (type === 'regressor') return 'regression';
  try {
    if (Array.isArray((model as { classes?: unknown }).classes)) return 'classification';
  } catch { /* unfitted getter */ }
  if (model.isFitted === false) return 'regression'; // modelOutputs reports it
  const raw = model.predict(m) as unknown;
  if (raw && typeof raw === 'object' && 'cols' in (raw as object)) return 'regression';
  const vals = raw as ArrayLike<unknown>;
  for (let i = 0; i < (vals?.length ?? 0); i++) if (typeof vals[i] !== 'number') return 'classification';
  return 'regression';
}

/** The model's predictions as labels (classification) or a Float64Array (regression). */
function modelOutputs(model: ExplainableModel, m: Matrix, task: 'classification' | 'regression', owner: string): Label[] | Float64Array {
  if (model.isFitted === false) throw new NotFittedError(model.kind ?? 'model', `predictions for ${owner} (parameter 'model' must be fitted)`);
  const raw = model.predict(m) as unknown;
  let vals: ArrayLike<unknown>;
  if (raw && typeof raw === 'object' && 'cols' in (raw as object) && 'data' in (raw as object)) {
    const M = raw as Matrix;
    if (M.cols !== 1) throw new DataError('model', 'a model whose predict() gives one value per row', `predict() returned ${M.rows} x ${M.cols}`, owner);
    vals = M.data;
  } else vals = raw as ArrayLike<unknown>;
  if (!vals || vals.length !== m.rows) throw new DataError('model', `predictions for the ${m.rows} rows of X`, `${(vals as { length?: number })?.length} values`, owner);
  if (task === 'classification') return Array.from(vals as ArrayLike<Label>);
  const out = Float64Array.from(vals as ArrayLike<number>, Number);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) throw new DataError('model', 'finite predictions (regression surrogate)', `${out[i]} at row ${i}`, owner);
  return out;
}

/** Leaf node of each rule, found by following the rule's own conditions from the root. */
function ruleLeaves(tree: Tree): Int32Array {
  const t = tree.tree;
  const rules = treeToRules(tree);
  return Int32Array.from(rules, (r) => {
    let node = 0;
    for (const c of r.conditions) node = c.op === '<=' ? t.childrenLeft[node]! : t.childrenRight[node]!;
    return node;
  });
}

function leafPositions(leaves: Int32Array, nodeCount: number): Int32Array {
  const pos = new Int32Array(nodeCount).fill(-1);
  leaves.forEach((leaf, q) => { pos[leaf] = q; });
  return pos;
}

function ruleStats(tree: Tree, leaves: Int32Array, m: Matrix, out: Label[] | Float64Array, y: LabelsLike | null, task: 'classification' | 'regression'): RuleStats {
  const R = leaves.length, n = m.rows;
  const pos = leafPositions(leaves, tree.tree.nodeCount);
  const at = tree.apply(m);
  const pred = tree.predict(m);
  const support = new Int32Array(R);
  const fidelity = new Float64Array(R);
  const precision = new Float64Array(R).fill(NaN);
  if (task === 'classification') {
    const agree = new Float64Array(R), right = new Float64Array(R);
    for (let i = 0; i < n; i++) {
      const q = pos[at[i]!]!;
      support[q]!++;
      if (pred[i] === out[i]) agree[q]!++;
      if (y && pred[i] === y[i]) right[q]!++;
    }
    for (let q = 0; q < R; q++) {
      fidelity[q] = support[q] ? agree[q]! / support[q]! : NaN;
      if (y) precision[q] = support[q] ? right[q]! / support[q]! : NaN;
    }
  } else {
    const f = out as Float64Array;
    const yt = y ? Float64Array.from(y as ArrayLike<number>, Number) : null;
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const fm = mean(f), ym = yt ? mean(yt) : 0;
    const sse = new Float64Array(R), sst = new Float64Array(R), sseY = new Float64Array(R), sstY = new Float64Array(R);
    for (let i = 0; i < n; i++) {
      const q = pos[at[i]!]!;
      const v = pred[i] as number;
      support[q]!++;
      sse[q]! += (f[i]! - v) ** 2;
      sst[q]! += (f[i]! - fm) ** 2;
      if (yt) { sseY[q]! += (yt[i]! - v) ** 2; sstY[q]! += (yt[i]! - ym) ** 2; }
    }
    for (let q = 0; q < R; q++) {
      fidelity[q] = support[q] ? (sst[q]! > 0 ? 1 - sse[q]! / sst[q]! : sse[q]! === 0 ? 1 : -Infinity) : NaN;
      if (yt) precision[q] = support[q] ? (sstY[q]! > 0 ? 1 - sseY[q]! / sstY[q]! : sseY[q]! === 0 ? 1 : -Infinity) : NaN;
    }
  }
  return { support, fidelity, precision, nRows: n };
}

function fidelityOf(tree: Tree, m: Matrix, out: Label[] | Float64Array, task: 'classification' | 'regression'): number {
  const pred = tree.predict(m);
  const n = m.rows;
  if (task === 'classification') {
    let agree = 0;
    for (let i = 0; i < n; i++) if (pred[i] === out[i]) agree++;
    return agree / n;
  }
  const f = out as Float64Array;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += f[i]!;
  mean /= n;
  let sse = 0, sst = 0;
  for (let i = 0; i < n; i++) { sse += (f[i]! - (pred[i] as number)) ** 2; sst += (f[i]! - mean) ** 2; }
  return sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0;
}

/** Options of {@link extractRules}: the surrogate's parameters plus optional labels for precision. */
export interface ExtractRulesOptions extends Partial<Omit<SurrogateTreeParams, 'model'>> {
  /** true labels (or targets) of X, for per-rule precision */
  y?: LabelsLike | null;
}

/**
 * One call: fit a {@link SurrogateTree} of `model` on X and return its rules, fidelity on X and tree.
 *
 * @example
 * const { rules, fidelity } = extractRules(net, X, { maxLeafNodes: 6, featureNames, y });
 * rules.forEach((r) => console.log(r.text));
 */
export function extractRules(model: ExplainableModel, X: MatrixLike, opts: ExtractRulesOptions = {}): { rules: SurrogateRule[]; fidelity: number; tree: Tree; surrogate: SurrogateTree } {
  const { y, ...params } = opts;
  if (!isModel(model)) throw new InvalidParameterError('model', 'a fitted model with predict()', model, 'extractRules');
  const surrogate = new SurrogateTree({ ...params, model }).fit(X, y ?? null);
  return { rules: surrogate.rules, fidelity: surrogate.trainFidelity, tree: surrogate.tree, surrogate };
}

import type { Label } from '../core/validation.js';
import { TREE_LEAF, TREE_UNDEFINED, type TreeArrays } from './splitter.js';

/** What the exporters need from a fitted tree (`classes` absent for a regressor). */
export interface FittedTreeLike {
  readonly tree: TreeArrays;
  readonly classes?: Label[];
}

export interface ExportTextOptions {
  featureNames?: string[];
  /** Only the first maxDepth levels are printed (scikit-learn default 10). */
  maxDepth?: number;
  spacing?: number;
  decimals?: number;
  showWeights?: boolean;
}

function fmt(v: number, decimals: number): string {
  return v.toFixed(decimals);
}

function argmaxRow(t: TreeArrays, node: number): number {
  const k = t.nClasses, o = node * (t.value.length / t.nodeCount); // first output's classes
  let best = 0;
  for (let c = 1; c < k; c++) if (t.value[o + c]! > t.value[o + best]!) best = c;
  return best;
}

function subtreeDepth(t: TreeArrays, node: number): number {
  if (t.childrenLeft[node] === TREE_LEAF) return 1;
  return 1 + Math.max(subtreeDepth(t, t.childrenLeft[node]!), subtreeDepth(t, t.childrenRight[node]!));
}

/** Text rendering identical to scikit-learn's `export_text`. */
export function exportText(est: FittedTreeLike, opts: ExportTextOptions = {}): string {
  const t = est.tree;
  const maxDepth = opts.maxDepth ?? 10;
  const spacing = opts.spacing ?? 3;
  const decimals = opts.decimals ?? 2;
  const name = (f: number) => (opts.featureNames ? opts.featureNames[f]! : `feature_${f}`);
  let report = '';
  const leaf = (node: number, indent: string) => {
    let val = '';
    if (!est.classes) {
      const k = t.value.length / t.nodeCount;
      val = '[' + Array.from(t.value.subarray(node * k, node * k + k), (v) => fmt(v, decimals)).join(', ') + ']';
      report += `${indent} value: ${val}\n`;
      return;
    }
    if (opts.showWeights) {
      const k = t.nClasses, o = node * (t.value.length / t.nodeCount);
      val = '[' + Array.from(t.value.subarray(o, o + k), (v) => fmt(v, decimals)).join(', ') + ']';
    }
    val += ' class: ' + String(est.classes[argmaxRow(t, node)]);
    report += opts.showWeights ? `${indent} weights: ${val}\n` : `${indent}${val}\n`;
  };
  const rec = (node: number, depth: number) => {
    let indent = ('|' + ' '.repeat(spacing)).repeat(depth);
    indent = indent.slice(0, indent.length - spacing) + '-'.repeat(spacing);
    if (depth <= maxDepth + 1) {
      if (t.feature[node] !== TREE_UNDEFINED) {
        const nm = name(t.feature[node]!);
        const thr = fmt(t.threshold[node]!, decimals);
        report += `${indent} ${nm} <= ${thr}\n`;
        rec(t.childrenLeft[node]!, depth + 1);
        report += `${indent} ${nm} >  ${thr}\n`;
        rec(t.childrenRight[node]!, depth + 1);
      } else leaf(node, indent);
    } else {
      const sd = subtreeDepth(t, node);
      if (sd === 1) leaf(node, indent);
      else report += `${indent} truncated branch of depth ${sd}\n`;
    }
  };
  rec(0, 1);
  return report;
}

export interface RuleCondition {
  feature: number;
  featureName?: string;
  op: '<=' | '>';
  threshold: number;
}

export interface Rule {
  conditions: RuleCondition[];
  /** predicted class (classifier) or the leaf value of the first output (regressor) */
  prediction: Label;
  /** training samples reaching the leaf */
  samples: number;
  /** weighted fraction of the predicted class in the leaf (1 for a regressor) */
  confidence: number;
  toString(): string;
}

/** One rule per leaf: the conjunction of split conditions on its path, in root-to-leaf order. */
export function treeToRules(est: FittedTreeLike, opts: { featureNames?: string[]; decimals?: number } = {}): Rule[] {
  const t = est.tree;
  const k = t.nClasses;
  const decimals = opts.decimals ?? 2;
  const rules: Rule[] = [];
  const walk = (node: number, conds: RuleCondition[]) => {
    if (t.childrenLeft[node] === TREE_LEAF) {
      const classes = est.classes;
      const best = classes ? argmaxRow(t, node) : 0;
      let sum = 0;
      const stride = t.value.length / t.nodeCount;
      for (let c = 0; c < k; c++) sum += t.value[node * stride + c]!;
      const rule: Rule = {
        conditions: conds,
        prediction: classes ? classes[best]! : t.value[node * stride]!,
        samples: t.nNodeSamples[node]!,
        confidence: classes ? t.value[node * stride + best]! / sum : 1,
        toString() {
          const lhs = this.conditions.length ? this.conditions.map((c) => `${c.featureName ?? `feature_${c.feature}`} ${c.op} ${c.threshold.toFixed(decimals)}`).join(' AND ') : 'TRUE';
          if (!classes) return `IF ${lhs} THEN value = ${(this.prediction as number).toFixed(decimals)} (samples ${this.samples})`;
          return `IF ${lhs} THEN class = ${String(this.prediction)} (samples ${this.samples}, confidence ${this.confidence.toFixed(2)})`;
        },
      };
      rules.push(rule);
      return;
    }
    const f = t.feature[node]!;
    const base = { feature: f, threshold: t.threshold[node]!, ...(opts.featureNames ? { featureName: opts.featureNames[f] } : {}) };
    walk(t.childrenLeft[node]!, [...conds, { ...base, op: '<=' }]);
    walk(t.childrenRight[node]!, [...conds, { ...base, op: '>' }]);
  };
  walk(0, []);
  return rules;
}

/** Readable text of all rules, one per line, most supported first. */
export function rulesToText(rules: Rule[]): string {
  return [...rules].sort((a, b) => b.samples - a.samples).map((r) => r.toString()).join('\n');
}

/** One node of `treeLayout`: tidy-tree coordinates plus what a report shows. */
export interface LayoutNode {
  id: number;
  parent: number | null;
  depth: number;
  /** leaves at 0, 1, 2, ... left to right; a split node centred over its children */
  x: number;
  /** = depth */
  y: number;
  isLeaf: boolean;
  feature: number | null;
  featureName: string | null;
  threshold: number | null;
  samples: number;
  impurity: number;
  /** predicted class (classifier) or value (regressor) */
  prediction: Label;
  label: string;
}

/** Edge of `treeLayout` (the condition holds on the child's side). */
export interface LayoutLink {
  source: number;
  target: number;
  condition: string;
}

/**
 * A Vega/Vega-Lite friendly layout of the tree: flat `nodes` (with x/y of a tidy tree) and `links`
 * tables, ready for a `rule` + `text` mark chart or a `tree`-transform-free rendering.
 *
 * @example
 * const { nodes, links } = treeLayout(new DecisionTreeClassifier({ maxDepth: 3 }).fit(X, y), { featureNames });
 * // Vega-Lite: { data: { values: nodes }, mark: 'text', encoding: { x: { field: 'x' }, y: { field: 'y' }, text: { field: 'label' } } }
 */
export function treeLayout(est: FittedTreeLike, opts: { featureNames?: string[]; decimals?: number } = {}): { nodes: LayoutNode[]; links: LayoutLink[] } {
  const t = est.tree;
  const decimals = opts.decimals ?? 2;
  const stride = t.value.length / t.nodeCount;
  const nodes: LayoutNode[] = [];
  const links: LayoutLink[] = [];
  let nextLeafX = 0;
  const name = (f: number) => opts.featureNames?.[f] ?? `feature_${f}`;
  const visit = (node: number, parent: number | null, depth: number): number => {
    const isLeaf = t.childrenLeft[node] === TREE_LEAF;
    const prediction: Label = est.classes ? est.classes[argmaxRow(t, node)]! : t.value[node * stride]!;
    const rec: LayoutNode = {
      id: node, parent, depth, x: 0, y: depth, isLeaf, feature: isLeaf ? null : t.feature[node]!, featureName: isLeaf ? null : name(t.feature[node]!),
      threshold: isLeaf ? null : t.threshold[node]!, samples: t.nNodeSamples[node]!, impurity: t.impurity[node]!, prediction,
      label: isLeaf ? (est.classes ? `class ${String(prediction)}` : `value ${(prediction as number).toFixed(decimals)}`) : `${name(t.feature[node]!)} <= ${t.threshold[node]!.toFixed(decimals)}`,
    };
    nodes.push(rec);
    if (isLeaf) rec.x = nextLeafX++;
    else {
      const thr = t.threshold[node]!.toFixed(decimals);
      const f = name(t.feature[node]!);
      links.push({ source: node, target: t.childrenLeft[node]!, condition: `${f} <= ${thr}` });
      const xl = visit(t.childrenLeft[node]!, node, depth + 1);
      links.push({ source: node, target: t.childrenRight[node]!, condition: `${f} > ${thr}` });
      const xr = visit(t.childrenRight[node]!, node, depth + 1);
      rec.x = (xl + xr) / 2;
    }
    return rec.x;
  };
  visit(0, null, 0);
  return { nodes, links };
}

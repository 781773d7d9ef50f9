import type { Label } from '../core/validation.js';
import { TREE_LEAF, TREE_UNDEFINED, type TreeArrays } from './splitter.js';

/** What the exporters need from a fitted classification tree. */
export interface FittedTreeLike {
  readonly tree: TreeArrays;
  readonly classes: Label[];
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
  const k = t.nClasses;
  let best = 0;
  for (let c = 1; c < k; c++) if (t.value[node * k + c]! > t.value[node * k + best]!) best = c;
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
    if (opts.showWeights) {
      const k = t.nClasses;
      val = '[' + Array.from(t.value.subarray(node * k, node * k + k), (v) => fmt(v, decimals)).join(', ') + ']';
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
  prediction: Label;
  /** training samples reaching the leaf */
  samples: number;
  /** weighted fraction of the predicted class in the leaf */
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
      const best = argmaxRow(t, node);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += t.value[node * k + c]!;
      const rule: Rule = {
        conditions: conds,
        prediction: est.classes[best]!,
        samples: t.nNodeSamples[node]!,
        confidence: t.value[node * k + best]! / sum,
        toString() {
          const lhs = this.conditions.length ? this.conditions.map((c) => `${c.featureName ?? `feature_${c.feature}`} ${c.op} ${c.threshold.toFixed(decimals)}`).join(' AND ') : 'TRUE';
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

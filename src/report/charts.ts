/**
 * Vega-Lite specs of the report charts, each with an accessible description and the data table it
 * draws (shown under the chart in <details>). Pure functions over aggregates. Browser-safe.
 */
import type { Histogram } from '../analysis/profile.js';
import type { ClusterSection, ModelEval, NetSection, PcaSection, RulesSection, TreeSection } from './types.js';

/** A chart: its Vega-Lite spec, what it shows in words, and its data as a table. */
export interface Chart {
  id: string;
  title: string;
  /** accessible name of the SVG */
  description: string;
  spec: Record<string, unknown>;
  table: { columns: string[]; rows: (string | number | null)[][] };
  /** e.g. "2,000 of 569,000 rows sampled" */
  caption?: string;
}

/** Upper bound of marks drawn per chart (points are sampled above it, with a caption). */
export const MAX_MARKS = 5000;

const config = {
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 180, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 13 },
};

const r4 = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);
const fmt = (v: number): string => String(r4(v));

function spec(width: number, height: number, body: Record<string, unknown>): Record<string, unknown> {
  return { width, height, background: 'white', config, ...body };
}

/** Histogram of one numeric column (counts per bin). */
export function histogramChart(id: string, column: string, h: Histogram): Chart {
  const values = h.counts.map((count, i) => ({ from: r4(h.edges[i]!), to: r4(h.edges[i + 1]!), count }));
  return {
    id, title: column,
    description: `Histogram of ${column}: ${h.counts.length} bins from ${fmt(h.edges[0]!)} to ${fmt(h.edges.at(-1)!)}, tallest bin ${Math.max(...h.counts)} rows`,
    spec: spec(220, 110, {
      data: { values },
      mark: { type: 'rect', color: '#4c78a8' },
      encoding: {
        x: { field: 'from', type: 'quantitative', title: null, scale: { zero: false }, axis: { tickCount: 4 } },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', title: 'rows', axis: { tickCount: 3 } },
        tooltip: [{ field: 'from' }, { field: 'to' }, { field: 'count' }],
      },
    }),
    table: { columns: ['from', 'to', 'rows'], rows: values.map((v) => [v.from, v.to, v.count]) },
  };
}

/** Horizontal bars (top values of a categorical column, class balance, importances). */
export function barChart(id: string, title: string, description: string, rows: { label: string; value: number; error?: number }[], valueTitle: string, opts: { color?: string; width?: number } = {}): Chart {
  const values = rows.map((r, i) => ({ label: r.label, value: r4(r.value), order: i, ...(r.error !== undefined ? { lo: r4(r.value - r.error), hi: r4(r.value + r.error) } : {}) }));
  const hasErr = rows.some((r) => r.error !== undefined);
  const bar = {
    mark: { type: 'bar', color: opts.color ?? '#4c78a8' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: { field: 'order' }, title: null },
      x: { field: 'value', type: 'quantitative', title: valueTitle },
      tooltip: [{ field: 'label' }, { field: 'value' }],
    },
  };
  return {
    id, title, description,
    spec: spec(opts.width ?? 360, Math.max(40, 18 * rows.length), hasErr
      ? { data: { values }, layer: [bar, { mark: { type: 'rule', color: '#111' }, encoding: { y: { field: 'label', type: 'nominal', sort: { field: 'order' } }, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } }] }
      : { data: { values }, ...bar }),
    table: { columns: hasErr ? ['label', valueTitle, '± std'] : ['label', valueTitle], rows: rows.map((r) => (hasErr ? [r.label, r4(r.value), r4(r.error ?? 0)] : [r.label, r4(r.value)])) },
  };
}

/** Correlation heatmap of the numeric columns (at most `max` columns). */
export function correlationChart(id: string, columns: string[], matrix: (number | null)[][], max = 40): Chart {
  const k = Math.min(columns.length, max);
  const values: { a: string; b: string; r: number | null; i: number; j: number }[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) values.push({ a: columns[i]!, b: columns[j]!, r: matrix[i]![j] === null ? null : r4(matrix[i]![j]!), i, j });
  const size = Math.min(560, Math.max(160, 14 * k));
  return {
    id, title: 'Correlation heatmap',
    description: `Pearson correlation heatmap of ${k} numeric columns, from -1 (blue) to +1 (red)`,
    caption: columns.length > k ? `the first ${k} of ${columns.length} numeric columns are shown; the full matrix is in result.json` : undefined,
    spec: spec(size, size, {
      data: { values },
      mark: 'rect',
      encoding: {
        x: { field: 'a', type: 'nominal', sort: { field: 'i' }, title: null, axis: { labelAngle: -60, labelLimit: 120 } },
        y: { field: 'b', type: 'nominal', sort: { field: 'j' }, title: null, axis: { labelLimit: 120 } },
        color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true }, title: 'r' },
        tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'r' }],
      },
    }),
    table: { columns: ['', ...columns.slice(0, k)], rows: columns.slice(0, k).map((c, i) => [c, ...matrix[i]!.slice(0, k).map((v) => (v === null ? null : r4(v)))]) },
  };
}

/** Confusion matrix as a heatmap with counts. */
export function confusionChart(id: string, ev: ModelEval): Chart {
  const labels = ev.labels!, cm = ev.confusion!;
  const values = [];
  for (let i = 0; i < labels.length; i++) for (let j = 0; j < labels.length; j++) values.push({ actual: labels[i]!, predicted: labels[j]!, count: cm[i]![j]!, i, j });
  const size = Math.min(420, Math.max(140, 44 * labels.length));
  return {
    id, title: `Confusion matrix: ${ev.model}`,
    description: `Confusion matrix of the ${ev.model} on the test split: ${labels.length} classes, ${cm.reduce((s, r, i) => s + r[i]!, 0)} of ${cm.flat().reduce((a, b) => a + b, 0)} rows on the diagonal`,
    spec: spec(size, size, {
      data: { values },
      encoding: {
        x: { field: 'predicted', type: 'nominal', sort: { field: 'j' }, title: 'predicted', axis: { labelAngle: 0 } },
        y: { field: 'actual', type: 'nominal', sort: { field: 'i' }, title: 'actual' },
      },
      layer: [
        { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: null } } },
        { mark: { type: 'text', fontSize: 12 }, encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: `datum.count > ${Math.max(...cm.flat()) / 2}`, value: 'white' }, value: 'black' } } },
      ],
    }),
    table: { columns: ['actual \\ predicted', ...labels], rows: labels.map((l, i) => [l, ...cm[i]!]) },
  };
}

/** Lines of several series (ROC, PR, loss curves, silhouette by k). */
export function lineChart(id: string, title: string, description: string, series: { name: string; x: number[]; y: number[] }[], axes: { x: string; y: string; domain01?: boolean; diagonal?: boolean; points?: boolean }): Chart {
  const values = series.flatMap((s) => s.x.map((x, i) => ({ series: s.name, x: r4(x), y: r4(s.y[i]!), i })));
  const scale = axes.domain01 ? { domain: [0, 1] } : { zero: false };
  const layers: Record<string, unknown>[] = [{
    mark: { type: 'line', point: axes.points ?? false, interpolate: 'linear' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes.x, scale },
      y: { field: 'y', type: 'quantitative', title: axes.y, scale },
      color: { field: 'series', type: 'nominal', title: null, legend: series.length > 1 ? { orient: 'bottom', direction: 'vertical', labelLimit: 320 } : null },
      order: { field: 'i' },
      tooltip: [{ field: 'series' }, { field: 'x' }, { field: 'y' }],
    },
  }];
  if (axes.diagonal) layers.unshift({ data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', strokeDash: [4, 4], color: '#9ca3af' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  return {
    id, title, description,
    spec: spec(320, 240, { data: { values }, layer: layers }),
    table: { columns: ['series', axes.x, axes.y], rows: values.map((v) => [v.series, v.x, v.y]) },
  };
}

/** A scatter of (x, y) points coloured by a group, at most MAX_MARKS points. */
export function scatterChart(id: string, title: string, description: string, points: { x: number; y: number; group?: string }[], axes: { x: string; y: string; group?: string; diagonal?: boolean }, caption?: string): Chart {
  const pts = points.length > MAX_MARKS ? points.filter((_, i) => i % Math.ceil(points.length / MAX_MARKS) === 0) : points;
  const values = pts.map((p) => ({ x: r4(p.x), y: r4(p.y), group: p.group ?? '' }));
  const layer: Record<string, unknown>[] = [{
    mark: { type: 'circle', size: 18, opacity: 0.6 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes.x, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: axes.y, scale: { zero: false } },
      ...(axes.group ? { color: { field: 'group', type: 'nominal', title: axes.group } } : { color: { value: '#4c78a8' } }),
    },
  }];
  if (axes.diagonal && values.length) {
    const lo = Math.min(...values.map((v) => Math.min(v.x, v.y))), hi = Math.max(...values.map((v) => Math.max(v.x, v.y)));
    layer.push({ data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] }, mark: { type: 'line', strokeDash: [4, 4], color: '#6b7280' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  }
  // the data table of a scatter: counts per group and the range, not the points
  const groups = new Map<string, { n: number; x: [number, number]; y: [number, number] }>();
  for (const v of values) {
    const g = groups.get(v.group) ?? { n: 0, x: [Infinity, -Infinity], y: [Infinity, -Infinity] };
    g.n++; g.x = [Math.min(g.x[0], v.x), Math.max(g.x[1], v.x)]; g.y = [Math.min(g.y[0], v.y), Math.max(g.y[1], v.y)];
    groups.set(v.group, g);
  }
  return {
    id, title, description, caption: pts.length < points.length ? `${pts.length} of ${points.length} points drawn` + (caption ? `; ${caption}` : '') : caption,
    spec: spec(360, 280, { data: { values }, layer }),
    table: { columns: [axes.group ?? 'group', 'points', `${axes.x} min`, `${axes.x} max`, `${axes.y} min`, `${axes.y} max`], rows: [...groups.entries()].map(([g, s]) => [g || 'all', s.n, r4(s.x[0]), r4(s.x[1]), r4(s.y[0]), r4(s.y[1])]) },
  };
}

/** The decision tree drawn: links as rules, nodes as labelled points (x = leaf order, y = depth). */
export function treeChart(id: string, t: TreeSection): Chart {
  const pos = new Map(t.layout.nodes.map((n) => [n.id, n]));
  const links = t.layout.links.map((l) => ({ x: pos.get(l.source)!.x, y: pos.get(l.source)!.y, x2: pos.get(l.target)!.x, y2: pos.get(l.target)!.y }));
  const nodes = t.layout.nodes.map((n) => ({ x: n.x, y: n.y, label: n.label.length > 28 ? n.label.slice(0, 27) + '…' : n.label, kind: n.leaf ? 'leaf' : 'split', samples: n.samples }));
  const leaves = nodes.filter((n) => n.kind === 'leaf').length;
  return {
    id, title: 'Decision tree',
    description: `The decision tree: depth ${t.depth}, ${t.leaves} leaves; each split reads "feature <= threshold" (left: yes)`,
    spec: spec(Math.max(480, Math.min(1400, 110 * leaves)), 90 * (t.depth + 1), {
      layer: [
        { data: { values: links }, mark: { type: 'rule', color: '#9ca3af' }, encoding: { x: { field: 'x', type: 'quantitative', axis: null }, y: { field: 'y', type: 'quantitative', axis: null, scale: { reverse: true } }, x2: { field: 'x2' }, y2: { field: 'y2' } } },
        { data: { values: nodes }, mark: { type: 'circle', size: 90 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'kind', type: 'nominal', scale: { domain: ['split', 'leaf'], range: ['#4c78a8', '#f58518'] }, title: null, legend: { orient: 'bottom' } } } },
        { data: { values: nodes }, mark: { type: 'text', dy: -12, fontSize: 10 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } } },
      ],
    }),
    table: { columns: ['node', 'depth', 'split or prediction', 'training rows'], rows: t.layout.nodes.map((n) => [n.id, n.y, n.label, n.samples]) },
  };
}

/** Explained variance per principal component (bars) with the cumulative share. */
export function varianceChart(id: string, p: PcaSection): Chart {
  let acc = 0;
  const values = p.explainedVarianceRatio.map((r, i) => ({ component: `PC${i + 1}`, ratio: r4(r), cumulative: r4((acc += r)), i }));
  return {
    id, title: 'Explained variance',
    description: `Share of the variance explained by each of ${values.length} principal components; the first two explain ${(100 * (values[1]?.cumulative ?? values[0]?.cumulative ?? 0)).toFixed(1)}%`,
    spec: spec(320, 200, {
      data: { values },
      encoding: { x: { field: 'component', type: 'nominal', sort: { field: 'i' }, title: null, axis: { labelAngle: 0 } } },
      layer: [
        { mark: { type: 'bar', color: '#4c78a8' }, encoding: { y: { field: 'ratio', type: 'quantitative', title: 'share of variance', scale: { domain: [0, 1] } } } },
        { mark: { type: 'line', point: true, color: '#f58518' }, encoding: { y: { field: 'cumulative', type: 'quantitative', scale: { domain: [0, 1] } } } },
      ],
    }),
    table: { columns: ['component', 'share', 'cumulative'], rows: values.map((v) => [v.component, v.ratio, v.cumulative]) },
  };
}

export function clusterMapChart(id: string, c: ClusterSection & { map: { pc1: number; pc2: number; cluster: number }[] }, totalRows: number): Chart {
  return scatterChart(id, 'Cluster map', `Rows projected on the first two principal components, coloured by their k-means cluster (k = ${c.k})`,
    c.map.map((p) => ({ x: p.pc1, y: p.pc2, group: `cluster ${p.cluster}` })), { x: 'PC1', y: 'PC2', group: 'cluster' },
    c.map.length < totalRows ? `a seeded sample of ${c.map.length} of ${totalRows} rows` : undefined);
}

/** Support vs confidence of the rules, coloured by lift (at most MAX_MARKS). */
export function rulesChart(id: string, r: RulesSection): Chart {
  const rules = r.rules.slice(0, 1500);
  const values = rules.map((x) => ({ support: r4(x.support), confidence: r4(x.confidence), lift: r4(x.lift) }));
  return {
    id, title: 'Rules: support and confidence',
    description: `${rules.length} association rules by support (x) and confidence (y), coloured by lift`,
    caption: r.rules.length > rules.length ? `the ${rules.length} rules with the highest lift of ${r.rules.length}` : undefined,
    spec: spec(360, 240, {
      data: { values },
      mark: { type: 'circle', size: 22, opacity: 0.7 },
      encoding: {
        x: { field: 'support', type: 'quantitative', scale: { zero: false } },
        y: { field: 'confidence', type: 'quantitative', scale: { zero: false } },
        color: { field: 'lift', type: 'quantitative', scale: { scheme: 'viridis' } },
      },
    }),
    table: { columns: ['rules', 'support min', 'support max', 'confidence min', 'confidence max', 'lift max'], rows: values.length ? [[values.length, Math.min(...values.map((v) => v.support)), Math.max(...values.map((v) => v.support)), Math.min(...values.map((v) => v.confidence)), Math.max(...values.map((v) => v.confidence)), Math.max(...values.map((v) => v.lift))]] : [] },
  };
}

/** Training and validation loss per epoch. */
export function lossChart(id: string, n: NetSection): Chart {
  const series = Object.entries(n.history).filter(([k]) => k === 'loss' || k === 'val_loss').map(([k, v]) => ({ name: k === 'loss' ? 'training loss' : 'validation loss', x: v.map((_, i) => i + 1), y: v }));
  const last = n.history.loss?.at(-1);
  return lineChart(id, 'Loss curves', `Training${n.history.val_loss ? ' and validation' : ''} loss per epoch of the neural net over ${n.epochs} epochs; final training loss ${last === undefined ? '-' : fmt(last)}`, series, { x: 'epoch', y: 'loss' });
}

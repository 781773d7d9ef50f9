/**
 * The report: one self-contained HTML page (inline CSS, static SVG charts, a few lines of inline
 * vanilla JS to sort and filter the rules table) built from an {@link AnalysisResult}. No network
 * request (a Content-Security-Policy forbids them); readable with JavaScript off. Every string
 * that comes from the data or the models goes through `esc`. Browser-safe.
 */
import type { CategoricalProfile, NumericProfile } from '../analysis/profile.js';
import { barChart, clusterMapChart, confusionChart, correlationChart, histogramChart, lineChart, lossChart, rulesChart, scatterChart, treeChart, varianceChart, type Chart } from './charts.js';
import { CHART_VERSIONS, esc, renderSvg } from './render.js';
import type { AnalysisResult, ClusterSection, ErrorSlicesSection, ForestSection, ImportanceSection, ModelEval, NetSection, PcaSection, RulesSection, ShapSection, StageOutcome, SurrogateSection, TreeSection } from './types.js';

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Page title (default "deepmine report: <source>"). */
  title?: string;
  /** Histograms drawn (the first numeric columns; default 40). */
  maxHistograms?: number;
  /** Rows of the rules table in the page (default: the analysis' rules.shown). */
  rulesShown?: number;
  /** Files written beside the report, named in notes ("the full list is in rules.csv"). */
  files?: { rules?: string; result?: string };
}

const r4 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(4))));

function table(columns: string[], rows: (string | number | null)[][], opts: { caption?: string; id?: string; cls?: string } = {}): string {
  return `<div class="table-wrap"><table${opts.id ? ` id="${esc(opts.id)}"` : ''}${opts.cls ? ` class="${esc(opts.cls)}"` : ''}>${opts.caption ? `<caption>${esc(opts.caption)}</caption>` : ''}<thead><tr>${columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${esc(typeof v === 'number' ? r4(v) : v ?? '–')}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
}

async function figure(c: Chart): Promise<string> {
  const svg = await renderSvg(c);
  return `<figure class="chart" id="fig-${esc(c.id)}"><figcaption><strong>${esc(c.title)}</strong>${c.caption ? ` <span class="note">(${esc(c.caption)})</span>` : ''}</figcaption>${svg}<details><summary>Data of this chart</summary>${table(c.table.columns, c.table.rows)}</details></figure>`;
}

function statusBox(name: string, o: StageOutcome | undefined): string {
  if (!o) return `<p class="status">${esc(name)}: not run.</p>`;
  if (o.status === 'ok') return o.notes?.length ? `<ul class="notes">${o.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const label = { skipped: 'Skipped', unavailable: 'Not available in this build', failed: 'Failed', 'not-applicable': 'Not applicable' }[o.status];
  return `<p class="status status-${o.status}"><strong>${label}.</strong> ${esc(o.reason)}</p>`;
}

const ok = <T>(o: StageOutcome | undefined): T | null => (o && o.status === 'ok' ? (o.data as T) : null);

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
}

function metricsTable(evals: ModelEval[]): string {
  if (!evals.length) return '';
  const keys = [...new Set(evals.flatMap((e) => Object.keys(e.metrics)))];
  return table(['model', ...keys], evals.map((e) => [e.model, ...keys.map((k) => e.metrics[k] ?? null)]), { caption: 'Test-split quality of each model' });
}

/**
 * Build the report page. Charts are rendered to SVG here (vega, headless), so the page needs no
 * script to show them.
 *
 * @example
 * const result = await analyze(table, { target: 'label' });
 * const html = await buildReport(result);   // write it with writeReport (deepmine/node)
 */
export async function buildReport(result: AnalysisResult, opts: ReportOptions = {}): Promise<string> {
  const r = result.run;
  const s = result.stages;
  const parts: string[] = [];
  const nav: [string, string][] = [];
  const add = (id: string, title: string, body: string) => { nav.push([id, title]); parts.push(section(id, title, body)); };
  let chartNo = 0;
  const cid = (name: string) => `${name}-${chartNo++}`;

  // ---- summary
  const tree = ok<TreeSection>(s.tree), forest = ok<ForestSection>(s.forest), net = ok<NetSection>(s.nn);
  const evals = [tree?.eval, forest?.eval, net?.eval].filter((e): e is ModelEval => !!e);
  const stageRows = Object.entries(s).map(([name, o]) => [name, o.status, o.status === 'ok' ? `${o.seconds.toFixed(2)} s` : o.reason]);
  add('summary', 'Summary', `<p>${esc(r.source)}: <strong>${r.rows}</strong> rows × <strong>${r.columns}</strong> columns. ${r.target ? `Target <code>${esc(r.target)}</code> (${esc(r.task)}${r.classes ? `, ${r.classes.length} classes` : ''}).` : 'No target column: unsupervised stages only.'} ${result.alerts.length} alert${result.alerts.length === 1 ? '' : 's'}.</p>` +
    metricsTable(evals) + `<details><summary>Stages</summary>${table(['stage', 'status', 'time or reason'], stageRows)}</details>`);

  // ---- alerts first
  const alertItems = result.alerts.map((a) => `<li class="alert alert-${a.severity}"><span class="badge">${esc(a.kind)}</span> ${esc(a.message)}. <em>Fix:</em> ${esc(a.fix)}.</li>`);
  add('alerts', 'Alerts', alertItems.length ? `<ul class="alerts">${alertItems.join('')}</ul>` : '<p>No alerts: no constant, id-like, skewed, strongly correlated or missing columns, no duplicate rows, no class imbalance, no leakage suspect.</p>');

  // ---- data profile
  const p = result.profile;
  if (p) {
    const rows = p.columns.map((c) => [c.name, c.type, c.missing, c.distinct,
      c.type === 'numeric' ? `mean ${r4((c as NumericProfile).mean)}, sd ${r4((c as NumericProfile).std)}, min ${r4((c as NumericProfile).min)}, max ${r4((c as NumericProfile).max)}` :
      c.type === 'categorical' ? (c as CategoricalProfile).top.slice(0, 3).map((t) => `${t.value} (${t.count})`).join(', ') :
      c.type === 'boolean' ? `true ${c.trueCount}, false ${c.falseCount}` : `${c.min ?? '–'} .. ${c.max ?? '–'}`]);
    const maxH = opts.maxHistograms ?? 40;
    const numeric = p.columns.filter((c): c is NumericProfile => c.type === 'numeric' && c.count > 0);
    const hist = await Promise.all(numeric.slice(0, maxH).map((c) => figure(histogramChart(cid('hist'), c.name, c.histogram))));
    const cats = p.columns.filter((c): c is CategoricalProfile => c.type === 'categorical' && c.count > 0).slice(0, 20);
    const catFigs = await Promise.all(cats.map((c) => figure(barChart(cid('top'), c.name, `Most frequent values of ${c.name} (${c.distinct} distinct)`, c.top.map((t) => ({ label: t.value, value: t.count })), 'rows', { width: 220 }))));
    const corr = p.correlation.columns.length >= 2 ? await figure(correlationChart(cid('corr'), p.correlation.columns, p.correlation.matrix)) : '';
    add('profile', 'Data profile', `<p>${p.rows} rows, ${p.columns.length} columns, ${p.duplicateRows.count} duplicate rows.</p>` +
      table(['column', 'type', 'missing', 'distinct', 'summary'], rows, { caption: 'Columns' }) +
      (hist.length ? `<h3>Distributions</h3>${numeric.length > maxH ? `<p class="note">The first ${maxH} of ${numeric.length} numeric columns are drawn.</p>` : ''}<div class="grid">${hist.join('')}${catFigs.join('')}</div>` : catFigs.length ? `<div class="grid">${catFigs.join('')}</div>` : '') +
      (corr ? `<h3>Correlations</h3>${corr}` : ''));
  } else add('profile', 'Data profile', statusBox('profile', s.profile));

  // ---- cleaning
  add('cleaning', 'Cleaning', statusBox('clean', s.clean) + (result.droppedColumns.length ? table(['dropped column', 'reason'], result.droppedColumns.map((d) => [d.column, d.reason])) : '') +
    (result.features.length ? `<details><summary>${result.features.length} model features</summary><p class="features">${result.features.map(esc).join(', ')}</p></details>` : ''));

  // ---- class balance
  if (r.task === 'classification') {
    const counts = r.classCounts?.map((c) => ({ label: c.label, value: c.count })) ?? null;
    if (counts) add('balance', 'Class balance', await figure(barChart(cid('balance'), `Class balance of ${r.target}`, `Rows per class of ${r.target}: ${counts.map((c) => `${c.label} ${c.value}`).join(', ')}`, counts, 'rows')));
  }

  // ---- models
  if (r.target) {
    let body = statusBox('split', s.split);
    if (evals.length) {
      body += metricsTable(evals);
      if (r.task === 'classification') {
        const pos = evals.find((e) => e.positiveClass)?.positiveClass;
        body += `<div class="grid">${(await Promise.all(evals.map((e) => figure(confusionChart(cid('cm'), e))))).join('')}</div>`;
        const withRoc = evals.filter((e) => e.roc);
        if (withRoc.length) {
          body += `<p>ROC and precision-recall curves treat <strong>${esc(pos)}</strong> as the positive class.</p><div class="grid">` +
            await figure(lineChart(cid('roc'), 'ROC curve', `ROC curves of ${withRoc.length} models (positive class ${pos}): ${withRoc.map((e) => `${e.model} AUC ${r4(e.roc!.auc)}`).join(', ')}`, withRoc.map((e) => ({ name: `${e.model} (AUC ${r4(e.roc!.auc)})`, x: e.roc!.fpr, y: e.roc!.tpr })), { x: 'false positive rate', y: 'true positive rate', domain01: true, diagonal: true })) +
            await figure(lineChart(cid('pr'), 'Precision-recall curve', `Precision-recall curves (positive class ${pos}): ${withRoc.map((e) => `${e.model} AP ${r4(e.pr!.averagePrecision)}`).join(', ')}`, withRoc.map((e) => ({ name: `${e.model} (AP ${r4(e.pr!.averagePrecision)})`, x: e.pr!.recall, y: e.pr!.precision })), { x: 'recall', y: 'precision', domain01: true })) + '</div>';
        }
      } else {
        body += `<div class="grid">${(await Promise.all(evals.filter((e) => e.residuals).map((e) => figure(scatterChart(cid('resid'), `Predicted vs actual: ${e.model}`, `Predicted against actual target values of the ${e.model} on the test split`, e.residuals!.actual.map((a, i) => ({ x: a, y: e.residuals!.predicted[i]! })), { x: 'actual', y: 'predicted', diagonal: true }, e.residuals!.sampled ? 'a sample of 1,000 test rows' : undefined))))).join('')}</div>`;
      }
    }
    add('models', 'Models', body);
    add('net', 'Neural network', statusBox('nn', s.nn) + (net ? `<p>${net.layers.map(esc).join(' → ')}; ${net.targetScaled ? 'target standard-scaled for training. ' : ''}</p>${await figure(lossChart(cid('loss'), net))}` : ''));
    add('tree', 'Decision tree', statusBox('tree', s.tree) + (tree ? `<p>Depth ${tree.depth}, ${tree.leaves} leaves.</p>${await figure(treeChart(cid('tree'), tree))}<h3>Rules of the tree</h3>` +
      table(['if', 'then', 'training rows', 'confidence'], tree.rules.map((x) => [x.conditions.join(' and ') || '(always)', x.prediction, x.samples, x.confidence])) : ''));
    // importances
    let imp = statusBox('forest', s.forest);
    if (forest) imp += await figure(barChart(cid('imp'), 'Random forest: impurity importance', `Mean decrease in impurity of the top ${Math.min(20, forest.importances.length)} features in the random forest; the largest is ${forest.importances[0]?.feature}`, forest.importances.slice(0, 20).map((x) => ({ label: x.feature, value: x.importance })), 'importance'));
    const pi = ok<ImportanceSection>(s.importance);
    imp += `<h3>Permutation importance</h3>${statusBox('importance', s.importance)}`;
    if (pi) imp += await figure(barChart(cid('perm'), `Permutation importance (${pi.model})`, `Drop in ${pi.scoring} on the test split when each feature is shuffled, top ${Math.min(20, pi.importances.length)} features`, pi.importances.slice(0, 20).map((x) => ({ label: x.feature, value: x.mean, error: x.std })), `drop in ${pi.scoring}`));
    const sh = ok<ShapSection>(s.shap);
    imp += `<h3>SHAP summary</h3>${statusBox('shap', s.shap)}`;
    if (sh) imp += await figure(barChart(cid('shap'), `Mean |SHAP value| (${sh.model})`, `Mean absolute SHAP value of the top ${Math.min(20, sh.meanAbs.length)} features`, sh.meanAbs.slice(0, 20).map((x) => ({ label: x.feature, value: x.value })), 'mean |SHAP|', { color: '#e45756' })) +
      (sh.points.length ? await figure(scatterBeeswarm(cid('beeswarm'), sh)) : '');
    add('importance', 'Feature importance', imp);
    const sur = ok<SurrogateSection>(s.surrogate);
    add('surrogate', 'Surrogate rules', statusBox('surrogate', s.surrogate) + (sur ? `<p>A depth-${sur.depth} tree trained to mimic the ${esc(sur.model)}: fidelity <strong>${r4(sur.fidelity)}</strong> (share of test rows where it agrees with the model).</p>` + table(['if', 'then', 'rows', 'confidence'], sur.rules.map((x) => [x.rule, x.prediction, x.samples, x.confidence])) : ''));
    const sl = ok<ErrorSlicesSection>(s.errors);
    add('errors', 'Error slices', statusBox('errors', s.errors) + (sl ? `<p>Where the ${esc(sl.model)} errs most (base error ${r4(sl.baseError)}):</p>` + table(['slice', 'rows', 'error', 'lift'], sl.slices.map((x) => [x.slice, x.size, x.error, x.lift])) : ''));
  }

  // ---- PCA and clusters
  const pca = ok<PcaSection>(s.pca);
  add('pca', 'PCA', statusBox('pca', s.pca) + (pca ? `<div class="grid">${await figure(varianceChart(cid('var'), pca))}${await figure(scatterChart(cid('pcs'), 'PCA scatter', 'Rows projected on the first two principal components of the standard-scaled features', pca.points.map((q) => ({ x: q.pc1, y: q.pc2 })), { x: 'PC1', y: 'PC2' }, pca.sampled ? `a seeded sample of ${pca.points.length} of ${pca.totalRows} rows` : undefined))}</div>` +
    `<details><summary>Strongest loadings</summary>${table(['component', 'feature', 'weight'], pca.loadings.map((l) => [`PC${l.component}`, l.feature, l.weight]))}</details>` : ''));
  const cl = ok<ClusterSection & { map: { pc1: number; pc2: number; cluster: number }[] }>(s.cluster);
  add('clusters', 'Clusters', statusBox('cluster', s.cluster) + (cl ? `<p>${esc(cl.algorithm)}, k = ${cl.k}${cl.candidates.length ? ' (best silhouette)' : ''}, silhouette ${r4(cl.silhouette)}; sizes ${cl.sizes.join(', ')}.</p><div class="grid">` +
    (cl.map.length ? await figure(clusterMapChart(cid('cmap'), cl, pca?.totalRows ?? cl.map.length)) : '') +
    (cl.candidates.length ? await figure(lineChart(cid('sil'), 'Silhouette by k', `Silhouette score for k = ${cl.candidates[0]!.k} to ${cl.candidates.at(-1)!.k}; the best is k = ${cl.k}`, [{ name: 'silhouette', x: cl.candidates.map((c) => c.k), y: cl.candidates.map((c) => c.silhouette) }], { x: 'k', y: 'silhouette', points: true })) : '') +
    `</div><h3>Cluster descriptions</h3><p class="note">${esc(cl.method)}</p>` + table(['cluster', 'rows', 'rules (precision, coverage)', 'over-represented items (lift)', 'highest / lowest features (z)'], cl.descriptions.map((d) => [`cluster ${d.cluster}`, d.size, d.rules.join(' · ') || '–', d.itemsets.join(' · ') || '–', d.text])) : ''));

  // ---- association rules
  const ru = ok<RulesSection>(s.rules);
  let rulesBody = statusBox('rules', s.rules);
  if (ru) {
    const shown = Math.min(opts.rulesShown ?? ru.shown, ru.rules.length);
    rulesBody += `<p>${ru.nTransactions} rows as transactions over ${ru.nItems} items; ${ru.nItemsets} frequent itemsets at support ≥ ${ru.minSupport}; ${ru.nRules} rules with confidence ≥ ${ru.minConfidence} and lift > 1.</p>`;
    if (ru.rules.length) {
      rulesBody += await figure(rulesChart(cid('rules'), ru));
      const more = ru.nRules > shown ? `<p class="note" id="rules-truncated">Showing the ${shown} rules with the highest lift of ${ru.nRules}${opts.files?.rules ? `; the full list is in <a href="${esc(opts.files.rules)}">${esc(opts.files.rules)}</a>` : ''}.</p>` : '';
      rulesBody += `<div class="controls"><label for="rules-filter">Filter rules</label> <input id="rules-filter" type="search" placeholder="item, e.g. ${esc(ru.rules[0]!.consequents[0] ?? '')}" autocomplete="off"> <span id="rules-count" aria-live="polite"></span></div>` + more +
        `<div class="table-wrap"><table id="rules-table" class="sortable"><caption>Association rules (click a column header to sort)</caption><thead><tr>${['if', 'then', 'support', 'confidence', 'lift', 'leverage', 'conviction'].map((c, i) => `<th scope="col" data-col="${i}"${i >= 2 ? ' data-type="num"' : ''}><button type="button">${c}</button></th>`).join('')}</tr></thead><tbody>` +
        ru.rules.slice(0, shown).map((x) => `<tr><td>${esc(x.antecedents.join(', '))}</td><td>${esc(x.consequents.join(', '))}</td>${[x.support, x.confidence, x.lift, x.leverage, x.conviction].map((v) => `<td class="num" data-v="${v === null ? 'Infinity' : v}">${v === null ? '∞' : r4(v)}</td>`).join('')}</tr>`).join('') + '</tbody></table></div>';
    }
  }
  add('rules', 'Association rules', rulesBody);

  // ---- run card
  const card: [string, string][] = [
    ['source', r.source], ['data hash', r.dataHash], ['rows × columns', `${r.rows} × ${r.columns}`], ['target', r.target ?? '(none)'], ['task', r.task ?? '(none)'],
    ['seed', String(r.seed)], ['test size', String(r.testSize)], ['started', r.startedAt], ['run time', `${r.seconds.toFixed(1)} s`],
    ...Object.entries({ ...r.versions, ...CHART_VERSIONS }).map(([k, v]) => [k, v] as [string, string]),
    ['options', JSON.stringify(r.options)],
  ];
  add('run', 'Run card', `<dl class="card">${card.map(([k, v]) => `<dt>${esc(k)}</dt><dd><code>${esc(v)}</code></dd>`).join('')}</dl>` +
    (opts.files?.result ? `<p>Everything above as JSON: <a href="${esc(opts.files.result)}">${esc(opts.files.result)}</a>.</p>` : ''));

  const title = opts.title ?? `deepmine report: ${r.source}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="sub">${r.rows} rows × ${r.columns} columns${r.target ? ` · target <code>${esc(r.target)}</code>` : ''} · seed ${r.seed} · deepmine ${esc(r.versions.deepmine ?? '')}</p></header>
<nav aria-label="Sections"><ul>${nav.map(([id, t]) => `<li><a href="#${id}">${esc(t)}</a></li>`).join('')}</ul></nav>
<main>
${parts.join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function scatterBeeswarm(id: string, sh: ShapSection): Chart {
  const c = scatterChart(id, 'SHAP values per feature', 'SHAP value of each sampled row per feature (x), coloured by the feature value rank', [], { x: 'SHAP value', y: 'feature' });
  const top = new Set(sh.meanAbs.slice(0, 12).map((m) => m.feature));
  const values = sh.points.filter((q) => top.has(q.feature)).slice(0, 5000).map((q) => ({ feature: q.feature, shap: Number(q.shap.toPrecision(4)), value: Number(q.value.toPrecision(3)) }));
  c.spec = {
    width: 380, height: Math.max(80, 22 * top.size), background: 'white',
    data: { values }, mark: { type: 'circle', size: 14, opacity: 0.6 },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: sh.meanAbs.map((m) => m.feature), title: null },
      yOffset: { field: 'value', type: 'quantitative' },
      x: { field: 'shap', type: 'quantitative', title: 'SHAP value' },
      color: { field: 'value', type: 'quantitative', scale: { scheme: 'redblue', reverse: true }, title: 'feature value (rank)' },
    },
  };
  c.table = { columns: ['feature', 'mean |SHAP|'], rows: sh.meanAbs.slice(0, 12).map((m) => [m.feature, Number(m.value.toPrecision(4))]) };
  c.caption = sh.sampled ? 'a seeded sample of rows' : undefined;
  return c;
}

const CSS = `
:root{--fg:#1f2937;--muted:#4b5563;--bg:#fff;--line:#e5e7eb;--accent:#1d4ed8}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:1rem 1.5rem;border-bottom:1px solid var(--line)}
h1{font-size:1.4rem;margin:0} .sub{margin:.2rem 0 0;color:var(--muted)}
nav{position:sticky;top:0;background:#f9fafb;border-bottom:1px solid var(--line);z-index:1}
nav ul{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;margin:0;padding:.5rem 1.5rem}
nav a{color:var(--accent);text-decoration:none} nav a:hover,nav a:focus{text-decoration:underline}
main{padding:0 1.5rem 3rem;max-width:1400px}
section{border-bottom:1px solid var(--line);padding:1rem 0;scroll-margin-top:4.5rem}
h2{font-size:1.2rem;margin:.5rem 0} h3{font-size:1rem;margin:1rem 0 .5rem}
.grid{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
figure.chart{margin:0;padding:.5rem;border:1px solid var(--line);border-radius:6px;max-width:100%;overflow-x:auto}
figure.chart svg{display:block;max-width:none;height:auto}
figcaption{font-size:.9rem;margin-bottom:.25rem}
details{margin:.4rem 0} summary{cursor:pointer;color:var(--accent)}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:var(--fg)}
th[aria-sort=ascending] button::after{content:" ▲"} th[aria-sort=descending] button::after{content:" ▼"}
.alerts{list-style:none;padding:0} .alert{padding:.35rem .6rem;margin:.3rem 0;border-left:4px solid #9ca3af;background:#f9fafb}
.alert-warning{border-color:#b45309;background:#fffbeb} .alert-error{border-color:#b91c1c;background:#fef2f2}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:0 .4rem;border-radius:3px;background:#e5e7eb;margin-right:.3rem}
.status{padding:.4rem .6rem;background:#f3f4f6;border-radius:4px} .status-failed{background:#fef2f2}
.note,.notes{color:var(--muted);font-size:.9rem}
.controls{margin:.5rem 0} input[type=search]{font:inherit;padding:.2rem .4rem;min-width:18rem}
dl.card{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem} dl.card dd{margin:0;overflow-wrap:anywhere}
code{font-size:.85em}
.features{font-size:.85rem;overflow-wrap:anywhere}
`;

/** Sort and filter the rules table (the only script; the table reads fine without it). */
const SCRIPT = `
(function(){
  var t=document.getElementById('rules-table'); if(!t) return;
  var body=t.tBodies[0], rows=Array.prototype.slice.call(body.rows);
  var ths=t.tHead.rows[0].cells, count=document.getElementById('rules-count'), input=document.getElementById('rules-filter');
  function cell(r,i){var c=r.cells[i];return c.hasAttribute('data-v')?parseFloat(c.getAttribute('data-v')):c.textContent.toLowerCase();}
  Array.prototype.forEach.call(ths,function(th,i){
    th.querySelector('button').addEventListener('click',function(){
      var dir=th.getAttribute('aria-sort')==='descending'?'ascending':'descending';
      Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir);
      var s=dir==='ascending'?1:-1;
      rows.sort(function(a,b){var x=cell(a,i),y=cell(b,i);return x<y?-s:x>y?s:0;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  function filter(){
    var q=input.value.trim().toLowerCase(), n=0;
    rows.forEach(function(r){var show=!q||(r.cells[0].textContent+' '+r.cells[1].textContent).toLowerCase().indexOf(q)>=0;r.hidden=!show;if(show)n++;});
    count.textContent=n+' of '+rows.length+' rules';
  }
  input.addEventListener('input',filter); filter();
})();
`;

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The report in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * loads from file:// with no network request and no console error, every chart is a non-empty
 * SVG with an accessible name, the rules table sorts and filters, a hostile CSV cannot inject
 * markup, axe-core finds no serious or critical violation. Screenshots of each section go to
 * test-artifacts/report/ (and docs/report-*.png with UPDATE_DOCS_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadDataset } from '../../src/datasets/load.js';
import { Matrix } from '../../src/core/matrix.js';
import { encodeCategorical, Table, type Column } from '../../src/core/table.js';
import { readCsv, closeConnection } from '../../src/io/duckdb.js';
import { analyze } from '../../src/report/analyze.js';
import { buildReport } from '../../src/report/html.js';
import { writeReport } from '../../src/report/write.js';
import type { RulesSection } from '../../src/report/types.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts/report');
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install -y chromium; .ci/run does it)`;
const dir = mkdtempSync(join(tmpdir(), 'deepmine-report-'));

/** A fast configuration: same stages, fewer epochs and trees. */
const FAST = { nn: { epochs: 8 }, forest: { nEstimators: 15 }, cluster: { kMax: 4 } } as const;

function breastCancerTable(): Table {
  const ds = loadDataset('breast_cancer');
  const X = ds.X as Matrix;
  const cols: Column[] = ds.featureNames.map((name, j) => ({ kind: 'numeric', name, values: X.col(j) }));
  cols.push(encodeCategorical('target', Array.from(ds.y as Float64Array, (k) => ds.targetNames![k]!)));
  return new Table(cols);
}

let ctx: BrowserContext;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];
const dialogs: string[] = [];
let reportPath = '';
let hostilePath = '';

async function open(path: string): Promise<void> {
  requests.length = 0;
  consoleErrors.length = 0;
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
}

describe('HTML report in headless Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const result = await analyze(breastCancerTable(), { ...FAST }, { source: 'built-in breast_cancer' });
    reportPath = (await writeReport(result, join(dir, 'bc'), { rulesShown: 60 })).index;
    // hostile CSV: markup, quotes and unicode in column names and values
    const rows = ['"<script>window.__pwned=1</script>","na""me\'s",ünïcödé ✓,"<img src=x onerror=""window.__pwned=2"">",label'];
    for (let i = 0; i < 60; i++) rows.push(`${i % 7},"<b>bold ${i % 3}</b>","€ ${i % 2 ? 'ß' : '😀'}","<img src=x onerror=window.__pwned=3> ${i % 4}",${i % 3 ? '</td><script>window.__pwned=4</script>' : 'plain'}`);
    writeFileSync(join(dir, 'hostile.csv'), rows.join('\n') + '\n');
    const hostile = await readCsv(join(dir, 'hostile.csv'));
    const hr = await analyze(hostile, { target: 'label', ...FAST, rules: { minSupport: 0.2 } }, { source: '<script>window.__pwned=5</script>hostile.csv' });
    hostilePath = (await writeReport(hr, join(dir, 'hostile'))).index;
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chr-')), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  });
  after(async () => {
    await ctx?.close();
    await closeConnection();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads from file:// with no network request and no console error; one file, a few hundred kB', async () => {
    await open(reportPath);
    assert.deepEqual(requests, [pathToFileURL(reportPath).href], 'only the page itself is requested');
    assert.deepEqual(consoleErrors, []);
    assert.equal(await page.title(), 'deepmine report: built-in breast_cancer');
    const size = readFileSync(reportPath).length;
    assert.ok(size < 5e6, `${size} bytes`);
    // alerts come first
    const ids = await page.$$eval('main > section', (s: any[]) => s.map((x: any) => x.id));
    assert.deepEqual(ids.slice(0, 3), ['summary', 'alerts', 'profile']);
    for (const id of ['balance', 'models', 'net', 'tree', 'importance', 'surrogate', 'errors', 'pca', 'clusters', 'rules', 'run']) assert.ok(ids.includes(id), id);
    // every stage ran: no "not available" box
    assert.equal(await page.$$eval('.status', (s: any[]) => s.length), 0);
    assert.match(await page.textContent('#surrogate') ?? '', /fidelity \d\.\d+/);
    assert.ok(await page.$$eval('#errors table tbody tr', (r: any[]) => r.length) > 0);
    assert.ok(await page.$$eval('#clusters table tbody tr', (r: any[]) => r.length) >= 2);
  });

  it('every chart is a non-empty SVG with an accessible name and a data table', async () => {
    const charts = await page.$$eval('figure.chart', (figs: any[]) => figs.map((f: any) => {
      const svg = f.querySelector('svg');
      return {
        id: f.id, role: svg?.getAttribute('role'), label: svg?.getAttribute('aria-label') ?? '',
        marks: svg ? svg.querySelectorAll('path, rect, line, circle, text').length : 0,
        width: svg ? svg.getBoundingClientRect().width : 0, table: f.querySelectorAll('details table tbody tr').length,
      };
    }));
    assert.ok(charts.length >= 40, `${charts.length} charts`);
    for (const c of charts) {
      assert.equal(c.role, 'img', c.id);
      assert.ok(c.label.length > 10, `${c.id} has an accessible name`);
      assert.ok(c.marks > 5 && c.width > 50, `${c.id} is drawn`);
      assert.ok(c.table > 0, `${c.id} has its data as a table`);
    }
    for (const id of ['cm', 'roc', 'pr', 'loss', 'tree', 'imp', 'perm', 'shap', 'beeswarm', 'corr', 'var', 'pcs', 'cmap', 'rules', 'balance']) assert.ok(charts.some((c) => c.id.startsWith(`fig-${id}-`)), `a ${id} chart`);
  });

  it('the rules table sorts and filters; it says it is truncated and the full list is beside it', async () => {
    const rows = () => page.$$eval('#rules-table tbody tr:not([hidden])', (tr: any[]) => tr.map((r: any) => Array.from(r.cells as ArrayLike<any>, (c: any) => c.getAttribute('data-v') ?? c.textContent ?? '')));
    const all = await rows();
    assert.equal(all.length, 60);
    assert.match(await page.textContent('#rules-truncated') ?? '', /Showing the 60 rules with the highest lift of \d+; the full list is in rules\.csv/);
    const csv = readFileSync(join(dir, 'bc/rules.csv'), 'utf8').trim().split('\n');
    const result = JSON.parse(readFileSync(join(dir, 'bc/result.json'), 'utf8'));
    assert.equal(csv.length - 1, (result.stages.rules.data as RulesSection).rules.length);
    // sort by support: descending, then ascending
    await page.click('#rules-table th[data-col="2"] button');
    const desc = (await rows()).map((r) => Number(r[2]));
    assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
    assert.equal(await page.getAttribute('#rules-table th[data-col="2"]', 'aria-sort'), 'descending');
    await page.click('#rules-table th[data-col="2"] button');
    const asc = (await rows()).map((r) => Number(r[2]));
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
    // sort by the consequent text
    await page.click('#rules-table th[data-col="1"] button');
    const then = (await rows()).map((r) => r[1]!.toLowerCase());
    assert.deepEqual(then, [...then].sort().reverse());
    // filter on an item
    const item = all[0]![1]!.split(', ')[0]!;
    await page.fill('#rules-filter', item);
    const filtered = await rows();
    assert.ok(filtered.length > 0 && filtered.length <= all.length);
    assert.ok(filtered.every((r) => `${r[0]} ${r[1]}`.toLowerCase().includes(item.toLowerCase())));
    assert.equal(await page.textContent('#rules-count'), `${filtered.length} of 60 rules`);
    await page.fill('#rules-filter', 'no-such-item-xyz');
    assert.equal((await rows()).length, 0);
    await page.fill('#rules-filter', '');
  });

  it('is readable without JavaScript: every section, chart and rule row is in the HTML itself', () => {
    const html = readFileSync(reportPath, 'utf8');
    const scripts = html.match(/<script\b/g) ?? [];
    assert.equal(scripts.length, 1, 'one inline script (sorting/filtering)');
    assert.equal((html.match(/<svg role="img"/g) ?? []).length, (html.match(/<figure class="chart"/g) ?? []).length);
    assert.equal((html.match(/<tr><td>/g) ?? []).length >= 60, true);
  });

  it('screenshots of each section (test-artifacts/report/)', async () => {
    await page.addStyleTag({ content: 'nav{position:static !important}' });
    const ids = await page.$$eval('main > section', (s: any[]) => s.map((x: any) => x.id));
    for (const id of ids) await page.locator(`#${id}`).screenshot({ path: join(ARTIFACTS, `${id}.png`) });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, 'top.png') });
    if (process.env.UPDATE_DOCS_SCREENSHOTS) {
      await page.screenshot({ path: join(ROOT, 'docs/report-overview.png') });
      await page.locator('#models').screenshot({ path: join(ROOT, 'docs/report-models.png') });
      await page.locator('#tree').screenshot({ path: join(ROOT, 'docs/report-tree.png') });
    }
    for (const id of ids) assert.ok(existsSync(join(ARTIFACTS, `${id}.png`)));
  });

  it('axe-core: no serious or critical accessibility violation', async () => {
    await open(reportPath);
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axe);
    const violations = await page.evaluate(async () => {
      const g = globalThis as any;
      const r: { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] } = await g.axe.run(g.document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    writeFileSync(join(ARTIFACTS, 'axe.json'), JSON.stringify(violations, null, 1));
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, []);
  });

  it('a hostile CSV cannot inject markup: names and values with <script>, quotes and unicode are shown as text', async () => {
    await open(hostilePath);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(dialogs, []);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.equal(await page.$$eval('script', (s: any[]) => s.length), 1, 'only the report script');
    assert.equal(await page.$$eval('img, b, iframe, object', (s: any[]) => s.length), 0, 'no element from the data');
    const text = await page.textContent('body') ?? '';
    assert.ok(text.includes('<script>window.__pwned=1</script>'), 'the column name is shown as text');
    assert.ok(text.includes("na\"me's"));
    assert.ok(text.includes('ünïcödé ✓'));
    assert.ok(text.includes('<b>bold 1</b>'), 'a value is shown as text');
    assert.deepEqual(requests, [pathToFileURL(hostilePath).href]);
    await page.addStyleTag({ content: 'nav{position:static !important}' });
    await page.locator('#profile').screenshot({ path: join(ARTIFACTS, 'hostile-profile.png') });
  });
});

describe('report building (no browser)', () => {
  it('buildReport is deterministic for a result and escapes the source name', async () => {
    const t = new Table([{ kind: 'numeric', name: 'x', values: Float64Array.from({ length: 30 }, (_, i) => i % 5) }, encodeCategorical('c', Array.from({ length: 30 }, (_, i) => (i % 2 ? '<a>' : 'b')))]);
    const r = await analyze(t, { target: null, skip: ['rules'] }, { source: '"><script>x</script>' });
    const a = await buildReport(r), b = await buildReport(r);
    assert.equal(a, b);
    assert.ok(!a.includes('"><script>x</script>'));
    assert.ok(a.includes('&quot;&gt;&lt;script&gt;x&lt;/script&gt;'));
    assert.equal(r.stages.tree!.status, 'not-applicable');
  });
});

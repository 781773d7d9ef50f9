import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { Matrix } from '../../src/core/matrix.js';
import { loadDataset } from '../../src/datasets/load.js';
import { accuracyScore } from '../../src/metrics/accuracy.js';
import { trainTestSplitIndices } from '../../src/modelSelection/split.js';
import { DecisionTreeClassifier } from '../../src/tree/index.js';
import { deepmine, deepmineJson, ensureBuilt, MAIN } from './built.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));
before(ensureBuilt);

/** A small labelled CSV with a string column, an id column, a constant and missing values. */
function fixture(path: string, n = 120): void {
  const rows = ['id,age,color,const,score,label'];
  for (let i = 0; i < n; i++) {
    const age = 20 + ((i * 7) % 40);
    const color = ['red', 'green', 'blue'][i % 3];
    const score = i % 11 === 0 ? '' : String(((i * 13) % 17) / 3);
    rows.push(`u${1000 + i},${age},${color},1,${score},${age > 40 || color === 'red' ? 'good' : 'bad'}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

describe('deepmine demo / analyze', { concurrency: true }, () => {
  it('demo --json: breast_cancer, split 0.2 seed 42; the tree equals the library tree on the same split', async () => {
    const out = await deepmineJson(['demo', '--report', join(dir, 'demo'), '--quiet']);
    assert.equal(out.source, 'built-in breast_cancer');
    assert.deepEqual([out.rows, out.columns, out.target, out.task, out.seed, out.testSize], [569, 31, 'target', 'classification', 42, 0.2]);
    assert.deepEqual(out.classes, ['benign', 'malignant']);
    for (const s of ['profile', 'clean', 'split', 'tree', 'forest', 'nn', 'importance', 'shap', 'surrogate', 'errors', 'pca', 'cluster', 'rules']) assert.equal(out.stages[s].status, 'ok', s);
    // the library's own tree on the same stratified split (defaults: maxDepth 4, minSamplesLeaf 5)
    const ds = loadDataset('breast_cancer');
    const y = Array.from(ds.y as Float64Array, (v) => ds.targetNames![v]!);
    const { train, test } = trainTestSplitIndices(y.length, { testSize: 0.2, randomState: 42, stratify: y });
    const X = ds.X as Matrix;
    const tree = new DecisionTreeClassifier({ maxDepth: 4, minSamplesLeaf: 5, randomState: 42 }).fit(X.takeRows(train), Array.from(train, (i) => y[i]!));
    assert.equal(out.metrics.tree.accuracy, accuracyScore(Array.from(test, (i) => y[i]!), tree.predict(X.takeRows(test))));
    assert.ok(out.metrics.forest.accuracy > 0.9 && out.metrics.nn.accuracy > 0.9);
    assert.ok(existsSync(out.report) && out.reportBytes < 5e6);
    const html = readFileSync(out.report, 'utf8');
    assert.match(html, /<h2 id="alerts-h">Alerts<\/h2>/);
    assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html.replace(/xmlns(:xlink)?="[^"]*"/g, '')), 'no external URL in the page');
  });

  it('analyze a CSV fixture: id-like and constant columns dropped with alerts, --skip, --save-model, predict and evaluate', async () => {
    const csv = join(dir, 'people.csv');
    fixture(csv);
    const rep = join(dir, 'people-report'), models = join(dir, 'models');
    const out = await deepmineJson(['analyze', csv, '--target', 'label', '--skip', 'nn,rules', '--report', rep, '--save-model', models, '--quiet']);
    assert.equal(out.task, 'classification');
    assert.equal(out.stages.nn.status, 'skipped');
    assert.equal(out.stages.rules.status, 'skipped');
    const kinds = out.alerts.map((a: { kind: string; columns: string[] }) => `${a.kind}:${a.columns.join('|')}`);
    assert.ok(kinds.includes('id-like:id'), kinds.join(', '));
    assert.ok(kinds.includes('constant:const'));
    assert.ok(kinds.includes('missing:score'));
    const result = JSON.parse(readFileSync(join(rep, 'result.json'), 'utf8'));
    assert.deepEqual(result.droppedColumns.map((d: { column: string }) => d.column).sort(), ['const', 'id']);
    assert.deepEqual(out.models.map((p: string) => p.split('/').at(-1)).sort(), ['forest.json', 'tree.json']);
    // predict: a CSV with one row per input row
    const pred = await deepmine(['predict', '--model', join(models, 'tree.json'), csv]);
    assert.equal(pred.code, 0, pred.err);
    const lines = pred.out.trim().split('\n');
    assert.equal(lines[0], 'prediction,p(bad),p(good)');
    assert.equal(lines.length, 121);
    // evaluate: the Weka-style block names the positive class and prints the confusion matrix
    const ev = await deepmine(['evaluate', '--model', join(models, 'tree.json'), csv]);
    assert.equal(ev.code, 0, ev.err);
    assert.match(ev.out, /Correctly Classified Instances\s+\d+/);
    assert.match(ev.out, /positive class "good"/);
    assert.match(ev.out, /<-- classified as/);
    const evj = await deepmineJson(['evaluate', '--model', join(models, 'tree.json'), csv]);
    const predicted = lines.slice(1).map((l) => l.split(',')[0]);
    const actual = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').at(-1));
    assert.equal(evj.correct, predicted.filter((p, i) => p === actual[i]).length);
    assert.equal(evj.positiveClass, 'good');
  });

  it('--force protection: an existing report dir or model file is an error (exit 2); --force replaces; the default dir is numbered', async () => {
    const rep = join(dir, 'exists');
    mkdirSync(rep);
    const r = await deepmine(['analyze', '--dataset', 'iris', '--report', rep, '--skip', 'nn,forest,rules,cluster']);
    assert.equal(r.code, 2);
    assert.match(r.err, /report directory exists already; pass --force/);
    const f = await deepmine(['analyze', '--dataset', 'iris', '--report', rep, '--skip', 'nn,forest,rules,cluster', '--force', '--quiet']);
    assert.equal(f.code, 0, f.err);
    assert.ok(existsSync(join(rep, 'index.html')));
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const a = await deepmineJson(['analyze', '--dataset', 'iris', '--skip', 'nn,forest,rules,cluster,tree', '--quiet'], { cwd });
    const b = await deepmineJson(['analyze', '--dataset', 'iris', '--skip', 'nn,forest,rules,cluster,tree', '--quiet'], { cwd });
    assert.deepEqual([a.report, b.report], ['deepmine-report/index.html', 'deepmine-report-2/index.html']);
    const models = join(dir, 'm2');
    assert.equal((await deepmine(['tree', 'iris', '--save-model', models])).code, 0);
    const again = await deepmine(['tree', 'iris', '--save-model', models]);
    assert.equal(again.code, 2);
    assert.match(again.err, /model file exists already; pass --force/);
  });

  it('stdin (-), a bare file name without extension, an empty file, --config validation', async () => {
    const csv = join(dir, 'stdin.csv');
    fixture(csv, 60);
    const s = await deepmineJson(['analyze', '-', '--target', 'label', '--skip', 'nn,forest,rules,cluster', '--report', join(dir, 'stdin-rep'), '--quiet'], { input: readFileSync(csv, 'utf8') });
    assert.equal(s.source, 'stdin');
    assert.equal(s.rows, 60);
    const bare = join(dir, 'bare');
    writeFileSync(bare, readFileSync(csv));
    const p = await deepmineJson(['profile', bare]);
    assert.equal(p.rows, 60);
    writeFileSync(join(dir, 'empty.csv'), '');
    const e = await deepmine(['analyze', join(dir, 'empty.csv')]);
    assert.equal(e.code, 2);
    assert.match(e.err, /empty file/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ nn: { epochs: 2.5 } }));
    const c = await deepmine(['analyze', '--dataset', 'iris', '--config', join(dir, 'bad.json'), '--report', join(dir, 'never')]);
    assert.equal(c.code, 2);
    assert.match(c.err, /'config\.nn\.epochs' must be an integer in \[1, 10000\]; received 2\.5/);
    assert.equal(c.err.trim().split('\n').length, 1);
    writeFileSync(join(dir, 'unknown.json'), JSON.stringify({ forrest: {} }));
    const u = await deepmine(['analyze', '--dataset', 'iris', '--config', join(dir, 'unknown.json')]);
    assert.match(u.err, /'config\.forrest' must be a known key/);
  });

  it('user errors: exit 2 and one line, no stack trace; --verbose adds the stack', async () => {
    for (const args of [['analyze', '--dataset', 'iris', '--target', 'nope'], ['analyze', '--dataset', 'nosuch'], ['tree', 'iris', '--max-depth', '2.7'], ['analyze', '--dataset', 'iris', '--skip', 'foo'], ['analyze', '--dataset', 'iris', '--test-size', '1.5'], ['predict', '--model', join(dir, 'none.json'), 'iris']]) {
      const r = await deepmine(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(!/\n\s+at /.test(r.err));
    }
    const v = await deepmine(['tree', 'iris', '--max-depth', '0', '--verbose']);
    assert.equal(v.code, 2);
    assert.match(v.err, /\n\s+at /);
  });

  it('rules: quoted commas are a table (DuckDB sniffer); mushroom at 0.2 stops with a ResourceError, not an OOM', async () => {
    const q = join(dir, 'quoted.csv');
    writeFileSync(q, 'name,city\n"Smith, John",Paris\n"Doe, Jane",Paris\n"Roe, Rick",Rome\n"Poe, Ed",Paris\n');
    const out = await deepmineJson(['rules', q, '--min-support', '0.5', '--min-confidence', '0.5']);
    assert.equal(out.format, 'table');
    assert.deepEqual(out.itemsets[0], { items: ['city=Paris'], support: 0.75, count: 3 });
    const mush = '/work/shared/datasets/fimi/mushroom.dat';
    if (existsSync(mush)) {
      const r = await deepmine(['rules', mush, '--min-support', '0.2']);
      assert.equal(r.code, 2);
      assert.match(r.err, /candidate rules, over the budget/);
    }
  });

  it('every command --help starts with examples; Ctrl-C ends a run at once (SIGINT: the shell reports 130)', async () => {
    for (const c of ['analyze', 'demo', 'predict', 'evaluate', 'profile', 'tree', 'cluster', 'rules', 'pca', 'nn']) {
      const r = await deepmine([c, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.out, /^\s*Examples:\n  deepmine /, c);
    }
    await ensureBuilt();
    const child = spawn(process.execPath, [MAIN, 'demo', '--report', join(dir, 'sigint'), '--force'], { stdio: 'ignore' });
    const t0 = Date.now();
    setTimeout(() => child.kill('SIGINT'), 1500);
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('close', (c, s) => r([c, s])));
    assert.ok(signal === 'SIGINT' || code === 130, `${code} ${signal}`);
    assert.ok(Date.now() - t0 < 15000);
  });

  it('EPIPE: piping into head exits quietly', async () => {
    await ensureBuilt();
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${MAIN}" rules groceries --min-support 0.002 --min-confidence 0.1 --top 100000 | head -2`], { encoding: 'utf8' });
    assert.equal(r.stdout.split('\n').length, 3);
    assert.ok(!/EPIPE|at /.test(r.stderr), r.stderr);
  });

  it('tree and demo honour --na', async () => {
    const p = join(dir, 'na.csv');
    writeFileSync(p, 'x,y,label\n' + Array.from({ length: 60 }, (_, i) => `${i % 9 === 0 ? '?' : i},${(i * 7) % 13},${i > 30 ? 'hi' : 'lo'}`).join('\n') + '\n');
    const t = await deepmineJson(['tree', p, '--target', 'label', '--na', '?', '--max-depth', '2']);
    const names = t.rules.flatMap((r: { conditions: { featureName: string }[] }) => r.conditions.map((c) => c.featureName));
    assert.ok(names.every((n: string) => n === 'x' || n === 'y'), names.join(','));
    assert.ok(t.accuracy > 0.8);
    const d = await deepmineJson(['demo', p, '--target', 'label', '--na', '?', '--skip', 'nn,forest,rules,cluster,importance,shap,surrogate,errors', '--report', join(dir, 'na-rep'), '--quiet']);
    const res = JSON.parse(readFileSync(join(dir, 'na-rep/result.json'), 'utf8'));
    assert.equal(res.profile.columns[0].type, 'numeric');
    assert.equal(res.profile.columns[0].missing, 7);
    assert.equal(d.stages.tree.status, 'ok');
  });

  it('pca on a CSV fixture; tree --save-model on built-in iris, then evaluate/predict equal the library tree', async () => {
    const csv = join(dir, 'pca.csv');
    fixture(csv, 50);
    const p = await deepmineJson(['pca', csv, '--target', 'label', '-n', '2']);
    assert.equal(p.rows, 50 - 5); // rows with a missing score are dropped
    assert.ok(p.features.includes('color=red') && !p.features.includes('label'));
    const models = join(dir, 'iris-models');
    const t = await deepmineJson(['tree', 'iris', '--max-depth', '3', '--seed', '0', '--save-model', models]);
    const ds = loadDataset('iris');
    const y = Array.from(ds.y as Float64Array, (v) => ds.targetNames![v]!);
    const { trainTestSplit } = await import('../../src/modelSelection/split.js');
    const [XTr, , yTr] = trainTestSplit(ds.X as Matrix, y, { testSize: 0.2, randomState: 0 });
    const lib = new DecisionTreeClassifier({ maxDepth: 3, randomState: 0 }).fit(XTr, yTr);
    const expected = lib.predict(ds.X as Matrix);
    const ev = await deepmineJson(['evaluate', '--model', join(models, 'tree.json'), 'iris']);
    assert.equal(ev.correct, expected.filter((v, i) => v === y[i]).length);
    assert.equal(ev.accuracy, accuracyScore(y, expected));
    const pr = await deepmineJson(['predict', '--model', join(models, 'tree.json'), '--dataset', 'iris']);
    assert.deepEqual(pr.predictions, expected);
    assert.equal(t.depth, lib.getDepth());
  });

  it('cluster never names a constant column as distinctive', async () => {
    const p = join(dir, 'const.csv');
    writeFileSync(p, 'a,b,k\n' + Array.from({ length: 40 }, (_, i) => `${i < 20 ? i : 100 + i},${0.1 + 0.2},7.3`).join('\n') + '\n');
    const out = await deepmineJson(['cluster', p, '-k', '2']);
    for (const c of out.clusters) for (const t of c.distinctive) assert.equal(t.feature, 'a');
  });

  it('nn regression scales the target (huge target values train to a finite, small loss)', async () => {
    const p = join(dir, 'big.csv');
    writeFileSync(p, 'x,y\n' + Array.from({ length: 80 }, (_, i) => `${i},${1.7e12 + i * 8.64e7}`).join('\n') + '\n');
    const out = await deepmineJson(['nn', p, '--target', 'y', '--epochs', '20', '--layers', '8', '--task', 'regression']);
    assert.equal(out.targetScaled, true);
    assert.ok(out.history.loss.at(-1) < 10, `loss ${out.history.loss.at(-1)}`);
    assert.ok(out.r2 > 0, `r2 ${out.r2}`);
  });
});

/**
 * The CLI's large-data mode (issue 21) on small files with a forced threshold (--stream,
 * --stream-rows, DEEPMINE_STREAM_ROWS): the streamed results against the in-memory commands on the
 * same data, progress on stderr, capped text output, --out.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import { closeConnection } from '../../src/io/duckdb.js';
import { RandomState } from '../../src/core/random.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-cli-large-'));
after(async () => { rmSync(dir, { recursive: true, force: true }); await closeConnection(); });

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}
async function json(...args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await cli(...args, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

/** 3 Gaussian blobs in 4 dimensions (well separated), a text label, a few missing values and duplicate rows. */
function writeData(): string {
  const rs = new RandomState(7);
  const centers = [[0, 0, 0, 0], [10, 10, 0, 5], [-10, 5, 10, -5]];
  const lines = ['a,b,c,d,label,flag'];
  const n = 3000;
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const v = centers[k]!.map((c, j) => (c + (rs.standardNormal() as number) * (j + 1) * 0.5).toFixed(6));
    if (i % 500 == 7) v[1] = '';
    lines.push(`${v.join(',')},${['red', 'green', 'blue'][k]},${i % 4 === 0}`);
  }
  lines.push(lines[5]!, lines[9]!); // two duplicate rows
  const p = join(dir, 'blobs.csv');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}
const data = writeData();

describe('large-data mode: when it applies', () => {
  it('stays in memory below the threshold and streams above it (--stream-rows, DEEPMINE_STREAM_ROWS, --stream, --no-stream)', async () => {
    const mem = await cli('pca', data, '-n', '2', '--target', 'label');
    assert.equal(mem.code, 0, mem.err);
    assert.doesNotMatch(mem.err, /large-data mode/);
    const low = await cli('pca', data, '-n', '2', '--target', 'label', '--stream-rows', '1000');
    assert.equal(low.code, 0, low.err);
    assert.match(low.err, /large-data mode \(3,002 rows > threshold 1,000\)/);
    assert.match(low.err, /IncrementalPCA pass done: 2,996 rows/);
    process.env.DEEPMINE_STREAM_ROWS = '1000';
    try {
      assert.match((await cli('pca', data, '-n', '2', '--target', 'label')).err, /large-data mode/);
      assert.doesNotMatch((await cli('pca', data, '-n', '2', '--target', 'label', '--no-stream')).err, /large-data mode/);
    } finally {
      delete process.env.DEEPMINE_STREAM_ROWS;
    }
    assert.match((await cli('pca', data, '-n', '2', '--target', 'label', '--stream')).err, /large-data mode \(--stream\)/);
    // built-in datasets are never streamed
    assert.doesNotMatch((await cli('pca', 'iris', '--stream')).err, /large-data mode/);
  });
});

describe('large-data pca', () => {
  it('with every component equals the in-memory PCA of the same rows (IncrementalPCA, DuckDB scaling statistics)', async () => {
    const mem = await json('pca', data, '-n', '4', '--target', 'label', '--no-stream');
    // the in-memory path one-hot encodes `flag`? no: booleans are numbers (0/1); text `label` is the excluded target
    const st = await json('pca', data, '-n', String(mem.features.length), '--target', 'label', '--stream', '--batch-rows', '700');
    assert.deepEqual(st.features, mem.features);
    assert.equal(st.rows, mem.rows);
    assert.equal(st.droppedRows, mem.droppedRows);
    assert.equal(st.mode, 'stream');
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(st.explainedVariance[i] - mem.explainedVariance[i]) < 1e-9 * mem.explainedVariance[0], `variance ${i}`);
      const dot = st.components[i].reduce((s: number, v: number, j: number) => s + v * mem.components[i][j], 0);
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-8, `component ${i}: |dot| = ${Math.abs(dot)}`);
    }
  });
  it('a variance fraction keeps the first components reaching it; mle is refused', async () => {
    const st = await json('pca', data, '-n', '0.8', '--target', 'label', '--stream');
    const mem = await json('pca', data, '-n', '0.8', '--target', 'label', '--no-stream');
    assert.equal(st.nComponents, mem.nComponents);
    const r = await cli('pca', data, '-n', 'mle', '--stream');
    assert.equal(r.code, 2);
    assert.match(r.err, /-n.*'mle' needs the whole data/);
  });
});

describe('large-data cluster', () => {
  it('MiniBatchKMeans finds the three blobs: sizes, centres and scores near the in-memory KMeans', async () => {
    const mem = await json('cluster', data, '-k', '3', '--target', 'label', '--no-stream');
    const st = await json('cluster', data, '-k', '3', '--target', 'label', '--stream', '--batch-rows', '500');
    assert.equal(st.algorithm, 'minibatch-kmeans');
    assert.equal(st.rows, mem.rows);
    assert.deepEqual([...st.sizes].sort(), [...mem.sizes].sort());
    for (const c of st.centers as number[][]) {
      const near = Math.min(...(mem.centers as number[][]).map((m) => Math.hypot(...m.map((v, j) => v - c[j]!))));
      assert.ok(near < 0.2, `centre ${c} is ${near} from the nearest in-memory centre`);
    }
    assert.ok(Math.abs(st.silhouette - mem.silhouette) < 0.02);
    const inertiaRatio = st.inertia / mem.inertia;
    assert.ok(inertiaRatio >= 1 - 1e-9 && inertiaRatio < 1.01, `inertia ratio ${inertiaRatio}`);
  });
  it('refuses what needs the data in memory, naming the option', async () => {
    const a = await cli('cluster', data, '--algorithm', 'dbscan', '--stream');
    assert.equal(a.code, 2);
    assert.match(a.err, /--algorithm.*kmeans in large-data mode/);
    const b = await cli('cluster', data, '-k', 'auto', '--stream');
    assert.equal(b.code, 2);
    assert.match(b.err, /-k/);
  });
});

describe('large-data tree', () => {
  it("fits splitter 'hist' on a seeded sample, says so on stderr, caps the rules and writes all of them with --out", async () => {
    const out = join(dir, 'tree.json');
    const r = await cli('tree', data, '--target', 'label', '--stream', '--sample-rows', '1000', '--max-rules', '2', '--out', out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /splitter 'hist' on a seeded uniform sample of 1,000 of 3,002 rows/);
    assert.match(r.err, /sampling pass done: 2,996 rows/);
    assert.match(r.out, /more rules not shown \(\d+ in all; all of them are in the --out file\)/);
    const full = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(full.sampleRows, 1000);
    assert.equal(full.rules.length, full.leaves);
    assert.ok(full.accuracy > 0.95, `accuracy ${full.accuracy}`);
    // the same seed gives the same sample and tree
    const again = await json('tree', data, '--target', 'label', '--stream', '--sample-rows', '1000');
    assert.deepEqual(again.rules, full.rules);
    // never overwritten without --force
    const twice = await cli('tree', data, '--target', 'label', '--stream', '--sample-rows', '1000', '--out', out);
    assert.equal(twice.code, 2);
    assert.match(twice.err, /exists/);
    assert.equal((await cli('tree', data, '--target', 'label', '--stream', '--sample-rows', '1000', '--out', out, '--force')).code, 0);
  });
  it('in memory too, the text output is capped with a note (all rules in --json)', async () => {
    const r = await cli('tree', data, '--target', 'label', '--max-rules', '1', '--no-stream');
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /more rules not shown .* or --max-rules N/);
  });
});

describe('large-data profile', () => {
  it('one streamed pass: exact counts and moments equal to the in-memory profile; quartiles exact while the sample holds every row', async () => {
    const mem = await json('profile', data, '--no-stream');
    const st = await json('profile', data, '--stream', '--batch-rows', '256');
    assert.equal(st.rows, mem.rows);
    assert.equal(st.duplicateRows.count, mem.duplicateRows.count);
    assert.equal(st.duplicateRows.count, 2);
    for (let j = 0; j < mem.columns.length; j++) {
      const a = st.columns[j], b = mem.columns[j];
      assert.deepEqual(a.approximate, []);
      for (const k of ['name', 'type', 'count', 'missing', 'distinct', 'zeros', 'min', 'max', 'trueCount', 'falseCount', 'top', 'q25', 'median', 'q75', 'histogram']) assert.deepEqual(a[k], b[k], `${b.name}.${k}`);
      for (const k of ['mean', 'std', 'skewness']) if (b[k] !== undefined) assert.ok(Math.abs(a[k] - b[k]) <= 1e-12 * Math.max(1, Math.abs(b[k])), `${b.name}.${k}: ${a[k]} vs ${b[k]}`);
    }
    for (let i = 0; i < mem.correlation.matrix.length; i++) for (let j = 0; j < mem.correlation.matrix.length; j++) {
      const x = st.correlation.matrix[i][j], y = mem.correlation.matrix[i][j];
      if (y === null) assert.equal(x, null); else assert.ok(Math.abs(x - y) < 1e-12, `corr ${i},${j}`);
    }
  });
  it('past the sample size the quartiles are labelled approximate (~ in the text)', async () => {
    const st = await json('profile', data, '--stream', '--sample-size', '500');
    assert.deepEqual(st.columns[0].approximate, ['q25', 'median', 'q75', 'histogram']);
    assert.equal(st.sampleRows, 500);
    assert.ok(Math.abs(st.columns[0].median - (await json('profile', data, '--no-stream')).columns[0].median) < 2);
    const t = await cli('profile', data, '--stream', '--sample-size', '500', '--max-columns', '2');
    assert.match(t.out, /median ~/);
    assert.match(t.out, /4 more columns not shown/);
    assert.ok(!existsSync(join(dir, 'nothing')));
  });
});

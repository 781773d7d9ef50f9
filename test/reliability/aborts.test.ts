// Issue 13 #6: inputs that used to abort the process (V8 out of memory, an array growing without
// bound) now give a result or a typed error. Each case runs in a child process with a small heap,
// so a regression shows as a crash or a timeout instead of taking the test runner down.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Run `body` (ESM, top-level await) in a child with a 512 MB heap; return its stdout. */
function child(body: string, timeoutMs = 20000): string {
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', '--input-type=module', '-e', body], { cwd: root, timeout: timeoutMs, encoding: 'utf8' });
  assert.equal(r.signal, null, `child killed by ${r.signal} (hang or abort); stderr: ${r.stderr.slice(-400)}`);
  assert.equal(r.status, 0, `child exited with ${r.status}; stderr: ${r.stderr.slice(-600)}`);
  return r.stdout.trim();
}

const report = `const report = (f) => { try { const v = f(); console.log('ok ' + JSON.stringify(v)); } catch (e) { console.log(e.name + ' ' + Object.getPrototypeOf(e).constructor.name + ' ' + e.message); } };`;

describe('issue 13 #6: no uncatchable aborts', () => {
  it('AgglomerativeClustering on [[0, -1e308], [0, 5]] gives the merge (overflow-safe distances); a true overflow is a DataError', { timeout: 30000 }, () => {
    const out = child(`
      import { AgglomerativeClustering } from './src/cluster/agglomerative.ts';
      ${report}
      for (const linkage of ['ward', 'complete', 'average', 'single']) {
        report(() => { const a = new AgglomerativeClustering({ linkage }).fit([[0, -1e308], [0, 5]]); return [Array.from(a.labels), Array.from(a.distances)]; });
        report(() => new AgglomerativeClustering({ linkage }).fit([[0, -1e308], [0, 1e308]]).labels);
      }`);
    const lines = out.split('\n');
    assert.equal(lines.length, 8);
    for (let i = 0; i < 8; i += 2) {
      assert.equal(lines[i], 'ok [[1,0],[1e+308]]');
      assert.match(lines[i + 1]!, /^DataError DataError .*overflows to Infinity/);
    }
  });

  it('RandomForest with nEstimators 1e9 gives a ResourceError naming nEstimators', { timeout: 30000 }, () => {
    const out = child(`
      import { RandomForestClassifier, RandomForestRegressor } from './src/tree/forest.ts';
      ${report}
      report(() => new RandomForestClassifier({ nEstimators: 1e9 }).fit([[0], [1], [2], [3]], [0, 1, 0, 1]));
      report(() => new RandomForestRegressor({ nEstimators: 1e9 }).fit([[0], [1], [2], [3]], [0, 1, 0, 1]));`);
    for (const line of out.split('\n')) assert.match(line, /^ResourceError ResourceError RandomForest(Classifier|Regressor): 1,000,000,000 trees would need about .*; lower nEstimators/);
  });

  it('PolynomialFeatures degree 30 on 50 columns gives a ResourceError before enumerating', { timeout: 30000 }, () => {
    const out = child(`
      import { PolynomialFeatures } from './src/preprocessing/polynomial.ts';
      ${report}
      const X = [Array.from({ length: 50 }, (_, j) => j), Array.from({ length: 50 }, (_, j) => -j)];
      report(() => new PolynomialFeatures({ degree: 30 }).fit(X));
      report(() => new PolynomialFeatures({ degree: 30, interactionOnly: true }).fit(X));`);
    for (const line of out.split('\n')) assert.match(line, /^ResourceError ResourceError PolynomialFeatures: the polynomial feature expansion would need about [\d,]+ output columns, over the budget of [\d,]+ output columns; lower degree/);
  });
});

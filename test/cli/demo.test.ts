import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('deepmine demo', () => {
  it('--json on built-in breast_cancer: the seed program', () => {
    const out = JSON.parse(run('demo', '--json'));
    assert.deepEqual(out.split.XTrain, [455, 30]);
    assert.deepEqual(out.split.XTest, [114, 30]);
    assert.ok(out.tree.accuracy > 0.9 && out.tree.accuracy <= 1);
    assert.equal(out.net.history.loss.length, 10);
    assert.ok(out.net.accuracy >= 0.93);
  });
  it('on a CSV with --target, and a clear error without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepmine-cli-'));
    try {
      const p = join(dir, 'd.csv');
      const rows = ['a,b,label', ...Array.from({ length: 50 }, (_, i) => `${i},${(i * 7) % 11},${i % 2 ? 'yes' : 'no'}`)];
      writeFileSync(p, rows.join('\n'));
      const out = JSON.parse(run('demo', p, '--target', 'label', '--json', '--seed', '0'));
      assert.deepEqual(out.split.XTrain, [40, 2]);
      assert.throws(() => run('demo', p), (e: unknown) => /--target/.test(String((e as { stderr: string }).stderr)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deepmine tree', () => {
  it('--json carries {accuracy, depth, leaves, rules}', () => {
    const out = JSON.parse(run('tree', 'iris', '--max-depth', '2', '--json', '--seed', '0'));
    assert.equal(out.depth, 2);
    assert.equal(out.leaves, out.rules.length);
    assert.ok(out.accuracy > 0.8 && out.accuracy <= 1);
    assert.ok(out.rules.every((r: { conditions: unknown[] }) => r.conditions.length >= 1 && r.conditions.length <= 2));
  });
});

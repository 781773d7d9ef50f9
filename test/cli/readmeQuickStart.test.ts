/**
 * The README's library quick start ("The seed program (library)") works verbatim (issue 17): the
 * code block is copied out of README.md, type-checked with `tsc --strict` against the built
 * package (`deepmine/node` resolved through package.json exports, as a user's project would), and
 * run on a CSV with string columns and a 0/1 `label`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureBuilt, ROOT } from './built.js';

describe('README quick start', () => {
  it('type-checks under --strict and runs on a CSV with string columns', { timeout: 300_000 }, async () => {
    await ensureBuilt();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The seed program (library)'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    assert.match(code, /toMatrix\(table, \{ target: 'label' \}\)/);
    // inside the package directory, so `deepmine/node` resolves to this package (self-reference)
    const dir = join(ROOT, 'test-artifacts', 'readme-quickstart');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const lines = ['age,city,plan,income,label'];
    const cities = ['Paris', 'Lyon', 'Nice'], plans = ['basic', 'pro'];
    for (let i = 0; i < 300; i++) {
      const age = 20 + ((i * 37) % 50), income = 1000 + ((i * 7919) % 5000);
      const label = (age > 40) !== (i % 7 === 0) ? 1 : 0;
      lines.push(`${age},${cities[i % 3]},${plans[(i >> 1) % 2]},${income},${label}`);
    }
    writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'quickstart.mts'), code);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: ['quickstart.mts'],
    }));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, stdio: 'pipe' });
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'quickstart.mts'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.match(out, /^0\.\d+|^1$/m, 'prints the tree accuracy');
    assert.match(out, /accuracy/, 'prints the net evaluation');
  });
});

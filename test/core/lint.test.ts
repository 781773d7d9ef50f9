/**
 * The linter runs inside `npm test`: Biome (pinned in devDependencies, configured by biome.json)
 * lints src/; any diagnostic (error, warning or info) fails the test and is listed. The formatter is
 * only reported (how many files `npm run format` would change), not enforced, until the one-off
 * format of the codebase lands.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIOME = join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

interface Diagnostic { severity: string; category?: string; message: string; location?: { path?: string; start?: { line: number; column: number } } }
interface Report { summary: { errors: number; warnings: number; infos?: number }; diagnostics: Diagnostic[] }

function biome(args: string[]): Report {
  assert.ok(existsSync(BIOME), `@biomejs/biome is not installed (${BIOME}): run npm install`);
  const r = spawnSync(process.execPath, [BIOME, ...args, '--reporter=json', '--max-diagnostics=200', 'src'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(r.error, undefined, String(r.error));
  const start = r.stdout.indexOf('{');
  assert.ok(start >= 0, `biome ${args.join(' ')} printed no JSON report (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.slice(start)) as Report;
}

const where = (d: Diagnostic) => `${d.location?.path ?? '?'}:${d.location?.start?.line ?? '?'} ${d.category ?? d.severity}: ${d.message}`;

it('biome lint src/: no findings', () => {
  const rep = biome(['lint']);
  const found = rep.diagnostics.map(where);
  assert.deepEqual(found, [], `biome lint found ${found.length} problem(s); fix them, or see biome.json for the rules that are off and why`);
});

it('biome format: how many files the one-off format would change (reported, not enforced)', () => {
  const rep = biome(['format']);
  const files = new Set(rep.diagnostics.filter((d) => d.category === 'format').map((d) => d.location?.path));
  console.log(`biome format would change ${files.size} file(s) under src/ (npm run format applies it)`);
  assert.ok(rep.diagnostics.every((d) => d.category === 'format'), `only formatting differences expected: ${rep.diagnostics.filter((d) => d.category !== 'format').map(where).join('\n')}`);
});

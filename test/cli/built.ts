/**
 * The CLI tests run the BUILT binary (`dist/cli/main.js`) as a subprocess, as a user would. The
 * build (`tsc -p tsconfig.json`, what `npm run build` runs) is redone when a source file is newer
 * than the binary; a lock directory keeps two test files from building at once.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = join(ROOT, 'dist/cli/main.js');

function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

let built = false;
/** Build dist/ if it is missing or older than src/. */
export async function ensureBuilt(): Promise<void> {
  if (built) return;
  const lock = join(ROOT, 'dist.build-lock');
  for (let i = 0; i < 600; i++) {
    const fresh = existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(join(ROOT, 'src'));
    if (fresh) { built = true; return; }
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 200)); // another test file is building
      continue;
    }
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'inherit' });
      built = true;
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error('timed out waiting for another build of dist/');
}

export interface RunResult { code: number | null; out: string; err: string; signal: NodeJS.Signals | null }

/** Run `node dist/cli/main.js ...args` in `cwd`, optionally feeding `input` on stdin. */
export async function deepmine(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  await ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, out, err, signal }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Run and parse the one JSON document on stdout (asserting exit 0). */
export async function deepmineJson(args: string[], opts: { cwd?: string; input?: string } = {}): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await deepmine([...args, '--json'], opts);
  if (r.code !== 0) throw new Error(`deepmine ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out);
}

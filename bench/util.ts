/** Shared helpers for `npm run bench` files (bench/*.bench.ts). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Median wall time in ms of `fn` over `repeat` runs after `warmup` runs. */
export async function timeit(fn: () => unknown | Promise<unknown>, opts: { repeat?: number; warmup?: number } = {}): Promise<number> {
  const repeat = opts.repeat ?? 5;
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** True when Debian's python3 with numpy + scikit-learn is present. */
export function hasPython(modules: string[] = ['numpy', 'sklearn']): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', modules.map((m) => `import ${m}`).join(';')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Run a Python snippet that prints one JSON document; null when Python is missing or fails. */
export function runPython<T = unknown>(code: string, modules: string[] = ['numpy', 'sklearn']): T | null {
  if (!hasPython(modules)) return null;
  try {
    const out = execFileSync(SYSTEM_PYTHON, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(out.trim().split('\n').pop()!) as T;
  } catch (e) {
    console.error(`python peer failed: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

export interface BenchRow {
  task: string;
  impl: string;
  ms: number | null;
  /** ms / baseline ms (the deepmine row of the same task is usually the baseline) */
  note?: string;
}

/** Print rows as a Markdown table with a ratio column against the row whose impl is `baseline` per task. */
export function printTable(title: string, rows: BenchRow[], baseline = 'deepmine'): void {
  console.log(`\n### ${title}\n`);
  console.log('| task | implementation | time (ms) | ratio vs deepmine | note |');
  console.log('|---|---|---:|---:|---|');
  for (const r of rows) {
    const base = rows.find((b) => b.task === r.task && b.impl === baseline)?.ms;
    const ratio = r.ms != null && base ? (r.ms / base).toFixed(2) + 'x' : '';
    console.log(`| ${r.task} | ${r.impl} | ${r.ms == null ? 'n/a' : r.ms.toFixed(1)} | ${ratio} | ${r.note ?? ''} |`);
  }
}

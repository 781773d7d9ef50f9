/**
 * The CLI past the large-data threshold (issue 21): DuckDB generates an N-row Parquet file (default
 * 50,000,000 rows x 10 doubles + an integer class column `y`, `DEEPMINE_CLI_ROWS` to change it)
 * under the system temp directory, then `deepmine pca`, `cluster`, `tree` and `profile` run on it
 * as child processes (`/usr/bin/time -v` for the peak RSS of each), with the default row threshold
 * (5,000,000) switching them to the streamed mode. Prints time, peak RSS, exit code and the
 * progress lines seen on stderr; the file is deleted afterwards (`DEEPMINE_CLI_KEEP=1` keeps it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const N = Number(process.env.DEEPMINE_CLI_ROWS ?? 50_000_000);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.env.DEEPMINE_CLI_DIR ?? mkdtempSync(join(tmpdir(), 'deepmine-cli-large-'));
const file = join(dir, `x${N}.parquet`);
const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');

if (!existsSync(file)) {
  const t0 = performance.now();
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run('SELECT setseed(0.42)');
  // ten doubles on different scales, and a 3-class label that depends on x0 + x1 (so a tree has something to find)
  const cols = Array.from({ length: 10 }, (_, j) => `a${j} * ${j + 1} + ${j} AS x${j}`);
  await con.run(`COPY (SELECT ${cols.join(', ')}, CAST(CASE WHEN a0 + a1 + 0.2 * a9 < 0.8 THEN 0 WHEN a0 + a1 < 1.3 THEN 1 ELSE 2 END AS INTEGER) AS y FROM (SELECT ${Array.from({ length: 10 }, (_, j) => `random() AS a${j}`).join(', ')} FROM range(${N}))) TO '${file}' (FORMAT parquet)`);
  con.closeSync();
  db.closeSync();
  console.log(`generated ${file}: ${N.toLocaleString('en-US')} rows, ${(statSync(file).size / 1e9).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const runs: [string, string[]][] = [
  ['pca', ['pca', file, '-n', '3', '--target', 'y']],
  ['cluster', ['cluster', file, '-k', '8', '--target', 'y']],
  ['tree', ['tree', file, '--target', 'y', '--max-depth', '10']],
  ['profile', ['profile', file]],
];
const only = process.env.DEEPMINE_CLI_ONLY?.split(',');
console.log(`\n### CLI on ${N.toLocaleString('en-US')} rows x 11 columns (Parquet), default threshold (large-data mode)\n`);
console.log('| command | exit | wall (s) | peak RSS (MB) | progress lines | load average before -> after |');
console.log('|---|---:|---:|---:|---:|---|');
const details: string[] = [];
for (const [name, args] of runs) {
  if (only && !only.includes(name)) continue;
  const before = load();
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, '--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = (performance.now() - t0) / 1000;
  const err = r.stderr ?? '';
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN) / 1024;
  const progress = err.split('\n').filter((l) => l.startsWith(`deepmine ${name}:`));
  console.log(`| ${args.join(' ').replace(file, 'x.parquet')} | ${r.status} | ${wall.toFixed(1)} | ${rss.toFixed(0)} | ${progress.length} | ${before} -> ${load()} |`);
  details.push(`\n#### ${name}\nstderr (progress, first 3 and last 3 lines):\n${[...progress.slice(0, 3), '...', ...progress.slice(-3)].join('\n')}\nstdout (first 8 lines):\n${(r.stdout ?? '').split('\n').slice(0, 8).map((l) => l.slice(0, 200)).join('\n')}`);
  if (r.status !== 0) details.push(err.split('\n').filter((l) => !/^\t/.test(l)).slice(-5).join('\n'));
}
console.log(details.join('\n'));
if (!process.env.DEEPMINE_CLI_KEEP && !process.env.DEEPMINE_CLI_DIR) rmSync(dir, { recursive: true, force: true });

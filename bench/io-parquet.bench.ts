/**
 * Loading Parquet into a Matrix (issue 18): DuckDB's own scan, readMatrix through DuckDB and
 * readMatrix through our own decoder (io/parquet/), side by side, each in a child process of its
 * own (bench/io-parquet-child.ts) for a clean peak RSS. DuckDB generates 10,000,000 x 10 doubles
 * and (unless `DEEPMINE_BENCH_PQ=10m`) 50,000,000 x 10 as Snappy Parquet under the temp directory;
 * `DEEPMINE_BENCH_LOAD_FILES=a.parquet,b.parquet` measures existing files instead (kept);
 * `DEEPMINE_BENCH_PQ_REPEAT=k` repeats every mode k times, alternating (the best is printed).
 * The ratio column is against the scan.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = dirname(fileURLToPath(import.meta.url));
const given = process.env.DEEPMINE_BENCH_LOAD_FILES?.split(',').filter(Boolean) ?? [];
const sizes: (number | string)[] = given.length ? given : process.env.DEEPMINE_BENCH_PQ === '10m' ? [10_000_000] : [10_000_000, 50_000_000];
const repeat = Math.max(1, Number(process.env.DEEPMINE_BENCH_PQ_REPEAT ?? 1));
const MODES: [string, string][] = [
  ['scan', "DuckDB's own SELECT sum(...) scan"],
  ['duckdb', 'readMatrix, DuckDB path'],
  ['own', 'readMatrix, own decoder (pool start included)'],
  ['own-warm', 'readMatrix, own decoder (pool already started)'],
  ['own-1', 'readMatrix, own decoder, 1 thread'],
  ['touch', 'floor: fill a fresh Float64Array of n x d'],
];
const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-pq-'));
try {
  for (const s of sizes) {
    let file: string;
    if (typeof s === 'string') file = s;
    else {
      file = join(dir, `p${s}.parquet`);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      await c.run('SELECT setseed(0.25)');
      await c.run(`COPY (SELECT ${Array.from({ length: 10 }, (_, j) => `random() * ${j + 1} AS x${j}`).join(', ')} FROM range(${s})) TO '${file}' (FORMAT parquet)`);
      c.closeSync();
    }
    const best = new Map<string, { ms: number; cpuMs: number; growthBytes: number; rows: number; cols: number; path: string; check: number }>();
    for (let r = 0; r < repeat; r++) {
      for (const [mode] of MODES) {
        const out = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'io-parquet-child.ts'), mode, file], { encoding: 'utf8' });
        const line = out.stdout.trim().split('\n').pop() ?? '';
        try {
          const j = JSON.parse(line);
          const prev = best.get(mode);
          if (!prev || j.ms < prev.ms) best.set(mode, j);
        } catch {
          console.log(`${mode}: failed (${out.stderr.slice(-300)})`);
        }
      }
    }
    const scan = best.get('scan');
    const first = best.values().next().value;
    const gb = first ? (first.rows * first.cols * 8) / 1e9 : 0;
    console.log(`\n## Parquet -> Matrix: ${file} (${(statSync(file).size / 1e9).toFixed(2)} GB file, ${first?.rows} x ${first?.cols}, ${gb.toFixed(2)} GB of values; best of ${repeat}; load ${loadavg().map((v) => v.toFixed(2)).join(' ')})`);
    console.log('| loader | wall s | CPU s (all threads) | x scan | peak RSS growth GB | x values | path |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [mode, label] of MODES) {
      const m = best.get(mode);
      if (!m) continue;
      console.log(`| ${label} | ${(m.ms / 1000).toFixed(2)} | ${(m.cpuMs / 1000).toFixed(2)} | ${scan ? (m.ms / scan.ms).toFixed(1) : '-'} | ${(m.growthBytes / 1e9).toFixed(2)} | ${(m.growthBytes / 1e9 / gb).toFixed(2)} | ${mode === 'scan' || mode === 'touch' ? '' : m.path} |`);
    }
    const own = best.get('own'), duck = best.get('duckdb');
    if (own && duck && own.check !== duck.check) console.log(`WARNING: checksums differ (own ${own.check}, DuckDB ${duck.check})`);
    if (typeof s !== 'string') rmSync(file, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

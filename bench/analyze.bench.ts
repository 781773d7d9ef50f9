/**
 * `npm run bench analyze`: `deepmine analyze` on a generated 1,000,000 x 20 CSV (16 numeric
 * columns, 3 string columns, a binary label): wall time, peak memory (VmHWM), time per stage (the
 * slow ones named) and the report size (must stay under 5 MB). The CSV is generated once into
 * bench/.cache/. ROWS=200000 npm run bench analyze for a quicker run.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState } from '../src/core/random.js';
import { readCsv, closeConnection } from '../src/io/duckdb.js';
import { analyze } from '../src/report/analyze.js';
import { writeReport } from '../src/report/write.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const here = fileURLToPath(new URL('.', import.meta.url));
const cache = join(here, '.cache');
const csv = join(cache, `analyze-${ROWS}x20.csv`);

async function generate(): Promise<void> {
  mkdirSync(cache, { recursive: true });
  const rng = new RandomState(0);
  const out = createWriteStream(csv);
  const head = [...Array.from({ length: 16 }, (_, j) => `x${j}`), 'city', 'segment', 'channel', 'label'];
  out.write(head.join(',') + '\n');
  const cities = ['Paris', 'Lyon', 'Rome', 'Berlin', 'Madrid', 'Oslo', 'Lisbon', 'Vienna'];
  const segs = ['a', 'b', 'c'], chans = ['web', 'shop', 'phone', 'partner'];
  const block = 10000;
  for (let start = 0; start < ROWS; start += block) {
    const lines: string[] = [];
    const z = rng.standardNormal(block * 16) as Float64Array;
    const u = rng.rand(block * 4);
    for (let i = 0; i < Math.min(block, ROWS - start); i++) {
      const x = Array.from({ length: 16 }, (_, j) => z[i * 16 + j]! * (j + 1) + (j % 4 === 0 ? Math.exp(z[i * 16 + j]!) : 0));
      const city = cities[Math.floor(u[i * 4]! * cities.length)]!, seg = segs[Math.floor(u[i * 4 + 1]! * 3)]!, ch = chans[Math.floor(u[i * 4 + 2]! * 4)]!;
      const logit = 0.8 * x[0]! - 0.3 * x[1]! + (seg === 'a' ? 1 : 0) + 0.1 * x[5]!;
      const label = u[i * 4 + 3]! < 1 / (1 + Math.exp(-logit)) ? 'yes' : 'no';
      lines.push(`${x.map((v) => v.toFixed(4)).join(',')},${city},${seg},${ch},${label}`);
    }
    if (!out.write(lines.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
}

function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
  } catch {
    return process.memoryUsage().rss / 2 ** 20;
  }
}

if (!existsSync(csv)) {
  const t = performance.now();
  await generate();
  console.log(`generated ${csv} (${(statSync(csv).size / 2 ** 20).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`\n## analyze on ${ROWS.toLocaleString('en-US')} x 20 CSV (${(statSync(csv).size / 2 ** 20).toFixed(0)} MB)\n`);
const t0 = performance.now();
const table = await readCsv(csv);
const tRead = (performance.now() - t0) / 1000;
const result = await analyze(table, { target: 'label' }, { source: csv });
const tAnalyze = (performance.now() - t0) / 1000 - tRead;
const dir = join(cache, 'analyze-report');
rmSync(dir, { recursive: true, force: true });
const t2 = performance.now();
const written = await writeReport(result, dir);
const tReport = (performance.now() - t2) / 1000;
const total = (performance.now() - t0) / 1000;
const stages = Object.entries(result.stages).map(([name, o]) => ({ name, status: o.status, seconds: o.seconds }));
const slow = [...stages].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
console.log('| step | status | seconds |');
console.log('|---|---|---:|');
console.log(`| read CSV (DuckDB) | ok | ${tRead.toFixed(1)} |`);
for (const s of stages) console.log(`| ${s.name} | ${s.status} | ${s.seconds.toFixed(1)} |`);
console.log(`| build + write report | ok | ${tReport.toFixed(1)} |`);
console.log(`| **total** | | **${total.toFixed(1)}** |`);
console.log(`\npeak memory (VmHWM) ${peakRssMB().toFixed(0)} MB; report ${(written.bytes / 2 ** 20).toFixed(2)} MB (${written.bytes < 5 * 2 ** 20 ? 'under' : 'OVER'} 5 MB); analysis ${tAnalyze.toFixed(1)} s`);
console.log(`slowest stages: ${slow.map((s) => `${s.name} ${s.seconds.toFixed(1)} s`).join(', ')}`);
await closeConnection();

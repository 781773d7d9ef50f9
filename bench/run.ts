/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts in its own process (a crash or a missing
 * peer in one does not stop the others) and prints their tables. Peers (ml.js, TF.js, and
 * scikit-learn/torch through Debian's python3 when present) run in the same process as ours.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
console.log(`# deepmine benchmarks (node ${process.version}, ${new Date().toISOString()})`);
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`\n(${f} exited with ${r.status})`); }
}
process.exit(failed ? 1 : 0);

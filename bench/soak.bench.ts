/**
 * Soak test of the worker pool (issue 13): 1,000 mixed parallel calls - crossValidate with nJobs 2,
 * RandomForest fitAsync, the async miners, raw parallelMap - with injected worker failures (a task
 * that throws, one that calls process.exit, one that crashes its worker with an uncaught error) and
 * a few cancellations. Checks: every call settles (no hang), failures are typed, no worker leaks
 * (live workers <= pool capacity), the process exits by itself; prints RSS after vs before.
 * Not part of the suite: `npm run bench soak`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { countFrequentItemsetsAsync, fpGrowthAsync } from '../src/assoc/index.js';
import { AbortError, DeepmineError, WorkerError } from '../src/core/errors.js';
import { getPool, parallelMap } from '../src/core/pool.js';
import { RandomState } from '../src/core/random.js';
import { crossValidate } from '../src/modelSelection/validation.js';
import { DecisionTreeClassifier } from '../src/tree/cart.js';
import { RandomForestClassifier } from '../src/tree/forest.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settle = async () => { for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setTimeout(r, 100)); } };
const MB = (b: number) => (b / 2 ** 20).toFixed(1);

const N = Number(process.env.SOAK_CALLS ?? 1000);
const CONCURRENCY = 8;
const TASKS = new URL('../test/helpers/poolTask.mjs', import.meta.url).href;
const rs = new RandomState(0);
const X = Array.from({ length: 300 }, () => Array.from(rs.standardNormal(5) as Float64Array));
const y = X.map((r) => (r[0]! + r[1]! > 0 ? 1 : 0));
const tx = Array.from({ length: 400 }, () => Array.from(rs.choice(25, rs.randint(1, 10), { replace: false })));

type Kind = 'cv' | 'forest' | 'fpgrowth' | 'count' | 'map' | 'throw' | 'exit' | 'crash' | 'abort';
const kinds: Kind[] = ['cv', 'forest', 'fpgrowth', 'count', 'map'];
function kindOf(i: number): Kind {
  if (i % 20 === 7) return (['throw', 'exit', 'crash'] as const)[(i / 20 | 0) % 3]!;
  if (i % 50 === 13) return 'abort';
  return kinds[i % kinds.length]!;
}

async function call(kind: Kind, i: number): Promise<unknown> {
  switch (kind) {
    case 'cv': return crossValidate(new DecisionTreeClassifier({ randomState: i, maxDepth: 4 }), X, y, { cv: 3, nJobs: 2 });
    case 'forest': return new RandomForestClassifier({ nEstimators: 6, maxDepth: 4, nJobs: 2, randomState: i }).fitAsync(X, y);
    case 'fpgrowth': return fpGrowthAsync(tx, { minSupport: 0.05, nJobs: 2 });
    case 'count': return countFrequentItemsetsAsync(tx, { minSupport: 0.03, nJobs: 2 });
    case 'map': return parallelMap(2, TASKS, 'soak', [['ok', i], ['ok', i + 1], ['ok', i + 2]]);
    case 'throw': case 'exit': case 'crash': return parallelMap(2, TASKS, 'soak', [['ok', i], [kind, i]]);
    case 'abort': return parallelMap(2, TASKS, 'spin', [[2000, 1], [2000, 2]], { signal: AbortSignal.timeout(30) });
  }
}

// warm-up: start the workers and load every task module in them
for (const k of kinds) await call(k, 0);
await settle();
const before = process.memoryUsage().rss;
const pool = (await getPool(1))!;
const replaced0 = pool.replaced;

const counts: Record<string, number> = {};
const bump = (k: string) => { counts[k] = (counts[k] ?? 0) + 1; };
let hangs = 0, untyped = 0, next = 0, maxMs = 0;
const t0 = Date.now();
async function lane(): Promise<void> {
  while (next < N) {
    const i = next++;
    const kind = kindOf(i);
    const s = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<'hang'>((r) => { timer = setTimeout(() => r('hang'), 60000); });
    const out = await Promise.race([call(kind, i).then(() => 'ok', (e: unknown) => e), watchdog]);
    clearTimeout(timer);
    maxMs = Math.max(maxMs, Date.now() - s);
    if (out === 'hang') { hangs++; bump(`${kind}: HANG`); continue; }
    if (out === 'ok') { bump(`${kind}: ok`); continue; }
    const name = out instanceof DeepmineError ? out.name : out instanceof RangeError ? 'RangeError (from the task, class kept)' : `untyped ${String(out)}`;
    if (!(out instanceof DeepmineError) && !(kind === 'throw' && out instanceof RangeError)) untyped++;
    bump(`${kind}: ${name}`);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, lane));
const wall = Date.now() - t0;
await settle();
const after = process.memoryUsage().rss;

console.log(`\n## soak: ${N} mixed parallel calls, ${CONCURRENCY} at a time (node ${process.version})`);
console.log('| outcome | calls |\n|---|---:|');
for (const [k, v] of Object.entries(counts).sort()) console.log(`| ${k} | ${v} |`);
console.log(`\nwall ${(wall / 1000).toFixed(1)} s, slowest call ${maxMs} ms, hangs ${hangs}, untyped errors ${untyped}`);
console.log(`workers: ${pool.liveWorkers} live, capacity ${pool.capacity}, ${pool.replaced - replaced0} replaced during the run, ${pool.pendingTasks} tasks pending`);
console.log(`RSS before ${MB(before)} MB, after ${MB(after)} MB (${(((after - before) / before) * 100).toFixed(1)}%; target within 10%)`);
const ok = hangs === 0 && untyped === 0 && pool.liveWorkers <= pool.capacity && pool.pendingTasks === 0;
console.log(ok ? 'PASS: no hang, only typed errors, no leaked worker' : 'FAIL');
// the process must now exit by itself (idle workers are unref'd); an unref'd watchdog reports a hang
const end = Date.now();
setTimeout(() => { console.log('FAIL: the process did not exit within 30 s'); process.exit(2); }, 30000).unref();
process.on('exit', () => console.log(`process exited ${Date.now() - end} ms after the last call`));
if (!ok) process.exitCode = 1;
void AbortError; void WorkerError;

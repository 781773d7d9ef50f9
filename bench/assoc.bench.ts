/**
 * Frequent-itemset mining: FP-Growth, Eclat and Apriori on the FIMI benchmarks (T10I4D100K at 1%
 * and 0.5%, mushroom at 10% counted without materialising its 574,431 itemsets), with peak RSS;
 * parallel FP-Growth (nJobs 2: the calling thread and one worker), FPClose/FPMax against
 * mine-everything-then-filter, and top-k itemsets without a threshold.
 * node-fpgrowth (npm, the JS peer) runs in the same process on the same transactions; Weka is not
 * installable here, so its T10I4D100K figures quoted in issue 7 are printed as reference rows.
 */
import { readFileSync } from 'node:fs';
import { FPGrowth } from 'node-fpgrowth';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apriori, closedItemsets, countFrequentItemsets, countFrequentItemsetsAsync, eclat, fpGrowth, fpGrowthAsync, fpMax, topKItemsets } from '../src/assoc/index.js';
import { selectByDefinition } from '../src/assoc/closed.js';
import { lastParallelRun } from '../src/assoc/fpgrowth.js';
import { closePool } from '../src/core/pool.js';
import { fpGrowthFile, readTransactions } from '../src/io/transactions.js';
import { printTable, timeit, type BenchRow } from './util.js';

const dir = fileURLToPath(new URL('../../shared/datasets/fimi/', import.meta.url));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
/** CPU time (user + system) of one call, less sensitive than wall time to other load on the machine. */
const cpuMs = (fn: () => unknown) => { const c = process.cpuUsage(); fn(); const d = process.cpuUsage(c); return ((d.user + d.system) / 1000).toFixed(0); };
const peak = () => `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

if (!existsSync(dir + 'T10I4D100K.dat')) {
  console.log(`\n### frequent itemsets\n\nskipped: ${dir} not found`);
  process.exit(0);
}

const rows: BenchRow[] = [];

// mushroom at 10%: millions of candidate paths, 574,431 frequent itemsets; count only
const mush = readTransactions(dir + 'mushroom.dat');
for (const algorithm of ['fpgrowth', 'eclat'] as const) {
  let total = 0;
  const ms = await timeit(() => { total = countFrequentItemsets(mush, { minSupport: 0.1, algorithm }).total; }, { repeat: 3 });
  rows.push({ task: 'mushroom 10% (count)', impl: algorithm === 'fpgrowth' ? 'deepmine' : 'deepmine eclat', ms, note: `${total} itemsets; ${peak()}` });
}

// parallel counting (calling thread + 1 pool worker); the pool is warmed up by timeit's warm-up run
{
  let total = 0;
  const ms = await timeit(async () => { total = (await countFrequentItemsetsAsync(mush, { minSupport: 0.1, nJobs: 2 })).total; }, { repeat: 5, warmup: 2 });
  rows.push({ task: 'mushroom 10% (count)', impl: 'deepmine nJobs 2', ms, note: `${total} itemsets; per thread ${lastParallelRun.itemsetsPerThread.join(' / ')}` });
}
// closed and maximal: dedicated FPClose / FPMax vs mining everything then filtering by definition
for (const [mode, fn] of [['closed', closedItemsets], ['maximal', fpMax]] as const) {
  let n = 0;
  const task = `mushroom 10% ${mode}`;
  rows.push({ task, impl: 'deepmine', ms: await timeit(() => { n = fn(mush, { minSupport: 0.1 }).length; }, { repeat: 3 }), note: `${mode === 'closed' ? 'FPClose' : 'FPMax'}, ${n} itemsets` });
  rows.push({ task, impl: 'deepmine mine-all + filter', ms: await timeit(() => selectByDefinition(mush, { minSupport: 0.1 }, mode), { repeat: 1 }), note: 'all 574,431 frequent itemsets, then one hash lookup per (itemset, item)' });
}
{
  let kth = 0;
  const ms = await timeit(() => { kth = topKItemsets(mush, { k: 10000, minLen: 2 })[9999]!.count; }, { repeat: 3 });
  rows.push({ task: 'mushroom top-10000 itemsets (>= 2 items)', impl: 'deepmine', ms, note: `no threshold given; k-th count ${kth} (${(kth / mush.nTransactions * 100).toFixed(1)}%)` });
}

const t0 = performance.now();
const db = readTransactions(dir + 'T10I4D100K.dat');
const readMs = performance.now() - t0;
rows.push({ task: 'T10I4D100K read (FIMI -> Int32 CSR)', impl: 'deepmine', ms: readMs, note: `${db.nTransactions} transactions, ${db.nItems} items, ${mb(db.items.byteLength + db.offsets.byteLength)} MB` });

const rawT10 = readFileSync(dir + 'T10I4D100K.dat', 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
const quoted: Record<string, [number, number]> = { '0.01': [1250, 2400], '0.005': [2000, 3300] };
for (const s of [0.01, 0.005]) {
  const task = `T10I4D100K ${s * 100}%`;
  let n = 0;
  const fp = await timeit(() => { n = fpGrowth(db, { minSupport: s }).length; }, { repeat: 5 });
  rows.push({ task, impl: 'deepmine', ms: fp, note: `fpGrowth, ${n} itemsets, one run ${cpuMs(() => fpGrowth(db, { minSupport: s }))} ms CPU; ${peak()}` });
  rows.push({ task, impl: 'deepmine nJobs 2', ms: await timeit(() => fpGrowthAsync(db, { minSupport: s, nJobs: 2 }), { repeat: 5 }), note: `fpGrowthAsync (same output); per thread ${lastParallelRun.itemsetsPerThread.join(' / ')}` });
  rows.push({ task, impl: 'deepmine eclat', ms: await timeit(() => eclat(db, { minSupport: s }), { repeat: 5 }), note: 'eclat (diffsets)' });
  rows.push({ task, impl: 'deepmine apriori', ms: await timeit(() => apriori(db, { minSupport: s }), { repeat: 3 }), note: 'apriori' });
  const endToEnd = await timeit(() => fpGrowth(readTransactions(dir + 'T10I4D100K.dat'), { minSupport: s }), { repeat: 3 });
  rows.push({ task, impl: 'deepmine read+fpGrowth', ms: endToEnd, note: 'file to itemsets' });
  rows.push({ task, impl: 'deepmine fpGrowthFile', ms: await timeit(() => fpGrowthFile(dir + 'T10I4D100K.dat', { minSupport: s }), { repeat: 3 }), note: 'two streaming passes over the file' });
  const [weka] = quoted[String(s)]!;
  rows.push({ task, impl: 'Weka FPGrowth (quoted)', ms: weka, note: `issue 7 figure, not run here; deepmine fpGrowth = ${(fp / weka).toFixed(3)}x (target <= 0.3x)` });
  let nPeer = 0;
  const peerMs = await timeit(async () => { nPeer = (await new FPGrowth<number>(s).exec(rawT10)).length; }, { repeat: 1, warmup: 0 });
  rows.push({ task, impl: 'node-fpgrowth 1.2.1', ms: peerMs, note: `${nPeer} itemsets, same run; deepmine fpGrowth = ${(fp / peerMs).toFixed(3)}x (target <= 0.2x)` });
}
printTable(`Frequent itemsets (FIMI data; ${peak()} for the whole run)`, rows);
await closePool();

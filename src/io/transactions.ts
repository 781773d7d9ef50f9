/**
 * Node-only mining straight from FIMI files (fpGrowthFile: two streamed passes, the file is never
 * held). The readers into a TransactionDB live in readTransactions.ts (re-exported here).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DataError, InvalidParameterError, IOError } from '../core/errors.js';
import { resolveMinCount, type Item } from '../assoc/transactions.js';
import { checkMaxLen, CountingSink, ItemsetBuffer, type Itemset, type MineOptions, type Prepared } from '../assoc/itemsets.js';
import { mineFPGrowth, mineFPGrowthParallel } from '../assoc/fpgrowth.js';
import { resolveNJobs, type SignalLike } from '../core/pool.js';
import { checkRegularFile } from './source.js';

export { readTransactions, parseFimi, type ReadTransactionsOptions } from './readTransactions.js';

/**
 * Stream a FIMI file in 1 MiB chunks: `item(v)` for each integer, `end()` at each line end.
 * Memory stays at the chunk size whatever the file size.
 */
function scanFimi(path: string, item: (v: number) => void, end: () => void): void {
  let fd: number;
  try {
    checkRegularFile(path, 'fpGrowthFile');
    fd = openSync(path, 'r');
  } catch (e) {
    if (e instanceof IOError) throw e;
    throw new IOError(path, `cannot read transactions file: ${(e as Error).message}`);
  }
  const buf = Buffer.allocUnsafe(1 << 20);
  let v = 0, inNum = false, line = 1;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        if (b >= 48 && b <= 57) { v = v * 10 + (b - 48); inNum = true; continue; }
        if (inNum) {
          if (v > 0x7ffffffe) throw new DataError('file', 'item ids below 2^31 - 1', `${v} on line ${line}`, 'fpGrowthFile');
          item(v); v = 0; inNum = false;
        }
        if (b === 10) { end(); line++; } else if (b !== 32 && b !== 9 && b !== 13) {
          throw new IOError(path, `FIMI format expects non-negative integer item ids; found ${JSON.stringify(String.fromCharCode(b))} on line ${line}`);
        }
      }
    }
    if (inNum) item(v);
    end();
  } finally {
    closeSync(fd);
  }
}

/** Options of {@link fpGrowthFile}. */
export interface FileMineOptions extends MineOptions {
  /** Only count the itemsets (total and per length) instead of returning them. */
  countOnly?: boolean;
}

/**
 * Two-pass FP-Growth over a FIMI file that never holds the file: pass 1 streams it to count the
 * items, pass 2 streams it again keeping only the frequent items of each transaction, recoded to
 * Int32 ranks (one flat array). Blank lines are not transactions. Same itemsets as
 * `fpGrowth(readTransactions(path), opts)`.
 *
 * @example
 * const sets = fpGrowthFile('../shared/datasets/fimi/T10I4D100K.dat', { minSupport: 0.005 }); // 1073 itemsets
 */
export function fpGrowthFile(path: string, opts: FileMineOptions & { countOnly: true }): { total: number; byLength: number[] };
export function fpGrowthFile(path: string, opts?: FileMineOptions): Itemset[];
export function fpGrowthFile(path: string, opts: FileMineOptions = {}): Itemset[] | { total: number; byLength: number[] } {
  const prep = prepareFile(path, opts, 'fpGrowthFile');
  if (opts.countOnly) {
    const sink = new CountingSink();
    mineFPGrowth(prep, sink);
    return { total: sink.total, byLength: sink.byLength };
  }
  const buf = new ItemsetBuffer(prep.rankToId);
  mineFPGrowth(prep, buf);
  return buf.toItemsets(prep.db);
}

/**
 * The two passes of {@link fpGrowthFile}: item counts, then the frequent items of each line
 * recoded to Int32 ranks (ascending) in one flat array.
 */
function prepareFile(path: string, opts: FileMineOptions, owner: string): Prepared {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new InvalidParameterError('path', 'a non-empty file path', path, owner);
  const maxLen = checkMaxLen(opts.maxLen, owner);
  // pass 1: item counts (a stamp per item drops duplicates inside a line)
  let counts = new Int32Array(1024), stamp = new Int32Array(1024).fill(-1);
  let nT = 0, lineLen = 0;
  scanFimi(path, (v) => {
    if (v >= counts.length) {
      const size = Math.max(v + 1, counts.length * 2);
      const c = new Int32Array(size); c.set(counts); counts = c;
      const s = new Int32Array(size).fill(-1); s.set(stamp); stamp = s;
    }
    if (stamp[v] !== nT) { stamp[v] = nT; counts[v]!++; }
    lineLen++;
  }, () => { if (lineLen > 0) nT++; lineLen = 0; });
  if (nT === 0) throw new DataError('file', 'at least one transaction', 'no transaction', owner);
  const minCount = resolveMinCount(opts, nT, owner);
  const freq: number[] = [];
  for (let v = 0; v < counts.length; v++) if (counts[v]! >= minCount) freq.push(v);
  const labels: Item[] = freq.slice(); // ids = positions in numeric order
  const byRank = freq.map((_, id) => id).sort((a, b) => counts[freq[b]!]! - counts[freq[a]!]! || a - b);
  const rankOf = new Int32Array(counts.length).fill(-1);
  byRank.forEach((id, r) => (rankOf[freq[id]!] = r));
  const rankToId = Int32Array.from(byRank);
  const rankCount = Int32Array.from(byRank, (id) => counts[freq[id]!]!);
  // pass 2: frequent items only, as ranks
  let ranks = new Int32Array(1 << 16);
  const offsets = new Int32Array(nT + 1);
  let w = 0, start = 0, t = 0;
  stamp.fill(-1);
  scanFimi(path, (v) => {
    lineLen++;
    const r = rankOf[v]!;
    if (r < 0 || stamp[v] === t) return;
    stamp[v] = t;
    if (w >= ranks.length) { const g = new Int32Array(ranks.length * 2); g.set(ranks); ranks = g; }
    let j = w++;
    while (j > start && ranks[j - 1]! > r) { ranks[j] = ranks[j - 1]!; j--; }
    ranks[j] = r;
  }, () => {
    if (lineLen > 0) { t++; offsets[t] = w; start = w; }
    lineLen = 0;
  });
  if (t !== nT) throw new IOError(path, 'the file changed between the two passes');
  const prep: Prepared = { db: { labels, nTransactions: nT }, minCount, maxLen, rankToId, rankCount, offsets, ranks: ranks.subarray(0, w), budget: opts.budget ?? null };
  return prep;
}

/**
 * {@link fpGrowthFile} with the mining on `nJobs` threads (see `fpGrowthAsync`): the two streaming
 * passes run here, then the rank-recoded transactions go to SharedArrayBuffers and the calling
 * thread and `nJobs - 1` pool workers claim top-level projections from a shared queue. Same result
 * as `fpGrowthFile`.
 *
 * @example
 * const sets = await fpGrowthFileAsync('../shared/datasets/fimi/T10I4D100K.dat', { minSupport: 0.005, nJobs: 2 }); // 1073 itemsets
 */
export async function fpGrowthFileAsync(path: string, opts: FileMineOptions & { nJobs?: number | null; signal?: SignalLike | null; countOnly: true }): Promise<{ total: number; byLength: number[] }>;
export async function fpGrowthFileAsync(path: string, opts?: FileMineOptions & { nJobs?: number | null; signal?: SignalLike | null }): Promise<Itemset[]>;
export async function fpGrowthFileAsync(path: string, opts: FileMineOptions & { nJobs?: number | null; signal?: SignalLike | null } = {}): Promise<Itemset[] | { total: number; byLength: number[] }> {
  const { nJobs, signal, ...rest } = opts ?? {};
  const owner = 'fpGrowthFileAsync';
  resolveNJobs(nJobs, owner);
  const prep = prepareFile(path, rest, owner);
  if (rest.countOnly) return mineFPGrowthParallel(prep, nJobs, true, owner, { signal });
  return (await mineFPGrowthParallel(prep, nJobs, false, owner, { signal })).toItemsetsAsync(prep.db, signal, owner);
}

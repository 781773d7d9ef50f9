import { InvalidParameterError } from '../core/errors.js';
import { mineApriori } from './apriori.js';
import { mineEclat } from './eclat.js';
import { mineFPGrowth, mineFPGrowthParallel } from './fpgrowth.js';
import { checkSignal, resolveNJobs, throwIfAborted, type SignalLike } from '../core/pool.js';
import { CountingSink, prepare, type MineOptions } from './itemsets.js';
import type { TransactionsLike } from './transactions.js';

/** Options of {@link countFrequentItemsets}. */
export interface CountOptions extends MineOptions {
  /** Miner to run (default 'fpgrowth'). */
  algorithm?: 'fpgrowth' | 'eclat' | 'apriori';
}

/**
 * Number of frequent itemsets (total and per length) without materialising them: for thresholds
 * that yield millions of sets (mushroom at 10% has 574,431), memory stays at the size of the
 * miner's own structures.
 *
 * @example
 * countFrequentItemsets(db, { minSupport: 0.1 }); // { total: 574431, byLength: [0, 56, 1064, ...] }
 */
export function countFrequentItemsets(data: TransactionsLike, opts: CountOptions = {}): { total: number; byLength: number[] } {
  const { algorithm = 'fpgrowth', ...rest } = opts;
  if (algorithm !== 'fpgrowth' && algorithm !== 'eclat' && algorithm !== 'apriori') {
    throw new InvalidParameterError('algorithm', "'fpgrowth', 'eclat' or 'apriori'", algorithm, 'countFrequentItemsets');
  }
  const prep = prepare(data, rest, 'countFrequentItemsets', algorithm !== 'eclat');
  const sink = new CountingSink();
  (algorithm === 'fpgrowth' ? mineFPGrowth : algorithm === 'eclat' ? mineEclat : mineApriori)(prep, sink);
  return { total: sink.total, byLength: sink.byLength };
}

/**
 * {@link countFrequentItemsets} with FP-Growth's top-level projections mined on `nJobs` threads
 * (the calling thread and `nJobs - 1` pool workers sharing the transactions through
 * SharedArrayBuffers). Same counts as the synchronous call; only `algorithm: 'fpgrowth'` runs in
 * parallel (the others ignore `nJobs`).
 *
 * @example
 * await countFrequentItemsetsAsync(db, { minSupport: 0.1, nJobs: 2 }); // { total: 574431, ... } on mushroom
 */
export async function countFrequentItemsetsAsync(data: TransactionsLike, opts: CountOptions & { nJobs?: number | null; signal?: SignalLike | null } = {}): Promise<{ total: number; byLength: number[] }> {
  const owner = 'countFrequentItemsetsAsync';
  const { nJobs, signal, ...rest } = opts ?? {};
  resolveNJobs(nJobs, owner);
  checkSignal(signal, owner);
  if ((rest.algorithm ?? 'fpgrowth') !== 'fpgrowth') {
    throwIfAborted(signal, owner);
    return countFrequentItemsets(data, rest);
  }
  const { algorithm: _a, ...mine } = rest;
  const prep = prepare(data, mine, owner, true);
  return mineFPGrowthParallel(prep, nJobs, true, owner, { signal });
}

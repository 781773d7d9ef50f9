/**
 * Worker-pool task of the parallel FP-Growth (`fpGrowthAsync`): mines top-level projections,
 * claimed one by one from a shared queue, over the shared (SharedArrayBuffer-backed)
 * rank-recoded transactions and their vertical layout, and returns the itemsets as flat typed
 * arrays (item ids ascending) or, in count mode, only their number per length.
 */
import { mineFPGrowth } from './fpgrowth.js';
import { CountingSink, ItemsetBuffer, type ItemsetGuard, type Prepared } from './itemsets.js';

/** Everything a worker needs; the four big arrays are views on SharedArrayBuffers (never copied). */
export interface FPGrowthJob {
  minCount: number;
  maxLen: number;
  rankToId: Int32Array;
  rankCount: Int32Array;
  offsets: Int32Array;
  ranks: Int32Array;
  tidStart: Int32Array;
  tids: Int32Array;
  /** top-level ranks in claiming order */
  order: Int32Array;
  /** shared claim counter (next index into `order`) */
  claim: Int32Array;
  countOnly: boolean;
  /** output limits of this thread's part (null in count mode) */
  guard: ItemsetGuard | null;
}

/** Itemsets of one part, as an {@link ItemsetBuffer}'s arrays trimmed to size. */
export interface FlatItemsets {
  /** true when the itemsets are in output order */
  sorted?: boolean;
  size: number;
  items: Int32Array;
  offsets: Int32Array;
  counts: Int32Array;
}

/** What one thread mined. */
export type MinedPart = FlatItemsets | { total: number; byLength: number[] };

/** The prepared database, vertical layout, sink and result extractor of one thread's part. */
export function partOf(job: FPGrowthJob): { prep: Prepared; vertical: { tidStart: Int32Array; tids: Int32Array }; sink: CountingSink | ItemsetBuffer; part: () => MinedPart } {
  const prep: Prepared = {
    db: { labels: [], nTransactions: job.offsets.length - 1 },
    minCount: job.minCount, maxLen: job.maxLen, rankToId: job.rankToId, rankCount: job.rankCount, offsets: job.offsets, ranks: job.ranks,
  };
  const vertical = { tidStart: job.tidStart, tids: job.tids };
  if (job.countOnly) {
    const sink = new CountingSink();
    return { prep, vertical, sink, part: () => ({ total: sink.total, byLength: sink.byLength }) };
  }
  const buf = new ItemsetBuffer(job.rankToId, job.guard);
  // each thread sorts its own part: the caller only merges the sorted runs
  return { prep, vertical, sink: buf, part: () => buf.sortedCopy() };
}

/**
 * Claim top-level projections from the shared queue until it is empty and mine them (the itemsets
 * whose least frequent item is a claimed rank). Runs in a pool worker.
 */
export function mineFPGrowthPart(job: FPGrowthJob): MinedPart {
  const { prep, vertical, sink, part } = partOf(job);
  mineFPGrowth(prep, sink, job.order, vertical, job.claim);
  return part();
}

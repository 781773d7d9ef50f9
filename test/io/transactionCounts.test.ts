/**
 * Issue 21: readTransactions (chunked, both formats) gives the same frequent-itemset counts as
 * fpGrowthFile's two streamed passes over the FIMI file, on a constructed file read in chunks small
 * enough that lines and numbers straddle chunk boundaries. The 2.2 GB FIMI / 1 GB basket version
 * of this comparison is `DEEPMINE_BENCH_BIG=1 npm run bench io`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fpGrowth } from '../../src/assoc/fpgrowth.js';
import { RandomState } from '../../src/core/random.js';
import { fpGrowthFile, readTransactions } from '../../src/io/transactions.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-tx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Counts per itemset length, as fpGrowthFile's countOnly reports them. */
function byLength(sets: { items: unknown[] }[]): { total: number; byLength: number[] } {
  const out: number[] = [];
  for (const s of sets) out[s.items.length] = (out[s.items.length] ?? 0) + 1;
  return { total: sets.length, byLength: Array.from(out, (v) => v ?? 0) };
}

describe('readTransactions vs fpGrowthFile', () => {
  // 20,000 transactions over 60 items with a few planted patterns (so itemsets up to length 4 are frequent)
  const rs = new RandomState(11);
  const fimi: string[] = [], basket: string[] = [];
  for (let t = 0; t < 20_000; t++) {
    const items = new Set<number>();
    const k = 2 + Math.floor((rs.uniform() as number) * 8);
    for (let i = 0; i < k; i++) items.add(Math.floor(((rs.uniform() as number) ** 2) * 60));
    if (t % 7 === 0) [3, 17, 42, 58].forEach((v) => items.add(v));
    if (t % 5 === 0) [1000, 123456].forEach((v) => items.add(v)); // multi-digit ids across chunk edges
    const row = [...items];
    fimi.push(row.join(t % 2 ? ' ' : '  '));
    basket.push(row.map((v) => `item${v}`).join(','));
  }
  const fimiPath = join(dir, 't.dat'), basketPath = join(dir, 't.csv');
  writeFileSync(fimiPath, fimi.join('\n') + '\n');
  writeFileSync(basketPath, basket.join('\r\n') + '\r\n');

  for (const minSupport of [0.02, 0.05]) {
    it(`minSupport ${minSupport}: FIMI and basket CSV read in 1,000-byte chunks give fpGrowthFile's counts`, () => {
      const file = fpGrowthFile(fimiPath, { minSupport, countOnly: true });
      assert.ok(file.total > 50 && file.byLength.length >= 4, JSON.stringify(file));
      const db = readTransactions(fimiPath, { chunkBytes: 1000 });
      assert.equal(db.nTransactions, 20_000);
      assert.deepEqual(byLength(fpGrowth(db, { minSupport })), file);
      const bk = readTransactions(basketPath, { format: 'basket', chunkBytes: 1000 });
      assert.equal(bk.nTransactions, 20_000);
      assert.deepEqual(byLength(fpGrowth(bk, { minSupport })), file);
    });
  }
});

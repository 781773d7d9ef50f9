import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fpGrowth } from '../../src/assoc/index.js';
import { topKItemsets, topKRules } from '../../src/assoc/topk.js';
import { InvalidParameterError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/random.js';
import { readTransactions } from '../../src/io/transactions.js';

function baskets(seed: number, n: number, m: number, meanLen: number): number[][] {
  const rs = new RandomState(seed);
  const w = Array.from({ length: m }, (_, i) => 1 / (i + 1));
  const tot = w.reduce((a, b) => a + b, 0);
  const p = w.map((v) => v / tot);
  return Array.from({ length: n }, () => Array.from(rs.choice(m, rs.randint(0, 2 * meanLen), { replace: true, p })));
}

/** Count of every subset of {0..m-1} by bitmask (superset sums). */
function bruteCounts(tx: number[][], m: number): Int32Array {
  const cnt = new Int32Array(1 << m);
  for (const t of tx) { let mask = 0; for (const v of t) mask |= 1 << v; cnt[mask]!++; }
  for (let b = 0; b < m; b++) for (let S = 0; S < 1 << m; S++) if (!(S & (1 << b))) cnt[S]! += cnt[S | (1 << b)]!;
  return cnt;
}
const bits = (S: number, m: number) => Array.from({ length: m }, (_, i) => i).filter((i) => S & (1 << i));
const lex = (a: number[], b: number[]) => { for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!; return a.length - b.length; };

describe('topKItemsets', () => {
  const cases = [[1, 300, 10, 4], [2, 120, 9, 6], [3, 60, 8, 3]] as const;
  for (const [seed, n, m, len] of cases) {
    it(`seed ${seed}: equals brute force (all subsets ranked by count, then items)`, () => {
      const tx = baskets(seed, n, m, len);
      const cnt = bruteCounts(tx, m);
      for (const [minLen, maxLen] of [[1, null], [2, null], [1, 2], [3, 4]] as const) {
        const all = [...Array(1 << m).keys()].filter((S) => S > 0 && cnt[S]! > 0).map((S) => bits(S, m))
          .filter((s) => s.length >= minLen && (maxLen === null || s.length <= maxLen))
          .sort((a, b) => cnt[b.reduce((x, i) => x | (1 << i), 0)]! - cnt[a.reduce((x, i) => x | (1 << i), 0)]! || lex(a, b));
        for (const k of [1, 5, 17, 60, 10000]) {
          const got = topKItemsets(tx, { k, minLen, maxLen });
          const exp = all.slice(0, k);
          assert.deepEqual(got.map((x) => x.items), exp, `k=${k} minLen=${minLen} maxLen=${maxLen}`);
          for (const x of got) assert.equal(x.count, cnt[(x.items as number[]).reduce((a, i) => a | (1 << i), 0)]);
        }
      }
      assert.deepEqual(topKItemsets(tx, { k: 25 }), fpGrowth(tx, { minCount: 1 }).slice(0, 25));
    });
  }
  it('mushroom: the 500 best sets of >= 2 items equal the head of a full mining run', { skip: existsSync(new URL('../../../shared/datasets/fimi/mushroom.dat', import.meta.url)) ? false : 'no mushroom.dat' }, () => {
    const db = readTransactions(new URL('../../../shared/datasets/fimi/mushroom.dat', import.meta.url).pathname);
    const got = topKItemsets(db, { k: 500, minLen: 2 });
    const ref = fpGrowth(db, { minCount: got[499]!.count }).filter((x) => x.items.length >= 2).slice(0, 500);
    assert.deepEqual(got, ref);
  });
  it('typed errors', () => {
    assert.throws(() => topKItemsets([['a']], { k: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'k');
    assert.throws(() => topKItemsets([['a']], { k: 2.5 }), InvalidParameterError);
    assert.throws(() => topKItemsets([['a']], { k: 1, minLen: 3, maxLen: 2 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minLen');
    assert.throws(() => topKItemsets([['a']], null as never), InvalidParameterError);
    assert.deepEqual(topKItemsets([[], []], { k: 3 }), []);
  });
});

describe('topKRules', () => {
  /** Every rule of every subset with count >= 1, brute force. */
  function bruteRules(tx: number[][], m: number, maxLen: number | null) {
    const cnt = bruteCounts(tx, m), n = tx.length;
    const out: { a: number[]; c: number[]; count: number; support: number; confidence: number; lift: number }[] = [];
    for (let S = 1; S < 1 << m; S++) {
      if (cnt[S] === 0 || (maxLen !== null && bits(S, m).length > maxLen)) continue;
      for (let A = (S - 1) & S; A > 0; A = (A - 1) & S) {
        const C = S & ~A;
        const confidence = cnt[S]! / n / (cnt[A]! / n); // as mlxtend (and the library): from supports
        out.push({ a: bits(A, m), c: bits(C, m), count: cnt[S]!, support: cnt[S]! / n, confidence, lift: confidence / (cnt[C]! / n) });
      }
    }
    return out;
  }
  const order = (key: 'support' | 'lift' | 'confidence') => (x: ReturnType<typeof bruteRules>[number], y: ReturnType<typeof bruteRules>[number]) =>
    (x[key] !== y[key] ? (x[key] > y[key] ? -1 : 1) : 0) || y.count - x.count || (x.confidence !== y.confidence ? (x.confidence > y.confidence ? -1 : 1) : 0) || lex(x.a, y.a) || lex(x.c, y.c);
  for (const [seed, n, m, len] of [[5, 200, 9, 4], [6, 80, 8, 5]] as const) {
    it(`seed ${seed}: top-k by support (no threshold) and by lift/confidence above a floor equal brute force`, () => {
      const tx = baskets(seed, n, m, len);
      for (const maxLen of [null, 2]) {
        const all = bruteRules(tx, m, maxLen);
        for (const minConfidence of [0, 0.5, 0.9]) {
          const ok = all.filter((r) => r.confidence >= minConfidence);
          for (const k of [1, 10, 40, 200]) {
            const got = topKRules(tx, { k, minConfidence, maxLen });
            const exp = [...ok].sort(order('support')).slice(0, k);
            assert.deepEqual(got.map((r) => [r.antecedents, r.consequents, r.count]), exp.map((r) => [r.a, r.c, r.count]), `k=${k} conf=${minConfidence} maxLen=${maxLen}`);
            for (const [i, r] of got.entries()) assert.ok(Math.abs(r.confidence - exp[i]!.confidence) < 1e-12);
          }
          for (const metric of ['lift', 'confidence'] as const) {
            const floor = 5;
            const got = topKRules(tx, { k: 15, metric, minConfidence, minCount: floor, maxLen });
            const exp = ok.filter((r) => r.count >= floor).sort(order(metric)).slice(0, 15);
            assert.deepEqual(got.map((r) => [r.antecedents, r.consequents]), exp.map((r) => [r.a, r.c]), `${metric} conf=${minConfidence}`);
          }
        }
      }
    });
  }
  it('typed errors and no rules', () => {
    assert.throws(() => topKRules([['a', 'b']], { k: 3, metric: 'lift' }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'minSupport');
    assert.throws(() => topKRules([['a', 'b']], { k: 3, metric: 'nope' as never }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'metric');
    assert.throws(() => topKRules([['a', 'b']], { k: 3, minConfidence: 2 }), InvalidParameterError);
    assert.throws(() => topKRules([['a', 'b']], { k: 3, maxLen: 1 }), InvalidParameterError);
    assert.deepEqual(topKRules([['a'], ['b']], { k: 3 }), []);
    assert.deepEqual(topKRules([['a', 'b'], ['a']], { k: 5 }).map(String), ['{b} => {a}', '{a} => {b}']); // same support: higher confidence first
  });
});

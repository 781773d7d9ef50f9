import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { closedItemsets, fpMax } from '../../src/assoc/index.js';
import { selectByDefinition } from '../../src/assoc/closed.js';
import { RandomState } from '../../src/core/random.js';
import { readTransactions } from '../../src/io/transactions.js';

const FIMI = new URL('../../../shared/datasets/fimi/', import.meta.url);

describe('FPClose / FPMax equal the definition-based selection', () => {
  it('generated baskets: dense and sparse, many thresholds', () => {
    for (let seed = 0; seed < 12; seed++) {
      const rs = new RandomState(seed);
      const m = 8 + rs.randint(0, 14), n = 50 + rs.randint(0, 300), dense = seed % 2 === 0;
      // correlated baskets: a few planted patterns plus noise
      const patterns = Array.from({ length: 4 }, () => Array.from(rs.choice(m, 2 + rs.randint(0, 5), { replace: false })));
      const tx = Array.from({ length: n }, () => {
        const t: number[] = [];
        for (const p of patterns) if (rs.randomSample() < (dense ? 0.6 : 0.25)) for (const v of p) if (rs.randomSample() < 0.9) t.push(v);
        const noise = rs.randint(0, dense ? 8 : 4);
        for (let k = 0; k < noise; k++) t.push(rs.randint(0, m));
        return t;
      });
      for (const minCount of (dense ? [Math.ceil(n / 12), Math.ceil(n / 6), Math.ceil(n / 3)] : [1, 3, Math.ceil(n / 10)])) {
        assert.deepEqual(closedItemsets(tx, { minCount }), selectByDefinition(tx, { minCount }, 'closed'), `closed seed ${seed} minCount ${minCount}`);
        assert.deepEqual(fpMax(tx, { minCount }), selectByDefinition(tx, { minCount }, 'maximal'), `maximal seed ${seed} minCount ${minCount}`);
      }
    }
  });
  for (const [file, supports] of [['mushroom.dat', [0.3, 0.2]], ['T10I4D100K.dat', [0.01]]] as const) {
    const path = new URL(file, FIMI);
    it(`${file} at ${supports.join(', ')}`, { skip: existsSync(path) ? false : `${file} not found` }, () => {
      const db = readTransactions(path.pathname);
      for (const s of supports) {
        assert.deepEqual(closedItemsets(db, { minSupport: s }), selectByDefinition(db, { minSupport: s }, 'closed'), `closed ${s}`);
        assert.deepEqual(fpMax(db, { minSupport: s }), selectByDefinition(db, { minSupport: s }, 'maximal'), `maximal ${s}`);
      }
    });
  }
  it('maxLen still judges among the itemsets of at most maxLen items', () => {
    const tx = [['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b']];
    assert.deepEqual(fpMax(tx, { minCount: 2, maxLen: 2 }).map((x) => x.items), [['a', 'b'], ['a', 'c'], ['b', 'c']]);
    assert.deepEqual(closedItemsets(tx, { minCount: 2, maxLen: 2 }).map((x) => x.items), [['a', 'b'], ['a', 'c'], ['b', 'c']]);
    assert.deepEqual(fpMax(tx, { minCount: 2 }).map((x) => x.items), [['a', 'b', 'c']]);
  });
});

/**
 * The seeded batch order of out-of-core SGD (src/sql/sgd.ts) against numpy
 * (scripts/fixtures/sql_permutation.py): the (a, b) draws of RandomState and the row order of
 * (key * a + b) mod (2^31 - 1), so the order can be reproduced outside deepmine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PERMUTATION_PRIME, permutationOrder, permutationParams } from '../../src/sql/sgd.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/sql_permutation.json', import.meta.url), 'utf8')) as {
  prime: number; keys: number[]; cases: { seed: number; epoch: number; a: number; b: number; order: number[] }[];
};

describe('seeded permutation order (numpy reference)', () => {
  it('uses the prime 2^31 - 1', () => assert.equal(PERMUTATION_PRIME, fx.prime));
  for (const c of fx.cases) {
    it(`seed ${c.seed}, epoch ${c.epoch}: same (a, b) and the same order as numpy`, () => {
      assert.deepEqual(permutationParams(c.seed, c.epoch), { a: c.a, b: c.b });
      assert.deepEqual(Array.from(permutationOrder(fx.keys, c.seed, c.epoch)), c.order);
    });
  }
});

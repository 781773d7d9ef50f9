/**
 * The grid lookup that bins a float32 value inside DuckDB (`binLookup`, used by the pushed-down
 * hist trees instead of a binary search of nested CASEs) gives exactly the number of edges below
 * the value, for edges as binFeatures makes them (midpoints of float32 values, quantiles), values
 * on, beside and between the edges and far outside them. Property-based (fast-check).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { binLookup, nextUp } from '../../src/sql/dialect.js';
import { duckdbEngine } from '../../src/sql/engine.js';
import type { SqlEngine } from '../../src/sql/types.js';
import { binFeatures } from '../../src/tree/base.js';

let engine: SqlEngine;
before(async () => { engine = await duckdbEngine(); });
after(async () => { await engine.close(); });

const below = (edges: ArrayLike<number>, v: number) => { let c = 0; for (let i = 0; i < edges.length; i++) if (edges[i]! < v) c++; return c; };

/** Bins of the values by the lookup, evaluated in DuckDB (one query). */
async function sqlBins(edges: Float64Array, values: number[]): Promise<number[] | undefined> {
  const e = binLookup('CAST(CAST(v AS FLOAT) AS DOUBLE)', edges);
  if (e === undefined) return undefined;
  const list = values.map((v) => (Object.is(v, -0) ? '-0.0' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v))).join(',');
  const rows = await engine.query(`SELECT i, ${e} AS b FROM (SELECT unnest(CAST('[${list}]' AS DOUBLE[])) AS v, generate_subscripts(CAST('[${list}]' AS DOUBLE[]), 1) AS i) ORDER BY i`);
  return rows.map((r) => Number(r.b));
}

describe('binLookup (DuckDB grid lookup of a bin)', () => {
  it('nextUp is the next double', () => {
    for (const x of [1, -1, 0.1, -0.1, 1e300, -1e-300, 2 ** -1074, -(2 ** -1074)]) {
      const u = nextUp(x);
      assert.ok(u > x, `${u} > ${x}`);
      assert.ok((x + u) / 2 === x || (x + u) / 2 === u, `no double between ${x} and ${u}`);
    }
    assert.equal(nextUp(0), 2 ** -1074);
  });

  it('equals the count of edges below the value (random float32 data, binFeatures edges)', async () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(Math.fround);
    const data = fc.oneof(
      fc.array(f32, { minLength: 2, maxLength: 400 }),
      fc.array(fc.integer({ min: -50, max: 50 }).map((k) => k / 7), { minLength: 2, maxLength: 400 }),
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }).map((z) => Math.exp(3 * z)), { minLength: 2, maxLength: 400 }),
    );
    let served = 0, runs = 0;
    await fc.assert(fc.asyncProperty(data, fc.integer({ min: 2, max: 255 }), fc.array(f32, { maxLength: 40 }), async (xs, maxBins, extra) => {
      const X = Float32Array.from(xs);
      const E = binFeatures(X, X.length, 1, maxBins).binEdges[0]!;
      const edges = E.subarray(0, E.length - 1);
      runs++;
      const values = [...X, ...extra, 1e30, -1e30, 0, -0];
      for (const e of edges) { const f = Math.fround(e); values.push(f, Math.fround(nextUp(f)), Math.fround(-nextUp(-f))); }
      const got = await sqlBins(edges, values.map(Math.fround));
      if (got === undefined) return;
      served++;
      values.forEach((v, i) => assert.equal(got[i], below(edges, Math.fround(v)), `value ${v}, ${edges.length} edges`));
    }), { numRuns: 60, seed: 18 });
    assert.ok(served > runs / 2, `the lookup served ${served} of ${runs} edge sets`);
  });

  it('refuses edges too dense for its grid (the caller falls back to a binary search)', () => {
    const dense = Float64Array.from({ length: 50 }, (_, i) => 1 + i * 1e-9);
    assert.equal(binLookup('x', Float64Array.of(...dense, 1e9)), undefined);
    assert.equal(binLookup('x', new Float64Array(0)), '0');
  });

  it('infinite values land in the first and last bins', async () => {
    const edges = Float64Array.from({ length: 100 }, (_, i) => i * 0.37);
    const got = await sqlBins(edges, [-Infinity, Infinity, 0, 36.63, 36.64]);
    assert.deepEqual(got, [0, 100, 0, below(edges, Math.fround(36.63)), below(edges, Math.fround(36.64))]);
  });
});

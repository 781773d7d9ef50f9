// Shared driver for the fixtures written by scripts/fixtures/metrics_sklearn.py (function-call cases).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { DeepmineError } from '../../src/core/errors.js';

export interface FixtureCase {
  fn: string;
  note: string;
  args: Record<string, unknown>;
  value?: unknown;
  error?: string;
}

export interface Fixture {
  sklearn: string;
  data: Record<string, unknown>;
  cases: FixtureCase[];
}

/**
 * Guard for a loop over fixture cases: registers an `it` that fails unless `arr` is a non-empty
 * array (a renamed or missing fixture key must fail the suite, not run zero cases), and returns
 * `arr` (or `[]`) to loop over. Call where `it` may be called (top level or inside a `describe`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are parsed JSON
export function fixtureCases<T = any>(arr: readonly T[] | undefined | null, what: string): T[] {
  it(`${what}: the fixture has cases`, () => {
    assert.ok(Array.isArray(arr) && arr.length > 0, `${what}: expected a non-empty array of fixture cases, got ${JSON.stringify(arr)?.slice(0, 80)}`);
  });
  return Array.isArray(arr) ? [...arr] : [];
}

/** Decode {"$f": "NaN"} markers. */
export function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$f' in o && Object.keys(o).length === 1) return Number(o.$f);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

export function loadFixture(name: string): Fixture {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
  return decode(raw) as Fixture;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Resolve "@name" references and convert snake_case keys to camelCase. */
export function resolveArgs(fx: Fixture, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    const val = typeof v === 'string' && v.startsWith('@') ? fx.data[v.slice(1)] : v;
    out[camel(k)] = val;
  }
  return out;
}

export function closeTo(actual: unknown, expected: unknown, path = '$', rtol = 1e-12): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number ${expected}, got ${JSON.stringify(actual)}`);
    const a = actual as number;
    if (Number.isNaN(expected)) return assert.ok(Number.isNaN(a), `${path}: expected NaN, got ${a}`);
    if (!Number.isFinite(expected)) return assert.equal(a, expected, path);
    assert.ok(Math.abs(a - expected) <= rtol * Math.max(1, Math.abs(expected)), `${path}: ${a} vs ${expected} (diff ${a - expected})`);
    return;
  }
  if (Array.isArray(expected)) {
    const arr = ArrayBuffer.isView(actual) ? Array.from(actual as unknown as ArrayLike<number>) : actual;
    assert.ok(Array.isArray(arr), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal((arr as unknown[]).length, expected.length, `${path}: length`);
    expected.forEach((e, i) => closeTo((arr as unknown[])[i], e, `${path}[${i}]`, rtol));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${path}: expected an object`);
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected), `${path}: keys`);
    for (const [k, e] of Object.entries(expected)) closeTo((actual as Record<string, unknown>)[k], e, `${path}.${k}`, rtol);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

/** Run every case of a fixture: values to 1e-12, errors as typed DeepmineErrors (with sklearn's message where `sameMessage` says so). */
export function runCase(fx: Fixture, c: FixtureCase, call: (fn: string, a: Record<string, unknown>) => unknown, sameMessage: (c: FixtureCase) => boolean = () => false): void {
  const a = resolveArgs(fx, c.args);
  if (c.error !== undefined) {
    assert.throws(() => call(c.fn, a), (e: unknown) => {
      assert.ok(e instanceof DeepmineError, `expected a typed error for sklearn's "${c.error}", got ${String(e)}`);
      if (sameMessage(c)) {
        const msg = c.error!.replace(/^\w+: /, '');
        assert.ok((e as Error).message.includes(msg), `message "${(e as Error).message}" should contain sklearn's "${msg}"`);
      }
      return true;
    });
    return;
  }
  closeTo(call(c.fn, a), c.value);
}

/**
 * One `it` per fixture function (cases grouped by `fn`), each running all its cases with
 * {@link runCase}; a failing case's message names its index, note and (the start of) its arguments.
 * Call inside a `describe`.
 */
export function itFixtureCases(fx: Fixture, call: (fn: string, a: Record<string, unknown>) => unknown, sameMessage: RegExp, maxArgChars = 200): void {
  const byFn = new Map<string, FixtureCase[]>();
  for (const c of fixtureCases(fx.cases, 'fixture cases')) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);
  for (const [fn, cases] of byFn) {
    it(`${fn}: ${cases.length} cases`, () => {
      cases.forEach((c, i) => {
        try {
          runCase(fx, c, call, (cc) => sameMessage.test(cc.error ?? ''));
        } catch (e) {
          (e as Error).message = `case ${i} (${c.note} ${JSON.stringify(c.args).slice(0, maxArgChars)}): ${(e as Error).message}`;
          throw e;
        }
      });
    });
  }
}

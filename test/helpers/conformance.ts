/**
 * Estimator conformance suite (scikit-learn's `check_estimator`), chosen by each estimator's
 * declared capabilities. Every estimator test file calls `checkEstimator(...)` once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Estimator, loadModel, type Capabilities } from '../../src/core/estimator.js';
import { DataError, InvalidParameterError, NotFittedError, ShapeError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import type { Schema } from '../../src/core/params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEstimator = Estimator<Schema, unknown> & Record<string, any>;

export interface ConformanceOptions {
  /** Builds a fresh estimator (with the given params merged over the test defaults). */
  make: (params?: Record<string, unknown>) => AnyEstimator;
  X: number[][];
  y?: (number | string)[];
  /** Output methods compared across fits/round trips (default: whichever of predict, predictProba, transform, decisionFunction exist). */
  methods?: string[];
  /** Checks to skip, each with a written reason (scikit-learn's `_xfail_checks`). */
  skip?: Record<string, string>;
}

const OUTPUT_METHODS = ['predict', 'predictProba', 'transform', 'decisionFunction', 'scoreSamples'];

function outputs(est: AnyEstimator, X: number[][], methods: string[]): unknown[] {
  return methods.map((m) => {
    const out = est[m](X);
    return out instanceof Matrix ? { shape: out.shape, data: Array.from(out.data) } : ArrayBuffer.isView(out) ? Array.from(out as Float64Array) : out;
  });
}

function fit(est: AnyEstimator, X: unknown, y: unknown, caps: Capabilities): unknown {
  return caps.supervised ? est.fit(X, y) : est.fit(X);
}

export function checkEstimator(name: string, opts: ConformanceOptions): void {
  const probe = opts.make();
  const caps = (probe.constructor as unknown as { capabilities: Capabilities }).capabilities;
  const methods = opts.methods ?? OUTPUT_METHODS.filter((m) => typeof probe[m] === 'function');
  const { X, y } = opts;
  const skip = opts.skip ?? {};
  const check = (id: string, fn: () => void) => it(id, skip[id] ? { skip: skip[id] } : {}, fn);

  describe(`conformance: ${name}`, () => {
    check('params round trip', () => {
      const est = opts.make();
      const again = new (est.constructor as new (p: unknown) => AnyEstimator)(est.getParams());
      assert.deepEqual(again.getParams(), est.getParams());
      assert.ok(Object.isFrozen(est.params), 'params must be frozen');
      assert.throws(() => new (est.constructor as new (p: unknown) => AnyEstimator)({ noSuchParam: 1 }), InvalidParameterError);
    });

    check('constructor does no work; clone is unfitted', () => {
      const est = opts.make();
      assert.equal(est.isFitted, false);
      fit(est, X, y, caps);
      assert.equal(est.isFitted, true);
      const c = est.clone();
      assert.equal(c.isFitted, false);
      assert.deepEqual(c.getParams(), est.getParams());
      est.setParams({});
      assert.equal(est.isFitted, false, 'setParams must drop the fitted state');
    });

    check('fit returns this', () => {
      const est = opts.make();
      assert.equal(fit(est, X, y, caps), est);
    });

    check('NotFittedError before fit', () => {
      const est = opts.make();
      for (const m of methods) assert.throws(() => est[m](X), NotFittedError, `${m} before fit`);
    });

    check('same randomState gives the same result', () => {
      const a = opts.make(caps.stochastic ? { randomState: 7 } : {});
      const b = opts.make(caps.stochastic ? { randomState: 7 } : {});
      fit(a, X, y, caps);
      fit(b, X, y, caps);
      assert.deepEqual(outputs(a, X, methods), outputs(b, X, methods));
    });

    check('empty input is a ShapeError', () => {
      assert.throws(() => fit(opts.make(), [], [], caps), ShapeError);
    });

    check('wrong width at predict is a ShapeError', () => {
      const est = opts.make();
      fit(est, X, y, caps);
      const wide = X.map((r) => [...r, 0]);
      for (const m of methods) assert.throws(() => est[m](wide), (e: unknown) => e instanceof ShapeError && /X/.test((e as Error).message), m);
    });

    check('NaN in X', () => {
      const bad = X.map((r) => [...r]);
      bad[0]![0] = NaN;
      if (caps.allowNaN) {
        const est = opts.make();
        fit(est, bad, y, caps);
        for (const m of methods) est[m](bad);
      } else {
        assert.throws(() => fit(opts.make(), bad, y, caps), (e: unknown) => e instanceof DataError && /NaN/.test((e as Error).message));
      }
    });

    check('infinity in X is a DataError', () => {
      const bad = X.map((r) => [...r]);
      bad[1]![0] = Infinity;
      assert.throws(() => fit(opts.make(), bad, y, caps), DataError);
    });

    if (caps.supervised) {
      check('wrong y length is a ShapeError naming y', () => {
        assert.throws(() => opts.make().fit(X, y!.slice(1)), (e: unknown) => e instanceof ShapeError && /'y'/.test((e as Error).message));
      });
    }

    check('JSON round trip predicts identically', () => {
      const est = opts.make({ ...(caps.stochastic ? { randomState: 3 } : {}) });
      fit(est, X, y, caps);
      const text = JSON.stringify(est.toJSON());
      const again = loadModel(JSON.parse(text)) as AnyEstimator;
      assert.equal(again.constructor, est.constructor);
      assert.deepEqual(again.getParams(), est.getParams());
      assert.deepEqual(outputs(again, X, methods), outputs(est, X, methods));
      const unfitted = loadModel(opts.make().toJSON()) as AnyEstimator;
      assert.equal(unfitted.isFitted, false);
    });

    check('inputs are not mutated', () => {
      const Xc = structuredClone(X);
      const yc = y ? structuredClone(y) : undefined;
      const M = Matrix.fromRows(X);
      const Mc = M.data.slice();
      const est = opts.make();
      fit(est, M, y, caps);
      for (const m of methods) est[m](M);
      fit(opts.make(), X, y, caps);
      assert.deepEqual(X, Xc);
      assert.deepEqual(y, yc);
      assert.deepEqual(M.data, Mc);
    });

    check('fitting twice gives the same state', () => {
      const est = opts.make(caps.stochastic ? { randomState: 11 } : {});
      fit(est, X, y, caps);
      const first = outputs(est, X, methods);
      fit(est.setParams({}), X, y, caps);
      assert.deepEqual(outputs(est, X, methods), first);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Issue 14: the estimator contract checks (scikit-learn's check_sample_weights_*, check_fit_*
// idempotence, check_transformer_general, check_clustering, check_estimators_overwrite_params,
// nested params), run for every registered kind by test/core/conformance.test.ts.

import { accuracyScore } from '../../src/metrics/accuracy.js';
import { r2Score } from '../../src/metrics/regression.js';
import { isEstimatorLike } from '../../src/core/params.js';
import { catchWarnings } from '../../src/core/warnings.js';

export interface ContractOptions extends ConformanceOptions {
  /** How fit takes sample weights: third argument (`fit(X, y, sw)`) or option (`fit(X, { sampleWeight })`). */
  weights?: 'arg' | 'opts';
  /** Weight rules of this estimator (DBSCAN accepts negative and all-zero weights, as scikit-learn). */
  weightRules?: { allowNegative?: boolean; allowZeroSum?: boolean };
  /** `partialFit` over consecutive batches of this size equals `fit` (IncrementalPCA with the same batchSize). */
  partialFitBatch?: number;
  /** Tolerance for "unit weights equal no weights" (different but equivalent code paths). */
  weightTol?: number;
  /** Training-row order does not change the outputs beyond this relative tolerance (only where it should hold: no tie-breaking by row order). */
  rowOrderTol?: number;
}

function flat(v: unknown): number[] | unknown {
  if (v instanceof Matrix) return Array.from(v.data);
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array);
  return v;
}

function closeTo(a: unknown, b: unknown, tol: number, what: string): void {
  if (tol === 0 || !Array.isArray(a) || !Array.isArray(b) || typeof a[0] !== 'number') {
    assert.deepEqual(a, b, what);
    return;
  }
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number, y = b[i] as number;
    assert.ok(x === y || Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)), `${what}: index ${i}: ${x} vs ${y}`);
  }
}

function assertDeepFrozen(v: unknown, path: string): void {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || isEstimatorLike(v)) return;
  const proto = Object.getPrototypeOf(v);
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return; // class instances (RandomState, splitters, distributions)
  assert.ok(Object.isFrozen(v), `params.${path} must be frozen`);
  for (const [k, x] of Object.entries(v)) assertDeepFrozen(x, `${path}.${k}`);
}

export function checkContract(name: string, opts: ContractOptions): void {
  const probe = opts.make();
  const caps = (probe.constructor as unknown as { capabilities: Capabilities }).capabilities;
  const methods = opts.methods ?? OUTPUT_METHODS.filter((m) => typeof probe[m] === 'function');
  const { X, y } = opts;
  const skip = opts.skip ?? {};
  const seeded = (p: Record<string, unknown> = {}) => opts.make(caps.stochastic ? { randomState: 5, ...p } : p);
  const check = (id: string, fn: () => void) => it(id, skip[id] ? { skip: skip[id] } : {}, fn);
  const has = (m: string) => (typeof probe.hasMethod === 'function' ? probe.hasMethod(m) : typeof probe[m] === 'function') as boolean;
  const fitW = (est: AnyEstimator, sw: unknown) => (opts.weights === 'opts' ? est.fit(X, { sampleWeight: sw }) : caps.supervised ? est.fit(X, y, sw) : est.fit(X, undefined, sw));

  describe(`contract: ${name}`, () => {
    check('params deeply immutable', () => {
      const est = opts.make();
      assert.ok(Object.isFrozen(est.params));
      for (const [k, v] of Object.entries(est.params)) assertDeepFrozen(v, k);
      for (const [k, v] of Object.entries(est.getParams())) assertDeepFrozen(v, `getParams().${k}`);
    });

    if (opts.weights) {
      check('unit sample weights equal no weights', () => {
        const a = fitW(seeded(), new Array(X.length).fill(1)) as AnyEstimator;
        const b = fit(seeded(), X, y, caps) as AnyEstimator;
        methods.forEach((m) => closeTo(flat(a[m](X)), flat(b[m](X)), opts.weightTol ?? 0, m));
      });
      check('one error class per bad weight', () => {
        const n = X.length;
        const rules = opts.weightRules ?? {};
        assert.throws(() => fitW(seeded(), new Array(n - 1).fill(1)), ShapeError, 'wrong length');
        assert.throws(() => fitW(seeded(), [NaN, ...new Array(n - 1).fill(1)]), DataError, 'NaN');
        assert.throws(() => fitW(seeded(), [Infinity, ...new Array(n - 1).fill(1)]), DataError, 'Infinity');
        if (!rules.allowNegative) assert.throws(() => fitW(seeded(), [-1, ...new Array(n - 1).fill(1)]), DataError, 'negative');
        if (!rules.allowZeroSum) assert.throws(() => fitW(seeded(), new Array(n).fill(0)), DataError, 'all zero');
      });
    }

    if (opts.rowOrderTol !== undefined) {
      check('row order of the training data does not matter', () => {
        const perm = X.map((_, i) => (i * 7 + 3) % X.length);
        assert.equal(new Set(perm).size, X.length, 'permutation');
        const a = fit(seeded(), X, y, caps) as AnyEstimator;
        const b = fit(seeded(), perm.map((i) => X[i]!), y ? perm.map((i) => y[i]!) : undefined, caps) as AnyEstimator;
        methods.forEach((m) => closeTo(flat(b[m](X)), flat(a[m](X)), opts.rowOrderTol!, m));
      });
    }

    if (opts.partialFitBatch) {
      check('partialFit stream equals fit', () => {
        const b = opts.partialFitBatch!;
        const whole = fit(seeded(), X, y, caps) as AnyEstimator;
        const stream = seeded();
        for (let s = 0; s < X.length; s += b) stream.partialFit(X.slice(s, s + b));
        methods.forEach((m) => assert.deepEqual(flat(stream[m](X)), flat(whole[m](X)), m));
      });
    }

    if (has('fitTransform') && has('transform')) {
      check('fitTransform equals fit + transform', () => {
        const a = seeded().fitTransform(X, y);
        const b = (fit(seeded(), X, y, caps) as AnyEstimator).transform(X);
        assert.deepEqual(flat(a), flat(b));
      });
    }

    if (has('fitPredict')) {
      check('fitPredict equals fit + labels / predict', () => {
        const a = seeded().fitPredict(X, y);
        const fitted = fit(seeded(), X, y, caps) as AnyEstimator;
        const b = 'labels' in fitted ? fitted.labels : fitted.predict(X);
        assert.deepEqual(flat(a), flat(b));
      });
    }

    if (typeof probe.score === 'function' && (caps.type === 'classifier' || caps.type === 'regressor')) {
      check('score equals the public metric', () => {
        const est = fit(seeded(), X, y, caps) as AnyEstimator;
        const pred = est.predict(X);
        const want = caps.type === 'classifier' ? accuracyScore(y as never, pred) : r2Score(y as number[], pred);
        assert.equal(est.score(X, y), want);
        const one = catchWarnings(() => est.score([X[0]!], [y![0]!]));
        if (caps.type === 'regressor') assert.ok(Number.isNaN(one.value) && one.warnings.length === 1, 'one sample: NaN and a warning, as r2Score');
      });
    }

    const nested = Object.entries(probe.getParams({ deep: true }) as Record<string, unknown>).filter(([k, v]) => k.includes('__') && (v === null || ['number', 'string', 'boolean'].includes(typeof v)));
    if (nested.length) {
      check('__ routing reaches nested estimators; clones share none', () => {
        const [key, value] = nested[0]!;
        const est = opts.make();
        est.setParams({ [key]: value });
        assert.deepEqual(est.getParams(true)[key], value);
        assert.deepEqual(est.with({ [key]: value }).getParams({ deep: true })[key], value);
        assert.throws(() => est.setParams({ noSuchStep__x: 1 }), InvalidParameterError);
        const c = est.clone();
        for (const [k, v] of Object.entries(est.params)) if (isEstimatorLike(v)) assert.notEqual(c.params[k], v, `clone shares ${k}`);
      });
    }
  });
}

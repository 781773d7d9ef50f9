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

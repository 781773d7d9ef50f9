import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { loadDataset } from '../../src/datasets/load.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '../../src/ensemble/index.js';
import { ramp, synthX } from './hgbFixture.js';

interface ScoringCase {
  kind: 'reg' | 'clf'; data: string; target: string | null; params: Record<string, unknown>; nIter: number;
  trainScore: number[]; validationScore: number[]; sampleWeight?: 'ramp'; pred?: number[]; decision?: number[];
}
const fx: { sklearn: string; cases: ScoringCase[]; synth: { n: number; d: number; seed: number; y: Record<string, number[]> } } =
  JSON.parse(readFileSync(new URL('../fixtures/ensemble_hgb_scoring.json', import.meta.url), 'utf8'));

let synth: Matrix | null = null;
function data(c: ScoringCase): { X: Matrix; y: number[] } {
  if (c.data === 'synth') {
    synth ??= synthX(fx.synth.n, fx.synth.d, fx.synth.seed, 0);
    return { X: synth, y: fx.synth.y[c.target!]! };
  }
  const ds = loadDataset(c.data as 'iris');
  return { X: ds.X, y: Array.from(ds.y as ArrayLike<number>) };
}

function close(got: ArrayLike<number>, exp: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, exp.length, `${what}: length`);
  for (let i = 0; i < exp.length; i++) {
    assert.ok(Math.abs(got[i]! - exp[i]!) <= tol * Math.max(1, Math.abs(exp[i]!)), `${what}[${i}]: ${got[i]} vs ${exp[i]}`);
  }
}

describe(`HistGradientBoosting early stopping on a scorer (parity with scikit-learn ${fx.sklearn})`, () => {
  for (const c of fx.cases) {
    it(`${c.kind} ${c.data}${c.target ? ` (${c.target})` : ''} scoring=${JSON.stringify(c.params.scoring)} ${JSON.stringify(c.params)}${c.sampleWeight ? ' sampleWeight' : ''}`, () => {
      const { X, y } = data(c);
      const est = c.kind === 'reg' ? new HistGradientBoostingRegressor(c.params) : new HistGradientBoostingClassifier(c.params);
      est.fit(X, y, c.sampleWeight ? ramp(y.length) : null);
      assert.equal(est.nIter, c.nIter, 'nIter');
      close(est.trainScore, c.trainScore, 1e-12, 'trainScore');
      close(est.validationScore, c.validationScore, 1e-12, 'validationScore');
      if (est instanceof HistGradientBoostingRegressor) close(est.predict(X), c.pred!, 1e-12, 'predict');
      else {
        const dec = est.decisionFunction(X);
        close(dec instanceof Matrix ? dec.data : dec, c.decision!, 1e-12, 'decisionFunction');
      }
    });
  }

  it('an unknown scorer name is an InvalidParameterError naming scoring', () => {
    assert.throws(() => new HistGradientBoostingClassifier({ scoring: 'accuracy_typo' }), (e: unknown) => e instanceof InvalidParameterError && /scoring/.test((e as Error).message));
  });
});

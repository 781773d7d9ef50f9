import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { setMetricWarningHandler } from '../../src/metrics/classification.js';
import { classificationReport, formatFixed } from '../../src/metrics/report.js';
import { fixtureCases, loadFixture, runCase } from '../helpers/sklearnFixtures.js';

// scikit-learn 1.2.1 classification_report output (text and output_dict) from scripts/fixtures/metrics_sklearn.py
const fx = loadFixture('metrics_report.json');
let prev: ReturnType<typeof setMetricWarningHandler>;
before(() => { prev = setMetricWarningHandler(() => {}); });
after(() => { setMetricWarningHandler(prev); });

describe('classificationReport equals scikit-learn 1.2.1', () => {
  fixtureCases(fx.cases, 'metrics_report.json cases').forEach((c, i) => {
    it(`case ${i}: ${c.note}${c.args.output_dict ? ' (dict)' : ''}`, () => {
      runCase(fx, c, (_fn, a) => {
        const { yTrue, yPred, ...o } = a as Record<string, never>;
        return classificationReport(yTrue, yPred, o);
      }, (cc) => /does not match size/.test(cc.error ?? ''));
    });
  });
  it('text report is byte-identical (spot check of the layout)', () => {
    const txt = classificationReport([1, 1, 1], [1, 1, 0], { labels: [1, 2, 3], zeroDivision: 0 });
    assert.equal(txt.split('\n')[0], '              precision    recall  f1-score   support');
    assert.equal(txt.split('\n')[6], '   micro avg       1.00      0.67      0.80         3');
  });
  it('formats ties like Python (half to even on the exact binary value)', () => {
    assert.equal(formatFixed(0.125, 2), '0.12');
    assert.equal(formatFixed(0.375, 2), '0.38');
    assert.equal(formatFixed(0.5, 0), '0');
    assert.equal(formatFixed(2.675, 2), '2.67'); // 2.675 is below the tie in binary
    assert.equal(formatFixed(0.8, 2), '0.80');
  });
  it('typed error for mismatched targetNames', () => {
    assert.throws(() => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }), (e: unknown) => e instanceof DataError && (e as DataError).argument === 'targetNames');
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as browser from '../../src/index.js';
import * as node from '../../src/node.js';

it('public names of the API contract that exist so far are exported', () => {
  for (const n of ['loadDataset', 'trainTestSplit', 'accuracyScore', 'RandomState', 'Matrix', 'Table', 'loadModel', 'DecisionTreeClassifier', 'exportText',
    'Sequential', 'Dense', 'Adam', 'SGD', 'EarlyStopping', 'StandardScaler', 'DeepmineError', 'InvalidParameterError', 'DataError', 'ShapeError', 'NotFittedError']) {
    assert.ok(n in browser, `deepmine exports ${n}`);
  }
  for (const n of ['readCsv', 'readParquet', 'readJson', 'query', 'writeCsv', 'writeParquet', 'toMatrix', 'loadDataset']) assert.ok(n in node, `deepmine/node exports ${n}`);
  assert.ok(!('readCsv' in browser), 'the browser entry must not pull in DuckDB');
});

// ---------------------------------------------------------------------------------------------
// Issue 14, item 4: a curated public surface.
import { readFileSync, writeFileSync } from 'node:fs';
import * as extend from '../../src/extend.js';

const INTERNALS = ['p', 'resolveParams', 'freezeParam', 'toBase64', 'fromBase64', 'encodeValue', 'decodeValue', 'numpyArgsort', 'numpyArgpartition', 'takeRows',
  'NeighborBuffer', 'reviveSplitter', 'reviveDistribution', 'reviveValue', 'registerReviver', 'registerEstimator', 'registerLoader', 'checkArray',
  'checkLabels', 'checkTarget', 'checkSampleWeight', 'sortKey', 'sampleWithoutReplacement', 'parallelMap', 'WorkerPool', 'getPool', 'resolveNJobs',
  'resolveMetric', 'scorerNames', 'pairwiseSum', 'describeValue', 'encodeCategorical', 'columnLength', 'numSamples', 'approximateMode'];

it('internal helpers are not in the main entry but in deepmine/extend', () => {
  const leaked = INTERNALS.filter((n) => n in browser);
  assert.deepEqual(leaked, [], `internals exported from deepmine: ${leaked.join(', ')}`);
  const missing = INTERNALS.filter((n) => n !== 'scorerNames' && !(n in extend));
  assert.deepEqual(missing, [], `missing from deepmine/extend: ${missing.join(', ')}`);
  assert.ok('getScorerNames' in browser, 'one scorer-name function: getScorerNames');
  for (const n of ['Estimator', 'loadModel', 'setWarningHandler', 'catchWarnings', 'loadDatasetAsync', 'isClassifier']) assert.ok(n in browser, `deepmine exports ${n}`);
});

/**
 * Snapshot of the exported names (test/core/exports.snapshot.json). A name added or removed fails
 * with the list; after checking the change is intended, refresh with
 * `UPDATE_EXPORTS=1 node --import tsx --test test/core/exports.test.ts`.
 */
it('exported names match the snapshot', () => {
  const url = new URL('./exports.snapshot.json', import.meta.url);
  const now = { deepmine: Object.keys(browser).sort(), 'deepmine/extend': Object.keys(extend).sort() };
  if (process.env.UPDATE_EXPORTS) writeFileSync(url, JSON.stringify(now, null, 1) + '\n');
  const snap = JSON.parse(readFileSync(url, 'utf8')) as Record<string, string[]>;
  for (const entry of Object.keys(now) as (keyof typeof now)[]) {
    const added = now[entry].filter((n) => !snap[entry]!.includes(n));
    const removed = snap[entry]!.filter((n) => !now[entry].includes(n));
    assert.deepEqual({ added, removed }, { added: [], removed: [] }, `${entry}: exported names changed (UPDATE_EXPORTS=1 to accept)`);
  }
});

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

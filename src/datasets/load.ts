/**
 * Every built-in dataset, imported statically and registered, so `loadDataset(name)` is
 * synchronous. Node code and `deepmine/node` / `deepmine/datasets` use this module; the browser
 * entry `deepmine` exports `datasets/registry.ts` only (data fetched by `loadDatasetAsync`).
 */
import * as breastCancer from './data/breast_cancer.js';
import * as diabetes from './data/diabetes.js';
import * as digits from './data/digits.js';
import * as groceries from './data/groceries.js';
import * as iris from './data/iris.js';
import * as mushroom from './data/mushroom.js';
import * as wine from './data/wine.js';
import { registerDatasetSource } from './registry.js';

registerDatasetSource('breast_cancer', breastCancer);
registerDatasetSource('diabetes', diabetes);
registerDatasetSource('digits', digits);
registerDatasetSource('groceries', groceries);
registerDatasetSource('iris', iris);
registerDatasetSource('mushroom', mushroom);
registerDatasetSource('wine', wine);

export { loadDataset, loadDatasetAsync, DATASET_NAMES } from './registry.js';
export type { Dataset, DatasetName, NumericDataset, TableDataset, BasketDataset } from './registry.js';

/** Built-in datasets (loaded lazily: `await loadDatasetAsync(name)`; sync `loadDataset` once loaded) and generators. */
export { loadDataset, loadDatasetAsync, DATASET_NAMES } from './registry.js';
export type { Dataset, DatasetName, NumericDataset, TableDataset, BasketDataset } from './registry.js';
export * from './generators.js';

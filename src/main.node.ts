/**
 * `deepmine` as Node resolves it (the "node" export condition): the browser-safe entry plus every
 * built-in dataset registered, so `loadDataset(name)` is synchronous in Node scripts that import
 * `deepmine` (browsers and bundlers get `index.js`, which loads datasets lazily).
 */
export * from './index.js';
import './datasets/load.js';

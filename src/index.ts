/**
 * deepmine: browser-safe entry point (core, algorithms, metrics). Node-only I/O lives in
 * `deepmine/node`.
 */
export * from './core/index.js';
export * from './modelSelection/split.js';
export * from './metrics/accuracy.js';
export * from './dummy/dummy.js';
export * from './tree/index.js';
export * from './nn/index.js';
export * from './preprocessing/index.js';
export * from './datasets/load.js';

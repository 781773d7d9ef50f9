export * from './errors.js';
export * from './matrix.js';
export * from './table.js';
export * from './validation.js';
export * from './random.js';
export * from './params.js';
export * from './serialize.js';
export * from './estimator.js';
export { WorkerPool, parallelMap, resolveNJobs, getPool, closePool, cpuCount, type PoolTask } from './pool.js';

/**
 * deepmine/node: Node-only I/O (DuckDB-backed readers and writers, file persistence).
 * Re-exports the browser-safe API too, so one import is enough in Node scripts.
 */
export * from './index.js';
export * from './io/index.js';
export { fitSql, duckdbEngine, postgresEngine } from './sql/node.js';
export { runCli, buildProgram } from './cli/program.js';

/**
 * deepmine/node: Node-only I/O (DuckDB-backed readers and writers, file persistence).
 * Re-exports the browser-safe API too, so one import is enough in Node scripts.
 */
export * from './index.js';
// every built-in dataset registered, so the synchronous loadDataset(name) works in Node
import './datasets/load.js';
export * from './io/index.js';
export { fitSql, duckdbEngine, postgresEngine, clickhouseEngine } from './sql/node.js';
export { runCli, buildProgram } from './cli/program.js';
export { writeReport, nextFreeDir, rulesCsv, toJsonSafe, type WriteReportOptions } from './report/write.js';
export { fpGrowthSql } from './sql/node.js';
export { trainSql } from './sql/node.js';

#!/usr/bin/env node
/**
 * deepmine CLI. Every command takes --json (one JSON document on stdout) and --seed.
 * Commands are registered from ./commands/*.ts so each area adds its own file.
 */
import { Command } from 'commander';
import { LIBRARY_VERSION } from '../core/estimator.js';
import { DeepmineError } from '../core/errors.js';
import { closeConnection } from '../io/duckdb.js';
import { registerDemo } from './commands/demo.js';
import { registerTree } from './commands/tree.js';

const program = new Command();
program.name('deepmine').description('Data mining fused with deep learning: trees, clusters, rules, PCA, neural nets.').version(LIBRARY_VERSION);
registerDemo(program);
registerTree(program);

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as Error & { code?: string; exitCode?: number };
  if (err.code?.startsWith('commander.')) process.exitCode = err.exitCode ?? 1;
  else {
    process.exitCode = 1;
    console.error(err instanceof DeepmineError ? `deepmine: ${err.message}` : err.stack ?? String(err));
  }
} finally {
  await closeConnection();
}

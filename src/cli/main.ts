#!/usr/bin/env node
/**
 * deepmine CLI entry point. Every command takes --json (one JSON document on stdout), --seed and
 * --quiet; the program itself lives in ./program.ts (runnable in-process) and each command in
 * ./commands/<name>.ts.
 */
import { closeConnection } from '../io/duckdb.js';
import { runCli } from './program.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} finally {
  await closeConnection();
}

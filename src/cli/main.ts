#!/usr/bin/env node
/**
 * deepmine CLI entry point. Every command takes --json (one JSON document on stdout), --seed,
 * --quiet and --verbose; the program itself lives in ./program.ts (runnable in-process) and each
 * command in ./commands/<name>.ts. Exit codes: 0 ok, 1 internal failure, 2 user error, 130 (SIGINT) on Ctrl-C.
 */
import { closeDuck } from './commands/shared.js';
import { runCli } from './program.js';

// `deepmine ... | head`: the reader went away; stop quietly (exit 0), no EPIPE stack trace
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
// Ctrl-C: no handler on purpose. A JS handler would only run between synchronous steps (a long
// fit would ignore Ctrl-C); Node's default ends the process at once by SIGINT, which the shell
// reports as exit status 130.

try {
  process.exitCode = await runCli(process.argv.slice(2));
} finally {
  await closeDuck();
}

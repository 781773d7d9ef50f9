/**
 * The deepmine command-line program, runnable in-process: `runCli(argv, { out, err })` returns the
 * exit code, so tests (and other tools) can call commands without spawning Node.
 */
import { Command, CommanderError } from 'commander';
import { LIBRARY_VERSION } from '../core/estimator.js';
import { DeepmineError } from '../core/errors.js';
import { registerCluster } from './commands/cluster.js';
import { registerDemo } from './commands/demo.js';
import { registerNn } from './commands/nn.js';
import { registerPca } from './commands/pca.js';
import { registerProfile } from './commands/profile.js';
import { registerRules } from './commands/rules.js';
import { io, type CliIO } from './commands/shared.js';
import { registerTree } from './commands/tree.js';

/** A fresh commander program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program.name('deepmine').description('Data mining fused with deep learning: profiles, trees, clusters, rules, PCA, neural nets.').version(LIBRARY_VERSION);
  registerDemo(program);
  registerProfile(program);
  registerTree(program);
  registerCluster(program);
  registerRules(program);
  registerPca(program);
  registerNn(program);
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/**
 * Run the CLI on `argv` (without the node and script entries, e.g. `['profile', 'iris', '--json']`).
 * Output goes to `out`/`err` (default: the process streams). Returns the exit code: 0, or 1 after a
 * usage error or a typed deepmine error (printed as `deepmine: <message>` on err).
 *
 * @example
 * let json = '';
 * await runCli(['pca', 'iris', '-n', '2', '--json'], { out: (s) => (json += s) });
 * JSON.parse(json).explainedVarianceRatio; // [0.7296..., 0.2285...]
 */
export async function runCli(argv: readonly string[], streams: Partial<CliIO> = {}): Promise<number> {
  const saved = { ...io };
  if (streams.out) io.out = streams.out;
  if (streams.err) io.err = streams.err;
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    io.err(e instanceof DeepmineError ? `${e.message.startsWith('deepmine') ? '' : 'deepmine: '}${e.message}\n` : `${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    io.out = saved.out;
    io.err = saved.err;
  }
}

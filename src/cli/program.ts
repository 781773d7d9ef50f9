/**
 * The deepmine command-line program, runnable in-process: `runCli(argv, { out, err })` returns the
 * exit code, so tests (and other tools) can call commands without spawning Node.
 */
import { Command, CommanderError } from 'commander';
import { LIBRARY_VERSION } from '../core/estimator.js';
import { DeepmineError } from '../core/errors.js';
import { registerCluster } from './commands/cluster.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerModelCommands } from './commands/predict.js';
import { registerNn } from './commands/nn.js';
import { registerPca } from './commands/pca.js';
import { registerProfile } from './commands/profile.js';
import { registerRules } from './commands/rules.js';
import { io, type CliIO } from './commands/shared.js';
import { registerTree } from './commands/tree.js';

const EXAMPLES = `
Examples:
  deepmine demo                                   # analyze built-in breast_cancer, report in ./deepmine-report/
  deepmine analyze my.csv --target label          # the whole pipeline on your data, one HTML report
  deepmine analyze my.csv --target label --save-model models && deepmine predict --model models/forest.json new.csv
  deepmine profile my.csv --na "?,NA"             # column statistics and duplicates
  deepmine rules baskets.dat --min-support 0.05   # association rules
`;
const FOOTER = `
Results go to stdout, progress and messages to stderr; --json prints one JSON document.
Exit codes: 0 ok, 1 internal failure, 2 user error (bad option, missing file, unknown column), 130 interrupted.
No colours are used (NO_COLOR is respected trivially).
Large files: above 5,000,000 rows (--stream-rows N or $DEEPMINE_STREAM_ROWS; --stream to force), pca, cluster,
tree and profile stream the file through DuckDB with bounded memory and report progress on stderr.
`;

/** A fresh commander program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program.name('deepmine').description('Data mining fused with deep learning: profiles, trees, clusters, rules, PCA, neural nets, and one HTML report.').version(LIBRARY_VERSION)
    .addHelpText('before', EXAMPLES).addHelpText('after', FOOTER);
  registerAnalyze(program);
  registerProfile(program);
  registerTree(program);
  registerCluster(program);
  registerRules(program);
  registerPca(program);
  registerNn(program);
  registerModelCommands(program);
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/**
 * Run the CLI on `argv` (without the node and script entries, e.g. `['profile', 'iris', '--json']`).
 * Output goes to `out`/`err` (default: the process streams). Returns the exit code: 0, or 1 after a
 * unexpected failure, 2 after a usage error or a typed deepmine error (one line `deepmine: <message>`
 * on err; the stack only with --verbose).
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
  const verbose = argv.includes('--verbose');
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; a usage error (unknown option, missing argument) is a user error
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof DeepmineError) {
      io.err(`${e.message.startsWith('deepmine') ? '' : 'deepmine: '}${e.message}\n${verbose && e.stack ? e.stack + '\n' : ''}`);
      return 2;
    }
    const err = e as Error;
    io.err(verbose ? `${err.stack ?? String(e)}\n` : `deepmine: internal error: ${err?.message ?? String(e)} (run again with --verbose for the stack trace)\n`);
    return 1;
  } finally {
    io.out = saved.out;
    io.err = saved.err;
  }
}

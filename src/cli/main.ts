// The `booklore-sync` command: wiring only. Each command lives in ./commands/<name>.ts and
// returns its exit code; errors meant for the user are printed as one line, anything else as a bug.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { EXIT } from '../app/exit-codes.js';
import { UserFacingError } from '../app/user-facing-error.js';
import { COMMANDS } from './commands/index.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('booklore-sync')
    .description('Offline-first reading-session sync for BookLore: queue locally, upload exactly once.')
    .version(version)
    .option('--home <dir>', 'data directory (default: $BOOKLORE_SYNC_HOME or the platform data directory)')
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .option('--quiet', 'no messages or progress on stderr, only errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`booklore-sync: ${text.replace(/^error: /, '')}`) });
  for (const register of COMMANDS) register(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function reportUnexpected(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`booklore-sync: unexpected error: ${message}\n`);
  if (process.env.BOOKLORE_SYNC_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('booklore-sync: this is a bug; run again with BOOKLORE_SYNC_DEBUG=1 and report the output\n');
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end in a CommanderError too, with exit code 0.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof UserFacingError) {
      process.stderr.write(`booklore-sync: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      reportUnexpected(err);
      process.exitCode = EXIT.failed;
    }
  }
}

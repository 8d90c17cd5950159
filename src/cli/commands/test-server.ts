// `test-server`: runs the bundled BookLore-compatible server (src/testserver) until SIGINT or
// SIGTERM. The server's code is loaded only when this command runs: it would slow every other one.
import type { Command } from 'commander';
import { action } from '../action.js';
import type { TestServerOptions } from '../test-server-run.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerTestServer(program: Command): void {
  program
    .command('test-server')
    .description('run a BookLore-compatible server with fault injection, for tests, demos and client development')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '6060')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--profile <name>', 'fork (batch, hash lookup, KOReader headers on session POSTs) or upstream', 'fork')
    .option('--data <file>', 'keep state in this SQLite file (default: in memory, gone at exit)')
    .option('--latency <ms>', 'add this many milliseconds to every request (simulated round trip)')
    .option('--seed <file>', 'JSON seed (users, koreaderUsers, libraries, books) instead of the default')
    .option('--access-token-ttl <seconds>', 'access-token lifetime (BookLore: 36000 = 10 h)')
    .option(
      '--fault <spec>',
      'a fault rule, repeatable: ACTION[,path=P][,method=M][,count=N] with ACTION one of status=N, drop-before-commit, ' +
        'drop-after-commit, truncate, html, delay=MS; e.g. status=503,count=5,path=/api/v1/reading-sessions/batch',
      collect,
      [],
    )
    .option('--no-admin', 'do not serve the admin API under /__admin/')
    .option('--log-requests', 'print one line per request on stderr')
    .addHelpText(
      'after',
      '\nPrints the seed, then "LISTENING <url>" once it accepts connections (with --json: one JSON document instead).\n' +
        'Runs until SIGINT or SIGTERM. The admin API (faults, reset, hash drift, stored sessions) is described in\n' +
        'src/testserver/admin-api.ts.',
    )
    .action(action<TestServerOptions>(async (ctx, options) => (await import('../test-server-run.js')).runTestServer(ctx, options)));
}


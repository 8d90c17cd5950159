// `ui`: the local status page (src/ui) in the foreground, until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { EXIT } from '../../app/exit-codes.js';
import { announceUi } from '../../ui/announce.js';
import { DEFAULT_LISTEN, parseListenAddress } from '../../ui/listen-address.js';
import { startUiServer } from '../../ui/ui-server.js';
import { action } from '../action.js';

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('serve the local status page: queue, stuck sessions and why, reading charts, Sync Now')
    .option('--listen <host:port>', 'where to listen (loopback unless you say otherwise)', DEFAULT_LISTEN)
    .option('--new-token', 'make a new access token (the old one stops working) and print it')
    .action(
      action<{ listen: string; newToken?: boolean }>(async (ctx, options) => {
        const listen = parseListenAddress(options.listen);
        const server = await startUiServer({ home: ctx.home, listen, renewToken: options.newToken === true });
        // Handlers first: whoever reads the address may stop us at once.
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        announceUi(server, listen, { print: (line) => process.stdout.write(`${line}\n`), warn: (line) => ctx.warn(line), showToken: true });
        await stopped;
        await server.close();
        return EXIT.ok;
      }),
    );
}

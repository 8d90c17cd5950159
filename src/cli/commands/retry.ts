// `retry`: parked sessions (refused by the server as invalid, X2) go back to the queue once their
// cause is fixed.
import type { Command } from 'commander';
import { EXIT } from '../../app/exit-codes.js';
import { withLocalStore } from '../../node/sqlite/local-store.js';
import { usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description('put parked sessions back in the queue (all, or the given ids)')
    .argument('[ids...]', 'queue ids from `booklore-sync pending`')
    .action(
      action((ctx, _options, ids) => {
        for (const id of ids) if (!/^\d+$/.test(id)) throw usageError(`session ids are whole numbers (got "${id}")`);
        const count = withLocalStore(ctx.home, (store) => store.queue.retryParked(ids.length > 0 ? ids.map(Number) : null));
        ctx.emitJson({ requeued: count });
        ctx.print(`${count} parked session(s) back in the queue; run \`booklore-sync sync\` to upload them`);
        return EXIT.ok;
      }),
    );
}

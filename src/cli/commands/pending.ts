// `pending`: Manage Sessions → View Details (S7): every queued session with its retries and last error.
import type { Command } from 'commander';
import { EXIT } from '../../app/exit-codes.js';
import { withLocalStore } from '../../node/sqlite/local-store.js';
import { pendingToJson } from '../../store/session-rows.js';
import { action } from '../action.js';
import { formatTable, describeBook } from '../format-table.js';

export function registerPending(program: Command): void {
  program
    .command('pending')
    .description('show the queued sessions (View Details): book, times, retries, last error')
    .action(
      action((ctx) => {
        const rows = withLocalStore(ctx.home, (store) => store.queue.pending()).map(pendingToJson);
        ctx.emitJson(rows);
        if (rows.length === 0) {
          ctx.print('The queue is empty: nothing waits to be uploaded.');
          return EXIT.ok;
        }
        ctx.print(
          formatTable(
            ['id', 'state', 'book', 'start', 'duration', 'retries', 'last error'],
            rows.map((r) => [
              String(r.id),
              r.state,
              describeBook(r),
              r.startTime,
              `${r.durationSeconds}s`,
              String(r.retryCount),
              r.lastError ?? '',
            ]),
          ),
        );
        ctx.print(`${rows.length} session(s) queued.`);
        return EXIT.ok;
      }),
    );
}

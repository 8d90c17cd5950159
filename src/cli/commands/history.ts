// `history`: the sessions that reached BookLore, newest first.
import type { Command } from 'commander';
import { EXIT } from '../../app/exit-codes.js';
import { withLocalStore } from '../../node/sqlite/local-store.js';
import { historyToJson } from '../../store/session-rows.js';
import { usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';
import { describeBook, formatTable } from '../format-table.js';

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('show uploaded sessions, newest first')
    .option('--limit <n>', 'how many to show', '50')
    .action(
      action<{ limit: string }>((ctx, options) => {
        const limit = Number(options.limit);
        if (!/^\d+$/.test(options.limit) || limit < 1) throw usageError(`--limit must be a positive whole number (got "${options.limit}")`);
        const rows = withLocalStore(ctx.home, (store) => store.queue.history(limit)).map(historyToJson);
        ctx.emitJson(rows);
        if (rows.length === 0) {
          ctx.print('No session has been uploaded yet.');
          return EXIT.ok;
        }
        ctx.print(
          formatTable(
            ['id', 'book', 'start', 'end', 'duration', 'synced at', 'server id'],
            rows.map((r) => [
              String(r.id),
              describeBook(r),
              r.startTime,
              r.endTime,
              `${r.durationSeconds}s`,
              r.syncedAt ?? '',
              r.serverSessionId === null ? '' : String(r.serverSessionId),
            ]),
          ),
        );
        return EXIT.ok;
      }),
    );
}

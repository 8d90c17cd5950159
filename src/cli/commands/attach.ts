// `attach`: tells which BookLore book queued sessions belong to, when the server cannot find the
// book by fingerprint (upstream BookLore, or a file BookLore rewrote: X3, X7).
import type { Command } from 'commander';
import { attachBookToHash } from '../../app/attach-book.js';
import { normalizeBookHash } from '../../core/session.js';
import { loadSettings } from '../../node/settings-file.js';
import { EXIT } from '../../app/exit-codes.js';
import { withLocalStore } from '../../node/sqlite/local-store.js';
import { usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';

function positiveIds(values: string[], name: string): number[] {
  return values.map((value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw usageError(`${name} takes positive whole numbers (got "${value}")`);
    return Number(value);
  });
}

export function registerAttach(program: Command): void {
  program
    .command('attach')
    .description('attach a BookLore book id to queued sessions, by fingerprint (--hash) or by queue id (--id)')
    .requiredOption('--book-id <n>', "the book's BookLore id (see `booklore-sync books`)")
    .option('--hash <md5>', 'every queued session with this fingerprint')
    .option('--id <ids...>', 'these queued sessions (ids from `booklore-sync pending`)')
    .action(
      action<{ bookId: string; hash?: string; id?: string[] }>((ctx, options) => {
        const [bookId] = positiveIds([options.bookId], '--book-id');
        if ((options.hash === undefined) === (options.id === undefined)) throw usageError('give either --hash or --id');
        let hash: string | null = null;
        if (options.hash !== undefined) {
          hash = normalizeBookHash(options.hash);
          if (hash === null) throw usageError(`--hash must be 32 hex digits (got "${options.hash}")`);
        }
        const settings = loadSettings(ctx.home);
        const changed = withLocalStore(ctx.home, (store) =>
          hash === null
            ? store.queue.attachBookId({ ids: positiveIds(options.id!, '--id') }, bookId!)
            : attachBookToHash(store, settings, hash, bookId!),
        );
        ctx.emitJson({ attached: changed, bookId });
        ctx.print(`attached book #${bookId} to ${changed} queued session(s)`);
        return changed > 0 ? EXIT.ok : EXIT.usage;
      }),
    );
}

// `books`: the books the server lets this account see, to find the id for `attach`.
import type { Command } from 'commander';
import { connect } from '../../app/booklore-connection.js';
import { EXIT } from '../../app/exit-codes.js';
import { UserFacingError } from '../../app/user-facing-error.js';
import { action } from '../action.js';
import { formatTable } from '../format-table.js';

export function registerBooks(program: Command): void {
  program
    .command('books')
    .description("list the server's books visible to your BookLore account (to find an id for `attach`)")
    .option('--search <text>', 'only titles containing this text')
    .action(
      action<{ search?: string }>(async (ctx, options) => {
        const { runtime } = ctx.app;
        const client = connect(runtime, runtime.settings.load());
        const result = await client.listBooks();
        if (!result.ok) {
          throw new UserFacingError(`cannot list books: ${result.failure.message}`, result.failure.kind === 'auth' ? EXIT.credentials : EXIT.failed);
        }
        const needle = options.search?.toLowerCase();
        const books = result.books.filter((b) => !needle || (b.title ?? '').toLowerCase().includes(needle));
        ctx.emitJson(books);
        ctx.print(formatTable(['id', 'type', 'title'], books.map((b) => [String(b.id), b.bookType ?? '', b.title ?? ''])));
        return EXIT.ok;
      }),
    );
}

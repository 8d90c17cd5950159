// `clear-pending`: Manage Sessions → Clear Pending (S7). Permanently deletes queued sessions, only
// after a confirmation that names the count; without a terminal it needs --yes.
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { EXIT } from '../../app/exit-codes.js';
import { LocalStore } from '../../node/sqlite/local-store.js';
import { UserFacingError } from '../../app/user-facing-error.js';
import { action } from '../action.js';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return ['y', 'yes'].includes(answer.trim().toLowerCase());
  } finally {
    rl.close();
  }
}

export function registerClearPending(program: Command): void {
  program
    .command('clear-pending')
    .description('permanently delete every queued session (asks first; --yes to skip the question)')
    .option('--yes', 'do not ask: delete without confirmation')
    .action(
      action<{ yes?: boolean }>(async (ctx, options) => {
        const store = LocalStore.open(ctx.home);
        try {
          const count = store.use((s) => s.queue.pendingCount());
          if (count === 0) {
            ctx.print('The queue is already empty.');
            ctx.emitJson({ deleted: 0 });
            return EXIT.ok;
          }
          if (!options.yes) {
            if (!process.stdin.isTTY) {
              throw new UserFacingError(
                `refusing to delete ${count} queued session(s) without confirmation (no terminal to ask); run \`booklore-sync clear-pending --yes\` to delete them`,
                EXIT.usage,
              );
            }
            const ok = await confirm(
              `Permanently delete ${count} queued session(s)? They will NOT be uploaded to BookLore. [y/N] `,
            );
            if (!ok) {
              throw new UserFacingError(`nothing deleted: ${count} session(s) stay queued`, EXIT.usage);
            }
          }
          const deleted = store.use((s) => s.queue.clearPending());
          ctx.print(`Deleted ${deleted} queued session(s).`);
          ctx.emitJson({ deleted });
          return EXIT.ok;
        } finally {
          store.close();
        }
      }),
    );
}

// `record`: the *session end* trigger. Validates one session, queues it durably, then syncs
// unless Manual Sync Only is on or --no-sync is given.
import type { Command } from 'commander';
import { z } from 'zod';
import { InvalidSessionError, recordSession, type RecordOutcome } from '../../app/record-session.js';
import type { FieldError } from '../../core/session.js';
import { loadSettings } from '../../node/settings-file.js';
import { EXIT, type ExitCode } from '../../app/exit-codes.js';
import { withLocalStore } from '../../node/sqlite/local-store.js';
import { UserFacingError, usageError } from '../../app/user-facing-error.js';
import { runSync } from '../../app/run-sync.js';
import { syncJson, syncSummary } from '../../app/sync-summary.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';

interface RecordOptions {
  book?: string;
  hash?: string;
  bookId?: string;
  bookType?: string;
  title?: string;
  start?: string;
  end?: string;
  duration?: string;
  startProgress?: string;
  endProgress?: string;
  startLocation?: string;
  endLocation?: string;
  sync: boolean;
}

/** The CLI option behind each session field, so a message names what the user typed. */
const OPTION_FOR_FIELD: Record<string, string> = {
  book: '--book/--hash/--book-id',
  bookId: '--book-id',
  bookHash: '--hash',
  bookType: '--book-type',
  bookFile: '--book',
  startTime: '--start',
  endTime: '--end',
  durationSeconds: '--duration',
  startProgress: '--start-progress',
  endProgress: '--end-progress',
  startLocation: '--start-location',
  endLocation: '--end-location',
};

const decimal = (field: string) =>
  z
    .string()
    .trim()
    .refine((text) => text !== '' && Number.isFinite(Number(text)), { message: `${field}: must be a number` })
    .transform(Number);

const wholeNumber = (field: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `${field}: must be a whole number` })
    .transform(Number);

/** Option text → typed values; the session rules (core) then judge the values themselves. */
const RecordOptionsSchema = z.object({
  book: z.string().min(1).optional(),
  hash: z.string().optional(),
  bookId: wholeNumber('bookId').optional(),
  bookType: z.string().optional(),
  title: z.string().optional(),
  start: z.string({ message: 'startTime: is required (--start)' }),
  end: z.string({ message: 'endTime: is required (--end)' }),
  duration: wholeNumber('durationSeconds').optional(),
  startProgress: decimal('startProgress').optional(),
  endProgress: decimal('endProgress').optional(),
  startLocation: z.string().optional(),
  endLocation: z.string().optional(),
});

function fieldMessage(errors: FieldError[]): string {
  return errors
    .map((e) => {
      const option = OPTION_FOR_FIELD[e.field];
      return option ? `${e.field} (${option}): ${e.message}` : `${e.field}: ${e.message}`;
    })
    .join('; ');
}

function report(ctx: CommandContext, queued: boolean, id: number | null, reason: string | null): void {
  ctx.emitJson({ queued, id, reason });
}

export function registerRecord(program: Command): void {
  program
    .command('record')
    .description('validate and queue one reading session (the "session end" trigger)')
    .option('--book <file>', 'the book file (fingerprinted with KOReader\'s partial MD5)')
    .option('--hash <md5>', "the book's KOReader partial-MD5 fingerprint")
    .option('--book-id <n>', "the book's BookLore id")
    .option('--book-type <type>', 'PDF, EPUB, CBX, FB2, MOBI, AZW3 or AUDIOBOOK (default: from the file extension, else EPUB)')
    .option('--title <text>', 'a title to show in the queue')
    .option('--start <iso>', 'start, e.g. 2026-02-22T14:00:00Z')
    .option('--end <iso>', 'end, e.g. 2026-02-22T14:45:00Z')
    .option('--duration <seconds>', 'reading time in seconds (default: end − start; never more than that)')
    .option('--start-progress <percent>', 'progress at the start, 0–100')
    .option('--end-progress <percent>', 'progress at the end, 0–100')
    .option('--start-location <text>', 'location at the start (e.g. page number)')
    .option('--end-location <text>', 'location at the end')
    .option('--no-sync', 'only queue; do not try to upload now')
    .action(action<RecordOptions>((ctx, options) => record(ctx, options)));
}

async function record(ctx: CommandContext, options: RecordOptions): Promise<ExitCode> {
  const parsed = RecordOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join('; ');
    report(ctx, false, null, `invalid session: ${message}`);
    throw usageError(`invalid session: ${message}; nothing was queued`);
  }
  const o = parsed.data;
  const settings = loadSettings(ctx.home);
  let outcome: RecordOutcome;
  try {
    outcome = withLocalStore(ctx.home, (store) =>
      recordSession(
        store,
        {
          bookPath: o.book ?? null,
          bookHash: o.hash ?? null,
          bookId: o.bookId ?? null,
          bookType: o.bookType ?? null,
          bookTitle: o.title ?? null,
          startTime: o.start,
          endTime: o.end,
          durationSeconds: o.duration ?? null,
          startProgress: o.startProgress ?? null,
          endProgress: o.endProgress ?? null,
          startLocation: o.startLocation ?? null,
          endLocation: o.endLocation ?? null,
        },
        settings.detection,
      ),
    );
  } catch (err) {
    if (!(err instanceof InvalidSessionError)) throw err;
    report(ctx, false, null, `invalid session: ${err.message}`);
    throw usageError(`invalid session: ${fieldMessage(err.errors)}; nothing was queued`);
  }
  if (!outcome.queued) {
    ctx.info(
      outcome.kind === 'duplicate'
        ? `not queued: the same session is ${outcome.reason.replace('duplicate: ', '')}`
        : `not queued: ${outcome.reason} (detection rules; see \`booklore-sync configure --help\`)`,
    );
    report(ctx, false, null, outcome.reason);
    return EXIT.ok;
  }
  ctx.print(`queued session #${outcome.id}`);
  const sync = options.sync && !settings.manualSyncOnly && settings.server ? await syncAfterRecord(ctx) : null;
  ctx.emitJson({ queued: true, id: outcome.id, reason: null, ...(sync ? { sync } : {}) });
  return EXIT.ok;
}

/**
 * The session-end trigger (S6). An automatic sync: it respects backoff and does not wait for a
 * sync already running (that one, or the next trigger, uploads this session). A server that is
 * down, or refuses the login, never makes `record` fail: the session is safely queued.
 */
async function syncAfterRecord(ctx: CommandContext) {
  try {
    const result = await runSync(ctx.app, { automatic: true, waitForLeaseMs: 0, events: { log: (line) => ctx.info(line) } });
    if (!result.ran) {
      ctx.info('another sync is running; it or the next one will upload this session');
      return null;
    }
    const { report } = result;
    if (report.stoppedBy === 'offline') ctx.info(`not uploaded now (${report.message}); the session stays queued`);
    else if (report.stoppedBy === 'auth') ctx.warn(`not uploaded: ${report.message}; the session stays queued`);
    else ctx.info(`sync: ${syncSummary(report)}`);
    return syncJson(report);
  } catch (err) {
    if (!(err instanceof UserFacingError)) throw err;
    ctx.warn(`not uploaded now: ${err.message}; the session stays queued`);
    return null;
  }
}

// `import-koreader-stats FILE`: reading done before the sync was set up (X8). Turns KOReader's
// statistics.sqlite3 into queued sessions; re-running it, or importing a newer copy, queues only
// what is new. It does not sync: the user runs `sync` (or the daemon picks the sessions up).
import type { Command } from 'commander';
import { importKoreaderStats, type BookOutcome, type ImportReport, type Tally } from '../../app/import-koreader-stats.js';
import { PLUGIN_SESSION_GAP_SECONDS } from '../../core/page-stat-sessions.js';
import { EXIT } from '../../app/exit-codes.js';
import { usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../format-table.js';
import { progressBar } from '../progress-bar.js';

interface ImportOptions {
  dryRun?: boolean;
  includeOpen?: boolean;
  gap: string;
}

const MAX_GAP_SECONDS = 86_400;

function parseGap(text: string): number {
  const gap = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(gap >= 1 && gap <= MAX_GAP_SECONDS)) {
    throw usageError(`--gap: must be a whole number of seconds from 1 to ${MAX_GAP_SECONDS} (got "${text}"); nothing was imported`);
  }
  return gap;
}

function titleOf(book: { title: string | null; koreaderBookId: number | null }): string {
  if (book.title === null || book.title === '') return book.koreaderBookId === null ? '(no book row)' : `(untitled #${book.koreaderBookId})`;
  return book.title.length > 40 ? `${book.title.slice(0, 39)}…` : book.title;
}

/** "2 already imported, 1 still open …": the skipped part of a tally, or '' when none was. */
function skippedReasons(tally: Tally): string {
  const parts: string[] = [];
  if (tally.alreadyImported) parts.push(`${tally.alreadyImported} already imported`);
  if (tally.open) parts.push(`${tally.open} still open (import again later)`);
  if (tally.withoutMd5) parts.push(`${tally.withoutMd5} of books without an MD5`);
  if (tally.invalid) parts.push(`${tally.invalid} invalid`);
  return parts.join(', ');
}

function reportJson(report: ImportReport) {
  return {
    sessions: report.sessions,
    queued: report.queued,
    skipped: report.skipped,
    dryRun: report.dryRun,
    file: report.file,
    gapSeconds: report.gapSeconds,
    rows: report.rows,
    books: report.books,
    alreadyImported: report.alreadyImported,
    open: report.open,
    withoutMd5: report.withoutMd5,
    invalid: report.invalid,
    notMovedForward: report.notMovedForward,
    booksWithoutMd5: report.booksWithoutMd5,
    invalidSessions: report.invalidSessions,
  };
}

function printReport(ctx: CommandContext, report: ImportReport, books: BookOutcome[]): void {
  if (report.dryRun) {
    ctx.print('Dry run: nothing was written.');
    if (books.length > 0) {
      ctx.print(
        formatTable(
          ['book', 'md5', 'sessions', 'to queue', 'skipped'],
          books.map((b) => [titleOf(b), b.md5 ?? '(none)', String(b.sessions), String(b.queued), skippedReasons(b)]),
        ),
      );
    }
  }
  ctx.print(
    `${report.file}: ${report.rows} page turn(s) of ${report.books} book(s), ${report.sessions} session(s) (a new one after a pause of more than ${report.gapSeconds} s).`,
  );
  const reasons = skippedReasons(report);
  ctx.print(`${report.dryRun ? 'Would queue' : 'Queued'} ${report.queued} session(s)${report.skipped ? `; skipped ${report.skipped}: ${reasons}` : ''}.`);
  if (report.booksWithoutMd5.length > 0) {
    ctx.print(
      `Books without an MD5 in KOReader's statistics (BookLore finds books by it, so their sessions were skipped): ${report.booksWithoutMd5.map((b) => `"${titleOf(b)}"`).join(', ')}`,
    );
  }
  for (const invalid of report.invalidSessions) {
    ctx.print(`Invalid session of "${titleOf(invalid)}" ${invalid.startTime} – ${invalid.endTime}: ${invalid.reason}`);
  }
  if (report.invalid > report.invalidSessions.length) ctx.print(`… and ${report.invalid - report.invalidSessions.length} more invalid session(s).`);
}

export function registerImportKoreaderStats(program: Command): void {
  program
    .command('import-koreader-stats')
    .description("queue reading sessions from KOReader's statistics.sqlite3 (reading done before the sync was set up; run `sync` afterwards); re-running it queues nothing twice")
    .argument('<file>', "KOReader's statistics database (koreader/settings/statistics.sqlite3); only read, never changed")
    .option('--dry-run', 'show, per book, what would be queued; write nothing')
    .option(
      '--include-open',
      "also queue sessions that may still be growing (read within the gap of the file's newest entry). For a final copy of " +
        'the file, e.g. from a device no longer used; if that reading did go on, its later part is not imported',
    )
    .option(
      '--gap <seconds>',
      'a pause longer than this between two page turns starts a new session. 300 is the BookLore plugin\'s rule; ' +
        'pauses are measured from page start to page start, so one page read for longer splits a session. ' +
        '1800 (KoInsight\'s 30 minutes) keeps a session whole across long pages and short breaks. ' +
        'Reading time already imported is never queued again, whatever the gap',
      String(PLUGIN_SESSION_GAP_SECONDS),
    )
    .action(
      action<ImportOptions>((ctx, options, [file]) => {
        const gapSeconds = parseGap(options.gap);
        const books: BookOutcome[] = [];
        const bar = progressBar(ctx, 'Importing page turns', 100_000);
        let report: ImportReport;
        try {
          report = importKoreaderStats(ctx.app, file!, {
            gapSeconds,
            dryRun: options.dryRun === true,
            includeOpen: options.includeOpen === true,
            events: {
              progress: (done, total) => bar.update(done, total),
              book: (book) => {
                // Only a dry run lists books; a real import can cover thousands.
                if (options.dryRun) books.push(book);
              },
            },
          });
        } finally {
          bar.stop();
        }
        printReport(ctx, report, books);
        ctx.emitJson(reportJson(report));
        if (!report.dryRun && report.queued > 0) ctx.info('Run `booklore-sync sync` to upload them to BookLore.');
        if (report.open > 0) {
          ctx.info(
            `${report.open} session(s) may still be growing (read within ${report.gapSeconds} s of the file's newest entry); import a newer copy of the file later to queue them whole (or --include-open to queue them now).`,
          );
        }
        return EXIT.ok;
      }),
    );
}

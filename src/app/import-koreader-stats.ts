// KOReader history into the queue (X8): page turns from statistics.sqlite3, grouped into sessions
// (src/core/page-stat-sessions.ts), validated, and queued once. Streams: the file is read row by
// row and sessions are written a batch at a time, so memory does not grow with the file.
import { formatIsoUtc } from '../core/iso-time.js';
import {
  PageTurnGrouper,
  judgePageTurnGroup,
  type GroupContext,
  type PageTurn,
  type PageTurnGroup,
  type StatisticsBook,
} from '../core/page-stat-sessions.js';
import type { Session } from '../core/session.js';
import { KoreaderImportLedger } from '../store/koreader-import-ledger.js';
import { RecordedReading } from '../store/recorded-reading.js';
import { KoreaderStatistics } from './koreader-statistics.js';
import { tableNames } from './queue-database.js';
import { QueueStore } from './queue-store.js';
import type { AppContext, OwnedDatabase, Runtime } from './runtime.js';
import { storageErrorOrSelf } from './storage-errors.js';

export interface ImportOptions {
  gapSeconds: number;
  /** Reads everything, writes nothing, and reports what would be queued. */
  dryRun: boolean;
  /** Queue each book's newest session even if it may still grow (a final copy of the file). */
  includeOpen?: boolean;
  /** Sessions written per transaction (default 1000): few fsyncs, and `record` never waits long for the lock. */
  batchSize?: number;
  events?: {
    progress?: (rowsRead: number, rowsTotal: number) => void;
    /** A book's outcome, once all its sessions are settled. */
    book?: (book: BookOutcome) => void;
  };
}

/** How a book's sessions (or a whole import's) fared. sessions = queued + the skipped ones. */
export interface Tally {
  sessions: number;
  /** Queued now (in a dry run: would be queued). */
  queued: number;
  /** The book's last session, which may still grow in a newer copy of the file. */
  open: number;
  /** Imported before, or already queued or uploaded by other means. */
  alreadyImported: number;
  /** Sessions of books KOReader has no MD5 for: they cannot be matched to a BookLore book. */
  withoutMd5: number;
  /** Sessions that break the session rules. */
  invalid: number;
  /** Page-turn groups whose progress did not move forward: not sessions (the plugin's rule). */
  notMovedForward: number;
}

export interface BookOutcome extends Tally {
  koreaderBookId: number | null;
  title: string | null;
  md5: string | null;
}

export interface InvalidSession {
  koreaderBookId: number | null;
  title: string | null;
  startTime: string;
  endTime: string;
  reason: string;
}

export interface ImportReport extends Tally {
  file: string;
  dryRun: boolean;
  gapSeconds: number;
  /** page_stat_data rows read. */
  rows: number;
  /** Books with page turns. */
  books: number;
  skipped: number;
  booksWithoutMd5: { koreaderBookId: number | null; title: string | null }[];
  /** The first few invalid sessions, with their reasons. */
  invalidSessions: InvalidSession[];
}

const INVALID_EXAMPLES = 20;
const PROGRESS_EVERY_ROWS = 10_000;

function emptyTally(): Tally {
  return { sessions: 0, queued: 0, open: 0, alreadyImported: 0, withoutMd5: 0, invalid: 0, notMovedForward: 0 };
}

/** Where sessions go: the queue, or (dry run) nowhere, with the same duplicate checks. */
interface SessionSink {
  /** Settles a batch of sessions in one transaction: true = queued (would be), false = already there. */
  take(batch: Session[]): boolean[];
  close(): void;
}

class QueueSink implements SessionSink {
  private readonly ledger: KoreaderImportLedger;
  private readonly recorded: RecordedReading;

  constructor(private readonly store: QueueStore) {
    this.ledger = new KoreaderImportLedger(store.db);
    this.recorded = new RecordedReading(store.db);
  }

  take(batch: Session[]): boolean[] {
    return this.store.use((s) =>
      s.db
        .transaction(() =>
          batch.map((session) => {
            if (this.ledger.covers(session)) return false;
            // The same reading, recorded live, is queued or uploaded already.
            if (this.recorded.overlaps(session)) return false;
            const outcome = s.queue.enqueue(session, 'import');
            this.ledger.record(session, outcome.queued ? outcome.id : null, s.nowSeconds());
            return outcome.queued;
          }),
        )
        .immediate(),
    );
  }

  close(): void {
    this.store.close();
  }
}

/** Reads our database read-only, if there is one: a dry run creates and migrates nothing. */
class DryRunSink implements SessionSink {
  private readonly ledger: KoreaderImportLedger | null = null;
  private readonly recorded: RecordedReading | null = null;

  constructor(
    private readonly db: OwnedDatabase | null,
    private readonly path: string,
    private readonly runtime: Runtime,
  ) {
    if (db === null) return;
    try {
      this.ledger = KoreaderImportLedger.ifPresent(db);
      const tables = tableNames(db);
      if (['pending_sessions', 'historical_sessions', 'book_cache', 'bls_book_hashes'].every((t) => tables.includes(t))) {
        this.recorded = new RecordedReading(db);
      }
    } catch (err) {
      db.close();
      throw storageErrorOrSelf(path, err, runtime);
    }
  }

  static open(context: AppContext): DryRunSink {
    const { databasePath: path, runtime } = context;
    if (!runtime.sqlite.exists(path)) return new DryRunSink(null, path, runtime);
    try {
      return new DryRunSink(runtime.sqlite.openReadOnly(path, runtime.sqlite.busyTimeoutMs), path, runtime);
    } catch (err) {
      throw storageErrorOrSelf(path, err, runtime);
    }
  }

  take(batch: Session[]): boolean[] {
    try {
      return batch.map((session) => {
        if (this.ledger !== null && this.ledger.covers(session)) return false;
        return !(this.recorded !== null && this.recorded.overlaps(session));
      });
    } catch (err) {
      throw storageErrorOrSelf(this.path, err, this.runtime);
    }
  }

  close(): void {
    if (this.db !== null && this.db.open) this.db.close();
  }
}

const TALLY_KEYS = Object.keys(emptyTally()) as (keyof Tally)[];

function add(into: Tally, from: Tally): void {
  for (const key of TALLY_KEYS) into[key] += from[key];
}

/**
 * Imports `file` into the queue of `home` (or, dry run, reports what it would queue). The file is
 * checked before our database is opened, so a wrong file leaves nothing behind. Throws a
 * UserFacingError for a file that is not KOReader statistics (exit 2) or an unusable queue.
 */
export function importKoreaderStats(context: AppContext, file: string, options: ImportOptions): ImportReport {
  const statistics = KoreaderStatistics.open(file, context.runtime);
  try {
    const sink = options.dryRun ? DryRunSink.open(context) : new QueueSink(QueueStore.openFor(context));
    try {
      return runImport(statistics, sink, options);
    } finally {
      sink.close();
    }
  } finally {
    statistics.close();
  }
}

function runImport(statistics: KoreaderStatistics, sink: SessionSink, options: ImportOptions): ImportReport {
  const { rows, newestInstant } = statistics.summary();
  const run = new ImportRun(statistics.path, sink, options, newestInstant);
  statistics.forEachPageTurn((koreaderBookId, turn) => {
    run.pageTurn(koreaderBookId, turn, () => statistics.book(koreaderBookId));
    if (run.report.rows % PROGRESS_EVERY_ROWS === 0) options.events?.progress?.(run.report.rows, rows);
  });
  run.finish();
  options.events?.progress?.(run.report.rows, rows);
  return run.report;
}

/**
 * One import's state as the page turns stream by: the book being read, its page-turn groups, and
 * the sessions waiting in a bounded batch (a finished book is reported once its last batch is settled).
 */
class ImportRun {
  readonly report: ImportReport;
  private readonly batchSize: number;
  private readonly grouper: PageTurnGrouper;
  private batch: { session: Session; book: BookOutcome }[] = [];
  private finishedBooks: BookOutcome[] = [];
  private book: StatisticsBook | null = null;
  private outcome: BookOutcome | null = null;

  constructor(
    file: string,
    private readonly sink: SessionSink,
    private readonly options: ImportOptions,
    private readonly newestInstant: number,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.grouper = new PageTurnGrouper(options.gapSeconds);
    this.report = {
      file,
      dryRun: options.dryRun,
      gapSeconds: options.gapSeconds,
      rows: 0,
      books: 0,
      ...emptyTally(),
      skipped: 0,
      booksWithoutMd5: [],
      invalidSessions: [],
    };
  }

  pageTurn(koreaderBookId: number | null, turn: PageTurn, bookOf: () => StatisticsBook): void {
    if (this.book === null || koreaderBookId !== this.book.koreaderBookId) {
      this.finishBook();
      const book = bookOf();
      this.book = book;
      this.outcome = { koreaderBookId, title: book.title, md5: book.md5, ...emptyTally() };
    }
    const closed = this.grouper.add(turn);
    if (closed !== null) this.settle(closed, false);
    this.report.rows++;
  }

  finish(): void {
    this.finishBook();
    this.flush();
    const r = this.report;
    r.skipped = r.open + r.alreadyImported + r.withoutMd5 + r.invalid;
  }

  private settle(group: PageTurnGroup, lastOfBook: boolean): void {
    const { book, outcome, options } = this;
    if (book === null || outcome === null) return;
    const context: GroupContext = { lastOfBook, gapSeconds: options.gapSeconds, newestInstant: this.newestInstant, includeOpen: options.includeOpen === true };
    const verdict = judgePageTurnGroup(group, book, context);
    if (verdict.kind === 'not-forward') {
      outcome.notMovedForward++;
      return;
    }
    outcome.sessions++;
    if (verdict.kind === 'open') outcome.open++;
    else if (verdict.kind === 'no-md5') outcome.withoutMd5++;
    else if (verdict.kind === 'invalid') {
      outcome.invalid++;
      if (this.report.invalidSessions.length < INVALID_EXAMPLES) {
        this.report.invalidSessions.push({
          koreaderBookId: book.koreaderBookId,
          title: book.title,
          startTime: formatIsoUtc(group.startTime),
          endTime: formatIsoUtc(group.endTime),
          reason: verdict.reason,
        });
      }
    } else {
      this.batch.push({ session: verdict.session, book: outcome });
      if (this.batch.length >= this.batchSize) this.flush();
    }
  }

  private finishBook(): void {
    const { book, outcome } = this;
    if (book === null || outcome === null) return;
    const last = this.grouper.finish();
    if (last !== null) this.settle(last, true);
    if (book.md5 === null) this.report.booksWithoutMd5.push({ koreaderBookId: book.koreaderBookId, title: book.title });
    this.report.books++;
    this.finishedBooks.push(outcome);
    if (this.batch.length === 0) this.reportBooks();
  }

  private flush(): void {
    if (this.batch.length > 0) {
      const outcomes = this.sink.take(this.batch.map((b) => b.session));
      this.batch.forEach(({ book }, i) => {
        if (outcomes[i]) book.queued++;
        else book.alreadyImported++;
      });
      this.batch = [];
    }
    this.reportBooks();
  }

  private reportBooks(): void {
    for (const book of this.finishedBooks) {
      add(this.report, book);
      this.options.events?.book?.(book);
    }
    this.finishedBooks = [];
  }
}

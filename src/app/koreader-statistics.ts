// KOReader's statistics.sqlite3, read through the SqlDatabase port from a private snapshot the
// runtime took (the user's file is never opened for writing): the schema check, the quick check,
// and the page turns a book at a time. The same code imports the history on the device and in Node.
import type { PageTurn, StatisticsBook } from '../core/page-stat-sessions.js';
import type { SqlDatabase, SqlStatement } from '../store/sql-database.js';
import { EXIT } from './exit-codes.js';
import type { Runtime, StatisticsSnapshot } from './runtime.js';
import { UserFacingError } from './user-facing-error.js';

export const WHERE_IT_IS = "KOReader's statistics.sqlite3 (in KOReader's settings folder, e.g. koreader/settings/statistics.sqlite3)";

/** What KOReader's statistics plugin has had since 2020 (schema 20201010 and later). */
const REQUIRED_COLUMNS: [string, string[]][] = [
  ['page_stat_data', ['id_book', 'page', 'start_time', 'duration', 'total_pages']],
  ['book', ['id', 'title', 'md5']],
];

/** The file is not what we can import: bad input (exit 2), like a missing book file for `record`. */
export function badStatisticsInput(message: string): UserFacingError {
  return new UserFacingError(message, EXIT.usage);
}

/** SQLite's complaints about the snapshot, said about the user's file. */
export function describeStatisticsError(path: string, err: unknown, runtime: Runtime): UserFacingError {
  if (err instanceof UserFacingError) return err;
  const failure = runtime.sqlite.failure(err);
  const detail = failure?.detail ?? (err instanceof Error ? err.message : `${err}`);
  switch (failure?.kind) {
    case 'corrupt':
      if (detail === 'SQLITE_NOTADB') return badStatisticsInput(`${path} is not a SQLite database; give ${WHERE_IT_IS}`);
      return badStatisticsInput(
        `${path} is damaged (${detail}); nothing was imported. Repair a copy with \`sqlite3 ${path} .recover | sqlite3 repaired.sqlite3\` and import that`,
      );
    case 'full':
    case 'ioerr':
      return new UserFacingError(`reading ${path} failed where its snapshot is kept (${detail}); ${runtime.wording.snapshotSpace}`);
    default:
      return new UserFacingError(`cannot read ${path} as KOReader statistics: ${detail}`);
  }
}

function columnsOf(db: SqlDatabase, table: string): string[] {
  return (db.prepare('SELECT lower(name) FROM pragma_table_info(?)').pluck().all(table) as string[]);
}

/** Refuses a SQLite file of another application, naming what is missing. */
function checkSchema(db: SqlDatabase, path: string): void {
  const tables = db.prepare("SELECT lower(name) FROM sqlite_master WHERE type IN ('table', 'view')").pluck().all() as string[];
  if (!tables.includes('page_stat_data') && tables.includes('page_stat') && columnsOf(db, 'page_stat').includes('period')) {
    throw badStatisticsInput(
      `${path} is KOReader statistics from before 2020 (no page_stat_data table); open KOReader once with the statistics plugin enabled to upgrade it, then import the upgraded file`,
    );
  }
  for (const [table, required] of REQUIRED_COLUMNS) {
    if (!tables.includes(table)) {
      throw badStatisticsInput(`${path} is a SQLite database but not KOReader's statistics (it has no ${table} table); give ${WHERE_IT_IS}`);
    }
    const columns = columnsOf(db, table);
    const missing = required.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw badStatisticsInput(`${path} is not KOReader's statistics as we know them (table ${table} lacks ${missing.join(', ')}); give ${WHERE_IT_IS}`);
    }
  }
}

/**
 * Damage found half-way would stop an import after some batches were queued; a quick check of
 * every page first (about a quarter of a second per million rows) refuses the file up front.
 */
function checkIntact(db: SqlDatabase, path: string): void {
  const problems = db.prepare('PRAGMA quick_check(1)').pluck().get();
  if (problems !== 'ok') {
    throw badStatisticsInput(
      `${path} is damaged (SQLITE_CORRUPT); nothing was imported. Repair a copy with \`sqlite3 ${path} .recover | sqlite3 repaired.sqlite3\` and import that`,
    );
  }
}

interface PageTurnRow {
  p: number;
  s: number;
  d: number;
  t: number;
  r: number;
}

export class KoreaderStatistics {
  private readonly bookById: SqlStatement;

  private constructor(
    readonly path: string,
    private readonly snapshot: StatisticsSnapshot,
    private readonly runtime: Runtime,
  ) {
    this.bookById = snapshot.db.prepare('SELECT title, md5 FROM book WHERE id = ?');
  }

  /** Snapshots and checks `path`; throws a UserFacingError (exit 2) for anything but KOReader statistics. */
  static open(path: string, runtime: Runtime): KoreaderStatistics {
    const snapshot = runtime.snapshotStatistics(path);
    try {
      checkSchema(snapshot.db, path);
      checkIntact(snapshot.db, path);
      return new KoreaderStatistics(path, snapshot, runtime);
    } catch (err) {
      snapshot.discard();
      throw describeStatisticsError(path, err, runtime);
    }
  }

  private get db(): SqlDatabase {
    return this.snapshot.db;
  }

  /** How many page turns the file holds, and its newest instant (latest start + duration). */
  summary(): { rows: number; newestInstant: number } {
    return this.read(() => {
      const row = this.db.prepare('SELECT COUNT(*) AS n, MAX(start_time + duration) AS newest FROM page_stat_data').get() as {
        n: number;
        newest: number | null;
      };
      return { rows: row.n, newestInstant: row.newest ?? 0 };
    });
  }

  /** The book row of a page turn; a page turn of a book that is not in the table gets no title and no MD5. */
  book(koreaderBookId: number | null): StatisticsBook {
    const row =
      koreaderBookId === null ? undefined : (this.read(() => this.bookById.get(koreaderBookId)) as { title: unknown; md5: unknown } | undefined);
    const text = (value: unknown): string | null => (value === null || value === undefined ? null : `${value}`);
    const md5 = text(row?.md5)?.trim() ?? null;
    return { koreaderBookId, title: text(row?.title), md5: md5 === '' ? null : md5 };
  }

  /**
   * Calls `visit` for every page turn, a book at a time (by KOReader's book id), each book's in
   * start-time order (page, then row id, break ties, so every run groups alike). Streams: each book
   * is read `chunkRows` at a time, continuing after the last row read, so memory does not grow
   * with a book. The turn object is reused from row to row; `visit` must copy what it keeps.
   */
  forEachPageTurn(visit: (koreaderBookId: number | null, turn: PageTurn) => void, chunkRows = 10_000): void {
    const turn: PageTurn = { page: 0, startTime: 0, duration: 0, totalPages: 0 };
    const columns = 'SELECT page AS p, start_time AS s, duration AS d, total_pages AS t, rowid AS r FROM page_stat_data WHERE id_book IS @book';
    const first = this.db.prepare(`${columns} ORDER BY start_time, page, rowid LIMIT @limit`);
    const next = this.db.prepare(`${columns} AND (start_time, page, rowid) > (@s, @p, @r) ORDER BY start_time, page, rowid LIMIT @limit`);
    try {
      const books = this.db.prepare('SELECT DISTINCT id_book FROM page_stat_data ORDER BY id_book').pluck().all() as (number | null)[];
      for (const book of books) {
        let rows = first.all({ book, limit: chunkRows }) as PageTurnRow[];
        while (rows.length > 0) {
          for (const row of rows) {
            turn.page = row.p;
            turn.startTime = row.s;
            turn.duration = row.d;
            turn.totalPages = row.t;
            visit(book, turn);
          }
          if (rows.length < chunkRows) break;
          const last = rows[rows.length - 1]!;
          rows = next.all({ book, limit: chunkRows, s: last.s, p: last.p, r: last.r }) as PageTurnRow[];
        }
      }
    } catch (err) {
      // SQLite's errors are about the file (damage found mid-way); anything else is the visitor's own.
      throw this.runtime.sqlite.failure(err) !== null ? describeStatisticsError(this.path, err, this.runtime) : err;
    }
  }

  private read<T>(operation: () => T): T {
    try {
      return operation();
    } catch (err) {
      throw describeStatisticsError(this.path, err, this.runtime);
    }
  }

  /** Closes the snapshot and removes it. */
  close(): void {
    this.snapshot.discard();
  }
}

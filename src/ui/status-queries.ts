// The status page's reads of the queue database: counts, pages of the queue and history, unknown
// fingerprints, reading time. Read-only, one statement each; WAL lets them run while an import or a
// sync writes.
import type Database from 'better-sqlite3';
import type { PendingRow, HistoryRow } from '../store/session-rows.js';
import type { QueueCounts } from './sync-progress.js';

type Db = Database.Database;

export type QueueFilter = 'all' | 'queued' | 'sending' | 'parked' | 'unresolved';

export const QUEUE_FILTERS: readonly QueueFilter[] = ['all', 'queued', 'sending', 'parked', 'unresolved'];

const FILTER_SQL: Record<QueueFilter, string> = {
  all: '1',
  queued: "p.upload_state = 'queued'",
  sending: "p.upload_state = 'sending'",
  parked: "p.upload_state = 'parked'",
  unresolved: "p.book_id IS NULL AND p.book_hash <> ''",
};

export function queueCounts(db: Db): QueueCounts {
  return db
    .prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(upload_state = 'queued'), 0) AS queued,
        COALESCE(SUM(upload_state = 'sending'), 0) AS sending, COALESCE(SUM(upload_state = 'parked'), 0) AS parked,
        COUNT(DISTINCT CASE WHEN book_id IS NULL AND book_hash <> '' THEN book_hash END) AS unresolvedBooks
      FROM pending_sessions`)
    .get() as QueueCounts;
}

export interface QueueRow extends PendingRow {
  backoff_until: number | null;
  backoff_error: string | null;
  reconcile_after: number | null;
}

export function queuePage(db: Db, filter: QueueFilter, offset: number, limit: number): { rows: QueueRow[]; total: number } {
  const where = FILTER_SQL[filter];
  const rows = db
    .prepare(`SELECT p.*, b.next_attempt_at AS backoff_until, b.last_error AS backoff_error
      FROM pending_sessions p LEFT JOIN bls_backoff b ON b.book_id = p.book_id
      WHERE ${where} ORDER BY p.id LIMIT ? OFFSET ?`)
    .all(limit, offset) as QueueRow[];
  const total = db.prepare(`SELECT COUNT(*) FROM pending_sessions p WHERE ${where}`).pluck().get() as number;
  return { rows, total };
}

export interface UnresolvedBook {
  hash: string;
  sessions: number;
  seconds: number;
  title: string | null;
  lastError: string | null;
  filePath: string | null;
}

export function unresolvedBooks(db: Db): UnresolvedBook[] {
  return db
    .prepare(`SELECT p.book_hash AS hash, COUNT(*) AS sessions, SUM(p.duration_seconds) AS seconds,
        MAX(NULLIF(p.book_title, 'Unknown')) AS title, MAX(p.last_error) AS lastError,
        (SELECT c.file_path FROM book_cache c WHERE c.file_hash = p.book_hash ORDER BY c.updated_at DESC LIMIT 1) AS filePath
      FROM pending_sessions p WHERE p.book_id IS NULL AND p.book_hash <> ''
      GROUP BY p.book_hash ORDER BY MIN(p.id) LIMIT 200`)
    .all() as UnresolvedBook[];
}

export function sessionsOfHash(db: Db, hash: string, limit: number): PendingRow[] {
  return db.prepare('SELECT * FROM pending_sessions WHERE book_hash = ? AND book_id IS NULL ORDER BY id LIMIT ?').all(hash, limit) as PendingRow[];
}

export interface HistoryBook {
  bookId: number;
  title: string | null;
  sessions: number;
}

export function historyBooks(db: Db): HistoryBook[] {
  return db
    .prepare(`SELECT book_id AS bookId, MAX(NULLIF(koreader_book_title, 'Unknown')) AS title, COUNT(*) AS sessions
      FROM historical_sessions WHERE synced = 1 AND book_id IS NOT NULL GROUP BY book_id ORDER BY title, book_id`)
    .all() as HistoryBook[];
}

export function historyPage(db: Db, bookId: number | null, offset: number, limit: number): { rows: HistoryRow[]; total: number } {
  const where = bookId === null ? 'synced = 1' : 'synced = 1 AND book_id = @bookId';
  const rows = db
    .prepare(`SELECT * FROM historical_sessions WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
    .all({ bookId, limit, offset }) as HistoryRow[];
  const total = db.prepare(`SELECT COUNT(*) FROM historical_sessions WHERE ${where}`).pluck().get({ bookId }) as number;
  return { rows, total };
}

/** Everything read, uploaded or still queued: the reading happened either way. */
const ALL_READING = `SELECT start_time, duration_seconds, book_id, book_hash, NULLIF(koreader_book_title, 'Unknown') AS title
    FROM historical_sessions WHERE synced = 1
  UNION ALL SELECT start_time, duration_seconds, book_id, book_hash, NULLIF(book_title, 'Unknown') FROM pending_sessions`;

/** Seconds read per UTC day (YYYY-MM-DD) from `fromDay` on. */
export function readingPerDay(db: Db, fromDay: string): Map<string, number> {
  const rows = db
    .prepare(`SELECT substr(start_time, 1, 10) AS day, SUM(duration_seconds) AS seconds FROM (${ALL_READING})
      WHERE start_time >= ? GROUP BY day`)
    .all(fromDay) as { day: string; seconds: number }[];
  return new Map(rows.map((r) => [r.day, r.seconds]));
}

export interface BookReading {
  label: string;
  seconds: number;
  sessions: number;
}

/** The books read most, all time. */
export function readingPerBook(db: Db, limit: number): BookReading[] {
  // A session without a title takes the local file's title (book_cache) for its fingerprint.
  return db
    .prepare(`SELECT COALESCE(g.title, (SELECT c.title FROM book_cache c WHERE c.file_hash = g.hash AND c.title IS NOT NULL LIMIT 1),
          CASE WHEN g.bookId IS NOT NULL THEN 'Book #' || g.bookId ELSE 'Fingerprint ' || substr(g.hash, 1, 8) END) AS label,
        g.seconds, g.sessions
      FROM (SELECT MAX(title) AS title, MAX(book_id) AS bookId, MAX(book_hash) AS hash, SUM(duration_seconds) AS seconds, COUNT(*) AS sessions
        FROM (${ALL_READING}) GROUP BY COALESCE(CAST(book_id AS TEXT), book_hash) ORDER BY seconds DESC LIMIT ?) g`)
    .all(limit) as BookReading[];
}

/** Books whose uploads wait for the server's backoff, and until when. */
export function backoffSummary(db: Db, now: number): { books: number; until: number | null } {
  return db
    .prepare('SELECT COUNT(*) AS books, MAX(next_attempt_at) AS until FROM bls_backoff WHERE next_attempt_at > ?')
    .get(now) as { books: number; until: number | null };
}

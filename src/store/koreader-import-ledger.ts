// Which stretches of reading have been imported from KOReader's statistics (X8). The queue alone
// cannot tell: Clear Pending empties it, and the history keeps uploaded sessions only. The ledger
// keeps every imported session's book and span for good.
import type { SqlDatabase } from './sql-database.js';
import { formatIsoUtc } from '../core/iso-time.js';
import type { Session } from '../core/session.js';

const TABLE = 'bls_koreader_imports';

export class KoreaderImportLedger {
  private readonly statements;

  constructor(db: SqlDatabase) {
    this.statements = {
      // ISO text of fixed width orders like the instants it names.
      sameStart: db.prepare(`SELECT 1 FROM ${TABLE} WHERE book_hash = ? AND start_time = ?`).pluck(),
      latestStartingBefore: db.prepare(
        `SELECT end_time FROM ${TABLE} WHERE book_hash = ? AND start_time < ? ORDER BY start_time DESC LIMIT 1`,
      ).pluck(),
      insert: db.prepare(`INSERT OR IGNORE INTO ${TABLE} (book_hash, start_time, end_time, koreader_book_id, queue_id, imported_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
    };
  }

  /** The ledger of a database opened read-only (a dry run), or null when it has none yet. */
  static ifPresent(db: SqlDatabase): KoreaderImportLedger | null {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(TABLE);
    return exists ? new KoreaderImportLedger(db) : null;
  }

  /**
   * Whether some of this session's reading was imported before. Overlap, not an exact match: an
   * import with another --gap groups the same page turns differently, and the time already sent
   * must not be sent again. The ledger never holds two overlapping spans of a book, so the one
   * starting last before this session ends is the only one that can overlap it.
   */
  covers(session: Session): boolean {
    const hash = session.bookHash ?? '';
    const start = formatIsoUtc(session.startTime);
    if (this.statements.sameStart.get(hash, start) !== undefined) return true;
    const end = this.statements.latestStartingBefore.get(hash, formatIsoUtc(session.endTime)) as string | undefined;
    return end !== undefined && end > start;
  }

  record(session: Session, queueId: number | null, nowSeconds: number): void {
    this.statements.insert.run(
      session.bookHash ?? '',
      formatIsoUtc(session.startTime),
      formatIsoUtc(session.endTime),
      session.koreaderBookId,
      queueId,
      nowSeconds,
    );
  }
}

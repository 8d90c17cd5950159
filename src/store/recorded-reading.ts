// KOReader's statistics also hold the reading a live session already sent (the plugin, `record`):
// the same minutes, grouped differently, so never the same start and end. An imported session that
// overlaps such a session of the same book is that reading again, and is not queued (X8: past
// reading reaches BookLore, once). Over-skipping a sliver of reading is the lesser harm: BookLore
// would count a duplicate twice in every statistic.
import { formatIsoUtc } from '../core/iso-time.js';
import type { Session } from '../core/session.js';
import type { SqlDatabase, SqlStatement } from './sql-database.js';
import { RECORDED_READING_SQL as SQL } from './sql/recorded-reading-sql.js';

export class RecordedReading {
  private readonly overlapping: SqlStatement;
  private readonly anyForBook: SqlStatement;
  /** Per fingerprint: whether the book had any live session when first asked (one import's lifetime). */
  private readonly bookHasSessions = new Map<string, boolean>();

  constructor(db: SqlDatabase) {
    this.overlapping = db.prepare(SQL.overlapping).pluck();
    this.anyForBook = db.prepare(SQL.anyForBook).pluck();
  }

  /** Whether a queued or uploaded session of the same book overlaps this one in time. */
  overlaps(session: Session): boolean {
    const hash = session.bookHash;
    if (hash === null || hash === '') return false;
    // A book nothing was recorded for needs no check per session: the import's own rows are
    // the ledger's business.
    let any = this.bookHasSessions.get(hash);
    if (any === undefined) {
      any = this.anyForBook.get({ hash }) !== undefined;
      this.bookHasSessions.set(hash, any);
    }
    if (!any) return false;
    return this.overlapping.get({ hash, start: formatIsoUtc(session.startTime), end: formatIsoUtc(session.endTime) }) !== undefined;
  }
}

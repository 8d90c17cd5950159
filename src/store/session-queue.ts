// The durable queue: what `record`, `pending`, `history` and `clear-pending` (and the KOReader
// plugin's menu) read and write. Each write is one transaction on a database with
// synchronous=FULL, so once a method returns the session survives a crash or power loss (S1).
// Written against the SqlDatabase port: the Node tool and the KOReader plugin run this same code.
import { formatIsoUtc } from '../core/iso-time.js';
import type { Session } from '../core/session.js';
import type { HistoryRow, PendingRow } from './session-rows.js';
import { idsJson, type SqlDatabase } from './sql-database.js';
import { retryParkedSql, SESSION_QUEUE_SQL as SQL } from './sql/session-queue-sql.js';

export type SessionSource = 'record' | 'import';

/** The session's natural key as the queue's columns hold it. */
interface NaturalKey {
  start: string;
  end: string;
  hash: string | null;
  bookId: number | null;
}

export type EnqueueResult =
  | { queued: true; id: number }
  | { queued: false; duplicateOf: { where: 'pending' | 'history'; id: number } };

export class SessionQueue {
  private readonly statements;

  private readonly enqueueAtomically;

  constructor(
    readonly db: SqlDatabase,
    private readonly nowSeconds: () => number,
  ) {
    this.enqueueAtomically = db.transaction((session: Session, source: SessionSource, key: NaturalKey) => this.insertIfNew(session, source, key));
    this.statements = {
      pendingDuplicate: db.prepare(SQL.pendingDuplicate).pluck(),
      historyDuplicate: db.prepare(SQL.historyDuplicate).pluck(),
      insert: db.prepare(SQL.insert),
      pending: db.prepare(SQL.pending),
      history: db.prepare(SQL.history),
      pendingCount: db.prepare(SQL.pendingCount).pluck(),
      clear: db.prepare(SQL.clear),
    };
  }

  private duplicateOf(key: NaturalKey) {
    const pendingId = this.statements.pendingDuplicate.get(key) as number | undefined;
    if (pendingId !== undefined) return { where: 'pending' as const, id: pendingId };
    const historyId = this.statements.historyDuplicate.get(key) as number | undefined;
    if (historyId !== undefined) return { where: 'history' as const, id: historyId };
    return null;
  }

  /**
   * Queues a validated session unless the same session (same book, start and end to the second)
   * is already queued or uploaded: BookLore would store a second copy (booklore-server.md §1.4).
   */
  enqueue(session: Session, source: SessionSource): EnqueueResult {
    const key: NaturalKey = {
      start: formatIsoUtc(session.startTime),
      end: formatIsoUtc(session.endTime),
      hash: session.bookHash,
      bookId: session.bookId,
    };
    // Inside a caller's transaction (an import writes 1,000 at a time) a savepoint per session
    // would only add cost: the caller's transaction already makes the batch atomic.
    return this.db.inTransaction ? this.insertIfNew(session, source, key) : this.enqueueAtomically.immediate(session, source, key);
  }

  private insertIfNew(session: Session, source: SessionSource, key: NaturalKey): EnqueueResult {
    const duplicate = this.duplicateOf(key);
    if (duplicate) return { queued: false, duplicateOf: duplicate };
    const info = this.statements.insert.run({
      ...key,
      hashText: session.bookHash ?? '', // NOT NULL in the plugin's schema
      bookType: session.bookType,
      title: session.bookTitle,
      koreaderBookId: session.koreaderBookId,
      duration: session.durationSeconds,
      startProgress: session.startProgress,
      endProgress: session.endProgress,
      progressDelta: session.progressDelta,
      startLocation: session.startLocation,
      endLocation: session.endLocation,
      now: this.nowSeconds(),
      source,
    });
    return { queued: true, id: Number(info.lastInsertRowid) };
  }

  pending(): PendingRow[] {
    return this.statements.pending.all() as PendingRow[];
  }

  history(limit: number): HistoryRow[] {
    return this.statements.history.all(limit) as HistoryRow[];
  }

  pendingCount(): number {
    return this.statements.pendingCount.get() as number;
  }

  /**
   * X3/X7: the user says which BookLore book these sessions belong to (by fingerprint or by queue id).
   * Parked sessions among them go back to the queue. Sessions on the wire are left alone.
   */
  attachBookId(target: { hash: string } | { ids: number[] }, bookId: number): number {
    const where = 'hash' in target ? 'book_hash = @hash' : 'id IN (SELECT value FROM json_each(@ids))';
    return this.db
      .prepare(`UPDATE pending_sessions SET book_id = @bookId, last_error = NULL,
          upload_state = CASE WHEN upload_state = 'parked' THEN 'queued' ELSE upload_state END
        WHERE ${where} AND upload_state <> 'sending'`)
      .run({ bookId, hash: 'hash' in target ? target.hash : null, ids: 'ids' in target ? idsJson(target.ids) : '[]' }).changes;
  }

  /** X2: parked sessions go back to the queue once their cause is fixed; returns how many. */
  retryParked(ids: number[] | null): number {
    return this.db
      .prepare(retryParkedSql(ids !== null))
      .run({ ids: idsJson(ids ?? []) }).changes;
  }

  /** Clear Pending (S7): permanently deletes every queued session; returns how many. */
  clearPending(): number {
    return this.db.transaction(() => this.statements.clear.run().changes).immediate();
  }
}

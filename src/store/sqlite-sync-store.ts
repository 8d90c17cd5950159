// The sync engine's store port on the queue database. Every method is one transaction; ids go in
// as a JSON array (json_each) so a batch of 100 is one statement, not 100.
import type Database from 'better-sqlite3';
import type { Backoff, Capabilities, InFlightGroup, QueuedSession, SyncStore, UploadGroup } from '../core/sync/store-port.js';
import { BookCache } from './book-cache.js';
import type { SyncLease } from './sync-lease.js';

const SESSION_COLUMNS = `p.id, p.book_id AS bookId, NULLIF(p.book_hash, '') AS bookHash, p.book_type AS bookType,
  p.book_title AS bookTitle, p.start_time AS startTime, p.end_time AS endTime, p.duration_seconds AS durationSeconds,
  p.start_progress AS startProgress, p.end_progress AS endProgress, p.progress_delta AS progressDelta,
  p.start_location AS startLocation, p.end_location AS endLocation, COALESCE(p.retry_count, 0) AS retryCount`;

/** The same session (book, start, end) is already in the history as uploaded. */
const ALREADY_UPLOADED = `EXISTS (SELECT 1 FROM historical_sessions h WHERE h.synced = 1
  AND h.start_time = p.start_time AND h.end_time = p.end_time
  AND (h.book_id = p.book_id OR (p.book_hash <> '' AND h.book_hash = p.book_hash)))`;

const IDS = 'SELECT value FROM json_each(@ids)';

type Row = Omit<QueuedSession, 'alreadyUploaded'> & { alreadyUploaded: number };

function toSession(row: Row): QueuedSession {
  return { ...row, alreadyUploaded: row.alreadyUploaded === 1 };
}

export class SqliteSyncStore implements SyncStore {
  private readonly s;
  private readonly books: BookCache;

  constructor(
    private readonly db: Database.Database,
    private readonly serverKey: string,
    private readonly lease: SyncLease | null,
  ) {
    this.books = new BookCache(db, () => Math.floor(Date.now() / 1000));
    this.s = {
      inFlight: db.prepare(`SELECT ${SESSION_COLUMNS}, 0 AS alreadyUploaded FROM pending_sessions p
        WHERE p.upload_state = 'sending' ORDER BY p.book_id, p.id`),
      inFlightCount: db.prepare("SELECT COUNT(*) FROM pending_sessions WHERE upload_state = 'sending'").pluck(),
      unresolved: db.prepare(`SELECT book_hash AS hash, MAX(book_title) AS title FROM pending_sessions
        WHERE book_id IS NULL AND book_hash <> '' AND upload_state = 'queued' GROUP BY book_hash ORDER BY MIN(id)`),
      knownOnServer: db.prepare('SELECT book_id FROM bls_book_hashes WHERE server_url = ? AND book_hash = ?').pluck(),
      knownInCache: db.prepare('SELECT book_id FROM book_cache WHERE file_hash = ? AND book_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1').pluck(),
      // An import guesses the type (KOReader's statistics have no file name): the server knows it.
      assign: db.prepare(`UPDATE pending_sessions SET book_id = @bookId, last_error = NULL, book_title = COALESCE(book_title, @title),
          book_type = CASE WHEN source = 'import' AND @bookType IS NOT NULL THEN @bookType ELSE book_type END
        WHERE book_hash = @hash AND book_id IS NULL AND upload_state <> 'sending'`),
      noteUnresolved: db.prepare('UPDATE pending_sessions SET last_error = @reason WHERE book_hash = @hash AND book_id IS NULL'),
      groups: db.prepare(`SELECT book_id AS bookId, COUNT(*) AS count FROM pending_sessions
        WHERE upload_state = 'queued' AND book_id IS NOT NULL GROUP BY book_id ORDER BY MIN(id)`),
      uploadable: db.prepare(`SELECT ${SESSION_COLUMNS}, ${ALREADY_UPLOADED} AS alreadyUploaded FROM pending_sessions p
        WHERE p.upload_state = 'queued' AND p.book_id = @bookId AND p.id > @afterId ORDER BY p.id LIMIT @limit`),
      markSending: db.prepare(`UPDATE pending_sessions SET upload_state = 'sending', attempt_started_at = @now WHERE id IN (${IDS})`),
      // One statement per batch: per-row INSERT … SELECT costs several times more (measured).
      archive: db.prepare(`INSERT INTO historical_sessions (koreader_book_id, koreader_book_title, book_id, book_hash, book_type,
          start_time, end_time, duration_seconds, start_progress, end_progress, progress_delta, start_location, end_location,
          created_at, matched, synced, synced_at, server_session_id, queue_id)
        SELECT COALESCE(p.koreader_book_id, -p.id), COALESCE(p.book_title, 'Unknown'), p.book_id, p.book_hash, COALESCE(p.book_type, 'EPUB'),
          p.start_time, p.end_time, p.duration_seconds, p.start_progress, p.end_progress, p.progress_delta, p.start_location, p.end_location,
          p.created_at, 1, 1, @now, json_extract(j.value, '$.serverSessionId'), p.id
        FROM json_each(@items) j JOIN pending_sessions p ON p.id = json_extract(j.value, '$.id')
        WHERE true
        ON CONFLICT(koreader_book_id, start_time, end_time) DO UPDATE SET
          synced = 1, matched = 1, book_id = excluded.book_id, synced_at = excluded.synced_at,
          server_session_id = COALESCE(excluded.server_session_id, historical_sessions.server_session_id),
          queue_id = excluded.queue_id`),
      remove: db.prepare(`DELETE FROM pending_sessions WHERE id IN (${IDS})`),
      failed: db.prepare(`UPDATE pending_sessions SET upload_state = 'queued', retry_count = COALESCE(retry_count, 0) + 1,
        last_retry_at = @now, last_error = @error WHERE id IN (${IDS})`),
      park: db.prepare(`UPDATE pending_sessions SET upload_state = 'parked', retry_count = COALESCE(retry_count, 0) + 1,
        last_retry_at = @now, last_error = @error WHERE id IN (${IDS})`),
      requeue: db.prepare(`UPDATE pending_sessions SET upload_state = 'queued', last_error = COALESCE(@note, last_error) WHERE id IN (${IDS})`),
      noteUnknown: db.prepare(`UPDATE pending_sessions SET last_error = @note WHERE id IN (${IDS})`),
      backoff: db.prepare('SELECT failures, next_attempt_at AS nextAttemptAt FROM bls_backoff WHERE book_id = ?'),
      setBackoff: db.prepare(`INSERT INTO bls_backoff (book_id, failures, next_attempt_at, last_error) VALUES (@bookId, @failures, @next, @error)
        ON CONFLICT(book_id) DO UPDATE SET failures = excluded.failures, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error`),
      clearBackoff: db.prepare('DELETE FROM bls_backoff WHERE book_id = ?'),
      capabilities: db.prepare('SELECT batch_upload AS batchUpload, hash_lookup AS hashLookup, checked_at AS checkedAt FROM bls_server_capabilities WHERE server_url = ?'),
      saveCapabilities: db.prepare(`INSERT INTO bls_server_capabilities (server_url, batch_upload, hash_lookup, checked_at) VALUES (@server, @batch, @lookup, @checkedAt)
        ON CONFLICT(server_url) DO UPDATE SET batch_upload = excluded.batch_upload, hash_lookup = excluded.hash_lookup, checked_at = excluded.checked_at`),
      pendingCount: db.prepare('SELECT COUNT(*) FROM pending_sessions').pluck(),
    };
  }

  inFlight(): InFlightGroup[] {
    const groups: InFlightGroup[] = [];
    const orphans: number[] = [];
    for (const row of this.s.inFlight.all() as Row[]) {
      if (row.bookId === null) {
        orphans.push(row.id); // cannot have been sent without a book id
        continue;
      }
      const last = groups[groups.length - 1];
      if (last && last.bookId === row.bookId) last.sessions.push(toSession(row));
      else groups.push({ bookId: row.bookId, sessions: [toSession(row)] });
    }
    if (orphans.length > 0) this.requeue(orphans, null);
    return groups;
  }

  inFlightCount(): number {
    return this.s.inFlightCount.get() as number;
  }

  unresolvedHashes(): { hash: string; title: string | null }[] {
    return this.s.unresolved.all() as { hash: string; title: string | null }[];
  }

  knownBookId(hash: string): number | null {
    const onServer = this.s.knownOnServer.get(this.serverKey, hash) as number | undefined;
    if (onServer !== undefined) return onServer;
    return (this.s.knownInCache.get(hash) as number | undefined) ?? null;
  }

  assignBookId(hash: string, bookId: number, book: { title: string | null; bookType: string | null }): number {
    return this.db.transaction(() => {
      this.books.rememberServerBookId(this.serverKey, hash, bookId);
      this.books.setBookIdForHash(hash, bookId);
      return this.s.assign.run({ bookId, hash, title: book.title, bookType: book.bookType }).changes;
    })();
  }

  noteUnresolved(hash: string, reason: string): void {
    this.s.noteUnresolved.run({ hash, reason });
  }

  uploadGroups(): UploadGroup[] {
    return this.s.groups.all() as UploadGroup[];
  }

  uploadable(bookId: number, afterId: number, limit: number): QueuedSession[] {
    return (this.s.uploadable.all({ bookId, afterId, limit }) as Row[]).map(toSession);
  }

  markSending(ids: number[], now: number): void {
    this.s.markSending.run({ ids: JSON.stringify(ids), now });
  }

  /**
   * Committed without waiting for the disk (synchronous=NORMAL): if power fails before the next
   * commit reaches it, these sessions fall back to "sending" and the next sync finds them on the
   * server (X1). Only marking them as sent must be on disk before the request leaves.
   */
  settleUploaded(items: { id: number; serverSessionId: number | null }[], now: number): void {
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        this.s.archive.run({ items: JSON.stringify(items), now });
        this.s.remove.run({ ids: JSON.stringify(items.map((i) => i.id)) });
      })();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  dropAlreadyUploaded(ids: number[]): void {
    this.s.remove.run({ ids: JSON.stringify(ids) });
  }

  settleFailed(ids: number[], error: string, now: number): void {
    this.s.failed.run({ ids: JSON.stringify(ids), error, now });
  }

  park(ids: number[], reason: string, now: number): void {
    this.s.park.run({ ids: JSON.stringify(ids), error: reason, now });
  }

  requeue(ids: number[], note: string | null): void {
    this.s.requeue.run({ ids: JSON.stringify(ids), note });
  }

  noteUnknown(ids: number[], note: string): void {
    this.s.noteUnknown.run({ ids: JSON.stringify(ids), note });
  }

  backoff(bookId: number): Backoff | null {
    return (this.s.backoff.get(bookId) as Backoff | undefined) ?? null;
  }

  setBackoff(bookId: number, backoff: Backoff, error: string): void {
    this.s.setBackoff.run({ bookId, failures: backoff.failures, next: backoff.nextAttemptAt, error });
  }

  clearBackoff(bookId: number): void {
    this.s.clearBackoff.run(bookId);
  }

  capabilities(serverKey: string): Capabilities | null {
    const row = this.s.capabilities.get(serverKey) as { batchUpload: number | null; hashLookup: number | null; checkedAt: number } | undefined;
    if (!row) return null;
    const flag = (value: number | null) => (value === null ? null : value === 1);
    return { batchUpload: flag(row.batchUpload), hashLookup: flag(row.hashLookup), checkedAt: row.checkedAt };
  }

  saveCapabilities(serverKey: string, c: Capabilities): void {
    const flag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);
    this.s.saveCapabilities.run({ server: serverKey, batch: flag(c.batchUpload), lookup: flag(c.hashLookup), checkedAt: c.checkedAt });
  }

  pendingCount(): number {
    return this.s.pendingCount.get() as number;
  }

  stillOwnsSync(): boolean {
    return this.lease === null || this.lease.renew();
  }
}

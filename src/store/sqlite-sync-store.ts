// The sync engine's store port on the queue database. Every method is one transaction; ids go in
// as a JSON array (json_each) so a batch of 100 is one statement, not 100. Written against the
// SqlDatabase port: the Node tool and the KOReader plugin settle sessions with this same code.
import { integerText } from '../core/booklore/integer-text.js';
import type { Backoff, Capabilities, InFlightGroup, InFlightSession, KnownBook, QueuedSession, SyncStore, UnresolvedHash, UploadGroup } from '../core/sync/store-port.js';
import { BookCache } from './book-cache.js';
import { idsJson, type SqlDatabase } from './sql-database.js';
import { SYNC_STORE_SQL as SQL } from './sql/sync-store-sql.js';
import type { SyncLease } from './sync-lease.js';

type Row = Omit<QueuedSession, 'alreadyUploaded'> & { alreadyUploaded: number };

function toSession(row: Row): QueuedSession {
  return { ...row, alreadyUploaded: row.alreadyUploaded === 1 };
}

/** `[{"id":1,"serverSessionId":7}, …]` for json_each(@items): JSON.stringify's text, also in Lua. */
function settledItemsJson(items: readonly { id: number; serverSessionId: number | null }[]): string {
  const parts = items.map(
    (i) => `{"id":${integerText(i.id)},"serverSessionId":${i.serverSessionId === null || i.serverSessionId === undefined ? 'null' : integerText(i.serverSessionId)}}`,
  );
  return `[${parts.join(',')}]`;
}

export class SqliteSyncStore implements SyncStore {
  private readonly s;
  private readonly books: BookCache;

  private readonly wal: boolean;

  constructor(
    private readonly db: SqlDatabase,
    private readonly serverKey: string,
    private readonly lease: SyncLease | null,
    /** Wall clock (epoch seconds) for the book cache's timestamps. */
    nowSeconds: () => number,
  ) {
    this.books = new BookCache(db, nowSeconds);
    this.wal = String(db.prepare('PRAGMA journal_mode').pluck().get()).toLowerCase() === 'wal';
    this.s = {
      inFlight: db.prepare(SQL.inFlight),
      inFlightCount: db.prepare(SQL.inFlightCount).pluck(),
      unresolved: db.prepare(SQL.unresolved),
      knownOnServer: db.prepare(SQL.knownOnServer),
      knownInCache: db.prepare(SQL.knownInCache).pluck(),
      assign: db.prepare(SQL.assign),
      noteUnresolved: db.prepare(SQL.noteUnresolved),
      groups: db.prepare(SQL.groups),
      uploadable: db.prepare(SQL.uploadable),
      markSending: db.prepare(SQL.markSending),
      archive: db.prepare(SQL.archive),
      remove: db.prepare(SQL.remove),
      failed: db.prepare(SQL.failed),
      park: db.prepare(SQL.park),
      requeue: db.prepare(SQL.requeue),
      noteUnknown: db.prepare(SQL.noteUnknown),
      backoff: db.prepare(SQL.backoff),
      setBackoff: db.prepare(SQL.setBackoff),
      clearBackoff: db.prepare(SQL.clearBackoff),
      capabilities: db.prepare(SQL.capabilities),
      saveCapabilities: db.prepare(SQL.saveCapabilities),
      pendingCount: db.prepare(SQL.pendingCount).pluck(),
    };
  }

  inFlight(graceSeconds: number): InFlightGroup[] {
    const groups: InFlightGroup[] = [];
    const orphans: number[] = [];
    for (const row of this.s.inFlight.all({ grace: graceSeconds }) as (Row & { resendAfter: number })[]) {
      if (row.bookId === null) {
        orphans.push(row.id); // cannot have been sent without a book id
        continue;
      }
      const session: InFlightSession = { ...toSession(row), resendAfter: row.resendAfter };
      const last = groups[groups.length - 1];
      if (last && last.bookId === row.bookId) last.sessions.push(session);
      else groups.push({ bookId: row.bookId, sessions: [session] });
    }
    if (orphans.length > 0) this.requeue(orphans, null);
    return groups;
  }

  inFlightCount(): number {
    return this.s.inFlightCount.get() as number;
  }

  unresolvedHashes(): UnresolvedHash[] {
    return (this.s.unresolved.all() as { hash: string; title: string | null; typeGuessed: number | null }[]).map((row) => ({
      hash: row.hash,
      title: row.title,
      typeGuessed: row.typeGuessed === 1,
    }));
  }

  knownBook(hash: string): KnownBook | null {
    const onServer = this.s.knownOnServer.get(this.serverKey, hash) as KnownBook | undefined;
    if (onServer !== undefined) return { bookId: onServer.bookId, bookType: onServer.bookType ?? null };
    const inCache = this.s.knownInCache.get(hash) as number | undefined;
    return inCache === undefined ? null : { bookId: inCache, bookType: null };
  }

  assignBookId(hash: string, bookId: number, book: { title: string | null; bookType: string | null }): number {
    return this.db.transaction(() => {
      this.books.rememberServerBookId(this.serverKey, hash, bookId, book.bookType);
      this.books.setBookIdForHash(hash, bookId);
      return this.s.assign.run({ bookId, hash, title: book.title, bookType: book.bookType }).changes;
    }).deferred();
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
    this.s.markSending.run({ ids: idsJson(ids), now });
  }

  /**
   * In WAL, committed without waiting for the disk (synchronous=NORMAL): if power fails before the next
   * commit reaches it, these sessions fall back to "sending" and the next sync finds them on the
   * server (X1). Only marking them as sent must be on disk before the request leaves.
   */
  settleUploaded(items: { id: number; serverSessionId: number | null }[], now: number): void {
    const settle = () =>
      this.db.transaction(() => {
        this.s.archive.run({ items: settledItemsJson(items), now });
        this.s.remove.run({ ids: idsJson(items.map((i) => i.id)) });
      }).deferred();
    // Only in WAL: with a rollback journal (the plugin on file systems without WAL) NORMAL can
    // corrupt the file on power loss, not just lose the last commit.
    if (!this.wal) {
      settle();
      return;
    }
    this.db.pragma('synchronous = NORMAL');
    try {
      settle();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  dropAlreadyUploaded(ids: number[]): void {
    this.s.remove.run({ ids: idsJson(ids) });
  }

  settleFailed(ids: number[], error: string, now: number): void {
    this.s.failed.run({ ids: idsJson(ids), error, now });
  }

  park(ids: number[], reason: string, now: number): void {
    this.s.park.run({ ids: idsJson(ids), error: reason, now });
  }

  requeue(ids: number[], note: string | null): void {
    this.s.requeue.run({ ids: idsJson(ids), note });
  }

  noteUnknown(ids: number[], note: string, reconcileAfter: number): void {
    this.s.noteUnknown.run({ ids: idsJson(ids), note, after: reconcileAfter });
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

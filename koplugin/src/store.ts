// The queue database as the plugin uses it: the durable queue (SessionQueue), the book cache
// (BookCache), the sync engine's store port (SqliteSyncStore) and the sync lease (SyncLease) of
// src/store, over the same SQL text (src/store/sql) and with the same semantics, method by method.
// Every method is one transaction, so a crash between two calls leaves a queue the next sync (in
// this plugin, the original plugin's schema, or the Node tool) understands.
import { formatIsoUtc } from '../../src/core/iso-time.js';
import type { Session } from '../../src/core/session.js';
import type { Backoff, Capabilities, InFlightGroup, QueuedSession, SyncStore, UploadGroup } from '../../src/core/sync/store-port.js';
import { BOOK_CACHE_SQL } from '../../src/store/sql/book-cache-sql.js';
import { retryParkedSql, SESSION_QUEUE_SQL } from '../../src/store/sql/session-queue-sql.js';
import { SYNC_LEASE_SQL } from '../../src/store/sql/sync-lease-sql.js';
import { SYNC_STORE_SQL } from '../../src/store/sql/sync-store-sql.js';
import type { PendingRow, HistoryRow } from '../../src/store/session-rows.js';
import { integerText } from './json.js';
import { currentProcess, processAlive } from './process-info.js';
import type { Database } from './sqlite.js';

/** A JSON array of ids for `json_each(@ids)`. */
function idsJson(ids: number[]): string {
  return `[${ids.map((id) => integerText(id)).join(',')}]`;
}

/** A server URL without trailing slashes: how bls_book_hashes keys its rows (BookCache does the same). */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === '/') end--;
  return text.substring(0, end);
}

export type SessionSource = 'record' | 'import';

export type EnqueueResult =
  | { queued: true; id: number }
  | { queued: false; duplicateOf: { where: 'pending' | 'history'; id: number } };

/** src/store/session-queue.ts */
export class SessionQueue {
  constructor(
    private readonly db: Database,
    private readonly nowSeconds: () => number,
  ) {}

  private duplicateOf(key: { start: string; end: string; hash: string | null; bookId: number | null }) {
    const pendingId = this.db.prepare(SESSION_QUEUE_SQL.pendingDuplicate).pluck().get(key) as number | undefined;
    if (pendingId !== undefined) return { where: 'pending' as const, id: pendingId };
    const historyId = this.db.prepare(SESSION_QUEUE_SQL.historyDuplicate).pluck().get(key) as number | undefined;
    if (historyId !== undefined) return { where: 'history' as const, id: historyId };
    return null;
  }

  /** Queues a validated session unless the same one (book, start, end) is queued or uploaded already. */
  enqueue(session: Session, source: SessionSource): EnqueueResult {
    const key = {
      start: formatIsoUtc(session.startTime),
      end: formatIsoUtc(session.endTime),
      hash: session.bookHash,
      bookId: session.bookId,
    };
    return this.db.transaction((): EnqueueResult => {
      const duplicate = this.duplicateOf(key);
      if (duplicate) return { queued: false, duplicateOf: duplicate };
      const info = this.db.prepare(SESSION_QUEUE_SQL.insert).run({
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
      return { queued: true, id: info.lastInsertRowid };
    });
  }

  pending(): PendingRow[] {
    return this.db.prepare(SESSION_QUEUE_SQL.pending).all() as PendingRow[];
  }

  history(limit: number): HistoryRow[] {
    return this.db.prepare(SESSION_QUEUE_SQL.history).all(limit) as HistoryRow[];
  }

  pendingCount(): number {
    return this.db.prepare(SESSION_QUEUE_SQL.pendingCount).pluck().get() as number;
  }

  /** X2: parked sessions back into the queue once their cause is fixed; returns how many. */
  retryParked(): number {
    return this.db.prepare(retryParkedSql(false)).run({ ids: '[]' }).changes;
  }

  /** Clear Pending (S7): permanently deletes every queued session; returns how many. */
  clearPending(): number {
    return this.db.transaction(() => this.db.prepare(SESSION_QUEUE_SQL.clear).run().changes);
  }
}

/** src/store/book-cache.ts */
export class BookCache {
  constructor(
    private readonly db: Database,
    private readonly nowSeconds: () => number,
  ) {}

  bookIdForHash(hash: string): number | null {
    return (this.db.prepare(BOOK_CACHE_SQL.bookIdByHash).pluck().get(hash) as number | undefined) ?? null;
  }

  remember(path: string, hash: string, title: string): void {
    this.db.prepare(BOOK_CACHE_SQL.upsert).run({ path, hash, title, now: this.nowSeconds() });
  }

  rememberServerBookId(server: string, hash: string, bookId: number): void {
    this.db.prepare(BOOK_CACHE_SQL.rememberServer).run({ server: withoutTrailingSlashes(server), hash, bookId, now: this.nowSeconds() });
  }

  setBookIdForHash(hash: string, bookId: number): void {
    this.db.prepare(BOOK_CACHE_SQL.setBookId).run(bookId, this.nowSeconds(), hash);
  }
}

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  expires_at: number;
}

/**
 * src/store/sync-lease.ts: one sync at a time per database, across processes (this plugin, the
 * original plugin does not take part, the Node tool does). The same row and rules: a holder on
 * this host whose process is gone, or any holder whose lease expired, is taken over.
 */
export class SyncLease {
  readonly owner: string;
  private lastRenew = 0;
  private held = false;
  private readonly me = currentProcess();

  constructor(
    private readonly db: Database,
    private readonly nowSeconds: () => number,
    random: () => number,
    private readonly ttlSeconds = 60,
  ) {
    let tag = '';
    for (let i = 0; i < 8; i++) tag += string.format('%x', Math.floor(random() * 16) % 16);
    this.owner = `${this.me.host}:${this.me.pid}:${tag}`;
  }

  holder(): LeaseRow | null {
    const row = this.db.prepare(SYNC_LEASE_SQL.holder).get() as LeaseRow | undefined;
    if (row === undefined || this.isStale(row)) return null;
    return row;
  }

  private isStale(row: LeaseRow): boolean {
    if (row.host === this.me.host) {
      const alive = processAlive(row.pid);
      if (alive !== null) return !alive;
    }
    return row.expires_at < this.nowSeconds();
  }

  tryAcquire(): boolean {
    const taken = this.db.transaction(() => {
      const row = this.db.prepare(SYNC_LEASE_SQL.holder).get() as LeaseRow | undefined;
      if (row !== undefined && row.owner !== this.owner && !this.isStale(row)) return false;
      const now = this.nowSeconds();
      this.db.prepare(SYNC_LEASE_SQL.take).run(this.owner, this.me.pid, this.me.host, now, now + this.ttlSeconds);
      return true;
    });
    if (taken) {
      this.held = true;
      this.lastRenew = this.nowSeconds();
    }
    return taken;
  }

  /** Polls until the lease is ours or `timeoutSeconds` pass (blocking: KOReader is single-threaded). */
  acquire(timeoutSeconds: number, sleep: (seconds: number) => void, clock: () => number): boolean {
    const deadline = clock() + timeoutSeconds;
    for (;;) {
      if (this.tryAcquire()) return true;
      if (clock() >= deadline) return false;
      sleep(0.1);
    }
  }

  renew(): boolean {
    if (!this.held) return false;
    const now = this.nowSeconds();
    if (now - this.lastRenew < this.ttlSeconds / 3) return true;
    const changes = this.db.prepare(SYNC_LEASE_SQL.renew).run(now + this.ttlSeconds, this.owner).changes;
    this.held = changes === 1;
    if (this.held) this.lastRenew = now;
    return this.held;
  }

  release(): void {
    if (!this.held || !this.db.open) return;
    this.db.prepare(SYNC_LEASE_SQL.release).run(this.owner);
    this.held = false;
  }
}

type Row = Omit<QueuedSession, 'alreadyUploaded'> & { alreadyUploaded: number };

function toSession(row: Row): QueuedSession {
  return { ...row, alreadyUploaded: row.alreadyUploaded === 1 };
}

/** src/store/sqlite-sync-store.ts: the sync engine's store port. */
export class LuaSyncStore implements SyncStore {
  private readonly books: BookCache;

  constructor(
    private readonly db: Database,
    private readonly serverKey: string,
    private readonly lease: SyncLease | null,
    nowSeconds: () => number,
  ) {
    this.books = new BookCache(db, nowSeconds);
  }

  private q(name: keyof typeof SYNC_STORE_SQL) {
    return this.db.prepare(SYNC_STORE_SQL[name]);
  }

  inFlight(now: number, graceSeconds: number): InFlightGroup[] {
    const groups: InFlightGroup[] = [];
    const orphans: number[] = [];
    for (const row of this.q('inFlight').all({ now, grace: graceSeconds }) as Row[]) {
      if (row.bookId === null || row.bookId === undefined) {
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
    return this.q('inFlightCount').pluck().get() as number;
  }

  unresolvedHashes(): { hash: string; title: string | null }[] {
    return this.q('unresolved').all() as { hash: string; title: string | null }[];
  }

  knownBookId(hash: string): number | null {
    const onServer = this.q('knownOnServer').pluck().get(this.serverKey, hash) as number | undefined;
    if (onServer !== undefined) return onServer;
    return (this.q('knownInCache').pluck().get(hash) as number | undefined) ?? null;
  }

  assignBookId(hash: string, bookId: number, book: { title: string | null; bookType: string | null }): number {
    return this.db.transaction(() => {
      this.books.rememberServerBookId(this.serverKey, hash, bookId);
      this.books.setBookIdForHash(hash, bookId);
      return this.q('assign').run({ bookId, hash, title: book.title, bookType: book.bookType }).changes;
    });
  }

  noteUnresolved(hash: string, reason: string): void {
    this.q('noteUnresolved').run({ hash, reason });
  }

  uploadGroups(): UploadGroup[] {
    return this.q('groups').all() as UploadGroup[];
  }

  uploadable(bookId: number, afterId: number, limit: number): QueuedSession[] {
    return (this.q('uploadable').all({ bookId, afterId, limit }) as Row[]).map(toSession);
  }

  markSending(ids: number[], now: number): void {
    this.q('markSending').run({ ids: idsJson(ids), now });
  }

  /** Archived without waiting for the disk, as the Node store does: a lost commit falls back to "sending" and is reconciled. */
  settleUploaded(items: { id: number; serverSessionId: number | null }[], now: number): void {
    const json = `[${items
      .map((i) => `{"id":${integerText(i.id)},"serverSessionId":${i.serverSessionId === null || i.serverSessionId === undefined ? 'null' : integerText(i.serverSessionId)}}`)
      .join(',')}]`;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        this.q('archive').run({ items: json, now });
        this.q('remove').run({ ids: idsJson(items.map((i) => i.id)) });
      });
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  dropAlreadyUploaded(ids: number[]): void {
    this.q('remove').run({ ids: idsJson(ids) });
  }

  settleFailed(ids: number[], error: string, now: number): void {
    this.q('failed').run({ ids: idsJson(ids), error, now });
  }

  park(ids: number[], reason: string, now: number): void {
    this.q('park').run({ ids: idsJson(ids), error: reason, now });
  }

  requeue(ids: number[], note: string | null): void {
    this.q('requeue').run({ ids: idsJson(ids), note });
  }

  noteUnknown(ids: number[], note: string, reconcileAfter: number): void {
    this.q('noteUnknown').run({ ids: idsJson(ids), note, after: reconcileAfter });
  }

  backoff(bookId: number): Backoff | null {
    return (this.q('backoff').get(bookId) as Backoff | undefined) ?? null;
  }

  setBackoff(bookId: number, backoff: Backoff, error: string): void {
    this.q('setBackoff').run({ bookId, failures: backoff.failures, next: backoff.nextAttemptAt, error });
  }

  clearBackoff(bookId: number): void {
    this.q('clearBackoff').run(bookId);
  }

  capabilities(serverKey: string): Capabilities | null {
    const row = this.q('capabilities').get(serverKey) as { batchUpload: number | null; hashLookup: number | null; checkedAt: number } | undefined;
    if (row === undefined) return null;
    const flag = (value: number | null): boolean | null => (value === null || value === undefined ? null : value === 1);
    return { batchUpload: flag(row.batchUpload), hashLookup: flag(row.hashLookup), checkedAt: row.checkedAt };
  }

  saveCapabilities(serverKey: string, c: Capabilities): void {
    const flag = (value: boolean | null): number | null => (value === null || value === undefined ? null : value ? 1 : 0);
    this.q('saveCapabilities').run({ server: serverKey, batch: flag(c.batchUpload), lookup: flag(c.hashLookup), checkedAt: c.checkedAt });
  }

  pendingCount(): number {
    return this.q('pendingCount').pluck().get() as number;
  }

  stillOwnsSync(): boolean {
    return this.lease === null || this.lease.renew();
  }
}

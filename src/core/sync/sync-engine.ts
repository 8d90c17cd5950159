// One sync: reconcile what may already be on the server, resolve books by fingerprint, upload in
// batches, and settle every session. Pure decisions over two ports (queue store, BookLore API),
// so the same engine runs in Node and, compiled to Lua, in KOReader.
//
//   reconcile in-flight (X1) ─► resolve hashes (S3) ─► per book: batches of ≤ 100 (S4, X3)
//     ─► settle: uploaded → history | rejected → retry + error | invalid → parked (X2)
//
// A session whose answer was lost stays marked as sent; the next sync looks for it on the server at
// once, and re-sends it only after a check begun once the server is surely done with the request
// (reconcile grace).
import type { BookLoreApi, Failure, WireSession } from './api-port.js';
import { culpritsFromDetails } from './batch-culprits.js';
import { DEFAULT_BACKOFF_POLICY, isBackingOff, nextBackoff, type BackoffPolicy } from './backoff.js';
import type { Capabilities, InFlightGroup, QueuedSession, SyncStore, UnresolvedHash } from './store-port.js';
import { prepareForUpload, timeKey } from './wire-session.js';
import type { HashToFind, ResolveResult } from './remote-fingerprint-resolver.js';
import type { LocalFile } from './library-port.js';
import { describeErrors, isBookType } from '../session.js';
import { RequestSlots } from './request-slots.js';

export interface SyncOptions {
  /** Automatic triggers respect backoff; a manual Sync Now does not (X4). */
  automatic: boolean;
  batchSize: number;
  /** Remembered capabilities are checked again after this long. */
  capabilityMaxAgeSeconds: number;
  /**
   * How long after an unanswered request the server may still store it: before then a check
   * could miss it, and a re-send would duplicate it.
   */
  reconcileGraceSeconds: number;
  backoff: BackoffPolicy;
  /** Books uploaded at the same time (requests in flight). */
  concurrency: number;
  /**
   * Single POSTs in flight at once on servers without a batch endpoint (stock BookLore,
   * Grimmory); each session is marked as sent before its own request leaves (X1).
   */
  parallelSingles: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  automatic: false,
  batchSize: 100,
  capabilityMaxAgeSeconds: 86400,
  reconcileGraceSeconds: 30,
  backoff: DEFAULT_BACKOFF_POLICY,
  concurrency: 4,
  parallelSingles: 8,
};

export interface SyncEvents {
  /** Sessions settled so far out of those found ready at the start of the upload phase. */
  progress?(done: number, total: number): void;
  log?(message: string): void;
}

export interface SyncDeps {
  store: SyncStore;
  api: BookLoreApi;
  now: () => number;
  random: () => number;
  events?: SyncEvents;
  /** Asked before each request: false stops the sync there (e.g. on SIGTERM), nothing half-sent. */
  shouldContinue?: () => boolean;
  /** §8: finding books by fingerprint where the server has no hash lookup (stock BookLore, Grimmory). */
  stockServer?: StockServerResolution;
}

export interface StockServerResolution {
  resolve(targets: HashToFind[]): Promise<ResolveResult>;
  localFile(hash: string): LocalFile;
}

export type StopReason = 'offline' | 'auth' | 'lease-lost' | 'interrupted';

export interface SyncReport {
  uploaded: number;
  resolved: number;
  /** Sessions the server refused or failed on this time (retry counted). */
  failed: number;
  parked: number;
  /** Sessions found already on the server after an unknown outcome. */
  reconciled: number;
  /** Sessions whose outcome is still unknown. */
  unknown: number;
  /**
   * When a check on the server can next settle the unknown ones (epoch seconds; null when none):
   * at once for answers lost in this sync, else when their grace ends.
   */
  nextCheckAt: number | null;
  /** The same, as seconds from the end of this sync (0: at once). */
  nextCheckInSeconds: number | null;
  /** Sessions re-sent without checking, because this account cannot list sessions. */
  resentUnverified: number;
  duplicatesDropped: number;
  skippedBackoff: number;
  unresolved: number;
  pending: number;
  stoppedBy: StopReason | null;
  message: string | null;
  batchUpload: boolean | null;
  hashLookup: boolean | null;
  /** §8: the search by fingerprint on a server without hash lookup, when one ran. */
  stockResolution?: { contentRequests: number; libraryFiles: number; resolved: number };
}

type SendResult = 'sent' | 'book-failed' | 'stop';

const HASH_NOT_FOUND = 'book not found on server by hash';

/** The server's type for a book, when it is one sessions may carry; null otherwise. */
function knownBookType(bookType: string | null): string | null {
  return bookType !== null && isBookType(bookType) ? bookType : null;
}

export class SyncEngine {
  private readonly options: SyncOptions;
  private readonly report: SyncReport;
  private capabilities: Capabilities = { batchUpload: null, hashLookup: null, checkedAt: 0 };
  private settled = 0;
  private total = 0;
  /** Sync Now asks once more whether hash lookup exists; once per sync is enough. */
  private hashLookupRechecked = false;
  /** In-flight sessions this sync looked for and did not find (yet), and those it could not check. */
  private readonly notFoundYet = new Set<number>();
  private readonly checkFailed = new Set<number>();
  private singleSlots: RequestSlots | null = null;

  constructor(
    private readonly deps: SyncDeps,
    options: Partial<SyncOptions> = {},
  ) {
    this.options = { ...DEFAULT_SYNC_OPTIONS, ...options };
    this.report = {
      uploaded: 0, resolved: 0, failed: 0, parked: 0, reconciled: 0, unknown: 0, nextCheckAt: null, nextCheckInSeconds: null, resentUnverified: 0,
      duplicatesDropped: 0, skippedBackoff: 0, unresolved: 0, pending: 0, stoppedBy: null, message: null,
      batchUpload: null, hashLookup: null,
    };
  }

  async run(): Promise<SyncReport> {
    const { store } = this.deps;
    if (store.pendingCount() > 0) {
      this.loadCapabilities();
      const ok = (await this.reconcileInFlight()) && (await this.resolveHashes());
      if (ok) await this.uploadAll();
    }
    this.report.pending = store.pendingCount();
    this.report.unknown = store.inFlightCount();
    if (this.report.unknown > 0) {
      const at = this.nextCheckAt();
      const now = this.deps.now();
      this.report.nextCheckAt = at;
      this.report.nextCheckInSeconds = at === null ? null : at > now ? at - now : 0;
    }
    this.report.batchUpload = this.capabilities.batchUpload;
    this.report.hashLookup = this.capabilities.hashLookup;
    return this.report;
  }

  private log(message: string): void {
    if (this.deps.events?.log) this.deps.events.log(message);
  }

  private advance(count: number): void {
    this.settled += count;
    if (this.deps.events?.progress) this.deps.events.progress(this.settled, this.total);
  }

  /** Records why the sync stops; returns false so callers can `return this.stop(...)`. */
  private stop(reason: StopReason, message: string): false {
    this.report.stoppedBy = reason;
    this.report.message = message;
    return false;
  }

  /** Stops on failures that concern the whole server; false means stop. */
  private stopsSync(failure: Failure): boolean {
    if (failure.kind === 'offline') return !this.stop('offline', `server unreachable: ${failure.message}`);
    if (failure.kind === 'auth') return !this.stop('auth', failure.message);
    return false;
  }

  /**
   * X3: what this server can do, as remembered; unknown (or stale) capabilities are learned by
   * trying (§7.2: "detect batch support by trying it"), which costs no extra round trip.
   */
  private loadCapabilities(): void {
    const { store, api, now } = this.deps;
    const known = store.capabilities(api.serverKey);
    if (known !== null && now() - known.checkedAt < this.options.capabilityMaxAgeSeconds) this.capabilities = known;
  }

  private rememberCapability(change: Partial<Capabilities>): void {
    const before = this.capabilities;
    this.capabilities = { ...before, ...change, checkedAt: this.deps.now() };
    if (before.batchUpload !== this.capabilities.batchUpload || before.hashLookup !== this.capabilities.hashLookup) {
      this.deps.store.saveCapabilities(this.deps.api.serverKey, this.capabilities);
    }
  }

  /**
   * The grace in the engine's whole-second clock: a reading of `now()` may lag the real moment by
   * up to a second, so one more second makes the real wait at least the grace, never less.
   */
  private wholeSecondGrace(): number {
    return this.options.reconcileGraceSeconds + 1;
  }

  /**
   * X1: sessions sent without a known answer are looked for on the server at once, so an answer
   * lost after the server stored the request is settled by the next sync. One not found is re-sent
   * only when the check began after its grace: before then the server may still be storing it.
   */
  private async reconcileInFlight(): Promise<boolean> {
    const { store, api, now } = this.deps;
    for (const group of store.inFlight(this.wholeSecondGrace())) {
      if (!api.canListSessions) {
        // Only KOReader headers: BookLore lists sessions to JWT users only (§2.2), so we cannot check.
        const due = group.sessions.filter((s) => s.resendAfter <= now()).map((s) => s.id);
        if (due.length === 0) continue;
        store.requeue(due, 'outcome unknown and this account cannot list sessions (KOReader login only): re-sent unverified');
        this.report.resentUnverified += due.length;
        continue;
      }
      // Taken before the list is asked for: a list asked for earlier may miss a request still being stored.
      const checkedAt = now();
      const onServer = await this.sessionsOnServer(group);
      if (onServer === false) return false;
      if (onServer === null) {
        for (const session of group.sessions) this.checkFailed.add(session.id);
        continue;
      }
      const found: { id: number; serverSessionId: number | null }[] = [];
      const absent: number[] = [];
      for (const session of group.sessions) {
        const key = timeKey(session.startTime, session.endTime);
        const serverId = key === null ? undefined : onServer.get(key);
        if (serverId !== undefined) found.push({ id: session.id, serverSessionId: serverId });
        else if (session.resendAfter <= checkedAt) absent.push(session.id);
        else this.notFoundYet.add(session.id);
      }
      if (found.length > 0) store.settleUploaded(found, now());
      if (absent.length > 0) store.requeue(absent, null);
      this.report.reconciled += found.length;
      if (found.length > 0) this.log(`book ${group.bookId}: ${found.length} session(s) were already on the server`);
      const waiting = group.sessions.length - found.length - absent.length;
      if (waiting > 0) this.log(`book ${group.bookId}: ${waiting} session(s) not on the server yet; not re-sent before the server is surely done with them`);
    }
    return true;
  }

  /**
   * The book's sessions on the server by start and end, back to the group's earliest one; null when
   * the check failed (tried again later), false when the failure stops the sync.
   */
  private async sessionsOnServer(group: InFlightGroup): Promise<Map<string, number> | null | false> {
    let earliest = '';
    for (const session of group.sessions) {
      if (earliest === '' || session.startTime < earliest) earliest = session.startTime;
    }
    const onServer = new Map<string, number>();
    let page = 0;
    for (;;) {
      const listed = await this.deps.api.listSessions(group.bookId, page, 100);
      if (!listed.ok) {
        if (this.stopsSync(listed.failure)) return false;
        this.log(`could not check book ${group.bookId} on the server (${listed.failure.message}); will try again`);
        return null;
      }
      let olderThanAll = false;
      for (const s of listed.sessions) {
        const key = timeKey(s.startTime, s.endTime);
        if (key !== null && !onServer.has(key)) onServer.set(key, s.id);
        if (s.startTime < earliest) olderThanAll = true;
      }
      // Newest first: once a page reaches back past our earliest session, the rest is older.
      if (listed.lastPage || olderThanAll) return onServer;
      page++;
    }
  }

  /** When a check can next settle what is still in flight: at once if not looked for in this sync. */
  private nextCheckAt(): number | null {
    const now = this.deps.now();
    const grace = this.wholeSecondGrace();
    let next: number | null = null;
    for (const group of this.deps.store.inFlight(grace)) {
      for (const s of group.sessions) {
        let at = now;
        if (this.checkFailed.has(s.id)) at = Math.max(s.resendAfter, now + grace);
        else if (this.notFoundYet.has(s.id) || !this.deps.api.canListSessions) at = s.resendAfter;
        if (next === null || at < next) next = at;
      }
    }
    return next;
  }

  /** S3: one lookup per distinct fingerprint per sync; ids are stored for every session of that book. */
  private async resolveHashes(): Promise<boolean> {
    const { store, api } = this.deps;
    const stock: UnresolvedHash[] = [];
    for (const unresolved of store.unresolvedHashes()) {
      const { hash, typeGuessed } = unresolved;
      const known = store.knownBook(hash);
      // A known id settles it, unless imported sessions guessed their type and only a lookup can
      // tell it (an id from the plugin's book cache, or learned before types were kept).
      if (known !== null && (known.bookType !== null || !typeGuessed || this.capabilities.hashLookup === false)) {
        this.report.resolved += store.assignBookId(hash, known.bookId, { title: null, bookType: known.bookType });
        continue;
      }
      if (known !== null) {
        const outcome = await api.lookupBookByHash(hash);
        if (!outcome.ok && this.stopsSync(outcome.failure)) return false;
        if (outcome.ok) this.rememberCapability({ hashLookup: true });
        const bookType = outcome.ok && outcome.found && outcome.bookId === known.bookId ? knownBookType(outcome.bookType) : null;
        this.report.resolved += store.assignBookId(hash, known.bookId, { title: null, bookType });
        continue;
      }
      // Automatic syncs trust what was learned; Sync Now asks again, so a lookup that was wrongly
      // taken for missing (say, a proxy's error page) does not keep sessions waiting for a day.
      if (this.capabilities.hashLookup === false && (this.options.automatic || this.hashLookupRechecked)) {
        stock.push(unresolved);
        continue;
      }
      if (this.capabilities.hashLookup === false) this.hashLookupRechecked = true;
      const outcome = await api.lookupBookByHash(hash);
      if (outcome.ok) this.rememberCapability({ hashLookup: true });
      if (outcome.ok && outcome.found) {
        this.report.resolved += store.assignBookId(hash, outcome.bookId, { title: outcome.title, bookType: knownBookType(outcome.bookType) });
      } else if (outcome.ok) {
        // X7: BookLore rewrites files when it embeds metadata, so the device copy may no longer match.
        store.noteUnresolved(hash, `${HASH_NOT_FOUND} (the server's copy may have changed when BookLore embedded metadata); attach the book id with \`booklore-sync attach --hash ${hash} --book-id N\``);
        this.report.unresolved++;
      } else if (outcome.failure.kind === 'unsupported') {
        if (outcome.failure.definite) this.rememberCapability({ hashLookup: false });
        else this.capabilities = { ...this.capabilities, hashLookup: false };
        stock.push(unresolved);
      } else if (this.stopsSync(outcome.failure)) {
        return false;
      } else {
        store.noteUnresolved(hash, `hash lookup failed: ${outcome.failure.message}`);
        this.report.unresolved++;
      }
    }
    return this.resolveOnStockServer(stock);
  }

  /** §8: without hash lookup, books are found by fingerprinting the server's files (remote-fingerprint-resolver.ts). */
  private async resolveOnStockServer(hashes: UnresolvedHash[]): Promise<boolean> {
    const { store } = this.deps;
    const stock = this.deps.stockServer;
    if (hashes.length === 0) return true;
    const attach = (hash: string): string => `attach the book id with \`booklore-sync attach --hash ${hash} --book-id N\``;
    if (stock === undefined) {
      for (const { hash } of hashes) store.noteUnresolved(hash, `${HASH_NOT_FOUND}: this server has no hash lookup (upstream BookLore); ${attach(hash)}`);
      this.report.unresolved += hashes.length;
      return true;
    }
    const targets = hashes.map((h) => {
      const local = stock.localFile(h.hash);
      return { hash: h.hash, bookType: h.typeGuessed ? null : local.bookType, sizeBytes: local.sizeBytes, title: h.title };
    });
    const result = await stock.resolve(targets);
    let resolved = 0;
    for (const v of result.verdicts) {
      if (v.kind === 'found') {
        resolved += store.assignBookId(v.hash, v.bookId, { title: v.title, bookType: knownBookType(v.bookType) });
        continue;
      }
      this.report.unresolved++;
      // X7: BookLore rewrites files when it embeds metadata, so the device copy may no longer match.
      store.noteUnresolved(v.hash, v.kind === 'absent'
        ? `${HASH_NOT_FOUND}: no book in your library on the server has this fingerprint (compared by file content, ${v.candidates} candidate file(s) checked; the server's copy may have changed when BookLore embedded metadata); ${attach(v.hash)}`
        : `${HASH_NOT_FOUND} yet (compared by file content): ${v.reason}; or ${attach(v.hash)}`);
    }
    this.report.resolved += resolved;
    this.report.stockResolution = { contentRequests: result.contentRequests, libraryFiles: result.libraryFiles, resolved: result.verdicts.filter((v) => v.kind === 'found').length };
    if (result.stop !== null && this.stopsSync(result.stop)) return false;
    return true;
  }

  /**
   * Books are uploaded by a few workers at once (different books never share a request, so they
   * cannot interfere); each book's sessions go in order, one request at a time.
   */
  private async uploadAll(): Promise<boolean> {
    const groups = this.deps.store.uploadGroups();
    this.total = this.settled;
    for (const g of groups) this.total += g.count;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length && this.report.stoppedBy === null) {
        const group = groups[next]!;
        next++;
        await this.uploadBook(group.bookId, group.count);
      }
    };
    const workers: Promise<void>[] = [];
    // Without batches, one-session books would otherwise cap the singles in flight at `concurrency`.
    const wanted = this.capabilities.batchUpload === false && this.options.parallelSingles > this.options.concurrency ? this.options.parallelSingles : this.options.concurrency;
    const count = groups.length < wanted ? groups.length : wanted;
    for (let i = 0; i < count; i++) workers.push(worker());
    await Promise.all(workers);
    return this.report.stoppedBy === null;
  }

  private async uploadBook(bookId: number, count: number): Promise<void> {
    const { store, now } = this.deps;
    if (this.options.automatic && isBackingOff(store.backoff(bookId), now())) {
      this.report.skippedBackoff += count;
      this.advance(count);
      return;
    }
    let afterId = 0;
    for (;;) {
      const rows = store.uploadable(bookId, afterId, this.options.batchSize);
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1]!.id;
      const byType = new Map<string, { row: QueuedSession; wire: WireSession }[]>();
      for (const row of rows) {
        if (row.alreadyUploaded) {
          store.dropAlreadyUploaded([row.id]);
          this.report.duplicatesDropped++;
          this.advance(1);
          continue;
        }
        const prepared = prepareForUpload(row);
        if (!prepared.ok) {
          store.park([row.id], `invalid in the queue, not sent: ${describeErrors(prepared.errors)}`, now());
          this.report.parked++;
          this.advance(1);
          continue;
        }
        const list = byType.get(prepared.bookType);
        if (list === undefined) byType.set(prepared.bookType, [{ row, wire: prepared.wire }]);
        else list.push({ row, wire: prepared.wire });
      }
      for (const [bookType, items] of byType) {
        // 'book-failed': the server refused this book or is struggling; its other sessions wait.
        if ((await this.send(bookId, bookType, items)) !== 'sent') return;
      }
    }
    store.clearBackoff(bookId);
  }

  private send(bookId: number, bookType: string, items: { row: QueuedSession; wire: WireSession }[]): Promise<SendResult> {
    if (items.length >= 2 && this.capabilities.batchUpload !== false) return this.sendBatch(bookId, bookType, items);
    return this.sendSingles(bookId, bookType, items);
  }

  private async sendBatch(bookId: number, bookType: string, items: { row: QueuedSession; wire: WireSession }[]): Promise<SendResult> {
    const { store, api, now } = this.deps;
    const halted = this.halted();
    if (halted) return halted;
    const ids = items.map((i) => i.row.id);
    store.markSending(ids, now());
    const outcome = await api.postBatch(bookId, bookType, items.map((i) => i.wire));
    if (outcome.ok) {
      this.rememberCapability({ batchUpload: true });
      store.settleUploaded(ids.map((id, i) => ({ id, serverSessionId: outcome.sessionIds[i] ?? null })), now());
      this.report.uploaded += ids.length;
      this.advance(ids.length);
      return 'sent';
    }
    const failure = outcome.failure;
    if (failure.kind === 'unsupported') {
      store.requeue(ids, null);
      if (failure.definite) this.rememberCapability({ batchUpload: false });
      else this.capabilities = { ...this.capabilities, batchUpload: false };
      this.log(`the server has no batch upload (${failure.message}); sending one by one`);
      return this.sendSingles(bookId, bookType, items);
    }
    if (failure.kind === 'rejected' && failure.status === 400) {
      store.requeue(ids, null);
      return this.isolateInvalid(bookId, bookType, items, failure);
    }
    return this.settleFailure(bookId, ids, failure);
  }

  /** X2: park exactly the sessions the server refuses; every valid one still lands. */
  private async isolateInvalid(
    bookId: number,
    bookType: string,
    items: { row: QueuedSession; wire: WireSession }[],
    failure: { message: string; details: string[] },
  ): Promise<SendResult> {
    const { store, now } = this.deps;
    if (items.length === 1) {
      const reason = failure.details.length > 0 ? failure.details.join('; ') : failure.message;
      store.park([items[0]!.row.id], `rejected by the server: ${reason}`, now());
      this.report.parked++;
      this.advance(1);
      return 'sent';
    }
    const culprits = culpritsFromDetails(failure.details, items.length);
    if (culprits.size > 0) {
      const rest: { row: QueuedSession; wire: WireSession }[] = [];
      items.forEach((item, index) => {
        const messages = culprits.get(index);
        if (messages === undefined) {
          rest.push(item);
        } else {
          store.park([item.row.id], `rejected by the server: ${messages.join('; ')}`, now());
          this.report.parked++;
          this.advance(1);
        }
      });
      return rest.length === 0 ? 'sent' : this.sendBatchOrSingle(bookId, bookType, rest);
    }
    const middle = Math.ceil(items.length / 2);
    const first = await this.sendBatchOrSingle(bookId, bookType, items.slice(0, middle));
    if (first !== 'sent') return first;
    return this.sendBatchOrSingle(bookId, bookType, items.slice(middle));
  }

  /** While isolating, even one session goes through the batch endpoint: its rules are the ones that refused. */
  private sendBatchOrSingle(bookId: number, bookType: string, items: { row: QueuedSession; wire: WireSession }[]): Promise<SendResult> {
    return this.capabilities.batchUpload === false ? this.sendSingles(bookId, bookType, items) : this.sendBatch(bookId, bookType, items);
  }

  /**
   * Single POSTs, several in flight (bounded across the sync) when the server has no batch
   * endpoint. Sessions go in waves: a wave is marked as sent in one transaction before any of its
   * requests leaves (X1), its accepted sessions are settled together (one fsync per wave, not two
   * per session), a refused one is parked alone (X2); once one fails for the book, nothing more
   * of it is started, and what was marked but not sent goes back to the queue.
   */
  private async sendSingles(bookId: number, bookType: string, items: { row: QueuedSession; wire: WireSession }[]): Promise<SendResult> {
    const { store, now } = this.deps;
    const wave = this.options.parallelSingles > 1 ? this.options.parallelSingles : 1;
    if (this.singleSlots === null) this.singleSlots = new RequestSlots(wave);
    const slots = this.singleSlots;
    for (let at = 0; at < items.length; at += wave) {
      const halted = this.halted();
      if (halted) return halted;
      const chunk = items.slice(at, at + wave);
      store.markSending(chunk.map((i) => i.row.id), now());
      let result: SendResult = 'sent';
      const uploaded: number[] = [];
      const unsent: number[] = [];
      await Promise.all(
        chunk.map(async (item) => {
          await slots.acquire();
          try {
            const stopNow = result === 'sent' ? this.halted() : null;
            if (stopNow !== null) result = stopNow;
            if (result !== 'sent') {
              unsent.push(item.row.id);
              return;
            }
            const outcome = await this.sendOneSingle(bookId, bookType, item, uploaded);
            if (outcome !== 'sent' && result === 'sent') result = outcome;
          } finally {
            slots.release();
          }
        }),
      );
      if (uploaded.length > 0) {
        store.settleUploaded(uploaded.map((id) => ({ id, serverSessionId: null })), now());
        this.report.uploaded += uploaded.length;
        this.advance(uploaded.length);
      }
      if (unsent.length > 0) store.requeue(unsent, null);
      if (result !== 'sent') return result;
    }
    return 'sent';
  }

  /** One single POST of a session already marked as sent; an accepted one is added to `uploaded` (settled with its wave). */
  private async sendOneSingle(bookId: number, bookType: string, item: { row: QueuedSession; wire: WireSession }, uploaded: number[]): Promise<SendResult> {
    const { store, api, now } = this.deps;
    const id = item.row.id;
    const outcome = await api.postSession(bookId, bookType, item.wire);
    if (outcome.ok) {
      uploaded.push(id);
      return 'sent';
    }
    const failure = outcome.failure;
    if (failure.kind === 'rejected' && failure.status === 400) {
      const reason = failure.details.length > 0 ? failure.details.join('; ') : failure.message;
      store.park([id], `rejected by the server: ${reason}`, now());
      this.report.parked++;
      this.advance(1);
      return 'sent';
    }
    // Not 'sent': the rest of this book is not tried now (the server refused the book or is struggling).
    return this.settleFailure(bookId, [id], failure);
  }

  private settleFailure(bookId: number, ids: number[], failure: Failure): SendResult {
    const { store, now } = this.deps;
    switch (failure.kind) {
      case 'offline':
      case 'auth':
        store.requeue(ids, null);
        this.stopsSync(failure);
        return 'stop';
      case 'unknown':
        // A server that had begun answering is done with the request; otherwise give it time.
        store.noteUnknown(
          ids,
          `outcome unknown (${failure.message}); will check the server before re-sending`,
          failure.answered ? now() : now() + this.wholeSecondGrace(),
        );
        this.advance(ids.length);
        return 'book-failed';
      case 'server': {
        const message = `server error ${failure.status}: ${failure.message}`;
        store.settleFailed(ids, message, now());
        store.setBackoff(
          bookId,
          nextBackoff(store.backoff(bookId), now(), this.deps.random, this.options.backoff, failure.retryAfterSeconds),
          message,
        );
        this.report.failed += ids.length;
        this.advance(ids.length);
        return 'book-failed';
      }
      case 'rejected':
      case 'unsupported':
        store.settleFailed(ids, failure.kind === 'rejected' ? `rejected (${failure.status}): ${failure.message}` : failure.message, now());
        this.report.failed += ids.length;
        this.advance(ids.length);
        return 'book-failed';
    }
  }

  /** Whether to send nothing more: asked to stop, or another process took over the sync. */
  private halted(): SendResult | null {
    if (this.deps.shouldContinue && !this.deps.shouldContinue()) {
      this.stop('interrupted', 'stopped on request; nothing is half-sent');
      return 'stop';
    }
    if (!this.deps.store.stillOwnsSync()) {
      this.stop('lease-lost', 'another process took over the sync; stopped sending');
      return 'stop';
    }
    return null;
  }
}

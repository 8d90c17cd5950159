// The test server's control panel, in process (`server.admin.*`); admin-api.ts puts the same
// operations on HTTP under /__admin/.
import type Database from 'better-sqlite3';
import type { BookType } from './book-types.js';
import { applySeed } from './database.js';
import { changeBookFile, generateLibrary, type BookFileChange, type GeneratedBook, type GenerateOptions } from './generated-library.js';
import type { ActiveFaultRule, FaultPlan, FaultRule } from './faults.js';
import type { HeldRequests, HeldRequestView, ReleaseMode } from './held-requests.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import type { SeedData } from './seed.js';
import { sessionView, type SessionView } from './session-row-view.js';
import type { BookRow, ServerStore } from './server-store.js';

export interface AdminBook {
  id: number;
  title: string;
  bookType: BookType;
  /** The current hash, the one lookups use (§3.3). */
  hash: string;
  /** The hash at import; differs from `hash` after hash drift. */
  initialHash: string;
  libraryId: number;
  libraryName: string;
  /** Whether the default user (`reader` in the default seed) can see it. */
  accessible: boolean;
  /** Every user who can see it: the library's members and all admins. */
  accessibleTo: string[];
}

export interface AdminSession extends SessionView {
  userId: number;
  username: string;
  bookTitle: string;
  durationFormatted: string | null;
}

export interface FaultsInput {
  latencyMs?: number;
  /** Rule objects or their text form (see faults.ts). */
  rules?: (FaultRule | string)[];
}

export class AdminError extends Error {
  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export class ServerAdmin {
  constructor(
    private readonly db: Database.Database,
    private readonly store: ServerStore,
    private readonly faultPlan: FaultPlan,
    private readonly log: RequestLog,
    private readonly seed: SeedData,
    private readonly defaultUser: string,
    private readonly startup: { latencyMs: number; rules: FaultRule[] },
    private readonly heldRequests: HeldRequests,
  ) {}

  /** Requests a hold fault keeps open now. */
  held(): HeldRequestView[] {
    return this.heldRequests.list();
  }

  /** Lets held requests go (all, or the one with `id`); resolves with how many once the server is done with them. */
  releaseHeld(mode: ReleaseMode, id?: number): Promise<number> {
    return this.heldRequests.release(mode, id);
  }

  /** Called at once for every request a hold fault keeps (in process); returns the unsubscribe function. */
  onHold(listener: (held: HeldRequestView) => void): () => void {
    return this.heldRequests.onHold(listener);
  }

  /** Faults that fired (requests a rule applied to) since start-up or the last reset. */
  firedFaults(): number {
    return this.faultPlan.fired;
  }

  /** Removes hold rules that have not caught a request yet. */
  disarmHolds(): void {
    this.faultPlan.disarm(['hold', 'hold-after-commit']);
  }

  /** Appends rules (and sets the latency when given). Every rule is checked before any is added. */
  addFaults(input: FaultsInput): { latencyMs: number; fired: number; rules: ActiveFaultRule[] } {
    try {
      this.faultPlan.add(input);
    } catch (err) {
      throw new AdminError((err as Error).message);
    }
    return this.faultPlan.snapshot();
  }

  setLatency(latencyMs: number): void {
    this.faultPlan.add({ latencyMs });
  }

  /** Removes every rule and sets the latency to 0. */
  clearFaults(): void {
    this.faultPlan.clear();
  }

  faults(): { latencyMs: number; fired: number; rules: ActiveFaultRule[] } {
    return this.faultPlan.snapshot();
  }

  /**
   * Back to the state at start-up: the seed's users, books and hashes, no sessions, no tokens,
   * the start-up latency and fault rules (with their counts refilled), an empty request log.
   */
  reset(): void {
    applySeed(this.db, this.seed);
    void this.heldRequests.release('drop');
    this.faultPlan.clear();
    this.faultPlan.fired = 0;
    this.faultPlan.add({ latencyMs: this.startup.latencyMs, rules: this.startup.rules });
    this.log.clear();
  }

  /** Every access token stops working now (401); refresh tokens too when asked. */
  expireTokens(options: { refresh?: boolean } = {}): void {
    const now = Date.now();
    this.store.expireTokens('access', now);
    if (options.refresh === true) this.store.expireTokens('refresh', now);
  }

  /** Hash drift (§3.3): the book's current hash becomes `hash`; its initial hash stays. */
  setBookHash(bookId: number, hash: string): AdminBook {
    if (!/^[0-9a-fA-F]{1,128}$/.test(hash)) throw new AdminError('hash must be hex (up to 128 digits)');
    if (!this.store.setCurrentHash(bookId, hash.toLowerCase())) throw new AdminError(`no book with id ${bookId}`, 404);
    return this.adminBook(this.store.book(bookId)!);
  }

  /** §8: adds N generated books (virtual files) for tests and benchmarks; returns them with their fingerprints. */
  generateBooks(options: GenerateOptions): GeneratedBook[] {
    return generateLibrary(this.db, options);
  }

  /** §8: what the list says about a book's file, or whether it has one (stale hints, physical books, missing files). */
  changeBookFile(bookId: number, change: BookFileChange): AdminBook {
    if (!changeBookFile(this.db, bookId, change)) throw new AdminError(`no book with id ${bookId}`, 404);
    return this.adminBook(this.store.book(bookId)!);
  }

  books(): AdminBook[] {
    return this.store.books().map((book) => this.adminBook(book));
  }

  /** Every stored session with its user and book, oldest first; optionally one book's or one user's. */
  sessions(filter: { bookId?: number; username?: string } = {}): AdminSession[] {
    const usernames = new Map(this.store.users().map((u) => [u.id, u.username]));
    const titles = new Map(this.store.books().map((b) => [b.id, b.title]));
    return this.store
      .allSessions()
      .filter((row) => filter.bookId === undefined || row.book_id === filter.bookId)
      .filter((row) => filter.username === undefined || usernames.get(row.user_id) === filter.username)
      .map((row) => {
        const { id, bookId, ...rest } = sessionView(row);
        return {
          id,
          userId: row.user_id,
          username: usernames.get(row.user_id) ?? '',
          bookId,
          bookTitle: titles.get(row.book_id) ?? '',
          ...rest,
          durationFormatted: row.duration_formatted,
        };
      });
  }

  sessionCount(): number {
    return this.store.sessionCount();
  }

  requests(since = 0): RequestLogEntry[] {
    return this.log.list(since);
  }

  clearRequests(): void {
    this.log.clear();
  }

  private adminBook(book: BookRow): AdminBook {
    const admins = this.store.users().filter((u) => u.is_admin === 1).map((u) => u.username);
    const accessibleTo = [...new Set([...this.store.libraryMembers(book.library_id), ...admins])];
    return {
      id: book.id,
      title: book.title,
      bookType: book.book_type,
      hash: book.current_hash,
      initialHash: book.initial_hash,
      libraryId: book.library_id,
      libraryName: book.library_name,
      accessible: accessibleTo.includes(this.defaultUser),
      accessibleTo,
    };
  }
}

// The durable queue as the sync engine sees it. Each method is one transaction in the adapter,
// so a crash between two calls leaves the queue in a state the next sync understands.
import type { ReadingMeasures } from '../session.js';

/** A queued session as stored: not trusted (the plugin may have written it), re-validated before sending. */
export interface QueuedSession extends ReadingMeasures {
  id: number;
  bookId: number | null;
  bookHash: string | null;
  bookType: string | null;
  bookTitle: string | null;
  startTime: string;
  endTime: string;
  retryCount: number;
  /** The same book, start and end is already in the history: uploading again would duplicate it. */
  alreadyUploaded: boolean;
}

export interface UnresolvedHash {
  hash: string;
  title: string | null;
  /** Some of its sessions only guessed their book type (imports): the server's answer gives it. */
  typeGuessed: boolean;
}

export interface KnownBook {
  bookId: number;
  bookType: string | null;
}

export interface UploadGroup {
  bookId: number;
  count: number;
}

/** A session marked as sent whose answer never arrived. */
export interface InFlightSession extends QueuedSession {
  /** From then on the server is surely done with the request: a check that misses it may re-send it. */
  resendAfter: number;
}

export interface InFlightGroup {
  bookId: number;
  sessions: InFlightSession[];
}

export interface Capabilities {
  batchUpload: boolean | null;
  hashLookup: boolean | null;
  checkedAt: number;
}

export interface Backoff {
  failures: number;
  nextAttemptAt: number;
}

export interface SyncStore {
  /**
   * Sessions marked as sent whose answer never arrived, grouped by book (X1), each with the time
   * from which it may be re-sent: its reconcile time, or (left by a process that died)
   * `graceSeconds` after it was sent.
   */
  inFlight(graceSeconds: number): InFlightGroup[];
  /** Distinct fingerprints of queued sessions that have no book id yet (S3). */
  unresolvedHashes(): UnresolvedHash[];
  /** A book learned earlier for this fingerprint, if any, with its type when the server gave it. */
  knownBook(hash: string): KnownBook | null;
  /**
   * Stores the id on every queued session with this fingerprint and caches it; returns how many.
   * The server's title fills a missing one; its book type replaces a guessed one (imports).
   */
  assignBookId(hash: string, bookId: number, book: { title: string | null; bookType: string | null }): number;
  /** Notes why sessions of this fingerprint still wait (no retry counted: nothing was rejected). */
  noteUnresolved(hash: string, reason: string): void;
  /** Books with sessions ready to upload. */
  uploadGroups(): UploadGroup[];
  /** Up to `limit` queued sessions of a book with id > afterId, oldest first. */
  uploadable(bookId: number, afterId: number, limit: number): QueuedSession[];
  /** Marks sessions as on the wire, before the request is sent (X1). */
  markSending(ids: number[], now: number): void;
  /** Accepted: into history and out of the queue in one transaction (S2). */
  settleUploaded(items: { id: number; serverSessionId: number | null }[], now: number): void;
  /** Rejected or failing: retry_count + 1, error kept, back in the queue (S2). */
  settleFailed(ids: number[], error: string, now: number): void;
  /** Invalid: kept with its reason, skipped until the user acts (X2). */
  park(ids: number[], reason: string, now: number): void;
  /** Already in the history (same book, start, end): removed from the queue, nothing sent. */
  dropAlreadyUploaded(ids: number[]): void;
  /** How many sessions are marked as sent without a known answer. */
  inFlightCount(): number;
  /** Not sent after all, or known not to be on the server: back in the queue, retry count untouched. */
  requeue(ids: number[], note: string | null): void;
  /** Sent with an unknown outcome: stays marked as sent, with a note, to be checked from `reconcileAfter` on. */
  noteUnknown(ids: number[], note: string, reconcileAfter: number): void;
  backoff(bookId: number): Backoff | null;
  setBackoff(bookId: number, backoff: Backoff, error: string): void;
  clearBackoff(bookId: number): void;
  capabilities(serverKey: string): Capabilities | null;
  saveCapabilities(serverKey: string, capabilities: Capabilities): void;
  pendingCount(): number;
  /** Keeps this process's claim on the sync; false when it was lost (then stop sending at once). */
  stillOwnsSync(): boolean;
}

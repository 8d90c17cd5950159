// Recording one session (the "session end" trigger), in both runtimes: `record`, the demo, and the
// KOReader plugin's document close. Fingerprint the book file if given, validate, apply the
// detection rules, queue durably (remembering the file's fingerprint and a known book id).
import { bookTypeForFile, titleFromPath } from '../core/book-type-from-file.js';
import { checkDetectionRules, type DetectionRules } from '../core/detection-rules.js';
import { validateSession, type FieldError, type Session, type SessionInput } from '../core/session.js';
import { SqliteRemoteFingerprints } from '../store/remote-fingerprints.js';
import type { QueueStore } from './queue-store.js';
import type { Runtime } from './runtime.js';

export type RecordRequest = Omit<SessionInput, 'bookHash'> & {
  /** A book file (absolute path) to fingerprint; exclusive with bookHash. */
  bookPath?: string | null;
  bookHash?: string | null;
  /** The file's fingerprint as the reader already knows it (KOReader's partial_md5_checksum): not read again. */
  knownFileHash?: string | null;
};

export type RecordOutcome =
  | { queued: true; id: number; session: Session }
  | { queued: false; kind: 'not-a-session' | 'duplicate'; reason: string };

/** The session cannot be recorded as given; `errors` name the fields. */
export class InvalidSessionError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'InvalidSessionError';
  }
}

function fromBookFile(runtime: Runtime, path: string, request: RecordRequest): Pick<SessionInput, 'bookHash' | 'bookType' | 'bookTitle'> {
  if (request.bookHash !== null && request.bookHash !== undefined && request.bookHash !== '') {
    throw new InvalidSessionError([{ field: 'book', message: 'give either a book file or a hash, not both (the file gives the hash)' }]);
  }
  let bookHash = request.knownFileHash ?? null;
  if (bookHash === null) {
    const fingerprint = runtime.fingerprint(path);
    if (!fingerprint.ok) throw new InvalidSessionError([{ field: 'bookFile', message: fingerprint.problem }]);
    bookHash = fingerprint.hash;
  }
  const bookType = request.bookType ?? bookTypeForFile(path);
  if (bookType === null) {
    throw new InvalidSessionError([
      { field: 'bookType', message: `cannot tell the book type of ${path} from its extension; give it (PDF, EPUB, CBX, FB2, MOBI, AZW3, AUDIOBOOK)` },
    ]);
  }
  return { bookHash, bookType, bookTitle: request.bookTitle ?? titleFromPath(path) };
}

export type PreparedSession = { counts: true; session: Session; bookPath: string | null } | { counts: false; reason: string };

/**
 * Fingerprints the book file if given, validates and applies the detection rules: everything but
 * the write, so a caller whose queue is unavailable can keep the session and queue it later.
 * Throws InvalidSessionError for a session that breaks a rule.
 */
export function prepareSession(runtime: Runtime, request: RecordRequest, rules: DetectionRules): PreparedSession {
  const bookPath = request.bookPath ?? null;
  const input: SessionInput = { ...request, ...(bookPath !== null ? fromBookFile(runtime, bookPath, request) : {}) };
  const validation = validateSession(input);
  if (!validation.ok) throw new InvalidSessionError(validation.errors);
  const verdict = checkDetectionRules(validation.session, rules);
  if (!verdict.counts) return { counts: false, reason: verdict.reason };
  return { counts: true, session: validation.session, bookPath };
}

/** Validates, applies the detection rules and queues; throws InvalidSessionError for a session that breaks a rule. */
export function recordSession(store: QueueStore, request: RecordRequest, rules: DetectionRules): RecordOutcome {
  const prepared = prepareSession(store.runtime, request, rules);
  if (!prepared.counts) return { queued: false, kind: 'not-a-session', reason: prepared.reason };
  return queueCounted(store, prepared.session, prepared.bookPath);
}

/** Queues a session that passed the rules: one transaction with the file's fingerprint and a known book id. */
export function queueCounted(store: QueueStore, session: Session, bookPath: string | null): RecordOutcome {
  const outcome = store.use((s) =>
    s.db.transaction(() => {
      if (bookPath !== null && session.bookHash !== null) {
        s.books.remember(bookPath, session.bookHash, session.bookTitle ?? titleFromPath(bookPath));
        // §8: on servers without hash lookup, the size finds the server's copy with the fewest reads.
        const size = s.runtime.fileSize(bookPath);
        if (size !== null) new SqliteRemoteFingerprints(s.db, s.nowSeconds).noteLocalFile(session.bookHash, size);
      }
      if (session.bookId === null && session.bookHash !== null) session.bookId = s.books.bookIdForHash(session.bookHash);
      return s.queue.enqueue(session, 'record');
    }).immediate(),
  );
  if (outcome.queued) return { queued: true, id: outcome.id, session };
  const where =
    outcome.duplicateOf.where === 'pending'
      ? `already queued as #${outcome.duplicateOf.id}`
      : `already uploaded (history #${outcome.duplicateOf.id})`;
  return { queued: false, kind: 'duplicate', reason: `duplicate: ${where}` };
}

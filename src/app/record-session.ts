// Recording one session (the "session end" trigger), shared by `record`, `demo` and the daemon:
// fingerprint the book file if given, validate, apply the detection rules, queue durably.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { bookTypeForFile, titleFromPath } from '../core/book-type-from-file.js';
import { checkDetectionRules, type DetectionRules } from '../core/detection-rules.js';
import { validateSession, type FieldError, type SessionInput } from '../core/session.js';
import { describeFileError, partialMd5OfFile } from '../node/partial-md5.js';
import type { LocalStore } from '../store/local-store.js';
import { SqliteRemoteFingerprints } from '../store/remote-fingerprints.js';

export type RecordRequest = Omit<SessionInput, 'bookHash'> & {
  /** A book file to fingerprint; exclusive with bookHash. */
  bookPath?: string | null;
  bookHash?: string | null;
};

export type RecordOutcome =
  | { queued: true; id: number }
  | { queued: false; kind: 'not-a-session' | 'duplicate'; reason: string };

/** The session cannot be recorded as given; `errors` name the fields. */
export class InvalidSessionError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'InvalidSessionError';
  }
}

function fromBookFile(path: string, request: RecordRequest): Pick<SessionInput, 'bookHash' | 'bookType' | 'bookTitle'> {
  if (request.bookHash) {
    throw new InvalidSessionError([{ field: 'book', message: 'give either a book file or a hash, not both (the file gives the hash)' }]);
  }
  let bookHash: string;
  try {
    bookHash = partialMd5OfFile(path);
  } catch (err) {
    throw new InvalidSessionError([{ field: 'bookFile', message: describeFileError(path, err) }]);
  }
  const bookType = request.bookType ?? bookTypeForFile(path);
  if (bookType === null) {
    throw new InvalidSessionError([
      { field: 'bookType', message: `cannot tell the book type of ${path} from its extension; give it (PDF, EPUB, CBX, FB2, MOBI, AZW3, AUDIOBOOK)` },
    ]);
  }
  return { bookHash, bookType, bookTitle: request.bookTitle ?? titleFromPath(path) };
}

export function recordSession(store: LocalStore, request: RecordRequest, rules: DetectionRules): RecordOutcome {
  const bookPath = request.bookPath ? resolve(request.bookPath) : null;
  const input: SessionInput = { ...request, ...(bookPath ? fromBookFile(bookPath, request) : {}) };
  const validation = validateSession(input);
  if (!validation.ok) throw new InvalidSessionError(validation.errors);
  const session = validation.session;

  const verdict = checkDetectionRules(session, rules);
  if (!verdict.counts) return { queued: false, kind: 'not-a-session', reason: verdict.reason };

  const outcome = store.use((s) =>
    s.db.transaction(() => {
      if (bookPath !== null && session.bookHash !== null) {
        s.books.remember(bookPath, session.bookHash, session.bookTitle ?? titleFromPath(bookPath));
        // §8: on servers without hash lookup, the size finds the server's copy with the fewest reads.
        new SqliteRemoteFingerprints(s.db, () => Math.floor(Date.now() / 1000)).noteLocalFile(session.bookHash, statSync(bookPath).size);
      }
      if (session.bookId === null && session.bookHash !== null) session.bookId = s.books.bookIdForHash(session.bookHash);
      return s.queue.enqueue(session, 'record');
    }).immediate(),
  );
  if (outcome.queued) return outcome;
  const where =
    outcome.duplicateOf.where === 'pending'
      ? `already queued as #${outcome.duplicateOf.id}`
      : `already uploaded (history #${outcome.duplicateOf.id})`;
  return { queued: false, kind: 'duplicate', reason: `duplicate: ${where}` };
}

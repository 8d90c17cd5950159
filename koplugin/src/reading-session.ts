// A reading session as KOReader shows it to the plugin: started when a document opens or the
// device resumes with one open, ended when it closes or the device suspends. It is recorded by the
// application layer (src/app/record-session.ts) with the same rules as `booklore-sync record`; a
// session the queue file refused (locked for long, storage full) is kept in memory and queued at
// the next chance rather than lost.
import { InvalidSessionError, prepareSession, queueCounted } from '../../src/app/record-session.js';
import type { QueueStore } from '../../src/app/queue-store.js';
import type { Runtime } from '../../src/app/runtime.js';
import { bookTypeForFile, fileExtension, titleFromPath } from '../../src/core/book-type-from-file.js';
import type { DetectionRules } from '../../src/core/detection-rules.js';
import { formatDuration } from '../../src/core/duration-format.js';
import { describeErrors, normalizeBookHash, type Session } from '../../src/core/session.js';

/** Where the reader is in the book: KOReader's page number (as text) and page / page count × 100. */
export interface Position {
  location: string | null;
  progress: number | null;
}

export interface OpenDocument extends Position {
  path: string;
  title: string | null;
  /** KOReader's own partial_md5_checksum from the document's settings, when it has one. */
  partialMd5: string | null;
}

export type SessionEndOutcome =
  | { queued: true; id: number; message: string }
  | { queued: false; kind: 'no-session' | 'not-a-session' | 'duplicate' | 'unsupported' | 'error'; message: string };

interface OpenBook extends Position {
  path: string;
  title: string | null;
  hash: string | null;
  startTime: number;
}

function clampProgress(progress: number | null): number | null {
  if (progress === null || progress === undefined || progress !== progress) return null;
  return progress < 0 ? 0 : progress > 100 ? 100 : progress;
}

export class ReadingSessions {
  private open: OpenBook | null = null;
  private readonly unsaved: { path: string; session: Session }[] = [];

  constructor(
    private readonly runtime: Runtime,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
  ) {}

  start(doc: OpenDocument): void {
    this.open = {
      path: doc.path,
      title: doc.title,
      hash: doc.partialMd5 !== null ? normalizeBookHash(doc.partialMd5) : null,
      startTime: this.now(),
      location: doc.location,
      progress: doc.progress,
    };
  }

  isOpen(): boolean {
    return this.open !== null;
  }

  /**
   * Ends the open session and records it. `store` opens the queue (it may throw: the session is
   * then kept in memory); `describe` turns such a failure into words.
   */
  end(position: Position, rules: DetectionRules, store: () => QueueStore, describe: (err: unknown) => string): SessionEndOutcome {
    const open = this.open;
    this.open = null;
    if (open === null) return { queued: false, kind: 'no-session', message: 'no reading session was open' };
    const bookType = bookTypeForFile(open.path);
    if (bookType === null) {
      return { queued: false, kind: 'unsupported', message: `BookLore has no book type for .${fileExtension(open.path)} files; the session is not kept` };
    }
    let prepared;
    try {
      prepared = prepareSession(
        this.runtime,
        {
          bookPath: open.path,
          knownFileHash: open.hash,
          bookType,
          startTime: open.startTime,
          endTime: Math.max(this.now(), open.startTime),
          startProgress: clampProgress(open.progress),
          endProgress: clampProgress(position.progress),
          startLocation: open.location,
          endLocation: position.location,
          bookTitle: open.title ?? titleFromPath(open.path),
        },
        rules,
      );
    } catch (err) {
      if (err instanceof InvalidSessionError) return { queued: false, kind: 'error', message: describeErrors(err.errors) };
      throw err;
    }
    if (!prepared.counts) return { queued: false, kind: 'not-a-session', message: prepared.reason };
    const session = prepared.session;
    try {
      const opened = store();
      this.retryUnsaved(opened);
      const outcome = queueCounted(opened, session, open.path);
      if (!outcome.queued) return { queued: false, kind: outcome.kind, message: outcome.reason };
      this.log(`queued session #${outcome.id} (${formatDuration(session.durationSeconds)})`);
      return { queued: true, id: outcome.id, message: `session of ${formatDuration(session.durationSeconds)} queued` };
    } catch (err) {
      const problem = describe(err);
      this.unsaved.push({ path: open.path, session });
      this.log(`could not queue the session (kept, tried again later): ${problem}`);
      return { queued: false, kind: 'error', message: `${problem}; the session is kept and queued later` };
    }
  }

  /** Sessions the queue file refused earlier, queued now if it takes them. */
  retryUnsaved(store: QueueStore): void {
    while (this.unsaved.length > 0) {
      const next = this.unsaved[0]!;
      try {
        queueCounted(store, next.session, next.path);
      } catch {
        return;
      }
      this.unsaved.shift();
    }
  }
}

// KOReader's page-turn statistics (statistics.sqlite3, table page_stat_data) as reading sessions,
// grouped the way the BookLore plugin's history import does it (plugin-db.md, "From KOReader's
// statistics.sqlite3 to sessions"), with one deliberate change: a session ends when its last page
// was left (start + duration), not when it was opened, so duration ≤ end − start always holds.
// Streaming: one book's rows go in one at a time, in start-time order; nothing is kept but the
// session being built.
import { bookTypeForFile } from './book-type-from-file.js';
import { describeErrors, validateSession, type Session } from './session.js';

/** The plugin's SESSION_GAP_SECONDS: a longer pause between two page starts begins a new session. */
export const PLUGIN_SESSION_GAP_SECONDS = 300;

/** One row of page_stat_data: a page shown at startTime for duration seconds, of totalPages. */
export interface PageTurn {
  page: number;
  startTime: number;
  duration: number;
  totalPages: number;
}

/** Consecutive page turns of one book with no pause longer than the gap between their starts. */
export interface PageTurnGroup {
  startTime: number;
  endTime: number;
  /** Reading time: the sum of the rows' durations, not the wall-clock span. */
  durationSeconds: number;
  startProgress: number;
  endProgress: number;
  startLocation: string;
  endLocation: string;
  /** Start of the last page turn: what the gap to a later page turn is measured from. */
  lastTurnStart: number;
  pageTurns: number;
}

/** Progress in percent, as the plugin computes it (0 when KOReader did not know the page count). */
export function progressOfPage(page: number, totalPages: number): number {
  return totalPages > 0 ? (page / totalPages) * 100 : 0;
}

/** Groups one book's page turns, fed in start-time order. */
export class PageTurnGrouper {
  private current: PageTurnGroup | null = null;

  constructor(readonly gapSeconds: number) {}

  /** Adds a page turn (its fields are copied, the object is not kept); returns the group it closed when it starts a new one. */
  add(turn: PageTurn): PageTurnGroup | null {
    const progress = progressOfPage(turn.page, turn.totalPages);
    const location = `${turn.page}`;
    const group = this.current;
    if (group !== null && turn.startTime - group.lastTurnStart <= this.gapSeconds) {
      group.durationSeconds += turn.duration;
      group.endTime = turn.startTime + turn.duration;
      group.endProgress = progress;
      group.endLocation = location;
      group.lastTurnStart = turn.startTime;
      group.pageTurns++;
      return null;
    }
    this.current = {
      startTime: turn.startTime,
      endTime: turn.startTime + turn.duration,
      durationSeconds: turn.duration,
      startProgress: progress,
      endProgress: progress,
      startLocation: location,
      endLocation: location,
      lastTurnStart: turn.startTime,
      pageTurns: 1,
    };
    return group;
  }

  /** Ends the book: returns its last group (null when it had no page turns). */
  finish(): PageTurnGroup | null {
    const group = this.current;
    this.current = null;
    return group;
  }
}

/** KOReader's book row as far as a session needs it. */
export interface StatisticsBook {
  /** null for page turns whose book row is missing. */
  koreaderBookId: number | null;
  title: string | null;
  /** KOReader's partial MD5 of the file, which is BookLore's book hash. */
  md5: string | null;
}

export interface GroupContext {
  /** Whether this is the book's last group in the file. */
  lastOfBook: boolean;
  gapSeconds: number;
  /** The newest instant the file records: the latest start + duration over all its rows. */
  newestInstant: number;
  /** Take open groups as finished (the file is a final copy: nothing more will be read into it). */
  includeOpen?: boolean;
}

export type GroupVerdict =
  | { kind: 'session'; session: Session }
  /** The book's last session may still grow in a newer copy of the file: import it later. */
  | { kind: 'open' }
  /** Progress did not move forward: the plugin does not count it as a session. */
  | { kind: 'not-forward' }
  /** The book has no MD5, so its sessions cannot be matched to a BookLore book. */
  | { kind: 'no-md5' }
  | { kind: 'invalid'; reason: string };

/**
 * A book's last group is open while a page turn within the gap could still join it. KOReader
 * writes a page's row when the page is left, so a row the file does not hold yet starts no earlier
 * than its newest instant; once the gap after the last turn ends before that instant, the group can
 * never change. Skipping open groups is what makes a re-import of a newer copy queue only new
 * sessions, never a shorter copy of an old one. (Rows merged in later from another device by
 * KOReader's statistics sync can break this; the import ledger still keeps them from doubling.)
 */
export function mayStillGrow(group: PageTurnGroup, context: GroupContext): boolean {
  return context.includeOpen !== true && context.lastOfBook && group.lastTurnStart + context.gapSeconds >= context.newestInstant;
}

/**
 * What a group becomes. The session rules apply (an invalid session is reported, not queued), but
 * not the live detection rules (≥ 30 s, a page turned): the plugin's import does not apply them
 * either, and a group that moved forward did turn a page.
 */
export function judgePageTurnGroup(group: PageTurnGroup, book: StatisticsBook, context: GroupContext): GroupVerdict {
  const hasMd5 = book.md5 !== null && book.md5 !== '';
  // Checked first, so an open group is not called backward or unchanged while it may still move on.
  if (hasMd5 && mayStillGrow(group, context)) return { kind: 'open' };
  if (!(group.endProgress - group.startProgress > 0)) return { kind: 'not-forward' };
  if (!hasMd5) return { kind: 'no-md5' };
  const validation = validateSession({
    bookHash: book.md5,
    // KOReader keeps no file name, only a title that is sometimes the file name. EPUB otherwise:
    // the sync engine replaces the type of an imported session with the server's once the hash resolves.
    bookType: bookTypeForFile(book.title ?? '') ?? 'EPUB',
    startTime: group.startTime,
    endTime: group.endTime,
    durationSeconds: group.durationSeconds,
    startProgress: group.startProgress,
    endProgress: group.endProgress,
    startLocation: group.startLocation,
    endLocation: group.endLocation,
    bookTitle: book.title,
    koreaderBookId: book.koreaderBookId,
  });
  if (!validation.ok) return { kind: 'invalid', reason: describeErrors(validation.errors) };
  return { kind: 'session', session: validation.session };
}

// A sync report in words, for every runtime (the CLI's `sync` and `demo`, the daemon's log line,
// the plugin's messages). Each session the sync left or settled is counted in exactly one part:
// the engine's `pending` also holds the sessions in flight, failed, parked or backing off, so those
// are taken out of "still queued" instead of being counted twice.
import type { SyncReport } from './sync-engine.js';

export interface SummaryOptions {
  /** The caller checks again by itself when the report says (daemon, plugin); else the user must sync. */
  scheduled: boolean;
}

/** One kind of outcome and how many sessions had it. */
export interface SummaryPart {
  count: number;
  words: string;
}

/**
 * Seconds until the caller should check the server for sessions whose answer was lost (0: at
 * once), or null when there is nothing to check or the sync stopped (offline, credentials…).
 */
export function secondsUntilNextCheck(report: SyncReport): number | null {
  if (report.unknown === 0 || report.nextCheckInSeconds === null || report.stoppedBy !== null) return null;
  return report.nextCheckInSeconds;
}

function sessions(count: number): string {
  return count === 1 ? '1 session' : `${count} sessions`;
}

/** What happens next to sessions sent without an answer: true for the caller's schedule and for what the user may do. */
function nextCheckWords(report: SyncReport, options: SummaryOptions): string {
  const delay = secondsUntilNextCheck(report);
  if (delay === null) return 'the next sync checks the server for them before sending anything again';
  if (options.scheduled) return delay === 0 ? 'checking the server for them in a moment' : `checking the server again in ${delay} s`;
  return delay === 0 ? 'sync again to check the server for them' : `sync again in ${delay} s to settle them`;
}

/** The sessions this sync settled or left, each in one part; parts with no session are left out (but "uploaded" and "still queued"). */
export function summaryParts(report: SyncReport, options: SummaryOptions): SummaryPart[] {
  const parts: SummaryPart[] = [{ count: report.uploaded, words: `${report.uploaded} uploaded` }];
  const add = (count: number, words: string) => {
    if (count > 0) parts.push({ count, words });
  };
  add(report.reconciled, `${report.reconciled} found already on the server (their answer had been lost; not sent again)`);
  add(report.duplicatesDropped, `${report.duplicatesDropped} already uploaded before (dropped from the queue)`);
  add(report.unknown, `${sessions(report.unknown)} sent without an answer: ${nextCheckWords(report, options)}`);
  add(report.failed, `${report.failed} failed (kept for a retry)`);
  add(report.parked, `${report.parked} parked as invalid`);
  add(report.skippedBackoff, `${report.skippedBackoff} waiting for backoff`);
  const rest = report.pending - report.unknown - report.failed - report.parked - report.skippedBackoff;
  const queued = rest > 0 ? rest : 0;
  parts.push({ count: queued, words: `${queued} still queued` });
  return parts;
}

/** One line: the parts, then what helped or was risked along the way (not further sessions). */
export function syncSummary(report: SyncReport, options: SummaryOptions): string {
  const text = summaryParts(report, options).map((p) => p.words).join(', ');
  const notes: string[] = [];
  if (report.resolved > 0) notes.push(`${report.resolved} matched to books by hash`);
  if (report.resentUnverified > 0) notes.push(`${report.resentUnverified} re-sent unverified (a KOReader login cannot list sessions)`);
  return notes.length === 0 ? text : `${text} (${notes.join('; ')})`;
}

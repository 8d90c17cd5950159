// What one press of Sync Now achieved. After "Turn on Wi-Fi?", KOReader broadcasts
// NetworkConnected before it runs the Sync Now callback, so a background sync may upload first;
// the glue keeps that sync's result and adds the Sync Now's own, so the user reads "1 uploaded"
// rather than "0 uploaded".
import type { SyncReport } from '../../src/core/sync/sync-engine.js';
import { syncSummary } from '../../src/app/sync-summary.js';
import type { SyncResult } from './app.js';

// Outcomes no later sync can count again (parked sessions are not retried). Failed and unknown
// sessions may be settled by the later sync, so theirs are the later sync's own (counted once).
const COUNTS = ['uploaded', 'resolved', 'parked', 'reconciled', 'resentUnverified', 'duplicatesDropped'] as const;

function addReports(earlier: SyncReport, later: SyncReport): SyncReport {
  const sum: SyncReport = { ...later };
  for (const key of COUNTS) sum[key] = earlier[key] + later[key];
  return sum;
}

/**
 * `earlier`: a sync that ran since the user pressed Sync Now (null if none); `later`: the Sync
 * Now's own. The later sync's state of the queue (pending, backoff, a stop) is the current one.
 */
export function combineSyncResults(this: void, earlier: SyncResult | null, later: SyncResult): SyncResult {
  const before = earlier !== null ? earlier.report : null;
  if (before === null || earlier === null) return later;
  const now = later.report;
  if (now === null) {
    // The Sync Now did not run (e.g. the other sync held the queue): the earlier one is the news.
    return later.problem ? later : earlier;
  }
  const report = addReports(before, now);
  const scheduled = later.nextCheckInSeconds !== undefined && later.nextCheckInSeconds !== null;
  if (now.stoppedBy === null) return { ran: true, message: syncSummary(report, scheduled), problem: later.problem, report, nextCheckInSeconds: later.nextCheckInSeconds };
  const also = before.uploaded > 0 ? ` (${before.uploaded} uploaded before that)` : '';
  return { ran: true, message: `${later.message}${also}`, problem: later.problem, report };
}

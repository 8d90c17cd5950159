// What a sync did, in words, the same in every runtime: the CLI's `sync` and `record`, the demo,
// the daemon's log line and the KOReader plugin's messages.
import { formatIsoUtc } from '../core/iso-time.js';
import type { SyncReport } from '../core/sync/sync-engine.js';
import { syncSummary as summaryInWords } from '../core/sync/sync-summary.js';

/**
 * The core's words (src/core/sync/sync-summary.ts), each session counted once; `scheduled` when the
 * caller checks the server again by itself (the daemon, the plugin), else the user is told to sync.
 */
export function syncSummary(report: SyncReport, scheduled = false): string {
  return summaryInWords(report, { scheduled });
}

export interface SyncNotice {
  text: string;
  /** Something the user must act on (credentials refused), not just a state (offline). */
  problem: boolean;
}

/** Why a sync stopped early, in one sentence, or null when it ran to the end. */
export function syncStopNotice(report: SyncReport): SyncNotice | null {
  if (report.stoppedBy === 'auth') return { text: `${report.message}; the queue is kept`, problem: true };
  if (report.stoppedBy === 'offline') return { text: `not synced: ${report.message}; sessions stay queued`, problem: false };
  if (report.stoppedBy !== null) return { text: `stopped: ${report.message}`, problem: false };
  return null;
}

/** The fields of a sync's --json document and of the daemon's control answer. */
export function syncJson(report: SyncReport) {
  return {
    uploaded: report.uploaded,
    pending: report.pending,
    resolved: report.resolved,
    failed: report.failed,
    parked: report.parked,
    reconciled: report.reconciled,
    unknown: report.unknown,
    /** When the sessions whose answer was lost can next be settled (ISO-8601 UTC), or null. */
    nextCheckAt: report.nextCheckAt === null ? null : formatIsoUtc(report.nextCheckAt),
    skippedBackoff: report.skippedBackoff,
    duplicatesDropped: report.duplicatesDropped,
    stoppedBy: report.stoppedBy,
    message: report.message,
  };
}

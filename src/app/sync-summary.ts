// What a sync did, in words, the same in every runtime: the CLI's `sync` and `record`, the demo,
// the daemon's log line and the KOReader plugin's messages.
import type { SyncReport } from '../core/sync/sync-engine.js';

export function syncSummary(report: SyncReport): string {
  const parts = [`${report.uploaded} uploaded`];
  if (report.reconciled > 0) parts.push(`${report.reconciled} found already on the server`);
  if (report.unknown > 0) parts.push(`${report.unknown} awaiting a check on the server (answer lost)`);
  if (report.resolved > 0) parts.push(`${report.resolved} matched to books by hash`);
  if (report.failed > 0) parts.push(`${report.failed} failed`);
  if (report.parked > 0) parts.push(`${report.parked} parked as invalid`);
  if (report.duplicatesDropped > 0) parts.push(`${report.duplicatesDropped} duplicate(s) dropped`);
  if (report.skippedBackoff > 0) parts.push(`${report.skippedBackoff} waiting for backoff`);
  parts.push(`${report.pending} still queued`);
  return parts.join(', ');
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
    skippedBackoff: report.skippedBackoff,
    duplicatesDropped: report.duplicatesDropped,
    stoppedBy: report.stoppedBy,
    message: report.message,
  };
}

// Writes one sync's row in the sync log, from the shared run-sync path so CLI, daemon, status page
// (and the KOReader plugin's) syncs all appear. A log that cannot be written (locked, full disk) is
// skipped: the sync's own outcome is what matters, and it is already settled in the queue.
import type { SyncReport } from '../core/sync/sync-engine.js';
import { SyncLog } from '../store/sync-log.js';
import type { QueueStore } from './queue-store.js';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : `${error}`;
}

export function recordSyncLog(
  store: QueueStore,
  trigger: string,
  startedMs: number,
  outcome: { report: SyncReport } | { error: unknown },
): void {
  try {
    if (!store.db.open) return;
    const report = 'report' in outcome ? outcome.report : null;
    new SyncLog(store.db).record({
      startedAt: Math.floor(startedMs / 1000),
      durationMs: Math.max(0, Math.round(store.runtime.nowMs() - startedMs)),
      trigger,
      outcome: report !== null ? (report.stoppedBy ?? 'ok') : 'error',
      uploaded: report?.uploaded ?? 0,
      failed: report?.failed ?? 0,
      parked: report?.parked ?? 0,
      pending: report?.pending ?? 0,
      message: report !== null ? report.message : 'error' in outcome ? errorText(outcome.error) : null,
    });
  } catch (ignored) {
    // see above
  }
}

// Writes one sync's row in the sync log, from the shared run-sync path so CLI, daemon and status
// page syncs all appear. A log that cannot be written (locked, full disk) is skipped: the sync's
// own outcome is what matters, and it is already settled in the queue.
import type { SyncReport } from '../core/sync/sync-engine.js';
import type { LocalStore } from '../store/local-store.js';
import { SyncLog } from '../store/sync-log.js';

export function recordSyncLog(
  store: LocalStore,
  trigger: string,
  startedMs: number,
  outcome: { report: SyncReport } | { error: unknown },
): void {
  try {
    if (!store.db.open) return;
    const report = 'report' in outcome ? outcome.report : null;
    const error = 'error' in outcome ? outcome.error : null;
    new SyncLog(store.db).record({
      startedAt: Math.floor(startedMs / 1000),
      durationMs: Math.max(0, Math.round(Date.now() - startedMs)),
      trigger,
      outcome: report ? (report.stoppedBy ?? 'ok') : 'error',
      uploaded: report?.uploaded ?? 0,
      failed: report?.failed ?? 0,
      parked: report?.parked ?? 0,
      pending: report?.pending ?? 0,
      message: report ? report.message : error instanceof Error ? error.message : String(error),
    });
  } catch {
    // see above
  }
}

// The overview's "Last sync" line, also sent live when a sync ends.
import type { SyncLogEntry } from '../../store/sync-log.js';
import { ago, duration, localTime } from './format.js';

export function lastSyncText(last: SyncLogEntry | null, now: number): string {
  if (last === null) return 'Last sync: none recorded yet.';
  const outcome = last.outcome === 'ok' ? 'completed' : `outcome: ${last.outcome}`;
  const figures = `${last.uploaded} uploaded, ${last.failed} failed, ${last.parked} parked, ${last.pending} left`;
  return `Last sync: ${localTime(last.startedAt)} (${ago(last.startedAt, now)}), ${last.trigger}, ${outcome}; ${figures}; took ${duration(Math.round(last.durationMs / 1000))}.${last.message ? ` ${last.message}` : ''}`;
}

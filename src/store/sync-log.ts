// The sync log (bls_sync_log): one row per sync that ran, from any trigger (CLI, daemon, status
// page), so the status page can show what happened while nobody watched. Kept to the newest
// KEEP rows. Writing it must never fail a sync: the caller ignores its errors.
import type { SqlDatabase } from './sql-database.js';

export interface SyncLogEntry {
  id: number;
  startedAt: number;
  durationMs: number;
  trigger: string;
  /** ok | offline | auth | lease-lost | interrupted | error */
  outcome: string;
  uploaded: number;
  failed: number;
  parked: number;
  pending: number;
  message: string | null;
}

const KEEP = 1000;

const COLUMNS = `id, started_at AS startedAt, duration_ms AS durationMs, trigger, outcome, uploaded, failed, parked,
  pending, message`;

export class SyncLog {
  constructor(private readonly db: SqlDatabase) {}

  record(entry: Omit<SyncLogEntry, 'id'>): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO bls_sync_log (started_at, duration_ms, trigger, outcome, uploaded, failed, parked, pending, message)
          VALUES (@startedAt, @durationMs, @trigger, @outcome, @uploaded, @failed, @parked, @pending, @message)`)
        .run(entry);
      this.db.prepare('DELETE FROM bls_sync_log WHERE id <= (SELECT MAX(id) FROM bls_sync_log) - ?').run(KEEP);
    }).immediate();
  }

  /** Newest first. */
  recent(limit: number): SyncLogEntry[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM bls_sync_log ORDER BY id DESC LIMIT ?`).all(limit) as SyncLogEntry[];
  }

  /** The newest sync whose trigger starts with `prefix` (e.g. the daemon's), or null. */
  lastWithTrigger(prefix: string): SyncLogEntry | null {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM bls_sync_log WHERE substr(trigger, 1, length(@prefix)) = @prefix ORDER BY id DESC LIMIT 1`)
      .get({ prefix });
    return (row as SyncLogEntry | undefined) ?? null;
  }
}

// Where the torture's probes (reliability/kill-probe.ts for Node, the lua-ljsqlite3 stand-in for
// Lua) freeze a process for the kill, by the SQL the store runs there. The Lua stand-in spells the
// same prefixes; keep them in step (test/torture.test.ts reaches every point in both runtimes).
export const PROBE_MARKER = '@@bls-torture-probe';

export type ProbePoint = 'lease' | 'settle' | 'import-mid' | 'import-commit';

/** Statement prefixes that mark each point. */
export const PROBE_SQL: Record<ProbePoint, string[]> = {
  // the lease row is written (paused once its transaction commits)
  lease: ['INSERT INTO bls_sync_lease'],
  // a settle statement ran: inside its transaction, before COMMIT
  settle: ['INSERT INTO historical_sessions', 'DELETE FROM pending_sessions WHERE id IN'],
  // an import wrote a ledger row: mid-transaction, or once that transaction commits
  'import-mid': ['INSERT OR IGNORE INTO bls_koreader_imports'],
  'import-commit': ['INSERT OR IGNORE INTO bls_koreader_imports'],
};

export function probeMatch(point: ProbePoint, sql: string): boolean {
  return PROBE_SQL[point].some((prefix) => sql.startsWith(prefix));
}

// The SQL of the sync lease (X5): one row saying who syncs this database now. Shared by the Node
// adapter and the KOReader plugin's adapter, so a sync in KOReader and one from the Node tool on
// the same file exclude each other. Strings only: no Node imports (also compiled to Lua).

export const SYNC_LEASE_SQL = {
  holder: 'SELECT owner, pid, host, expires_at FROM bls_sync_lease WHERE id = 1',
  take: `INSERT INTO bls_sync_lease (id, owner, pid, host, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
              acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
  renew: 'UPDATE bls_sync_lease SET expires_at = ? WHERE id = 1 AND owner = ?',
  release: 'DELETE FROM bls_sync_lease WHERE id = 1 AND owner = ?',
} as const;

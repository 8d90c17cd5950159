// booklore-sync's own additions to the plugin schema. Versioned in their own table so the plugin's
// schema_version stays at the plugin's number; every column added here has a default or allows
// NULL, so the plugin's INSERTs keep working on our file.
import type { SqlDatabase } from './sql-database.js';

export const MIGRATIONS_TABLE = 'booklore_sync_migrations';

interface Migration {
  version: number;
  description: string;
  sql: string[];
}

export const OUR_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'upload state, last error and provenance on queued sessions; sync receipt on history',
    sql: [
      // queued | sending (request may be on the wire: reconcile before re-sending) | parked (needs the user)
      "ALTER TABLE pending_sessions ADD COLUMN upload_state TEXT NOT NULL DEFAULT 'queued'",
      'ALTER TABLE pending_sessions ADD COLUMN last_error TEXT',
      'ALTER TABLE pending_sessions ADD COLUMN attempt_started_at INTEGER',
      // record | import | NULL (written by the plugin)
      'ALTER TABLE pending_sessions ADD COLUMN source TEXT',
      'ALTER TABLE historical_sessions ADD COLUMN synced_at INTEGER',
      'ALTER TABLE historical_sessions ADD COLUMN server_session_id INTEGER',
      'ALTER TABLE historical_sessions ADD COLUMN queue_id INTEGER',
      // The natural key (book, start, end) is how we spot a session we already have.
      'CREATE INDEX IF NOT EXISTS bls_pending_sessions_times ON pending_sessions(start_time, end_time)',
      'CREATE INDEX IF NOT EXISTS bls_historical_sessions_times ON historical_sessions(start_time, end_time)',
      // Not on upload_state: marking 100 sessions as sent would rewrite 100 index entries per batch.
      'CREATE INDEX IF NOT EXISTS bls_pending_sessions_book ON pending_sessions(book_id)',
    ],
  },
  {
    version: 2,
    description: 'sync state: book ids learned by hash, server capabilities, per-book backoff, the sync lease',
    sql: [
      // Keyed by server: another server numbers its books differently.
      `CREATE TABLE IF NOT EXISTS bls_book_hashes (
        server_url TEXT NOT NULL, book_hash TEXT NOT NULL, book_id INTEGER NOT NULL, resolved_at INTEGER NOT NULL,
        PRIMARY KEY (server_url, book_hash))`,
      `CREATE TABLE IF NOT EXISTS bls_server_capabilities (
        server_url TEXT PRIMARY KEY, batch_upload INTEGER, hash_lookup INTEGER, checked_at INTEGER NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS bls_backoff (
        book_id INTEGER PRIMARY KEY, failures INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT)`,
      // One row at most: who is syncing this database right now (X5).
      `CREATE TABLE IF NOT EXISTS bls_sync_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
        acquired_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
    ],
  },
  {
    version: 3,
    description: 'ledger of sessions imported from KOReader statistics, so a re-import never queues one twice',
    sql: [
      // Outlives the queue (Clear Pending, upload, parking): it is what makes an import idempotent (X8).
      // Keyed like the queue's natural key; times are the queue's ISO text, so the two join.
      `CREATE TABLE IF NOT EXISTS bls_koreader_imports (
        book_hash TEXT NOT NULL, start_time TEXT NOT NULL, end_time TEXT NOT NULL, koreader_book_id INTEGER,
        queue_id INTEGER, imported_at INTEGER NOT NULL,
        PRIMARY KEY (book_hash, start_time)) WITHOUT ROWID`,
    ],
  },
  {
    version: 4,
    description: 'when a session with an unknown upload outcome may be checked on the server',
    sql: [
      // A server may still be working on a request we gave up on (timeout): checking too early
      // finds nothing, and re-sending would then store it twice (found by the crash torture).
      'ALTER TABLE pending_sessions ADD COLUMN reconcile_after INTEGER',
    ],
  },
  {
    version: 5,
    description: "the server's book type with each book id learned by hash",
    sql: [
      // Imports only guess the type; a hash resolved from this table (not by a lookup) needs the
      // type the lookup once gave, or later imports of the book would keep the guess.
      'ALTER TABLE bls_book_hashes ADD COLUMN book_type TEXT',
    ],
  },
  {
    version: 6,
    description: 'a log of syncs (trigger, duration, outcome, figures) for the status page',
    sql: [
      // Written by every sync that runs (CLI, daemon, status page); the status page shows the last 100.
      `CREATE TABLE IF NOT EXISTS bls_sync_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
        trigger TEXT NOT NULL, outcome TEXT NOT NULL, uploaded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0, parked INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0,
        message TEXT)`,
    ],
  },
  {
    version: 7,
    description: 'fingerprints of server files (stock servers have no hash lookup) and sizes of local files',
    sql: [
      // One row per server file ever sampled, so each is read once in its life; a changed size hint,
      // file id or addedOn (BookLore rewrote or replaced it) makes the row stale.
      `CREATE TABLE IF NOT EXISTS bls_remote_fingerprints (
        server_url TEXT NOT NULL, book_id INTEGER NOT NULL, file_id INTEGER NOT NULL, book_type TEXT, file_size_kb INTEGER,
        added_on TEXT, file_hash TEXT NOT NULL, size_bytes INTEGER NOT NULL, computed_at INTEGER NOT NULL,
        PRIMARY KEY (server_url, book_id, file_id))`,
      // The local file's size puts server files of the same size first (fileSizeKb).
      'CREATE TABLE IF NOT EXISTS bls_local_files (book_hash TEXT PRIMARY KEY, size_bytes INTEGER NOT NULL, noted_at INTEGER NOT NULL)',
    ],
  },
];

export const OUR_SCHEMA_VERSION = OUR_MIGRATIONS[OUR_MIGRATIONS.length - 1]?.version ?? 0;

export function ourSchemaVersion(db: SqlDatabase): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
  if (!table) return 0;
  const row = db.prepare(`SELECT MAX(version) AS version FROM ${MIGRATIONS_TABLE}`).get() as { version: number | null };
  return row.version ?? 0;
}

export function applyOurMigrations(db: SqlDatabase, from: number, nowSeconds: number): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  for (const migration of OUR_MIGRATIONS) {
    if (migration.version <= from) continue;
    for (const sql of migration.sql) db.exec(sql);
    db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, description, applied_at) VALUES (?, ?, ?)`).run(
      migration.version,
      migration.description,
      nowSeconds,
    );
  }
}

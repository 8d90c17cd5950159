// The BookLore Sync plugin's own schema, migrations 1..21 (plugin-db.md; read from the plugin's
// booklore_database.lua). We bring a fresh or older plugin database to version 21 exactly as the
// plugin would, so the same file keeps working with the plugin on the device, and the seed's SQL
// works on ours. Our own changes are versioned separately (our-migrations.ts) so the plugin's
// `MAX(version)` keeps meaning what the plugin thinks it means.
import type { SqlDatabase } from './sql-database.js';

export const PLUGIN_SCHEMA_VERSION = 21;

const NOW = "(strftime('%s', 'now'))";

type Step = string | ((db: SqlDatabase) => void);

function hasColumn(db: SqlDatabase, table: string, column: string): boolean {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return columns.some((c) => c.name === column);
}

function addColumn(table: string, column: string, definition: string): Step {
  return (db) => {
    if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  };
}

/** Rebuilds a table with a new definition, keeping every row (the plugin's migrations 14 and 15). */
function rebuildTable(table: string, createSql: (name: string) => string, columns: string): Step {
  return (db) => {
    db.exec(createSql(`${table}_new`));
    db.exec(`INSERT OR IGNORE INTO ${table}_new (${columns}) SELECT ${columns} FROM ${table}`);
    db.exec(`DROP TABLE ${table}`);
    db.exec(`ALTER TABLE ${table}_new RENAME TO ${table}`);
  };
}

const pendingAnnotations = (name: string): string => `CREATE TABLE IF NOT EXISTS ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, book_id INTEGER,
  ann_type TEXT NOT NULL, datetime TEXT NOT NULL, payload TEXT NOT NULL,
  retry_count INTEGER DEFAULT 0, last_retry_at INTEGER, created_at INTEGER DEFAULT ${NOW},
  UNIQUE(book_cache_id, datetime, ann_type), FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`;

const pendingRatings = (name: string): string => `CREATE TABLE IF NOT EXISTS ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL UNIQUE, book_id INTEGER,
  rating INTEGER NOT NULL, retry_count INTEGER DEFAULT 0, last_retry_at INTEGER,
  created_at INTEGER DEFAULT ${NOW}, FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`;

const bookmarkTables: Step[] = [
  `CREATE TABLE IF NOT EXISTS pending_bookmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, book_id INTEGER,
    datetime TEXT NOT NULL, payload TEXT NOT NULL, retry_count INTEGER DEFAULT 0, last_retry_at INTEGER,
    created_at INTEGER DEFAULT ${NOW}, UNIQUE(book_cache_id, datetime),
    FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  'CREATE INDEX IF NOT EXISTS idx_pending_bookmarks_book_cache_id ON pending_bookmarks(book_cache_id)',
  'CREATE INDEX IF NOT EXISTS idx_pending_bookmarks_created_at ON pending_bookmarks(created_at)',
  `CREATE TABLE IF NOT EXISTS synced_bookmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, datetime TEXT NOT NULL,
    server_id INTEGER, synced_at INTEGER DEFAULT ${NOW}, UNIQUE(book_cache_id, datetime),
    FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  'CREATE INDEX IF NOT EXISTS idx_synced_bookmarks_book_cache_id ON synced_bookmarks(book_cache_id)',
];

/** PLUGIN_MIGRATIONS[v - 1] brings the plugin schema from version v - 1 to v. */
export const PLUGIN_MIGRATIONS: Step[][] = [
  // 1
  [
    `CREATE TABLE IF NOT EXISTS book_cache (
      id INTEGER PRIMARY KEY AUTOINCREMENT, file_path TEXT UNIQUE NOT NULL, file_hash TEXT NOT NULL,
      book_id INTEGER, title TEXT, author TEXT, last_accessed INTEGER,
      created_at INTEGER DEFAULT ${NOW}, updated_at INTEGER DEFAULT ${NOW})`,
    'CREATE INDEX IF NOT EXISTS idx_book_cache_file_path ON book_cache(file_path)',
    'CREATE INDEX IF NOT EXISTS idx_book_cache_file_hash ON book_cache(file_hash)',
    'CREATE INDEX IF NOT EXISTS idx_book_cache_book_id ON book_cache(book_id)',
    `CREATE TABLE IF NOT EXISTS pending_sessions (
      id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER, book_hash TEXT NOT NULL,
      book_type TEXT DEFAULT 'EPUB', start_time TEXT NOT NULL, end_time TEXT NOT NULL,
      duration_seconds INTEGER NOT NULL, start_progress REAL DEFAULT 0.0, end_progress REAL DEFAULT 0.0,
      progress_delta REAL DEFAULT 0.0, start_location TEXT, end_location TEXT,
      created_at INTEGER DEFAULT ${NOW}, retry_count INTEGER DEFAULT 0, last_retry_at INTEGER)`,
    'CREATE INDEX IF NOT EXISTS idx_pending_sessions_book_hash ON pending_sessions(book_hash)',
    `CREATE TABLE IF NOT EXISTS match_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT, file_hash TEXT NOT NULL, book_id INTEGER NOT NULL,
      match_method TEXT DEFAULT 'manual', confidence REAL DEFAULT 1.0, matched_at INTEGER DEFAULT ${NOW},
      matched_title TEXT, matched_author TEXT)`,
    'CREATE INDEX IF NOT EXISTS idx_match_history_file_hash ON match_history(file_hash)',
    `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER DEFAULT ${NOW})`,
  ],
  // 2
  [
    `CREATE TABLE IF NOT EXISTS historical_sessions (
      id INTEGER PRIMARY KEY AUTOINCREMENT, koreader_book_id INTEGER NOT NULL, koreader_book_title TEXT NOT NULL,
      book_id INTEGER, book_hash TEXT, book_type TEXT DEFAULT 'EPUB', start_time TEXT NOT NULL,
      end_time TEXT NOT NULL, duration_seconds INTEGER NOT NULL, start_progress REAL DEFAULT 0.0,
      end_progress REAL DEFAULT 0.0, progress_delta REAL DEFAULT 0.0, start_location TEXT, end_location TEXT,
      created_at INTEGER DEFAULT ${NOW}, matched BOOLEAN DEFAULT 0, synced BOOLEAN DEFAULT 0,
      UNIQUE(koreader_book_id, start_time, end_time))`,
    'CREATE INDEX IF NOT EXISTS idx_historical_koreader_book ON historical_sessions(koreader_book_id)',
    'CREATE INDEX IF NOT EXISTS idx_historical_matched ON historical_sessions(matched)',
    'CREATE INDEX IF NOT EXISTS idx_historical_book_id ON historical_sessions(book_id)',
    'CREATE INDEX IF NOT EXISTS idx_historical_book_hash ON historical_sessions(book_hash)',
  ],
  // 3
  [
    addColumn('book_cache', 'isbn10', 'TEXT'),
    addColumn('book_cache', 'isbn13', 'TEXT'),
    'CREATE INDEX IF NOT EXISTS idx_book_cache_isbn10 ON book_cache(isbn10)',
    'CREATE INDEX IF NOT EXISTS idx_book_cache_isbn13 ON book_cache(isbn13)',
  ],
  // 4
  [
    `CREATE TABLE IF NOT EXISTS bearer_tokens (
      id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT UNIQUE NOT NULL, token TEXT NOT NULL,
      created_at INTEGER DEFAULT ${NOW}, expires_at INTEGER NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS idx_bearer_tokens_username ON bearer_tokens(username)',
    'CREATE INDEX IF NOT EXISTS idx_bearer_tokens_expires ON bearer_tokens(expires_at)',
  ],
  // 5
  ['DROP INDEX IF EXISTS idx_match_history_file_hash', 'DROP TABLE IF EXISTS match_history'],
  // 6
  [addColumn('pending_sessions', 'book_title', 'TEXT')],
  // 7
  [addColumn('pending_sessions', 'koreader_book_id', 'INTEGER')],
  // 8
  ['CREATE TABLE IF NOT EXISTS updater_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, cached_at INTEGER NOT NULL)'],
  // 9
  [
    `CREATE TABLE IF NOT EXISTS book_metadata (
      id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, sdr_path TEXT, rating INTEGER,
      rating_synced INTEGER DEFAULT 0, created_at INTEGER DEFAULT ${NOW}, updated_at INTEGER DEFAULT ${NOW},
      UNIQUE(book_cache_id))`,
    'CREATE INDEX IF NOT EXISTS idx_book_metadata_book_cache_id ON book_metadata(book_cache_id)',
    `CREATE TABLE IF NOT EXISTS synced_annotations (
      id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, koreader_datetime TEXT NOT NULL,
      annotation_type TEXT NOT NULL, destination TEXT NOT NULL, server_id INTEGER, synced_at INTEGER,
      UNIQUE(book_cache_id, koreader_datetime, annotation_type))`,
    'CREATE INDEX IF NOT EXISTS idx_synced_annotations_book ON synced_annotations(book_cache_id)',
  ],
  // 10 (the plugin's hook that imports its old LuaSettings file has nothing to import here)
  [
    `CREATE TABLE IF NOT EXISTS plugin_settings (key TEXT PRIMARY KEY, value TEXT, updated_at INTEGER DEFAULT ${NOW})`,
    `CREATE TABLE IF NOT EXISTS rating_sync_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, rating INTEGER NOT NULL,
      synced_at INTEGER DEFAULT ${NOW}, status TEXT NOT NULL DEFAULT 'success', error_message TEXT,
      FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
    'CREATE INDEX IF NOT EXISTS idx_rating_sync_history_book ON rating_sync_history(book_cache_id)',
  ],
  // 11
  [pendingRatings('pending_ratings'), 'CREATE INDEX IF NOT EXISTS idx_pending_ratings_book_cache_id ON pending_ratings(book_cache_id)'],
  // 12
  [addColumn('book_metadata', 'pending_rating_prompt', 'INTEGER DEFAULT 0')],
  // 13
  [
    pendingAnnotations('pending_annotations'),
    'CREATE INDEX IF NOT EXISTS idx_pending_annotations_book_cache_id ON pending_annotations(book_cache_id)',
    'CREATE INDEX IF NOT EXISTS idx_pending_annotations_created_at ON pending_annotations(created_at)',
  ],
  // 14: book_id became nullable
  [
    rebuildTable('pending_annotations', pendingAnnotations,
      'id, book_cache_id, book_id, ann_type, datetime, payload, retry_count, last_retry_at, created_at'),
    'CREATE INDEX IF NOT EXISTS idx_pending_annotations_book_cache_id ON pending_annotations(book_cache_id)',
    'CREATE INDEX IF NOT EXISTS idx_pending_annotations_created_at ON pending_annotations(created_at)',
  ],
  // 15: book_id became nullable
  [
    rebuildTable('pending_ratings', pendingRatings,
      'id, book_cache_id, book_id, rating, retry_count, last_retry_at, created_at'),
    'CREATE INDEX IF NOT EXISTS idx_pending_ratings_book_cache_id ON pending_ratings(book_cache_id)',
  ],
  // 16: an empty placeholder in the plugin
  [],
  // 17
  bookmarkTables,
  // 18 (a post-migration hook in the plugin)
  [addColumn('book_cache', 'hardcover_id', 'INTEGER'), 'CREATE INDEX IF NOT EXISTS idx_book_cache_hardcover_id ON book_cache(hardcover_id)'],
  // 19: the plugin re-issues 17 with IF NOT EXISTS
  bookmarkTables,
  // 20
  [
    `CREATE TABLE IF NOT EXISTS pending_deletions (
      id INTEGER PRIMARY KEY AUTOINCREMENT, file_hash TEXT NOT NULL, stem TEXT NOT NULL, book_id INTEGER,
      retry_count INTEGER DEFAULT 0, created_at INTEGER DEFAULT ${NOW}, UNIQUE(file_hash))`,
    'CREATE INDEX IF NOT EXISTS idx_pending_deletions_file_hash ON pending_deletions(file_hash)',
  ],
  // 21 (a post-migration hook in the plugin)
  [addColumn('book_cache', 'tracking_enabled', 'INTEGER DEFAULT 1')],
];

export function pluginSchemaVersion(db: SqlDatabase): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

/** Runs the plugin migrations after `from`, each recorded in schema_version as the plugin does. */
export function upgradePluginSchema(db: SqlDatabase, from: number, nowSeconds: number): void {
  for (let version = from + 1; version <= PLUGIN_SCHEMA_VERSION; version++) {
    for (const step of PLUGIN_MIGRATIONS[version - 1] ?? []) {
      if (typeof step === 'string') db.exec(step);
      else step(db);
    }
    db.prepare('INSERT OR IGNORE INTO schema_version (version, applied_at) VALUES (?, ?)').run(version, nowSeconds);
  }
}

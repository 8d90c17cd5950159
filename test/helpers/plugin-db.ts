// Databases as the BookLore Sync KOReader plugin leaves them on a device, built from the plugin's
// DDL (booklore_database.lua, plugin-db.md) independently of our own schema code.
import Database from 'better-sqlite3';

const NOW = "(strftime('%s', 'now'))";

/** The plugin's tables at schema version 7 (before updater_cache, ratings, annotations …). */
export const PLUGIN_V7_DDL = [
  `CREATE TABLE book_cache (id INTEGER PRIMARY KEY AUTOINCREMENT, file_path TEXT UNIQUE NOT NULL, file_hash TEXT NOT NULL,
    book_id INTEGER, title TEXT, author TEXT, last_accessed INTEGER, created_at INTEGER DEFAULT ${NOW},
    updated_at INTEGER DEFAULT ${NOW}, isbn10 TEXT, isbn13 TEXT)`,
  'CREATE INDEX idx_book_cache_file_path ON book_cache(file_path)',
  'CREATE INDEX idx_book_cache_file_hash ON book_cache(file_hash)',
  'CREATE INDEX idx_book_cache_book_id ON book_cache(book_id)',
  `CREATE TABLE pending_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER, book_hash TEXT NOT NULL,
    book_type TEXT DEFAULT 'EPUB', start_time TEXT NOT NULL, end_time TEXT NOT NULL, duration_seconds INTEGER NOT NULL,
    start_progress REAL DEFAULT 0.0, end_progress REAL DEFAULT 0.0, progress_delta REAL DEFAULT 0.0,
    start_location TEXT, end_location TEXT, created_at INTEGER DEFAULT ${NOW}, retry_count INTEGER DEFAULT 0,
    last_retry_at INTEGER, book_title TEXT, koreader_book_id INTEGER)`,
  'CREATE INDEX idx_pending_sessions_book_hash ON pending_sessions(book_hash)',
  `CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER DEFAULT ${NOW})`,
  `CREATE TABLE historical_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, koreader_book_id INTEGER NOT NULL,
    koreader_book_title TEXT NOT NULL, book_id INTEGER, book_hash TEXT, book_type TEXT DEFAULT 'EPUB',
    start_time TEXT NOT NULL, end_time TEXT NOT NULL, duration_seconds INTEGER NOT NULL, start_progress REAL DEFAULT 0.0,
    end_progress REAL DEFAULT 0.0, progress_delta REAL DEFAULT 0.0, start_location TEXT, end_location TEXT,
    created_at INTEGER DEFAULT ${NOW}, matched BOOLEAN DEFAULT 0, synced BOOLEAN DEFAULT 0,
    UNIQUE(koreader_book_id, start_time, end_time))`,
  `CREATE TABLE bearer_tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT UNIQUE NOT NULL, token TEXT NOT NULL,
    created_at INTEGER DEFAULT ${NOW}, expires_at INTEGER NOT NULL)`,
];

/** What versions 8–21 add on top of version 7. */
export const PLUGIN_V8_TO_V21_DDL = [
  'CREATE TABLE updater_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, cached_at INTEGER NOT NULL)',
  `CREATE TABLE book_metadata (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, sdr_path TEXT,
    rating INTEGER, rating_synced INTEGER DEFAULT 0, created_at INTEGER DEFAULT ${NOW}, updated_at INTEGER DEFAULT ${NOW},
    pending_rating_prompt INTEGER DEFAULT 0, UNIQUE(book_cache_id))`,
  `CREATE TABLE synced_annotations (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL,
    koreader_datetime TEXT NOT NULL, annotation_type TEXT NOT NULL, destination TEXT NOT NULL, server_id INTEGER,
    synced_at INTEGER, UNIQUE(book_cache_id, koreader_datetime, annotation_type))`,
  `CREATE TABLE plugin_settings (key TEXT PRIMARY KEY, value TEXT, updated_at INTEGER DEFAULT ${NOW})`,
  `CREATE TABLE rating_sync_history (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL,
    rating INTEGER NOT NULL, synced_at INTEGER DEFAULT ${NOW}, status TEXT NOT NULL DEFAULT 'success', error_message TEXT,
    FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  `CREATE TABLE pending_ratings (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL UNIQUE,
    book_id INTEGER, rating INTEGER NOT NULL, retry_count INTEGER DEFAULT 0, last_retry_at INTEGER,
    created_at INTEGER DEFAULT ${NOW}, FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  `CREATE TABLE pending_annotations (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, book_id INTEGER,
    ann_type TEXT NOT NULL, datetime TEXT NOT NULL, payload TEXT NOT NULL, retry_count INTEGER DEFAULT 0,
    last_retry_at INTEGER, created_at INTEGER DEFAULT ${NOW}, UNIQUE(book_cache_id, datetime, ann_type),
    FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  `CREATE TABLE pending_bookmarks (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, book_id INTEGER,
    datetime TEXT NOT NULL, payload TEXT NOT NULL, retry_count INTEGER DEFAULT 0, last_retry_at INTEGER,
    created_at INTEGER DEFAULT ${NOW}, UNIQUE(book_cache_id, datetime), FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  `CREATE TABLE synced_bookmarks (id INTEGER PRIMARY KEY AUTOINCREMENT, book_cache_id INTEGER NOT NULL, datetime TEXT NOT NULL,
    server_id INTEGER, synced_at INTEGER DEFAULT ${NOW}, UNIQUE(book_cache_id, datetime),
    FOREIGN KEY(book_cache_id) REFERENCES book_cache(id))`,
  `CREATE TABLE pending_deletions (id INTEGER PRIMARY KEY AUTOINCREMENT, file_hash TEXT NOT NULL, stem TEXT NOT NULL,
    book_id INTEGER, retry_count INTEGER DEFAULT 0, created_at INTEGER DEFAULT ${NOW}, UNIQUE(file_hash))`,
  'ALTER TABLE book_cache ADD COLUMN hardcover_id INTEGER',
  'ALTER TABLE book_cache ADD COLUMN tracking_enabled INTEGER DEFAULT 1',
];

export const PLUGIN_V21_TABLES = [
  'book_cache', 'pending_sessions', 'schema_version', 'historical_sessions', 'bearer_tokens', 'updater_cache',
  'book_metadata', 'synced_annotations', 'plugin_settings', 'rating_sync_history', 'pending_ratings',
  'pending_annotations', 'pending_bookmarks', 'synced_bookmarks', 'pending_deletions',
];

export interface PluginPendingRow {
  book_id: number | null;
  book_hash: string;
  book_title?: string | null;
  koreader_book_id?: number | null;
  book_type?: string;
  start_time: string;
  end_time: string;
  duration_seconds: number;
  start_progress?: number;
  end_progress?: number;
  progress_delta?: number;
  start_location?: string;
  end_location?: string;
  retry_count?: number;
}

/** Writes a plugin database of the given version (7 or 21) the way the plugin fills it. */
export function createPluginDatabase(path: string, version: 7 | 21, pending: PluginPendingRow[]): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = TRUNCATE'); // what the plugin sets on open
    for (const sql of PLUGIN_V7_DDL) db.exec(sql);
    if (version === 21) for (const sql of PLUGIN_V8_TO_V21_DDL) db.exec(sql);
    const insertVersion = db.prepare('INSERT INTO schema_version (version) VALUES (?)');
    for (let v = 1; v <= version; v++) insertVersion.run(v);
    const insert = db.prepare(`INSERT INTO pending_sessions (book_id, book_hash, book_title, koreader_book_id, book_type,
      start_time, end_time, duration_seconds, start_progress, end_progress, progress_delta, start_location, end_location, retry_count)
      VALUES (@book_id, @book_hash, @book_title, @koreader_book_id, @book_type, @start_time, @end_time, @duration_seconds,
      @start_progress, @end_progress, @progress_delta, @start_location, @end_location, @retry_count)`);
    for (const row of pending) {
      insert.run({
        book_title: 'Unknown', koreader_book_id: null, book_type: 'EPUB', start_progress: 0, end_progress: 0,
        progress_delta: 0, start_location: '0', end_location: '0', retry_count: 0, ...row,
      });
    }
    if (version === 21) db.prepare("INSERT INTO plugin_settings (key, value) VALUES ('server_url', 'http://booklore.local:6060')").run();
    if (version === 21) db.prepare("INSERT INTO book_cache (file_path, file_hash, book_id, title) VALUES ('/mnt/us/books/a.epub', ?, 3, 'A')").run(pending[0]?.book_hash ?? 'x');
  } finally {
    db.close();
  }
}

// The server's SQLite schema and seeding. In memory by default; a file (WAL) with --data, in
// which case an existing file keeps its sessions and is seeded only when it has no users yet.
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { BOOK_FILE_COLUMNS, ensureBookFileColumns, seedBookFileValues } from './book-files.js';
import type { SeedData } from './seed.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0
);
-- §2.3: koreader_user keeps the plaintext password and its MD5, and links to one BookLore user.
CREATE TABLE IF NOT EXISTS koreader_users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL,
  password_md5 TEXT NOT NULL,
  sync_enabled INTEGER NOT NULL DEFAULT 1,
  booklore_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS libraries (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS library_users (
  library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (library_id, user_id)
);
-- §3.3: initial_hash is kept but only current_hash is used for lookup; seed_hash restores it on reset.
CREATE TABLE IF NOT EXISTS books (
  id INTEGER PRIMARY KEY,
  library_id INTEGER NOT NULL REFERENCES libraries(id),
  title TEXT NOT NULL,
  authors TEXT NOT NULL,
  isbn13 TEXT,
  book_type TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_size_kb INTEGER,
  initial_hash TEXT NOT NULL,
  current_hash TEXT NOT NULL
);
-- §8: the file behind /content (see book-files.ts); added by ensureBookFileColumns on older data files.
CREATE INDEX IF NOT EXISTS books_current_hash ON books (current_hash);
-- §1.5: reading_sessions, whole-second times, and only non-unique indexes (§1.4: duplicates are stored).
CREATE TABLE IF NOT EXISTS reading_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
  book_type TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  duration_seconds INTEGER NOT NULL,
  duration_formatted TEXT,
  start_progress REAL,
  end_progress REAL,
  progress_delta REAL,
  start_location TEXT,
  end_location TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reading_sessions_user_start ON reading_sessions (user_id, start_time);
CREATE INDEX IF NOT EXISTS reading_sessions_book_start ON reading_sessions (book_id, start_time);
CREATE INDEX IF NOT EXISTS reading_sessions_user_book_start ON reading_sessions (user_id, book_id, start_time);
-- Issued JWTs by id, so tokens can be expired or revoked (§2.1 refresh rotation).
CREATE TABLE IF NOT EXISTS tokens (
  jti TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
`;

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

const MARKER = 'booklore_sync_test_server';

export class NotOurDataFileError extends Error {
  override name = 'NotOurDataFileError';
}

export function openServerDatabase(dataFile: string | undefined): Database.Database {
  const db = new Database(dataFile ?? ':memory:');
  try {
    // Never add our tables to someone else's database (say, the client's own queue file).
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const ours = tables.includes('meta') && db.prepare('SELECT 1 FROM meta WHERE key = ?').get(MARKER) !== undefined;
    if (tables.length > 0 && !ours) {
      throw new NotOurDataFileError('it is an SQLite database of something else, not a test-server data file; choose a new file');
    }
    if (dataFile !== undefined) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    ensureBookFileColumns(db);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '1')").run(MARKER);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The HMAC key for JWTs, kept in the database so tokens survive a restart on the same --data file. */
export function jwtSecret(db: Database.Database): Buffer {
  const existing = db.prepare("SELECT value FROM meta WHERE key = 'jwt_secret'").pluck().get() as string | undefined;
  if (existing !== undefined) return Buffer.from(existing, 'hex');
  const secret = randomBytes(32);
  db.prepare("INSERT INTO meta (key, value) VALUES ('jwt_secret', ?)").run(secret.toString('hex'));
  return secret;
}

export function hasUsers(db: Database.Database): boolean {
  return db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined;
}

/** Replaces everything (sessions and tokens included) with the seed, in one transaction. */
export function applySeed(db: Database.Database, seed: SeedData): void {
  db.transaction(() => {
    for (const table of ['reading_sessions', 'tokens', 'books', 'library_users', 'libraries', 'koreader_users', 'users']) {
      db.prepare(`DELETE FROM ${table}`).run();
    }
    // Session ids start again at 1 after a reset, as on a fresh server.
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'reading_sessions'").run();
    const userIds = new Map<string, number>();
    const insertUser = db.prepare('INSERT INTO users (id, username, password, is_admin) VALUES (?, ?, ?, ?)');
    seed.users.forEach((u, i) => {
      insertUser.run(i + 1, u.username, u.password, u.admin === true ? 1 : 0);
      userIds.set(u.username, i + 1);
    });
    const insertKoreader = db.prepare(
      'INSERT INTO koreader_users (id, username, password, password_md5, booklore_user_id) VALUES (?, ?, ?, ?, ?)',
    );
    seed.koreaderUsers.forEach((k, i) => {
      const linked = k.bookloreUser === null ? null : (userIds.get(k.bookloreUser) ?? null);
      insertKoreader.run(i + 1, k.username, k.password, md5Hex(k.password), linked);
    });
    const insertLibrary = db.prepare('INSERT INTO libraries (id, name) VALUES (?, ?)');
    const insertMember = db.prepare('INSERT OR IGNORE INTO library_users (library_id, user_id) VALUES (?, ?)');
    for (const library of seed.libraries) {
      insertLibrary.run(library.id, library.name);
      for (const member of library.members) {
        const userId = userIds.get(member);
        if (userId !== undefined) insertMember.run(library.id, userId);
      }
    }
    const insertBook = db.prepare(`INSERT INTO books
      (id, library_id, title, authors, isbn13, book_type, file_name, file_size_kb, initial_hash, current_hash, ${BOOK_FILE_COLUMNS.join(', ')})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${BOOK_FILE_COLUMNS.map(() => '?').join(', ')})`);
    for (const b of seed.books) {
      insertBook.run(b.id, b.libraryId, b.title, JSON.stringify(b.authors), b.isbn13 ?? null, b.bookType, b.fileName, b.fileSizeKb ?? null, b.hash, b.hash, ...seedBookFileValues(b));
    }
  })();
}

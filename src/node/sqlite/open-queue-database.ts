// Opens `booklore-sync.sqlite`: refuses files that are not ours or the plugin's without writing to
// them, then sets the durability settings and brings the schema up to date in one transaction.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserFacingError } from '../../app/user-facing-error.js';
import { OUR_SCHEMA_VERSION, applyOurMigrations, ourSchemaVersion, MIGRATIONS_TABLE } from '../../store/our-migrations.js';
import { PLUGIN_SCHEMA_VERSION, pluginSchemaVersion, upgradePluginSchema } from '../../store/plugin-schema.js';
import { describeSqliteError } from './sqlite-errors.js';

export const DATABASE_FILE = 'booklore-sync.sqlite';

export function databasePath(home: string): string {
  return join(home, DATABASE_FILE);
}

/** How long to wait for another process's lock before giving up with a clear message. */
export function lockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.BOOKLORE_SYNC_LOCK_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : 10_000;
}

export interface OpenOptions {
  /** Wall clock for migration timestamps (epoch seconds). */
  nowSeconds?: () => number;
  lockTimeoutMs?: number;
}

type Kind = { kind: 'empty' } | { kind: 'ours' } | { kind: 'plugin' } | { kind: 'foreign'; tables: string[] };

function classify(db: Database.Database): Kind {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
    name: string;
  }[]).map((t) => t.name);
  if (tables.length === 0) return { kind: 'empty' };
  if (tables.includes(MIGRATIONS_TABLE) && tables.includes('pending_sessions')) return { kind: 'ours' };
  if (tables.includes('pending_sessions') && tables.includes('schema_version')) return { kind: 'plugin' };
  return { kind: 'foreign', tables };
}

export function openQueueDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  if (existsSync(path) && !statSync(path).isFile()) {
    throw new UserFacingError(`${path} is not a regular file; move it aside or choose another --home`);
  } else if (!existsSync(path)) {
    try {
      // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
      closeSync(openSync(path, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw describeSqliteError(path, err);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.lockTimeoutMs ?? lockTimeoutMs() });
  } catch (err) {
    throw describeSqliteError(path, err);
  }
  try {
    const kind = classify(db);
    if (kind.kind === 'foreign') {
      throw new UserFacingError(
        `${path} is a SQLite database of another application (tables: ${kind.tables.slice(0, 5).join(', ')}${kind.tables.length > 5 ? ', …' : ''}); refusing to change it. Move it aside or choose another --home`,
      );
    }
    const ourVersion = kind.kind === 'ours' ? ourSchemaVersion(db) : 0;
    if (ourVersion > OUR_SCHEMA_VERSION) {
      throw new UserFacingError(
        `${path} was written by a newer booklore-sync (schema ${ourVersion}, this one knows ${OUR_SCHEMA_VERSION}); upgrade booklore-sync to use it`,
      );
    }
    // WAL + FULL: a committed session is in the fsync'd log before `record` returns (S1).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const pluginVersion = pluginSchemaVersion(db);
    if (pluginVersion < PLUGIN_SCHEMA_VERSION || ourVersion < OUR_SCHEMA_VERSION) {
      db.transaction(() => {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        upgradePluginSchema(db, pluginSchemaVersion(db), now());
        applyOurMigrations(db, ourSchemaVersion(db), now());
      }).immediate();
    }
    return db;
  } catch (err) {
    db.close();
    throw err instanceof UserFacingError ? err : describeSqliteError(path, err);
  }
}

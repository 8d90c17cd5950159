// Opens booklore-sync.sqlite in either runtime: refuses files that are neither ours nor the
// original plugin's without writing to them, sets the durability settings, and brings the schema
// up to date in one transaction (plugin schema v21 + our migrations).
import { MIGRATIONS_TABLE, OUR_SCHEMA_VERSION, applyOurMigrations, ourSchemaVersion } from '../store/our-migrations.js';
import { PLUGIN_SCHEMA_VERSION, pluginSchemaVersion, upgradePluginSchema } from '../store/plugin-schema.js';
import type { SqlDatabase } from '../store/sql-database.js';
import { nowSeconds, type OwnedDatabase, type Runtime } from './runtime.js';
import { describeStorageFailure } from './storage-errors.js';
import { UserFacingError } from './user-facing-error.js';

export const DATABASE_FILE = 'booklore-sync.sqlite';

type Kind = { kind: 'empty' } | { kind: 'ours' } | { kind: 'plugin' } | { kind: 'foreign'; tables: string[] };

export function tableNames(db: SqlDatabase): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
}

function classify(db: SqlDatabase): Kind {
  const tables = tableNames(db);
  if (tables.length === 0) return { kind: 'empty' };
  if (tables.includes(MIGRATIONS_TABLE) && tables.includes('pending_sessions')) return { kind: 'ours' };
  if (tables.includes('pending_sessions') && tables.includes('schema_version')) return { kind: 'plugin' };
  return { kind: 'foreign', tables };
}

function failureOf(path: string, err: unknown, runtime: Runtime): unknown {
  if (err instanceof UserFacingError) return err;
  const failure = runtime.sqlite.failure(err);
  return describeStorageFailure(path, failure ?? { kind: 'other', detail: err instanceof Error ? err.message : `${err}` }, runtime.wording);
}

function refuseOthers(path: string, db: SqlDatabase, runtime: Runtime): number {
  const kind = classify(db);
  if (kind.kind === 'foreign') {
    const shown = kind.tables.slice(0, 5).join(', ');
    throw new UserFacingError(
      `${path} is a SQLite database of another application (tables: ${shown}${kind.tables.length > 5 ? ', …' : ''}); refusing to change it. Move it aside${runtime.wording.orElsewhere}`,
    );
  }
  const ourVersion = kind.kind === 'ours' ? ourSchemaVersion(db) : 0;
  if (ourVersion > OUR_SCHEMA_VERSION) {
    throw new UserFacingError(
      `${path} was written by a newer booklore-sync (schema ${ourVersion}, this one knows ${OUR_SCHEMA_VERSION}); upgrade booklore-sync to use it`,
    );
  }
  return ourVersion;
}

export function openQueueDatabase(path: string, runtime: Runtime): OwnedDatabase {
  let db: OwnedDatabase;
  try {
    db = runtime.sqlite.open(path, runtime.sqlite.busyTimeoutMs);
  } catch (err) {
    throw failureOf(path, err, runtime);
  }
  try {
    const ourVersion = refuseOthers(path, db, runtime);
    // FULL: a committed session is on disk before we say it is queued (S1).
    db.pragma(`journal_mode = ${runtime.sqlite.wal ? 'WAL' : 'TRUNCATE'}`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (pluginSchemaVersion(db) < PLUGIN_SCHEMA_VERSION || ourVersion < OUR_SCHEMA_VERSION) {
      const now = nowSeconds(runtime);
      db.transaction(() => {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        upgradePluginSchema(db, pluginSchemaVersion(db), now);
        applyOurMigrations(db, ourSchemaVersion(db), now);
      }).immediate();
    }
    return db;
  } catch (err) {
    db.close();
    throw failureOf(path, err, runtime);
  }
}

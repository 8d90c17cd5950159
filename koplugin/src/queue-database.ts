// Opens booklore-sync.sqlite in KOReader's settings folder, as src/node/sqlite/open-queue-database.ts
// does for the Node tool: refuses files that are not ours or the plugin's without writing to them,
// sets the durability settings, and brings the schema up to date in one transaction, running the
// very same migration code (src/store/plugin-schema.ts, src/store/our-migrations.ts) through the
// SqlDatabase port implemented in ./sqlite.ts.
import { restrictToOwner } from './file-mode.js';
import { MIGRATIONS_TABLE, OUR_SCHEMA_VERSION, applyOurMigrations, ourSchemaVersion } from '../../src/store/our-migrations.js';
import { PLUGIN_SCHEMA_VERSION, pluginSchemaVersion, upgradePluginSchema } from '../../src/store/plugin-schema.js';
import { Database, sqliteErrorCode } from './sqlite.js';

export const DATABASE_FILE = 'booklore-sync.sqlite';

/** A problem the user can act on, said in words (never carries a secret). */
export class PluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginError';
  }
}

export interface OpenOptions {
  nowSeconds: () => number;
  /** WAL needs mmap'ed I/O on the target file system (KOReader: Device:canUseWAL()); else TRUNCATE. */
  wal: boolean;
  busyTimeoutMs: number;
}

type Kind = 'empty' | 'ours' | 'plugin' | 'foreign';

function classify(db: Database): { kind: Kind; tables: string[] } {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map(
    (t) => t.name,
  );
  const has = (name: string): boolean => tables.includes(name);
  if (tables.length === 0) return { kind: 'empty', tables };
  if (has(MIGRATIONS_TABLE) && has('pending_sessions')) return { kind: 'ours', tables };
  if (has('pending_sessions') && has('schema_version')) return { kind: 'plugin', tables };
  return { kind: 'foreign', tables };
}

/** The same words as the Node tool's describeSqliteError, for the codes the binding reports. */
export function describeSqliteFailure(path: string, err: unknown): PluginError {
  if (err instanceof PluginError) return err;
  const code = sqliteErrorCode(err);
  const detail = typeof err === 'string' ? err : tostring(err);
  switch (code) {
    case 'busy':
    case 'locked':
      return new PluginError(`the queue database ${path} is locked by another program; nothing was changed. Try again when it has finished`);
    case 'notadb':
    case 'corrupt':
      return new PluginError(`the queue database ${path} is damaged or is not a SQLite database. Move it aside (keep a copy) and try again`);
    case 'readonly':
    case 'perm':
      return new PluginError(`the queue database ${path} is not writable; check its permissions`);
    case 'cantopen':
      return new PluginError(`cannot open the queue database ${path}; check that its folder exists and is writable`);
    case 'full':
      return new PluginError(`the storage holding ${path} is full; nothing was changed. Free some space and try again`);
    case 'ioerr':
      return new PluginError(`input/output error on the queue database ${path}; check the storage`);
    default:
      return new PluginError(`the queue database ${path} could not be used: ${detail}`);
  }
}

export function openQueueDatabase(path: string, options: OpenOptions): Database {
  let db: Database;
  try {
    db = Database.open(path, options.busyTimeoutMs);
  } catch (err) {
    throw describeSqliteFailure(path, err);
  }
  // Before the first write: SQLite gives its -wal and -shm files the database file's mode.
  restrictToOwner(path);
  try {
    const { kind, tables } = classify(db);
    if (kind === 'foreign') {
      const shown = tables.slice(0, 5).join(', ');
      throw new PluginError(
        `${path} is a SQLite database of another application (tables: ${shown}${tables.length > 5 ? ', …' : ''}); refusing to change it. Move it aside`,
      );
    }
    const ourVersion = kind === 'ours' ? ourSchemaVersion(db) : 0;
    if (ourVersion > OUR_SCHEMA_VERSION) {
      throw new PluginError(
        `${path} was written by a newer booklore-sync (schema ${ourVersion}, this plugin knows ${OUR_SCHEMA_VERSION}); update the plugin to use it`,
      );
    }
    // FULL: a committed session is on disk before the plugin says it is queued (S1).
    db.pragma(`journal_mode = ${options.wal ? 'WAL' : 'TRUNCATE'}`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const pluginVersion = pluginSchemaVersion(db);
    if (pluginVersion < PLUGIN_SCHEMA_VERSION || ourVersion < OUR_SCHEMA_VERSION) {
      db.transaction(() => {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        upgradePluginSchema(db, pluginSchemaVersion(db), options.nowSeconds());
        applyOurMigrations(db, ourSchemaVersion(db), options.nowSeconds());
      }).immediate();
    }
    return db;
  } catch (err) {
    db.close();
    throw describeSqliteFailure(path, err);
  }
}

// The application layer's Runtime inside KOReader: lua-ljsqlite3, LuaSocket/LuaSec, rapidjson,
// written-out answer checks, the plugin's wording (its menus), os.time, KOReader's partial MD5,
// the plugin's LuaSettings. The use cases themselves are src/app, compiled unchanged.
import type { OwnedDatabase, Runtime, SqliteDriver, StorageFailure } from '../../src/app/runtime.js';
import type { SettingsPort } from '../../src/app/app-settings.js';
import { luaAnswerShapes } from './answer-shapes.js';
import { shortErrorText } from './error-text.js';
import { PLUGIN_WORDING } from './client-wording.js';
import { restrictToOwner } from './file-mode.js';
import { fileSize, md5Hex, partialMd5OfFile } from './fingerprint.js';
import { HttpTransport } from './http.js';
import { luaJson } from './json.js';
import { luaLeaseEnvironment } from './process-info.js';
import { Database, sqliteErrorCode } from './sqlite.js';
import { snapshotStatistics } from './statistics-snapshot.js';

export type LogLevel = 'dbg' | 'info' | 'warn' | 'err';

const SCHEMA_WORDS = ['no such table', 'no such column', 'has no column named'];

/** The binding's failures ("ljsqlite3[busy] …"), sorted like the Node driver's. */
export function luaStorageFailure(err: unknown): StorageFailure | null {
  const code = sqliteErrorCode(err);
  if (code === null) return null;
  const detail = `SQLITE_${code.toUpperCase()}`;
  switch (code) {
    case 'busy':
    case 'locked':
      return { kind: 'busy', detail };
    case 'notadb':
    case 'corrupt':
      return { kind: 'corrupt', detail };
    case 'readonly':
    case 'perm':
      return { kind: 'readonly', detail };
    case 'cantopen':
      return { kind: 'cantopen', detail };
    case 'full':
      return { kind: 'full', detail };
    case 'ioerr':
      return { kind: 'ioerr', detail };
    default: {
      // The binding's message carries file:line and a traceback: only its first line is kept.
      const [text] = string.gsub(shortErrorText(err), '^ljsqlite3%[%w+%]%s*', '');
      if (SCHEMA_WORDS.some((words) => string.find(text, words, 1, true)[0] !== undefined)) return { kind: 'schema', detail: text };
      return { kind: 'other', detail: text };
    }
  }
}

function sqliteDriver(wal: boolean): SqliteDriver {
  return {
    wal,
    busyTimeoutMs: 10000,
    failure: luaStorageFailure,
    exists(path) {
      const [file] = io.open(path, 'rb');
      if (file === undefined) return false;
      file.close();
      return true;
    },
    open(path, busyTimeoutMs): OwnedDatabase {
      const db = Database.open(path, busyTimeoutMs);
      // Before the first write: SQLite gives its -wal and -shm files the database file's mode.
      restrictToOwner(path);
      return db;
    },
    openReadOnly: (path, busyTimeoutMs) => Database.open(path, busyTimeoutMs, 'ro'),
  };
}

export interface KoreaderRuntimeOptions {
  /** KOReader's settings folder: the queue and the statistics snapshot live there. */
  settingsDir: string;
  settings: SettingsPort;
  /** Device:canUseWAL(); WAL otherwise. */
  wal: boolean;
  /** KOReader's CA bundle (data/ca-bundle.crt) for https servers. */
  caFile: string | null;
  log: (level: LogLevel, message: string) => void;
  /** Whole seconds (tests and benchmarks move it). */
  now: () => number;
  random: () => number;
}

export function koreaderRuntime(options: KoreaderRuntimeOptions): Runtime {
  const driver = sqliteDriver(options.wal);
  return {
    sqlite: driver,
    http: (settings) => new HttpTransport({ ...settings, caFile: options.caFile }, options.now),
    json: luaJson,
    shapes: luaAnswerShapes,
    wording: PLUGIN_WORDING,
    nowMs: () => options.now() * 1000,
    random: options.random,
    fingerprint: partialMd5OfFile,
    fileSize,
    md5Hex,
    lease: luaLeaseEnvironment(options.random),
    settings: options.settings,
    snapshotStatistics: (path) => snapshotStatistics(path, options.settingsDir, driver.busyTimeoutMs),
    warn: (message) => options.log('warn', `BookLore Sync: ${message}`),
  };
}

// The application layer's SqliteDriver over better-sqlite3: files created owner-only before SQLite
// opens them (its -wal and -shm files take the same mode), failures sorted by their codes.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import type { OwnedDatabase, SqliteDriver, StorageFailure } from '../../app/runtime.js';
import { UserFacingError } from '../../app/user-facing-error.js';

/** How long to wait for another process's lock before giving up with a clear message. */
export function lockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.BOOKLORE_SYNC_LOCK_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : 10_000;
}

/** better-sqlite3's and the file system's error codes, by what the user can do about them. */
export function storageFailure(err: unknown): StorageFailure | null {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'busy', detail: code };
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return { kind: 'corrupt', detail: code };
  if (code === 'SQLITE_ERROR' && /no such (table|column)|has no column named/.test(detail)) return { kind: 'schema', detail };
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return { kind: 'readonly', detail: code };
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'cantopen', detail: code };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return { kind: 'full', detail: code };
  if (code.startsWith('SQLITE_IOERR')) return { kind: 'ioerr', detail: code };
  if (code.startsWith('SQLITE_')) return { kind: 'other', detail };
  return null;
}

export function nodeSqliteDriver(busyTimeoutMs: number = lockTimeoutMs()): SqliteDriver {
  return {
    wal: true,
    busyTimeoutMs,
    exists: (path) => existsSync(path),
    failure: storageFailure,
    open(path, timeout): OwnedDatabase {
      if (existsSync(path) && !statSync(path).isFile()) {
        throw new UserFacingError(`${path} is not a regular file; move it aside or choose another --home`);
      } else if (!existsSync(path)) {
        try {
          closeSync(openSync(path, 'wx', 0o600));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      return new Database(path, { timeout });
    },
    openReadOnly: (path, timeout) => new Database(path, { readonly: true, fileMustExist: true, timeout }),
  };
}

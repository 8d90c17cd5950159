// Turns SQLite and file-system failures into one line a user can act on.
import { UserFacingError } from '../../app/user-facing-error.js';

export function describeSqliteError(path: string, err: unknown): UserFacingError {
  if (err instanceof UserFacingError) return err;
  const code = String((err as { code?: unknown }).code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new UserFacingError(
      `the queue database ${path} is locked by another process; nothing was changed. Try again when it has finished (wait time: $BOOKLORE_SYNC_LOCK_TIMEOUT_MS)`,
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new UserFacingError(
      `the queue database ${path} is damaged or is not a SQLite database (${code}). Move it aside (keep a copy: queued sessions may be recoverable with the sqlite3 shell's .recover) and run again`,
    );
  }
  if (code === 'SQLITE_ERROR' && /no such (table|column)|has no column named/.test(detail)) {
    // Our own statements name only tables and columns our migrations create: the file changed under us.
    return new UserFacingError(
      `the queue database ${path} does not have the tables it should (${detail}); it may be damaged or changed by another program. Move it aside (keep a copy) and run again`,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new UserFacingError(`the queue database ${path} is not writable (${code}); check its permissions or choose another --home`);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') {
    return new UserFacingError(`cannot open the queue database ${path} (${code}); check that its directory exists and is writable`);
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new UserFacingError(`the disk holding ${path} is full; nothing was changed. Free some space and run again`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new UserFacingError(`input/output error on the queue database ${path} (${code}); check the disk`);
  }
  return new UserFacingError(`the queue database ${path} could not be used: ${detail}`);
}

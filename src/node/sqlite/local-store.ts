// One open queue database and the repositories over it, as commands and the daemon use them.
import type Database from 'better-sqlite3';
import { BookCache } from '../../store/book-cache.js';
import { databasePath, openQueueDatabase, type OpenOptions } from './open-queue-database.js';
import { SessionQueue } from '../../store/session-queue.js';
import { describeSqliteError } from './sqlite-errors.js';

/** SQLite's own failures (locked, damaged, full disk …), as opposed to errors of the operation's logic. */
function isStorageError(err: unknown): boolean {
  return err instanceof Error && String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_');
}

export class LocalStore {
  readonly queue: SessionQueue;
  readonly books: BookCache;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly nowSeconds: () => number,
  ) {
    this.queue = new SessionQueue(db, nowSeconds);
    this.books = new BookCache(db, nowSeconds);
  }

  static open(home: string, options: OpenOptions = {}): LocalStore {
    const path = databasePath(home);
    const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    const db = openQueueDatabase(path, { ...options, nowSeconds });
    try {
      return new LocalStore(db, path, nowSeconds);
    } catch (err) {
      // preparing the statements is the first use of the schema
      db.close();
      throw isStorageError(err) ? describeSqliteError(path, err) : err;
    }
  }

  /** Runs a store operation, turning SQLite failures (locked, damaged, full disk) into user-facing errors. */
  use<T>(operation: (store: LocalStore) => T): T {
    try {
      return operation(this);
    } catch (err) {
      throw isStorageError(err) ? describeSqliteError(this.path, err) : err;
    }
  }

  /** The same for an asynchronous operation (a sync awaits the network between transactions). */
  async useAsync<T>(operation: (store: LocalStore) => Promise<T>): Promise<T> {
    try {
      return await operation(this);
    } catch (err) {
      throw isStorageError(err) ? describeSqliteError(this.path, err) : err;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens the store, runs `operation`, and always closes it. */
export function withLocalStore<T>(home: string, operation: (store: LocalStore) => T): T {
  const store = LocalStore.open(home);
  try {
    return store.use(operation);
  } finally {
    store.close();
  }
}

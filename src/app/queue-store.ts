// One open queue database and the repositories over it, as every use case in both runtimes uses
// them. SQLite's own failures (locked, damaged, full disk) become one line the user can act on.
import { BookCache } from '../store/book-cache.js';
import { SessionQueue } from '../store/session-queue.js';
import { openQueueDatabase } from './queue-database.js';
import { nowSeconds, type AppContext, type OwnedDatabase, type Runtime } from './runtime.js';
import { storageErrorOrSelf } from './storage-errors.js';

export class QueueStore<D extends OwnedDatabase = OwnedDatabase> {
  readonly queue: SessionQueue;
  readonly books: BookCache;
  readonly nowSeconds: () => number;

  constructor(
    readonly db: D,
    readonly path: string,
    readonly runtime: Runtime,
  ) {
    this.nowSeconds = () => nowSeconds(runtime);
    try {
      this.queue = new SessionQueue(db, this.nowSeconds);
      this.books = new BookCache(db, this.nowSeconds);
    } catch (err) {
      // preparing the statements is the first use of the schema
      db.close();
      throw storageErrorOrSelf(path, err, runtime);
    }
  }

  static openFor(context: AppContext): QueueStore {
    return new QueueStore(openQueueDatabase(context.databasePath, context.runtime), context.databasePath, context.runtime);
  }

  /** Runs a store operation, turning SQLite failures into user-facing errors. */
  use<T>(operation: (store: this) => T): T {
    try {
      return operation(this);
    } catch (err) {
      throw storageErrorOrSelf(this.path, err, this.runtime);
    }
  }

  /** The same for an asynchronous operation (a sync awaits the network between transactions). */
  async useAsync<T>(operation: (store: this) => Promise<T>): Promise<T> {
    try {
      return await operation(this);
    } catch (err) {
      throw storageErrorOrSelf(this.path, err, this.runtime);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Runs `operation` on a store just opened, and always closes it. */
export function useAndClose<S extends QueueStore, T>(store: S, operation: (store: S) => T): T {
  try {
    return store.use(operation);
  } finally {
    store.close();
  }
}

/** Opens the store, runs `operation`, and always closes it. */
export function withQueueStore<T>(context: AppContext, operation: (store: QueueStore) => T): T {
  return useAndClose(QueueStore.openFor(context), operation);
}

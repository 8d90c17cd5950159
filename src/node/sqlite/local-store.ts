// The queue store of a data directory, with better-sqlite3's own type for Node-only callers
// (benchmarks, tests, the fuzzers) that use more of it than the portable SqlDatabase port.
import type Database from 'better-sqlite3';
import { openQueueDatabase } from '../../app/queue-database.js';
import { QueueStore, useAndClose } from '../../app/queue-store.js';
import type { Runtime } from '../../app/runtime.js';
import { databasePath, nodeRuntime } from '../node-runtime.js';

export class LocalStore extends QueueStore<Database.Database> {
  /** The queue of a data directory, through the Node runtime (or one with another lock wait). */
  static open(home: string, runtime: Runtime = nodeRuntime(home)): LocalStore {
    const path = databasePath(home);
    return new LocalStore(openQueueDatabase(path, runtime) as Database.Database, path, runtime);
  }
}

/** Opens the store, runs `operation`, and always closes it. */
export function withLocalStore<T>(home: string, operation: (store: LocalStore) => T): T {
  return useAndClose(LocalStore.open(home), operation);
}

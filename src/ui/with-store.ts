// Each request opens the queue database the way a CLI command does, and closes it: no connection
// outlives a request, so the page never holds a lock an import or a sync waits for.
import { useAndClose } from '../app/queue-store.js';
import type { LocalStore } from '../node/sqlite/local-store.js';
import type { UiDeps } from './ui-env.js';

export function withStore<T>(deps: UiDeps, operation: (store: LocalStore) => T): T {
  return useAndClose(deps.openStore(), operation);
}

// Attach: the user says which BookLore book the queued sessions of a fingerprint belong to (X3,
// X7). Shared by `booklore-sync attach --hash` and the status page, so both write the same rows.
import type { AppSettings } from './app-settings.js';
import type { QueueStore } from './queue-store.js';

/** One transaction; returns how many queued sessions now carry the book id. */
export function attachBookToHash(store: QueueStore, settings: AppSettings, hash: string, bookId: number): number {
  return store.db
    .transaction(() => {
      // Later sessions of this book resolve to the same id without asking the server.
      if (settings.server) store.books.rememberServerBookId(settings.server, hash, bookId);
      store.books.setBookIdForHash(hash, bookId);
      return store.queue.attachBookId({ hash }, bookId);
    })
    .immediate();
}

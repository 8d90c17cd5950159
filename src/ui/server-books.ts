// The server's library as the configured account sees it (the same request as `booklore-sync
// books`), to pick a book for Attach and to check that a chosen id exists.
import { connect } from '../app/booklore-connection.js';
import type { AppSettings } from '../app/app-settings.js';
import { uiRuntime } from './ui-runtime.js';
import type { BookSummary } from '../core/booklore/answer-shapes.js';

export type BookList = { ok: true; books: BookSummary[] } | { ok: false; message: string };

export async function serverBooks(home: string, settings: AppSettings): Promise<BookList> {
  try {
    const result = await connect(uiRuntime(home), settings).listBooks();
    if (result.ok) return { ok: true, books: result.books };
    return { ok: false, message: `cannot list the server's books: ${result.failure.message}` };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Titles containing the text (any case), or the book with that id. */
export function matchBooks(books: BookSummary[], query: string): BookSummary[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return books.slice(0, 50);
  return books.filter((b) => String(b.id) === needle || (b.title ?? '').toLowerCase().includes(needle)).slice(0, 50);
}

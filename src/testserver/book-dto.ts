// §3.1: the `Book` DTO (`@JsonInclude(NON_NULL)`), with title, authors and ISBN under `metadata`
// and the file under `primaryFile`. Only the fields clients rely on are filled in.
import type { BookRow } from './server-store.js';

function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

export function bookDto(book: BookRow): Record<string, unknown> {
  const dot = book.file_name.lastIndexOf('.');
  return withoutNulls({
    id: book.id,
    libraryId: book.library_id,
    libraryName: book.library_name,
    metadata: withoutNulls({
      bookId: book.id,
      title: book.title,
      authors: JSON.parse(book.authors) as string[],
      isbn13: book.isbn13,
    }),
    primaryFile: withoutNulls({
      id: book.id,
      bookId: book.id,
      fileName: book.file_name,
      bookType: book.book_type,
      fileSizeKb: book.file_size_kb,
      extension: dot > 0 ? book.file_name.slice(dot + 1).toLowerCase() : null,
    }),
  });
}

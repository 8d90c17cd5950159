// §3.1, §8: the `Book` DTO (`@JsonInclude(NON_NULL)`), with title, authors and ISBN under `metadata`
// and the files under `primaryFile` and `alternativeFormats[]` (`BookFile`: id, bookId, fileName,
// bookType, fileSizeKb, extension, addedOn). A physical book has no file. Only the fields clients
// rely on are filled in.
import { altFormats } from './book-files.js';
import type { BookRow } from './server-store.js';

function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

function extension(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : null;
}

export function bookDto(book: BookRow): Record<string, unknown> {
  const physical = book.is_physical === 1;
  return withoutNulls({
    id: book.id,
    libraryId: book.library_id,
    libraryName: book.library_name,
    title: book.title,
    addedOn: book.added_on,
    isPhysical: physical,
    metadata: withoutNulls({
      bookId: book.id,
      title: book.title,
      authors: JSON.parse(book.authors) as string[],
      isbn13: book.isbn13,
    }),
    primaryFile: physical
      ? null
      : withoutNulls({
          id: book.id,
          bookId: book.id,
          fileName: book.file_name,
          bookType: book.book_type,
          fileSizeKb: book.file_size_kb,
          extension: extension(book.file_name),
          addedOn: book.added_on,
        }),
    alternativeFormats: physical
      ? []
      : altFormats(book).map((alt) => ({
          id: alt.id,
          bookId: book.id,
          fileName: alt.fileName,
          bookType: alt.bookType,
          fileSizeKb: Math.floor(alt.sizeBytes / 1024),
          extension: extension(alt.fileName),
          addedOn: book.added_on,
        })),
  });
}

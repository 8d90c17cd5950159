// §8: GET /api/v1/books as the files a fingerprint may match: each book's primaryFile and
// alternativeFormats[] (BookFile: id, fileName, fileSizeKb, bookType, extension, addedOn).
// Physical books and entries without a usable file id are left out; a malformed entry is skipped,
// never guessed at. Hand-written checks over the parsed value, the same in both runtimes.
import type { LibraryFile } from '../sync/library-port.js';

type Obj = { [key: string]: unknown };

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wholeNumber(value: unknown): number | null {
  return typeof value === 'number' && value >= 0 && Math.floor(value) === value ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function fileOf(book: Obj, bookId: number, file: unknown, primary: boolean, title: string | null): LibraryFile | null {
  if (!isObject(file)) return null;
  const fileId = wholeNumber(file.id);
  if (fileId === null) return null;
  const bookType = text(file.bookType);
  return {
    bookId,
    fileId,
    bookType: bookType === null ? null : bookType.toUpperCase(),
    fileSizeKb: wholeNumber(file.fileSizeKb),
    addedOn: text(book.addedOn) ?? text(file.addedOn),
    title,
    fileName: text(file.fileName),
    primary,
  };
}

/** The files of a list of Book DTOs; null when the value is not a list. */
export function libraryFiles(value: unknown): { files: LibraryFile[]; books: number } | null {
  if (!Array.isArray(value)) return null;
  const files: LibraryFile[] = [];
  let books = 0;
  for (const book of value as unknown[]) {
    if (!isObject(book)) continue;
    const bookId = wholeNumber(book.id);
    if (bookId === null || book.isPhysical === true) continue;
    books++;
    const metadata = isObject(book.metadata) ? book.metadata : null;
    const title = (metadata !== null ? text(metadata.title) : null) ?? text(book.title);
    const primary = fileOf(book, bookId, book.primaryFile, true, title);
    if (primary !== null) files.push(primary);
    if (Array.isArray(book.alternativeFormats)) {
      for (const alt of book.alternativeFormats as unknown[]) {
        const file = fileOf(book, bookId, alt, false, title);
        if (file !== null && file.bookType !== null) files.push(file);
      }
    }
  }
  return { files, books };
}

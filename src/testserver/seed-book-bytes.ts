// Deterministic contents for the default seed's books, so tests and `demo` can write real files
// whose KOReader partial MD5 is the hash the server has on record (§3.2).
import { createHash } from 'node:crypto';
import type { BookType } from './book-types.js';

interface SeedFileShape {
  bookType: BookType;
  size: number;
}

// Different sizes on purpose: the partial MD5 samples 0, 1 KiB, 4 KiB, 16 KiB and 64 KiB, so
// these exercise anywhere from two to five samples and a short last sample.
const SHAPES: Record<number, SeedFileShape> = {
  1: { bookType: 'EPUB', size: 98_765 },
  2: { bookType: 'PDF', size: 40_960 },
  3: { bookType: 'CBX', size: 70_001 },
  4: { bookType: 'FB2', size: 12_345 },
  5: { bookType: 'EPUB', size: 5_000 },
};

// Leading bytes like the real formats', so a file sniffing tool is not surprised.
const MAGIC: Partial<Record<BookType, string>> = {
  EPUB: 'PK\u0003\u0004mimetypeapplication/epub+zip',
  CBX: 'PK\u0003\u0004',
  PDF: '%PDF-1.7\n',
  FB2: '<?xml version="1.0" encoding="UTF-8"?>\n<FictionBook>',
};

/** The ids `seedBookBytes` knows: the default seed's books. */
export const SEED_BOOK_IDS: readonly number[] = Object.keys(SHAPES).map(Number);

/** The file contents of default-seed book `bookId` (same bytes on every call and machine). */
export function seedBookBytes(bookId: number): Buffer {
  const shape = SHAPES[bookId];
  if (shape === undefined) throw new RangeError(`no seed file for book ${bookId}; the default seed has books ${SEED_BOOK_IDS.join(', ')}`);
  const bytes = Buffer.alloc(shape.size);
  // SHA-256 in counter mode: cheap, deterministic filler that differs per book.
  let filled = 0;
  for (let block = 0; filled < shape.size; block++) {
    const digest = createHash('sha256').update(`booklore-sync test-server book ${bookId} block ${block}`).digest();
    filled += digest.copy(bytes, filled);
  }
  Buffer.from(MAGIC[shape.bookType] ?? '', 'latin1').copy(bytes, 0);
  return bytes;
}

// §8: the file behind each book, served by GET /api/v1/books/{id}/content. The default seed's
// books serve seedBookBytes(id) (so a real file resolves by fingerprint); every other file is
// virtual: deterministic bytes of a given size computed on demand from a salt, so a generated
// library of 20,000 books costs no memory. Hash drift gives the file a new salt (BookLore rewrote
// it), so its contents no longer match the old fingerprint either.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { fingerprintSamples } from '../core/fingerprint-plan.js';
import { partialMd5OfBuffer } from '../node/partial-md5.js';
import type { BookType } from './book-types.js';
import type { SeedBook } from './seed.js';
import { SEED_BOOK_IDS, seedBookBytes } from './seed-book-bytes.js';

/** Columns added to `books`, in the order seedBookFileValues gives them. */
export const BOOK_FILE_COLUMNS = ['file_size_bytes', 'content_salt', 'added_on', 'is_physical', 'file_missing', 'alt_formats'] as const;

const COLUMN_TYPES: Record<(typeof BOOK_FILE_COLUMNS)[number], string> = {
  file_size_bytes: 'INTEGER',
  content_salt: 'TEXT',
  added_on: 'TEXT',
  is_physical: 'INTEGER NOT NULL DEFAULT 0',
  file_missing: 'INTEGER NOT NULL DEFAULT 0',
  alt_formats: 'TEXT',
};

/** Data files written before these columns existed get them (the seed is re-applied on reset). */
export function ensureBookFileColumns(db: Database.Database): void {
  const have = new Set((db.prepare('PRAGMA table_info(books)').all() as { name: string }[]).map((c) => c.name));
  for (const column of BOOK_FILE_COLUMNS) {
    if (!have.has(column)) db.exec(`ALTER TABLE books ADD COLUMN ${column} ${COLUMN_TYPES[column]}`);
  }
}

/** An alternative format of a book (`alternativeFormats[]`), kept as JSON in `alt_formats`. */
export interface AltFormat {
  id: number;
  bookType: BookType;
  fileName: string;
  sizeBytes: number;
  salt: string;
}

export interface BookFileFields {
  id: number;
  book_type: BookType;
  file_name: string;
  file_size_kb: number | null;
  current_hash: string;
  initial_hash: string;
  file_size_bytes: number | null;
  content_salt: string | null;
  is_physical: number;
  file_missing: number;
  alt_formats: string | null;
}

export interface FileContent {
  size: number;
  read(offset: number, length: number): Buffer;
}

const CHUNK = 1024;

/** Bytes [offset, offset+length) of the virtual file `salt`: each KiB is the MD5 of (salt, its index), repeated. */
export function virtualBytes(salt: string, offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let written = 0;
  while (written < length) {
    const position = offset + written;
    const chunk = Math.floor(position / CHUNK);
    const block = Buffer.alloc(CHUNK).fill(createHash('md5').update(`${salt}:${chunk}`).digest());
    written += block.copy(out, written, position - chunk * CHUNK, Math.min(CHUNK, position - chunk * CHUNK + length - written));
  }
  return out;
}

/** KOReader's partial MD5 of a virtual file, from its samples only. */
export function virtualPartialMd5(salt: string, size: number): string {
  const md5 = createHash('md5');
  for (const s of fingerprintSamples(size)) md5.update(virtualBytes(salt, s.offset, s.length));
  return md5.digest('hex');
}

const seedHashes = new Map<number, string>();

function seedHash(id: number): string {
  let hash = seedHashes.get(id);
  if (hash === undefined) {
    hash = partialMd5OfBuffer(seedBookBytes(id));
    seedHashes.set(id, hash);
  }
  return hash;
}

/** A seed book's file: the known seed bytes when its hash is theirs, else a virtual file (whose fingerprint is not the seed's hash). */
export function seedBookFileValues(book: SeedBook): (string | number | null)[] {
  const known = SEED_BOOK_IDS.includes(book.id) && seedHash(book.id) === book.hash;
  const size = known ? seedBookBytes(book.id).length : (book.fileSizeKb ?? 48) * 1024 + 512;
  const addedOn = new Date(Date.UTC(2026, 0, 1) + book.id * 60_000).toISOString().replace('.000Z', 'Z'); // Jackson's Instant: no zero millis
  return [size, known ? null : `seed-${book.id}`, addedOn, 0, 0, null];
}

/** The content of the book's file of `bookType` (primary when omitted), or why there is none. */
export function bookFileContent(book: BookFileFields, bookType: string | null): FileContent | 'no-file' {
  if (book.is_physical === 1 || book.file_missing === 1 || book.file_size_bytes === null) return 'no-file';
  if (bookType !== null && bookType !== book.book_type) {
    const alt = altFormats(book).find((a) => a.bookType === bookType);
    if (alt === undefined) return 'no-file';
    return virtualContent(alt.salt, alt.sizeBytes);
  }
  if (book.content_salt === null) {
    const bytes = seedBookBytes(book.id);
    return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
  }
  return virtualContent(book.content_salt, book.file_size_bytes);
}

function virtualContent(salt: string, size: number): FileContent {
  return { size, read: (offset, length) => virtualBytes(salt, offset, Math.min(length, size - offset)) };
}

export function altFormats(book: Pick<BookFileFields, 'alt_formats'>): AltFormat[] {
  return book.alt_formats === null ? [] : (JSON.parse(book.alt_formats) as AltFormat[]);
}

// A generated library for tests and benchmarks (§8): N books with virtual files of realistic,
// varied sizes (20 KB to 40 MB, log-uniform), mostly EPUB, newest last, every tenth with a PDF
// alternative format. Deterministic for the same ids, so runs compare.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { BOOK_FILE_COLUMNS, virtualPartialMd5, type AltFormat } from './book-files.js';
import type { BookType } from './book-types.js';

export interface GenerateOptions {
  count: number;
  /** Default 1 (the default seed's `reader` sees it). */
  libraryId?: number;
  /** Salt for the contents, so two generated libraries differ. */
  salt?: string;
}

export interface GeneratedBook {
  id: number;
  bookType: BookType;
  sizeBytes: number;
  hash: string;
  altFormats: { bookType: BookType; sizeBytes: number; hash: string }[];
}

function unit(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0) / 0x1_0000_0000;
}

const TYPES: BookType[] = ['EPUB', 'EPUB', 'EPUB', 'EPUB', 'EPUB', 'EPUB', 'PDF', 'PDF', 'CBX', 'FB2'];
const EXTENSIONS: Record<string, string> = { EPUB: 'epub', PDF: 'pdf', CBX: 'cbz', FB2: 'fb2' };

function sizeFor(key: string): number {
  return Math.round(20_000 * Math.pow(2000, unit(`size:${key}`)));
}

/** Adds the books in one transaction; returns them with their fingerprints. */
export function generateLibrary(db: Database.Database, options: GenerateOptions): GeneratedBook[] {
  const libraryId = options.libraryId ?? 1;
  const salt = options.salt ?? 'gen';
  const first = ((db.prepare('SELECT MAX(id) FROM books').pluck().get() as number | null) ?? 0) + 1;
  const insert = db.prepare(`INSERT INTO books
    (id, library_id, title, authors, isbn13, book_type, file_name, file_size_kb, initial_hash, current_hash, ${BOOK_FILE_COLUMNS.join(', ')})
    VALUES (?, ?, ?, '[]', NULL, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`);
  const books: GeneratedBook[] = [];
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const id = first + i;
      const key = `${salt}:${id}`;
      const bookType = TYPES[Math.floor(unit(`type:${key}`) * TYPES.length)]!;
      const sizeBytes = sizeFor(key);
      const hash = virtualPartialMd5(key, sizeBytes);
      const alts: AltFormat[] = [];
      if (id % 10 === 0 && bookType !== 'PDF') {
        const altSalt = `${key}:pdf`;
        alts.push({ id: 1_000_000 + id, bookType: 'PDF', fileName: `Generated ${id}.pdf`, sizeBytes: sizeFor(altSalt), salt: altSalt });
      }
      const addedOn = new Date(Date.UTC(2026, 1, 1) + id * 60_000).toISOString().replace('.000Z', 'Z'); // Jackson's Instant: no zero millis
      insert.run(id, libraryId, `Generated book ${id}`, bookType, `Generated ${id}.${EXTENSIONS[bookType]}`, Math.floor(sizeBytes / 1024), hash, hash,
        sizeBytes, key, addedOn, alts.length === 0 ? null : JSON.stringify(alts));
      books.push({ id, bookType, sizeBytes, hash, altFormats: alts.map((a) => ({ bookType: a.bookType, sizeBytes: a.sizeBytes, hash: virtualPartialMd5(a.salt, a.sizeBytes) })) });
    }
  })();
  return books;
}

export interface BookFileChange {
  /** What the list says (a stale or missing hint); null = unknown. */
  fileSizeKb?: number | null;
  /** A physical book: no file at all. */
  physical?: boolean;
  /** The file is gone from disk: /content answers 404 File not found. */
  missing?: boolean;
}

export function changeBookFile(db: Database.Database, bookId: number, change: BookFileChange): boolean {
  const sets: string[] = [];
  const values: (number | null)[] = [];
  if (change.fileSizeKb !== undefined) {
    sets.push('file_size_kb = ?');
    values.push(change.fileSizeKb);
  }
  if (change.physical !== undefined) {
    sets.push('is_physical = ?');
    values.push(change.physical ? 1 : 0);
  }
  if (change.missing !== undefined) {
    sets.push('file_missing = ?');
    values.push(change.missing ? 1 : 0);
  }
  if (sets.length === 0) return db.prepare('SELECT 1 FROM books WHERE id = ?').get(bookId) !== undefined;
  return db.prepare(`UPDATE books SET ${sets.join(', ')} WHERE id = ?`).run(...values, bookId).changes > 0;
}

// The plugin's book_cache: which file has which fingerprint and, once known, which BookLore id.
// Updated in place (never INSERT OR REPLACE, which the plugin uses and which changes row ids).
// Written against the SqlDatabase port: the Node tool and the KOReader plugin run this same code.
import type { SqlDatabase } from './sql-database.js';
import { BOOK_CACHE_SQL as SQL } from './sql/book-cache-sql.js';

/** A server URL without trailing slashes: how bls_book_hashes keys its rows. */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === '/') end--;
  return text.substring(0, end);
}

export interface CachedBook {
  filePath: string;
  fileHash: string;
  bookId: number | null;
  title: string | null;
}

export class BookCache {
  private readonly statements;

  constructor(
    db: SqlDatabase,
    private readonly nowSeconds: () => number,
  ) {
    this.statements = {
      byPath: db.prepare(SQL.byPath),
      bookIdByHash: db.prepare(SQL.bookIdByHash).pluck(),
      upsert: db.prepare(SQL.upsert),
      setBookId: db.prepare(SQL.setBookId),
      rememberServer: db.prepare(SQL.rememberServer),
    };
  }

  byPath(path: string): CachedBook | undefined {
    return this.statements.byPath.get(path) as CachedBook | undefined;
  }

  bookIdForHash(hash: string): number | null {
    return (this.statements.bookIdByHash.get(hash) as number | undefined) ?? null;
  }

  remember(path: string, hash: string, title: string): void {
    this.statements.upsert.run({ path, hash, title, now: this.nowSeconds() });
  }

  /** The same fact in our per-server table, which sync consults first; with the book's type when the server gave it. */
  rememberServerBookId(server: string, hash: string, bookId: number, bookType: string | null = null): void {
    this.statements.rememberServer.run({ server: withoutTrailingSlashes(server), hash, bookId, bookType, now: this.nowSeconds() });
  }

  setBookIdForHash(hash: string, bookId: number): void {
    this.statements.setBookId.run(bookId, this.nowSeconds(), hash);
  }
}

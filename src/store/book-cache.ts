// The plugin's book_cache: which file has which fingerprint and, once known, which BookLore id.
// Updated in place (never INSERT OR REPLACE, which the plugin uses and which changes row ids).
import type Database from 'better-sqlite3';

export interface CachedBook {
  filePath: string;
  fileHash: string;
  bookId: number | null;
  title: string | null;
}

export class BookCache {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly nowSeconds: () => number,
  ) {
    this.statements = {
      byPath: db.prepare('SELECT file_path AS filePath, file_hash AS fileHash, book_id AS bookId, title FROM book_cache WHERE file_path = ?'),
      bookIdByHash: db
        .prepare('SELECT book_id FROM book_cache WHERE file_hash = ? AND book_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1')
        .pluck(),
      upsert: db.prepare(`INSERT INTO book_cache (file_path, file_hash, title, last_accessed, created_at, updated_at)
          VALUES (@path, @hash, @title, @now, @now, @now)
        ON CONFLICT(file_path) DO UPDATE SET
          -- a new fingerprint at the same path may be another book: forget the old id
          book_id = CASE WHEN book_cache.file_hash = excluded.file_hash THEN book_cache.book_id ELSE NULL END,
          file_hash = excluded.file_hash,
          title = COALESCE(book_cache.title, excluded.title),
          last_accessed = excluded.last_accessed,
          updated_at = excluded.updated_at`),
      setBookId: db.prepare('UPDATE book_cache SET book_id = ?, updated_at = ? WHERE file_hash = ?'),
      rememberServer: db.prepare(`INSERT INTO bls_book_hashes (server_url, book_hash, book_id, resolved_at) VALUES (@server, @hash, @bookId, @now)
        ON CONFLICT(server_url, book_hash) DO UPDATE SET book_id = excluded.book_id, resolved_at = excluded.resolved_at`),
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

  /** The same fact in our per-server table, which sync consults first. */
  rememberServerBookId(server: string, hash: string, bookId: number): void {
    this.statements.rememberServer.run({ server: server.replace(/\/+$/, ''), hash, bookId, now: this.nowSeconds() });
  }

  setBookIdForHash(hash: string, bookId: number): void {
    this.statements.setBookId.run(bookId, this.nowSeconds(), hash);
  }
}

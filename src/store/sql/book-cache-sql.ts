// The SQL of the plugin's book_cache and our per-server hash table (BookCache), shared by the Node
// adapter and the KOReader plugin's adapter. Strings only: no Node imports (also compiled to Lua).

export const BOOK_CACHE_SQL = {
  byPath: 'SELECT file_path AS filePath, file_hash AS fileHash, book_id AS bookId, title FROM book_cache WHERE file_path = ?',
  /** one value */
  bookIdByHash: 'SELECT book_id FROM book_cache WHERE file_hash = ? AND book_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1',
  upsert: `INSERT INTO book_cache (file_path, file_hash, title, last_accessed, created_at, updated_at)
          VALUES (@path, @hash, @title, @now, @now, @now)
        ON CONFLICT(file_path) DO UPDATE SET
          -- a new fingerprint at the same path may be another book: forget the old id
          book_id = CASE WHEN book_cache.file_hash = excluded.file_hash THEN book_cache.book_id ELSE NULL END,
          file_hash = excluded.file_hash,
          title = COALESCE(book_cache.title, excluded.title),
          last_accessed = excluded.last_accessed,
          updated_at = excluded.updated_at`,
  setBookId: 'UPDATE book_cache SET book_id = ?, updated_at = ? WHERE file_hash = ?',
  // A type stays known while the id stays the same (attach gives an id without a type).
  rememberServer: `INSERT INTO bls_book_hashes (server_url, book_hash, book_id, book_type, resolved_at)
          VALUES (@server, @hash, @bookId, @bookType, @now)
        ON CONFLICT(server_url, book_hash) DO UPDATE SET
          book_type = CASE WHEN bls_book_hashes.book_id = excluded.book_id
            THEN COALESCE(excluded.book_type, bls_book_hashes.book_type) ELSE excluded.book_type END,
          book_id = excluded.book_id, resolved_at = excluded.resolved_at`,
} as const;


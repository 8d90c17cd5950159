// The SQL of the remote-fingerprint memory (remote-fingerprints.ts), shared with the KOReader plugin.

export const REMOTE_FINGERPRINT_SQL = {
  remembered: `SELECT book_id AS bookId, file_id AS fileId, book_type AS bookType, file_size_kb AS fileSizeKb, added_on AS addedOn,
        file_hash AS hash, size_bytes AS sizeBytes FROM bls_remote_fingerprints WHERE server_url = ?`,
  remember: `INSERT INTO bls_remote_fingerprints
        (server_url, book_id, file_id, book_type, file_size_kb, added_on, file_hash, size_bytes, computed_at)
        VALUES (@server, @bookId, @fileId, @bookType, @fileSizeKb, @addedOn, @hash, @sizeBytes, @now)
        ON CONFLICT (server_url, book_id, file_id) DO UPDATE SET book_type = excluded.book_type,
          file_size_kb = excluded.file_size_kb, added_on = excluded.added_on, file_hash = excluded.file_hash,
          size_bytes = excluded.size_bytes, computed_at = excluded.computed_at`,
  /** one value */
  localSize: 'SELECT size_bytes FROM bls_local_files WHERE book_hash = ?',
  /** one value: the type most of the hash's queued sessions carry */
  sessionType: `SELECT book_type FROM pending_sessions WHERE book_hash = ? AND book_type IS NOT NULL
        GROUP BY book_type ORDER BY COUNT(*) DESC LIMIT 1`,
  noteLocal: `INSERT INTO bls_local_files (book_hash, size_bytes, noted_at) VALUES (@hash, @size, @now)
        ON CONFLICT (book_hash) DO UPDATE SET size_bytes = excluded.size_bytes, noted_at = excluded.noted_at`,
};

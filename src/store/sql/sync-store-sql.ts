// The SQL of the sync engine's store port (SqliteSyncStore), shared by the Node adapter and the
// KOReader plugin's adapter (koplugin/), so both runtimes settle sessions with the same statements.
// Strings only: no Node imports (this module is also compiled to Lua). Parameters are named
// (@name); ids go in as a JSON array (json_each) so a batch of 100 is one statement, not 100.

export const SESSION_COLUMNS = `p.id, p.book_id AS bookId, NULLIF(p.book_hash, '') AS bookHash, p.book_type AS bookType,
  p.book_title AS bookTitle, p.start_time AS startTime, p.end_time AS endTime, p.duration_seconds AS durationSeconds,
  p.start_progress AS startProgress, p.end_progress AS endProgress, p.progress_delta AS progressDelta,
  p.start_location AS startLocation, p.end_location AS endLocation, COALESCE(p.retry_count, 0) AS retryCount`;

/** The same session (book, start, end) is already in the history as uploaded. */
export const ALREADY_UPLOADED = `EXISTS (SELECT 1 FROM historical_sessions h WHERE h.synced = 1
  AND h.start_time = p.start_time AND h.end_time = p.end_time
  AND (h.book_id = p.book_id OR (p.book_hash <> '' AND h.book_hash = p.book_hash)))`;

export const IDS = 'SELECT value FROM json_each(@ids)';

/** Single-value statements (`pluck` in better-sqlite3) are marked in their names' comments. */
export const SYNC_STORE_SQL = {
  inFlight: `SELECT ${SESSION_COLUMNS}, 0 AS alreadyUploaded,
          COALESCE(p.reconcile_after, p.attempt_started_at + @grace, 0) AS resendAfter FROM pending_sessions p
        WHERE p.upload_state = 'sending' ORDER BY p.book_id, p.id`,
  /** one value */
  inFlightCount: "SELECT COUNT(*) FROM pending_sessions WHERE upload_state = 'sending'",
  unresolved: `SELECT book_hash AS hash, MAX(book_title) AS title, MAX(source = 'import') AS typeGuessed FROM pending_sessions
        WHERE book_id IS NULL AND book_hash <> '' AND upload_state = 'queued' GROUP BY book_hash ORDER BY MIN(id)`,
  knownOnServer: 'SELECT book_id AS bookId, book_type AS bookType FROM bls_book_hashes WHERE server_url = ? AND book_hash = ?',
  /** one value */
  knownInCache: 'SELECT book_id FROM book_cache WHERE file_hash = ? AND book_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1',
  // An import guesses the type (KOReader's statistics have no file name): the server knows it.
  assign: `UPDATE pending_sessions SET book_id = @bookId, last_error = NULL, book_title = COALESCE(book_title, @title),
          book_type = CASE WHEN source = 'import' AND @bookType IS NOT NULL THEN @bookType ELSE book_type END
        WHERE book_hash = @hash AND book_id IS NULL AND upload_state <> 'sending'`,
  noteUnresolved: 'UPDATE pending_sessions SET last_error = @reason WHERE book_hash = @hash AND book_id IS NULL',
  groups: `SELECT book_id AS bookId, COUNT(*) AS count FROM pending_sessions
        WHERE upload_state = 'queued' AND book_id IS NOT NULL GROUP BY book_id ORDER BY MIN(id)`,
  uploadable: `SELECT ${SESSION_COLUMNS}, ${ALREADY_UPLOADED} AS alreadyUploaded FROM pending_sessions p
        WHERE p.upload_state = 'queued' AND p.book_id = @bookId AND p.id > @afterId ORDER BY p.id LIMIT @limit`,
  markSending: `UPDATE pending_sessions SET upload_state = 'sending', attempt_started_at = @now, reconcile_after = NULL
        WHERE id IN (${IDS})`,
  // One statement per batch: per-row INSERT … SELECT costs several times more (measured).
  archive: `INSERT INTO historical_sessions (koreader_book_id, koreader_book_title, book_id, book_hash, book_type,
          start_time, end_time, duration_seconds, start_progress, end_progress, progress_delta, start_location, end_location,
          created_at, matched, synced, synced_at, server_session_id, queue_id)
        SELECT COALESCE(p.koreader_book_id, -p.id), COALESCE(p.book_title, 'Unknown'), p.book_id, p.book_hash, COALESCE(p.book_type, 'EPUB'),
          p.start_time, p.end_time, p.duration_seconds, p.start_progress, p.end_progress, p.progress_delta, p.start_location, p.end_location,
          p.created_at, 1, 1, @now, json_extract(j.value, '$.serverSessionId'), p.id
        FROM json_each(@items) j JOIN pending_sessions p ON p.id = json_extract(j.value, '$.id')
        WHERE true
        ON CONFLICT(koreader_book_id, start_time, end_time) DO UPDATE SET
          synced = 1, matched = 1, book_id = excluded.book_id, synced_at = excluded.synced_at,
          server_session_id = COALESCE(excluded.server_session_id, historical_sessions.server_session_id),
          queue_id = excluded.queue_id`,
  remove: `DELETE FROM pending_sessions WHERE id IN (${IDS})`,
  failed: `UPDATE pending_sessions SET upload_state = 'queued', retry_count = COALESCE(retry_count, 0) + 1,
        last_retry_at = @now, last_error = @error WHERE id IN (${IDS})`,
  park: `UPDATE pending_sessions SET upload_state = 'parked', retry_count = COALESCE(retry_count, 0) + 1,
        last_retry_at = @now, last_error = @error WHERE id IN (${IDS})`,
  requeue: `UPDATE pending_sessions SET upload_state = 'queued', last_error = COALESCE(@note, last_error) WHERE id IN (${IDS})`,
  noteUnknown: `UPDATE pending_sessions SET last_error = @note, reconcile_after = @after WHERE id IN (${IDS})`,
  backoff: 'SELECT failures, next_attempt_at AS nextAttemptAt FROM bls_backoff WHERE book_id = ?',
  setBackoff: `INSERT INTO bls_backoff (book_id, failures, next_attempt_at, last_error) VALUES (@bookId, @failures, @next, @error)
        ON CONFLICT(book_id) DO UPDATE SET failures = excluded.failures, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error`,
  clearBackoff: 'DELETE FROM bls_backoff WHERE book_id = ?',
  capabilities: 'SELECT batch_upload AS batchUpload, hash_lookup AS hashLookup, checked_at AS checkedAt FROM bls_server_capabilities WHERE server_url = ?',
  saveCapabilities: `INSERT INTO bls_server_capabilities (server_url, batch_upload, hash_lookup, checked_at) VALUES (@server, @batch, @lookup, @checkedAt)
        ON CONFLICT(server_url) DO UPDATE SET batch_upload = excluded.batch_upload, hash_lookup = excluded.hash_lookup, checked_at = excluded.checked_at`,
  /** one value */
  pendingCount: 'SELECT COUNT(*) FROM pending_sessions',
} as const;

// The SQL of the durable queue (SessionQueue): enqueue with its duplicate checks, the queue and
// history views, Clear Pending. Shared by the Node adapter and the KOReader plugin's adapter.
// Strings only: no Node imports (also compiled to Lua).

const SAME_SESSION = `start_time = @start AND end_time = @end
      AND ((@hash IS NOT NULL AND book_hash = @hash) OR (@bookId IS NOT NULL AND book_id = @bookId))`;

export const SESSION_QUEUE_SQL = {
  /** one value */
  pendingDuplicate: `SELECT id FROM pending_sessions WHERE ${SAME_SESSION} LIMIT 1`,
  /** one value */
  historyDuplicate: `SELECT id FROM historical_sessions WHERE synced = 1 AND ${SAME_SESSION} LIMIT 1`,
  insert: `INSERT INTO pending_sessions (
          book_id, book_hash, book_type, book_title, koreader_book_id, start_time, end_time, duration_seconds,
          start_progress, end_progress, progress_delta, start_location, end_location, created_at, retry_count,
          upload_state, source)
        VALUES (@bookId, @hashText, @bookType, @title, @koreaderBookId, @start, @end, @duration,
          @startProgress, @endProgress, @progressDelta, @startLocation, @endLocation, @now, 0, 'queued', @source)`,
  pending: 'SELECT * FROM pending_sessions ORDER BY id',
  history: 'SELECT * FROM historical_sessions WHERE synced = 1 ORDER BY COALESCE(synced_at, created_at) DESC, id DESC LIMIT ?',
  /** one value */
  pendingCount: 'SELECT COUNT(*) FROM pending_sessions',
  clear: 'DELETE FROM pending_sessions',
} as const;

/** Parked sessions back into the queue: all of them, or those whose ids are in @ids (a JSON array). */
export function retryParkedSql(onlySomeIds: boolean): string {
  const where = onlySomeIds ? 'AND id IN (SELECT value FROM json_each(@ids))' : '';
  return `UPDATE pending_sessions SET upload_state = 'queued' WHERE upload_state = 'parked' ${where}`;
}

// Reading that reached the queue or BookLore by another way than this import (a live session of
// the plugin or of `record`), found by overlap in time on the same book. Strings only (also
// compiled to Lua).

/** The BookLore ids this fingerprint is known by: a live session may carry the id and no hash. */
const IDS_OF_HASH = `SELECT book_id FROM bls_book_hashes WHERE book_hash = @hash
      UNION SELECT book_id FROM book_cache WHERE file_hash = @hash AND book_id IS NOT NULL`;

const OVERLAPS = 'start_time < @end AND end_time > @start';

export const RECORDED_READING_SQL = {
  /** one value: whether the book has any session not imported, queued or uploaded (most imports into a new queue find none) */
  anyForBook: `SELECT 1 WHERE
         EXISTS (SELECT 1 FROM pending_sessions WHERE book_hash = @hash AND source IS NOT 'import')
      OR EXISTS (SELECT 1 FROM historical_sessions WHERE synced = 1 AND book_hash = @hash)
      OR EXISTS (SELECT 1 FROM pending_sessions WHERE book_id IN (${IDS_OF_HASH}) AND source IS NOT 'import')
      OR EXISTS (SELECT 1 FROM historical_sessions WHERE synced = 1 AND book_id IN (${IDS_OF_HASH}))`,
  // Four EXISTS rather than one OR, so each uses an index: the plugin's on book_hash and ours on
  // book_id. A composite (book_hash, start_time) index would scan less, but every settled session
  // would maintain it: it cost the 100k drain 7 % of its time and 17 MB.
  /** one value */
  overlapping: `SELECT 1 WHERE
         EXISTS (SELECT 1 FROM pending_sessions WHERE book_hash = @hash AND ${OVERLAPS})
      OR EXISTS (SELECT 1 FROM historical_sessions WHERE synced = 1 AND book_hash = @hash AND ${OVERLAPS})
      OR EXISTS (SELECT 1 FROM pending_sessions WHERE book_id IN (${IDS_OF_HASH}) AND ${OVERLAPS})
      OR EXISTS (SELECT 1 FROM historical_sessions WHERE synced = 1 AND book_id IN (${IDS_OF_HASH}) AND ${OVERLAPS})`,
} as const;

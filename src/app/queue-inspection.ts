// View Details and the history as lines of text (S7): what the KOReader plugin shows in its
// viewer, with the same state words as `booklore-sync pending`.
import { formatDuration } from '../core/duration-format.js';
import type { QueueStore } from './queue-store.js';

export interface QueueDetails {
  total: number;
  queued: number;
  sending: number;
  parked: number;
  waitingForBook: number;
  lines: string[];
}

export function queueDetails(store: QueueStore, limit = 50): QueueDetails {
  const rows = store.use((s) => s.queue.pending());
  const details: QueueDetails = { total: rows.length, queued: 0, sending: 0, parked: 0, waitingForBook: 0, lines: [] };
  for (const row of rows) {
    if (row.upload_state === 'parked') details.parked++;
    else if (row.upload_state === 'sending') details.sending++;
    else details.queued++;
    if (row.book_id === null || row.book_id === undefined) details.waitingForBook++;
  }
  let shown = 0;
  for (const row of rows) {
    if (shown >= limit) break;
    shown++;
    const book = row.book_title ?? (row.book_id !== null && row.book_id !== undefined ? `book ${row.book_id}` : row.book_hash);
    const state = row.upload_state === 'parked' ? ' — parked' : row.upload_state === 'sending' ? ' — awaiting a check' : '';
    let line = `#${row.id} ${book}: ${row.start_time}, ${formatDuration(row.duration_seconds)}, retries ${row.retry_count ?? 0}${state}`;
    if (row.last_error !== null && row.last_error !== undefined) line += `\n    ${row.last_error}`;
    details.lines.push(line);
  }
  if (rows.length > shown) details.lines.push(`… and ${rows.length - shown} more`);
  return details;
}

/** What reached BookLore, newest first. */
export function historyLines(store: QueueStore, limit = 50): string[] {
  return store.use((s) => s.queue.history(limit)).map((row) => {
    const title = row.koreader_book_title;
    const book = title !== null && title !== undefined && title !== 'Unknown' ? title : `book ${row.book_id ?? '?'}`;
    return `${book}: ${row.start_time}, ${formatDuration(row.duration_seconds)}`;
  });
}

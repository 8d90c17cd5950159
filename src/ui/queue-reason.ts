// Why a queued session is still here, in words a reader understands.
import type { QueueRow } from './status-queries.js';
import { localTime } from './views/format.js';

export function stateLabel(row: QueueRow): string {
  if (row.upload_state === 'sending') return 'sending';
  if (row.upload_state === 'parked') return 'parked';
  if (row.book_id === null && row.book_hash !== '') return 'unresolved';
  return 'queued';
}

export function queueReason(row: QueueRow, now: number): string {
  const error = row.last_error ? ` (${row.last_error})` : '';
  if (row.upload_state === 'parked') {
    return `Refused by the server as invalid${error}. It will not be sent again until you press Retry.`;
  }
  if (row.upload_state === 'sending') {
    const after = row.reconcile_after && row.reconcile_after > now ? ` after ${localTime(row.reconcile_after)}` : '';
    return `Sent, but the answer was lost. The next sync checks the server for it${after} before sending anything again, so it is never stored twice.`;
  }
  if (row.book_id === null && row.book_hash !== '') {
    return `The server has no book with this fingerprint yet${error}. Attach it to a book on the Unresolved books page.`;
  }
  if (row.book_id === null) return 'No book is known for this session; attach it to a book with `booklore-sync attach --id`.';
  if (row.backoff_until && row.backoff_until > now) {
    return `The server failed for this book${row.backoff_error ? ` (${row.backoff_error})` : ''}; automatic syncs wait until ${localTime(row.backoff_until)}. Sync Now tries at once.`;
  }
  if ((row.retry_count ?? 0) > 0) return `Failed ${row.retry_count} time(s)${error}; tried again at the next sync.`;
  return 'Waiting for the next sync.';
}

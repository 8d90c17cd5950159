// The queue's rows as the plugin's columns hold them, and their shape in `pending --json` /
// `history --json` (cli.md).
import { formatIsoUtc } from '../core/iso-time.js';

export type UploadState = 'queued' | 'sending' | 'parked';

/** The reading itself, in the columns both session tables share (the plugin's names and formats). */
export interface SessionColumns {
  start_time: string;
  end_time: string;
  duration_seconds: number;
  start_progress: number | null;
  end_progress: number | null;
  progress_delta: number | null;
  start_location: string | null;
  end_location: string | null;
  created_at: number | null;
}

export interface PendingRow extends SessionColumns {
  id: number;
  book_id: number | null;
  book_hash: string;
  book_type: string | null;
  book_title: string | null;
  koreader_book_id: number | null;
  retry_count: number | null;
  last_retry_at: number | null;
  upload_state: UploadState;
  last_error: string | null;
  attempt_started_at: number | null;
  source: string | null;
}

export interface HistoryRow extends SessionColumns {
  id: number;
  koreader_book_id: number;
  koreader_book_title: string;
  book_id: number | null;
  book_hash: string | null;
  book_type: string | null;
  synced_at: number | null;
  server_session_id: number | null;
  queue_id: number | null;
}

function isoOrNull(epochSeconds: number | null): string | null {
  return epochSeconds === null || epochSeconds === undefined ? null : formatIsoUtc(epochSeconds);
}

/** The plugin writes '' for an unknown hash and 'Unknown' for an unknown title. */
function orNull(text: string | null, placeholder = ''): string | null {
  return text === null || text === '' || text === placeholder ? null : text;
}

/** The columns both tables share, in the field names of cli.md. */
function sessionJson(row: PendingRow | HistoryRow, title: string | null) {
  return {
    id: row.id,
    bookId: row.book_id,
    bookHash: orNull(row.book_hash),
    bookType: row.book_type,
    bookTitle: orNull(title, 'Unknown'),
    startTime: row.start_time,
    endTime: row.end_time,
    durationSeconds: row.duration_seconds,
    startProgress: row.start_progress,
    endProgress: row.end_progress,
    startLocation: row.start_location,
    endLocation: row.end_location,
  };
}

export function pendingToJson(row: PendingRow) {
  return {
    ...sessionJson(row, row.book_title),
    retryCount: row.retry_count ?? 0,
    lastError: row.last_error,
    state: row.upload_state,
    createdAt: isoOrNull(row.created_at),
  };
}

export function historyToJson(row: HistoryRow) {
  return {
    ...sessionJson(row, row.koreader_book_title),
    retryCount: 0,
    lastError: null,
    createdAt: isoOrNull(row.created_at),
    syncedAt: isoOrNull(row.synced_at),
    serverSessionId: row.server_session_id,
  };
}

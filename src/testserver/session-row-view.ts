// A stored session as BookLore's ReadingSessionResponse shows it (§1.1), shared by the API and the
// admin listing so both show the same values the same way.
import type { BookType } from './book-types.js';
import { javaFloat } from './java-float.js';
import { formatEpochSeconds } from './java-time.js';
import type { SessionRow } from './server-store.js';

export interface SessionView {
  id: number;
  bookId: number;
  bookType: BookType;
  startTime: string;
  endTime: string;
  durationSeconds: number;
  startProgress: number | null;
  endProgress: number | null;
  progressDelta: number | null;
  startLocation: string | null;
  endLocation: string | null;
  createdAt: string;
}

export function sessionView(row: SessionRow): SessionView {
  return {
    id: row.id,
    bookId: row.book_id,
    bookType: row.book_type,
    startTime: formatEpochSeconds(row.start_time),
    endTime: formatEpochSeconds(row.end_time),
    durationSeconds: row.duration_seconds,
    startProgress: javaFloat(row.start_progress),
    endProgress: javaFloat(row.end_progress),
    progressDelta: javaFloat(row.progress_delta),
    startLocation: row.start_location,
    endLocation: row.end_location,
    createdAt: row.created_at,
  };
}

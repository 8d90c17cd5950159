// A queued row, re-validated, as BookLore receives it. Rows may come from the plugin or an older
// version of us, so nothing is sent that the session rules would refuse today.
import { formatDuration } from '../duration-format.js';
import { formatIsoUtc, parseIsoInstant } from '../iso-time.js';
import { validateSession, type FieldError } from '../session.js';
import type { WireSession } from './api-port.js';
import type { QueuedSession } from './store-port.js';

export type Prepared = { ok: true; bookType: string; wire: WireSession } | { ok: false; errors: FieldError[] };

export function prepareForUpload(row: QueuedSession): Prepared {
  const result = validateSession({
    bookId: row.bookId,
    bookHash: row.bookHash,
    bookType: row.bookType,
    startTime: row.startTime,
    endTime: row.endTime,
    durationSeconds: row.durationSeconds,
    startProgress: row.startProgress,
    endProgress: row.endProgress,
    startLocation: row.startLocation,
    endLocation: row.endLocation,
  });
  if (!result.ok) return result;
  const s = result.session;
  return {
    ok: true,
    bookType: s.bookType,
    wire: {
      startTime: formatIsoUtc(s.startTime),
      endTime: formatIsoUtc(s.endTime),
      durationSeconds: s.durationSeconds,
      durationFormatted: formatDuration(s.durationSeconds),
      startProgress: s.startProgress,
      endProgress: s.endProgress,
      progressDelta: s.progressDelta,
      startLocation: s.startLocation,
      endLocation: s.endLocation,
    },
  };
}

/** The natural key BookLore lacks (§1.4): start and end, whole seconds, as epoch text. */
export function timeKey(startTime: string, endTime: string): string | null {
  const start = parseKeyPart(startTime);
  const end = parseKeyPart(endTime);
  return start === null || end === null ? null : `${start}/${end}`;
}

function parseKeyPart(text: string): number | null {
  const parsed = parseIsoInstant(text);
  return parsed.ok ? parsed.epochSeconds : null;
}

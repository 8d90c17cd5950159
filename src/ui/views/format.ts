// How the status page writes times, durations and books.
import { formatDuration } from '../../core/duration-format.js';
import { parseIsoInstant } from '../../core/iso-time.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time of this machine, minute precision: "2026-03-01 14:05". */
export function localTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return '—';
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A session's ISO instant (UTC, as stored) in local time. */
export function localIso(iso: string): string {
  const parsed = parseIsoInstant(iso);
  return parsed.ok ? localTime(parsed.epochSeconds) : iso;
}

export function ago(epochSeconds: number, now: number): string {
  const s = Math.max(0, now - epochSeconds);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

export function duration(seconds: number | null | undefined): string {
  return formatDuration(seconds ?? 0);
}

/** Hours with one decimal, for chart labels. */
export function hours(seconds: number): string {
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function bookLabel(title: string | null, bookId: number | null, hash: string | null): string {
  const name = title && title !== 'Unknown' ? title : null;
  const id = bookId !== null ? `#${bookId}` : hash ? `fingerprint ${hash.slice(0, 8)}…` : 'unknown book';
  return name ? `${name} (${id})` : id;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

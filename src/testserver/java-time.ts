// How the Java server reads and writes time: Jackson's Instant parsing/printing (ISO_INSTANT),
// LocalDateTime text without a zone, and Spring Boot's default error timestamp.

/** A java.time.Instant: whole epoch seconds (floored) plus nanoseconds 0..999_999_999. */
export interface Instant {
  seconds: number;
  nanos: number;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Jackson's InstantDeserializer: ISO-8601 text with `Z` or an offset, or a JSON number of epoch
 * seconds (a fraction gives nanoseconds). Returns null when the text is not an instant.
 */
export function parseInstant(value: string | number): Instant | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const seconds = Math.floor(value);
    const nanos = Math.round((value - seconds) * 1e9);
    return nanos >= 1e9 ? { seconds: seconds + 1, nanos: 0 } : { seconds, nanos };
  }
  const m = ISO_INSTANT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetSeconds = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 18 || om > 59) return null;
    offsetSeconds = sign * (oh * 3600 + om * 60);
  }
  const epochMs = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  return {
    seconds: epochMs / 1000 - offsetSeconds,
    nanos: fraction === undefined ? 0 : Number(fraction.padEnd(9, '0')),
  };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

export function isBefore(a: Instant, b: Instant): boolean {
  return a.seconds < b.seconds || (a.seconds === b.seconds && a.nanos < b.nanos);
}

/** DateTimeFormatter.ISO_INSTANT: `2026-02-22T14:00:00Z`, a fraction only when non-zero, in groups of 3 digits. */
export function formatInstant(instant: Instant): string {
  const base = new Date(instant.seconds * 1000).toISOString().slice(0, 19);
  if (instant.nanos === 0) return `${base}Z`;
  let fraction = String(instant.nanos).padStart(9, '0');
  while (fraction.endsWith('000')) fraction = fraction.slice(0, -3);
  return `${base}.${fraction}Z`;
}

export function formatEpochSeconds(seconds: number): string {
  return formatInstant({ seconds, nanos: 0 });
}

/**
 * ISO_LOCAL_DATE_TIME as Jackson writes a LocalDateTime: no zone, seconds always, a fraction only
 * when non-zero with trailing zeros dropped. The server's zone is taken to be UTC (the Docker default).
 */
export function formatLocalDateTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return fraction === '' ? iso.slice(0, 19) : `${iso.slice(0, 19)}.${fraction}`;
}

/** Spring Boot's DefaultErrorAttributes timestamp (a java.util.Date through Jackson). */
export function formatSpringDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+00:00');
}

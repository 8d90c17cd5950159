// What a valid reading session is. Field names are BookLore's wire names, so a message such as
// "endTime: must not be before startTime" means the same thing in the CLI, the queue and the server.
import { formatIsoUtc, parseIsoInstant } from './iso-time.js';

export const BOOK_TYPES = ['PDF', 'EPUB', 'CBX', 'FB2', 'MOBI', 'AZW3', 'AUDIOBOOK'] as const;
export type BookType = (typeof BOOK_TYPES)[number];

/** The database column for locations is VARCHAR(500) on the server (booklore-server.md §1.5). */
export const MAX_LOCATION_LENGTH = 500;

/** BookLore's durationSeconds is a Java Integer (§1.1). */
export const MAX_DURATION_SECONDS = 2147483647;

/** MariaDB DATETIME holds 1000-01-01 to 9999-12-31 (§1.5); the ISO text we send has four-digit years. */
const EARLIEST_INSTANT = -30610224000; // 1000-01-01T00:00:00Z
const LATEST_INSTANT = 253402300799; // 9999-12-31T23:59:59Z

/** A session as a user, a file import or a database row hands it to us: nothing trusted yet. */
export interface SessionInput {
  bookId?: number | null;
  bookHash?: string | null;
  bookType?: string | null;
  /** ISO-8601 text or epoch seconds. */
  startTime: string | number;
  endTime: string | number;
  durationSeconds?: number | null;
  startProgress?: number | null;
  endProgress?: number | null;
  startLocation?: string | null;
  endLocation?: string | null;
  bookTitle?: string | null;
  koreaderBookId?: number | null;
}

/** What a session measured, the same in every shape a session takes. */
export interface ReadingMeasures {
  durationSeconds: number;
  startProgress: number | null;
  endProgress: number | null;
  progressDelta: number | null;
  startLocation: string | null;
  endLocation: string | null;
}

/** A validated session: times are whole epoch seconds, progress is 0–100. */
export interface Session extends ReadingMeasures {
  bookId: number | null;
  bookHash: string | null;
  bookType: BookType;
  startTime: number;
  endTime: number;
  bookTitle: string | null;
  koreaderBookId: number | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; session: Session } | { ok: false; errors: FieldError[] };

export function isBookType(value: string): value is BookType {
  for (const type of BOOK_TYPES) if (type === value) return true;
  return false;
}

// Inputs are checked at run time too: rows written by the plugin (SQLite is dynamically typed)
// or a fuzzer may hold any type whatever the declared one.
function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && value === value && value !== Infinity && value !== -Infinity && Math.floor(value) === value;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && value === value && value !== Infinity && value !== -Infinity;
}

function isText(value: unknown): value is string {
  return typeof value === 'string';
}

/** KOReader's partial MD5 (and BookLore's file hash): 32 hex digits, compared in lower case. */
export function normalizeBookHash(text: string): string | null {
  if (text.length !== 32) return null;
  let out = '';
  for (let i = 0; i < 32; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) out += text.charAt(i);
    else if (code >= 97 && code <= 102) out += text.charAt(i);
    else if (code >= 65 && code <= 70) out += text.charAt(i).toLowerCase();
    else return null;
  }
  return out;
}

function instant(field: string, value: string | number, errors: FieldError[]): number | null {
  if (!isText(value) && typeof value !== 'number') {
    errors.push({ field, message: 'is required: an ISO-8601 instant such as 2026-02-22T14:00:00Z' });
    return null;
  }
  let seconds: number;
  if (typeof value === 'number') {
    if (!isWholeNumber(value)) {
      errors.push({ field, message: 'must be a whole number of epoch seconds' });
      return null;
    }
    seconds = value;
  } else {
    const parsed = parseIsoInstant(value);
    if (!parsed.ok) {
      errors.push({ field, message: `${parsed.problem} (got "${value}")` });
      return null;
    }
    seconds = parsed.epochSeconds;
  }
  if (seconds < EARLIEST_INSTANT || seconds > LATEST_INSTANT) {
    errors.push({ field, message: 'must be between the years 1000 and 9999' });
    return null;
  }
  return seconds;
}

function progress(field: string, value: number | null | undefined, errors: FieldError[]): number | null {
  if (value === null || value === undefined) return null;
  if (!isFiniteNumber(value) || value < 0 || value > 100) {
    errors.push({ field, message: `must be a percentage from 0 to 100 (got ${value})` });
    return null;
  }
  return value;
}

function location(field: string, value: string | null | undefined, errors: FieldError[]): string | null {
  if (value === null || value === undefined) return null;
  if (!isText(value)) {
    errors.push({ field, message: 'must be text' });
    return null;
  }
  if (value.length > MAX_LOCATION_LENGTH) {
    errors.push({ field, message: `must be at most ${MAX_LOCATION_LENGTH} characters (got ${value.length})` });
    return null;
  }
  return value;
}

/** Progress is sent rounded to 2 decimals, as BookLore's web reader and the plugin do. */
export function roundProgress(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The book: an id, a fingerprint, or both; at least one. */
function bookOf(input: SessionInput, errors: FieldError[]): { bookId: number | null; bookHash: string | null } {
  let bookId: number | null = null;
  if (input.bookId !== null && input.bookId !== undefined) {
    if (!isWholeNumber(input.bookId) || input.bookId < 1) {
      errors.push({ field: 'bookId', message: `must be a positive whole number (got ${input.bookId})` });
    } else {
      bookId = input.bookId;
    }
  }
  let bookHash: string | null = null;
  if (input.bookHash !== null && input.bookHash !== undefined && input.bookHash !== '') {
    bookHash = isText(input.bookHash) ? normalizeBookHash(input.bookHash) : null;
    if (bookHash === null) errors.push({ field: 'bookHash', message: `must be 32 hex digits (got "${input.bookHash}")` });
  }
  if (bookId === null && bookHash === null && !errors.some((e) => e.field === 'bookId' || e.field === 'bookHash')) {
    errors.push({ field: 'book', message: 'a session needs a book: give its file, its hash or its BookLore id' });
  }
  return { bookId, bookHash };
}

function bookTypeOf(input: SessionInput, errors: FieldError[]): BookType {
  if (input.bookType === null || input.bookType === undefined) return 'EPUB';
  const upper = isText(input.bookType) ? input.bookType.toUpperCase() : '';
  if (isBookType(upper)) return upper;
  errors.push({ field: 'bookType', message: `must be one of ${BOOK_TYPES.join(' ')} (got "${input.bookType}")` });
  return 'EPUB';
}

/** The reading time: end − start unless given, never more than that, and what BookLore can store. */
function durationOf(input: SessionInput, startTime: number, endTime: number, errors: FieldError[]): number {
  let durationSeconds = 0;
  if (endTime < startTime) {
    errors.push({ field: 'endTime', message: `must not be before startTime (${formatIsoUtc(endTime)} < ${formatIsoUtc(startTime)})` });
  } else if (input.durationSeconds === null || input.durationSeconds === undefined) {
    durationSeconds = endTime - startTime;
  } else if (!isWholeNumber(input.durationSeconds) || input.durationSeconds < 0) {
    errors.push({ field: 'durationSeconds', message: `must be a whole number of seconds ≥ 0 (got ${input.durationSeconds})` });
  } else if (input.durationSeconds > endTime - startTime) {
    errors.push({ field: 'durationSeconds', message: `must not exceed endTime − startTime = ${endTime - startTime} s (got ${input.durationSeconds})` });
  } else {
    durationSeconds = input.durationSeconds;
  }
  if (durationSeconds > MAX_DURATION_SECONDS) {
    errors.push({ field: 'durationSeconds', message: `must be at most ${MAX_DURATION_SECONDS} s, what BookLore can store (got ${durationSeconds})` });
  }
  return durationSeconds;
}

function koreaderBookIdOf(input: SessionInput, errors: FieldError[]): number | null {
  if (input.koreaderBookId === null || input.koreaderBookId === undefined) return null;
  if (isWholeNumber(input.koreaderBookId)) return input.koreaderBookId;
  errors.push({ field: 'koreaderBookId', message: 'must be a whole number' });
  return null;
}

export function validateSession(input: SessionInput): ValidationResult {
  const errors: FieldError[] = [];
  const { bookId, bookHash } = bookOf(input, errors);
  const bookType = bookTypeOf(input, errors);
  const startTime = instant('startTime', input.startTime, errors);
  const endTime = instant('endTime', input.endTime, errors);
  const durationSeconds = startTime !== null && endTime !== null ? durationOf(input, startTime, endTime, errors) : 0;
  const startProgress = progress('startProgress', input.startProgress, errors);
  const endProgress = progress('endProgress', input.endProgress, errors);
  const startLocation = location('startLocation', input.startLocation, errors);
  const endLocation = location('endLocation', input.endLocation, errors);
  const koreaderBookId = koreaderBookIdOf(input, errors);

  if (errors.length > 0 || startTime === null || endTime === null) return { ok: false, errors };
  return {
    ok: true,
    session: {
      bookId,
      bookHash,
      bookType,
      startTime,
      endTime,
      durationSeconds,
      startProgress: startProgress === null ? null : roundProgress(startProgress),
      endProgress: endProgress === null ? null : roundProgress(endProgress),
      progressDelta: startProgress === null || endProgress === null ? null : roundProgress(endProgress - startProgress),
      startLocation,
      endLocation,
      bookTitle: isText(input.bookTitle) ? input.bookTitle : null,
      koreaderBookId,
    },
  };
}

export function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}

// Reading a session POST body the way Jackson and Bean Validation do (§1.1, §1.2, §1.3): first
// the JSON must map onto the Java types (else 400 "Request body is missing or malformed."), then
// the constraint annotations are checked for the whole body at once (400 "Validation error"
// with one `field: message` per violation), so a batch is accepted or refused as a whole.
import { isBookType, type BookType } from './book-types.js';
import { parseInstant, type Instant } from './java-time.js';

/** Thrown while mapping JSON onto the request types: Jackson's HttpMessageNotReadableException. */
export class MalformedBody extends Error {}

export interface SessionFields {
  startTime: Instant | null;
  endTime: Instant | null;
  durationSeconds: number | null;
  durationFormatted: string | null;
  startProgress: number | null;
  endProgress: number | null;
  progressDelta: number | null;
  startLocation: string | null;
  endLocation: string | null;
}

export interface SingleSessionRequest extends SessionFields {
  bookId: number | null;
  bookType: BookType | null;
}

export interface BatchSessionRequest {
  bookId: number | null;
  bookType: BookType | null;
  /** null items survive mapping (Jackson keeps them) and are skipped by @Valid. */
  sessions: (SessionFields | null)[] | null;
}

const INT_MAX = 2 ** 31 - 1;

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

// Jackson's scalar coercions: numbers from numeric text, "" as null for wrapper types, floats
// truncated into integer fields (ACCEPT_FLOAT_AS_INT).
function toWhole(value: unknown, min: number, max: number): number | null {
  if (isAbsent(value)) return null;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    if (!/^[+-]?\d+$/.test(text)) throw new MalformedBody();
    n = Number(text);
  } else throw new MalformedBody();
  if (!Number.isFinite(n)) throw new MalformedBody();
  n = Math.trunc(n);
  if (n < min || n > max) throw new MalformedBody();
  return n;
}

function toFloat(value: unknown): number | null {
  if (isAbsent(value)) return null;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    if (value.trim() === '') return null;
    n = Number(value);
    if (Number.isNaN(n)) throw new MalformedBody();
  } else throw new MalformedBody();
  return Math.fround(n); // a Java Float (the column is FLOAT too)
}

function toText(value: unknown): string | null {
  if (isAbsent(value)) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MalformedBody();
}

function toInstant(value: unknown): Instant | null {
  if (isAbsent(value)) return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') throw new MalformedBody();
  const instant = parseInstant(typeof value === 'string' ? value.trim() : value);
  if (instant === null) throw new MalformedBody();
  return instant;
}

function toBookType(value: unknown): BookType | null {
  if (isAbsent(value)) return null;
  if (!isBookType(value)) throw new MalformedBody(); // §1.3: unknown enum value → malformed
  return value;
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedBody();
  return value as Record<string, unknown>;
}

function sessionFields(o: Record<string, unknown>): SessionFields {
  // Unknown properties are ignored (Spring Boot turns FAIL_ON_UNKNOWN_PROPERTIES off).
  return {
    startTime: toInstant(o.startTime),
    endTime: toInstant(o.endTime),
    durationSeconds: toWhole(o.durationSeconds, -INT_MAX - 1, INT_MAX),
    durationFormatted: toText(o.durationFormatted),
    startProgress: toFloat(o.startProgress),
    endProgress: toFloat(o.endProgress),
    progressDelta: toFloat(o.progressDelta),
    startLocation: toText(o.startLocation),
    endLocation: toText(o.endLocation),
  };
}

export function mapSingleRequest(json: unknown): SingleSessionRequest {
  const o = asObject(json);
  return { bookId: toWhole(o.bookId, -(2 ** 63), 2 ** 63 - 1), bookType: toBookType(o.bookType), ...sessionFields(o) };
}

export function mapBatchRequest(json: unknown): BatchSessionRequest {
  const o = asObject(json);
  let sessions: (SessionFields | null)[] | null = null;
  if (!isAbsent(o.sessions)) {
    if (!Array.isArray(o.sessions)) throw new MalformedBody();
    sessions = o.sessions.map((item: unknown) => (item === null ? null : sessionFields(asObject(item))));
  }
  return { bookId: toWhole(o.bookId, -(2 ** 63), 2 ** 63 - 1), bookType: toBookType(o.bookType), sessions };
}

/** §1.1: ReadingSessionRequest has plain @NotNull, so the default message. */
export function validateSingle(request: SingleSessionRequest): string[] {
  const details: string[] = [];
  for (const field of ['bookId', 'startTime', 'endTime', 'durationSeconds'] as const) {
    if (request[field] === null) details.push(`${field}: must not be null`);
  }
  return details;
}

/**
 * §1.2: the fork's ReadingSessionBatchRequest / ReadingSessionItemRequest messages. Hibernate
 * Validator does not promise an order; this one is envelope first, then items by index.
 */
export function validateBatch(request: BatchSessionRequest): string[] {
  const details: string[] = [];
  if (request.bookId === null) details.push('bookId: Book ID is required');
  if (request.bookType === null) details.push('bookType: Book type is required');
  if (request.sessions === null || request.sessions.length === 0) details.push('sessions: Sessions list cannot be empty');
  else if (request.sessions.length > 1000) details.push('sessions: Sessions list cannot exceed 1000 items');
  request.sessions?.forEach((item, i) => {
    if (item === null) return;
    if (item.startTime === null) details.push(`sessions[${i}].startTime: Start time is required`);
    if (item.endTime === null) details.push(`sessions[${i}].endTime: End time is required`);
    if (item.durationSeconds === null) details.push(`sessions[${i}].durationSeconds: Duration is required`);
    if (item.startLocation !== null && item.startLocation.length > 500) {
      details.push(`sessions[${i}].startLocation: Start location must not exceed 500 characters`);
    }
    if (item.endLocation !== null && item.endLocation.length > 500) {
      details.push(`sessions[${i}].endLocation: End location must not exceed 500 characters`);
    }
  });
  return details;
}

/**
 * §1.3 (inferred): columns the entity does not validate but the database refuses: book_type NOT
 * NULL, VARCHAR(500) locations, VARCHAR(50) duration_formatted. True when the row would not save.
 */
export function violatesColumns(bookType: BookType | null, fields: SessionFields): boolean {
  return (
    bookType === null ||
    (fields.startLocation !== null && fields.startLocation.length > 500) ||
    (fields.endLocation !== null && fields.endLocation.length > 500) ||
    (fields.durationFormatted !== null && fields.durationFormatted.length > 50)
  );
}

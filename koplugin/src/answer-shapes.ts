// The answer-shapes port of the shared BookLore client (src/core/booklore/answer-shapes.ts) for the
// plugin: the Node build's zod schemas (src/node/client/schemas.ts) as written-out checks with the
// same acceptance rules, over values decoded by KOReader's rapidjson (json.ts). A value that does
// not match is null: the client treats it as an error, never a success (X3).
import type { AnswerShapes, BatchAnswer, BookSummary, ErrorAnswer, SessionPageAnswer, Tokens } from '../../src/core/booklore/answer-shapes.js';
import type { ServerSession } from '../../src/core/sync/api-port.js';
import { absentOrNumber, absentOrString, asArray, asObject, isInteger, isNull, optionalString } from './json.js';

/** §2.1: both tokens non-empty strings. */
function tokens(value: unknown): Tokens | null {
  const o = asObject(value);
  if (o === null) return null;
  const access = o['accessToken'];
  const refresh = o['refreshToken'];
  if (typeof access !== 'string' || access.length === 0 || typeof refresh !== 'string' || refresh.length === 0) return null;
  return { accessToken: access, refreshToken: refresh };
}

/** §1.3 ErrorResponse {status?, message?, details?: string[]}. */
function errorResponse(value: unknown): ErrorAnswer | null {
  const o = asObject(value);
  if (o === null || !absentOrNumber(o, 'status') || !absentOrString(o, 'message')) return null;
  const message = o['message'] as string | undefined;
  const details: string[] = [];
  if (o['details'] !== undefined) {
    const list = asArray(o['details']);
    if (list === null) return null;
    for (const d of list) {
      if (typeof d !== 'string') return null;
      details.push(d);
    }
  }
  return { message: message ?? null, details };
}

/** §1.2 ReadingSessionBatchResponse; a result's sessionId may be null (then a hole in the Lua list: hence the count). */
function batchResponse(value: unknown): BatchAnswer | null {
  const o = asObject(value);
  if (o === null || !isInteger(o['totalRequested']) || !isInteger(o['successCount'])) return null;
  let results: BatchAnswer['results'] = null;
  if (o['results'] !== undefined) {
    const list = asArray(o['results']);
    if (list === null) return null;
    const sessionIds: (number | null)[] = [];
    let count = 0;
    for (const item of list) {
      const r = asObject(item);
      if (r === null) return null;
      const id = r['sessionId'];
      if (!isNull(id) && !isInteger(id)) return null;
      if (!absentOrString(r, 'startTime') || !absentOrString(r, 'endTime')) return null;
      sessionIds[count] = isNull(id) ? null : (id as number);
      count++;
    }
    results = { count, sessionIds };
  }
  return { totalRequested: o['totalRequested'] as number, successCount: o['successCount'] as number, results };
}

/** §3.1 Book DTO: id a positive integer; title under metadata; bookType under primaryFile. */
function book(value: unknown): BookSummary | null {
  const o = asObject(value);
  if (o === null || !isInteger(o['id']) || (o['id'] as number) < 1) return null;
  const topTitle = optionalString(o, 'title');
  if (!topTitle.ok) return null;
  let metaTitle: string | null = null;
  if (!isNull(o['metadata'])) {
    const m = asObject(o['metadata']);
    if (m === null) return null;
    const t = optionalString(m, 'title');
    if (!t.ok) return null;
    metaTitle = t.value;
  }
  let bookType: string | null = null;
  if (!isNull(o['primaryFile'])) {
    const f = asObject(o['primaryFile']);
    if (f === null) return null;
    const t = optionalString(f, 'bookType');
    if (!t.ok || !optionalString(f, 'fileName').ok) return null; // both .nullable().optional()
    bookType = t.value;
  }
  return { id: o['id'] as number, title: metaTitle ?? topTitle.value, bookType };
}

function bookList(value: unknown): BookSummary[] | null {
  const list = asArray(value);
  if (list === null) return null;
  const books: BookSummary[] = [];
  for (const item of list) {
    const b = book(item);
    if (b === null) return null;
    books.push(b);
  }
  return books;
}

/** §1.1 Page<ReadingSessionResponse> (VIA_DTO form). */
function sessionPage(value: unknown): SessionPageAnswer | null {
  const o = asObject(value);
  if (o === null) return null;
  const content = asArray(o['content']);
  const page = asObject(o['page']);
  if (content === null || page === null) return null;
  for (const key of ['size', 'number', 'totalElements', 'totalPages']) if (!isInteger(page[key])) return null;
  const sessions: ServerSession[] = [];
  for (const item of content) {
    const s = asObject(item);
    if (s === null || !isInteger(s['id']) || typeof s['startTime'] !== 'string' || typeof s['endTime'] !== 'string') return null;
    sessions.push({ id: s['id'] as number, startTime: s['startTime'] as string, endTime: s['endTime'] as string });
  }
  return { sessions, number: page['number'] as number, totalPages: page['totalPages'] as number };
}

/** §4 healthcheck: {status?, message?, data?: {status?, version?}}. */
function healthcheck(value: unknown): { version: string | null } | null {
  const o = asObject(value);
  if (o === null || !absentOrNumber(o, 'status') || !absentOrString(o, 'message')) return null;
  if (o['data'] === undefined) return { version: null };
  const data = asObject(o['data']);
  if (data === null || !absentOrString(data, 'status') || !absentOrString(data, 'version')) return null;
  return { version: (data['version'] as string | undefined) ?? null };
}

function koreaderAuth(value: unknown): { username: string } | null {
  const o = asObject(value);
  return o !== null && typeof o['username'] === 'string' ? { username: o['username'] as string } : null;
}

export const luaAnswerShapes: AnswerShapes = { tokens, errorResponse, batchResponse, book, bookList, sessionPage, healthcheck, koreaderAuth };

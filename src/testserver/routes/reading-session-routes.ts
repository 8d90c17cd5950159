// §1.1, §1.2: POST /api/v1/reading-sessions (both profiles), POST .../batch (fork only) and
// GET .../book/{id} (paged, newest first).
import type { BookType } from '../book-types.js';
import {
  bookNotFound,
  DATA_CONFLICT,
  errorResponse,
  MALFORMED_BODY,
  UNEXPECTED_ERROR,
  validationError,
} from '../error-responses.js';
import { emptyResponse, jsonResponse, type ApiRequest, type ApiResponse } from '../http-exchange.js';
import { formatInstant, formatLocalDateTime, isBefore } from '../java-time.js';
import type { BookRow, NewSession, SessionRow, UserRow } from '../server-store.js';
import { sessionView } from '../session-row-view.js';
import {
  MalformedBody,
  mapBatchRequest,
  mapSingleRequest,
  validateBatch,
  validateSingle,
  violatesColumns,
  type SessionFields,
} from '../session-request.js';
import { bookloreUser, isResponse, readJsonBody, type Route, type ServerContext } from './route.js';
import { sessionRejections } from '../faults.js';

function mapBody<T>(request: ApiRequest, map: (json: unknown) => T): T | ApiResponse {
  const body = readJsonBody(request);
  if (isResponse(body)) return body;
  try {
    return map(body.value);
  } catch (err) {
    if (err instanceof MalformedBody) return errorResponse(400, MALFORMED_BODY); // §1.3
    throw err;
  }
}

/** §1.5: DATETIME(0) keeps whole seconds; the Instant's floor is its `seconds`. */
function toRow(fields: SessionFields): NewSession {
  return {
    start_time: fields.startTime!.seconds,
    end_time: fields.endTime!.seconds,
    duration_seconds: fields.durationSeconds!,
    duration_formatted: fields.durationFormatted,
    start_progress: fields.startProgress,
    end_progress: fields.endProgress,
    progress_delta: fields.progressDelta,
    start_location: fields.startLocation,
    end_location: fields.endLocation,
  };
}

/** §1.5: created_at is LocalDateTime.now() in the server's zone, stored in a DATETIME(0) column. */
function createdAtNow(): string {
  return formatLocalDateTime(Math.floor(Date.now() / 1000) * 1000);
}

/** The user and book a session POST is for, or the error the service throws first. */
function userAndBook(ctx: ServerContext, principal: Parameters<Route['handle']>[2], bookId: number): { user: UserRow; book: BookRow } | ApiResponse {
  const user = bookloreUser(ctx, principal);
  if (isResponse(user)) return user;
  const book = ctx.store.book(bookId);
  if (book === undefined) return bookNotFound(bookId); // §1.1 step 2
  // §1.2 step 3: the fork checks library access and answers 404, not 403. Upstream does not (§1.1).
  if (ctx.profile === 'fork' && !ctx.store.canAccess(user, book.library_id)) return bookNotFound(bookId);
  return { user, book };
}

/** The test-only reject-session rules (faults.ts), answered the way bean validation answers. */
function rejectionOf(ctx: ServerContext, items: unknown[], inBatch: boolean): ApiResponse | null {
  const details: string[] = [];
  let withDetails = true;
  items.forEach((item, index) => {
    for (const r of sessionRejections(ctx.faults, item)) {
      details.push(inBatch ? `sessions[${index}].${r.field}: ${r.message}` : `${r.field}: ${r.message}`);
      withDetails = withDetails && r.details;
    }
  });
  if (details.length === 0) return null;
  return withDetails ? validationError(details) : errorResponse(400, 'Session rejected by server-side validation');
}

const recordSingle: Route = {
  method: 'POST',
  pattern: /^\/api\/v1\/reading-sessions$/,
  handle(ctx, request, principal) {
    const parsed = mapBody(request, mapSingleRequest);
    if (isResponse(parsed)) return parsed;
    const details = validateSingle(parsed);
    if (details.length > 0) return validationError(details);
    const rejected = rejectionOf(ctx, [(readJsonBody(request) as { value: unknown }).value], false);
    if (rejected) return rejected;
    const target = userAndBook(ctx, principal, parsed.bookId!);
    if (isResponse(target)) return target;
    // §1.1 step 3: no end ≥ start check and no dedupe on the single POST.
    if (violatesColumns(parsed.bookType, parsed)) return errorResponse(400, DATA_CONFLICT);
    ctx.store.insertSessions(target.user.id, target.book.id, parsed.bookType as BookType, createdAtNow(), [toRow(parsed)]);
    return emptyResponse(202); // §1.1: 202 Accepted, empty body
  },
};

const recordBatch: Route = {
  method: 'POST',
  pattern: /^\/api\/v1\/reading-sessions\/batch$/,
  handle(ctx, request, principal) {
    const parsed = mapBody(request, mapBatchRequest);
    if (isResponse(parsed)) return parsed;
    // §1.2: bean validation covers the whole envelope, so one bad item refuses the batch.
    const details = validateBatch(parsed);
    if (details.length > 0) return validationError(details);
    const raw = (readJsonBody(request) as { value: { sessions?: unknown[] } }).value;
    const rejected = rejectionOf(ctx, raw.sessions ?? [], true);
    if (rejected) return rejected;
    const target = userAndBook(ctx, principal, parsed.bookId!);
    if (isResponse(target)) return target;
    const items = parsed.sessions!;
    // @Valid skips null items; the service then dereferences them (NullPointerException → 500).
    if (items.some((item) => item === null)) return errorResponse(500, UNEXPECTED_ERROR);
    const sessions = items as SessionFields[];
    for (const item of sessions) {
      // §1.2 step 4: equal times are allowed.
      if (isBefore(item.endTime!, item.startTime!)) return errorResponse(400, 'End time must be after start time');
    }
    if (sessions.some((item) => violatesColumns(parsed.bookType, item))) return errorResponse(400, DATA_CONFLICT);
    // §1.2 step 5: one transaction; a failure stores nothing.
    const ids = ctx.store.insertSessions(target.user.id, target.book.id, parsed.bookType!, createdAtNow(), sessions.map(toRow));
    return jsonResponse(200, {
      totalRequested: sessions.length,
      successCount: ids.length,
      // (inferred) built from the saved entities, which still hold the request's Instants, so a
      // sub-second input is echoed with its fraction although the row keeps whole seconds.
      results: sessions.map((item, i) => ({ sessionId: ids[i], startTime: formatInstant(item.startTime!), endTime: formatInstant(item.endTime!) })),
    });
  },
};

// §1.1: @RequestParam(defaultValue) ints; text that is not an int is a type mismatch, which
// reaches the catch-all handler (inferred: 500).
function intParam(request: ApiRequest, name: string, fallback: number): number | null {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^[+-]?\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
}

function sessionResponse(row: SessionRow, book: BookRow): Record<string, unknown> {
  // §1.1 ReadingSessionResponse: durationFormatted is stored but not returned.
  const { id, bookId, ...rest } = sessionView(row);
  return { id, bookId, bookTitle: book.title, ...rest };
}

const listForBook: Route = {
  method: 'GET',
  pattern: /^\/api\/v1\/reading-sessions\/book\/([^/]+)$/,
  handle(ctx, request, principal, [rawBookId]) {
    const page = intParam(request, 'page', 0);
    const size = intParam(request, 'size', 5); // @RequestParam(defaultValue = "5")
    if (page === null || size === null || !/^\d+$/.test(rawBookId ?? '')) return errorResponse(500, UNEXPECTED_ERROR);
    // §1.1: @Min(0) page, @Min(1) @Max(100) size; method validation → ConstraintViolationException.
    const details: string[] = [];
    if (page < 0) details.push('getReadingSessionsForBook.page: must be greater than or equal to 0');
    if (size < 1) details.push('getReadingSessionsForBook.size: must be greater than or equal to 1');
    if (size > 100) details.push('getReadingSessionsForBook.size: must be less than or equal to 100');
    if (details.length > 0) return validationError(details);
    const user = bookloreUser(ctx, principal);
    if (isResponse(user)) return user;
    const bookId = Number(rawBookId);
    const book = ctx.store.book(bookId);
    if (book === undefined) return bookNotFound(bookId); // checked; library access is not
    // §1.1: only the caller's rows, startTime DESC, Spring Data's VIA_DTO page format.
    const { rows, total } = ctx.store.sessionsPage(user.id, bookId, page, size);
    return jsonResponse(200, {
      content: rows.map((row) => sessionResponse(row, book)),
      page: { size, number: page, totalElements: total, totalPages: Math.ceil(total / size) },
    });
  },
};

export function readingSessionRoutes(profile: ServerContext['profile']): Route[] {
  // §1.1: upstream has no batch endpoint; its path falls through to the SPA resource handler.
  return profile === 'fork' ? [recordSingle, recordBatch, listForBook] : [recordSingle, listForBook];
}

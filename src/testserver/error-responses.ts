// The two error body shapes BookLore produces: its own ErrorResponse (GlobalExceptionHandler) and
// Spring Boot's default error JSON (what Spring Security's 403 entry point ends up rendering).
import { jsonResponse, type ApiResponse } from './http-exchange.js';
import { formatLocalDateTime, formatSpringDate } from './java-time.js';

// §1.3: the catch-all handler's message.
export const UNEXPECTED_ERROR = 'An unexpected error occurred.';
// §1.3: HttpMessageNotReadableException (malformed JSON, unknown enum value, wrong JSON type).
export const MALFORMED_BODY = 'Request body is missing or malformed.';
// §1.3 (inferred): a NOT NULL / too-long column on save becomes DataIntegrityViolationException.
export const DATA_CONFLICT = 'A data conflict occurred. The operation could not be completed.';

/**
 * §1.3: `{"status","message","timestamp","details"?}`; null fields are omitted and the timestamp
 * is a LocalDateTime (no zone).
 */
export function errorResponse(status: number, message: string, details?: string[], headers: Record<string, string> = {}): ApiResponse {
  const body: Record<string, unknown> = { status, message, timestamp: formatLocalDateTime(Date.now()) };
  if (details !== undefined) body.details = details;
  return jsonResponse(status, body, headers);
}

export function bookNotFound(bookId: number | string): ApiResponse {
  return errorResponse(404, `Book not found with ID: ${bookId}`); // §1.1 ApiError.BOOK_NOT_FOUND
}

export function validationError(details: string[]): ApiResponse {
  return errorResponse(400, 'Validation error', details); // §1.3 bean validation
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASON[status] ?? 'Error';
}

/**
 * §1.3 (inferred): Http403ForbiddenEntryPoint calls sendError(403), which Spring Boot renders as
 * `{"timestamp","status","error","path"}` (no message: server.error.include-message is off).
 */
export function springErrorResponse(status: number, path: string): ApiResponse {
  return jsonResponse(status, { timestamp: formatSpringDate(Date.now()), status, error: reasonPhrase(status), path });
}

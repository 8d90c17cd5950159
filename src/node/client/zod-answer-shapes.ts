// The answer-shapes port (src/core/booklore/answer-shapes.ts) with the zod schemas of schemas.ts:
// a value that does not match is null, never a success (X3).
import type { AnswerShapes, BookSummary } from '../../core/booklore/answer-shapes.js';
import { BatchResponse, Book, BookList, ErrorResponse, Healthcheck, KoreaderAuth, LoginResponse, SessionPage } from './schemas.js';

type Schema<T> = { safeParse(value: unknown): { success: true; data: T } | { success: false } };

function check<T>(schema: Schema<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

type BookDto = ReturnType<typeof Book.parse>;

function summary(book: BookDto): BookSummary {
  return { id: book.id, title: book.metadata?.title ?? book.title ?? null, bookType: book.primaryFile?.bookType ?? null };
}

export const zodAnswerShapes: AnswerShapes = {
  tokens(value) {
    const tokens = check(LoginResponse, value);
    return tokens && { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  },
  errorResponse(value) {
    const error = check(ErrorResponse, value);
    return error && { message: error.message ?? null, details: error.details ?? [] };
  },
  batchResponse(value) {
    const batch = check(BatchResponse, value);
    if (!batch) return null;
    const results = batch.results ? { count: batch.results.length, sessionIds: batch.results.map((r) => r.sessionId ?? null) } : null;
    return { totalRequested: batch.totalRequested, successCount: batch.successCount, results };
  },
  book(value) {
    const book = check(Book, value);
    return book && summary(book);
  },
  bookList(value) {
    const books = check(BookList, value);
    return books && books.map(summary);
  },
  sessionPage(value) {
    const page = check(SessionPage, value);
    return (
      page && {
        sessions: page.content.map((s) => ({ id: s.id, startTime: s.startTime, endTime: s.endTime })),
        number: page.page.number,
        totalPages: page.page.totalPages,
      }
    );
  },
  healthcheck(value) {
    const health = check(Healthcheck, value);
    return health && { version: health.data?.version ?? null };
  },
  koreaderAuth(value) {
    const auth = check(KoreaderAuth, value);
    return auth && { username: auth.username };
  },
};

// What BookLore answers, as typed values: the port that checks a parsed JSON value against the
// shape an endpoint returns on success (booklore-server.md). A value that does not match is null,
// and the client treats it as an error, never a success (X3). Node checks with zod schemas
// (src/node/client/schemas.ts); the plugin with written-out checks of the same rules.
import type { ServerSession } from '../sync/api-port.js';

/** §2.1: both tokens non-empty strings. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** §1.3 ErrorResponse {status?, message?, timestamp, details?: string[]}. */
export interface ErrorAnswer {
  message: string | null;
  details: string[];
}

/** §1.2 ReadingSessionBatchResponse. */
export interface BatchAnswer {
  totalRequested: number;
  successCount: number;
  /** The per-session results, when given: how many, and each one's id (null when the server gave none). */
  results: { count: number; sessionIds: (number | null)[] } | null;
}

/** §3.1 Book DTO, the fields we use: the title (metadata's, else the top-level one) and the primary file's type. */
export interface BookSummary {
  id: number;
  title: string | null;
  bookType: string | null;
}

/** §1.1 Page<ReadingSessionResponse> (VIA_DTO form). */
export interface SessionPageAnswer {
  sessions: ServerSession[];
  number: number;
  totalPages: number;
}

/** §4 healthcheck. */
export interface HealthAnswer {
  version: string | null;
}

/** §2.4 the KOReader login check. */
export interface KoreaderAuthAnswer {
  username: string;
}

export interface AnswerShapes {
  tokens(value: unknown): Tokens | null;
  errorResponse(value: unknown): ErrorAnswer | null;
  batchResponse(value: unknown): BatchAnswer | null;
  book(value: unknown): BookSummary | null;
  bookList(value: unknown): BookSummary[] | null;
  sessionPage(value: unknown): SessionPageAnswer | null;
  healthcheck(value: unknown): HealthAnswer | null;
  koreaderAuth(value: unknown): KoreaderAuthAnswer | null;
}

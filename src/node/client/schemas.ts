// What BookLore answers, as zod schemas: a 2xx that does not match is an error, never a success
// (X3). Field names and shapes from booklore-server.md.
import { z } from 'zod';

/** §2.1: all three values are strings. */
export const LoginResponse = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
});

/** §1.3 ErrorResponse: {status, message, timestamp, details?}. */
export const ErrorResponse = z.object({
  status: z.number().optional(),
  message: z.string().optional(),
  details: z.array(z.string()).optional(),
});

/** §1.2 ReadingSessionBatchResponse. */
export const BatchResponse = z.object({
  totalRequested: z.number().int(),
  successCount: z.number().int(),
  results: z
    .array(
      z.object({
        sessionId: z.number().int().nullable().optional(),
        startTime: z.string().optional(),
        endTime: z.string().optional(),
      }),
    )
    .optional(),
});

/** §3.1 Book DTO: only the fields we use; title lives under metadata. */
export const Book = z.object({
  id: z.number().int().positive(),
  metadata: z.object({ title: z.string().nullable().optional() }).nullable().optional(),
  title: z.string().nullable().optional(),
  primaryFile: z.object({ bookType: z.string().nullable().optional(), fileName: z.string().nullable().optional() }).nullable().optional(),
});

export const BookList = z.array(Book);

/** §1.1 Page<ReadingSessionResponse> in Spring's VIA_DTO form. */
export const SessionPage = z.object({
  content: z.array(
    z.object({
      id: z.number().int(),
      startTime: z.string(),
      endTime: z.string(),
    }),
  ),
  page: z.object({
    size: z.number().int(),
    number: z.number().int(),
    totalElements: z.number().int(),
    totalPages: z.number().int(),
  }),
});

/** §4 healthcheck. */
export const Healthcheck = z.object({
  status: z.number().optional(),
  message: z.string().optional(),
  data: z.object({ status: z.string().optional(), version: z.string().optional() }).passthrough().optional(),
});

export const KoreaderAuth = z.object({ username: z.string() });

/** The fork's /api/v1/books/search (§3.1). */
export const SearchResults = z.array(
  z.object({ id: z.number().int(), title: z.string().nullable().optional(), matchScore: z.number().optional() }),
);

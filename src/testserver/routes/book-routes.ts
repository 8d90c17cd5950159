// GET /api/v1/books (both profiles) and the fork's hash lookup and search (§3.1).
import { bookDto } from '../book-dto.js';
import { errorResponse, UNEXPECTED_ERROR } from '../error-responses.js';
import { normalizedFuzzyScore } from '../fuzzy-score.js';
import { jsonResponse, type ApiResponse } from '../http-exchange.js';
import type { Principal } from '../auth.js';
import { CONTENT_ROUTE } from './content-route.js';
import { bookloreUser, isResponse, type Route, type ServerContext } from './route.js';

const listBooks: Route = {
  method: 'GET',
  pattern: /^\/api\/v1\/books$/,
  handle(ctx, _request, principal) {
    const user = bookloreUser(ctx, principal);
    if (isResponse(user)) return user;
    return jsonResponse(200, ctx.store.booksVisibleTo(user).map(bookDto));
  },
};

/** §3.1 BookService.getBookByHash: current hash only; unknown and inaccessible are the same 404. */
function bookByHash(ctx: ServerContext, principal: Principal | null, hash: string): ApiResponse {
  const user = bookloreUser(ctx, principal);
  if (isResponse(user)) return user;
  const notFound = errorResponse(404, `Book with hash ${hash} not found`);
  const matches = ctx.store.booksByHash(hash);
  // §3.1 (inferred): two books with one current hash make the Optional query throw → 500.
  if (matches.length > 1) return errorResponse(500, UNEXPECTED_ERROR);
  const book = matches[0];
  if (book === undefined || !ctx.store.canAccess(user, book.library_id)) return notFound;
  return jsonResponse(200, bookDto(book));
}

const byHashV1: Route = {
  method: 'GET',
  pattern: /^\/api\/v1\/books\/by-hash\/([^/]+)$/,
  handle: (ctx, _request, principal, [hash]) => bookByHash(ctx, principal, decodeURIComponent(hash!)),
};

const byHashKoreader: Route = {
  method: 'GET',
  pattern: /^\/api\/koreader\/books\/by-hash\/([^/]+)$/,
  handle: (ctx, _request, principal, [hash]) => bookByHash(ctx, principal, decodeURIComponent(hash!)),
};

const search: Route = {
  method: 'GET',
  pattern: /^\/api\/v1\/books\/search$/,
  handle(ctx, request, principal) {
    const title = request.query.get('title')?.trim() ?? '';
    const isbn = request.query.get('isbn')?.replace(/[-\s]/g, '') ?? '';
    // §3.1: neither parameter → 400 (message inferred from ApiError.INVALID_QUERY_PARAMETERS).
    if (title === '' && isbn === '') return errorResponse(400, 'Query parameters are required for the search.');
    const user = bookloreUser(ctx, principal);
    if (isResponse(user)) return user;
    const books = ctx.store.booksVisibleTo(user); // (inferred) only books the caller may see
    let results: { id: number; title: string; hash: string; matchScore: number }[];
    if (isbn !== '') {
      // §3.1: an ISBN match is exact, with matchScore 1.0.
      results = books.filter((b) => b.isbn13 === isbn).map((b) => ({ id: b.id, title: b.title, hash: b.current_hash, matchScore: 1.0 }));
    } else {
      // §3.1: FuzzyScore on the title, normalized, top 50.
      results = books
        .map((b) => ({ id: b.id, title: b.title, hash: b.current_hash, matchScore: normalizedFuzzyScore(b.title, title) }))
        .filter((r) => r.matchScore > 0)
        .sort((a, b) => b.matchScore - a.matchScore || a.id - b.id)
        .slice(0, 50);
    }
    return jsonResponse(200, results); // coverHash is null here, so NON_NULL leaves it out
  },
};

export function bookRoutes(profile: ServerContext['profile']): Route[] {
  // §3.1: upstream has no hash lookup and no search.
  return profile === 'fork' ? [listBooks, CONTENT_ROUTE, byHashV1, byHashKoreader, search] : [listBooks, CONTENT_ROUTE];
}

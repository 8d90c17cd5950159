// §8: GET /api/v1/books/{id}/content[?bookType=] (both profiles, JWT, @CheckBookAccess): the file
// as a Spring Resource, with Spring's Range handling (http-range.ts). Unknown or inaccessible
// book → 404 "Book not found"; a book without that file → 404 "File not found".
import { bookFileContent } from '../book-files.js';
import { bookNotFound, errorResponse } from '../error-responses.js';
import { header } from '../http-exchange.js';
import { rangedResponse } from '../http-range.js';
import { bookloreUser, isResponse, type Route } from './route.js';

const MEDIA_TYPES: Record<string, string> = {
  EPUB: 'application/epub+zip',
  PDF: 'application/pdf',
  CBX: 'application/vnd.comicbook+zip',
  FB2: 'application/x-fictionbook+xml',
  MOBI: 'application/x-mobipocket-ebook',
  AZW3: 'application/vnd.amazon.ebook',
  AUDIOBOOK: 'audio/mpeg',
};

let boundaryCounter = 0;

export const CONTENT_ROUTE: Route = {
  method: 'GET',
  pattern: /^\/api\/v1\/books\/(\d+)\/content$/,
  handle(ctx, request, principal, [id]) {
    const user = bookloreUser(ctx, principal);
    if (isResponse(user)) return user;
    const book = ctx.store.book(Number(id));
    if (book === undefined || !ctx.store.canAccess(user, book.library_id)) return bookNotFound(id!);
    const bookType = request.query.get('bookType');
    const content = bookFileContent(book, bookType === null || bookType === '' ? null : bookType.toUpperCase());
    if (content === 'no-file') return errorResponse(404, 'File not found');
    const type = bookType === null || bookType === '' ? book.book_type : bookType.toUpperCase();
    boundaryCounter++;
    return rangedResponse(content, MEDIA_TYPES[type] ?? 'application/octet-stream', header(request, 'range'), `bls${boundaryCounter.toString(16)}x${Date.now().toString(16)}`);
  },
};

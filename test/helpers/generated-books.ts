// A generated library on the bundled server (§8), and the bytes of one small EPUB of it, as a
// device that downloaded it would hold them.
import type { GeneratedBook } from '../../src/testserver/generated-library.js';
import type { TestServer } from '../../src/testserver/index.js';

export async function generateLibraryBooks(server: TestServer, count: number): Promise<{ books: GeneratedBook[]; book: GeneratedBook; bytes: Buffer }> {
  const books = server.admin.generateBooks({ count });
  const book = books.find((b) => b.bookType === 'EPUB' && b.sizeBytes < 200_000)!;
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'reader', password: 'reader' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const file = await fetch(`${server.url}/api/v1/books/${book.id}/content`, { headers: { authorization: `Bearer ${accessToken}` } });
  const bytes = Buffer.from(await file.arrayBuffer());
  server.admin.clearRequests();
  return { books, book, bytes };
}

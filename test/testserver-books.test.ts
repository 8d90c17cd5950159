// Books on the bundled test server (booklore-server.md §3): the seed and its files, the book
// list, the fork's hash lookup and search, hash drift, and upstream's SPA fallback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partialMd5OfBuffer } from '../src/node/partial-md5.js';
import { DEFAULT_SEED, SEED_BOOK_IDS, seedBookBytes, start } from '../src/testserver/index.js';
import { call, login, withServer } from './helpers/test-server-client.js';

const [PRIDE, , , , SECRET] = DEFAULT_SEED.books;

test('the default seed: reader/reader, a linked KOReader user, 4 accessible books of different types, 1 not accessible', () => {
  assert.ok(DEFAULT_SEED.users.some((u) => u.username === 'reader' && u.password === 'reader' && u.admin !== true));
  assert.ok(DEFAULT_SEED.users.some((u) => u.admin === true));
  assert.deepEqual(DEFAULT_SEED.koreaderUsers, [{ username: 'reader', password: 'reader', bookloreUser: 'reader' }]);
  const readerLibraries = DEFAULT_SEED.libraries.filter((l) => l.members.includes('reader')).map((l) => l.id);
  const accessible = DEFAULT_SEED.books.filter((b) => readerLibraries.includes(b.libraryId));
  assert.ok(accessible.length >= 3);
  assert.ok(new Set(accessible.map((b) => b.bookType)).size >= 3);
  assert.equal(DEFAULT_SEED.books.length - accessible.length, 1);
});

test('seedBookBytes gives each seed book a file whose partial MD5 is its hash, deterministically', () => {
  assert.deepEqual([...SEED_BOOK_IDS], DEFAULT_SEED.books.map((b) => b.id));
  const sizes = new Set<number>();
  for (const book of DEFAULT_SEED.books) {
    const bytes = seedBookBytes(book.id);
    sizes.add(bytes.length);
    assert.ok(bytes.length >= 4096 && bytes.length <= 128 * 1024);
    assert.equal(partialMd5OfBuffer(bytes), book.hash);
    assert.ok(seedBookBytes(book.id).equals(bytes));
  }
  assert.equal(sizes.size, DEFAULT_SEED.books.length, 'different sizes');
  // Pinned, so a change to the fixture bytes is noticed (clients' tests may hard-code these).
  assert.equal(PRIDE!.hash, 'f0a672838b6f07f2e74b8bd01aec4434');
  assert.throws(() => seedBookBytes(99), /no seed file for book 99/);
});

test('GET /api/v1/books lists the caller\'s books as Book DTOs (admins see all), both profiles', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    await withServer({ profile }, async (server) => {
      const reader = await login(server);
      const books = await call(server, 'GET', '/api/v1/books', { token: reader.accessToken });
      assert.equal(books.status, 200, profile);
      assert.deepEqual(books.json.map((b: { id: number }) => b.id), [1, 2, 3, 4]);
      assert.deepEqual(books.json[0], {
        id: 1,
        libraryId: 1,
        libraryName: 'Fiction',
        title: 'Pride and Prejudice',
        addedOn: '2026-01-01T00:01:00Z',
        isPhysical: false,
        metadata: { bookId: 1, title: 'Pride and Prejudice', authors: ['Jane Austen'], isbn13: '9780141439518' },
        primaryFile: { id: 1, bookId: 1, fileName: 'Pride and Prejudice - Jane Austen.epub', bookType: 'EPUB', fileSizeKb: 96, extension: 'epub', addedOn: '2026-01-01T00:01:00Z' },
        alternativeFormats: [],
      });
      assert.equal(books.json[2].metadata.isbn13, undefined, 'NON_NULL: no isbn13 key when there is none');
      const admin = await login(server, 'admin');
      assert.equal((await call(server, 'GET', '/api/v1/books', { token: admin.accessToken })).json.length, 5);
    });
  }
});

test('fork: by-hash on both paths returns the Book DTO; unknown and inaccessible hashes are the same 404', async () => {
  await withServer({ profile: 'fork' }, async (server) => {
    const { accessToken } = await login(server);
    const viaJwt = await call(server, 'GET', `/api/v1/books/by-hash/${PRIDE!.hash}?withDescription=false`, { token: accessToken });
    assert.equal(viaJwt.status, 200);
    assert.equal(viaJwt.json.id, 1);
    assert.equal(viaJwt.json.metadata.title, 'Pride and Prejudice');
    const viaKoreader = await call(server, 'GET', `/api/koreader/books/by-hash/${PRIDE!.hash}`, { koreader: ['reader', 'reader'] });
    assert.equal(viaKoreader.status, 200);
    assert.deepEqual(viaKoreader.json, viaJwt.json);

    for (const hash of ['0'.repeat(32), SECRET!.hash]) {
      for (const reply of [
        await call(server, 'GET', `/api/v1/books/by-hash/${hash}`, { token: accessToken }),
        await call(server, 'GET', `/api/koreader/books/by-hash/${hash}`, { koreader: ['reader', 'reader'] }),
      ]) {
        assert.equal(reply.status, 404);
        assert.equal(reply.json.message, `Book with hash ${hash} not found`);
      }
    }
    // Wrong auth for each path.
    assert.equal((await call(server, 'GET', `/api/v1/books/by-hash/${PRIDE!.hash}`, { koreader: ['reader', 'reader'] })).status, 403);
    assert.equal((await call(server, 'GET', `/api/koreader/books/by-hash/${PRIDE!.hash}`, { token: accessToken })).status, 403);
  });
});

test('hash drift: after setBookHash the old hash is 404 and the new one resolves; initial hash kept', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const drifted = 'c'.repeat(32);
    const reply = await call(server, 'POST', '/__admin/books/1/hash', { body: { hash: drifted } });
    assert.equal(reply.status, 200);
    assert.equal(reply.json.hash, drifted);
    assert.equal(reply.json.initialHash, PRIDE!.hash);
    assert.equal((await call(server, 'GET', `/api/v1/books/by-hash/${PRIDE!.hash}`, { token: accessToken })).status, 404);
    assert.equal((await call(server, 'GET', `/api/v1/books/by-hash/${drifted}`, { token: accessToken })).json.id, 1);
    server.admin.setBookHash(2, 'D'.repeat(32));
    assert.equal(server.admin.books()[1]!.hash, 'd'.repeat(32));
    assert.equal((await call(server, 'POST', '/__admin/books/99/hash', { body: { hash: drifted } })).status, 404);
    assert.equal((await call(server, 'POST', '/__admin/books/1/hash', { body: { hash: 'not hex' } })).status, 400);
  });
});

test('fork: search by ISBN (exact, score 1) and by title (fuzzy), only the caller\'s books; neither → 400', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const byIsbn = await call(server, 'GET', '/api/v1/books/search?isbn=978-0141439518', { token: accessToken });
    assert.deepEqual(byIsbn.json, [{ id: 1, title: 'Pride and Prejudice', hash: PRIDE!.hash, matchScore: 1 }]);
    const byTitle = await call(server, 'GET', '/api/v1/books/search?title=moby%20dick', { token: accessToken });
    assert.equal(byTitle.status, 200);
    assert.equal(byTitle.json[0].id, 4);
    assert.ok(byTitle.json[0].matchScore > 0 && byTitle.json[0].matchScore <= 1);
    const hidden = await call(server, 'GET', '/api/v1/books/search?title=secret%20garden', { token: accessToken });
    assert.ok(!hidden.json.some((b: { id: number }) => b.id === 5));
    const neither = await call(server, 'GET', '/api/v1/books/search', { token: accessToken });
    assert.equal(neither.status, 400);
  });
});

test('upstream: no hash lookup or search; unknown /api GETs answer 200 text/html (SPA fallback) once authenticated', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const { accessToken } = await login(server);
    for (const path of [`/api/v1/books/by-hash/${PRIDE!.hash}`, '/api/v1/books/search?isbn=9780141439518', '/api/v1/no/such/thing']) {
      const reply = await call(server, 'GET', path, { token: accessToken });
      assert.equal(reply.status, 200, path);
      assert.match(reply.contentType ?? '', /^text\/html/);
      assert.match(reply.text, /<app-root>/);
    }
    // Unauthenticated, the security chain answers first.
    assert.equal((await call(server, 'GET', `/api/v1/books/by-hash/${PRIDE!.hash}`)).status, 403);
    const kosync = await call(server, 'GET', `/api/koreader/books/by-hash/${PRIDE!.hash}`, { koreader: ['reader', 'reader'] });
    assert.equal(kosync.status, 200);
    assert.match(kosync.contentType ?? '', /^text\/html/);
  });
});

test('a custom seed is validated with a clear message', async () => {
  await assert.rejects(
    start({ seed: { users: [{ username: 'a', password: 'a' }], koreaderUsers: [], libraries: [{ id: 1, name: 'L', members: ['zed'] }], books: [] } }),
    /libraries\.0\.members\.0: no user named zed/,
  );
});

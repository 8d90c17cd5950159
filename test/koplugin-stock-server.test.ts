// §8 in the KOReader plugin's Lua build (the shared core resolver over koplugin/src/http.ts):
// on the upstream profile, fingerprint-only sessions find their book through ranged reads —
// multi-range 206, 416 with the length, a server that ignores Range — and a bad answer never
// makes a wrong match; the reason a session waits is in the queue.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { generateLibraryBooks } from './helpers/generated-books.js';
import { ensurePluginBuilt, luaFixture, luaUnavailable } from './helpers/koplugin.js';
import { BOOKS, sessionsFor, withClosing } from './helpers/sync-fixture.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});

const onServer = (f: { server: { admin: { sessions(): { bookId: number }[] } } }) => f.server.admin.sessions().map((s) => s.bookId);

test('lua upstream: fingerprint-only sessions find their books by ranged reads; known files are not read again', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'upstream' }), async (f) => {
    await f.enqueue([...sessionsFor({ hash: BOOKS.nemo.hash, type: 'CBX' }, 2), ...sessionsFor({ hash: BOOKS.pride.hash, type: 'EPUB' }, 1, 10)]);
    const first = await f.sync();
    assert.equal(first.report.uploaded, 3, first.message);
    assert.deepEqual(onServer(f).sort(), [1, 3, 3]);
    const reads = f.server.admin.requests().filter((r) => r.path.endsWith('/content'));
    assert.deepEqual(reads.map((r) => r.status), [206, 206], 'one multi-range read per book');
    // A fingerprint no book has: the other EPUB files are compared (none left unread), then it waits.
    await f.enqueue(sessionsFor({ hash: '0123456789abcdef0123456789abcdef', type: 'EPUB' }, 1, 20));
    const second = await f.sync();
    assert.equal(second.report.pending, 1);
    assert.match((await f.pending())[0].lastError, /no book in your library on the server has this fingerprint/);
    assert.equal(f.server.admin.requests().filter((r) => r.path.endsWith('/content')).length, 2, 'remembered fingerprints: nothing read again');
  });
});

test('lua upstream: a stale size (416 with the length), no size, and a server that ignores Range (200): matched right', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'upstream' }), async (f) => {
    f.server.admin.changeBookFile(4, { fileSizeKb: 500 });
    f.server.admin.changeBookFile(3, { fileSizeKb: null });
    f.server.admin.addFaults({ rules: ['ignore-range,path=/api/v1/books/1/content'] });
    await f.enqueue([
      ...sessionsFor({ hash: BOOKS.mobyDick.hash, type: 'FB2' }, 1),
      ...sessionsFor({ hash: BOOKS.nemo.hash, type: 'CBX' }, 1, 10),
      ...sessionsFor({ hash: BOOKS.pride.hash, type: 'EPUB' }, 1, 20),
    ]);
    const result = await f.sync();
    assert.equal(result.report.uploaded, 3, result.message);
    assert.deepEqual(onServer(f).sort(), [1, 3, 4]);
    const statuses = (id: number) => f.server.admin.requests().filter((r) => r.path === `/api/v1/books/${id}/content`).map((r) => r.status);
    assert.deepEqual(statuses(4), [416, 206]);
    assert.deepEqual(statuses(1), [200]);
  });
});

test('lua upstream: HTML, a truncated multipart body, a wrong Content-Range, the list as HTML: never a wrong match, the reason kept', { skip }, async () => {
  const cases: [unknown[], RegExp][] = [
    [['html,path=/api/v1/books/1/content'], /web page instead of the file/],
    [['truncate,path=/api/v1/books/1/content'], /malformed or cut-off multipart/],
    [['wrong-range,path=/api/v1/books/1/content'], /other bytes than those asked/],
    [['html,path=/api/v1/books'], /could not list the library/],
  ];
  for (const [rules, reason] of cases) {
    await withClosing(luaFixture({ profile: 'upstream' }), async (f) => {
      f.server.admin.addFaults({ rules: rules as never[] });
      await f.enqueue(sessionsFor({ hash: BOOKS.pride.hash, type: 'EPUB' }, 1));
      const result = await f.sync();
      assert.equal(result.report.pending, 1, `${rules}: ${result.message}`);
      assert.equal(f.server.admin.sessionCount(), 0);
      assert.match((await f.pending())[0].lastError, reason);
      f.server.admin.clearFaults();
      const again = await f.sync();
      assert.equal(again.report.uploaded, 1, again.message);
      assert.deepEqual(onServer(f), [1]);
    });
  }
});

test('lua upstream: a book read on the device is found among 2,000 by its size and name with one read', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'upstream' }), async (f) => {
    const { book, bytes } = await generateLibraryBooks(f.server, 2000);
    const path = join(f.home, `Generated ${book.id}.epub`); // the name BookLore gave the download
    writeFileSync(path, bytes);
    const start = 1_767_000_000;
    const read = await f.lua('read', { path, start, end: start + 1800 });
    assert.equal(read.json.queued, true, read.stderr);
    const db = new Database(join(f.home, 'booklore-sync.sqlite'), { readonly: true });
    assert.equal(db.prepare('SELECT size_bytes FROM bls_local_files WHERE book_hash = ?').pluck().get(book.hash), bytes.length, 'the size was noted');
    db.close();
    const result = await f.sync();
    assert.equal(result.report.uploaded, 1, result.message);
    assert.deepEqual(onServer(f), [book.id]);
    assert.equal(f.server.admin.requests().filter((r) => r.path.endsWith('/content')).length, 1);
  });
});

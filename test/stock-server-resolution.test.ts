// §8 end to end: on a server without hash lookup (upstream profile: stock BookLore v2.3.0 and
// Grimmory), sessions recorded by fingerprint find their book by ranged reads of the library's
// files, through the real CLI, a real queue file and the bundled server. Every bad answer the
// issue lists: never a wrong match, never a crash, never a session lost; the reason is in `pending`.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { seedBookBytes } from '../src/testserver/index.js';
import { tempDir } from './helpers/cli.js';
import { BOOKS, syncFixture, withClosing, type Fixture } from './helpers/sync-fixture.js';

const contentRequests = (f: Fixture) => f.server.admin.requests().filter((r) => r.path.endsWith('/content'));

let minute = 0;

/** Records one 30-minute session of a file holding `bytes` (so its size is known) without syncing. */
async function recordFile(f: Fixture, bytes: Buffer, name: string): Promise<void> {
  const dir = tempDir('bls-book-');
  const path = join(dir.path, name);
  writeFileSync(path, bytes);
  const start = Date.UTC(2026, 2, 1, 8, 0, 0) + minute++ * 3_600_000;
  const result = await f.cli([
    'record', '--book', path, '--start', new Date(start).toISOString().replace('.000', ''),
    '--end', new Date(start + 1_800_000).toISOString().replace('.000', ''), '--start-location', '1', '--end-location', '9', '--no-sync',
  ]);
  dir.cleanup();
  assert.equal(result.code, 0, result.stderr);
}

/** Records a session by fingerprint only (no file: size unknown). */
async function recordHash(f: Fixture, hash: string, type: string): Promise<void> {
  const start = Date.UTC(2026, 2, 1, 8, 0, 0) + minute++ * 3_600_000;
  const result = await f.cli([
    'record', '--hash', hash, '--book-type', type, '--start', new Date(start).toISOString().replace('.000', ''),
    '--end', new Date(start + 1_800_000).toISOString().replace('.000', ''), '--start-location', '1', '--end-location', '9', '--no-sync',
  ]);
  assert.equal(result.code, 0, result.stderr);
}

/** No session on the server sits on another book than `bookId` (never a wrong match). */
function onlyOn(f: Fixture, bookId: number): number {
  const sessions = f.server.admin.sessions();
  for (const s of sessions) assert.equal(s.bookId, bookId, 'a session went to the wrong book');
  return sessions.length;
}

const upstream = () => syncFixture({ profile: 'upstream' });

test('upstream: a session recorded from a file finds its book with one ranged read; later sessions of it cost none', async () => {
  await withClosing(upstream(), async (f) => {
    await recordFile(f, seedBookBytes(1), 'pride.epub');
    const db = new Database(join(f.home, 'booklore-sync.sqlite'), { readonly: true });
    assert.equal(db.prepare('SELECT size_bytes FROM bls_local_files WHERE book_hash = ?').pluck().get(BOOKS.pride.hash), seedBookBytes(1).length, 'record noted the size');
    db.close();
    const first = await f.sync();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.report.uploaded, 1);
    assert.equal(onlyOn(f, 1), 1);
    const reads = contentRequests(f);
    assert.equal(reads.length, 1, 'one multi-range request');
    assert.equal(reads[0]!.status, 206);
    await recordFile(f, seedBookBytes(1), 'pride.epub');
    await recordHash(f, BOOKS.pride.hash, 'EPUB');
    assert.equal((await f.sync()).code, 0);
    assert.equal(contentRequests(f).length, 1, 'no new content request for a known book');
    assert.equal(onlyOn(f, 1), 3);
  });
});

test('upstream: a fingerprint-only session (size unknown) is found among the files of its type; each file is read once in its life', async () => {
  await withClosing(upstream(), async (f) => {
    await recordHash(f, BOOKS.nemo.hash, 'CBX');
    const first = await f.sync();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(onlyOn(f, 3), 1);
    assert.equal(contentRequests(f).length, 1, 'only the CBX file was read');
    // A fingerprint no book has: every EPUB file is compared, then it waits with the reason.
    await recordHash(f, '0123456789abcdef0123456789abcdef', 'EPUB');
    const second = await f.sync();
    assert.equal(second.code, 3);
    const waiting = await f.pending();
    assert.equal(waiting.length, 1);
    assert.match(waiting[0].lastError, /no book in your library on the server has this fingerprint .*booklore-sync attach --hash 0123456789abcdef0123456789abcdef/);
    const afterSecond = contentRequests(f).length;
    assert.equal(afterSecond, 2, 'the one EPUB the user sees was read');
    assert.equal((await f.sync()).code, 3);
    assert.equal(contentRequests(f).length, afterSecond, 'remembered fingerprints: nothing read again');
    // attach still works.
    assert.equal((await f.cli(['attach', '--hash', '0123456789abcdef0123456789abcdef', '--book-id', '1'])).code, 0);
    assert.equal((await f.sync()).code, 0);
    assert.equal(f.server.admin.sessionCount(), 2);
  });
});

test('upstream: a book added later is found on a later sync; a rewritten file (new addedOn/size) is read again', async () => {
  await withClosing(upstream(), async (f) => {
    await f.cli(['--json', 'sync']); // nothing queued: no list
    f.server.admin.changeBookFile(2, { physical: true });
    await recordHash(f, BOOKS.artOfWar.hash, 'PDF');
    assert.equal((await f.sync()).code, 3);
    assert.match((await f.pending())[0].lastError, /no book in your library/);
    f.server.admin.changeBookFile(2, { physical: false });
    assert.equal((await f.sync()).code, 0);
    assert.equal(onlyOn(f, 2), 1);
  });
});

/** A bad answer for book 1's file: the session waits with `reason`, is never matched wrongly, and lands once the server behaves. */
async function badContent(rules: unknown[], reason: RegExp): Promise<void> {
  await withClosing(upstream(), async (f) => {
    f.server.admin.addFaults({ rules: rules as never[] });
    await recordFile(f, seedBookBytes(1), 'pride.epub');
    const first = await f.sync();
    assert.equal(first.code, 3, first.stderr);
    assert.equal(f.server.admin.sessionCount(), 0, 'nothing uploaded to any book');
    const waiting = await f.pending();
    assert.equal(waiting.length, 1, 'the session is still queued');
    assert.match(waiting[0].lastError, reason);
    f.server.admin.clearFaults();
    const second = await f.sync();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(onlyOn(f, 1), 1);
  });
}

test('bad input: HTML instead of the file bytes', () => badContent(['html,path=/api/v1/books/1/content'], /could not be read.*web page instead of the file/));
test('bad input: a truncated multipart/byteranges body', () => badContent(['truncate,path=/api/v1/books/1/content'], /could not be read.*malformed or cut-off multipart/));
test('bad input: a malformed multipart/byteranges body', () =>
  badContent([{ action: 'respond', path: '/api/v1/books/1/content', status: 206, contentType: 'multipart/byteranges; boundary=XYZ', body: '--XYZ\r\nContent-Type: x\r\n\r\ngarbage--XYZ--' }], /malformed or cut-off multipart/));
test('bad input: a Content-Range that does not match what was asked', () => badContent(['wrong-range,path=/api/v1/books/1/content'], /other bytes than those asked/));
test('bad input: the list endpoint answers HTML', () => badContent(['html,path=/api/v1/books'], /could not list the library/));
test('bad input: the list endpoint answers 500', () => badContent(['status=500,path=/api/v1/books'], /could not list the library/));
test('bad input: a 416 without a length', () => badContent([{ action: 'respond', path: '/api/v1/books/1/content', status: 416, body: '' }], /416 without the file length/));

test('bad input: a server that ignores Range (200, whole file): read only as far as the samples, matched right', async () => {
  await withClosing(upstream(), async (f) => {
    f.server.admin.addFaults({ rules: ['ignore-range,path=/api/v1/books/1/content'] });
    await recordFile(f, seedBookBytes(1), 'pride.epub');
    const result = await f.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(onlyOn(f, 1), 1);
    assert.deepEqual(contentRequests(f).map((r) => r.status), [200]);
  });
});

test('bad input: fileSizeKb null, too small or too large (→ 416): the real length is learned and the book found', async () => {
  for (const fileSizeKb of [null, 1, 500]) {
    await withClosing(upstream(), async (f) => {
      f.server.admin.changeBookFile(4, { fileSizeKb });
      await recordFile(f, seedBookBytes(4), 'moby.fb2');
      const result = await f.sync();
      assert.equal(result.code, 0, `${fileSizeKb}: ${result.stderr}`);
      assert.equal(onlyOn(f, 4), 1);
      const statuses = contentRequests(f).map((r) => r.status);
      assert.ok(statuses.length <= 3, `${fileSizeKb}: ${statuses}`);
      if (fileSizeKb === 500) assert.equal(statuses[0], 416);
    });
  }
});

test('bad input: a book without a file, a file gone (404 File not found), a book the user cannot access (404): checked, never matched', async () => {
  await withClosing(upstream(), async (f) => {
    f.server.admin.changeBookFile(1, { physical: true });
    f.server.admin.changeBookFile(3, { missing: true });
    f.server.admin.addFaults({ rules: ['status=404,path=/api/v1/books/4/content'] });
    await recordFile(f, seedBookBytes(1), 'pride.epub');
    await recordHash(f, BOOKS.nemo.hash, 'CBX');
    await recordHash(f, BOOKS.mobyDick.hash, 'FB2');
    assert.equal((await f.sync()).code, 3);
    assert.equal(f.server.admin.sessionCount(), 0);
    const waiting = await f.pending();
    assert.equal(waiting.length, 3);
    for (const w of waiting) assert.match(w.lastError, /no book in your library on the server has this fingerprint/);
  });
});

test('a library of 20,000 books: listed once, the book found with one read', async () => {
  await withClosing(upstream(), async (f) => {
    const generated = f.server.admin.generateBooks({ count: 20_000 });
    const small = generated.find((b) => b.bookType === 'EPUB' && b.sizeBytes < 200_000)!;
    const { accessToken } = (await (await fetch(`${f.server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reader', password: 'reader' }) })).json()) as { accessToken: string };
    const bytes = Buffer.from(await (await fetch(`${f.server.url}/api/v1/books/${small.id}/content`, { headers: { authorization: `Bearer ${accessToken}` } })).arrayBuffer());
    f.server.admin.clearRequests();
    await recordFile(f, bytes, `Generated ${small.id}.epub`); // the name BookLore gave it
    const started = Date.now();
    const result = await f.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(onlyOn(f, small.id), 1);
    assert.equal(contentRequests(f).length, 1, 'same size and name: the first file tried');
    assert.equal(f.server.admin.requests().filter((r) => r.path === '/api/v1/books').length, 1);
    assert.ok(Date.now() - started < 60_000);
  });
});

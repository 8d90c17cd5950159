// Reading sessions on the bundled test server (booklore-server.md §1): the single and batch
// POSTs, validation and error shapes, storage quirks, and the paged GET list, for both profiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NotOurDataFileError, start } from '../src/testserver/index.js';
import { tempDir } from './helpers/cli.js';
import { call, LOCAL_DATE_TIME, login, sessionItem, withServer } from './helpers/test-server-client.js';

test('fork batch: 200 with totalRequested, successCount and one result per stored row', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const sessions = [sessionItem(0), sessionItem(40), sessionItem(80)];
    const reply = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 2, bookType: 'PDF', sessions } });
    assert.equal(reply.status, 200);
    assert.equal(reply.contentType, 'application/json');
    assert.equal(reply.json.totalRequested, 3);
    assert.equal(reply.json.successCount, 3);
    assert.deepEqual(reply.json.results, [
      { sessionId: 1, startTime: '2026-02-22T14:00:00Z', endTime: '2026-02-22T14:30:00Z' },
      { sessionId: 2, startTime: '2026-02-22T14:40:00Z', endTime: '2026-02-22T15:10:00Z' },
      { sessionId: 3, startTime: '2026-02-22T15:20:00Z', endTime: '2026-02-22T15:50:00Z' },
    ]);
    const rows = server.admin.sessions();
    assert.equal(rows.length, 3);
    assert.deepEqual(
      { ...rows[0], createdAt: 'x' },
      {
        id: 1, userId: 2, username: 'reader', bookId: 2, bookTitle: 'The Art of War', bookType: 'PDF',
        startTime: '2026-02-22T14:00:00Z', endTime: '2026-02-22T14:30:00Z', durationSeconds: 1800, durationFormatted: '30m',
        startProgress: 10, endProgress: 12.5, progressDelta: 2.5, startLocation: '10', endLocation: '14', createdAt: 'x',
      },
    );
    assert.match(rows[0]!.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});

test('fork batch: one invalid item refuses the whole batch with per-item details; nothing is stored', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const sessions = [sessionItem(0), sessionItem(10), sessionItem(20), sessionItem(30, { startTime: null }), sessionItem(40, { startLocation: 'x'.repeat(501) })];
    const reply = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', sessions } });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.message, 'Validation error');
    assert.deepEqual(reply.json.details, [
      'sessions[3].startTime: Start time is required',
      'sessions[4].startLocation: Start location must not exceed 500 characters',
    ]);
    assert.deepEqual(Object.keys(reply.json), ['status', 'message', 'timestamp', 'details']);
    assert.match(reply.json.timestamp, LOCAL_DATE_TIME);

    const envelope = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { sessions: [] } });
    assert.deepEqual(envelope.json.details, ['bookId: Book ID is required', 'bookType: Book type is required', 'sessions: Sessions list cannot be empty']);
    const tooMany = await call(server, 'POST', '/api/v1/reading-sessions/batch', {
      token: accessToken,
      body: { bookId: 1, bookType: 'EPUB', sessions: Array.from({ length: 1001 }, (_, i) => sessionItem(i)) },
    });
    assert.deepEqual(tooMany.json.details, ['sessions: Sessions list cannot exceed 1000 items']);
    assert.equal(server.admin.sessionCount(), 0);
  });
});

test('fork batch: end before start is 400 for the whole batch; equal times are fine', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const backwards = sessionItem(10, { endTime: '2026-02-22T14:09:59Z' });
    const reply = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', sessions: [sessionItem(0), backwards] } });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.message, 'End time must be after start time');
    assert.equal(reply.json.details, undefined);
    assert.equal(server.admin.sessionCount(), 0);
    const equal = sessionItem(0, { endTime: '2026-02-22T14:00:00Z', durationSeconds: 0 });
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', sessions: [equal] } })).status, 200);
  });
});

test('unknown book or no library access: 404 "Book not found with ID: N" (fork checks access on both POSTs)', async () => {
  await withServer({ profile: 'fork' }, async (server) => {
    const { accessToken } = await login(server);
    for (const bookId of [99, 5]) {
      const b = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId, bookType: 'EPUB', sessions: [sessionItem()] } });
      assert.equal(b.status, 404);
      assert.equal(b.json.message, `Book not found with ID: ${bookId}`);
      const s = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId, bookType: 'EPUB', ...sessionItem() } });
      assert.equal(s.status, 404);
      assert.equal(s.json.message, `Book not found with ID: ${bookId}`);
    }
    // Admins see every library.
    const admin = await login(server, 'admin');
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions', { token: admin.accessToken, body: { bookId: 5, bookType: 'EPUB', ...sessionItem() } })).status, 202);
    assert.deepEqual(server.admin.sessions().map((s) => [s.username, s.bookId]), [['admin', 5]]);
  });
});

test('malformed JSON, a wrong JSON type and an unknown bookType are 400 "Request body is missing or malformed."', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const bodies = [
      { rawBody: '{"bookId": 1, "sessions": [' },
      { rawBody: '' },
      { body: { bookId: 1, bookType: 'DJVU', sessions: [sessionItem()] } },
      { body: { bookId: 1, bookType: 'epub', sessions: [sessionItem()] } },
      { body: { bookId: 1, bookType: 'EPUB', sessions: [sessionItem(0, { startTime: 'yesterday' })] } },
      { body: { bookId: 1, bookType: 'EPUB', sessions: [sessionItem(0, { durationSeconds: 'long' })] } },
      { body: { bookId: 1, bookType: 'EPUB', sessions: { a: 1 } } },
      { body: [1, 2] },
    ];
    for (const body of bodies) {
      const reply = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, ...body });
      assert.equal(reply.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(reply.json.message, 'Request body is missing or malformed.');
    }
    const single = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 1, bookType: 'MOBI7', ...sessionItem() } });
    assert.equal(single.json.message, 'Request body is missing or malformed.');
    // A body that is not declared as JSON never reaches the controller.
    const plain = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, rawBody: '{}', headers: { 'content-type': 'text/plain' } });
    assert.equal(plain.status, 500);
    assert.equal(plain.json.message, 'An unexpected error occurred.');
    assert.equal(server.admin.sessionCount(), 0);
  });
});

test('single POST: 202 with an empty body; default-message validation; no end ≥ start check', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    await withServer({ profile }, async (server) => {
      const { accessToken } = await login(server);
      const ok = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 3, bookType: 'CBX', ...sessionItem() } });
      assert.equal(ok.status, 202, profile);
      assert.equal(ok.text, '');
      const invalid = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookType: 'CBX' } });
      assert.equal(invalid.status, 400);
      assert.deepEqual(invalid.json.details, ['bookId: must not be null', 'startTime: must not be null', 'endTime: must not be null', 'durationSeconds: must not be null']);
      // §1.1: upstream (and the fork's single POST) never compare end with start.
      const backwards = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 3, bookType: 'CBX', ...sessionItem(0, { endTime: '2026-02-22T13:00:00Z' }) } });
      assert.equal(backwards.status, 202);
      // §1.3 (inferred): no bookType reaches the NOT NULL column → data conflict.
      const noType = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 3, ...sessionItem() } });
      assert.equal(noType.status, 400);
      assert.equal(noType.json.message, 'A data conflict occurred. The operation could not be completed.');
      const longLocation = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 3, bookType: 'CBX', ...sessionItem(0, { endLocation: 'y'.repeat(501) }) } });
      assert.equal(longLocation.status, 400);
      assert.equal(server.admin.sessionCount(), 2);
    });
  }
});

test('upstream: the batch path is 500 ErrorResponse; the single POST has no library-access check', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const { accessToken } = await login(server);
    const batch = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', sessions: [sessionItem()] } });
    assert.equal(batch.status, 500);
    assert.equal(batch.json.status, 500);
    assert.equal(batch.json.message, 'An unexpected error occurred.');
    const inaccessible = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 5, bookType: 'EPUB', ...sessionItem() } });
    assert.equal(inaccessible.status, 202);
    const missing = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 42, bookType: 'EPUB', ...sessionItem() } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'Book not found with ID: 42');
    assert.deepEqual(server.admin.sessions().map((s) => s.bookId), [5]);
  });
});

test('no uniqueness: the same session posted twice is stored twice', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const body = { bookId: 1, bookType: 'EPUB', sessions: [sessionItem(0), sessionItem(0)] };
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body })).status, 200);
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem(0) } })).status, 202);
    const rows = server.admin.sessions();
    assert.equal(rows.length, 3);
    assert.deepEqual(new Set(rows.map((r) => `${r.startTime}/${r.endTime}`)).size, 1);
  });
});

test('whole seconds: sub-second input is truncated in storage (the batch reply echoes the input)', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const item = sessionItem(0, { startTime: '2026-02-22T14:00:00.999Z', endTime: '2026-02-22T16:30:00.250+02:00' });
    const reply = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', sessions: [item] } });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json.results[0], { sessionId: 1, startTime: '2026-02-22T14:00:00.999Z', endTime: '2026-02-22T14:30:00.250Z' });
    const [row] = server.admin.sessions();
    assert.equal(row!.startTime, '2026-02-22T14:00:00Z');
    assert.equal(row!.endTime, '2026-02-22T14:30:00Z');
    const listed = await call(server, 'GET', '/api/v1/reading-sessions/book/1', { token: accessToken });
    assert.equal(listed.json.content[0].startTime, '2026-02-22T14:00:00Z');
  });
});

test('GET sessions of a book: paged, newest start first, only the caller\'s rows, size 1–100', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    await withServer({ profile }, async (server) => {
      const reader = await login(server);
      const admin = await login(server, 'admin');
      for (const minute of [0, 120, 60, 180, 240, 300, 360]) {
        await call(server, 'POST', '/api/v1/reading-sessions', { token: reader.accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem(minute, { startProgress: 33.33 }) } });
      }
      await call(server, 'POST', '/api/v1/reading-sessions', { token: admin.accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem(500) } });

      const first = await call(server, 'GET', '/api/v1/reading-sessions/book/1', { token: reader.accessToken });
      assert.equal(first.status, 200, profile);
      assert.deepEqual(first.json.page, { size: 5, number: 0, totalElements: 7, totalPages: 2 });
      assert.deepEqual(first.json.content.map((s: { startTime: string }) => s.startTime.slice(11, 16)), ['20:00', '19:00', '18:00', '17:00', '16:00']);
      const item = first.json.content[0];
      assert.deepEqual(Object.keys(item), [
        'id', 'bookId', 'bookTitle', 'bookType', 'startTime', 'endTime', 'durationSeconds', 'startProgress', 'endProgress',
        'progressDelta', 'startLocation', 'endLocation', 'createdAt',
      ]);
      assert.equal(item.bookTitle, 'Pride and Prejudice');
      assert.equal(item.startProgress, 33.33);
      assert.match(item.createdAt, LOCAL_DATE_TIME);

      const second = await call(server, 'GET', '/api/v1/reading-sessions/book/1?page=1&size=5', { token: reader.accessToken });
      assert.deepEqual(second.json.content.map((s: { startTime: string }) => s.startTime.slice(11, 16)), ['15:00', '14:00']);
      const all = await call(server, 'GET', '/api/v1/reading-sessions/book/1?size=100', { token: reader.accessToken });
      assert.equal(all.json.content.length, 7);
      const beyond = await call(server, 'GET', '/api/v1/reading-sessions/book/1?page=9', { token: reader.accessToken });
      assert.deepEqual(beyond.json.content, []);
      const adminView = await call(server, 'GET', '/api/v1/reading-sessions/book/1', { token: admin.accessToken });
      assert.equal(adminView.json.page.totalElements, 1);

      for (const query of ['size=0', 'size=101', 'page=-1']) {
        const bad = await call(server, 'GET', `/api/v1/reading-sessions/book/1?${query}`, { token: reader.accessToken });
        assert.equal(bad.status, 400, query);
        assert.equal(bad.json.message, 'Validation error');
        assert.match(bad.json.details[0], /^getReadingSessionsForBook\.(size|page): must be/);
      }
      const unknown = await call(server, 'GET', '/api/v1/reading-sessions/book/77', { token: reader.accessToken });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.message, 'Book not found with ID: 77');
    });
  }
});

test('a data file keeps sessions across restarts; reset goes back to the seed', async () => {
  const dir = tempDir();
  try {
    const dataFile = join(dir.path, 'server.sqlite');
    let server = await start({ dataFile });
    const { accessToken } = await login(server);
    await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem() } });
    await server.close();

    server = await start({ dataFile });
    try {
      assert.equal(server.admin.sessionCount(), 1);
      // Tokens survive too: the signing key lives in the file.
      assert.equal((await call(server, 'GET', '/api/v1/books', { token: accessToken })).status, 200);
      server.admin.setBookHash(1, 'b'.repeat(32));
      assert.equal((await call(server, 'POST', '/__admin/reset')).status, 204);
      assert.equal(server.admin.sessionCount(), 0);
      assert.equal(server.admin.books()[0]!.hash, server.seed.books[0]!.hash);
      assert.equal((await call(server, 'GET', '/api/v1/books', { token: accessToken })).status, 401, 'reset drops tokens');
    } finally {
      await server.close();
    }
    // Another program's SQLite file is refused, untouched.
    const foreign = join(dir.path, 'queue.sqlite');
    const other = new Database(foreign);
    other.exec('CREATE TABLE pending_sessions (id INTEGER PRIMARY KEY)');
    other.close();
    await assert.rejects(start({ dataFile: foreign }), NotOurDataFileError);
    const check = new Database(foreign);
    assert.deepEqual(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), ['pending_sessions']);
    check.close();
  } finally {
    dir.cleanup();
  }
});

test('300 batches of 100 from 8 concurrent clients: every session stored once, counted and paged right', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const bodies = Array.from({ length: 300 }, (_, n) =>
      JSON.stringify({ bookId: 1 + (n % 4), bookType: 'EPUB', sessions: Array.from({ length: 100 }, (_, i) => sessionItem(n * 100 + i)) }),
    );
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
    let next = 0;
    const lane = async () => {
      while (next < bodies.length) {
        const response = await fetch(`${server.url}/api/v1/reading-sessions/batch`, { method: 'POST', headers, body: bodies[next++]! });
        await response.arrayBuffer();
        assert.equal(response.status, 200);
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    // Its speed is a figure for `npm run bench` (server_batch100_posts_per_s), not a pass/fail here.
    assert.equal(server.admin.sessionCount(), 30_000);
    const page = await call(server, 'GET', '/api/v1/reading-sessions/book/1?size=100', { token: accessToken });
    assert.equal(page.json.page.totalElements, 7_500);
  });
});

test('Jackson-style coercions: numeric text, epoch-second numbers, unknown fields ignored', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const item = { startTime: 1771768800, endTime: '2026-02-22T14:30:00Z', durationSeconds: '1800', startProgress: '12.5', startLocation: 42, extra: true };
    const reply = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: '1', bookType: 'EPUB', device: 'x', sessions: [item] } });
    assert.equal(reply.status, 200);
    const [row] = server.admin.sessions();
    assert.equal(row!.startTime, '2026-02-22T14:00:00Z');
    assert.equal(row!.durationSeconds, 1800);
    assert.equal(row!.startProgress, 12.5);
    assert.equal(row!.startLocation, '42');
    // Empty text counts as null for wrapper types, so validation (not parsing) refuses it.
    const empty = await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', sessions: [{ ...item, startTime: '' }] } });
    assert.deepEqual(empty.json.details, ['sessions[0].startTime: Start time is required']);
  });
});

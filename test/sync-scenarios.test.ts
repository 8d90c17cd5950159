// The sync engine end to end: the real CLI, a real queue file, the bundled BookLore server on
// 127.0.0.1 (both profiles). Each scenario from the sync issue is its own test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runSync } from '../src/app/run-sync.js';
import { nodeApp } from '../src/node/node-runtime.js';
import { formatIsoUtc } from '../src/core/iso-time.js';
import { CLI } from './helpers/cli.js';
import { readingRun, writeKoreaderStatistics } from './helpers/koreader-stats-db.js';
import { assertExactlyOnce, BASE_TIME, BOOKS, expectedOf, passReconcileGrace, serverHolds, sessionsFor, syncFixture, withClosing } from './helpers/sync-fixture.js';




for (const profile of ['fork', 'upstream'] as const) {
  test(`${profile}: offline → online drains everything, retry counts untouched while offline`, async () => {
    await withClosing(syncFixture({ profile }), async (f) => {
      await f.server.goOffline();
      const recorded = await f.cli(['record', '--book-id', '1', '--start', '2026-03-01T10:00:00Z', '--end', '2026-03-01T10:40:00Z', '--start-location', '1', '--end-location', '20']);
      assert.equal(recorded.code, 0, 'an offline server never makes record fail');
      assert.match(recorded.stderr, /not uploaded now .*stays queued/);
      const sessions = sessionsFor(BOOKS.artOfWar, 5);
      f.enqueue(sessions);
      const offline = await f.sync();
      assert.equal(offline.code, 3);
      assert.equal(offline.report.uploaded, 0);
      assert.equal(offline.report.pending, 6);
      assert.ok((await f.pending()).every((p) => p.retryCount === 0), 'no network: retry_count untouched (S2)');

      await f.server.goOnline();
      const online = await f.sync();
      assert.equal(online.code, 0, online.stderr);
      assert.equal(online.report.uploaded, 6);
      assert.equal(online.report.pending, 0);
      assert.equal((await f.pending()).length, 0);
      assert.equal((await f.history()).length, 6);
      assertExactlyOnce(f.server, [
        ...expectedOf(sessions, 2),
        { bookId: 1, startTime: Date.UTC(2026, 2, 1, 10) / 1000, endTime: Date.UTC(2026, 2, 1, 10, 40) / 1000 },
      ]);
    });
  });
}

test('fork: sessions recorded by fingerprint are resolved by hash, one lookup per distinct hash; unknown hashes wait with a reason', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const pride = sessionsFor({ hash: BOOKS.pride.hash }, 4);
    const nemo = sessionsFor({ hash: BOOKS.nemo.hash, type: 'CBX' }, 3, 100);
    const unknown = sessionsFor({ hash: 'ffffffffffffffffffffffffffffffff' }, 2, 200);
    f.enqueue([...pride, ...nemo, ...unknown]);
    const result = await f.sync();
    assert.equal(result.code, 3, 'the unknown book stays queued');
    assert.equal(result.report.resolved, 7);
    assert.equal(result.report.uploaded, 7);
    const lookups = f.server.admin.requests().filter((r) => r.path.includes('/by-hash/'));
    const byHash = new Map<string, number>();
    for (const r of lookups) byHash.set(r.path, (byHash.get(r.path) ?? 0) + 1);
    for (const hash of [BOOKS.pride.hash, BOOKS.nemo.hash, 'ffffffffffffffffffffffffffffffff']) {
      assert.equal([...byHash].filter(([p]) => p.includes(hash)).reduce((n, [, c]) => n + c, 0), 1, `one lookup for ${hash}`);
    }
    const left = await f.pending();
    assert.equal(left.length, 2);
    for (const p of left) {
      assert.equal(p.bookId, null);
      assert.match(p.lastError, /book not found on server by hash/);
      assert.equal(p.retryCount, 0);
    }
    assertExactlyOnce(f.server, [...expectedOf(pride, 1), ...expectedOf(nemo, 3)]);
    // the id is cached: a later session of the same book needs no lookup
    f.enqueue(sessionsFor({ hash: BOOKS.pride.hash }, 1, 300));
    const before = f.server.admin.requests().filter((r) => r.path.includes(BOOKS.pride.hash)).length;
    await f.sync();
    assert.equal(f.server.admin.requests().filter((r) => r.path.includes(BOOKS.pride.hash)).length, before);
    assert.equal(f.server.admin.sessions({ bookId: 1 }).length, 5);
  });
});

test('fork: at most 100 sessions per batch, one book per batch', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const a = sessionsFor(BOOKS.pride, 250);
    const b = sessionsFor(BOOKS.nemo, 30, 1000);
    const c = sessionsFor(BOOKS.mobyDick, 1, 2000);
    f.enqueue([...a, ...b, ...c]);
    const result = await f.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.report.uploaded, 281);
    const posts = f.server.admin.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/reading-sessions') && r.status !== 400);
    const batches = posts.filter((r) => r.path.endsWith('/batch'));
    // books go in parallel, so compare per book
    assert.deepEqual(batches.map((r) => [r.bookId, r.sessions]).sort(), [[1, 100], [1, 100], [1, 50], [3, 30]].sort());
    assert.ok(batches.every((r) => (r.sessions ?? 0) <= 100));
    assert.equal(posts.filter((r) => !r.path.endsWith('/batch')).length, 1, 'a lone session goes as a single POST');
    assertExactlyOnce(f.server, [...expectedOf(a, 1), ...expectedOf(b, 3), ...expectedOf(c, 4)]);
  });
});

test('upstream: no batch endpoint → single uploads (202), remembered; a fingerprint no server file has waits for `attach`', async () => {
  await withClosing(syncFixture({ profile: 'upstream' }), async (f) => {
    const byId = sessionsFor(BOOKS.pride, 12);
    // Not the fingerprint of any file on the server (found by content otherwise: stock-server-resolution.test.ts).
    const byHash = sessionsFor({ hash: '00000000000000000000000000000abc', type: 'CBX' }, 3, 500);
    f.enqueue([...byId, ...byHash]);
    const first = await f.sync();
    assert.equal(first.code, 3);
    assert.equal(first.report.uploaded, 12);
    const singles = f.server.admin.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/reading-sessions');
    assert.equal(singles.length, 12);
    assert.ok(singles.every((r) => r.status === 202));
    const batchTries = f.server.admin.requests().filter((r) => r.path.endsWith('/batch'));
    assert.deepEqual(batchTries.map((r) => r.status), [500], 'the batch endpoint was tried once (§7.2), stored nothing, and singles followed');
    const waiting = await f.pending();
    assert.equal(waiting.length, 3);
    assert.match(waiting[0].lastError, /no book in your library on the server has this fingerprint.*booklore-sync attach --hash/);
    const lookups = () => f.server.admin.requests().filter((r) => r.path.includes('/by-hash/')).length;
    const before = lookups();
    await f.sync(['--automatic']);
    assert.equal(lookups(), before, 'automatic syncs trust what was learned');
    await f.sync();
    assert.equal(lookups(), before + 1, 'Sync Now asks once more (once per sync, not once per book)');

    const attached = await f.cli(['attach', '--hash', '00000000000000000000000000000abc', '--book-id', '3']);
    assert.equal(attached.code, 0, attached.stderr);
    const second = await f.sync();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(f.server.admin.requests().filter((r) => r.path.endsWith('/batch')).length, 1, 'remembered: the batch endpoint is not tried again');
    assertExactlyOnce(f.server, [...expectedOf(byId, 1), ...expectedOf(byHash, 3)]);
  });
});

test('an HTML page with 200 (captive portal) is never taken as success', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 3), ...sessionsFor(BOOKS.nemo, 1, 100)];
    f.enqueue(sessions);
    f.server.admin.addFaults({ rules: ['html,path=/api/v1/reading-sessions*'] });
    const portal = await f.sync();
    assert.equal(portal.code, 3);
    assert.equal(portal.report.uploaded, 0);
    assert.equal(f.server.admin.sessionCount(), 0);
    assert.equal((await f.history()).length, 0);
    assert.equal((await f.pending()).length, 4);
    f.server.admin.clearFaults();
    const after = await f.sync();
    assert.equal(after.code, 0, after.stderr);
    assertExactlyOnce(f.server, [...expectedOf(sessions.slice(0, 3), 1), ...expectedOf(sessions.slice(3), 3)]);
  });
});

test('an expired access token is refreshed in the middle of a sync', async () => {
  let expired = false;
  const f = await syncFixture({
    profile: 'fork',
    onRequest: (entry) => {
      if (!expired && entry.path.endsWith('/batch') && (entry.sessions ?? 0) > 0) {
        expired = true;
        f.server.admin.expireTokens();
      }
    },
  });
  try {
    const sessions = sessionsFor(BOOKS.pride, 300);
    f.enqueue(sessions);
    const result = await f.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.ok(expired);
    const log = f.server.admin.requests();
    assert.ok(log.some((r) => r.status === 401), 'a request met the expired token');
    assert.ok(log.some((r) => r.path === '/api/v1/auth/refresh' && r.status === 200), 'and the client refreshed it');
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  } finally {
    await f.close();
  }
});

test('a wrong password stops the sync with exit 4 and keeps the queue as it was', async () => {
  await withClosing(syncFixture({ profile: 'fork', settings: { password: 'not-the-password' } }), async (f) => {
    f.enqueue(sessionsFor(BOOKS.pride, 5));
    const before = await f.pending();
    const result = await f.sync();
    assert.equal(result.code, 4);
    assert.match(result.stderr, /rejected the BookLore username or password/);
    assert.doesNotMatch(result.stderr, /not-the-password/);
    assert.deepEqual(await f.pending(), before);
    assert.equal(f.server.admin.sessionCount(), 0);
  });
});

test('lost acknowledgement (connection dropped after the server committed): the next sync finds them at once, no duplicate', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 150), ...sessionsFor(BOOKS.nemo, 1, 1000)];
    f.enqueue(sessions);
    assert.equal((await f.cli(['test-connection'])).code, 0, 'capabilities are learned (and remembered) first');
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1', 'drop-after-commit,path=/api/v1/reading-sessions,method=POST,count=1'] });
    // A grace no test machine outlasts, however loaded: finding them must not wait for it.
    const env = { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '60' };
    const result = await f.sync([], { env });
    assert.equal(result.code, 3, 'sessions whose answer was lost stay marked as sent');
    assert.equal(result.report.unknown, 101);
    const sending = (await f.pending()).filter((p) => p.state === 'sending');
    assert.equal(sending.length, 101);
    assert.ok(sending.every((p) => /outcome unknown/.test(p.lastError)));
    const mark = f.server.admin.requests().length;
    const again = await f.sync([], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.report.reconciled, 101, 'found on the server, not sent again');
    const posts = f.server.admin.requests().slice(mark).filter((r) => r.method === 'POST');
    assert.equal(again.report.uploaded, 50, 'the rest of the book, which waited behind the lost batch');
    assert.deepEqual(posts.map((r) => r.sessions), [50], 'nothing re-sent');
    assertExactlyOnce(f.server, [...expectedOf(sessions.slice(0, 150), 1), ...expectedOf(sessions.slice(150), 3)]);
    assert.equal((await f.history()).length, 151);
  });
});

test('dropped before the server committed: not re-sent before the grace, then uploaded once', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 40);
    f.enqueue(sessions);
    assert.equal((await f.cli(['test-connection'])).code, 0);
    f.server.admin.addFaults({ rules: ['drop-before-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const env = { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '60' };
    const result = await f.sync([], { env });
    assert.equal(result.code, 3, 'the outcome is unknown to the client');
    const mark = f.server.admin.requests().length;
    const early = await f.sync([], { env });
    assert.equal(early.code, 3);
    assert.equal(early.report.reconciled + early.report.uploaded, 0, 'checked, not found, and not re-sent: the server may still be storing them');
    assert.equal(early.report.unknown, 40);
    assert.ok(Date.parse(early.report.nextCheckAt) > Date.now() + 30_000, `the next check is after the grace: ${early.report.nextCheckAt}`);
    const traffic = f.server.admin.requests().slice(mark);
    assert.deepEqual(traffic.map((r) => `${r.method} ${r.path}`), ['GET /api/v1/reading-sessions/book/1'], 'one list request, nothing sent');
    assert.equal(passReconcileGrace(f.home), 40);
    const retry = await f.sync([], { env });
    assert.equal(retry.code, 0, retry.stderr);
    assert.equal(retry.report.reconciled, 0, 'not on the server');
    assert.equal(retry.report.uploaded, 40, 'so uploaded on retry');
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test('a server still storing a request the client gave up on (timeout): never re-sent before the grace, so no duplicate', async () => {
  await withClosing(syncFixture({ profile: 'fork', settings: { timeoutSeconds: 1 } }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 30);
    f.enqueue(sessions);
    // The server takes 4 s; the client gives up after 1 s; a check is allowed only after the grace.
    f.server.admin.addFaults({ rules: ['delay=4000,path=/api/v1/reading-sessions/batch,count=1'] });
    const env = { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '60' };
    const first = await f.sync([], { env });
    assert.equal(first.report.unknown, 30, 'timed out: outcome unknown');
    const early = await f.sync([], { env });
    // Checked at once: found if the server has finished meanwhile, else left alone; never re-sent.
    assert.equal(early.report.uploaded, 0, 'not re-sent: the server may still be working on it');
    await serverHolds(f.server, 30); // the late request is stored meanwhile
    assert.equal(passReconcileGrace(f.home), 30 - early.report.reconciled);
    const late = await f.sync([], { env });
    assert.equal(late.code, 0, late.stderr);
    assert.equal(early.report.reconciled + late.report.reconciled, 30);
    assert.equal(late.report.uploaded, 0);
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test('a poison session among 100: the other 99 land, the poison is parked with the server\'s reason', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 100);
    sessions[37] = { ...sessions[37]!, endLocation: 'POISON' };
    f.enqueue(sessions);
    f.server.admin.addFaults({ rules: ['reject-session,field=endLocation,equals=POISON'] });
    const result = await f.sync();
    assert.equal(result.code, 3, 'the parked session stays in the queue');
    assert.equal(result.report.uploaded, 99);
    assert.equal(result.report.parked, 1);
    const [parked] = await f.pending();
    assert.equal(parked.state, 'parked');
    assert.match(parked.lastError, /rejected by the server: sessions\[\d+\]\.endLocation/);
    const good = sessions.filter((_, i) => i !== 37);
    assertExactlyOnce(f.server, expectedOf(good, 1));
    // parked sessions are not retried automatically, and come back with `retry`
    await f.sync();
    assert.equal(f.server.admin.sessionCount(), 99);
    f.server.admin.clearFaults();
    assert.equal((await f.cli(['retry'])).code, 0);
    assert.equal((await f.sync()).code, 0);
    assert.equal(f.server.admin.sessionCount(), 100);
  });
});

test('a 400 without details is bisected until the invalid session is isolated', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 64);
    sessions[5] = { ...sessions[5]!, endLocation: 'POISON' };
    sessions[50] = { ...sessions[50]!, endLocation: 'POISON' };
    f.enqueue(sessions);
    f.server.admin.addFaults({ rules: [{ action: 'reject-session', path: '*', field: 'endLocation', equals: 'POISON', details: false }] });
    const result = await f.sync();
    assert.equal(result.report.uploaded, 62);
    assert.equal(result.report.parked, 2);
    const batches = f.server.admin.requests().filter((r) => r.path.endsWith('/batch') && (r.sessions ?? 0) > 0);
    assert.ok(batches.length <= 2 * 2 * Math.ceil(Math.log2(64)) + 1, `bisection used ${batches.length} requests`);
    assertExactlyOnce(f.server, expectedOf(sessions.filter((_, i) => i !== 5 && i !== 50), 1));
  });
});

test('a 503 storm: automatic syncs back off (with jitter) and then succeed; Sync Now does not wait', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 10);
    f.enqueue(sessions);
    assert.equal((await f.cli(['test-connection'])).code, 0);
    f.server.admin.addFaults({ rules: ['status=503,path=/api/v1/reading-sessions/batch,method=POST,count=2'] });
    // base 3 s: the first wait is 1.5–3 s, the second 3–6 s (equal jitter)
    const env = { BOOKLORE_SYNC_BACKOFF_BASE_SECONDS: '3' };
    const automaticNow = async () => {
      const result = await runSync(nodeApp(f.home, { backoffBaseSeconds: 3 }), { automatic: true, waitForLeaseMs: 5000 });
      assert.ok(result.ran);
      return result.report;
    };
    const backoff = () => {
      const db = new Database(join(f.home, 'booklore-sync.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT failures, next_attempt_at AS nextAttemptAt FROM bls_backoff WHERE book_id = 1').get() as { failures: number; nextAttemptAt: number };
      } finally {
        db.close();
      }
    };
    const nextAttemptAt = () => backoff().nextAttemptAt;
    const batchPosts = () => f.server.admin.requests().filter((r) => r.path.endsWith('/batch') && (r.sessions ?? 0) > 0);
    try {
      const first = await automaticNow();
      assert.equal(first.failed, 10);
      assert.equal(first.pending, 10);
      // in this process, so it surely starts inside the backoff window (1.5–3 s)
      assert.ok(Date.now() / 1000 < nextAttemptAt());
      const skipped = await automaticNow();
      assert.equal(skipped.skippedBackoff, 10, 'an automatic sync inside the backoff window waits');
      assert.equal(batchPosts().length, 1, 'and sends nothing');
      assert.ok((await f.pending()).every((p) => p.retryCount === 1 && /server error 503/.test(p.lastError)));
      // Sync Now ignores the backoff: it tries at once, and meets the storm's second 503
      const manual = await f.sync([], { env });
      assert.equal(manual.report.failed, 10);
      assert.equal(batchPosts().length, 2);
      assert.equal(backoff().failures, 2, 'the second failure doubles the wait (3–6 s)');
      const retryAt = nextAttemptAt();
      await new Promise((r) => setTimeout(r, Math.max(0, retryAt * 1000 - Date.now()) + 50));
      const after = await automaticNow();
      assert.equal(after.uploaded, 10, 'once the backoff has passed, an automatic sync succeeds');
      assert.equal(batchPosts().length, 3, 'no hammering: one request per backoff period');
      assertExactlyOnce(f.server, expectedOf(sessions, 1));
      assert.equal((await f.history()).length, 10);
    } finally {
    }
  });
});

test('two `sync` processes started at once upload every session once', async () => {
  await withClosing(syncFixture({ profile: 'fork', latencyMs: 5 }), async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 300), ...sessionsFor(BOOKS.nemo, 120, 1000), ...sessionsFor(BOOKS.mobyDick, 7, 2000)];
    f.enqueue(sessions);
    const [a, b] = await Promise.all([f.sync(), f.sync()]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.report.uploaded + b.report.uploaded, 427);
    assertExactlyOnce(f.server, [...expectedOf(sessions.slice(0, 300), 1), ...expectedOf(sessions.slice(300, 420), 3), ...expectedOf(sessions.slice(420), 4)]);
  });
});

test('KOReader login only (fork): uploads with x-auth headers; an unknown outcome is re-sent unverified, as documented', async () => {
  await withClosing(syncFixture({ profile: 'fork', settings: { username: undefined, password: undefined, koreaderUsername: 'reader', koreaderKey: createHash('md5').update('reader').digest('hex') } }), async (f) => {
    const sessions = sessionsFor({ hash: BOOKS.pride.hash }, 5);
    f.enqueue(sessions);
    const result = await f.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.ok(f.server.admin.requests().filter((r) => r.method === 'POST').every((r) => r.auth === 'koreader'));
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
    const check = await f.cli(['test-connection']);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /only a KOReader login is configured: .*may be duplicated/);
  });
});

test('sessions of a book the user cannot access are refused (404), counted, kept, and do not block other books', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const blocked = sessionsFor(BOOKS.secret, 3);
    const fine = sessionsFor(BOOKS.pride, 3, 100);
    f.enqueue([...blocked, ...fine]);
    const result = await f.sync();
    assert.equal(result.code, 3);
    assert.equal(result.report.uploaded, 3);
    assert.equal(result.report.failed, 3);
    const left = await f.pending();
    assert.equal(left.length, 3);
    assert.ok(left.every((p) => p.retryCount === 1 && /Book not found with ID: 5/.test(p.lastError)));
    assertExactlyOnce(f.server, expectedOf(fine, 1));
  });
});

test('a session already in the history is not uploaded again, even if queued a second time behind our back', async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const [session] = sessionsFor(BOOKS.pride, 1);
    f.enqueue([session!]);
    assert.equal((await f.sync()).code, 0);
    // e.g. the plugin, sharing the file, queues the same session again
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${f.home}/booklore-sync.sqlite`);
    db.prepare("INSERT INTO pending_sessions (book_id, book_hash, start_time, end_time, duration_seconds) VALUES (1, '', ?, ?, 1800)").run(
      formatIsoUtc(BASE_TIME),
      formatIsoUtc(BASE_TIME + 1800),
    );
    db.close();
    const result = await f.sync();
    assert.equal(result.code, 0);
    assert.equal(result.report.duplicatesDropped, 1);
    assert.equal(f.server.admin.sessionCount(), 1);
  });
});

test('a long sync shows a progress bar on a terminal, and none with --quiet, --json or without a terminal', async () => {
  await withClosing(syncFixture({ profile: 'fork', latencyMs: 20 }), async (f) => {
    f.enqueue(sessionsFor(BOOKS.pride, 900));
    // asynchronously: the server runs in this process and must keep answering
    const onTerminal = async (args: string) =>
      (await promisify(execFile)('script', ['-qec', `${process.execPath} ${CLI} --home ${f.home} ${args}; echo "exit=$?"`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 })).stdout;
    const quiet = await onTerminal('--quiet sync');
    assert.match(quiet, /exit=0/);
    assert.doesNotMatch(quiet, /Uploading \[/);
    f.enqueue(sessionsFor(BOOKS.nemo, 900, 5000));
    const shown = await onTerminal('sync');
    assert.match(shown, /exit=0/);
    assert.match(shown, /Uploading \[.*\] \d+\/900/);
    f.enqueue(sessionsFor(BOOKS.mobyDick, 300, 9000));
    const piped = await f.cli(['sync']);
    assert.equal(piped.code, 0);
    assert.doesNotMatch(piped.stderr, /Uploading/);
  });
});

test("imported sessions carry the server's book type, also when the book id comes from an earlier lookup", async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    // KOReader's statistics keep a title, not a file name: the import can only guess EPUB.
    const book = { id: 1, title: 'The Art of War', md5: BOOKS.artOfWar.hash, pages: 120 };
    const first = join(f.home, 'statistics-1.sqlite3');
    writeKoreaderStatistics(first, { books: [book], rows: readingRun(1, { start: BASE_TIME, firstPage: 1, pages: 5, secondsPerPage: 60, totalPages: 120 }) });
    const imported = await f.cli(['import-koreader-stats', first, '--include-open']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await f.sync()).code, 0); // resolved by a hash lookup, which gives the type

    // A day later, more of the same book: its id now comes from what the first sync learned.
    const second = join(f.home, 'statistics-2.sqlite3');
    writeKoreaderStatistics(second, {
      books: [book],
      rows: [
        ...readingRun(1, { start: BASE_TIME, firstPage: 1, pages: 5, secondsPerPage: 60, totalPages: 120 }),
        ...readingRun(1, { start: BASE_TIME + 86_400, firstPage: 6, pages: 5, secondsPerPage: 60, totalPages: 120 }),
      ],
    });
    const again = await f.cli(['--json', 'import-koreader-stats', second, '--include-open']);
    assert.equal(JSON.parse(again.stdout).queued, 1, again.stderr);
    const synced = await f.sync();
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal(synced.report.uploaded, 1);
    const sessions = f.server.admin.sessions({ bookId: BOOKS.artOfWar.id });
    assert.deepEqual(sessions.map((s) => s.bookType), ['PDF', 'PDF']);
  });
});

test("a book id known from the plugin's book cache (no type) still gets imported sessions the server's type", async () => {
  await withClosing(syncFixture({ profile: 'fork' }), async (f) => {
    const file = join(f.home, 'statistics.sqlite3');
    writeKoreaderStatistics(file, {
      books: [{ id: 7, title: 'The Art of War', md5: BOOKS.artOfWar.hash, pages: 120 }],
      rows: readingRun(7, { start: BASE_TIME, firstPage: 1, pages: 5, secondsPerPage: 60, totalPages: 120 }),
    });
    const imported = await f.cli(['import-koreader-stats', file, '--include-open']);
    assert.equal(imported.code, 0, imported.stderr);
    // The plugin had opened the book and learned its id, but book_cache keeps no type.
    const db = new Database(join(f.home, 'booklore-sync.sqlite'));
    db.prepare("INSERT INTO book_cache (file_path, file_hash, book_id, title) VALUES ('/mnt/onboard/The Art of War.pdf', ?, ?, 'The Art of War')")
      .run(BOOKS.artOfWar.hash, BOOKS.artOfWar.id);
    db.close();
    const synced = await f.sync();
    assert.equal(synced.code, 0, synced.stderr);
    assert.deepEqual(f.server.admin.sessions({ bookId: BOOKS.artOfWar.id }).map((s) => s.bookType), ['PDF']);
  });
});

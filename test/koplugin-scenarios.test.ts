// The KOReader plugin's Lua build (src/core compiled by TypeScriptToLua, with the LuaSocket and
// lua-ljsqlite3 adapters of koplugin/src) runs the sync scenarios of sync-scenarios.test.ts under
// LuaJIT, against the bundled server started here: same sessions, same faults, same assertions on
// what reaches the server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { runCli } from './helpers/cli.js';
import { ensurePluginBuilt, luaFixture, luaUnavailable, type LuaFixture } from './helpers/koplugin.js';
import { assertExactlyOnce, BOOKS, expectedOf, passReconcileGrace, serverHolds, sessionsFor, withClosing } from './helpers/sync-fixture.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});




for (const profile of ['fork', 'upstream'] as const) {
  test(`lua ${profile}: offline → online drains everything, retry counts untouched while offline`, { skip }, async () => {
    await withClosing(luaFixture({ profile }), async (f) => {
      await f.server.goOffline();
      const byId = sessionsFor(BOOKS.pride, 1, 50);
      const sessions = sessionsFor(BOOKS.artOfWar, 5);
      await f.enqueue([...byId, ...sessions]);
      const offline = await f.sync();
      assert.equal(offline.report.uploaded, 0);
      assert.equal(offline.report.pending, 6);
      assert.equal(offline.report.stoppedBy, 'offline');
      assert.match(offline.message, /not synced: server unreachable: connection refused/);
      assert.ok((await f.pending()).every((p) => p.retryCount === 0), 'no network: retry_count untouched (S2)');

      await f.server.goOnline();
      const online = await f.sync();
      assert.equal(online.report.uploaded, 6, online.message);
      assert.equal(online.report.pending, 0);
      assert.equal((await f.pending()).length, 0);
      assert.equal((await f.history()).length, 6);
      assertExactlyOnce(f.server, [...expectedOf(sessions, 2), ...expectedOf(byId, 1)]);
    });
  });
}

test('lua fork: sessions recorded by fingerprint are resolved by hash, one lookup per distinct hash; unknown hashes wait with a reason', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const pride = sessionsFor({ hash: BOOKS.pride.hash }, 4);
    const nemo = sessionsFor({ hash: BOOKS.nemo.hash, type: 'CBX' }, 3, 100);
    const unknown = sessionsFor({ hash: 'ffffffffffffffffffffffffffffffff' }, 2, 200);
    await f.enqueue([...pride, ...nemo, ...unknown]);
    const result = await f.sync();
    assert.equal(result.report.resolved, 7);
    assert.equal(result.report.uploaded, 7);
    assert.equal(result.report.pending, 2, 'the unknown book stays queued');
    const lookups = f.server.admin.requests().filter((r) => r.path.includes('/by-hash/'));
    for (const hash of [BOOKS.pride.hash, BOOKS.nemo.hash, 'ffffffffffffffffffffffffffffffff']) {
      assert.equal(lookups.filter((r) => r.path.includes(hash)).length, 1, `one lookup for ${hash}`);
    }
    const left = await f.pending();
    assert.equal(left.length, 2);
    for (const p of left) {
      assert.equal(p.bookId ?? null, null);
      assert.match(p.lastError, /book not found on server by hash/);
      assert.equal(p.retryCount, 0);
    }
    assertExactlyOnce(f.server, [...expectedOf(pride, 1), ...expectedOf(nemo, 3)]);
    // the id is cached: a later session of the same book needs no lookup
    await f.enqueue(sessionsFor({ hash: BOOKS.pride.hash }, 1, 300));
    const before = f.server.admin.requests().filter((r) => r.path.includes(BOOKS.pride.hash)).length;
    await f.sync();
    assert.equal(f.server.admin.requests().filter((r) => r.path.includes(BOOKS.pride.hash)).length, before);
    assert.equal(f.server.admin.sessions({ bookId: 1 }).length, 5);
  });
});

test('lua fork: at most 100 sessions per batch, one book per batch', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const a = sessionsFor(BOOKS.pride, 250);
    const b = sessionsFor(BOOKS.nemo, 30, 1000);
    const c = sessionsFor(BOOKS.mobyDick, 1, 2000);
    await f.enqueue([...a, ...b, ...c]);
    const result = await f.sync();
    assert.equal(result.report.uploaded, 281, result.message);
    assert.equal(result.report.pending, 0);
    const posts = f.server.admin.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/reading-sessions') && r.status !== 400);
    const batches = posts.filter((r) => r.path.endsWith('/batch'));
    assert.deepEqual(batches.map((r) => [r.bookId, r.sessions]).sort(), [[1, 100], [1, 100], [1, 50], [3, 30]].sort());
    assert.equal(posts.filter((r) => !r.path.endsWith('/batch')).length, 1, 'a lone session goes as a single POST');
    assertExactlyOnce(f.server, [...expectedOf(a, 1), ...expectedOf(b, 3), ...expectedOf(c, 4)]);
  });
});

test('lua upstream: no batch endpoint → single uploads (202), remembered; a fingerprint no server file has waits (attached with the Node CLI on the same file)', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'upstream' }), async (f) => {
    const byId = sessionsFor(BOOKS.pride, 12);
    const byHash = sessionsFor({ hash: '00000000000000000000000000000abc', type: 'CBX' }, 3, 500); // no server file has it
    await f.enqueue([...byId, ...byHash]);
    const first = await f.sync();
    assert.equal(first.report.uploaded, 12);
    assert.equal(first.report.pending, 3);
    const singles = f.server.admin.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/reading-sessions');
    assert.equal(singles.length, 12);
    assert.ok(singles.every((r) => r.status === 202));
    assert.deepEqual(f.server.admin.requests().filter((r) => r.path.endsWith('/batch')).map((r) => r.status), [500]);
    const waiting = await f.pending();
    assert.equal(waiting.length, 3);
    assert.match(waiting[0].lastError, /no book in your library on the server has this fingerprint/);

    const attached = await runCli(['--home', f.home, 'attach', '--hash', '00000000000000000000000000000abc', '--book-id', '3']);
    assert.equal(attached.code, 0, attached.stderr);
    const second = await f.sync();
    assert.equal(second.report.pending, 0, second.message);
    assert.equal(f.server.admin.requests().filter((r) => r.path.endsWith('/batch')).length, 1, 'remembered: the batch endpoint is not tried again');
    assertExactlyOnce(f.server, [...expectedOf(byId, 1), ...expectedOf(byHash, 3)]);
  });
});

test('lua: an HTML page with 200 (captive portal) is never taken as success', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 3), ...sessionsFor(BOOKS.nemo, 1, 100)];
    await f.enqueue(sessions);
    f.server.admin.addFaults({ rules: ['html,path=/api/v1/reading-sessions*'] });
    const portal = await f.sync();
    assert.equal(portal.report.uploaded, 0);
    assert.equal(f.server.admin.sessionCount(), 0);
    assert.equal((await f.history()).length, 0);
    assert.equal((await f.pending()).length, 4);
    f.server.admin.clearFaults();
    const after = await f.sync();
    assert.equal(after.report.pending, 0, after.message);
    assertExactlyOnce(f.server, [...expectedOf(sessions.slice(0, 3), 1), ...expectedOf(sessions.slice(3), 3)]);
  });
});

test('lua: an expired access token is refreshed in the middle of a sync', { skip }, async () => {
  let expired = false;
  let server: LuaFixture['server'] | null = null;
  await withClosing(luaFixture(
    {
      profile: 'fork',
      onRequest: (entry) => {
        if (!expired && server && entry.path.endsWith('/batch') && (entry.sessions ?? 0) > 0) {
          expired = true;
          server.admin.expireTokens();
        }
      },
    }),
    async (f) => {
      server = f.server;
      const sessions = sessionsFor(BOOKS.pride, 300);
      await f.enqueue(sessions);
      const result = await f.sync();
      assert.equal(result.report.pending, 0, result.message);
      assert.ok(expired);
      const log = f.server.admin.requests();
      assert.ok(log.some((r) => r.status === 401), 'a request met the expired token');
      assert.ok(log.some((r) => r.path === '/api/v1/auth/refresh' && r.status === 200), 'and the client refreshed it');
      assertExactlyOnce(f.server, expectedOf(sessions, 1));
      const settings = (await f.lua('settings')).json;
      assert.equal(settings.booklore_password, undefined, 'after the first login only the tokens are kept');
      assert.ok(settings.booklore_refresh_token, 'the rotated refresh token is saved');
    },
  );
});

test('lua: a wrong password stops the sync and keeps the queue as it was', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork', settings: { booklore_password: 'not-the-password' } }), async (f) => {
    await f.enqueue(sessionsFor(BOOKS.pride, 5));
    const before = await f.pending();
    const result = await f.sync();
    assert.equal(result.report.stoppedBy, 'auth');
    assert.equal(result.problem, true);
    assert.match(result.message, /rejected the BookLore username or password/);
    assert.doesNotMatch(JSON.stringify(result), /not-the-password/);
    assert.deepEqual(await f.pending(), before);
    assert.equal(f.server.admin.sessionCount(), 0);
  });
});

test('lua: lost acknowledgement (connection dropped after the server committed): the next sync finds them at once, no duplicate', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 150), ...sessionsFor(BOOKS.nemo, 1, 1000)];
    await f.enqueue(sessions);
    const check = await f.lua('testConnection');
    assert.equal(check.json.ok, true, 'capabilities are learned (and remembered) first');
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1', 'drop-after-commit,path=/api/v1/reading-sessions,method=POST,count=1'] });
    const result = await f.sync({ grace: 60 });
    assert.equal(result.report.unknown, 101, result.message);
    const sending = (await f.pending()).filter((p) => p.state === 'sending');
    assert.equal(sending.length, 101);
    assert.ok(sending.every((p) => /outcome unknown/.test(p.lastError)));
    const mark = f.server.admin.requests().length;
    const again = await f.sync({ grace: 60 });
    assert.equal(again.report.reconciled, 101, 'found on the server at once, not sent again');
    assert.equal(again.report.uploaded, 50, 'the rest of the book, which waited behind the lost batch');
    assert.deepEqual(f.server.admin.requests().slice(mark).filter((r) => r.method === 'POST').map((r) => r.sessions), [50], 'nothing re-sent');
    assert.equal(again.report.pending, 0);
    assertExactlyOnce(f.server, [...expectedOf(sessions.slice(0, 150), 1), ...expectedOf(sessions.slice(150), 3)]);
    assert.equal((await f.history()).length, 151);
  });
});

test("lua, the issue's case: the first batch is stored and its answer dropped; the message counts 30 sessions, not 40, and the next sync settles the 10 with one list request", { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const pride = sessionsFor(BOOKS.pride, 10);
    const war = sessionsFor(BOOKS.artOfWar, 10, 100);
    const nemo = sessionsFor(BOOKS.nemo, 10, 200);
    await f.enqueue([...pride, ...war, ...nemo]);
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const first = await f.sync({ grace: 60 });
    assert.equal(first.message, '20 uploaded, 10 sessions sent without an answer: checking the server for them in a moment, 0 still queued');
    assert.equal(first.nextCheckInSeconds, 0);
    const mark = f.server.admin.requests().length;
    const second = await f.sync({ grace: 60, trigger: 'check' });
    assert.equal(second.report.reconciled, 10, second.message);
    assert.equal(second.report.uploaded, 0);
    assert.equal(second.nextCheckInSeconds ?? null, null, 'nothing left to check');
    const traffic = f.server.admin.requests().slice(mark).filter((r) => r.path.startsWith('/api/v1/reading-sessions'));
    assert.equal(traffic.length, 1, traffic.map((r) => `${r.method} ${r.path}`).join(', '));
    assert.match(`${traffic[0]!.method} ${traffic[0]!.path}`, /^GET \/api\/v1\/reading-sessions\/book\/[123]$/);
    assertExactlyOnce(f.server, [...expectedOf(pride, 1), ...expectedOf(war, 2), ...expectedOf(nemo, 3)]);
  });
});

test('lua: dropped before the server committed: not re-sent before the grace, then uploaded once', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 40);
    await f.enqueue(sessions);
    assert.equal((await f.lua('testConnection')).json.ok, true);
    f.server.admin.addFaults({ rules: ['drop-before-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const result = await f.sync({ grace: 60 });
    assert.equal(result.report.unknown, 40, 'the outcome is unknown to the client');
    assert.equal(result.nextCheckInSeconds, 0, 'main.lua checks again at once');
    const mark = f.server.admin.requests().length;
    const early = await f.sync({ grace: 60 });
    assert.equal(early.report.reconciled + early.report.uploaded, 0, 'checked, not found, and not re-sent: the server may still be storing them');
    assert.ok((early.nextCheckInSeconds ?? 0) > 30, `main.lua checks again after the grace (${early.nextCheckInSeconds} s)`);
    assert.match(early.message, /^0 uploaded, 40 sessions sent without an answer: checking the server again in \d+ s, 0 still queued$/);
    const traffic = f.server.admin.requests().slice(mark);
    assert.deepEqual(traffic.map((r) => `${r.method} ${r.path}`), ['GET /api/v1/reading-sessions/book/1'], 'one list request, nothing sent');
    assert.equal(passReconcileGrace(f.home), 40);
    const retry = await f.sync({ grace: 60 });
    assert.equal(retry.report.reconciled, 0, 'not on the server');
    assert.equal(retry.report.uploaded, 40, 'so uploaded on retry');
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test('lua: a server still storing a request the client gave up on (timeout) is never re-sent before the grace', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork', settings: { timeout_seconds: 1 } }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 30);
    await f.enqueue(sessions);
    f.server.admin.addFaults({ rules: ['delay=1500,path=/api/v1/reading-sessions/batch,count=1'] });
    const first = await f.sync({ grace: 60 });
    assert.equal(first.report.unknown, 30, `timed out: outcome unknown (${first.message})`);
    assert.match(JSON.stringify(await f.pending()), /no answer within 1 s/);
    const early = await f.sync({ grace: 60 });
    // Checked at once: found if the server has finished meanwhile, else left alone; never re-sent.
    assert.equal(early.report.uploaded, 0, 'not re-sent');
    await serverHolds(f.server, 30); // the late request is stored meanwhile
    assert.equal(passReconcileGrace(f.home), 30 - early.report.reconciled);
    const late = await f.sync({ grace: 60 });
    assert.equal(early.report.reconciled + late.report.reconciled, 30, late.message);
    assert.equal(late.report.uploaded, 0);
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test("lua: a poison session among 100: the other 99 land, the poison is parked with the server's reason", { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 100);
    sessions[37] = { ...sessions[37]!, endLocation: 'POISON' };
    await f.enqueue(sessions);
    f.server.admin.addFaults({ rules: ['reject-session,field=endLocation,equals=POISON'] });
    const result = await f.sync();
    assert.equal(result.report.uploaded, 99);
    assert.equal(result.report.parked, 1);
    const [parked] = await f.pending();
    assert.equal(parked.state, 'parked');
    assert.match(parked.lastError, /rejected by the server: sessions\[\d+\]\.endLocation/);
    assertExactlyOnce(f.server, expectedOf(sessions.filter((_, i) => i !== 37), 1));
    // parked sessions are not retried automatically, and come back with Retry Parked
    await f.sync();
    assert.equal(f.server.admin.sessionCount(), 99);
    f.server.admin.clearFaults();
    assert.equal((await f.lua('retry')).json.retried, 1);
    assert.equal((await f.sync()).report.pending, 0);
    assert.equal(f.server.admin.sessionCount(), 100);
  });
});

test('lua: a 400 without details is bisected until the invalid sessions are isolated', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 64);
    sessions[5] = { ...sessions[5]!, endLocation: 'POISON' };
    sessions[50] = { ...sessions[50]!, endLocation: 'POISON' };
    await f.enqueue(sessions);
    f.server.admin.addFaults({ rules: [{ action: 'reject-session', path: '*', field: 'endLocation', equals: 'POISON', details: false }] });
    const result = await f.sync();
    assert.equal(result.report.uploaded, 62);
    assert.equal(result.report.parked, 2);
    assertExactlyOnce(f.server, expectedOf(sessions.filter((_, i) => i !== 5 && i !== 50), 1));
  });
});

test('lua: after a 503 an automatic sync backs off; Sync Now does not wait', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    await f.enqueue(sessionsFor(BOOKS.pride, 10));
    assert.equal((await f.lua('testConnection')).json.ok, true);
    f.server.admin.addFaults({ rules: ['status=503,path=/api/v1/reading-sessions/batch,method=POST,count=2'] });
    const batchPosts = () => f.server.admin.requests().filter((r) => r.path.endsWith('/batch') && (r.sessions ?? 0) > 0);
    const first = await f.sync({ trigger: 'session-end', backoffBase: 300 });
    assert.equal(first.report.failed, 10);
    assert.ok((await f.pending()).every((p) => p.retryCount === 1 && /server error 503/.test(p.lastError)));
    const skipped = await f.sync({ trigger: 'resume', backoffBase: 300 });
    assert.equal(skipped.report.skippedBackoff, 10, 'an automatic sync right after the failure waits');
    assert.equal(batchPosts().length, 1, 'and sends nothing');
    const manual = await f.sync({ trigger: 'sync-now', backoffBase: 300 });
    assert.equal(manual.report.failed, 10, 'Sync Now tries at once (and meets the second 503)');
    assert.equal(batchPosts().length, 2);
    const third = await f.sync({ trigger: 'sync-now', backoffBase: 300 });
    assert.equal(third.report.uploaded, 10);
    assert.equal(f.server.admin.sessionCount(), 10);
  });
});

test('lua: KOReader login only (fork): uploads with x-auth headers', { skip }, async () => {
  const key = createHash('md5').update('reader').digest('hex');
  await withClosing(luaFixture({ profile: 'fork', settings: { booklore_username: null, booklore_password: null, koreader_username: 'reader', koreader_key: key } }), async (f) => {
    const sessions = sessionsFor({ hash: BOOKS.pride.hash }, 5);
    await f.enqueue(sessions);
    const result = await f.sync();
    assert.equal(result.report.pending, 0, result.message);
    const posts = f.server.admin.requests().filter((r) => r.method === 'POST');
    assert.ok(posts.length > 0 && posts.every((r) => r.auth === 'koreader'));
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
    const check = await f.lua('testConnection');
    assert.equal(check.json.ok, true);
    assert.match(check.json.lines.join('\n'), /KOReader login: +ok/);
    assert.match(check.json.lines.join('\n'), /only a KOReader login is configured: .*may be duplicated/);
  });
});

test('lua: sessions of a book the user cannot access are refused (404), counted, kept, and do not block other books', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const blocked = sessionsFor(BOOKS.secret, 3);
    const fine = sessionsFor(BOOKS.pride, 3, 100);
    await f.enqueue([...blocked, ...fine]);
    const result = await f.sync();
    assert.equal(result.report.uploaded, 3);
    assert.equal(result.report.failed, 3);
    const left = await f.pending();
    assert.equal(left.length, 3);
    assert.ok(left.every((p) => p.retryCount === 1 && /Book not found with ID: 5/.test(p.lastError)));
    assertExactlyOnce(f.server, expectedOf(fine, 1));
  });
});

test('lua: a truncated answer (the server had answered) is checked on the server at the next sync, without waiting', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork' }), async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 20);
    await f.enqueue(sessions);
    f.server.admin.addFaults({ rules: ['truncate,path=/api/v1/reading-sessions/batch,count=1'] });
    const first = await f.sync({ grace: 60 });
    assert.equal(first.report.unknown, 20, first.message);
    assert.match(JSON.stringify(await f.pending()), /the batch answer was not the expected JSON/);
    // The server had begun answering, so it is done with the request: no grace needed.
    const next = await f.sync({ grace: 60 });
    assert.equal(next.report.reconciled, 20, next.message);
    assertExactlyOnce(f.server, expectedOf(sessions, 1));
  });
});

test('lua: a server name that does not resolve is "offline": nothing counted, nothing lost', { skip }, async () => {
  await withClosing(luaFixture({ profile: 'fork', settings: { server_url: 'http://booklore.invalid:6060' } }), async (f) => {
    await f.enqueue(sessionsFor(BOOKS.pride, 2));
    const result = await f.sync();
    assert.equal(result.report.stoppedBy, 'offline', result.message);
    assert.ok((await f.pending()).every((p) => p.retryCount === 0 && p.state === 'queued'));
  });
});

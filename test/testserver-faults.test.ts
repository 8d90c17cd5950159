// Fault injection on the bundled test server: latency, status storms, dropped connections before
// and after the commit, truncated bodies, captive-portal HTML, delays, going offline; driven in
// process (server.admin) and over the admin API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFaultSpec, start } from '../src/testserver/index.js';
import { call, login, sessionItem, withServer } from './helpers/test-server-client.js';

const BATCH = '/api/v1/reading-sessions/batch';
const batchBody = (minute = 0) => ({ bookId: 1, bookType: 'EPUB', sessions: [sessionItem(minute), sessionItem(minute + 40)] });

/** The code of the network error under fetch's "fetch failed" TypeError. */
async function networkFailure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? String(err);
  }
  assert.fail('expected the request to fail at the network level');
}

test('the text form of a rule', () => {
  assert.deepEqual(parseFaultSpec('status=503,count=5,path=/api/v1/reading-sessions/batch'), {
    action: 'status',
    status: 503,
    count: 5,
    path: '/api/v1/reading-sessions/batch',
  });
  assert.deepEqual(parseFaultSpec('drop-after-commit, method=post, path=/api/v1/reading-sessions*'), {
    action: 'drop-after-commit',
    method: 'POST',
    path: '/api/v1/reading-sessions*',
  });
  assert.deepEqual(parseFaultSpec('delay=2500'), { action: 'delay', delayMs: 2500, path: '*' });
  assert.deepEqual(parseFaultSpec('status=429,retry-after=3'), { action: 'status', status: 429, retryAfter: 3, path: '*' });
  for (const [bad, message] of [
    ['', /no action/],
    ['path=/x', /no action/],
    ['status', /needs a whole number/],
    ['status=42', /100–599/],
    ['html,truncate', /one action/],
    ['html,count=0', /at least 1/],
    ['html,path=api', /must start with \//],
    ['html,colour=red', /unknown item/],
    ['truncate=3', /takes no value/],
  ] as const) {
    assert.throws(() => parseFaultSpec(bad), message, bad);
  }
});

test('latency delays every API request but not the admin API', async () => {
  // A latency far above what a loaded machine adds to a local request, so the two cases stay apart.
  await withServer({ latencyMs: 600 }, async (server) => {
    let t = performance.now();
    assert.equal((await call(server, 'GET', '/api/v1/healthcheck')).status, 200);
    assert.ok(performance.now() - t >= 590, 'API request delayed');
    t = performance.now();
    await call(server, 'GET', '/__admin/books');
    assert.ok(performance.now() - t < 590, 'admin request not delayed');
    server.admin.setLatency(0);
    t = performance.now();
    await call(server, 'GET', '/api/v1/healthcheck');
    assert.ok(performance.now() - t < 590);
  });
});

test('a 503 storm on one path, for a counted number of requests, processes nothing', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: ['status=503,count=3,path=/api/v1/reading-sessions/batch'] });
    for (let i = 0; i < 3; i++) {
      const reply = await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() });
      assert.equal(reply.status, 503);
      assert.equal(reply.json.status, 503);
      assert.equal(reply.json.message, 'Service Unavailable');
    }
    assert.equal(server.admin.sessionCount(), 0);
    // Other paths are untouched, and the fourth batch goes through.
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem(100) } })).status, 202);
    assert.equal((await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() })).status, 200);
    assert.equal(server.admin.sessionCount(), 3);
    const [rule] = server.admin.faults().rules;
    assert.equal(rule!.hits, 3);
    assert.equal(rule!.remaining, 0);
    const log = server.admin.requests().filter((e) => e.path === BATCH);
    assert.deepEqual(log.map((e) => [e.status, e.fault]), [
      [503, 'status=503,path=/api/v1/reading-sessions/batch,count=3'],
      [503, 'status=503,path=/api/v1/reading-sessions/batch,count=3'],
      [503, 'status=503,path=/api/v1/reading-sessions/batch,count=3'],
      [200, null],
    ]);
  });
});

test('429 with Retry-After; method and path-prefix matching', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: [{ action: 'status', status: 429, retryAfter: 7, method: 'POST', path: '/api/v1/reading-sessions*' }] });
    const limited = await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: {} })).status, 429);
    assert.equal((await call(server, 'GET', '/api/v1/reading-sessions/book/1', { token: accessToken })).status, 200, 'GET is not matched');
    assert.equal((await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'reader', password: 'reader' } })).status, 200);
  });
});

test('drop-before-commit: the connection closes without an answer and nothing is stored', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: ['drop-before-commit,count=1,path=/api/v1/reading-sessions/batch'] });
    const failure = await networkFailure(call(server, 'POST', BATCH, { token: accessToken, body: batchBody() }));
    assert.ok(failure.length > 0);
    assert.equal(server.admin.sessionCount(), 0);
    const entry = server.admin.requests().at(-1)!;
    assert.equal(entry.status, null);
    assert.equal(entry.sessions, 2);
    assert.equal((await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() })).status, 200, 'the next request works');
  });
});

test('drop-after-commit: the write is committed but the acknowledgement is lost', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: ['drop-after-commit,count=2,method=POST,path=/api/v1/reading-sessions*'] });
    await networkFailure(call(server, 'POST', BATCH, { token: accessToken, body: batchBody() }));
    await networkFailure(call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 2, bookType: 'PDF', ...sessionItem(200) } }));
    assert.deepEqual(server.admin.sessions().map((s) => s.bookId), [1, 1, 2]);
    assert.deepEqual(server.admin.requests().slice(-2).map((e) => [e.status, e.auth, e.user]), [
      [null, 'jwt', 'reader'],
      [null, 'jwt', 'reader'],
    ]);
  });
});

test('truncate: committed, then a 200/202 whose body is cut short', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: ['truncate,count=2'] });
    const batch = await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() });
    assert.equal(batch.status, 200);
    assert.equal(batch.contentType, 'application/json');
    assert.equal(batch.json, undefined, 'not parseable');
    assert.ok(batch.text.startsWith('{"totalRequested":2'));
    const single = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem(300) } });
    assert.equal(single.status, 202);
    assert.equal(single.text, '{');
    assert.equal(server.admin.sessionCount(), 3);
  });
});

test('html: a captive portal answers 200 text/html to everything (admin API excepted) and nothing is processed', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    await withServer({ profile, faults: ['html'] }, async (server) => {
      for (const [method, path] of [['POST', BATCH], ['POST', '/api/v1/reading-sessions'], ['POST', '/api/v1/auth/login'], ['GET', '/api/v1/healthcheck']] as const) {
        const reply = await call(server, method, path, { koreader: ['reader', 'reader'], body: method === 'POST' ? batchBody() : undefined });
        assert.equal(reply.status, 200, `${profile} ${path}`);
        assert.match(reply.contentType ?? '', /^text\/html/);
        assert.match(reply.text, /Wi-Fi/);
      }
      assert.equal(server.admin.sessionCount(), 0);
      const books = await call(server, 'GET', '/__admin/books');
      assert.equal(books.contentType, 'application/json');
      assert.equal(books.json.length, 5);
    });
  }
});

test('delay: the client times out, yet the server still commits the write', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: [{ action: 'delay', delayMs: 300, path: BATCH, count: 1 }] });
    const failure = call(server, 'POST', BATCH, { token: accessToken, body: batchBody(), signal: AbortSignal.timeout(100) });
    await assert.rejects(failure, (err: Error) => err.name === 'TimeoutError' || err.name === 'AbortError');
    assert.equal(server.admin.sessionCount(), 0, 'not yet');
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(server.admin.sessionCount(), 2);
    assert.ok(server.admin.requests().at(-1)!.durationMs >= 290);
  });
});

test('a delay rule combines with the rule after it', async () => {
  await withServer({ faults: ['delay=120,count=1', 'status=502,count=1'] }, async (server) => {
    const t = performance.now();
    const reply = await call(server, 'GET', '/api/v1/healthcheck');
    assert.equal(reply.status, 502);
    assert.ok(performance.now() - t >= 110);
    assert.equal((await call(server, 'GET', '/api/v1/healthcheck')).status, 200);
  });
});

test('goOffline refuses connections (open keep-alive sockets are cut); goOnline comes back on the same port with the data', async () => {
  const server = await start({});
  try {
    const { accessToken } = await login(server);
    assert.equal((await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() })).status, 200);
    await server.goOffline();
    assert.equal(server.online, false);
    assert.equal(await networkFailure(call(server, 'GET', '/api/v1/healthcheck')), 'ECONNREFUSED');
    await server.goOnline();
    assert.equal(server.online, true);
    assert.equal((await call(server, 'GET', '/api/v1/reading-sessions/book/1', { token: accessToken })).json.page.totalElements, 2);
  } finally {
    await server.close();
  }
});

test('the admin API over HTTP: faults, requests log, reset to the start-up state', async () => {
  await withServer({ faults: ['status=500,count=1,path=/api/v1/healthcheck'] }, async (server) => {
    const added = await call(server, 'POST', '/__admin/faults', {
      body: { latencyMs: 5, rules: ['html,count=1,path=/api/v1/books', { action: 'truncate', path: '/api/v1/reading-sessions/batch', method: 'POST' }] },
    });
    assert.equal(added.status, 200);
    assert.equal(added.json.latencyMs, 5);
    assert.deepEqual(added.json.rules.map((r: { action: string; remaining: number | null }) => [r.action, r.remaining]), [
      ['status', 1],
      ['html', 1],
      ['truncate', null],
    ]);
    const invalid = await call(server, 'POST', '/__admin/faults', { body: { rules: ['html', { action: 'explode' }] } });
    assert.equal(invalid.status, 400);
    assert.match(invalid.json.error, /action/);
    assert.equal((await call(server, 'GET', '/__admin/faults')).json.rules.length, 3, 'an invalid request adds nothing');
    assert.equal((await call(server, 'POST', '/__admin/faults', { rawBody: 'nope' })).status, 400);

    assert.equal((await call(server, 'GET', '/api/v1/healthcheck')).status, 500);
    const { accessToken } = await login(server);
    await call(server, 'POST', BATCH, { token: accessToken, body: batchBody() });
    await call(server, 'POST', BATCH, { koreader: ['reader', 'reader'], body: { bookId: 3, bookType: 'CBX', sessions: [sessionItem(500)] } });
    const log = await call(server, 'GET', '/__admin/requests');
    assert.deepEqual(
      log.json.map((e: { method: string; path: string; status: number; sessions: number | null; bookId: number | null; auth: string | null }) => [e.method, e.path, e.status, e.sessions, e.bookId, e.auth]),
      [
        ['GET', '/api/v1/healthcheck', 500, null, null, null],
        ['POST', '/api/v1/auth/login', 200, null, null, null],
        ['POST', BATCH, 200, 2, 1, 'jwt'],
        ['POST', BATCH, 200, 1, 3, 'koreader'],
      ],
    );
    const newer = await call(server, 'GET', `/__admin/requests?since=${log.json[2].seq}`);
    assert.equal(newer.json.length, 1);
    const sessions = await call(server, 'GET', '/__admin/sessions?bookId=3');
    assert.deepEqual(sessions.json.map((s: { username: string; bookTitle: string }) => [s.username, s.bookTitle]), [['reader', 'Little Nemo in Slumberland']]);
    assert.equal((await call(server, 'GET', '/__admin/sessions?user=admin')).json.length, 0);

    assert.equal((await call(server, 'DELETE', '/__admin/requests')).status, 204);
    assert.deepEqual((await call(server, 'GET', '/__admin/requests')).json, []);
    const cleared = await call(server, 'DELETE', '/__admin/faults');
    assert.deepEqual(cleared.json, { latencyMs: 0, fired: 3, rules: [] }, "clearing rules keeps the count of faults that fired");

    assert.equal((await call(server, 'POST', '/__admin/reset')).status, 204);
    assert.equal((await call(server, 'GET', '/__admin/sessions')).json.length, 0);
    const restored = (await call(server, 'GET', '/__admin/faults')).json;
    assert.deepEqual(restored.rules.map((r: { action: string; remaining: number }) => [r.action, r.remaining]), [['status', 1]], 'start-up rules are back, refilled');
    assert.equal((await call(server, 'GET', '/api/v1/healthcheck')).status, 500);

    const unknown = await call(server, 'GET', '/__admin/nothing');
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error, /no admin endpoint/);
  });
});

test('GET /__admin/books: id, title, type, hash and whether reader can see it', async () => {
  await withServer({}, async (server) => {
    const books = (await call(server, 'GET', '/__admin/books')).json;
    assert.deepEqual(
      books.map((b: { id: number; bookType: string; accessible: boolean }) => [b.id, b.bookType, b.accessible]),
      [[1, 'EPUB', true], [2, 'PDF', true], [3, 'CBX', true], [4, 'FB2', true], [5, 'EPUB', false]],
    );
    assert.deepEqual(books[4].accessibleTo, ['other', 'admin']);
    assert.equal(books[0].hash, server.seed.books[0]!.hash);
  });
});

test('with the admin API off, /__admin/ is just another path and faults apply to it', async () => {
  await withServer({ admin: false, faults: ['status=503,path=/__admin/faults'] }, async (server) => {
    const books = await call(server, 'GET', '/__admin/books');
    assert.equal(books.status, 200);
    assert.match(books.contentType ?? '', /^text\/html/);
    assert.equal((await call(server, 'GET', '/__admin/faults')).status, 503);
  });
});

test('reject-session: a validation rule the client does not know; all-or-nothing in a batch, with or without details', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: ['reject-session,field=endLocation,equals=POISON'] });
    const poisoned = { bookId: 1, bookType: 'EPUB', sessions: [sessionItem(0), sessionItem(40, { endLocation: 'POISON' }), sessionItem(80)] };
    const batch = await call(server, 'POST', BATCH, { token: accessToken, body: poisoned });
    assert.equal(batch.status, 400);
    assert.equal(batch.json.message, 'Validation error');
    assert.deepEqual(batch.json.details, ['sessions[1].endLocation: must not be "POISON"']);
    const single = await call(server, 'POST', '/api/v1/reading-sessions', { token: accessToken, body: { bookId: 1, bookType: 'EPUB', ...sessionItem(40, { endLocation: 'POISON' }) } });
    assert.equal(single.status, 400);
    assert.deepEqual(single.json.details, ['endLocation: must not be "POISON"']);
    assert.equal(server.admin.sessionCount(), 0, 'nothing stored');
    assert.equal((await call(server, 'POST', BATCH, { token: accessToken, body: batchBody(200) })).status, 200, 'other sessions pass');
    assert.equal(server.admin.faults().rules[0]!.remaining, null, 'never used up');

    server.admin.clearFaults();
    server.admin.addFaults({ rules: [{ action: 'reject-session', path: '*', field: 'endLocation', equals: 'POISON', details: false }] });
    const bare = await call(server, 'POST', BATCH, { token: accessToken, body: poisoned });
    assert.equal(bare.status, 400);
    assert.equal(bare.json.details, undefined, 'no details: the client must find the culprit itself');
    assert.throws(() => parseFaultSpec('reject-session,field=colour,equals=red'), /field/);
  });
});

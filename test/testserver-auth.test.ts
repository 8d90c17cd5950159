// The bundled test server's authentication (booklore-server.md §1.3, §2): JWT login/refresh,
// KOReader headers, and which chain guards which path in each profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, LOCAL_DATE_TIME, login, md5, sessionItem, withServer } from './helpers/test-server-client.js';

const batch = (sessions = [sessionItem()]) => ({ bookId: 1, bookType: 'EPUB', sessions });
const single = () => ({ bookId: 1, bookType: 'EPUB', ...sessionItem() });

test('login returns string tokens; bad password and unknown user are 400 ErrorResponses', async () => {
  await withServer({}, async (server) => {
    const ok = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'reader', password: 'reader' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.contentType, 'application/json');
    assert.equal(typeof ok.json.accessToken, 'string');
    assert.equal(typeof ok.json.refreshToken, 'string');
    assert.equal(ok.json.isDefaultPassword, 'false');

    const bad = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'reader', password: 'nope' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.status, 400);
    assert.equal(bad.json.message, 'Invalid credentials');
    assert.match(bad.json.timestamp, LOCAL_DATE_TIME);
    assert.deepEqual(Object.keys(bad.json), ['status', 'message', 'timestamp']);

    const unknown = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'ghost', password: 'x' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.message, 'User not found: ghost');

    const blank = await call(server, 'POST', '/api/v1/auth/login', { body: { username: ' ' } });
    assert.equal(blank.status, 400);
    assert.equal(blank.json.message, 'Validation error');
    assert.deepEqual(blank.json.details, ['username: must not be blank', 'password: must not be blank']);

    const malformed = await call(server, 'POST', '/api/v1/auth/login', { rawBody: '{"username":' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.message, 'Request body is missing or malformed.');
  });
});

test('refresh rotates: the new pair works, the old refresh token is revoked', async () => {
  await withServer({}, async (server) => {
    const first = await login(server);
    const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(refreshed.status, 200);
    assert.deepEqual(Object.keys(refreshed.json).sort(), ['accessToken', 'refreshToken']);
    assert.notEqual(refreshed.json.refreshToken, first.refreshToken);
    assert.equal((await call(server, 'GET', '/api/v1/books', { token: refreshed.json.accessToken })).status, 200);

    const reused = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(reused.status, 400);
    assert.equal(reused.json.message, 'Invalid credentials');
    const garbage = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: 'not-a-token' } });
    assert.equal(garbage.status, 400);
    // An access token is not a refresh token.
    assert.equal((await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.accessToken } })).status, 400);
  });
});

test('a bad or expired bearer token is 401 with an empty body; no credentials is a Spring-style 403', async () => {
  await withServer({ accessTokenTtlSeconds: 1 }, async (server) => {
    const { accessToken, refreshToken } = await login(server);
    assert.equal((await call(server, 'GET', '/api/v1/books', { token: accessToken })).status, 200);

    const bogus = await call(server, 'GET', '/api/v1/books', { token: 'abc.def.ghi' });
    assert.equal(bogus.status, 401);
    assert.equal(bogus.text, '');

    const none = await call(server, 'GET', '/api/v1/books');
    assert.equal(none.status, 403);
    assert.deepEqual(Object.keys(none.json), ['timestamp', 'status', 'error', 'path']);
    assert.equal(none.json.error, 'Forbidden');
    assert.equal(none.json.path, '/api/v1/books');

    await new Promise((r) => setTimeout(r, 1100));
    const expired = await call(server, 'GET', '/api/v1/books', { token: accessToken });
    assert.equal(expired.status, 401);
    assert.equal(expired.text, '');
    // The refresh token outlives it and gets a working access token.
    const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    assert.equal(refreshed.status, 200);
    assert.equal((await call(server, 'GET', '/api/v1/books', { token: refreshed.json.accessToken })).status, 200);
  });
});

test('the access-token lifetime defaults to 10 hours', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    assert.equal(claims.exp - claims.iat, 36_000);
  });
});

test('expireTokens ends access tokens (and refresh tokens when asked), in process and over HTTP', async () => {
  await withServer({}, async (server) => {
    const a = await login(server);
    server.admin.expireTokens();
    assert.equal((await call(server, 'GET', '/api/v1/books', { token: a.accessToken })).status, 401);
    const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: a.refreshToken } });
    assert.equal(refreshed.status, 200, 'refresh tokens survive a plain expiry');

    const b = await login(server);
    assert.equal((await call(server, 'POST', '/__admin/expire-tokens', { body: { refresh: true } })).status, 204);
    assert.equal((await call(server, 'GET', '/api/v1/books', { token: b.accessToken })).status, 401);
    assert.equal((await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: b.refreshToken } })).status, 400);
    // Logging in again works.
    assert.equal((await call(server, 'GET', '/api/v1/books', { token: (await login(server)).accessToken })).status, 200);
  });
});

test('KOReader headers: users/auth answers the username; the key compares case-insensitively; bad or missing → 403', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    await withServer({ profile }, async (server) => {
      const ok = await call(server, 'GET', '/api/koreader/users/auth', { koreader: ['reader', 'reader'] });
      assert.equal(ok.status, 200, profile);
      assert.deepEqual(ok.json, { username: 'reader' });
      const upper = await call(server, 'GET', '/api/koreader/users/auth', { headers: { 'x-auth-user': 'reader', 'x-auth-key': md5('reader').toUpperCase() } });
      assert.equal(upper.status, 200);
      const wrong = await call(server, 'GET', '/api/koreader/users/auth', { koreader: ['reader', 'wrong'] });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.json.error, 'Forbidden');
      assert.equal((await call(server, 'GET', '/api/koreader/users/auth')).status, 403);
      // A JWT does not open the KOReader chain.
      const { accessToken } = await login(server);
      assert.equal((await call(server, 'GET', '/api/koreader/users/auth', { token: accessToken })).status, 403);
      const create = await call(server, 'POST', '/api/koreader/users/create', { koreader: ['reader', 'reader'], body: {} });
      assert.equal(create.status, 403);
      assert.deepEqual(create.json, { error: 'User registration via Koreader is disabled' });
    });
  }
});

test('fork: KOReader headers or a JWT on the session POSTs; sessions belong to the linked BookLore user', async () => {
  await withServer({ profile: 'fork' }, async (server) => {
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions', { koreader: ['reader', 'reader'], body: single() })).status, 202);
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { koreader: ['reader', 'reader'], body: batch() })).status, 200);
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { token: (await login(server)).accessToken, body: batch() })).status, 200);
    assert.deepEqual(server.admin.sessions().map((s) => s.username), ['reader', 'reader', 'reader']);
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { koreader: ['reader', 'nope'], body: batch() })).status, 403);
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { body: batch() })).status, 403);
    // A bad bearer still answers 401 even next to good KOReader headers: the JWT filter runs second.
    const both = await call(server, 'POST', '/api/v1/reading-sessions', { koreader: ['reader', 'reader'], token: 'x.y.z', body: single() });
    assert.equal(both.status, 401);
    // The GET list is JWT only.
    assert.equal((await call(server, 'GET', '/api/v1/reading-sessions/book/1', { koreader: ['reader', 'reader'] })).status, 403);
    assert.equal(server.admin.sessionCount(), 3);
  });
});

test('fork: a KOReader user not linked to a BookLore user gets 409 on a session POST', async () => {
  const seed = {
    users: [{ username: 'reader', password: 'reader' }],
    koreaderUsers: [{ username: 'loner', password: 'pw', bookloreUser: null }],
    libraries: [{ id: 1, name: 'L', members: ['reader'] }],
    books: [{ id: 1, libraryId: 1, title: 'T', authors: [], bookType: 'EPUB' as const, fileName: 't.epub', hash: 'a'.repeat(32) }],
  };
  await withServer({ seed }, async (server) => {
    const reply = await call(server, 'POST', '/api/v1/reading-sessions', { koreader: ['loner', 'pw'], body: single() });
    assert.equal(reply.status, 409);
    assert.equal(reply.json.message, 'KOReader user is not linked to a BookLore user');
    assert.equal(server.admin.sessionCount(), 0);
  });
});

test('upstream: session POSTs are JWT only, so KOReader headers get 403', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const md5Only = await call(server, 'POST', '/api/v1/reading-sessions', { koreader: ['reader', 'reader'], body: single() });
    assert.equal(md5Only.status, 403);
    assert.equal(md5Only.json.path, '/api/v1/reading-sessions');
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions/batch', { koreader: ['reader', 'reader'], body: batch() })).status, 403);
    assert.equal((await call(server, 'POST', '/api/v1/reading-sessions', { token: (await login(server)).accessToken, body: single() })).status, 202);
    assert.equal(server.admin.sessionCount(), 1);
  });
});

test('the healthcheck is public', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    await withServer({ profile }, async (server) => {
      const reply = await call(server, 'GET', '/api/v1/healthcheck');
      assert.equal(reply.status, 200);
      assert.equal(reply.json.status, 200);
      assert.equal(reply.json.message, 'Pong');
      assert.equal(reply.json.data.status, 'UP');
      assert.match(reply.json.data.version, /^v2\./);
    });
  }
});

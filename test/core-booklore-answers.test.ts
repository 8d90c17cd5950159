// The shared BookLore client (src/core/booklore), without a network: tables of server answers and
// what each means per endpoint (X3, §1.3, §7.2), and the client over a scripted HTTP port for the
// logins (X6), the web-page check, the request bodies and the routes. Node's adapters (zod shapes,
// JSON, wording) fill the ports; the Lua build runs the same code (test/koplugin-*.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLI_WORDING } from '../src/node/client/cli-wording.js';
import { nodeJson } from '../src/node/client/node-json.js';
import { zodAnswerShapes } from '../src/node/client/zod-answer-shapes.js';
import { AnswerReader, collapseWhiteSpace } from '../src/core/booklore/answer-reader.js';
import type { Tokens } from '../src/core/booklore/answer-shapes.js';
import type { Credentials } from '../src/core/booklore/authenticator.js';
import { BookLoreClient } from '../src/core/booklore/booklore-client.js';
import { EndpointAnswers, isWebPage, type AuthKind } from '../src/core/booklore/endpoint-answers.js';
import type { HttpPort, HttpRequest, HttpResponse, HttpResult } from '../src/core/booklore/http-port.js';
import { integerText } from '../src/core/booklore/integer-text.js';
import { RequestBodies } from '../src/core/booklore/request-bodies.js';
import { normalizeServerUrl } from '../src/core/booklore/server-url.js';
import type { Failure, WireSession } from '../src/core/sync/api-port.js';

const JSON_TYPE = 'application/json';
const HTML = 'text/html;charset=UTF-8';
const PAGE = '<!doctype html><html><body>Sign in to the Wi-Fi</body></html>';

const answers = new EndpointAnswers(new AnswerReader(nodeJson, zodAnswerShapes), CLI_WORDING);

function answer(status: number, contentType = JSON_TYPE, body: unknown = '', retryAfterSeconds: number | null = null): HttpResponse {
  return { status, contentType, text: typeof body === 'string' ? body : JSON.stringify(body), retryAfterSeconds };
}

/** An outcome in a few words, for the tables. */
function said(outcome: object): string {
  if (isWebPage(outcome)) return `web page (${outcome.unsupported})`;
  const o = outcome as { ok: boolean; failure?: Failure };
  if (o.ok) return 'ok';
  const f = o.failure!;
  switch (f.kind) {
    case 'offline':
      return 'offline';
    case 'unknown':
      return f.answered ? 'unknown, answered' : 'unknown';
    case 'auth':
      return 'auth';
    case 'rejected':
      return `rejected ${f.status}`;
    case 'server':
      return `server ${f.status}`;
    case 'unsupported':
      return f.definite ? 'unsupported' : 'unsupported, maybe';
  }
}

function table(name: string, judge: (r: HttpResponse) => object, cases: [HttpResponse, string][]): void {
  for (const [response, expected] of cases) {
    assert.equal(said(judge(response)), expected, `${name}: ${response.status} ${response.contentType} ${response.text.slice(0, 60)}`);
  }
}

const SESSION_IDS = { totalRequested: 2, successCount: 2, results: [{ sessionId: 11 }, { sessionId: 12 }] };

test('uploads: exact success only (single 202; batch 200 JSON with matching counts); a web page is never a success', () => {
  for (const auth of ['jwt', 'koreader'] as AuthKind[]) {
    table(`single (${auth})`, (r) => answers.singleUpload(r, auth), [
      [answer(202), 'ok'],
      [answer(202, HTML, PAGE), 'ok'],
      [answer(200, HTML, PAGE), 'offline'],
      [answer(201), 'unknown, answered'],
      [answer(204, ''), 'unknown, answered'],
      [answer(302, HTML), 'offline'],
      [answer(400, JSON_TYPE, { status: 400, message: 'Validation failed', details: ['endTime: must not be null'] }), 'rejected 400'],
      [answer(401, ''), 'auth'],
      [answer(403), 'auth'],
      [answer(404, JSON_TYPE, { status: 404, message: 'Book not found with ID: 9' }), 'rejected 404'],
      [answer(409), 'auth'],
      [answer(429), 'server 429'],
      [answer(500), 'server 500'],
      [answer(502, HTML, PAGE), 'unknown'],
      [answer(503), 'server 503'],
      [answer(504), 'unknown'],
    ]);
    table(`batch (${auth})`, (r) => answers.batchUpload(r, 2, auth), [
      [answer(200, JSON_TYPE, SESSION_IDS), 'ok'],
      [answer(200, 'application/json;charset=UTF-8', { totalRequested: 2, successCount: 2 }), 'ok'],
      [answer(200, JSON_TYPE, { totalRequested: 2, successCount: 1, results: [] }), 'unknown, answered'],
      [answer(200, JSON_TYPE, { totalRequested: 3, successCount: 3 }), 'unknown, answered'],
      [answer(200, JSON_TYPE, '{"totalRequested": 2, "successCount'), 'unknown, answered'],
      [answer(200, JSON_TYPE, { totalRequested: '2', successCount: 2 }), 'unknown, answered'],
      [answer(200, HTML, PAGE), 'web page (the batch path answered with a web page)'],
      [answer(200, 'text/plain', 'ok'), 'unknown, answered'],
      [answer(404, HTML, PAGE), 'unsupported'],
      [answer(404, JSON_TYPE, { status: 404, message: 'Book not found with ID: 9' }), 'rejected 404'],
      [answer(404, JSON_TYPE, { status: 404, message: 'No static resource' }), 'unsupported'],
      [answer(405), 'unsupported'],
      [answer(500), 'unsupported'],
      [answer(502), 'unknown'],
      [answer(503, JSON_TYPE, '', 7), 'server 503'],
    ]);
  }
  const batch = answers.batchUpload(answer(200, JSON_TYPE, SESSION_IDS), 2, 'jwt');
  assert.deepEqual(batch, { ok: true, sessionIds: [11, 12] });
  const partial = answers.batchUpload(answer(200, JSON_TYPE, { ...SESSION_IDS, results: [{ sessionId: 11 }] }), 2, 'jwt');
  assert.deepEqual(partial, { ok: true, sessionIds: [null, null] }, 'ids only when there is one result per session');
  const throttled = answers.batchUpload(answer(429, JSON_TYPE, { status: 429, message: 'slow down' }, 30), 2, 'jwt');
  assert.deepEqual(throttled, { ok: false, failure: { kind: 'server', status: 429, message: 'slow down', retryAfterSeconds: 30 } });
});

test("failures carry the server's words: ErrorResponse message and details, else the body's start on one line, else the status", () => {
  const rejected = answers.batchUpload(answer(400, JSON_TYPE, { status: 400, message: 'Validation failed', details: ['sessions[1].endTime: required'] }), 2, 'jwt');
  assert.deepEqual(rejected, { ok: false, failure: { kind: 'rejected', status: 400, message: 'Validation failed', details: ['sessions[1].endTime: required'] } });
  const plain = answers.singleUpload(answer(418, 'text/plain', '  I am\n\n a\tteapot  '), 'jwt');
  assert.deepEqual(plain, { ok: false, failure: { kind: 'rejected', status: 418, message: 'I am a teapot', details: [] } });
  const empty = answers.singleUpload(answer(400, JSON_TYPE, ''), 'jwt');
  assert.deepEqual(empty, { ok: false, failure: { kind: 'rejected', status: 400, message: 'HTTP 400', details: [] } });
  const nullMessage = answers.singleUpload(answer(400, JSON_TYPE, { message: null }), 'jwt');
  assert.equal(!nullMessage.ok && nullMessage.failure.message, '{"message":null}', 'not an ErrorResponse: the body itself');
  const long = answers.singleUpload(answer(400, 'text/plain', 'x'.repeat(500)), 'jwt');
  assert.equal(!long.ok && long.failure.message.length, 200);
  const refusedJwt = answers.singleUpload(answer(403, JSON_TYPE, { status: 403, message: 'Forbidden' }), 'jwt');
  assert.deepEqual(refusedJwt, { ok: false, failure: { kind: 'auth', message: 'the server refused access (403): Forbidden' } });
  const refusedKoreader = answers.singleUpload(answer(403), 'koreader');
  assert.deepEqual(refusedKoreader, { ok: false, failure: { kind: 'auth', message: CLI_WORDING.koreaderUploadRefused } });
  const redirected = answers.singleUpload(answer(302, HTML), 'jwt');
  assert.match(!redirected.ok ? redirected.failure.message : '', /^redirected \(HTTP 302\): the network answered with a web page/);
  assert.equal(collapseWhiteSpace('\u2028 a \u00a0b\u3000'), 'a \u00a0b');
});

test('hash lookup, session list, healthcheck and the probes: JSON where due, web pages and 404 pages tell what the server lacks', () => {
  for (const auth of ['jwt', 'koreader'] as AuthKind[]) {
    table(`lookup (${auth})`, (r) => answers.lookup(r, auth), [
      [answer(200, JSON_TYPE, { id: 3, metadata: { title: 'Dune' }, primaryFile: { bookType: 'EPUB' } }), 'ok'],
      [answer(200, JSON_TYPE, { id: 0 }), 'unknown, answered'],
      [answer(200, JSON_TYPE, []), 'unknown, answered'],
      [answer(404, JSON_TYPE, { status: 404, message: 'Book not found' }), 'ok'],
      [answer(200, HTML, PAGE), 'web page (no hash lookup on this server)'],
      [answer(404, HTML, PAGE), 'unsupported'],
      [answer(401), 'auth'],
      [answer(503), 'server 503'],
    ]);
    table(`batch probe (${auth})`, (r) => answers.batchProbe(r, auth), [
      [answer(400, JSON_TYPE, { status: 400, message: 'sessions: must not be empty' }), 'ok'],
      [answer(404), 'ok'],
      [answer(405), 'ok'],
      [answer(500), 'ok'],
      [answer(200, HTML, PAGE), 'ok'],
      [answer(401), 'auth'],
      [answer(503), 'server 503'],
    ]);
    table(`lookup probe (${auth})`, (r) => answers.lookupProbe(r, auth), [
      [answer(404), 'ok'],
      [answer(200), 'ok'],
      [answer(404, HTML), 'ok'],
      [answer(403), 'auth'],
    ]);
  }
  assert.deepEqual(answers.lookup(answer(200, JSON_TYPE, { id: 3, title: 'Top', metadata: { title: null }, primaryFile: null }), 'jwt'), {
    ok: true, found: true, bookId: 3, title: 'Top', bookType: null,
  });
  assert.deepEqual(answers.lookup(answer(404, JSON_TYPE, {}), 'jwt'), { ok: true, found: false });
  assert.deepEqual(answers.batchProbe(answer(400, JSON_TYPE, {}), 'jwt'), { ok: true, supported: true });
  assert.deepEqual(answers.batchProbe(answer(404), 'jwt'), { ok: true, supported: false });
  assert.deepEqual(answers.lookupProbe(answer(404, HTML), 'jwt'), { ok: true, supported: false });

  const page = (number: number, totalPages: number, content: unknown[]) => ({ content, page: { size: 2, number, totalElements: 3, totalPages } });
  const one = { id: 5, startTime: '2026-02-22T14:00:00Z', endTime: '2026-02-22T14:45:00Z' };
  table('session list', (r) => answers.sessionList(r), [
    [answer(200, JSON_TYPE, page(0, 2, [one])), 'ok'],
    [answer(200, HTML, PAGE), 'offline'],
    [answer(200, JSON_TYPE, { content: [{ id: 'x' }], page: {} }), 'unknown, answered'],
    [answer(200, 'text/plain', '{}'), 'unknown, answered'],
    [answer(403), 'auth'],
    [answer(404, JSON_TYPE, { message: 'Book not found with ID: 5' }), 'rejected 404'],
  ]);
  assert.deepEqual(answers.sessionList(answer(200, JSON_TYPE, page(0, 2, [one]))), { ok: true, sessions: [one], lastPage: false });
  assert.deepEqual(answers.sessionList(answer(200, JSON_TYPE, page(1, 2, [one]))), { ok: true, sessions: [one], lastPage: true });
  assert.deepEqual(answers.sessionList(answer(200, JSON_TYPE, page(0, 5, []))), { ok: true, sessions: [], lastPage: true });

  table('healthcheck', (r) => answers.healthcheck(r), [
    [answer(200, JSON_TYPE, { status: 200, message: 'ok', data: { status: 'UP', version: 'v1.2.3' } }), 'ok'],
    [answer(200, JSON_TYPE, {}), 'ok'],
    [answer(200, JSON_TYPE, { data: null }), 'offline'],
    [answer(200, HTML, PAGE), 'offline'],
    [answer(302, 'text/plain'), 'offline'],
    [answer(404), 'offline'],
  ]);
  assert.deepEqual(answers.healthcheck(answer(200, JSON_TYPE, { data: { version: 'v1.2.3' } })), { ok: true, version: 'v1.2.3' });
  assert.deepEqual(answers.healthcheck(answer(200, HTML, PAGE)), {
    ok: false, failure: { kind: 'offline', message: 'the network answered with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)' },
  });
  assert.deepEqual(answers.healthcheck(answer(404)), { ok: false, failure: { kind: 'offline', message: 'this does not look like a BookLore server (healthcheck answered HTTP 404)' } });
});

test('logins (§2.1): tokens, a refused login with its reason, throttling, and answers that are not BookLore', () => {
  table('login', (r) => answers.login(r), [
    [answer(200, JSON_TYPE, { accessToken: 'a', refreshToken: 'r' }), 'ok'],
    [answer(200, JSON_TYPE, { accessToken: '', refreshToken: 'r' }), 'offline'],
    [answer(200, HTML, PAGE), 'offline'],
    [answer(400, JSON_TYPE, { status: 400, message: 'Invalid credentials' }), 'auth'],
    [answer(401, ''), 'auth'],
    [answer(403, ''), 'auth'],
    [answer(429), 'auth'],
    [answer(500), 'offline'],
    [answer(418), 'unknown, answered'],
  ]);
  assert.deepEqual(answers.login(answer(400, JSON_TYPE, { status: 400, message: 'Invalid credentials' })), {
    ok: false, failure: { kind: 'auth', message: 'the server rejected the BookLore username or password (Invalid credentials); run `booklore-sync configure` again' },
  });
  assert.deepEqual(answers.login(answer(200, HTML, PAGE)), {
    ok: false, failure: { kind: 'offline', message: 'the network answered the login with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)' },
  });
  assert.deepEqual(answers.refresh(answer(200, JSON_TYPE, { accessToken: 'a2', refreshToken: 'r2' })), { ok: true, tokens: { accessToken: 'a2', refreshToken: 'r2' } });
  assert.deepEqual(answers.refresh(answer(401, '')), { ok: true, tokens: null }, 'a refused refresh token is dead, not a failure');
  assert.equal(said(answers.refresh(answer(200, JSON_TYPE, 'nope'))), 'unknown, answered');
});

test('request bodies are what JSON.stringify wrote for the same objects; ids and pages in paths are digits', () => {
  const bodies = new RequestBodies(nodeJson);
  const session: WireSession = {
    startTime: '2026-02-22T14:00:00Z', endTime: '2026-02-22T14:45:00Z', durationSeconds: 2700, durationFormatted: '45m',
    startProgress: 10.5, endProgress: null, progressDelta: null, startLocation: 'é "q"\n', endLocation: null,
  };
  assert.equal(bodies.single(7, 'EPUB', session), JSON.stringify({ bookId: 7, bookType: 'EPUB', ...session }));
  assert.equal(bodies.batch(7, 'PDF', [session, session]), JSON.stringify({ bookId: 7, bookType: 'PDF', sessions: [session, session] }));
  assert.equal(bodies.batch(0, 'EPUB', []), '{"bookId":0,"bookType":"EPUB","sessions":[]}');
  assert.equal(bodies.login('me', 'p"w'), JSON.stringify({ username: 'me', password: 'p"w' }));
  assert.equal(bodies.refresh('tok'), JSON.stringify({ refreshToken: 'tok' }));
  for (const n of [0, 7, 10, 99, 100000000000000, 9007199254740991, -12]) assert.equal(integerText(n), String(n));
  assert.equal(normalizeServerUrl('  http://booklore.local:6060///  '), 'http://booklore.local:6060');
});

// ── the client over a scripted network ───────────────────────────────────────────────────────

type Script = (request: HttpRequest, sent: HttpRequest[]) => HttpResult;

class ScriptedHttp implements HttpPort {
  readonly sent: HttpRequest[] = [];
  constructor(private readonly script: Script) {}

  async send(request: HttpRequest): Promise<HttpResult> {
    this.sent.push(request);
    await new Promise((resolve) => setImmediate(resolve)); // answers come later, as on a network
    return this.script(request, this.sent);
  }

  paths(): string[] {
    return this.sent.map((r) => `${r.method} ${r.url.replace('http://bl', '')}`);
  }
}

const reply = (status: number, contentType = JSON_TYPE, body: unknown = ''): HttpResult => ({ ok: true, response: answer(status, contentType, body) });
const HEALTHY = reply(200, JSON_TYPE, { status: 200, data: { version: 'v1' } });
const TOKENS = { accessToken: 'fresh', refreshToken: 'rotated' };

function client(script: Script, credentials: Partial<Credentials>, onTokens: (t: Tokens) => void = () => {}): { client: BookLoreClient; http: ScriptedHttp } {
  const http = new ScriptedHttp(script);
  const c = new BookLoreClient('http://bl/', { mode: 'auto', ...credentials }, { http, json: nodeJson, shapes: zodAnswerShapes, wording: CLI_WORDING, random: () => 0.5 }, onTokens);
  return { client: c, http };
}

const WIRE: WireSession = {
  startTime: '2026-02-22T14:00:00Z', endTime: '2026-02-22T14:45:00Z', durationSeconds: 2700, durationFormatted: '45m',
  startProgress: null, endProgress: null, progressDelta: null, startLocation: null, endLocation: null,
};

test('X6: a 401 refreshes the JWT (rotating the refresh token, saved through onTokens) and the request is sent again', async () => {
  const saved: Tokens[] = [];
  const { client: c, http } = client(
    (r) => {
      if (r.url.endsWith('/auth/refresh')) return reply(200, JSON_TYPE, TOKENS);
      return r.headers.authorization === 'Bearer fresh' ? reply(202, '') : reply(401, '');
    },
    { username: 'me', accessToken: 'stale', refreshToken: 'old' },
    (t) => saved.push(t),
  );
  assert.deepEqual(await c.postSession(1, 'EPUB', WIRE), { ok: true });
  assert.deepEqual(http.paths(), ['POST /api/v1/reading-sessions', 'POST /api/v1/auth/refresh', 'POST /api/v1/reading-sessions']);
  assert.equal(http.sent[1]!.body, '{"refreshToken":"old"}');
  assert.deepEqual(saved, [TOKENS]);
});

test('X6: a refused refresh token logs in again with a kept password; without one the sync stops with words to act on', async () => {
  const withPassword = client(
    (r) => {
      if (r.url.endsWith('/auth/refresh')) return reply(401, '');
      if (r.url.endsWith('/auth/login')) return reply(200, JSON_TYPE, TOKENS);
      return r.headers.authorization === 'Bearer fresh' ? reply(200, JSON_TYPE, { content: [], page: { size: 1, number: 0, totalElements: 0, totalPages: 0 } }) : reply(401, '');
    },
    { username: 'me', password: 'pw', refreshToken: 'dead' },
  );
  assert.deepEqual(await withPassword.client.listSessions(42, 0, 100), { ok: true, sessions: [], lastPage: true });
  assert.deepEqual(withPassword.http.paths(), ['POST /api/v1/auth/refresh', 'POST /api/v1/auth/login', 'GET /api/v1/reading-sessions/book/42?page=0&size=100']);

  const withoutPassword = client((r) => (r.url.endsWith('/auth/refresh') ? reply(403, '') : reply(401, '')), { username: 'me', accessToken: 'stale', refreshToken: 'dead' });
  assert.equal(withoutPassword.client.canListSessions, true);
  assert.deepEqual(await withoutPassword.client.postBatch(1, 'EPUB', [WIRE]), { ok: false, failure: { kind: 'auth', message: CLI_WORDING.loginExpiredWithoutPassword } });
  assert.deepEqual(withoutPassword.http.paths(), ['POST /api/v1/reading-sessions/batch', 'POST /api/v1/auth/refresh']);
  assert.equal(withoutPassword.client.canListSessions, false, 'both tokens are gone now');
  // Without a BookLore login, uploads would go with KOReader headers, and there is no KOReader account either.
  assert.deepEqual(await withoutPassword.client.postBatch(1, 'EPUB', [WIRE]), { ok: false, failure: { kind: 'auth', message: CLI_WORDING.noKoreaderAccount } });
  assert.equal(withoutPassword.http.sent.length, 2, 'a dead refresh token is not tried twice');

  const stillRefused = client((r) => (r.url.endsWith('/auth/login') ? reply(200, JSON_TYPE, TOKENS) : reply(401, '')), { username: 'me', password: 'pw' });
  assert.deepEqual(await stillRefused.client.checkBookLoreLogin(), { ok: false, failure: { kind: 'auth', message: CLI_WORDING.loginRefusedAfterRenewal } });

  const noAccount = client(() => reply(202, ''), { koreaderUsername: 'k' });
  assert.deepEqual(await noAccount.client.listBooks(), { ok: false, failure: { kind: 'auth', message: CLI_WORDING.noBookLoreAccount } });
  assert.deepEqual(await noAccount.client.checkKoreaderLogin(), { ok: false, failure: { kind: 'auth', message: CLI_WORDING.noKoreaderAccount } });
  assert.equal(noAccount.http.sent.length, 0, 'nothing is sent without credentials');
});

test('X6: requests that meet a 401 together share one renewal', async () => {
  const { client: c, http } = client(
    (r) => {
      if (r.url.endsWith('/auth/refresh')) return reply(200, JSON_TYPE, TOKENS);
      return r.headers.authorization === 'Bearer fresh' ? reply(202, '') : reply(401, '');
    },
    { username: 'me', accessToken: 'stale', refreshToken: 'old' },
  );
  const outcomes = await Promise.all([1, 2, 3, 4].map((id) => c.postSession(id, 'EPUB', WIRE)));
  assert.deepEqual(outcomes, [{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
  assert.equal(http.paths().filter((p) => p.endsWith('/auth/refresh')).length, 1);
  assert.equal(http.sent.length, 9);
});

test('a KOReader account only: uploads and lookups carry the x-auth headers; the session list is not for it (§2.2, §3.1)', async () => {
  const { client: c, http } = client((r) => (r.url.includes('by-hash') ? reply(404, JSON_TYPE, { message: 'Book not found' }) : reply(202, '')), {
    koreaderUsername: 'kuser', koreaderKey: '5f4dcc3b5aa765d61d8327deb882cf99',
  });
  assert.equal(c.canListSessions, false);
  assert.deepEqual(await c.postSession(1, 'EPUB', WIRE), { ok: true });
  assert.deepEqual(await c.lookupBookByHash('f0a672838b6f07f2e74b8bd01aec4434'), { ok: true, found: false });
  assert.deepEqual(http.paths(), ['POST /api/v1/reading-sessions', 'GET /api/koreader/books/by-hash/f0a672838b6f07f2e74b8bd01aec4434']);
  for (const r of http.sent) assert.deepEqual(r.headers, { 'x-auth-user': 'kuser', 'x-auth-key': '5f4dcc3b5aa765d61d8327deb882cf99' });

  const jwt = client(() => reply(404, HTML, PAGE), { username: 'me', accessToken: 'a', koreaderUsername: 'kuser', koreaderKey: 'k', mode: 'jwt' });
  assert.deepEqual(await jwt.client.lookupBookByHash('abc'), { ok: false, failure: { kind: 'unsupported', message: 'no hash lookup on this server', definite: true } });
  assert.deepEqual(jwt.http.paths(), ['GET /api/v1/books/by-hash/abc?withDescription=false'], 'mode jwt: the KOReader login is not used');
});

test("§1.3: a web page where JSON was due is asked about at the healthcheck: upstream's SPA fallback, or a captive portal", async () => {
  const upstream = client((r) => (r.url.endsWith('/healthcheck') ? HEALTHY : reply(200, HTML, PAGE)), { username: 'me', accessToken: 'a' });
  assert.deepEqual(await upstream.client.postBatch(1, 'EPUB', [WIRE]), {
    ok: false, failure: { kind: 'unsupported', message: 'the batch path answered with a web page', definite: true },
  });
  assert.deepEqual(await upstream.client.lookupBookByHash('abc'), { ok: false, failure: { kind: 'unsupported', message: 'no hash lookup on this server', definite: true } });
  const portal = client(() => reply(200, HTML, PAGE), { username: 'me', accessToken: 'a' });
  assert.equal(said(await portal.client.postBatch(1, 'EPUB', [WIRE])), 'offline');
  assert.deepEqual(portal.http.paths(), ['POST /api/v1/reading-sessions/batch', 'GET /api/v1/healthcheck']);
  assert.deepEqual(portal.http.sent[1]!.headers, {}, 'the healthcheck carries no credentials');
});

test('probes check the healthcheck once; the lookup probe asks for a made-up fingerprint', async () => {
  const { client: c, http } = client((r) => {
    if (r.url.endsWith('/healthcheck')) return HEALTHY;
    if (r.url.endsWith('/batch')) return reply(400, JSON_TYPE, { status: 400, message: 'sessions: must not be empty' });
    return reply(404, JSON_TYPE, { message: 'Book not found' });
  }, { username: 'me', accessToken: 'a' });
  assert.deepEqual(await c.probeBatch(), { ok: true, supported: true });
  assert.deepEqual(await c.probeHashLookup(), { ok: true, supported: true });
  assert.deepEqual(http.paths(), [
    'GET /api/v1/healthcheck',
    'POST /api/v1/reading-sessions/batch',
    `GET /api/v1/books/by-hash/${'8'.repeat(32)}?withDescription=false`,
  ]);
  assert.equal(http.sent[1]!.body, '{"bookId":0,"bookType":"EPUB","sessions":[]}');

  const away = client(() => ({ ok: false, failure: { kind: 'offline', message: 'connection refused (ECONNREFUSED)', answered: false } }), { username: 'me', accessToken: 'a' });
  assert.deepEqual(await away.client.probeBatch(), { ok: false, failure: { kind: 'offline', message: 'connection refused (ECONNREFUSED)' } });
  assert.deepEqual(away.http.paths(), ['GET /api/v1/healthcheck'], 'nothing more while the server is away');
});

test('transport failures keep their meaning: never sent is offline; sent and lost is unknown, answered once the server had begun', async () => {
  const cut = client(() => ({ ok: false, failure: { kind: 'unknown', message: 'the answer was cut short (connection lost (ECONNRESET))', answered: true } }), {
    username: 'me', accessToken: 'a',
  });
  assert.deepEqual(await cut.client.postBatch(1, 'EPUB', [WIRE]), {
    ok: false, failure: { kind: 'unknown', message: 'the answer was cut short (connection lost (ECONNRESET))', answered: true },
  });
  const login = client(() => ({ ok: false, failure: { kind: 'unknown', message: 'no answer within 15 s', answered: false } }), {});
  assert.deepEqual(await login.client.logIn('me', 'pw'), { ok: false, failure: { kind: 'unknown', message: 'no answer within 15 s', answered: false } });
  assert.equal(login.http.sent[0]!.body, '{"username":"me","password":"pw"}');
});

// The BookLore API port over LuaSocket, for both server variants, with the same rules as the Node
// client (src/booklore/booklore-client.ts and authenticator.ts; booklore-server.md §1–§7): JWT
// with refresh on 401 and re-login, KOReader headers, exact success answers only (single: 202;
// batch: 200 JSON whose counts match; an HTML page is never a success), and every other answer
// turned into a Failure with a meaning. Where the Node client checks answers with zod schemas
// (src/booklore/schemas.ts), the checks here are written out with the same acceptance rules.
// Requests are synchronous underneath (KOReader is single-threaded); the port's promises are
// settled before they are returned.
import type {
  BatchOutcome, BookLoreApi, Failure, ListOutcome, LookupOutcome, ProbeOutcome, ServerSession, SingleOutcome, WireSession,
} from '../../src/core/sync/api-port.js';
import { HttpTransport, type HttpResponse, type HttpSettings, type TransportFailure } from './http.js';
import {
  absentOrNumber, absentOrString, arrayJson, asArray, asObject, decodeJson, integerText, isInteger, isNull, nullableNumberJson, nullableStringJson,
  numberJson, objectJson, optionalString, stringJson,
} from './json.js';

type AuthKind = 'jwt' | 'koreader' | 'none';
type Endpoint = 'single' | 'batch' | 'lookup' | 'list' | 'other';

const PORTAL = 'the network answered with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)';

const unknown = (message: string, answered: boolean): Failure => ({ kind: 'unknown', message, answered });
const offline = (message: string): Failure => ({ kind: 'offline', message });
const unsupported = (message: string, definite: boolean): Failure => ({ kind: 'unsupported', message, definite });

/** Thrown inside an exchange; turned into a Failure by `attempt` (as in the Node client). */
class TransportError extends Error {
  constructor(readonly failure: TransportFailure) {
    super(failure.message);
  }
}

class AuthError extends Error {}

export interface Credentials {
  username: string | null;
  password: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  koreaderUsername: string | null;
  /** MD5 of the KOReader password. */
  koreaderKey: string | null;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export function normalizeServerUrl(url: string): string {
  let text = url.trim();
  while (text.length > 0 && text.charAt(text.length - 1) === '/') text = text.substring(0, text.length - 1);
  return text;
}

function isJson(response: HttpResponse): boolean {
  return response.contentType.includes('json');
}

function isHtml(response: HttpResponse): boolean {
  return response.contentType.includes('html');
}

function collapseWhitespace(text: string): string {
  const [collapsed] = string.gsub(text, '%s+', ' ');
  return collapsed.trim();
}

// ── the Node client's zod schemas (src/booklore/schemas.ts), as checks ───────────────────────

/** §2.1: both tokens non-empty strings. */
function parseLogin(text: string): Tokens | null {
  const o = asObject(decodeJson(text));
  if (o === null) return null;
  const access = o['accessToken'];
  const refresh = o['refreshToken'];
  if (typeof access !== 'string' || access.length === 0 || typeof refresh !== 'string' || refresh.length === 0) return null;
  return { accessToken: access, refreshToken: refresh };
}

/** §1.3 ErrorResponse {status?, message?, details?: string[]}. */
function parseError(text: string): { message: string | null; details: string[] } | null {
  const o = asObject(decodeJson(text));
  if (o === null || !absentOrNumber(o, 'status') || !absentOrString(o, 'message')) return null;
  const message = o['message'] as string | undefined;
  const details: string[] = [];
  if (o['details'] !== undefined) {
    const list = asArray(o['details']);
    if (list === null) return null;
    for (const d of list) {
      if (typeof d !== 'string') return null;
      details.push(d);
    }
  }
  return { message: message ?? null, details };
}

/** §1.2 ReadingSessionBatchResponse. */
function parseBatch(text: string): { totalRequested: number; successCount: number; results: (number | null)[] | null; resultCount: number } | null {
  const o = asObject(decodeJson(text));
  if (o === null || !isInteger(o['totalRequested']) || !isInteger(o['successCount'])) return null;
  let results: (number | null)[] | null = null;
  let resultCount = 0;
  if (o['results'] !== undefined) {
    const list = asArray(o['results']);
    if (list === null) return null;
    results = [];
    for (const item of list) {
      const r = asObject(item);
      if (r === null) return null;
      const id = r['sessionId'];
      if (!isNull(id) && !isInteger(id)) return null;
      if (!absentOrString(r, 'startTime') || !absentOrString(r, 'endTime')) return null;
      results[resultCount] = isNull(id) ? null : (id as number);
      resultCount++;
    }
  }
  return { totalRequested: o['totalRequested'] as number, successCount: o['successCount'] as number, results, resultCount };
}

/** §3.1 Book DTO: id a positive integer; title under metadata; bookType under primaryFile. */
function parseBook(text: string): { id: number; title: string | null; bookType: string | null } | null {
  const o = asObject(decodeJson(text));
  if (o === null || !isInteger(o['id']) || (o['id'] as number) < 1) return null;
  const topTitle = optionalString(o, 'title');
  if (!topTitle.ok) return null;
  let metaTitle: string | null = null;
  if (!isNull(o['metadata'])) {
    const m = asObject(o['metadata']);
    if (m === null) return null;
    const t = optionalString(m, 'title');
    if (!t.ok) return null;
    metaTitle = t.value;
  }
  let bookType: string | null = null;
  if (!isNull(o['primaryFile'])) {
    const f = asObject(o['primaryFile']);
    if (f === null) return null;
    const t = optionalString(f, 'bookType');
    if (!t.ok || !optionalString(f, 'fileName').ok) return null; // both .nullable().optional()
    bookType = t.value;
  }
  return { id: o['id'] as number, title: metaTitle ?? topTitle.value, bookType };
}

/** §1.1 Page<ReadingSessionResponse> (VIA_DTO form). */
function parseSessionPage(text: string): { sessions: ServerSession[]; number: number; totalPages: number } | null {
  const o = asObject(decodeJson(text));
  if (o === null) return null;
  const content = asArray(o['content']);
  const page = asObject(o['page']);
  if (content === null || page === null) return null;
  for (const key of ['size', 'number', 'totalElements', 'totalPages']) if (!isInteger(page[key])) return null;
  const sessions: ServerSession[] = [];
  for (const item of content) {
    const s = asObject(item);
    if (s === null || !isInteger(s['id']) || typeof s['startTime'] !== 'string' || typeof s['endTime'] !== 'string') return null;
    sessions.push({ id: s['id'] as number, startTime: s['startTime'] as string, endTime: s['endTime'] as string });
  }
  return { sessions, number: page['number'] as number, totalPages: page['totalPages'] as number };
}

/** §4 healthcheck: {status?, message?, data?: {status?, version?}}. */
function parseHealthcheck(text: string): { version: string | null } | null {
  const o = asObject(decodeJson(text));
  if (o === null || !absentOrNumber(o, 'status') || !absentOrString(o, 'message')) return null;
  if (o['data'] === undefined) return { version: null };
  const data = asObject(o['data']);
  if (data === null || !absentOrString(data, 'status') || !absentOrString(data, 'version')) return null;
  return { version: (data['version'] as string | undefined) ?? null };
}

function parseKoreaderAuth(text: string): { username: string } | null {
  const o = asObject(decodeJson(text));
  return o !== null && typeof o['username'] === 'string' ? { username: o['username'] as string } : null;
}

function errorBody(response: HttpResponse): { message: string; details: string[] } {
  const parsed = isJson(response) ? parseError(response.text) : null;
  const message = parsed?.message ?? (response.text.length > 0 ? collapseWhitespace(response.text.substring(0, 200)) : '');
  return { message: message.length > 0 ? message : `HTTP ${response.status}`, details: parsed?.details ?? [] };
}

// ── wire bodies, as the Node client's JSON.stringify writes them ────────────────────────────────

function wireFields(session: WireSession): [string, string][] {
  return [
    ['startTime', stringJson(session.startTime)],
    ['endTime', stringJson(session.endTime)],
    ['durationSeconds', numberJson(session.durationSeconds)],
    ['durationFormatted', stringJson(session.durationFormatted)],
    ['startProgress', nullableNumberJson(session.startProgress)],
    ['endProgress', nullableNumberJson(session.endProgress)],
    ['progressDelta', nullableNumberJson(session.progressDelta)],
    ['startLocation', nullableStringJson(session.startLocation)],
    ['endLocation', nullableStringJson(session.endLocation)],
  ];
}

export function singleBody(bookId: number, bookType: string, session: WireSession): string {
  return objectJson([['bookId', integerText(bookId)], ['bookType', stringJson(bookType)], ...wireFields(session)]);
}

export function batchBody(bookId: number, bookType: string, sessions: WireSession[]): string {
  return objectJson([
    ['bookId', integerText(bookId)],
    ['bookType', stringJson(bookType)],
    ['sessions', arrayJson(sessions.map((s) => objectJson(wireFields(s))))],
  ]);
}

// ── logins (src/booklore/authenticator.ts) ──────────────────────────────────────────────────────

export class Authenticator {
  private accessToken: string | null;
  private refreshToken: string | null;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
    private readonly http: HttpTransport,
    private readonly onTokens: (tokens: Tokens) => void,
  ) {
    this.accessToken = credentials.accessToken;
    this.refreshToken = credentials.refreshToken;
  }

  /** A BookLore account is usable (password or a token). */
  get hasJwt(): boolean {
    const c = this.credentials;
    return !!c.username && (!!c.password || !!this.refreshToken || !!this.accessToken);
  }

  get hasKoreader(): boolean {
    return !!this.credentials.koreaderUsername && !!this.credentials.koreaderKey;
  }

  koreaderHeaders(): Record<string, string> {
    if (!this.hasKoreader) throw new AuthError('no KOReader account is set up (Settings → KOReader account)');
    return { 'x-auth-user': this.credentials.koreaderUsername!, 'x-auth-key': this.credentials.koreaderKey! };
  }

  bearerHeaders(): Record<string, string> {
    if (!this.hasJwt) throw new AuthError('no BookLore account is set up (Settings → BookLore account)');
    if (!this.accessToken) this.renew();
    return { authorization: `Bearer ${this.accessToken}` };
  }

  /** After a 401: refresh, else log in again. */
  renew(): void {
    this.accessToken = null;
    if (this.refreshToken && this.tryRefresh(this.refreshToken)) return;
    if (this.credentials.password) {
      this.login(this.credentials.username!, this.credentials.password);
      return;
    }
    throw new AuthError('the saved BookLore login has expired and no password is kept; enter the BookLore account again (Settings → BookLore account)');
  }

  private accept(tokens: Tokens): void {
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    this.onTokens(tokens);
  }

  private post(path: string, body: string): HttpResponse {
    const result = this.http.request(`${this.baseUrl}${path}`, { method: 'POST', headers: {}, body });
    if (!result.ok) throw new TransportError(result.failure);
    return result.response;
  }

  private tryRefresh(refreshToken: string): boolean {
    const response = this.post('/api/v1/auth/refresh', objectJson([['refreshToken', stringJson(refreshToken)]]));
    if (response.status !== 200) {
      this.refreshToken = null; // revoked or expired: rotation means it will never work again
      return false;
    }
    const parsed = parseLogin(response.text);
    if (parsed === null) throw new TransportError({ kind: 'unknown', message: 'the token refresh answer was not BookLore JSON', answered: true });
    this.accept(parsed);
    return true;
  }

  /** §2.1: 200 {accessToken, refreshToken}; 400 "Invalid credentials"; 429 after too many attempts. */
  login(username: string, password: string): Tokens {
    const response = this.post('/api/v1/auth/login', objectJson([['username', stringJson(username)], ['password', stringJson(password)]]));
    if (response.status === 200) {
      const parsed = parseLogin(response.text);
      if (parsed !== null) {
        this.accept(parsed);
        return parsed;
      }
      throw new TransportError({
        kind: 'offline',
        message: response.contentType.includes('html')
          ? 'the network answered the login with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)'
          : 'the login answer was not BookLore JSON',
        answered: false,
      });
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      const message = parseError(response.text)?.message;
      throw new AuthError(`the server rejected the BookLore username or password${message !== undefined && message !== null && message.length > 0 ? ` (${message})` : ''}`);
    }
    if (response.status === 429) throw new AuthError('too many failed logins: the server is refusing logins for a while; try again later');
    throw new TransportError({ kind: response.status >= 500 ? 'offline' : 'unknown', message: `login failed with HTTP ${response.status}`, answered: true });
  }
}

// ── the client ──────────────────────────────────────────────────────────────────────────────────

export class BookLoreClient implements BookLoreApi {
  readonly serverKey: string;
  private healthy = false;

  constructor(
    server: string,
    readonly auth: Authenticator,
    private readonly http: HttpTransport,
    private readonly random: () => number,
  ) {
    this.serverKey = normalizeServerUrl(server);
  }

  get canListSessions(): boolean {
    return this.auth.hasJwt;
  }

  private get sessionAuth(): AuthKind {
    return this.auth.hasJwt ? 'jwt' : 'koreader';
  }

  /** One request with its credentials; a 401 renews the JWT once and tries again (X6). */
  private exchange(method: 'GET' | 'POST', path: string, auth: AuthKind, body?: string): HttpResponse {
    const send = (): HttpResponse => {
      const headers = auth === 'jwt' ? this.auth.bearerHeaders() : auth === 'koreader' ? this.auth.koreaderHeaders() : {};
      const result = this.http.request(`${this.serverKey}${path}`, { method, headers, body });
      if (!result.ok) throw new TransportError(result.failure);
      return result.response;
    };
    const first = send();
    if (first.status !== 401 || auth !== 'jwt') return first;
    this.auth.renew();
    const second = send();
    if (second.status === 401) throw new AuthError('the server keeps refusing the BookLore login (401 after a fresh login); enter the BookLore account again');
    return second;
  }

  /** Runs an exchange, turning thrown transport and auth problems into outcome values. */
  private attempt<T>(run: () => T): T | { ok: false; failure: Failure } {
    try {
      return run();
    } catch (err) {
      if (err instanceof TransportError) {
        const f = err.failure;
        return { ok: false, failure: f.kind === 'offline' ? offline(f.message) : unknown(f.message, f.answered) };
      }
      if (err instanceof AuthError) return { ok: false, failure: { kind: 'auth', message: err.message } };
      throw err;
    }
  }

  /** What a non-success status means for this endpoint (§1.3, §7.2). */
  private failureFor(response: HttpResponse, endpoint: Endpoint, auth: AuthKind): Failure {
    const status = response.status;
    const { message, details } = errorBody(response);
    const isPost = endpoint === 'single' || endpoint === 'batch';
    if (status >= 300 && status < 400) return { kind: 'offline', message: `redirected (HTTP ${status}): ${PORTAL}` };
    if (status === 401) return { kind: 'auth', message: 'the server refused the BookLore login (401)' };
    if (status === 403) {
      if (auth === 'koreader') {
        return {
          kind: 'auth',
          message: isPost
            ? 'the server refused the KOReader login for uploads (403): wrong KOReader username or password, or an upstream BookLore that accepts uploads only with a BookLore account'
            : 'the server refused the KOReader username or password (403)',
        };
      }
      return { kind: 'auth', message: `the server refused access (403)${message.length > 0 ? `: ${message}` : ''}` };
    }
    if (status === 409) return { kind: 'auth', message: 'the KOReader account is not linked to a BookLore user (409): link it under Settings → Devices → KOReader' };
    if (status === 404 && endpoint === 'batch' && !(isJson(response) && message.startsWith('Book not found'))) {
      return { kind: 'unsupported', message: 'no batch endpoint (404)', definite: true };
    }
    if ((status === 405 || status === 500) && endpoint === 'batch') {
      return { kind: 'unsupported', message: `no batch endpoint (${status})`, definite: true };
    }
    if (status === 429 || status >= 500) {
      // A gateway error may come after the app stored the upload: check before re-sending.
      if (isPost && (status === 502 || status === 504)) return { kind: 'unknown', message: `gateway error ${status}`, answered: false };
      return { kind: 'server', status, message, retryAfterSeconds: response.retryAfterSeconds };
    }
    return { kind: 'rejected', status, message, details };
  }

  postSessionNow(bookId: number, bookType: string, session: WireSession): SingleOutcome {
    const auth = this.sessionAuth;
    return this.attempt((): SingleOutcome => {
      const response = this.exchange('POST', '/api/v1/reading-sessions', auth, singleBody(bookId, bookType, session));
      if (response.status === 202) return { ok: true };
      if (response.status >= 200 && response.status < 300) {
        // §1.1: success is exactly 202 with an empty body. A web page means a portal (nothing stored);
        // anything else may have been stored somewhere: check before re-sending.
        if (isHtml(response)) return { ok: false, failure: offline(PORTAL) };
        return { ok: false, failure: unknown(`unexpected answer ${response.status} to an upload`, true) };
      }
      return { ok: false, failure: this.failureFor(response, 'single', auth) };
    });
  }

  postBatchNow(bookId: number, bookType: string, sessions: WireSession[]): BatchOutcome {
    const auth = this.sessionAuth;
    return this.attempt((): BatchOutcome => {
      const response = this.exchange('POST', '/api/v1/reading-sessions/batch', auth, batchBody(bookId, bookType, sessions));
      if (response.status === 200 && isJson(response)) {
        const parsed = parseBatch(response.text);
        if (parsed !== null && parsed.totalRequested === sessions.length && parsed.successCount === sessions.length) {
          const ids: (number | null)[] = [];
          for (let i = 0; i < sessions.length; i++) {
            ids[i] = parsed.results !== null && parsed.resultCount === sessions.length ? (parsed.results[i] ?? null) : null;
          }
          return { ok: true, sessionIds: ids };
        }
        return {
          ok: false,
          failure: unknown(parsed !== null ? `the server confirmed ${parsed.successCount} of ${sessions.length}` : 'the batch answer was not the expected JSON', true),
        };
      }
      if (response.status >= 200 && response.status < 300) {
        if (isHtml(response)) return { ok: false, failure: this.explainHtml('the batch path answered with a web page') };
        return { ok: false, failure: unknown(`unexpected answer ${response.status} to a batch upload`, true) };
      }
      return { ok: false, failure: this.failureFor(response, 'batch', auth) };
    });
  }

  /** §3.1: the KOReader path with KOReader headers, else the JWT path. */
  private lookupRoute(hash: string): { path: string; auth: AuthKind } {
    return this.auth.hasKoreader
      ? { path: `/api/koreader/books/by-hash/${hash}`, auth: 'koreader' }
      : { path: `/api/v1/books/by-hash/${hash}?withDescription=false`, auth: 'jwt' };
  }

  lookupBookByHashNow(hash: string): LookupOutcome {
    const { path, auth } = this.lookupRoute(hash);
    return this.attempt((): LookupOutcome => {
      const response = this.exchange('GET', path, auth);
      if (response.status === 200 && isJson(response)) {
        const book = parseBook(response.text);
        if (book !== null) return { ok: true, found: true, bookId: book.id, title: book.title, bookType: book.bookType };
        return { ok: false, failure: unknown('the book lookup answer was not a BookLore book', true) };
      }
      if (response.status === 404 && isJson(response)) return { ok: true, found: false };
      if (response.status === 200 && isHtml(response)) return { ok: false, failure: this.explainHtml('no hash lookup on this server') };
      if (response.status === 404) return { ok: false, failure: unsupported('no hash lookup on this server', true) };
      return { ok: false, failure: this.failureFor(response, 'lookup', auth) };
    });
  }

  listSessionsNow(bookId: number, page: number, size: number): ListOutcome {
    return this.attempt((): ListOutcome => {
      const response = this.exchange('GET', `/api/v1/reading-sessions/book/${integerText(bookId)}?page=${integerText(page)}&size=${integerText(size)}`, 'jwt');
      if (response.status === 200) {
        const parsed = isJson(response) ? parseSessionPage(response.text) : null;
        if (parsed === null) {
          return { ok: false, failure: isHtml(response) ? offline(PORTAL) : unknown('the session list was not the expected JSON', true) };
        }
        return { ok: true, sessions: parsed.sessions, lastPage: parsed.number >= parsed.totalPages - 1 || parsed.sessions.length === 0 };
      }
      return { ok: false, failure: this.failureFor(response, 'list', 'jwt') };
    });
  }

  /** An HTML page where JSON was due: upstream's SPA fallback, or a captive portal. The healthcheck tells which. */
  private explainHtml(unsupportedMessage: string): Failure {
    const health = this.healthcheck();
    return health.ok ? unsupported(unsupportedMessage, true) : health.failure;
  }

  healthcheck(): { ok: true; version: string | null } | { ok: false; failure: Failure } {
    return this.attempt((): { ok: true; version: string | null } | { ok: false; failure: Failure } => {
      const response = this.exchange('GET', '/api/v1/healthcheck', 'none');
      const parsed = response.status === 200 && isJson(response) ? parseHealthcheck(response.text) : null;
      if (parsed !== null) return { ok: true, version: parsed.version };
      if (isHtml(response) || (response.status >= 300 && response.status < 400)) return { ok: false, failure: offline(PORTAL) };
      return { ok: false, failure: offline(`this does not look like a BookLore server (healthcheck answered HTTP ${response.status})`) };
    });
  }

  private ensureHealthy(): { ok: true } | { ok: false; failure: Failure } {
    if (this.healthy) return { ok: true };
    const health = this.healthcheck();
    if (!health.ok) return health;
    this.healthy = true;
    return { ok: true };
  }

  probeBatchNow(): ProbeOutcome {
    const healthy = this.ensureHealthy();
    if (!healthy.ok) return healthy;
    const auth = this.sessionAuth;
    return this.attempt((): ProbeOutcome => {
      const response = this.exchange('POST', '/api/v1/reading-sessions/batch', auth, '{"bookId":0,"bookType":"EPUB","sessions":[]}');
      if (response.status === 400 && isJson(response)) return { ok: true, supported: true };
      if (response.status === 404 || response.status === 405 || response.status === 500 || isHtml(response)) return { ok: true, supported: false };
      return { ok: false, failure: this.failureFor(response, 'other', auth) };
    });
  }

  probeHashLookupNow(): ProbeOutcome {
    const healthy = this.ensureHealthy();
    if (!healthy.ok) return healthy;
    let hash = '';
    for (let i = 0; i < 32; i++) hash += string.format('%x', Math.floor(this.random() * 16) % 16);
    const { path, auth } = this.lookupRoute(hash);
    return this.attempt((): ProbeOutcome => {
      const response = this.exchange('GET', path, auth);
      if ((response.status === 404 || response.status === 200) && isJson(response)) return { ok: true, supported: true };
      if (response.status === 404 || isHtml(response)) return { ok: true, supported: false };
      return { ok: false, failure: this.failureFor(response, 'lookup', auth) };
    });
  }

  /** §2.4: checks the KOReader username and key. */
  checkKoreaderLogin(): { ok: true; username: string } | { ok: false; failure: Failure } {
    return this.attempt((): { ok: true; username: string } | { ok: false; failure: Failure } => {
      const response = this.exchange('GET', '/api/koreader/users/auth', 'koreader');
      const parsed = response.status === 200 && isJson(response) ? parseKoreaderAuth(response.text) : null;
      if (parsed !== null) return { ok: true, username: parsed.username };
      if (response.status === 401 || response.status === 403) return { ok: false, failure: { kind: 'auth', message: 'the server refused the KOReader username or password' } };
      return { ok: false, failure: this.failureFor(response, 'other', 'koreader') };
    });
  }

  /** Makes sure the BookLore login works (logging in or refreshing as needed). */
  checkBookLoreLogin(): { ok: true } | { ok: false; failure: Failure } {
    return this.attempt((): { ok: true } | { ok: false; failure: Failure } => {
      const response = this.exchange('GET', '/api/v1/books', 'jwt');
      if (response.status === 200 && isJson(response)) return { ok: true };
      return { ok: false, failure: this.failureFor(response, 'other', 'jwt') };
    });
  }

  /** Logs in with a password now (Settings → BookLore account), so only the tokens need keeping. */
  logIn(username: string, password: string): { ok: true; tokens: Tokens } | { ok: false; failure: Failure } {
    return this.attempt((): { ok: true; tokens: Tokens } | { ok: false; failure: Failure } => ({ ok: true, tokens: this.auth.login(username, password) }));
  }

  // The port: requests run to completion before the promise is handed back.
  lookupBookByHash(hash: string): Promise<LookupOutcome> {
    return Promise.resolve(this.lookupBookByHashNow(hash));
  }

  postSession(bookId: number, bookType: string, session: WireSession): Promise<SingleOutcome> {
    return Promise.resolve(this.postSessionNow(bookId, bookType, session));
  }

  postBatch(bookId: number, bookType: string, sessions: WireSession[]): Promise<BatchOutcome> {
    return Promise.resolve(this.postBatchNow(bookId, bookType, sessions));
  }

  listSessions(bookId: number, page: number, size: number): Promise<ListOutcome> {
    return Promise.resolve(this.listSessionsNow(bookId, page, size));
  }

  probeBatch(): Promise<ProbeOutcome> {
    return Promise.resolve(this.probeBatchNow());
  }

  probeHashLookup(): Promise<ProbeOutcome> {
    return Promise.resolve(this.probeHashLookupNow());
  }
}

// The BookLore API port over HTTP, for both server variants (booklore-server.md §7): upstream
// (single POST, no hash lookup, HTML from unknown paths) and the fork (batch upload, hash lookup,
// KOReader headers on the session POSTs). Every answer is checked against what that endpoint
// returns on success; anything else is a failure with a meaning, never a success.
import { randomBytes } from 'node:crypto';
import type {
  BatchOutcome, BookLoreApi, Failure, ListOutcome, LookupOutcome, ProbeOutcome, SingleOutcome, WireSession,
} from '../core/sync/api-port.js';
import { AuthError, Authenticator, parseJson } from './authenticator.js';
import { httpRequest, TransportFailure, type HttpResponse, type HttpSettings } from './http-transport.js';
import { BatchResponse, Book, BookList, ErrorResponse, Healthcheck, KoreaderAuth, SessionPage } from './schemas.js';

type AuthKind = 'jwt' | 'koreader' | 'none';
type Endpoint = 'single' | 'batch' | 'lookup' | 'list' | 'other';

const PORTAL = 'the network answered with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)';

export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function isJson(response: HttpResponse): boolean {
  return response.contentType.includes('json');
}

function isHtml(response: HttpResponse): boolean {
  return response.contentType.includes('html');
}

function errorBody(response: HttpResponse): { message: string; details: string[] } {
  const parsed = isJson(response) ? parseJson(response.text, ErrorResponse) : null;
  const message = parsed?.message ?? (response.text ? response.text.slice(0, 200).replace(/\s+/g, ' ').trim() : '');
  return { message: message || `HTTP ${response.status}`, details: parsed?.details ?? [] };
}

const unknown = (message: string, answered: boolean): Failure => ({ kind: 'unknown', message, answered });
const offline = (message: string): Failure => ({ kind: 'offline', message });
const unsupported = (message: string, definite: boolean): Failure => ({ kind: 'unsupported', message, definite });

export interface BookSummary {
  id: number;
  title: string | null;
  bookType: string | null;
}

export class BookLoreClient implements BookLoreApi {
  readonly serverKey: string;
  private healthy: boolean | null = null;

  constructor(
    server: string,
    readonly auth: Authenticator,
    private readonly http: HttpSettings,
  ) {
    this.serverKey = normalizeServerUrl(server);
  }

  get canListSessions(): boolean {
    return this.auth.hasJwt;
  }

  /** JWT when a BookLore account is configured, else KOReader headers (fork only, §2.2). */
  private get sessionAuth(): AuthKind {
    return this.auth.hasJwt ? 'jwt' : 'koreader';
  }

  /** One request with its credentials; a 401 renews the JWT once and tries again (X6). */
  private async exchange(method: 'GET' | 'POST', path: string, auth: AuthKind, body?: unknown): Promise<HttpResponse> {
    const send = async () => {
      const headers = auth === 'jwt' ? await this.auth.bearerHeaders() : auth === 'koreader' ? this.auth.koreaderHeaders() : {};
      return httpRequest(`${this.serverKey}${path}`, { method, headers, body, ...this.http });
    };
    const first = await send();
    if (first.status !== 401 || auth !== 'jwt') return first;
    await this.auth.renew();
    const second = await send();
    if (second.status === 401) throw new AuthError('the server keeps refusing the BookLore login (401 after a fresh login); run `booklore-sync configure` again');
    return second;
  }

  /** Runs an exchange, turning thrown transport and auth problems into outcome values. */
  private async attempt<T extends { ok: boolean }>(run: () => Promise<T>): Promise<T | { ok: false; failure: Failure }> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof TransportFailure) {
        return { ok: false, failure: err.kind === 'offline' ? offline(err.message) : unknown(err.message, err.answered) };
      }
      if (err instanceof AuthError) return { ok: false, failure: { kind: 'auth', message: err.message } };
      throw err;
    }
  }

  /** What a non-success status means for this endpoint (§1.3, §7.2). */
  private failureFor(response: HttpResponse, endpoint: Endpoint, auth: AuthKind): Failure {
    const { status } = response;
    const { message, details } = errorBody(response);
    const isPost = endpoint === 'single' || endpoint === 'batch';
    if (status >= 300 && status < 400) return { kind: 'offline', message: `redirected (HTTP ${status}): ${PORTAL}` };
    if (status === 401) return { kind: 'auth', message: 'the server refused the BookLore login (401)' };
    if (status === 403) {
      if (auth === 'koreader') {
        return {
          kind: 'auth',
          message: isPost
            ? 'the server refused the KOReader login for uploads (403): wrong KOReader username or password, or an upstream BookLore that accepts uploads only with a BookLore account (configure --username)'
            : 'the server refused the KOReader username or password (403)',
        };
      }
      return { kind: 'auth', message: `the server refused access (403)${message ? `: ${message}` : ''}` };
    }
    if (status === 409) return { kind: 'auth', message: `the KOReader account is not linked to a BookLore user (409): link it under Settings → Devices → KOReader` };
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

  async postSession(bookId: number, bookType: string, session: WireSession): Promise<SingleOutcome> {
    const auth = this.sessionAuth;
    return this.attempt(async () => {
      const response = await this.exchange('POST', '/api/v1/reading-sessions', auth, { bookId, bookType, ...session });
      if (response.status === 202) return { ok: true as const };
      if (response.status >= 200 && response.status < 300) {
        // §1.1: success is exactly 202 with an empty body. A web page means a portal (nothing stored);
        // anything else may have been stored somewhere: check before re-sending.
        if (isHtml(response)) return { ok: false as const, failure: offline(PORTAL) };
        return { ok: false as const, failure: unknown(`unexpected answer ${response.status} to an upload`, true) };
      }
      return { ok: false as const, failure: this.failureFor(response, 'single', auth) };
    });
  }

  async postBatch(bookId: number, bookType: string, sessions: WireSession[]): Promise<BatchOutcome> {
    const auth = this.sessionAuth;
    return this.attempt(async () => {
      const response = await this.exchange('POST', '/api/v1/reading-sessions/batch', auth, { bookId, bookType, sessions });
      if (response.status === 200 && isJson(response)) {
        const parsed = parseJson(response.text, BatchResponse);
        if (parsed && parsed.totalRequested === sessions.length && parsed.successCount === sessions.length) {
          const ids = parsed.results && parsed.results.length === sessions.length ? parsed.results.map((r) => r.sessionId ?? null) : sessions.map(() => null);
          return { ok: true as const, sessionIds: ids };
        }
        return { ok: false as const, failure: unknown(parsed ? `the server confirmed ${parsed.successCount} of ${sessions.length}` : 'the batch answer was not the expected JSON', true) };
      }
      if (response.status >= 200 && response.status < 300) {
        if (isHtml(response)) return { ok: false as const, failure: await this.explainHtml('the batch path answered with a web page') };
        return { ok: false as const, failure: unknown(`unexpected answer ${response.status} to a batch upload`, true) };
      }
      return { ok: false as const, failure: this.failureFor(response, 'batch', auth) };
    });
  }

  /** §3.1: the KOReader path with KOReader headers, else the JWT path. */
  private lookupRoute(hash: string): { path: string; auth: AuthKind } {
    return this.auth.hasKoreader
      ? { path: `/api/koreader/books/by-hash/${hash}`, auth: 'koreader' }
      : { path: `/api/v1/books/by-hash/${hash}?withDescription=false`, auth: 'jwt' };
  }

  async lookupBookByHash(hash: string): Promise<LookupOutcome> {
    const { path, auth } = this.lookupRoute(hash);
    return this.attempt(async () => {
      const response = await this.exchange('GET', path, auth);
      if (response.status === 200 && isJson(response)) {
        const book = parseJson(response.text, Book);
        if (book) return { ok: true as const, found: true as const, bookId: book.id, title: book.metadata?.title ?? book.title ?? null, bookType: book.primaryFile?.bookType ?? null };
        return { ok: false as const, failure: unknown('the book lookup answer was not a BookLore book', true) };
      }
      if (response.status === 404 && isJson(response)) return { ok: true as const, found: false as const };
      if (response.status === 200 && isHtml(response)) return { ok: false as const, failure: await this.explainHtml('no hash lookup on this server') };
      if (response.status === 404) return { ok: false as const, failure: unsupported('no hash lookup on this server', true) };
      return { ok: false as const, failure: this.failureFor(response, 'lookup', auth) };
    });
  }

  async listSessions(bookId: number, page: number, size: number): Promise<ListOutcome> {
    return this.attempt(async () => {
      const response = await this.exchange('GET', `/api/v1/reading-sessions/book/${bookId}?page=${page}&size=${size}`, 'jwt');
      if (response.status === 200) {
        const parsed = isJson(response) ? parseJson(response.text, SessionPage) : null;
        if (!parsed) {
          return { ok: false as const, failure: isHtml(response) ? offline(PORTAL) : unknown('the session list was not the expected JSON', true) };
        }
        return {
          ok: true as const,
          sessions: parsed.content.map((s) => ({ id: s.id, startTime: s.startTime, endTime: s.endTime })),
          lastPage: parsed.page.number >= parsed.page.totalPages - 1 || parsed.content.length === 0,
        };
      }
      return { ok: false as const, failure: this.failureFor(response, 'list', 'jwt') };
    });
  }

  /**
   * An HTML page where JSON was due: upstream BookLore's SPA fallback for a path it lacks (§1.3),
   * or a captive portal. The healthcheck, JSON on every BookLore, tells which.
   */
  private async explainHtml(unsupported: string): Promise<Failure> {
    const health = await this.healthcheck();
    return health.ok ? { kind: 'unsupported', message: unsupported, definite: true } : health.failure;
  }

  /** A web page from the healthcheck means a captive portal, not BookLore. */
  async healthcheck(): Promise<{ ok: true; version: string | null } | { ok: false; failure: Failure }> {
    return this.attempt(async () => {
      const response = await this.exchange('GET', '/api/v1/healthcheck', 'none');
      const parsed = response.status === 200 && isJson(response) ? parseJson(response.text, Healthcheck) : null;
      if (parsed) return { ok: true as const, version: parsed.data?.version ?? null };
      if (isHtml(response) || (response.status >= 300 && response.status < 400)) {
        return { ok: false as const, failure: offline(PORTAL) };
      }
      return { ok: false as const, failure: offline(`this does not look like a BookLore server (healthcheck answered HTTP ${response.status})`) };
    });
  }

  private async ensureHealthy(): Promise<{ ok: true } | { ok: false; failure: Failure }> {
    if (this.healthy) return { ok: true };
    const health = await this.healthcheck();
    if (!health.ok) return health;
    this.healthy = true;
    return { ok: true };
  }

  /** An empty batch is refused by the fork's validation (400) before anything is stored; upstream has no such path. */
  async probeBatch(): Promise<ProbeOutcome> {
    const healthy = await this.ensureHealthy();
    if (!healthy.ok) return healthy;
    const auth = this.sessionAuth;
    return this.attempt(async () => {
      const response = await this.exchange('POST', '/api/v1/reading-sessions/batch', auth, { bookId: 0, bookType: 'EPUB', sessions: [] });
      if (response.status === 400 && isJson(response)) return { ok: true as const, supported: true };
      if (response.status === 404 || response.status === 405 || response.status === 500 || isHtml(response)) return { ok: true as const, supported: false };
      return { ok: false as const, failure: this.failureFor(response, 'other', auth) };
    });
  }

  /** A random fingerprint: 404 JSON means the lookup exists; a web page means it does not (upstream's SPA fallback). */
  async probeHashLookup(): Promise<ProbeOutcome> {
    const healthy = await this.ensureHealthy();
    if (!healthy.ok) return healthy;
    const { path, auth } = this.lookupRoute(randomBytes(16).toString('hex'));
    return this.attempt(async () => {
      const response = await this.exchange('GET', path, auth);
      if ((response.status === 404 || response.status === 200) && isJson(response)) return { ok: true as const, supported: true };
      if (response.status === 404 || isHtml(response)) return { ok: true as const, supported: false };
      return { ok: false as const, failure: this.failureFor(response, 'lookup', auth) };
    });
  }

  /** §2.4: checks the KOReader username and key. */
  async checkKoreaderLogin(): Promise<{ ok: true; username: string } | { ok: false; failure: Failure }> {
    return this.attempt(async () => {
      const response = await this.exchange('GET', '/api/koreader/users/auth', 'koreader');
      const parsed = response.status === 200 && isJson(response) ? parseJson(response.text, KoreaderAuth) : null;
      if (parsed) return { ok: true as const, username: parsed.username };
      if (response.status === 401 || response.status === 403) {
        return { ok: false as const, failure: { kind: 'auth', message: 'the server refused the KOReader username or password' } satisfies Failure };
      }
      return { ok: false as const, failure: this.failureFor(response, 'other', 'koreader') };
    });
  }

  /** Makes sure the BookLore login works (logging in or refreshing as needed). */
  async checkBookLoreLogin(): Promise<{ ok: true } | { ok: false; failure: Failure }> {
    return this.attempt(async () => {
      const response = await this.exchange('GET', '/api/v1/books', 'jwt');
      if (response.status === 200 && isJson(response)) return { ok: true as const };
      return { ok: false as const, failure: this.failureFor(response, 'other', 'jwt') };
    });
  }

  /** The user's books on the server (§4: GET /api/v1/books, JWT), to find an id to attach. */
  async listBooks(): Promise<{ ok: true; books: BookSummary[] } | { ok: false; failure: Failure }> {
    return this.attempt(async () => {
      const response = await this.exchange('GET', '/api/v1/books', 'jwt');
      const parsed = response.status === 200 && isJson(response) ? parseJson(response.text, BookList) : null;
      if (parsed) {
        return {
          ok: true as const,
          books: parsed.map((b) => ({ id: b.id, title: b.metadata?.title ?? b.title ?? null, bookType: b.primaryFile?.bookType ?? null })),
        };
      }
      if (response.status >= 200 && response.status < 300) return { ok: false as const, failure: unknown('the book list was not the expected JSON', true) };
      return { ok: false as const, failure: this.failureFor(response, 'other', 'jwt') };
    });
  }
}

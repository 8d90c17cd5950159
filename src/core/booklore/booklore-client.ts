// The BookLore API port (api-port.ts) over the HTTP port, for both server variants (booklore-server.md
// §7): upstream (single POST, no hash lookup, HTML from unknown paths) and the fork (batch upload,
// hash lookup, KOReader headers on the session POSTs). Also the checks Test Connection makes and
// the book list. One implementation for both runtimes: Node and the KOReader plugin give it their
// transport, JSON, answer checks and wording (ports below); what each answer means is in
// endpoint-answers.ts.
import type { BatchOutcome, BookLoreApi, ListOutcome, LookupOutcome, ProbeOutcome, SingleOutcome, WireSession } from '../sync/api-port.js';
import { AnswerReader } from './answer-reader.js';
import type { AnswerShapes, BookSummary, KoreaderAuthAnswer, Tokens } from './answer-shapes.js';
import { Authenticator, type AuthHeaders, type Credentials } from './authenticator.js';
import type { ClientWording } from './client-wording.js';
import { EndpointAnswers, isWebPage, type AuthKind, type HealthOutcome, type TokensOutcome, type WebPage } from './endpoint-answers.js';
import { failed, refused, transportFailure, unsupported, type Failed } from './failures.js';
import type { HttpPort, HttpRequest, HttpResponse } from './http-port.js';
import { libraryAnswer, contentAnswer } from './library-endpoints.js';
import type { ContentOutcome, LibraryApi, LibraryOutcome } from '../sync/library-port.js';
import { integerText } from './integer-text.js';
import type { JsonPort } from './json-port.js';
import { RequestBodies } from './request-bodies.js';
import { normalizeServerUrl } from './server-url.js';

export interface BookLorePorts {
  http: HttpPort;
  json: JsonPort;
  shapes: AnswerShapes;
  wording: ClientWording;
  /** A number in [0, 1), for the lookup probe's made-up fingerprint. */
  random: () => number;
}

type Exchanged = { ok: true; response: HttpResponse } | Failed;

/** A ranged read of bytes (§8). */
interface ByteRead {
  range: string | null;
  maxBytes: number;
}

const HEX_DIGITS = '0123456789abcdef';

export class BookLoreClient implements BookLoreApi, LibraryApi {
  readonly serverKey: string;
  readonly auth: Authenticator;
  private readonly answers: EndpointAnswers;
  private readonly bodies: RequestBodies;
  private healthy = false;

  constructor(
    server: string,
    credentials: Credentials,
    private readonly ports: BookLorePorts,
    onTokens: (tokens: Tokens) => void = () => {},
  ) {
    this.serverKey = normalizeServerUrl(server);
    this.answers = new EndpointAnswers(new AnswerReader(ports.json, ports.shapes), ports.wording);
    this.bodies = new RequestBodies(ports.json);
    this.auth = new Authenticator(this.serverKey, credentials, { http: ports.http, answers: this.answers, bodies: this.bodies, wording: ports.wording, onTokens });
  }

  get canListSessions(): boolean {
    return this.auth.hasJwt;
  }

  /** JWT when a BookLore account is configured, else KOReader headers (fork only, §2.2). */
  private get sessionAuth(): AuthKind {
    return this.auth.hasJwt ? 'jwt' : 'koreader';
  }

  private async authHeaders(auth: AuthKind): Promise<AuthHeaders> {
    if (auth === 'jwt') return this.auth.bearerHeaders();
    if (auth === 'koreader') return this.auth.koreaderHeaders();
    return { ok: true, headers: {} };
  }

  private async send(method: 'GET' | 'POST', path: string, auth: AuthKind, body?: string, bytes?: ByteRead): Promise<Exchanged> {
    const credentials = await this.authHeaders(auth);
    if (!credentials.ok) return credentials;
    const request: HttpRequest = { method, url: `${this.serverKey}${path}`, headers: credentials.headers, body };
    if (bytes !== undefined) {
      request.maxBytes = bytes.maxBytes;
      if (bytes.range !== null) request.headers = { ...credentials.headers, range: bytes.range };
    }
    const sent = await this.ports.http.send(request);
    return sent.ok ? sent : failed(transportFailure(sent.failure));
  }

  /** One request with its credentials; a 401 renews the JWT once and tries again (X6). */
  private async exchange(method: 'GET' | 'POST', path: string, auth: AuthKind, body?: string, bytes?: ByteRead): Promise<Exchanged> {
    const first = await this.send(method, path, auth, body, bytes);
    if (!first.ok || first.response.status !== 401 || auth !== 'jwt') return first;
    const renewed = await this.auth.renew();
    if (!renewed.ok) return renewed;
    const second = await this.send(method, path, auth, body, bytes);
    if (second.ok && second.response.status === 401) return failed(refused(this.ports.wording.loginRefusedAfterRenewal));
    return second;
  }

  /** An HTML page where JSON was due: the healthcheck, JSON on every BookLore, tells upstream's SPA fallback from a captive portal. */
  private async explain<T extends object>(outcome: T | WebPage): Promise<T | Failed> {
    if (!isWebPage(outcome)) return outcome;
    const health = await this.healthcheck();
    return health.ok ? failed(unsupported(outcome.unsupported, true)) : health;
  }

  async postSession(bookId: number, bookType: string, session: WireSession): Promise<SingleOutcome> {
    const auth = this.sessionAuth;
    const exchanged = await this.exchange('POST', '/api/v1/reading-sessions', auth, this.bodies.single(bookId, bookType, session));
    return exchanged.ok ? this.answers.singleUpload(exchanged.response, auth) : exchanged;
  }

  async postBatch(bookId: number, bookType: string, sessions: WireSession[]): Promise<BatchOutcome> {
    const auth = this.sessionAuth;
    const exchanged = await this.exchange('POST', '/api/v1/reading-sessions/batch', auth, this.bodies.batch(bookId, bookType, sessions));
    return exchanged.ok ? this.explain(this.answers.batchUpload(exchanged.response, sessions.length, auth)) : exchanged;
  }

  /** §3.1: the KOReader path with KOReader headers, else the JWT path. */
  private lookupRoute(hash: string): { path: string; auth: AuthKind } {
    return this.auth.hasKoreader
      ? { path: `/api/koreader/books/by-hash/${hash}`, auth: 'koreader' }
      : { path: `/api/v1/books/by-hash/${hash}?withDescription=false`, auth: 'jwt' };
  }

  async lookupBookByHash(hash: string): Promise<LookupOutcome> {
    const { path, auth } = this.lookupRoute(hash);
    const exchanged = await this.exchange('GET', path, auth);
    return exchanged.ok ? this.explain(this.answers.lookup(exchanged.response, auth)) : exchanged;
  }

  async listSessions(bookId: number, page: number, size: number): Promise<ListOutcome> {
    const path = `/api/v1/reading-sessions/book/${integerText(bookId)}?page=${integerText(page)}&size=${integerText(size)}`;
    const exchanged = await this.exchange('GET', path, 'jwt');
    return exchanged.ok ? this.answers.sessionList(exchanged.response) : exchanged;
  }

  /** Is this BookLore at all? A web page from the healthcheck means a captive portal. */
  async healthcheck(): Promise<HealthOutcome> {
    const exchanged = await this.exchange('GET', '/api/v1/healthcheck', 'none');
    return exchanged.ok ? this.answers.healthcheck(exchanged.response) : exchanged;
  }

  private async ensureHealthy(): Promise<{ ok: true } | Failed> {
    if (this.healthy) return { ok: true };
    const health = await this.healthcheck();
    if (!health.ok) return health;
    this.healthy = true;
    return { ok: true };
  }

  /** Does the batch endpoint exist? Asked with an empty batch, which stores nothing. */
  async probeBatch(): Promise<ProbeOutcome> {
    const healthy = await this.ensureHealthy();
    if (!healthy.ok) return healthy;
    const auth = this.sessionAuth;
    const exchanged = await this.exchange('POST', '/api/v1/reading-sessions/batch', auth, this.bodies.batch(0, 'EPUB', []));
    return exchanged.ok ? this.answers.batchProbe(exchanged.response, auth) : exchanged;
  }

  /** Does hash lookup exist? Asked with a made-up fingerprint. */
  async probeHashLookup(): Promise<ProbeOutcome> {
    const healthy = await this.ensureHealthy();
    if (!healthy.ok) return healthy;
    let hash = '';
    for (let i = 0; i < 32; i++) hash += HEX_DIGITS.charAt(Math.floor(this.ports.random() * 16) % 16);
    const { path, auth } = this.lookupRoute(hash);
    const exchanged = await this.exchange('GET', path, auth);
    return exchanged.ok ? this.answers.lookupProbe(exchanged.response, auth) : exchanged;
  }

  /** §2.4: checks the KOReader username and key. */
  async checkKoreaderLogin(): Promise<({ ok: true } & KoreaderAuthAnswer) | Failed> {
    const exchanged = await this.exchange('GET', '/api/koreader/users/auth', 'koreader');
    return exchanged.ok ? this.answers.koreaderLogin(exchanged.response) : exchanged;
  }

  /** Makes sure the BookLore login works (logging in or refreshing as needed). */
  async checkBookLoreLogin(): Promise<{ ok: true } | Failed> {
    const exchanged = await this.exchange('GET', '/api/v1/books', 'jwt');
    return exchanged.ok ? this.answers.bookloreLogin(exchanged.response) : exchanged;
  }

  /** The user's books on the server (§4: GET /api/v1/books, JWT), to find an id to attach. */
  async listBooks(): Promise<{ ok: true; books: BookSummary[] } | Failed> {
    const exchanged = await this.exchange('GET', '/api/v1/books', 'jwt');
    return exchanged.ok ? this.answers.bookList(exchanged.response) : exchanged;
  }

  /** §8: every book the user may see, as the files a fingerprint may match. */
  async listLibrary(): Promise<LibraryOutcome> {
    const exchanged = await this.exchange('GET', '/api/v1/books?withDescription=false', 'jwt');
    return exchanged.ok ? this.explain(libraryAnswer(exchanged.response, this.ports.json, this.answers)) : exchanged;
  }

  /** §8: GET /api/v1/books/{id}/content with a Range, read as bytes up to `maxBytes`. */
  async fetchContent(bookId: number, bookType: string | null, range: string | null, maxBytes: number): Promise<ContentOutcome> {
    const query = bookType === null ? '' : `?bookType=${bookType}`;
    const exchanged = await this.exchange('GET', `/api/v1/books/${integerText(bookId)}/content${query}`, 'jwt', undefined, { range, maxBytes });
    return exchanged.ok ? contentAnswer(exchanged.response, this.answers) : exchanged;
  }

  /** Logs in with a password now (configure, Settings → BookLore account), so only the tokens need keeping. */
  logIn(username: string, password: string): Promise<TokensOutcome> {
    return this.auth.login(username, password);
  }
}

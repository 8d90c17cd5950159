// What each BookLore answer means, endpoint by endpoint: exact success only (X3: a single upload
// is 202, a batch is 200 JSON whose counts match; a web page is never a success), and every other
// answer a Failure with a meaning (§1.3, §7.2). Pure: an answer in, an outcome out, so the rules
// are tested with tables of answers and no network.
import type { BatchOutcome, Failure, ListOutcome, LookupOutcome, ProbeOutcome, SingleOutcome } from '../sync/api-port.js';
import type { BookSummary, HealthAnswer, KoreaderAuthAnswer, Tokens } from './answer-shapes.js';
import { isHtml, isJson, type AnswerReader } from './answer-reader.js';
import type { ClientWording } from './client-wording.js';
import { failed, offline, PORTAL, refused, unknown, unsupported, type Failed } from './failures.js';
import type { HttpResponse } from './http-port.js';
import { integerText } from './integer-text.js';

/** Which credentials a request carries: a JWT, the KOReader headers, or none. */
export type AuthKind = 'jwt' | 'koreader' | 'none';

type Endpoint = 'single' | 'batch' | 'lookup' | 'list' | 'other';

/**
 * An HTML page where JSON was due: upstream BookLore's SPA fallback for a path it lacks (§1.3), or
 * a captive portal. Only the healthcheck can tell which, so the client asks it; `unsupported` is
 * the message if it is BookLore.
 */
export interface WebPage {
  ok: false;
  webPage: true;
  unsupported: string;
}

const webPage = (message: string): WebPage => ({ ok: false, webPage: true, unsupported: message });

export function isWebPage(outcome: object): outcome is WebPage {
  return 'webPage' in outcome;
}

const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;
const isRedirect = (status: number): boolean => status >= 300 && status < 400;

export type HealthOutcome = ({ ok: true } & HealthAnswer) | Failed;
export type TokensOutcome = { ok: true; tokens: Tokens } | Failed;
/** A refused refresh token (expired or revoked) is no failure: the password may still log in. */
export type RefreshOutcome = { ok: true; tokens: Tokens | null } | Failed;

export class EndpointAnswers {
  constructor(
    private readonly reader: AnswerReader,
    private readonly wording: ClientWording,
  ) {}

  /** §1.1: success is exactly 202 with an empty body. */
  singleUpload(response: HttpResponse, auth: AuthKind): SingleOutcome {
    if (response.status === 202) return { ok: true };
    if (isSuccessStatus(response.status)) {
      // A web page means a portal (nothing stored); anything else may have been stored somewhere:
      // check before re-sending.
      if (isHtml(response)) return failed(offline(PORTAL));
      return failed(unknown(`unexpected answer ${response.status} to an upload`, true));
    }
    return failed(this.failureFor(response, 'single', auth));
  }

  /** §1.2: success is 200 JSON confirming every session sent. */
  batchUpload(response: HttpResponse, sent: number, auth: AuthKind): BatchOutcome | WebPage {
    if (response.status === 200 && isJson(response)) {
      const parsed = this.reader.read(response.text, 'batchResponse');
      if (parsed !== null && parsed.totalRequested === sent && parsed.successCount === sent) {
        const results = parsed.results !== null && parsed.results.count === sent ? parsed.results.sessionIds : null;
        const ids: (number | null)[] = [];
        for (let i = 0; i < sent; i++) ids[i] = results !== null ? (results[i] ?? null) : null;
        return { ok: true, sessionIds: ids };
      }
      return failed(unknown(parsed !== null ? `the server confirmed ${integerText(parsed.successCount)} of ${sent}` : 'the batch answer was not the expected JSON', true));
    }
    if (isSuccessStatus(response.status)) {
      if (isHtml(response)) return webPage('the batch path answered with a web page');
      return failed(unknown(`unexpected answer ${response.status} to a batch upload`, true));
    }
    return failed(this.failureFor(response, 'batch', auth));
  }

  /** §3.1: a Book, or 404 JSON for no such fingerprint; without the endpoint, a 404 page or upstream's SPA fallback. */
  lookup(response: HttpResponse, auth: AuthKind): LookupOutcome | WebPage {
    if (response.status === 200 && isJson(response)) {
      const book = this.reader.read(response.text, 'book');
      if (book !== null) return { ok: true, found: true, bookId: book.id, title: book.title, bookType: book.bookType };
      return failed(unknown('the book lookup answer was not a BookLore book', true));
    }
    if (response.status === 404 && isJson(response)) return { ok: true, found: false };
    if (response.status === 200 && isHtml(response)) return webPage('no hash lookup on this server');
    if (response.status === 404) return failed(unsupported('no hash lookup on this server', true));
    return failed(this.failureFor(response, 'lookup', auth));
  }

  /** §1.1: one page of a book's sessions (JWT only). */
  sessionList(response: HttpResponse): ListOutcome {
    if (response.status === 200) {
      const parsed = isJson(response) ? this.reader.read(response.text, 'sessionPage') : null;
      if (parsed === null) return failed(isHtml(response) ? offline(PORTAL) : unknown('the session list was not the expected JSON', true));
      return { ok: true, sessions: parsed.sessions, lastPage: parsed.number >= parsed.totalPages - 1 || parsed.sessions.length === 0 };
    }
    return failed(this.failureFor(response, 'list', 'jwt'));
  }

  /** §4: JSON on every BookLore; a web page from it means a captive portal, not BookLore. */
  healthcheck(response: HttpResponse): HealthOutcome {
    const parsed = response.status === 200 && isJson(response) ? this.reader.read(response.text, 'healthcheck') : null;
    if (parsed !== null) return { ok: true, version: parsed.version };
    if (isHtml(response) || isRedirect(response.status)) return failed(offline(PORTAL));
    return failed(offline(`this does not look like a BookLore server (healthcheck answered HTTP ${response.status})`));
  }

  /** An empty batch is refused by the fork's validation (400) before anything is stored; upstream has no such path. */
  batchProbe(response: HttpResponse, auth: AuthKind): ProbeOutcome {
    if (response.status === 400 && isJson(response)) return { ok: true, supported: true };
    if (response.status === 404 || response.status === 405 || response.status === 500 || isHtml(response)) return { ok: true, supported: false };
    return failed(this.failureFor(response, 'other', auth));
  }

  /** A random fingerprint: 404 JSON means the lookup exists; a web page means it does not (upstream's SPA fallback). */
  lookupProbe(response: HttpResponse, auth: AuthKind): ProbeOutcome {
    if ((response.status === 404 || response.status === 200) && isJson(response)) return { ok: true, supported: true };
    if (response.status === 404 || isHtml(response)) return { ok: true, supported: false };
    return failed(this.failureFor(response, 'lookup', auth));
  }

  /** §2.4: the KOReader username and key. */
  koreaderLogin(response: HttpResponse): ({ ok: true } & KoreaderAuthAnswer) | Failed {
    const parsed = response.status === 200 && isJson(response) ? this.reader.read(response.text, 'koreaderAuth') : null;
    if (parsed !== null) return { ok: true, username: parsed.username };
    if (response.status === 401 || response.status === 403) return failed(refused('the server refused the KOReader username or password'));
    return failed(this.failureFor(response, 'other', 'koreader'));
  }

  /** Any JSON answer to GET /api/v1/books means the BookLore login works. */
  bookloreLogin(response: HttpResponse): { ok: true } | Failed {
    if (response.status === 200 && isJson(response)) return { ok: true };
    return failed(this.failureFor(response, 'other', 'jwt'));
  }

  /** §4 GET /api/v1/books. */
  bookList(response: HttpResponse): { ok: true; books: BookSummary[] } | Failed {
    const parsed = response.status === 200 && isJson(response) ? this.reader.read(response.text, 'bookList') : null;
    if (parsed !== null) return { ok: true, books: parsed };
    if (isSuccessStatus(response.status)) return failed(unknown('the book list was not the expected JSON', true));
    return failed(this.failureFor(response, 'other', 'jwt'));
  }

  /** §2.1: 200 {accessToken, refreshToken}; 400 "Invalid credentials"; 429 after too many attempts. */
  login(response: HttpResponse): TokensOutcome {
    if (response.status === 200) {
      const tokens = this.reader.read(response.text, 'tokens');
      if (tokens !== null) return { ok: true, tokens };
      return failed(
        offline(
          isHtml(response)
            ? 'the network answered the login with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)'
            : 'the login answer was not BookLore JSON',
        ),
      );
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      const error = this.reader.read(response.text, 'errorResponse');
      const reason = error !== null && error.message !== null && error.message.length > 0 ? ` (${error.message})` : '';
      return failed(refused(`the server rejected the BookLore username or password${reason}${this.wording.afterRejectedLogin}`));
    }
    if (response.status === 429) return failed(refused('too many failed logins: the server is refusing logins for a while; try again later'));
    const message = `login failed with HTTP ${response.status}`;
    return failed(response.status >= 500 ? offline(message) : unknown(message, true));
  }

  /** §2.1: 200 with new tokens (the refresh token rotates); anything else means the refresh token is dead. */
  refresh(response: HttpResponse): RefreshOutcome {
    if (response.status !== 200) return { ok: true, tokens: null };
    const tokens = this.reader.read(response.text, 'tokens');
    if (tokens === null) return failed(unknown('the token refresh answer was not BookLore JSON', true));
    return { ok: true, tokens };
  }

  /** What a non-success status means for this endpoint (§1.3, §7.2). */
  failureFor(response: HttpResponse, endpoint: Endpoint, auth: AuthKind): Failure {
    const status = response.status;
    const { message, details } = this.reader.errorBody(response);
    const isUpload = endpoint === 'single' || endpoint === 'batch';
    if (isRedirect(status)) return offline(`redirected (HTTP ${status}): ${PORTAL}`);
    if (status === 401) return refused('the server refused the BookLore login (401)');
    if (status === 403) {
      if (auth === 'koreader') return refused(isUpload ? this.wording.koreaderUploadRefused : 'the server refused the KOReader username or password (403)');
      return refused(`the server refused access (403)${message.length > 0 ? `: ${message}` : ''}`);
    }
    if (status === 409) return refused('the KOReader account is not linked to a BookLore user (409): link it under Settings → Devices → KOReader');
    if (status === 404 && endpoint === 'batch' && !(isJson(response) && message.startsWith('Book not found'))) {
      return unsupported('no batch endpoint (404)', true);
    }
    if ((status === 405 || status === 500) && endpoint === 'batch') return unsupported(`no batch endpoint (${status})`, true);
    if (status === 429 || status >= 500) {
      // A gateway error may come after the app stored the upload: check before re-sending.
      if (isUpload && (status === 502 || status === 504)) return unknown(`gateway error ${status}`, false);
      return { kind: 'server', status, message, retryAfterSeconds: response.retryAfterSeconds };
    }
    return { kind: 'rejected', status, message, details };
  }
}

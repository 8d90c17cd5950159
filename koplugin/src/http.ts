// The HTTP port (src/core/booklore/http-port.ts) through LuaSocket's socket.http (and LuaSec for
// https), with a deadline on every request and failures sorted the way src/node/client/http-transport.ts
// sorts them, by what they mean for the data: the request never reached the server (refused, name
// lookup, no route, connect timeout, TLS) → "offline", nothing stored; it was sent but the answer
// was lost (reset, timeout, cut short) → "unknown", maybe stored. The socket given to socket.http
// is wrapped so we know which step failed: connecting, sending, waiting for the answer, or reading it.
// Secrets travel in headers only and never appear in the messages made here.
import type { HttpPort, HttpRequest, HttpResult, TransportFailure } from '../../src/core/booklore/http-port.js';
import { lengthOf, retryAfterSeconds } from './http-headers.js';
import { luaRequire, type LuaSocket, type Ltn12, type SocketHttp, type SocketHttpRequest } from './lua-libs.js';
import { NAME_MISMATCH, trackedSocketFactory, type ResponseHead, type SocketTracker, type Stage } from './tracked-socket.js';

export interface HttpSettings {
  timeoutSeconds: number;
  /** Accept any certificate: only for a self-signed server, on the user's explicit opt-out. */
  insecureTls: boolean;
  /** A CA bundle for certificate checks (KOReader ships one); without it LuaSec uses the system's. */
  caFile: string | null;
}

/** Bodies larger than this are not kept in memory (a misbehaving server or portal). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** LuaSocket's and the resolver's words for "could not connect", in ours (cf. NOT_SENT in the Node transport). */
function notSentWords(error: string): string | null {
  const e = error.toLowerCase();
  if (e.includes('refused')) return 'connection refused';
  if (e.includes('not known') || e.includes('nodename') || e.includes('host not found') || e.includes('name or service') || e.includes('no address')) {
    return 'host name not found';
  }
  if (e.includes('temporary failure in name resolution') || e.includes('try again')) return 'host name lookup failed (no network?)';
  if (e.includes('network is unreachable') || e.includes('network unreachable')) return 'no network';
  if (e.includes('no route')) return 'no route to the server (no network?)';
  if (e.includes('host is down')) return 'the server host is down';
  if (e.includes('network is down')) return 'the network is down';
  if (e.includes('timeout')) return 'could not connect in time';
  return null;
}

function tlsProblem(error: string): boolean {
  const e = error.toLowerCase();
  return e.includes('certificate') || e.includes('verify') || e.includes('handshake') || e.includes('ssl') || e.includes('tls');
}

/** Where socket.http pours the body: kept up to MAX_BODY_BYTES, and stopped at `limit` when one is given. */
function bodySink(limit: number | undefined) {
  const chunks: string[] = [];
  let size = 0;
  let stopped = false;
  const sink: (this: void, chunk: string | undefined) => LuaMultiReturn<[number | undefined, string | undefined]> = (chunk) => {
    if (chunk !== undefined && size <= MAX_BODY_BYTES) {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
    if (limit !== undefined && size >= limit) {
      // A server that ignores Range must not make us read a whole book: stop here.
      stopped = true;
      return $multi(undefined, 'byte limit reached');
    }
    return $multi(1, undefined);
  };
  return { sink, text: () => chunks.join(''), stoppedAtLimit: () => stopped };
}

export class HttpTransport implements HttpPort {
  private readonly socket = luaRequire<LuaSocket>('socket');
  private readonly http = luaRequire<SocketHttp>('socket.http');
  private readonly ltn12 = luaRequire<Ltn12>('ltn12');

  constructor(
    private readonly settings: HttpSettings,
    private readonly nowSeconds: () => number,
  ) {}

  /** The port: the request runs to completion (KOReader is single-threaded) before the promise is handed back. */
  send(request: HttpRequest): Promise<HttpResult> {
    return Promise.resolve(this.request(request));
  }

  request(options: HttpRequest): HttpResult {
    const url = options.url;
    const timeout = this.settings.timeoutSeconds;
    const deadline = this.socket.gettime() + timeout;
    const https = url.substring(0, 8).toLowerCase() === 'https://';
    const tracker: SocketTracker = { stage: 'connect', error: null };
    // §8: the status line and headers as received, so an answer whose body we stop reading at
    // `maxBytes` (socket.http then returns only an error) still has its status and headers.
    const head: ResponseHead = { lines: [], done: false };
    const socketLib = this.socket;
    const tls = https ? this.tlsParameters() : null;
    const insecure = this.settings.insecureTls;

    const remaining = (): number => {
      const left = deadline - socketLib.gettime();
      return left > 0 ? left : 0;
    };

    const create = trackedSocketFactory({ socketLib, tls, insecure, remaining, tracker, head });

    const limit = options.maxBytes;
    const body = bodySink(limit);
    const sink = body.sink;

    const headers = new LuaTable<string, string>();
    headers.set('accept', limit !== undefined ? '*/*' : 'application/json');
    for (const [name, value] of Object.entries(options.headers)) headers.set(name.toLowerCase(), value);
    if (options.body !== undefined) {
      headers.set('content-type', 'application/json');
      headers.set('content-length', `${options.body.length}`);
    }
    const request: SocketHttpRequest = {
      url,
      method: options.method,
      headers,
      sink,
      redirect: false,
      create,
    };
    if (options.body !== undefined) request.source = this.ltn12.source.string(options.body);

    // A Lua error inside LuaSocket or LuaSec (rather than an error value) is a failure like any other.
    const [called, answer] = pcall(() => {
      const [ok, code, responseHeaders] = this.http.request(request);
      return { ok, code, responseHeaders };
    });
    if (body.stoppedAtLimit() && limit !== undefined) return this.stoppedAnswer(head.lines, body.text(), limit);
    if (!called || typeof answer === 'string') {
      return { ok: false, failure: this.classify(tracker.stage, tracker.error ?? tostring(answer), timeout) };
    }
    const { ok, code, responseHeaders } = answer;
    if (ok === undefined || typeof code !== 'number') {
      return { ok: false, failure: this.classify(tracker.stage, tracker.error ?? (typeof code === 'string' ? code : 'request failed'), timeout) };
    }
    const header = (name: string): string | undefined => (responseHeaders === undefined ? undefined : responseHeaders.get(name));
    return {
      ok: true,
      response: {
        status: code,
        contentType: header('content-type') ?? '',
        text: body.text(),
        retryAfterSeconds: retryAfterSeconds(header('retry-after'), this.nowSeconds()),
        contentRange: header('content-range') ?? null,
        contentLength: lengthOf(header('content-length')),
        truncated: false,
      },
    };
  }

  /** The answer we stopped reading at `limit` bytes, from the status line and headers seen on the socket. */
  private stoppedAnswer(lines: string[], body: string, limit: number): HttpResult {
    const [code] = string.match(lines[0] ?? '', '^HTTP/%d[%.%d]* (%d%d%d)');
    if (code === undefined) return { ok: false, failure: { kind: 'unknown', message: 'the answer had no status line', answered: true } };
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const [name, value] = string.match(lines[i]!, '^([^:]+):%s*(.-)%s*$');
      if (name !== undefined && value !== undefined) headers.set(name.toLowerCase(), value);
    }
    const contentLength = lengthOf(headers.get('content-length'));
    return {
      ok: true,
      response: {
        status: tonumber(code)!,
        contentType: headers.get('content-type') ?? '',
        text: body.length > limit ? body.substring(0, limit) : body,
        retryAfterSeconds: null,
        contentRange: headers.get('content-range') ?? null,
        contentLength,
        truncated: contentLength === null || contentLength > limit,
      },
    };
  }

  private classify(stage: Stage, error: string, timeoutSeconds: number): TransportFailure {
    const timedOut = error.toLowerCase().includes('timeout');
    if (stage === 'connect') {
      if (error.includes(NAME_MISMATCH)) {
        return { kind: 'offline', message: `TLS check failed: ${error}; use the server's name as its certificate gives it`, answered: false };
      }
      if (tlsProblem(error)) {
        return {
          kind: 'offline',
          message: `TLS certificate check failed (${error}); for a self-signed server turn off certificate checks in the settings`,
          answered: false,
        };
      }
      const words = notSentWords(error);
      return { kind: 'offline', message: words === null ? `could not connect (${error})` : `${words} (${error})`, answered: false };
    }
    if (stage === 'read') {
      // The status line arrived, so the server finished with the request; only its answer is lost.
      return { kind: 'unknown', message: `the answer was cut short (${timedOut ? `no answer within ${timeoutSeconds} s` : `connection lost (${error})`})`, answered: true };
    }
    if (timedOut) return { kind: 'unknown', message: `no answer within ${timeoutSeconds} s`, answered: false };
    return { kind: 'unknown', message: `connection lost (${error})`, answered: false };
  }

  private tlsParameters(): LuaTable<string, unknown> {
    const params = new LuaTable<string, unknown>();
    params.set('mode', 'client');
    params.set('protocol', 'any');
    params.set('options', ['all', 'no_sslv2', 'no_sslv3', 'no_tlsv1', 'no_tlsv1_1']);
    if (this.settings.insecureTls) {
      params.set('verify', 'none');
    } else {
      params.set('verify', ['peer', 'fail_if_no_peer_cert']);
      if (this.settings.caFile !== null) params.set('cafile', this.settings.caFile);
      else params.set('capath', '/etc/ssl/certs');
    }
    return params;
  }
}

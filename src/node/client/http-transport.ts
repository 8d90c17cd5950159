import type { Agent } from 'undici';
import type { HttpPort, HttpRequest, HttpResponse, HttpResult, TransportFailure } from '../../core/booklore/http-port.js';

// The HTTP port (src/core/booklore/http-port.ts) over the built-in fetch (undici), with a timeout
// on every request and failures sorted by what they mean for the data: never reached the server
// (nothing stored) or lost on the way back (maybe stored). Secrets travel in headers only and
// never appear in the messages made here.

const offline = (message: string): TransportFailure => ({ kind: 'offline', message, answered: false });
const lost = (message: string, answered = false): TransportFailure => ({ kind: 'unknown', message, answered });

/** Error codes raised before a request can have reached the server, in words. */
const NOT_SENT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (no network?)',
  EHOSTUNREACH: 'no route to the server (no network?)',
  ENETUNREACH: 'no network',
  EHOSTDOWN: 'the server host is down',
  ENETDOWN: 'the network is down',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time',
  EADDRNOTAVAIL: 'address not available',
  ERR_INVALID_URL: 'invalid server URL',
};

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/;

function errorCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return '';
}

function describe(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause.message : '';
  const outer = err instanceof Error ? err.message : String(err);
  return inner && inner !== outer ? `${outer}: ${inner}` : outer;
}

export function classifyTransportError(err: unknown, timeoutMs: number): TransportFailure {
  const name = (err as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return lost(`no answer within ${Math.round(timeoutMs / 1000)} s`);
  const code = errorCode(err);
  const words = NOT_SENT[code];
  if (words !== undefined) return offline(`${words} (${code})`);
  // undici refuses some addresses before connecting (e.g. "bad port"): nothing was sent.
  if (/bad port|invalid url/i.test(describe(err))) return offline(`invalid server address (${describe(err)}); check \`configure --server\``);
  if (TLS_CODES.test(code)) {
    return offline(`TLS certificate check failed (${code}); for a self-signed server see \`booklore-sync configure --insecure-tls\``);
  }
  return lost(`connection lost (${code || describe(err)})`);
}

/** How every request of one client is made. */
export interface HttpSettings {
  timeoutMs: number;
  /** Accept any certificate: only for a self-signed server, on the user's explicit opt-out. */
  insecureTls: boolean;
}

let insecureAgent: Agent | null = null;

/** undici's Agent is loaded only for the opt-out: the package costs ~18 MB of memory (measured). */
async function insecureDispatcher(): Promise<Agent> {
  if (insecureAgent === null) {
    const { Agent: AgentClass } = await import('undici');
    insecureAgent = new AgentClass({ connect: { rejectUnauthorized: false } });
  }
  return insecureAgent;
}

function retryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.min(3600, Math.round((date - Date.now()) / 1000))) : null;
}

/** Bodies larger than this are not read into memory (a misbehaving server or portal). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** §8: at most `maxBytes` of the body as a byte string (latin1), then the connection is dropped. */
async function readBytes(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  if (reader === undefined) return { text: '', truncated: false };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    size += value.byteLength;
    if (size >= maxBytes) {
      // Reading on would cost the rest of a whole book when a server ignores Range.
      truncated = size > maxBytes || (await reader.read().then((next) => !next.done, () => false));
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('latin1'), truncated };
}

export async function httpRequest(request: HttpRequest, settings: HttpSettings): Promise<HttpResult> {
  const binary = request.maxBytes !== undefined;
  const headers: Record<string, string> = { accept: binary ? '*/*' : 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
      // undici's Agent is what the built-in fetch uses underneath; the cast bridges the two type packages.
      ...(settings.insecureTls ? { dispatcher: (await insecureDispatcher()) as unknown as RequestInit['dispatcher'] } : {}),
    });
  } catch (err) {
    return { ok: false, failure: classifyTransportError(err, settings.timeoutMs) };
  }
  if (binary) return binaryResult(response, request.maxBytes!, settings);
  try {
    const length = Number(response.headers.get('content-length') ?? '0');
    let text = '';
    if (length > MAX_BODY_BYTES) {
      await response.body?.cancel();
      text = '';
    } else {
      text = await response.text();
      if (text.length > MAX_BODY_BYTES) text = text.slice(0, MAX_BODY_BYTES);
    }
    return { ok: true, response: answerOf(response, text) };
  } catch (err) {
    // The status line arrived, so the server finished with the request; only its answer is lost.
    return { ok: false, failure: lost(`the answer was cut short (${classifyTransportError(err, settings.timeoutMs).message})`, true) };
  }
}

/** The port's view of an answer: status, type, body, Retry-After. */
function answerOf(response: Response, text: string): HttpResponse {
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text,
    retryAfterSeconds: retryAfter(response.headers.get('retry-after')),
  };
}

async function binaryResult(response: Response, maxBytes: number, settings: HttpSettings): Promise<HttpResult> {
  const lengthHeader = response.headers.get('content-length');
  const contentLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  try {
    const { text, truncated } = await readBytes(response, Math.min(maxBytes, MAX_BODY_BYTES));
    return { ok: true, response: { ...answerOf(response, text), contentRange: response.headers.get('content-range'), contentLength, truncated } };
  } catch (err) {
    return { ok: false, failure: lost(`the answer was cut short (${classifyTransportError(err, settings.timeoutMs).message})`, true) };
  }
}

/** The HTTP port for one client's settings. */
export class FetchTransport implements HttpPort {
  constructor(private readonly settings: HttpSettings) {}

  send(request: HttpRequest): Promise<HttpResult> {
    return httpRequest(request, this.settings);
  }
}

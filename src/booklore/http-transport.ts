import type { Agent } from 'undici';

// HTTP over the built-in fetch (undici), with a timeout on every request and failures sorted by
// what they mean for the data: never reached the server (nothing stored) or lost on the way back
// (maybe stored). Secrets travel in headers only and never appear in the messages made here.

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
  retryAfterSeconds: number | null;
}

export type TransportFailureKind = 'offline' | 'unknown';

export class TransportFailure extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    /** The server had begun its answer (so it is done with the request) when the failure came. */
    readonly answered = false,
  ) {
    super(message);
    this.name = 'TransportFailure';
  }
}

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
  if (err instanceof TransportFailure) return err;
  const name = (err as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TransportFailure('unknown', `no answer within ${Math.round(timeoutMs / 1000)} s`);
  }
  const code = errorCode(err);
  const words = NOT_SENT[code];
  if (words !== undefined) return new TransportFailure('offline', `${words} (${code})`);
  // undici refuses some addresses before connecting (e.g. "bad port"): nothing was sent.
  if (/bad port|invalid url/i.test(describe(err))) return new TransportFailure('offline', `invalid server address (${describe(err)}); check \`configure --server\``);
  if (TLS_CODES.test(code)) {
    return new TransportFailure(
      'offline',
      `TLS certificate check failed (${code}); for a self-signed server see \`booklore-sync configure --insecure-tls\``,
    );
  }
  return new TransportFailure('unknown', `connection lost (${code || describe(err)})`);
}

export interface RequestOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** Accept any certificate: only for a self-signed server, on the user's explicit opt-out. */
  insecureTls?: boolean;
}

/** How every request of one client is made. */
export interface HttpSettings {
  timeoutMs: number;
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

export async function httpRequest(url: string, options: RequestOptions): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      // undici's Agent is what the built-in fetch uses underneath; the cast bridges the two type packages.
      ...(options.insecureTls ? { dispatcher: (await insecureDispatcher()) as unknown as RequestInit['dispatcher'] } : {}),
    });
  } catch (err) {
    throw classifyTransportError(err, options.timeoutMs);
  }
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
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
      retryAfterSeconds: retryAfter(response.headers.get('retry-after')),
    };
  } catch (err) {
    // The status line arrived, so the server finished with the request; only its answer is lost.
    const failure = classifyTransportError(err, options.timeoutMs);
    throw new TransportFailure('unknown', `the answer was cut short (${failure.message})`, true);
  }
}

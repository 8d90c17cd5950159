// Small HTTP helpers for the bundled test server's tests: real requests over 127.0.0.1 with the
// global fetch, returning status, headers and the body as text and (when it parses) as JSON.
import { createHash } from 'node:crypto';
import { start, type StartOptions, type TestServer } from '../../src/testserver/index.js';

export interface Reply {
  status: number;
  contentType: string | null;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: any;
  headers: Headers;
}

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export async function call(
  server: TestServer | string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string; koreader?: [string, string]; signal?: AbortSignal } = {},
): Promise<Reply> {
  const base = typeof server === 'string' ? server : server.url;
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.koreader !== undefined) {
    headers['x-auth-user'] = options.koreader[0];
    headers['x-auth-key'] = md5(options.koreader[1]);
  }
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  if (options.signal !== undefined) init.signal = options.signal;
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json, headers: response.headers };
}

export async function login(server: TestServer, username = 'reader', password = username): Promise<{ accessToken: string; refreshToken: string }> {
  const reply = await call(server, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (reply.status !== 200) throw new Error(`login as ${username} answered ${reply.status}: ${reply.text}`);
  return reply.json as { accessToken: string; refreshToken: string };
}

/** A valid session item (no bookId/bookType), starting `minute` minutes after 2026-02-22T14:00Z. */
export function sessionItem(minute = 0, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const start = Date.UTC(2026, 1, 22, 14, minute, 0);
  return {
    startTime: new Date(start).toISOString().replace('.000', ''),
    endTime: new Date(start + 30 * 60_000).toISOString().replace('.000', ''),
    durationSeconds: 1800,
    durationFormatted: '30m',
    startProgress: 10,
    endProgress: 12.5,
    progressDelta: 2.5,
    startLocation: '10',
    endLocation: '14',
    ...extra,
  };
}

/** The LocalDateTime text BookLore puts in ErrorResponse.timestamp and createdAt: no zone. */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;

/** Runs `body` against a fresh server and always closes it. */
export async function withServer<T>(options: StartOptions, body: (server: TestServer) => Promise<T>): Promise<T> {
  const server = await start(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

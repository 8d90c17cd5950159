// One request as the handlers see it (fully read, body parsed at most once) and the answer they
// give back. Handlers never touch the socket: the dispatcher decides how the answer is delivered,
// which is what lets a fault drop or truncate it after the write has committed.
import type { IncomingHttpHeaders } from 'node:http';

export interface ApiRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, memoized; `ok: false` when it is empty or not JSON. */
  json(): { ok: true; value: unknown } | { ok: false };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function makeRequest(method: string, url: URL, headers: IncomingHttpHeaders, body: Buffer): ApiRequest {
  let parsed: { ok: true; value: unknown } | { ok: false } | undefined;
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
    json() {
      if (parsed === undefined) {
        try {
          parsed = body.length === 0 ? { ok: false } : { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
        } catch {
          parsed = { ok: false };
        }
      }
      return parsed;
    },
  };
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  // Spring Boot 3+ sends plain `application/json`, without a charset.
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers, body: Buffer.alloc(0) };
}

export function htmlResponse(status: number, html: string): ApiResponse {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8' }, body: Buffer.from(html) };
}

/** The header value as one string (Node gives arrays for repeated headers). */
export function header(request: ApiRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

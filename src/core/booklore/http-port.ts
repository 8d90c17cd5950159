// The network as the BookLore client sees it: one request out, an answer or a transport failure
// back, as values (no exceptions across the port, which suits Lua). Each runtime's transport
// (fetch in Node, LuaSocket in KOReader) sorts its failures by what they mean for the data.

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text; the transport sends it as application/json. */
  body?: string;
  /**
   * §8: read the body as bytes (one character per byte) and stop after this many, dropping the
   * rest of the answer (a server that ignores Range must not make us read a whole book).
   */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
  retryAfterSeconds: number | null;
  /** With `maxBytes`: the Content-Range and Content-Length headers, and whether reading stopped at the limit. */
  contentRange?: string | null;
  contentLength?: number | null;
  truncated?: boolean;
}

export interface TransportFailure {
  /** offline: the request never reached the server (nothing stored); unknown: sent, the answer lost. */
  kind: 'offline' | 'unknown';
  message: string;
  /** The server had begun its answer (so it is done with the request) when the failure came. */
  answered: boolean;
}

export type HttpResult = { ok: true; response: HttpResponse } | { ok: false; failure: TransportFailure };

export interface HttpPort {
  /** Sends one request with the transport's timeout; never throws for a network problem. */
  send(request: HttpRequest): Promise<HttpResult>;
}

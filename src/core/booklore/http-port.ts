// The network as the BookLore client sees it: one request out, an answer or a transport failure
// back, as values (no exceptions across the port, which suits Lua). Each runtime's transport
// (fetch in Node, LuaSocket in KOReader) sorts its failures by what they mean for the data.

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text; the transport sends it as application/json. */
  body?: string;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
  retryAfterSeconds: number | null;
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

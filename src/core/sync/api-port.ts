// The BookLore server as the sync engine sees it. Every call answers with a plain outcome value
// (no exceptions across the port), so the engine's decisions are data and the same core runs in
// Lua with another transport.

/** One reading session on the wire (booklore-server.md §1.1, §1.2). */
export interface WireSession {
  startTime: string;
  endTime: string;
  durationSeconds: number;
  durationFormatted: string;
  startProgress: number | null;
  endProgress: number | null;
  progressDelta: number | null;
  startLocation: string | null;
  endLocation: string | null;
}

/** Why a request did not get a usable answer. */
export type Failure =
  /** The request never reached the server (refused, no route, DNS, connect timeout): nothing stored. */
  | { kind: 'offline'; message: string }
  /**
   * Sent, but the answer was lost or unusable (dropped connection, read timeout, truncated body,
   * odd 2xx): the server may have stored it. `answered`: the server had begun its answer, so it is
   * done with the request; otherwise it may still be working on it.
   */
  | { kind: 'unknown'; message: string; answered: boolean }
  /** The server refused the credentials, after refreshing and logging in again. */
  | { kind: 'auth'; message: string }
  /** A definite "no" to this request (400, 404, 409 …): nothing stored. */
  | { kind: 'rejected'; status: number; message: string; details: string[] }
  /** The server is failing or throttling (5xx, 429): nothing stored; back off. */
  | { kind: 'server'; status: number; message: string; retryAfterSeconds: number | null }
  /**
   * This server does not have the endpoint (404/405/500, §1.3, §7.2). `definite` is false for an
   * HTML page where JSON was due: upstream's SPA fallback, or a captive portal, so not remembered.
   */
  | { kind: 'unsupported'; message: string; definite: boolean };

export type SingleOutcome = { ok: true } | { ok: false; failure: Failure };

export type BatchOutcome = { ok: true; sessionIds: (number | null)[] } | { ok: false; failure: Failure };

export type LookupOutcome =
  | { ok: true; found: true; bookId: number; title: string | null; bookType: string | null }
  | { ok: true; found: false }
  | { ok: false; failure: Failure };

export interface ServerSession {
  id: number;
  startTime: string;
  endTime: string;
}

export type ListOutcome =
  | { ok: true; sessions: ServerSession[]; lastPage: boolean }
  | { ok: false; failure: Failure };

export type ProbeOutcome = { ok: true; supported: boolean } | { ok: false; failure: Failure };

export interface BookLoreApi {
  /** Identifies the server for remembered capabilities (its base URL). */
  readonly serverKey: string;
  /** Whether this client can list a book's sessions (needs a BookLore account: JWT only, §2.2). */
  readonly canListSessions: boolean;
  lookupBookByHash(hash: string): Promise<LookupOutcome>;
  postSession(bookId: number, bookType: string, session: WireSession): Promise<SingleOutcome>;
  postBatch(bookId: number, bookType: string, sessions: WireSession[]): Promise<BatchOutcome>;
  /** One page of the caller's sessions of a book, newest start first (§1.1). */
  listSessions(bookId: number, page: number, size: number): Promise<ListOutcome>;
  /** Does the batch endpoint exist? Asked without storing anything. */
  probeBatch(): Promise<ProbeOutcome>;
  /** Does hash lookup exist? */
  probeHashLookup(): Promise<ProbeOutcome>;
}

// What the server was asked and how it answered, so tests can assert on the traffic itself
// ("every batch had at most 100 sessions", "one batch per book"). Admin requests are not logged.

export interface RequestLogEntry {
  /** 1, 2, 3… in arrival order (not reset by clearing, so `since` keeps working). */
  seq: number;
  /** When the request was fully read, ISO-8601 UTC. */
  at: string;
  method: string;
  path: string;
  /** The query string without `?`, or null. */
  query: string | null;
  /** The status sent, or null when the connection was dropped without an answer. */
  status: number | null;
  /** The fault rule applied, in its text form, or null. */
  fault: string | null;
  /** How the caller authenticated (after the security chain), or null. */
  auth: 'jwt' | 'koreader' | null;
  /** The BookLore or KOReader username it authenticated as, or null. */
  user: string | null;
  /** Session POSTs: how many sessions the body carried (1 for the single POST), else null. */
  sessions: number | null;
  /** Session POSTs: the bookId in the body, else null. */
  bookId: number | null;
  /** Time from fully read to answered or dropped, including latency and delays. */
  durationMs: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly onEntry?: (entry: RequestLogEntry) => void) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    this.onEntry?.(full);
    return full;
  }

  /** Entries with seq > since (all when since is 0). */
  list(since = 0): RequestLogEntry[] {
    if (since <= 0) return [...this.entries];
    return this.entries.filter((e) => e.seq > since);
  }

  clear(): void {
    this.entries = [];
  }
}

/** Session POSTs: the session count and bookId in the body (the body need not be valid). */
export function describeSessionPost(path: string, json: { ok: true; value: unknown } | { ok: false }): { sessions: number | null; bookId: number | null } {
  const none = { sessions: null, bookId: null };
  if (!json.ok || typeof json.value !== 'object' || json.value === null) return none;
  const body = json.value as Record<string, unknown>;
  const bookId = typeof body.bookId === 'number' ? body.bookId : typeof body.bookId === 'string' && /^\d+$/.test(body.bookId) ? Number(body.bookId) : null;
  if (path === '/api/v1/reading-sessions') return { sessions: 1, bookId };
  if (path === '/api/v1/reading-sessions/batch') return { sessions: Array.isArray(body.sessions) ? body.sessions.length : null, bookId };
  return none;
}

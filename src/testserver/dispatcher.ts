// One request from arrival to answer: admin requests go straight to the admin API; everything
// else gets the latency, then the fault plan's verdict, then authentication and its route, and
// finally the answer is delivered, cut short or withheld as the fault says. A request that was
// fully read is processed even if the client has gone meanwhile, as a real server would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdminRequest, isAdminPath } from './admin-api.js';
import { chainFor, type Authenticator, type Principal } from './auth.js';
import { errorResponse, reasonPhrase, UNEXPECTED_ERROR } from './error-responses.js';
import { describeFaultRule, type FaultPlan, type FaultRule } from './faults.js';
import { shiftedContentRange } from './content-faults.js';
import type { HeldRequests } from './held-requests.js';
import { htmlResponse, makeRequest, type ApiRequest, type ApiResponse } from './http-exchange.js';
import { CAPTIVE_PORTAL_HTML } from './html-pages.js';
import { describeSessionPost, type RequestLog } from './request-log.js';
import { matchRoute, unmatchedResponse, type Route, type ServerContext } from './routes/index.js';
import type { ServerAdmin } from './server-admin.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface DispatcherParts {
  context: ServerContext;
  auth: Authenticator;
  routes: Route[];
  faults: FaultPlan;
  log: RequestLog;
  /** null when the admin API is off. */
  admin: ServerAdmin | null;
  /** Requests the hold faults keep open until released. */
  held: HeldRequests;
}

/** Timers the dispatcher waits on, so closing the server does not wait for a long delay fault. */
class Sleeper {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pending.add(entry);
    });
  }

  wakeAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pending.clear();
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.socket.destroy();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
    req.on('aborted', () => resolve(null));
  });
}

function send(req: IncomingMessage, res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
  res.end(req.method === 'HEAD' ? undefined : response.body);
}

/** The `truncate` fault: the same status and headers, the body cut to half (never complete). */
function truncated(response: ApiResponse): ApiResponse {
  const body = response.body.length === 0 ? Buffer.from('{') : response.body.subarray(0, Math.floor(response.body.length / 2));
  return { ...response, headers: { 'content-type': 'application/json', ...response.headers }, body };
}

function faultStatusResponse(rule: FaultRule): ApiResponse {
  const status = rule.status ?? 503;
  const headers: Record<string, string> = rule.retryAfter === undefined ? {} : { 'retry-after': String(rule.retryAfter) };
  return errorResponse(status, reasonPhrase(status), undefined, headers);
}

export class Dispatcher {
  private readonly sleeper = new Sleeper();
  private closed = false;

  constructor(private readonly parts: DispatcherParts) {}

  /** Stops processing: pending waits end at once and nothing more touches the database. */
  close(): void {
    this.closed = true;
    this.sleeper.wakeAll();
    void this.parts.held.release('drop');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === null || this.closed) return;
    const url = new URL(req.url ?? '/', 'http://test-server.invalid');
    const request = makeRequest(req.method ?? 'GET', url, req.headers, body);
    const { admin, faults, log } = this.parts;

    if (admin !== null && isAdminPath(request.path)) {
      send(req, res, this.safely(() => handleAdminRequest(admin, request)));
      return;
    }

    const started = Date.now();
    const decision = faults.decide(request.method, request.path);
    const wait = faults.latencyMs + decision.delayMs;
    if (wait > 0) await this.sleeper.sleep(wait);
    if (this.closed) {
      req.socket.destroy();
      return;
    }
    const rule = decision.rule;
    const post = request.method === 'POST' ? describeSessionPost(request.path, request.json()) : { sessions: null, bookId: null };
    const record = (status: number | null, principal: Principal | null) =>
      log.add({
        at: new Date(started).toISOString(),
        method: request.method,
        path: request.path,
        query: url.search === '' ? null : url.search.slice(1),
        status,
        fault: rule === null ? null : describeFaultRule(rule),
        auth: principal?.kind ?? null,
        user: principal === null ? null : principal.kind === 'jwt' ? principal.user.username : principal.koreaderUser.username,
        sessions: post.sessions,
        bookId: post.bookId,
        durationMs: Date.now() - started,
      });

    let finished = () => {};
    const hold = async (stage: 'before-commit' | 'after-commit', principal: Principal | null): Promise<boolean> => {
      const { verdict, done } = this.parts.held.hold({ method: request.method, path: request.path, stage, sessions: post.sessions });
      const mode = await verdict;
      if (mode === 'process' && !this.closed) {
        finished = done;
        return true;
      }
      req.socket.destroy();
      record(null, principal);
      done();
      return false;
    };
    try {
      if (rule?.action === 'hold' && !(await hold('before-commit', null))) return;
      await this.answer(req, res, request, rule, record, hold);
    } finally {
      finished();
    }
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    request: ApiRequest,
    rule: FaultRule | null,
    record: (status: number | null, principal: Principal | null) => void,
    hold: (stage: 'after-commit', principal: Principal | null) => Promise<boolean>,
  ): Promise<void> {
    switch (rule?.action) {
      case 'drop-before-commit':
        req.socket.destroy();
        record(null, null);
        return;
      case 'status': {
        const response = faultStatusResponse(rule);
        send(req, res, response);
        record(response.status, null);
        return;
      }
      case 'html':
        send(req, res, htmlResponse(200, CAPTIVE_PORTAL_HTML));
        record(200, null);
        return;
      case 'respond':
        send(req, res, { status: rule.status!, headers: rule.contentType === undefined ? {} : { 'content-type': rule.contentType }, body: Buffer.from(rule.body!) });
        record(rule.status!, null);
        return;
      default:
        break;
    }

    if (rule?.action === 'ignore-range') delete request.headers.range;
    const processed = this.process(request);
    const principal = processed.principal;
    let response = processed.response;

    if (rule?.action === 'drop-after-commit') {
      req.socket.destroy(); // the write is committed; the acknowledgement is lost
      record(null, principal);
      return;
    }
    if (rule?.action === 'hold-after-commit' && !(await hold('after-commit', principal))) return;
    if (rule?.action === 'truncate') response = truncated(response);
    if (rule?.action === 'wrong-range') response = shiftedContentRange(response);
    send(req, res, response);
    record(response.status, principal);
  }

  /** The security chain, then the route (or the SPA fallback). */
  private process(request: ApiRequest): { response: ApiResponse; principal: Principal | null } {
    let principal: Principal | null = null;
    const response = this.safely(() => {
      const outcome = this.parts.auth.authenticate(request, chainFor(this.parts.context.profile, request.method, request.path));
      if (!outcome.ok) return outcome.response;
      principal = outcome.principal;
      return this.route(request, outcome.principal);
    });
    return { response, principal };
  }

  private route(request: ApiRequest, principal: Principal | null): ApiResponse {
    const match = matchRoute(this.parts.routes, request.method, request.path);
    if (match.route === null) return unmatchedResponse(request, match.pathKnown);
    return match.route.handle(this.parts.context, request, principal, match.params);
  }

  /** A bug in a handler answers 500 like BookLore's catch-all, instead of killing the server. */
  private safely(run: () => ApiResponse): ApiResponse {
    try {
      return run();
    } catch (err) {
      if (process.env.BOOKLORE_SYNC_DEBUG) process.stderr.write(`test-server: ${(err as Error).stack ?? String(err)}\n`);
      return errorResponse(500, UNEXPECTED_ERROR);
    }
  }
}

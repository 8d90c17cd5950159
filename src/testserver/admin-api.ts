// The admin API: the test server's controls over HTTP. On only when the server runs as a test
// server (the default for `start()` and `booklore-sync test-server`); never subject to faults or
// latency, and not in the request log. Bodies are JSON; errors are 4xx `{"error": "..."}`.
//
//   GET    /__admin/books                 [{"id","title","bookType","hash","initialHash","libraryId",
//                                           "libraryName","accessible","accessibleTo"}]
//                                          hash = current hash (what lookups use); accessible = the
//                                          default user (`reader`) can see it; accessibleTo = who can
//   POST   /__admin/books/{id}/hash       {"hash":"<hex>"} → the book; hash drift: the current hash
//                                          changes, initialHash stays
//   POST   /__admin/books/generate       {"count": n, "libraryId"?: n, "salt"?: s} → [{"id","bookType","sizeBytes",
//                                          "hash","altFormats"}]: n generated books with virtual files (§8)
//   POST   /__admin/books/{id}/file       {"fileSizeKb"?: n|null, "physical"?: b, "missing"?: b} → the book:
//                                          a stale or missing size hint, no file, a file gone from disk
//   GET    /__admin/sessions              every stored session with its user and book, oldest first
//                                          (?bookId=N and ?user=NAME filter)
//   GET    /__admin/faults                {"latencyMs","fired","rules":[rule + "hits","remaining"]}
//                                          fired = requests a rule applied to since start/reset
//   POST   /__admin/faults                {"latencyMs"?: n, "rules"?: [rule | "text rule"]} appends
//                                          rules (and sets the latency); answers like GET
//   DELETE /__admin/faults                removes every rule, latency back to 0
//   POST   /__admin/reset                 back to the start: seed data and hashes, no sessions, no
//                                          tokens, start-up latency and fault rules, empty log
//   POST   /__admin/expire-tokens         {"refresh"?: true} every access token (and refresh
//                                          token) stops working now
//   GET    /__admin/requests              [{"seq","at","method","path","query","status","fault",
//                                          "auth","user","sessions","bookId","durationMs"}]
//                                          (?since=SEQ for newer ones only); status null = dropped
//   DELETE /__admin/requests              empties the request log
//   GET    /__admin/held                  [{"id","method","path","stage","sessions","heldAt"}]: requests
//                                          a hold / hold-after-commit rule keeps open now
//   POST   /__admin/held/release          {"mode": "process"|"drop", "id"?: n} → {"released": n}
//
// A rule: {"action": "status"|"drop-before-commit"|"drop-after-commit"|"truncate"|"html"|"delay"
//          |"reject-session", "path": "/exact" | "/prefix*" | "*", "method"?: "POST", "count"?: n,
//          "status"?: n, "retryAfter"?: s, "delayMs"?: n, "field"?: f, "equals"?: v, "details"?: b}
// or its text form, as `--fault` takes it: "status=503,count=5,path=/api/v1/reading-sessions/batch".
import { z } from 'zod';
import { FaultsInputSchema } from './faults.js';
import { emptyResponse, jsonResponse, type ApiRequest, type ApiResponse } from './http-exchange.js';
import { AdminError, type ServerAdmin } from './server-admin.js';

export const ADMIN_PREFIX = '/__admin/';

export function isAdminPath(path: string): boolean {
  return path.startsWith(ADMIN_PREFIX) || path === '/__admin';
}

function fail(status: number, error: string): ApiResponse {
  return jsonResponse(status, { error });
}

function bodyOf(request: ApiRequest): unknown {
  if (request.body.length === 0) return {};
  const json = request.json();
  if (!json.ok) throw new AdminError('the body is not JSON');
  return json.value;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AdminError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

const ExpireTokensSchema = z.object({ refresh: z.boolean().optional() }).strict();
const SetHashSchema = z.object({ hash: z.string() }).strict();
const ReleaseSchema = z.object({ mode: z.enum(['process', 'drop']), id: z.number().int().positive().optional() }).strict();
const GenerateSchema = z.object({ count: z.number().int().min(1).max(200_000), libraryId: z.number().int().positive().optional(), salt: z.string().optional() }).strict();
const FileChangeSchema = z
  .object({ fileSizeKb: z.number().int().nonnegative().nullable().optional(), physical: z.boolean().optional(), missing: z.boolean().optional() })
  .strict();

export function handleAdminRequest(admin: ServerAdmin, request: ApiRequest): ApiResponse {
  try {
    return route(admin, request);
  } catch (err) {
    if (err instanceof AdminError) return fail(err.status, err.message);
    throw err;
  }
}

function route(admin: ServerAdmin, request: ApiRequest): ApiResponse {
  const { method, path } = request;
  const hashPath = /^\/__admin\/books\/(\d+)\/hash$/.exec(path);
  if (hashPath !== null && method === 'POST') {
    const { hash } = parse(SetHashSchema, bodyOf(request));
    return jsonResponse(200, admin.setBookHash(Number(hashPath[1]), hash));
  }
  const filePath = /^\/__admin\/books\/(\d+)\/file$/.exec(path);
  if (filePath !== null && method === 'POST') {
    return jsonResponse(200, admin.changeBookFile(Number(filePath[1]), parse(FileChangeSchema, bodyOf(request))));
  }
  if (path === '/__admin/books/generate' && method === 'POST') {
    return jsonResponse(200, admin.generateBooks(parse(GenerateSchema, bodyOf(request))));
  }
  switch (`${method} ${path}`) {
    case 'GET /__admin/books':
      return jsonResponse(200, admin.books());
    case 'GET /__admin/sessions': {
      const bookId = request.query.get('bookId');
      const user = request.query.get('user');
      if (bookId !== null && !/^\d+$/.test(bookId)) throw new AdminError('bookId must be a whole number');
      const filter: { bookId?: number; username?: string } = {};
      if (bookId !== null) filter.bookId = Number(bookId);
      if (user !== null) filter.username = user;
      return jsonResponse(200, admin.sessions(filter));
    }
    case 'GET /__admin/faults':
      return jsonResponse(200, admin.faults());
    case 'POST /__admin/faults': {
      const input = parse(FaultsInputSchema, bodyOf(request));
      return jsonResponse(200, admin.addFaults(input as Parameters<ServerAdmin['addFaults']>[0]));
    }
    case 'DELETE /__admin/faults':
      admin.clearFaults();
      return jsonResponse(200, admin.faults());
    case 'POST /__admin/reset':
      admin.reset();
      return emptyResponse(204);
    case 'POST /__admin/expire-tokens':
      admin.expireTokens(parse(ExpireTokensSchema, bodyOf(request)));
      return emptyResponse(204);
    case 'GET /__admin/requests': {
      const since = request.query.get('since');
      if (since !== null && !/^\d+$/.test(since)) throw new AdminError('since must be a whole number');
      return jsonResponse(200, admin.requests(since === null ? 0 : Number(since)));
    }
    case 'GET /__admin/held':
      return jsonResponse(200, admin.held());
    case 'POST /__admin/held/release': {
      const { mode, id } = parse(ReleaseSchema, bodyOf(request));
      const count = admin.held().filter((h) => id === undefined || h.id === id).length;
      void admin.releaseHeld(mode, id);
      return jsonResponse(200, { released: count });
    }
    case 'DELETE /__admin/requests':
      admin.clearRequests();
      return emptyResponse(204);
    default:
      return fail(404, `no admin endpoint ${method} ${path}; see the list at the top of src/testserver/admin-api.ts`);
  }
}

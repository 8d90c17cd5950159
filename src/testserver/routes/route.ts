// What a route is: a method and path pattern answered by a handler that sees the request after
// authentication. Handlers return an ApiResponse and never touch the socket.
import type { Authenticator, Principal } from '../auth.js';
import { errorResponse, MALFORMED_BODY, UNEXPECTED_ERROR } from '../error-responses.js';
import { header, type ApiRequest, type ApiResponse } from '../http-exchange.js';
import type { FaultPlan } from '../faults.js';
import type { Profile } from '../profile.js';
import type { ServerStore, UserRow } from '../server-store.js';

export interface ServerContext {
  store: ServerStore;
  auth: Authenticator;
  profile: Profile;
  /** For reject-session rules: validation the client does not know about. */
  faults: FaultPlan;
}

export interface Route {
  method: string;
  /** Anchored; capture groups become `params`. */
  pattern: RegExp;
  handle(ctx: ServerContext, request: ApiRequest, principal: Principal | null, params: string[]): ApiResponse;
}

/**
 * §2.2 AuthenticationService.getAuthenticatedUser(): a KOReader principal stands for its linked
 * BookLore user; without one, IllegalStateException → 409 (§1.3).
 */
export function bookloreUser(ctx: ServerContext, principal: Principal | null): UserRow | ApiResponse {
  if (principal === null) return errorResponse(409, 'Authenticated principal is not of type BookLoreUser or KoreaderUserDetails');
  if (principal.kind === 'jwt') return principal.user;
  const linked = principal.koreaderUser.booklore_user_id;
  if (linked === null) return errorResponse(409, 'KOReader user is not linked to a BookLore user');
  return ctx.store.userById(linked) ?? errorResponse(409, 'BookLore user not found for KOReader user');
}

export function isResponse(value: unknown): value is ApiResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value && 'headers' in value;
}

/**
 * A @RequestBody: the JSON value, or the error Spring gives. A Content-Type other than JSON (or
 * none, which Spring reads as octet-stream) is HttpMediaTypeNotSupportedException, which BookLore's
 * catch-all handler turns into 500 (§1.3, inferred); empty or unparsable JSON is 400 (§1.3).
 */
export function readJsonBody(request: ApiRequest): { value: unknown } | ApiResponse {
  const type = header(request, 'content-type') ?? '';
  if (!/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) return errorResponse(500, UNEXPECTED_ERROR);
  const body = request.json();
  if (!body.ok) return errorResponse(400, MALFORMED_BODY);
  return { value: body.value };
}

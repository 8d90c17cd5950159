// Authentication as BookLore's Spring Security chains do it (§2.1, §2.2): which mechanism guards
// which path, and what a failure looks like on the wire.
import type { Profile } from './profile.js';
import { emptyResponse, header, type ApiRequest, type ApiResponse } from './http-exchange.js';
import { springErrorResponse } from './error-responses.js';
import { signJwt, verifyJwt } from './jwt.js';
import type { KoreaderUserRow, ServerStore, UserRow } from './server-store.js';

export type Principal = { kind: 'jwt'; user: UserRow } | { kind: 'koreader'; koreaderUser: KoreaderUserRow };

/**
 * The security chain a request goes through:
 * - `koreader`: /api/koreader/** — KOReader headers only.
 * - `jwt-or-koreader`: the fork's session POSTs — KoreaderAuthFilter first, then the JWT filter.
 * - `jwt`: every other /api path.
 * - `public-api`: permitAll /api paths (login, healthcheck); the JWT filter still runs, so a
 *   stale bearer token gets 401 even here (inferred from DualJwtAuthenticationFilter).
 * - `open`: no authentication at all (refresh is whitelisted in the JWT filter; static files).
 */
export type Chain = 'koreader' | 'jwt-or-koreader' | 'jwt' | 'public-api' | 'open';

export type AuthOutcome = { ok: true; principal: Principal | null } | { ok: false; response: ApiResponse };

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const FORK_SESSION_POSTS = new Set(['/api/v1/reading-sessions', '/api/v1/reading-sessions/batch']);

export function chainFor(profile: Profile, method: string, path: string): Chain {
  if (path.startsWith('/api/koreader/')) return 'koreader'; // §2.2 koreaderSecurityChain
  // §2.2: the fork's readingSessionsSecurityChain matches POST on these exact URIs only.
  if (profile === 'fork' && method === 'POST' && FORK_SESSION_POSTS.has(path)) return 'jwt-or-koreader';
  if (path === '/api/v1/auth/refresh') return 'open'; // whitelisted in the JWT filter
  if (path === '/api/v1/auth/login' || path === '/api/v1/healthcheck') return 'public-api';
  if (path.startsWith('/api/')) return 'jwt';
  return 'open';
}

export class Authenticator {
  constructor(
    private readonly store: ServerStore,
    private readonly secret: Buffer,
    readonly lifetimes: TokenLifetimes,
  ) {}

  authenticate(request: ApiRequest, chain: Chain): AuthOutcome {
    if (chain === 'open') return { ok: true, principal: null };
    if (chain === 'koreader') {
      const koreaderUser = this.koreaderUser(request);
      // §2.1: on failure nothing is set, so the entry point answers 403.
      return koreaderUser ? { ok: true, principal: { kind: 'koreader', koreaderUser } } : this.forbidden(request);
    }
    let principal: Principal | null = null;
    if (chain === 'jwt-or-koreader') {
      const koreaderUser = this.koreaderUser(request);
      if (koreaderUser) principal = { kind: 'koreader', koreaderUser };
    }
    const authorization = header(request, 'authorization');
    if (authorization !== undefined && authorization.startsWith('Bearer ')) {
      const user = this.userForAccessToken(authorization.slice(7));
      // §1.3: the JWT filter writes 401 with an empty body itself, whatever else authenticated.
      if (user === null) return { ok: false, response: emptyResponse(401) };
      principal = { kind: 'jwt', user };
    }
    if (principal === null && chain !== 'public-api') return this.forbidden(request);
    return { ok: true, principal };
  }

  /** §2.1: `x-auth-user` and `x-auth-key` (MD5 hex of the KOReader password, case-insensitive). */
  koreaderUser(request: ApiRequest): KoreaderUserRow | null {
    const username = header(request, 'x-auth-user');
    const key = header(request, 'x-auth-key');
    if (username === undefined || key === undefined) return null;
    const user = this.store.koreaderUser(username);
    if (user === undefined || user.password_md5.toLowerCase() !== key.toLowerCase()) return null;
    return user;
  }

  issueTokens(user: UserRow): { accessToken: string; refreshToken: string } {
    const now = Date.now();
    const access = this.issue(user, 'access', now, this.lifetimes.accessTokenTtlSeconds);
    const refresh = this.issue(user, 'refresh', now, this.lifetimes.refreshTokenTtlSeconds);
    return { accessToken: access, refreshToken: refresh };
  }

  /** §2.1 refresh: a valid, unrevoked refresh token is revoked and a new pair issued; else null. */
  rotateRefreshToken(token: string): { user: UserRow; accessToken: string; refreshToken: string } | null {
    const claims = verifyJwt(this.secret, token);
    if (claims === null || claims.type !== 'refresh') return null;
    const row = this.store.token(claims.jti);
    if (row === undefined || row.revoked === 1 || row.expires_at_ms <= Date.now()) return null;
    const user = this.store.userById(row.user_id);
    if (user === undefined) return null;
    this.store.revokeToken(row.jti);
    return { user, ...this.issueTokens(user) };
  }

  private issue(user: UserRow, type: 'access' | 'refresh', nowMs: number, ttlSeconds: number): string {
    const expiresAtMs = nowMs + ttlSeconds * 1000;
    const { token, jti } = signJwt(this.secret, {
      sub: user.username,
      userId: user.id,
      type,
      iat: Math.floor(nowMs / 1000),
      exp: Math.floor(expiresAtMs / 1000),
    });
    this.store.insertToken(jti, type, user.id, expiresAtMs);
    return token;
  }

  private userForAccessToken(token: string): UserRow | null {
    const claims = verifyJwt(this.secret, token);
    if (claims === null || claims.type !== 'access') return null;
    const row = this.store.token(claims.jti);
    if (row === undefined || row.revoked === 1 || row.expires_at_ms <= Date.now()) return null;
    return this.store.userById(row.user_id) ?? null;
  }

  private forbidden(request: ApiRequest): AuthOutcome {
    return { ok: false, response: springErrorResponse(403, request.path) }; // §1.3 Http403ForbiddenEntryPoint
  }
}

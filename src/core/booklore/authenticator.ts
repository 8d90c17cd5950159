// X6: both BookLore login mechanisms. KOReader headers (x-auth-user, x-auth-key = MD5 of the
// KOReader password, §2.1) and JWT (login, refresh on 401 with rotation, log in again with a kept
// password when the refresh token is gone). New tokens are handed to `onTokens` to be saved.
import type { Tokens } from './answer-shapes.js';
import type { ClientWording } from './client-wording.js';
import type { EndpointAnswers, TokensOutcome } from './endpoint-answers.js';
import { failed, refused, transportFailure, type Failed } from './failures.js';
import type { HttpPort } from './http-port.js';
import type { RequestBodies } from './request-bodies.js';

export interface Credentials {
  /** Which logins may be used: `auto` either (the plugin always), `jwt` or `koreader` only that one. */
  mode: 'auto' | 'jwt' | 'koreader';
  username?: string | null;
  password?: string | null;
  refreshToken?: string | null;
  accessToken?: string | null;
  koreaderUsername?: string | null;
  /** MD5 of the KOReader password. */
  koreaderKey?: string | null;
}

/** The credentials out of stored settings that use the same names (the CLI's file, the plugin's settings). */
export function credentialsFrom(mode: Credentials['mode'], stored: Omit<Credentials, 'mode'>): Credentials {
  return {
    mode,
    username: stored.username,
    password: stored.password,
    refreshToken: stored.refreshToken,
    accessToken: stored.accessToken,
    koreaderUsername: stored.koreaderUsername,
    koreaderKey: stored.koreaderKey,
  };
}

export type AuthHeaders = { ok: true; headers: Record<string, string> } | Failed;

/** What the authenticator needs: where to send its requests and how to read and word them. */
export interface AuthenticatorDeps {
  http: HttpPort;
  answers: EndpointAnswers;
  bodies: RequestBodies;
  wording: ClientWording;
  onTokens: (tokens: Tokens) => void;
}

function isSet(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.length > 0;
}

export class Authenticator {
  private accessToken: string | null;
  private refreshToken: string | null;
  /** The renewal under way: requests that meet a 401 together share it. */
  private renewing: Promise<{ ok: true } | Failed> | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
    private readonly deps: AuthenticatorDeps,
  ) {
    this.accessToken = isSet(credentials.accessToken) ? credentials.accessToken : null;
    this.refreshToken = isSet(credentials.refreshToken) ? credentials.refreshToken : null;
  }

  /** A BookLore account is usable (password or a token), and the mode allows it. */
  get hasJwt(): boolean {
    const c = this.credentials;
    return c.mode !== 'koreader' && isSet(c.username) && (isSet(c.password) || this.refreshToken !== null || this.accessToken !== null);
  }

  get hasKoreader(): boolean {
    const c = this.credentials;
    return c.mode !== 'jwt' && isSet(c.koreaderUsername) && isSet(c.koreaderKey);
  }

  koreaderHeaders(): AuthHeaders {
    const c = this.credentials;
    if (!this.hasKoreader || !isSet(c.koreaderUsername) || !isSet(c.koreaderKey)) return failed(refused(this.deps.wording.noKoreaderAccount));
    return { ok: true, headers: { 'x-auth-user': c.koreaderUsername, 'x-auth-key': c.koreaderKey } };
  }

  async bearerHeaders(): Promise<AuthHeaders> {
    if (!this.hasJwt) return failed(refused(this.deps.wording.noBookLoreAccount));
    if (this.accessToken === null) {
      const renewed = await this.renew();
      if (!renewed.ok) return renewed;
    }
    return { ok: true, headers: { authorization: `Bearer ${this.accessToken}` } };
  }

  /** After a 401: refresh, else log in again; one renewal at a time. */
  renew(): Promise<{ ok: true } | Failed> {
    if (this.renewing !== null) return this.renewing;
    const renewal = this.renewNow();
    this.renewing = renewal;
    // In Lua the renewal has already settled here, so this clears it at once.
    const done = (): void => {
      if (this.renewing === renewal) this.renewing = null;
    };
    void renewal.then(done, done);
    return renewal;
  }

  private async renewNow(): Promise<{ ok: true } | Failed> {
    this.accessToken = null;
    if (this.refreshToken !== null) {
      const refreshed = await this.refresh(this.refreshToken);
      if (!refreshed.ok) return refreshed;
      if (refreshed.tokens !== null) return { ok: true };
    }
    const password = this.credentials.password;
    if (isSet(password) && isSet(this.credentials.username)) {
      const loggedIn = await this.login(this.credentials.username, password);
      return loggedIn.ok ? { ok: true } : loggedIn;
    }
    return failed(refused(this.deps.wording.loginExpiredWithoutPassword));
  }

  private accept(tokens: Tokens): void {
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    this.deps.onTokens(tokens);
  }

  private async refresh(refreshToken: string): Promise<{ ok: true; tokens: Tokens | null } | Failed> {
    const sent = await this.deps.http.send({ method: 'POST', url: `${this.baseUrl}/api/v1/auth/refresh`, headers: {}, body: this.deps.bodies.refresh(refreshToken) });
    if (!sent.ok) return failed(transportFailure(sent.failure));
    const refreshed = this.deps.answers.refresh(sent.response);
    if (!refreshed.ok) return refreshed;
    if (refreshed.tokens === null) this.refreshToken = null; // revoked or expired: rotation means it will never work again
    else this.accept(refreshed.tokens);
    return refreshed;
  }

  /** §2.1: logs in with a username and password; the tokens are kept (and handed to onTokens). */
  async login(username: string, password: string): Promise<TokensOutcome> {
    const sent = await this.deps.http.send({ method: 'POST', url: `${this.baseUrl}/api/v1/auth/login`, headers: {}, body: this.deps.bodies.login(username, password) });
    if (!sent.ok) return failed(transportFailure(sent.failure));
    const outcome = this.deps.answers.login(sent.response);
    if (outcome.ok) this.accept(outcome.tokens);
    return outcome;
  }
}

// X6: both BookLore login mechanisms. KOReader headers (x-auth-user, x-auth-key = MD5 of the
// KOReader password, §2.1) and JWT (login, refresh on 401 with rotation, log in again when the
// refresh token is gone). New tokens are handed to `onTokens` to be saved (mode 0600).
import { httpRequest, TransportFailure, type HttpSettings } from './http-transport.js';
import { ErrorResponse, LoginResponse } from './schemas.js';

export interface Credentials {
  mode: 'auto' | 'jwt' | 'koreader';
  username?: string | undefined;
  password?: string | undefined;
  refreshToken?: string | undefined;
  accessToken?: string | undefined;
  koreaderUsername?: string | undefined;
  koreaderKey?: string | undefined;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** The server refused the credentials (or none usable are configured): stop, keep the queue, exit 4. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

export class Authenticator {
  private accessToken: string | undefined;
  private refreshToken: string | undefined;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
    private readonly http: HttpSettings,
    private readonly onTokens: (tokens: Tokens) => void = () => {},
  ) {
    this.accessToken = credentials.accessToken;
    this.refreshToken = credentials.refreshToken;
  }

  /** A BookLore account is usable (password or refresh token), and the mode allows it. */
  get hasJwt(): boolean {
    return (
      this.credentials.mode !== 'koreader' &&
      Boolean(this.credentials.username) &&
      Boolean(this.credentials.password || this.refreshToken || this.accessToken)
    );
  }

  get hasKoreader(): boolean {
    return this.credentials.mode !== 'jwt' && Boolean(this.credentials.koreaderUsername && this.credentials.koreaderKey);
  }

  koreaderHeaders(): Record<string, string> {
    if (!this.hasKoreader) throw new AuthError('no KOReader login configured; run `booklore-sync configure --koreader-username NAME`');
    return { 'x-auth-user': this.credentials.koreaderUsername!, 'x-auth-key': this.credentials.koreaderKey! };
  }

  async bearerHeaders(): Promise<Record<string, string>> {
    if (!this.hasJwt) throw new AuthError('no BookLore login configured; run `booklore-sync configure --username NAME`');
    if (!this.accessToken) await this.renew();
    return { authorization: `Bearer ${this.accessToken}` };
  }

  /** After a 401: refresh, else log in again; one renewal at a time. */
  async renew(): Promise<void> {
    if (!this.renewing) {
      this.renewing = this.doRenew().finally(() => {
        this.renewing = null;
      });
    }
    return this.renewing;
  }

  private async doRenew(): Promise<void> {
    this.accessToken = undefined;
    if (this.refreshToken && (await this.tryRefresh(this.refreshToken))) return;
    if (this.credentials.password) {
      await this.login(this.credentials.username!, this.credentials.password);
      return;
    }
    throw new AuthError(
      'the saved BookLore login has expired and no password is saved; run `booklore-sync configure` again to log in',
    );
  }

  private accept(tokens: Tokens): void {
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    this.onTokens(tokens);
  }

  private async tryRefresh(refreshToken: string): Promise<boolean> {
    const response = await httpRequest(`${this.baseUrl}/api/v1/auth/refresh`, {
      method: 'POST',
      body: { refreshToken },
      ...this.http,
    });
    if (response.status !== 200) {
      this.refreshToken = undefined; // revoked or expired: rotation means it will never work again
      return false;
    }
    const parsed = parseJson(response.text, LoginResponse);
    if (!parsed) throw new TransportFailure('unknown', 'the token refresh answer was not BookLore JSON', true);
    this.accept(parsed);
    return true;
  }

  /** §2.1: 200 {accessToken, refreshToken}; 400 "Invalid credentials"; 429 after too many attempts. */
  async login(username: string, password: string): Promise<Tokens> {
    const response = await httpRequest(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      body: { username, password },
      ...this.http,
    });
    if (response.status === 200) {
      const parsed = parseJson(response.text, LoginResponse);
      if (parsed) {
        this.accept(parsed);
        return parsed;
      }
      throw new TransportFailure('offline', loginAnswerProblem(response.contentType));
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      const message = parseJson(response.text, ErrorResponse)?.message;
      throw new AuthError(`the server rejected the BookLore username or password${message ? ` (${message})` : ''}; run \`booklore-sync configure\` again`);
    }
    if (response.status === 429) throw new AuthError('too many failed logins: the server is refusing logins for a while; try again later');
    throw new TransportFailure(response.status >= 500 ? 'offline' : 'unknown', `login failed with HTTP ${response.status}`, true);
  }
}

function loginAnswerProblem(contentType: string): string {
  return contentType.includes('html')
    ? 'the network answered the login with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)'
    : 'the login answer was not BookLore JSON';
}

export function parseJson<T>(text: string, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): T | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

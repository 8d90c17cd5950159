// The access token on every request: given once as ?token=…, it is exchanged for an HttpOnly,
// SameSite=Strict cookie and the token is taken out of the address bar. The cookie holds a value
// derived from the token, so the token itself never travels again.
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { plainPage } from './views/plain-page.js';

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionCookieValue(token: string): string {
  return createHmac('sha256', token).update('booklore-sync status page session').digest('base64url');
}

export function cookieName(port: number): string {
  // Cookies do not keep ports apart: one name per port, so two data directories' pages coexist.
  return `bls_ui_${port}`;
}

export function tokenCheck(options: { token: string; tokenFile: string; port: () => number }): MiddlewareHandler {
  const session = sessionCookieValue(options.token);
  const hint = `Open the address printed by \`booklore-sync ui\`, or add ?token=… with the token from ${options.tokenFile} (readable only by you).`;
  return async (c, next) => {
    const name = cookieName(options.port());
    const given = c.req.query('token');
    if (given !== undefined) {
      if (!sameSecret(given, options.token)) return c.html(plainPage('Wrong access token', 'The access token in this address is not the current one; nothing was shown or changed.', hint), 401);
      setCookie(c, name, session, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const cookie = getCookie(c, name);
    if (cookie === undefined) return c.html(plainPage('Access token needed', 'This page shows your reading queue, so it needs the access token.', hint), 401);
    if (!sameSecret(cookie, session)) {
      return c.html(plainPage('Access token changed', 'This browser holds an older access token (it was renewed); nothing was shown or changed.', hint), 401);
    }
    await next();
  };
}

// DNS rebinding guard: a web page elsewhere can make a browser resolve its own name to 127.0.0.1,
// but then the Host header still names that page's host. Only IP literals, `localhost` and the
// name we were told to listen on are answered, and only on our port.
import type { MiddlewareHandler } from 'hono';
import { isIP } from 'node:net';
import { plainPage } from './views/plain-page.js';

export function hostAllowed(hostHeader: string | undefined, listenHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(hostHeader.trim());
  if (!match) return false;
  const name = (match[1] ?? match[2]!).toLowerCase();
  if (Number(match[3] ?? '80') !== port) return false;
  if (match[1] !== undefined) return isIP(name) === 6;
  return name === 'localhost' || isIP(name) === 4 || name === listenHost.toLowerCase();
}

export function hostCheck(listenHost: string, port: () => number): MiddlewareHandler {
  return async (c, next) => {
    if (!hostAllowed(c.req.header('host'), listenHost, port())) {
      return c.html(
        plainPage(
          'Wrong address',
          'This status page answers only at its IP address or localhost (Host header refused, to block DNS rebinding).',
          'Open the address `booklore-sync ui` printed, e.g. http://127.0.0.1:8742/.',
        ),
        403,
      );
    }
    await next();
  };
}

// `--listen HOST:PORT` for the status page: parsed strictly, and whether it stays on this machine.
import { isIP } from 'node:net';
import { usageError } from '../app/user-facing-error.js';

export const DEFAULT_LISTEN = '127.0.0.1:8742';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:8742`, `[::1]:8742`, `localhost:0` (0 picks a free port). */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw usageError(`--listen takes HOST:PORT, e.g. ${DEFAULT_LISTEN} or [::1]:8742 (got "${text}")`);
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && isIP(host) !== 6) throw usageError(`--listen: "${host}" is not an IPv6 address`);
  return { host, port };
}

/** Only these never accept connections from another machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** The address as it appears in a URL. */
export function urlHost(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

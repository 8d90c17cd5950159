// The status page's access token: random, kept in DIR/ui-token (mode 0600, like config.json), and
// required on every request. It is printed only when it is created (or renewed), never logged.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserFacingError } from '../app/user-facing-error.js';

export const TOKEN_FILE = 'ui-token';

export function tokenPath(home: string): string {
  return join(home, TOKEN_FILE);
}

function writeToken(path: string): string {
  const token = randomBytes(32).toString('base64url');
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${token}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    throw new UserFacingError(`cannot write the status page's access token ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return token;
}

/** The token, and whether it was made just now (then, and only then, it is shown to the user). */
export function loadOrCreateToken(home: string, renew = false): { token: string; created: boolean } {
  const path = tokenPath(home);
  if (!renew) {
    try {
      const token = readFileSync(path, 'utf8').trim();
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      if (/^[A-Za-z0-9_-]{32,}$/.test(token)) return { token, created: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new UserFacingError(`cannot read the status page's access token ${path} (${(err as NodeJS.ErrnoException).code}); check its permissions`);
      }
    }
  }
  return { token: writeToken(path), created: true };
}

// Which server and login the page shows: names only, never a password, token or key.
import type { Settings } from '../node/settings-file.js';

export interface LoginSummary {
  server: string | null;
  kind: string;
  /** A caveat the reader should know (e.g. no duplicate check after a lost answer). */
  caveat: string | null;
}

export function describeLogin(settings: Settings): LoginSummary {
  const server = settings.server ?? null;
  if (!server) return { server, kind: 'not configured', caveat: 'Run `booklore-sync configure --server URL --username NAME` first.' };
  const jwt = settings.auth === 'jwt' || (settings.auth === 'auto' && settings.username !== undefined);
  if (jwt && settings.username) {
    const unattended = settings.password ? '; password kept for unattended re-login' : '';
    return { server, kind: `BookLore account “${settings.username}”${unattended}`, caveat: null };
  }
  if (settings.koreaderUsername) {
    return {
      server,
      kind: `KOReader account “${settings.koreaderUsername}” only`,
      caveat: 'A session whose answer was lost is sent again unchecked (BookLore lists sessions to BookLore accounts only).',
    };
  }
  return { server, kind: 'no login configured', caveat: 'Run `booklore-sync configure` with --username or --koreader-username.' };
}

// Builds the BookLore client from the saved settings; refreshed tokens are saved back (0600).
import { credentialsFrom } from '../core/booklore/authenticator.js';
import type { BookLoreClient } from '../core/booklore/booklore-client.js';
import { createBookLoreClient } from '../node/client/create-client.js';
import { updateSettings, type Settings } from '../node/settings-file.js';
import { UserFacingError } from './user-facing-error.js';

export class NotConfiguredError extends UserFacingError {
  constructor() {
    super('no BookLore server is configured; run `booklore-sync configure --server URL --username NAME` first');
    this.name = 'NotConfiguredError';
  }
}

/** An explicit opt-out of certificate checks is repeated on every use, so it is not forgotten. */
function warnInsecure(server: string): void {
  process.stderr.write(`booklore-sync: warning: TLS certificate checks are OFF for ${server} (\`configure --insecure-tls off\` turns them back on)\n`);
}

export function connect(home: string, settings: Settings, warn: (server: string) => void = warnInsecure): BookLoreClient {
  if (!settings.server) throw new NotConfiguredError();
  if (settings.insecureTls && settings.server.startsWith('https:')) warn(settings.server);
  return createBookLoreClient(
    settings.server,
    credentialsFrom(settings.auth, settings),
    { timeoutMs: settings.timeoutSeconds * 1000, insecureTls: settings.insecureTls },
    (tokens) => updateSettings(home, (current) => ({ ...current, ...tokens })),
  );
}

// The BookLore client (src/core/booklore) built from the saved settings with the runtime's
// adapters; refreshed tokens are saved back at once.
import { credentialsFrom } from '../core/booklore/authenticator.js';
import { BookLoreClient } from '../core/booklore/booklore-client.js';
import type { AppSettings } from './app-settings.js';
import type { Runtime } from './runtime.js';
import { UserFacingError } from './user-facing-error.js';

export class NotConfiguredError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = 'NotConfiguredError';
  }
}

export function connect(runtime: Runtime, settings: AppSettings): BookLoreClient {
  const server = settings.server;
  if (server === null || server === undefined || server === '') throw new NotConfiguredError(runtime.wording.notConfigured);
  // An explicit opt-out of certificate checks is repeated on every use, so it is not forgotten.
  if (settings.insecureTls && server.startsWith('https:')) runtime.warn(`TLS certificate checks are OFF for ${server}`);
  return new BookLoreClient(
    server,
    credentialsFrom(settings.auth, settings),
    {
      http: runtime.http({ timeoutSeconds: settings.timeoutSeconds, insecureTls: settings.insecureTls }),
      json: runtime.json,
      shapes: runtime.shapes,
      wording: runtime.wording,
      random: () => runtime.random(),
    },
    (tokens) => runtime.settings.saveTokens(tokens),
  );
}

// The settings the use cases read, whatever keeps them (Node: config.json, 0600; KOReader:
// its LuaSettings file). Optional fields are absent or null when not set.
import type { DetectionRules } from '../core/detection-rules.js';
import type { Tokens } from '../core/booklore/answer-shapes.js';
import type { Credentials } from '../core/booklore/authenticator.js';

/** The accounts are the client's Credentials (username, password, tokens, KOReader key) by their names. */
export interface AppSettings extends Omit<Credentials, 'mode'> {
  server?: string | null;
  /** auto: JWT when a BookLore account is configured, else KOReader headers. */
  auth: Credentials['mode'];
  manualSyncOnly: boolean;
  detection: DetectionRules;
  timeoutSeconds: number;
  insecureTls: boolean;
  /** Single uploads in flight on a server without batch upload (default: the engine's). */
  parallelUploads?: number;
}

export interface SettingsPort {
  load(): AppSettings;
  /** New tokens from a login or refresh, saved at once (the password dropped unless kept). */
  saveTokens(tokens: Tokens): void;
}

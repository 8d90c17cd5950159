// The settings the use cases read, whatever keeps them (Node: config.json, 0600; KOReader:
// its LuaSettings file). Optional fields are absent or null when not set.
import type { DetectionRules } from '../core/detection-rules.js';
import type { Tokens } from '../core/booklore/answer-shapes.js';

export interface AppSettings {
  server?: string | null;
  /** auto: JWT when a BookLore account is configured, else KOReader headers. */
  auth: 'auto' | 'jwt' | 'koreader';
  username?: string | null;
  password?: string | null;
  refreshToken?: string | null;
  accessToken?: string | null;
  koreaderUsername?: string | null;
  koreaderKey?: string | null;
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

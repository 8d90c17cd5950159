// Settings and credentials: one JSON file in the data directory, mode 0600 (cli.md, X6).
// Written atomically (temp file + rename) so a crash never leaves half a file.
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_DETECTION_RULES } from '../core/detection-rules.js';
import { UserFacingError } from '../app/user-facing-error.js';

export const SETTINGS_FILE = 'config.json';

const md5Hex = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');

export const SettingsSchema = z.object({
  server: z.string().url().optional(),
  /** auto: JWT when a BookLore account is configured, else KOReader headers. */
  auth: z.enum(['auto', 'jwt', 'koreader']).default('auto'),
  username: z.string().min(1).optional(),
  /** Kept only when the user allows it; otherwise the refresh token stands in for it. */
  password: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  accessToken: z.string().min(1).optional(),
  koreaderUsername: z.string().min(1).optional(),
  /** MD5 of the KOReader password: what BookLore compares, so the password itself is not kept. */
  koreaderKey: md5Hex.optional(),
  manualSyncOnly: z.boolean().default(false),
  detection: z
    .object({
      mode: z.enum(['duration', 'pages']).default(DEFAULT_DETECTION_RULES.mode),
      minDurationSeconds: z.number().int().min(0).default(DEFAULT_DETECTION_RULES.minDurationSeconds),
      minPages: z.number().int().min(0).default(DEFAULT_DETECTION_RULES.minPages),
    })
    .default({ ...DEFAULT_DETECTION_RULES }),
  timeoutSeconds: z.number().positive().max(600).default(15),
  /** Accept a self-signed certificate (explicit opt-out; warned about on every use). */
  insecureTls: z.boolean().default(false),
  syncIntervalSeconds: z.number().int().min(10).default(900),
  /** Single POSTs in flight on servers without a batch endpoint (stock BookLore, Grimmory). */
  parallelUploads: z.number().int().min(1).max(32).default(8),
});

export type Settings = z.infer<typeof SettingsSchema>;

export function settingsPath(home: string): string {
  return join(home, SETTINGS_FILE);
}

export function loadSettings(home: string): Settings {
  const path = settingsPath(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return SettingsSchema.parse({});
    throw new UserFacingError(`cannot read the settings file ${path} (${(err as NodeJS.ErrnoException).code}); check its permissions`);
  }
  tightenMode(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UserFacingError(`the settings file ${path} is not valid JSON; fix it or delete it and run \`booklore-sync configure\` again`);
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new UserFacingError(`the settings file ${path} is invalid (${problems}); fix it or run \`booklore-sync configure\` again`);
  }
  return parsed.data;
}

/** A settings file readable by others is tightened: it may hold credentials. */
function tightenMode(path: string): void {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // Not ours to fix (e.g. owned by another user); reading it still worked.
  }
}

/**
 * For `configure`, which must be able to repair a broken file: an unreadable or invalid one is
 * kept aside (config.json.invalid) and the defaults are used instead.
 */
export function loadSettingsForRepair(home: string, warn: (message: string) => void): Settings {
  try {
    return loadSettings(home);
  } catch (err) {
    if (!(err instanceof UserFacingError)) throw err;
    const aside = `${settingsPath(home)}.invalid`;
    try {
      renameSync(settingsPath(home), aside);
    } catch {
      // unreadable even for a rename: saving the new settings will report the problem
    }
    warn(`${err.message.replace(/; fix it or .*$/, '')}; it was moved to ${aside} and the defaults are used`);
    return SettingsSchema.parse({});
  }
}

/** Re-reads, changes and saves, so a token refresh does not undo a concurrent `configure`. */
export function updateSettings(home: string, change: (current: Settings) => Settings): Settings {
  const next = change(loadSettings(home));
  saveSettings(home, next);
  return next;
}

export function saveSettings(home: string, settings: Settings): void {
  const path = settingsPath(home);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(settings, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean up
    }
    throw new UserFacingError(`cannot write the settings file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

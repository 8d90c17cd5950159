// The plugin's settings in its own LuaSettings file (booklore-sync-plugin.lua), mapped to the
// application layer's AppSettings, and the Settings menu's changes. The first time, the original
// BookLore Sync plugin's settings (plugin_settings in the shared queue file) are taken over.
import type { AppSettings, SettingsPort } from '../../src/app/app-settings.js';
import { normalizeServerUrl } from '../../src/core/booklore/server-url.js';
import type { Tokens } from '../../src/core/booklore/answer-shapes.js';
import { DEFAULT_DETECTION_RULES, type DetectionRules } from '../../src/core/detection-rules.js';
import type { SqlDatabase } from '../../src/store/sql-database.js';
import { restrictToOwner } from './file-mode.js';
import { md5Hex } from './fingerprint.js';

/** The subset of KOReader's LuaSettings the plugin uses (a stand-in in tests). */
export interface SettingsStore {
  readSetting(key: string): unknown;
  saveSetting(key: string, value: unknown): unknown;
  delSetting(key: string): unknown;
  flush(): unknown;
  /** Where LuaSettings keeps them (its `file` field). */
  file?: string;
}

export interface PluginSettingsValues extends AppSettings {
  server: string | null;
  username: string | null;
  password: string | null;
  keepPassword: boolean;
  /** Off: nothing is recorded or uploaded (the original plugin's "Enable Sync"). */
  syncEnabled: boolean;
}

/** The keys in booklore-sync's own LuaSettings file (never the original plugin's keys). */
const KEY = {
  server: 'server_url',
  username: 'booklore_username',
  password: 'booklore_password',
  refreshToken: 'booklore_refresh_token',
  accessToken: 'booklore_access_token',
  koreaderUsername: 'koreader_username',
  koreaderKey: 'koreader_key',
  keepPassword: 'keep_booklore_password',
  syncEnabled: 'sync_enabled',
  manualSyncOnly: 'manual_sync_only',
  detectionMode: 'session_detection_mode',
  minDuration: 'min_duration',
  minPages: 'min_pages',
  timeout: 'timeout_seconds',
  insecureTls: 'insecure_tls',
  importedOriginal: 'imported_original_settings',
} as const;

/** The original plugin's plugin_settings keys we can take over (plugin-db.md §plugin_settings). */
const ORIGINAL = {
  server: 'server_url',
  koreaderUsername: 'username',
  koreaderPassword: 'password',
  username: 'booklore_username',
  password: 'booklore_password',
  manualSyncOnly: 'manual_sync_only',
  minDuration: 'min_duration',
  minPages: 'min_pages',
  detectionMode: 'session_detection_mode',
} as const;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function numberOr(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? tonumber(value) : undefined;
  return n !== undefined && n === n && n >= 0 ? n : fallback;
}

export class PluginSettings implements SettingsPort {
  /**
   * @param beforeFirstRead opens the queue file once before the first read of an unset server, so
   *   the original plugin's settings can be taken over (importOriginal).
   */
  constructor(
    private readonly store: SettingsStore,
    private readonly beforeFirstRead: () => void,
  ) {}

  private firstReadDone = false;

  load(): PluginSettingsValues {
    const s = this.store;
    if (!this.firstReadDone) {
      this.firstReadDone = true;
      if (text(s.readSetting(KEY.server)) === null && s.readSetting(KEY.importedOriginal) !== true) this.beforeFirstRead();
    }
    const mode = s.readSetting(KEY.detectionMode);
    return {
      server: text(s.readSetting(KEY.server)),
      auth: 'auto',
      username: text(s.readSetting(KEY.username)),
      password: text(s.readSetting(KEY.password)),
      refreshToken: text(s.readSetting(KEY.refreshToken)),
      accessToken: text(s.readSetting(KEY.accessToken)),
      koreaderUsername: text(s.readSetting(KEY.koreaderUsername)),
      koreaderKey: text(s.readSetting(KEY.koreaderKey)),
      keepPassword: s.readSetting(KEY.keepPassword) === true,
      syncEnabled: s.readSetting(KEY.syncEnabled) !== false,
      manualSyncOnly: s.readSetting(KEY.manualSyncOnly) === true,
      detection: {
        mode: mode === 'pages' ? 'pages' : 'duration',
        minDurationSeconds: numberOr(s.readSetting(KEY.minDuration), DEFAULT_DETECTION_RULES.minDurationSeconds),
        minPages: numberOr(s.readSetting(KEY.minPages), DEFAULT_DETECTION_RULES.minPages),
      },
      timeoutSeconds: numberOr(s.readSetting(KEY.timeout), 15) || 15,
      insecureTls: s.readSetting(KEY.insecureTls) === true,
    };
  }

  saveTokens(tokens: Tokens): void {
    this.save(KEY.accessToken, tokens.accessToken);
    this.save(KEY.refreshToken, tokens.refreshToken);
    if (this.store.readSetting(KEY.keepPassword) !== true) this.save(KEY.password, null);
    this.flush();
  }

  private save(key: string, value: unknown): void {
    if (value === null || value === undefined) this.store.delSetting(key);
    else this.store.saveSetting(key, value);
  }

  private flush(): void {
    this.store.flush();
    // The accounts are in this file: the owner's only, like the Node tool's settings. LuaSettings
    // keeps the previous version as FILE.old (renamed, so with its old mode): that one too.
    const file = this.store.file;
    if (typeof file === 'string') {
      restrictToOwner(file);
      restrictToOwner(`${file}.old`);
    }
  }

  setServer(url: string): { ok: boolean; message: string } {
    const server = normalizeServerUrl(url);
    if (!(server.startsWith('http://') || server.startsWith('https://')) || server.length < 10) {
      return { ok: false, message: 'the server address must start with http:// or https://' };
    }
    const before = this.load().server;
    this.save(KEY.server, server);
    if (before !== server) {
      // Tokens belong to the old server.
      this.save(KEY.accessToken, null);
      this.save(KEY.refreshToken, null);
    }
    this.flush();
    return { ok: true, message: `server set to ${server}` };
  }

  setFlag(name: 'manualSyncOnly' | 'insecureTls' | 'syncEnabled', on: boolean): void {
    this.save(KEY[name], on);
    this.flush();
  }

  setDetectionRules(rules: Partial<DetectionRules>): void {
    if (rules.mode !== undefined) this.save(KEY.detectionMode, rules.mode);
    if (rules.minDurationSeconds !== undefined) this.save(KEY.minDuration, Math.max(0, Math.floor(rules.minDurationSeconds)));
    if (rules.minPages !== undefined) this.save(KEY.minPages, Math.max(0, Math.floor(rules.minPages)));
    this.flush();
  }

  setKeepPassword(on: boolean): void {
    this.save(KEY.keepPassword, on);
    if (!on) this.save(KEY.password, null);
    this.flush();
  }

  /** KOReader account: only the MD5 of the password is kept, which is what BookLore compares. */
  setKoreaderAccount(username: string, password: string): { ok: boolean; message: string } {
    const name = username.trim();
    if (name.length === 0) {
      this.save(KEY.koreaderUsername, null);
      this.save(KEY.koreaderKey, null);
      this.flush();
      return { ok: true, message: 'KOReader account removed' };
    }
    this.save(KEY.koreaderUsername, name);
    if (password.length > 0) this.save(KEY.koreaderKey, md5Hex(password));
    this.flush();
    return { ok: true, message: `KOReader account ${name} saved (only the MD5 of its password is kept)` };
  }

  /** A new BookLore account: the old tokens and password go; `password` is kept only when asked. */
  setBookloreAccount(username: string | null, keptPassword: string | null): void {
    for (const key of [KEY.username, KEY.password, KEY.accessToken, KEY.refreshToken]) this.save(key, null);
    if (username !== null) this.save(KEY.username, username);
    if (keptPassword !== null) this.save(KEY.password, keptPassword);
    this.flush();
  }

  /** The BookLore password, kept (keep password on, or until the first login), or dropped (null). */
  savePassword(password: string | null): void {
    this.save(KEY.password, password);
    this.flush();
  }

  /**
   * Switching from the original plugin: its server, accounts and rules (plugin_settings in the
   * shared file) become ours the first time, with the KOReader password kept as its MD5 only.
   * Returns whether anything was taken over.
   */
  importOriginal(db: SqlDatabase): boolean {
    const s = this.store;
    if (s.readSetting(KEY.importedOriginal) === true || text(s.readSetting(KEY.server)) !== null) return false;
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plugin_settings'").get();
    if (hasTable === undefined) return false;
    const original: Record<string, string> = {};
    for (const row of db.prepare('SELECT key, value FROM plugin_settings').all() as { key: string; value: string | undefined }[]) {
      if (typeof row.value === 'string') original[row.key] = row.value;
    }
    const server = text(original[ORIGINAL.server]);
    if (server === null) return false;
    this.save(KEY.server, normalizeServerUrl(server));
    const koreaderUser = text(original[ORIGINAL.koreaderUsername]);
    const koreaderPassword = text(original[ORIGINAL.koreaderPassword]);
    if (koreaderUser !== null && koreaderPassword !== null) {
      this.save(KEY.koreaderUsername, koreaderUser);
      this.save(KEY.koreaderKey, md5Hex(koreaderPassword));
    }
    const user = text(original[ORIGINAL.username]);
    if (user !== null) {
      this.save(KEY.username, user);
      // Kept until the first login gives us a refresh token, then dropped (unless "keep password").
      this.save(KEY.password, text(original[ORIGINAL.password]));
    }
    if (original[ORIGINAL.manualSyncOnly] === 'true') this.save(KEY.manualSyncOnly, true);
    if (original[ORIGINAL.detectionMode] === 'pages') this.save(KEY.detectionMode, 'pages');
    const minDuration = tonumber(original[ORIGINAL.minDuration] ?? '');
    if (minDuration !== undefined) this.save(KEY.minDuration, minDuration);
    const minPages = tonumber(original[ORIGINAL.minPages] ?? '');
    if (minPages !== undefined) this.save(KEY.minPages, minPages);
    this.save(KEY.importedOriginal, true);
    this.flush();
    return true;
  }
}

// What the plugin does, independent of KOReader's widgets: the use cases main.lua calls from its
// events, menu items and dispatcher action. The decisions are the core's (session rules, detection
// rules, the sync engine); this file wires them to the queue file, the settings and the server, the
// way src/app (record-session, run-sync, test-connection) does for the Node tool.
import { bookTypeForFile, fileExtension, titleFromPath } from '../../src/core/book-type-from-file.js';
import { checkDetectionRules, DEFAULT_DETECTION_RULES, type DetectionRules } from '../../src/core/detection-rules.js';
import { formatDuration } from '../../src/core/duration-format.js';
import { describeErrors, normalizeBookHash, validateSession, type Session, type SessionInput } from '../../src/core/session.js';
import { DEFAULT_BACKOFF_POLICY } from '../../src/core/sync/backoff.js';
import { SyncEngine, type SyncReport } from '../../src/core/sync/sync-engine.js';
import { BookCache } from '../../src/store/book-cache.js';
import { SessionQueue } from '../../src/store/session-queue.js';
import { historyToJson, pendingToJson } from '../../src/store/session-rows.js';
import { SqliteSyncStore } from '../../src/store/sqlite-sync-store.js';
import { SyncLease } from '../../src/store/sync-lease.js';
import type { Tokens } from '../../src/core/booklore/answer-shapes.js';
import { credentialsFrom } from '../../src/core/booklore/authenticator.js';
import { BookLoreClient } from '../../src/core/booklore/booklore-client.js';
import { normalizeServerUrl } from '../../src/core/booklore/server-url.js';
import { luaAnswerShapes } from './answer-shapes.js';
import { PLUGIN_WORDING } from './client-wording.js';
import { fileSize, md5Hex, partialMd5OfFile } from './fingerprint.js';
import { SqliteRemoteFingerprints } from '../../src/store/remote-fingerprints.js';
import { HttpTransport } from './http.js';
import { luaJson } from './json.js';
import { stockServerResolution } from './stock-server.js';
import { restrictToOwner } from './file-mode.js';
import { luaLeaseEnvironment } from './process-info.js';
import { DATABASE_FILE, describeSqliteFailure, openQueueDatabase, PluginError } from './queue-database.js';
import type { Database } from './sqlite.js';

/** The subset of KOReader's LuaSettings the plugin uses (a stand-in in tests). */
export interface SettingsStore {
  readSetting(key: string): unknown;
  saveSetting(key: string, value: unknown): unknown;
  delSetting(key: string): unknown;
  flush(): unknown;
  /** Where LuaSettings keeps them (its `file` field). */
  file?: string;
}

export type LogLevel = 'dbg' | 'info' | 'warn' | 'err';

export interface AppOptions {
  /** KOReader's settings folder (DataStorage:getSettingsDir()): booklore-sync.sqlite lives there. */
  settingsDir: string;
  settings: SettingsStore;
  /** Device:canUseWAL(); WAL otherwise (as the Node tool). */
  wal?: boolean;
  /** KOReader's CA bundle (data/ca-bundle.crt) for https servers. */
  caFile?: string | null;
  log?: (this: void, level: LogLevel, message: string) => void;
  // For tests and benchmarks:
  now?: (this: void) => number;
  random?: (this: void) => number;
  reconcileGraceSeconds?: number;
  backoffBaseSeconds?: number;
  concurrency?: number;
  /** How long a sync waits for another program's sync on the same file (default 2 s). */
  leaseWaitSeconds?: number;
}

/** Where the reader is in the book: KOReader's page number (as text) and page / page count × 100. */
export interface Position {
  location: string | null;
  progress: number | null;
}

export interface OpenDocument extends Position {
  path: string;
  title: string | null;
  /** KOReader's own partial_md5_checksum from the document's settings, when it has one. */
  partialMd5: string | null;
}

export type RecordOutcome =
  | { queued: true; id: number; message: string }
  | { queued: false; kind: 'no-session' | 'not-a-session' | 'duplicate' | 'unsupported' | 'error'; message: string };

export type Trigger = 'session-end' | 'resume' | 'network' | 'sync-now' | 'dispatcher';

export interface SyncResult {
  ran: boolean;
  /** One line for an InfoMessage. */
  message: string;
  /** Something the user has to act on (credentials, a server that is not BookLore …). */
  problem: boolean;
  report: SyncReport | null;
}

export interface ConnectionReport {
  ok: boolean;
  lines: string[];
}

export interface QueueDetails {
  total: number;
  queued: number;
  sending: number;
  parked: number;
  waitingForBook: number;
  lines: string[];
}

interface Settings {
  server: string | null;
  username: string | null;
  password: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  koreaderUsername: string | null;
  koreaderKey: string | null;
  keepPassword: boolean;
  manualSyncOnly: boolean;
  detection: DetectionRules;
  timeoutSeconds: number;
  insecureTls: boolean;
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

/** Runs a settled promise's value out (TSTL's promises settle synchronously when nothing waits on I/O). */
export function settledValue<T>(promise: Promise<T>): T {
  let done = false;
  let failed = false;
  let value: T | undefined;
  let reason: unknown;
  promise.then(
    (v) => {
      done = true;
      value = v;
    },
    (e) => {
      done = true;
      failed = true;
      reason = e;
    },
  );
  if (!done) throw new PluginError('internal error: the sync did not finish');
  if (failed) throw reason;
  return value as T;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return tostring(err);
}

export function syncSummary(report: SyncReport): string {
  const parts = [`${report.uploaded} uploaded`];
  if (report.reconciled > 0) parts.push(`${report.reconciled} found already on the server`);
  if (report.unknown > 0) parts.push(`${report.unknown} awaiting a check on the server (answer lost)`);
  if (report.resolved > 0) parts.push(`${report.resolved} matched to books by hash`);
  if (report.failed > 0) parts.push(`${report.failed} failed`);
  if (report.parked > 0) parts.push(`${report.parked} parked as invalid`);
  if (report.duplicatesDropped > 0) parts.push(`${report.duplicatesDropped} duplicate(s) dropped`);
  if (report.skippedBackoff > 0) parts.push(`${report.skippedBackoff} waiting for backoff`);
  parts.push(`${report.pending} still queued`);
  return parts.join(', ');
}

export class BookloreSyncApp {
  private db: Database | null = null;
  private openBook: (Position & { path: string; title: string | null; hash: string | null; startTime: number }) | null = null;
  private readonly unsaved: { path: string; session: Session }[] = [];
  private importChecked = false;
  private syncing = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: AppOptions) {
    const clock = options.now;
    const random = options.random;
    this.now = clock !== undefined ? () => clock() : () => os.time();
    this.random = random !== undefined ? () => random() : () => math.random();
  }

  private log(level: LogLevel, message: string): void {
    const sink = this.options.log;
    if (sink !== undefined) sink(level, message);
  }

  get databasePath(): string {
    return `${this.options.settingsDir}/${DATABASE_FILE}`;
  }

  /** The queue database, opened (and migrated) on first use. Throws PluginError with words for the user. */
  database(): Database {
    if (this.db === null) {
      this.db = openQueueDatabase(this.databasePath, {
        nowSeconds: this.now,
        wal: this.options.wal !== false,
        busyTimeoutMs: 10000,
      });
      this.importOriginalSettings(this.db);
    }
    return this.db;
  }

  close(): void {
    if (this.db !== null) this.db.close();
    this.db = null;
  }

  // ── settings ────────────────────────────────────────────────────────────────────────────────

  settings(): Settings {
    const s = this.options.settings;
    if (!this.importChecked && this.db === null && text(s.readSetting(KEY.server)) === null && s.readSetting(KEY.importedOriginal) !== true) {
      // The original plugin's settings may be waiting in the queue file: look once.
      this.importChecked = true;
      try {
        this.database();
      } catch {
        // reported when the queue is used
      }
    }
    const mode = s.readSetting(KEY.detectionMode);
    return {
      server: text(s.readSetting(KEY.server)),
      username: text(s.readSetting(KEY.username)),
      password: text(s.readSetting(KEY.password)),
      refreshToken: text(s.readSetting(KEY.refreshToken)),
      accessToken: text(s.readSetting(KEY.accessToken)),
      koreaderUsername: text(s.readSetting(KEY.koreaderUsername)),
      koreaderKey: text(s.readSetting(KEY.koreaderKey)),
      keepPassword: s.readSetting(KEY.keepPassword) === true,
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

  private save(key: string, value: unknown): void {
    if (value === null || value === undefined) this.options.settings.delSetting(key);
    else this.options.settings.saveSetting(key, value);
  }

  private flush(): void {
    this.options.settings.flush();
    // The accounts are in this file: the owner's only, like the Node tool's settings. LuaSettings
    // keeps the previous version as FILE.old (renamed, so with its old mode): that one too.
    const file = this.options.settings.file;
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
    const before = this.settings().server;
    this.save(KEY.server, server);
    if (before !== server) {
      // Tokens belong to the old server.
      this.save(KEY.accessToken, null);
      this.save(KEY.refreshToken, null);
    }
    this.flush();
    return { ok: true, message: `server set to ${server}` };
  }

  setManualSyncOnly(on: boolean): void {
    this.save(KEY.manualSyncOnly, on);
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

  /**
   * BookLore account: logs in at once so only the tokens need keeping (the password too, only if
   * "keep password" is on). Offline, the password is kept until the first successful login.
   */
  setBookloreAccount(username: string, password: string): { ok: boolean; message: string } {
    const name = username.trim();
    if (name.length === 0) {
      for (const key of [KEY.username, KEY.password, KEY.accessToken, KEY.refreshToken]) this.save(key, null);
      this.flush();
      return { ok: true, message: 'BookLore account removed' };
    }
    const settings = this.settings();
    this.save(KEY.username, name);
    this.save(KEY.accessToken, null);
    this.save(KEY.refreshToken, null);
    this.save(KEY.password, null);
    if (settings.server === null) {
      this.save(KEY.password, password);
      this.flush();
      return { ok: true, message: 'account saved; set the server, then it logs in at the next sync' };
    }
    const client = this.client({ ...settings, username: name, password, accessToken: null, refreshToken: null });
    const outcome = settledValue(client.logIn(name, password));
    if (outcome.ok) {
      if (settings.keepPassword) this.save(KEY.password, password);
      this.flush();
      return { ok: true, message: `logged in to BookLore as ${name}; the login is kept (${settings.keepPassword ? 'with' : 'not'} the password)` };
    }
    if (outcome.failure.kind === 'auth') {
      this.save(KEY.username, null);
      this.flush();
      return { ok: false, message: outcome.failure.message };
    }
    this.save(KEY.password, password);
    this.flush();
    return { ok: true, message: `account saved; could not log in now (${outcome.failure.message}), it will at the next sync` };
  }

  /**
   * Switching from the original plugin: its server, accounts and rules (plugin_settings in the
   * shared file) become ours the first time, with the KOReader password kept as its MD5 only.
   */
  private importOriginalSettings(db: Database): void {
    const s = this.options.settings;
    if (s.readSetting(KEY.importedOriginal) === true || text(s.readSetting(KEY.server)) !== null) return;
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plugin_settings'").get();
    if (hasTable === undefined) return;
    const original: Record<string, string> = {};
    for (const row of db.prepare('SELECT key, value FROM plugin_settings').all() as { key: string; value: string | undefined }[]) {
      if (typeof row.value === 'string') original[row.key] = row.value;
    }
    const server = text(original[ORIGINAL.server]);
    if (server === null) return;
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
    this.log('info', 'BookLore Sync: took over the server, accounts and session rules of the original BookLore Sync plugin');
  }

  /** The shared BookLore client (src/core/booklore) over LuaSocket; new tokens are saved at once. */
  private client(settings: Settings): BookLoreClient {
    const http = new HttpTransport(
      { timeoutSeconds: settings.timeoutSeconds, insecureTls: settings.insecureTls, caFile: this.options.caFile ?? null },
      this.now,
    );
    const onTokens = (tokens: Tokens): void => {
      this.save(KEY.accessToken, tokens.accessToken);
      this.save(KEY.refreshToken, tokens.refreshToken);
      if (!this.settings().keepPassword) this.save(KEY.password, null);
      this.flush();
    };
    return new BookLoreClient(
      settings.server ?? '',
      credentialsFrom('auto', settings),
      { http, json: luaJson, shapes: luaAnswerShapes, wording: PLUGIN_WORDING, random: this.random },
      onTokens,
    );
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────────

  /** A document opened or the device resumed with one open: a session starts. */
  sessionStart(doc: OpenDocument): void {
    const known = doc.partialMd5 !== null ? normalizeBookHash(doc.partialMd5) : null;
    this.openBook = {
      path: doc.path,
      title: doc.title,
      hash: known,
      startTime: this.now(),
      location: doc.location,
      progress: doc.progress,
    };
  }

  hasOpenSession(): boolean {
    return this.openBook !== null;
  }

  /** The document closed or the device suspends: the session ends, is checked, and is queued (S1). */
  sessionEnd(position: Position): RecordOutcome {
    const open = this.openBook;
    this.openBook = null;
    if (open === null) return { queued: false, kind: 'no-session', message: 'no reading session was open' };
    const endTime = this.now();
    const bookType = bookTypeForFile(open.path);
    if (bookType === null) {
      return { queued: false, kind: 'unsupported', message: `BookLore has no book type for .${fileExtension(open.path)} files; the session is not kept` };
    }
    let hash = open.hash;
    if (hash === null) {
      const fingerprint = partialMd5OfFile(open.path);
      if (!fingerprint.ok) return { queued: false, kind: 'error', message: fingerprint.problem };
      hash = fingerprint.hash;
    }
    const input: SessionInput = {
      bookHash: hash,
      bookType,
      startTime: open.startTime,
      endTime: endTime < open.startTime ? open.startTime : endTime,
      startProgress: clampProgress(open.progress),
      endProgress: clampProgress(position.progress),
      startLocation: open.location,
      endLocation: position.location,
      bookTitle: open.title ?? titleFromPath(open.path),
    };
    const validation = validateSession(input);
    if (!validation.ok) return { queued: false, kind: 'error', message: describeErrors(validation.errors) };
    const session = validation.session;
    const verdict = checkDetectionRules(session, this.settings().detection);
    if (!verdict.counts) return { queued: false, kind: 'not-a-session', message: verdict.reason };
    this.retryUnsaved();
    try {
      return this.queueRecorded(open.path, session);
    } catch (err) {
      // The queue file refused it (locked by another program for long, storage full …): the
      // session is kept in memory and queued at the next chance rather than lost.
      const problem = describeSqliteFailure(this.databasePath, err);
      this.unsaved.push({ path: open.path, session });
      this.log('err', `BookLore Sync: could not queue the session (kept, tried again later): ${problem.message}`);
      return { queued: false, kind: 'error', message: `${problem.message}; the session is kept and queued later` };
    }
  }

  /** Queues a counted session of a book file, as record-session.ts does: cache the file's fingerprint, reuse a known id. */
  private queueRecorded(path: string, session: Session): RecordOutcome {
    const db = this.database();
    const books = new BookCache(db, this.now);
    const queue = new SessionQueue(db, this.now);
    const hash = session.bookHash!;
    const size = fileSize(path);
    const outcome = db.transaction(() => {
      books.remember(path, hash, session.bookTitle ?? titleFromPath(path));
      if (size !== null) new SqliteRemoteFingerprints(db, this.now).noteLocalFile(hash, size);
      if (session.bookId === null) session.bookId = books.bookIdForHash(hash);
      return queue.enqueue(session, 'record');
    }).immediate();
    if (outcome.queued) {
      this.log('info', `BookLore Sync: queued session #${outcome.id} (${formatDuration(session.durationSeconds)})`);
      return { queued: true, id: outcome.id, message: `session of ${formatDuration(session.durationSeconds)} queued` };
    }
    const where = outcome.duplicateOf.where === 'pending' ? `already queued as #${outcome.duplicateOf.id}` : `already uploaded (history #${outcome.duplicateOf.id})`;
    return { queued: false, kind: 'duplicate', message: `duplicate: ${where}` };
  }

  /** Sessions the queue file refused earlier, queued now if it takes them. */
  private retryUnsaved(): void {
    while (this.unsaved.length > 0) {
      const next = this.unsaved[0]!;
      try {
        this.queueRecorded(next.path, next.session);
      } catch {
        return;
      }
      this.unsaved.shift();
    }
  }

  /** Queues a session as given (tests, the runner): validated, duplicates refused, no detection rules. */
  enqueue(input: SessionInput): { ok: boolean; id: number | null; message: string } {
    const validation = validateSession(input);
    if (!validation.ok) return { ok: false, id: null, message: describeErrors(validation.errors) };
    const outcome = new SessionQueue(this.database(), this.now).enqueue(validation.session, 'record');
    return outcome.queued ? { ok: true, id: outcome.id, message: 'queued' } : { ok: false, id: null, message: 'duplicate' };
  }

  // ── sync ────────────────────────────────────────────────────────────────────────────────────

  /** Whether this trigger syncs at all: automatic triggers respect Manual Sync Only (S6). */
  triggerSyncs(trigger: Trigger): boolean {
    const automatic = trigger === 'session-end' || trigger === 'resume' || trigger === 'network';
    return !(automatic && this.settings().manualSyncOnly);
  }

  sync(trigger: Trigger): SyncResult {
    if (!this.triggerSyncs(trigger)) return { ran: false, message: 'Manual Sync Only is on: sessions stay queued until Sync Now', problem: false, report: null };
    if (this.syncing) return { ran: false, message: 'a sync is already running', problem: false, report: null };
    const settings = this.settings();
    if (settings.server === null) {
      return { ran: false, message: 'no BookLore server is set up (Settings → Server)', problem: true, report: null };
    }
    this.syncing = true;
    let lease: SyncLease | null = null;
    try {
      const db = this.database();
      this.retryUnsaved();
      const client = this.client(settings);
      lease = new SyncLease(db, luaLeaseEnvironment(this.random));
      const waitSeconds = this.options.leaseWaitSeconds ?? 2;
      if (!settledValue(lease.acquire(waitSeconds * 1000))) {
        const holder = lease.holder();
        return { ran: false, message: `another sync${holder ? ` (${holder.host}, pid ${holder.pid})` : ''} is running on this queue; try again later`, problem: false, report: null };
      }
      const automatic = trigger === 'session-end' || trigger === 'resume' || trigger === 'network';
      const engine = new SyncEngine(
        {
          store: new SqliteSyncStore(db, client.serverKey, lease, this.now),
          api: client,
          now: this.now,
          random: this.random,
          events: { log: (line) => this.log('info', `BookLore Sync: ${line}`) },
          stockServer: stockServerResolution(client, db, this.now, (line) => this.log('info', `BookLore Sync: ${line}`)),
        },
        {
          automatic,
          backoff: { ...DEFAULT_BACKOFF_POLICY, baseSeconds: this.options.backoffBaseSeconds ?? DEFAULT_BACKOFF_POLICY.baseSeconds },
          reconcileGraceSeconds: this.options.reconcileGraceSeconds ?? Math.max(2, 2 * settings.timeoutSeconds),
          ...(this.options.concurrency !== undefined ? { concurrency: this.options.concurrency } : {}),
        },
      );
      const report = settledValue(engine.run());
      const summary = syncSummary(report);
      this.log('info', `BookLore Sync (${trigger}): ${summary}`);
      if (report.stoppedBy === 'auth') return { ran: true, message: `${report.message}; the queue is kept`, problem: true, report };
      if (report.stoppedBy === 'offline') return { ran: true, message: `not synced: ${report.message}; sessions stay queued`, problem: false, report };
      if (report.stoppedBy !== null) return { ran: true, message: `stopped: ${report.message}`, problem: false, report };
      return { ran: true, message: summary, problem: false, report };
    } catch (err) {
      const message = err instanceof PluginError ? err.message : describeSqliteFailure(this.databasePath, err).message;
      this.log('err', `BookLore Sync: sync failed: ${message}`);
      return { ran: false, message, problem: true, report: null };
    } finally {
      if (lease !== null) {
        try {
          lease.release();
        } catch (releaseError) {
          this.log('warn', `BookLore Sync: could not release the sync lease: ${errorText(releaseError)}`);
        }
      }
      this.syncing = false;
    }
  }

  // ── Test Connection (src/app/test-connection.ts) ────────────────────────────────────────────

  testConnection(): ConnectionReport {
    const settings = this.settings();
    if (settings.server === null) return { ok: false, lines: ['No server is set up (Settings → Server).'] };
    const client = this.client(settings);
    const lines: string[] = [`Server: ${client.serverKey}`];
    const warnings: string[] = [];
    if (settings.insecureTls) warnings.push('TLS certificate checks are OFF for this server');
    const health = settledValue(client.healthcheck());
    if (!health.ok) {
      lines.push(`Not reachable: ${health.failure.message}`);
      return { ok: false, lines };
    }
    lines.push(`Reachable: BookLore${health.version !== null ? ` ${health.version}` : ''}`);
    let ok = true;
    if (client.auth.hasKoreader) {
      const koreader = settledValue(client.checkKoreaderLogin());
      if (koreader.ok) lines.push('KOReader account: OK');
      else if (koreader.failure.kind === 'auth') {
        lines.push(`KOReader account: rejected (${koreader.failure.message})`);
        ok = false;
      } else warnings.push(`KOReader account not checked: ${koreader.failure.message}`);
    } else lines.push('KOReader account: not set up');
    if (client.auth.hasJwt) {
      const booklore = settledValue(client.checkBookLoreLogin());
      if (booklore.ok) lines.push('BookLore account: OK');
      else {
        lines.push(`BookLore account: ${booklore.failure.kind === 'auth' ? 'rejected' : 'not checked'} (${booklore.failure.message})`);
        ok = false;
      }
    } else lines.push('BookLore account: not set up');
    if (!ok) return { ok, lines: [...lines, ...warnings] };
    if (!client.auth.hasJwt && !client.auth.hasKoreader) {
      lines.push('No account is set up: add a BookLore account (and/or a KOReader account).');
      return { ok: false, lines };
    }
    const batch = settledValue(client.probeBatch());
    const lookup = settledValue(client.probeHashLookup());
    if (batch.ok) lines.push(`Batch upload: ${batch.supported ? 'yes' : 'no (one request per session)'}`);
    else warnings.push(`batch upload not checked: ${batch.failure.message}`);
    if (lookup.ok) lines.push(`Book lookup by fingerprint: ${lookup.supported ? 'yes' : 'no'}`);
    else warnings.push(`hash lookup not checked: ${lookup.failure.message}`);
    if (batch.ok && lookup.ok) {
      try {
        new SqliteSyncStore(this.database(), client.serverKey, null, this.now).saveCapabilities(client.serverKey, {
          batchUpload: batch.supported,
          hashLookup: lookup.supported,
          checkedAt: this.now(),
        });
      } catch (err) {
        warnings.push(`could not remember what the server can do: ${errorText(err)}`);
      }
    }
    if (!client.canListSessions) {
      warnings.push(
        'only a KOReader account is set up: BookLore lists sessions to BookLore accounts only, so after a lost acknowledgement a session is re-sent unchecked and may be duplicated; add a BookLore account for exactly-once uploads',
      );
    }
    if (lookup.ok && !lookup.supported) {
      warnings.push('this server cannot find books by fingerprint (upstream BookLore): sessions wait until a book id is attached (booklore-sync attach on a computer)');
    }
    return { ok: true, lines: [...lines, ...warnings.map((w) => `Note: ${w}`)] };
  }

  // ── Manage Sessions (S7) ────────────────────────────────────────────────────────────────────

  pendingCount(): number {
    return new SessionQueue(this.database(), this.now).pendingCount();
  }

  queueDetails(limit = 50): QueueDetails {
    const rows = new SessionQueue(this.database(), this.now).pending();
    const details: QueueDetails = { total: rows.length, queued: 0, sending: 0, parked: 0, waitingForBook: 0, lines: [] };
    for (const row of rows) {
      if (row.upload_state === 'parked') details.parked++;
      else if (row.upload_state === 'sending') details.sending++;
      else details.queued++;
      if (row.book_id === null || row.book_id === undefined) details.waitingForBook++;
    }
    let shown = 0;
    for (const row of rows) {
      if (shown >= limit) break;
      shown++;
      const book = row.book_title ?? (row.book_id !== null && row.book_id !== undefined ? `book ${row.book_id}` : row.book_hash);
      const state = row.upload_state === 'parked' ? ' — parked' : row.upload_state === 'sending' ? ' — awaiting a check' : '';
      let line = `#${row.id} ${book}: ${row.start_time}, ${formatDuration(row.duration_seconds)}, retries ${row.retry_count ?? 0}${state}`;
      if (row.last_error !== null && row.last_error !== undefined) line += `\n    ${row.last_error}`;
      details.lines.push(line);
    }
    if (rows.length > shown) details.lines.push(`… and ${rows.length - shown} more`);
    return details;
  }

  /** What reached BookLore, newest first (S7). */
  historyLines(limit = 50): string[] {
    return new SessionQueue(this.database(), this.now).history(limit).map((row) => {
      const book = row.koreader_book_title !== null && row.koreader_book_title !== undefined && row.koreader_book_title !== 'Unknown'
        ? row.koreader_book_title
        : `book ${row.book_id ?? '?'}`;
      return `${book}: ${row.start_time}, ${formatDuration(row.duration_seconds)}`;
    });
  }

  pendingJson(): unknown[] {
    return new SessionQueue(this.database(), this.now).pending().map(pendingToJson);
  }

  historyJson(limit: number): unknown[] {
    return new SessionQueue(this.database(), this.now).history(limit).map(historyToJson);
  }

  /** Clear Pending: permanently deletes every queued session; returns how many. */
  clearPending(): number {
    const removed = new SessionQueue(this.database(), this.now).clearPending();
    this.log('info', `BookLore Sync: cleared ${removed} pending session(s)`);
    return removed;
  }

  retryParked(): number {
    return new SessionQueue(this.database(), this.now).retryParked(null);
  }
}

function clampProgress(progress: number | null): number | null {
  if (progress === null || progress === undefined || progress !== progress) return null;
  return progress < 0 ? 0 : progress > 100 ? 100 : progress;
}

/** Lua-facing constructor (no `self`): main.lua and the test runners call this. */
export function createApp(this: void, options: AppOptions): BookloreSyncApp {
  return new BookloreSyncApp(options);
}

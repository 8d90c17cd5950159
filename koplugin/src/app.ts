// What the plugin does, independent of KOReader's widgets: the calls main.lua makes from its
// events, menu items and dispatcher action. The use cases are the application layer's (src/app),
// the same code the Node tool runs; this file maps the plugin's settings and triggers onto them
// and words their answers for KOReader's messages.
import { connect } from '../../src/app/booklore-connection.js';
import { importKoreaderStats, type ImportReport } from '../../src/app/import-koreader-stats.js';
import { queueDetails, historyLines, type QueueDetails } from '../../src/app/queue-inspection.js';
import { QueueStore } from '../../src/app/queue-store.js';
import { runSync } from '../../src/app/run-sync.js';
import type { AppContext, Runtime } from '../../src/app/runtime.js';
import { storageErrorOrSelf } from '../../src/app/storage-errors.js';
import { syncStopNotice, syncSummary } from '../../src/app/sync-summary.js';
import { connectionLines, testConnection } from '../../src/app/test-connection.js';
import { UserFacingError } from '../../src/app/user-facing-error.js';
import { PLUGIN_SESSION_GAP_SECONDS } from '../../src/core/page-stat-sessions.js';
import { describeErrors, validateSession, type SessionInput } from '../../src/core/session.js';
import type { SyncReport } from '../../src/core/sync/sync-engine.js';
import { secondsUntilNextCheck } from '../../src/core/sync/sync-summary.js';
import type { DetectionRules } from '../../src/core/detection-rules.js';
import { historyToJson, pendingToJson } from '../../src/store/session-rows.js';
import { DATABASE_FILE } from '../../src/app/queue-database.js';
import { koreaderRuntime, type LogLevel } from './koreader-runtime.js';
import { PluginSettings, type PluginSettingsValues, type SettingsStore } from './plugin-settings.js';
import { ReadingSessions, type OpenDocument, type Position, type SessionEndOutcome } from './reading-session.js';
import { settledValue } from './settled-value.js';

export type { LogLevel, SettingsStore, OpenDocument, Position };

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

/** 'check': the later check main.lua schedules after a lost answer (automatic). */
export type Trigger = 'session-end' | 'resume' | 'network' | 'sync-now' | 'dispatcher' | 'check';

export interface SyncResult {
  ran: boolean;
  /** One line for an InfoMessage. */
  message: string;
  /** Something the user has to act on (credentials, a server that is not BookLore …). */
  problem: boolean;
  report: SyncReport | null;
  /** Sessions whose answer was lost: check the server again (a 'check' sync) in this many seconds. */
  nextCheckInSeconds?: number | null;
}

export interface ImportResult {
  ok: boolean;
  message: string;
  report: ImportReport | null;
}

function isAutomatic(trigger: Trigger): boolean {
  return trigger === 'session-end' || trigger === 'resume' || trigger === 'network' || trigger === 'check';
}

export class BookloreSyncApp {
  private opened: QueueStore | null = null;
  private syncing = false;
  private readonly now: () => number;
  private readonly pluginSettings: PluginSettings;
  private readonly runtime: Runtime;
  private readonly context: AppContext;
  private readonly sessions: ReadingSessions;

  constructor(private readonly options: AppOptions) {
    const clock = options.now;
    const random = options.random;
    this.now = clock !== undefined ? () => clock() : () => os.time();
    this.pluginSettings = new PluginSettings(options.settings, () => {
      // The original plugin's settings may be waiting in the queue file: look once.
      try {
        this.store();
      } catch {
        // reported when the queue is used
      }
    });
    this.runtime = koreaderRuntime({
      settingsDir: options.settingsDir,
      settings: this.pluginSettings,
      wal: options.wal !== false,
      caFile: options.caFile ?? null,
      log: (level, message) => this.log(level, message),
      now: this.now,
      random: random !== undefined ? () => random() : () => math.random(),
    });
    this.context = {
      runtime: this.runtime,
      databasePath: this.databasePath,
      timing: {
        reconcileGraceSeconds: options.reconcileGraceSeconds,
        backoffBaseSeconds: options.backoffBaseSeconds,
        concurrency: options.concurrency,
      },
    };
    this.sessions = new ReadingSessions(this.runtime, this.now, (line) => this.log('info', `BookLore Sync: ${line}`));
  }

  private log(level: LogLevel, message: string): void {
    const sink = this.options.log;
    if (sink !== undefined) sink(level, message);
  }

  get databasePath(): string {
    return `${this.options.settingsDir}/${DATABASE_FILE}`;
  }

  /** The queue, opened (and migrated) on first use. Throws a UserFacingError with words for the user. */
  store(): QueueStore {
    if (this.opened === null) {
      this.opened = QueueStore.openFor(this.context);
      if (this.pluginSettings.importOriginal(this.opened.db)) {
        this.log('info', 'BookLore Sync: took over the server, accounts and session rules of the original BookLore Sync plugin');
      }
    }
    return this.opened;
  }

  close(): void {
    if (this.opened !== null) this.opened.close();
    this.opened = null;
  }

  /** Any failure as one short sentence for the user (details go to the log). */
  describe(err: unknown): string {
    const known = storageErrorOrSelf(this.databasePath, err, this.runtime);
    if (known instanceof UserFacingError) return known.message;
    this.log('err', `BookLore Sync: unexpected error: ${err instanceof Error ? err.message : tostring(err)}`);
    return 'internal error (details in the KOReader log)';
  }

  // ── settings ────────────────────────────────────────────────────────────────────────────────

  settings(): PluginSettingsValues {
    return this.pluginSettings.load();
  }

  setServer(url: string): { ok: boolean; message: string } {
    return this.pluginSettings.setServer(url);
  }

  setManualSyncOnly(on: boolean): void {
    this.pluginSettings.setFlag('manualSyncOnly', on);
  }

  /** Accept a self-signed certificate (an explicit opt-out of certificate checks). */
  setInsecureTls(on: boolean): void {
    this.pluginSettings.setFlag('insecureTls', on);
  }

  setDetectionRules(rules: Partial<DetectionRules>): void {
    this.pluginSettings.setDetectionRules(rules);
  }

  setKeepPassword(on: boolean): void {
    this.pluginSettings.setKeepPassword(on);
  }

  setKoreaderAccount(username: string, password: string): { ok: boolean; message: string } {
    return this.pluginSettings.setKoreaderAccount(username, password);
  }

  /**
   * BookLore account: logs in at once so only the tokens need keeping (the password too, only if
   * "keep password" is on). Offline, the password is kept until the first successful login.
   */
  setBookloreAccount(username: string, password: string): { ok: boolean; message: string } {
    const name = username.trim();
    if (name.length === 0) {
      this.pluginSettings.setBookloreAccount(null, null);
      return { ok: true, message: 'BookLore account removed' };
    }
    const settings = this.settings();
    if (settings.server === null) {
      this.pluginSettings.setBookloreAccount(name, password);
      return { ok: true, message: 'account saved; set the server, then it logs in at the next sync' };
    }
    this.pluginSettings.setBookloreAccount(name, null);
    const client = connect(this.runtime, { ...settings, username: name, password, accessToken: null, refreshToken: null });
    const outcome = settledValue(client.logIn(name, password));
    if (outcome.ok) {
      if (settings.keepPassword) this.pluginSettings.savePassword(password);
      return { ok: true, message: `logged in to BookLore as ${name}; the login is kept (${settings.keepPassword ? 'with' : 'not'} the password)` };
    }
    if (outcome.failure.kind === 'auth') {
      this.pluginSettings.setBookloreAccount(null, null);
      return { ok: false, message: outcome.failure.message };
    }
    this.pluginSettings.savePassword(password);
    return { ok: true, message: `account saved; could not log in now (${outcome.failure.message}), it will at the next sync` };
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────────

  /** A document opened or the device resumed with one open: a session starts. */
  sessionStart(doc: OpenDocument): void {
    this.sessions.start(doc);
  }

  hasOpenSession(): boolean {
    return this.sessions.isOpen();
  }

  /** The document closed or the device suspends: the session ends, is checked, and is queued (S1). */
  sessionEnd(position: Position): SessionEndOutcome {
    return this.sessions.end(position, this.settings().detection, () => this.store(), (err) => this.describe(err));
  }

  /** Queues a session as given (tests, the runner): validated, duplicates refused, no detection rules. */
  enqueue(input: SessionInput): { ok: boolean; id: number | null; message: string } {
    const validation = validateSession(input);
    if (!validation.ok) return { ok: false, id: null, message: describeErrors(validation.errors) };
    const outcome = this.store().use((s) => s.queue.enqueue(validation.session, 'record'));
    return outcome.queued ? { ok: true, id: outcome.id, message: 'queued' } : { ok: false, id: null, message: 'duplicate' };
  }

  // ── sync ────────────────────────────────────────────────────────────────────────────────────

  /** Whether this trigger syncs at all: automatic triggers respect Manual Sync Only (S6). */
  triggerSyncs(trigger: Trigger): boolean {
    return !(isAutomatic(trigger) && this.settings().manualSyncOnly);
  }

  sync(trigger: Trigger): SyncResult {
    if (!this.triggerSyncs(trigger)) return { ran: false, message: 'Manual Sync Only is on: sessions stay queued until Sync Now', problem: false, report: null };
    if (this.syncing) return { ran: false, message: 'a sync is already running', problem: false, report: null };
    if (this.settings().server === null) return { ran: false, message: this.runtime.wording.notConfigured, problem: true, report: null };
    this.syncing = true;
    try {
      this.sessions.retryUnsaved(this.store());
      const waitSeconds = this.options.leaseWaitSeconds ?? 2;
      const result = settledValue(
        runSync(this.context, {
          automatic: isAutomatic(trigger),
          waitForLeaseMs: waitSeconds * 1000,
          events: { log: (line) => this.log('info', `BookLore Sync: ${line}`) },
        }),
      );
      if (!result.ran) {
        const holder = result.busyPid !== null ? ` (${result.busyHost ?? '?'}, pid ${result.busyPid})` : '';
        return { ran: false, message: `another sync${holder} is running on this queue; try again later`, problem: false, report: null };
      }
      const report = result.report;
      const scheduled = this.triggerSyncs('check');
      const summary = syncSummary(report, scheduled);
      this.log('info', `BookLore Sync (${trigger}): ${summary}`);
      const notice = syncStopNotice(report);
      const nextCheckInSeconds = scheduled ? secondsUntilNextCheck(report) : null;
      return { ran: true, message: notice !== null ? notice.text : summary, problem: notice !== null && notice.problem, report, nextCheckInSeconds };
    } catch (err) {
      const message = this.describe(err);
      this.log('err', `BookLore Sync: sync failed: ${message}`);
      return { ran: false, message, problem: true, report: null };
    } finally {
      this.syncing = false;
    }
  }

  // ── Test Connection ─────────────────────────────────────────────────────────────────────────

  testConnection(): { ok: boolean; lines: string[] } {
    if (this.settings().server === null) return { ok: false, lines: [this.runtime.wording.notConfigured] };
    try {
      const report = settledValue(testConnection(this.context));
      const ok = report.reachable && report.problem === null;
      const lines = connectionLines(report);
      if (report.problem !== null) lines.push(report.problem);
      for (const warning of report.warnings) lines.push(`Note: ${warning}`);
      return { ok, lines };
    } catch (err) {
      return { ok: false, lines: [this.describe(err)] };
    }
  }

  // ── Manage Sessions (S7) and the reading history ──────────────────────────────────────────

  pendingCount(): number {
    return this.store().use((s) => s.queue.pendingCount());
  }

  queueDetails(limit = 50): QueueDetails {
    return queueDetails(this.store(), limit);
  }

  historyLines(limit = 50): string[] {
    return historyLines(this.store(), limit);
  }

  pendingJson(): unknown[] {
    return this.store().use((s) => s.queue.pending()).map(pendingToJson);
  }

  historyJson(limit: number): unknown[] {
    return this.store().use((s) => s.queue.history(limit)).map(historyToJson);
  }

  /** Clear Pending: permanently deletes every queued session; returns how many. */
  clearPending(): number {
    const removed = this.store().use((s) => s.queue.clearPending());
    this.log('info', `BookLore Sync: cleared ${removed} pending session(s)`);
    return removed;
  }

  retryParked(): number {
    return this.store().use((s) => s.queue.retryParked(null));
  }

  /**
   * Import reading history: KOReader's own statistics.sqlite3 (by default the one in its settings
   * folder) into the queue, with exactly the rules and the ledger of `import-koreader-stats`.
   */
  importHistory(path?: string, dryRun = false): ImportResult {
    const file = path ?? `${this.options.settingsDir}/statistics.sqlite3`;
    try {
      const report = importKoreaderStats(this.context, file, { gapSeconds: PLUGIN_SESSION_GAP_SECONDS, dryRun });
      const skipped = report.skipped > 0 ? `; ${report.skipped} skipped (${report.alreadyImported} already imported, ${report.open} still open)` : '';
      const message = `${dryRun ? 'would queue' : 'queued'} ${report.queued} session(s) from ${report.books} book(s)${skipped}`;
      this.log('info', `BookLore Sync: reading history: ${message}`);
      return { ok: true, message, report };
    } catch (err) {
      return { ok: false, message: this.describe(err), report: null };
    }
  }
}

/** Lua-facing constructor (no `self`): main.lua and the test runners call this. */
export function createApp(this: void, options: AppOptions): BookloreSyncApp {
  return new BookloreSyncApp(options);
}

// What the plugin does, independent of KOReader's widgets: the calls main.lua makes from its
// events, menu items and dispatcher action. The use cases are the application layer's (src/app),
// the same code the Node tool runs; this file maps the plugin's settings and triggers onto them
// and words their answers for KOReader's messages.
import { importKoreaderStats } from '../../src/app/import-koreader-stats.js';
import { queueDetails, historyLines, type QueueDetails } from '../../src/app/queue-inspection.js';
import { QueueStore } from '../../src/app/queue-store.js';
import { runSync } from '../../src/app/run-sync.js';
import type { AppContext, Runtime } from '../../src/app/runtime.js';
import { syncStopNotice, syncSummary } from '../../src/app/sync-summary.js';
import { secondsUntilNextCheck } from '../../src/core/sync/sync-summary.js';
import { connectionLines, testConnection } from '../../src/app/test-connection.js';
import { PLUGIN_SESSION_GAP_SECONDS } from '../../src/core/page-stat-sessions.js';
import { describeErrors, validateSession, type SessionInput } from '../../src/core/session.js';
import type { DetectionRules } from '../../src/core/detection-rules.js';
import { historyToJson, pendingToJson } from '../../src/store/session-rows.js';
import { DATABASE_FILE } from '../../src/app/queue-database.js';
import { normalizeServerUrl } from '../../src/core/booklore/server-url.js';
import { describeError } from './error-sentences.js';
import { isAutomatic, type AppOptions, type ImportResult, type SyncResult, type Trigger } from './app-options.js';
import { koreaderRuntime, type LogLevel } from './koreader-runtime.js';
import { checkServerAnswers, type Reachability } from './reachability.js';
import { PluginSettings, type PluginSettingsValues, type SettingsStore } from './plugin-settings.js';
import { ReadingSessions, type OpenDocument, type Position, type SessionEndOutcome } from './reading-session.js';
import { settledValue } from './settled-value.js';
import { setBookloreAccount } from './booklore-account.js';

export type { LogLevel, SettingsStore, OpenDocument, Position };
export type { AppOptions, ImportResult, SyncResult, Trigger };

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
        // Each request completes before the next (KOReader is single-threaded).
        requestsInFlight: 1,
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

  /** Any failure as one short sentence for the user; the details go to the log (error-sentences.ts). */
  describe(err: unknown, what = 'the operation'): string {
    const described = describeError(what, err, this.databasePath);
    this.log('err', `BookLore Sync: ${what} failed: ${described.details}`);
    return described.sentence;
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

  setSyncEnabled(on: boolean): void {
    this.pluginSettings.setFlag('syncEnabled', on);
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

  /** BookLore account: logged in at once so only the tokens need keeping (booklore-account.ts). */
  setBookloreAccount(username: string, password: string): { ok: boolean; message: string } {
    return setBookloreAccount(this.runtime, this.pluginSettings, username, password);
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

  /** Whether this trigger syncs at all: nothing while sync is off; automatic triggers respect Manual Sync Only (S6). */
  triggerSyncs(trigger: Trigger): boolean {
    const settings = this.settings();
    return settings.syncEnabled && !(isAutomatic(trigger) && settings.manualSyncOnly);
  }

  /** Whether the configured server answers its healthcheck now, with a short deadline (reachability.ts). */
  serverReachable(): Reachability {
    const settings = this.settings();
    if (settings.server === null) return { reachable: false, message: 'no BookLore server is set up' };
    return checkServerAnswers(
      normalizeServerUrl(settings.server),
      { timeoutSeconds: settings.timeoutSeconds, insecureTls: settings.insecureTls, caFile: this.options.caFile ?? null },
      this.now,
    );
  }

  sync(trigger: Trigger): SyncResult {
    if (!this.settings().syncEnabled) {
      return { ran: false, message: 'sync is off: nothing is recorded or uploaded until you turn it on (Settings → Enable Sync)', problem: false, report: null };
    }
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
      return { ran: false, message: this.describe(err, 'syncing'), problem: true, report: null };
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

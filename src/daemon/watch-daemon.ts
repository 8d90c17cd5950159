// `watch`: the plugin's triggers for a machine that stays on (S6). It syncs on resume from sleep,
// when the network comes back after failed syncs, on SIGUSR1 / `sync --via-daemon` (the
// SyncBooklorePending dispatcher action), on an interval, and when another process queues a
// session. Triggers that fire together run one sync (X5). Manual Sync Only leaves only the
// dispatcher action. It never exits because the server is down.
import { connect } from '../app/booklore-connection.js';
import type { AppContext } from '../app/runtime.js';
import { syncStopNotice, syncSummary } from '../app/sync-summary.js';
import { runSync } from '../app/run-sync.js';
import { loadSettings, type Settings } from '../node/settings-file.js';
import type { SyncEvents, SyncReport } from '../core/sync/sync-engine.js';
import { secondsUntilNextCheck } from '../core/sync/sync-summary.js';
import { LocalStore } from '../node/sqlite/local-store.js';
import { ResumeDetector } from './resume-detector.js';

export type Trigger = 'start' | 'interval' | 'resume' | 'network' | 'new-sessions' | 'signal' | 'request' | 'check' | 'ui';

export interface DaemonClock {
  wallMs(): number;
  monoMs(): number;
}

export interface DaemonOptions {
  home: string;
  /** The application over `home` (runtime and timing). */
  app: AppContext;
  tickMs: number;
  /** Overrides the settings' interval. */
  intervalSeconds?: number;
  /** A jump of the wall clock past the monotonic one larger than this means the machine slept. */
  resumeThresholdMs: number;
  clock: DaemonClock;
  log: (line: string) => void;
  /** Told about every sync it runs (the status page's live view, `watch --ui`). */
  observer?: SyncObserver;
}

export interface SyncObserver {
  started(trigger: Trigger): void;
  events: SyncEvents;
  ended(outcome: SyncOutcome): void;
}

export type SyncOutcome = { ran: true; report: SyncReport } | { ran: false; reason: string };

/** Manual triggers behave like Sync Now: they ignore backoff and run under Manual Sync Only. */
const MANUAL: ReadonlySet<Trigger> = new Set(['signal', 'request', 'ui']);

export class WatchDaemon {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncOutcome> | null = null;
  private next: { manual: boolean; trigger: Trigger; promise: Promise<SyncOutcome> } | null = null;
  private readonly detector: ResumeDetector;
  private readonly abort = new AbortController();
  private store: LocalStore | null = null;
  private lastSyncWallMs: number;
  private lastSeenSessionId = 0;
  /** The last sync could not reach the server: probe until it answers (network regain). */
  private offline = false;
  private probing = false;
  /** Sessions whose answer was lost: when (monotonic ms) to check the server for them again. */
  private checkDueMonoMs: number | null = null;

  constructor(private readonly options: DaemonOptions) {
    this.detector = new ResumeDetector(options.resumeThresholdMs);
    this.lastSyncWallMs = options.clock.wallMs();
  }

  private settings(): Settings {
    return loadSettings(this.options.home);
  }

  start(): void {
    this.store = LocalStore.open(this.options.home);
    this.lastSeenSessionId = this.maxSessionId();
    this.detector.observe(this.options.clock.wallMs(), this.options.clock.monoMs());
    if (!this.settings().manualSyncOnly) void this.trigger('start');
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
  }

  private maxSessionId(): number {
    return (this.store!.db.prepare('SELECT COALESCE(MAX(id), 0) FROM pending_sessions').pluck().get() as number) ?? 0;
  }

  /** Under Manual Sync Only new sessions wait for Sync Now: said once per batch seen, so the log shows why nothing synced. */
  private noteNewSessionsWithoutSyncing(): void {
    const newest = this.safely(() => this.maxSessionId(), this.lastSeenSessionId);
    if (newest <= this.lastSeenSessionId) return;
    this.lastSeenSessionId = newest;
    this.options.log('new sessions queued; Manual Sync Only is on: they wait for Sync Now');
  }

  private async tick(): Promise<void> {
    const { clock } = this.options;
    let settings: Settings;
    try {
      settings = this.settings();
    } catch (err) {
      this.options.log(`cannot read the settings: ${(err as Error).message}`);
      return;
    }
    const resumed = this.detector.observe(clock.wallMs(), clock.monoMs());
    if (this.abort.signal.aborted) return;
    if (settings.manualSyncOnly) {
      this.noteNewSessionsWithoutSyncing();
      return;
    }
    if (resumed) {
      void this.trigger('resume');
      return;
    }
    if (this.checkDueMonoMs !== null && clock.monoMs() >= this.checkDueMonoMs) {
      this.checkDueMonoMs = null;
      void this.trigger('check');
      return;
    }
    const newest = this.safely(() => this.maxSessionId(), this.lastSeenSessionId);
    if (newest > this.lastSeenSessionId) {
      this.lastSeenSessionId = newest;
      void this.trigger('new-sessions');
      return;
    }
    const interval = (this.options.intervalSeconds ?? settings.syncIntervalSeconds) * 1000;
    if (clock.wallMs() - this.lastSyncWallMs >= interval) {
      void this.trigger('interval');
      return;
    }
    if (this.offline && !this.probing && this.running === null) await this.probe(settings);
  }

  private safely<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch {
      return fallback;
    }
  }

  /** One cheap request (the public healthcheck) while the server is away. */
  private async probe(settings: Settings): Promise<void> {
    this.probing = true;
    try {
      const runtime = { ...this.options.app.runtime, warn: () => {} };
      const health = await connect(runtime, settings).healthcheck();
      if (health.ok) {
        this.options.log('the server answers again');
        void this.trigger('network');
      }
    } catch {
      // still away (or not configured): keep probing
    } finally {
      this.probing = false;
    }
  }

  /** Runs a sync for this trigger, or joins the one queued behind the running sync. */
  trigger(trigger: Trigger): Promise<SyncOutcome> {
    const manual = MANUAL.has(trigger);
    if (this.abort.signal.aborted) return Promise.resolve({ ran: false, reason: 'shutting down' });
    if (this.running === null) return this.launch(trigger, manual);
    if (this.next !== null) {
      this.next.manual = this.next.manual || manual;
      return this.next.promise;
    }
    const queued = { manual, trigger, promise: Promise.resolve<SyncOutcome>({ ran: false, reason: '' }) };
    queued.promise = this.running.then(() => {
      this.next = null;
      return this.launch(queued.trigger, queued.manual);
    });
    this.next = queued;
    return queued.promise;
  }

  private launch(trigger: Trigger, manual: boolean): Promise<SyncOutcome> {
    this.options.observer?.started(trigger);
    const run = this.syncOnce(trigger, manual).then((outcome) => {
      this.options.observer?.ended(outcome);
      return outcome;
    }).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async syncOnce(trigger: Trigger, manual: boolean): Promise<SyncOutcome> {
    if (this.abort.signal.aborted) return { ran: false, reason: 'shutting down' };
    const started = this.options.clock.monoMs();
    this.lastSyncWallMs = this.options.clock.wallMs();
    this.lastSeenSessionId = this.safely(() => this.maxSessionId(), this.lastSeenSessionId);
    try {
      const signal = this.abort.signal;
      const result = await runSync(this.options.app, {
        automatic: !manual,
        waitForLeaseMs: manual ? 60_000 : 0,
        shouldContinue: () => !signal.aborted,
        trigger: `watch: ${trigger}`,
        events: this.options.observer?.events,
      });
      const ms = Math.round(this.options.clock.monoMs() - started);
      if (!result.ran) {
        this.options.log(`sync (${trigger}): another process is syncing this queue; skipped`);
        return { ran: false, reason: 'another process is syncing' };
      }
      const r = result.report;
      this.offline = r.stoppedBy === 'offline';
      const stop = syncStopNotice(r);
      const scheduled = !this.safely(() => this.settings().manualSyncOnly, false);
      const delay = scheduled ? secondsUntilNextCheck(r) : null;
      this.checkDueMonoMs = delay === null ? null : this.options.clock.monoMs() + delay * 1000;
      this.options.log(`sync (${trigger}): ${syncSummary(r, scheduled)}, ${ms} ms${stop !== null ? `; ${stop.text}` : ''}`);
      return { ran: true, report: r };
    } catch (err) {
      this.options.log(`sync (${trigger}) failed: ${err instanceof Error ? err.message : String(err)}`);
      return { ran: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Stops triggering, lets a running sync settle what it has sent, then closes. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running !== null) await this.running.catch(() => undefined);
    this.store?.close();
  }
}

// Sync Now from the page: the same runSync and lease as `booklore-sync sync`, or, inside `watch
// --ui`, the daemon's own trigger (so it joins a sync the daemon is already running). One at a
// time per page server; a sync from a terminal holds the lease and the page says so.
import { runSync } from '../app/run-sync.js';
import type { AppContext } from '../app/runtime.js';
import { syncSummary } from '../app/sync-summary.js';
import type { SyncReport } from '../core/sync/sync-engine.js';
import type { QueueSnapshot, SyncProgressHub } from './sync-progress.js';

export type SyncAttempt = { ran: true; report: SyncReport } | { ran: false; reason: string };

export interface SyncControl {
  /** Starts a sync unless one runs already (then joins it); resolves when it has ended. */
  start(): Promise<SyncAttempt>;
  readonly running: boolean;
  /** Resolves when no sync started here is running (after an abort, once it has settled what it sent). */
  settled(): Promise<void>;
}

export interface SyncControlOptions {
  progress: SyncProgressHub;
  /** What to publish when a sync ends (read afresh from the database). */
  snapshot: () => QueueSnapshot | null;
  /** Runs one sync; by default runSync with the lease, not waiting for another process's sync. */
  run?: () => Promise<SyncAttempt>;
  app: AppContext;
  /** False when the runner reports start and end itself (the daemon's observer). */
  announce?: boolean;
  /** Aborted when the page server stops: the sync sends nothing more and settles what it sent. */
  signal?: AbortSignal;
}

/** What the page says about a sync's end. */
export function describeAttempt(attempt: SyncAttempt): { ok: boolean; summary: string } {
  if (!attempt.ran) return { ok: false, summary: `Not synced: ${attempt.reason}` };
  const { report } = attempt;
  if (report.stoppedBy === 'offline') return { ok: false, summary: `Not synced: ${report.message ?? 'the server cannot be reached'}; sessions stay queued.` };
  if (report.stoppedBy === 'auth') return { ok: false, summary: `The server refused the login: ${report.message ?? ''}; the queue is kept. Run \`booklore-sync configure\` again.` };
  const stop = report.stoppedBy ? ` Stopped: ${report.message ?? report.stoppedBy}.` : '';
  return { ok: report.stoppedBy === null, summary: `Synced: ${syncSummary(report)}.${stop}` };
}

export function createSyncControl(options: SyncControlOptions): SyncControl {
  let current: Promise<SyncAttempt> | null = null;
  const run =
    options.run ??
    (async (): Promise<SyncAttempt> => {
      const signal = options.signal;
      const result = await runSync(options.app, {
        automatic: false,
        waitForLeaseMs: 0,
        trigger: 'ui',
        events: options.progress.events(),
        shouldContinue: () => signal === undefined || !signal.aborted,
      });
      if (result.ran) return result;
      return {
        ran: false,
        reason: `another sync${result.busyPid ? ` (pid ${result.busyPid})` : ''} is running on this queue; its results show here when it ends, or try again in a moment`,
      };
    });
  return {
    get running() {
      return current !== null;
    },
    async settled() {
      await current;
    },
    start() {
      if (current !== null) return current;
      const announce = options.announce !== false;
      if (announce) options.progress.started('ui');
      const attempt = run().catch((err: unknown): SyncAttempt => ({ ran: false, reason: err instanceof Error ? err.message : String(err) }));
      current = attempt.then((result) => {
        current = null;
        if (announce) options.progress.finished({ ...describeAttempt(result), snapshot: options.snapshot() });
        return result;
      });
      return current;
    },
  };
}

// One sync of a queue database, in both runtimes: take the sync lease (X5), run the engine against
// the configured server, release. Shared by `sync`, `record`'s session-end trigger, `demo`, the
// daemon and the KOReader plugin's triggers.
import { DEFAULT_BACKOFF_POLICY } from '../core/sync/backoff.js';
import { SyncEngine, type SyncEvents, type SyncReport } from '../core/sync/sync-engine.js';
import { SqliteSyncStore } from '../store/sqlite-sync-store.js';
import { SyncLease } from '../store/sync-lease.js';
import { connect } from './booklore-connection.js';
import { QueueStore } from './queue-store.js';
import { recordSyncLog } from './record-sync-log.js';
import type { AppContext } from './runtime.js';
import { stockServerResolution } from './stock-server.js';

export interface RunSyncOptions {
  /** Automatic triggers respect backoff (X4); Sync Now does not. */
  automatic: boolean;
  /** How long to wait for another process's sync to finish before giving up. */
  waitForLeaseMs: number;
  events?: SyncEvents;
  /** Asked before each request: false stops the sync there (requests already sent are settled first). */
  shouldContinue?: () => boolean;
  /** What started it, for the sync log (default: manual or automatic). */
  trigger?: string;
  /** Single POSTs in flight without a batch endpoint (default: the `parallelUploads` setting). */
  parallelSingles?: number;
}

export type RunSyncResult = { ran: true; report: SyncReport } | { ran: false; busyPid: number | null; busyHost: string | null };

/**
 * How long a server may still be storing a request we stopped waiting for: twice our timeout.
 * Before that, a check on the server could miss the session and a re-send would duplicate it.
 */
export function defaultReconcileGraceSeconds(timeoutSeconds: number): number {
  return Math.max(2, 2 * timeoutSeconds);
}

export async function runSync(context: AppContext, options: RunSyncOptions): Promise<RunSyncResult> {
  const { runtime, timing } = context;
  const settings = runtime.settings.load();
  const client = connect(runtime, settings);
  const store = QueueStore.openFor(context);
  let lease: SyncLease | null = null;
  try {
    lease = store.use((s) => new SyncLease(s.db, runtime.lease));
    const taken = lease;
    if (!(await store.useAsync(() => taken.acquire(options.waitForLeaseMs)))) {
      const holder = store.use(() => taken.holder());
      return { ran: false, busyPid: holder?.pid ?? null, busyHost: holder?.host ?? null };
    }
    const engine = new SyncEngine(
      {
        store: new SqliteSyncStore(store.db, client.serverKey, lease, store.nowSeconds),
        api: client,
        now: store.nowSeconds,
        random: () => runtime.random(),
        events: options.events,
        shouldContinue: options.shouldContinue,
        stockServer: stockServerResolution(runtime, client, store.db, store.nowSeconds, {
          shouldContinue: options.shouldContinue,
          log: options.events?.log,
          options: timing.requestsInFlight !== undefined ? { concurrency: timing.requestsInFlight } : {},
        }),
      },
      {
        automatic: options.automatic,
        backoff: { ...DEFAULT_BACKOFF_POLICY, baseSeconds: timing.backoffBaseSeconds ?? DEFAULT_BACKOFF_POLICY.baseSeconds },
        reconcileGraceSeconds: timing.reconcileGraceSeconds ?? defaultReconcileGraceSeconds(settings.timeoutSeconds),
        ...(timing.concurrency !== undefined ? { concurrency: timing.concurrency } : {}),
        ...((options.parallelSingles ?? settings.parallelUploads) !== undefined ? { parallelSingles: options.parallelSingles ?? settings.parallelUploads } : {}),
      },
    );
    const started = runtime.nowMs();
    const trigger = options.trigger ?? (options.automatic ? 'automatic' : 'manual');
    let report: SyncReport;
    try {
      report = await store.useAsync(() => engine.run());
    } catch (error) {
      recordSyncLog(store, trigger, started, { error });
      throw error;
    }
    recordSyncLog(store, trigger, started, { report });
    return { ran: true, report };
  } finally {
    try {
      if (lease !== null) lease.release();
    } finally {
      store.close();
    }
  }
}

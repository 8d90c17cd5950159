// One sync of a data directory: take the sync lease (X5), run the engine against the configured
// server, release. Shared by `sync`, `record`'s session-end trigger, `demo` and the daemon.
import { randomInt } from 'node:crypto';
import { DEFAULT_BACKOFF_POLICY } from '../core/sync/backoff.js';
import { SyncEngine, type SyncEvents, type SyncReport } from '../core/sync/sync-engine.js';
import { loadSettings } from '../config/settings.js';
import { LocalStore } from '../store/local-store.js';
import { nodeLeaseEnvironment } from '../store/node-lease-environment.js';
import { SqliteSyncStore } from '../store/sqlite-sync-store.js';
import { SyncLease } from '../store/sync-lease.js';
import { connect } from './booklore-connection.js';
import { stockServerResolution } from './stock-server.js';

export interface RunSyncOptions {
  /** Automatic triggers respect backoff (X4); Sync Now does not. */
  automatic: boolean;
  /** How long to wait for another process's sync to finish before giving up. */
  waitForLeaseMs: number;
  events?: SyncEvents;
  /** Books uploaded at once (default: the engine's). */
  concurrency?: number;
  /** Single POSTs in flight without a batch endpoint (default: the `parallelUploads` setting). */
  parallelSingles?: number;
  /** Once aborted, the sync sends nothing more (requests already sent are settled first). */
  signal?: AbortSignal;
}

export type RunSyncResult =
  | { ran: true; report: SyncReport }
  | { ran: false; busyPid: number | null };

/** A positive number of seconds from the environment (tests shorten waits this way), or the fallback. */
function secondsFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * How long a server may still be storing a request we stopped waiting for: twice our timeout.
 * Before that, a check on the server could miss the session and a re-send would duplicate it.
 */
function reconcileGraceSeconds(timeoutSeconds: number): number {
  return secondsFromEnv('BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS', Math.max(2, 2 * timeoutSeconds));
}

export async function runSync(home: string, options: RunSyncOptions): Promise<RunSyncResult> {
  const settings = loadSettings(home);
  const client = connect(home, settings);
  const store = LocalStore.open(home);
  const lease = new SyncLease(store.db, nodeLeaseEnvironment);
  try {
    if (!(await lease.acquire(options.waitForLeaseMs))) {
      return { ran: false, busyPid: lease.holder()?.pid ?? null };
    }
    const now = () => Math.floor(Date.now() / 1000);
    const engine = new SyncEngine(
      {
        store: new SqliteSyncStore(store.db, client.serverKey, lease, now),
        api: client,
        now,
        random: () => randomInt(0, 1_000_000) / 1_000_000,
        events: options.events,
        shouldContinue: () => !options.signal?.aborted,
        stockServer: stockServerResolution(client, store.db, now, { shouldContinue: () => !options.signal?.aborted, log: options.events?.log }),
      },
      {
        automatic: options.automatic,
        backoff: { ...DEFAULT_BACKOFF_POLICY, baseSeconds: secondsFromEnv('BOOKLORE_SYNC_BACKOFF_BASE_SECONDS', DEFAULT_BACKOFF_POLICY.baseSeconds) },
        reconcileGraceSeconds: reconcileGraceSeconds(settings.timeoutSeconds),
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        parallelSingles: options.parallelSingles ?? settings.parallelUploads,
      },
    );
    const report = await store.useAsync(() => engine.run());
    return { ran: true, report };
  } finally {
    lease.release();
    store.close();
  }
}

// `watch --ui`: the daemon tells the page about every sync it runs, whatever triggered it.
import type { SyncObserver } from '../daemon/watch-daemon.js';
import { describeAttempt } from './sync-control.js';
import type { QueueSnapshot, SyncProgressHub } from './sync-progress.js';

export function daemonObserver(progress: SyncProgressHub, snapshot: () => QueueSnapshot | null): SyncObserver {
  return {
    started: (trigger) => progress.started(`watch: ${trigger}`),
    events: progress.events(),
    ended: (outcome) => progress.finished({ ...describeAttempt(outcome), snapshot: snapshot() }),
  };
}

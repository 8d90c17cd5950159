// When the next automatic sync will happen, as far as this machine can tell.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../node/settings-file.js';
import type { SyncLogEntry } from '../store/sync-log.js';
import { localTime } from './views/format.js';

/** The pid in DIR/watch.pid, if that process is alive. */
function runningDaemonPid(home: string): number | null {
  try {
    const pid = Number(readFileSync(join(home, 'watch.pid'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid < 1) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export function describeNextSync(options: {
  home: string;
  settings: Settings;
  inDaemon: boolean;
  lastDaemonSync: SyncLogEntry | null;
  now: number;
}): string {
  const { settings } = options;
  if (settings.manualSyncOnly) return 'None: Manual Sync Only is on, so only Sync Now (here, `sync`, or SIGUSR1) uploads.';
  const pid = options.inDaemon ? process.pid : runningDaemonPid(options.home);
  if (pid === null) {
    return 'No `watch` daemon runs for this data directory: sessions upload when you press Sync Now, when `record` ends, or when cron runs `sync --automatic`.';
  }
  const interval = settings.syncIntervalSeconds;
  const last = options.lastDaemonSync?.startedAt ?? null;
  const at = last === null ? options.now : Math.max(options.now, last + interval);
  return `By the watch daemon (pid ${pid}) around ${localTime(at)} (every ${Math.round(interval / 60)} min), and at once on resume, network regain or a new session.`;
}

// What main.lua and the test runners hand the plugin's app, and the shapes of its answers.
import type { ImportReport } from '../../src/app/import-koreader-stats.js';
import type { SyncReport } from '../../src/core/sync/sync-engine.js';
import type { LogLevel } from './koreader-runtime.js';
import type { SettingsStore } from './plugin-settings.js';

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

/** 'check': the later check the glue schedules after a lost answer (automatic). */
export type Trigger = 'session-end' | 'resume' | 'network' | 'startup' | 'sync-now' | 'dispatcher' | 'check';

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

/** Triggers nobody pressed: they respect Manual Sync Only (S6) and backoff. */
export function isAutomatic(trigger: Trigger): boolean {
  return trigger === 'session-end' || trigger === 'resume' || trigger === 'network' || trigger === 'startup' || trigger === 'check';
}


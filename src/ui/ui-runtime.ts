// The Node runtime as the status page uses it: the CLI's, with the page's own wait for a locked
// database (a page should say "locked" in seconds, not hang), and the CLI's timing from the
// environment.
import type { AppContext, Runtime } from '../app/runtime.js';
import { databasePath, nodeRuntime, timingFromEnv } from '../node/node-runtime.js';
import { LocalStore } from '../node/sqlite/local-store.js';
import { nodeSqliteDriver } from '../node/sqlite/node-sqlite-driver.js';

export function uiRuntime(home: string, lockTimeoutMs?: number): Runtime {
  const runtime = nodeRuntime(home);
  return lockTimeoutMs === undefined ? runtime : { ...runtime, sqlite: nodeSqliteDriver(lockTimeoutMs) };
}

/** What runSync and the other use cases take, as `ctx.app` gives the CLI. */
export function uiApp(home: string, lockTimeoutMs?: number): AppContext {
  return { runtime: uiRuntime(home, lockTimeoutMs), databasePath: databasePath(home), timing: timingFromEnv(process.env) };
}

/** The queue database opened the way a CLI command opens it (the caller closes it). */
export function openUiStore(home: string, lockTimeoutMs?: number): LocalStore {
  return LocalStore.open(home, uiRuntime(home, lockTimeoutMs));
}

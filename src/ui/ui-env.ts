// What every route of the status page shares: the Hono environment (per-request variables) and
// the dependencies the server was started with.
import type { LocalStore } from '../node/sqlite/local-store.js';
import type { FlashStore, Flash } from './flash.js';
import type { SyncControl } from './sync-control.js';
import type { SyncProgressHub } from './sync-progress.js';

export type NavKey = 'overview' | 'queue' | 'unresolved' | 'history' | 'reading' | 'log' | 'none';

export interface PageProps {
  title: string;
  nav: NavKey;
}

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>;
  }
}

export interface UiEnv {
  Variables: {
    /** This server's CSRF token, put in every form. */
    csrf: string;
    flash: Flash | null;
  };
}

export interface UiDeps {
  home: string;
  /** Standalone (`ui`) or inside the daemon (`watch --ui`): decides how Sync Now runs and what "next sync" means. */
  mode: 'standalone' | 'watch';
  sync: SyncControl;
  progress: SyncProgressHub;
  flash: FlashStore;
  /** Opens the queue database the way the CLI does (closed by the caller). */
  openStore(): LocalStore;
}

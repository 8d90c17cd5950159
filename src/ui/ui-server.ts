// Starts the status page: loads (or makes) the access token, builds the app and listens with
// @hono/node-server. Used by `booklore-sync ui`, `watch --ui`, the tests and the bench.
import { createAdaptorServer } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SyncLog } from '../store/sync-log.js';
import { lastSyncText } from './views/last-sync.js';
import { UserFacingError } from '../app/user-facing-error.js';
import { loadOrCreateToken, tokenPath } from './access-token.js';
import { FlashStore } from './flash.js';
import { urlHost, type ListenAddress } from './listen-address.js';
import { openUiStore, uiApp } from './ui-runtime.js';
import { queueCounts } from './status-queries.js';
import { createSyncControl, type SyncAttempt } from './sync-control.js';
import { SyncProgressHub, type QueueSnapshot } from './sync-progress.js';
import { createUiApp } from './ui-app.js';
import type { UiDeps } from './ui-env.js';

export interface UiServerOptions {
  home: string;
  listen: ListenAddress;
  /** Inside `watch --ui`: Sync Now goes through the daemon, which reports to `progress`. */
  daemon?: { progress: SyncProgressHub; sync: () => Promise<SyncAttempt> };
  renewToken?: boolean;
  lockTimeoutMs?: number;
}

export interface UiServer {
  readonly url: string;
  readonly port: number;
  readonly tokenFile: string;
  /** The token, when it was made by this start (to show once); null when it already existed. */
  readonly newToken: string | null;
  close(): Promise<void>;
}

/** Fresh counts and last sync for the live view, or null when the database cannot be read right now. */
export function snapshotReader(home: string, lockTimeoutMs?: number): () => QueueSnapshot | null {
  return () => {
    try {
      const store = openUiStore(home, lockTimeoutMs);
      try {
        return { counts: queueCounts(store.db), lastSync: lastSyncText(new SyncLog(store.db).recent(1)[0] ?? null, Math.floor(Date.now() / 1000)) };
      } finally {
        store.close();
      }
    } catch {
      return null;
    }
  };
}

function listen(server: Server, address: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `${urlHost(address.host, address.port)} is already in use (another status page?); choose another with --listen`
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? `${address.host} is not an address of this machine`
            : `cannot listen on ${urlHost(address.host, address.port)} (${err.code ?? err.message})`;
      reject(new UserFacingError(why));
    });
    server.listen(address.port, address.host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const { token, created } = loadOrCreateToken(options.home, options.renewToken === true);
  const progress = options.daemon?.progress ?? new SyncProgressHub();
  const snapshot = snapshotReader(options.home, options.lockTimeoutMs);
  const stopping = new AbortController();
  const deps: UiDeps = {
    home: options.home,
    mode: options.daemon ? 'watch' : 'standalone',
    progress,
    flash: new FlashStore(),
    sync: createSyncControl({
      app: uiApp(options.home, options.lockTimeoutMs),
      progress,
      snapshot,
      signal: stopping.signal,
      ...(options.daemon ? { run: options.daemon.sync, announce: false } : {}),
    }),
    openStore: () => openUiStore(options.home, options.lockTimeoutMs),
  };
  let port = options.listen.port;
  const app = createUiApp(deps, {
    token,
    tokenFile: tokenPath(options.home),
    csrf: randomBytes(24).toString('base64url'),
    listenHost: options.listen.host,
    port: () => port,
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: options.listen.host, port: options.listen.port }) as Server;
  port = await listen(server, options.listen);
  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost(options.listen.host === '0.0.0.0' ? '127.0.0.1' : options.listen.host === '::' ? '::1' : options.listen.host, port)}/`,
    port,
    tokenFile: tokenPath(options.home),
    newToken: created ? token : null,
    close() {
      // A sync started here stops sending and settles what is on the wire before the page goes.
      stopping.abort();
      closed ??= deps.sync.settled().then(
        () =>
          new Promise<void>((resolve) => {
            progress.close();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      return closed;
    },
  };
}

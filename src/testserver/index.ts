// The bundled BookLore-compatible server (issue 4), as a library: `start(options)` listens and
// returns a handle with its URL, lifecycle controls and the in-process admin API. The wire
// contract it reproduces is shared/spec/booklore-server.md; each quirk cites its section.
import { Authenticator } from './auth.js';
import { applySeed, hasUsers, jwtSecret, openServerDatabase } from './database.js';
import { Dispatcher } from './dispatcher.js';
import { FaultPlan, parseFaultRule, type FaultRule } from './faults.js';
import { HeldRequests } from './held-requests.js';
import { Listener } from './listener.js';
import type { Profile } from './profile.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { routesFor } from './routes/index.js';
import { DEFAULT_SEED, defaultUsername, parseSeed, type SeedData } from './seed.js';
import { ServerAdmin } from './server-admin.js';
import { ServerStore } from './server-store.js';

export { BOOK_TYPES, type BookType } from './book-types.js';
export { describeFaultRule, FAULT_ACTIONS, FaultSpecError, parseFaultRule, parseFaultSpec, type ActiveFaultRule, type FaultAction, type FaultRule } from './faults.js';
export { NotOurDataFileError } from './database.js';
export { PortInUseError } from './listener.js';
export { PROFILES, type Profile } from './profile.js';
export type { RequestLogEntry } from './request-log.js';
export type { HeldRequestView, HoldStage, ReleaseMode } from './held-requests.js';
export { DEFAULT_SEED, defaultUsername, loadSeedFile, parseSeed, SeedError, type SeedBook, type SeedData, type SeedKoreaderUser, type SeedLibrary, type SeedUser } from './seed.js';
export { SEED_BOOK_IDS, seedBookBytes } from './seed-book-bytes.js';
export { AdminError, ServerAdmin, type AdminBook, type AdminSession, type FaultsInput } from './server-admin.js';

export interface StartOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'fork'. */
  profile?: Profile;
  /** SQLite file to keep state in (WAL); default in memory. */
  dataFile?: string;
  /** Fixed latency added to every non-admin request, in ms. */
  latencyMs?: number;
  /** Fault rules active from the start (objects or `--fault` text). */
  faults?: (FaultRule | string)[];
  /** Default DEFAULT_SEED. Validated. */
  seed?: SeedData;
  /** Access-token lifetime; default 36000 (10 h, §2.1). */
  accessTokenTtlSeconds?: number;
  /** Refresh-token lifetime; default 30 days (§2.1). */
  refreshTokenTtlSeconds?: number;
  /** Serve the admin API under /__admin/ (default true). */
  admin?: boolean;
  /** Called for every logged (non-admin) request, e.g. to print it. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly profile: Profile;
  readonly seed: SeedData;
  readonly admin: ServerAdmin;
  /** False between goOffline() and goOnline(). */
  readonly online: boolean;
  /** Stops listening, cuts open connections, closes the database. */
  close(): Promise<void>;
  /** Stops listening and destroys every open connection: clients get ECONNREFUSED. State is kept. */
  goOffline(): Promise<void>;
  /** Listens again on the same port. */
  goOnline(): Promise<void>;
}

function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export async function start(options: StartOptions = {}): Promise<TestServer> {
  const profile = options.profile ?? 'fork';
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed === undefined ? DEFAULT_SEED : parseSeed(options.seed);
  const startupRules = (options.faults ?? []).map(parseFaultRule);
  const startupLatency = options.latencyMs ?? 0;

  const db = openServerDatabase(options.dataFile);
  try {
    if (!hasUsers(db)) applySeed(db, seed);
    const store = new ServerStore(db);
    const auth = new Authenticator(store, jwtSecret(db), {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 36_000,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 24 * 3600,
    });
    const faults = new FaultPlan();
    faults.add({ latencyMs: startupLatency, rules: startupRules });
    const log = new RequestLog(options.onRequest);
    const held = new HeldRequests();
    const admin = new ServerAdmin(db, store, faults, log, seed, defaultUsername(seed), { latencyMs: startupLatency, rules: startupRules }, held);
    const dispatcher = new Dispatcher({
      context: { store, auth, profile, faults },
      auth,
      routes: routesFor(profile),
      faults,
      log,
      admin: options.admin === false ? null : admin,
      held,
    });
    const listener = new Listener((req, res) => void dispatcher.handle(req, res));
    const port = await listener.listen(options.port ?? 0, host);
    let closed = false;

    return {
      url: urlFor(host, port),
      port,
      host,
      profile,
      seed,
      admin,
      get online() {
        return listener.isListening;
      },
      async close() {
        if (closed) return;
        closed = true;
        dispatcher.close();
        await listener.stop();
        db.close();
      },
      goOffline: () => listener.stop(),
      async goOnline() {
        if (closed) throw new Error('the test server is closed');
        if (!listener.isListening) await listener.listen(port, host);
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

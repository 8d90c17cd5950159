// A data directory wired to a bundled BookLore server on 127.0.0.1, for sync tests: a real queue
// file, a real server, and the real CLI run as a subprocess.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { formatIsoUtc } from '../../src/core/iso-time.js';
import { saveSettings, SettingsSchema, type Settings } from '../../src/node/settings-file.js';
import { validateSession, type SessionInput } from '../../src/core/session.js';
import { LocalStore } from '../../src/node/sqlite/local-store.js';
import { start, type StartOptions, type TestServer } from '../../src/testserver/index.js';
import { runCli, tempDir, type CliOptions, type CliResult } from './cli.js';

/** The default seed's books (see `booklore-sync test-server`). */
export const BOOKS = {
  pride: { id: 1, hash: 'f0a672838b6f07f2e74b8bd01aec4434', type: 'EPUB' },
  artOfWar: { id: 2, hash: '39b5a905011a04419a42c64243d08855', type: 'PDF' },
  nemo: { id: 3, hash: 'b648aedbc61be58ba43f7cc37f98bbe1', type: 'CBX' },
  mobyDick: { id: 4, hash: '5619aaa268aa5d062eff129917eef00a', type: 'FB2' },
  secret: { id: 5, hash: '47bf5b03ef09a04c63078f0bae803793', type: 'EPUB' },
} as const;

export const BASE_TIME = Date.UTC(2026, 0, 10, 8, 0, 0) / 1000;

export interface Fixture {
  server: TestServer;
  home: string;
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
  /** `sync --json` parsed, with the exit code. */
  sync(args?: string[], options?: CliOptions): Promise<{ code: number | null; report: any; stderr: string }>;
  /** Queues sessions directly in the queue file (fast set-up for large queues). */
  enqueue(sessions: SessionInput[]): number[];
  pending(): Promise<any[]>;
  history(): Promise<any[]>;
  close(): Promise<void>;
}

export type FixtureOptions = StartOptions & { settings?: Partial<Settings> };

/** Sessions of one book, an hour apart, each 30 minutes with pages turned. */
export function sessionsFor(book: { id?: number; hash?: string; type?: string }, count: number, offsetHours = 0): SessionInput[] {
  return Array.from({ length: count }, (_, i) => {
    const start = BASE_TIME + (offsetHours + i) * 3600;
    return {
      bookId: book.id ?? null,
      bookHash: book.hash ?? null,
      bookType: book.type ?? 'EPUB',
      startTime: start,
      endTime: start + 1800,
      startProgress: 10,
      endProgress: 12.5,
      startLocation: `${i * 10}`,
      endLocation: `${i * 10 + 9}`,
    };
  });
}

export async function syncFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const { settings, ...serverOptions } = options;
  const server = await start({ port: 0, ...serverOptions });
  const dir = tempDir('bls-sync-');
  saveSettings(
    dir.path,
    SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: 5, ...settings }),
  );
  // A 1 s reconcile grace keeps lost-answer scenarios quick (the default is twice the timeout).
  const cli = (args: string[], cliOptions: CliOptions = {}) =>
    runCli(['--home', dir.path, ...args], { ...cliOptions, env: { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '1', ...cliOptions.env } });
  const json = async (args: string[]) => {
    const result = await cli(['--json', ...args]);
    if (result.code !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  return {
    server,
    home: dir.path,
    cli,
    async sync(args = [], cliOptions = {}) {
      const result = await cli(['--json', 'sync', ...args], cliOptions);
      let report: any = null;
      try {
        report = JSON.parse(result.stdout);
      } catch {
        report = null;
      }
      return { code: result.code, report, stderr: result.stderr };
    },
    enqueue: (sessions) => enqueueSessions(dir.path, sessions),
    pending: () => json(['pending']),
    history: () => json(['history', '--limit', '100000']),
    async close() {
      await server.close();
      dir.cleanup();
    },
  };
}

/** Server sessions as (bookId, start, end) keys with how many times each is stored. */
export function serverCopies(server: TestServer): Map<string, number> {
  const copies = new Map<string, number>();
  for (const s of server.admin.sessions()) {
    const key = `${s.bookId}|${s.startTime}|${s.endTime}`;
    copies.set(key, (copies.get(key) ?? 0) + 1);
  }
  return copies;
}

/** Every session in `expected` is on the server exactly once, and nothing else is (the invariant). */
export function assertExactlyOnce(server: TestServer, expected: { bookId: number; startTime: number; endTime: number }[]): void {
  const copies = serverCopies(server);
  for (const s of expected) {
    const key = `${s.bookId}|${formatIsoUtc(s.startTime)}|${formatIsoUtc(s.endTime)}`;
    assert.equal(copies.get(key), 1, `${key} is on the server ${copies.get(key) ?? 0} times`);
  }
  assert.equal(server.admin.sessionCount(), expected.length, 'the server holds exactly the recorded sessions');
}

/** The server-side keys of sessions made by sessionsFor, once their book is `bookId`. */
export function expectedOf(sessions: ReturnType<typeof sessionsFor>, bookId: number) {
  return sessions.map((s) => ({ bookId, startTime: s.startTime as number, endTime: s.endTime as number }));
}

/** Runs `body` with a fixture and always closes it. */
export async function withClosing<F extends { close(): Promise<void> }>(fixture: Promise<F>, body: (f: F) => Promise<void>): Promise<void> {
  const f = await fixture;
  try {
    await body(f);
  } finally {
    await f.close();
  }
}

/** Queues fixture sessions in a data directory (validated first, so a fixture mistake fails loudly); their ids. */
export function enqueueSessions(home: string, sessions: SessionInput[]): number[] {
  const store = LocalStore.open(home);
  try {
    return sessions.map((input) => {
      const v = validateSession(input);
      if (!v.ok) throw new Error(`fixture session invalid: ${JSON.stringify(v.errors)}`);
      const outcome = store.queue.enqueue(v.session, 'record');
      if (!outcome.queued) throw new Error('fixture session was a duplicate');
      return outcome.id;
    });
  } finally {
    store.close();
  }
}

/**
 * Makes the reconcile grace of sessions whose answer was lost pass now, by moving their stored
 * check time back: tests use a grace no loaded machine outlasts, then skip the wait this way
 * instead of sleeping through a short one (which a slow CI machine can overrun). Returns how many.
 */
export function passReconcileGrace(home: string): number {
  const db = new Database(join(home, 'booklore-sync.sqlite'));
  try {
    return db.prepare("UPDATE pending_sessions SET reconcile_after = 0 WHERE upload_state = 'sending' AND reconcile_after IS NOT NULL").run().changes;
  } finally {
    db.close();
  }
}

/** Waits until the server holds `count` sessions (a request it finishes after the client gave up). */
export async function serverHolds(server: TestServer, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.admin.sessionCount() < count) {
    if (Date.now() > deadline) throw new Error(`the server holds ${server.admin.sessionCount()} sessions, not ${count}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The fault matrix: every fault the bundled server can inject × every phase of a sync (resolve,
// batch, single, reconcile, token refresh). Whatever happens, once the faults are gone and the
// syncs have run, each queued session is on the server exactly once and nothing else is.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runSync } from '../src/app/run-sync.js';
import { nodeApp } from '../src/node/node-runtime.js';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { formatIsoUtc } from '../src/core/iso-time.js';
import { validateSession } from '../src/core/session.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { passReconcileGrace } from './helpers/sync-fixture.js';
import { start, type FaultRule, type Profile, type TestServer } from '../src/testserver/index.js';

// Short waits: a 1 s request timeout, and a lost answer is checked no sooner than 1 s later. The
// "server still working" fault stores its request 1.5 s after it arrived, which is before the
// client's timeout plus the grace: a check then finds it, and nothing is sent twice.
const TIMEOUT_SECONDS = 1;
const GRACE_SECONDS = 1;
const SLOW_SERVER_MS = 1500;
assert.ok(TIMEOUT_SECONDS + GRACE_SECONDS > SLOW_SERVER_MS / 1000, 'the grace must outlast the slow server, or this matrix proves nothing');
const app = (home: string) => nodeApp(home, { reconcileGraceSeconds: GRACE_SECONDS });

const BOOKS = [
  { id: 1, hash: 'f0a672838b6f07f2e74b8bd01aec4434' },
  { id: 3, hash: 'b648aedbc61be58ba43f7cc37f98bbe1' },
];

interface Phase {
  name: string;
  profile: Profile;
  path: string;
  method?: string;
  /** Sessions by fingerprint (so the sync resolves them) or by id. */
  byHash: boolean;
  /** Set the stage before the faulty sync (e.g. leave answers unknown, expire tokens). */
  prepare?: (server: TestServer, home: string) => Promise<void>;
  /** Queue the sessions after `prepare` (which then sends a warm-up session of its own), so some are left to send. */
  queueAfterPrepare?: boolean;
}

/** A session of its own for phases that must sync once before the faulty sync. */
const WARM_UP = { bookId: 3, start: 1_771_000_000 };

const PHASES: Phase[] = [
  { name: 'resolve', profile: 'fork', path: '/api/v1/books/by-hash/*', byHash: true },
  { name: 'batch', profile: 'fork', path: '/api/v1/reading-sessions/batch', method: 'POST', byHash: false },
  { name: 'single', profile: 'upstream', path: '/api/v1/reading-sessions', method: 'POST', byHash: false },
  {
    name: 'reconcile',
    profile: 'fork',
    path: '/api/v1/reading-sessions/book/*',
    byHash: false,
    async prepare(server, home) {
      // every batch's answer is lost once: the next sync must check the server first
      server.admin.addFaults({ rules: [{ action: 'drop-after-commit', path: '/api/v1/reading-sessions/batch', count: 2 }] });
      await runSync(app(home), { automatic: false, waitForLeaseMs: 5000 });
      server.admin.clearFaults();
      assert.ok(passReconcileGrace(home) > 0, 'sessions wait for the check on the server');
    },
  },
  {
    // Issue 17: the next sync looks for lost answers at once, before the grace; faults on that check.
    name: 'reconcile at once',
    profile: 'fork',
    path: '/api/v1/reading-sessions/book/*',
    byHash: false,
    async prepare(server, home) {
      server.admin.addFaults({ rules: [{ action: 'drop-after-commit', path: '/api/v1/reading-sessions/batch', count: 1 }, { action: 'drop-before-commit', path: '/api/v1/reading-sessions/batch', count: 1 }] });
      await runSync(app(home), { automatic: false, waitForLeaseMs: 5000 });
      server.admin.clearFaults();
    },
  },
  {
    name: 'token refresh',
    profile: 'fork',
    path: '/api/v1/auth/refresh',
    byHash: false,
    queueAfterPrepare: true,
    async prepare(server, home) {
      // log in once (sending a warm-up session) so a refresh token is saved, then let the access
      // token die; the phase's sessions are queued afterwards, so the faulty sync must refresh
      const store = LocalStore.open(home);
      try {
        const v = validateSession({ bookId: WARM_UP.bookId, startTime: WARM_UP.start, endTime: WARM_UP.start + 1800 });
        assert.ok(v.ok);
        store.queue.enqueue(v.session, 'record');
      } finally {
        store.close();
      }
      const warmUp = await runSync(app(home), { automatic: false, waitForLeaseMs: 5000 });
      assert.ok(warmUp.ran && warmUp.report.uploaded === 1, 'the warm-up session is sent');
      server.admin.expireTokens();
    },
  },
];

const FAULTS: { name: string; rule: Omit<FaultRule, 'path' | 'method'> | 'expire-tokens' }[] = [
  { name: '503 storm', rule: { action: 'status', status: 503, count: 3 } },
  { name: '500', rule: { action: 'status', status: 500, count: 2 } },
  { name: '429 with Retry-After', rule: { action: 'status', status: 429, retryAfter: 1, count: 2 } },
  { name: '502 gateway', rule: { action: 'status', status: 502, count: 2 } },
  { name: 'drop before commit', rule: { action: 'drop-before-commit', count: 2 } },
  { name: 'drop after commit', rule: { action: 'drop-after-commit', count: 2 } },
  { name: 'truncated answer', rule: { action: 'truncate', count: 2 } },
  { name: 'captive-portal HTML', rule: { action: 'html', count: 2 } },
  { name: 'timeout (server still working)', rule: { action: 'delay', delayMs: SLOW_SERVER_MS, count: 1 } },
  { name: 'garbage JSON', rule: { action: 'respond', status: 200, contentType: 'application/json', body: '{"totalRequested":"many","accessToken":7,"content":null}', count: 2 } },
  { name: 'tokens expire mid-sync', rule: 'expire-tokens' },
];

async function runCase(phase: Phase, fault: (typeof FAULTS)[number]): Promise<void> {
  const server = await start({ port: 0, profile: phase.profile });
  const home = mkdtempSync(join(tmpdir(), 'bls-matrix-'));
  try {
    saveSettings(home, SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: TIMEOUT_SECONDS }));
    const expected: string[] = [];
    if (phase.queueAfterPrepare) {
      await phase.prepare!(server, home);
      expected.push(`${WARM_UP.bookId}|${formatIsoUtc(WARM_UP.start)}|${formatIsoUtc(WARM_UP.start + 1800)}`);
    }
    const store = LocalStore.open(home);
    try {
      for (const [b, book] of BOOKS.entries()) {
        for (let i = 0; i < 6; i++) {
          const start = 1_772_000_000 + (b * 100 + i) * 3600;
          const v = validateSession(phase.byHash ? { bookHash: book.hash, startTime: start, endTime: start + 1800 } : { bookId: book.id, startTime: start, endTime: start + 1800 });
          assert.ok(v.ok);
          store.queue.enqueue(v.session, 'record');
          expected.push(`${book.id}|${formatIsoUtc(start)}|${formatIsoUtc(start + 1800)}`);
        }
      }
    } finally {
      store.close();
    }
    if (phase.prepare && !phase.queueAfterPrepare) await phase.prepare(server, home);
    const queued = LocalStore.open(home);
    try {
      assert.ok(queued.queue.pendingCount() >= 12, 'sessions are left to send (or to check) when the fault strikes');
    } finally {
      queued.close();
    }
    if (fault.rule === 'expire-tokens') {
      let expired = false;
      // expire every token as the phase's first request arrives: the server holds it, the tokens
      // die, then it goes on to authentication
      server.admin.addFaults({ rules: [{ action: 'hold', path: phase.path, count: 1 }] });
      const stop = server.admin.onHold(() => {
        expired = true;
        server.admin.expireTokens({ refresh: phase.name === 'token refresh' });
        void server.admin.releaseHeld('process');
      });
      try {
        await runSync(app(home), { automatic: false, waitForLeaseMs: 5000 });
      } finally {
        stop();
      }
      assert.ok(expired, `the tokens expired as the ${phase.name} request arrived`);
    } else {
      server.admin.addFaults({ rules: [{ ...fault.rule, path: phase.path, ...(phase.method ? { method: phase.method } : {}) } as FaultRule] });
      await runSync(app(home), { automatic: false, waitForLeaseMs: 5000 });
      const hits = server.admin.faults().rules[0]!.hits;
      assert.ok(hits > 0, `the fault fired (server hit count ${hits})`);
    }
    server.admin.clearFaults();
    let pending = -1;
    for (let attempt = 0; attempt < 8 && pending !== 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 600));
      const result = await runSync(app(home), { automatic: false, waitForLeaseMs: 5000 });
      if (result.ran) pending = result.report.pending;
    }
    assert.equal(pending, 0, 'the queue drains once the fault is gone');
    const copies = new Map<string, number>();
    for (const s of server.admin.sessions()) {
      const key = `${s.bookId}|${s.startTime}|${s.endTime}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    for (const key of expected) assert.equal(copies.get(key), 1, `${key} is on the server ${copies.get(key) ?? 0} times`);
    assert.equal(server.admin.sessionCount(), expected.length, 'nothing else is on the server');
    const check = LocalStore.open(home);
    try {
      assert.equal(check.queue.history(1000).length, expected.length, 'the history holds exactly what the server has');
    } finally {
      check.close();
    }
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

describe('fault matrix: every fault × every phase keeps each session exactly once', { concurrency: 4 }, () => {
  for (const phase of PHASES) {
    for (const fault of FAULTS) {
      test(`${phase.name} × ${fault.name}`, () => runCase(phase, fault));
    }
  }
});

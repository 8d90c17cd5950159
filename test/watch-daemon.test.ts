// `watch`, the daemon, as systemd would run it: a real subprocess, real signals, the bundled
// server on 127.0.0.1.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCli } from './helpers/cli.js';
import { assertExactlyOnce, BOOKS, expectedOf, sessionsFor, syncFixture, type Fixture, type FixtureOptions } from './helpers/sync-fixture.js';

interface Daemon {
  child: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exit(): Promise<number | null>;
}

function startDaemon(f: Fixture, args: string[] = [], env: NodeJS.ProcessEnv = {}): Daemon {
  const child = startCli(['--home', f.home, 'watch', '--tick', '0.2', ...args], { env });
  child.stdin!.end();
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = out.match(pattern);
        if (match) return match[0];
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${out}`);
    },
    exit: () => exited,
  };
}

async function withDaemonFixture(options: FixtureOptions, run: (f: Fixture) => Promise<void>): Promise<void> {
  const f = await syncFixture(options);
  try {
    await run(f);
  } finally {
    await f.close();
  }
}

async function stop(daemon: Daemon): Promise<number | null> {
  daemon.child.kill('SIGTERM');
  return daemon.exit();
}

test('Manual Sync Only: no automatic sync; SIGUSR1 and `sync --via-daemon` (the dispatcher action) do sync', async () => {
  await withDaemonFixture({ settings: { manualSyncOnly: true } }, async (f) => {
    f.enqueue(sessionsFor(BOOKS.pride, 5));
    const daemon = startDaemon(f, ['--interval', '1']);
    try {
      await daemon.waitFor(/watching .*Manual Sync Only/);
      // interval, new sessions and start triggers all stay quiet
      assert.equal((await f.cli(['record', '--no-sync', '--book-id', '2', '--start', '2026-05-01T10:00:00Z', '--end', '2026-05-01T10:40:00Z'])).code, 0);
      // the daemon has seen the new session, where it would otherwise sync, and said why it did not
      await daemon.waitFor(/new sessions queued; Manual Sync Only is on/);
      assert.equal(f.server.admin.sessionCount(), 0, 'no automatic sync under Manual Sync Only');
      assert.doesNotMatch(daemon.output(), /sync \(/);

      daemon.child.kill('SIGUSR1');
      await daemon.waitFor(/sync \(signal\): 6 uploaded/);
      assert.equal(f.server.admin.sessionCount(), 6);

      f.enqueue(sessionsFor(BOOKS.nemo, 2, 500));
      const via = await f.cli(['--json', 'sync', '--via-daemon']);
      assert.equal(via.code, 0, via.stderr);
      assert.equal(JSON.parse(via.stdout).uploaded, 2);
      await daemon.waitFor(/sync \(request\): 2 uploaded/);
    } finally {
      assert.equal(await stop(daemon), 0);
    }
  });
});

test('a second daemon on the same data directory is refused; `sync --via-daemon` without a daemon syncs itself', async () => {
  await withDaemonFixture({}, async (f) => {
    f.enqueue(sessionsFor(BOOKS.pride, 2));
    const alone = await f.cli(['sync', '--via-daemon']);
    assert.equal(alone.code, 0);
    assert.match(alone.stderr, /no daemon is running .*syncing here/);
    const first = startDaemon(f);
    try {
      await first.waitFor(/watching/);
      const second = startDaemon(f);
      assert.equal(await second.exit(), 1);
      assert.match(second.output(), /another daemon is already running/);
    } finally {
      assert.equal(await stop(first), 0);
    }
  });
});

test('resume: a wall-clock jump past the monotonic clock (the machine slept) triggers a sync', async () => {
  await withDaemonFixture({ settings: { manualSyncOnly: true } }, async (f) => {
    const sessions = sessionsFor(BOOKS.pride, 4);
    f.enqueue(sessions);
    const offsetFile = join(f.home, 'clock-offset');
    writeFileSync(offsetFile, '0');
    const daemon = startDaemon(f, ['--interval', '3600'], { BOOKLORE_SYNC_TEST_WALL_OFFSET_FILE: offsetFile });
    try {
      await daemon.waitFor(/watching/);
      // allow automatic syncs again; nothing is new and the interval is far, so only a resume can trigger
      assert.equal((await f.cli(['configure', '--manual-sync-only', 'off'])).code, 0);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(f.server.admin.sessionCount(), 0);
      writeFileSync(offsetFile, '7200'); // two hours asleep
      await daemon.waitFor(/sync \(resume\): 4 uploaded/);
      assert.equal(f.server.admin.sessionCount(), 4);
    } finally {
      assert.equal(await stop(daemon), 0);
    }
  });
});

test('network regain: after failed syncs it probes cheaply and syncs as soon as the server answers; new sessions trigger a sync', async () => {
  await withDaemonFixture({}, async (f) => {
    await f.server.goOffline();
    f.enqueue(sessionsFor(BOOKS.pride, 3));
    const daemon = startDaemon(f, ['--interval', '3600']);
    try {
      await daemon.waitFor(/sync \(start\): 0 uploaded.*not synced: server unreachable/);
      await new Promise((r) => setTimeout(r, 600));
      await f.server.goOnline();
      await daemon.waitFor(/the server answers again/);
      await daemon.waitFor(/sync \(network\): 3 uploaded/);
      assert.equal(f.server.admin.sessionCount(), 3);
      const probes = f.server.admin.requests().filter((r) => r.path === '/api/v1/healthcheck');
      assert.ok(probes.length >= 1 && probes.length <= 3, `a probe is one cheap request (${probes.length})`);

      assert.equal((await f.cli(['record', '--no-sync', '--book-id', '2', '--start', '2026-05-01T10:00:00Z', '--end', '2026-05-01T10:40:00Z'])).code, 0);
      await daemon.waitFor(/sync \(new-sessions\): 1 uploaded/);
      assert.equal(f.server.admin.sessionCount(), 4);
    } finally {
      assert.equal(await stop(daemon), 0);
    }
  });
});

test('SIGTERM in the middle of a sync: exits cleanly, nothing half-sent, nothing lost or duplicated', async () => {
  await withDaemonFixture({ profile: 'upstream', latencyMs: 25 }, async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 120), ...sessionsFor(BOOKS.nemo, 120, 1000)];
    f.enqueue(sessions);
    const daemon = startDaemon(f, ['--interval', '3600']);
    await daemon.waitFor(/watching/);
    await new Promise((r) => setTimeout(r, 700));
    const stored = f.server.admin.sessionCount();
    assert.ok(stored > 0 && stored < 240, `stopped mid-sync (${stored} stored)`);
    const started = Date.now();
    assert.equal(await stop(daemon), 0);
    assert.ok(Date.now() - started < 5000, 'exits promptly');
    assert.match(daemon.output(), /SIGTERM: finishing the request on the wire, then stopping/);
    assert.match(daemon.output(), /stopped: stopped on request; nothing is half-sent/);
    const pending = await f.pending();
    assert.ok(pending.every((p) => p.state === 'queued'), 'no session left marked as on the wire');
    assert.equal(pending.length + (await f.history()).length, 240, 'nothing lost');
    assert.equal(f.server.admin.sessionCount(), (await f.history()).length, 'what the server has is exactly the history');
    assert.equal((await f.sync()).code, 0);
    assert.equal(f.server.admin.sessionCount(), 240, 'and each exactly once after the next sync');
  });
});

test('a lost answer: the daemon checks the server by itself, finds what was stored, re-sends the rest once after the grace', async () => {
  await withDaemonFixture({}, async (f) => {
    const sessions = [...sessionsFor(BOOKS.pride, 10), ...sessionsFor(BOOKS.artOfWar, 10, 100), ...sessionsFor(BOOKS.nemo, 10, 200)];
    f.enqueue(sessions);
    // One batch stored and its answer dropped, one dropped before the server stored it.
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1', 'drop-before-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const daemon = startDaemon(f, ['--interval', '3600'], { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '2' });
    try {
      const start = await daemon.waitFor(/sync \(start\): [^\n]*/);
      assert.match(start, /^sync \(start\): 10 uploaded, 20 sessions sent without an answer: checking the server for them in a moment, 0 still queued, \d+ ms$/);
      await daemon.waitFor(/sync \(check\): [^\n]*10 found already on the server/);
      await daemon.waitFor(/sync \(check\): 10 uploaded[^\n]*/, 20_000);
      assert.equal((await f.pending()).length, 0);
      assertExactlyOnce(f.server, [...expectedOf(sessions.slice(0, 10), 1), ...expectedOf(sessions.slice(10, 20), 2), ...expectedOf(sessions.slice(20), 3)]);
    } finally {
      assert.equal(await stop(daemon), 0);
    }
  });
});

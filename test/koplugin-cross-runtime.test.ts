// One booklore-sync.sqlite, three programs: the KOReader plugin's Lua build, the Node tool and the
// original plugin. A queue written (and half-synced) by one is drained by another, exactly once;
// both builds take the same sync lease; a device database of the original plugin is migrated and
// drained by the Lua build. Plus the compiled core itself: fingerprints and session rules give the
// same answers under LuaJIT as under Node.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { formatIsoUtc } from '../src/core/iso-time.js';
import { validateSession, type SessionInput } from '../src/core/session.js';
import { partialMd5OfFile } from '../src/node/partial-md5.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { seedBookBytes, SEED_BOOK_IDS, DEFAULT_SEED } from '../src/testserver/index.js';
import { runCli, tempDir } from './helpers/cli.js';
import { ensurePluginBuilt, lua, luaFixture, luaUnavailable, type LuaFixture } from './helpers/koplugin.js';
import { createPluginDatabase } from './helpers/plugin-db.js';
import { BASE_TIME, BOOKS, serverCopies, sessionsFor, passReconcileGrace } from './helpers/sync-fixture.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});

/** The Node tool configured on the same data directory as the Lua fixture. */
function configureNode(f: LuaFixture): void {
  saveSettings(f.home, SettingsSchema.parse({ server: f.server.url, username: 'reader', password: 'reader', timeoutSeconds: 5 }));
}

async function nodeSync(f: LuaFixture): Promise<any> {
  const result = await runCli(['--home', f.home, '--json', 'sync'], { env: { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '1' } });
  assert.ok(result.code === 0 || result.code === 3, `node sync failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function nodeJson(f: LuaFixture, args: string[]): Promise<any> {
  const result = await runCli(['--home', f.home, '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function nodeEnqueue(home: string, sessions: SessionInput[]): void {
  const store = LocalStore.open(home);
  try {
    for (const input of sessions) {
      const v = validateSession(input);
      if (!v.ok) throw new Error('fixture session invalid');
      assert.ok(store.queue.enqueue(v.session, 'record').queued);
    }
  } finally {
    store.close();
  }
}

function assertExactlyOnce(f: LuaFixture, sessions: SessionInput[], bookIdOf: (s: SessionInput) => number): void {
  const copies = serverCopies(f.server);
  for (const s of sessions) {
    const key = `${bookIdOf(s)}|${formatIsoUtc(s.startTime as number)}|${formatIsoUtc(s.endTime as number)}`;
    assert.equal(copies.get(key), 1, `${key} is on the server ${copies.get(key) ?? 0} times`);
  }
  assert.equal(f.server.admin.sessionCount(), sessions.length);
}

/** Both builds print the same rows (the Lua runner leaves null fields out); the first difference is shown. */
function assertSameRows(actual: any[], expected: any[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row counts`);
  actual.forEach((row, i) => assert.deepEqual(normalizeDeep(row), normalizeDeep(expected[i]), `${what}: row ${i}`));
}

test('a queue written and half-synced by the Lua build (answer lost) is drained by the Node build, exactly once', { skip }, async () => {
  const f = await luaFixture({ profile: 'fork' });
  try {
    configureNode(f);
    const pride = sessionsFor({ hash: BOOKS.pride.hash }, 130);
    const nemo = sessionsFor(BOOKS.nemo, 20, 1000);
    await f.enqueue([...pride, ...nemo]);
    assert.equal((await f.lua('testConnection')).json.ok, true);
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const luaRun = await f.sync({ concurrency: 1 });
    assert.equal(luaRun.report.unknown, 100, luaRun.message);
    assert.equal(luaRun.report.uploaded, 20);
    // The Node tool reads the Lua build's rows as its own.
    assertSameRows(await nodeJson(f, ['pending']), await f.pending(), 'pending');
    assert.ok(passReconcileGrace(f.home) > 0, 'sessions wait for the check on the server');
    const nodeRun = await nodeSync(f);
    assert.equal(nodeRun.reconciled, 100, 'the lost answer is found on the server, not re-sent');
    assert.equal(nodeRun.uploaded, 30);
    assert.equal(nodeRun.pending, 0);
    assertExactlyOnce(f, [...pride, ...nemo], (s) => (s.bookHash === BOOKS.pride.hash ? 1 : 3));
    assert.equal((await nodeJson(f, ['history', '--limit', '1000'])).length, 150);
    assertSameRows(await nodeJson(f, ['history', '--limit', '1000']), await f.history(), 'history');
  } finally {
    await f.close();
  }
});

test('a queue written and half-synced by the Node build (answer lost) is drained by the Lua build, exactly once', { skip }, async () => {
  const f = await luaFixture({ profile: 'fork' });
  try {
    configureNode(f);
    const pride = sessionsFor(BOOKS.pride, 120);
    const moby = sessionsFor({ hash: BOOKS.mobyDick.hash, type: 'FB2' }, 7, 2000);
    nodeEnqueue(f.home, [...pride, ...moby]);
    assert.equal((await runCli(['--home', f.home, 'test-connection'])).code, 0);
    f.server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1'] });
    const first = await nodeSync(f);
    assert.ok(first.unknown > 0, 'the Node build left sessions whose answer was lost');
    assertSameRows(await f.pending(), await nodeJson(f, ['pending']), 'pending');
    assert.ok(passReconcileGrace(f.home) > 0, 'sessions wait for the check on the server');
    const luaRun = await f.sync();
    assert.equal(luaRun.report.reconciled, first.unknown, luaRun.message);
    assert.equal(luaRun.report.pending, 0);
    assertExactlyOnce(f, [...pride, ...moby], (s) => (s.bookId === 1 ? 1 : 4));
  } finally {
    await f.close();
  }
});

test('a Lua sync and a Node sync started at once share the sync lease: every session once', { skip }, async () => {
  const f = await luaFixture({ profile: 'fork', latencyMs: 5 });
  try {
    configureNode(f);
    const sessions = [...sessionsFor(BOOKS.pride, 300), ...sessionsFor(BOOKS.nemo, 120, 1000), ...sessionsFor(BOOKS.mobyDick, 7, 2000)];
    await f.enqueue(sessions);
    const [luaRun, nodeRun] = await Promise.all([
      f.sync({ leaseWait: 30 }),
      runCli(['--home', f.home, '--json', 'sync', '--wait', '30'], { env: { BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS: '1' } }),
    ]);
    assert.equal(nodeRun.code, 0, nodeRun.stderr);
    const node = JSON.parse(nodeRun.stdout);
    assert.equal(luaRun.ran, true, luaRun.message);
    assert.equal(luaRun.report.uploaded + node.uploaded, 427);
    assertExactlyOnce(f, sessions, (s) => s.bookId as number);
  } finally {
    await f.close();
  }
});

test("the original plugin's device databases (schema 7 and 21) are migrated in place and drained by the Lua build", { skip }, async () => {
  for (const version of [7, 21] as const) {
    const f = await luaFixture({ profile: 'fork' });
    try {
      const rows = [0, 1, 2].map((i) => ({
        book_id: i === 0 ? null : 1,
        book_hash: BOOKS.pride.hash,
        start_time: formatIsoUtc(BASE_TIME + i * 3600),
        end_time: formatIsoUtc(BASE_TIME + i * 3600 + 900),
        duration_seconds: 900,
        start_progress: 10,
        end_progress: 20,
        progress_delta: 10,
        start_location: '10',
        end_location: '25',
        retry_count: 2,
      }));
      createPluginDatabase(join(f.home, 'booklore-sync.sqlite'), version, rows);
      const pending = await f.pending();
      assert.equal(pending.length, 3, 'opened as it is, nothing lost');
      assert.ok(pending.every((p) => p.retryCount === 2));
      const result = await f.sync();
      assert.equal(result.report.uploaded, 3, result.message);
      assert.equal(f.server.admin.sessionCount(), 3);
      const db = new Database(join(f.home, 'booklore-sync.sqlite'), { readonly: true });
      try {
        assert.equal((db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v, 21, "the plugin's own version is 21, as the plugin expects");
        const ours = db.prepare('SELECT version FROM booklore_sync_migrations ORDER BY version').all() as { version: number }[];
        const { OUR_MIGRATIONS } = await import('../src/store/our-migrations.js');
        assert.deepEqual(ours.map((r) => r.version), OUR_MIGRATIONS.map((m) => m.version), 'our migrations, from the same list as the Node build');
      } finally {
        db.close();
      }
    } finally {
      await f.close();
    }
  }
});

test("switching from the original plugin: its server and accounts are taken over, the KOReader password as its MD5 only", { skip }, async () => {
  const dir = tempDir('bls-lua-switch-');
  try {
    const path = join(dir.path, 'booklore-sync.sqlite');
    createPluginDatabase(path, 21, []);
    const db = new Database(path);
    const put = db.prepare('INSERT OR REPLACE INTO plugin_settings (key, value) VALUES (?, ?)');
    for (const [k, v] of [['username', 'kuser'], ['password', 'k-secret'], ['booklore_username', 'reader'], ['booklore_password', 'b-secret'], ['manual_sync_only', 'true'], ['min_duration', '45']]) put.run(k, v);
    db.close();
    assert.equal((await lua(dir.path, 'pending')).code, 0);
    const settings = (await lua(dir.path, 'settings')).json;
    assert.equal(settings.server_url, 'http://booklore.local:6060');
    assert.equal(settings.koreader_username, 'kuser');
    assert.equal(settings.koreader_key, createHash('md5').update('k-secret').digest('hex'));
    assert.doesNotMatch(JSON.stringify(settings), /k-secret/);
    assert.equal(settings.booklore_username, 'reader');
    assert.equal(settings.manual_sync_only, true);
    assert.equal(settings.min_duration, 45);
  } finally {
    dir.cleanup();
  }
});

test("the Lua build's partial MD5 is KOReader's, as the Node build computes it", { skip }, async () => {
  const dir = tempDir('bls-lua-md5-');
  try {
    const files: string[] = [];
    const expected: string[] = [];
    for (const size of [0, 1, 1023, 1024, 1025, 4096, 5000, 70_000, 300_000, 1_100_000, 4_200_000]) {
      const path = join(dir.path, `f-${size}.bin`);
      writeFileSync(path, randomBytes(size));
      files.push(path);
      expected.push(partialMd5OfFile(path));
    }
    for (const id of SEED_BOOK_IDS) {
      const path = join(dir.path, `seed-${id}.epub`);
      writeFileSync(path, seedBookBytes(id));
      files.push(path);
      expected.push(DEFAULT_SEED.books.find((b) => b.id === id)!.hash);
    }
    const result = await lua(dir.path, 'fingerprint', files);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.json, expected);
  } finally {
    dir.cleanup();
  }
});

test('the compiled core validates sessions exactly as the Node build does', { skip }, async () => {
  const inputs: SessionInput[] = [
    { bookHash: 'F0A672838B6F07F2E74B8BD01AEC4434', bookType: 'epub', startTime: '2026-03-01T10:00:00+02:00', endTime: '2026-03-01T09:30:00Z', startProgress: 10, endProgress: 33.333333, startLocation: '1', endLocation: '20' },
    { bookId: 3, bookType: 'CBX', startTime: 1_767_945_600, endTime: 1_767_949_200, durationSeconds: 1800, startProgress: 0, endProgress: 100 },
    { bookId: 0, startTime: '2026-02-30T10:00:00Z', endTime: 'nope', startProgress: 101, endLocation: 'x'.repeat(501) },
    { bookHash: 'abc', bookType: 'TXT', startTime: '2026-03-01T10:00:00.000Z', endTime: '2026-03-01T10:00:00.5Z' },
    { bookId: 7, startTime: 1_767_945_600, endTime: 1_767_945_500 },
    { bookId: 7, startTime: 1_767_945_600, endTime: 1_767_949_200, durationSeconds: 9999, koreaderBookId: 1.5 },
    { bookId: 9, startTime: '2024-02-29T23:59:59Z', endTime: '2024-03-01T00:00:00-00:30', startProgress: 12.345, endProgress: 12.344 },
  ];
  const dir = tempDir('bls-lua-core-');
  const result = await lua(dir.path, 'validate', inputs).finally(() => dir.cleanup());
  assert.equal(result.code, 0, result.stderr);
  const node = inputs.map((input) => validateSession(input));
  assert.deepEqual(normalizeDeep(result.json), normalizeDeep(JSON.parse(JSON.stringify(node))));
});

/** null and absent alike, arrays kept (the Lua side leaves nulls out). */
function normalizeDeep(value: any): any {
  if (Array.isArray(value)) return value.map(normalizeDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, normalizeDeep(v)]).sort());
  }
  return value;
}

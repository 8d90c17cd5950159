// The KOReader glue (koplugin/lua/main.lua) against small stand-ins for the KOReader modules it
// calls (koplugin/test/standins: UIManager, Dispatcher, InfoMessage, ConfirmBox, InputDialog,
// NetworkMgr, DataStorage, LuaSettings …) with the real compiled core underneath and a bundled
// server: document events record and upload sessions, menu items and the dispatcher action reach
// the right engine calls, and loading the plugin finds every module it requires. The checks
// themselves are in koplugin/test/glue.lua; glue_device.lua checks what KOReader on a device does
// differently from a simple model (issue 14: network checks, start-up sync, messages, actions).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { DEFAULT_SEED, seedBookBytes, start } from '../src/testserver/index.js';
import { REPO_ROOT, tempDir } from './helpers/cli.js';
import { ensurePluginBuilt, GLUE, GLUE_DEVICE, luaUnavailable, PLUGIN_DIR, run } from './helpers/koplugin.js';
import { readingRun, writeKoreaderStatistics } from './helpers/koreader-stats-db.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});

test('KOReader glue: events, menu, dispatcher action and module loading (koplugin/test/glue.lua)', { skip }, async () => {
  // Passwords that differ from the user names, so the settings file and the log can be searched for them.
  const seed = {
    ...DEFAULT_SEED,
    users: DEFAULT_SEED.users.map((u) => (u.username === 'reader' ? { ...u, password: 'Glue-Pass-7' } : u)),
    koreaderUsers: [{ username: 'reader', password: 'Kor-Pass-9', bookloreUser: 'reader' }],
  };
  const server = await start({ port: 0, profile: 'fork', seed });
  const dir = tempDir('bls-lua-glue-');
  try {
    // A settings file left by an older install, readable by all: after the first flush it is FILE.old.
    writeFileSync(join(dir.path, 'booklore-sync-plugin.lua'), 'return {}\n', { mode: 0o644 });
    const twoMinutesAgo = Date.now() / 1000 - 120;
    utimesSync(join(dir.path, 'booklore-sync-plugin.lua'), twoMinutesAgo, twoMinutesAgo);
    // KOReader's own statistics in its settings folder, for Import Reading History: three sittings of
    // Pride and Prejudice, the last of which may still grow (left for later).
    const day = Date.UTC(2025, 10, 1) / 1000;
    writeKoreaderStatistics(join(dir.path, 'statistics.sqlite3'), {
      books: [{ id: 1, title: 'Pride and Prejudice', md5: 'f0a672838b6f07f2e74b8bd01aec4434', pages: 300 }],
      rows: [0, 1, 2].flatMap((d) => readingRun(1, { start: day + d * 86_400, firstPage: 1 + d * 10, pages: 5, secondsPerPage: 60, totalPages: 300 })),
    });
    const book = join(dir.path, 'Pride and Prejudice.epub');
    writeFileSync(book, seedBookBytes(1));
    const result = await run('luajit', [GLUE, PLUGIN_DIR, dir.path, server.url, book]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout.trim().split('\n').pop()!);
    const failed = (output.results as { name: string; ok: boolean; error?: string }[]).filter((r) => !r.ok);
    assert.ok(output.results.length >= 12, 'every check ran');
    assert.deepEqual(failed, [], failed.map((f) => `${f.name}\n${f.error}`).join('\n\n'));
    // What reached the server, seen from here: every counted session, once.
    const sessions = server.admin.sessions();
    const keys = new Set(sessions.map((s) => `${s.bookId}|${s.startTime}|${s.endTime}`));
    assert.equal(keys.size, sessions.length, 'no session twice');
    assert.ok(sessions.length >= 6);
    assert.ok(sessions.every((s) => s.bookId === 1));
    // The accounts and the queue are the owner's only, as in the Node tool (chmod through LuaJIT's FFI).
    const files = readdirSync(dir.path).filter((name) => name.startsWith('booklore-sync'));
    assert.ok(['booklore-sync-plugin.lua', 'booklore-sync-plugin.lua.old', 'booklore-sync.sqlite'].every((f) => files.includes(f)), files.join(', '));
    for (const name of files) {
      assert.equal((statSync(join(dir.path, name)).mode & 0o777).toString(8), '600', `${name} is readable by others`);
    }
  } finally {
    await server.close();
    dir.cleanup();
  }
});

test('KOReader glue on a device: reachability, Sync Now after Wi-Fi, error sentences, sandboxed handlers, start-up sync, actions (koplugin/test/glue_device.lua)', { skip }, async () => {
  const seed = { ...DEFAULT_SEED, users: DEFAULT_SEED.users.map((u) => (u.username === 'reader' ? { ...u, password: 'Glue-Pass-7' } : u)) };
  const server = await start({ port: 0, profile: 'fork', seed });
  const dir = tempDir('bls-lua-device-');
  try {
    const book = join(dir.path, 'Pride and Prejudice.epub');
    writeFileSync(book, seedBookBytes(1));
    const result = await run('luajit', [GLUE_DEVICE, PLUGIN_DIR, dir.path, server.url, book], { timeoutMs: 180_000 });
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout.trim().split('\n').pop()!);
    const failed = (output.results as { name: string; ok: boolean; error?: string }[]).filter((r) => !r.ok);
    assert.ok(output.results.length >= 22, 'every check ran');
    assert.deepEqual(failed, [], failed.map((f) => `${f.name}\n${f.error}`).join('\n\n'));
    // Every session the checks uploaded reached the server once.
    const sessions = server.admin.sessions();
    const keys = new Set(sessions.map((s) => `${s.bookId}|${s.startTime}|${s.endTime}`));
    assert.equal(keys.size, sessions.length, 'no session twice');
  } finally {
    await server.close();
    dir.cleanup();
  }
});

test('KOReader glue files stay small: each of koplugin/lua/*.lua is at most 300 lines', () => {
  const dir = join(REPO_ROOT, 'koplugin', 'lua');
  const sizes = readdirSync(dir)
    .filter((name) => name.endsWith('.lua'))
    .map((name) => ({ name, lines: readFileSync(join(dir, name), 'utf8').split('\n').length - 1 }));
  assert.ok(sizes.length >= 2);
  assert.deepEqual(sizes.filter((s) => s.lines > 300), [], 'split the larger ones');
});

// configure, test-connection, and record's session-end sync, as a user runs them: the real CLI
// against the bundled server on 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { start, type TestServer } from '../src/testserver/index.js';
import { runCli, tempDir } from './helpers/cli.js';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function server(profile: 'fork' | 'upstream' = 'fork'): Promise<TestServer> {
  const s = await start({ port: 0, profile });
  cleanups.push(() => s.close());
  return s;
}

function home(): string {
  const dir = tempDir('bls-conn-');
  cleanups.push(dir.cleanup);
  return dir.path;
}

const SECRET = 'reader';

test('configure takes the password from the environment, logs in, keeps only the refresh token (0600), prints no secret', async () => {
  const s = await server();
  const h = home();
  const result = await runCli(['--home', h, 'configure', '--server', `${s.url}/`, '--username', 'reader'], { env: { BOOKLORE_PASSWORD: SECRET } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /BookLore account:\s+reader \(logged in; refresh token saved, password not saved\)/);
  const path = join(h, 'config.json');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(saved.server, s.url, 'trailing slash removed');
  assert.equal(saved.password, undefined, 'the password is not kept by default');
  assert.ok(saved.refreshToken);
  for (const text of [result.stdout, result.stderr]) {
    assert.ok(!text.includes(saved.refreshToken) && !text.includes(saved.accessToken), 'no token printed');
  }
  const json = await runCli(['--home', h, '--json', 'configure', '--manual-sync-only', 'on']);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.manualSyncOnly, true);
  assert.equal(doc.loggedIn, true);
  assert.ok(!json.stdout.includes(saved.refreshToken));
});

test('configure: a wrong password is exit 4 and saves nothing; no password and no terminal is exit 2', async () => {
  const s = await server();
  const h = home();
  const wrong = await runCli(['--home', h, 'configure', '--server', s.url, '--username', 'reader'], { env: { BOOKLORE_PASSWORD: 'wrong-secret' } });
  assert.equal(wrong.code, 4);
  assert.match(wrong.stderr, /rejected the BookLore username or password.*nothing was saved/);
  assert.doesNotMatch(wrong.stderr + wrong.stdout, /wrong-secret/);
  const none = await runCli(['--home', h, 'configure', '--server', s.url, '--username', 'reader']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /set \$BOOKLORE_PASSWORD, or run this in a terminal/);
  const bad = await runCli(['--home', h, 'configure', '--server', 'ftp://x']);
  assert.equal(bad.code, 2);
  const creds = await runCli(['--home', h, 'configure', '--server', 'http://reader:reader@example.org']);
  assert.equal(creds.code, 2);
  assert.match(creds.stderr, /must not contain a user name or password/);
});

test('configure --store-password keeps the password for unattended re-login; an unreachable server is then no obstacle', async () => {
  const h = home();
  const result = await runCli(['--home', h, 'configure', '--server', 'http://127.0.0.1:9', '--username', 'reader', '--store-password'], { env: { BOOKLORE_PASSWORD: SECRET } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /could not log in now .*login will happen at the next sync/);
  assert.equal(JSON.parse(readFileSync(join(h, 'config.json'), 'utf8')).password, SECRET);
  const without = await runCli(['--home', home(), 'configure', '--server', 'http://127.0.0.1:9', '--username', 'reader'], { env: { BOOKLORE_PASSWORD: SECRET } });
  assert.equal(without.code, 1);
  assert.match(without.stderr, /cannot log in now .*nothing was saved/);
});

test('configure keeps the MD5 of the KOReader password, never the password', async () => {
  const s = await server();
  const h = home();
  const result = await runCli(['--home', h, 'configure', '--server', s.url, '--koreader-username', 'reader'], { env: { BOOKLORE_KOREADER_PASSWORD: SECRET } });
  assert.equal(result.code, 0, result.stderr);
  const text = readFileSync(join(h, 'config.json'), 'utf8');
  assert.equal(JSON.parse(text).koreaderKey, createHash('md5').update(SECRET).digest('hex'));
  assert.ok(!/"reader"\s*[,}]/.test(text.replace(/"koreaderUsername": "reader"/, '')), 'the password itself is not stored');
});

test('test-connection: features on the fork and on upstream; unreachable is exit 1; rejected credentials exit 4', async () => {
  for (const profile of ['fork', 'upstream'] as const) {
    const s = await server(profile);
    const h = home();
    await runCli(['--home', h, 'configure', '--server', s.url, '--username', 'reader'], { env: { BOOKLORE_PASSWORD: SECRET } });
    const result = await runCli(['--home', h, '--json', 'test-connection']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.reachable, true);
    assert.equal(report.bookloreLogin, 'ok');
    assert.equal(report.batchUpload, profile === 'fork');
    assert.equal(report.hashLookup, profile === 'fork');
    assert.equal(report.bookFinding, profile === 'fork' ? 'by-hash' : 'remote fingerprint');
    assert.equal(report.uploads, profile === 'fork' ? 'batch' : 'parallel singles');
    assert.equal(report.reconciliation, true);
    assert.equal(s.admin.sessionCount(), 0, 'probing stores nothing');
  }
  const h = home();
  await runCli(['--home', h, 'configure', '--server', 'http://127.0.0.1:9']);
  const down = await runCli(['--home', h, 'test-connection']);
  assert.equal(down.code, 1);
  assert.match(down.stdout, /NOT reachable/);

  const s = await server();
  const k = home();
  await runCli(['--home', k, 'configure', '--server', s.url, '--koreader-username', 'reader'], { env: { BOOKLORE_KOREADER_PASSWORD: 'not-it' } });
  const rejected = await runCli(['--home', k, 'test-connection']);
  assert.equal(rejected.code, 4);
  assert.match(rejected.stdout, /KOReader login:\s+rejected/);
});

test('record syncs at once when online; Manual Sync Only and --no-sync only queue', async () => {
  const s = await server();
  const h = home();
  await runCli(['--home', h, 'configure', '--server', s.url, '--username', 'reader'], { env: { BOOKLORE_PASSWORD: SECRET } });
  const session = (day: number) => ['record', '--book-id', '2', '--start', `2026-03-0${day}T10:00:00Z`, '--end', `2026-03-0${day}T10:40:00Z`, '--start-location', '1', '--end-location', '9'];
  const synced = await runCli(['--home', h, '--json', ...session(1)]);
  assert.equal(synced.code, 0, synced.stderr);
  const doc = JSON.parse(synced.stdout);
  assert.equal(doc.queued, true);
  assert.equal(doc.sync.uploaded, 1);
  assert.equal(s.admin.sessionCount(), 1);

  assert.equal((await runCli(['--home', h, ...session(2), '--no-sync'])).code, 0);
  assert.equal(s.admin.sessionCount(), 1, '--no-sync only queues');
  await runCli(['--home', h, 'configure', '--manual-sync-only', 'on']);
  assert.equal((await runCli(['--home', h, ...session(3)])).code, 0);
  assert.equal(s.admin.sessionCount(), 1, 'Manual Sync Only: record never syncs');
  const now = await runCli(['--home', h, 'sync']);
  assert.equal(now.code, 0);
  assert.equal(s.admin.sessionCount(), 3, 'Sync Now still works');
});

test('sync without a configured server is a clear error (exit 1); the queue stays', async () => {
  const h = home();
  await runCli(['--home', h, 'record', '--no-sync', '--book-id', '2', '--start', '2026-03-01T10:00:00Z', '--end', '2026-03-01T10:40:00Z']);
  const result = await runCli(['--home', h, 'sync']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no BookLore server is configured; run `booklore-sync configure/);
  const recorded = await runCli(['--home', h, 'record', '--book-id', '2', '--start', '2026-03-02T10:00:00Z', '--end', '2026-03-02T10:40:00Z']);
  assert.equal(recorded.code, 0, 'record without a server just queues');
  assert.equal(JSON.parse((await runCli(['--home', h, '--json', 'pending'])).stdout).length, 2);
});

test('configure repairs a settings file that is broken (kept aside as config.json.invalid), where other commands refuse it', async () => {
  const h = home();
  const { writeFileSync, existsSync } = await import('node:fs');
  writeFileSync(join(h, 'config.json'), '{"server": "not a url", "timeoutSeconds": "soon"');
  const refused = await runCli(['--home', h, 'sync']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /settings file .* is not valid JSON; fix it or delete it and run `booklore-sync configure` again/);
  const repaired = await runCli(['--home', h, 'configure', '--server', 'http://127.0.0.1:9']);
  assert.equal(repaired.code, 0, repaired.stderr);
  assert.match(repaired.stderr, /moved to .*config\.json\.invalid and the defaults are used/);
  assert.ok(existsSync(join(h, 'config.json.invalid')));
  assert.equal(JSON.parse(readFileSync(join(h, 'config.json'), 'utf8')).server, 'http://127.0.0.1:9');
});

// `demo`, the README's main-job command, as a newcomer runs it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers/cli.js';

test('demo: offline, queue, online with a lost acknowledgement, every session on the server exactly once; quick; leaves nothing behind', async () => {
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('booklore-sync-demo-')));
  const started = Date.now();
  const result = await runCli(['demo']);
  const took = Date.now() - started;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(took < 10_000, `took ${took} ms`);
  assert.match(result.stdout, /Reading offline/);
  assert.match(result.stdout, /retry_count/);
  assert.match(result.stdout, /found already on the server/);
  assert.match(result.stdout, /every recorded session exactly once/);
  const after = readdirSync(tmpdir()).filter((n) => n.startsWith('booklore-sync-demo-') && !before.has(n));
  assert.deepEqual(after, [], 'the temporary data directory is removed');
});

test('demo --json, and with --home the data stays for a look afterwards', async () => {
  const dir = tempDir('bls-demo-');
  try {
    const result = await runCli(['--home', dir.path, '--json', 'demo']);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.exactlyOnce, true);
    assert.equal(doc.onServer, 6);
    assert.equal(doc.pending, 0);
    assert.ok(existsSync(join(dir.path, 'booklore-sync.sqlite')));
    const history = await runCli(['--home', dir.path, '--json', 'history']);
    assert.equal(JSON.parse(history.stdout).length, 6);
  } finally {
    dir.cleanup();
  }
});

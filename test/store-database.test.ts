import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { validateSession } from '../src/core/session.js';
import { REPO_ROOT, runCli, tempDir } from './helpers/cli.js';
import { createPluginDatabase, PLUGIN_V21_TABLES } from './helpers/plugin-db.js';

const dirs: (() => void)[] = [];
after(() => dirs.forEach((cleanup) => cleanup()));
function home(): string {
  const dir = tempDir('bls-store-');
  dirs.push(dir.cleanup);
  return dir.path;
}

const HASH = 'abcdefabcdefabcdefabcdefabcdef12';
const recordArgs = (h: string, start = '2026-02-22T14:00:00Z', end = '2026-02-22T14:45:00Z') => [
  '--home', h, 'record', '--no-sync', '--hash', HASH, '--start', start, '--end', end, '--start-location', '1', '--end-location', '9',
];

function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

test('a new queue has the plugin schema at version 21, our migrations, WAL + synchronous FULL, mode 0600', () => {
  const h = home();
  const store = LocalStore.open(h);
  try {
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');
  } finally {
    store.close();
  }
  const path = join(h, 'booklore-sync.sqlite');
  for (const table of PLUGIN_V21_TABLES) assert.ok(tables(path).includes(table), `missing plugin table ${table}`);
  const db = new Database(path, { readonly: true });
  assert.deepEqual(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all(), Array.from({ length: 21 }, (_, i) => i + 1));
  assert.ok((db.prepare('SELECT MAX(version) FROM booklore_sync_migrations').pluck().get() as number) >= 1);
  db.close();
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(h).mode & 0o777, 0o700);
});

test("the seed's SQL queries (S5) run unchanged with the sqlite3 shell", async () => {
  const h = home();
  assert.equal((await runCli(recordArgs(h))).code, 0);
  const path = join(h, 'booklore-sync.sqlite');
  const q1 = execFileSync('sqlite3', [path, 'SELECT id, retry_count, book_id, duration_seconds FROM pending_sessions;'], { encoding: 'utf8' });
  assert.equal(q1, '1|0||2700\n');
  const q2 = execFileSync('sqlite3', [path, 'SELECT id, book_hash, duration_seconds, retry_count, created_at FROM pending_sessions;'], { encoding: 'utf8' });
  assert.match(q2, new RegExp(`^1\\|${HASH}\\|2700\\|0\\|\\d{10}\\n$`));
});

for (const version of [7, 21] as const) {
  test(`a plugin database at schema version ${version} opens as-is and is migrated in place without losing a row`, async () => {
    const h = home();
    const path = join(h, 'booklore-sync.sqlite');
    createPluginDatabase(path, version, [
      { book_id: 12, book_hash: HASH, book_title: 'Dune', koreader_book_id: 3, start_time: '2026-01-01T10:00:00Z', end_time: '2026-01-01T10:30:00Z', duration_seconds: 1800, start_progress: 10.5, end_progress: 12.25, progress_delta: 1.75, start_location: '40', end_location: '49', retry_count: 2 },
      { book_id: null, book_hash: '', start_time: '', end_time: '', duration_seconds: 0 },
    ]);
    const before = new Database(path, { readonly: true });
    const beforeRows = before.prepare('SELECT * FROM pending_sessions ORDER BY id').all();
    before.close();

    const result = await runCli(['--home', h, '--json', 'pending']);
    assert.equal(result.code, 0, result.stderr);
    const listed = JSON.parse(result.stdout);
    assert.equal(listed.length, 2);
    assert.equal(listed[0].bookId, 12);
    assert.equal(listed[0].bookTitle, 'Dune');
    assert.equal(listed[0].retryCount, 2);
    assert.equal(listed[1].bookHash, null, "the plugin's empty hash reads as unknown");

    const db = new Database(path, { readonly: true });
    const afterRows = db.prepare('SELECT * FROM pending_sessions ORDER BY id').all() as Record<string, unknown>[];
    assert.equal(db.prepare('SELECT MAX(version) FROM schema_version').pluck().get(), 21);
    db.close();
    // every plugin column keeps its value; ours are added with defaults
    for (const [i, row] of (beforeRows as Record<string, unknown>[]).entries()) {
      for (const [column, value] of Object.entries(row)) assert.deepEqual(afterRows[i]![column], value, `${column} of row ${i}`);
      assert.equal(afterRows[i]!.upload_state, 'queued');
    }
    for (const table of PLUGIN_V21_TABLES) assert.ok(tables(path).includes(table), `missing ${table}`);

    // and it keeps working as a queue
    assert.equal((await runCli(recordArgs(h))).code, 0);
    assert.equal(JSON.parse((await runCli(['--home', h, '--json', 'pending'])).stdout).length, 3);
  });
}

test('a damaged file, random bytes or another application’s database is refused with exit 1 and left untouched', async () => {
  const cases: [string, (path: string) => void, RegExp][] = [
    ['random bytes', (p) => writeFileSync(p, randomBytes(8192)), /damaged or is not a SQLite database/],
    ['a text file', (p) => writeFileSync(p, 'hello, this is not a database\n'.repeat(200)), /damaged or is not a SQLite database/],
    [
      'another application',
      (p) => {
        const db = new Database(p);
        db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)');
        db.close();
      },
      /another application \(tables: invoices\)/,
    ],
    [
      'a truncated queue',
      (p) => {
        const db = new Database(p);
        db.exec('CREATE TABLE t (x TEXT)');
        const insert = db.prepare('INSERT INTO t VALUES (?)');
        for (let i = 0; i < 2000; i++) insert.run(randomBytes(200).toString('hex'));
        db.close();
        const bytes = readFileSync(p);
        writeFileSync(p, bytes.subarray(0, 4096 + 100));
      },
      /damaged|another application/,
    ],
  ];
  for (const [name, make, message] of cases) {
    const h = home();
    const path = join(h, 'booklore-sync.sqlite');
    make(path);
    const digest = fileDigest(path);
    for (const args of [recordArgs(h), ['--home', h, 'pending']]) {
      const result = await runCli(args);
      assert.equal(result.code, 1, `${name}: ${result.stderr}`);
      assert.match(result.stderr, message, name);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${name}: one line, no stack trace: ${result.stderr}`);
    }
    assert.equal(fileDigest(path), digest, `${name}: the file was changed`);
  }
});

test('a queue written by a newer booklore-sync is refused, not downgraded', async () => {
  const h = home();
  assert.equal((await runCli(recordArgs(h))).code, 0);
  const db = new Database(join(h, 'booklore-sync.sqlite'));
  db.prepare("INSERT INTO booklore_sync_migrations VALUES (999, 'from the future', 0)").run();
  db.close();
  const result = await runCli(['--home', h, 'pending']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /newer booklore-sync \(schema 999/);
});

test('a database locked by another process: waits, then a clear message, and the queue is unchanged', async () => {
  const h = home();
  assert.equal((await runCli(recordArgs(h))).code, 0);
  const path = join(h, 'booklore-sync.sqlite');
  const holder = spawn(process.execPath, [join(REPO_ROOT, 'dist/test/helpers/hold-lock.js'), path], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  try {
    const started = Date.now();
    const result = await runCli(recordArgs(h, '2026-03-01T10:00:00Z', '2026-03-01T10:40:00Z'), { env: { BOOKLORE_SYNC_LOCK_TIMEOUT_MS: '1000' } });
    const waited = Date.now() - started;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /locked by another process; nothing was changed/);
    assert.ok(waited >= 900, `gave up after ${waited} ms, before the lock timeout`);
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => holder.on('close', resolve));
  }
  const pending = JSON.parse((await runCli(['--home', h, '--json', 'pending'])).stdout);
  assert.equal(pending.length, 1);
});

test('a --home that cannot be created or is not a directory gives exit 1 and says what to do', async () => {
  const h = home();
  const file = join(h, 'plain-file');
  writeFileSync(file, 'x');
  const under = await runCli(['--home', join(file, 'sub'), 'pending']);
  assert.equal(under.code, 1);
  assert.match(under.stderr, /cannot create the data directory .*choose a writable one with --home/);
  const isFile = await runCli(['--home', file, 'pending']);
  assert.equal(isFile.code, 1);
  assert.match(isFile.stderr, /not a directory/);
});

test('a session queued by `record --no-sync` survives kill -9 of the process right after it reports success', async () => {
  const h = home();
  const { startCli } = await import('./helpers/cli.js');
  const child = startCli(recordArgs(h, '2026-04-01T08:00:00Z', '2026-04-01T08:31:00Z'));
  child.stdin!.end();
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('queued session #')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((resolve) => child.on('close', resolve));
  const pending = JSON.parse((await runCli(['--home', h, '--json', 'pending'])).stdout);
  assert.equal(pending.length, 1);
  assert.equal(pending[0].startTime, '2026-04-01T08:00:00Z');
});

test('enqueue is durable in-process: a second connection sees the row at once, and duplicates are refused', () => {
  const h = home();
  const store = LocalStore.open(h);
  const v = validateSession({ bookHash: HASH, startTime: '2026-05-01T10:00:00Z', endTime: '2026-05-01T10:30:00Z' });
  assert.ok(v.ok);
  try {
    const first = store.queue.enqueue(v.session, 'record');
    assert.ok(first.queued);
    const other = new Database(join(h, 'booklore-sync.sqlite'), { readonly: true });
    assert.equal(other.prepare('SELECT COUNT(*) FROM pending_sessions').pluck().get(), 1);
    other.close();
    assert.deepEqual(store.queue.enqueue(v.session, 'record'), { queued: false, duplicateOf: { where: 'pending', id: first.id } });
    // the same times for another book are a different session
    const otherBook = validateSession({ bookId: 5, startTime: '2026-05-01T10:00:00Z', endTime: '2026-05-01T10:30:00Z' });
    assert.ok(otherBook.ok);
    assert.ok(store.queue.enqueue(otherBook.session, 'record').queued);
  } finally {
    store.close();
  }
});

// `booklore-sync test-server` as a subprocess: the seed banner, the LISTENING line, requests,
// a clean SIGTERM, and its errors (bad options → 2, port in use → 1).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { start } from '../src/testserver/index.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';
import { call, md5 } from './helpers/test-server-client.js';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the command and waits until `ready` matches its stdout. */
async function startServerCli(args: string[], ready: RegExp): Promise<Running & { match: RegExpMatchArray }> {
  const child = startCli(['test-server', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${ready} within 10 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 10_000);
    child.stdout!.on('data', (d: string) => {
      stdout += d;
      const m = ready.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before ready; stdout: ${stdout}; stderr: ${stderr}`));
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit, match };
}

test('test-server prints the seed, then LISTENING <url>; serves requests; exits 0 on SIGTERM', async () => {
  const running = await startServerCli(['--port', '0'], /^LISTENING (http:\/\/127\.0\.0\.1:(\d+))$/m);
  try {
    const url = running.match[1]!;
    const lines = running.stdout().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('LISTENING ')).length, 1);
    assert.match(running.stdout(), /reader\s+reader\s+user/);
    assert.match(running.stdout(), /1\s+EPUB\s+f0a672838b6f07f2e74b8bd01aec4434\s+yes/);
    assert.match(running.stdout(), /5\s+EPUB\s+[0-9a-f]{32}\s+no/);

    assert.equal((await call(url, 'GET', '/api/v1/healthcheck')).status, 200);
    const auth = await call(url, 'GET', '/api/koreader/users/auth', { headers: { 'x-auth-user': 'reader', 'x-auth-key': md5('reader') } });
    assert.deepEqual(auth.json, { username: 'reader' });
    assert.equal((await call(url, 'GET', '/__admin/books')).json.length, 5);
  } finally {
    running.child.kill('SIGTERM');
  }
  const { code, signal } = await running.exit;
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.match(running.stderr(), /stopped \(SIGTERM\)/);
});

test('test-server with --seed, --profile, --fault, --latency and --json', async () => {
  const dir = tempDir();
  try {
    const seedFile = join(dir.path, 'seed.json');
    const seed = {
      users: [{ username: 'ann', password: 'secret' }],
      koreaderUsers: [{ username: 'ann-ko', password: 'kopw', bookloreUser: 'ann' }],
      libraries: [{ id: 7, name: 'Shelf', members: ['ann'] }],
      books: [{ id: 70, libraryId: 7, title: 'Seeded', authors: ['A. Author'], bookType: 'AZW3', fileName: 'seeded.azw3', hash: 'ABCDEF0123456789ABCDEF0123456789' }],
    };
    writeFileSync(seedFile, JSON.stringify(seed));
    const running = await startServerCli(
      ['--port', '0', '--json', '--profile', 'upstream', '--seed', seedFile, '--latency', '1', '--fault', 'status=503,count=1,path=/api/v1/auth/login'],
      /^\}$/m,
    );
    try {
      const doc = JSON.parse(running.stdout()) as { url: string; profile: string; faults: string[]; books: { id: number; hash: string; accessible: boolean }[] };
      assert.equal(doc.profile, 'upstream');
      assert.deepEqual(doc.faults, ['status=503,path=/api/v1/auth/login,count=1']);
      assert.deepEqual(doc.books.map((b) => [b.id, b.hash, b.accessible]), [[70, 'abcdef0123456789abcdef0123456789', true]]);
      assert.doesNotMatch(running.stdout(), /LISTENING/);
      const body = { username: 'ann', password: 'secret' };
      assert.equal((await call(doc.url, 'POST', '/api/v1/auth/login', { body })).status, 503);
      const token = (await call(doc.url, 'POST', '/api/v1/auth/login', { body })).json.accessToken as string;
      // Upstream profile: no batch endpoint.
      assert.equal((await call(doc.url, 'POST', '/api/v1/reading-sessions/batch', { token, body: {} })).status, 500);
    } finally {
      running.child.kill('SIGINT');
    }
    assert.equal((await running.exit).code, 0);
  } finally {
    dir.cleanup();
  }
});

test('test-server refuses bad options with exit 2 and a clear message', async () => {
  const dir = tempDir();
  try {
    const badSeed = join(dir.path, 'bad.json');
    writeFileSync(badSeed, JSON.stringify({ users: [], libraries: [], books: [] }));
    for (const [args, message] of [
      [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
      [['--profile', 'grimmory'], /--profile must be fork or upstream/],
      [['--access-token-ttl', '0'], /--access-token-ttl must be a whole number from 1/],
      [['--fault', 'status=503,path=nope'], /--fault: .*path must start with \//],
      [['--seed', badSeed], /--seed: seed file .*users: /],
    ] as const) {
      const result = await runCli(['test-server', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  } finally {
    dir.cleanup();
  }
});

test('test-server on a port in use exits 1 with a clear message', async () => {
  const blocker = await start({});
  try {
    const result = await runCli(['test-server', '--port', String(blocker.port)]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`port ${blocker.port} on 127\\.0\\.0\\.1 is already in use; .*--port`));
  } finally {
    await blocker.close();
  }
});

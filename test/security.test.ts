// Secrets stay secret (never in argv, output, logs, --json or error messages), files are private
// (0600 in a 0700 directory), and TLS certificates are checked unless the user opts out.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { start } from '../src/testserver/index.js';
import { runCli, startCli, tempDir } from './helpers/cli.js';

const PASSWORD = 'S3cret-Pa55-💡-reader';
const KO_PASSWORD = 'K0reader-S3cret';

test('no command takes a password on the command line', async () => {
  const dir = tempDir('bls-sec-');
  try {
    for (const command of ['configure', 'sync', 'test-connection', 'record', 'watch', 'books']) {
      const result = await runCli(['--home', dir.path, command, '--password', 'x']);
      assert.equal(result.code, 2, command);
      assert.match(result.stderr, /unknown option '--password'/);
    }
  } finally {
    dir.cleanup();
  }
});

test('secrets never appear in output, logs, --json or error messages; files are 0600 in a 0700 directory', async () => {
  // The server knows our password: a seed of our own.
  const server = await start({
    port: 0,
    seed: {
      users: [{ username: 'reader', password: PASSWORD }],
      koreaderUsers: [{ username: 'kreader', password: KO_PASSWORD, bookloreUser: 'reader' }],
      libraries: [{ id: 1, name: 'L', members: ['reader'] }],
      books: [{ id: 1, libraryId: 1, title: 'B', authors: ['A'], bookType: 'EPUB', fileName: 'b.epub', hash: 'f0a672838b6f07f2e74b8bd01aec4434' }],
    },
  });
  const dir = tempDir('bls-sec-');
  const outputs: string[] = [];
  const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = await runCli(['--home', dir.path, ...args], { env });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  try {
    const env = { BOOKLORE_PASSWORD: PASSWORD, BOOKLORE_KOREADER_PASSWORD: KO_PASSWORD };
    assert.equal((await cli(['configure', '--server', server.url, '--username', 'reader', '--store-password', '--koreader-username', 'kreader'], env)).code, 0);
    assert.equal((await cli(['--json', 'configure', '--timeout', '3'])).code, 0);
    assert.equal((await cli(['test-connection'])).code, 0);
    assert.equal((await cli(['--json', 'test-connection'])).code, 0);
    assert.equal((await cli(['--json', 'record', '--hash', 'f0a672838b6f07f2e74b8bd01aec4434', '--start', '2026-03-01T10:00:00Z', '--end', '2026-03-01T10:40:00Z'])).code, 0);
    server.admin.expireTokens({ refresh: true }); // forces a fresh login with the stored password
    assert.equal((await cli(['record', '--book-id', '1', '--start', '2026-03-02T10:00:00Z', '--end', '2026-03-02T10:40:00Z'])).code, 0);
    assert.equal((await cli(['--json', 'sync'])).code, 0);
    await cli(['--json', 'pending']);
    await cli(['--json', 'history']);
    await cli(['--json', 'books']);
    // the daemon's log
    const daemon = startCli(['--home', dir.path, 'watch', '--tick', '0.2']);
    daemon.stdin!.end();
    let log = '';
    daemon.stdout!.on('data', (d: Buffer) => (log += d));
    daemon.stderr!.on('data', (d: Buffer) => (log += d));
    const started = Date.now();
    while (!/watching/.test(log)) {
      assert.ok(Date.now() - started < 30_000, `the daemon did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const via = await runCli(['--home', dir.path, 'sync', '--via-daemon']);
    assert.equal(via.code, 0, via.stderr);
    assert.match(via.stdout, /the daemon synced/);
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.on('close', r));
    outputs.push(log);
    // error paths: a wrong password, refused credentials
    const settings = JSON.parse(readFileSync(join(dir.path, 'config.json'), 'utf8'));
    await cli(['configure', '--username', 'reader'], { BOOKLORE_PASSWORD: `${PASSWORD}-wrong` });
    writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ ...settings, accessToken: undefined, refreshToken: undefined, password: `${PASSWORD}-wrong` }));
    assert.equal((await cli(['sync'])).code, 0, 'nothing left to upload');
    await cli(['record', '--book-id', '1', '--start', '2026-03-03T10:00:00Z', '--end', '2026-03-03T10:40:00Z']);
    assert.equal((await cli(['--json', 'sync'])).code, 4);
    assert.equal((await cli(['test-connection'])).code, 4);

    const secrets = [PASSWORD, `${PASSWORD}-wrong`, KO_PASSWORD, settings.accessToken, settings.refreshToken, settings.koreaderKey].filter(Boolean);
    assert.ok(settings.accessToken && settings.refreshToken && settings.koreaderKey, 'there were tokens to leak');
    for (const secret of secrets) {
      for (const text of outputs) assert.ok(!text.includes(secret), `a secret was printed: …${text.slice(Math.max(0, text.indexOf(secret) - 60), text.indexOf(secret))}`);
    }
    // the queue database holds no secret either
    const db = readFileSync(join(dir.path, 'booklore-sync.sqlite'));
    for (const secret of secrets) assert.equal(db.includes(Buffer.from(secret)), false, 'a secret is in the queue database');

    // modes
    assert.equal(statSync(dir.path).mode & 0o777, 0o700);
    for (const name of readdirSync(dir.path)) {
      const mode = statSync(join(dir.path, name)).mode & 0o777;
      assert.equal(mode & 0o077, 0, `${name} is readable by others (${mode.toString(8)})`);
    }
    // a settings file loosened by hand is tightened again on the next read
    chmodSync(join(dir.path, 'config.json'), 0o644);
    await cli(['pending']);
    await cli(['record', '--no-sync', '--book-id', '1', '--start', '2026-03-04T10:00:00Z', '--end', '2026-03-04T10:40:00Z']);
    assert.equal(statSync(join(dir.path, 'config.json')).mode & 0o777, 0o600);
  } finally {
    await server.close();
    dir.cleanup();
  }
});

/** An HTTPS front for the bundled server with a self-signed certificate (openssl). */
async function selfSignedProxy(target: string, dir: string): Promise<{ url: string; server: Server }> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    const forward = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `https://127.0.0.1:${address.port}`, server };
}

test('TLS certificates are checked; a self-signed server works only after an explicit opt-out, with a warning every time', async () => {
  const backend = await start({ port: 0 });
  const dir = tempDir('bls-tls-');
  const certs = tempDir('bls-certs-');
  const proxy = await selfSignedProxy(backend.url, certs.path);
  try {
    writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ server: proxy.url, username: 'reader', password: 'reader', timeoutSeconds: 5 }), { mode: 0o600 });
    await runCli(['--home', dir.path, 'record', '--no-sync', '--book-id', '1', '--start', '2026-03-01T10:00:00Z', '--end', '2026-03-01T10:40:00Z']);
    const refused = await runCli(['--home', dir.path, 'sync']);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /TLS certificate check failed .*--insecure-tls/);
    assert.equal(backend.admin.sessionCount(), 0);
    const check = await runCli(['--home', dir.path, 'test-connection']);
    assert.equal(check.code, 1);

    const optOut = await runCli(['--home', dir.path, 'configure', '--insecure-tls', 'on']);
    assert.match(optOut.stderr, /TLS certificate checks are OFF/);
    const synced = await runCli(['--home', dir.path, 'sync']);
    assert.equal(synced.code, 0, synced.stderr);
    assert.match(synced.stderr, /warning: TLS certificate checks are OFF for https:\/\/127\.0\.0\.1/);
    assert.equal(backend.admin.sessionCount(), 1);
    assert.ok(existsSync(join(dir.path, 'config.json')));
  } finally {
    proxy.server.close();
    await backend.close();
    dir.cleanup();
    certs.cleanup();
  }
});

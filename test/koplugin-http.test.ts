// The KOReader plugin's HTTP transport (LuaSocket + LuaSec, koplugin/src/http.ts) sorts failures
// the way the Node transport does: never sent (refused, unknown host, TLS) → offline; sent but the
// answer lost → unknown, and "answered" once the status line had arrived. Raw TCP servers here
// play the misbehaving network; an https server with a self-signed test certificate
// (koplugin/test/fixtures, CN 127.0.0.1, valid until 2126) checks that certificates are verified.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { REPO_ROOT, tempDir } from './helpers/cli.js';
import { ensurePluginBuilt, lua, luaUnavailable } from './helpers/koplugin.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;
const FIXTURES = join(REPO_ROOT, 'koplugin', 'test', 'fixtures');
const CERT = join(FIXTURES, 'localhost-test-cert.pem');

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** A TCP server that reads the request, then does `answer` with the socket. */
async function rawServer(answer: (socket: Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => answer(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

async function get(url: string, extra: Record<string, unknown> = {}): Promise<any> {
  const dir = tempDir('bls-lua-http-');
  try {
    const result = await lua(dir.path, 'http', { url, timeout: 1, ...extra });
    assert.equal(result.code, 0, result.stderr);
    return result.json;
  } finally {
    dir.cleanup();
  }
}

test('lua transport: a refused connection and an unknown host are "offline" (never sent)', { skip }, async () => {
  const closed = await rawServer(() => {});
  const url = closed.url;
  await closed.close();
  const refused = await get(`${url}/api/v1/healthcheck`);
  assert.deepEqual([refused.ok, refused.kind, refused.answered], [false, 'offline', false]);
  assert.match(refused.message, /connection refused/);
  const unknownHost = await get('http://booklore.invalid/api/v1/healthcheck');
  assert.deepEqual([unknownHost.ok, unknownHost.kind], [false, 'offline']);
  assert.match(unknownHost.message, /host name/);
});

test('lua transport: no answer in time, or the connection dropped before the answer, is "unknown", not answered', { skip }, async () => {
  const silent = await rawServer(() => {});
  const dropping = await rawServer((socket) => socket.destroy());
  try {
    const timedOut = await get(`${silent.url}/x`);
    assert.deepEqual([timedOut.ok, timedOut.kind, timedOut.answered], [false, 'unknown', false]);
    assert.match(timedOut.message, /no answer within 1 s/);
    const dropped = await get(`${dropping.url}/x`);
    assert.deepEqual([dropped.ok, dropped.kind, dropped.answered], [false, 'unknown', false]);
    assert.match(dropped.message, /connection lost/);
  } finally {
    await silent.close();
    await dropping.close();
  }
});

test('lua transport: an answer cut off after its status line is "unknown" and answered (the server was done)', { skip }, async () => {
  const cut = await rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"totalRequested"');
    setTimeout(() => socket.destroy(), 20);
  });
  const whole = await rawServer((socket) => {
    socket.end('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n');
  });
  try {
    const result = await get(`${cut.url}/x`);
    assert.deepEqual([result.ok, result.kind, result.answered], [false, 'unknown', true]);
    assert.match(result.message, /the answer was cut short/);
    const ok = await get(`${whole.url}/x`);
    assert.deepEqual([ok.ok, ok.status, ok.text], [true, 202, '']);
  } finally {
    await cut.close();
    await whole.close();
  }
});

test('lua transport: https certificates are checked (a self-signed server is refused unless trusted or checks are off)', { skip }, async () => {
  const server = createHttpsServer({ key: readFileSync(join(FIXTURES, 'localhost-test-key.pem')), cert: readFileSync(CERT) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 200, message: 'ok', data: { status: 'UP', version: 'v9.9.9' } }));
  });
  const port = await listen(server);
  const url = `https://127.0.0.1:${port}/api/v1/healthcheck`;
  try {
    const untrusted = await get(url, { caFile: null });
    assert.deepEqual([untrusted.ok, untrusted.kind], [false, 'offline']);
    assert.match(untrusted.message, /TLS certificate check failed/);
    const trusted = await get(url, { caFile: CERT });
    assert.equal(trusted.ok, true, trusted.message);
    assert.match(trusted.text, /v9\.9\.9/);
    const unchecked = await get(url, { insecure: true });
    assert.equal(unchecked.ok, true, unchecked.message);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('lua transport: a trusted certificate issued for another name is refused (LuaSec alone would accept it)', { skip }, async (t) => {
  // The test certificate names 127.0.0.1 and localhost; the same server reached as 127.0.0.2 is
  // someone else as far as the certificate says, although its chain is trusted.
  const server = createHttpsServer({ key: readFileSync(join(FIXTURES, 'localhost-test-key.pem')), cert: readFileSync(CERT) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '127.0.0.2', () => resolve(true));
  });
  if (!listening) {
    t.skip('this machine has no 127.0.0.2 on its loopback interface');
    return;
  }
  const port = (server.address() as { port: number }).port;
  try {
    const other = await get(`https://127.0.0.2:${port}/api/v1/healthcheck`, { caFile: CERT });
    assert.deepEqual([other.ok, other.kind, other.answered], [false, 'offline', false]);
    assert.match(other.message, /the certificate is not for 127\.0\.0\.2 \(it is for localhost, 127\.0\.0\.1\)/);
    const unchecked = await get(`https://127.0.0.2:${port}/api/v1/healthcheck`, { insecure: true });
    assert.equal(unchecked.ok, true, unchecked.message);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

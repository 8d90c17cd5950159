// §8 on the bundled server: GET /api/v1/books/{id}/content with Spring's Range rules, on both
// profiles; generated libraries; the file hooks and content faults the resolution tests use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprintSamples } from '../src/core/fingerprint-plan.js';
import { partialMd5OfBuffer } from '../src/node/partial-md5.js';
import { seedBookBytes } from '../src/testserver/index.js';
import { call, login, withServer } from './helpers/test-server-client.js';

async function content(url: string, token: string, path: string, range?: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (range !== undefined) headers.range = range;
  const response = await fetch(`${url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

test('content: no Range → 200 whole file; one range → 206 + Content-Range; end clamped; both profiles', async () => {
  for (const profile of ['upstream', 'fork'] as const) {
    await withServer({ profile }, async (server) => {
      const { accessToken } = await login(server);
      const bytes = seedBookBytes(1);
      const whole = await content(server.url, accessToken, '/api/v1/books/1/content');
      assert.equal(whole.status, 200);
      assert.ok(whole.body.equals(bytes));
      assert.equal(whole.headers.get('content-type'), 'application/epub+zip');
      const one = await content(server.url, accessToken, '/api/v1/books/1/content', 'bytes=1024-2047');
      assert.equal(one.status, 206);
      assert.equal(one.headers.get('content-range'), `bytes 1024-2047/${bytes.length}`);
      assert.ok(one.body.equals(bytes.subarray(1024, 2048)));
      const clamped = await content(server.url, accessToken, '/api/v1/books/1/content', `bytes=${bytes.length - 10}-${bytes.length + 5000}`);
      assert.equal(clamped.headers.get('content-range'), `bytes ${bytes.length - 10}-${bytes.length - 1}/${bytes.length}`);
      assert.equal(clamped.body.length, 10);
    });
  }
});

test('content: several ranges → 206 multipart/byteranges whose parts give the fingerprint samples', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const { accessToken } = await login(server);
    const bytes = seedBookBytes(1);
    const samples = fingerprintSamples(bytes.length);
    const header = `bytes=${samples.map((s) => `${s.offset}-${s.offset + s.length - 1}`).join(',')}`;
    const reply = await content(server.url, accessToken, '/api/v1/books/1/content', header);
    assert.equal(reply.status, 206);
    const type = reply.headers.get('content-type')!;
    const boundary = /^multipart\/byteranges; boundary=(.+)$/.exec(type)![1]!;
    const text = reply.body.toString('latin1');
    const parts = text.split(`\r\n--${boundary}`).slice(1, -1);
    assert.equal(parts.length, samples.length);
    const pieces = parts.map((p, i) => {
      const [head, ...rest] = p.split('\r\n\r\n');
      assert.match(head!, new RegExp(`Content-Range: bytes ${samples[i]!.offset}-${samples[i]!.offset + samples[i]!.length - 1}/${bytes.length}`));
      return Buffer.from(rest.join('\r\n\r\n'), 'latin1');
    });
    assert.ok(text.endsWith(`\r\n--${boundary}--`));
    const md5 = (await import('node:crypto')).createHash('md5');
    for (const piece of pieces) md5.update(piece);
    assert.equal(md5.digest('hex'), partialMd5OfBuffer(bytes));
  });
});

test('content: 416 with bytes */LEN for a start past the end, > 100 ranges, a total ≥ the length, or a malformed header', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const { accessToken } = await login(server);
    const size = seedBookBytes(4).length; // 12,345 bytes
    const many = `bytes=${Array.from({ length: 101 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}`;
    for (const range of [`bytes=${size}-`, many, `bytes=0-7000,7001-${size}`, 'bytes=abc', 'items=0-1']) {
      const reply = await content(server.url, accessToken, '/api/v1/books/4/content', range);
      assert.equal(reply.status, 416, range.slice(0, 30));
      assert.equal(reply.headers.get('content-range'), `bytes */${size}`);
    }
    const hundred = `bytes=${Array.from({ length: 100 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}`;
    assert.equal((await content(server.url, accessToken, '/api/v1/books/4/content', hundred)).status, 206);
  });
});

test('content: an inaccessible or unknown book is 404; a physical book or a missing file is 404 File not found', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const { accessToken } = await login(server);
    assert.equal((await content(server.url, accessToken, '/api/v1/books/5/content')).status, 404);
    assert.equal((await content(server.url, accessToken, '/api/v1/books/99/content')).status, 404);
    assert.equal((await call(server, 'GET', '/api/v1/books/1/content')).status, 403);
    await call(server, 'POST', '/__admin/books/2/file', { body: { physical: true } });
    await call(server, 'POST', '/__admin/books/3/file', { body: { missing: true, fileSizeKb: null } });
    const two = await content(server.url, accessToken, '/api/v1/books/2/content');
    assert.equal(two.status, 404);
    assert.match(two.body.toString(), /File not found/);
    assert.equal((await content(server.url, accessToken, '/api/v1/books/3/content', 'bytes=0-10')).status, 404);
    const books = (await call(server, 'GET', '/api/v1/books', { token: accessToken })).json;
    assert.equal(books[1].isPhysical, true);
    assert.equal(books[1].primaryFile, undefined);
    assert.equal(books[2].primaryFile.fileSizeKb, undefined);
  });
});

test('a generated library: list DTOs with sizes and alternative formats; each file fingerprints to its hash', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const generated = (await call(server, 'POST', '/__admin/books/generate', { body: { count: 30 } })).json;
    assert.equal(generated.length, 30);
    const { accessToken } = await login(server);
    const books = (await call(server, 'GET', '/api/v1/books', { token: accessToken })).json;
    assert.equal(books.length, 34);
    const withAlt = generated.find((b: { altFormats: unknown[] }) => b.altFormats.length > 0);
    const dto = books.find((b: { id: number }) => b.id === withAlt.id);
    assert.equal(dto.alternativeFormats[0].bookType, 'PDF');
    for (const book of [generated[0], withAlt]) {
      const whole = await content(server.url, accessToken, `/api/v1/books/${book.id}/content`);
      assert.equal(whole.body.length, book.sizeBytes);
      assert.equal(partialMd5OfBuffer(whole.body), book.hash);
      assert.equal(dto.primaryFile !== undefined, true);
    }
    const alt = await content(server.url, accessToken, `/api/v1/books/${withAlt.id}/content?bookType=PDF`);
    assert.equal(partialMd5OfBuffer(alt.body), withAlt.altFormats[0].hash);
  });
});

test('content faults: ignore-range answers 200 with the whole file; wrong-range shifts Content-Range', async () => {
  await withServer({ profile: 'upstream' }, async (server) => {
    const { accessToken } = await login(server);
    await call(server, 'POST', '/__admin/faults', { body: { rules: ['ignore-range,path=/api/v1/books/1/content,count=1', 'wrong-range,path=/api/v1/books/*,count=2'] } });
    const ignored = await content(server.url, accessToken, '/api/v1/books/1/content', 'bytes=0-9');
    assert.equal(ignored.status, 200);
    assert.equal(ignored.body.length, seedBookBytes(1).length);
    const single = await content(server.url, accessToken, '/api/v1/books/1/content', 'bytes=0-9');
    assert.equal(single.headers.get('content-range'), `bytes 1-10/${seedBookBytes(1).length}`);
    const multi = await content(server.url, accessToken, '/api/v1/books/1/content', 'bytes=0-9,100-109');
    assert.match(multi.body.toString('latin1'), /Content-Range: bytes 1-10\//);
  });
});

// The hold faults: the test server keeps a request open (before processing it, or after committing
// it) until the harness releases it, and says at once that it holds one. The crash torture kills
// clients at these points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, login, sessionItem, withServer } from './helpers/test-server-client.js';

const BATCH = '/api/v1/reading-sessions/batch';
const batchBody = (minute = 0) => ({ bookId: 1, bookType: 'EPUB', sessions: [sessionItem(minute), sessionItem(minute + 40)] });

test('hold: the request waits unprocessed until released; process stores it, drop closes it', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: ['hold,path=/api/v1/reading-sessions/batch,count=2'] });
    const seen: string[] = [];
    const stop = server.admin.onHold((h) => seen.push(`${h.stage} ${h.path} ${h.sessions}`));
    const first = call(server, 'POST', BATCH, { token: accessToken, body: batchBody() });
    while (server.admin.held().length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(seen, [`before-commit ${BATCH} 2`]);
    const overHttp = await call(server, 'GET', '/__admin/held');
    assert.equal(overHttp.json.length, 1);
    assert.equal(server.admin.sessionCount(), 0, 'nothing is stored while held');
    assert.equal(await server.admin.releaseHeld('process'), 1);
    assert.equal(server.admin.sessionCount(), 2, 'stored once released with process');
    assert.equal((await first).status, 200);

    const second = call(server, 'POST', BATCH, { token: accessToken, body: batchBody(100) }).catch((err: Error) => err);
    while (server.admin.held().length === 0) await new Promise((r) => setTimeout(r, 5));
    const released = await call(server, 'POST', '/__admin/held/release', { body: { mode: 'drop' } });
    assert.deepEqual(released.json, { released: 1 });
    assert.ok((await second) instanceof Error, 'a dropped request gets no answer');
    assert.equal(server.admin.sessionCount(), 2, 'a request dropped before commit stores nothing');
    assert.equal(server.admin.firedFaults(), 2);
    stop();
  });
});

test('hold-after-commit: stored before the answer leaves; the answer waits for the release', async () => {
  await withServer({}, async (server) => {
    const { accessToken } = await login(server);
    server.admin.addFaults({ rules: [{ action: 'hold-after-commit', path: BATCH, method: 'POST', count: 1 }] });
    let answered = false;
    const reply = call(server, 'POST', BATCH, { token: accessToken, body: batchBody() }).then((r) => ((answered = true), r));
    while (server.admin.held().length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(server.admin.held()[0]!.stage, 'after-commit');
    assert.equal(server.admin.sessionCount(), 2, 'committed while the answer is held');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(answered, false);
    await server.admin.releaseHeld('process');
    assert.equal((await reply).status, 200);
  });
});

test('a hold rule that caught nothing can be disarmed; one that fired stays in the list', async () => {
  await withServer({}, async (server) => {
    server.admin.addFaults({ rules: ['hold,path=/api/v1/reading-sessions', 'status=503,path=/x'] });
    server.admin.disarmHolds();
    assert.deepEqual(server.admin.faults().rules.map((r) => r.action), ['status']);
  });
});

// The status page's guards and bad-input answers over real HTTP (no browser): access token and its
// cookie, CSRF, Host header (DNS rebinding), secrets never rendered, and a clear message with
// nothing changed for unknown routes, a stale form, a non-existent book, a locked database and a
// BookLore server that is down.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../src/node/settings-file.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { startUiServer } from '../src/ui/ui-server.js';
import { runCli } from './helpers/cli.js';
import { UNKNOWN_HASH, uiFixture, type UiFixture } from './helpers/ui-fixture.js';
import { csrfOf, getWithHost, PageClient, textOf } from './helpers/ui-http.js';

function states(home: string): Record<string, number> {
  const store = LocalStore.open(home);
  try {
    const rows = store.db.prepare('SELECT upload_state AS s, COUNT(*) AS n FROM pending_sessions GROUP BY upload_state').all() as { s: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.s, r.n]));
  } finally {
    store.close();
  }
}

describe('status page security and bad input', () => {
  let f: UiFixture;
  let page: PageClient;

  before(async () => {
    f = await uiFixture();
    page = new PageClient(f.base);
  });
  after(async () => f.close());

  it('keeps the access token in a 0600 file and refuses requests without it', async () => {
    assert.equal(statSync(join(f.home, 'ui-token')).mode & 0o777, 0o600);
    const anonymous = new PageClient(f.base);
    for (const path of ['/', '/queue', '/events', '/assets/app.js', '/nope']) {
      const answer = await anonymous.send(path);
      assert.equal(answer.status, 401, path);
      assert.match(textOf(answer.text), /needs the access token/);
      assert.ok(!answer.text.includes(f.token));
    }
    const posted = await anonymous.send('/queue/clear', { form: { count: '6' } });
    assert.equal(posted.status, 401);
    const wrong = await anonymous.send(`/?token=${'x'.repeat(43)}`);
    assert.equal(wrong.status, 401);
    assert.match(textOf(wrong.text), /not the current one/);
    assert.equal(states(f.home).queued, 6, 'nothing changed');
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and takes it out of the address', async () => {
    const answer = await page.logIn(f.token);
    assert.equal(answer.status, 303);
    assert.equal(answer.location, '/');
    assert.match(answer.setCookie ?? '', /HttpOnly/);
    assert.match(answer.setCookie ?? '', /SameSite=Strict/);
    assert.ok(!(answer.setCookie ?? '').includes(f.token), 'the cookie is derived, not the token');
    const overview = await page.send('/');
    assert.equal(overview.status, 200);
    assert.match(textOf(overview.text), /Queued 6/);
    assert.match(overview.text, /Content-Security-Policy|<!DOCTYPE html>/);
  });

  it('answers only to IP or localhost Host headers on its port (DNS rebinding)', async () => {
    const evil = await getWithHost(f.base, '/', `attacker.example:${f.ui.port}`, page.cookie);
    assert.equal(evil.status, 403);
    assert.match(textOf(evil.text), /Host header refused/);
    assert.equal((await getWithHost(f.base, '/', `localhost:${f.ui.port}`, page.cookie)).status, 200);
    assert.equal((await getWithHost(f.base, '/', `127.0.0.1:${f.ui.port + 1}`, page.cookie)).status, 403);
  });

  it('refuses POSTs without this server\'s CSRF token, or from another site, changing nothing', async () => {
    const before = states(f.home);
    const none = await page.send('/queue/clear', { form: { count: '6' } });
    assert.equal(none.status, 403);
    assert.match(textOf(none.text), /out of date.*Nothing was changed/);
    const csrf = csrfOf((await page.send('/')).text);
    const crossSite = await page.send('/queue/clear', { form: { count: '6', _csrf: csrf }, headers: { origin: 'http://attacker.example' } });
    assert.equal(crossSite.status, 403);
    assert.deepEqual(states(f.home), before);
  });

  it('says a form is stale after the page server restarted (new CSRF token), and the old cookie still works', async () => {
    const oldCsrf = csrfOf((await page.send('/')).text);
    const second = await startUiServer({ home: f.home, listen: { host: '127.0.0.1', port: 0 } });
    try {
      const other = new PageClient(`http://127.0.0.1:${second.port}`);
      assert.equal(second.newToken, null, 'the token is kept, not printed again');
      await other.logIn(f.token);
      const stale = await other.send('/queue/retry', { form: { id: 'all', _csrf: oldCsrf } });
      assert.equal(stale.status, 403);
      assert.match(textOf(stale.text), /restarted since this page was loaded/);
    } finally {
      await second.close();
    }
  });

  it('explains unknown routes', async () => {
    const answer = await page.send('/does/not/exist');
    assert.equal(answer.status, 404);
    assert.match(textOf(answer.text), /There is no page at \/does\/not\/exist/);
  });

  it('never renders a password, token or key, even after a sync stored tokens', async () => {
    const csrf = csrfOf((await page.send('/')).text);
    const synced = await page.follow(await page.send('/sync', { form: { _csrf: csrf } }));
    assert.match(textOf(synced.text), /Synced: 3 uploaded/);
    const settings = loadSettings(f.home);
    const secrets = [settings.password, settings.accessToken, settings.refreshToken, f.token].filter((s): s is string => !!s && s !== 'reader');
    assert.ok(secrets.length >= 2);
    for (const path of ['/', '/queue', '/unresolved', '/history', '/reading', '/log']) {
      const html = (await page.send(path)).text;
      for (const secret of secrets) assert.ok(!html.includes(secret), `${path} shows a secret`);
    }
  });

  it('refuses to attach to a book id the server does not have, attaching nothing', async () => {
    const csrf = csrfOf((await page.send('/unresolved')).text);
    const answer = await page.follow(await page.send('/unresolved/attach', { form: { hash: UNKNOWN_HASH, bookId: '999', _csrf: csrf } }));
    assert.match(textOf(answer.text), /Nothing attached: the server has no book #999/);
    const bad = await page.follow(await page.send('/unresolved/attach', { form: { hash: UNKNOWN_HASH, bookId: '1; DROP', _csrf: csrf } }));
    assert.match(textOf(bad.text), /is not a book id/);
    const store = LocalStore.open(f.home);
    try {
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM pending_sessions WHERE book_hash = ? AND book_id IS NULL').pluck().get(UNKNOWN_HASH), 2);
    } finally {
      store.close();
    }
  });

  it('says what happened when the database is locked by another writer, and still shows pages', async () => {
    const holder = spawn(process.execPath, [join(import.meta.dirname, 'helpers', 'hold-lock.js'), join(f.home, 'booklore-sync.sqlite')], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
      const csrf = csrfOf((await page.send('/queue')).text);
      const before = states(f.home);
      const answer = await page.send('/queue/retry', { form: { id: 'all', _csrf: csrf } });
      assert.equal(answer.status, 503);
      assert.match(textOf(answer.text), /locked by another process; nothing was changed/);
      assert.deepEqual(states(f.home), before);
      assert.equal((await page.send('/')).status, 200, 'reads go on during a write (WAL)');
    } finally {
      holder.stdin!.end();
      await new Promise((resolve) => holder.once('close', resolve));
    }
  });

  it('says the BookLore server is down, for Sync Now and for Attach, losing nothing', async () => {
    await f.server.goOffline();
    try {
      const csrf = csrfOf((await page.send('/unresolved')).text);
      const attach = await page.follow(await page.send('/unresolved/attach', { form: { hash: UNKNOWN_HASH, bookId: '4', _csrf: csrf } }));
      assert.match(textOf(attach.text), /Nothing attached: cannot list the server's books/);
      const search = await page.send(`/unresolved?hash=${UNKNOWN_HASH}&q=moby`);
      assert.match(textOf(search.text), /cannot list the server's books.*Nothing was changed/);
      f.enqueue([{ bookId: 1, bookType: 'EPUB', startTime: 1_770_000_000, endTime: 1_770_001_800, startLocation: '1', endLocation: '9', startProgress: 1, endProgress: 2 }]);
      const sync = await page.follow(await page.send('/sync', { form: { _csrf: csrf } }));
      assert.match(textOf(sync.text), /Not synced: .*sessions stay queued/);
      assert.ok((states(f.home).queued ?? 0) >= 1);
    } finally {
      await f.server.goOnline();
    }
  });

  it('never syncs at the same time as a terminal: the lease is shared, and the page says who holds it', async () => {
    f.enqueue([{ bookId: 2, bookType: 'PDF', startTime: 1_770_100_000, endTime: 1_770_101_800, startLocation: '1', endLocation: '9', startProgress: 1, endProgress: 2 }]);
    f.server.admin.setLatency(2500);
    const cli = runCli(['--home', f.home, '--json', 'sync']);
    try {
      const store = LocalStore.open(f.home);
      let holder: number | undefined;
      try {
        for (let i = 0; i < 100 && holder === undefined; i++) {
          holder = store.db.prepare('SELECT pid FROM bls_sync_lease').pluck().get() as number | undefined;
          if (holder === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        store.close();
      }
      assert.ok(holder !== undefined, 'the terminal sync holds the lease');
      const csrf = csrfOf((await page.send('/')).text);
      const answer = await page.follow(await page.send('/sync', { form: { _csrf: csrf } }));
      assert.match(textOf(answer.text), new RegExp(`Not synced: another sync \\(pid ${holder}\\) is running on this queue`));
    } finally {
      f.server.admin.setLatency(0);
      assert.equal((await cli).code, 3, 'the terminal sync ran (exit 3: the unknown fingerprint stays queued)');
    }
  });

  it('lists syncs from the CLI too in the sync log', async () => {
    const cli = await runCli(['--home', f.home, '--json', 'sync']);
    assert.notEqual(cli.code, null);
    const log = textOf((await page.send('/log')).text);
    assert.match(log, /manual/, 'the CLI sync');
    assert.match(log, /\bui\b/, 'the page sync');
    assert.match(log, /offline/, 'the sync while the server was down');
  });
});

// `booklore-sync ui` and `watch --ui` as real subprocesses: the token is printed once (never by
// the daemon, whose stdout is a log), a non-loopback address is warned about, and a Sync Now from
// the daemon's page runs through the daemon and lands in the sync log.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCli } from './helpers/cli.js';
import { syncFixture, sessionsFor, BOOKS, type Fixture } from './helpers/sync-fixture.js';
import { csrfOf, PageClient, textOf } from './helpers/ui-http.js';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  url: string;
}

/** Starts the command and waits for the line naming the page's address. */
async function startWithPage(args: string[], readyWhen = /status page: /): Promise<Running> {
  const child = startCli(args);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed; stdout: ${stdout} stderr: ${stderr}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const match = /status page: (?:open )?(http:\/\/[^\s?]+\/)/.exec(stdout);
      if (match && readyWhen.test(stdout)) {
        clearTimeout(timer);
        resolve(match[1]!.replace(/\/$/, ''));
      }
    });
    child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, url };
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  return new Promise((resolve) => running.child.once('close', (code) => resolve(code)));
}

describe('ui and watch --ui commands', () => {
  let f: Fixture;
  before(async () => {
    f = await syncFixture();
  });
  after(async () => f.close());

  it('ui prints the token only when it makes it, and warns off loopback', async () => {
    const first = await startWithPage(['--home', f.home, 'ui', '--listen', '127.0.0.1:0']);
    const token = readFileSync(join(f.home, 'ui-token'), 'utf8').trim();
    assert.ok(first.stdout().includes(`?token=${token}`), 'shown once, with the address');
    assert.equal(await stop(first), 0);
    const second = await startWithPage(['--home', f.home, 'ui', '--listen', '0.0.0.0:0']);
    assert.ok(!second.stdout().includes(token), 'not shown again');
    assert.match(second.stderr(), /reachable from other machines/);
    assert.equal(await stop(second), 0);
  });

  it('refuses a bad --listen', async () => {
    const child = startCli(['--home', f.home, 'ui', '--listen', 'nonsense']);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((resolve) => child.once('close', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--listen takes HOST:PORT/);
  });

  it('watch --ui serves the page, never logs the token, and syncs through the daemon', async () => {
    const running = await startWithPage(['--home', f.home, 'watch', '--tick', '0.2', '--interval', '3600', '--ui', '127.0.0.1:0'], /watching /);
    try {
      const token = readFileSync(join(f.home, 'ui-token'), 'utf8').trim();
      assert.ok(!running.stdout().includes(token), 'the daemon log never holds the token');
      const page = new PageClient(running.url);
      await page.logIn(token);
      const overview = textOf((await page.send('/')).text);
      assert.match(overview, /By the watch daemon \(pid \d+\)/);
      f.enqueue(sessionsFor(BOOKS.pride, 2));
      const csrf = csrfOf((await page.send('/')).text);
      const synced = await page.follow(await page.send('/sync', { form: { _csrf: csrf } }));
      assert.match(textOf(synced.text), /Synced: \d+ uploaded/);
      assert.equal(f.server.admin.sessions().length, 2);
      assert.match(textOf((await page.send('/log')).text), /watch: ui/);
    } finally {
      assert.equal(await stop(running), 0);
    }
  });
});

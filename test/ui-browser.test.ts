// The status page in a real browser: Debian's Chromium driven by playwright-core against the
// bundled BookLore server and the page server, both in-process on 127.0.0.1. Screenshots of each
// page go to test-output/ (gitignored).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BOOKS } from './helpers/sync-fixture.js';
import { SCREENSHOTS, UNKNOWN_HASH, recentSession, uiFixture, type UiFixture } from './helpers/ui-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function count(page: Page, key: string): Promise<number> {
  return Number((await page.locator(`[data-count="${key}"]`).textContent())!.replace(/,/g, ''));
}

/** Presses Sync Now (the first one on the page) and waits for the live view to report the end. */
async function syncNow(page: Page): Promise<string> {
  await page.locator('.sync-form button').first().click();
  const progress = page.locator('#progress');
  await progress.and(page.locator('.ok, .error')).waitFor({ timeout: 20_000 });
  return (await progress.textContent()) ?? '';
}

describe('status page in Chromium', { timeout: 120_000 }, () => {
  let f: UiFixture;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const consoleErrors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)`);
    f = await uiFixture();
    mkdirSync(SCREENSHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'bls-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await f?.close();
  });

  it('refuses a request without the token', async () => {
    const other = await context.newPage();
    try {
      const answer = await other.goto(`${f.base}/queue`);
      assert.equal(answer!.status(), 401);
      assert.match(await other.locator('#message').textContent() ?? '', /needs the access token/);
      assert.doesNotMatch(await other.content(), /Pride and Prejudice/);
    } finally {
      await other.close();
    }
  });

  it('opens the overview with the token, which leaves the address bar', async () => {
    await page.goto(`${f.base}/?token=${f.token}`);
    assert.equal(page.url(), `${f.base}/`);
    assert.equal(await page.title(), 'Overview · booklore-sync');
    assert.equal(await count(page, 'queued'), 6);
    assert.equal(await count(page, 'unresolvedBooks'), 1);
    assert.match((await page.locator('#server').textContent())!, new RegExp(f.server.url));
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-overview-before.png'), fullPage: true });
  });

  it('Sync Now shows progress live and the counts change', async () => {
    const summary = await syncNow(page);
    assert.match(summary, /Synced: 3 uploaded/);
    assert.equal(await count(page, 'queued'), 2, 'the unknown fingerprint stays');
    assert.equal(await count(page, 'parked'), 1, 'the refused session is parked');
    assert.equal(await count(page, 'unresolvedBooks'), 1);
    assert.equal(f.server.admin.sessions().length, 3);
    assert.match((await page.locator('#last-sync').textContent())!, /ui, completed; 3 uploaded/, 'updated live');
    await page.reload();
    assert.match((await page.locator('#last-sync').textContent())!, /ui, completed; 3 uploaded/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-overview.png'), fullPage: true });
  });

  it('retries a parked session, and it uploads once the server accepts it', async () => {
    await page.goto(`${f.base}/queue?state=parked`);
    const row = page.locator('#queue tbody tr[data-state="parked"]');
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent())!, /Refused by the server as invalid/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-queue.png'), fullPage: true });
    f.server.admin.clearFaults();
    await row.getByRole('button', { name: /Retry session/ }).click();
    assert.match((await page.locator('#flash').textContent())!, /1 parked session back in the queue/);
    assert.match(await syncNow(page), /Synced: 1 uploaded/);
    assert.equal(f.server.admin.sessions({ bookId: BOOKS.pride.id }).length, 3);
  });

  it('attaches an unknown fingerprint to a book found by search, and its sessions upload', async () => {
    await page.goto(`${f.base}/unresolved`);
    const card = page.locator(`[data-hash="${UNKNOWN_HASH}"]`);
    assert.match((await card.textContent())!, /The Unknown Voyage\.epub/);
    assert.match((await card.textContent())!, /2 sessions/);
    await card.getByRole('searchbox').fill('moby');
    await card.getByRole('button', { name: 'Search' }).click();
    const found = page.locator(`[data-hash="${UNKNOWN_HASH}"] .candidates tbody tr`);
    assert.equal(await found.count(), 1);
    assert.match((await found.textContent())!, /Moby-Dick/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-unresolved.png'), fullPage: true });
    await found.getByRole('button', { name: /Attach to/ }).click();
    assert.match((await page.locator('#flash').textContent())!, /Attached .*#4.* to 2 queued sessions/);
    assert.match(await syncNow(page), /Synced: 2 uploaded/);
    assert.equal(f.server.admin.sessions({ bookId: BOOKS.mobyDick.id }).length, 2);
    await page.goto(`${f.base}/unresolved`);
    assert.match((await page.locator('#empty').textContent())!, /No unresolved books/);
  });

  it('clears pending only after a confirmation naming the count', async () => {
    f.enqueue([recentSession(BOOKS.nemo, 7), recentSession(BOOKS.nemo, 8), recentSession(BOOKS.nemo, 9)]);
    await page.goto(`${f.base}/queue`);
    await page.locator('#clear-pending').click();
    const confirm = page.locator('#confirm-clear');
    assert.match((await confirm.textContent())!, /Permanently delete 3 queued sessions\?/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-clear-pending.png'), fullPage: true });
    await confirm.getByRole('button', { name: /Delete 3 sessions permanently/ }).click();
    assert.match((await page.locator('#flash').textContent())!, /Deleted 3 queued sessions/);
    assert.match((await page.locator('#empty').textContent())!, /The queue is empty/);
  });

  it('shows the history with a filter by book', async () => {
    await page.goto(`${f.base}/history`);
    assert.equal(await page.locator('#history tbody tr').count(), 6);
    await page.locator('select[name=book]').selectOption(String(BOOKS.mobyDick.id));
    await page.getByRole('button', { name: 'Show' }).click();
    assert.equal(await page.locator('#history tbody tr').count(), 2);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-history.png'), fullPage: true });
  });

  it('draws the reading charts on the server, with titles and text alternatives', async () => {
    await page.goto(`${f.base}/reading`);
    const daily = page.locator('#chart-daily');
    assert.equal(await daily.getAttribute('role'), 'img');
    assert.match((await daily.locator('title').first().textContent())!, /Reading time per day/);
    assert.match((await daily.locator('desc').textContent())!, /in 6 of 90 days/);
    assert.equal(await daily.locator('rect').count(), 90);
    const books = page.locator('#chart-books');
    assert.match((await books.locator('desc').textContent())!, /Pride and Prejudice: 2h 0m 0s in 3 sessions; The Unknown Voyage: 1h 20m 0s in 2 sessions/, 'a title from the local file when the session has none');
    assert.ok((await daily.boundingBox())!.height > 100, 'drawn with a size');
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-reading.png'), fullPage: true });
  });

  it('keeps a sync log', async () => {
    await page.goto(`${f.base}/log`);
    const rows = page.locator('#sync-log tbody tr');
    assert.equal(await rows.count(), 3);
    assert.match((await rows.first().textContent())!, /ui.*ok/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-sync-log.png'), fullPage: true });
  });

  it('logged no console errors on any of these pages', () => {
    assert.deepEqual(consoleErrors, []);
  });

  it('says so when the BookLore server is down, and when the page server stops', async () => {
    f.enqueue([recentSession(BOOKS.nemo, 10)]);
    await page.goto(`${f.base}/`);
    await f.server.goOffline();
    assert.match(await syncNow(page), /Not synced: .*sessions stay queued/);
    assert.equal(await count(page, 'queued'), 1);
    assert.match((await page.locator('#last-sync').textContent())!, /ui, outcome: offline/);
    await f.ui.close();
    await page.locator('#connection').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await page.locator('#connection').textContent())!, /not answering.*Nothing is lost/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-server-down.png'), fullPage: true });
  });
});

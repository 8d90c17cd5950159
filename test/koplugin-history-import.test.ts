// "Import reading history" on the device: the plugin's Lua build imports KOReader's own
// statistics.sqlite3 (in its settings folder) with the application layer the Node tool runs for
// `import-koreader-stats`, so both give the same sessions from the same file, and both keep the
// same ledger (an import in one runtime is not repeated by the other).
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, tempDir } from './helpers/cli.js';
import { ensurePluginBuilt, lua, luaUnavailable } from './helpers/koplugin.js';
import { readingRun, writeKoreaderStatistics, type StatsBook, type StatsRow } from './helpers/koreader-stats-db.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));
function dir(): string {
  const d = tempDir('bls-lua-import-');
  cleanups.push(d.cleanup);
  return d.path;
}

const T = Date.UTC(2026, 2, 1, 19, 0, 0) / 1000;
const DAY = 86_400;

const BOOKS: StatsBook[] = [
  { id: 1, title: 'Dune', md5: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', pages: 400 },
  { id: 2, title: 'The Art of War.pdf', md5: '39b5a905011a04419a42c64243d08855', pages: 100 },
  { id: 3, title: 'Untracked Pamphlet', md5: null, pages: 50 },
  { id: 4, title: 'Long Book', md5: 'cafebabecafebabecafebabecafebabe', pages: 900 },
];

/** Several sessions per book, a pause that splits one, a jump back (not forward), a book without an MD5, and a long book read in one sitting. */
function rows(): StatsRow[] {
  const out: StatsRow[] = [];
  for (let day = 0; day < 6; day++) {
    out.push(...readingRun(1, { start: T + day * DAY, firstPage: 10 + day * 12, pages: 6, secondsPerPage: 50, totalPages: 400 }));
    out.push(...readingRun(1, { start: T + day * DAY + 300 + 301, firstPage: 16 + day * 12, pages: 6, secondsPerPage: 40, totalPages: 400 }));
  }
  out.push([1, 3, T + 7 * DAY, 30, 400], [1, 2, T + 7 * DAY + 30, 30, 400]);
  out.push(...readingRun(2, { start: T + 3600, firstPage: 1, pages: 5, secondsPerPage: 70, totalPages: 100 }));
  out.push(...readingRun(3, { start: T + 7200, firstPage: 1, pages: 3, secondsPerPage: 60, totalPages: 50 }));
  out.push(...readingRun(4, { start: T + 2 * DAY + 5000, firstPage: 1, pages: 700, secondsPerPage: 20, totalPages: 900 }));
  // the newest reading, within the gap of the file's end: still open, left for later
  out.push(...readingRun(2, { start: T + 9 * DAY, firstPage: 6, pages: 3, secondsPerPage: 60, totalPages: 100 }));
  return out;
}

/** The fields an imported session has in the queue, in a runtime-independent order. */
function sessionsOf(pending: Record<string, unknown>[]): string[] {
  return pending
    .map((p) => [p.bookHash, p.bookType, p.bookTitle, p.startTime, p.endTime, p.durationSeconds, p.startProgress, p.endProgress, p.startLocation, p.endLocation, p.source].join('|'))
    .sort();
}

test('the plugin imports the device’s statistics.sqlite3 into the same sessions as the Node import of the same file', { skip }, async () => {
  const luaHome = dir();
  const nodeHome = dir();
  const file = join(luaHome, 'statistics.sqlite3');
  writeKoreaderStatistics(file, { books: BOOKS, rows: rows() });
  const copy = join(dir(), 'statistics.sqlite3');
  copyFileSync(file, copy);

  const dry = await lua(luaHome, 'importHistory', { dryRun: true });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.json.ok, true, dry.json.message);

  const onDevice = await lua(luaHome, 'importHistory', {});
  assert.equal(onDevice.code, 0, onDevice.stderr);
  assert.equal(onDevice.json.ok, true, onDevice.json.message);
  const node = await runCli(['--home', nodeHome, '--json', 'import-koreader-stats', copy]);
  assert.equal(node.code, 0, node.stderr);
  const nodeReport = JSON.parse(node.stdout);

  for (const key of ['rows', 'books', 'sessions', 'queued', 'skipped', 'open', 'withoutMd5', 'invalid', 'notMovedForward'] as const) {
    assert.equal(onDevice.json.report[key], nodeReport[key], `${key}: Lua ${onDevice.json.report[key]}, Node ${nodeReport[key]}`);
  }
  assert.equal(dry.json.report.queued, onDevice.json.report.queued, 'the dry run said what the import then queued');
  assert.ok(onDevice.json.report.queued >= 14, `sessions were queued (${onDevice.json.report.queued})`);
  assert.equal(onDevice.json.report.open, 1, 'the newest reading waits');
  assert.equal(onDevice.json.report.withoutMd5, 1);

  const luaPending = (await lua(luaHome, 'pending')).json as Record<string, unknown>[];
  const nodePending = JSON.parse((await runCli(['--home', nodeHome, '--json', 'pending'])).stdout) as Record<string, unknown>[];
  assert.deepEqual(sessionsOf(luaPending), sessionsOf(nodePending));
  assert.equal(luaPending.length, onDevice.json.report.queued);

  // One ledger for both runtimes: importing again, on the device or with the Node tool, queues nothing.
  const again = await lua(luaHome, 'importHistory', {});
  assert.equal(again.json.report.queued, 0);
  assert.equal(again.json.report.alreadyImported, onDevice.json.report.queued);
  const nodeOnLuaQueue = JSON.parse((await runCli(['--home', luaHome, '--json', 'import-koreader-stats', copy])).stdout);
  assert.equal(nodeOnLuaQueue.queued, 0, 'the Node tool sees the plugin’s ledger');
});

test('the plugin refuses a file that is not KOReader statistics, with a sentence, and queues nothing', { skip }, async () => {
  const home = dir();
  const missing = await lua(home, 'importHistory', {});
  assert.equal(missing.json.ok, false);
  assert.match(missing.json.message, /statistics\.sqlite3/);
  const other = join(home, 'other.sqlite3');
  writeKoreaderStatistics(other, { books: [], rows: [] });
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(other);
  db.exec('DROP VIEW page_stat; DROP TABLE page_stat_data');
  db.close();
  const refused = await lua(home, 'importHistory', { path: other });
  assert.equal(refused.json.ok, false);
  assert.match(refused.json.message, /not KOReader's statistics \(it has no page_stat_data table\)/);
  assert.doesNotMatch(refused.json.message, /stack traceback|\.lua:\d+/);
  assert.deepEqual((await lua(home, 'pending')).json, []);
});

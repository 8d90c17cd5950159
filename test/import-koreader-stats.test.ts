// `import-koreader-stats` as users run it (X8): a KOReader statistics.sqlite3 built here from
// KOReader's own schema, imported by the real CLI, with sessions computed by hand.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KoreaderStatistics } from '../src/app/koreader-statistics.js';
import { nodeRuntime } from '../src/node/node-runtime.js';
import { REPO_ROOT, runCli, tempDir } from './helpers/cli.js';
import { writeKoreaderStatistics, readingRun, type StatsBook, type StatsRow } from './helpers/koreader-stats-db.js';

const dirs: (() => void)[] = [];
after(() => dirs.forEach((cleanup) => cleanup()));
function dir(): string {
  const d = tempDir('bls-import-');
  dirs.push(d.cleanup);
  return d.path;
}

const T = Date.UTC(2026, 0, 10, 20, 0, 0) / 1000;
const DAY = 86_400;
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');

const H = {
  dune: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  artOfWar: '39b5a905011a04419a42c64243d08855',
  overlap: '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f',
  stillReading: 'cafebabecafebabecafebabecafebabe',
};

const BOOKS: StatsBook[] = [
  { id: 1, title: 'Dune', authors: 'Frank Herbert', md5: H.dune, pages: 400 },
  { id: 2, title: 'The Art of War.pdf', md5: H.artOfWar, pages: 100 },
  { id: 3, title: 'Untracked Pamphlet', md5: null, pages: 50 },
  { id: 4, title: 'Overlapping Rows', md5: H.overlap, pages: 100 },
  { id: 5, title: 'Still Reading', md5: H.stillReading, pages: 200 },
];

/**
 * Dune: A (pages 10–19), then 301 s after A's last page started, B (20–24); a day later a jump
 * back (not forward); two days later the same page twice (unchanged); three days later E (26–30).
 * The Art of War: two pages while KOReader knew no page count (progress 0), then pages 3–5.
 * Untracked Pamphlet: no MD5. Overlapping Rows: more reading time than span (invalid).
 * Still Reading: F on day 4, then G on day 5, which ends the file: still open.
 */
const ROWS: StatsRow[] = [
  ...readingRun(1, { start: T, firstPage: 10, pages: 10, secondsPerPage: 60, totalPages: 400 }),
  ...readingRun(1, { start: T + 540 + 301, firstPage: 20, pages: 5, secondsPerPage: 45, totalPages: 400 }),
  [1, 5, T + DAY, 30, 400],
  [1, 4, T + DAY + 30, 30, 400],
  [1, 25, T + 2 * DAY, 100, 400],
  [1, 25, T + 2 * DAY + 100, 100, 400],
  ...readingRun(1, { start: T + 3 * DAY, firstPage: 26, pages: 5, secondsPerPage: 40, totalPages: 400 }),
  ...readingRun(2, { start: T + 3600, firstPage: 1, pages: 2, secondsPerPage: 30, totalPages: 0 }),
  ...readingRun(2, { start: T + 7200, firstPage: 3, pages: 3, secondsPerPage: 50, totalPages: 100 }),
  ...readingRun(3, { start: T + 10_000, firstPage: 1, pages: 3, secondsPerPage: 60, totalPages: 50 }),
  [4, 1, T + 20_000, 120, 100],
  [4, 2, T + 20_010, 120, 100],
  ...readingRun(5, { start: T + 4 * DAY, firstPage: 1, pages: 4, secondsPerPage: 60, totalPages: 200 }),
  ...readingRun(5, { start: T + 5 * DAY, firstPage: 5, pages: 3, secondsPerPage: 60, totalPages: 200 }),
];

interface Expected {
  koreaderBookId: number;
  title: string;
  hash: string;
  type: string;
  start: number;
  end: number;
  duration: number;
  startProgress: number;
  endProgress: number;
  startLocation: string;
  endLocation: string;
}

const A: Expected = { koreaderBookId: 1, title: 'Dune', hash: H.dune, type: 'EPUB', start: T, end: T + 600, duration: 600, startProgress: 2.5, endProgress: 4.75, startLocation: '10', endLocation: '19' };
const B: Expected = { koreaderBookId: 1, title: 'Dune', hash: H.dune, type: 'EPUB', start: T + 841, end: T + 1066, duration: 225, startProgress: 5, endProgress: 6, startLocation: '20', endLocation: '24' };
const E: Expected = { koreaderBookId: 1, title: 'Dune', hash: H.dune, type: 'EPUB', start: T + 3 * DAY, end: T + 3 * DAY + 200, duration: 200, startProgress: 6.5, endProgress: 7.5, startLocation: '26', endLocation: '30' };
const ART: Expected = { koreaderBookId: 2, title: 'The Art of War.pdf', hash: H.artOfWar, type: 'PDF', start: T + 7200, end: T + 7350, duration: 150, startProgress: 3, endProgress: 5, startLocation: '3', endLocation: '5' };
const F: Expected = { koreaderBookId: 5, title: 'Still Reading', hash: H.stillReading, type: 'EPUB', start: T + 4 * DAY, end: T + 4 * DAY + 240, duration: 240, startProgress: 0.5, endProgress: 2, startLocation: '1', endLocation: '4' };

function statisticsFile(rows: StatsRow[] = ROWS, journalMode: 'WAL' | 'TRUNCATE' = 'WAL'): string {
  const d = dir();
  const path = join(d, 'statistics.sqlite3');
  writeKoreaderStatistics(path, { books: BOOKS, rows, journalMode });
  return path;
}

async function importStats(home: string, file: string, ...args: string[]) {
  const result = await runCli(['--home', home, '--json', 'import-koreader-stats', file, ...args]);
  assert.equal(result.code, 0, result.stderr);
  return { ...result, report: JSON.parse(result.stdout) };
}

function queueRows(home: string): Record<string, unknown>[] {
  const db = new Database(join(home, 'booklore-sync.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM pending_sessions ORDER BY start_time').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

function asRow(e: Expected) {
  return {
    book_id: null,
    book_hash: e.hash,
    book_type: e.type,
    book_title: e.title,
    koreader_book_id: e.koreaderBookId,
    start_time: iso(e.start),
    end_time: iso(e.end),
    duration_seconds: e.duration,
    start_progress: e.startProgress,
    end_progress: e.endProgress,
    progress_delta: Math.round((e.endProgress - e.startProgress) * 100) / 100,
    start_location: e.startLocation,
    end_location: e.endLocation,
    source: 'import',
    upload_state: 'queued',
    retry_count: 0,
  };
}

function assertQueued(home: string, expected: Expected[]): void {
  const rows = queueRows(home).map((row) => {
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(asRow(A))) picked[key] = row[key];
    return picked;
  });
  assert.deepEqual(rows, [...expected].sort((x, y) => x.start - y.start).map(asRow));
}

test('imports the sessions the plugin would, ending each at its last page start + duration', async () => {
  const home = dir();
  const { report, stderr } = await importStats(home, statisticsFile());
  assertQueued(home, [A, B, E, ART, F]);
  assert.deepEqual(
    { sessions: report.sessions, queued: report.queued, skipped: report.skipped },
    { sessions: 8, queued: 5, skipped: 3 },
  );
  assert.equal(report.open, 1);
  assert.equal(report.withoutMd5, 1);
  assert.equal(report.invalid, 1);
  assert.equal(report.alreadyImported, 0);
  assert.equal(report.notMovedForward, 3);
  assert.equal(report.rows, ROWS.length);
  assert.equal(report.books, 5);
  assert.equal(report.dryRun, false);
  assert.deepEqual(report.booksWithoutMd5, [{ koreaderBookId: 3, title: 'Untracked Pamphlet' }]);
  assert.equal(report.invalidSessions.length, 1);
  assert.equal(report.invalidSessions[0].title, 'Overlapping Rows');
  assert.match(report.invalidSessions[0].reason, /durationSeconds: must not exceed endTime − startTime = 130 s \(got 240\)/);
  // No sync is started: the user runs it.
  assert.match(stderr, /booklore-sync sync/);
});

test('the human report names the books without an MD5, the open session and the invalid one', async () => {
  const home = dir();
  const result = await runCli(['--home', home, 'import-koreader-stats', statisticsFile()]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Queued 5 session\(s\); skipped 3: 1 still open \(import again later\), 1 of books without an MD5, 1 invalid/);
  assert.match(result.stdout, /Books without an MD5 .*"Untracked Pamphlet"/);
  assert.match(result.stdout, /Invalid session of "Overlapping Rows" 2026-01-11T01:33:20Z – .*durationSeconds/);
});

test('importing the same file again queues nothing', async () => {
  const home = dir();
  const file = statisticsFile();
  await importStats(home, file);
  const { report } = await importStats(home, file);
  assert.deepEqual({ sessions: report.sessions, queued: report.queued, skipped: report.skipped }, { sessions: 8, queued: 0, skipped: 8 });
  assert.equal(report.alreadyImported, 5);
  assertQueued(home, [A, B, E, ART, F]);
});

test('a newer copy of the file queues only the new sessions, and the once-open one whole', async () => {
  const home = dir();
  const file = statisticsFile();
  await importStats(home, file);

  // KOReader went on: two more pages of G within the gap, then, a day later, more Dune.
  const newer = join(dir(), 'statistics.sqlite3');
  copyFileSync(file, newer);
  writeKoreaderStatistics(newer, {
    rows: [
      ...readingRun(5, { start: T + 5 * DAY + 180, firstPage: 8, pages: 2, secondsPerPage: 60, totalPages: 200 }),
      ...readingRun(1, { start: T + 6 * DAY, firstPage: 31, pages: 3, secondsPerPage: 60, totalPages: 400 }),
    ],
  });
  const { report } = await importStats(home, newer);
  assert.equal(report.queued, 1);
  assert.equal(report.alreadyImported, 5);
  assert.equal(report.open, 1); // now Dune's day-6 reading
  const G: Expected = { koreaderBookId: 5, title: 'Still Reading', hash: H.stillReading, type: 'EPUB', start: T + 5 * DAY, end: T + 5 * DAY + 300, duration: 300, startProgress: 2.5, endProgress: 4.5, startLocation: '5', endLocation: '9' };
  assertQueued(home, [A, B, E, ART, F, G]);
  // The older file again: nothing.
  assert.equal((await importStats(home, file)).report.queued, 0);
});

test('--include-open queues the session that may still grow; a later copy does not queue its time again', async () => {
  const home = dir();
  const file = statisticsFile();
  const { report } = await importStats(home, file, '--include-open');
  assert.deepEqual([report.queued, report.open], [6, 0]);
  const G: Expected = { koreaderBookId: 5, title: 'Still Reading', hash: H.stillReading, type: 'EPUB', start: T + 5 * DAY, end: T + 5 * DAY + 180, duration: 180, startProgress: 2.5, endProgress: 3.5, startLocation: '5', endLocation: '7' };
  assertQueued(home, [A, B, E, ART, F, G]);
  // The reading did go on within the gap: the grown session overlaps what was imported, so it is skipped.
  const newer = join(dir(), 'statistics.sqlite3');
  copyFileSync(file, newer);
  writeKoreaderStatistics(newer, { rows: readingRun(5, { start: T + 5 * DAY + 180, firstPage: 8, pages: 2, secondsPerPage: 60, totalPages: 200 }) });
  const again = await importStats(home, newer, '--include-open');
  assert.deepEqual([again.report.queued, again.report.alreadyImported], [0, 6]);
  assertQueued(home, [A, B, E, ART, F, G]);
});

test('reading already recorded live (queued or uploaded) is not imported again: overlap on the same book', async () => {
  const home = dir();
  // The plugin (or `record`) sent part of A's reading live; KOReader's statistics hold the same minutes.
  const live = await runCli(['--home', home, 'record', '--no-sync', '--hash', H.dune, '--book-type', 'EPUB', '--start', iso(T + 60), '--end', iso(T + 540), '--start-location', '11', '--end-location', '18']);
  assert.equal(live.code, 0, live.stderr);
  // ART's reading went up by book id only (no hash), and BookLore knows the fingerprint by that id.
  const db = new Database(join(home, 'booklore-sync.sqlite'));
  db.prepare(`INSERT INTO historical_sessions (koreader_book_id, koreader_book_title, book_id, book_hash, book_type, start_time, end_time,
      duration_seconds, matched, synced) VALUES (2, 'The Art of War', 2, NULL, 'PDF', ?, ?, 100, 1, 1)`).run(iso(T + 7250), iso(T + 7350));
  db.prepare("INSERT INTO bls_book_hashes (server_url, book_hash, book_id, resolved_at) VALUES ('http://booklore.local', ?, 2, 0)").run(H.artOfWar);
  // Reading next to it, not overlapping, is new.
  db.prepare(`INSERT INTO historical_sessions (koreader_book_id, koreader_book_title, book_id, book_hash, book_type, start_time, end_time,
      duration_seconds, matched, synced) VALUES (1, 'Dune', NULL, ?, 'EPUB', ?, ?, 200, 1, 1)`).run(H.dune, iso(T + 1066), iso(T + 1200));
  db.close();

  const dry = await importStats(home, statisticsFile(), '--dry-run');
  assert.deepEqual([dry.report.queued, dry.report.alreadyImported], [3, 2]);
  const { report } = await importStats(home, statisticsFile());
  assert.deepEqual([report.queued, report.alreadyImported], [3, 2]);
  const imported = queueRows(home).filter((r) => r.source === 'import').map((r) => r.start_time);
  assert.deepEqual(imported, [iso(B.start), iso(E.start), iso(F.start)]);
});

test('after Clear Pending a re-import queues nothing: the ledger outlives the queue', async () => {
  const home = dir();
  const file = statisticsFile();
  await importStats(home, file);
  const cleared = await runCli(['--home', home, 'clear-pending', '--yes']);
  assert.equal(cleared.code, 0, cleared.stderr);
  const { report } = await importStats(home, file);
  assert.equal(report.queued, 0);
  assert.equal(report.alreadyImported, 5);
  assert.equal(queueRows(home).length, 0);
});

test('--gap 1800 keeps A and B in one session; another gap later queues none of that reading time again', async () => {
  const file = statisticsFile();
  const home = dir();
  const { report } = await importStats(home, file, '--gap', '1800');
  assert.equal(report.gapSeconds, 1800);
  const AB: Expected = { ...A, end: B.end, duration: 825, endProgress: 6, endLocation: '24' };
  assertQueued(home, [AB, E, ART, F]);
  // With 300 s, B starts inside the imported AB: overlapping reading time counts as imported.
  const split = await importStats(home, file);
  assert.equal(split.report.queued, 0);
  assert.equal(split.report.alreadyImported, 5);
  assertQueued(home, [AB, E, ART, F]);

  const other = dir();
  await importStats(other, file);
  const again = await importStats(other, file, '--gap', '1800');
  assert.equal(again.report.queued, 0);
  assert.equal(again.report.alreadyImported, 4);
});

test('--gap must be a positive whole number of seconds', async () => {
  for (const gap of ['0', 'abc', '-5', '1.5']) {
    const home = dir();
    const result = await runCli(['--home', home, 'import-koreader-stats', statisticsFile(), '--gap', gap]);
    assert.equal(result.code, 2, `--gap ${gap}`);
    assert.match(result.stderr, /--gap: must be a whole number of seconds/);
    assert.equal(existsSync(join(home, 'booklore-sync.sqlite')), false);
  }
});

test('--dry-run writes nothing and shows, per book, what would be queued', async () => {
  const home = dir();
  const file = statisticsFile();
  const human = await runCli(['--home', home, 'import-koreader-stats', file, '--dry-run']);
  assert.equal(human.code, 0, human.stderr);
  assert.equal(existsSync(join(home, 'booklore-sync.sqlite')), false);
  assert.match(human.stdout, /Dry run: nothing was written/);
  assert.match(human.stdout, new RegExp(`Dune\\s+${H.dune}\\s+3\\s+3`));
  assert.match(human.stdout, new RegExp(`Still Reading\\s+${H.stillReading}\\s+2\\s+1\\s+1 still open`));
  assert.match(human.stdout, /Untracked Pamphlet\s+\(none\)\s+1\s+0\s+1 of books without an MD5/);
  assert.match(human.stdout, /Would queue 5 session\(s\)/);
  assert.doesNotMatch(human.stderr, /booklore-sync sync/);

  const json = await importStats(home, file, '--dry-run');
  assert.equal(json.report.dryRun, true);
  assert.deepEqual({ sessions: json.report.sessions, queued: json.report.queued, skipped: json.report.skipped }, { sessions: 8, queued: 5, skipped: 3 });

  // After a real import, a dry run reads the ledger (without writing) and predicts nothing new.
  await importStats(home, file);
  const db = join(home, 'booklore-sync.sqlite');
  const before = readFileSync(db);
  const after = await importStats(home, file, '--dry-run');
  assert.equal(after.report.queued, 0);
  assert.equal(after.report.alreadyImported, 5);
  assert.deepEqual(readFileSync(db), before);
  assert.equal(queueRows(home).length, 5);
});

test("the statistics file is only read: its bytes are unchanged and nothing appears next to it", async () => {
  const file = statisticsFile();
  const folder = join(file, '..');
  const before = readFileSync(file);
  const listing = readdirSync(folder);
  await importStats(dir(), file);
  await importStats(dir(), file, '--dry-run');
  assert.deepEqual(readFileSync(file), before);
  assert.deepEqual(readdirSync(folder), listing);
});

test('a file KOReader has open: rows still in its -wal are imported, and neither file changes', async () => {
  const file = statisticsFile(ROWS.filter((r) => r[0] !== 2));
  const writer = new Database(file);
  try {
    writer.pragma('wal_autocheckpoint = 0');
    const insert = writer.prepare('INSERT INTO page_stat_data VALUES (?, ?, ?, ?, ?)');
    for (const row of ROWS.filter((r) => r[0] === 2)) insert.run(...row);
    assert.ok(readFileSync(`${file}-wal`).length > 0);
    const main = readFileSync(file);
    const wal = readFileSync(`${file}-wal`);
    const home = dir();
    const { report } = await importStats(home, file);
    assert.equal(report.queued, 5);
    assert.ok(queueRows(home).some((row) => row.book_hash === H.artOfWar));
    assert.deepEqual(readFileSync(file), main);
    assert.deepEqual(readFileSync(`${file}-wal`), wal);
  } finally {
    writer.close();
  }
});

test('a file another process holds locked is imported as last committed', async () => {
  const file = statisticsFile(ROWS, 'TRUNCATE');
  const holder = spawn(process.execPath, [join(REPO_ROOT, 'dist/test/helpers/hold-lock.js'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  try {
    const { report } = await importStats(dir(), file);
    assert.equal(report.queued, 5);
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => holder.on('close', resolve));
  }
});

test('a file whose writer died mid-transaction imports its last committed state; its journal is left for KOReader', async () => {
  const file = statisticsFile(ROWS, 'TRUNCATE');
  // A writer that spills uncommitted pages into the file (tiny cache), then is killed: a hot journal.
  const writer = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
      db.pragma('cache_size = 2');
      db.exec('BEGIN');
      const insert = db.prepare('INSERT INTO page_stat_data VALUES (1, ?, ?, 60, 40000)');
      for (let i = 0; i < 20000; i++) insert.run(1000 + i, ${T + 10 * DAY} + i * 60);
      process.stdout.write('WRITTEN\\n');
      setInterval(() => {}, 1000);`,
      file,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
  writer.kill('SIGKILL');
  await new Promise((resolve) => writer.on('close', resolve));
  assert.ok(readFileSync(`${file}-journal`).length > 0, 'no hot journal was left');
  const main = readFileSync(file);
  const journal = readFileSync(`${file}-journal`);
  const home = dir();
  const { report } = await importStats(home, file);
  assert.equal(report.rows, ROWS.length);
  assert.equal(report.queued, 5);
  assert.deepEqual(readFileSync(file), main);
  assert.deepEqual(readFileSync(`${file}-journal`), journal);
});

test('page turns come a book at a time in start-time order, whether a book fits in one read or not', () => {
  const file = KoreaderStatistics.open(statisticsFile(), nodeRuntime(dir()));
  try {
    const read = (chunkRows: number) => {
      const turns: string[] = [];
      file.forEachPageTurn((book, t) => turns.push(`${book}:${t.startTime}:${t.page}:${t.duration}:${t.totalPages}`), chunkRows);
      return turns;
    };
    const expected = [...ROWS]
      .sort((a, b) => a[0]! - b[0]! || a[2] - b[2] || a[1] - b[1])
      .map(([book, page, start, duration, total]) => `${book}:${start}:${page}:${duration}:${total}`);
    assert.deepEqual(read(10_000), expected);
    assert.deepEqual(read(3), expected); // Dune's 26 rows are read three at a time
    assert.deepEqual(file.summary(), { rows: ROWS.length, newestInstant: T + 5 * DAY + 180 });
  } finally {
    file.close();
  }
});

test('a snapshot left by a killed import is removed by the next one; live and unowned ones stay', async () => {
  const tmp = dir();
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
  const snapshot = (name: string, owner: string | null) => {
    const path = join(tmp, `booklore-sync-import-${name}`);
    mkdirSync(path);
    writeFileSync(join(path, 'statistics.sqlite3'), 'a big copy');
    if (owner !== null) writeFileSync(join(path, 'owner.pid'), owner);
    return path;
  };
  const abandoned = snapshot('dead', `${deadPid}\n`);
  const live = snapshot('live', `${process.pid}\n`);
  const unowned = snapshot('unowned', null);
  const result = await runCli(['--home', dir(), '--json', 'import-koreader-stats', statisticsFile()], { env: { TMPDIR: tmp } });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(JSON.parse(result.stdout).queued > 0);
  assert.equal(existsSync(abandoned), false, 'the dead import\'s snapshot is gone');
  assert.ok(existsSync(live) && existsSync(unowned));
  assert.deepEqual(readdirSync(tmp).sort(), ['booklore-sync-import-live', 'booklore-sync-import-unowned'], 'this import removed its own snapshot too');
});

test('what is not KOReader statistics is refused with exit 2, a message saying what to give, and nothing written', async () => {
  const d = dir();
  const notSqlite = join(d, 'notes.txt');
  writeFileSync(notSqlite, 'just some text, not a database\n'.repeat(20));
  const empty = join(d, 'empty.sqlite3');
  writeFileSync(empty, '');
  const foreign = join(d, 'foreign.sqlite3');
  const f = new Database(foreign);
  f.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'hello\')');
  f.close();
  const noMd5Column = join(d, 'other-book-table.sqlite3');
  const o = new Database(noMd5Column);
  o.exec(`CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT);
    CREATE TABLE page_stat_data (id_book INTEGER, page INTEGER, start_time INTEGER, duration INTEGER, total_pages INTEGER)`);
  o.close();
  const oldKoreader = join(d, 'old-statistics.sqlite3');
  const k = new Database(oldKoreader);
  k.exec('CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT, md5 TEXT); CREATE TABLE page_stat (id_book INTEGER, page INTEGER, start_time INTEGER, period INTEGER)');
  k.close();
  const ourQueue = dir();
  assert.equal((await runCli(['--home', ourQueue, 'pending'])).code, 0);

  const cases: [string, RegExp][] = [
    [join(d, 'missing.sqlite3'), /missing\.sqlite3 does not exist; give KOReader's statistics\.sqlite3/],
    [d, /is a directory; give KOReader's statistics\.sqlite3/],
    [empty, /is empty, not KOReader's statistics/],
    [notSqlite, /notes\.txt is not a SQLite database; give KOReader's statistics\.sqlite3/],
    [foreign, /foreign\.sqlite3 is a SQLite database but not KOReader's statistics \(it has no page_stat_data table\)/],
    [noMd5Column, /table book lacks md5/],
    [oldKoreader, /KOReader statistics from before 2020/],
    [join(ourQueue, 'booklore-sync.sqlite'), /not KOReader's statistics \(it has no page_stat_data table\)/],
  ];
  for (const [file, message] of cases) {
    const home = dir();
    const result = await runCli(['--home', home, '--json', 'import-koreader-stats', file]);
    assert.equal(result.code, 2, `${file}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(result.stdout, '');
    assert.equal(existsSync(join(home, 'booklore-sync.sqlite')), false, `${file}: a queue database was created`);
  }
});

test('a damaged statistics file is refused before anything is queued', async () => {
  // Enough rows for several pages, then a b-tree page overwritten.
  const rows = readingRun(1, { start: T, firstPage: 1, pages: 3000, secondsPerPage: 30, totalPages: 4000 });
  const file = statisticsFile(rows, 'TRUNCATE');
  const size = readFileSync(file).length;
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 4096 / 2) * 4096);
  } finally {
    closeSync(fd);
  }
  const home = dir();
  mkdirSync(home, { recursive: true });
  const result = await runCli(['--home', home, 'import-koreader-stats', file]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /is damaged \(SQLITE_CORRUPT.*\); nothing was imported/);
  assert.equal(existsSync(join(home, 'booklore-sync.sqlite')), false);
});

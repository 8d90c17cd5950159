// KOReader statistics files as they come: odd values in every column (SQLite keeps any type),
// missing tables or columns, random bytes, truncation. `import-koreader-stats` ends in a documented
// exit code with a message, never touches the file, and never removes a queued session.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { validateSession } from '../../src/core/session.js';
import { LocalStore } from '../../src/node/sqlite/local-store.js';
import { writeKoreaderStatistics, type StatsRow } from '../../test/helpers/koreader-stats-db.js';
import { Prng } from '../prng.js';
import { fileDigest } from './file-digest.js';
import { recordFailure, type FuzzResult } from './fuzz-result.js';
import { looksLikeACrash, runInProcess } from './in-process-cli.js';
import { hostileString, hostileValue } from './values.js';

const VALID_CODES = new Set([0, 1, 2, 3, 4]);

function queued(home: string): number {
  const store = LocalStore.open(home);
  try {
    return store.queue.pendingCount() + store.queue.history(1_000_000).length;
  } finally {
    store.close();
  }
}

/** A plausible file with hostile values sprinkled in. */
function oddStatistics(path: string, rng: Prng): string {
  const books = Array.from({ length: rng.int(1, 5) }, (_, i) => ({
    id: i + 1,
    title: rng.chance(0.2) ? hostileString(rng) : `Book ${i}${rng.pick(['.epub', '.pdf', '', '.cbz'])}`,
    md5: rng.chance(0.7) ? randomBytes(16).toString('hex') : rng.chance(0.5) ? null : hostileString(rng),
  }));
  const rows: StatsRow[] = [];
  let t = 1_700_000_000 + rng.int(0, 1e6);
  for (let i = rng.int(0, 300); i > 0; i--) {
    t += rng.pick([1, 30, 60, 299, 300, 301, 3600, -100]);
    rows.push([rng.int(1, books.length), rng.int(-2, 600), t, rng.pick([0, 1, 30, 600, -5, 86400 * 30]), rng.pick([0, 100, 300, 1])]);
  }
  writeKoreaderStatistics(path, { books, rows, journalMode: rng.chance(0.5) ? 'WAL' : 'TRUNCATE' });
  if (rng.chance(0.5)) {
    const db = new Database(path);
    // KOReader does not enforce its foreign key: rows of books that are gone do occur
    db.pragma('foreign_keys = OFF');
    db.prepare('INSERT OR IGNORE INTO page_stat_data VALUES (?, 1, ?, 30, 100)').run(rng.pick([0, 99, null]), t + 5);
    const column = rng.pick(['page', 'start_time', 'duration', 'total_pages', 'id_book']);
    const raw = hostileValue(rng);
    const value = typeof raw === 'object' || raw === undefined ? JSON.stringify(raw) ?? '' : typeof raw === 'boolean' ? Number(raw) : raw;
    try {
      db.prepare(`UPDATE page_stat_data SET ${column} = ? WHERE rowid IN (SELECT rowid FROM page_stat_data ORDER BY random() LIMIT 3)`).run(value);
    } catch {
      // a value the schema itself refuses (NOT NULL, UNIQUE): KOReader could not have written it either
    }
    db.close();
    return `odd ${column} values`;
  }
  return 'odd rows';
}

const MAKERS: ((path: string, rng: Prng) => string)[] = [
  oddStatistics,
  oddStatistics,
  (path, rng) => {
    oddStatistics(path, rng);
    const db = new Database(path);
    db.pragma('foreign_keys = OFF');
    db.exec(rng.pick(['DROP TABLE page_stat_data', 'DROP VIEW page_stat; DROP TABLE book', 'DROP INDEX book_title_authors_md5; DROP VIEW page_stat; ALTER TABLE book DROP COLUMN md5', 'DROP VIEW page_stat; ALTER TABLE page_stat_data RENAME COLUMN duration TO period']));
    db.close();
    return 'a table or column missing';
  },
  (path, rng) => {
    writeFileSync(path, randomBytes(rng.int(0, 20000)));
    return 'random bytes';
  },
  (path, rng) => {
    oddStatistics(path, rng);
    const size = readFileSync(path).length;
    truncateSync(path, rng.int(0, size - 1));
    return 'truncated';
  },
  (path) => {
    const db = new Database(path);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes VALUES (1, 'hi')");
    db.close();
    return "another application's database";
  },
];

export async function fuzzStatisticsFiles(seed: number, cases: number): Promise<FuzzResult> {
  const rng = new Prng(seed);
  const result: FuzzResult = { name: 'KOReader statistics files', cases: 0, failures: [] };
  const home = mkdtempSync(join(tmpdir(), 'bls-fuzz-stats-'));
  try {
    const store = LocalStore.open(home);
    const v = validateSession({ bookId: 1, startTime: 1_772_000_000, endTime: 1_772_001_800 });
    if (v.ok) store.queue.enqueue(v.session, 'record');
    store.close();
    for (let i = 0; i < cases; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'bls-fuzz-stats-file-'));
      try {
        const file = join(dir, 'statistics.sqlite3');
        const made = rng.pick(MAKERS)(file, rng);
        const before = fileDigest(file);
        const countBefore = queued(home);
        const argv = ['--home', home, ...(rng.chance(0.3) ? ['--json'] : []), 'import-koreader-stats', file, ...(rng.chance(0.3) ? ['--dry-run'] : []), ...(rng.chance(0.2) ? ['--gap', rng.pick(['1800', '0', '-1', 'x'])] : [])];
        const outcome = await runInProcess(argv);
        result.cases++;
        const context = `seed ${seed} case ${i} (${made}): ${argv.slice(2).join(' ')}`;
        if (!VALID_CODES.has(outcome.code)) recordFailure(result, `exit ${outcome.code}: ${context}`);
        const crash = looksLikeACrash(outcome.stderr);
        if (crash) recordFailure(result, `${crash}: ${context}`);
        if (outcome.code !== 0 && outcome.stderr.trim() === '') recordFailure(result, `exit ${outcome.code} without a message: ${context}`);
        if (fileDigest(file) !== before) recordFailure(result, `the statistics file was changed: ${context}`);
        if (queued(home) < countBefore) recordFailure(result, `queued sessions disappeared: ${context}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return result;
}

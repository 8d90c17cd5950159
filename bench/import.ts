// Importing KOReader history: 1,000,000 page_stat_data rows (200 books) in KOReader's own schema,
// imported by a child process (time and peak memory), then imported again (everything already in
// the ledger). The aims are < 5 s and < 200 MB, with memory that does not grow with the rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeKoreaderStatistics, type StatsBook, type StatsRow } from '../test/helpers/koreader-stats-db.js';
import type { Figures } from './figure.js';
import { round } from './stats.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'import-child.js');
const BOOKS = 200;
const ROWS_PER_BOOK = 5_000;

/** A small seeded generator (mulberry32), so every run reads the same file. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Page turns as KOReader records them: a page shown for 5 s or more (shorter ones are not kept),
 * its duration capped at 120 s, the next page starting when this one was left; now and then a page
 * back; sessions of 10–60 pages, 30 minutes to two days apart; a finished book is read again.
 */
function* pageTurns(bookId: number, totalPages: number, next: () => number): Generator<StatsRow> {
  let time = 1_600_000_000 + bookId * 86_400 * 10;
  let page = 1;
  let left = 0;
  for (let i = 0; i < ROWS_PER_BOOK; i++) {
    if (left === 0) {
      time += 1800 + Math.floor(next() * 2 * 86_400);
      left = 10 + Math.floor(next() * 50);
    }
    const shown = 5 + Math.floor(next() * 150);
    yield [bookId, page, time, Math.min(shown, 120), totalPages];
    time += shown;
    left--;
    page = next() < 0.05 && page > 1 ? page - 1 : page >= totalPages ? 1 : page + 1;
  }
}

function importOnce(home: string, file: string): { ms: number; maxRssMb: number; rows: number; sessions: number; queued: number; skipped: number } {
  const out = execFileSync(process.execPath, [CHILD, home, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function measureImport(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'bls-bench-import-'));
  try {
    const file = join(dir, 'statistics.sqlite3');
    const next = random(20221111);
    const books: StatsBook[] = Array.from({ length: BOOKS }, (_, i) => ({
      id: i + 1,
      title: `Bench Book ${i + 1}`,
      authors: 'Bench',
      md5: (i + 1).toString(16).padStart(32, '0'),
      pages: 250 + Math.floor(next() * 450),
    }));
    writeKoreaderStatistics(file, {
      books,
      rows: (function* () {
        for (const book of books) yield* pageTurns(book.id, book.pages!, next);
      })(),
    });
    const home = join(dir, 'home');
    mkdirSync(home, { mode: 0o700 });
    const first = importOnce(home, file);
    if (first.rows !== BOOKS * ROWS_PER_BOOK || first.queued === 0) throw new Error(`import incomplete: ${JSON.stringify(first)}`);
    const again = importOnce(home, file);
    if (again.queued !== 0) throw new Error(`re-import queued ${again.queued} session(s)`);
    const megabytes = round(statSync(file).size / 1048576, 0);
    return {
      import_1m_rows_seconds: {
        value: round(first.ms / 1000, 2),
        unit: 's',
        note: `import-koreader-stats of a ${megabytes} MB statistics.sqlite3 (KOReader's schema, ${BOOKS} books, ${first.rows.toLocaleString('en-US')} page turns) into a fresh data directory, child process: ${first.sessions.toLocaleString('en-US')} sessions, ${first.queued.toLocaleString('en-US')} queued (snapshot copy, read, group, validate, durable enqueue in transactions of 1,000 sessions); importing it again queues nothing in ${round(again.ms / 1000, 2)} s`,
      },
      import_1m_rows_peak_rss_mb: {
        value: round(first.maxRssMb, 1),
        unit: 'MB',
        note: `peak resident memory of that import process (the re-import: ${round(again.maxRssMb, 1)} MB)`,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
